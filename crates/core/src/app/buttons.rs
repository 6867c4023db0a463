//! Callback data: what a button under a reply asks for, packed into Telegram's 1-64 bytes and
//! read back with suspicion. Anyone can send any callback data, so [`decode`] accepts only
//! what [`encode`] could have written for the corpus as it is now.
//!
//! Formats: `t:<lang>:<command>:<index>` (a topic's excerpt), `q:<lang>:<excerpt id>`
//! (another random excerpt), `s:<lang>:<page>:<query>` (a page of search results, the query
//! inline) and `S:<lang>:<page>:<key>` (the same for a query too long to fit, kept in memory
//! under `key`; see [`super::QueryMemo`]), `d:<lang>:<motion id>:<for>:<against>` (a debate
//! showing those excerpts of each side) and `D:...` (the same debate's sources).

use crate::corpus::Corpus;
use crate::i18n::Lang;

pub use crate::bot_api::CALLBACK_DATA_LIMIT;

/// What a button does.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Action {
    /// Show excerpt `index` (a position in the topic's list) of topic `topic`.
    Topic {
        lang: Lang,
        topic: usize,
        index: usize,
    },
    /// Show another random excerpt than `current`.
    Another { lang: Lang, current: usize },
    /// Show page `page` of the results for a query.
    Search {
        lang: Lang,
        page: usize,
        query: QueryRef,
    },
    /// Show motion `motion` at excerpt `at[0]` of its "for" side and `at[1]` of "against",
    /// or the list of its sources.
    Debate {
        lang: Lang,
        motion: usize,
        at: [usize; 2],
        sources: bool,
    },
}

/// A search query in callback data: the words themselves, or the key they are kept under.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum QueryRef {
    Inline(String),
    Memo(u64),
}

/// Packs an action; `None` only for an inline query that does not fit (use a memo key).
pub fn encode(action: &Action, corpus: &Corpus) -> Option<String> {
    let data = match action {
        Action::Topic { lang, topic, index } => {
            format!(
                "t:{}:{}:{index}",
                lang.code(),
                corpus.topics[*topic].command
            )
        }
        Action::Another { lang, current } => {
            format!("q:{}:{}", lang.code(), corpus.excerpts[*current].id)
        }
        Action::Search {
            lang,
            page,
            query: QueryRef::Inline(query),
        } => {
            format!("s:{}:{page}:{query}", lang.code())
        }
        Action::Search {
            lang,
            page,
            query: QueryRef::Memo(key),
        } => {
            format!("S:{}:{page}:{key:016x}", lang.code())
        }
        Action::Debate {
            lang,
            motion,
            at,
            sources,
        } => {
            let kind = if *sources { "D" } else { "d" };
            format!(
                "{kind}:{}:{}:{}:{}",
                lang.code(),
                corpus.motions[*motion].id,
                at[0],
                at[1]
            )
        }
    };
    (data.len() <= CALLBACK_DATA_LIMIT).then_some(data)
}

/// Reads callback data back, or `None` for anything forged, stale or malformed. Search
/// pages are not checked against the results here: the caller clamps them.
pub fn decode(data: &str, corpus: &Corpus) -> Option<Action> {
    if data.len() > CALLBACK_DATA_LIMIT {
        return None;
    }
    let (kind, rest) = data.split_once(':')?;
    let (code, rest) = rest.split_once(':')?;
    let lang = Lang::ALL.into_iter().find(|l| l.code() == code)?;
    match kind {
        "t" => {
            let (command, index) = rest.split_once(':')?;
            let topic = corpus.topic_by_command(command)?;
            let index: usize = index.parse().ok()?;
            (index < corpus.topics[topic].excerpts.len()).then_some(Action::Topic {
                lang,
                topic,
                index,
            })
        }
        "q" => {
            let current = corpus.excerpts.iter().position(|e| e.id == rest)?;
            Some(Action::Another { lang, current })
        }
        "s" | "S" => {
            let (page, query) = rest.split_once(':')?;
            let page: usize = page.parse().ok()?;
            let query = if kind == "s" {
                if query.trim().is_empty() {
                    return None;
                }
                QueryRef::Inline(query.to_string())
            } else {
                if query.len() != 16 {
                    return None;
                }
                QueryRef::Memo(u64::from_str_radix(query, 16).ok()?)
            };
            Some(Action::Search { lang, page, query })
        }
        "d" | "D" => {
            let mut parts = rest.split(':');
            let id = parts.next()?;
            let motion = corpus.motions.iter().position(|m| m.id == id)?;
            let sides = &corpus.motions[motion].sides;
            let mut at = [0; 2];
            for (side, slot) in at.iter_mut().enumerate() {
                *slot = parts
                    .next()?
                    .parse()
                    .ok()
                    .filter(|&i| i < sides[side].len())?;
            }
            if parts.next().is_some() {
                return None;
            }
            Some(Action::Debate {
                lang,
                motion,
                at,
                sources: kind == "D",
            })
        }
        _ => None,
    }
}
