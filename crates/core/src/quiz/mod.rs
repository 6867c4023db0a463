//! Classroom quizzes: "who said what" and fact questions as native Telegram quiz polls, with
//! timers, scores that survive restarts, a podium, a leaderboard and a CSV report.
//!
//! [`questions`] makes questions from the data, [`engine`] runs quizzes as a state machine
//! over the [`crate::store`], [`scoring`] is the one rule of scores and ranks, and [`results`]
//! turns answers into what the class sees.

pub mod engine;
pub mod pace;
pub mod picture;
pub mod questions;
pub mod results;
pub mod scoring;

pub use crate::settings::QuizSettings;
pub use crate::vocab::PollSpec;
pub use engine::{QuizRequest, Quizzes};

/// Why the quiz engine could not answer: its storage failed (the adapter apologises with the
/// UI's `store_error`). What a user got wrong is no error: it is answered.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error(transparent)]
    Store(#[from] crate::store::Error),
}
