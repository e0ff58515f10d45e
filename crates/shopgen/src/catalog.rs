//! The catalog: which items exist, in which leaf, at what price and quality, and how popular.
//!
//! Holds the compact per-item facts the session simulation needs (leaf, price, latent quality,
//! popularity tables) and turns them into domain [`Item`] records on demand, so the full text of
//! the catalog is formatted once, while streaming, and never kept.

use aisle_domain::{AttributeValue, Attributes, ExternalId, Item, Price, Timestamp};
use rand::Rng;

use crate::dist::{gamma, log_normal, normal, rng_for, stream, ShopRng};
use crate::ids::numbered_id;
use crate::taxonomy::{brand_tier, Sizing, DEPARTMENTS, LEAVES};
use crate::text::{self, Wording, SELLING_POINT_COUNT};
use crate::zipf::{zipf_weight, AliasTable};

/// Exponent of item popularity: about 1 is what web shops show.
const ZIPF_EXPONENT: f64 = 1.05;
/// Share of items out of stock: shown, never carted.
const UNAVAILABLE_SHARE: f64 = 0.05;
/// Share of items hidden by the shop: never shown.
const HIDDEN_SHARE: f64 = 0.01;

/// What the simulation needs to know about one item.
#[derive(Debug, Clone)]
pub(crate) struct ItemFacts {
    /// Index into [`LEAVES`].
    pub leaf: u16,
    /// Unit price in CNY.
    pub price: f64,
    /// How expensive the item is for its leaf, in standard deviations of log price.
    pub price_z: f32,
    /// Latent quality in 0..1: drives carting, ratings and returns, never shown.
    pub quality: f32,
    /// In stock.
    pub available: bool,
    /// Hidden by the shop.
    pub hidden: bool,
    wording: Wording,
    created_at: i64,
}

/// The whole catalog, in the form the generator samples from.
#[derive(Debug)]
pub(crate) struct Catalog {
    /// Item ids, made once so each event only clones one.
    pub ids: Vec<ExternalId>,
    /// Facts by item index.
    pub facts: Vec<ItemFacts>,
    /// Visible items of each leaf.
    leaf_items: Vec<Vec<u32>>,
    /// Popularity within each leaf; `None` for a leaf with no visible item.
    leaf_tables: Vec<Option<AliasTable>>,
    /// Leaves by their total popularity, for exploring shoppers.
    leaf_popularity: AliasTable,
    /// Leaves by a flattened popularity, for drawing shoppers' tastes (niches have fans too).
    leaf_taste: AliasTable,
    /// Leaves of each department that have visible items, for drifting to a related leaf.
    dept_leaves: Vec<Vec<u16>>,
    /// Search queries per leaf.
    pub queries: Vec<Vec<String>>,
}

impl Catalog {
    /// Draws a catalog of `n_items` items created before `start_millis`.
    pub(crate) fn build(seed: u64, n_items: usize, start_millis: i64) -> Self {
        let mut rng = rng_for(seed, stream::CATALOG);
        // Leaves differ in size: some shelves are long, some short.
        let leaf_size: Vec<f64> = LEAVES.iter().map(|_| gamma(&mut rng, 2.0)).collect();
        let size_table = AliasTable::new(&leaf_size);
        let mut facts = Vec::with_capacity(n_items);
        for i in 0..n_items {
            // The first items cover every leaf once, so even a small shop has a full tree.
            let leaf = match &size_table {
                Some(table) if i >= LEAVES.len() => table.sample(&mut rng),
                _ => i % LEAVES.len(),
            };
            facts.push(draw_item(&mut rng, leaf, start_millis));
        }
        let ids = (0..n_items).map(|i| numbered_id("sku-", i as u64, 6)).collect();
        let weights = popularity_weights(&mut rng, &facts);
        Self::index(ids, facts, &weights)
    }

    fn index(ids: Vec<ExternalId>, facts: Vec<ItemFacts>, weights: &[f64]) -> Self {
        let mut leaf_items = vec![Vec::new(); LEAVES.len()];
        for (i, f) in facts.iter().enumerate() {
            if !f.hidden {
                leaf_items[usize::from(f.leaf)].push(i as u32);
            }
        }
        let leaf_tables: Vec<Option<AliasTable>> = leaf_items
            .iter()
            .map(|items| {
                let w: Vec<f64> = items.iter().map(|&i| weights[i as usize]).collect();
                AliasTable::new(&w)
            })
            .collect();
        let leaf_weight: Vec<f64> = leaf_items
            .iter()
            .map(|items| items.iter().map(|&i| weights[i as usize]).sum())
            .collect();
        let taste_weight: Vec<f64> = leaf_weight.iter().map(|w| w.sqrt()).collect();
        let mut dept_leaves = vec![Vec::new(); DEPARTMENTS.len()];
        for (l, leaf) in LEAVES.iter().enumerate() {
            if leaf_tables[l].is_some() {
                dept_leaves[leaf.dept].push(l as u16);
            }
        }
        let queries =
            LEAVES.iter().map(|leaf| text::queries(&DEPARTMENTS[leaf.dept], leaf)).collect();
        // Item 0 is never hidden, so these tables exist; the fallback only keeps the types honest.
        Self {
            ids,
            facts,
            leaf_items,
            leaf_tables,
            leaf_popularity: AliasTable::new(&leaf_weight).unwrap_or_else(AliasTable::single),
            leaf_taste: AliasTable::new(&taste_weight).unwrap_or_else(AliasTable::single),
            dept_leaves,
            queries,
        }
    }

    /// Number of items.
    pub(crate) fn len(&self) -> usize {
        self.facts.len()
    }

    /// A leaf drawn by popularity (where an undecided shopper ends up).
    pub(crate) fn popular_leaf(&self, rng: &mut ShopRng) -> u16 {
        self.leaf_popularity.sample(rng) as u16
    }

    /// A leaf drawn for a shopper's taste.
    pub(crate) fn taste_leaf(&self, rng: &mut ShopRng) -> u16 {
        self.leaf_taste.sample(rng) as u16
    }

    /// A leaf of the same department as `leaf`: the "related items" a shopper drifts to.
    pub(crate) fn related_leaf(&self, rng: &mut ShopRng, leaf: u16) -> u16 {
        let siblings = &self.dept_leaves[LEAVES[usize::from(leaf)].dept];
        if siblings.is_empty() {
            return leaf;
        }
        siblings[rng.random_range(0..siblings.len())]
    }

    /// A visible item of `leaf` drawn by popularity, or `None` if the leaf has none.
    pub(crate) fn item_in(&self, rng: &mut ShopRng, leaf: u16) -> Option<u32> {
        let l = usize::from(leaf);
        let table = self.leaf_tables[l].as_ref()?;
        Some(self.leaf_items[l][table.sample(rng)])
    }

    /// The domain record of item `i`.
    pub(crate) fn item_record(&self, i: usize) -> Item {
        let f = &self.facts[i];
        let leaf = &LEAVES[usize::from(f.leaf)];
        let dept = &DEPARTMENTS[leaf.dept];
        let id = self.ids[i].clone();
        let mut categories = Vec::with_capacity(3);
        categories.push(dept.name.to_string());
        categories.extend(leaf.path.iter().map(|p| p.to_string()));
        let mut item = Item::new(id);
        item.title = text::title(dept, leaf, f.wording);
        item.description = text::description(dept, leaf, f.wording);
        item.categories = categories;
        item.brand = Some(dept.brands[usize::from(f.wording.brand)].to_string());
        item.price = Some(Price { amount: f.price, currency: "CNY".to_string() });
        item.attributes = attributes(f);
        item.image_url = Some(format!("/img/{}.svg", self.ids[i]));
        item.available = f.available;
        item.hidden = f.hidden;
        item.created_at = Timestamp::from_millis(f.created_at).ok();
        item
    }
}

fn draw_item(rng: &mut ShopRng, leaf_index: usize, start_millis: i64) -> ItemFacts {
    let leaf = &LEAVES[leaf_index];
    let dept = &DEPARTMENTS[leaf.dept];
    let brand = rng.random_range(0..dept.brands.len());
    let (price_factor, brand_quality) = brand_tier(brand);
    let raw = log_normal(rng, leaf.median_price * price_factor, leaf.price_sigma);
    let price = shelf_price(raw);
    let price_z = ((price / leaf.median_price).ln() / leaf.price_sigma) as f32;
    let quality = (brand_quality + 0.13 * normal(rng)).clamp(0.05, 0.99) as f32;
    let figure = match leaf.sizing {
        Sizing::Storage => [128, 256, 512, 1024][rng.random_range(0..4)],
        Sizing::Volume => [30, 50, 100, 350, 500][rng.random_range(0..5)],
        Sizing::Weight => [250, 500, 1000, 2500][rng.random_range(0..4)],
        Sizing::Pages => rng.random_range(120..640),
        Sizing::Apparel | Sizing::Shoe | Sizing::OneSize => 0,
    };
    let wording = Wording {
        brand: brand as u8,
        adjective: rng.random_range(0..dept.adjectives.len()) as u8,
        colour: rng.random_range(0..crate::taxonomy::COLOURS.len()) as u8,
        material: rng.random_range(0..leaf.materials.values.len()) as u8,
        selling_point: rng.random_range(0..SELLING_POINT_COUNT) as u8,
        figure,
    };
    let roll: f64 = rng.random();
    // Items up to eighteen months old; the catalog exists before the first event.
    let age_millis = rng.random_range(86_400_000..540 * 86_400_000i64);
    ItemFacts {
        leaf: leaf_index as u16,
        price,
        price_z,
        quality,
        hidden: roll < HIDDEN_SHARE && leaf_index != 0,
        available: !(HIDDEN_SHARE..HIDDEN_SHARE + UNAVAILABLE_SHARE).contains(&roll),
        wording,
        created_at: (start_millis - age_millis).max(0),
    }
}

/// Shop prices: whole yuan, and above 20 ending in 9 (299, 459), as Chinese shops price.
fn shelf_price(raw: f64) -> f64 {
    if raw < 20.0 {
        raw.round().max(1.0)
    } else {
        ((raw / 10.0).round() * 10.0 - 1.0).min(9_999_999.0)
    }
}

/// Zipf weights over a random ranking that leans towards quality, so good items tend to be
/// popular (as they are in real shops) without popularity being a function of quality.
fn popularity_weights(rng: &mut ShopRng, facts: &[ItemFacts]) -> Vec<f64> {
    let mut order: Vec<(f64, usize)> = facts
        .iter()
        .enumerate()
        .map(|(i, f)| (rng.random::<f64>() + 0.4 * f64::from(f.quality), i))
        .collect();
    order.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
    let mut weights = vec![0.0; facts.len()];
    for (rank, (_, i)) in order.into_iter().enumerate() {
        weights[i] = if facts[i].hidden { 0.0 } else { zipf_weight(rank, ZIPF_EXPONENT) };
    }
    weights
}

fn attributes(f: &ItemFacts) -> Attributes {
    let leaf = &LEAVES[usize::from(f.leaf)];
    let mut attrs = Attributes::new();
    if DEPARTMENTS[leaf.dept].coloured {
        let (_, en) = crate::taxonomy::COLOURS[usize::from(f.wording.colour)];
        attrs.insert("colour".into(), AttributeValue::Text(en.to_lowercase()));
    }
    let (_, material) = leaf.materials.values[usize::from(f.wording.material)];
    attrs.insert(leaf.materials.key.into(), AttributeValue::Text(material.into()));
    let figure = f64::from(f.wording.figure);
    let list = |sizes: &[&str]| AttributeValue::List(sizes.iter().map(|s| s.to_string()).collect());
    match leaf.sizing {
        Sizing::Apparel => attrs.insert("size".into(), list(&["S", "M", "L", "XL", "XXL"])),
        Sizing::Shoe => {
            attrs.insert("size".into(), list(&["37", "38", "39", "40", "41", "42", "43", "44"]))
        }
        Sizing::Storage => attrs.insert("capacity_gb".into(), AttributeValue::Number(figure)),
        Sizing::Volume => attrs.insert("volume_ml".into(), AttributeValue::Number(figure)),
        Sizing::Weight => attrs.insert("weight_g".into(), AttributeValue::Number(figure)),
        Sizing::Pages => attrs.insert("pages".into(), AttributeValue::Number(figure)),
        Sizing::OneSize => None,
    };
    attrs
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_item_record_is_valid_and_the_tree_is_covered() {
        let catalog = Catalog::build(1, 500, 1_785_542_400_000);
        for i in 0..catalog.len() {
            let item = catalog.item_record(i);
            item.validate().expect("valid item");
            assert!(item.categories.len() >= 2, "{:?}", item.categories);
        }
        assert!(catalog.leaf_tables.iter().all(Option::is_some));
    }

    #[test]
    fn shelf_prices_end_in_nine() {
        assert_eq!(shelf_price(297.3), 299.0);
        assert_eq!(shelf_price(12.4), 12.0);
        assert_eq!(shelf_price(0.2), 1.0);
    }
}
