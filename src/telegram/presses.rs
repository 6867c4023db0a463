//! Button presses: each is decided at once, in the order the chat's presses came, and answered
//! (and its message edited) on a task of its own, so that no press waits for another's calls.

use std::sync::Arc;
use std::time::Instant;

use teloxide::payloads::AnswerCallbackQuerySetters;
use teloxide::prelude::*;
use teloxide::types::MessageId;

use rand::SeedableRng;
use rand::rngs::StdRng;

use super::effects::Interpreter;
use super::handlers::Arrived;
use super::lanes::{self};
use super::outbox::Outbox;
use super::send;
use super::users::{is_member_admin, player};
use crate::app::{App, Press, Reply};
use crate::core::{Core, Pressed};
use crate::i18n::fill;
use crate::metrics::{self, Dropped};
use crate::vocab::ChatKind;

/// Decides at once what a press does (so the chat's next press sees the decision), then
/// answers it and makes the edit on a task of its own: no press waits for another's calls. A
/// press that needs Telegram or storage first (a settings button: is the presser an admin?
/// store the change) is decided on its task too.
pub(super) fn on_callback(q: CallbackQuery, run: &Interpreter, arrived: Arrived) {
    let (run, app) = (run.clone(), Arc::clone(&run.core.app));
    let started = Instant::now();
    let data = q.data.as_deref().unwrap_or_default();
    let mut rng = StdRng::from_rng(&mut rand::rng());
    if let Some(press) = run
        .core
        .press_now(data, q.from.language_code.as_deref(), &mut rng)
    {
        let (answer, edit) = decide(&run.bot, &q, &press, &app, &run.outbox);
        lanes::spawn(
            "button",
            finish(press, answer, edit, run, (started, arrived)),
        );
        return;
    }
    lanes::spawn("settings button", async move {
        let data = q.data.as_deref().unwrap_or_default();
        let from = player(&q.from);
        let pressed = Pressed {
            chat: q.regular_message().map(|m| {
                let kind = if m.chat.is_private() {
                    ChatKind::Private
                } else {
                    ChatKind::Group
                };
                (m.chat.id.0, kind)
            }),
            from: &from,
            data,
            now: crate::clock::now_ms(),
        };
        // getChatMember only for a settings button pressed in a group.
        let is_admin = match pressed.chat {
            Some((chat, _)) if Core::press_needs_admin(&pressed) => {
                is_member_admin(&run.bot, ChatId(chat), q.from.id).await
            }
            _ => false,
        };
        let mut rng = StdRng::from_rng(&mut rand::rng());
        let press = run.core.press(&pressed, is_admin, &mut rng).await;
        let (answer, edit) = decide(&run.bot, &q, &press, &app, &run.outbox);
        finish(press, answer, edit, run, (started, arrived)).await;
    });
}

/// The answer to a callback query, as built.
type Answer = teloxide::requests::JsonRequest<teloxide::payloads::AnswerCallbackQuery>;

/// An edit to make for a press: the key it is remembered under, the message, the new reply.
type Edit = (String, (Option<(ChatId, MessageId)>, Option<String>), Reply);

/// The answer to a press and the edit it makes, if any.
fn decide(
    bot: &Bot,
    q: &CallbackQuery,
    press: &Press,
    app: &App,
    outbox: &Outbox,
) -> (Answer, Option<Edit>) {
    let mut answer = bot.answer_callback_query(q.id.clone());
    let mut edit = None;
    match press {
        Press::Notice(text) => answer = answer.text(text.clone()),
        Press::Edit(reply) => {
            // An edit that would change nothing is skipped (the message shows it already, or
            // the bot set it so a moment ago), and one over the chat's budget is not made (the
            // presser is told to slow down).
            let key = match (q.regular_message(), &q.inline_message_id) {
                (Some(message), _) => Some(send::edit_key(message.chat.id, message.id)),
                (None, Some(id)) => Some(send::inline_key(id)),
                (None, None) => None,
            };
            let unchanged = key.as_ref().is_none_or(|key| outbox.shows(key, reply))
                || q.regular_message()
                    .is_some_and(|m| send::message_shows(m, reply));
            let within_budget = unchanged
                || q.regular_message().is_none_or(|m| {
                    let kind = if m.chat.is_private() {
                        ChatKind::Private
                    } else {
                        ChatKind::Group
                    };
                    outbox.limits.edit(m.chat.id.0, kind)
                });
            if !within_budget {
                metrics::dropped(Dropped::ChatLimit);
                let per_minute = outbox.limits.settings().replies_per_chat_per_minute;
                let lang = app.lang(q.from.language_code.as_deref());
                answer = answer.text(fill(
                    &app.view(lang).ui.slow_down,
                    &[("count", &per_minute.to_string())],
                ));
            }
            if let (false, true, Some(key)) = (unchanged, within_budget, key) {
                // The chat's next presses see the edit as made already.
                outbox.showing(key.clone(), reply);
                let target = (
                    q.regular_message().map(|m| (m.chat.id, m.id)),
                    q.inline_message_id.clone(),
                );
                edit = Some((key, target, reply.clone()));
            }
        }
    }
    (answer, edit)
}

/// Answers a press, then makes its edit.
async fn finish(
    press: Press,
    answer: Answer,
    edit: Option<Edit>,
    run: Interpreter,
    (started, arrived): (Instant, Arrived),
) {
    let (bot, outbox) = (run.bot, run.outbox);
    let stale = matches!(press, Press::Notice(_));
    // Answered first and at once: a callback query expires within seconds, and answering
    // is no message, so it never waits behind the overall pace.
    let answered = outbox
        .answer("answerCallbackQuery", || answer.clone().send())
        .await
        .map(|_| ());
    match &answered {
        Ok(()) => metrics::replied("callback_query", arrived.0),
        Err(e) => tracing::warn!(error = %e, "could not answer a button press"),
    }
    metrics::handled("callback_query", started.elapsed());
    tracing::info!(
        button = if stale { "stale" } else { "ok" },
        ms = started.elapsed().as_secs_f64() * 1000.0,
        ok = answered.is_ok(),
        "button handled"
    );
    // The edit waits its turn at the overall pace.
    if let Some((key, target, reply)) = edit {
        let edited = match target {
            (Some((chat, id)), _) => send::edit(&bot, &outbox, chat, id, &reply).await,
            (None, Some(id)) => send::edit_inline(&bot, &outbox, &id, &reply).await,
            (None, None) => Ok(()),
        };
        if let Err(e) = edited {
            outbox.forget_shown(&key);
            tracing::warn!(error = %e, "could not edit a message for a button press");
        }
    }
}
