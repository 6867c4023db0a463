//! The integration tests, one binary (so the dependency tree is linked once, not once per
//! file): each module drives the real bot, its engines or its binary. `support` holds the fake
//! Telegram Bot API on 127.0.0.1 and what starts the bot against it. `tests/faults.rs` stays a
//! binary of its own: the failpoint it switches on is global to its process.

mod support;

mod articles;
mod cli;
mod compose;
mod core;
mod corpus;
mod csv_files;
mod debate_engine;
mod debate_telegram;
mod groups;
mod homework_core;
mod homework_telegram;
mod import;
mod introduce;
mod logs;
mod pictures;
mod points_engine;
mod production;
mod properties;
mod quiz_engine;
mod quiz_telegram;
mod search;
mod settings_apply;
mod settings_telegram;
mod telegram;
mod top;
