//! A query answered: the documents that hold enough of its grams, each gram weighted by its
//! rarity, ranked (a phrase, a speaker named, overlap; see `tier`), an excerpt standing for
//! a sentence it comes from, and only the page asked for sorted.

use std::cell::RefCell;
use std::cmp::Reverse;

use super::index::{SearchIndex, Unit};
use super::text::{Gram, Token, UNKNOWN_WORD, grams_of, without_breaks};

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

impl SearchIndex {
    /// Every matching document, best first. The query is cut to `QUERY_LIMIT` characters.
    pub fn search(&self, query: &str) -> Vec<Hit> {
        self.search_page(query, 0, usize::MAX).hits
    }

    /// Results `start..start + len` of `query`, best first, and how many there are in all.
    /// Only the page is sorted, so a query that matches most of a large corpus stays fast; and
    /// whether a document holds the phrase (a scan of its tokens) is checked only where it
    /// decides the page or the count.
    pub fn search_page(&self, query: &str, start: usize, len: usize) -> SearchPage {
        self.search_page_where(query, start, len, |_| true)
    }

    /// The same, among the documents `keep` takes (those of one article, say).
    pub fn search_page_where(
        &self,
        query: &str,
        start: usize,
        len: usize,
        keep: impl Fn(Unit) -> bool,
    ) -> SearchPage {
        let Matches {
            mut hits,
            only_name,
            phrase,
        } = self.matches(query);
        hits.retain(|h| keep(h.unit));
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
}
