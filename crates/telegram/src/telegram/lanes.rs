//! Work that never holds up the dispatch, and never takes the bot down.
//!
//! `telegram::run` hands every update to the handlers as it comes, one after another
//! (`handlers::Handlers::dispatch`). A handler that waited there (a reply waiting out a 429's
//! `retry_after`, a quiz message waiting for room in the group's minute) would hold up every
//! chat; one that spawned its work instead could be overtaken by its chat's next message. So
//! a handler queues its work in the chat's [`Lanes`] lane and returns at once; the lane runs
//! the chat's work in the order the chat asked, on a task of its own, while other chats'
//! lanes go on. A lane ends when it has nothing left to deliver.
//!
//! A panic in any of this work is caught and logged ([`run_catching`], and [`caught`] for the
//! handlers' own part).

use std::collections::HashMap;
use std::future::Future;
use std::panic::AssertUnwindSafe;
use std::pin::Pin;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};

use futures::FutureExt;
use tokio::sync::{Notify, mpsc};

type Job = Work<'static>;

/// One delivery lane per chat with work waiting; see the module's documentation.
#[derive(Clone, Default)]
pub struct Lanes {
    shared: Arc<Shared>,
}

#[derive(Default)]
struct Shared {
    /// The lanes open now, by chat id. A job is queued only under this lock, and a lane ends
    /// only under it once its queue is empty, so no job is queued to a lane that has ended.
    open: Mutex<HashMap<i64, mpsc::UnboundedSender<Job>>>,
    /// Woken whenever a lane ends.
    ended: Notify,
    /// Jobs queued and not yet finished.
    pending: AtomicU64,
}

impl Shared {
    fn open(&self) -> MutexGuard<'_, HashMap<i64, mpsc::UnboundedSender<Job>>> {
        self.open.lock().unwrap_or_else(|e| e.into_inner())
    }
}

impl Lanes {
    /// Queues `work` in `chat`'s lane: it runs after the work queued there before it, and
    /// alongside other chats' lanes.
    pub fn queue(&self, chat: i64, work: impl Future<Output = ()> + Send + 'static) {
        let shared = &self.shared;
        shared.pending.fetch_add(1, Ordering::Relaxed);
        let mut open = shared.open();
        let job: Job = Box::pin(work);
        // No lane, or (it cannot happen: jobs are guarded) its task died: open one.
        let job = match open.get(&chat) {
            Some(lane) => match lane.send(job) {
                Ok(()) => return,
                Err(mpsc::error::SendError(job)) => job,
            },
            None => job,
        };
        let (lane, jobs) = mpsc::unbounded_channel();
        lane.send(job).expect("the receiver is held right here");
        open.insert(chat, lane);
        drop(open);
        tokio::spawn(deliver(chat, jobs, Arc::clone(shared)));
    }

    /// Jobs queued and not finished yet.
    pub fn pending(&self) -> u64 {
        self.shared.pending.load(Ordering::Relaxed)
    }

    /// Waits until every lane has delivered all it was given.
    pub async fn idle(&self) {
        loop {
            let ended = self.shared.ended.notified();
            let mut ended = std::pin::pin!(ended);
            ended.as_mut().enable();
            if self.shared.open().is_empty() {
                return;
            }
            ended.await;
        }
    }
}

/// A lane's task: runs the chat's jobs in order until none is left, then ends.
async fn deliver(chat: i64, mut jobs: mpsc::UnboundedReceiver<Job>, shared: Arc<Shared>) {
    loop {
        let job = match jobs.try_recv() {
            Ok(job) => job,
            Err(_) => {
                let mut open = shared.open();
                match jobs.try_recv() {
                    Ok(job) => job,
                    Err(_) => {
                        open.remove(&chat);
                        drop(open);
                        shared.ended.notify_waiters();
                        return;
                    }
                }
            }
        };
        run_catching("delivery", job).await;
        shared.pending.fetch_sub(1, Ordering::Relaxed);
    }
}

/// Runs `work` on a task of its own; a panic is logged.
pub fn spawn(what: &'static str, work: impl Future<Output = ()> + Send + 'static) {
    let work: Job = Box::pin(work);
    tokio::spawn(async move {
        run_catching(what, work).await;
    });
}

/// Work of any kind, boxed: [`run_catching`] is compiled once, not once per kind of work it
/// guards.
pub type Work<'a> = Pin<Box<dyn Future<Output = ()> + Send + 'a>>;

/// Runs `work` to its end, catching a panic (logged); answers whether it panicked.
pub async fn run_catching(what: &'static str, work: Work<'_>) -> bool {
    let Err(panic) = AssertUnwindSafe(work).catch_unwind().await else {
        return false;
    };
    log_panic(what, &*panic);
    true
}

/// Runs `work`, which does not wait; a panic is logged.
pub fn caught(what: &'static str, work: impl FnOnce()) {
    if let Err(panic) = std::panic::catch_unwind(AssertUnwindSafe(work)) {
        log_panic(what, &*panic);
    }
}

/// Logs a panic caught in `what`, with its message.
fn log_panic(what: &'static str, panic: &(dyn std::any::Any + Send)) {
    let message = panic
        .downcast_ref::<&str>()
        .map(ToString::to_string)
        .or_else(|| panic.downcast_ref::<String>().cloned())
        .unwrap_or_default();
    tracing::error!(handler = what, panic = %message, "a handler panicked; the bot carries on");
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[tokio::test]
    async fn a_chats_work_runs_in_order_and_a_held_chat_holds_no_other() {
        let lanes = Lanes::default();
        let done = Arc::new(Mutex::new(Vec::new()));
        let (release, held) = tokio::sync::oneshot::channel::<()>();
        let log = Arc::clone(&done);
        lanes.queue(1, async move {
            let _ = held.await;
            log.lock().unwrap().push("1a");
        });
        for (chat, name) in [(1, "1b"), (2, "2a"), (2, "2b")] {
            let log = Arc::clone(&done);
            lanes.queue(chat, async move { log.lock().unwrap().push(name) });
        }
        // Chat 2 is delivered while chat 1 is held.
        tokio::time::timeout(Duration::from_secs(5), async {
            while done.lock().unwrap().len() < 2 {
                tokio::task::yield_now().await;
            }
        })
        .await
        .expect("chat 2's work ran");
        assert_eq!(*done.lock().unwrap(), ["2a", "2b"]);
        assert_eq!(lanes.pending(), 2);
        release.send(()).unwrap();
        tokio::time::timeout(Duration::from_secs(5), lanes.idle())
            .await
            .expect("every lane ends");
        assert_eq!(*done.lock().unwrap(), ["2a", "2b", "1a", "1b"]);
        assert_eq!(lanes.pending(), 0);
    }

    #[tokio::test]
    async fn a_panicking_job_ends_neither_its_lane_nor_the_jobs_after_it() {
        let lanes = Lanes::default();
        let done = Arc::new(Mutex::new(Vec::new()));
        lanes.queue(7, async { panic!("a bug") });
        let log = Arc::clone(&done);
        lanes.queue(7, async move { log.lock().unwrap().push("after") });
        tokio::time::timeout(Duration::from_secs(5), lanes.idle())
            .await
            .expect("the lane ends");
        assert_eq!(*done.lock().unwrap(), ["after"]);
        // A lane opens again for new work.
        let log = Arc::clone(&done);
        lanes.queue(7, async move { log.lock().unwrap().push("again") });
        tokio::time::timeout(Duration::from_secs(5), lanes.idle())
            .await
            .expect("the lane ends");
        assert_eq!(*done.lock().unwrap(), ["after", "again"]);
    }
}
