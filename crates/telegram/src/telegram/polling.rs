//! Long polling: getUpdates, each update read on its own, unreadable ones kept out of the log.
//!
//! teloxide's `Polling` reads each getUpdates answer through its `TelegramResponse`, an
//! untagged enum: serde buffers the whole batch as a tree of values, then reads it again as
//! updates, and rustc compiles the reading of every Telegram type a second time for that
//! buffer. This listener asks Telegram the same thing (the offset past the
//! last update handed out, a long-poll timeout, the update kinds the handlers take; when
//! stopped, one last call that confirms the updates handed out, so Telegram does not send
//! them again) through teloxide's own HTTP client, and reads each update straight from its
//! slice of the answer, with the same reading the webhook uses.
//!
//! teloxide reads an update of a kind it does not know, or whose content it cannot parse, as
//! `UpdateKind::Error`, and teloxide's dispatcher would log that update (`process_update`:
//! "Cannot parse an update"): a user's words in the log. Such an update is skipped here,
//! logged with its id and kind only, as the webhook does.
//!
//! After a failed call the next waits: `retry_after` after a 429, otherwise 1 s, doubling up
//! to 64 s while calls keep failing (teloxide's backoff), and always interrupted by a stop.

use std::sync::Arc;
use std::time::Duration;

use futures::{Stream, StreamExt};
use serde::Deserialize;
use serde_json::value::RawValue;
use teloxide::payloads::GetUpdates;
use teloxide::prelude::*;
use teloxide::stop::{StopFlag, StopToken, mk_stop_token};
use teloxide::types::{AllowedUpdate, ResponseParameters, UpdateKind};
use teloxide::update_listeners::{StatefulListener, UpdateListener};
use teloxide::{ApiError, RequestError};

/// A long-polling listener; see the module's documentation.
pub struct LongPoll {
    bot: Bot,
    /// How long Telegram may hold a getUpdates open when there is nothing to send.
    timeout: Duration,
    /// The id of the next update wanted: one past the last handed out.
    offset: i32,
    /// The update kinds the handlers take, asked for in every call.
    allowed: Vec<AllowedUpdate>,
    token: StopToken,
    flag: StopFlag,
    /// Calls failed in a row.
    failures: u32,
    /// How long to wait before the next call (after a failure).
    pause: Option<Duration>,
    /// Stopped and confirmed: the stream has ended.
    ended: bool,
}

/// One getUpdates answer, each update left as its text.
#[derive(Deserialize)]
struct Answer<'a> {
    ok: bool,
    #[serde(borrow, default)]
    result: Vec<&'a RawValue>,
    #[serde(default)]
    description: String,
    #[serde(default)]
    parameters: Option<ResponseParameters>,
}

/// What is read of an update that cannot be read whole: its id, to move past it.
#[derive(Deserialize)]
struct UpdateIdOnly {
    update_id: i32,
}

/// How long the call that confirms the last updates may take when stopping.
const CONFIRM_WITHIN: Duration = Duration::from_secs(2);

/// The longest wait after failed calls.
const LONGEST_BACKOFF: Duration = Duration::from_secs(64);

/// Telegram's HTTP client waits 17 s for an answer (teloxide's `default_reqwest_settings`); a
/// long poll must answer well within that.
const CLIENT_TIMEOUT: Duration = Duration::from_secs(17);

impl LongPoll {
    /// Polls with `timeout` (less than the client's 17 s).
    pub fn new(bot: Bot, timeout: Duration) -> Self {
        debug_assert!(timeout < CLIENT_TIMEOUT);
        let (token, flag) = mk_stop_token();
        LongPoll {
            bot,
            timeout,
            offset: 0,
            allowed: super::handlers::ALLOWED_UPDATES.to_vec(),
            token,
            flag,
            failures: 0,
            pause: None,
            ended: false,
        }
    }

    /// As a teloxide update listener.
    pub fn listener(self) -> impl UpdateListener<Err = RequestError> {
        StatefulListener::new(self, updates, |poll: &mut LongPoll| poll.token.clone())
    }

    /// The next batch: updates read (and errors), or `None` once stopped.
    async fn next_batch(&mut self) -> Option<Vec<Result<Update, RequestError>>> {
        if self.ended {
            return None;
        }
        let stop = self.flag.clone();
        if let Some(pause) = self.pause.take() {
            tokio::select! {
                () = tokio::time::sleep(pause) => {}
                () = stop.clone() => return self.end().await,
            }
        }
        let call = get_updates(&self.bot, self.payload(self.offset, None, self.timeout));
        let answer = tokio::select! {
            answer = call => answer,
            // A call in flight is dropped: what it would bring is not wanted any more.
            () = stop => return self.end().await,
        };
        Some(match answer.and_then(|body| self.read(&body)) {
            Ok(updates) => {
                self.failures = 0;
                updates
            }
            Err(error) => {
                self.pause = Some(match &error {
                    RequestError::RetryAfter(after) => after.duration(),
                    _ => backoff(self.failures),
                });
                self.failures = self.failures.saturating_add(1);
                vec![Err(error)]
            }
        })
    }

    /// Stopping: one last call, answered at once, tells Telegram that the updates handed out
    /// are done with, so a restart does not get them again. It is given [`CONFIRM_WITHIN`]:
    /// with Telegram unreachable it would otherwise hold the stop up for the client's 17 s,
    /// past Docker's 10 s.
    async fn end(&mut self) -> Option<Vec<Result<Update, RequestError>>> {
        self.ended = true;
        let confirm = self.payload(self.offset, Some(1), Duration::ZERO);
        match tokio::time::timeout(CONFIRM_WITHIN, get_updates(&self.bot, confirm)).await {
            Ok(Ok(_)) => {}
            Ok(Err(e)) => tracing::debug!(error = %super::quiet(&e), "the last getUpdates failed"),
            Err(_) => tracing::debug!("the last getUpdates was not answered in time"),
        }
        None
    }

    fn payload(&self, offset: i32, limit: Option<u8>, timeout: Duration) -> GetUpdates {
        let mut payload = GetUpdates::new();
        payload.offset = Some(offset);
        payload.limit = limit;
        payload.timeout = Some(timeout.as_secs() as u32);
        payload.allowed_updates = Some(self.allowed.clone());
        payload
    }

    /// Reads an answer: each update on its own, so that one that cannot be read costs only
    /// itself; the offset moves past every update, read or not.
    fn read(&mut self, body: &str) -> Result<Vec<Result<Update, RequestError>>, RequestError> {
        let answer: Answer<'_> =
            serde_json::from_str(body).map_err(|source| RequestError::InvalidJson {
                source: Arc::new(source),
                raw: body.into(),
            })?;
        if !answer.ok {
            return Err(match answer.parameters {
                Some(ResponseParameters::RetryAfter(after)) => RequestError::RetryAfter(after),
                Some(ResponseParameters::MigrateToChatId(to)) => RequestError::MigrateToChatId(to),
                None => RequestError::Api(api_error(answer.description)),
            });
        }
        let mut updates = Vec::with_capacity(answer.result.len());
        for raw in answer.result {
            // Read by the crate that reads every update (the webhook's too), from bytes.
            let update = telegram_updates::read(raw.get().as_bytes());
            let id = match &update {
                Ok(update) => update.id.0 as i32,
                Err(_) => match serde_json::from_str::<UpdateIdOnly>(raw.get()) {
                    Ok(only) => only.update_id,
                    // Not even an id: nothing to move past, nothing to hand out.
                    Err(_) => continue,
                },
            };
            self.offset = self.offset.max(id.saturating_add(1));
            match update {
                Ok(update) if !matches!(update.kind, UpdateKind::Error(_)) => {
                    updates.push(Ok(update))
                }
                _ => skipped(id, raw),
            }
        }
        Ok(updates)
    }
}

/// The listener's stream: the batches, one update at a time.
fn updates(poll: &mut LongPoll) -> impl Stream<Item = Result<Update, RequestError>> + Send + '_ {
    futures::stream::unfold(poll, |poll| async move {
        let batch = poll.next_batch().await?;
        Some((futures::stream::iter(batch), poll))
    })
    .flatten()
}

/// Makes one getUpdates call with teloxide's client (its timeouts, its proxy settings); the
/// answer's text. A network error comes back with the token taken out of its URL (teloxide's
/// `From<reqwest::Error>`).
async fn get_updates(bot: &Bot, payload: GetUpdates) -> Result<String, RequestError> {
    let mut url = bot.api_url();
    url.path_segments_mut()
        .map_err(|()| RequestError::Io(Arc::new(std::io::Error::other("the API URL has no path"))))?
        .push(&format!("bot{}", bot.token()))
        .push("GetUpdates");
    let body = serde_json::to_vec(&payload)
        .map_err(|e| RequestError::Io(Arc::new(std::io::Error::other(e))))?;
    let response = bot
        .client()
        .post(url)
        .header("content-type", "application/json")
        .timeout(CLIENT_TIMEOUT + Duration::from_secs(u64::from(payload.timeout.unwrap_or(0))))
        .body(body)
        .send()
        .await
        .map_err(RequestError::from)?;
    response.text().await.map_err(RequestError::from)
}

/// Telegram's description of a refusal, as teloxide names it.
fn api_error(description: String) -> ApiError {
    serde_json::from_value(serde_json::Value::String(description.clone()))
        .unwrap_or(ApiError::Unknown(description))
}

/// The wait after `failures` failed calls in a row: 1 s, doubling, at most 64 s.
fn backoff(failures: u32) -> Duration {
    Duration::from_secs(1 << failures.min(6)).min(LONGEST_BACKOFF)
}

/// An update that could not be read, logged without its content.
fn skipped(id: i32, raw: &RawValue) {
    let kind = serde_json::from_str::<serde_json::Map<String, serde_json::Value>>(raw.get())
        .ok()
        .as_ref()
        .and_then(super::webhook::kind_name);
    tracing::warn!(
        update_id = id,
        kind = kind.as_deref().unwrap_or("unknown"),
        "an update could not be read and was skipped (its content is not logged)"
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    fn poll() -> LongPoll {
        LongPoll::new(Bot::new("0:test"), Duration::from_secs(10))
    }

    #[test]
    fn an_update_that_cannot_be_read_is_skipped_and_the_offset_moves_past_it() {
        let mut poll = poll();
        let body = r#"{"ok": true, "result": [
            {"update_id": 7, "message": {"text": "我的秘密", "chat": "not a chat"}},
            {"update_id": 8, "poll_answer": {"poll_id": "1", "user": {"id": 1, "is_bot": false, "first_name": "A"}, "option_ids": [0]}},
            {"update_id": 9, "some_future_kind": {"x": 1}},
            {"no_id": true}
        ]}"#;
        let updates = poll.read(body).expect("an answer");
        assert_eq!(updates.len(), 1);
        let update = updates[0].as_ref().expect("read");
        assert_eq!(update.id.0, 8);
        assert!(matches!(update.kind, UpdateKind::PollAnswer(_)));
        assert_eq!(poll.offset, 10);
    }

    #[test]
    fn a_refusal_is_an_error_and_a_429_says_how_long_to_wait() {
        let mut poll = poll();
        let flood = r#"{"ok": false, "error_code": 429, "description": "Too Many Requests: retry after 5", "parameters": {"retry_after": 5}}"#;
        assert!(matches!(
            poll.read(flood),
            Err(RequestError::RetryAfter(after)) if after.duration() == Duration::from_secs(5)
        ));
        let conflict = r#"{"ok": false, "error_code": 409, "description": "Conflict: terminated by other getUpdates request; make sure that only one bot instance is running"}"#;
        assert!(matches!(
            poll.read(conflict),
            Err(RequestError::Api(ApiError::TerminatedByOtherGetUpdates))
        ));
        assert!(matches!(
            poll.read("<html>502 Bad Gateway</html>"),
            Err(RequestError::InvalidJson { .. })
        ));
        assert_eq!(poll.offset, 0);
    }

    #[test]
    fn the_backoff_doubles_from_one_second_to_64() {
        let waits: Vec<u64> = (0..9).map(|n| backoff(n).as_secs()).collect();
        assert_eq!(waits, [1, 2, 4, 8, 16, 32, 64, 64, 64]);
    }
}
