//! The record of calls: every request the bot made, in the order it was answered, with what
//! it was answered; and the waits of the tests, which return as soon as the call they wait
//! for is there (a [`Notify`](tokio::sync::Notify) woken on every call, and a deadline),
//! never after a fixed sleep.

use std::time::Duration;

use serde_json::Value;
use tokio::time::Instant;

use super::{FakeApi, Shared, WAIT, as_i64};

/// One request the bot made.
#[derive(Debug, Clone)]
pub struct Call {
    /// Position among all calls, from 0, in the order they were answered (a long-polling
    /// getUpdates is recorded when it returns).
    pub seq: usize,
    pub method: String,
    /// The parameters: the JSON body, or form/multipart fields as strings.
    pub body: Value,
    /// The HTTP status answered; 0 when none was (the connection was dropped, or the call was
    /// never answered).
    pub status: u16,
    /// The JSON answered (`{"ok":true,"result":...}` or an error); for a call answered nothing,
    /// `ok: false` and a description of what happened instead.
    pub response: Value,
    /// When it was recorded.
    pub at: Instant,
}

impl Call {
    /// `chat_id` as a number (JSON numbers and numeric strings alike).
    pub fn chat_id(&self) -> Option<i64> {
        as_i64(self.body.get("chat_id")?)
    }

    /// The `text` parameter (a photo's or a document's `caption`), or "" when there is none.
    pub fn text(&self) -> &str {
        self.body
            .get("text")
            .or_else(|| self.body.get("caption"))
            .and_then(Value::as_str)
            .unwrap_or_default()
    }

    /// The `parse_mode` parameter.
    pub fn parse_mode(&self) -> Option<&str> {
        self.body.get("parse_mode").and_then(Value::as_str)
    }

    /// `reply_parameters.message_id`, when the call answers a message.
    pub fn reply_to(&self) -> Option<i64> {
        as_i64(self.body.get("reply_parameters")?.get("message_id")?)
    }

    /// The inline keyboard as rows of (label, callback_data); empty when there is none.
    pub fn buttons(&self) -> Vec<Vec<(String, String)>> {
        let Some(rows) = self
            .body
            .get("reply_markup")
            .and_then(|m| m.get("inline_keyboard"))
            .and_then(Value::as_array)
        else {
            return Vec::new();
        };
        rows.iter()
            .map(|row| {
                row.as_array()
                    .into_iter()
                    .flatten()
                    .map(|b| {
                        let field = |k: &str| b.get(k).and_then(Value::as_str).unwrap_or_default();
                        (
                            field("text").to_string(),
                            field("callback_data").to_string(),
                        )
                    })
                    .collect()
            })
            .collect()
    }

    /// Whether the call was answered `ok: true`.
    pub fn ok(&self) -> bool {
        self.response.get("ok") == Some(&Value::Bool(true))
    }

    /// The `result` answered.
    pub fn result(&self) -> &Value {
        &self.response["result"]
    }

    /// The `message_id` of the Message answered (sendMessage, editMessageText).
    pub fn message_id(&self) -> i64 {
        as_i64(&self.result()["message_id"])
            .unwrap_or_else(|| panic!("{} answered no message: {}", self.method, self.response))
    }

    /// The topic the message answered landed in (its `message_thread_id`), if any.
    pub fn landed_in(&self) -> Option<i64> {
        self.result()
            .get("is_topic_message")
            .and_then(Value::as_bool)
            .filter(|&t| t)
            .and_then(|_| as_i64(&self.result()["message_thread_id"]))
    }

    /// The Poll of the Message answered (sendPoll).
    #[allow(dead_code)]
    pub fn poll(&self) -> &Value {
        &self.result()["poll"]
    }

    /// A one-line description for failure messages.
    pub fn summary(&self) -> String {
        let mut text: String = self.text().chars().take(60).collect();
        if text.len() < self.text().len() {
            text.push('…');
        }
        let extra = match self.method.as_str() {
            "answerCallbackQuery" => format!(" {}", self.body),
            "editMessageText" => format!(" message_id={}", self.body["message_id"]),
            _ => String::new(),
        };
        format!(
            "#{} {} [{}] chat={:?}{extra} {text:?}",
            self.seq,
            self.method,
            self.status,
            self.chat_id()
        )
    }
}

impl FakeApi {
    /// Every call so far, in order.
    pub fn calls(&self) -> Vec<Call> {
        self.shared.lock().calls.clone()
    }

    /// Every call of `method` so far, in order.
    pub fn calls_of(&self, method: &str) -> Vec<Call> {
        self.shared
            .lock()
            .calls
            .iter()
            .filter(|c| c.method == method)
            .cloned()
            .collect()
    }

    /// How many calls of `method` so far.
    pub fn count(&self, method: &str) -> usize {
        self.shared
            .lock()
            .calls
            .iter()
            .filter(|c| c.method == method)
            .count()
    }

    /// Waits (up to [`WAIT`]) until `check` finds something in the calls, and returns it.
    pub async fn wait_until<T>(&self, what: &str, check: impl Fn(&[Call]) -> Option<T>) -> T {
        self.wait_until_within(what, WAIT, check).await
    }

    /// Waits up to `within` until `check` finds something in the calls, and returns it.
    pub async fn wait_until_within<T>(
        &self,
        what: &str,
        within: Duration,
        check: impl Fn(&[Call]) -> Option<T>,
    ) -> T {
        let deadline = Instant::now() + within;
        loop {
            let notified = self.shared.calls_changed.notified();
            tokio::pin!(notified);
            notified.as_mut().enable();
            if let Some(found) = check(&self.shared.lock().calls) {
                return found;
            }
            if tokio::time::timeout_at(deadline, notified).await.is_err() {
                panic!(
                    "timed out after {within:?} waiting for {what}; calls so far:\n{}",
                    self.describe_calls()
                );
            }
        }
    }

    /// Waits for the first call matching `matches`.
    pub async fn wait_for(&self, what: &str, matches: impl Fn(&Call) -> bool) -> Call {
        self.wait_until(what, |calls| calls.iter().find(|c| matches(c)).cloned())
            .await
    }

    /// Waits for the call of `method` at position `index` (from 0) among that method's calls.
    pub async fn wait_nth(&self, method: &str, index: usize) -> Call {
        self.wait_until(&format!("{method} #{index}"), |calls| {
            calls
                .iter()
                .filter(|c| c.method == method)
                .nth(index)
                .cloned()
        })
        .await
    }

    /// Waits until there are at least `count` calls of `method`; returns them all.
    pub async fn wait_count(&self, method: &str, count: usize) -> Vec<Call> {
        self.wait_until(&format!("{count} call(s) of {method}"), |calls| {
            let of: Vec<Call> = calls
                .iter()
                .filter(|c| c.method == method)
                .cloned()
                .collect();
            (of.len() >= count).then_some(of)
        })
        .await
    }

    /// The calls so far, one line each, leaving out empty `getUpdates`.
    pub fn describe_calls(&self) -> String {
        self.shared
            .lock()
            .calls
            .iter()
            .filter(|c| {
                c.method != "getUpdates"
                    || c.result().as_array().is_some_and(|a| !a.is_empty())
                    || !c.ok()
            })
            .map(|c| format!("  {}\n", c.summary()))
            .collect()
    }

    /// Waits up to `within` for the first call matching `matches`.
    pub async fn wait_for_within(
        &self,
        what: &str,
        within: Duration,
        matches: impl Fn(&Call) -> bool,
    ) -> Call {
        self.wait_until_within(what, within, |calls| {
            calls.iter().find(|c| matches(c)).cloned()
        })
        .await
    }
}

/// Records a call and wakes every test waiting for one.
pub(super) fn record(shared: &Shared, method: String, body: Value, status: u16, response: Value) {
    let mut inner = shared.lock();
    let seq = inner.calls.len();
    inner.calls.push(Call {
        seq,
        method,
        body,
        status,
        response,
        at: Instant::now(),
    });
    drop(inner);
    shared.calls_changed.notify_waiters();
}
