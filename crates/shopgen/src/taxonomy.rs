//! The demo shop's category tree, brands and materials: static bilingual (Chinese and English)
//! data, nothing random.
//!
//! Eight departments, each with two- and three-level leaves. A leaf is where items live; it
//! carries the product noun, the typical price and how the item is sized. Randomness (which
//! brand, which colour, what price) is applied in `catalog`, not here.

/// How items of a leaf are sized, which decides their size attribute.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Sizing {
    /// S to XXL.
    Apparel,
    /// EU shoe sizes 35 to 45.
    Shoe,
    /// Storage in GB.
    Storage,
    /// Volume in ml.
    Volume,
    /// Net weight in g.
    Weight,
    /// Page count.
    Pages,
    /// No size.
    OneSize,
}

/// What the "material" attribute means for a leaf, and its possible values as (Chinese, English).
#[derive(Debug)]
pub(crate) struct Materials {
    /// Attribute key: material, ingredient, origin or format.
    pub key: &'static str,
    /// Possible values.
    pub values: &'static [(&'static str, &'static str)],
}

// The data tables below keep one row per entry, which reads as a table; rustfmt would scatter
// each row over ten lines, hence the `rustfmt::skip`s.

#[rustfmt::skip]
const FABRIC: Materials = Materials { key: "material", values: &[("纯棉", "cotton"), ("亚麻", "linen"), ("涤纶", "polyester"), ("羊毛", "wool"), ("真丝", "silk"), ("牛仔布", "denim")] };
#[rustfmt::skip]
const SHOE: Materials = Materials { key: "material", values: &[("网面", "mesh"), ("真皮", "leather"), ("帆布", "canvas"), ("合成革", "synthetic leather"), ("麂皮", "suede")] };
#[rustfmt::skip]
const TECH: Materials = Materials { key: "material", values: &[("铝合金", "aluminium"), ("塑料", "plastic"), ("玻璃", "glass"), ("硅胶", "silicone")] };
#[rustfmt::skip]
const HOME: Materials = Materials { key: "material", values: &[("不锈钢", "stainless steel"), ("陶瓷", "ceramic"), ("实木", "solid wood"), ("纯棉", "cotton"), ("竹", "bamboo"), ("铸铁", "cast iron")] };
#[rustfmt::skip]
const BEAUTY: Materials = Materials { key: "ingredient", values: &[("玻尿酸", "hyaluronic acid"), ("烟酰胺", "niacinamide"), ("维C", "vitamin C"), ("植物精油", "botanical oils"), ("视黄醇", "retinol")] };
#[rustfmt::skip]
const GEAR: Materials = Materials { key: "material", values: &[("尼龙", "nylon"), ("碳纤维", "carbon fibre"), ("橡胶", "rubber"), ("铝合金", "aluminium"), ("涤纶", "polyester")] };
#[rustfmt::skip]
const FOOD: Materials = Materials { key: "origin", values: &[("云南", "Yunnan"), ("福建", "Fujian"), ("新疆", "Xinjiang"), ("东北", "Northeast China"), ("进口", "imported")] };
#[rustfmt::skip]
const BOOK: Materials = Materials { key: "format", values: &[("平装", "paperback"), ("精装", "hardcover")] };

/// A top-level department.
#[derive(Debug)]
pub(crate) struct Department {
    /// Bilingual name, the first level of every category path.
    pub name: &'static str,
    /// Brands selling here; their position decides their tier (see [`brand_tier`]).
    pub brands: &'static [&'static str],
    /// Adjectives for titles, as (Chinese, English).
    pub adjectives: &'static [(&'static str, &'static str)],
    /// Whether items come in colours.
    pub coloured: bool,
}

/// A leaf of the category tree: where items live.
#[derive(Debug)]
pub(crate) struct Leaf {
    /// Index into [`DEPARTMENTS`].
    pub dept: usize,
    /// Category levels below the department.
    pub path: &'static [&'static str],
    /// Product noun in Chinese.
    pub noun_zh: &'static str,
    /// Product noun in English.
    pub noun_en: &'static str,
    /// Median price in CNY.
    pub median_price: f64,
    /// Spread of log price.
    pub price_sigma: f64,
    /// How items are sized.
    pub sizing: Sizing,
    /// The material-like attribute.
    pub materials: &'static Materials,
}

#[rustfmt::skip]
const WEAR_ADJ: &[(&str, &str)] = &[("经典", "Classic"), ("修身", "Slim-fit"), ("宽松", "Relaxed"), ("复古", "Retro"), ("简约", "Minimalist"), ("舒适", "Comfortable"), ("时尚", "Stylish"), ("透气", "Breathable")];
#[rustfmt::skip]
const TECH_ADJ: &[(&str, &str)] = &[("旗舰", "Flagship"), ("轻薄", "Ultra-thin"), ("无线", "Wireless"), ("智能", "Smart"), ("专业", "Pro"), ("便携", "Portable"), ("降噪", "Noise-cancelling")];
#[rustfmt::skip]
const HOME_ADJ: &[(&str, &str)] = &[("北欧", "Nordic"), ("简约", "Minimalist"), ("加厚", "Thick"), ("多功能", "Multi-purpose"), ("家用", "Household"), ("静音", "Quiet")];
#[rustfmt::skip]
const BEAUTY_ADJ: &[(&str, &str)] = &[("保湿", "Hydrating"), ("温和", "Gentle"), ("持久", "Long-lasting"), ("清爽", "Fresh"), ("修护", "Repairing"), ("亮白", "Brightening")];
#[rustfmt::skip]
const SPORT_ADJ: &[(&str, &str)] = &[("专业", "Pro"), ("轻量", "Lightweight"), ("防水", "Waterproof"), ("耐磨", "Durable"), ("便携", "Portable"), ("户外", "Outdoor")];
#[rustfmt::skip]
const FOOD_ADJ: &[(&str, &str)] = &[("有机", "Organic"), ("手工", "Handmade"), ("精选", "Selected"), ("原味", "Original"), ("低糖", "Low-sugar"), ("新鲜", "Fresh")];
#[rustfmt::skip]
const BOOK_ADJ: &[(&str, &str)] = &[("经典", "Classic"), ("畅销", "Bestselling"), ("入门", "Beginner's"), ("精选", "Selected"), ("图解", "Illustrated"), ("全新修订", "Revised")];

/// The departments, in a fixed order (their index is stored in every leaf).
#[rustfmt::skip]
pub(crate) const DEPARTMENTS: &[Department] = &[
    Department { name: "服装 Clothing", brands: &["Nimbus", "青禾 Qinghe", "Urban Loom", "Maple & Co", "素言 Suyan", "Northfold"], adjectives: WEAR_ADJ, coloured: true },
    Department { name: "鞋靴 Shoes", brands: &["Stride", "Nimbus", "飞步 Feibu", "Trailhawk", "Cobble", "云步 Yunbu"], adjectives: WEAR_ADJ, coloured: true },
    Department { name: "数码 Electronics", brands: &["Voltix", "Lumina", "星河 Xinghe", "Arcwave", "Pixelon", "墨芯 Moxin"], adjectives: TECH_ADJ, coloured: true },
    Department { name: "家居 Home", brands: &["Hearth", "木语 Muyu", "Casa Lume", "Nestwell", "简宅 Jianzhai", "Oakleaf"], adjectives: HOME_ADJ, coloured: true },
    Department { name: "美妆 Beauty", brands: &["Velour", "花漾 Huayang", "Dewlab", "Serein", "玉容 Yurong", "Bloomera"], adjectives: BEAUTY_ADJ, coloured: false },
    Department { name: "运动 Sports", brands: &["Peakline", "Nimbus", "动力 Dongli", "Trailhawk", "Kinetic", "越野 Yueye"], adjectives: SPORT_ADJ, coloured: true },
    Department { name: "食品 Grocery", brands: &["Harvest", "山野 Shanye", "Golden Field", "良品 Liangpin", "Orchard", "茶语 Chayu"], adjectives: FOOD_ADJ, coloured: false },
    Department { name: "图书 Books", brands: &["Penguin Lane", "中信 Zhongxin", "Lantern Press", "人民文学 Renmin Wenxue", "Inkwell", "读客 Duke"], adjectives: BOOK_ADJ, coloured: false },
];

/// Index of the grocery department, whose items are bought several at a time.
pub(crate) const GROCERY: usize = 6;

/// Price and quality of a brand, by its position in its department's list: premium, mid-range
/// and budget brands alternate so every department has each kind. Returns (price factor, mean
/// quality on 0..1).
pub(crate) fn brand_tier(position: usize) -> (f64, f64) {
    match position % 3 {
        0 => (1.6, 0.80),
        1 => (1.0, 0.70),
        _ => (0.65, 0.56),
    }
}

macro_rules! leaf {
    ($dept:expr, [$($p:expr),+], $zh:expr, $en:expr, $price:expr, $sigma:expr, $sizing:ident, $mat:expr) => {
        Leaf { dept: $dept, path: &[$($p),+], noun_zh: $zh, noun_en: $en, median_price: $price, price_sigma: $sigma, sizing: Sizing::$sizing, materials: &$mat }
    };
}

/// Every leaf, as (department, path below it, noun in Chinese and English, median price in
/// CNY, spread of log price, sizing, materials).
#[rustfmt::skip]
pub(crate) const LEAVES: &[Leaf] = &[
    leaf!(0, ["女装 Women", "连衣裙 Dresses"], "连衣裙", "Dress", 299.0, 0.45, Apparel, FABRIC),
    leaf!(0, ["女装 Women", "衬衫 Blouses"], "衬衫", "Blouse", 159.0, 0.4, Apparel, FABRIC),
    leaf!(0, ["男装 Men", "T恤 T-Shirts"], "T恤", "T-Shirt", 99.0, 0.4, Apparel, FABRIC),
    leaf!(0, ["男装 Men", "夹克 Jackets"], "夹克", "Jacket", 459.0, 0.45, Apparel, FABRIC),
    leaf!(0, ["男装 Men", "牛仔裤 Jeans"], "牛仔裤", "Jeans", 259.0, 0.35, Apparel, FABRIC),
    leaf!(0, ["童装 Kids", "卫衣 Hoodies"], "卫衣", "Hoodie", 129.0, 0.35, Apparel, FABRIC),
    leaf!(1, ["运动鞋 Sneakers", "跑步鞋 Running Shoes"], "跑步鞋", "Running Shoes", 499.0, 0.4, Shoe, SHOE),
    leaf!(1, ["运动鞋 Sneakers", "板鞋 Skate Shoes"], "板鞋", "Skate Shoes", 359.0, 0.35, Shoe, SHOE),
    leaf!(1, ["靴子 Boots"], "靴子", "Boots", 599.0, 0.4, Shoe, SHOE),
    leaf!(1, ["凉鞋 Sandals"], "凉鞋", "Sandals", 199.0, 0.4, Shoe, SHOE),
    leaf!(1, ["皮鞋 Leather Shoes"], "皮鞋", "Leather Shoes", 459.0, 0.35, Shoe, SHOE),
    leaf!(2, ["手机 Phones", "智能手机 Smartphones"], "智能手机", "Smartphone", 2999.0, 0.55, Storage, TECH),
    leaf!(2, ["手机 Phones", "手机壳 Phone Cases"], "手机壳", "Phone Case", 49.0, 0.45, OneSize, TECH),
    leaf!(2, ["电脑 Computers", "笔记本电脑 Laptops"], "笔记本电脑", "Laptop", 5999.0, 0.45, Storage, TECH),
    leaf!(2, ["电脑 Computers", "键盘 Keyboards"], "键盘", "Keyboard", 299.0, 0.5, OneSize, TECH),
    leaf!(2, ["音频 Audio", "耳机 Headphones"], "耳机", "Headphones", 599.0, 0.6, OneSize, TECH),
    leaf!(2, ["音频 Audio", "蓝牙音箱 Speakers"], "蓝牙音箱", "Bluetooth Speaker", 399.0, 0.5, OneSize, TECH),
    leaf!(2, ["智能手表 Smartwatches"], "智能手表", "Smartwatch", 1299.0, 0.5, OneSize, TECH),
    leaf!(3, ["厨房 Kitchen", "炒锅 Woks"], "炒锅", "Wok", 259.0, 0.45, OneSize, HOME),
    leaf!(3, ["厨房 Kitchen", "保温杯 Thermos"], "保温杯", "Thermos Bottle", 129.0, 0.4, Volume, HOME),
    leaf!(3, ["家纺 Bedding", "四件套 Bedding Sets"], "床品四件套", "Bedding Set", 399.0, 0.45, OneSize, HOME),
    leaf!(3, ["家纺 Bedding", "枕头 Pillows"], "枕头", "Pillow", 129.0, 0.45, OneSize, HOME),
    leaf!(3, ["灯具 Lamps"], "台灯", "Desk Lamp", 199.0, 0.45, OneSize, HOME),
    leaf!(3, ["收纳 Storage", "收纳盒 Storage Boxes"], "收纳盒", "Storage Box", 59.0, 0.4, OneSize, HOME),
    leaf!(4, ["护肤 Skincare", "面霜 Face Creams"], "面霜", "Face Cream", 299.0, 0.6, Volume, BEAUTY),
    leaf!(4, ["护肤 Skincare", "精华 Serums"], "精华液", "Serum", 399.0, 0.6, Volume, BEAUTY),
    leaf!(4, ["彩妆 Makeup", "口红 Lipsticks"], "口红", "Lipstick", 199.0, 0.45, OneSize, BEAUTY),
    leaf!(4, ["彩妆 Makeup", "粉底 Foundations"], "粉底液", "Foundation", 259.0, 0.45, Volume, BEAUTY),
    leaf!(4, ["香水 Perfumes"], "香水", "Perfume", 599.0, 0.5, Volume, BEAUTY),
    leaf!(5, ["健身 Fitness", "瑜伽垫 Yoga Mats"], "瑜伽垫", "Yoga Mat", 129.0, 0.4, OneSize, GEAR),
    leaf!(5, ["健身 Fitness", "哑铃 Dumbbells"], "哑铃", "Dumbbells", 199.0, 0.5, Weight, GEAR),
    leaf!(5, ["户外 Outdoor", "帐篷 Tents"], "帐篷", "Tent", 699.0, 0.5, OneSize, GEAR),
    leaf!(5, ["户外 Outdoor", "背包 Backpacks"], "背包", "Backpack", 299.0, 0.45, Volume, GEAR),
    leaf!(5, ["骑行 Cycling", "骑行头盔 Helmets"], "骑行头盔", "Cycling Helmet", 299.0, 0.45, Apparel, GEAR),
    leaf!(6, ["零食 Snacks", "坚果 Nuts"], "坚果", "Mixed Nuts", 69.0, 0.4, Weight, FOOD),
    leaf!(6, ["零食 Snacks", "饼干 Biscuits"], "饼干", "Biscuits", 29.0, 0.4, Weight, FOOD),
    leaf!(6, ["饮品 Drinks", "茶叶 Tea"], "茶叶", "Tea", 159.0, 0.6, Weight, FOOD),
    leaf!(6, ["饮品 Drinks", "咖啡 Coffee"], "咖啡豆", "Coffee Beans", 99.0, 0.45, Weight, FOOD),
    leaf!(6, ["粮油 Pantry", "大米 Rice"], "大米", "Rice", 79.0, 0.35, Weight, FOOD),
    leaf!(7, ["小说 Fiction"], "小说", "Novel", 49.0, 0.35, Pages, BOOK),
    leaf!(7, ["科技 Technology", "编程 Programming"], "编程指南", "Programming Guide", 89.0, 0.35, Pages, BOOK),
    leaf!(7, ["经管 Business"], "商业读物", "Business Book", 59.0, 0.3, Pages, BOOK),
    leaf!(7, ["童书 Children's Books"], "绘本", "Picture Book", 39.0, 0.35, Pages, BOOK),
    leaf!(7, ["历史 History"], "历史读物", "History Book", 69.0, 0.35, Pages, BOOK),
];

/// Colours as (Chinese, English).
#[rustfmt::skip]
pub(crate) const COLOURS: &[(&str, &str)] = &[
    ("黑色", "Black"), ("白色", "White"), ("蓝色", "Blue"), ("红色", "Red"), ("灰色", "Grey"), ("绿色", "Green"),
    ("粉色", "Pink"), ("米色", "Beige"), ("藏青", "Navy"), ("黄色", "Yellow"), ("紫色", "Purple"), ("棕色", "Brown"),
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_leaf_points_at_a_department_and_every_department_has_leaves() {
        for leaf in LEAVES {
            assert!(leaf.dept < DEPARTMENTS.len(), "{}", leaf.noun_en);
            assert!(!leaf.path.is_empty() && leaf.path.len() <= 2);
        }
        for (d, dept) in DEPARTMENTS.iter().enumerate() {
            assert!(LEAVES.iter().filter(|l| l.dept == d).count() >= 4, "{}", dept.name);
        }
    }
}
