//! The index: every document's tokens (for phrases) and what it is, the postings from each
//! gram to the documents that hold it, the vocabulary of stemmed words, and the people's
//! names. Built once, from the corpus or from any documents; read by queries without a lock.

use rustc_hash::FxHashMap as HashMap;

use rust_stemmers::{Algorithm, Stemmer};

use super::text::{BREAK, Gram, Token, UNKNOWN_WORD, grams_of, is_char, tokenize, without_breaks};
use crate::corpus::Corpus;

/// What a document is: an excerpt, or a sentence of an article that no excerpt holds whole
/// (indices into the corpus's excerpts or sentences, or whatever the caller numbered).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unit {
    Excerpt(usize),
    Sentence(usize),
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

/// The search index over a list of documents.
pub struct SearchIndex {
    /// Every document's tokens without breaks (for phrases), text then translation, end to
    /// end; field f of document d is `tokens[bounds[2d + f]..bounds[2d + f + 1]]`.
    tokens: Vec<Token>,
    bounds: Vec<u32>,
    pub(super) speakers: Vec<Option<usize>>,
    pub(super) priorities: Vec<u32>,
    pub(super) units: Vec<Unit>,
    /// The parts of document d (see [`Document::parts`]) are `parts[part_bounds[d]..part_bounds[d + 1]]`.
    parts: Vec<u32>,
    part_bounds: Vec<u32>,
    pub(super) postings: HashMap<Gram, Vec<u32>>,
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
    pub(super) fn query_tokens(&self, text: &str) -> Vec<Token> {
        tokenize(text, |word| {
            let stem = self.stemmer.stem(word);
            self.vocabulary
                .get(stem.as_ref())
                .copied()
                .unwrap_or(UNKNOWN_WORD)
        })
    }

    /// The documents that stand for document `doc` when they hold as much of a query.
    pub(super) fn parts(&self, doc: usize) -> &[u32] {
        &self.parts[self.part_bounds[doc] as usize..self.part_bounds[doc + 1] as usize]
    }

    /// Whether a document's text or translation holds the tokens in order and adjacent
    /// (punctuation and spaces between them don't count).
    pub(super) fn has_phrase(&self, doc: usize, phrase: &[Token]) -> bool {
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
    pub(super) fn speakers_named(&self, phrase: &[Token]) -> (Vec<usize>, bool) {
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
