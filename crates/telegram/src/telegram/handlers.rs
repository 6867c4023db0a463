//! The bot's one dispatch: each update, as it comes, goes to its handler here. Messages,
//! button presses (`presses.rs`), inline queries and poll answers (`answers.rs`) go to the
//! core as its [`Input`], and what it answers is carried out; the bot's own membership to `introduce.rs`; Telegram sends no other kind (the
//! bot asks for [`ALLOWED_UPDATES`] only). No update can take the bot down: a handler that
//! panics is caught and logged, and failed Telegram calls are logged, not returned. No handler
//! waits on Telegram: a message is queued in its chat's lane, a press's or an inline query's
//! answer is made on a task of its own (see [`super::lanes`]), so that [`Handlers::dispatch`]
//! returns at once and the next update is taken.

use std::sync::Arc;
use std::time::Instant;

use futures::future::BoxFuture;
use teloxide::payloads::AnswerInlineQuerySetters;
use teloxide::prelude::*;
use teloxide::types::{
    AllowedUpdate, InlineQueryResult, InlineQueryResultArticle, InputMessageContent,
    InputMessageContentText, Me, ParseMode, UpdateKind,
};
use tokio::task::JoinSet;

use super::effects::Interpreter;
use super::lanes::{self, run_catching};
use super::outbox::Outbox;
use super::users::{chat_kind, is_admin, is_shared_identity, membership, player};
use crate::app::Reply;
use crate::core::{Incoming, Input, Platform, Unlimited};
use crate::effect::Effect;
use crate::limits::Verdict;
use crate::metrics::{self, Dropped};
use crate::vocab::{ChatKind, Members, Membership, Millis, Place};

/// The kinds of update [`Handlers::dispatch`] handles: messages (service messages of a group
/// upgrade among them), button presses, inline queries, poll answers, and the bot's own
/// membership (added to a group: it introduces itself). Long polling's `allowed_updates` and
/// the webhook's ask Telegram for these and no others (not `edited_message`, not `poll`: on
/// Telegram a kind not listed is never delivered); tests/it/production.rs checks both lists.
pub const ALLOWED_UPDATES: [AllowedUpdate; 5] = [
    AllowedUpdate::Message,
    AllowedUpdate::CallbackQuery,
    AllowedUpdate::InlineQuery,
    AllowedUpdate::PollAnswer,
    AllowedUpdate::MyChatMember,
];

/// When the update being handled reached the bot: the moment [`Handlers::dispatch`] took
/// it, for the update-to-reply latency ([`crate::metrics::UPDATE_TO_REPLY_SECONDS`]).
#[derive(Debug, Clone, Copy)]
pub struct Arrived(pub Instant);

/// Everything the handlers are given, made once by `telegram::run`.
#[derive(Clone)]
pub struct Handlers {
    /// Who the bot is (getMe).
    pub me: Arc<Me>,
    pub interpreter: Interpreter,
}

impl Handlers {
    /// Hands `update` to its handler and returns: a handler queues or spawns whatever waits.
    /// A poll answer's work (storing it may wait for its poll to be stored) joins `answers`,
    /// which a stop lets finish.
    pub fn dispatch(&self, update: Update, answers: &mut JoinSet<()>) {
        let arrived = Arrived(Instant::now());
        metrics::update(kind_of(&update));
        fail::fail_point!("dispatch");
        match update.kind {
            UpdateKind::Message(msg)
                if msg.migrate_to_chat_id().is_some() || msg.migrate_from_chat_id().is_some() =>
            {
                on_migration(msg, &self.interpreter)
            }
            UpdateKind::Message(msg) => on_message(msg, self, arrived),
            UpdateKind::CallbackQuery(q) => {
                super::presses::on_callback(q, &self.interpreter, arrived.0)
            }
            UpdateKind::InlineQuery(q) => on_inline_query(q, &self.interpreter, arrived),
            UpdateKind::PollAnswer(answer) => {
                let voter = super::answers::voter_id(&answer);
                let turn = self.interpreter.answers_in_order.take(voter);
                let work = super::answers::on_poll_answer(answer, self.interpreter.clone(), turn);
                answers.spawn(async move {
                    run_catching("poll answer", Box::pin(work)).await;
                });
            }
            UpdateKind::MyChatMember(update) => {
                super::introduce::on_my_chat_member(update, &self.me, &self.interpreter)
            }
            // Not asked for (`ALLOWED_UPDATES`); unreadable ones never reach here.
            _ => {}
        }
    }
}

/// An update's kind as [`metrics::UPDATES`] counts it.
fn kind_of(update: &Update) -> &'static str {
    match update.kind {
        UpdateKind::Message(_) => "message",
        UpdateKind::CallbackQuery(_) => "callback_query",
        UpdateKind::InlineQuery(_) => "inline_query",
        UpdateKind::PollAnswer(_) => "poll_answer",
        UpdateKind::MyChatMember(_) => "my_chat_member",
        _ => "other",
    }
}

/// Where a message was said, and so where its answers go: its chat and, for a message in a
/// forum topic (`is_topic_message`), the topic. A reply thread in a group that is no forum also
/// carries a `message_thread_id`, but it is no topic: Telegram refuses a send naming it
/// ("message thread not found").
pub fn place_of(msg: &Message) -> Place {
    let thread = msg
        .is_topic_message
        .then_some(msg.thread_id)
        .flatten()
        .map(|t| t.0.0);
    Place::topic(msg.chat.id.0, thread)
}

fn on_message(msg: Message, handlers: &Handlers, arrived: Arrived) {
    let Handlers { me, interpreter } = handlers.clone();
    // Handled in the chat's lane, in the order the chat said things, each message once the
    // one before is answered (a quiz's /next acts on what the last one sent); the dispatch
    // goes on meanwhile, whatever this chat waits for.
    let lanes = interpreter.lanes.clone();
    lanes.queue(msg.chat.id.0, async move {
        let Some(text) = msg.text() else { return };
        let Some(kind) = chat_kind(&msg.chat) else {
            return;
        };
        let Some(user) = msg.from.as_ref() else {
            return;
        };
        let from = player(user);
        // The one reading of the text as a command; everything after is given it.
        let command = crate::command::parse(text);
        let incoming = Incoming {
            place: place_of(&msg),
            kind,
            from: &from,
            text,
            command: command.as_ref(),
            bot_username: me.user.username.as_deref(),
            message_id: Some(i64::from(msg.id.0)),
            now: crate::clock::now_ms(),
            // Telegram keeps updates while the bot is down; `date` is when the message was sent.
            sent_at: Millis(msg.date.timestamp_millis()),
            shared_identity: is_shared_identity(&msg),
        };
        let handled = handle_message(incoming, &msg, interpreter.clone(), arrived);
        if run_catching("message", Box::pin(handled)).await && incoming.addressed() {
            // Something, rather than silence, for whoever addressed the bot.
            let failed = Input::Failed {
                place: incoming.place,
                language_code: from.language_code.as_deref(),
                reply_to: incoming.message_id.filter(|_| kind == ChatKind::Group),
            };
            interpreter.tell(failed).await;
        }
    });
}

/// A basic group was upgraded to a supergroup: Telegram sends `migrate_to_chat_id` in the
/// old chat and `migrate_from_chat_id` in the new one (either may come first, or only one).
/// Either moves the old chat's quizzes, debates and leaderboard to the new id, once.
/// Moved in the chat's lane: the chat's next messages see the moved records.
fn on_migration(msg: Message, interpreter: &Interpreter) {
    let (old, new) = match (msg.migrate_to_chat_id(), msg.migrate_from_chat_id()) {
        (Some(to), _) => (msg.chat.id.0, to.0),
        (None, Some(from)) => (from.0, msg.chat.id.0),
        (None, None) => return,
    };
    let interpreter = interpreter.clone();
    interpreter.lanes.clone().queue(msg.chat.id.0, async move {
        run_catching("migration", Box::pin(interpreter.migrate(old, new))).await;
    });
}

/// What the core may ask about a message: whether its sender is an admin here, or a member of
/// another group (asked of Telegram only then), and its chat's budget.
struct MessagePlatform<'a> {
    bot: &'a Bot,
    outbox: &'a Outbox,
    msg: &'a Message,
    kind: ChatKind,
}

impl Members for MessagePlatform<'_> {
    fn membership(&self, chat: i64) -> BoxFuture<'_, Membership> {
        Box::pin(async move {
            match self.msg.from.as_ref() {
                Some(user) => membership(self.bot, ChatId(chat), user.id).await,
                None => Membership::Unknown,
            }
        })
    }
}

impl Platform for MessagePlatform<'_> {
    fn sender_is_admin(&self) -> BoxFuture<'_, bool> {
        Box::pin(is_admin(self.bot, self.msg))
    }

    fn budget(&self) -> Verdict {
        self.outbox.limits.command(self.msg.chat.id.0, self.kind)
    }

    fn may_edit(&self, _reply: &Reply) -> bool {
        true
    }

    fn replies_per_minute(&self) -> u32 {
        self.outbox.limits.settings().replies_per_chat_per_minute
    }

    fn stale_minutes(&self) -> u32 {
        self.outbox.limits.settings().stale_minutes
    }
}

async fn handle_message(
    incoming: Incoming<'_>,
    msg: &Message,
    interpreter: Interpreter,
    arrived: Arrived,
) {
    let started = Instant::now();
    let platform = MessagePlatform {
        bot: &interpreter.bot,
        outbox: &interpreter.outbox,
        msg,
        kind: incoming.kind,
    };
    let handled = interpreter
        .core
        .handle(Input::Message(incoming), &platform)
        .await;
    let chat = incoming.kind.as_str();
    let verdict = match handled.verdict {
        // Not for this bot.
        None => return,
        Some(Verdict::Drop) => {
            metrics::dropped(Dropped::ChatLimit);
            tracing::info!(chat, verdict = ?Verdict::Drop, "message dropped");
            return;
        }
        Some(Verdict::SlowDown) => {
            metrics::dropped(Dropped::ChatLimit);
            Verdict::SlowDown
        }
        Some(Verdict::Send) => Verdict::Send,
    };
    let sent = interpreter.carry_out(handled.effects).await;
    if sent {
        metrics::replied("message", arrived.0);
    }
    metrics::command(&handled.command);
    metrics::handled("message", started.elapsed());
    tracing::info!(
        chat,
        command = %handled.command,
        verdict = ?verdict,
        ms = started.elapsed().as_secs_f64() * 1000.0,
        ok = sent && !handled.failed,
        "message handled"
    );
}

/// Answers an inline query on a task of its own, so that no query waits for another's call.
fn on_inline_query(q: InlineQuery, interpreter: &Interpreter, arrived: Arrived) {
    let interpreter = interpreter.clone();
    let started = Instant::now();
    lanes::spawn("inline query", async move {
        let input = Input::InlineQuery {
            query: &q.query,
            offset: &q.offset,
            language_code: q.from.language_code.as_deref(),
        };
        let handled = interpreter.core.handle(input, &Unlimited).await;
        for effect in handled.effects {
            let Effect::AnswerInline(answer) = effect else {
                interpreter.carry_out(vec![effect]).await;
                continue;
            };
            let count = answer.items.len();
            let results: Vec<InlineQueryResult> = answer
                .items
                .into_iter()
                .map(|item| {
                    let content = InputMessageContentText::new(item.message.to_html())
                        .parse_mode(ParseMode::Html);
                    let content = InputMessageContent::Text(content);
                    InlineQueryResultArticle::new(item.id, item.title, content)
                        .description(item.description)
                        .into()
                })
                .collect();
            let request = interpreter
                .bot
                .answer_inline_query(q.id.clone(), results)
                .next_offset(answer.next_offset)
                .cache_time(answer.cache_seconds)
                .is_personal(answer.is_personal);
            let result = interpreter
                .outbox
                .answer("answerInlineQuery", || request.clone().send())
                .await;
            match &result {
                Ok(_) => metrics::replied("inline_query", arrived.0),
                Err(e) => tracing::warn!(error = %e, "could not answer an inline query"),
            }
            metrics::handled("inline_query", started.elapsed());
            tracing::info!(
                results = count,
                ms = started.elapsed().as_secs_f64() * 1000.0,
                ok = result.is_ok(),
                "inline query handled"
            );
        }
    });
}
