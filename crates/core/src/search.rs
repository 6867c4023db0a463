//! Finding excerpts and sentences of the article by what people type: Chinese without
//! spaces, traditional characters, English, names in any script. Built once at start; a query
//! takes no lock and allocates little (thread-local scratch buffers hold the scores).
//!
//! The units searched are the curated excerpts and every sentence of the article that no
//! excerpt holds whole (see `corpus::split_sentences`). A sentence found together with an
//! excerpt drawn from it is left out unless it holds more of the query than that excerpt: the
//! excerpt, with its attribution and translation, is the result.
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
//! Excerpts come before sentences as good: an excerpt that holds the phrase (or, for a query
//! that is only a name, whose speaker is named) ranks above a sentence that holds the phrase,
//! which ranks above an excerpt of a speaker named among other words, then an excerpt found
//! by overlap alone, then sentences found by overlap (see `tier`). Within each, more of the
//! query found comes first, then excerpts that lead a topic (the corpus's "best first" order),
//! then article order.
//!
//! Character bigrams were chosen over a word segmenter (jieba-rs): they need no dictionary,
//! cost nothing at start, and find every query in the table of `tests/it/search.rs`; a segmenter
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

/// What a document is: an excerpt, or a sentence of an article that no excerpt holds whole
/// (indices into the corpus's excerpts or sentences, or whatever the caller numbered).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unit {
    Excerpt(usize),
    Sentence(usize),
}

/// One result: which document, what it is, how it matched, and how much of the query it
/// holds (0-1).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Hit {
    pub doc: usize,
    pub unit: Unit,
    pub rank: Rank,
    pub coverage: f32,
    /// While `rank` is Phrase but not yet checked: the rank if it does not hold the phrase.
    /// Every hit a search returns is checked.
    unchecked: Option<Rank>,
}

/// Every match of a query, unordered, with what ranking them needs.
struct Matches {
    hits: Vec<Hit>,
    /// The query is nothing but a name, or the start of one.
    only_name: bool,
    /// The query's tokens without breaks.
    phrase: Vec<Token>,
}

/// Ranks in the scratch buffer: none yet, or holding every gram but not yet checked for the
/// phrase; otherwise a `Rank as u8`.
const NO_RANK: u8 = 0;
const UNCHECKED: u8 = 4;

/// A page of results: how many matched in all, and the hits of the page, best first.
#[derive(Debug, Clone, PartialEq)]
pub struct SearchPage {
    pub total: usize,
    pub hits: Vec<Hit>,
}

/// What the index is built from, one per excerpt or sentence.
#[derive(Debug, Clone)]
pub struct Document<'a> {
    pub unit: Unit,
    pub text: &'a str,
    pub translation: Option<&'a str>,
    /// Index of the speaker in `people`, if any.
    pub speaker: Option<usize>,
    /// Lower comes first among equally good matches.
    pub priority: u32,
    /// For a sentence: the documents (excerpts) that hold part of it, which stand for it when
    /// they hold as much of a query.
    pub parts: &'a [usize],
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
    units: Vec<Unit>,
    /// The parts of document d (see [`Document::parts`]) are `parts[part_bounds[d]..part_bounds[d + 1]]`.
    parts: Vec<u32>,
    part_bounds: Vec<u32>,
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

/// Per-thread buffers, reused across queries, so a query allocates nothing per document.
#[derive(Default)]
struct Scratch {
    /// The weight of the query found, per document.
    scores: Vec<f32>,
    /// The rank per document (0 for none yet), set for the documents touched.
    ranks: Vec<u8>,
    /// The documents with a score or a rank.
    touched: Vec<u32>,
}

thread_local! {
    static SCRATCH: RefCell<Scratch> = RefCell::new(Scratch::default());
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

/// How results are ordered, best first: an excerpt holding the phrase; when the query is only
/// a name, that speaker's excerpts; a sentence holding the phrase; the excerpts of a speaker
/// the query names among other words (`李彦宏就开始在` asks for those words, not for all he
/// said); an excerpt found by overlap; a sentence found by overlap.
fn tier(hit: &Hit, only_name: bool) -> u8 {
    match (hit.unit, hit.rank) {
        (Unit::Excerpt(_), Rank::Phrase) => 6,
        (Unit::Excerpt(_), Rank::Speaker) if only_name => 5,
        (Unit::Sentence(_), Rank::Phrase) => 4,
        (Unit::Excerpt(_), Rank::Speaker) => 3,
        (Unit::Excerpt(_), Rank::Overlap) => 2,
        // A sentence names no speaker, so it is never found as one's words.
        (Unit::Sentence(_), _) => 1,
    }
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
    /// Indexes the corpus's excerpts (document i is excerpt i), then the sentences no excerpt
    /// holds whole, and its people's names.
    pub fn from_corpus(corpus: &Corpus) -> Self {
        let excerpts = corpus.excerpts.iter().enumerate().map(|(i, e)| Document {
            unit: Unit::Excerpt(i),
            text: &e.text.original,
            translation: e.text.en.as_deref(),
            speaker: e.voice.speaker(),
            priority: corpus.priority(i),
            parts: &[],
        });
        // Document i is excerpt i, so a sentence's excerpts are its parts as they are.
        let sentences = corpus
            .sentences
            .iter()
            .enumerate()
            .filter(|(_, s)| s.within.is_none())
            .map(|(i, s)| Document {
                unit: Unit::Sentence(i),
                text: &s.text,
                translation: None,
                speaker: None,
                priority: 0,
                parts: &s.overlaps,
            });
        let documents = excerpts.chain(sentences);
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
        let mut units = Vec::new();
        let mut parts = Vec::new();
        let mut part_bounds = vec![0u32];
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
            units.push(document.unit);
            parts.extend(document.parts.iter().map(|&p| p as u32));
            part_bounds.push(parts.len() as u32);
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
        parts.shrink_to_fit();
        SearchIndex {
            tokens: all_tokens,
            bounds,
            speakers,
            priorities,
            units,
            parts,
            part_bounds,
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
            + self.units.capacity() * size_of::<Unit>()
            + self.parts.capacity() * 4
            + self.part_bounds.capacity() * 4
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
    /// Only the page is sorted, so a query that matches most of a large corpus stays fast; and
    /// whether a document holds the phrase (a scan of its tokens) is checked only where it
    /// decides the page or the count.
    pub fn search_page(&self, query: &str, start: usize, len: usize) -> SearchPage {
        let Matches {
            mut hits,
            only_name,
            phrase,
        } = self.matches(query);
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
                Reverse(tier(h, only_name)),
                Reverse((h.coverage * 10_000.0) as u32),
                self.priorities[h.doc],
                h.doc,
            )
        };
        // Hits not yet checked rank as if they held the phrase, which is as high as they can
        // go; those that come out on top are checked, and while some fall, a window twice as
        // large is checked (at worst every hit, once).
        let mut window = end;
        loop {
            if window < hits.len() {
                hits.select_nth_unstable_by_key(window, key);
            }
            let mut fell = false;
            for hit in &mut hits[..window] {
                if let Some(fallback) = hit.unchecked.take()
                    && !self.has_phrase(hit.doc, &phrase)
                {
                    hit.rank = fallback;
                    fell = true;
                }
            }
            if !fell || window >= hits.len() {
                break;
            }
            window = window.saturating_mul(2).min(hits.len());
        }
        // The window now holds the best hits, all checked: the page is among them.
        hits.truncate(window);
        if end < window {
            hits.select_nth_unstable_by_key(end, key);
            hits.truncate(end);
        }
        hits.sort_unstable_by_key(key);
        hits.drain(..start);
        SearchPage { total, hits }
    }

    /// Every matching document, unordered, with what ranking them needs.
    fn matches(&self, query: &str) -> Matches {
        let cut = query
            .char_indices()
            .nth(QUERY_LIMIT)
            .map_or(query.len(), |(i, _)| i);
        let tokens = self.query_tokens(&query[..cut]);
        let phrase = without_breaks(&tokens);
        if tokens.is_empty() {
            return Matches {
                hits: Vec::new(),
                only_name: false,
                phrase,
            };
        }
        let (speakers, only_name) = self.speakers_named(&phrase);

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
        let can_be_phrase = !phrase.contains(&UNKNOWN_WORD);
        let n = self.len() as f32;
        let weights: Vec<(Gram, f32)> = grams
            .iter()
            .map(|g| {
                let df = self.postings.get(g).map_or(0, Vec::len) as f32;
                (*g, (1.0 + n / (df + 1.0)).ln())
            })
            .collect();
        let total: f32 = weights.iter().map(|(_, w)| w).sum();

        let hits = SCRATCH.with(|scratch| {
            let Scratch {
                scores,
                ranks,
                touched,
            } = &mut *scratch.borrow_mut();
            scores.resize(self.len(), 0.0);
            ranks.resize(self.len(), NO_RANK);
            for (gram, weight) in &weights {
                for &doc in self.postings.get(gram).map_or(&[][..], Vec::as_slice) {
                    if scores[doc as usize] == 0.0 {
                        touched.push(doc);
                    }
                    scores[doc as usize] += weight;
                }
            }
            // The rank of each document, but where only a scan can tell whether it holds
            // the phrase: that is left UNCHECKED.
            for &doc in touched.iter() {
                let d = doc as usize;
                let coverage = scores[d] / total;
                ranks[d] = if coverage >= 0.999 && one_gram {
                    Rank::Phrase as u8
                } else if coverage >= 0.999 && can_be_phrase {
                    UNCHECKED
                } else if self.speakers[d].is_some_and(|s| speakers.contains(&s)) {
                    Rank::Speaker as u8
                } else if coverage >= OVERLAP_THRESHOLD {
                    Rank::Overlap as u8
                } else {
                    NO_RANK
                };
            }
            // The named speakers' other words, which share no gram with the query.
            if !speakers.is_empty() {
                for (doc, speaker) in self.speakers.iter().enumerate() {
                    if ranks[doc] == NO_RANK && speaker.is_some_and(|s| speakers.contains(&s)) {
                        if scores[doc] == 0.0 {
                            touched.push(doc as u32);
                        }
                        ranks[doc] = Rank::Speaker as u8;
                    }
                }
            }
            // What a document ranks if it does not hold the phrase.
            let fallback = |d: usize| {
                if self.speakers[d].is_some_and(|s| speakers.contains(&s)) {
                    Rank::Speaker
                } else {
                    Rank::Overlap
                }
            };
            // Settles an UNCHECKED rank by scanning the document.
            let settle = |d: usize, ranks: &mut Vec<u8>| {
                if ranks[d] == UNCHECKED {
                    ranks[d] = if self.has_phrase(d, &phrase) {
                        Rank::Phrase
                    } else {
                        fallback(d)
                    } as u8;
                }
                ranks[d]
            };
            let mut hits = Vec::with_capacity(touched.len());
            for &doc in touched.iter() {
                let d = doc as usize;
                if ranks[d] == NO_RANK {
                    continue;
                }
                // A sentence whose excerpt holds as much of the query (and the phrase, if the
                // sentence does) adds nothing: the excerpt stands for it.
                let coverage = scores[d] / total;
                let mut replaced = false;
                for &e in self.parts(d) {
                    let e = e as usize;
                    if ranks[e] != NO_RANK && scores[e] / total >= coverage - 1e-4 {
                        replaced = settle(d, ranks) != Rank::Phrase as u8
                            || settle(e, ranks) == Rank::Phrase as u8;
                        if replaced {
                            break;
                        }
                    }
                }
                if replaced {
                    continue;
                }
                let (rank, unchecked) = match ranks[d] {
                    UNCHECKED => (Rank::Phrase, Some(fallback(d))),
                    3 => (Rank::Phrase, None),
                    2 => (Rank::Speaker, None),
                    _ => (Rank::Overlap, None),
                };
                hits.push(Hit {
                    doc: d,
                    unit: self.units[d],
                    rank,
                    coverage,
                    unchecked,
                });
            }
            for &doc in touched.iter() {
                scores[doc as usize] = 0.0;
                ranks[doc as usize] = NO_RANK;
            }
            touched.clear();
            hits
        });
        Matches {
            hits,
            only_name,
            phrase,
        }
    }

    /// The documents that stand for document `doc` when they hold as much of a query.
    fn parts(&self, doc: usize) -> &[u32] {
        &self.parts[self.part_bounds[doc] as usize..self.part_bounds[doc + 1] as usize]
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
    /// more characters, or a whole word: "李彦", "robin"); and whether the query is nothing
    /// but a name or the start of one.
    fn speakers_named(&self, phrase: &[Token]) -> (Vec<usize>, bool) {
        let mut people = Vec::new();
        let mut only_name = false;
        for (name, person) in &self.names {
            let contained = phrase.windows(name.len()).any(|w| w == name.as_slice());
            let starts = (phrase.len() >= 2 || !is_char(phrase[0])) && name.starts_with(phrase);
            only_name |= starts;
            if (contained || starts) && !people.contains(person) {
                people.push(*person);
            }
        }
        (people, only_name)
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
}
