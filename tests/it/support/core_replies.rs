//! What the core answers, as the tests of an adapter expect it delivered: the message's HTML
//! and its buttons, made by the app itself (`App::handle`), so that an adapter must carry out
//! exactly that.

use debate_bot::app::{Defaults, Reply, Request};
use debate_bot::quiz::QuizSettings;
use debate_bot::vocab::ChatKind;

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

/// What the core answers to `text` from `user` in a private chat, as HTML and buttons: the
/// adapter must send exactly that. /help ends with the chat's settings, here the defaults the
/// bot runs with.
pub fn core_reply(user: &TgUser, text: &str) -> (String, Vec<Vec<(String, String)>>) {
    let app = app();
    let command = debate_bot::command::parse(text);
    let mut handled = app
        .handle(
            &Request {
                chat: ChatKind::Private,
                language_code: user.language_code.as_deref(),
                text,
                command: command.as_ref(),
                bot_username: Some(BOT_USERNAME),
            },
            &mut rand::rng(),
        )
        .unwrap_or_else(|| panic!("the core answers {text:?}"));
    if text == "/help" {
        let lang = app.lang(user.language_code.as_deref());
        let defaults = Defaults {
            quiz: QuizSettings::default(),
            debate: Default::default(),
        };
        let foot = app.settings_foot(lang, &Default::default(), defaults);
        handled.reply.doc.blank().append(foot);
    }
    shown(&handled.reply)
}
