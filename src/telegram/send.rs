//! Turning core replies into Bot API calls (HTML text, inline keyboards, edits in place), and
//! getting them delivered: paced to `[limits] messages_per_second` overall (30), retried after a 429 once
//! `retry_after` has passed (a 429 means it was not delivered, so it is delivered once), and
//! retried with backoff a bounded number of times after a server error, a timeout or a dropped
//! connection. Nothing here ever stops the bot: a call that still fails is logged by its caller.

use std::collections::HashMap;
use std::future::Future;
use std::hash::{Hash, Hasher};
use std::num::NonZeroU32;
use std::time::Duration;

use governor::{DefaultDirectRateLimiter, Quota, RateLimiter};
use teloxide::payloads::{EditMessageTextSetters, SendMessageSetters};
use teloxide::prelude::*;
use teloxide::types::{
    InlineKeyboardButton, InlineKeyboardMarkup, MessageId, ParseMode, ReplyParameters, ThreadId,
};
use teloxide::{ApiError, RequestError};

use url::Url;

use crate::app::Reply;
use crate::effect::Place;
use crate::limits::{LimitSettings, Limits};
use crate::metrics;

/// Tries of one call, the first included.
const ATTEMPTS: u32 = 4;
/// The wait before the second try after a server or network error; doubled each time.
const FIRST_BACKOFF: Duration = Duration::from_millis(500);
/// A `retry_after` longer than this is not waited for: the message would come too late.
const LONGEST_RETRY_AFTER: Duration = Duration::from_secs(60);

/// The way out: per-chat budgets and the overall pace.
#[derive(Debug)]
pub struct Outbox {
    pub limits: Limits,
    overall: DefaultDirectRateLimiter,
    /// Turns at the overall pace, first come first served. Without it every waiting send
    /// wakes at each free slot and all but one go back to sleep: with a backlog of thousands
    /// (a burst at 30 messages a second) that cost about ten times the CPU of the sends.
    turn: tokio::sync::Mutex<()>,
    /// What each message the bot edited shows now (a hash of its text and buttons), so that
    /// an edit that would change nothing is skipped before calling Telegram: thirty students
    /// pressing the same button in a second make one edit, not thirty (29 of which Telegram
    /// would refuse "message is not modified"). Forgotten wholesale when it grows large.
    shown: std::sync::Mutex<HashMap<String, u64>>,
    /// Set when the bot is stopping and its time to deliver is up: queued calls give up.
    giving_up: tokio::sync::watch::Sender<bool>,
    /// Calls given up at shutdown.
    given_up: std::sync::atomic::AtomicU64,
}

/// Messages whose content [`Outbox`] remembers at most.
const SHOWN_AT_MOST: usize = 50_000;

/// What a reply looks like to Telegram: its HTML and its buttons.
fn fingerprint(reply: &Reply) -> u64 {
    let mut hasher = std::hash::DefaultHasher::new();
    reply.doc.to_html().hash(&mut hasher);
    reply.buttons.hash(&mut hasher);
    hasher.finish()
}

impl Outbox {
    pub fn new(settings: LimitSettings) -> Self {
        let per_second = NonZeroU32::new(settings.messages_per_second.max(1)).expect("non-zero");
        Outbox {
            limits: Limits::new(settings),
            overall: RateLimiter::direct(Quota::per_second(per_second)),
            turn: tokio::sync::Mutex::new(()),
            shown: std::sync::Mutex::new(HashMap::new()),
            giving_up: tokio::sync::watch::Sender::new(false),
            given_up: std::sync::atomic::AtomicU64::new(0),
        }
    }

    /// Makes `call` (which builds and sends one request) within the overall pace, retrying as
    /// described above.
    pub async fn deliver<T, F, Fut>(&self, what: &str, call: F) -> ResponseResult<T>
    where
        F: FnMut() -> Fut,
        Fut: Future<Output = ResponseResult<T>>,
    {
        self.deliver_paced(what, true, call).await
    }

    /// The bot is stopping and its time to deliver is up: every call still waiting for its
    /// turn (or a retry) gives up, so the process can exit.
    pub fn give_up(&self) {
        self.giving_up.send_replace(true);
    }

    /// How many calls gave up at shutdown.
    pub fn given_up(&self) -> u64 {
        self.given_up.load(std::sync::atomic::Ordering::Relaxed)
    }

    /// Waits for `wait`, or answers an error if the bot gives up meanwhile.
    async fn wait_or_give_up<T>(
        &self,
        what: &str,
        wait: impl Future<Output = T>,
    ) -> ResponseResult<T> {
        let mut giving_up = self.giving_up.subscribe();
        tokio::select! {
            done = wait => Ok(done),
            _ = giving_up.wait_for(|&g| g) => {
                self.given_up.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                metrics::dropped(metrics::Dropped::Shutdown);
                tracing::debug!(call = what, "not sent: the bot is stopping");
                Err(RequestError::Io(std::sync::Arc::new(std::io::Error::other(
                    "not sent: the bot stopped before its turn came",
                ))))
            }
        }
    }

    /// Whether the message `key` (see [`edit_key`]) already shows `reply`, as far as the bot
    /// last set it.
    pub fn shows(&self, key: &str, reply: &Reply) -> bool {
        let shown = self.shown.lock().unwrap_or_else(|e| e.into_inner());
        shown.get(key) == Some(&fingerprint(reply))
    }

    /// Forgets what the message `key` shows (an edit of it failed).
    pub fn forget_shown(&self, key: &str) {
        let mut shown = self.shown.lock().unwrap_or_else(|e| e.into_inner());
        shown.remove(key);
    }

    /// Remembers that the message `key` now shows `reply` (or will, once its edit is made).
    pub fn showing(&self, key: String, reply: &Reply) {
        let mut shown = self.shown.lock().unwrap_or_else(|e| e.into_inner());
        if shown.len() >= SHOWN_AT_MOST {
            shown.clear();
        }
        shown.insert(key, fingerprint(reply));
    }

    /// Makes a call that is no message (answerCallbackQuery, answerInlineQuery): it does not
    /// count toward Telegram's message limits, so it never waits behind the overall pace (a
    /// callback query must be answered within seconds, whatever the backlog of messages).
    /// Retried like any call.
    pub async fn answer<T, F, Fut>(&self, what: &str, call: F) -> ResponseResult<T>
    where
        F: FnMut() -> Fut,
        Fut: Future<Output = ResponseResult<T>>,
    {
        self.deliver_paced(what, false, call).await
    }

    async fn deliver_paced<T, F, Fut>(
        &self,
        what: &str,
        paced: bool,
        mut call: F,
    ) -> ResponseResult<T>
    where
        F: FnMut() -> Fut,
        Fut: Future<Output = ResponseResult<T>>,
    {
        let mut backoff = FIRST_BACKOFF;
        let mut attempt = 1;
        loop {
            if paced {
                // Only the head of the queue waits on the rate limiter; it is held just until
                // its slot comes, never across the call.
                let _queued = metrics::queued();
                self.wait_or_give_up(what, async {
                    let _turn = self.turn.lock().await;
                    self.overall.until_ready().await;
                })
                .await?;
            }
            let result = call().await;
            metrics::call(what, outcome(&result));
            let wait = match &result {
                Err(RequestError::RetryAfter(after)) if after.duration() <= LONGEST_RETRY_AFTER => {
                    after.duration()
                }
                Err(e) if is_transient(e) => {
                    let wait = backoff;
                    backoff *= 2;
                    wait
                }
                _ => return result,
            };
            if attempt >= ATTEMPTS {
                return result;
            }
            metrics::retry(what);
            tracing::warn!(call = what, attempt, wait_ms = wait.as_millis() as u64, error = %result.as_ref().err().map(ToString::to_string).unwrap_or_default(), "retrying a Telegram call");
            self.wait_or_give_up(what, tokio::time::sleep(wait)).await?;
            attempt += 1;
        }
    }
}

/// How a call ended, as [`metrics::CALLS`] counts it.
fn outcome<T>(result: &ResponseResult<T>) -> metrics::Outcome {
    use metrics::Outcome;
    match result {
        Ok(_) => Outcome::Ok,
        Err(RequestError::RetryAfter(_)) => Outcome::TooManyRequests,
        Err(RequestError::Network(_) | RequestError::Io(_)) => Outcome::Network,
        Err(e) if is_transient(e) => Outcome::ServerError,
        Err(_) => Outcome::ClientError,
    }
}

/// Errors worth another try: the network, and Telegram's server side.
fn is_transient(error: &RequestError) -> bool {
    match error {
        RequestError::Network(_) | RequestError::Io(_) => true,
        // A 5xx comes back as a body teloxide cannot read as an answer.
        RequestError::InvalidJson { .. } => true,
        RequestError::Api(ApiError::Unknown(description)) => {
            let d = description.to_ascii_lowercase();
            d.contains("bad gateway")
                || d.contains("internal server error")
                || d.contains("service unavailable")
                || d.contains("gateway timeout")
        }
        _ => false,
    }
}

fn keyboard(reply: &Reply) -> Option<InlineKeyboardMarkup> {
    if reply.buttons.is_empty() {
        return None;
    }
    Some(InlineKeyboardMarkup::new(reply.buttons.iter().map(|row| {
        row.iter()
            .map(|b| InlineKeyboardButton::callback(b.label.clone(), b.data.clone()))
            .collect::<Vec<_>>()
    })))
}

/// The topic to name in a send to `place`, if any.
pub fn thread(place: Place) -> Option<ThreadId> {
    place.thread.map(|t| ThreadId(MessageId(t)))
}

/// Closes a poll the bot sent (stopPoll).
pub async fn stop_poll(
    bot: &Bot,
    outbox: &Outbox,
    place: Place,
    message_id: i64,
) -> ResponseResult<()> {
    let request = bot.stop_poll(ChatId(place.chat), MessageId(message_id as i32));
    outbox
        .deliver("stopPoll", || request.clone().send())
        .await
        .map(|_| ())
}

/// Sends `reply` to `place` (its chat and topic), as an answer to `reply_to` when given.
pub async fn send(
    bot: &Bot,
    outbox: &Outbox,
    place: Place,
    reply: &Reply,
    reply_to: Option<MessageId>,
) -> ResponseResult<()> {
    send_message(bot, outbox, place, reply, reply_to)
        .await
        .map(|_| ())
}

/// [`send`], answering the message sent.
pub async fn send_message(
    bot: &Bot,
    outbox: &Outbox,
    place: Place,
    reply: &Reply,
    reply_to: Option<MessageId>,
) -> ResponseResult<Message> {
    send_with_markup(bot, outbox, place, reply, reply_to, keyboard(reply)).await
}

/// [`send`] with a button of Telegram's own under the reply's: a link that opens `url`.
pub async fn send_with_link(
    bot: &Bot,
    outbox: &Outbox,
    place: Place,
    reply: &Reply,
    reply_to: Option<MessageId>,
    (label, url): (String, Url),
) -> ResponseResult<()> {
    let link = vec![InlineKeyboardButton::url(label, url)];
    let markup = match keyboard(reply) {
        Some(markup) => markup.append_row(link),
        None => InlineKeyboardMarkup::new([link]),
    };
    send_with_markup(bot, outbox, place, reply, reply_to, Some(markup))
        .await
        .map(|_| ())
}

async fn send_with_markup(
    bot: &Bot,
    outbox: &Outbox,
    place: Place,
    reply: &Reply,
    reply_to: Option<MessageId>,
    markup: Option<InlineKeyboardMarkup>,
) -> ResponseResult<Message> {
    // Fault injection for tests/faults.rs; compiled out unless fail's `failpoints` feature is on.
    fail::fail_point!("send-message");
    let mut request = bot
        .send_message(ChatId(place.chat), reply.doc.to_html())
        .parse_mode(ParseMode::Html);
    if let Some(thread) = thread(place) {
        request = request.message_thread_id(thread);
    }
    if let Some(id) = reply_to {
        request = request.reply_parameters(ReplyParameters::new(id).allow_sending_without_reply());
    }
    if let Some(markup) = markup {
        request = request.reply_markup(markup);
    }
    outbox
        .deliver("sendMessage", || request.clone().send())
        .await
}

/// The key under which [`Outbox`] remembers what a message shows.
pub fn edit_key(chat: ChatId, message: MessageId) -> String {
    format!("{}:{}", chat.0, message.0)
}

/// The key for a message sent through inline mode.
pub fn inline_key(inline_message_id: &str) -> String {
    format!("inline:{inline_message_id}")
}

/// Whether `message` (as a callback query carries it: its current text and buttons) already
/// shows `reply`.
pub fn message_shows(message: &Message, reply: &Reply) -> bool {
    let text = message.text().unwrap_or_default();
    text.trim() == reply.doc.to_visible().trim()
        && message.reply_markup() == keyboard(reply).as_ref()
}

/// Replaces the text and buttons of a message the bot sent.
pub async fn edit(
    bot: &Bot,
    outbox: &Outbox,
    chat: ChatId,
    message: MessageId,
    reply: &Reply,
) -> ResponseResult<()> {
    let mut request = bot
        .edit_message_text(chat, message, reply.doc.to_html())
        .parse_mode(ParseMode::Html);
    if let Some(markup) = keyboard(reply) {
        request = request.reply_markup(markup);
    }
    not_modified_is_fine(
        outbox
            .deliver("editMessageText", || request.clone().send())
            .await
            .map(|_| ()),
    )
}

/// Replaces the text and buttons of a message sent through inline mode.
pub async fn edit_inline(
    bot: &Bot,
    outbox: &Outbox,
    inline_message_id: &str,
    reply: &Reply,
) -> ResponseResult<()> {
    let mut request = bot
        .edit_message_text_inline(inline_message_id, reply.doc.to_html())
        .parse_mode(ParseMode::Html);
    if let Some(markup) = keyboard(reply) {
        request = request.reply_markup(markup);
    }
    not_modified_is_fine(
        outbox
            .deliver("editMessageText", || request.clone().send())
            .await
            .map(|_| ()),
    )
}

/// Pressing a button twice quickly asks for the same text: nothing to do.
fn not_modified_is_fine(result: ResponseResult<()>) -> ResponseResult<()> {
    match result {
        Err(RequestError::Api(ApiError::MessageNotModified)) => Ok(()),
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicU32, Ordering};
    use teloxide::types::Seconds;

    fn outbox() -> Outbox {
        Outbox::new(LimitSettings::default())
    }

    #[tokio::test(start_paused = true)]
    async fn a_429_is_retried_after_retry_after_and_delivered_once() {
        let calls = AtomicU32::new(0);
        let started = tokio::time::Instant::now();
        let result = outbox()
            .deliver("test", || async {
                match calls.fetch_add(1, Ordering::SeqCst) {
                    0 => Err(RequestError::RetryAfter(Seconds::from_seconds(3))),
                    _ => Ok("delivered"),
                }
            })
            .await;
        assert_eq!(result.unwrap(), "delivered");
        assert_eq!(calls.load(Ordering::SeqCst), 2);
        assert!(started.elapsed() >= Duration::from_secs(3));
    }

    #[tokio::test(start_paused = true)]
    async fn server_errors_are_retried_a_bounded_number_of_times() {
        let calls = AtomicU32::new(0);
        let result: ResponseResult<()> = outbox()
            .deliver("test", || async {
                calls.fetch_add(1, Ordering::SeqCst);
                Err(RequestError::Api(ApiError::Unknown("Bad Gateway".into())))
            })
            .await;
        assert!(result.is_err());
        assert_eq!(calls.load(Ordering::SeqCst), ATTEMPTS);
    }

    #[tokio::test]
    async fn at_the_overall_pace_sends_go_out_first_come_first_served() {
        // 100 sends at once, 50 a second overall: the limiter's burst of 50 goes at once, then
        // one every 20 ms, in the order they asked.
        let outbox = Outbox::new(LimitSettings {
            messages_per_second: 50,
            ..LimitSettings::default()
        });
        let order = std::sync::Mutex::new(Vec::new());
        let sends = (0..100).map(|i| {
            let (outbox, order) = (&outbox, &order);
            async move {
                outbox
                    .deliver("test", || async {
                        order.lock().unwrap().push(i);
                        Ok(())
                    })
                    .await
            }
        });
        let results = futures::future::join_all(sends).await;
        assert!(results.iter().all(Result::is_ok));
        assert_eq!(*order.lock().unwrap(), (0..100).collect::<Vec<_>>());
    }

    #[tokio::test(start_paused = true)]
    async fn other_errors_are_not_retried() {
        let calls = AtomicU32::new(0);
        let result: ResponseResult<()> = outbox()
            .deliver("test", || async {
                calls.fetch_add(1, Ordering::SeqCst);
                Err(RequestError::Api(ApiError::BotBlocked))
            })
            .await;
        assert!(result.is_err());
        assert_eq!(calls.load(Ordering::SeqCst), 1);
    }
}
