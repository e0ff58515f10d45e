//! Table tests of the grounding check, in English and Chinese.

use super::*;

fn facts() -> Facts {
    Facts {
        product_names: vec![
            "Trail Runner 3".into(),
            "Ceramic Wok 30 cm".into(),
            "绿茶 100 包".into(),
        ],
        prices: vec![89.0, 12.5, 39.9],
        order_ids: vec!["A1042".into(), "#100234".into()],
        order_states: vec!["Shipped".into()],
    }
}

/// Checks the unsupported claims of `answer` against the shared facts: (kind, text) in order.
fn check(answer: &str, expected: &[(ClaimKind, &str)]) {
    let got: Vec<(ClaimKind, String)> =
        unsupported_claims(answer, &facts()).into_iter().map(|c| (c.kind, c.text)).collect();
    let expected: Vec<(ClaimKind, String)> =
        expected.iter().map(|(k, t)| (*k, t.to_string())).collect();
    assert_eq!(got, expected, "{answer}");
}

use ClaimKind::*;

#[test]
fn answers_that_repeat_the_facts_pass() {
    check("Your order A1042 shipped on May 2.", &[]);
    check("The Trail Runner 3 costs $89.00, the wok $39.90.", &[]);
    check("Order #100234 is on its way.", &[]);
    check("It costs $12.499, close enough to the listed $12.50.", &[]);
    check("**Trail Runner 3** is light; \"Ceramic Wok\" suits gas.", &[]);
    check("We have running shoes in sizes 38-46 and a 2 m cable with 20% off.", &[]);
    check("It has not been delivered yet; it will be delivered on Friday.", &[]);
    check("您的订单 A1042 已发货，《绿茶 100 包》售价 12.50 元。", &[]);
}

#[test]
fn invented_prices_are_caught() {
    check("The Trail Runner 3 is $79.", &[(Price, "$79")]);
    check("Only ¥99 today, was 1,299 元.", &[(Price, "¥99"), (Price, "1,299 元")]);
    check("The price is 88.98.", &[(Price, "88.98")]);
    check("这款鞋只要 ￥59！", &[(Price, "￥59")]);
}

#[test]
fn invented_orders_and_states_are_caught() {
    check("Order A1043 was delivered.", &[(OrderId, "A1043"), (OrderState, "delivered")]);
    check(
        "Your order ORD-2024-0001 is cancelled.",
        &[(OrderId, "ORD-2024-0001"), (OrderState, "cancelled")],
    );
    check("您的订单号：554433 已签收。", &[(OrderId, "554433"), (OrderState, "已签收")]);
    check("订单 A1042 已取消，已退款。", &[(OrderState, "已取消"), (OrderState, "已退款")]);
    check("It shipped and was refunded.", &[(OrderState, "refunded")]);
}

#[test]
fn invented_product_names_are_caught() {
    check("Try the **Trail Runner 4** instead.", &[(ProductName, "Trail Runner 4")]);
    check("我们推荐《乌龙茶 50 包》。", &[(ProductName, "乌龙茶 50 包")]);
    check("The “Road Flex” is in stock.", &[(ProductName, "Road Flex")]);
}

#[test]
fn without_facts_every_claim_is_unsupported() {
    let claims = unsupported_claims("Order B7 costs $5 and order C123 shipped.", &Facts::default());
    let kinds: Vec<ClaimKind> = claims.iter().map(|c| c.kind).collect();
    assert_eq!(kinds, [Price, OrderId, OrderState]);
    assert!(unsupported_claims("Hello! How can I help you today?", &Facts::default()).is_empty());
}
