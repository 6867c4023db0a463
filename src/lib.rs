//! debate-bot: a Telegram bot that answers with sourced, verbatim excerpts of one article.
//!
//! Three crates: the core (`crates/core`, `debate-core`) decides everything a user sees and
//! knows nothing of Telegram; the Telegram adapter (`crates/telegram`, `debate-telegram`)
//! translates updates into the core's inputs and carries out its effects; this crate is the
//! binary's: the terminal adapter ([`console`]), the configuration ([`config`]), `responses/`
//! loaded, checked and reloaded ([`responses`]), and the command that builds the core and runs
//! an adapter ([`cli`]). The core's and the adapter's modules are
//! re-exported here under their own names, so `debate_bot::core::Core` is the core's. See
//! docs/architecture.md for the map.

pub mod cli;
pub mod config;
pub mod console;
pub mod responses;

pub use debate_core::{
    app, bot_api, callback_data, clock, command, core, corpus, data, debate, effect, homework,
    i18n, limits, picture, quiz, render, search, settings, sheet, store, vocab,
};
pub use debate_telegram::{metrics, telegram};
