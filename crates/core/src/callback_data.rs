//! Callback data: what a button asks for, packed into Telegram's 1-64 bytes
//! ([`CALLBACK_DATA_LIMIT`]) and read back with suspicion. Every button the bot makes is
//! written by [`encode`] and every press read by [`decode`]; no other code knows a format.
//!
//! Data is `<prefix>:<fields>`: the prefix names the kind, and the fields are the kind's own,
//! most starting with `<lang>`, the language of the message the button is under:
//!
//! | prefix | what the button does | fields |
//! | --- | --- | --- |
//! | `t` | shows a topic's excerpt | `<lang>:<command>:<index in the topic>` |
//! | `q` | shows another random excerpt | `<lang>:<id of the excerpt shown>` |
//! | `s` | shows a page of search results | `<lang>:<page>:<query>` |
//! | `S` | the same, for a long query | `<lang>:<page>:<key>` (16 hex digits) |
//! | `d` | shows a debate's motion | `<lang>:<motion id>:<index for>:<index against>` |
//! | `D` | lists the same debate's sources | as `d` |
//! | `c` | changes a chat's setting | `<lang>:<key>:<value>` |
//! | `r` | starts the chat's new leaderboard period (`/top reset`) | `<lang>` |
//! | `h` | begins a student's attempt at homework | `<code>` (its link's 12 letters and digits) |
//!
//! (`S`: the app keeps the query under the key; `c`'s keys: `lang`, `sec`, `q`, `who`,
//! `score`, `min`, `pic`. `h` names no language: the homework speaks its own.)
//!
//! A button stays under its message for as long as the message lives, so a format, once
//! posted, never changes. Anyone can send any callback data, so [`decode`] accepts exactly
//! what [`encode`] writes for the corpus as it is now: a kind's fields are read only within
//! what exists (a topic's excerpts, a motion's sides, a setting's allowed values), and data is
//! accepted only if writing back what was read gives the same bytes (so `020`, `+20`, upper
//! case hex or a field too many are refused, for every kind alike).
//!
//! A new kind is added here: a variant of [`Action`] and a line in `kinds!` (with a prefix
//! never used before); the compiler then asks for its fields (`Action::kind`, `fields`,
//! `read`), its samples and forgeries in the tests, and what the app does with it
//! (`App::press`; the core's `press` routes a kind that is not the app's elsewhere).

use crate::bot_api::CALLBACK_DATA_LIMIT;
use crate::corpus::Corpus;
use crate::i18n::Lang;
use crate::settings::{MINUTES, QUESTIONS, SECONDS, SettingChange, Starters};
use crate::vocab::{ArticleId, Scoring};

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
    /// Change one of the chat's settings, on a settings message shown in `lang`.
    Setting { lang: Lang, change: SettingChange },
    /// Start the chat's new leaderboard period, confirming `/top reset` asked in `lang`.
    TopReset { lang: Lang },
    /// Begin a student's attempt at the homework whose link's code is `code` (whether such
    /// homework exists is the homework engine's to say).
    Homework { code: String },
}

/// The length of homework's code: letters and digits, as in its deep link.
pub const HOMEWORK_CODE_LEN: usize = 12;

/// A search query in callback data: the words themselves, or the key they are kept under.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum QueryRef {
    Inline(String),
    Memo(u64),
}

/// The kinds of data, one per prefix: the variant and the prefix its data starts with.
macro_rules! kinds {
    ($($(#[$doc:meta])* $kind:ident = $prefix:literal,)*) => {
        /// A kind of callback data, named by the prefix of its data.
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        enum Kind {
            $($(#[$doc])* $kind,)*
        }

        impl Kind {
            const ALL: &[Kind] = &[$(Kind::$kind,)*];

            fn prefix(self) -> &'static str {
                match self {
                    $(Kind::$kind => $prefix,)*
                }
            }
        }
    };
}

kinds! {
    /// [`Action::Topic`].
    Topic = "t",
    /// [`Action::Another`].
    Another = "q",
    /// [`Action::Search`] with the query itself.
    Search = "s",
    /// [`Action::Search`] with a memo key.
    SearchMemo = "S",
    /// [`Action::Debate`], the motion.
    Debate = "d",
    /// [`Action::Debate`], its sources.
    DebateSources = "D",
    /// [`Action::Setting`].
    Setting = "c",
    /// [`Action::TopReset`].
    TopReset = "r",
    /// [`Action::Homework`].
    Homework = "h",
}

impl Action {
    fn kind(&self) -> Kind {
        match self {
            Action::Topic { .. } => Kind::Topic,
            Action::Another { .. } => Kind::Another,
            Action::Search {
                query: QueryRef::Inline(_),
                ..
            } => Kind::Search,
            Action::Search {
                query: QueryRef::Memo(_),
                ..
            } => Kind::SearchMemo,
            Action::Debate { sources: false, .. } => Kind::Debate,
            Action::Debate { sources: true, .. } => Kind::DebateSources,
            Action::Setting { .. } => Kind::Setting,
            Action::TopReset { .. } => Kind::TopReset,
            Action::Homework { .. } => Kind::Homework,
        }
    }
}

/// Packs an action; `None` when it does not fit in [`CALLBACK_DATA_LIMIT`] (only a search
/// query can be that long: send its memo key instead).
pub fn encode(action: &Action, corpus: &Corpus) -> Option<String> {
    let data = format!("{}:{}", action.kind().prefix(), fields(action, corpus));
    (data.len() <= CALLBACK_DATA_LIMIT).then_some(data)
}

/// Reads callback data back, or `None` for anything forged, stale or malformed: anything
/// [`encode`] would not write for the corpus as it is. A search page is not checked against
/// the results here (they depend on the query): the caller clamps it.
pub fn decode(data: &str, corpus: &Corpus) -> Option<Action> {
    if data.len() > CALLBACK_DATA_LIMIT {
        return None;
    }
    let (prefix, fields) = data.split_once(':')?;
    let kind = Kind::ALL.iter().copied().find(|k| k.prefix() == prefix)?;
    let action = read(kind, fields, corpus)?;
    // Exactly the bytes `encode` writes for it: a number written another way, or a field
    // too many, reads as the same action but is no button the bot made.
    (encode(&action, corpus).as_deref() == Some(data)).then_some(action)
}

/// An action's fields, after its prefix.
fn fields(action: &Action, corpus: &Corpus) -> String {
    match action {
        Action::Topic { lang, topic, index } => {
            let command = &corpus.topics[*topic].command;
            format!("{}:{command}:{index}", lang.code())
        }
        Action::Another { lang, current } => {
            format!("{}:{}", lang.code(), corpus.excerpts[*current].id)
        }
        Action::Search { lang, page, query } => match query {
            QueryRef::Inline(query) => format!("{}:{page}:{query}", lang.code()),
            QueryRef::Memo(key) => format!("{}:{page}:{key:016x}", lang.code()),
        },
        Action::Debate {
            lang, motion, at, ..
        } => {
            let id = &corpus.motions[*motion].id;
            format!("{}:{id}:{}:{}", lang.code(), at[0], at[1])
        }
        Action::Setting { lang, change } => {
            let (key, value) = setting_field(*change);
            format!("{}:{key}:{value}", lang.code())
        }
        Action::TopReset { lang } => lang.code().to_string(),
        Action::Homework { code } => code.clone(),
    }
}

/// The language a kind's fields start with, and the fields after it.
fn lang_first(fields: &str) -> Option<(Lang, &str)> {
    let (code, rest) = fields.split_once(':')?;
    Some((Lang::ALL.into_iter().find(|l| l.code() == code)?, rest))
}

/// A kind's fields read back, each only within what exists now. What is read is checked
/// against what [`encode`] writes by [`decode`], so the bytes need no checking here.
fn read(kind: Kind, fields: &str, corpus: &Corpus) -> Option<Action> {
    match kind {
        Kind::Topic => {
            let (lang, fields) = lang_first(fields)?;
            let (command, index) = fields.split_once(':')?;
            let topic = corpus.topic_by_command(command)?;
            let index: usize = index.parse().ok()?;
            (index < corpus.topics[topic].excerpts.len()).then_some(Action::Topic {
                lang,
                topic,
                index,
            })
        }
        Kind::Another => {
            let (lang, fields) = lang_first(fields)?;
            let current = corpus.excerpts.iter().position(|e| e.id == fields)?;
            Some(Action::Another { lang, current })
        }
        Kind::Search | Kind::SearchMemo => {
            let (lang, fields) = lang_first(fields)?;
            let (page, query) = fields.split_once(':')?;
            let page: usize = page.parse().ok()?;
            let query = if kind == Kind::Search {
                if query.trim().is_empty() {
                    return None;
                }
                QueryRef::Inline(query.to_string())
            } else {
                QueryRef::Memo(u64::from_str_radix(query, 16).ok()?)
            };
            Some(Action::Search { lang, page, query })
        }
        Kind::Debate | Kind::DebateSources => {
            let (lang, fields) = lang_first(fields)?;
            let mut parts = fields.split(':');
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
            Some(Action::Debate {
                lang,
                motion,
                at,
                sources: kind == Kind::DebateSources,
            })
        }
        Kind::Setting => {
            let (lang, fields) = lang_first(fields)?;
            let (key, value) = fields.split_once(':')?;
            let change = read_setting(key, value, corpus)?;
            Some(Action::Setting { lang, change })
        }
        Kind::TopReset => Some(Action::TopReset {
            lang: Lang::ALL.into_iter().find(|l| l.code() == fields)?,
        }),
        Kind::Homework => (fields.len() == HOMEWORK_CODE_LEN
            && fields.bytes().all(|b| b.is_ascii_alphanumeric()))
        .then(|| Action::Homework {
            code: fields.to_string(),
        }),
    }
}

/// A setting's change as written: the setting's key and the value chosen.
fn setting_field(change: SettingChange) -> (&'static str, String) {
    match change {
        SettingChange::Language(l) => ("lang", l.map_or("own", Lang::code).to_string()),
        SettingChange::Seconds(s) => ("sec", s.to_string()),
        SettingChange::Questions(q) => ("q", q.to_string()),
        SettingChange::Starters(s) => ("who", s.code().to_string()),
        SettingChange::Scoring(s) => ("score", s.code().to_string()),
        SettingChange::Minutes(m) => ("min", m.to_string()),
        SettingChange::Pictures(p) => ("pic", if p { "on" } else { "off" }.to_string()),
        // "*" for every article: no article's id (a-z, 0-9, '-') reads so.
        SettingChange::Article(a) => (
            "art",
            a.map_or_else(|| "*".to_string(), |a| a.as_str().to_string()),
        ),
    }
}

/// A setting's change read back: a known key, and one of the values a chat may choose for it
/// (an article loaded, or all).
fn read_setting(key: &str, value: &str, corpus: &Corpus) -> Option<SettingChange> {
    Some(match key {
        "art" if value == "*" => SettingChange::Article(None),
        "art" => SettingChange::Article(Some(
            ArticleId::new(value).filter(|_| corpus.article_by_id(value).is_some())?,
        )),
        "lang" if value == "own" => SettingChange::Language(None),
        "lang" => SettingChange::Language(Some(Lang::ALL.into_iter().find(|l| l.code() == value)?)),
        "sec" => SettingChange::Seconds(value.parse().ok().filter(|n| SECONDS.contains(n))?),
        "q" => SettingChange::Questions(value.parse().ok().filter(|n| QUESTIONS.contains(n))?),
        "who" => SettingChange::Starters(Starters::from_code(value)?),
        "score" => SettingChange::Scoring(Scoring::from_code(value)?),
        "min" => SettingChange::Minutes(value.parse().ok().filter(|n| MINUTES.contains(n))?),
        "pic" => SettingChange::Pictures(match value {
            "on" => true,
            "off" => false,
            _ => return None,
        }),
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::*;

    fn corpus() -> Corpus {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../responses");
        crate::corpus::load(&dir).unwrap_or_else(|p| panic!("{p:#?}"))
    }

    /// Actions of `kind` the bot makes buttons for, in `lang`: the first and last of what
    /// exists, and the odd ones (a query with a colon, the largest key).
    fn samples(kind: Kind, lang: Lang, corpus: &Corpus) -> Vec<Action> {
        let last_topic = corpus.topics.len() - 1;
        let last_motion = corpus.motions.len() - 1;
        match kind {
            Kind::Topic => vec![
                Action::Topic {
                    lang,
                    topic: 0,
                    index: 0,
                },
                Action::Topic {
                    lang,
                    topic: last_topic,
                    index: corpus.topics[last_topic].excerpts.len() - 1,
                },
            ],
            Kind::Another => vec![
                Action::Another { lang, current: 0 },
                Action::Another {
                    lang,
                    current: corpus.excerpts.len() - 1,
                },
            ],
            Kind::Search => ["开源", "open source", "a:b:c", "大模型 开源"]
                .into_iter()
                .enumerate()
                .map(|(page, query)| Action::Search {
                    lang,
                    page,
                    query: QueryRef::Inline(query.to_string()),
                })
                .collect(),
            Kind::SearchMemo => [0, 1, u64::MAX]
                .into_iter()
                .map(|key| Action::Search {
                    lang,
                    page: 2,
                    query: QueryRef::Memo(key),
                })
                .collect(),
            Kind::Debate | Kind::DebateSources => (0..=last_motion)
                .map(|motion| {
                    let sides = &corpus.motions[motion].sides;
                    Action::Debate {
                        lang,
                        motion,
                        at: [sides[0].len().max(1) - 1, sides[1].len().max(1) - 1],
                        sources: kind == Kind::DebateSources,
                    }
                })
                .collect(),
            // Every change /settings offers, and the article ones (offered once there are two
            // articles: one is loaded here, and "all").
            Kind::Setting => SettingChange::rows(&[])
                .into_iter()
                .flatten()
                .chain([
                    SettingChange::Article(None),
                    SettingChange::Article(ArticleId::new(&corpus.articles[0].id)),
                ])
                .map(|change| Action::Setting { lang, change })
                .collect(),
            Kind::TopReset => vec![Action::TopReset { lang }],
            Kind::Homework => ["AbC123xyz890", "000000000000", "zzzzzzzzzzzz"]
                .into_iter()
                .map(|code| Action::Homework { code: code.into() })
                .collect(),
        }
    }

    /// Data of `kind` that no button of the bot carries: each must be refused.
    fn forgeries(kind: Kind) -> &'static [&'static str] {
        match kind {
            Kind::Topic => &[
                "t:zh:closed:11",
                "t:zh:closed:-1",
                "t:zh:closed:01",
                "t:zh:closed:+1",
                "t:zh:closed:1:extra",
                "t:fr:closed:1",
                "t:zh:nope:0",
                "t:zh:closed",
                "t:zh:闭源:0",
            ],
            Kind::Another => &["q:zh:not-an-id", "q:zh:", "q:zh", "q:xx:not-an-id"],
            Kind::Search => &[
                "s:zh:1:",
                "s:zh:1:  ",
                "s:zh:-1:开源",
                "s:zh:01:开源",
                "s:zh:开源",
            ],
            Kind::SearchMemo => &[
                "S:zh:1:xyz",
                "S:zh:1:00000000DEADBEEF",
                "S:zh:1:deadbeef",
                "S:zh:1:+0000000deadbeef",
                "S:zh:1:00000000deadbeef0",
                "S:zh:x:00000000deadbeef",
            ],
            Kind::Debate => &[
                "d:zh:closed-will-win:5:0",
                "d:zh:nope:0:0",
                "d:zh:closed-will-win:0",
                "d:zh:closed-will-win:0:0:1",
                "d:zh:closed-will-win:00:0",
                "d:xx:closed-will-win:0:0",
            ],
            Kind::DebateSources => &["D:zh:closed-will-win:0:0:1", "D:zh:closed-will-win:9:9"],
            Kind::Setting => &[
                "c:zh:sec:25",
                "c:zh:sec:020",
                "c:zh:sec:+20",
                "c:zh:sec:",
                "c:zh:q:0",
                "c:zh:q:21",
                "c:zh:min:5",
                "c:zh:min:99999999999999999999",
                "c:zh:lang:fr",
                "c:zh:lang:",
                "c:zh:who:teachers",
                "c:zh:score:stars",
                "c:zh:colour:red",
                "c:fr:sec:20",
                "c:zh:sec:20:extra",
                "c:zh:sec",
                "c",
                "c:zh:pic:yes",
                "c:zh:pic:1",
            ],
            Kind::TopReset => &["r", "r:", "r:fr", "r:zh:x", "r:zh "],
            Kind::Homework => &[
                "h:",
                "h:AbC123xyz89",
                "h:AbC123xyz8901",
                "h:AbC123xyz89_",
                "h:../../etc/pas",
                "h:AbC123xyz890:x",
            ],
        }
    }

    #[test]
    fn prefixes_are_one_letter_each_and_never_shared() {
        for (i, kind) in Kind::ALL.iter().enumerate() {
            let prefix = kind.prefix();
            assert!(
                prefix.len() == 1 && prefix.chars().all(|c| c.is_ascii_alphabetic()),
                "{kind:?}: {prefix:?}"
            );
            assert!(
                Kind::ALL[..i].iter().all(|k| k.prefix() != prefix),
                "{prefix:?} twice"
            );
        }
    }

    #[test]
    fn every_kind_round_trips_within_the_limit() {
        let corpus = corpus();
        for &kind in Kind::ALL {
            for lang in Lang::ALL {
                let actions = samples(kind, lang, &corpus);
                assert!(!actions.is_empty(), "{kind:?}");
                for action in actions {
                    assert_eq!(action.kind(), kind);
                    let data = encode(&action, &corpus).unwrap_or_else(|| panic!("{action:?}"));
                    assert!(data.starts_with(&format!("{}:", kind.prefix())), "{data}");
                    assert!((1..=CALLBACK_DATA_LIMIT).contains(&data.len()), "{data}");
                    assert_eq!(decode(&data, &corpus), Some(action), "{data}");
                }
            }
        }
    }

    #[test]
    fn forged_data_of_every_kind_is_refused() {
        let corpus = corpus();
        for &kind in Kind::ALL {
            assert!(!forgeries(kind).is_empty(), "{kind:?}");
            for data in forgeries(kind) {
                assert!(data.starts_with(kind.prefix()), "{data}");
                assert_eq!(decode(data, &corpus), None, "{data}");
            }
        }
        let long = "t:zh:closed:".to_string() + &"9".repeat(80);
        for data in [
            "",
            "x",
            ":",
            "x:zh:0",
            "T:zh:closed:0",
            "t",
            "t:",
            long.as_str(),
        ] {
            assert_eq!(decode(data, &corpus), None, "{data:?}");
        }
    }

    /// What buttons already under messages carry: they must keep working.
    #[test]
    fn data_already_posted_reads_as_before() {
        let corpus = corpus();
        let closed = corpus.topic_by_command("closed").unwrap();
        let motion = corpus
            .motions
            .iter()
            .position(|m| m.id == "closed-will-win")
            .unwrap();
        for (data, action) in [
            (
                "t:en:closed:1",
                Action::Topic {
                    lang: Lang::En,
                    topic: closed,
                    index: 1,
                },
            ),
            (
                "s:zh:1:开源",
                Action::Search {
                    lang: Lang::Zh,
                    page: 1,
                    query: QueryRef::Inline("开源".into()),
                },
            ),
            (
                "S:zh:1:00000000deadbeef",
                Action::Search {
                    lang: Lang::Zh,
                    page: 1,
                    query: QueryRef::Memo(0xdead_beef),
                },
            ),
            (
                "d:zh:closed-will-win:0:2",
                Action::Debate {
                    lang: Lang::Zh,
                    motion,
                    at: [0, 2],
                    sources: false,
                },
            ),
            (
                "D:zh:closed-will-win:1:0",
                Action::Debate {
                    lang: Lang::Zh,
                    motion,
                    at: [1, 0],
                    sources: true,
                },
            ),
            (
                "c:zh:sec:20",
                Action::Setting {
                    lang: Lang::Zh,
                    change: SettingChange::Seconds(20),
                },
            ),
            (
                "c:en:lang:own",
                Action::Setting {
                    lang: Lang::En,
                    change: SettingChange::Language(None),
                },
            ),
            (
                "c:zh:who:admins",
                Action::Setting {
                    lang: Lang::Zh,
                    change: SettingChange::Starters(Starters::Admins),
                },
            ),
            (
                "c:zh:score:points",
                Action::Setting {
                    lang: Lang::Zh,
                    change: SettingChange::Scoring(Scoring::Points),
                },
            ),
        ] {
            assert_eq!(decode(data, &corpus), Some(action.clone()), "{data}");
            assert_eq!(encode(&action, &corpus).as_deref(), Some(data));
        }
        let first = &corpus.excerpts[0].id;
        assert_eq!(
            decode(&format!("q:zh:{first}"), &corpus),
            Some(Action::Another {
                lang: Lang::Zh,
                current: 0
            })
        );
    }
}
