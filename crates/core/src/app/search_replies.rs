//! Quick quote lookup: `/search WORDS` (pages of three with More and Back buttons) and inline
//! mode (`@bot WORDS` in any chat, twenty results a page). Both read the same search index,
//! whose results are excerpts (with their attribution) and sentences of the article that no
//! excerpt holds (the article's text, "原文 ¶N", naming no speaker).

use std::collections::HashMap;
use std::hash::{Hash, Hasher};
use std::sync::Mutex;

use super::{App, Button, Reply};
use crate::callback_data::{self, Action, QueryRef};
use crate::corpus::{Scope, in_scope};
use crate::i18n::{Lang, fill};
use crate::render::{Doc, Span, user_text};
use crate::search::{QUERY_LIMIT, Unit};

/// Search results shown per message.
pub const SEARCH_PAGE: usize = 3;
/// Inline results per answer (Telegram allows 50).
pub const INLINE_PAGE: usize = 20;
/// How long Telegram may cache an inline answer, in seconds.
pub const INLINE_CACHE_SECONDS: u32 = 300;
/// Characters of a quote shown as an inline result's description.
const DESCRIPTION_CHARS: usize = 60;

/// Queries too long for callback data, kept in memory for their More button. Bounded: when
/// full it starts afresh, and an old button then says it has expired.
#[derive(Debug, Default)]
pub struct QueryMemo {
    queries: Mutex<HashMap<u64, String>>,
}

const MEMO_CAPACITY: usize = 10_000;

impl QueryMemo {
    fn remember(&self, query: &str) -> u64 {
        let mut hasher = std::collections::hash_map::DefaultHasher::new();
        query.hash(&mut hasher);
        let key = hasher.finish();
        let mut queries = self.queries.lock().unwrap_or_else(|e| e.into_inner());
        if queries.len() >= MEMO_CAPACITY {
            queries.clear();
        }
        queries.insert(key, query.to_string());
        key
    }

    fn recall(&self, key: u64) -> Option<String> {
        let queries = self.queries.lock().unwrap_or_else(|e| e.into_inner());
        queries.get(&key).cloned()
    }
}

/// One inline result: an article result whose message is an excerpt or a sentence with its
/// citation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InlineItem {
    /// Unique in the answer, 1-64 bytes: the excerpt id, or `s:N` for sentence N (excerpt ids
    /// have no colon).
    pub id: String,
    pub title: String,
    pub description: String,
    pub message: Doc,
}

/// The answer to an inline query.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InlineAnswer {
    pub items: Vec<InlineItem>,
    /// Empty when there are no more results.
    pub next_offset: String,
    pub cache_seconds: u32,
    /// The answer depends on the user's language, so Telegram must not share it.
    pub is_personal: bool,
}

impl App {
    /// `/search WORDS` (or plain text in a private chat): the first page of results.
    pub(super) fn search(&self, lang: Lang, words: &str, scope: Scope) -> Reply {
        let view = self.view(lang);
        let words = words.trim();
        if words.is_empty() {
            let mut doc = Doc::new();
            doc.text(view.ui.search_usage.clone());
            return Reply {
                doc,
                buttons: Vec::new(),
            };
        }
        self.search_page(lang, words, 0, scope)
    }

    /// A page of results for `query` among the articles in `scope`, with buttons for the
    /// pages around it.
    pub(super) fn search_page(&self, lang: Lang, query: &str, page: usize, scope: Scope) -> Reply {
        let view = self.view(lang);
        let cut = query.chars().count() > QUERY_LIMIT;
        let query: String = query.chars().take(QUERY_LIMIT).collect();
        let find = |start: usize| {
            self.search
                .search_page_where(&query, start, SEARCH_PAGE, |unit| {
                    in_scope(scope, self.article_of(unit))
                })
        };
        let mut result = find(page.saturating_mul(SEARCH_PAGE));
        let echo = user_text(&query);
        let mut doc = Doc::new();
        if result.total == 0 {
            doc.text(fill(&view.ui.search_none, &[("query", &echo)]));
            if cut {
                doc.text(fill(
                    &view.ui.search_cut,
                    &[("limit", &QUERY_LIMIT.to_string())],
                ));
            }
            if let Some(person) = self.corpus.find_person(&query) {
                // Someone the article mentions but never quotes, like 周鸿祎.
                doc.blank().append(view.person(person));
            }
            let commands: Vec<String> = (0..self.corpus.topics.len())
                .filter(|&t| self.corpus.topic_in(t, scope))
                .map(|t| format!("/{}", self.corpus.topics[t].command))
                .collect();
            doc.blank()
                .text(view.ui.search_try_topics.clone())
                .text(commands.join(" "));
            return Reply {
                doc,
                buttons: Vec::new(),
            };
        }
        let pages = result.total.div_ceil(SEARCH_PAGE);
        let page = page.min(pages - 1);
        if result.hits.is_empty() {
            // A page past the end (an old button): show the last one.
            result = find(page * SEARCH_PAGE);
        }
        let first = page * SEARCH_PAGE;
        doc.line(vec![Span::Bold(fill(
            &view.ui.search_header,
            &[
                ("query", &echo),
                ("from", &(first + 1).to_string()),
                ("to", &(first + result.hits.len()).to_string()),
                ("count", &result.total.to_string()),
            ],
        ))]);
        if cut {
            doc.line(vec![Span::Italic(fill(
                &view.ui.search_cut,
                &[("limit", &QUERY_LIMIT.to_string())],
            ))]);
        }
        for hit in &result.hits {
            doc.blank().append(self.unit(lang, hit.unit));
        }
        if let Some(person) = self.corpus.find_person(&query)
            && self.corpus.excerpts_by(person).next().is_none()
        {
            // Someone the article mentions but never quotes, like 周鸿祎: the sentences found
            // name them; the card says they are not quoted.
            doc.blank().append(view.person(person));
        }
        let mut row = Vec::new();
        let reference = self.query_ref(lang, &query, pages - 1);
        if page > 0 {
            row.push(self.search_button(lang, &view.ui.button_back, page - 1, &reference));
        }
        if page + 1 < pages {
            row.push(self.search_button(lang, &view.ui.button_more, page + 1, &reference));
        }
        let buttons = if row.is_empty() {
            Vec::new()
        } else {
            vec![row]
        };
        Reply { doc, buttons }
    }

    /// The article a search result is of.
    fn article_of(&self, unit: Unit) -> usize {
        match unit {
            Unit::Excerpt(e) => self.corpus.excerpts[e].article,
            Unit::Sentence(s) => self.corpus.sentences[s].article,
        }
    }

    /// A search result as shown: an excerpt with its attribution, or a bare sentence.
    fn unit(&self, lang: Lang, unit: Unit) -> Doc {
        let view = self.view(lang);
        match unit {
            Unit::Excerpt(e) => view.excerpt(&self.corpus.excerpts[e]),
            Unit::Sentence(s) => view.sentence(&self.corpus.sentences[s]),
        }
    }

    /// How a query travels in callback data: itself when it fits (with `last_page`, the
    /// largest page a button for it can name), else a memo key.
    fn query_ref(&self, lang: Lang, query: &str, last_page: usize) -> QueryRef {
        let inline = Action::Search {
            lang,
            page: last_page,
            query: QueryRef::Inline(query.to_string()),
        };
        match callback_data::encode(&inline, &self.corpus) {
            Some(_) => QueryRef::Inline(query.to_string()),
            None => QueryRef::Memo(self.queries.remember(query)),
        }
    }

    fn search_button(&self, lang: Lang, label: &str, page: usize, query: &QueryRef) -> Button {
        let action = Action::Search {
            lang,
            page,
            query: query.clone(),
        };
        Button {
            label: label.to_string(),
            data: callback_data::encode(&action, &self.corpus)
                .expect("a query that fits, or a memo key"),
        }
    }

    /// The query a search button refers to, if it is still known.
    pub(super) fn recall(&self, query: &QueryRef) -> Option<String> {
        match query {
            QueryRef::Inline(query) => Some(query.clone()),
            QueryRef::Memo(key) => self.queries.recall(*key),
        }
    }

    /// Answers an inline query: matching excerpts and sentences (or, for no words, the best
    /// excerpts), twenty a page; `offset` is the page Telegram hands back from the previous
    /// answer.
    pub fn inline(&self, query: &str, offset: &str, language_code: Option<&str>) -> InlineAnswer {
        let lang = self.lang(language_code);
        let view = self.view(lang);
        let query = query.trim();
        let page: usize = offset.parse().unwrap_or(0);
        let first = page.saturating_mul(INLINE_PAGE);
        let (units, total): (Vec<Unit>, usize) = if query.is_empty() {
            let mut all: Vec<usize> = (0..self.corpus.excerpts.len()).collect();
            all.sort_by_key(|&e| (self.corpus.priority(e), e));
            let total = all.len();
            (
                all.into_iter()
                    .skip(first)
                    .take(INLINE_PAGE)
                    .map(Unit::Excerpt)
                    .collect(),
                total,
            )
        } else {
            let result = self.search.search_page(query, first, INLINE_PAGE);
            (
                result.hits.into_iter().map(|h| h.unit).collect(),
                result.total,
            )
        };
        let items = units
            .iter()
            .map(|&unit| {
                let e = match unit {
                    Unit::Excerpt(e) => e,
                    Unit::Sentence(s) => {
                        let sentence = &self.corpus.sentences[s];
                        return InlineItem {
                            id: format!("s:{s}"),
                            title: fill(
                                &view.ui.inline_sentence,
                                &[("paragraph", &sentence.paragraph.to_string())],
                            ),
                            description: description(&sentence.text),
                            message: view.sentence(sentence),
                        };
                    }
                };
                let excerpt = &self.corpus.excerpts[e];
                let speaker = match excerpt.voice.speaker() {
                    Some(p) => view.person_name(&self.corpus.people[p]),
                    None => view.voice_label(excerpt.voice),
                };
                let topic = excerpt
                    .topics
                    .first()
                    .map(|&t| self.corpus.topics[t].title.get(lang))
                    .unwrap_or_default();
                InlineItem {
                    id: excerpt.id.clone(),
                    title: fill(
                        &view.ui.inline_title,
                        &[("speaker", &speaker), ("topic", topic)],
                    ),
                    description: description(&excerpt.shown()),
                    message: view.excerpt(excerpt),
                }
            })
            .collect();
        let next_offset = if first.saturating_add(INLINE_PAGE) < total {
            (page + 1).to_string()
        } else {
            String::new()
        };
        InlineAnswer {
            items,
            next_offset,
            cache_seconds: INLINE_CACHE_SECONDS,
            is_personal: true,
        }
    }
}

/// The start of a quote, for an inline result's description.
fn description(text: &str) -> String {
    crate::render::cut(text, DESCRIPTION_CHARS + 1)
}
