//! The one way out of the core: every [`Effect`] the core asks an adapter to carry out, each
//! saying where it goes as a [`Place`] (a chat and, in a forum, a topic) or what it answers
//! (the press or inline query being handled). Each adapter has one interpreter for them:
//! `telegram::effects` and the console's.

use crate::app::{InlineAnswer, Reply};
use crate::vocab::{AssignmentId, DebateId, Millis, PollSpec, QuizId, Round, VotePoll};
pub use crate::vocab::{Place, Timer};

/// A button of Telegram's own under a message: a link that opens `url`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Link {
    pub label: String,
    pub url: String,
}

/// Which message a [`Effect::Post`] was, for the core to keep its id.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Posted {
    /// Homework's card in its group, edited as students finish.
    Card(AssignmentId),
}

/// What the core asks an adapter to do. Quiz and debate messages take from the chat's budget
/// but are never dropped.
#[derive(Debug, Clone, PartialEq)]
pub enum Effect {
    /// Send a message, when the chat's budget allows (it waits its turn; never dropped).
    Send { place: Place, reply: Reply },
    /// Answer what someone said: its budget is taken already. In a group, as a reply to
    /// message `reply_to`; with a link button under the reply's own, if any.
    Answer {
        place: Place,
        reply: Reply,
        reply_to: Option<i64>,
        link: Option<Link>,
    },
    /// Answer the button press being handled, with a short notice or none.
    AnswerPress { notice: Option<String> },
    /// Replace the message whose button is being pressed.
    EditPressed { reply: Reply },
    /// Answer the inline query being handled.
    AnswerInline(InlineAnswer),
    /// Set the command menu: for everyone (`language: None`) or for one language.
    Menu {
        language: Option<String>,
        commands: Vec<(String, String)>,
    },
    /// Send question `index` of quiz `quiz` as a native quiz poll, then tell the engine
    /// ([`crate::quiz::Quizzes::poll_sent`], or `poll_failed` if it could not be sent).
    QuizPoll {
        place: Place,
        quiz: QuizId,
        index: i64,
        poll: PollSpec,
    },
    /// Send one of a debate's polls, regular and non-anonymous; then tell the engine
    /// ([`crate::debate::Debates::poll_sent`], or `poll_failed` if it could not be sent).
    DebatePoll {
        place: Place,
        debate: DebateId,
        round: Round,
        poll: VotePoll,
    },
    /// Send a message the core keeps track of, with a link button under it if any; then tell
    /// the core its id (`then`: what it is, see [`Posted`]).
    Post {
        place: Place,
        reply: Reply,
        link: Option<Link>,
        then: Option<Posted>,
    },
    /// Replace the text (and link button) of message `message_id`, one the bot sent, when the
    /// chat's budget allows (it waits its turn).
    Edit {
        place: Place,
        message_id: i64,
        reply: Reply,
        link: Option<Link>,
    },
    /// Close a poll the bot sent (stopPoll).
    StopPoll { place: Place, message_id: i64 },
    /// Draw `scene` (`debate_picture::png`, off the adapter's main thread where it has one)
    /// and send it as a picture with a caption (HTML within Telegram's 1,024 characters);
    /// should it not be drawn or sent, send `otherwise` instead, when given (the text the
    /// caption carried), so that nothing readable is lost.
    Photo {
        place: Place,
        scene: Box<debate_picture::Scene>,
        caption: Reply,
        otherwise: Option<Reply>,
    },
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
    /// Sends it to the chat a group was upgraded to, `chat`; answers the chat it went to
    /// before, if it names one (an answer to a press or an inline query goes where that came
    /// from; a wake-up or the menu goes nowhere).
    pub fn move_to(&mut self, chat: i64) -> Option<i64> {
        let mut old = None;
        self.with_place(|place| {
            old = Some(place.chat);
            *place = place.moved_to(chat);
        });
        old
    }

    /// Calls `f` with the chat it goes to, if it names one.
    fn with_place(&mut self, f: impl FnOnce(&mut Place)) {
        match self {
            Effect::Send { place, .. }
            | Effect::Answer { place, .. }
            | Effect::QuizPoll { place, .. }
            | Effect::DebatePoll { place, .. }
            | Effect::StopPoll { place, .. }
            | Effect::Post { place, .. }
            | Effect::Edit { place, .. }
            | Effect::Document { place, .. }
            | Effect::Photo { place, .. } => f(place),
            Effect::AnswerPress { .. }
            | Effect::EditPressed { .. }
            | Effect::AnswerInline(_)
            | Effect::Menu { .. }
            | Effect::Wake { .. } => {}
        }
    }

    /// A one-line plain message.
    pub fn say(place: Place, text: impl Into<String>) -> Effect {
        Effect::Send {
            place,
            reply: Reply::plain(text),
        }
    }
}
