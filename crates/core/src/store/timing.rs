//! How long each write takes, measured here and reported to whoever listens: the metrics,
//! when they are on ([`report_writes_to`], called by `metrics::install`). The store names
//! nothing above it; with no listener a write measures nothing.

use std::sync::OnceLock;
use std::time::Instant;

/// The store's writes, by the name each is reported under.
pub const WRITES: &[&str] = &[
    "answers",
    "vote",
    "create_quiz",
    "quiz_poll_sent",
    "advance_quiz",
    "create_debate",
    "debate_poll_sent",
    "open_second_vote",
    "close_debate",
    "report_debate",
    "migrate_chat",
    "forget",
    "chat_settings",
];

/// Told each write's name and how long it took, in seconds.
pub type Listener = fn(&'static str, f64);

static LISTENER: OnceLock<Listener> = OnceLock::new();

/// Reports the time of every write to `listener` from now on (once per process: a later call
/// changes nothing).
pub fn report_writes_to(listener: Listener) {
    let _ = LISTENER.set(listener);
}

/// Times the write `op` (one of [`WRITES`]) until the guard is dropped.
pub(super) fn write(op: &'static str) -> Write {
    Write(
        LISTENER
            .get()
            .map(|&listener| (op, Instant::now(), listener)),
    )
}

/// See [`write`].
#[must_use]
pub(super) struct Write(Option<(&'static str, Instant, Listener)>);

impl Drop for Write {
    fn drop(&mut self) {
        if let Some((op, started, listener)) = self.0 {
            listener(op, started.elapsed().as_secs_f64());
        }
    }
}
