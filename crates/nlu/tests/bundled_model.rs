//! The shipped model on typical requests of every intent, in English and Chinese, and on what
//! it must turn down: small talk outside the shop, gibberish, and nothing at all.

use aisle_nlu::{IntentModel, OUT_OF_SCOPE};

fn model() -> IntentModel {
    IntentModel::bundled().expect("the shipped model loads")
}

/// Checks every `(utterance, intent)` pair and reports all misses at once.
fn check_all(cases: &[(&str, &str)]) {
    let model = model();
    let misses: Vec<String> = cases
        .iter()
        .filter_map(|(text, expected)| {
            let got = model.classify(text);
            (got.intent != *expected).then(|| {
                format!(
                    "{text:?}: expected {expected}, got {} ({:.2}), {:?}",
                    got.intent, got.confidence, got.alternatives
                )
            })
        })
        .collect();
    assert!(
        misses.is_empty(),
        "{} of {} missed:\n{}",
        misses.len(),
        cases.len(),
        misses.join("\n")
    );
}

#[test]
fn typical_english_requests() {
    check_all(&[
        ("I want to cancel order o-123", "cancel_order"),
        ("please cancel my purchase 3707955617", "cancel_order"),
        ("I need to add an item to order 00004587345", "change_order"),
        ("I have to change my shipping address", "change_shipping_address"),
        ("is there a fee if I cancel?", "check_cancellation_fee"),
        ("where can I see invoice #12588", "check_invoice"),
        ("which payment methods do you accept", "check_payment_methods"),
        ("what is your money back policy", "check_refund_policy"),
        ("I want to file a complaint", "complaint"),
        ("how do I contact customer service", "contact_customer_service"),
        ("let me talk to a human agent", "contact_human_agent"),
        ("I want to open an account", "create_account"),
        ("how do I delete my account", "delete_account"),
        ("do you ship to Canada", "delivery_options"),
        ("how long does delivery take", "delivery_period"),
        ("I need to update my account details", "edit_account"),
        ("can I get an invoice for my last purchase", "get_invoice"),
        ("I want my money back", "get_refund"),
        ("unsubscribe me from the newsletter", "newsletter_subscription"),
        ("my payment didn't go through", "payment_issue"),
        ("how can I place an order", "place_order"),
        ("I forgot my password", "recover_password"),
        ("I get an error when I try to sign up", "registration_problems"),
        ("I'd like to leave a review", "review"),
        ("I need to set up a shipping address", "set_up_shipping_address"),
        ("switch to my Gold account", "switch_account"),
        ("where is my order o-123", "track_order"),
        ("has my refund been processed yet", "track_refund"),
        ("show me red dresses under $50", "find_product"),
        ("do you have Nike running shoes in size 42", "find_product"),
        ("compare these two headphones", "compare_products"),
        ("what's the difference between the Sony and the Bose earbuds", "compare_products"),
        ("can you recommend a gift for my dad", "recommend_products"),
        ("is this jacket waterproof?", "product_question"),
        ("what is your return policy", "store_policy"),
        ("hello there", "greeting"),
        ("thanks, that's all", "thanks"),
    ]);
}

#[test]
fn typical_chinese_requests() {
    check_all(&[
        ("我想取消订单 o-123", "cancel_order"),
        ("订单 o-88 里想换个颜色", "change_order"),
        ("收货地址写错了，帮我改一下", "change_shipping_address"),
        ("取消订单要收手续费吗", "check_cancellation_fee"),
        ("帮我查一下上个月的发票", "check_invoice"),
        ("你们支持哪些付款方式", "check_payment_methods"),
        ("退款政策是什么", "check_refund_policy"),
        ("我要投诉快递员", "complaint"),
        ("客服电话是多少", "contact_customer_service"),
        ("转人工", "contact_human_agent"),
        ("我想注册一个账号", "create_account"),
        ("怎么注销账号", "delete_account"),
        ("能寄到香港吗", "delivery_options"),
        ("下单后几天能到货", "delivery_period"),
        ("我想修改一下手机号", "edit_account"),
        ("帮我开一张发票", "get_invoice"),
        ("东西坏了，我要退款", "get_refund"),
        ("不想再收到你们的邮件了", "newsletter_subscription"),
        ("付款失败了怎么办", "payment_issue"),
        ("怎么下单", "place_order"),
        ("忘记密码了", "recover_password"),
        ("注册的时候一直报错", "registration_problems"),
        ("我想写个评价", "review"),
        ("怎么添加收货地址", "set_up_shipping_address"),
        ("帮我切换到另一个账号", "switch_account"),
        ("我的快递到哪了", "track_order"),
        ("退款什么时候到账", "track_refund"),
        ("500元以下的运动鞋", "find_product"),
        ("有没有红色的连衣裙", "find_product"),
        ("比较一下这两款耳机", "compare_products"),
        ("推荐几款适合跑步的耳机", "recommend_products"),
        ("这款羽绒服能机洗吗", "product_question"),
        ("你们的退换货政策是什么", "store_policy"),
        ("你好", "greeting"),
        ("好的，谢谢", "thanks"),
    ]);
}

#[test]
fn small_talk_and_gibberish_are_out_of_scope() {
    check_all(&[
        ("what's the weather like today", OUT_OF_SCOPE),
        ("tell me a joke", OUT_OF_SCOPE),
        ("xqzv plmok wubba", OUT_OF_SCOPE),
        ("今天天气怎么样", OUT_OF_SCOPE),
        ("", OUT_OF_SCOPE),
        ("😀😀😀", OUT_OF_SCOPE),
        ("!!!???", OUT_OF_SCOPE),
    ]);
}

#[test]
fn a_mixed_request_is_ambiguous() {
    let model = model();
    for text in [
        "I want to cancel my order and get my money back",
        "should I cancel the order or ask for a refund",
    ] {
        let got = model.classify(text);
        assert!(got.ambiguous, "{text:?}: {got:?}");
        assert_ne!(got.intent, OUT_OF_SCOPE, "{text:?}: torn between two intents is in scope");
    }
    assert!(!model.classify("I want to cancel order o-123").ambiguous);
}

#[test]
fn predictions_are_well_formed() {
    let model = model();
    assert_eq!(model.intents().len(), 34);
    for text in ["track my order", "比较一下这两款耳机", "", "a"] {
        let got = model.classify(text);
        assert_eq!(got.alternatives.len(), 3);
        assert!(got.alternatives.windows(2).all(|w| w[0].probability >= w[1].probability));
        assert_eq!(got.confidence, got.alternatives[0].probability);
        assert!((0.0..=1.0).contains(&got.confidence));
        let total: f32 = model.probabilities(text).iter().sum();
        assert!(total > 0.0 && total <= 1.0 + 1e-4, "{text:?}: {total}");
    }
}
