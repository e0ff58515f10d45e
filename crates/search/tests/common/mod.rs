//! A small bilingual catalog shared by the search tests.

#![allow(dead_code)]

use aisle_domain::{AttributeValue, ExternalId, Item, Price};
use aisle_search::{SearchIndex, SearchRequest, SearchResults, SearchSettings};

/// One catalog row: (id, title, categories, brand, price, colour, description).
pub type Row = (
    &'static str,
    &'static str,
    &'static [&'static str],
    &'static str,
    f64,
    &'static str,
    &'static str,
);

pub const ITEMS: &[Row] = &[
    (
        "shoe-red",
        "Stride 轻量跑步鞋 Lightweight Running Shoes - Red 红色",
        &["鞋靴 Shoes", "跑步鞋 Running Shoes"],
        "Stride",
        189.0,
        "red",
        "轻量透气。Breathable mesh for daily runs.",
    ),
    (
        "shoe-blue",
        "Nimbus 专业跑步鞋 Pro Running Shoes - Blue 蓝色",
        &["鞋靴 Shoes", "跑步鞋 Running Shoes"],
        "Nimbus",
        459.0,
        "blue",
        "专业缓震。Cushioned for long distances.",
    ),
    (
        "skate",
        "Cobble 经典板鞋 Classic Skate Shoes - Red 红色",
        &["鞋靴 Shoes", "板鞋 Skate Shoes"],
        "Cobble",
        299.0,
        "red",
        "Canvas upper.",
    ),
    (
        "dress",
        "Nimbus 修身连衣裙 Slim-fit Dress - Red 红色",
        &["服装 Clothing", "连衣裙 Dresses"],
        "Nimbus",
        259.0,
        "red",
        "纯棉。Cotton summer dress.",
    ),
    (
        "thermos",
        "Hearth 保温杯 Thermos Bottle 500ml - Black 黑色",
        &["家居 Home", "保温杯 Thermos"],
        "Hearth",
        129.0,
        "black",
        "Keeps drinks hot for 12 hours.",
    ),
    (
        "lantern",
        "Casa Lume 北欧台灯 Nordic Desk Lamp - White 白色",
        &["家居 Home", "灯具 Lamps"],
        "Casa Lume",
        199.0,
        "white",
        "Warm light for reading.",
    ),
    ("tlight", "WHITE HANGING HEART T-LIGHT HOLDER", &[], "", 2.55, "", ""),
    ("lunchbox", "ROUND SNACK BOXES SET OF 4 WOODLAND", &[], "", 2.95, "", ""),
    ("lantern2", "MOROCCAN METAL LANTERN", &[], "", 3.75, "", ""),
    (
        "phone",
        "Voltix 智能手机 Smartphone 256GB - Black 黑色",
        &["数码 Electronics", "智能手机 Smartphones"],
        "Voltix",
        2999.0,
        "black",
        "旗舰芯片。Flagship chip.",
    ),
    (
        "tee",
        "Urban Loom 纯棉T恤 Cotton T-Shirt - White 白色",
        &["服装 Clothing", "T恤 T-Shirts"],
        "Urban Loom",
        99.0,
        "white",
        "Soft cotton.",
    ),
];

pub fn item(row: usize) -> Item {
    let (id, title, categories, brand, price, colour, description) = ITEMS[row];
    let mut item = Item::new(ExternalId::parse(id).expect("valid id"));
    item.title = title.into();
    item.categories = categories.iter().map(|c| c.to_string()).collect();
    item.brand = (!brand.is_empty()).then(|| brand.to_string());
    item.price = Some(Price { amount: price, currency: "CNY".into() });
    if !colour.is_empty() {
        item.attributes.insert("colour".into(), AttributeValue::Text(colour.into()));
    }
    item.description = description.into();
    item
}

pub fn catalog() -> Vec<(u32, Item)> {
    (0..ITEMS.len()).map(|i| (i as u32, item(i))).collect()
}

pub fn index() -> SearchIndex {
    let index = SearchIndex::in_memory(SearchSettings::default()).expect("index");
    let mut sync = index.begin_sync().expect("sync");
    sync.page(&catalog()).expect("page");
    sync.finish().expect("finish");
    index
}

pub fn search(index: &SearchIndex, query: &str) -> SearchResults {
    let request = SearchRequest {
        query: query.into(),
        semantic_ratio: Some(0.0),
        ..SearchRequest::default()
    };
    index.search(&request, None).expect("search")
}

pub fn ids(results: &SearchResults) -> Vec<&str> {
    results.hits.iter().map(|h| h.id.as_str()).collect()
}
