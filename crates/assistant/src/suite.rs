//! Scripted multi-turn conversations, run against any shop, with every reply checked against
//! what the tools returned.
//!
//! A script names the order states its shopper needs ("a shopper with a paid and a shipped
//! order") and its turns; placeholders in a turn are filled from the shop being tested:
//! `{order:paid}` (the shopper's order in that state; `{order:placed|paid}` in either), `{foreign_order}` (another shopper's
//! order), `{category}` (a category with products). A conversation succeeds when every turn
//! reads the expected intent, takes the expected actions and waits for what it should. Apart
//! from success, each reply is checked for facts no tool returned: a price, order number or
//! order state outside the conversation's tool results, or a catalog product the tools did
//! not return in that conversation.

use std::cell::RefCell;
use std::time::Instant;

use aisle_llm::grounding::{unsupported_claims, Facts};
use serde::{Deserialize, Serialize};

use crate::tools::{
    NewTicket, OrderView, ProductCard, ProductQuery, ReviewDigest, ShopTools, TicketView,
};
use crate::{Assistant, Conversation, Result};

/// The scripts that ship with Aisle.
pub const BUILTIN: &str = include_str!("../conversations/suite.json");

/// One scripted conversation.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Script {
    /// What it tests.
    pub name: String,
    /// `en` or `zh`.
    pub language: String,
    /// Order states the signed-in shopper must have (`placed|paid`: either); absent for a guest.
    #[serde(default)]
    pub shopper: Option<Vec<String>>,
    /// The turns.
    pub turns: Vec<ScriptTurn>,
}

/// One message and what must follow it.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScriptTurn {
    /// The shopper's message, with placeholders.
    pub say: String,
    /// Acceptable intents, `|`-separated.
    #[serde(default)]
    pub intent: Option<String>,
    /// Action types that must be among the turn's actions.
    #[serde(default)]
    pub actions: Vec<String>,
    /// Action types that must not be.
    #[serde(default)]
    pub never: Vec<String>,
    /// What the assistant must wait for next (`""` for nothing).
    #[serde(default)]
    pub awaiting: Option<String>,
    /// Whether products must be shown.
    #[serde(default)]
    pub items: Option<bool>,
    /// Texts the reply must contain (placeholders allowed).
    #[serde(default)]
    pub reply_has: Vec<String>,
}

/// What a shop under test offers the suite besides its tools.
pub trait SuiteShop: ShopTools {
    /// A shopper whose orders include every given state (`placed|paid`: one of these).
    fn shopper_with(&self, states: &[String]) -> Option<String>;
    /// An order of someone other than `user`.
    fn foreign_order(&self, user: &str) -> Option<String>;
    /// Every product title of the catalog, to spot products the tools did not return.
    fn catalog_titles(&self) -> Vec<String>;
}

/// A failed expectation or an ungrounded reply.
#[derive(Debug, Clone, Serialize)]
pub struct Finding {
    /// The script.
    pub script: String,
    /// The turn, from 1.
    pub turn: usize,
    /// What went wrong.
    pub problem: String,
}

/// The suite's outcome.
#[derive(Debug, Clone, Default, Serialize)]
pub struct SuiteReport {
    /// Conversations run.
    pub conversations: usize,
    /// Conversations whose every turn met its expectations.
    pub succeeded: usize,
    /// Per language: (run, succeeded).
    pub by_language: Vec<(String, usize, usize)>,
    /// Turns run.
    pub turns: usize,
    /// Replies naming a product, price, order or state no tool returned: must be zero.
    pub ungrounded_replies: usize,
    /// Scripts that could not run on this shop (no shopper with the needed orders).
    pub skipped: Vec<String>,
    /// Every failed expectation and ungrounded reply.
    pub findings: Vec<Finding>,
    /// Replies the LLM worded (the rest came from templates).
    pub llm_worded: usize,
    /// Median time per turn, milliseconds.
    pub p50_ms: f64,
    /// 95th percentile time per turn, milliseconds.
    pub p95_ms: f64,
}

impl SuiteReport {
    /// Share of conversations that succeeded.
    pub fn success_rate(&self) -> f64 {
        self.succeeded as f64 / self.conversations.max(1) as f64
    }
}

/// Reads scripts from their JSON form.
pub fn parse(text: &str) -> Result<Vec<Script>> {
    serde_json::from_str(text)
        .map_err(|e| crate::Error::BadMessage(format!("conversation scripts: {e}")))
}

/// Runs every script against `shop`.
pub fn run(assistant: &Assistant, shop: &dyn SuiteShop, scripts: &[Script]) -> SuiteReport {
    let titles = shop.catalog_titles();
    let mut report = SuiteReport::default();
    let mut times = Vec::new();
    let mut languages: Vec<(String, usize, usize)> = Vec::new();
    for script in scripts {
        let user = match &script.shopper {
            Some(states) => match shop.shopper_with(states) {
                Some(user) => Some(user),
                None => {
                    report.skipped.push(script.name.clone());
                    continue;
                }
            },
            None => None,
        };
        let recorder = Recorder { shop, seen: RefCell::new(Facts::default()) };
        let mut conversation =
            Conversation::new(format!("suite-{}", report.conversations), user.clone());
        let mut ok = true;
        for (position, turn) in script.turns.iter().enumerate() {
            let fill = |text: &str| fill(text, shop, user.as_deref());
            let Some(message) = fill(&turn.say) else {
                report.findings.push(finding(
                    script,
                    position,
                    "a placeholder has no value in this shop",
                ));
                ok = false;
                break;
            };
            // An order number the shopper typed may be repeated back ("no order X here").
            let typed = aisle_nlu::extract_slots(&message, shop.vocabulary()).order_id;
            recorder.seen.borrow_mut().order_ids.extend(typed);
            let started = Instant::now();
            let answered = assistant.respond(&mut conversation, &message, &recorder, &mut |_| {});
            times.push(started.elapsed().as_secs_f64() * 1000.0);
            report.turns += 1;
            let answer = match answered {
                Ok(answer) => answer,
                Err(error) => {
                    report.findings.push(finding(script, position, &format!("error: {error}")));
                    ok = false;
                    break;
                }
            };
            report.llm_worded += usize::from(answer.wording == crate::Wording::Llm);
            for problem in expectation_problems(turn, &answer, &fill) {
                report.findings.push(finding(script, position, &problem));
                ok = false;
            }
            let seen = recorder.seen.borrow();
            // A policy answer is the knowledge base's text, verbatim: its general words about
            // prices and states ("free until it ships") are the shop's, not claims to check.
            let verbatim = answer
                .actions
                .iter()
                .any(|a| matches!(a, crate::Action::AnswerFromKnowledge { .. }));
            let mut ungrounded: Vec<String> = if verbatim {
                Vec::new()
            } else {
                unsupported_claims(&answer.reply, &seen)
                    .into_iter()
                    .map(|claim| format!("{:?} `{}`", claim.kind, claim.text))
                    .collect()
            };
            ungrounded.extend(
                titles
                    .iter()
                    .filter(|t| t.chars().count() >= 6 && answer.reply.contains(t.as_str()))
                    .filter(|t| !seen.product_names.contains(t))
                    .map(|t| format!("product `{t}` that no tool returned")),
            );
            if !ungrounded.is_empty() {
                report.ungrounded_replies += 1;
                let problem = format!("ungrounded reply: {}", ungrounded.join("; "));
                report.findings.push(finding(script, position, &problem));
                ok = false;
            }
        }
        report.conversations += 1;
        report.succeeded += usize::from(ok);
        match languages.iter_mut().find(|(code, _, _)| *code == script.language) {
            Some(entry) => {
                entry.1 += 1;
                entry.2 += usize::from(ok);
            }
            None => languages.push((script.language.clone(), 1, usize::from(ok))),
        }
    }
    times.sort_by(f64::total_cmp);
    let quantile = |q: f64| {
        times.get(((times.len() as f64 - 1.0) * q).round() as usize).copied().unwrap_or(0.0)
    };
    report.p50_ms = quantile(0.5);
    report.p95_ms = quantile(0.95);
    report.by_language = languages;
    report
}

fn finding(script: &Script, position: usize, problem: &str) -> Finding {
    Finding { script: script.name.clone(), turn: position + 1, problem: problem.to_string() }
}

fn expectation_problems(
    turn: &ScriptTurn,
    answer: &crate::Turn,
    fill: &dyn Fn(&str) -> Option<String>,
) -> Vec<String> {
    let mut problems = Vec::new();
    if let Some(intents) = &turn.intent {
        if !intents.split('|').any(|i| i == answer.intent) {
            problems.push(format!("intent `{}`, expected `{intents}`", answer.intent));
        }
    }
    let types: Vec<String> = answer
        .actions
        .iter()
        .filter_map(|a| serde_json::to_value(a).ok())
        .filter_map(|v| v.get("type").and_then(|t| t.as_str()).map(str::to_string))
        .collect();
    for wanted in &turn.actions {
        if !types.contains(wanted) {
            problems.push(format!("no `{wanted}` action (actions: {types:?})"));
        }
    }
    for unwanted in &turn.never {
        if types.contains(unwanted) {
            problems.push(format!("a `{unwanted}` action that must not happen"));
        }
    }
    if let Some(awaiting) = &turn.awaiting {
        let actual = answer.awaiting.clone().unwrap_or_default();
        if *awaiting != actual {
            problems.push(format!("awaiting `{actual}`, expected `{awaiting}`"));
        }
    }
    if let Some(items) = turn.items {
        if items == answer.items.is_empty() {
            problems.push(format!("{} products shown", answer.items.len()));
        }
    }
    for text in &turn.reply_has {
        match fill(text) {
            Some(text) if answer.reply.contains(&text) => {}
            Some(text) => problems.push(format!("reply lacks `{text}`: {}", answer.reply)),
            None => problems.push(format!("placeholder in `{text}` has no value")),
        }
    }
    problems
}

/// Fills `{order:STATE}`, `{foreign_order}` and `{category}`.
fn fill(text: &str, shop: &dyn SuiteShop, user: Option<&str>) -> Option<String> {
    let mut out = String::new();
    let mut rest = text;
    while let Some(start) = rest.find('{') {
        out.push_str(&rest[..start]);
        let end = start + rest[start..].find('}')?;
        let name = &rest[start + 1..end];
        let value = if let Some(state) = name.strip_prefix("order:") {
            let user = user?;
            let states: Vec<&str> = state.split('|').collect();
            let orders = shop.recent_orders(user, 1000).ok()?;
            orders.into_iter().find(|o| states.contains(&o.status.as_str()))?.order_id
        } else if name == "foreign_order" {
            shop.foreign_order(user.unwrap_or(""))?
        } else if name == "category" {
            shop.vocabulary().categories.first()?.clone()
        } else {
            return None;
        };
        out.push_str(&value);
        rest = &rest[end + 1..];
    }
    out.push_str(rest);
    Some(out)
}

/// Passes calls to the shop and remembers every fact it returned.
struct Recorder<'a> {
    shop: &'a dyn SuiteShop,
    seen: RefCell<Facts>,
}

impl Recorder<'_> {
    fn cards(&self, cards: &[ProductCard]) {
        let mut seen = self.seen.borrow_mut();
        for card in cards {
            seen.product_names.push(card.title.clone());
            seen.prices.extend(card.price);
        }
    }

    fn orders(&self, orders: &[OrderView]) {
        let mut seen = self.seen.borrow_mut();
        for order in orders {
            seen.order_ids.push(order.order_id.clone());
            seen.order_states.push(order.status.clone());
            seen.prices.push(order.total);
            seen.product_names.extend(order.lines.iter().filter_map(|l| l.title.clone()));
        }
    }
}

impl ShopTools for Recorder<'_> {
    fn search_products(
        &self,
        query: &ProductQuery,
        user: Option<&str>,
        limit: usize,
    ) -> Result<Vec<ProductCard>> {
        let found = self.shop.search_products(query, user, limit)?;
        self.cards(&found);
        Ok(found)
    }
    fn recommend(&self, user: Option<&str>, limit: usize) -> Result<Vec<ProductCard>> {
        let found = self.shop.recommend(user, limit)?;
        self.cards(&found);
        Ok(found)
    }
    fn product(&self, item_id: &str) -> Result<Option<ProductCard>> {
        let found = self.shop.product(item_id)?;
        self.cards(found.as_slice());
        Ok(found)
    }
    fn review_digest(
        &self,
        item_id: &str,
        language: aisle_nlu::Language,
    ) -> Result<Option<ReviewDigest>> {
        self.shop.review_digest(item_id, language)
    }
    fn order(&self, user: &str, order_id: &str) -> Result<Option<OrderView>> {
        let found = self.shop.order(user, order_id)?;
        self.orders(found.as_slice());
        Ok(found)
    }
    fn recent_orders(&self, user: &str, limit: usize) -> Result<Vec<OrderView>> {
        let found = self.shop.recent_orders(user, limit)?;
        self.orders(&found);
        Ok(found)
    }
    fn cancel_order(&self, user: &str, order_id: &str) -> Result<Option<OrderView>> {
        let found = self.shop.cancel_order(user, order_id)?;
        self.orders(found.as_slice());
        Ok(found)
    }
    fn open_ticket(&self, ticket: &NewTicket) -> Result<String> {
        let id = self.shop.open_ticket(ticket)?;
        self.seen.borrow_mut().order_ids.push(id.clone());
        Ok(id)
    }
    fn tickets(&self, user: &str) -> Result<Vec<TicketView>> {
        let found = self.shop.tickets(user)?;
        self.seen.borrow_mut().order_ids.extend(found.iter().map(|t| t.ticket_id.clone()));
        Ok(found)
    }
    fn vocabulary(&self) -> &aisle_nlu::SlotVocabulary {
        self.shop.vocabulary()
    }
}

/// Whether orders in `have` states satisfy every spec (`paid`, or `placed|paid` for either).
pub fn states_match(specs: &[String], have: &[String]) -> bool {
    specs.iter().all(|spec| spec.split('|').any(|state| have.iter().any(|h| h == state)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bad_scripts_are_refused_with_the_reason() {
        let error = parse("{}").unwrap_err().to_string();
        assert!(error.contains("conversation scripts"), "{error}");
        let error = parse(r#"[{"name":"x","language":"en","turns":[{"say":"hi","expect":1}]}]"#)
            .unwrap_err()
            .to_string();
        assert!(error.contains("unknown field `expect`"), "{error}");
    }

    #[test]
    fn states_match_either_state_of_a_spec() {
        let have = vec!["shipped".to_string()];
        assert!(states_match(&["placed|shipped".to_string()], &have));
        assert!(!states_match(&["placed|paid".to_string()], &have));
        assert!(states_match(&[], &have));
    }
}
