//! Wall-clock time for the engines, which take the time as an argument rather than read it:
//! now, as a [`Millis`], and a task that runs something at such a time.

use std::future::Future;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use crate::vocab::Millis;

/// Now: the engines' clock.
pub fn now_ms() -> Millis {
    Millis(
        SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.as_millis() as i64),
    )
}

/// Sleeps until `at` (at once if that has passed), then runs `then`, in a task of its own.
pub fn spawn_at(at: Millis, then: impl Future<Output = ()> + Send + 'static) {
    tokio::spawn(async move {
        let wait = (at - now_ms()).max(0) as u64;
        tokio::time::sleep(Duration::from_millis(wait)).await;
        then.await;
    });
}
