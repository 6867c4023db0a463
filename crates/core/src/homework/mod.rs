//! Homework: a quiz each student takes alone, in a private chat with the bot, by a deadline,
//! reported back to the group it was set in and to the teacher who set it.
//!
//! `/assign` in a group stores an assignment (its questions dealt once for the class) and
//! posts its card, with Telegram's deep link to the bot's private chat
//! (`t.me/<bot>?start=hw_<code>`). A student's attempt is a quiz of the quiz engine's, in
//! their private chat, marked as an attempt at the assignment: the same questions in the same
//! order, the options in an order of their own, each next question as soon as they answer or
//! the time runs out. At the deadline (or `/assign close`) the group gets a summary, and the
//! teacher the full report (a CSV), in private if they have a private chat with the bot.
//!
//! [`args`] reads `/assign`'s words, [`engine`] decides, [`report`] draws the card, the
//! summary and the report. Like the engines below it, no clock and no Telegram here: every
//! step carries its time, and a restart is "load what is stored, carry on"
//! ([`Homework::resume`]).

pub mod args;
pub mod engine;
pub mod report;

pub use crate::settings::HomeworkSettings;
pub use engine::{Homework, HomeworkRequest};

/// Why the homework engine could not answer: its storage failed. What a user got wrong is no
/// error: it is answered.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error(transparent)]
    Store(#[from] crate::store::Error),
    #[error(transparent)]
    Quiz(#[from] crate::quiz::Error),
}
