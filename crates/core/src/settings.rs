//! A chat's own settings (`/settings`): the language of what the bot posts there, a quiz's
//! pace and length, who may start quizzes and debates, how quizzes are scored, and how long a
//! debate's vote stays open. Stored per chat (not per forum topic) by [`crate::store`]; a
//! setting left unset is the config's default. What may be chosen is fixed here, and a
//! settings button's data is read back only within it ([`crate::callback_data`]), so forged
//! data changes nothing.
//!
//! Applied from the next quiz or debate on: a quiz or debate keeps the values it started with
//! (they are stored with it). The config's defaults for them are [`QuizSettings`] and
//! [`DebateSettings`]. Stored with them, the start of the chat's leaderboard period.

use crate::i18n::Lang;
pub use crate::vocab::Scoring;
use crate::vocab::{ArticleId, ChatKind, Millis};

/// `[quiz]` settings: the defaults a chat's own settings (`/settings`) override.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct QuizSettings {
    /// Questions when `/quiz` names no number.
    pub questions: usize,
    pub question_seconds: u32,
    pub max_questions: usize,
    /// Whether a quiz's results (and homework's summary) come with a picture.
    pub pictures: bool,
}

impl Default for QuizSettings {
    fn default() -> Self {
        QuizSettings {
            questions: 5,
            question_seconds: 30,
            max_questions: 20,
            pictures: true,
        }
    }
}

/// `[debate]` settings: the defaults a chat's own settings (`/settings`) override.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DebateSettings {
    /// How long a vote stays open unless closed earlier.
    pub minutes: u32,
    /// Whether a vote's result comes with a picture (the config's `[quiz] pictures`; a chat's
    /// own setting overrides it).
    pub pictures: bool,
}

/// The longest a vote may stay open: a week.
pub const MAX_DEBATE_MINUTES: u32 = 7 * 24 * 60;

impl Default for DebateSettings {
    fn default() -> Self {
        DebateSettings {
            minutes: 60,
            pictures: true,
        }
    }
}

/// The bot's time zone: where times users type are read (`/assign 10 2026-12-10 18:00`) and
/// every time the bot shows is written (`[homework] timezone`, an IANA name).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Zone {
    pub tz: jiff::tz::TimeZone,
    /// Its name, as the config gives it, shown beside a time.
    pub name: String,
}

impl Zone {
    /// The IANA time zone `name`, or why it is none.
    pub fn new(name: &str) -> Result<Zone, String> {
        let tz = jiff::tz::TimeZone::get(name)
            .map_err(|e| format!("{name:?} is no IANA time zone: {e}"))?;
        Ok(Zone {
            tz,
            name: name.to_string(),
        })
    }

    /// `at` as a reader there sees it: `2026-12-10 18:00`.
    pub fn local(&self, at: crate::vocab::Millis) -> String {
        self.format(at, "%Y-%m-%d %H:%M")
    }

    /// The day of `at` there: `2026-12-10`.
    pub fn date(&self, at: crate::vocab::Millis) -> String {
        self.format(at, "%Y-%m-%d")
    }

    /// `at` in ISO 8601 with the zone's offset, to the second, as a spreadsheet's cell:
    /// `2026-12-10T18:00:00+08:00`.
    pub fn iso(&self, at: crate::vocab::Millis) -> String {
        self.format(at, "%Y-%m-%dT%H:%M:%S%:z")
    }

    fn format(&self, at: crate::vocab::Millis, format: &str) -> String {
        match jiff::Timestamp::from_millisecond(at.0) {
            Ok(ts) => ts
                .to_zoned_datetime(self.tz.clone())
                .strftime(format)
                .to_string(),
            Err(_) => String::new(),
        }
    }
}

impl Default for Zone {
    fn default() -> Self {
        Zone::new("UTC").expect("UTC is a time zone")
    }
}

/// `[homework]` settings besides the time zone (which is the whole bot's: [`Zone`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HomeworkSettings {
    /// How long homework stays open when `/assign` names no deadline.
    pub default_hours: u32,
}

impl Default for HomeworkSettings {
    fn default() -> Self {
        HomeworkSettings { default_hours: 48 }
    }
}

/// The seconds per question a chat may choose.
pub const SECONDS: [u32; 5] = [10, 20, 30, 60, 120];
/// The questions per quiz a chat may choose.
pub const QUESTIONS: [usize; 4] = [5, 10, 15, 20];
/// The minutes of a debate's vote a chat may choose.
pub const MINUTES: [u32; 4] = [10, 30, 60, 1440];

/// The article buttons of `/settings` per row ("All", then one per article, by number).
pub const ARTICLES_PER_ROW: usize = 8;

/// Who may start quizzes and debates in a group.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Hash)]
pub enum Starters {
    #[default]
    Everyone,
    Admins,
}

impl Starters {
    pub const ALL: [Starters; 2] = [Starters::Everyone, Starters::Admins];

    pub fn code(self) -> &'static str {
        match self {
            Starters::Everyone => "all",
            Starters::Admins => "admins",
        }
    }

    pub fn from_code(code: &str) -> Option<Starters> {
        Starters::ALL.into_iter().find(|s| s.code() == code)
    }
}

/// A chat's settings as stored; `None` is the config's default.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Hash)]
pub struct ChatSettings {
    /// The language of everything the bot posts to the chat; `None`: each person's own (a
    /// quiz or debate in its starter's, a reply in its asker's).
    pub language: Option<Lang>,
    pub question_seconds: Option<u32>,
    pub questions: Option<usize>,
    pub starters: Starters,
    pub scoring: Scoring,
    pub debate_minutes: Option<u32>,
    /// Whether results come with a picture; `None`: the config's default.
    pub pictures: Option<bool>,
    /// When the chat's leaderboard period began (`/top reset`): /top counts only the answers
    /// given since then. `None`: all time.
    pub top_since: Option<Millis>,
    /// The article the chat works with (its quizzes, debates, searches and topics); `None`:
    /// every article loaded. One no longer loaded reads as `None`.
    pub article: Option<ArticleId>,
}

impl ChatSettings {
    /// Whether starting a quiz or a debate in a chat of `kind` needs its starter to be an
    /// admin: in a group where only admins may start.
    pub fn start_needs_admin(&self, kind: ChatKind) -> bool {
        kind == ChatKind::Group && self.starters == Starters::Admins
    }

    /// Whether someone may start a quiz or a debate in a chat of `kind` (`is_admin`: whether
    /// they administer it, where that was asked).
    pub fn may_start(&self, kind: ChatKind, is_admin: bool) -> bool {
        !self.start_needs_admin(kind) || is_admin
    }

    /// The language to post in, for someone whose own language is `own`.
    pub fn lang(&self, own: Lang) -> Lang {
        self.language.unwrap_or(own)
    }

    /// The quiz settings of the chat's next quiz: the config's, with the chat's own in place.
    pub fn quiz(&self, defaults: QuizSettings) -> QuizSettings {
        QuizSettings {
            questions: self.questions.unwrap_or(defaults.questions),
            question_seconds: self.question_seconds.unwrap_or(defaults.question_seconds),
            max_questions: defaults.max_questions,
            pictures: self.pictures.unwrap_or(defaults.pictures),
        }
    }

    /// How long the chat's next debate's vote stays open.
    pub fn debate_minutes(&self, defaults: DebateSettings) -> u32 {
        self.debate_minutes.unwrap_or(defaults.minutes)
    }

    /// The settings with `change` made.
    pub fn with(mut self, change: SettingChange) -> ChatSettings {
        match change {
            SettingChange::Language(language) => self.language = language,
            SettingChange::Seconds(s) => self.question_seconds = Some(s),
            SettingChange::Questions(q) => self.questions = Some(q),
            SettingChange::Starters(s) => self.starters = s,
            SettingChange::Scoring(s) => self.scoring = s,
            SettingChange::Minutes(m) => self.debate_minutes = Some(m),
            SettingChange::Pictures(p) => self.pictures = Some(p),
            SettingChange::Article(a) => self.article = a,
        }
        self
    }
}

/// One setting changed to one of its allowed values: what a `/settings` button does.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SettingChange {
    Language(Option<Lang>),
    Seconds(u32),
    Questions(usize),
    Starters(Starters),
    Scoring(Scoring),
    Minutes(u32),
    Pictures(bool),
    /// One article, or all of them (`None`).
    Article(Option<ArticleId>),
}

impl SettingChange {
    /// Every change a `/settings` message offers, row by row (one row per setting), for a bot
    /// with these `articles` loaded: the article rows come only where there is a choice.
    pub fn rows(articles: &[ArticleId]) -> Vec<Vec<SettingChange>> {
        let mut rows = SettingChange::fixed_rows();
        if articles.len() > 1 {
            let choices: Vec<SettingChange> = std::iter::once(None)
                .chain(articles.iter().copied().map(Some))
                .map(SettingChange::Article)
                .collect();
            rows.extend(choices.chunks(ARTICLES_PER_ROW).map(<[_]>::to_vec));
        }
        rows
    }

    /// The rows every bot offers.
    fn fixed_rows() -> Vec<Vec<SettingChange>> {
        vec![
            [Some(Lang::Zh), Some(Lang::En), None]
                .map(SettingChange::Language)
                .to_vec(),
            SECONDS.map(SettingChange::Seconds).to_vec(),
            QUESTIONS.map(SettingChange::Questions).to_vec(),
            Starters::ALL.map(SettingChange::Starters).to_vec(),
            Scoring::ALL.map(SettingChange::Scoring).to_vec(),
            MINUTES.map(SettingChange::Minutes).to_vec(),
            vec![
                SettingChange::Pictures(true),
                SettingChange::Pictures(false),
            ],
        ]
    }

    /// Whether the settings already read so.
    pub fn is_current(
        self,
        settings: &ChatSettings,
        quiz: QuizSettings,
        debate: DebateSettings,
    ) -> bool {
        match self {
            SettingChange::Language(l) => settings.language == l,
            SettingChange::Seconds(s) => settings.quiz(quiz).question_seconds == s,
            SettingChange::Questions(q) => settings.quiz(quiz).questions == q,
            SettingChange::Starters(s) => settings.starters == s,
            SettingChange::Scoring(s) => settings.scoring == s,
            SettingChange::Minutes(m) => settings.debate_minutes(debate) == m,
            SettingChange::Pictures(p) => settings.quiz(quiz).pictures == p,
            SettingChange::Article(a) => settings.article == a,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A time as the zone reads it: to the minute for people, in ISO 8601 with its offset for
    /// a spreadsheet; 20:00 UTC is the next morning in Shanghai.
    #[test]
    fn times_read_in_the_zone() {
        let evening = crate::vocab::Millis(1_720_814_400_000);
        let utc = Zone::default();
        assert_eq!(utc.local(evening), "2024-07-12 20:00");
        assert_eq!(utc.iso(evening), "2024-07-12T20:00:00+00:00");
        let shanghai = Zone::new("Asia/Shanghai").unwrap();
        assert_eq!(shanghai.date(evening), "2024-07-13");
        assert_eq!(shanghai.iso(evening), "2024-07-13T04:00:00+08:00");
        assert_eq!(
            shanghai.iso(crate::vocab::Millis(1_999)),
            "1970-01-01T08:00:01+08:00"
        );
    }

    #[test]
    fn unset_values_are_the_config_defaults() {
        let quiz = QuizSettings {
            questions: 7,
            question_seconds: 45,
            max_questions: 20,
            pictures: true,
        };
        let debate = DebateSettings {
            minutes: 15,
            pictures: true,
        };
        let none = ChatSettings::default();
        assert_eq!(none.quiz(quiz), quiz);
        assert_eq!(none.debate_minutes(debate), 15);
        assert_eq!(none.lang(Lang::En), Lang::En);
        let set = none
            .with(SettingChange::Seconds(20))
            .with(SettingChange::Questions(10))
            .with(SettingChange::Minutes(1440))
            .with(SettingChange::Language(Some(Lang::Zh)));
        assert_eq!(set.quiz(quiz).question_seconds, 20);
        assert_eq!(set.quiz(quiz).questions, 10);
        assert_eq!(set.debate_minutes(debate), 1440);
        assert_eq!(set.lang(Lang::En), Lang::Zh);
        assert!(SettingChange::Seconds(20).is_current(&set, quiz, debate));
        assert!(!SettingChange::Seconds(30).is_current(&set, quiz, debate));
        assert!(SettingChange::Language(None).is_current(&none, quiz, debate));
    }
}
