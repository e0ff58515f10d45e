//! Bilingual text: item titles and descriptions, search queries and review texts, assembled
//! from word lists.
//!
//! Not natural-language generation: fixed templates filled with the leaf's nouns, the brand, a
//! colour and a material, in Chinese and English, so that tokenizers and text models have real
//! words to work on and the words agree with the item's category. Only catalog building and
//! reviews format text; the per-event path never does.

use rand::Rng;

use crate::taxonomy::{Department, Leaf, Sizing, COLOURS};

/// Selling points for descriptions, as (Chinese, English).
const SELLING_POINTS: &[(&str, &str)] = &[
    ("做工精细，品质可靠", "Carefully made and built to last"),
    ("百搭实用，适合日常", "Versatile for everyday use"),
    ("送礼自用两相宜", "A great gift, or a treat for yourself"),
    ("七天无理由退换", "Free returns within 7 days"),
    ("官方正品，品质保证", "Genuine product, quality guaranteed"),
    ("新品上市，限时优惠", "New arrival at an introductory price"),
];

/// How many selling points there are, for catalog draws.
pub(crate) const SELLING_POINT_COUNT: usize = SELLING_POINTS.len();

/// The word choices that make one item's text.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Wording {
    /// Index into the department's brands.
    pub brand: u8,
    /// Index into the department's adjectives.
    pub adjective: u8,
    /// Index into [`COLOURS`], when the department is coloured.
    pub colour: u8,
    /// Index into the leaf's materials.
    pub material: u8,
    /// Index into [`SELLING_POINTS`].
    pub selling_point: u8,
    /// A size-like figure for the title (GB, ml, g, volume number), 0 for none.
    pub figure: u32,
}

/// "Nimbus 轻量跑步鞋 Lightweight Running Shoes - Blue 蓝色 256GB".
pub(crate) fn title(dept: &Department, leaf: &Leaf, w: Wording) -> String {
    let (adj_zh, adj_en) = dept.adjectives[usize::from(w.adjective)];
    let brand = dept.brands[usize::from(w.brand)];
    let mut title = format!("{brand} {adj_zh}{} {adj_en} {}", leaf.noun_zh, leaf.noun_en);
    if dept.coloured {
        let (zh, en) = COLOURS[usize::from(w.colour)];
        title.push_str(&format!(" - {en} {zh}"));
    }
    match leaf.sizing {
        Sizing::Storage => title.push_str(&format!(" {}GB", w.figure)),
        Sizing::Volume => title.push_str(&format!(" {}ml", w.figure)),
        Sizing::Weight => title.push_str(&format!(" {}g", w.figure)),
        // A series number tells apart books that would otherwise share a title.
        Sizing::Pages => {
            title.push_str(&format!(" 第{}辑 Vol. {}", w.figure % 9 + 1, w.figure % 9 + 1))
        }
        Sizing::Apparel | Sizing::Shoe | Sizing::OneSize => {}
    }
    title
}

/// A two-paragraph description: Chinese, then English.
pub(crate) fn description(dept: &Department, leaf: &Leaf, w: Wording) -> String {
    let (adj_zh, adj_en) = dept.adjectives[usize::from(w.adjective)];
    let brand = dept.brands[usize::from(w.brand)];
    let (mat_zh, mat_en) = leaf.materials.values[usize::from(w.material)];
    let (sell_zh, sell_en) = SELLING_POINTS[usize::from(w.selling_point)];
    let key_zh = match leaf.materials.key {
        "ingredient" => "核心成分",
        "origin" => "产地",
        "format" => "装帧",
        _ => "材质",
    };
    format!(
        "{brand}{adj_zh}{noun_zh}，{key_zh}：{mat_zh}。{sell_zh}。\n{adj_en} {noun_en} from {brand}, {key}: {mat_en}. {sell_en}.",
        noun_zh = leaf.noun_zh,
        noun_en = leaf.noun_en.to_lowercase(),
        key = leaf.materials.key,
    )
}

/// Search queries a shopper interested in `leaf` might type, in Chinese and English: the noun,
/// adjective + noun, brand + noun, colour + noun.
pub(crate) fn queries(dept: &Department, leaf: &Leaf) -> Vec<String> {
    let noun_en = leaf.noun_en.to_lowercase();
    let mut out = vec![leaf.noun_zh.to_string(), noun_en.clone()];
    for (zh, en) in dept.adjectives.iter().take(4) {
        out.push(format!("{zh}{}", leaf.noun_zh));
        out.push(format!("{} {noun_en}", en.to_lowercase()));
    }
    for brand in dept.brands {
        out.push(format!("{brand} {}", leaf.noun_zh));
    }
    if dept.coloured {
        for (zh, en) in COLOURS.iter().take(5) {
            out.push(format!("{zh}{}", leaf.noun_zh));
            out.push(format!("{} {noun_en}", en.to_lowercase()));
        }
    }
    // The noun appears twice more so plain-noun searches stay the most common, as in real logs.
    out.push(leaf.noun_zh.to_string());
    out.push(noun_en);
    out
}

/// Review aspects as (Chinese good, Chinese bad, English good, English bad).
const ASPECTS: &[(&str, &str, &str, &str)] = &[
    (
        "质量很好，做工精细。",
        "质量一般，用了几天就有问题。",
        "The quality is excellent and well made.",
        "The quality is poor; it had problems within days.",
    ),
    (
        "物流很快，第二天就到了。",
        "物流太慢了，等了一个星期。",
        "Delivery was fast, it arrived the next day.",
        "Delivery was slow, I waited a whole week.",
    ),
    (
        "价格实惠，性价比很高。",
        "价格偏贵，不太值。",
        "Great price, very good value for money.",
        "Overpriced for what you get.",
    ),
    (
        "颜色和图片一样，很好看。",
        "实物和图片差别很大。",
        "Looks exactly like the photos.",
        "It looks nothing like the photos.",
    ),
    (
        "客服态度很好，回复及时。",
        "客服不理人，体验很差。",
        "Customer service was friendly and quick.",
        "Customer service never replied.",
    ),
];
/// The size aspect, only for things that are worn.
const SIZE_ASPECT: (&str, &str, &str, &str) = (
    "尺码标准，穿着很合身。",
    "尺码偏小，建议买大一码。",
    "True to size, fits perfectly.",
    "Runs small, order one size up.",
);

/// Opening lines by star rating (index 0 is one star), as (Chinese, English).
const OPENERS: [(&str, &str); 5] = [
    ("很差，不推荐。", "Terrible, would not recommend."),
    ("有点失望。", "A bit disappointed."),
    ("还行吧，中规中矩。", "It's okay, nothing special."),
    ("整体不错。", "Pretty good overall."),
    ("非常满意！", "Absolutely love it!"),
];

/// A review for an item of `leaf` with the given stars (1 to 5): an opener in the rating's tone,
/// one or two aspects whose tone matches, sometimes a closing line. Chinese or English.
pub(crate) fn review(rng: &mut impl Rng, leaf: &Leaf, stars: u8) -> String {
    let chinese = rng.random_bool(0.6);
    let stars = stars.clamp(1, 5);
    let (open_zh, open_en) = OPENERS[usize::from(stars - 1)];
    let mut text = String::with_capacity(160);
    if chinese {
        text.push_str(&format!("这款{}", leaf.noun_zh));
        text.push_str(open_zh);
    } else {
        text.push_str(&format!("This {}: ", leaf.noun_en.to_lowercase()));
        text.push_str(open_en);
    }
    let worn = matches!(leaf.sizing, Sizing::Apparel | Sizing::Shoe);
    let aspect_count = rng.random_range(1..=2);
    let first = rng.random_range(0..ASPECTS.len());
    for k in 0..aspect_count {
        let aspect =
            if worn && k == 1 { SIZE_ASPECT } else { ASPECTS[(first + k) % ASPECTS.len()] };
        // A three-star review praises one thing and complains about another.
        let good = match stars {
            4..=5 => true,
            3 => k == 0,
            _ => false,
        };
        let sentence = match (chinese, good) {
            (true, true) => aspect.0,
            (true, false) => aspect.1,
            (false, true) => aspect.2,
            (false, false) => aspect.3,
        };
        if !chinese {
            text.push(' ');
        }
        text.push_str(sentence);
    }
    match (stars, chinese) {
        (5, true) => text.push_str("会回购的。"),
        (5, false) => text.push_str(" Will buy again."),
        (1, true) => text.push_str("不会再买了。"),
        (1, false) => text.push_str(" Won't buy again."),
        _ => {}
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dist::rng_for;
    use crate::taxonomy::{DEPARTMENTS, LEAVES};

    fn wording() -> Wording {
        Wording { brand: 0, adjective: 1, colour: 2, material: 0, selling_point: 0, figure: 256 }
    }

    #[test]
    fn titles_are_bilingual() {
        let leaf = &LEAVES[6];
        let t = title(&DEPARTMENTS[leaf.dept], leaf, wording());
        assert_eq!(t, "Stride 修身跑步鞋 Slim-fit Running Shoes - Blue 蓝色");
        let phone = &LEAVES[11];
        let t = title(&DEPARTMENTS[phone.dept], phone, wording());
        assert!(t.ends_with("256GB"), "{t}");
    }

    #[test]
    fn review_tone_follows_the_stars() {
        let mut rng = rng_for(3, 3);
        let leaf = &LEAVES[0];
        for _ in 0..50 {
            let good = review(&mut rng, leaf, 5);
            assert!(good.contains("满意") || good.contains("love"), "{good}");
            let bad = review(&mut rng, leaf, 1);
            assert!(bad.contains("不推荐") || bad.contains("not recommend"), "{bad}");
        }
    }
}
