//! Poll answers: an answer in a quiz, or a vote in a debate, stored by the core; one that
//! arrives before its poll is stored waits for it. Each voter's answers are stored in the order
//! Telegram sent them ([`InOrder`]): a vote changed at once (for, then against) ends as the
//! voter left it, whatever order the two would have finished in.

use std::collections::HashMap;
use std::sync::{Mutex, PoisonError};
use std::time::{Duration, Instant};

use tokio::sync::oneshot;

use teloxide::prelude::*;

use super::effects::Interpreter;
use super::users::voter;
use crate::core::{Handled, Input, Unlimited};
use crate::metrics;
use crate::store::Recorded;

/// Each voter's answers, one after another in the order they came: a voter's answer waits
/// until the one before it is done. Only voters with an answer in hand are kept.
#[derive(Default)]
pub(super) struct InOrder {
    /// Per voter: the number of their last answer taken, and its end.
    last: Mutex<HashMap<i64, (u64, oneshot::Receiver<()>)>>,
    taken: std::sync::atomic::AtomicU64,
}

/// An answer's place in its voter's line: wait for the one before, then say when done.
pub(super) struct Turn {
    voter: i64,
    number: u64,
    before: Option<oneshot::Receiver<()>>,
    done: oneshot::Sender<()>,
    /// When the answer arrived: its time as stored, and where its wait for an unknown poll
    /// starts (an answer waiting its turn keeps them).
    arrived: (tokio::time::Instant, crate::vocab::Millis),
}

impl InOrder {
    /// The next turn of `voter`, taken when the update is dispatched (so in Telegram's order).
    pub(super) fn take(&self, voter: i64) -> Turn {
        let number = self
            .taken
            .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let (done, end) = oneshot::channel();
        let before = self
            .last
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .insert(voter, (number, end))
            .map(|(_, end)| end);
        Turn {
            voter,
            number,
            before,
            done,
            arrived: (tokio::time::Instant::now(), crate::clock::now_ms()),
        }
    }

    /// `turn` is done: the next answer of its voter may go; a voter with none waiting is
    /// forgotten.
    fn done(&self, turn: Turn) {
        let mut last = self.last.lock().unwrap_or_else(PoisonError::into_inner);
        if last
            .get(&turn.voter)
            .is_some_and(|(n, _)| *n == turn.number)
        {
            last.remove(&turn.voter);
        }
        let _ = turn.done.send(());
    }

    /// How many voters have an answer in hand.
    #[cfg(test)]
    fn voters(&self) -> usize {
        self.last
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .len()
    }
}

/// The voter an update's answer is from: a user, or a chat voting as itself.
pub(super) fn voter_id(answer: &PollAnswer) -> i64 {
    voter(&answer.voter).0.id
}

pub(super) async fn on_poll_answer(answer: PollAnswer, interpreter: Interpreter, mut turn: Turn) {
    // The voter's answer before this one is stored first (an answer that ended without
    // saying so, a panic, drops its sender: this one goes on all the same).
    if let Some(before) = turn.before.take() {
        let _ = before.await;
    }
    on_answer(answer, &interpreter, turn.arrived).await;
    interpreter.answers_in_order.done(turn);
}

async fn on_answer(
    answer: PollAnswer,
    interpreter: &Interpreter,
    arrived: (tokio::time::Instant, crate::vocab::Millis),
) {
    let started = Instant::now();
    let handled = record(&answer, interpreter, arrived).await;
    match handled.recorded {
        Some((poll, recorded)) => {
            metrics::answer(poll, Some(recorded));
            tracing::info!(
                recorded = ?recorded,
                ms = started.elapsed().as_secs_f64() * 1000.0,
                "poll answer handled"
            )
        }
        // Not stored: logged by the core.
        None => metrics::answer(None, None),
    }
    interpreter.carry_out(handled.effects).await;
    metrics::handled("poll_answer", started.elapsed());
}

/// Stores a poll answer as a quiz answer or a debate vote, whichever poll it is. An answer
/// for a poll not known yet (it can arrive while the poll's id is being stored, which on a
/// busy machine or a slow disk takes more than a moment) is tried again each time a poll is
/// stored, for up to [`UNKNOWN_POLL_WAIT`]; it keeps the time it arrived, so its timing and
/// points are as if stored at once.
async fn record(
    answer: &PollAnswer,
    interpreter: &Interpreter,
    (arrived, now): (tokio::time::Instant, crate::vocab::Millis),
) -> Handled {
    let (from, shared_identity) = voter(&answer.voter);
    let deadline = arrived + UNKNOWN_POLL_WAIT;
    loop {
        // Listening before looking: a poll stored in between still wakes this.
        let stored = interpreter.polls_stored.notified();
        let mut stored = std::pin::pin!(stored);
        stored.as_mut().enable();
        let input = Input::PollAnswer {
            poll_id: &answer.poll_id.0,
            from: &from,
            shared_identity,
            option_ids: &answer.option_ids,
            now,
        };
        let handled = interpreter.core.handle(input, &Unlimited).await;
        let unknown = matches!(handled.recorded, Some((_, Recorded::UnknownPoll)));
        if !unknown || tokio::time::timeout_at(deadline, stored).await.is_err() {
            return handled;
        }
    }
}

/// How long an answer for an unknown poll waits for it to be stored. A stop waits for the
/// answers being handled, so this also bounds how long an answer to a poll the bot never sent
/// can hold one up (`[telegram] shutdown_seconds` is 8 by default).
const UNKNOWN_POLL_WAIT: Duration = Duration::from_secs(4);

#[cfg(test)]
mod tests {
    use super::*;

    /// Turns taken in order end in order, whichever is polled first; a voter with nothing in
    /// hand is forgotten.
    #[tokio::test]
    async fn a_voters_answers_go_in_the_order_taken() {
        let order = std::sync::Arc::new(InOrder::default());
        let first = order.take(7);
        let second = order.take(7);
        let other = order.take(8);
        assert!(first.before.is_none() && other.before.is_none());
        let ran = std::sync::Arc::new(Mutex::new(Vec::new()));
        let run = |mut turn: Turn, name: &'static str| {
            let (order, ran) = (std::sync::Arc::clone(&order), std::sync::Arc::clone(&ran));
            async move {
                if let Some(before) = turn.before.take() {
                    let _ = before.await;
                }
                ran.lock().unwrap().push(name);
                order.done(turn);
            }
        };
        let later = tokio::spawn(run(second, "second"));
        tokio::task::yield_now().await;
        assert!(
            ran.lock().unwrap().is_empty(),
            "the second waits for the first"
        );
        run(other, "other").await;
        run(first, "first").await;
        later.await.unwrap();
        assert_eq!(*ran.lock().unwrap(), ["other", "first", "second"]);
        assert_eq!(order.voters(), 0);
    }
}
