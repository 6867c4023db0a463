//! The index and its ranking on small hand-made corpora; the shipped corpus's search quality
//! is `tests/it/search.rs`'s.

use super::text::without_breaks;
use super::*;

fn index(texts: &[(&'static str, Option<&'static str>, Option<usize>)]) -> SearchIndex {
    SearchIndex::build(
        texts
            .iter()
            .enumerate()
            .map(|(i, &(text, translation, speaker))| Document {
                unit: Unit::Excerpt(i),
                text,
                translation,
                speaker,
                priority: i as u32,
                parts: &[],
            }),
        [("Robin Li", 0), ("李彦宏", 0), ("百度", 0)],
    )
}

/// Excerpts 0 and 1 (Robin Li's), then sentences 0-2: sentence 0 holds excerpt 0, sentence
/// 1 holds excerpt 1.
fn with_sentences() -> SearchIndex {
    const PARTS: [&[usize]; 3] = [&[0], &[1], &[]];
    let excerpts = [
        ("闭源模型才是行业的未来", Some(0)),
        ("只有效率更高", Some(0)),
    ];
    let sentences = [
        "大会期间,他表示“闭源模型才是行业的未来”。",
        "他说只有效率更高,成本更低",
        "李彦宏谈到闭源模型",
    ];
    let documents = excerpts
        .iter()
        .enumerate()
        .map(|(i, &(text, speaker))| Document {
            unit: Unit::Excerpt(i),
            text,
            translation: None,
            speaker,
            priority: i as u32,
            parts: &[],
        })
        .chain(sentences.iter().enumerate().map(|(i, &text)| Document {
            unit: Unit::Sentence(i),
            text,
            translation: None,
            speaker: None,
            priority: 0,
            parts: PARTS[i],
        }));
    SearchIndex::build(documents, [("李彦宏", 0)])
}

fn units(hits: &[Hit]) -> Vec<(Unit, Rank)> {
    hits.iter().map(|h| (h.unit, h.rank)).collect()
}

#[test]
fn an_excerpt_stands_for_the_sentence_it_comes_from() {
    let index = with_sentences();
    // Both hold the phrase: the excerpt alone.
    assert_eq!(
        units(&index.search("才是行业的未来")),
        [(Unit::Excerpt(0), Rank::Phrase)]
    );
    // The sentence holds more of the query than its excerpt: both, the sentence first as
    // it holds the phrase.
    assert_eq!(
        units(&index.search("只有效率更高,成本")),
        [
            (Unit::Sentence(1), Rank::Phrase),
            (Unit::Excerpt(1), Rank::Overlap)
        ]
    );
    assert_eq!(
        units(&index.search("大会期间")),
        [(Unit::Sentence(0), Rank::Phrase)]
    );
}

#[test]
fn excerpts_rank_above_sentences_as_good() {
    let index = with_sentences();
    // A named speaker's words come before a sentence that names them.
    assert_eq!(
        units(&index.search("李彦宏")),
        [
            (Unit::Excerpt(0), Rank::Speaker),
            (Unit::Excerpt(1), Rank::Speaker),
            (Unit::Sentence(2), Rank::Phrase)
        ]
    );
    // Equal phrases: the excerpt first; a sentence matching by phrase beats an excerpt
    // matching by overlap.
    let hits = units(&index.search("闭源模型"));
    assert_eq!(hits[0], (Unit::Excerpt(0), Rank::Phrase));
    assert_eq!(hits[1], (Unit::Sentence(2), Rank::Phrase));
}

#[test]
fn folding_handles_width_case_and_traditional_characters() {
    assert_eq!(fold("ＬＬＡＭＡ２"), "llama2");
    assert_eq!(fold("李彥宏說"), "李彦宏说");
    assert_eq!(fold("開源"), "开源");
}

#[test]
fn words_break_at_digits_and_chinese_at_characters() {
    let index = index(&[("Llama2 开源", None, None)]);
    let a = without_breaks(&index.query_tokens("Llama 2"));
    assert_eq!(a, without_breaks(&index.query_tokens("llama2")));
    assert_eq!(a.len(), 2);
    assert_eq!(index.search("Llama 2")[0].rank, Rank::Phrase);
}

#[test]
fn a_phrase_ranks_above_overlap() {
    let index = index(&[
        ("模型的部署与私有", None, None),
        ("通过闭源模型的私有化部署", None, None),
    ]);
    let hits = index.search("私有化部署");
    assert_eq!(hits[0].doc, 1);
    assert_eq!(hits[0].rank, Rank::Phrase);
}

#[test]
fn a_speaker_name_finds_their_words_in_any_script() {
    let index = index(&[("闭源才是未来", None, Some(0)), ("开源是未来", None, None)]);
    for query in ["Robin Li", "robin", "李彥宏", "ROBIN LI"] {
        let hits = index.search(query);
        assert_eq!(hits.len(), 1, "{query}");
        assert_eq!((hits[0].doc, hits[0].rank), (0, Rank::Speaker), "{query}");
    }
}

#[test]
fn english_words_are_stemmed_and_match_whole_words_only() {
    let index = index(&[
        ("甲", Some("Regulating models"), None),
        ("乙", Some("OpenAI said"), None),
    ]);
    assert_eq!(index.search("regulation")[0].doc, 0);
    assert!(index.search("AI").is_empty(), "AI is not a word of OpenAI");
}

#[test]
fn nothing_matches_nothing() {
    let index = index(&[("开源", None, None)]);
    assert!(index.search("").is_empty());
    assert!(index.search("   ,,,").is_empty());
    assert!(index.search("完全无关的句子").is_empty());
    assert!(index.search("zzzz").is_empty());
}

#[test]
fn odd_input_does_not_panic() {
    let index = index(&[("开源", Some("open"), None)]);
    for query in [
        "\u{202e}开源",
        "😀😀",
        "<b>开源</b>",
        "\u{0}",
        "ﷺ",
        "a\u{301}",
        &"开".repeat(10_000),
    ] {
        let _ = index.search(query);
    }
}
