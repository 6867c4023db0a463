//! The shared vocabulary: the few nouns that the core's modules (the app, the engines, the
//! store, the limits, the adapters) all speak, kept here so that none of them has to import
//! another for a word. It depends on nothing else in the crate, and does nothing: types, a
//! constant, the arithmetic of times.
//!
//! What is here: the kind of chat and where something is said ([`Place`]), who sent something
//! ([`Player`]), times ([`Millis`]) and the answer grace ([`GRACE_MS`]), the ids of quizzes and
//! debates and assignments and what a wake-up is for ([`Timer`]), a question as dealt for one quiz ([`Dealt`]),
//! the polls as specified ([`PollSpec`], [`VotePoll`]) and whose a poll is ([`Poll`]), how a
//! chat's quizzes are scored ([`Scoring`]; the rule itself is `quiz::scoring`'s), the sides
//! of a debate's vote ([`Side`]), and where someone stands in a group ([`Membership`], asked
//! through [`Members`]).

use std::fmt;
use std::ops::{Add, AddAssign, Sub};

use serde::{Deserialize, Serialize};

/// Where a message came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChatKind {
    Private,
    Group,
}

impl ChatKind {
    pub fn as_str(self) -> &'static str {
        match self {
            ChatKind::Private => "private",
            ChatKind::Group => "group",
        }
    }
}

/// Who sent something.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Player {
    pub id: i64,
    pub name: String,
    pub language_code: Option<String>,
}

/// Milliseconds after a poll closes during which its answers still arrive and count
/// (Telegram closed it, so they were cast in time); a quiz moves on, and a debate's result is
/// posted, after them.
pub const GRACE_MS: i64 = 2_000;

/// A time: milliseconds since the Unix epoch, the engines' clock (`crate::clock::now_ms`) and
/// what the store keeps. Durations stay plain milliseconds (`i64`): a time plus a duration is
/// a time, and two times are a duration apart.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Millis(pub i64);

impl Add<i64> for Millis {
    type Output = Millis;

    /// `ms` milliseconds later.
    fn add(self, ms: i64) -> Millis {
        Millis(self.0 + ms)
    }
}

impl AddAssign<i64> for Millis {
    fn add_assign(&mut self, ms: i64) {
        self.0 += ms;
    }
}

impl Sub<i64> for Millis {
    type Output = Millis;

    /// `ms` milliseconds earlier.
    fn sub(self, ms: i64) -> Millis {
        Millis(self.0 - ms)
    }
}

impl Sub for Millis {
    type Output = i64;

    /// The milliseconds from `earlier` to `self` (negative when `earlier` is later).
    fn sub(self, earlier: Millis) -> i64 {
        self.0 - earlier.0
    }
}

/// A quiz, by its id in the store.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct QuizId(pub i64);

/// A debate, by its id in the store.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct DebateId(pub i64);

/// An article as a chat's settings name it: its id (the name of its folder under
/// `responses/`: 1-48 of a-z, 0-9 and '-', as the loader holds it to), kept inline so that
/// the settings stay a plain value.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct ArticleId {
    len: u8,
    bytes: [u8; ArticleId::MAX],
}

impl ArticleId {
    pub const MAX: usize = 48;

    /// The article named `id`; `None` for a name no article folder may have.
    pub fn new(id: &str) -> Option<ArticleId> {
        let valid = (1..=ArticleId::MAX).contains(&id.len())
            && id
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
        if !valid {
            return None;
        }
        let mut bytes = [0; ArticleId::MAX];
        bytes[..id.len()].copy_from_slice(id.as_bytes());
        Some(ArticleId {
            len: id.len() as u8,
            bytes,
        })
    }

    pub fn as_str(&self) -> &str {
        std::str::from_utf8(&self.bytes[..usize::from(self.len)]).unwrap_or_default()
    }
}

impl fmt::Debug for ArticleId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "ArticleId({:?})", self.as_str())
    }
}

/// A homework assignment, by its id in the store.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct AssignmentId(pub i64);

impl fmt::Display for Millis {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

impl fmt::Display for QuizId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

impl fmt::Display for AssignmentId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

impl fmt::Display for DebateId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

/// A question as asked in one quiz: made by `quiz::questions`, kept by the store, shown by the
/// results.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Dealt {
    /// Stable id: `who-<excerpt id>` or the fact question's id.
    pub id: String,
    pub question: String,
    pub options: Vec<String>,
    pub correct: usize,
    /// Shown after answering: who said it or the evidence, with the citation (≤ 200 chars).
    pub explanation: String,
    /// Shown with the question: the whole quote and its citation when the question had to
    /// cut the quote (≤ 1,024 chars); empty when the question shows it whole.
    pub description: String,
}

/// How a chat's quizzes are scored (the rule: `quiz::scoring`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Hash)]
pub enum Scoring {
    /// Right answers, ties to the faster.
    #[default]
    Right,
    /// Points: 1,000 for an instant right answer down to 500 at the close, 0 when wrong.
    Points,
}

impl Scoring {
    pub const ALL: [Scoring; 2] = [Scoring::Right, Scoring::Points];

    /// How it is stored and written in button data.
    pub fn code(self) -> &'static str {
        match self {
            Scoring::Right => "right",
            Scoring::Points => "points",
        }
    }

    pub fn from_code(code: &str) -> Option<Scoring> {
        Scoring::ALL.into_iter().find(|s| s.code() == code)
    }
}

/// A side of a debate: what a vote chooses, and (for or against) what a motion's excerpts
/// argue and where the article's own narration leans.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Side {
    For,
    Against,
    Undecided,
}

impl Side {
    /// In the order of the vote's poll options, and of a tally's counts.
    pub const ALL: [Side; 3] = [Side::For, Side::Against, Side::Undecided];

    /// Its option in the vote's poll, its place in a tally, and its number in the store.
    pub fn index(self) -> usize {
        match self {
            Side::For => 0,
            Side::Against => 1,
            Side::Undecided => 2,
        }
    }

    /// The side of poll option `option`; `None` for an option the vote does not have.
    pub fn of_option(option: u8) -> Option<Side> {
        Side::ALL.get(usize::from(option)).copied()
    }

    /// For and against, the other; undecided stays undecided.
    pub fn other(self) -> Side {
        match self {
            Side::For => Side::Against,
            Side::Against => Side::For,
            Side::Undecided => Side::Undecided,
        }
    }
}

/// Where something is said: a chat and, in a forum supergroup, the topic (its
/// `message_thread_id`). `thread` is `None` outside topics: a private chat, a plain group, a
/// forum's General topic, or a reply thread in a group that is not a forum (Telegram answers
/// "message thread not found" to a send naming such a thread).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Place {
    pub chat: i64,
    pub thread: Option<i32>,
}

impl Place {
    /// A place outside topics.
    pub fn chat(chat: i64) -> Place {
        Place { chat, thread: None }
    }

    /// A topic of a forum, or the chat itself when `thread` is `None`.
    pub fn topic(chat: i64, thread: Option<i32>) -> Place {
        Place { chat, thread }
    }

    /// The same topic in another chat: where a place went when its group was upgraded to a
    /// supergroup (a basic group has no topics, so this keeps `thread`, which is `None`).
    pub fn moved_to(self, chat: i64) -> Place {
        Place { chat, ..self }
    }

    /// The kind of chat: Telegram's group and supergroup ids are negative.
    pub fn kind(self) -> ChatKind {
        if self.chat < 0 {
            ChatKind::Group
        } else {
            ChatKind::Private
        }
    }
}

impl From<i64> for Place {
    fn from(chat: i64) -> Place {
        Place::chat(chat)
    }
}

/// A wake-up an engine asked for, and for what.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Timer {
    /// Question `index` of quiz `quiz` may be over: see [`crate::quiz::Quizzes::wake`].
    Question { quiz: QuizId, index: i64 },
    /// Debate `debate`'s vote may close, or its result be due: see
    /// [`crate::debate::Debates::wake`].
    Debate { debate: DebateId },
    /// Homework `assignment` may be due, or its card in the group behind on who finished:
    /// see [`crate::homework::Homework::wake`].
    Assignment { assignment: AssignmentId },
}

/// A native quiz poll to send.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PollSpec {
    /// With "k/N" in front.
    pub question: String,
    pub options: Vec<String>,
    pub correct: usize,
    pub explanation: String,
    /// Shown with the question: the whole quote when the question had to cut it; may be empty.
    pub description: String,
    pub open_seconds: u32,
    /// Whether Telegram shows the options in a random order to each person (answers still
    /// name them in this order). A live quiz keeps one order, the one the class sees on the
    /// teacher's screen; it is already shuffled when dealt.
    pub shuffle_options: bool,
}

/// A debate's three polls, in the order they are put: the vote before reading both sides, the
/// vote after, and which of the quotes convinced (several answers). Its number is how the
/// store keeps it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Round {
    Before,
    After,
    Convinced,
}

impl Round {
    pub const ALL: [Round; 3] = [Round::Before, Round::After, Round::Convinced];

    pub fn index(self) -> usize {
        match self {
            Round::Before => 0,
            Round::After => 1,
            Round::Convinced => 2,
        }
    }

    pub fn of_index(index: i64) -> Option<Round> {
        usize::try_from(index)
            .ok()
            .and_then(|i| Round::ALL.get(i))
            .copied()
    }
}

/// A debate's poll: regular and non-anonymous. A vote has one answer, its options the
/// [`Side::ALL`] in that order; the convinced poll has an option per quote and several answers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VotePoll {
    pub question: String,
    pub options: Vec<String>,
    /// Whether someone may choose several options.
    pub multiple: bool,
    /// Whether the counts stay hidden until the poll closes, so the first voters do not sway
    /// the rest (Bot API 9.6; an older server shows them as it always has).
    pub hide_results_until_closes: bool,
}

/// Whether `player` may manage (move on, stop, close, ask for the report of) a quiz or a
/// debate that `starter` started, in a chat of `kind`: anyone in a private chat, else its
/// starter or an admin (`is_admin`, where that was asked).
pub fn may_manage(kind: ChatKind, starter: i64, player: i64, is_admin: bool) -> bool {
    kind == ChatKind::Private || starter == player || is_admin
}

/// Where someone stands in a group, as the platform tells it (Telegram: getChatMember).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Membership {
    /// Its creator or an administrator.
    Admin,
    /// A member (a restricted one included, while they are in it).
    Member,
    /// Not in it: never joined, left, or removed.
    Outside,
    /// The platform could not tell (the bot is not in the group, a network failure).
    Unknown,
}

/// What the core may ask of the platform about who is in which group.
pub trait Members: Send + Sync {
    /// Where the sender of the input being handled stands in the group `chat`.
    fn membership(&self, chat: i64) -> futures::future::BoxFuture<'_, Membership>;
}

/// Whose poll a poll answer was for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Poll {
    Quiz,
    Debate,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_article_id_is_a_folder_name() {
        let id = ArticleId::new("dianchang-2024-07-12-open-vs-closed").unwrap();
        assert_eq!(id.as_str(), "dianchang-2024-07-12-open-vs-closed");
        assert_eq!(Some(id), ArticleId::new(id.as_str()));
        for bad in ["", "Upper", "a/b", "空", &"a".repeat(49)] {
            assert_eq!(ArticleId::new(bad), None, "{bad}");
        }
        assert!(ArticleId::new(&"a".repeat(48)).is_some());
    }

    #[test]
    fn times_and_durations() {
        let t = Millis(10_000);
        assert_eq!(t + GRACE_MS, Millis(12_000));
        assert_eq!(t - 500, Millis(9_500));
        assert_eq!(Millis(12_000) - t, 2_000);
        assert_eq!(t - Millis(12_000), -2_000);
        assert!(t < t + 1);
    }

    #[test]
    fn sides_are_the_polls_options_in_order() {
        for (option, side) in Side::ALL.into_iter().enumerate() {
            assert_eq!(side.index(), option);
            assert_eq!(Side::of_option(option as u8), Some(side));
        }
        assert_eq!(Side::of_option(3), None);
        assert_eq!(Side::For.other(), Side::Against);
        assert_eq!(Side::Against.other(), Side::For);
    }

    #[test]
    fn scoring_codes_read_back() {
        for s in Scoring::ALL {
            assert_eq!(Scoring::from_code(s.code()), Some(s));
        }
        assert_eq!(Scoring::from_code("kahoot"), None);
    }
}
