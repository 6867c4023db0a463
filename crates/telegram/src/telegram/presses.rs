//! Button presses: each is handed to the core in the order the chat's presses came, then
//! answered (and its message edited) on a task of its own, so that no press waits for
//! another's calls.

use std::sync::Mutex;
use std::time::Instant;

use futures::future::BoxFuture;
use teloxide::payloads::AnswerCallbackQuerySetters;
use teloxide::prelude::*;
use teloxide::types::MessageId;

use super::effects::Interpreter;
use super::lanes;
use super::outbox::Outbox;
use super::send;
use super::users::{chat_kind, is_member_admin, membership, player};
use crate::app::Reply;
use crate::core::{Input, Platform, Pressed};
use crate::effect::Effect;
use crate::limits::Verdict;
use crate::metrics::{self, Dropped};
use crate::vocab::{Members, Membership};

/// Hands a press to the core and carries out its answer on a task of its own. A press that
/// changes nothing stored is decided without waiting on anything, so presses are decided in
/// the order they came (tasks start in the order spawned), and the chat's next press sees
/// the edit as made already. `arrived`: when the update reached the bot, for the
/// update-to-reply latency.
pub(super) fn on_callback(q: CallbackQuery, interpreter: &Interpreter, arrived: Instant) {
    let interpreter = interpreter.clone();
    let started = Instant::now();
    lanes::spawn("button", async move {
        let from = player(&q.from);
        let chat = q
            .regular_message()
            .and_then(|m| Some((m.chat.id.0, chat_kind(&m.chat)?)));
        let pressed = Pressed {
            chat,
            from: &from,
            data: q.data.as_deref().unwrap_or_default(),
            now: crate::clock::now_ms(),
        };
        let platform = PressPlatform {
            bot: &interpreter.bot,
            outbox: &interpreter.outbox,
            q: &q,
            edit: Mutex::new(None),
        };
        let handled = interpreter
            .core
            .handle(Input::Press(pressed), &platform)
            .await;
        let edit = platform
            .edit
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .take();
        for effect in handled.effects {
            match effect {
                Effect::AnswerPress { notice } => {
                    answer(&interpreter, &q, notice, (started, arrived)).await;
                }
                Effect::EditPressed { .. } => {
                    if let Some(edit) = &edit {
                        make(&interpreter, edit).await;
                    }
                }
                other => drop(interpreter.carry_out(vec![other]).await),
            }
        }
    });
}

/// What the core may ask about a press: whether the presser administers the chat (asked of
/// Telegram only for a settings button in a group), and whether an edit of the pressed
/// message fits its chat's budget. An edit that would change nothing (the message shows it
/// already, or the bot set it so a moment ago) fits and is not made; one that fits is
/// remembered as shown at once, so the chat's next press sees it.
struct PressPlatform<'a> {
    bot: &'a Bot,
    outbox: &'a Outbox,
    q: &'a CallbackQuery,
    /// The edit to make, once the core has decided it fits.
    edit: Mutex<Option<Edit>>,
}

/// An edit to make for a press: the key it is remembered under, the message, the new reply.
struct Edit {
    key: String,
    target: (Option<(ChatId, MessageId)>, Option<String>),
    reply: Reply,
}

impl Members for PressPlatform<'_> {
    fn membership(&self, chat: i64) -> BoxFuture<'_, Membership> {
        Box::pin(membership(self.bot, ChatId(chat), self.q.from.id))
    }
}

impl Platform for PressPlatform<'_> {
    fn sender_is_admin(&self) -> BoxFuture<'_, bool> {
        Box::pin(async move {
            match self.q.regular_message() {
                Some(m) => is_member_admin(self.bot, m.chat.id, self.q.from.id).await,
                None => false,
            }
        })
    }

    fn budget(&self) -> Verdict {
        Verdict::Send
    }

    fn may_edit(&self, reply: &Reply) -> bool {
        let (q, outbox) = (self.q, self.outbox);
        let key = match (q.regular_message(), &q.inline_message_id) {
            (Some(message), _) => Some(send::edit_key(message.chat.id, message.id)),
            (None, Some(id)) => Some(send::inline_key(id)),
            (None, None) => None,
        };
        let unchanged = key.as_ref().is_none_or(|key| outbox.shows(key, reply))
            || q.regular_message()
                .is_some_and(|m| send::message_shows(m, reply));
        if unchanged {
            return true;
        }
        let within_budget = q.regular_message().is_none_or(|m| {
            chat_kind(&m.chat).is_none_or(|kind| outbox.limits.edit(m.chat.id.0, kind))
        });
        if !within_budget {
            metrics::dropped(Dropped::ChatLimit);
            return false;
        }
        if let Some(key) = key {
            // The chat's next presses see the edit as made already.
            outbox.showing(key.clone(), reply);
            let target = (
                q.regular_message().map(|m| (m.chat.id, m.id)),
                q.inline_message_id.clone(),
            );
            let edit = Edit {
                key,
                target,
                reply: reply.clone(),
            };
            *self.edit.lock().unwrap_or_else(|e| e.into_inner()) = Some(edit);
        }
        true
    }

    fn replies_per_minute(&self) -> u32 {
        self.outbox.limits.settings().replies_per_chat_per_minute
    }

    fn stale_minutes(&self) -> u32 {
        self.outbox.limits.settings().stale_minutes
    }
}

/// Answers the press, at once: a callback query expires within seconds, and answering is no
/// message, so it never waits behind the overall pace.
async fn answer(
    interpreter: &Interpreter,
    q: &CallbackQuery,
    notice: Option<String>,
    (started, arrived): (Instant, Instant),
) {
    let stale = notice.is_some();
    let mut request = interpreter.bot.answer_callback_query(q.id.clone());
    if let Some(text) = notice {
        request = request.text(text);
    }
    let answered = interpreter
        .outbox
        .answer("answerCallbackQuery", || request.clone().send())
        .await
        .map(|_| ());
    match &answered {
        Ok(()) => metrics::replied("callback_query", arrived),
        Err(e) => tracing::warn!(error = %e, "could not answer a button press"),
    }
    metrics::handled("callback_query", started.elapsed());
    tracing::info!(
        button = if stale { "stale" } else { "ok" },
        ms = started.elapsed().as_secs_f64() * 1000.0,
        ok = answered.is_ok(),
        "button handled"
    );
}

/// Makes a press's edit; it waits its turn at the overall pace.
async fn make(interpreter: &Interpreter, edit: &Edit) {
    let (bot, outbox) = (&interpreter.bot, &interpreter.outbox);
    let edited = match &edit.target {
        (Some((chat, id)), _) => send::edit(bot, outbox, *chat, *id, &edit.reply).await,
        (None, Some(id)) => send::edit_inline(bot, outbox, id, &edit.reply).await,
        (None, None) => Ok(()),
    };
    if let Err(e) = edited {
        outbox.forget_shown(&edit.key);
        tracing::warn!(error = %e, "could not edit a message for a button press");
    }
}
