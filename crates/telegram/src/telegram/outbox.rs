//! The way out: every Bot API call is made through the [`Outbox`], which paces messages to
//! `[limits] messages_per_second` overall (30), retries after a 429 once `retry_after` has
//! passed (a 429 means it was not delivered, so it is delivered once), and retries with backoff
//! a bounded number of times after a server error, a timeout or a dropped connection. Nothing
//! here ever stops the bot: a call that still fails is logged by its caller.
//!
//! When more messages wait than the pace lets out, who goes first is decided by whom each is
//! for ([`Audience`]): a group's (a class waiting together for the next question) before a
//! private chat's, but never all the turns, so every private chat keeps moving (homework in
//! private chats can ask for several times the pace); within each audience, first come first
//! served. A call that changes nothing anyone waits for goes only when nothing else waits.
//!
//! The retry loop is generic over each call's answer, so it is compiled once per Bot API method
//! the bot uses; everything in it that is not the call itself (waiting for a turn, deciding on
//! a retry, the metrics and the log line, giving up at shutdown) lives in functions that are not
//! generic and are compiled once.

use std::collections::{HashMap, VecDeque};
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
/// While groups' and private chats' messages both wait, groups get at most this many turns in
/// a row, then a private chat gets one: private chats keep at least a quarter of the pace.
const GROUP_TURNS_IN_A_ROW: u32 = 3;
/// A [`Audience::Spare`] call that got no turn within this long is not made: it was for looks
/// only (a poll it would close closes by itself, at its open_period, 10 s at the shortest).
const SPARE_PATIENCE: Duration = Duration::from_secs(10);

/// Whom a message is for: it decides whose turn comes first at the overall pace.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Audience {
    /// A group or channel (a class waiting together), or a message sent through inline mode,
    /// whose chat the bot is not told.
    Group,
    /// One person, in their private chat.
    Person,
    /// Nobody waits for it: stopping a private chat's poll whose one voter has answered, or
    /// whose attempt ended (the next question does not wait for it). It goes only when no
    /// other message waits, and is dropped after [`SPARE_PATIENCE`] without a turn.
    Spare,
}

impl Audience {
    /// The audience of a message to `chat`: private chats have the user's id, positive;
    /// groups and channels negative ids.
    pub fn of(chat: i64) -> Audience {
        if chat > 0 {
            Audience::Person
        } else {
            Audience::Group
        }
    }
}

/// Whose turn comes next among those waiting: groups first, but at most
/// [`GROUP_TURNS_IN_A_ROW`] turns in a row while a private chat waits; spare calls last; first
/// come first served within each audience.
#[derive(Debug)]
struct Queues<T> {
    group: VecDeque<T>,
    person: VecDeque<T>,
    spare: VecDeque<T>,
    groups_in_a_row: u32,
}

impl<T> Default for Queues<T> {
    fn default() -> Self {
        Queues {
            group: VecDeque::new(),
            person: VecDeque::new(),
            spare: VecDeque::new(),
            groups_in_a_row: 0,
        }
    }
}

impl<T> Queues<T> {
    fn push(&mut self, audience: Audience, waiter: T) {
        match audience {
            Audience::Group => self.group.push_back(waiter),
            Audience::Person => self.person.push_back(waiter),
            Audience::Spare => self.spare.push_back(waiter),
        }
    }

    fn is_empty(&self) -> bool {
        self.group.is_empty() && self.person.is_empty() && self.spare.is_empty()
    }

    /// The next to go, taken out of its queue.
    fn pop(&mut self) -> Option<T> {
        let groups_go = !self.group.is_empty()
            && (self.person.is_empty() || self.groups_in_a_row < GROUP_TURNS_IN_A_ROW);
        if groups_go {
            self.groups_in_a_row += 1;
            return self.group.pop_front();
        }
        self.groups_in_a_row = 0;
        self.person.pop_front().or_else(|| self.spare.pop_front())
    }
}

/// The turn at the overall pace: one send holds it at a time, only while it waits for its
/// slot from the rate limiter (never across the call), then passes it to the next in
/// [`Queues`]' order. Without turns every waiting send would wake at each free slot and all
/// but one go back to sleep: with a backlog of thousands (a burst at 30 messages a second)
/// that cost about ten times the CPU of the sends.
#[derive(Debug, Default)]
struct Turns {
    state: std::sync::Mutex<TurnState>,
}

#[derive(Debug, Default)]
struct TurnState {
    held: bool,
    waiting: Queues<tokio::sync::oneshot::Sender<()>>,
}

/// Holding the turn; passes it on when dropped.
struct Turn<'a> {
    turns: &'a Turns,
}

impl Drop for Turn<'_> {
    fn drop(&mut self) {
        self.turns.pass();
    }
}

/// Waiting for the turn. Dropped (the send gave up) once the turn was passed to it, it passes
/// the turn on, so that a send that gives up never keeps the others waiting.
struct Waiting<'a> {
    turns: &'a Turns,
    given: Option<tokio::sync::oneshot::Receiver<()>>,
}

impl Drop for Waiting<'_> {
    fn drop(&mut self) {
        if let Some(mut given) = self.given.take() {
            given.close();
            if given.try_recv().is_ok() {
                self.turns.pass();
            }
        }
    }
}

impl Turns {
    fn lock(&self) -> std::sync::MutexGuard<'_, TurnState> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Waits for the turn of a send for `audience`.
    async fn take(&self, audience: Audience) -> Turn<'_> {
        let given = {
            let mut state = self.lock();
            if !state.held && state.waiting.is_empty() {
                state.held = true;
                return Turn { turns: self };
            }
            let (give, given) = tokio::sync::oneshot::channel();
            state.waiting.push(audience, give);
            given
        };
        let mut waiting = Waiting {
            turns: self,
            given: Some(given),
        };
        if let Some(given) = waiting.given.as_mut() {
            // Only the holder passes the turn, and it never drops a sender unsent.
            let _ = given.await;
        }
        waiting.given = None;
        Turn { turns: self }
    }

    /// Passes the turn to the next send still waiting, or frees it.
    fn pass(&self) {
        let mut state = self.lock();
        while let Some(next) = state.waiting.pop() {
            if next.send(()).is_ok() {
                return;
            }
        }
        state.held = false;
    }
}

/// The way out: per-chat budgets and the overall pace.
#[derive(Debug)]
pub struct Outbox {
    pub limits: Limits,
    overall: DefaultDirectRateLimiter,
    /// Turns at the overall pace, in the order [`Queues`] keeps.
    turns: Turns,
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
            turns: Turns::default(),
            shown: std::sync::Mutex::new(HashMap::new()),
            giving_up: tokio::sync::watch::Sender::new(false),
            given_up: AtomicU64::new(0),
        }
    }

    /// Makes `call` (which builds and sends one message for `audience`) within the overall
    /// pace, in its audience's turn, retrying as described above.
    pub async fn deliver<T, F, Fut>(
        &self,
        what: &str,
        audience: Audience,
        call: F,
    ) -> ResponseResult<T>
    where
        F: FnMut() -> Fut,
        Fut: Future<Output = ResponseResult<T>>,
    {
        self.deliver_paced(what, Some(audience), call).await
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
        self.deliver_paced(what, None, call).await
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

    /// The retry loop, the one part that knows the call's answer type. `paced`: the audience
    /// of a message; `None` for a call that is no message.
    async fn deliver_paced<T, F, Fut>(
        &self,
        what: &str,
        paced: Option<Audience>,
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
            if let Some(audience) = paced {
                self.wait_for_turn(what, audience).await?;
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

    /// Waits for the next slot at the overall pace, in `audience`'s turn. Only the holder of
    /// the turn waits on the rate limiter; it holds the turn just until its slot comes, never
    /// across the call. A spare call that gets no turn within [`SPARE_PATIENCE`] is not made.
    async fn wait_for_turn(&self, what: &str, audience: Audience) -> ResponseResult<()> {
        let _queued = metrics::queued();
        let late = std::sync::atomic::AtomicBool::new(false);
        {
            let turn = pin!(async {
                let turn = self.turns.take(audience);
                let _turn = if audience == Audience::Spare {
                    match tokio::time::timeout(SPARE_PATIENCE, turn).await {
                        Ok(turn) => turn,
                        Err(_) => {
                            late.store(true, Ordering::Relaxed);
                            return;
                        }
                    }
                } else {
                    turn.await
                };
                self.overall.until_ready().await;
            });
            self.wait_or_give_up(what, turn).await?;
        }
        if late.load(Ordering::Relaxed) {
            tracing::debug!(call = what, "not sent: no spare turn in time");
            return Err(RequestError::Io(std::sync::Arc::new(
                std::io::Error::other("not sent: no spare turn in time"),
            )));
        }
        Ok(())
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
            .deliver("test", Audience::Person, || async {
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
            .deliver("test", Audience::Group, || async {
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
                    .deliver("test", Audience::Person, || async {
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
            .deliver("test", Audience::Group, || async {
                calls.fetch_add(1, Ordering::SeqCst);
                Err(RequestError::Api(ApiError::BotBlocked))
            })
            .await;
        assert!(result.is_err());
        assert_eq!(calls.load(Ordering::SeqCst), 1);
    }

    #[test]
    fn groups_go_first_but_never_take_every_turn_from_private_chats() {
        let mut queues = Queues::default();
        for p in ["p1", "p2", "p3"] {
            queues.push(Audience::Person, p);
        }
        queues.push(Audience::Spare, "s1");
        for g in ["g1", "g2", "g3", "g4", "g5"] {
            queues.push(Audience::Group, g);
        }
        let order: Vec<&str> = std::iter::from_fn(|| queues.pop()).collect();
        assert_eq!(
            order,
            ["g1", "g2", "g3", "p1", "g4", "g5", "p2", "p3", "s1"],
            "three group turns, then a private chat's; spare calls when nothing else waits"
        );
        // Alone, either audience takes every turn.
        for g in ["g1", "g2", "g3", "g4"] {
            queues.push(Audience::Group, g);
        }
        assert_eq!(std::iter::from_fn(|| queues.pop()).count(), 4);
    }

    #[tokio::test]
    async fn a_group_message_overtakes_private_ones_that_queued_first() {
        // 50 a second: the limiter's burst of 50 is spent first, so the rest queue for turns.
        let outbox = Outbox::new(LimitSettings {
            messages_per_second: 50,
            ..LimitSettings::default()
        });
        for _ in 0..50 {
            outbox
                .deliver("burst", Audience::Person, || async { Ok(()) })
                .await
                .unwrap();
        }
        let order = std::sync::Mutex::new(Vec::new());
        let send = |name: String, audience: Audience| {
            let (outbox, order) = (&outbox, &order);
            async move {
                outbox
                    .deliver("test", audience, || async {
                        order.lock().unwrap().push(name.clone());
                        Ok(())
                    })
                    .await
            }
        };
        let private = (0..6).map(|i| send(format!("p{i}"), Audience::Person));
        let groups = (0..4).map(|i| send(format!("g{i}"), Audience::Group));
        let sends: Vec<_> = private.chain(groups).collect();
        let results = futures::future::join_all(sends).await;
        assert!(results.iter().all(Result::is_ok));
        // p0 took the free turn; then groups three in a row, one private, the last group.
        assert_eq!(
            *order.lock().unwrap(),
            ["p0", "g0", "g1", "g2", "p1", "g3", "p2", "p3", "p4", "p5"]
        );
    }

    #[tokio::test(start_paused = true)]
    async fn a_spare_call_waits_behind_every_message_and_gives_up_in_time() {
        let outbox = outbox();
        let holder = outbox.turns.take(Audience::Person).await;
        let started = tokio::time::Instant::now();
        let spare = outbox.wait_for_turn("stopPoll", Audience::Spare).await;
        assert!(spare.is_err(), "no turn came: not sent");
        assert!(started.elapsed() >= SPARE_PATIENCE);
        drop(holder);
        // With nothing waiting, a spare call goes at once.
        outbox
            .wait_for_turn("stopPoll", Audience::Spare)
            .await
            .unwrap();
    }

    #[tokio::test]
    async fn a_send_that_gives_up_after_being_passed_the_turn_passes_it_on() {
        let turns = Turns::default();
        let holder = turns.take(Audience::Person).await;
        let mut quitter = Box::pin(turns.take(Audience::Person));
        assert!(futures::poll!(quitter.as_mut()).is_pending(), "queued");
        let mut next = Box::pin(turns.take(Audience::Person));
        assert!(
            futures::poll!(next.as_mut()).is_pending(),
            "queued behind it"
        );
        // The holder passes the turn to the quitter, which gives up before it is polled again.
        drop(holder);
        drop(quitter);
        let turn = tokio::time::timeout(Duration::from_secs(5), next).await;
        assert!(turn.is_ok(), "the turn reached the next send");
    }
}
