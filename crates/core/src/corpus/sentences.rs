//! Splitting an article into sentences, so that search can find any line of it, not only the
//! curated excerpts. A sentence ends at 。!?; (full-width or ASCII) and at the end of a
//! paragraph, never inside quotation marks: in `他说:“开源。闭源”然后……` the quote stays whole,
//! and `……未来。”` ends the sentence after the closing mark. A quotation mark the paragraph never
//! closes (¶20 of the shipped article opens “ and ends without ”) is not treated as a quote,
//! so it cannot swallow the sentences after it.

use std::ops::Range;

use super::{Article, Cut, Excerpt, Sentence};

/// Marks that end a sentence.
fn is_end(c: char) -> bool {
    matches!(
        c,
        '。' | '\u{FF01}' | '\u{FF1F}' | '\u{FF1B}' | '!' | '?' | ';'
    )
}

/// The closing mark of an opening quotation mark.
fn closer(c: char) -> Option<char> {
    match c {
        '“' => Some('”'),
        '‘' => Some('’'),
        '「' => Some('」'),
        '『' => Some('』'),
        _ => None,
    }
}

/// The byte ranges of the sentences of one paragraph, in order, without surrounding spaces.
/// Every character other than spaces between sentences belongs to exactly one sentence.
pub fn split(paragraph: &str) -> Vec<Range<usize>> {
    let mut sentences = Vec::new();
    // Closing marks expected, innermost last.
    let mut open: Vec<char> = Vec::new();
    let mut start = 0;
    let mut chars = paragraph.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        let after = i + c.len_utf8();
        let mut ends = false;
        if let Some(close) = closer(c) {
            // Only a quote that closes later in the paragraph counts as one.
            if paragraph[after..].contains(close) {
                open.push(close);
            }
        } else if let Some(depth) = open.iter().rposition(|&m| m == c) {
            open.truncate(depth);
            // “……。” ends a sentence once the quote closes.
            let before = paragraph[..i].chars().next_back();
            ends = open.is_empty() && before.is_some_and(is_end);
        } else if open.is_empty() && is_end(c) {
            ends = true;
        }
        if ends {
            // Take the marks that follow along: "?!", "。”".
            let mut end = after;
            while let Some(&(j, d)) = chars.peek() {
                if is_end(d) || matches!(d, '”' | '’' | '」' | '』') {
                    end = j + d.len_utf8();
                    chars.next();
                } else {
                    break;
                }
            }
            push(paragraph, start..end, &mut sentences);
            start = end;
        }
    }
    push(paragraph, start..paragraph.len(), &mut sentences);
    sentences
}

/// Adds `range` trimmed of spaces, unless nothing is left.
fn push(paragraph: &str, range: Range<usize>, sentences: &mut Vec<Range<usize>>) {
    let text = &paragraph[range.clone()];
    let trimmed = text.trim_start();
    let start = range.start + (text.len() - trimmed.len());
    let end = start + trimmed.trim_end().len();
    if start < end {
        sentences.push(start..end);
    }
}

/// Where words found at byte `at` of `paragraph` start or end inside their sentence. An
/// excerpt that leaves out only its sentence's final marks ("。", "。”") ends with it.
pub fn cut_of(paragraph: &str, at: usize, len: usize) -> Cut {
    let end = at + len;
    let sentences = split(paragraph);
    let start = !sentences.iter().any(|s| s.start == at);
    let end = !sentences.iter().any(|s| {
        s.end >= end
            && s.start < end
            && paragraph[end..s.end]
                .chars()
                .all(|c| is_end(c) || matches!(c, '”' | '’' | '」' | '』'))
    });
    Cut { start, end }
}

/// Every sentence of every article, with the excerpts that hold it. A sentence is `within` an
/// excerpt when the excerpt holds all of it but perhaps its final mark (excerpts often leave
/// out the 。); it `overlaps` the excerpts of its paragraph that hold part of it.
pub(super) fn sentences(articles: &[Article], excerpts: &[Excerpt]) -> Vec<Sentence> {
    let mut out = Vec::new();
    for (a, article) in articles.iter().enumerate() {
        for (p, paragraph) in article.paragraphs.iter().enumerate() {
            // The excerpts of this paragraph, as byte ranges in it.
            let spans: Vec<(usize, Range<usize>)> = excerpts
                .iter()
                .enumerate()
                .filter(|(_, e)| e.article == a && e.paragraph == p + 1)
                .filter_map(|(i, e)| {
                    let at = paragraph.find(e.text.original.as_str())?;
                    Some((i, at..at + e.text.original.len()))
                })
                .collect();
            for range in split(paragraph) {
                let text = &paragraph[range.clone()];
                let core = range.start..range.start + text.trim_end_matches(is_end).len();
                let within = spans
                    .iter()
                    .find(|(_, s)| s.start <= core.start && core.end <= s.end)
                    .map(|(i, _)| *i);
                let overlaps = spans
                    .iter()
                    .filter(|(_, s)| s.start < range.end && range.start < s.end)
                    .map(|(i, _)| *i)
                    .collect();
                out.push(Sentence {
                    article: a,
                    paragraph: p + 1,
                    text: text.to_string(),
                    within,
                    overlaps,
                });
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(paragraph: &str) -> Vec<&str> {
        split(paragraph)
            .into_iter()
            .map(|r| &paragraph[r])
            .collect()
    }

    #[test]
    fn sentences_end_at_full_stops_and_question_marks() {
        assert_eq!(
            texts("开源好。闭源好!谁赢? 不知道;再看"),
            ["开源好。", "闭源好!", "谁赢?", "不知道;", "再看"]
        );
        assert_eq!(texts("真的?!是的。"), ["真的?!", "是的。"]);
        // Full-width ！？； as well as ASCII.
        assert_eq!(
            texts("真的\u{FF1F}是的\u{FF01}好\u{FF1B}再见"),
            ["真的\u{FF1F}", "是的\u{FF01}", "好\u{FF1B}", "再见"]
        );
        assert_eq!(texts("没有句号"), ["没有句号"]);
        assert!(texts("").is_empty() && texts("  ").is_empty());
        // A full stop of a decimal or an abbreviation is no sentence end.
        assert_eq!(texts("01.AI 发布了 1.5 版。"), ["01.AI 发布了 1.5 版。"]);
    }

    #[test]
    fn a_sentence_never_ends_inside_quotation_marks() {
        assert_eq!(
            texts("他说:“开源,闭源。”不过“开源”是未来。下一句"),
            ["他说:“开源,闭源。”", "不过“开源”是未来。", "下一句"]
        );
        assert_eq!(
            texts("他说:“开源就是未来。”下一句。"),
            ["他说:“开源就是未来。”", "下一句。"]
        );
        assert_eq!(
            texts("「一。『二。』三。」四。"),
            ["「一。『二。』三。」", "四。"]
        );
        // A quotation mark that never closes does not swallow what follows.
        assert_eq!(texts("只是“如何。然后。"), ["只是“如何。", "然后。"]);
    }

    #[test]
    fn the_shipped_article_splits_into_verbatim_sentences_with_their_paragraphs() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../responses");
        let corpus = crate::corpus::load(&dir).unwrap();
        let article = &corpus.articles[0];
        let sentences: Vec<&Sentence> =
            corpus.sentences.iter().filter(|s| s.article == 0).collect();
        // Every paragraph is split, in order, and the sentences rebuild it but for spaces.
        for (p, paragraph) in article.paragraphs.iter().enumerate() {
            let own: Vec<&str> = sentences
                .iter()
                .filter(|s| s.paragraph == p + 1)
                .map(|s| s.text.as_str())
                .collect();
            assert!(!own.is_empty(), "¶{} has no sentence", p + 1);
            let squeeze = |s: &str| s.split_whitespace().collect::<String>();
            assert_eq!(squeeze(&own.concat()), squeeze(paragraph), "¶{}", p + 1);
            let mut from = 0;
            for text in own {
                let at = paragraph[from..]
                    .find(text)
                    .unwrap_or_else(|| panic!("{text:?} is not verbatim in ¶{}", p + 1));
                from += at + text.len();
                // Quotation marks are balanced, except a mark the paragraph never closes.
                let opens = text.matches('“').count();
                let closes = text.matches('”').count();
                assert!(
                    opens == closes || !paragraph[from..].contains('”'),
                    "unbalanced quotes in ¶{}: {text:?}",
                    p + 1
                );
            }
        }
        let in_paragraph = |n: usize| -> Vec<&str> {
            sentences
                .iter()
                .filter(|s| s.paragraph == n)
                .map(|s| s.text.as_str())
                .collect()
        };
        assert_eq!(in_paragraph(1), ["开源与闭源之争:大厂如何抉择?"]);
        // ¶5 is one sentence: its 。 come only inside or after Robin Li's quoted words.
        assert_eq!(in_paragraph(5).len(), 1);
        assert!(in_paragraph(5)[0].ends_with("才是行业的未来”。"));
        assert_eq!(in_paragraph(14).len(), 2);
        assert!(in_paragraph(14)[1].starts_with("大模型中厂喜欢"));
        // ¶33: the unattributed quote and the article's words about it are one sentence.
        assert_eq!(in_paragraph(33).len(), 1);
        // ¶34: the sentence after "。 " starts without the space.
        assert_eq!(
            in_paragraph(34)[1],
            "这是目前大模型开源领域所存在的模糊之处。"
        );
        // ¶20 opens a quote it never closes: two sentences all the same.
        assert_eq!(in_paragraph(20).len(), 2);
        assert_eq!(
            in_paragraph(20)[0],
            "综合上述因素,如今拥抱开源已经是仅剩的选项。"
        );
    }

    #[test]
    fn sentences_know_the_excerpts_that_hold_them() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../responses");
        let corpus = crate::corpus::load(&dir).unwrap();
        let id = |i: usize| corpus.excerpts[i].id.as_str();
        let find = |start: &str| {
            corpus
                .sentences
                .iter()
                .find(|s| s.text.starts_with(start))
                .unwrap()
        };
        // ¶20's first sentence is an excerpt, whole.
        let only = find("综合上述因素");
        assert_eq!(only.within.map(id), Some("article-open-only-option"));
        // ¶24's excerpt holds both of its sentences.
        assert_eq!(
            find("这是闭源大模型的商业价值").within.map(id),
            Some("article-technology-gap")
        );
        // ¶32's excerpt leaves out the sentence's opening words: the sentence stands apart.
        let desensitisation = find("根据目前公开的信息显示");
        assert_eq!(desensitisation.within, None);
        assert_eq!(
            desensitisation
                .overlaps
                .iter()
                .map(|&i| id(i))
                .collect::<Vec<_>>(),
            ["article-desensitisation"]
        );
        // ¶5: two of Robin Li's excerpts are parts of one longer sentence.
        let five = find("在 2024 年世界人工智能大会期间");
        assert_eq!(five.within, None);
        let mut parts: Vec<&str> = five.overlaps.iter().map(|&i| id(i)).collect();
        parts.sort();
        assert_eq!(parts, ["li-commercial-closed-future", "li-efficiency-cost"]);
        // Every excerpt's sentences list it.
        for (i, excerpt) in corpus.excerpts.iter().enumerate() {
            assert!(
                corpus
                    .sentences
                    .iter()
                    .any(|s| s.overlaps.contains(&i) && s.paragraph == excerpt.paragraph),
                "{}",
                excerpt.id
            );
        }
    }
}
