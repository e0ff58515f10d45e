//! The words that are never a key phrase: function words, and the filler every review is made
//! of ("product", "really", 东西, 感觉) whatever it is about. Words too short to be candidates
//! (English under three letters, single Han characters) need no entry.
//!
//! Generic praise and blame ("great", "love", 不错, 满意) is listed too: it says how a shopper
//! feels, which [`crate::sentiment`] reads, not what they talk about, and without it TextRank
//! would crown "great" in every item's reviews.
//!
//! The lists run in paragraphs: function words; what is left of contractions once the
//! apostrophe splits them ("don't" is "don" and "t"), also as typed without it; review filler,
//! true of every product; and generic praise and blame.

use std::collections::HashSet;
use std::sync::OnceLock;

use aisle_text::Analyzer;

/// English stop words, folded, separated by white space. Matched by stem, so "products",
/// "liked" and "using" go too.
const ENGLISH: &str = "
    about above after again against all also although among and another any are around because
    been before being below between both but can could did does doing down during each either
    else even ever every few for from further had has have her here hers herself him himself his how
    into its itself just many may might more most much must myself neither never next nor not now
    off once only other our ours out over own same several shall she should since some such than
    that the their theirs them then there these they this those though through thus till too
    under until upon very was were what when where whether which while who whom whose why will
    with within without would yet you your yours yourself

    aren couldn didn doesn don hadn hasn haven isn shouldn wasn weren won wouldn
    cant didnt doesnt dont isnt ive wasnt wont

    actually already almost always amazon anything back bit bought buy came come definitely
    described enough everything expected feel first get give going got item know little lot make made
    maybe need new nothing one order overall pretty product purchase quite really recommend review
    say second seem something star still stuff sure thank thing think three time totally try two
    use want way well work wow

    amazing awesome bad best better excellent fine good great happy like love nice okay perfect
    terrible worst absolutely day days week disappointed special
";

/// Chinese stop words: jieba words of two or more Han characters, separated by white space.
const CHINESE: &str = "
    我们 你们 他们 她们 它们 自己 大家 别人 这个 那个 这些 那些 这样 那样 这么 那么 这种 那种
    这里 那里 里面 这家 那家 这款 这本 这次 每个 什么 怎么 怎么样 为什么 其他 另外 所有 任何

    因为 所以 但是 不过 可是 而且 并且 然后 如果 虽然 还是 或者 就是 只是 不是 也是 都是 还有
    没有 可以 已经 其实 真的 真是 非常 特别 比较 十分 相当 确实 实在 有点 有些 总体 总之 来说
    的话 反正 而已 之后 之前 以后 时候 现在 今天 终于 本来 当然 应该 可能 也许 好像 居然 竟然
    还会 不会 不能 不要 能够 需要 对于 作为 为了 以及 通过 而是 起来 出来 知道 不知道 发现 看到
    开始 希望 认为 以为 最好 最后 只有 只能 根本

    东西 商品 产品 宝贝 本书 这本书 感觉 觉得 收到 购买 评价 好评 差评 追评 推荐 值得 下次 回购
    好好 哈哈 哈哈哈 呵呵 整体 第二天 一个星期 失望 中规中矩

    不错 很好 不好 挺好 还行 还好 一般般 满意 不满意 喜欢
";

/// Whether a folded English word, given as its stem, is a stop word.
pub(super) fn is_english_stop(stem: &str) -> bool {
    static STEMS: OnceLock<HashSet<String>> = OnceLock::new();
    let stems = STEMS.get_or_init(|| {
        let analyzer = Analyzer::shared();
        ENGLISH.split_whitespace().map(|word| analyzer.stem(word)).collect()
    });
    stems.contains(stem)
}

/// Whether a jieba word is a Chinese stop word. Besides the list, two patterns: a word opening
/// with 很 (很快, 很漂亮) is a degree adverb and an adjective run together, how good and never
/// what; a two-character word opening with 一, 两 or 几 is a count (一本, 两个, 几天) or a
/// function word (一直, 一样, 一定).
pub(super) fn is_chinese_stop(word: &str) -> bool {
    static WORDS: OnceLock<HashSet<&'static str>> = OnceLock::new();
    let words = WORDS.get_or_init(|| CHINESE.split_whitespace().collect());
    let mut chars = word.chars();
    let (first, two_characters) = (chars.next(), chars.next().is_some() && chars.next().is_none());
    let counted = two_characters && matches!(first, Some('一' | '两' | '几'));
    first == Some('很') || counted || words.contains(word)
}

#[cfg(test)]
mod tests {
    use aisle_text::is_han;

    use super::*;

    /// An entry a candidate rule already excludes is dead weight that hides what the lists do.
    #[test]
    fn every_stop_word_would_otherwise_be_a_candidate() {
        for word in ENGLISH.split_whitespace() {
            let letters = word.chars().filter(|c| c.is_ascii_lowercase()).count();
            assert!(letters >= 3, "{word:?} is too short to need listing");
            assert!(is_english_stop(&Analyzer::shared().stem(word)), "{word:?}");
        }
        for word in CHINESE.split_whitespace() {
            assert!(word.chars().count() >= 2 && word.chars().all(is_han), "{word:?}");
            assert!(is_chinese_stop(word), "{word:?}");
        }
    }

    #[test]
    fn stop_words_are_matched_by_stem_and_by_prefix() {
        for stem in ["product", "thing", "like", "use"] {
            assert!(is_english_stop(stem), "{stem}");
        }
        for stem in ["batteri", "screen", "servic"] {
            assert!(!is_english_stop(stem), "{stem}");
        }
        for word in ["很快", "很漂亮", "东西", "一本", "两个", "几天", "一直"] {
            assert!(is_chinese_stop(word), "{word}");
        }
        for word in ["物流", "电池", "一体机", "宝宝"] {
            assert!(!is_chinese_stop(word), "{word}");
        }
    }
}
