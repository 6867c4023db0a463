//! The way out: every Bot API call is made through the [`Outbox`], which paces messages to
//! `[limits] messages_per_second` overall (30), retries after a 429 once `retry_after` has
//! passed (a 429 means it was not delivered, so it is delivered once), and retries with backoff
//! a bounded number of times after a server error, a timeout or a dropped connection. Nothing
//! here ever stops the bot: a call that still fails is logged by its caller.
//!
//! The retry loop is generic over each call's answer, so it is compiled once per Bot API method
//! the bot uses; everything in it that is not the call itself (waiting for a turn, deciding on
//! a retry, the metrics and the log line, giving up at shutdown) lives in functions that are not
//! generic and are compiled once.

use std::collections::HashMap;
use std::future::Future;
use std::hash::{Hash, Hasher};
use std::num::NonZeroU32;
use std::pin::{Pin, pin};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use governor::{DefaultDirectRateLimiter, Quota, RateLimiter};
use teloxide::prelude::*;
use teloxide::{ApiError, RequestError};

use crate::app::Reply;
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
    given_up: AtomicU64,
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

/// Where one call stands in its tries.
struct Tries {
    attempt: u32,
    backoff: Duration,
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
            given_up: AtomicU64::new(0),
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

    /// The bot is stopping and its time to deliver is up: every call still waiting for its
    /// turn (or a retry) gives up, so the process can exit.
    pub fn give_up(&self) {
        self.giving_up.send_replace(true);
    }

    /// How many calls gave up at shutdown.
    pub fn given_up(&self) -> u64 {
        self.given_up.load(Ordering::Relaxed)
    }

    /// Whether the message `key` (see [`super::send::edit_key`]) already shows `reply`, as
    /// far as the bot last set it.
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

    /// The retry loop, the one part that knows the call's answer type.
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
        let mut tries = Tries {
            attempt: 1,
            backoff: FIRST_BACKOFF,
        };
        loop {
            if paced {
                self.wait_for_turn(what).await?;
            }
            let result = call().await;
            if !self
                .try_again(what, &mut tries, result.as_ref().err())
                .await?
            {
                return result;
            }
        }
    }

    /// Waits for the next slot at the overall pace. Only the head of the queue waits on the
    /// rate limiter; it is held just until its slot comes, never across the call.
    async fn wait_for_turn(&self, what: &str) -> ResponseResult<()> {
        let _queued = metrics::queued();
        let turn = pin!(async {
            let _turn = self.turn.lock().await;
            self.overall.until_ready().await;
        });
        self.wait_or_give_up(what, turn).await
    }

    /// After a try that ended in `error` (or succeeded): counts it, and answers whether to try
    /// again, having waited as long as that takes.
    async fn try_again(
        &self,
        what: &str,
        tries: &mut Tries,
        error: Option<&RequestError>,
    ) -> ResponseResult<bool> {
        metrics::call(what, outcome(error));
        let wait = match error {
            Some(RequestError::RetryAfter(after)) if after.duration() <= LONGEST_RETRY_AFTER => {
                after.duration()
            }
            Some(e) if is_transient(e) => {
                let wait = tries.backoff;
                tries.backoff *= 2;
                wait
            }
            _ => return Ok(false),
        };
        if tries.attempt >= ATTEMPTS {
            return Ok(false);
        }
        metrics::retry(what);
        tracing::warn!(call = what, attempt = tries.attempt, wait_ms = wait.as_millis() as u64, error = %error.map(ToString::to_string).unwrap_or_default(), "retrying a Telegram call");
        self.wait_or_give_up(what, pin!(tokio::time::sleep(wait)))
            .await?;
        tries.attempt += 1;
        Ok(true)
    }

    /// Waits for `wait`, or answers an error if the bot gives up meanwhile.
    async fn wait_or_give_up(
        &self,
        what: &str,
        wait: Pin<&mut (dyn Future<Output = ()> + Send + '_)>,
    ) -> ResponseResult<()> {
        let mut giving_up = self.giving_up.subscribe();
        tokio::select! {
            () = wait => Ok(()),
            _ = giving_up.wait_for(|&g| g) => {
                self.given_up.fetch_add(1, Ordering::Relaxed);
                metrics::dropped(metrics::Dropped::Shutdown);
                tracing::debug!(call = what, "not sent: the bot is stopping");
                Err(RequestError::Io(std::sync::Arc::new(std::io::Error::other(
                    "not sent: the bot stopped before its turn came",
                ))))
            }
        }
    }
}

/// How a call ended, as [`metrics::CALLS`] counts it.
fn outcome(error: Option<&RequestError>) -> metrics::Outcome {
    use metrics::Outcome;
    match error {
        None => Outcome::Ok,
        Some(RequestError::RetryAfter(_)) => Outcome::TooManyRequests,
        Some(RequestError::Network(_) | RequestError::Io(_)) => Outcome::Network,
        Some(e) if is_transient(e) => Outcome::ServerError,
        Some(_) => Outcome::ClientError,
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
