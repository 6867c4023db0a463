//! Finding excerpts by what people type: Chinese without spaces, traditional characters,
//! English, names in any script. Built once at start; a query takes no lock and allocates
//! little (a thread-local scratch buffer holds the scores).
//!
//! Text is folded before anything else: NFKC (full-width to half-width), lower case,
//! traditional to simplified Chinese (the MIT-licensed `fast2s` table), English words stemmed
//! (Snowball). It is then read as tokens: each Han, kana or hangul character is a token, and
//! each run of other letters or digits is a word (`Llama2` is `llama` `2`, like `Llama 2`).
//!
//! Ranking, best first:
//! 1. **phrase**: the query's tokens appear, in order and adjacent, in the excerpt or its
//!    English translation;
//! 2. **speaker**: the query names the speaker (a name or alias of a person), or starts one;
//! 3. **overlap**: at least half of the query's weight is found, counting character bigrams
//!    for Chinese and words for English, each weighted by its rarity (inverse document
//!    frequency).
//!
//! Within a rank, more of the query found comes first, then excerpts that lead a topic
//! (the corpus's "best first" order), then article order.
//! Character bigrams were chosen over a word segmenter (jieba-rs): they need no dictionary,
//! cost nothing at start, and find every query in the table of `tests/search.rs`; a segmenter
//! splits names and rare terms differently in queries and text, which loses exact matches.

use std::cell::RefCell;
use std::cmp::Reverse;

use rustc_hash::FxHashMap as HashMap;

use rust_stemmers::{Algorithm, Stemmer};
use unicode_normalization::UnicodeNormalization;

use crate::corpus::Corpus;

/// Queries longer than this many characters are cut before searching.
pub const QUERY_LIMIT: usize = 256;

/// The share of a query's weight an excerpt must hold to match on overlap alone.
const OVERLAP_THRESHOLD: f32 = 0.5;

/// How well an excerpt matched.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Rank {
    Overlap = 1,
    Speaker = 2,
    Phrase = 3,
}

/// One result: which document, how, and how much of the query it holds (0-1).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Hit {
    pub doc: usize,
    pub rank: Rank,
    pub coverage: f32,
}

/// A page of results: how many matched in all, and the hits of the page, best first.
#[derive(Debug, Clone, PartialEq)]
pub struct SearchPage {
    pub total: usize,
    pub hits: Vec<Hit>,
}

/// What the index is built from, one per excerpt.
#[derive(Debug, Clone)]
pub struct Document<'a> {
    pub text: &'a str,
    pub translation: Option<&'a str>,
    /// Index of the speaker in `people`, if any.
    pub speaker: Option<usize>,
    /// Lower comes first among equally good matches.
    pub priority: u32,
}

/// A token: a CJK character (high bit set) or the id of a word in the vocabulary.
type Token = u32;
const CHAR_TOKEN: u32 = 1 << 31;
/// Stands between runs of text (punctuation, spaces); character pairs never span it.
const BREAK: Token = u32::MAX;
/// A query word the index has never seen: it matches nothing.
const UNKNOWN_WORD: Token = u32::MAX - 1;

fn is_char(token: Token) -> bool {
    token & CHAR_TOKEN != 0 && token & !CHAR_TOKEN <= 0x10FFFF
}

/// Keys of the postings: a token alone (a word, a character) or a pair of characters.
type Gram = u64;
const PAIR_GRAM: u64 = 1 << 63;
const UNKNOWN_GRAM: u64 = 1 << 62;

/// The search index over a list of documents.
pub struct SearchIndex {
    /// Every document's tokens without breaks (for phrases), text then translation, end to
    /// end; field f of document d is `tokens[bounds[2d + f]..bounds[2d + f + 1]]`.
    tokens: Vec<Token>,
    bounds: Vec<u32>,
    speakers: Vec<Option<usize>>,
    priorities: Vec<u32>,
    postings: HashMap<Gram, Vec<u32>>,
    vocabulary: HashMap<String, u32>,
    /// Tokens of every name and alias, without breaks, with the person they belong to.
    names: Vec<(Vec<Token>, usize)>,
    stemmer: Stemmer,
}

impl std::fmt::Debug for SearchIndex {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SearchIndex")
            .field("documents", &self.len())
            .field("grams", &self.postings.len())
            .field("words", &self.vocabulary.len())
            .finish()
    }
}

thread_local! {
    /// Per-thread scores, reused across queries: (score per document, documents touched).
    static SCRATCH: RefCell<(Vec<f32>, Vec<u32>)> = const { RefCell::new((Vec::new(), Vec::new())) };
}

/// Folds text for matching: NFKC, lower case, traditional to simplified.
pub fn fold(text: &str) -> String {
    // Most text is already NFKC; the quick check spares the full normalisation.
    let normal: String = match unicode_normalization::is_nfkc_quick(text.chars()) {
        unicode_normalization::IsNormalized::Yes => {
            text.chars().flat_map(char::to_lowercase).collect()
        }
        _ => text.nfkc().flat_map(char::to_lowercase).collect(),
    };
    fast2s::convert(&normal)
}

/// Han ideographs, kana and hangul: scripts written without spaces, read a character at a time.
fn is_cjk(c: char) -> bool {
    matches!(c as u32,
        0x3040..=0x30FF      // hiragana, katakana
        | 0x3400..=0x4DBF    // CJK extension A
        | 0x4E00..=0x9FFF    // CJK unified ideographs
        | 0xAC00..=0xD7AF    // hangul syllables
        | 0xF900..=0xFAFF    // CJK compatibility ideographs
        | 0x20000..=0x3134F) // CJK extensions B-G
}

/// Reads text as tokens: CJK characters, words (named by `word`, which stems them), and
/// single BREAKs between runs. Words end at letter/digit boundaries: `llama2` is `llama` `2`.
fn tokenize(text: &str, mut word: impl FnMut(&str) -> Token) -> Vec<Token> {
    let folded = fold(text);
    let mut tokens = Vec::new();
    let mut rest = folded.as_str();
    while let Some(c) = rest.chars().next() {
        let end = if is_cjk(c) {
            tokens.push(CHAR_TOKEN | c as u32);
            c.len_utf8()
        } else if c.is_alphanumeric() {
            let digit = c.is_numeric();
            let end = rest
                .char_indices()
                .find(|&(_, c)| !c.is_alphanumeric() || is_cjk(c) || c.is_numeric() != digit)
                .map_or(rest.len(), |(i, _)| i);
            tokens.push(word(&rest[..end]));
            end
        } else {
            if tokens.last().is_some_and(|&t| t != BREAK) {
                tokens.push(BREAK);
            }
            c.len_utf8()
        };
        rest = &rest[end..];
    }
    if tokens.last() == Some(&BREAK) {
        tokens.pop();
    }
    tokens
}

fn without_breaks(tokens: &[Token]) -> Vec<Token> {
    tokens.iter().copied().filter(|&t| t != BREAK).collect()
}

/// The grams of a token sequence: every word, every pair of adjacent CJK characters, and
/// single CJK characters (all of them when indexing; in a query only those standing alone).
fn grams_of(tokens: &[Token], indexing: bool, out: &mut Vec<Gram>) {
    for (i, &token) in tokens.iter().enumerate() {
        if token == BREAK {
            continue;
        }
        if token == UNKNOWN_WORD {
            out.push(UNKNOWN_GRAM | i as u64);
            continue;
        }
        if !is_char(token) {
            out.push(Gram::from(token));
            continue;
        }
        let next = tokens.get(i + 1).copied().filter(|&t| is_char(t));
        let after_char = i > 0 && is_char(tokens[i - 1]);
        if let Some(next) = next {
            out.push(
                PAIR_GRAM | Gram::from(token & !CHAR_TOKEN) << 21 | Gram::from(next & !CHAR_TOKEN),
            );
        }
        if indexing || (next.is_none() && !after_char) {
            out.push(Gram::from(token));
        }
    }
}

impl SearchIndex {
    /// Indexes the corpus's excerpts (document i is excerpt i) and its people's names.
    pub fn from_corpus(corpus: &Corpus) -> Self {
        let documents = corpus.excerpts.iter().enumerate().map(|(i, e)| Document {
            text: &e.text.original,
            translation: e.text.en.as_deref(),
            speaker: e.voice.speaker(),
            priority: corpus.priority(i),
        });
        let names = corpus.people.iter().enumerate().flat_map(|(i, p)| {
            [&p.name.original, &p.org.original]
                .into_iter()
                .chain(p.name.en.as_ref())
                .chain(p.org.en.as_ref())
                .chain(&p.aliases)
                .filter(|n| !n.is_empty())
                .map(move |n| (n.as_str(), i))
        });
        Self::build(documents, names)
    }

    /// Indexes `documents` and the `(name, person)` pairs that find a speaker.
    pub fn build<'a>(
        documents: impl IntoIterator<Item = Document<'a>>,
        names: impl IntoIterator<Item = (&'a str, usize)>,
    ) -> Self {
        let stemmer = Stemmer::create(Algorithm::English);
        let mut vocabulary: HashMap<String, u32> = HashMap::default();
        // Words seen before skip the stemmer.
        let mut seen: HashMap<String, Token> = HashMap::default();
        let mut learn = |word: &str| -> Token {
            if let Some(&token) = seen.get(word) {
                return token;
            }
            let stem = stemmer.stem(word);
            let next = vocabulary.len() as u32;
            let token = *vocabulary.entry(stem.into_owned()).or_insert(next);
            seen.insert(word.to_owned(), token);
            token
        };
        let mut postings: HashMap<Gram, Vec<u32>> = HashMap::default();
        let mut all_tokens = Vec::new();
        let mut bounds = vec![0u32];
        let mut speakers = Vec::new();
        let mut priorities = Vec::new();
        let mut grams = Vec::new();
        for (id, document) in documents.into_iter().enumerate() {
            let text = tokenize(document.text, &mut learn);
            let translation = document
                .translation
                .map(|t| tokenize(t, &mut learn))
                .unwrap_or_default();
            grams.clear();
            grams_of(&text, true, &mut grams);
            grams_of(&translation, true, &mut grams);
            grams.sort_unstable();
            grams.dedup();
            for &gram in &grams {
                postings.entry(gram).or_default().push(id as u32);
            }
            for field in [&text, &translation] {
                all_tokens.extend(field.iter().copied().filter(|&t| t != BREAK));
                bounds.push(all_tokens.len() as u32);
            }
            speakers.push(document.speaker);
            priorities.push(document.priority);
        }
        let mut people: Vec<(Vec<Token>, usize)> = names
            .into_iter()
            .map(|(name, person)| (without_breaks(&tokenize(name, &mut learn)), person))
            .filter(|(tokens, _)| !tokens.is_empty())
            .collect();
        people.sort();
        people.dedup();
        for list in postings.values_mut() {
            list.shrink_to_fit();
        }
        all_tokens.shrink_to_fit();
        SearchIndex {
            tokens: all_tokens,
            bounds,
            speakers,
            priorities,
            postings,
            vocabulary,
            names: people,
            stemmer,
        }
    }

    pub fn len(&self) -> usize {
        self.speakers.len()
    }

    pub fn is_empty(&self) -> bool {
        self.speakers.is_empty()
    }

    /// Field `field` (0 text, 1 translation) of document `doc`, as tokens without breaks.
    fn field(&self, doc: usize, field: usize) -> &[Token] {
        let i = 2 * doc + field;
        &self.tokens[self.bounds[i] as usize..self.bounds[i + 1] as usize]
    }

    /// Bytes the index holds on the heap, estimated from its structures' capacities.
    pub fn heap_bytes(&self) -> usize {
        use std::mem::size_of;
        // A hash map entry: the pair plus about one control byte per bucket.
        let postings: usize = self
            .postings
            .values()
            .map(|v| size_of::<(Gram, Vec<u32>)>() + 1 + v.capacity() * 4)
            .sum();
        let vocabulary: usize = self
            .vocabulary
            .keys()
            .map(|k| size_of::<(String, u32)>() + 1 + k.capacity())
            .sum();
        let names: usize = self
            .names
            .iter()
            .map(|(t, _)| size_of::<(Vec<Token>, usize)>() + t.capacity() * 4)
            .sum();
        self.tokens.capacity() * 4
            + self.bounds.capacity() * 4
            + self.speakers.capacity() * size_of::<Option<usize>>()
            + self.priorities.capacity() * 4
            + postings
            + vocabulary
            + names
    }

    /// Query tokens; words the index has never seen become UNKNOWN_WORD.
    fn query_tokens(&self, text: &str) -> Vec<Token> {
        tokenize(text, |word| {
            let stem = self.stemmer.stem(word);
            self.vocabulary
                .get(stem.as_ref())
                .copied()
                .unwrap_or(UNKNOWN_WORD)
        })
    }

    /// Every matching document, best first. The query is cut to `QUERY_LIMIT` characters.
    pub fn search(&self, query: &str) -> Vec<Hit> {
        self.search_page(query, 0, usize::MAX).hits
    }

    /// Results `start..start + len` of `query`, best first, and how many there are in all.
    /// Only the page is sorted, so a query that matches most of a large corpus stays fast.
    pub fn search_page(&self, query: &str, start: usize, len: usize) -> SearchPage {
        let mut hits = self.matches(query);
        let total = hits.len();
        let end = start.saturating_add(len).min(total);
        if start >= end {
            return SearchPage {
                total,
                hits: Vec::new(),
            };
        }
        let key = |h: &Hit| {
            (
                Reverse(h.rank),
                Reverse((h.coverage * 10_000.0) as u32),
                self.priorities[h.doc],
                h.doc,
            )
        };
        if end < total {
            hits.select_nth_unstable_by_key(end, key);
            hits.truncate(end);
        }
        hits.sort_unstable_by_key(key);
        hits.drain(..start);
        SearchPage { total, hits }
    }

    /// Every matching document, unordered.
    fn matches(&self, query: &str) -> Vec<Hit> {
        let cut = query
            .char_indices()
            .nth(QUERY_LIMIT)
            .map_or(query.len(), |(i, _)| i);
        let tokens = self.query_tokens(&query[..cut]);
        if tokens.is_empty() {
            return Vec::new();
        }
        let phrase = without_breaks(&tokens);
        let speakers = self.speakers_named(&phrase);

        let mut grams = Vec::new();
        grams_of(&tokens, false, &mut grams);
        grams.sort_unstable();
        grams.dedup();
        // A query of one gram (a word, a character, a pair of characters) is its own phrase:
        // a document holding all of it holds the phrase.
        let one_gram = grams.len() == 1
            && tokens.len() == phrase.len()
            && phrase.len() <= 2
            && !phrase.contains(&UNKNOWN_WORD);
        let n = self.len() as f32;
        let weights: Vec<(Gram, f32)> = grams
            .iter()
            .map(|g| {
                let df = self.postings.get(g).map_or(0, Vec::len) as f32;
                (*g, (1.0 + n / (df + 1.0)).ln())
            })
            .collect();
        let total: f32 = weights.iter().map(|(_, w)| w).sum();

        let mut hits = SCRATCH.with(|scratch| {
            let (scores, touched) = &mut *scratch.borrow_mut();
            scores.resize(self.len(), 0.0);
            for (gram, weight) in &weights {
                for &doc in self.postings.get(gram).map_or(&[][..], Vec::as_slice) {
                    if scores[doc as usize] == 0.0 {
                        touched.push(doc);
                    }
                    scores[doc as usize] += weight;
                }
            }
            let mut hits = Vec::with_capacity(touched.len());
            for &doc in touched.iter() {
                let coverage = scores[doc as usize] / total;
                scores[doc as usize] = 0.0;
                let doc = doc as usize;
                let rank = if coverage >= 0.999 && (one_gram || self.has_phrase(doc, &phrase)) {
                    Rank::Phrase
                } else if self.speakers[doc].is_some_and(|s| speakers.contains(&s)) {
                    Rank::Speaker
                } else if coverage >= OVERLAP_THRESHOLD {
                    Rank::Overlap
                } else {
                    continue;
                };
                hits.push(Hit {
                    doc,
                    rank,
                    coverage,
                });
            }
            touched.clear();
            hits
        });
        // The named speakers' other words, which share no gram with the query.
        if !speakers.is_empty() {
            let mut found = vec![false; self.len()];
            for hit in &hits {
                found[hit.doc] = true;
            }
            for (doc, speaker) in self.speakers.iter().enumerate() {
                if !found[doc] && speaker.is_some_and(|s| speakers.contains(&s)) {
                    hits.push(Hit {
                        doc,
                        rank: Rank::Speaker,
                        coverage: 0.0,
                    });
                }
            }
        }
        hits
    }

    /// Whether a document's text or translation holds the tokens in order and adjacent
    /// (punctuation and spaces between them don't count).
    fn has_phrase(&self, doc: usize, phrase: &[Token]) -> bool {
        let Some((&first, rest)) = phrase.split_first() else {
            return false;
        };
        if phrase.contains(&UNKNOWN_WORD) {
            return false;
        }
        (0..2).any(|f| {
            let field = self.field(doc, f);
            field
                .iter()
                .enumerate()
                .any(|(i, &t)| t == first && field[i + 1..].starts_with(rest))
        })
    }

    /// The people the query names: one of their names is in it, or it starts one (two or
    /// more characters, or a whole word: "李彦", "robin").
    fn speakers_named(&self, phrase: &[Token]) -> Vec<usize> {
        let mut people = Vec::new();
        for (name, person) in &self.names {
            let contained = phrase.windows(name.len()).any(|w| w == name.as_slice());
            let starts = (phrase.len() >= 2 || !is_char(phrase[0])) && name.starts_with(phrase);
            if (contained || starts) && !people.contains(person) {
                people.push(*person);
            }
        }
        people
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn index(texts: &[(&'static str, Option<&'static str>, Option<usize>)]) -> SearchIndex {
        SearchIndex::build(
            texts
                .iter()
                .enumerate()
                .map(|(i, &(text, translation, speaker))| Document {
                    text,
                    translation,
                    speaker,
                    priority: i as u32,
                }),
            [("Robin Li", 0), ("李彦宏", 0), ("百度", 0)],
        )
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
}
