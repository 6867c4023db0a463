//! Debates: `/debate` puts a motion to a chat (both camps' best quotes, from
//! [`crate::app`]) with a regular, non-anonymous Telegram poll "which side are you on?", keeps
//! every vote in the [`crate::store`], closes the vote on `/debate close` or after
//! `[debate] minutes`, and posts the result next to the article's own camps.
//!
//! [`engine`] is the state machine (no clock, no Telegram); [`result`] renders the result, and
//! [`picture`] lays it out as a picture.

pub mod engine;
pub mod picture;
pub mod result;

pub use crate::settings::DebateSettings;
pub use crate::vocab::VotePoll;
pub use engine::{DebateRequest, Debates};

/// Why the debate engine could not answer: its storage failed (the adapter apologises with
/// the UI's `store_error`). What a user got wrong is no error: it is answered.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error(transparent)]
    Store(#[from] crate::store::Error),
}
