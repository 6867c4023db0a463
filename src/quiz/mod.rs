//! Classroom quizzes: "who said what" and fact questions as native Telegram quiz polls, with
//! timers, scores that survive restarts, a podium, a leaderboard and a CSV report.
//!
//! [`questions`] makes questions from the data, [`engine`] runs quizzes as a state machine
//! over the [`crate::store`], and [`results`] turns answers into what the class sees.

pub mod engine;
pub mod questions;
pub mod results;

pub use engine::{GRACE_MS, Player, PollSpec, QUIZ_COMMANDS, QuizRequest, QuizSettings, Quizzes};
