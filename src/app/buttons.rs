//! Callback data: what a button under a reply asks for, packed into Telegram's 1-64 bytes and
//! read back with suspicion. Anyone can send any callback data, so [`decode`] accepts only
//! what [`encode`] could have written for the corpus as it is now.

use crate::corpus::Corpus;
use crate::i18n::Lang;

/// Telegram's limit on callback data.
pub const CALLBACK_DATA_LIMIT: usize = 64;

/// What a button does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    /// Show excerpt `index` (a position in the topic's list) of topic `topic`.
    Topic {
        lang: Lang,
        topic: usize,
        index: usize,
    },
    /// Show another random excerpt than `current`.
    Another { lang: Lang, current: usize },
}

impl Action {
    pub fn lang(self) -> Lang {
        match self {
            Action::Topic { lang, .. } | Action::Another { lang, .. } => lang,
        }
    }
}

/// Packs an action as `t:<lang>:<command>:<index>` or `q:<lang>:<excerpt id>`.
pub fn encode(action: Action, corpus: &Corpus) -> String {
    let data = match action {
        Action::Topic { lang, topic, index } => {
            format!("t:{}:{}:{index}", lang.code(), corpus.topics[topic].command)
        }
        Action::Another { lang, current } => {
            format!("q:{}:{}", lang.code(), corpus.excerpts[current].id)
        }
    };
    debug_assert!(
        data.len() <= CALLBACK_DATA_LIMIT,
        "callback data too long: {data}"
    );
    data
}

/// Reads callback data back, or `None` for anything forged, stale or malformed.
pub fn decode(data: &str, corpus: &Corpus) -> Option<Action> {
    if data.len() > CALLBACK_DATA_LIMIT {
        return None;
    }
    let mut parts = data.split(':');
    let kind = parts.next()?;
    let code = parts.next()?;
    let lang = Lang::ALL.into_iter().find(|l| l.code() == code)?;
    let action = match kind {
        "t" => {
            let topic = corpus.topic_by_command(parts.next()?)?;
            let index: usize = parts.next()?.parse().ok()?;
            if index >= corpus.topics[topic].excerpts.len() {
                return None;
            }
            Action::Topic { lang, topic, index }
        }
        "q" => {
            let id = parts.next()?;
            let current = corpus.excerpts.iter().position(|e| e.id == id)?;
            Action::Another { lang, current }
        }
        _ => return None,
    };
    if parts.next().is_some() {
        return None;
    }
    Some(action)
}
