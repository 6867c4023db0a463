//! What goes into the core and what comes back: every [`Input`] an adapter hands to
//! [`super::Core::handle`], the [`Platform`] the core may ask while deciding, and the
//! [`Handled`] it answers (the [`Effect`]s to carry out, and what to log of it).

use futures::future::BoxFuture;

use crate::app::Reply;
use crate::command::{Builtin, Command, Route};
use crate::effect::Effect;
use crate::effect::Posted;
use crate::limits::Verdict;
use crate::store::Recorded;
use crate::vocab::{
    ChatKind, DebateId, Members, Millis, Place, Player, Poll, QuizId, Round, Timer,
};

/// Everything that reaches the bot, as the core sees it.
#[derive(Debug, Clone, Copy)]
pub enum Input<'a> {
    /// A text message.
    Message(Incoming<'a>),
    /// A button under one of the bot's messages was pressed.
    Press(Pressed<'a>),
    /// Someone typed `@bot words` in a chat (inline mode).
    InlineQuery {
        query: &'a str,
        /// The page asked for, as the last answer's `next_offset` gave it.
        offset: &'a str,
        language_code: Option<&'a str>,
    },
    /// An answer in a quiz poll or a vote in a debate's poll.
    PollAnswer {
        poll_id: &'a str,
        from: &'a Player,
        /// Cast under an identity many people share (a channel voting as itself): `from` is
        /// that chat, not a person, and such an answer counts nowhere.
        shared_identity: bool,
        option_ids: &'a [u8],
        now: Millis,
    },
    /// A poll an [`Effect`] asked for was sent, with these ids.
    PollSent {
        poll: PollOf,
        poll_id: &'a str,
        message_id: i64,
        now: Millis,
    },
    /// A poll an [`Effect`] asked for could not be sent; `retry_after`: Telegram said to try
    /// again in that many seconds.
    PollRefused {
        poll: PollOf,
        retry_after: Option<u32>,
        now: Millis,
    },
    /// A message an [`Effect::Post`] asked for was sent, with this id.
    Posted {
        posted: Posted,
        message_id: i64,
        now: Millis,
    },
    /// A group became the supergroup `new`: what was kept under `old` moves there.
    ChatMoved { old: i64, new: i64, now: Millis },
    /// A wake-up an [`Effect::Wake`] asked for is due.
    Due { timer: Timer, now: Millis },
    /// The bot has started: its command menu, and whatever was running when it stopped.
    Started { now: Millis },
    /// The bot was added to the group `chat` by someone whose language is `language_code`;
    /// `can_send_polls`: whether it may post polls there.
    Joined {
        chat: i64,
        language_code: Option<&'a str>,
        can_send_polls: bool,
        bot_username: Option<&'a str>,
    },
    /// Handling a message addressed to the bot failed on a bug: its sender is owed a word.
    Failed {
        place: Place,
        language_code: Option<&'a str>,
        reply_to: Option<i64>,
    },
}

/// Which poll a sent or refused poll was.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PollOf {
    /// Question `index` of a quiz.
    Question { quiz: QuizId, index: i64 },
    /// A debate's poll of `round`.
    Vote { debate: DebateId, round: Round },
}

/// A text message as the core sees it.
#[derive(Debug, Clone, Copy)]
pub struct Incoming<'a> {
    pub place: Place,
    pub kind: ChatKind,
    pub from: &'a Player,
    pub text: &'a str,
    /// `text` read as a command, by the adapter, once ([`crate::command::parse`]); `None` when
    /// it is not one.
    pub command: Option<&'a Command<'a>>,
    /// This bot's username, to tell `/cmd@thisbot` from `/cmd@otherbot`.
    pub bot_username: Option<&'a str>,
    /// The message's id, to answer it in a group; `None` where none is needed.
    pub message_id: Option<i64>,
    /// When it arrived, and when it was sent: a start that waited too long while the bot was
    /// down starts nothing.
    pub now: Millis,
    pub sent_at: Millis,
    /// Sent under an identity many people share (an admin writing anonymously as the group, a
    /// channel): such a sender cannot be told apart from the others, so it cannot be forgotten.
    pub shared_identity: bool,
}

impl<'a> Incoming<'a> {
    /// The built-in command this message is, with its arguments, when it is one for this bot.
    pub fn builtin(&self) -> Option<(Builtin, &'a str)> {
        let command = self.command.filter(|c| c.is_for(self.bot_username))?;
        Some((command.builtin()?, command.args))
    }

    /// Which part of the bot answers this message: a built-in command's own (see
    /// [`Builtin::part`]); the app for anything else (text, topic commands, unknown commands,
    /// other bots' commands).
    pub fn route(&self) -> Route {
        self.builtin()
            .map_or(Route::App, |(builtin, args)| builtin.route_with(args))
    }

    /// Whether the sender expects an answer: anything in a private chat, this bot's commands
    /// in groups.
    pub fn addressed(&self) -> bool {
        self.kind == ChatKind::Private || self.command.is_some_and(|c| c.is_for(self.bot_username))
    }
}

/// A button press as the core sees it.
#[derive(Debug, Clone, Copy)]
pub struct Pressed<'a> {
    /// The chat of the message the button is under, and its kind; `None` for a message sent
    /// through inline mode, whose chat the bot is not told.
    pub chat: Option<(i64, ChatKind)>,
    pub from: &'a Player,
    pub data: &'a str,
    pub now: Millis,
}

/// What the core may ask of the platform while it decides, about the input being handled:
/// who is asking (an admin here? a member of that group?), and what the chat's budget
/// allows. The adapter answers from what it knows (Telegram: getChatMember, its own count of
/// what each chat was sent); the terminal, one private chat, allows everything.
pub trait Platform: Members {
    /// Whether the sender of the message, or the presser of the button, administers the chat.
    fn sender_is_admin(&self) -> BoxFuture<'_, bool>;
    /// Whether an answer to this message fits its chat's budget now; one that does takes
    /// from it.
    fn budget(&self) -> Verdict;
    /// Whether replacing the pressed message with `reply` fits its chat's budget (an edit that
    /// changes nothing always does); one that does takes from it.
    fn may_edit(&self, reply: &Reply) -> bool;
    /// Answers a chat is sent a minute at most, as the slow-down notice says.
    fn replies_per_minute(&self) -> u32;
    /// A `/quiz` or `/debate` that waited longer than this while the bot was down starts
    /// nothing.
    fn stale_minutes(&self) -> u32;
}

/// What an input came to: the effects to carry out, in order, and what to log of it.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Handled {
    pub effects: Vec<Effect>,
    /// What it was, for the logs and metrics: a command's name ("quiz", "closed", "stale",
    /// "slow_down", ...), never the user's words; empty for anything else.
    pub command: String,
    /// A message: what its chat's budget allowed.
    pub verdict: Option<Verdict>,
    /// A poll answer: whose poll it was, when known, and whether it counts.
    pub recorded: Option<(Option<Poll>, Recorded)>,
    /// Storage failed while handling it (logged where it happened).
    pub failed: bool,
}

impl Handled {
    pub(super) fn effects(effects: Vec<Effect>) -> Handled {
        Handled {
            effects,
            ..Handled::default()
        }
    }
}

/// The platform of an input no one sent (a timer, a poll sent, the bot's start), and of the
/// terminal's one private chat: no admins to ask about, no budget to keep, and everyone a
/// member.
pub struct Unlimited;

impl Members for Unlimited {
    /// The terminal's one user is in every group it pretends.
    fn membership(&self, _chat: i64) -> BoxFuture<'_, crate::vocab::Membership> {
        Box::pin(std::future::ready(crate::vocab::Membership::Member))
    }
}

impl Platform for Unlimited {
    fn sender_is_admin(&self) -> BoxFuture<'_, bool> {
        Box::pin(std::future::ready(false))
    }

    fn budget(&self) -> Verdict {
        Verdict::Send
    }

    fn may_edit(&self, _reply: &Reply) -> bool {
        true
    }

    fn replies_per_minute(&self) -> u32 {
        u32::MAX
    }

    fn stale_minutes(&self) -> u32 {
        u32::MAX
    }
}
