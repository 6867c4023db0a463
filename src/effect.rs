//! The one way out of the core: every [`Effect`] the engines ask an adapter to carry out,
//! each saying where it goes as a [`Place`] (a chat and, in a forum, a topic). Each adapter
//! has one interpreter for them: `telegram::effects` and the console's.

use crate::app::Reply;
use crate::debate::VotePoll;
use crate::quiz::PollSpec;
use crate::vocab::{ChatKind, DebateId, Millis, QuizId};

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
}

/// What the core asks an adapter to do. Quiz and debate messages take from the chat's budget
/// but are never dropped.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Effect {
    /// Send a message.
    Send { place: Place, reply: Reply },
    /// Send question `index` of quiz `quiz` as a native quiz poll, then tell the engine
    /// ([`crate::quiz::Quizzes::poll_sent`], or `poll_failed` if it could not be sent).
    QuizPoll {
        place: Place,
        quiz: QuizId,
        index: i64,
        poll: PollSpec,
    },
    /// Send a debate's motion (with its buttons), then the vote as a regular poll replying to
    /// it; then tell the engine ([`crate::debate::Debates::poll_sent`], or `poll_failed` if
    /// either could not be sent).
    OpenVote {
        place: Place,
        debate: DebateId,
        motion: Reply,
        poll: VotePoll,
    },
    /// Close a poll the bot sent (stopPoll).
    StopPoll { place: Place, message_id: i64 },
    /// Send a file.
    Document {
        place: Place,
        name: String,
        bytes: Vec<u8>,
        caption: String,
    },
    /// Call the engine back at time `at`.
    Wake { at: Millis, timer: Timer },
}

impl Effect {
    /// Where it goes; `None` for a wake-up, which goes nowhere.
    pub fn place(&self) -> Option<Place> {
        match self {
            Effect::Send { place, .. }
            | Effect::QuizPoll { place, .. }
            | Effect::OpenVote { place, .. }
            | Effect::StopPoll { place, .. }
            | Effect::Document { place, .. } => Some(*place),
            Effect::Wake { .. } => None,
        }
    }

    /// The same effect for the chat a group was upgraded to.
    pub fn moved_to(mut self, chat: i64) -> Effect {
        match &mut self {
            Effect::Send { place, .. }
            | Effect::QuizPoll { place, .. }
            | Effect::OpenVote { place, .. }
            | Effect::StopPoll { place, .. }
            | Effect::Document { place, .. } => *place = place.moved_to(chat),
            Effect::Wake { .. } => {}
        }
        self
    }

    /// A one-line plain message.
    pub fn say(place: Place, text: impl Into<String>) -> Effect {
        Effect::Send {
            place,
            reply: Reply::plain(text),
        }
    }
}
