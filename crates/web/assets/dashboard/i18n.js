// The dashboard's words in English and Chinese. `t(key, values)` answers in the chosen language,
// fills `{name}` placeholders, and falls back to English, then to the key itself, so a missing
// translation shows, not breaks.

const WORDS = {
  en: {
    title: "Aisle dashboard", overview: "Overview", models: "Models", data: "Data", users: "Users", items: "Items",
    settings: "Settings", signIn: "Sign in", signOut: "Sign out", adminKey: "Admin API key",
    keyHelp: "Paste the admin key `aisle demo` printed, or create one with `aisle keys create --scope admin`.",
    badKey: "The server did not accept this key.", loading: "Loading…", error: "Error",
    usersCount: "Shoppers", itemsCount: "Items", eventsCount: "Events", ordersCount: "Orders",
    eventsPerDay: "Events per day", funnel: "Funnel: shoppers who viewed, carted, bought",
    recs: "Recommendations since the server started", shown: "Items shown", clicked: "Clicked", purchased: "Bought",
    ctr: "Click-through", conversion: "Conversion", retrain: "Retrain", training: "Training",
    idle: "No training is running.", version: "Version", active: "Active", serving: "Serving", trainedAt: "Trained",
    seconds: "Seconds", reports: "Offline evaluation", noReports: "No evaluation reports yet: run `aisle eval ... --json`.",
    importFile: "Import a file", format: "Format", upload: "Import", rejects: "Rejected rows", line: "Line",
    search: "Search", id: "Id", titleCol: "Title", price: "Price", profile: "Profile", timeline: "Behaviour",
    recommendations: "Current recommendations", why: "Why", similar: "Similar items", together: "Bought together",
    config: "Running configuration (read-only)", keys: "API keys", scope: "Scope", label: "Label", created: "Created",
    create: "Create", revoke: "Revoke", newKey: "New key (shown once):", none: "Nothing yet.", kind: "Kind", when: "When",
    item: "Item", events: "Events", open: "Open", done: "done", running: "running", failed: "failed", records: "records",
    reviews: "Reviews", noReviews: "No reviews yet.", rated: "With stars", averageRating: "Average rating",
    positiveShare: "Positive", trend: "Sentiment trend", falling: "Falling", notFalling: "Not falling",
    noTrend: "No dated reviews", trendRecent: "Last {days} days: {share} positive of {n} reviews.",
    trendEarlier: "Before: {share} positive of {n}.", trendNoEarlier: "No reviews before.",
    sentimentByMonth: "Reviews by month and sentiment", ratingSpread: "Reviews by stars", aspects: "Aspects", aspect: "Aspect",
    mentions: "Mentions", positive: "Positive", neutral: "Neutral", negative: "Negative", net: "Net",
    pros: "Pros", cons: "Cons", keywords: "Key phrases", phrase: "Phrase", count: "Count", score: "Score",
    recentReviews: "Newest reviews", rating: "Stars", sentiment: "Sentiment", text: "Text",
    "share.pros": "{n} mentions, {share} of them positive", "share.cons": "{n} mentions, {share} of them negative",
  },
  zh: {
    title: "Aisle 控制台", overview: "概览", models: "模型", data: "数据", users: "用户", items: "商品",
    settings: "设置", signIn: "登录", signOut: "退出", adminKey: "管理员 API 密钥",
    keyHelp: "粘贴 `aisle demo` 打印的管理员密钥，或用 `aisle keys create --scope admin` 创建。",
    badKey: "服务器不接受此密钥。", loading: "加载中…", error: "错误",
    usersCount: "用户数", itemsCount: "商品数", eventsCount: "事件数", ordersCount: "订单数",
    eventsPerDay: "每日事件", funnel: "漏斗：浏览、加购、购买的用户", recs: "自服务器启动以来的推荐",
    shown: "展示", clicked: "点击", purchased: "购买", ctr: "点击率", conversion: "转化率", retrain: "重新训练",
    training: "训练", idle: "当前没有训练任务。", version: "版本", active: "当前版本", serving: "服务中", trainedAt: "训练时间",
    seconds: "秒", reports: "离线评估", noReports: "还没有评估报告：运行 `aisle eval ... --json`。",
    importFile: "导入文件", format: "格式", upload: "导入", rejects: "被拒绝的行", line: "行",
    search: "搜索", id: "编号", titleCol: "标题", price: "价格", profile: "资料", timeline: "行为",
    recommendations: "当前推荐", why: "原因", similar: "相似商品", together: "经常一起购买",
    config: "运行配置（只读）", keys: "API 密钥", scope: "权限", label: "标签", created: "创建时间",
    create: "创建", revoke: "吊销", newKey: "新密钥（仅显示一次）：", none: "暂无。", kind: "类型", when: "时间",
    item: "商品", events: "事件", open: "打开", done: "完成", running: "进行中", failed: "失败", records: "条记录",
    reviews: "评价", noReviews: "暂无评价。", rated: "有星级", averageRating: "平均评分",
    positiveShare: "正面占比", trend: "情感趋势", falling: "下降", notFalling: "未下降",
    noTrend: "没有带日期的评价", trendRecent: "最近 {days} 天：{n} 条评价，正面占 {share}。",
    trendEarlier: "此前：{n} 条，正面占 {share}。", trendNoEarlier: "此前没有评价。",
    sentimentByMonth: "每月评价及情感", ratingSpread: "各星级评价数", aspects: "评价维度", aspect: "维度",
    mentions: "提及", positive: "正面", neutral: "中性", negative: "负面", net: "净值",
    pros: "优点", cons: "缺点", keywords: "关键词", phrase: "短语", count: "次数", score: "得分",
    recentReviews: "最新评价", rating: "星级", sentiment: "情感", text: "内容",
    "share.pros": "提及 {n} 次，其中 {share} 为正面", "share.cons": "提及 {n} 次，其中 {share} 为负面",
  },
};

export function language() {
  const chosen = localStorage.getItem("aisle.lang");
  if (chosen === "zh" || chosen === "en") return chosen;
  return navigator.language?.startsWith("zh") ? "zh" : "en";
}

export function setLanguage(lang) {
  localStorage.setItem("aisle.lang", lang);
  document.documentElement.lang = lang === "zh" ? "zh-CN" : "en";
}

/** The words for `key`, with `{name}` placeholders filled from `values`. */
export function t(key, values = {}) {
  const text = WORDS[language()]?.[key] ?? WORDS.en[key] ?? key;
  return text.replace(/\{(\w+)\}/g, (whole, name) => (name in values ? String(values[name]) : whole));
}
