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
//! by overlap alone, then sentences found by overlap (see `ranking::tier`). Within each, more of the
//! query found comes first, then excerpts that lead a topic (the corpus's "best first" order),
//! then article order.
//!
//! Character bigrams were chosen over a word segmenter (jieba-rs): they need no dictionary,
//! cost nothing at start, and find every query in the table of `tests/it/search.rs`; a segmenter
//! splits names and rare terms differently in queries and text, which loses exact matches.

mod index;
mod ranking;
mod text;

pub use index::{Document, SearchIndex, Unit};
pub use ranking::{Hit, QUERY_LIMIT, Rank, SearchPage};
pub use text::fold;

#[cfg(test)]
mod tests;
