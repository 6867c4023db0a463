//! Prometheus metrics for the people who run the bot: every metric's name, type, labels and
//! meaning is in this file, and nowhere else. `[metrics] listen` (off by default;
//! `DEBATE_BOT_METRICS_LISTEN`) serves them as Prometheus text on `GET /metrics`.
//!
//! Recording goes through the `metrics` facade, whose recorder is global to the process; so
//! are the handles kept here. Until [`install`] has run every recording function below is a
//! no-op that costs one atomic load, so a bot with metrics off pays nothing, and the core never
//! records anything: the Telegram adapter and the store call these functions.
//!
//! Label values come from fixed sets only ([`UPDATE_KINDS`], [`METHODS`], [`OUTCOMES`], ...;
//! command names are the built-in ones and the corpus' topic commands, known at start): a value
//! outside its set is counted as `other`, so no chat id, user id or user's text ever becomes a
//! label and the number of series stays bounded. Every series is registered at start with 0,
//! so `rate()` works from the first scrape.
//!
//! `/metrics` is served with axum (already used for the webhook) from
//! [`metrics_exporter_prometheus::PrometheusHandle::render`], rather than by the exporter's own hyper listener: no second
//! HTTP server stack in the binary, and the same router answers `GET /healthz` for the
//! container's health check. The histograms' samples are folded into their buckets by an
//! upkeep task every 5 s, so memory stays flat however long nobody scrapes. The recorder, the
//! registered series and the `/metrics` server are in `exporter.rs`.

use std::time::{Duration, Instant};

use metrics::Unit;

use crate::store::{Recorded, Refusal};
use crate::vocab::Poll;

mod exporter;

use exporter::handles;
pub use exporter::{install, serve};

/// Whether metrics are on in this process.
pub fn enabled() -> bool {
    handles().is_some()
}

// ---- names --------------------------------------------------------------------------------

/// Updates that reached the bot, by `kind` ([`UPDATE_KINDS`]).
pub const UPDATES: &str = "debate_bot_updates_total";
/// Messages handled, by `command`: a built-in or topic command's name, `text` (a search by
/// plain text in a private chat), `unknown` (a command the bot does not have, in a private
/// chat), `stale` (a /quiz or /debate that waited too long while the bot was down),
/// `slow_down` (answered with the slow-down notice), `other`.
pub const COMMANDS: &str = "debate_bot_commands_total";
/// Bot API calls made to deliver replies, every try counted, by `method` ([`METHODS`]) and
/// `outcome` ([`OUTCOMES`]).
pub const CALLS: &str = "debate_bot_telegram_calls_total";
/// Tries made again after a 429, a 5xx or a network error, by `method`.
pub const RETRIES: &str = "debate_bot_telegram_retries_total";
/// Replies not made, by `reason`: `chat_limit` (a command beyond the chat's budget, dropped or
/// answered with the slow-down notice; an edit for a button press over the budget), `shutdown`
/// (still queued when the bot stopped).
pub const DROPPED: &str = "debate_bot_replies_dropped_total";
/// Messages waiting for their turn at the overall pace (`[limits] messages_per_second`).
pub const SEND_QUEUE: &str = "debate_bot_send_queue_depth";
/// From a handler taking an update to its end (core, storage, replies), by `update`.
pub const HANDLER_SECONDS: &str = "debate_bot_handler_seconds";
/// From an update reaching the bot (waiting behind the chat's earlier updates included) to its
/// answer accepted by Telegram, by `update`: a message's reply (for a quiz or debate command,
/// its messages and polls sent), a button press's or inline query's answer.
pub const UPDATE_TO_REPLY_SECONDS: &str = "debate_bot_update_to_reply_seconds";
/// Quizzes running now (read from the database at each scrape).
pub const QUIZZES_RUNNING: &str = "debate_bot_quizzes_running";
/// Debates whose vote is open now (read from the database at each scrape).
pub const DEBATES_RUNNING: &str = "debate_bot_debates_running";
/// Poll answers that count: quiz answers and debate votes (a changed or retracted vote
/// included), by `poll` (`quiz`, `debate`).
pub const ANSWERS_RECORDED: &str = "debate_bot_answers_recorded_total";
/// Poll answers that do not count, by `reason` ([`REFUSALS`]).
pub const ANSWERS_REFUSED: &str = "debate_bot_answers_refused_total";
/// How long each SQLite write took (its transaction committed), by `op` ([`WRITES`]).
pub const SQLITE_WRITE_SECONDS: &str = "debate_bot_sqlite_write_seconds";

// ---- label values -------------------------------------------------------------------------

/// `kind` of [`UPDATES`]: the kinds the bot asks Telegram for, and `other`.
pub const UPDATE_KINDS: &[&str] = &[
    "message",
    "callback_query",
    "inline_query",
    "poll_answer",
    "my_chat_member",
    "other",
];
/// `update` of the latency histograms.
pub const HANDLED_KINDS: &[&str] = &["message", "callback_query", "inline_query", "poll_answer"];
/// `method` of [`CALLS`] and [`RETRIES`]: the Bot API methods replies use, and `other`.
pub const METHODS: &[&str] = &[
    "sendMessage",
    "editMessageText",
    "answerCallbackQuery",
    "answerInlineQuery",
    "sendPoll",
    "stopPoll",
    "sendDocument",
    "other",
];
/// `outcome` of [`CALLS`].
pub const OUTCOMES: &[&str] = &["ok", "4xx", "429", "5xx", "network"];
/// `reason` of [`DROPPED`].
pub const DROP_REASONS: &[&str] = &["chat_limit", "shutdown"];
/// `poll` of [`ANSWERS_RECORDED`].
pub const POLLS: &[&str] = &["quiz", "debate"];
/// `reason` of [`ANSWERS_REFUSED`]: `closed` (the poll was stopped or the vote closed before
/// the answer came), `repeated` (a second answer to a quiz question), `invalid` (no option a
/// poll allows, such as a retracted quiz answer), `anonymous` (a voter that is no user, such
/// as a channel), `unknown_poll` (no quiz or debate of the bot's), `store_failed` (the
/// database could not store it).
pub const REFUSALS: &[&str] = &[
    "closed",
    "repeated",
    "invalid",
    "anonymous",
    "unknown_poll",
    "store_failed",
];
/// `op` of [`SQLITE_WRITE_SECONDS`]: the store's writes.
pub use crate::store::WRITES;
/// Command names that are no command the user typed, as [`COMMANDS`] counts them.
pub const OTHER_ANSWERS: &[&str] = &["text", "unknown", "stale", "slow_down"];

/// Buckets of the handler and reply histograms (seconds): a millisecond or less for most
/// commands, up to a minute for a reply that waited out a 429.
const LATENCY_BUCKETS: &[f64] = &[
    0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0,
    60.0,
];
/// Buckets of [`SQLITE_WRITE_SECONDS`]: a commit with `synchronous=FULL` is an fsync.
const WRITE_BUCKETS: &[f64] = &[
    0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 5.0,
];

/// The outcome of one Bot API call, as [`CALLS`] counts it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    Ok,
    /// Refused by Telegram (bad request, forbidden, not found, a group upgraded, ...).
    ClientError,
    /// 429 Too Many Requests.
    TooManyRequests,
    /// Telegram's side failed (a 5xx, or an answer that is no Bot API answer).
    ServerError,
    /// No answer: the connection failed, was dropped, or timed out.
    Network,
}

impl Outcome {
    fn label(self) -> &'static str {
        match self {
            Outcome::Ok => "ok",
            Outcome::ClientError => "4xx",
            Outcome::TooManyRequests => "429",
            Outcome::ServerError => "5xx",
            Outcome::Network => "network",
        }
    }
}

/// Why a reply was not made, as [`DROPPED`] counts it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dropped {
    ChatLimit,
    Shutdown,
}

/// The `# HELP` lines, registered by [`install`].
fn describe() {
    use metrics::{describe_counter, describe_gauge, describe_histogram};
    describe_counter!(
        UPDATES,
        Unit::Count,
        "Updates that reached the bot, by kind."
    );
    describe_counter!(
        COMMANDS,
        Unit::Count,
        "Messages handled, by command (built-in and topic commands; text, unknown, stale, slow_down, other)."
    );
    describe_counter!(
        CALLS,
        Unit::Count,
        "Bot API calls made to deliver replies, every try counted, by method and outcome (ok, 4xx, 429, 5xx, network)."
    );
    describe_counter!(
        RETRIES,
        Unit::Count,
        "Bot API calls tried again after a 429, a 5xx or a network error, by method."
    );
    describe_counter!(
        DROPPED,
        Unit::Count,
        "Replies not made, by reason (chat_limit: beyond the chat's budget; shutdown: still queued at stop)."
    );
    describe_gauge!(
        SEND_QUEUE,
        Unit::Count,
        "Messages waiting for their turn at the overall pace ([limits] messages_per_second)."
    );
    describe_histogram!(
        HANDLER_SECONDS,
        Unit::Seconds,
        "Time from a handler taking an update to its end, by update kind."
    );
    describe_histogram!(
        UPDATE_TO_REPLY_SECONDS,
        Unit::Seconds,
        "Time from an update reaching the bot to its answer accepted by Telegram, by update kind."
    );
    describe_gauge!(QUIZZES_RUNNING, Unit::Count, "Quizzes running now.");
    describe_gauge!(
        DEBATES_RUNNING,
        Unit::Count,
        "Debates whose vote is open now."
    );
    describe_counter!(
        ANSWERS_RECORDED,
        Unit::Count,
        "Poll answers that count (quiz answers, debate votes), by poll."
    );
    describe_counter!(
        ANSWERS_REFUSED,
        Unit::Count,
        "Poll answers that do not count, by reason (closed, repeated, invalid, anonymous, unknown_poll, store_failed)."
    );
    describe_histogram!(
        SQLITE_WRITE_SECONDS,
        Unit::Seconds,
        "Time of each SQLite write, its commit included, by operation."
    );
}

// ---- recording ----------------------------------------------------------------------------

/// An update reached the bot.
pub fn update(kind: &str) {
    if let Some(h) = handles() {
        h.updates.get(kind).increment(1);
    }
}

/// A message was handled as `command` (see [`COMMANDS`]); a name the bot does not know counts
/// as `other`.
pub fn command(name: &str) {
    if let Some(h) = handles() {
        h.commands
            .get(name)
            .unwrap_or(&h.other_command)
            .increment(1);
    }
}

/// One try of a Bot API call made to deliver a reply.
pub fn call(method: &str, outcome: Outcome) {
    if let Some(h) = handles() {
        let method = METHODS
            .iter()
            .find(|&&m| m == method)
            .copied()
            .unwrap_or("other");
        if let Some(counter) = h.calls.get(&(method, outcome.label())) {
            counter.increment(1);
        }
    }
}

/// A call is tried again.
pub fn retry(method: &str) {
    if let Some(h) = handles() {
        h.retries.get(method).increment(1);
    }
}

/// A reply was not made.
pub fn dropped(why: Dropped) {
    if let Some(h) = handles() {
        let reason = match why {
            Dropped::ChatLimit => "chat_limit",
            Dropped::Shutdown => "shutdown",
        };
        h.dropped.get(reason).increment(1);
    }
}

/// A message waits for its turn at the overall pace until the guard is dropped.
pub fn queued() -> Queued {
    let on = match handles() {
        Some(h) => {
            h.send_queue.increment(1.0);
            true
        }
        None => false,
    };
    Queued(on)
}

/// See [`queued`].
#[must_use]
pub struct Queued(bool);

impl Drop for Queued {
    fn drop(&mut self) {
        if let (true, Some(h)) = (self.0, handles()) {
            h.send_queue.decrement(1.0);
        }
    }
}

/// A handler for an update of `kind` ([`HANDLED_KINDS`]) took `took`.
pub fn handled(kind: &str, took: Duration) {
    if let Some(h) = handles() {
        h.handler.get(kind).record(took.as_secs_f64());
    }
}

/// The answer to an update of `kind` that reached the bot at `arrived` was accepted.
pub fn replied(kind: &str, arrived: Instant) {
    if let Some(h) = handles() {
        h.to_reply.get(kind).record(arrived.elapsed().as_secs_f64());
    }
}

/// What became of a poll answer (`poll`: whose poll it was, when known); `None`: it could not
/// be stored.
pub fn answer(poll: Option<Poll>, recorded: Option<Recorded>) {
    let Some(h) = handles() else { return };
    let reason = match recorded {
        Some(Recorded::Counted) => {
            let poll = match poll {
                Some(Poll::Debate) => "debate",
                _ => "quiz",
            };
            h.recorded.get(poll).increment(1);
            return;
        }
        Some(Recorded::Refused(Refusal::Closed)) => "closed",
        Some(Recorded::Refused(Refusal::Repeated)) => "repeated",
        Some(Recorded::Refused(Refusal::Invalid)) => "invalid",
        Some(Recorded::Refused(Refusal::Anonymous)) => "anonymous",
        Some(Recorded::UnknownPoll) => "unknown_poll",
        None => "store_failed",
    };
    h.refused.get(reason).increment(1);
}

/// Records one SQLite write's time: the store reports each to this once metrics are
/// installed.
fn write(op: &'static str, seconds: f64) {
    if let Some(h) = handles() {
        h.writes.get(op).record(seconds);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_follow_prometheus_conventions() {
        let counters = [
            UPDATES,
            COMMANDS,
            CALLS,
            RETRIES,
            DROPPED,
            ANSWERS_RECORDED,
            ANSWERS_REFUSED,
        ];
        for name in counters {
            assert!(
                name.starts_with("debate_bot_") && name.ends_with("_total"),
                "{name}"
            );
        }
        for name in [
            HANDLER_SECONDS,
            UPDATE_TO_REPLY_SECONDS,
            SQLITE_WRITE_SECONDS,
        ] {
            assert!(name.ends_with("_seconds"), "{name}");
        }
        for name in [SEND_QUEUE, QUIZZES_RUNNING, DEBATES_RUNNING] {
            assert!(
                name.starts_with("debate_bot_") && !name.ends_with("_total"),
                "{name}"
            );
        }
        for buckets in [LATENCY_BUCKETS, WRITE_BUCKETS] {
            assert!(buckets.windows(2).all(|w| w[0] < w[1]));
        }
    }
}
