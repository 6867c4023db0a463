//! debate-bot: a Telegram bot that answers with sourced, verbatim excerpts of one article.
//!
//! The core ([`core`], the way in; [`effect`], the way out; [`app`], [`quiz`], [`debate`],
//! [`corpus`], [`render`], [`command`], [`i18n`]) knows nothing of Telegram; [`telegram`] and
//! [`console`] are thin adapters around it, and [`cli`] the command that builds and runs them; [`metrics`] names what the adapter and the store
//! record for Prometheus; [`vocab`] holds the words they all share (chat kinds, players, times,
//! ids, sides). See docs/architecture.md for the map.

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
