//! The bot's one dispatch: each update, as it comes, goes to its handler here. Messages,
//! button presses (`presses.rs`), inline queries and poll answers (`answers.rs`) go to the
//! core; the bot's own membership to `introduce.rs`; Telegram sends no other kind (the
//! bot asks for [`ALLOWED_UPDATES`] only). No update can take the bot down: a handler that
//! panics is caught and logged, and failed Telegram calls are logged, not returned. No handler
//! waits on Telegram: a message is queued in its chat's lane, a press's or an inline query's
//! answer is made on a task of its own (see [`super::lanes`]), so that [`Handlers::dispatch`]
//! returns at once and the next update is taken.

use std::sync::Arc;
use std::time::Instant;

use teloxide::payloads::AnswerInlineQuerySetters;
use teloxide::prelude::*;
use teloxide::types::{
    AllowedUpdate, InlineQueryResult, InlineQueryResultArticle, InputMessageContent,
    InputMessageContentText, Me, MessageId, ParseMode, UpdateKind,
};
use tokio::task::JoinSet;

use rand::SeedableRng;
use rand::rngs::StdRng;

use super::effects::Interpreter;
use super::lanes::{self, panicked};
use super::send;
use super::users::{is_admin, is_shared_identity, player};
use crate::app::{App, Reply};
use crate::command::{Builtin, Command, Part};
use crate::core::{Incoming, Outcome};
use crate::effect::Place;
use crate::i18n::fill;
use crate::limits::Verdict;
use crate::metrics::{self, Dropped};
use crate::vocab::{ChatKind, Millis};

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
    pub run: Interpreter,
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
                on_migration(msg, &self.run)
            }
            UpdateKind::Message(msg) => on_message(msg, self, arrived),
            UpdateKind::CallbackQuery(q) => super::presses::on_callback(q, &self.run, arrived),
            UpdateKind::InlineQuery(q) => on_inline_query(q, &self.run, arrived),
            UpdateKind::PollAnswer(answer) => {
                let work = super::answers::on_poll_answer(answer, self.run.clone());
                answers.spawn(async move {
                    panicked("poll answer", Box::pin(work)).await;
                });
            }
            UpdateKind::MyChatMember(update) => super::introduce::on_my_chat_member(update, self),
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
    let Handlers { me, run } = handlers.clone();
    let app = Arc::clone(&run.core.app);
    // Handled in the chat's lane, in the order the chat said things, each message once the
    // one before is answered (a quiz's /next acts on what the last one sent); the dispatch
    // goes on meanwhile, whatever this chat waits for.
    let lanes = run.lanes.clone();
    lanes.queue(msg.chat.id.0, async move {
        // The one reading of the text as a command; everything after is given it.
        let command = msg.text().and_then(crate::command::parse);
        let private = msg.chat.is_private();
        // Whether the sender expects an answer: anything in a private chat, our commands in
        // groups.
        let addressed = private
            || command
                .as_ref()
                .is_some_and(|c| c.is_for(me.user.username.as_deref()));
        let apology = addressed.then(|| Apology {
            place: place_of(&msg),
            lang: app.lang(msg.from.as_ref().and_then(|u| u.language_code.as_deref())),
            reply_to: (!private).then_some(msg.id),
        });
        let handled = handle_message(&msg, command.as_ref(), &me, &app, run.clone(), arrived);
        if panicked("message", Box::pin(handled)).await
            && let Some(apology) = apology
        {
            apology.send(run).await;
        }
    });
}

/// What a user who addressed the bot is told when handling their message failed on a bug:
/// something, rather than silence. Its words are looked up only when it is sent.
struct Apology {
    place: Place,
    lang: crate::i18n::Lang,
    reply_to: Option<MessageId>,
}

impl Apology {
    async fn send(self, run: Interpreter) {
        let reply = Reply::plain(run.core.app.view(self.lang).ui.internal_error.clone());
        let sent = send::send(&run.bot, &run.outbox, self.place, &reply, self.reply_to);
        if let Err(e) = sent.await {
            tracing::warn!(error = %e, "could not apologise for a failed message");
        }
    }
}

/// A basic group was upgraded to a supergroup: Telegram sends `migrate_to_chat_id` in the
/// old chat and `migrate_from_chat_id` in the new one (either may come first, or only one).
/// Either moves the old chat's quizzes, debates and leaderboard to the new id, once.
/// Moved in the chat's lane: the chat's next messages see the moved records.
fn on_migration(msg: Message, run: &Interpreter) {
    let (old, new) = match (msg.migrate_to_chat_id(), msg.migrate_from_chat_id()) {
        (Some(to), _) => (msg.chat.id.0, to.0),
        (None, Some(from)) => (from.0, msg.chat.id.0),
        (None, None) => return,
    };
    let run = run.clone();
    run.lanes.clone().queue(msg.chat.id.0, async move {
        panicked("migration", Box::pin(run.migrate(old, new))).await;
    });
}

/// Why a message went unanswered.
enum Failed {
    /// Sending the answer failed.
    Send(teloxide::RequestError),
    /// A stored command failed; logged where it happened.
    Logged,
}

async fn handle_message(
    msg: &Message,
    parsed: Option<&Command<'_>>,
    me: &Me,
    app: &App,
    run: Interpreter,
    arrived: Arrived,
) {
    let (bot, outbox) = (&run.bot, &run.outbox);
    let started = Instant::now();
    let Some(text) = msg.text() else { return };
    let kind = if msg.chat.is_private() {
        ChatKind::Private
    } else if msg.chat.is_group() || msg.chat.is_supergroup() {
        ChatKind::Group
    } else {
        return;
    };
    let Some(user) = msg.from.as_ref() else {
        return;
    };
    let from = player(user);
    let place = place_of(msg);
    // The notices below (slow down, storage failed) speak the chat's language too.
    let lang = run
        .core
        .lang(place.chat, from.language_code.as_deref())
        .await;
    let incoming = Incoming {
        place,
        kind,
        from: &from,
        text,
        command: parsed,
        bot_username: me.user.username.as_deref(),
        now: crate::clock::now_ms(),
        // Telegram keeps updates while the bot is down; `date` is when the message was sent.
        sent_at: Millis(msg.date.timestamp_millis()),
        shared_identity: is_shared_identity(msg),
    };
    let reply_to = (kind == ChatKind::Group).then_some(msg.id);
    let core = &run.core;
    let stale_minutes = outbox.limits.settings().stale_minutes;
    let mut rng = StdRng::from_rng(&mut rand::rng());
    // A reading command is answered (or found not to be for this bot) before it takes from
    // the chat's budget; a quiz or debate command runs only within the budget.
    let read = if incoming.route() == Part::App {
        match core
            .message(&incoming, false, stale_minutes, &mut rng)
            .await
        {
            Ok(Outcome::Ignored) => return,
            outcome => Some(outcome),
        }
    } else {
        None
    };
    let verdict = outbox.limits.command(place.chat, kind);
    if verdict == Verdict::Drop {
        metrics::dropped(Dropped::ChatLimit);
        tracing::info!(chat = kind.as_str(), verdict = ?verdict, "message dropped");
        return;
    }
    let outcome = match (verdict, read) {
        (Verdict::SlowDown, _) | (Verdict::Drop, _) => {
            metrics::dropped(Dropped::ChatLimit);
            let per_minute = outbox.limits.settings().replies_per_chat_per_minute;
            let notice = Reply::plain(fill(
                &app.view(lang).ui.slow_down,
                &[("count", &per_minute.to_string())],
            ));
            Ok(Outcome::Answer {
                command: "slow_down".into(),
                reply: notice,
            })
        }
        (Verdict::Send, Some(read)) => read,
        (Verdict::Send, None) => {
            let is_admin = match core.needs_admin(&incoming).await {
                Ok(true) => is_admin(bot, msg).await,
                Ok(false) => false,
                Err(e) => {
                    tracing::error!(error = %e, "cannot tell who may manage the chat's activity");
                    false
                }
            };
            core.message(&incoming, is_admin, stale_minutes, &mut rng)
                .await
        }
    };
    let (command, result) = match outcome {
        Ok(Outcome::Ignored) => return,
        Ok(Outcome::Answer { command, reply }) => {
            let sent = match add_to_group(app, lang, me, kind, &command) {
                Some(link) => {
                    send::send_with_link(bot, outbox, place, &reply, reply_to, link).await
                }
                None => send::send(bot, outbox, place, &reply, reply_to).await,
            };
            if sent.is_ok() {
                metrics::replied("message", arrived.0);
            }
            (command, sent.map_err(Failed::Send))
        }
        Ok(Outcome::Effects { command, effects }) => {
            run.carry_out(effects).await;
            metrics::replied("message", arrived.0);
            (command, Ok(()))
        }
        Err(e) => {
            // Logged here, once: storage (a full disk, a locked database).
            let command = parsed.map(|c| c.name().to_string()).unwrap_or_default();
            tracing::error!(error = %e, command = %command, "a stored command failed");
            let apology = Reply::plain(app.view(lang).ui.store_error.clone());
            let _ = send::send(bot, outbox, place, &apology, reply_to).await;
            (command, Err(Failed::Logged))
        }
    };
    if let Err(Failed::Send(e)) = &result {
        tracing::warn!(error = %e, "could not answer a message");
    }
    metrics::command(&command);
    metrics::handled("message", started.elapsed());
    tracing::info!(
        chat = kind.as_str(),
        command = %command,
        verdict = ?verdict,
        ms = started.elapsed().as_secs_f64() * 1000.0,
        ok = result.is_ok(),
        "message handled"
    );
}

/// Under /start in a private chat: Telegram's link that adds the bot to a group of the user's
/// choice and sends it `/start quiz` there (`https://t.me/<bot>?startgroup=quiz`; the Bot
/// API's "deep linking").
fn add_to_group(
    app: &App,
    lang: crate::i18n::Lang,
    me: &Me,
    kind: ChatKind,
    command: &str,
) -> Option<(String, url::Url)> {
    if kind != ChatKind::Private || command != Builtin::Start.name() {
        return None;
    }
    let username = me.user.username.as_deref()?;
    let url = format!(
        "https://t.me/{username}?startgroup={}",
        crate::app::START_GROUP
    );
    let label = app.view(lang).ui.button_add_to_group.clone();
    Some((label, url.parse().ok()?))
}

/// Finds the answer at once; sends it on a task of its own, so that no query waits for
/// another's call.
fn on_inline_query(q: InlineQuery, run: &Interpreter, arrived: Arrived) {
    let (app, bot, outbox) = (&run.core.app, &run.bot, Arc::clone(&run.outbox));
    let started = Instant::now();
    let answer = app.inline(&q.query, &q.offset, q.from.language_code.as_deref());
    let count = answer.items.len();
    let results: Vec<InlineQueryResult> = answer
        .items
        .into_iter()
        .map(|item| {
            let content =
                InputMessageContentText::new(item.message.to_html()).parse_mode(ParseMode::Html);
            InlineQueryResultArticle::new(item.id, item.title, InputMessageContent::Text(content))
                .description(item.description)
                .into()
        })
        .collect();
    let request = bot
        .answer_inline_query(q.id, results)
        .next_offset(answer.next_offset)
        .cache_time(answer.cache_seconds)
        .is_personal(answer.is_personal);
    lanes::spawn("inline query", async move {
        let result = outbox
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
    });
}
