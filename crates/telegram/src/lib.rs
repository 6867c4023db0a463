//! The Telegram adapter of debate-bot: it turns Telegram's updates into the core's inputs and
//! carries out the effects the core answers as Bot API calls ([`telegram`]), and records what
//! it does for Prometheus ([`metrics`]). It decides nothing a user sees: that is the core's
//! (`debate-core`).

pub mod metrics;
pub mod telegram;

// The core's modules, named as the adapter's code names them (`crate::core::Core`).
pub(crate) use debate_core::{app, clock, command, core, effect, limits, store, vocab};
