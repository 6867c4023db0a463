//! Test support: a fake Telegram Bot API on loopback ([`fake_api`]), the real bot run against it
//! in-process ([`bot`]), and what the tests share: the sentences users see ([`sentences`]),
//! the people of a class ([`people`]), a group chat with the bot and its database
//! ([`group_chat`]), the engines driven on a file of their own ([`engines`]), what the core
//! answers ([`core_replies`]), temporary folders and databases ([`temp`]) and free ports
//! ([`ports`]).

// Each test crate uses a different part of the support.
#![allow(dead_code, unused_imports, unused_macros)]

pub mod bot;
pub mod core_replies;
pub mod engines;
pub mod fake_api;
pub mod group_chat;
pub mod people;
pub mod ports;
pub mod sentences;
pub mod temp;

use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};
use std::time::Duration;

use debate_bot::app::App;
use debate_bot::i18n::{Lang, UiText};
use tokio::time::Instant;

pub use bot::{
    RunningBot, STOP_WITHIN, generous_limits, init_logging, launch, process_runtime, run, settings,
    start, start_bot, start_bot_limited, start_bot_on, start_bot_with, start_bot_with_token,
};
pub use core_replies::{core_answer, core_reply, shown};
pub use fake_api::{Call, Failure, FakeApi, Fault, TOKEN, TgUser, visible};
pub use ports::free_port;
pub use sentences::{
    citation, citation_start, li_role, name, quiz_intro, quiz_zh, role, say, say_after, say_until,
    speaker_line, topic_header, unsay,
};
pub use temp::{TempDir, copy_dir, copy_of, temp_database};

/// The shipped corpus and sentences: responses/.
pub fn responses_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("responses")
}

/// The shipped app, loaded once.
fn loaded() -> &'static Arc<App> {
    static APP: OnceLock<Arc<App>> = OnceLock::new();
    APP.get_or_init(|| {
        let mut app = App::load(&responses_dir(), Lang::Zh).unwrap_or_else(|p| panic!("{p:#?}"));
        // The shipped config's time zone.
        app.set_zone(debate_bot::settings::Zone::new("Asia/Shanghai").expect("a time zone"));
        Arc::new(app)
    })
}

/// The shipped corpus and sentences, loaded once, Chinese by default as in config.toml.
pub fn app() -> Arc<App> {
    Arc::clone(loaded())
}

/// [`app`], borrowed for as long as the tests run.
pub fn shipped_app() -> &'static App {
    loaded()
}

/// The shipped sentences in `lang` (responses/ui.*.toml).
pub fn ui(lang: Lang) -> &'static UiText {
    loaded().view(lang).ui
}

/// A player of the engines' tests, with no Telegram language.
pub fn player(id: i64, name: &str) -> debate_bot::vocab::Player {
    debate_bot::vocab::Player {
        id,
        name: name.to_string(),
        language_code: None,
    }
}

/// A built-in command and its arguments, as `core::Core` hands them to an engine: `text` read
/// once; `None` when it is no built-in command.
pub fn builtin(text: &str) -> Option<(debate_bot::command::Builtin, &str)> {
    let command = debate_bot::command::parse(text)?;
    Some((command.builtin()?, command.args))
}

/// The plain text of every message among `outs`: a picture's caption too (the results, where
/// they fit there).
pub fn messages(outs: &[debate_bot::effect::Effect]) -> Vec<String> {
    outs.iter()
        .filter_map(|o| match o {
            debate_bot::effect::Effect::Send { reply, .. }
            | debate_bot::effect::Effect::Photo { caption: reply, .. } => {
                Some(reply.doc.to_plain())
            }
            _ => None,
        })
        .collect()
}

/// Waits (up to [`fake_api::WAIT`]) until `check` finds something (for state the fake API
/// cannot see, such as the bot's database); polls every 10 ms.
pub async fn eventually<T, F, Fut>(what: &str, mut check: F) -> T
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Option<T>>,
{
    let wait = fake_api::WAIT;
    let deadline = Instant::now() + wait;
    loop {
        if let Some(found) = check().await {
            return found;
        }
        assert!(
            Instant::now() < deadline,
            "timed out after {wait:?} waiting for {what}"
        );
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}

/// The votes of a debate's poll of `round` (the first vote or the second) as stored: for,
/// against, undecided.
pub async fn votes(
    store: &debate_bot::store::Store,
    debate: debate_bot::vocab::DebateId,
    round: debate_bot::vocab::Round,
) -> Option<[u64; 3]> {
    let mut tally = [0; 3];
    for answer in store.debate_answers(debate).await.ok()? {
        if answer.round == round {
            for (side, count) in tally.iter_mut().enumerate() {
                *count += u64::from(answer.options == 1 << side);
            }
        }
    }
    Some(tally)
}
