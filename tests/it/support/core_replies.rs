//! What the core answers, as the tests of an adapter expect it delivered: the message's HTML
//! and its buttons, made by the app itself (`App::handle`), so that an adapter must carry out
//! exactly that.

use debate_bot::app::{Defaults, Reply, Request};
use debate_bot::core::{Core, Incoming, Input, Unlimited};
use debate_bot::effect::Effect;
use debate_bot::settings::{DebateSettings, QuizSettings};
use debate_bot::store::Store;
use debate_bot::vocab::{ChatKind, Millis, Place, Player};

use super::app;
use super::fake_api::{BOT_USERNAME, TgUser};

/// A reply as the fake shows it: its HTML and its buttons as rows of (label, callback data).
pub fn shown(reply: &Reply) -> (String, Vec<Vec<(String, String)>>) {
    let buttons = reply
        .buttons
        .iter()
        .map(|row| {
            row.iter()
                .map(|b| (b.label.clone(), b.data.clone()))
                .collect()
        })
        .collect();
    (reply.doc.to_html(), buttons)
}

/// What the core answers to `text` in a private chat whose user's Telegram speaks
/// `language_code`, the bot being `bot_username` (`None` in the console).
pub fn core_answer(language_code: Option<&str>, bot_username: Option<&str>, text: &str) -> Reply {
    let command = debate_bot::command::parse(text);
    app()
        .handle(
            &Request {
                chat: ChatKind::Private,
                language_code,
                text,
                command: command.as_ref(),
                bot_username,
                scope: None,
            },
            &mut rand::rng(),
        )
        .unwrap_or_else(|| panic!("the core answers {text:?}"))
        .reply
}

/// What the core answers to `text` from `user` in a private chat, as HTML and buttons: the
/// adapter must send exactly that. /help ends with the chat's settings, here the defaults the
/// bot runs with.
pub fn core_reply(user: &TgUser, text: &str) -> (String, Vec<Vec<(String, String)>>) {
    let language_code = user.language_code.as_deref();
    let mut reply = core_answer(language_code, Some(BOT_USERNAME), text);
    if text == "/help" {
        let app = app();
        let lang = app.lang(language_code);
        let defaults = Defaults {
            quiz: QuizSettings::default(),
            debate: Default::default(),
        };
        let foot = app.settings_foot(lang, &Default::default(), defaults);
        reply.doc.blank().append(foot);
    }
    shown(&reply)
}

/// The effects of `text` from `player` in `chat`, handed to a core over `store` as an adapter
/// hands it (`shared_identity`: sent as the group or as a channel), with nothing to ask and no
/// budget to keep: what an engine test sees of a command that is the core's own.
pub async fn through_core(
    store: &Store,
    chat: i64,
    player: &Player,
    text: &str,
    shared_identity: bool,
    now: Millis,
) -> Vec<Effect> {
    let core = Core::new(
        app(),
        store.clone(),
        QuizSettings::default(),
        DebateSettings::default(),
        Default::default(),
    );
    let parsed = debate_bot::command::parse(text);
    let place = Place::from(chat);
    let incoming = Incoming {
        place,
        kind: place.kind(),
        from: player,
        text,
        command: parsed.as_ref(),
        bot_username: Some("debate_bot"),
        message_id: None,
        now,
        sent_at: now,
        shared_identity,
    };
    core.handle(Input::Message(incoming), &Unlimited)
        .await
        .effects
}
