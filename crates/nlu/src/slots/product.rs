//! The product named in a request, once everything else is taken out, and the one-size words
//! that the search's size reader does not know.

use aisle_text::{fold, Analyzer, Mode, TokenKind};

/// Words of a request that are not the product: asking, pointing, politeness, quantities, and
/// the customer-service nouns of the other intents.
const ENGLISH_FILLER: &[&str] = &[
    "a",
    "an",
    "the",
    "some",
    "any",
    "i",
    "i'm",
    "im",
    "me",
    "my",
    "you",
    "your",
    "we",
    "us",
    "it",
    "this",
    "that",
    "these",
    "those",
    "one",
    "ones",
    "two",
    "both",
    "them",
    "want",
    "wanna",
    "need",
    "would",
    "like",
    "looking",
    "look",
    "for",
    "find",
    "search",
    "show",
    "get",
    "buy",
    "purchase",
    "have",
    "has",
    "do",
    "does",
    "did",
    "is",
    "are",
    "was",
    "be",
    "can",
    "could",
    "please",
    "pls",
    "plz",
    "help",
    "recommend",
    "recommendation",
    "suggest",
    "compare",
    "comparison",
    "between",
    "and",
    "or",
    "vs",
    "versus",
    "with",
    "in",
    "on",
    "of",
    "to",
    "at",
    "from",
    "by",
    "about",
    "what",
    "which",
    "where",
    "when",
    "how",
    "who",
    "why",
    "good",
    "best",
    "nice",
    "great",
    "cheap",
    "new",
    "some",
    "something",
    "anything",
    "there",
    "here",
    "got",
    "sell",
    "selling",
    "available",
    "stock",
    "size",
    "colour",
    "color",
    "price",
    "order",
    "orders",
    "refund",
    "account",
    "invoice",
    "delivery",
    "shipping",
    "address",
    "payment",
    "difference",
    "better",
    "gift",
    "hi",
    "hello",
    "thanks",
    "thank",
    "tell",
    "more",
    "info",
    "information",
    "details",
    "item",
    "items",
    "product",
    "products",
    "should",
    "will",
    "shall",
    "let",
    "lets",
    "let's",
    "see",
    "know",
    "am",
    "which",
    "other",
    "similar",
    "options",
    "option",
    "really",
    "very",
    "just",
    "also",
    "cancel",
    "canceling",
    "cancelling",
    "cancellation",
    "track",
    "tracking",
    "change",
    "return",
    "status",
    "update",
    "purchase",
    "package",
    "parcel",
    "arrive",
    "shipped",
];

const CHINESE_FILLER: &[&str] = &[
    "我",
    "我们",
    "你",
    "你们",
    "想",
    "想要",
    "要",
    "买",
    "购买",
    "找",
    "找找",
    "搜",
    "搜索",
    "看",
    "看看",
    "看一下",
    "一下",
    "有",
    "有没有",
    "没有",
    "吗",
    "呢",
    "吧",
    "啊",
    "的",
    "了",
    "一",
    "个",
    "一个",
    "一些",
    "些",
    "款",
    "这",
    "那",
    "这个",
    "那个",
    "这些",
    "这两款",
    "两款",
    "两个",
    "哪个",
    "哪款",
    "什么",
    "推荐",
    "推荐一下",
    "给",
    "给我",
    "帮",
    "帮我",
    "请",
    "请问",
    "比较",
    "对比",
    "比一比",
    "和",
    "跟",
    "与",
    "还是",
    "区别",
    "好",
    "更好",
    "适合",
    "能",
    "可以",
    "请帮我",
    "便宜",
    "便宜的",
    "新",
    "价格",
    "颜色",
    "尺码",
    "号",
    "订单",
    "退款",
    "商品",
    "东西",
    "产品",
    "款式",
    "一款",
    "几款",
    "送",
    "礼物",
    "在",
    "是",
    "怎么样",
    "如何",
    "多少",
    "钱",
    "以下",
    "以上",
    "左右",
    "之间",
    "内",
    "以内",
    "哪里",
    "哪些",
    "款的",
    "同类",
    "类似",
    "其他",
    "别的",
    "更",
    "最",
    "比较一下",
    "对比一下",
    "关于",
    "介绍",
    "介绍一下",
    "详情",
    "信息",
    "卖",
    "有货",
    "货",
    "吗？",
    "谢谢",
    "这件",
    "这双",
    "这条",
    "这款",
    "那件",
    "件",
    "双",
    "条",
    "取消",
    "到",
    "哪",
    "了吗",
    "订单号",
    "单号",
    "还",
    "没",
    "还没",
    "发货",
    "到货",
    "快递",
    "包裹",
];

/// A one-size word: 均码, "one size", "free size" (byte range and the size reported).
pub(super) fn one_size(text: &str) -> Option<(usize, usize, String)> {
    if let Some(at) = text.find("均码") {
        return Some((at, at + "均码".len(), "均码".to_string()));
    }
    let lower = text.to_ascii_lowercase();
    ["one size", "one-size", "free size", "onesize"].into_iter().find_map(|word| {
        let at = lower.find(word)?;
        Some((at, at + word.len(), "ONE SIZE".to_string()))
    })
}

/// What is left of a request once its filler words are out: runs of kept words, each taken
/// from the text as written. `None` when nothing is left.
pub(super) fn product_text(text: &str) -> Option<String> {
    let tokens = Analyzer::shared().tokens(text, Mode::Query, false);
    let mut runs: Vec<(usize, usize)> = Vec::new();
    let mut previous_kept = false;
    let mut previous_end = 0;
    for token in &tokens {
        // A run does not reach across a cut-out order number, price or colour.
        let gap = text.get(previous_end..token.from).map_or(0, |g| g.chars().count());
        if gap > 1 {
            previous_kept = false;
        }
        previous_end = token.to;
        let keep = match token.kind {
            TokenKind::Han => !CHINESE_FILLER.contains(&token.word.as_str()),
            TokenKind::Word => !ENGLISH_FILLER.contains(&fold(&token.word).as_str()),
            TokenKind::Number => true,
        };
        if keep {
            match runs.last_mut() {
                Some(run) if previous_kept => run.1 = token.to,
                _ => runs.push((token.from, token.to)),
            }
        }
        previous_kept = keep;
    }
    let parts: Vec<&str> = runs
        .iter()
        .map(|&(from, to)| text[from..to].trim_matches(|c: char| !c.is_alphanumeric()))
        .filter(|part| part.chars().any(char::is_alphabetic))
        .collect();
    let joined = parts.join(" ");
    (!joined.is_empty()).then_some(joined)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn filler_goes_and_the_product_stays() {
        assert_eq!(product_text("show me some running shoes").as_deref(), Some("running shoes"));
        assert_eq!(product_text("比较一下这两款耳机").as_deref(), Some("耳机"));
        assert_eq!(product_text("where is my order").as_deref(), None);
        assert_eq!(product_text("").as_deref(), None);
    }

    #[test]
    fn one_size_words() {
        assert_eq!(one_size("这件是均码吗").map(|s| s.2).as_deref(), Some("均码"));
        assert_eq!(one_size("is it One Size?").map(|s| s.2).as_deref(), Some("ONE SIZE"));
        assert_eq!(one_size("size M"), None);
    }
}
