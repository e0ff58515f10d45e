//! Chinese templates.

use std::fmt::Write;

use aisle_nlu::Language;

use super::{describe_intent, price, rating, Says};
use crate::tools::{OrderView, ProductCard, ReviewDigest, TicketKind};

/// The reply, in Chinese.
pub(super) fn word(says: &Says) -> String {
    match says {
        Says::Greeting => "您好！我可以帮您找商品、挑礼物、比较商品、查询或取消订单、办理退款，也可以解答配送、付款和退货政策。请问有什么可以帮您？".into(),
        Says::Thanks => "不客气！还有什么可以帮您的吗？".into(),
        Says::OutOfScope => "抱歉，这个问题我帮不上忙。我可以帮您找商品、比较商品、查询订单、办理退款，以及解答配送、付款和退货问题。".into(),
        Says::Clarify { options } => format!(
            "想确认一下：您是想{}，还是想{}？",
            describe_intent(&options[0], Language::Chinese),
            describe_intent(&options[1], Language::Chinese)
        ),
        Says::SignInFirst => "请先登录：我只能查看您当前登录账户的订单。".into(),
        Says::AskOrderNumber { intent, recent } => {
            let mut text = format!("好的，我来帮您{}。请问订单号是多少？", describe_intent(intent, Language::Chinese));
            if !recent.is_empty() {
                let list: Vec<String> = recent.iter().map(|o| format!("{}（{}，{}）", o.order_id, o.placed_on, status_word(&o.status))).collect();
                let _ = write!(text, "您最近的订单：{}。", list.join("、"));
            }
            text
        }
        Says::OrderUnknown { order_id } => format!("在您的账户中没有找到订单 {order_id}，请核对订单号（可在确认邮件中找到）。"),
        Says::OrderStatus { order } => format!(
            "订单 {}（{} 下单，{}）{}。",
            order.order_id,
            order.placed_on,
            price(order.total, Some(&order.currency)),
            status_sentence(&order.status)
        ),
        Says::ConfirmCancel { order } => format!(
            "订单 {}（{}，{}）当前{}，还可以取消。确定要取消吗？请回复是或否。",
            order.order_id,
            lines(order),
            price(order.total, Some(&order.currency)),
            status_word(&order.status)
        ),
        Says::Cancelled { order } => format!(
            "已为您取消订单 {}（{}），{} 将原路退回。",
            order.order_id,
            status_word(&order.status),
            price(order.total, Some(&order.currency))
        ),
        Says::NotCancellable { order } => format!(
            "订单 {} {}，已无法取消。收到商品后可以申请退货退款。",
            order.order_id,
            status_word(&order.status)
        ),
        Says::Kept => "好的，我没有做任何更改。".into(),
        Says::ConfirmTicket { kind, order } => {
            let about = order.as_ref().map(|o| format!("（订单 {}，{}）", o.order_id, status_word(&o.status))).unwrap_or_default();
            format!("我会请客服{}{about}。确定要提交吗？请回复是或否。", ticket_goal(*kind))
        }
        Says::TicketOpened { ticket_id, kind } => format!("已创建工单 {ticket_id}，客服会尽快{}。", ticket_goal(*kind)),
        Says::NotRefundable { order } => format!(
            "订单 {} {}，发货后才能申请退款。如果不想要了，我可以帮您取消订单。",
            order.order_id,
            status_word(&order.status)
        ),
        Says::RefundStatus { order, ticket } => match ticket {
            Some(t) => format!("订单 {} 的退款申请 {} 状态：{}。", order.order_id, t.ticket_id, if t.status == "open" { "处理中" } else { "已处理" }),
            None if order.status == "returned" || order.status == "cancelled" => {
                format!("订单 {} {}，退款正在原路退回。", order.order_id, status_word(&order.status))
            }
            None => format!("订单 {}（{}）还没有退款申请。如需退款，直接告诉我即可。", order.order_id, status_word(&order.status)),
        },
        Says::Products { items } => format!("为您找到以下商品：\n{}", product_list(items)),
        Says::NoProducts { query } => format!("没有找到与 {query} 相关的商品。换个说法或放宽价格范围试试？"),
        Says::AskWhatProduct => "您想找什么商品？说说品类、价格范围或颜色都可以。".into(),
        Says::Recommendations { items } => format!("为您推荐：\n{}", product_list(items)),
        Says::Comparison { items, digests } => {
            let mut text = String::from("对比如下：");
            for (card, digest) in items.iter().zip(digests) {
                let _ = write!(text, "\n- {}", card_line(card));
                if let Some(d) = digest {
                    let _ = write!(text, "；{}", digest_line(d));
                }
            }
            text
        }
        Says::NeedTwoProducts => "要比较哪两件商品？请先搜索，或告诉我两个商品名称。".into(),
        Says::ProductDetails { item, digest } => {
            let mut text = card_line(item);
            if let Some(brand) = &item.brand {
                let _ = write!(text, "，品牌：{brand}");
            }
            if !item.categories.is_empty() {
                let _ = write!(text, "，分类：{}", item.categories.join(" > "));
            }
            text.push('。');
            if let Some(d) = digest {
                let _ = write!(text, "评价：{}。", digest_line(d));
            }
            text
        }
        Says::AskWhichProduct => "您问的是哪件商品？请告诉我名称或先搜索一下。".into(),
        Says::Knowledge { answer } => answer.clone(),
        Says::NoKnowledge => "店铺政策里没有找到这个问题的答案。需要的话，可以说转人工，由客服为您解答。".into(),
        Says::ToolFailed => "抱歉，系统出了点问题，请稍后再试。".into(),
    }
}

fn ticket_goal(kind: TicketKind) -> &'static str {
    match kind {
        TicketKind::Handoff => "与您联系",
        TicketKind::Complaint => "处理您的投诉",
        TicketKind::Refund => "为您办理退款",
        TicketKind::OrderChange => "修改您的订单",
        TicketKind::AddressChange => "修改收货地址",
    }
}

/// The state's word, for use inside a sentence.
fn status_word(status: &str) -> &str {
    match status {
        "placed" => "待付款",
        "paid" => "已付款",
        "shipped" => "已发货",
        "delivered" => "已签收",
        "cancelled" => "已取消",
        "returned" => "已退货",
        other => other,
    }
}

fn status_sentence(status: &str) -> String {
    match status {
        "placed" => "已下单，等待付款".into(),
        "paid" => "已付款，正在备货".into(),
        "shipped" => "已发货，正在配送中".into(),
        "delivered" => "已签收".into(),
        "cancelled" => "已取消".into(),
        "returned" => "已退货".into(),
        other => format!("状态为 {other}"),
    }
}

fn lines(order: &OrderView) -> String {
    let names: Vec<String> = order
        .lines
        .iter()
        .map(|l| format!("{} × {}", l.title.as_deref().unwrap_or(&l.item_id), l.quantity))
        .collect();
    names.join("、")
}

fn card_line(card: &ProductCard) -> String {
    let mut text = card.title.clone();
    if let Some(amount) = card.price {
        let _ = write!(text, "，{}", price(amount, card.currency.as_deref()));
    }
    if let Some(stars) = rating(card) {
        let _ = write!(text, "，{stars}");
    }
    text
}

fn product_list(items: &[ProductCard]) -> String {
    items
        .iter()
        .enumerate()
        .map(|(i, c)| format!("{}. {}", i + 1, card_line(c)))
        .collect::<Vec<_>>()
        .join("\n")
}

fn digest_line(digest: &ReviewDigest) -> String {
    let mut parts = Vec::new();
    if let Some(share) = digest.positive_share {
        parts.push(format!("{} 条评价中 {:.0}% 为好评", digest.reviews, share * 100.0));
    }
    if !digest.pros.is_empty() {
        parts.push(format!("优点：{}", digest.pros.join("、")));
    }
    if !digest.cons.is_empty() {
        parts.push(format!("不足：{}", digest.cons.join("、")));
    }
    if parts.is_empty() {
        "暂无评价".into()
    } else {
        parts.join("；")
    }
}
