//! The core of debate-bot: everything that decides what a user sees, and knows nothing of
//! Telegram, of HTTP or of a terminal. The way in is [`core::Core::handle`], with an
//! [`core::Input`]; the way out, the [`effect::Effect`]s it answers. Below the core: the
//! [`app`] (what a message or a press is answered with), the engines [`quiz`] and [`debate`]
//! and, over the quiz engine, [`homework`], the [`store`], the buttons' data
//! ([`callback_data`]), CSV files ([`sheet`]), and the data ([`corpus`], [`i18n`], [`render`],
//! [`command`], [`settings`], [`search`], [`vocab`]). The modules form layers, held by a test
//! (`layers.rs`); the adapters (`debate-telegram`, the binary's console) depend on this crate,
//! never the other way.

pub mod app;
pub mod bot_api;
pub mod callback_data;
pub mod clock;
pub mod command;
pub mod core;
pub mod corpus;
pub mod data;
pub mod debate;
pub mod effect;
pub mod homework;
pub mod i18n;
#[cfg(test)]
mod layers;
pub mod limits;
pub mod picture;
pub mod quiz;
pub mod render;
pub mod search;
pub mod settings;
pub mod sheet;
pub mod store;
pub mod vocab;
