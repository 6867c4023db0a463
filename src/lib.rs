//! debate-bot: a Telegram bot that answers with sourced, verbatim excerpts of one article.
//!
//! The core ([`core`], the way in: `Core::handle`; [`effect`], the way out; below them the
//! [`app`], the engines [`quiz`] and [`debate`], the [`store`], and the data: [`corpus`],
//! [`i18n`], [`render`], [`command`], [`settings`], [`vocab`]) decides everything a user sees
//! and knows nothing of Telegram. [`telegram`] and [`console`] are adapters that translate
//! and carry out; [`cli`] is the command that builds and runs them; [`metrics`] names what
//! the adapter records for Prometheus. The modules form layers, held by a test (`layers.rs`).
//! See docs/architecture.md for the map.

pub mod app;
pub mod cli;
pub mod clock;
pub mod command;
pub mod config;
pub mod console;
pub mod core;
pub mod corpus;
pub mod data;
pub mod debate;
pub mod effect;
pub mod i18n;
#[cfg(test)]
mod layers;
pub mod limits;
pub mod metrics;
pub mod quiz;
pub mod render;
pub mod search;
pub mod settings;
pub mod store;
pub mod telegram;
pub mod vocab;
