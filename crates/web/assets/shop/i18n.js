// The storefront's words in English and Chinese. `t(key, values)` answers in the chosen language
// (kept in localStorage, shared with the dashboard), fills `{name}` placeholders, and falls back
// to English, then to the key itself, so a missing translation shows instead of breaking.

const WORDS = {
  en: {
    title: "Aisle demo shop", skip: "Skip to content", loading: "Loading…",
    error: "Something went wrong", retry: "Try again", notFound: "This page does not exist.", backHome: "Back to the home page",
    search: "Search", searchLabel: "Search the shop", searchPlaceholder: "Search products",
    shopperLabel: "Shopper", anonymousOption: "Anonymous (this browser)", shopperOption: "{id} · {n} items",
    browsingUser: "Browsing as shopper {id}.", browsingAnonymous: "Browsing anonymously (session {id}).",
    cart: "Cart", cartCount: "Cart ({n})", categories: "Categories", home: "Home", breadcrumb: "Breadcrumb",
    forYou: "Recommended for you", newHere: "Trending now",
    newHereNote: "New here? These are trending. Every product you look at teaches this page what you like.",
    rankedBy: "Ranked for you by {model} v{version}.", trending: "Trending this week", moreTrending: "More trending this week",
    "reason.for_you": "Picked for you", "reason.because": "Because you looked at {title}", "reason.trending": "Trending now",
    "reason.similar": "Similar to {title}", "reason.together": "Often bought with {title}", "reason.promoted": "Featured by the shop",
    inStock: "In stock", outOfStock: "Out of stock", addToCart: "Add to cart", added: "Added to your cart.",
    brand: "Brand", price: "Price", availability: "Availability", description: "Description", details: "Details",
    similar: "Similar items", together: "Frequently bought together", productImage: "Picture of {title}", noPrice: "Price on request",
    subcategories: "Subcategories", itemsCount: "{n} items", "itemsCount.one": "1 item", more: "Show more", personalOrder: "Sorted for you by {model}.",
    results: "Search results for “{q}”", resultsCount: "{n} items match.", "resultsCount.one": "1 item matches.", noResults: "Nothing matches “{q}”. Try fewer or other words.",
    searchHint: "Type words of a product’s title, brand or category.",
    cartTitle: "Your cart", cartEmpty: "Your cart is empty.", quantity: "Quantity of {title}", remove: "Remove",
    total: "Total", checkout: "Check out", placing: "Placing your order…", orderPlaced: "Thank you! Your order is placed.",
    orderNumber: "Order {id}", orderLines: "Items: {n}. Total: {total}.", continueShopping: "Continue shopping",
    forYourCart: "Goes well with your cart", fromRecommendation: "from a recommendation",
    suggestions: "Suggestions", suggestionsCount: "{n} suggestions, use the up and down arrows to choose.",
    "suggestionsCount.one": "1 suggestion, use the up and down arrows to choose.",
    "kind.query": "Popular search", "kind.category": "Category", "kind.item": "Product",
    searchPersonal: "Ranked for you.", filters: "Filters", activeFilters: "Filtered by", clearFilters: "Clear all",
    removeFilter: "Remove the filter {name}", understood: "Understood as", understoodWords: "words: {text}",
    sortLabel: "Sort by", "sort.relevance": "Best match", "sort.price_asc": "Price: low to high",
    "sort.price_desc": "Price: high to low", "sort.newest": "Newest", "sort.popular": "Most popular",
    "facet.category": "Category", "facet.brand": "Brand", "facet.price": "Price", "facet.colour": "Colour",
    "facet.material": "Material", "facet.ingredient": "Ingredient", "facet.origin": "Origin", "facet.format": "Format",
    "facet.size": "Size", facetValue: "{facet}: {value}", priceAtMost: "≤ {price}", priceAtLeast: "≥ {price}",
    priceBetween: "{min} – {max}",
    reviews: "Reviews", noReviews: "No reviews yet.", reviewsError: "The reviews could not be loaded",
    reviewsCount: "{n} reviews", "reviewsCount.one": "1 review", notRated: "No star ratings yet",
    starsLabel: "{rating} out of 5 stars", ratingSpread: "Reviews by stars", starsRow: "{n} stars", "starsRow.one": "1 star",
    sentimentSplit: "What the reviews say", "sentiment.positive": "Positive", "sentiment.neutral": "Neutral",
    "sentiment.negative": "Negative", pros: "Shoppers like", cons: "Shoppers dislike", mentions: "mentions",
    reviewKeywords: "Often mentioned", recentReviews: "Newest reviews",
    assistant: "Shopping assistant", assistantOpen: "Ask the assistant", assistantClose: "Close the assistant",
    assistantIntro: "Ask about products, your orders, delivery, payment or returns.", assistantLog: "Conversation",
    assistantMessage: "Your message", assistantPlaceholder: "Ask a question…", send: "Send", assistantYou: "You",
    assistantThinking: "Thinking…", assistantFailed: "The assistant could not answer", assistantItems: "Products",
    assistantQuick: "Answer", yes: "Yes", no: "No", assistantNew: "A new conversation.",
    assistantAsGuest: "Browsing anonymously.",
  },
  zh: {
    title: "Aisle 演示商店", skip: "跳到正文", loading: "加载中…",
    error: "出错了", retry: "重试", notFound: "页面不存在。", backHome: "返回首页",
    search: "搜索", searchLabel: "搜索商店", searchPlaceholder: "搜索商品",
    shopperLabel: "购物者", anonymousOption: "匿名（本浏览器）", shopperOption: "{id} · {n} 件商品",
    browsingUser: "当前购物者：{id}。", browsingAnonymous: "匿名浏览（会话 {id}）。",
    cart: "购物车", cartCount: "购物车（{n}）", categories: "分类", home: "首页", breadcrumb: "导航路径",
    forYou: "为你推荐", newHere: "正在流行",
    newHereNote: "第一次来？这些是热门商品。你看过的每件商品都会让这个页面更懂你。",
    rankedBy: "由 {model} v{version} 为你排序。", trending: "本周热门", moreTrending: "更多本周热门",
    "reason.for_you": "为你精选", "reason.because": "因为你看过「{title}」", "reason.trending": "正在流行",
    "reason.similar": "与「{title}」相似", "reason.together": "常与「{title}」一起购买", "reason.promoted": "店铺推荐",
    inStock: "有货", outOfStock: "缺货", addToCart: "加入购物车", added: "已加入购物车。",
    brand: "品牌", price: "价格", availability: "库存", description: "商品描述", details: "规格参数",
    similar: "相似商品", together: "经常一起购买", productImage: "{title} 的图片", noPrice: "价格待询",
    subcategories: "子分类", itemsCount: "{n} 件商品", more: "显示更多", personalOrder: "由 {model} 为你排序。",
    results: "“{q}”的搜索结果", resultsCount: "共 {n} 件商品。", noResults: "没有与“{q}”匹配的商品，试试更少或其他的词。",
    searchHint: "输入商品标题、品牌或分类中的词。",
    cartTitle: "购物车", cartEmpty: "购物车是空的。", quantity: "{title} 的数量", remove: "移除",
    total: "合计", checkout: "结算", placing: "正在提交订单…", orderPlaced: "谢谢！订单已提交。",
    orderNumber: "订单号 {id}", orderLines: "共 {n} 件，合计 {total}。", continueShopping: "继续购物",
    forYourCart: "搭配购买", fromRecommendation: "来自推荐",
    suggestions: "搜索建议", suggestionsCount: "{n} 条建议，用上下方向键选择。",
    "kind.query": "热门搜索", "kind.category": "分类", "kind.item": "商品",
    searchPersonal: "已按你的喜好排序。", filters: "筛选", activeFilters: "已选条件", clearFilters: "全部清除",
    removeFilter: "移除筛选条件 {name}", understood: "已识别", understoodWords: "关键词：{text}",
    sortLabel: "排序", "sort.relevance": "综合", "sort.price_asc": "价格从低到高",
    "sort.price_desc": "价格从高到低", "sort.newest": "最新上架", "sort.popular": "最受欢迎",
    "facet.category": "分类", "facet.brand": "品牌", "facet.price": "价格", "facet.colour": "颜色",
    "facet.material": "材质", "facet.ingredient": "成分", "facet.origin": "产地", "facet.format": "装帧",
    "facet.size": "尺码", facetValue: "{facet}：{value}", priceAtMost: "≤ {price}", priceAtLeast: "≥ {price}",
    priceBetween: "{min} – {max}",
    reviews: "评价", noReviews: "暂无评价。", reviewsError: "评价加载失败",
    reviewsCount: "{n} 条评价", notRated: "暂无星级评分",
    starsLabel: "{rating} 星（满分 5 星）", ratingSpread: "各星级评价数", starsRow: "{n} 星",
    sentimentSplit: "评价倾向", "sentiment.positive": "正面", "sentiment.neutral": "中性",
    "sentiment.negative": "负面", pros: "买家称赞", cons: "买家吐槽", mentions: "次提及",
    reviewKeywords: "高频关键词", recentReviews: "最新评价",
    assistant: "购物助手", assistantOpen: "问问购物助手", assistantClose: "关闭购物助手",
    assistantIntro: "可以问我商品、订单、配送、付款或退货。", assistantLog: "对话",
    assistantMessage: "你的消息", assistantPlaceholder: "输入问题…", send: "发送", assistantYou: "我",
    assistantThinking: "正在思考…", assistantFailed: "助手暂时无法回答", assistantItems: "商品",
    assistantQuick: "回复", yes: "是", no: "否", assistantNew: "新的对话。",
    assistantAsGuest: "匿名浏览。",
  },
};

const KEY = "aisle.lang";

export function language() {
  const chosen = localStorage.getItem(KEY);
  if (chosen === "zh" || chosen === "en") return chosen;
  return navigator.language?.startsWith("zh") ? "zh" : "en";
}

export function setLanguage(lang) {
  localStorage.setItem(KEY, lang);
  applyLanguage();
}

/** Sets `<html lang>` to the chosen language. */
export function applyLanguage() {
  document.documentElement.lang = language() === "zh" ? "zh-CN" : "en";
}

/** The `<html lang>` value of a language code. */
export function htmlLang(lang) {
  return lang === "zh" ? "zh-CN" : "en";
}

/** Whether there are words for `key` (in English at least). */
export function has(key) {
  return key in WORDS.en;
}

export function t(key, values = {}) {
  const words = WORDS[language()];
  // `key.one` is the singular, where a language has one.
  const singular = values.n === 1 ? words[`${key}.one`] : undefined;
  const text = singular ?? words[key] ?? WORDS.en[key] ?? key;
  return text.replace(/\{(\w+)\}/g, (whole, name) => (name in values ? String(values[name]) : whole));
}
