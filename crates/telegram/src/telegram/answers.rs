//! Poll answers: an answer in a quiz, or a vote in a debate, stored by the core; one that
//! arrives before its poll is stored waits for it.

use std::time::{Duration, Instant};

use teloxide::prelude::*;

use super::effects::Interpreter;
use super::users::voter;
use crate::core::{Handled, Input, Unlimited};
use crate::metrics;
use crate::store::Recorded;

pub(super) async fn on_poll_answer(answer: PollAnswer, interpreter: Interpreter) {
    let started = Instant::now();
    let handled = record(&answer, &interpreter).await;
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
async fn record(answer: &PollAnswer, interpreter: &Interpreter) -> Handled {
    let (from, shared_identity) = voter(&answer.voter);
    let now = crate::clock::now_ms();
    let deadline = tokio::time::Instant::now() + UNKNOWN_POLL_WAIT;
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
