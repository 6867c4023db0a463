//! Injected failures: the next calls of a method, or of a method to one chat, answer an error
//! (429 with `retry_after`, counted per chat as the Bot API FAQ says of flood limits; 502; any
//! Bot API error) or fail below HTTP (the connection dropped, or never answered), as a test
//! asks with [`FakeApi::fail`] and friends.

use std::collections::VecDeque;

use serde_json::{Value, json};

use super::server::documented_name;
use super::{FakeApi, Shared, as_i64};

/// What a failing call answers: an HTTP status and a Bot API error body; or, for the faults
/// below HTTP ([`Fault::Drop`], [`Fault::Hang`]), nothing at all.
#[derive(Debug, Clone)]
pub struct Failure {
    pub status: u16,
    pub body: Value,
    pub fault: Fault,
}

/// How a failing call fails.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fault {
    /// It is answered `status` and `body`.
    Answer,
    /// The connection is closed once the request has been read, without any HTTP answer, as
    /// when a proxy or the network drops it. The request is not processed.
    Drop,
    /// It is never answered: the connection is held open until the client gives up. The
    /// request is not processed; it is recorded when it arrives.
    Hang,
}

impl Failure {
    fn answer(status: u16, body: Value) -> Failure {
        Failure {
            status,
            body,
            fault: Fault::Answer,
        }
    }

    /// The connection closed without an answer (the request read, not processed).
    pub fn dropped_connection() -> Failure {
        Failure {
            status: 0,
            body: json!({"ok": false, "description": "the fake closed the connection without an answer"}),
            fault: Fault::Drop,
        }
    }

    /// No answer, ever: the client has to time out (teloxide's default client gives up after
    /// 17 s).
    pub fn no_answer() -> Failure {
        Failure {
            status: 0,
            body: json!({"ok": false, "description": "the fake never answered"}),
            fault: Fault::Hang,
        }
    }

    /// 429 Too Many Requests with `parameters.retry_after`.
    pub fn retry_after(seconds: u32) -> Failure {
        Failure::answer(
            429,
            json!({
                "ok": false,
                "error_code": 429,
                "description": format!("Too Many Requests: retry after {seconds}"),
                "parameters": {"retry_after": seconds},
            }),
        )
    }

    /// 502 Bad Gateway, as Telegram's front answers when the API is down. (teloxide's requests
    /// wait 10 s after any 5xx before reading the answer; the bot's own long polling does not.)
    /// Unused by tests/faults.rs, which shares this module.
    #[allow(dead_code)]
    pub fn bad_gateway() -> Failure {
        Failure::answer(
            502,
            json!({"ok": false, "error_code": 502, "description": "Bad Gateway"}),
        )
    }

    /// Any Bot API error, e.g. `(403, "Forbidden: bot was blocked by the user")`.
    pub fn api(code: u16, description: &str) -> Failure {
        Failure::answer(
            code,
            json!({"ok": false, "error_code": code, "description": description}),
        )
    }
}

impl FakeApi {
    /// Makes the next `times` calls of `method` fail with `failure` (they are still recorded).
    pub fn fail(&self, method: &str, times: usize, failure: Failure) {
        self.fail_after(method, 0, times, failure);
    }

    /// Lets the next `skip` calls of `method` through, then fails `times` calls.
    pub fn fail_after(&self, method: &str, skip: usize, times: usize, failure: Failure) {
        let mut inner = self.shared.lock();
        let queue = inner.failures.entry(documented_name(method)).or_default();
        queue.extend(std::iter::repeat_n(None, skip));
        queue.extend(std::iter::repeat_n(Some(failure), times));
    }

    /// Makes the next `times` calls of `method` to `chat_id` fail with `failure`; calls to
    /// other chats answer as usual. A 429 "Too Many Requests: retry after N" is how Telegram
    /// answers a bot that sends too fast to one chat (more than 20 messages a minute to a
    /// group: the Bot API FAQ, "My bot is hitting limits, how do I avoid this?"), while it
    /// goes on taking the bot's messages to other chats.
    pub fn fail_in_chat(&self, method: &str, chat_id: i64, times: usize, failure: Failure) {
        let mut inner = self.shared.lock();
        let queue = inner
            .chat_failures
            .entry((documented_name(method), chat_id))
            .or_default();
        queue.extend(std::iter::repeat_n(failure, times));
    }
}

/// The failure the next call of `method` (to the body's chat first) was set to meet, if any.
pub(super) fn take_failure(shared: &Shared, method: &str, body: &Value) -> Option<Failure> {
    let mut inner = shared.lock();
    if let Some(chat) = body.get("chat_id").and_then(as_i64) {
        let key = (documented_name(method), chat);
        if let Some(failure) = inner
            .chat_failures
            .get_mut(&key)
            .and_then(VecDeque::pop_front)
        {
            return Some(failure);
        }
    }
    inner
        .failures
        .get_mut(&documented_name(method))?
        .pop_front()
        .flatten()
}
