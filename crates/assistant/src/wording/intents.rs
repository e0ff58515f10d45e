//! Intents in the shopper's words, for clarifying questions ("Do you want to track an order,
//! or ask for a refund?").

use aisle_nlu::Language;

/// (intent, English, Chinese).
const DESCRIPTIONS: &[(&str, &str, &str)] = &[
    ("cancel_order", "cancel an order", "取消订单"),
    ("change_order", "change an order", "修改订单"),
    ("place_order", "place an order", "下单"),
    ("track_order", "track an order", "查询订单物流"),
    ("change_shipping_address", "change a delivery address", "修改收货地址"),
    ("set_up_shipping_address", "add a delivery address", "添加收货地址"),
    ("get_refund", "ask for a refund", "申请退款"),
    ("track_refund", "check on a refund", "查询退款进度"),
    ("check_refund_policy", "read the refund policy", "了解退款政策"),
    ("check_cancellation_fee", "check the cancellation fee", "了解取消费用"),
    ("delivery_options", "see the delivery options", "了解配送方式"),
    ("delivery_period", "know how long delivery takes", "了解配送时间"),
    ("payment_issue", "sort out a payment problem", "解决付款问题"),
    ("check_payment_methods", "see the payment methods", "了解付款方式"),
    ("check_invoice", "look at an invoice", "查看发票"),
    ("get_invoice", "get an invoice", "获取发票"),
    ("complaint", "make a complaint", "投诉"),
    ("review", "leave a review", "写评价"),
    ("contact_human_agent", "talk to a person", "转人工客服"),
    ("contact_customer_service", "contact customer service", "联系客服"),
    ("newsletter_subscription", "manage the newsletter", "管理邮件订阅"),
    ("create_account", "create an account", "注册账户"),
    ("edit_account", "change your account details", "修改账户信息"),
    ("delete_account", "delete your account", "注销账户"),
    ("switch_account", "switch accounts", "切换账户"),
    ("recover_password", "reset your password", "找回密码"),
    ("registration_problems", "fix a sign-up problem", "解决注册问题"),
    ("find_product", "find a product", "找商品"),
    ("compare_products", "compare products", "比较商品"),
    ("recommend_products", "get recommendations", "获取推荐"),
    ("product_question", "ask about a product", "咨询商品详情"),
    ("store_policy", "ask about a shop policy", "了解店铺政策"),
    ("greeting", "say hello", "打招呼"),
    ("thanks", "say thanks", "表示感谢"),
];

/// What an intent means, in the shopper's language (its name with spaces when unknown).
pub fn describe_intent(intent: &str, language: Language) -> String {
    DESCRIPTIONS
        .iter()
        .find(|(name, _, _)| *name == intent)
        .map(|(_, en, zh)| match language {
            Language::English => (*en).to_string(),
            Language::Chinese => (*zh).to_string(),
        })
        .unwrap_or_else(|| intent.replace('_', " "))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_intent_the_shipped_model_knows_has_words_in_both_languages() {
        let model = aisle_nlu::IntentModel::bundled().unwrap();
        for intent in model.intents() {
            assert!(
                DESCRIPTIONS.iter().any(|(name, _, _)| name == intent),
                "no description for `{intent}`"
            );
        }
    }
}
