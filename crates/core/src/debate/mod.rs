//! Debates that measure persuasion: `/debate` puts a motion to a chat with a first vote
//! "which side are you on, before reading?", then both camps' quotes (from [`crate::app`]);
//! after `[debate] minutes` (or `/debate close`) a second vote "after reading both sides" and a
//! poll "which quote convinced you?"; then the result: the shares before and after, the
//! swing and its winner, who changed their mind, and the quotes that convinced, next to the
//! article's own camps. Every poll is a regular, non-anonymous Telegram poll; every answer is
//! kept in the [`crate::store`].
//!
//! [`engine`] is the state machine (no clock, no Telegram); [`result`] renders the result, and
//! [`picture`] lays it out as a picture.

pub mod engine;
pub mod picture;
pub mod result;

pub use crate::settings::DebateSettings;
pub use crate::vocab::{Round, VotePoll};
pub use engine::{DebateRequest, Debates};

/// Why the debate engine could not answer: its storage failed (the adapter apologises with
/// the UI's `store_error`). What a user got wrong is no error: it is answered.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error(transparent)]
    Store(#[from] crate::store::Error),
}
