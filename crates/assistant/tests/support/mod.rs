//! A small in-memory shop for the assistant's tests: a bilingual catalog, two shoppers with
//! orders in every state, tickets, and a record of every order change.

// Each test binary uses a different part of the fixture; what one leaves unused is not dead.
#![allow(dead_code)]

use std::cell::RefCell;

use aisle_assistant::suite::SuiteShop;
use aisle_assistant::{
    NewTicket, OrderLineView, OrderView, ProductCard, ProductQuery, Result, ReviewDigest,
    ShopTools, TicketView,
};
use aisle_nlu::SlotVocabulary;

/// The fixture shop.
pub struct FixtureShop {
    products: Vec<ProductCard>,
    orders: RefCell<Vec<(String, OrderView)>>,
    tickets: RefCell<Vec<(Option<String>, TicketView)>>,
    /// Every cancellation asked of the shop, as (user, order).
    pub cancellations: RefCell<Vec<(String, String)>>,
    vocabulary: SlotVocabulary,
}

fn card(id: &str, title: &str, price: f64, categories: &[&str], brand: &str) -> ProductCard {
    ProductCard {
        item_id: id.into(),
        title: title.into(),
        price: Some(price),
        currency: Some("CNY".into()),
        categories: categories.iter().map(|c| c.to_string()).collect(),
        brand: Some(brand.into()),
        rating: Some((4.2, 17)),
    }
}

fn order(id: &str, status: &str, total: f64, item: &ProductCard) -> OrderView {
    OrderView {
        order_id: id.into(),
        status: status.into(),
        placed_on: "2026-11-20".into(),
        total,
        currency: "CNY".into(),
        lines: vec![OrderLineView {
            item_id: item.item_id.clone(),
            title: Some(item.title.clone()),
            quantity: 1,
        }],
    }
}

impl FixtureShop {
    /// The shop as every test starts it.
    pub fn new() -> Self {
        let products = vec![
            card(
                "sku-1",
                "Voltix 无线降噪耳机 Wireless Noise-cancelling Headphones",
                599.0,
                &["数码 Electronics", "耳机 Headphones"],
                "Voltix",
            ),
            card(
                "sku-2",
                "Lumina 蓝牙耳机 Portable Bluetooth Headphones",
                259.0,
                &["数码 Electronics", "耳机 Headphones"],
                "Lumina",
            ),
            card(
                "sku-3",
                "Stride 轻量跑步鞋 Lightweight Running Shoes",
                459.0,
                &["鞋靴 Shoes", "跑步鞋 Running Shoes"],
                "Stride",
            ),
            card(
                "sku-4",
                "Trailhawk 专业跑步鞋 Pro Running Shoes",
                699.0,
                &["鞋靴 Shoes", "跑步鞋 Running Shoes"],
                "Trailhawk",
            ),
            card(
                "sku-5",
                "Peakline 户外背包 Outdoor Backpack",
                299.0,
                &["运动 Sports", "背包 Backpacks"],
                "Peakline",
            ),
            card(
                "sku-6",
                "Kinetic 防水背包 Waterproof Backpack",
                359.0,
                &["运动 Sports", "背包 Backpacks"],
                "Kinetic",
            ),
            card(
                "sku-7",
                "Hearth 保温杯 Thermos Bottle",
                129.0,
                &["家居 Home", "保温杯 Thermos"],
                "Hearth",
            ),
            card(
                "sku-8",
                "Penguin Lane 经典小说 Classic Novel",
                49.0,
                &["图书 Books", "小说 Fiction"],
                "Penguin Lane",
            ),
            card(
                "sku-9",
                "Arcwave 智能手表 Smartwatch",
                1299.0,
                &["数码 Electronics", "智能手表 Smartwatches"],
                "Arcwave",
            ),
            card(
                "sku-10",
                "Nimbus 经典T恤 Classic T-Shirt",
                99.0,
                &["服装 Clothing", "T恤 T-Shirts"],
                "Nimbus",
            ),
        ];
        let orders = vec![
            ("u-1".to_string(), order("o-1", "paid", 599.0, &products[0])),
            ("u-1".to_string(), order("o-2", "shipped", 459.0, &products[2])),
            ("u-1".to_string(), order("o-3", "delivered", 299.0, &products[4])),
            ("u-2".to_string(), order("o-9", "paid", 129.0, &products[6])),
        ];
        let mut categories: Vec<String> =
            products.iter().flat_map(|p| p.categories.clone()).collect();
        categories.sort();
        categories.dedup();
        let brands = products.iter().filter_map(|p| p.brand.clone()).collect();
        Self {
            products,
            orders: RefCell::new(orders),
            tickets: RefCell::new(Vec::new()),
            cancellations: RefCell::new(Vec::new()),
            vocabulary: SlotVocabulary { categories, brands },
        }
    }

    /// An order's state now.
    pub fn status_of(&self, order_id: &str) -> String {
        self.orders
            .borrow()
            .iter()
            .find(|(_, o)| o.order_id == order_id)
            .map(|(_, o)| o.status.clone())
            .unwrap_or_default()
    }

    /// Tickets opened so far.
    pub fn ticket_count(&self) -> usize {
        self.tickets.borrow().len()
    }
}

impl ShopTools for FixtureShop {
    fn search_products(
        &self,
        query: &ProductQuery,
        _user: Option<&str>,
        limit: usize,
    ) -> Result<Vec<ProductCard>> {
        // English words singular; Chinese words as character pairs ("无线耳机" finds "无线降噪耳机").
        let words: Vec<String> = query
            .text
            .to_lowercase()
            .split_whitespace()
            .flat_map(|w| {
                let chars: Vec<char> = w.chars().collect();
                if w.is_ascii() || chars.len() < 2 {
                    vec![w.trim_end_matches('s').to_string()]
                } else {
                    chars.windows(2).map(|pair| pair.iter().collect()).collect()
                }
            })
            .collect();
        let matches = |p: &ProductCard| {
            let haystack = format!("{} {}", p.title, p.categories.join(" ")).to_lowercase();
            let text_ok = words.is_empty() || words.iter().any(|w| haystack.contains(w.as_str()));
            let category_ok = query.category.as_ref().is_none_or(|c| p.categories.contains(c));
            let price = p.price.unwrap_or(0.0);
            text_ok
                && category_ok
                && query.price_min.is_none_or(|low| price >= low)
                && query.price_max.is_none_or(|high| price <= high)
        };
        Ok(self.products.iter().filter(|p| matches(p)).take(limit).cloned().collect())
    }
    fn recommend(&self, _user: Option<&str>, limit: usize) -> Result<Vec<ProductCard>> {
        Ok(self.products.iter().rev().take(limit).cloned().collect())
    }
    fn product(&self, item_id: &str) -> Result<Option<ProductCard>> {
        Ok(self.products.iter().find(|p| p.item_id == item_id).cloned())
    }
    fn review_digest(
        &self,
        item_id: &str,
        _language: aisle_nlu::Language,
    ) -> Result<Option<ReviewDigest>> {
        Ok((item_id != "sku-8").then(|| ReviewDigest {
            reviews: 17,
            positive_share: Some(0.82),
            pros: vec!["comfortable".into()],
            cons: vec!["runs small".into()],
        }))
    }
    fn order(&self, user: &str, order_id: &str) -> Result<Option<OrderView>> {
        Ok(self
            .orders
            .borrow()
            .iter()
            .find(|(owner, o)| owner == user && o.order_id == order_id)
            .map(|(_, o)| o.clone()))
    }
    fn recent_orders(&self, user: &str, limit: usize) -> Result<Vec<OrderView>> {
        Ok(self
            .orders
            .borrow()
            .iter()
            .rev()
            .filter(|(owner, _)| owner == user)
            .take(limit)
            .map(|(_, o)| o.clone())
            .collect())
    }
    fn cancel_order(&self, user: &str, order_id: &str) -> Result<Option<OrderView>> {
        self.cancellations.borrow_mut().push((user.into(), order_id.into()));
        let mut orders = self.orders.borrow_mut();
        let Some((_, order)) =
            orders.iter_mut().find(|(owner, o)| owner == user && o.order_id == order_id)
        else {
            return Ok(None);
        };
        if order.cancellable() {
            order.status = "cancelled".into();
        }
        Ok(Some(order.clone()))
    }
    fn open_ticket(&self, ticket: &NewTicket) -> Result<String> {
        let mut tickets = self.tickets.borrow_mut();
        let id = format!("t-{}", tickets.len() + 1);
        tickets.push((
            ticket.user_id.clone(),
            TicketView {
                ticket_id: id.clone(),
                kind: ticket.kind,
                status: "open".into(),
                order_id: ticket.order_id.clone(),
            },
        ));
        Ok(id)
    }
    fn tickets(&self, user: &str) -> Result<Vec<TicketView>> {
        Ok(self
            .tickets
            .borrow()
            .iter()
            .rev()
            .filter(|(owner, _)| owner.as_deref() == Some(user))
            .map(|(_, t)| t.clone())
            .collect())
    }
    fn vocabulary(&self) -> &SlotVocabulary {
        &self.vocabulary
    }
}

impl SuiteShop for FixtureShop {
    fn shopper_with(&self, states: &[String]) -> Option<String> {
        let orders = self.orders.borrow();
        ["u-1", "u-2"]
            .into_iter()
            .find(|user| {
                let have: Vec<String> = orders
                    .iter()
                    .filter(|(owner, _)| owner == user)
                    .map(|(_, o)| o.status.clone())
                    .collect();
                aisle_assistant::suite::states_match(states, &have)
            })
            .map(str::to_string)
    }
    fn foreign_order(&self, user: &str) -> Option<String> {
        self.orders
            .borrow()
            .iter()
            .find(|(owner, _)| owner != user)
            .map(|(_, o)| o.order_id.clone())
    }
    fn catalog_titles(&self) -> Vec<String> {
        self.products.iter().map(|p| p.title.clone()).collect()
    }
}
