//! A small fake of the Telegram Bot API, served on 127.0.0.1 (a random port) for the real
//! bot to talk to.
//!
//! - Every request to `/bot<token>/<method>` is recorded in order (method, parsed body, the
//!   status and the JSON answered). Tests wait for calls with [`FakeApi::wait_for`] and friends,
//!   which poll a [`Notify`] with a deadline: no fixed sleeps.
//! - Updates are queued with the `push_*` helpers and served by `getUpdates`, which respects
//!   `offset` like Telegram (updates below it are forgotten) and otherwise waits briefly.
//! - `sendMessage` and `editMessageText` answer with a full Message; the fake keeps the messages
//!   the bot sent, so a callback query can carry one and an edit of an unknown message, or one
//!   that changes nothing, fails as it would on Telegram.
//! - [`FakeApi::fail`] makes the next calls of a method fail (429 with `retry_after`, 502, any
//!   API error), or fail below HTTP: the connection closed without an answer
//!   ([`Failure::dropped_connection`]), or no answer ever ([`Failure::no_answer`]). Such calls
//!   are recorded with status 0.
//! - Polls (`polls.rs`): `sendPoll` holds the bot to Bot API 10.1's contract (or, after
//!   [`FakeApi::speak`], an older server's) and answers with a Message carrying the Poll (a
//!   fresh poll id each); `stopPoll` closes it and answers the Poll (an error once closed, by
//!   stopPoll or by its `open_period`); [`FakeApi::poll_answer`] queues a `poll_answer`
//!   update. `getChatMember` answers the status a test set with
//!   [`FakeApi::set_member_status`] ("member" otherwise); `sendDocument` keeps the uploaded
//!   file ([`FakeApi::documents`]).
//!
//! - Forum topics ([`FakeApi::forum`], [`FakeApi::topic_text`]): a send lands in the topic
//!   it names or the topic of the message it replies to, else General; a topic that is not
//!   one is refused "message thread not found", a closed General "TOPIC_CLOSED" (see
//!   `landing` for the sources). [`Call::landed_in`] tells where a message went.
//!
//! - A callback query answered more than 10 s after it was made is refused "query is too
//!   old" (see `CALLBACK_QUERY_EXPIRES` for the source); so is an id the fake never made.
//!
//! The fake serves every queued update whatever `allowed_updates` the bot asked for, so tests
//! check that the handlers themselves ignore what they should (stricter than Telegram).

use std::collections::{HashMap, VecDeque};
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::task::{Context, Poll};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use axum::Router;
use axum::body::Bytes;
use axum::extract::connect_info::{ConnectInfo, Connected};
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use axum::routing::any;
use serde_json::{Map, Value, json};
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::Notify;
use tokio::task::JoinHandle;
use tokio::time::Instant;

mod polls;

use polls::SentPoll;
pub use polls::Version;

/// The token the bot under test is given; requests with another token get 401.
pub const TOKEN: &str = "123456789:TEST-fake-token_for-debate-bot";
pub const BOT_ID: i64 = 123_456_789;
pub const BOT_USERNAME: &str = "debate_test_bot";
/// How long a test waits for a call before failing. Every wait returns as soon as what it
/// waits for is there, so this costs a passing test nothing; 5 s was too short on a machine
/// loaded by parallel builds (fsync'd SQLite writes take seconds there).
pub const WAIT: Duration = Duration::from_secs(10);
/// The longest an empty `getUpdates` is held open.
const LONG_POLL: Duration = Duration::from_millis(200);

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

    /// The `text` parameter, or "" when there is none.
    pub fn text(&self) -> &str {
        self.body
            .get("text")
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

/// A Telegram user, as the fixtures need one.
#[derive(Debug, Clone)]
pub struct TgUser {
    pub id: i64,
    pub first_name: String,
    pub language_code: Option<String>,
}

impl TgUser {
    pub fn new(id: i64, first_name: &str, language_code: Option<&str>) -> TgUser {
        assert!(id > 0, "user ids are positive");
        TgUser {
            id,
            first_name: first_name.to_string(),
            language_code: language_code.map(str::to_string),
        }
    }

    /// The User object of the Bot API.
    pub fn json(&self) -> Value {
        let mut user = json!({
            "id": self.id,
            "is_bot": false,
            "first_name": self.first_name,
            "username": format!("user{}", self.id),
        });
        if let Some(code) = &self.language_code {
            user["language_code"] = json!(code);
        }
        user
    }

    /// The private chat with this user (its id is the user's).
    pub fn private_chat(&self) -> Value {
        json!({
            "id": self.id,
            "type": "private",
            "first_name": self.first_name,
            "username": format!("user{}", self.id),
        })
    }
}

/// What a `push_*` helper queued.
#[derive(Debug, Clone)]
pub struct Pushed {
    pub update_id: i64,
    /// The message's id, for updates that carry a message.
    pub message_id: Option<i64>,
    /// The query's id, for callback and inline queries.
    pub query_id: Option<String>,
    pub update: Value,
}

impl Pushed {
    pub fn message_id(&self) -> i64 {
        self.message_id.expect("this update carries no message")
    }

    pub fn query_id(&self) -> &str {
        self.query_id
            .as_deref()
            .expect("this update is not a callback or inline query")
    }
}

#[derive(Default)]
struct Inner {
    calls: Vec<Call>,
    queue: VecDeque<Value>,
    next_update_id: i64,
    next_message_id: i64,
    next_query_id: u64,
    /// Chats seen in pushed updates, by id, to echo in the bot's messages.
    chats: HashMap<i64, Value>,
    /// Messages the bot sent, by (chat id, message id), as last edited.
    sent: HashMap<(i64, i64), Value>,
    /// Per method, what its next calls do: `None` answers normally, `Some` fails.
    failures: HashMap<String, VecDeque<Option<Failure>>>,
    /// Per method and chat, failures of the next calls to that chat only (taken before the
    /// method's own): Telegram's flood limits are counted per chat, so one group's 429 says
    /// nothing of another chat's sends.
    chat_failures: HashMap<(String, i64), VecDeque<Failure>>,
    webhook_url: String,
    /// Polls the bot sent, by poll id.
    polls: HashMap<String, SentPoll>,
    next_poll_id: u64,
    /// The Bot API version the fake answers as (sendPoll's contract changed in 9.6).
    version: Version,
    /// getChatMember answers set by tests, by (chat id, user id): the User object and status.
    members: HashMap<(i64, i64), (Value, String)>,
    /// Files the bot uploaded with sendDocument, in order.
    documents: Vec<Document>,
    /// Forum supergroups set up by tests, by chat id.
    forums: HashMap<i64, Forum>,
    /// When each callback query was made, by id: answering one too late is refused.
    callback_queries: HashMap<String, Instant>,
    /// Basic groups upgraded to supergroups: old id -> new id.
    migrated: HashMap<i64, i64>,
    /// Groups' default member permissions (getChat's `permissions`), set by tests; a chat not
    /// here allows everything.
    chat_permissions: HashMap<i64, Value>,
    /// The topic (message_thread_id) of every message in a topic, by (chat id, message id):
    /// a reply to such a message lands in its topic.
    topics_of: HashMap<(i64, i64), i64>,
}

/// A forum supergroup: its open topics, and whether its General topic is closed to members
/// (the bot included, as it is no admin here).
#[derive(Debug, Clone, Default)]
struct Forum {
    topics: std::collections::HashSet<i64>,
    general_closed: bool,
}

/// A file the bot sent with sendDocument (multipart), byte for byte.
#[allow(dead_code)]
#[derive(Debug, Clone)]
pub struct Document {
    pub chat_id: i64,
    /// The `message_id` answered, to match the sendDocument call.
    pub message_id: i64,
    pub file_name: String,
    pub bytes: Vec<u8>,
    pub caption: Option<String>,
}

/// A file part of a multipart body.
struct Upload {
    name: String,
    file_name: String,
    bytes: Vec<u8>,
}

struct Shared {
    inner: Mutex<Inner>,
    /// Woken on every recorded call.
    calls_changed: Notify,
    /// Woken when an update is queued.
    updates_changed: Notify,
}

impl Shared {
    fn lock(&self) -> MutexGuard<'_, Inner> {
        // A test that panicked while holding the lock has failed already; keep serving.
        self.inner.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// The fake Bot API server. Dropping it stops the server.
pub struct FakeApi {
    addr: SocketAddr,
    shared: Arc<Shared>,
    server: JoinHandle<()>,
}

impl Drop for FakeApi {
    fn drop(&mut self) {
        self.server.abort();
    }
}

impl FakeApi {
    /// Starts serving on 127.0.0.1 at a port the OS picks.
    pub async fn start() -> FakeApi {
        let shared = Arc::new(Shared {
            inner: Mutex::new(Inner {
                next_update_id: 1,
                next_message_id: 1,
                next_query_id: 1,
                ..Inner::default()
            }),
            calls_changed: Notify::new(),
            updates_changed: Notify::new(),
        });
        let router = Router::new()
            .route("/{bot}/{method}", any(handle))
            .fallback(not_found)
            .with_state(Arc::clone(&shared));
        let listener = TcpListener::bind(("127.0.0.1", 0))
            .await
            .expect("bind 127.0.0.1:0");
        let addr = listener.local_addr().expect("local address");
        assert!(addr.ip().is_loopback());
        let service = router.into_make_service_with_connect_info::<Connection>();
        let server = tokio::spawn(async move {
            axum::serve(Lines(listener), service)
                .await
                .expect("fake Bot API");
        });
        FakeApi {
            addr,
            shared,
            server,
        }
    }

    /// The base URL to give the bot (`Settings::api_url`).
    pub fn url(&self) -> url::Url {
        url::Url::parse(&format!("http://{}", self.addr)).expect("a valid URL")
    }

    /// Makes `getWebhookInfo` report a webhook, as if one were left over (deleteWebhook clears it).
    pub fn set_webhook(&self, url: &str) {
        self.shared.lock().webhook_url = url.to_string();
    }

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

    // ---- recorded calls -------------------------------------------------------------------

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

    // ---- updates --------------------------------------------------------------------------

    /// Queues an update whose one field is `kind: payload`; returns its update_id.
    pub fn push_update(&self, kind: &str, payload: Value) -> Pushed {
        let mut inner = self.shared.lock();
        let update_id = inner.next_update_id;
        inner.next_update_id += 1;
        let update = json!({"update_id": update_id, kind: payload});
        inner.queue.push_back(update.clone());
        if kind == "callback_query" {
            let id = payload["id"].as_str().unwrap_or_default().to_string();
            inner.callback_queries.insert(id, Instant::now());
        }
        drop(inner);
        self.shared.updates_changed.notify_waiters();
        Pushed {
            message_id: payload.get("message_id").and_then(as_i64),
            query_id: (kind == "callback_query" || kind == "inline_query")
                .then(|| payload["id"].as_str().unwrap_or_default().to_string()),
            update_id,
            update,
        }
    }

    fn next_message_id(&self) -> i64 {
        let mut inner = self.shared.lock();
        let id = inner.next_message_id;
        inner.next_message_id += 1;
        id
    }

    fn remember_chat(&self, chat: &Value) {
        let id = as_i64(&chat["id"]).expect("a chat id");
        self.shared.lock().chats.insert(id, chat.clone());
    }

    /// A Message object from `from` in `chat` with `fields` (text, sticker, ...).
    fn user_message(&self, chat: Value, from: Option<&TgUser>, fields: Value) -> Value {
        self.remember_chat(&chat);
        let mut message = json!({
            "message_id": self.next_message_id(),
            "date": now(),
            "chat": chat,
        });
        if let Some(user) = from {
            message["from"] = user.json();
        }
        merge(&mut message, fields);
        message
    }

    /// A text message from `user` in their private chat.
    pub fn private_text(&self, user: &TgUser, text: &str) -> Pushed {
        let message = self.user_message(user.private_chat(), Some(user), text_fields(text));
        self.push_update("message", message)
    }

    /// A text message from `user` in the basic group `chat_id` (negative).
    pub fn group_text(&self, chat_id: i64, user: &TgUser, text: &str) -> Pushed {
        assert!(chat_id < 0, "group chat ids are negative");
        let chat = json!({"id": chat_id, "type": "group", "title": "Debate test group"});
        let message = self.user_message(chat, Some(user), text_fields(text));
        self.push_update("message", message)
    }

    /// A text message from `user` in the group `chat_id`, sent `seconds_ago` (its `date`):
    /// Telegram keeps updates for 24 hours while the bot is away and delivers them late.
    pub fn group_text_sent(
        &self,
        chat_id: i64,
        user: &TgUser,
        text: &str,
        seconds_ago: i64,
    ) -> Pushed {
        assert!(chat_id < 0, "group chat ids are negative");
        let chat = json!({"id": chat_id, "type": "group", "title": "Debate test group"});
        let mut message = self.user_message(chat, Some(user), text_fields(text));
        message["date"] = json!(now() - seconds_ago);
        self.push_update("message", message)
    }

    /// Upgrades the basic group `old` to the supergroup `new`, as Telegram does when history
    /// is made visible, topics are switched on or the group grows: from now on every call
    /// naming `old` is refused with `migrate_to_chat_id`. The service messages are up to the
    /// test ([`FakeApi::migrate_to_message`], [`FakeApi::migrate_from_message`]): Telegram sends
    /// both, in either order, but a bot may see only one (or none, if it was away too long).
    pub fn upgrade(&self, old: i64, new: i64) {
        let chat = json!({"id": new, "type": "supergroup", "title": "Debate test group"});
        let mut inner = self.shared.lock();
        inner.chats.insert(new, chat);
        inner.migrated.insert(old, new);
    }

    /// The service message in the old group: `migrate_to_chat_id`.
    pub fn migrate_to_message(&self, old: i64, new: i64, by: &TgUser) -> Pushed {
        let chat = json!({"id": old, "type": "group", "title": "Debate test group"});
        let message = self.user_message(chat, Some(by), json!({"migrate_to_chat_id": new}));
        self.push_update("message", message)
    }

    /// The service message in the new supergroup: `migrate_from_chat_id`. With it Telegram
    /// reports the bot as having joined the supergroup (a `my_chat_member` update from "left"
    /// to "member", while no "left" comes for the old group: tdlib/telegram-bot-api #266), so
    /// that is queued too, after it.
    pub fn migrate_from_message(&self, new: i64, old: i64, by: &TgUser) -> Pushed {
        let chat = json!({"id": new, "type": "supergroup", "title": "Debate test group"});
        let message =
            self.user_message(chat.clone(), Some(by), json!({"migrate_from_chat_id": old}));
        let pushed = self.push_update("message", message);
        self.bot_added(chat, by, "member");
        pushed
    }

    /// The bot added to the basic group `chat_id` by `by`, with the bot's new `status`
    /// ("member", "administrator", or "restricted": a member who may not send polls).
    pub fn bot_added_to_group(&self, chat_id: i64, by: &TgUser, status: &str) -> Pushed {
        let chat = json!({"id": chat_id, "type": "group", "title": "Debate test group"});
        self.bot_added(chat, by, status)
    }

    /// A `my_chat_member` update: the bot's status in `chat` went from "left" to `status`,
    /// `by` adding it (Bot API, ChatMemberUpdated; for a member the chat's own permissions
    /// apply, which getChat answers).
    pub fn bot_added(&self, chat: Value, by: &TgUser, status: &str) -> Pushed {
        self.remember_chat(&chat);
        let bot = bot_user();
        let new = match status {
            "administrator" => json!({
                "status": "administrator", "user": bot, "can_be_edited": false,
                "is_anonymous": false, "can_manage_chat": true, "can_delete_messages": true,
                "can_manage_video_chats": false, "can_restrict_members": false,
                "can_promote_members": false, "can_change_info": false, "can_invite_users": true,
                "can_post_stories": false, "can_edit_stories": false,
                "can_delete_stories": false, "can_pin_messages": true,
            }),
            "restricted" => json!({
                "status": "restricted", "user": bot, "until_date": 0, "is_member": true,
                "can_send_messages": true, "can_send_audios": true, "can_send_documents": true,
                "can_send_photos": true, "can_send_videos": true, "can_send_video_notes": true,
                "can_send_voice_notes": true, "can_send_polls": false,
                "can_send_other_messages": true, "can_add_web_page_previews": true,
                "can_change_info": false, "can_invite_users": false, "can_pin_messages": false,
                "can_manage_topics": false,
            }),
            other => json!({"status": other, "user": bot}),
        };
        self.push_update(
            "my_chat_member",
            json!({
                "chat": chat,
                "from": by.json(),
                "date": now(),
                "old_chat_member": {"status": "left", "user": bot_user()},
                "new_chat_member": new,
            }),
        )
    }

    /// Sets whether members of `chat_id` may send polls (the group's permissions, which
    /// getChat answers and which bind a bot that is a plain member).
    pub fn set_chat_permissions(&self, chat_id: i64, can_send_polls: bool) {
        let permissions = json!({
            "can_send_messages": true, "can_send_audios": true, "can_send_documents": true,
            "can_send_photos": true, "can_send_videos": true, "can_send_video_notes": true,
            "can_send_voice_notes": true, "can_send_polls": can_send_polls,
            "can_send_other_messages": true, "can_add_web_page_previews": true,
            "can_change_info": false, "can_invite_users": true, "can_pin_messages": false,
            "can_manage_topics": false,
        });
        self.shared
            .lock()
            .chat_permissions
            .insert(chat_id, permissions);
    }

    /// A text message from `user` in the supergroup `chat_id`.
    pub fn supergroup_text(&self, chat_id: i64, user: &TgUser, text: &str) -> Pushed {
        let chat = json!({"id": chat_id, "type": "supergroup", "title": "Debate test group"});
        let message = self.user_message(chat, Some(user), text_fields(text));
        self.push_update("message", message)
    }

    /// Makes `chat_id` a forum supergroup with these topics (message_thread_ids), its General
    /// topic closed to members when `general_closed`, as many class groups are.
    pub fn forum(&self, chat_id: i64, topics: &[i64], general_closed: bool) {
        let chat =
            json!({"id": chat_id, "type": "supergroup", "title": "Debate forum", "is_forum": true});
        let mut inner = self.shared.lock();
        inner.chats.insert(chat_id, chat);
        inner.forums.insert(
            chat_id,
            Forum {
                topics: topics.iter().copied().collect(),
                general_closed,
            },
        );
    }

    /// A text message from `user` in topic `topic` of the forum `chat_id` (set up with
    /// [`FakeApi::forum`]): `message_thread_id` and `is_topic_message`, as Telegram sends it.
    pub fn topic_text(&self, chat_id: i64, topic: i64, user: &TgUser, text: &str) -> Pushed {
        let chat = self.shared.lock().chats.get(&chat_id).cloned();
        let chat = chat.expect("set the forum up with FakeApi::forum first");
        let mut fields = text_fields(text);
        fields["message_thread_id"] = json!(topic);
        fields["is_topic_message"] = json!(true);
        let message = self.user_message(chat, Some(user), fields);
        let message_id = as_i64(&message["message_id"]).unwrap_or_default();
        self.shared
            .lock()
            .topics_of
            .insert((chat_id, message_id), topic);
        self.push_update("message", message)
    }

    /// A text message from `user` in the group `chat_id` that replies to message `root`: in a
    /// group that is no forum, Telegram gives it `message_thread_id` = the root of the reply
    /// thread, without `is_topic_message` (tdlib/telegram-bot-api #356). No topic.
    pub fn reply_thread_text(&self, chat_id: i64, root: i64, user: &TgUser, text: &str) -> Pushed {
        assert!(chat_id < 0, "group chat ids are negative");
        let chat = self
            .shared
            .lock()
            .chats
            .get(&chat_id)
            .cloned()
            .unwrap_or_else(
                || json!({"id": chat_id, "type": "supergroup", "title": "Debate supergroup"}),
            );
        let mut fields = text_fields(text);
        fields["message_thread_id"] = json!(root);
        fields["reply_to_message"] = json!({
            "message_id": root, "date": now(), "chat": chat.clone(), "text": "…",
        });
        let message = self.user_message(chat, Some(user), fields);
        self.push_update("message", message)
    }

    /// An `edited_message`: `user` edited their private message `message_id` to `text`.
    pub fn edited_private_text(&self, user: &TgUser, message_id: i64, text: &str) -> Pushed {
        let chat = user.private_chat();
        self.remember_chat(&chat);
        let mut message = json!({
            "message_id": message_id,
            "date": now() - 60,
            "edit_date": now(),
            "chat": chat,
            "from": user.json(),
        });
        merge(&mut message, text_fields(text));
        self.push_update("edited_message", message)
    }

    /// A `channel_post` with `text` in the channel `chat_id` (negative).
    pub fn channel_post(&self, chat_id: i64, text: &str) -> Pushed {
        assert!(chat_id < 0, "channel ids are negative");
        let chat = json!({"id": chat_id, "type": "channel", "title": "Debate test channel"});
        let mut fields = text_fields(text);
        fields["sender_chat"] = chat.clone();
        let message = self.user_message(chat, None, fields);
        self.push_update("channel_post", message)
    }

    /// A sticker (no text) from `user` in their private chat.
    pub fn private_sticker(&self, user: &TgUser) -> Pushed {
        let fields = json!({
            "sticker": {
                "file_id": "CAACAgIAAxkBAAEFakeStickerFileId",
                "file_unique_id": "AgADFakeSticker",
                "type": "regular",
                "width": 512,
                "height": 512,
                "is_animated": false,
                "is_video": false,
                "emoji": "🤔",
                "set_name": "FakeStickers",
            }
        });
        let message = self.user_message(user.private_chat(), Some(user), fields);
        self.push_update("message", message)
    }

    /// A photo with a caption that looks like a command (still no `text`), from `user`.
    pub fn private_photo(&self, user: &TgUser, caption: &str) -> Pushed {
        let size = |w: u32, id: &str| {
            json!({"file_id": format!("AgACAgIAAxkBAAEFake{id}"), "file_unique_id": id,
                   "width": w, "height": w * 3 / 4, "file_size": w * 100})
        };
        let fields = json!({
            "photo": [size(90, "AQADsmall"), size(320, "AQADmedium"), size(1280, "AQADlarge")],
            "caption": caption,
        });
        let message = self.user_message(user.private_chat(), Some(user), fields);
        self.push_update("message", message)
    }

    /// A press by `user` on a button of the bot's message `message_id` in `chat_id`, with
    /// `data` (None: a query without data). The message is the one the bot sent, as last
    /// edited, when the fake knows it.
    pub fn callback(
        &self,
        user: &TgUser,
        chat_id: i64,
        message_id: i64,
        data: Option<&str>,
    ) -> Pushed {
        let (message, id) = {
            let mut inner = self.shared.lock();
            let message = inner
                .sent
                .get(&(chat_id, message_id))
                .cloned()
                .unwrap_or_else(|| {
                    json!({
                        "message_id": message_id,
                        "date": now(),
                        "chat": chat_json(&inner.chats, chat_id),
                        "from": bot_user(),
                        "text": "an older message",
                    })
                });
            let id = inner.next_query_id;
            inner.next_query_id += 1;
            (message, id)
        };
        let mut query = json!({
            "id": format!("{}", 4_000_000_000_000_000_000u64 + id),
            "from": user.json(),
            "message": message,
            "chat_instance": format!("-{}", 9_000_000 + chat_id.unsigned_abs()),
        });
        if let Some(data) = data {
            query["data"] = json!(data);
        }
        self.push_update("callback_query", query)
    }

    /// An inline query (`@bot words`) from `user`, with `offset` ("" for the first page).
    pub fn inline_query(&self, user: &TgUser, query: &str, offset: &str) -> Pushed {
        let id = {
            let mut inner = self.shared.lock();
            let id = inner.next_query_id;
            inner.next_query_id += 1;
            id
        };
        let query = json!({
            "id": format!("{}", 5_000_000_000_000_000_000u64 + id),
            "from": user.json(),
            "query": query,
            "offset": offset,
            "chat_type": "sender",
        });
        self.push_update("inline_query", query)
    }

    /// A press on a button of the message the bot sent in `sent` (a sendMessage call).
    pub fn press(&self, user: &TgUser, sent: &Call, data: &str) -> Pushed {
        let chat = sent.chat_id().expect("the call has a chat_id");
        self.callback(user, chat, sent.message_id(), Some(data))
    }
}

// ---- quizzes ------------------------------------------------------------------------------------

/// Helpers for quiz tests (tests/quiz_telegram.rs).
#[allow(dead_code)]
impl FakeApi {
    /// Makes getChatMember answer `status` ("creator", "administrator", "member", "left",
    /// "kicked") for `user` in `chat_id`.
    pub fn set_member_status(&self, chat_id: i64, user: &TgUser, status: &str) {
        self.shared
            .lock()
            .members
            .insert((chat_id, user.id), (user.json(), status.to_string()));
    }

    /// Every file the bot uploaded with sendDocument, in order.
    pub fn documents(&self) -> Vec<Document> {
        self.shared.lock().documents.clone()
    }

    /// The file uploaded by the sendDocument `call`.
    pub fn document(&self, call: &Call) -> Document {
        let message_id = call.message_id();
        self.documents()
            .into_iter()
            .find(|d| d.message_id == message_id)
            .unwrap_or_else(|| panic!("no file kept for {}", call.summary()))
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

// ---- the server -----------------------------------------------------------------------------

async fn not_found(
    State(shared): State<Arc<Shared>>,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let response = json!({"ok": false, "error_code": 404, "description": "Not Found"});
    record(
        &shared,
        uri.path().to_string(),
        parse_body(&headers, &body),
        404,
        response.clone(),
    );
    (StatusCode::NOT_FOUND, axum::Json(response)).into_response()
}

async fn handle(
    State(shared): State<Arc<Shared>>,
    ConnectInfo(connection): ConnectInfo<Connection>,
    Path((bot, method)): Path<(String, String)>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let files = multipart_files(&headers, &body);
    let body = parse_body(&headers, &body);
    // Telegram reads method names without regard to case (teloxide sends "SendMessage");
    // calls are recorded under the documented spelling, "sendMessage".
    let method = documented_name(&method);
    let (status, response) = if bot != format!("bot{TOKEN}") {
        (
            401,
            json!({"ok": false, "error_code": 401, "description": "Unauthorized"}),
        )
    } else if let Some(failure) = take_failure(&shared, &method, &body) {
        match failure.fault {
            Fault::Answer => (failure.status, failure.body),
            Fault::Drop => {
                record(&shared, method, body, 0, failure.body);
                // Whatever is answered now is never written: the connection is closed.
                connection.cut();
                return StatusCode::INTERNAL_SERVER_ERROR.into_response();
            }
            Fault::Hang => {
                record(&shared, method, body, 0, failure.body);
                return std::future::pending().await;
            }
        }
    } else if method.eq_ignore_ascii_case("getUpdates") {
        (200, get_updates(&shared, &body).await)
    } else {
        answer(&shared, &method, &body, files)
    };
    record(&shared, method, body, status, response.clone());
    let status = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    (status, axum::Json(response)).into_response()
}

fn take_failure(shared: &Shared, method: &str, body: &Value) -> Option<Failure> {
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

/// A method name as the Bot API documents it: `GetMe` and `getme` are `getMe`.
fn documented_name(method: &str) -> String {
    const KNOWN: &[&str] = &[
        "getMe",
        "getUpdates",
        "getWebhookInfo",
        "deleteWebhook",
        "setMyCommands",
        "deleteMyCommands",
        "sendMessage",
        "editMessageText",
        "answerCallbackQuery",
        "answerInlineQuery",
    ];
    if let Some(known) = KNOWN.iter().find(|k| k.eq_ignore_ascii_case(method)) {
        return known.to_string();
    }
    let mut chars = method.chars();
    match chars.next() {
        Some(first) => first.to_ascii_lowercase().to_string() + chars.as_str(),
        None => String::new(),
    }
}

fn record(shared: &Shared, method: String, body: Value, status: u16, response: Value) {
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

fn ok(result: Value) -> (u16, Value) {
    (200, json!({"ok": true, "result": result}))
}

fn bad_request(description: &str) -> (u16, Value) {
    (
        400,
        json!({"ok": false, "error_code": 400, "description": format!("Bad Request: {description}")}),
    )
}

/// Every method but getUpdates; `files` are the body's file parts, if multipart.
fn answer(shared: &Shared, method: &str, body: &Value, files: Vec<Upload>) -> (u16, Value) {
    // A call to a basic group that was upgraded to a supergroup is refused, naming the new id
    // in `parameters.migrate_to_chat_id` (Bot API, ResponseParameters: "The group has been
    // migrated to a supergroup with the specified identifier").
    let migrated = body
        .get("chat_id")
        .and_then(as_i64)
        .and_then(|chat| shared.lock().migrated.get(&chat).copied());
    if let Some(new) = migrated {
        return (
            400,
            json!({
                "ok": false,
                "error_code": 400,
                "description": "Bad Request: group chat was upgraded to a supergroup chat",
                "parameters": {"migrate_to_chat_id": new},
            }),
        );
    }
    match method.to_ascii_lowercase().as_str() {
        "getme" => ok(json!({
            "id": BOT_ID,
            "is_bot": true,
            "first_name": "Debate Test Bot",
            "username": BOT_USERNAME,
            "can_join_groups": true,
            "can_read_all_group_messages": false,
            "supports_inline_queries": false,
            "can_connect_to_business": false,
            "has_main_web_app": false,
        })),
        "getwebhookinfo" => {
            let inner = shared.lock();
            ok(json!({
                "url": inner.webhook_url,
                "has_custom_certificate": false,
                "pending_update_count": inner.queue.len(),
            }))
        }
        "deletewebhook" => {
            shared.lock().webhook_url.clear();
            ok(json!(true))
        }
        "setwebhook" => {
            let url = body["url"].as_str().unwrap_or_default().to_string();
            shared.lock().webhook_url = url;
            ok(json!(true))
        }
        "answercallbackquery" => answer_callback_query(shared, body),
        "setmycommands" | "deletemycommands" | "answerinlinequery" => ok(json!(true)),
        "sendmessage" => send_message(shared, body),
        "editmessagetext" => edit_message_text(shared, body),
        "sendpoll" => polls::send_poll(shared, body),
        "stoppoll" => polls::stop_poll(shared, body),
        "getchatmember" => get_chat_member(shared, body),
        "getchat" => get_chat(shared, body),
        "senddocument" => send_document(shared, body, files),
        _ => (
            404,
            json!({"ok": false, "error_code": 404, "description": "Not Found: method not found"}),
        ),
    }
}

/// Where a send to `chat_id` lands, as Telegram decides it: the topic named by
/// `message_thread_id`, else the topic of the message it replies to, else outside topics (the
/// General topic of a forum). `Ok(Some(topic))` or `Ok(None)`; an error as Telegram answers it:
/// - a `message_thread_id` that is no topic of the chat (a chat that is no forum, a reply
///   thread's root, a deleted topic): 400 "message thread not found" (tdlib/telegram-bot-api
///   #447 and #356: a message replying in General carries a `message_thread_id` without
///   `is_topic_message`, and sending with it fails so);
/// - General when it is closed: 400 "TOPIC_CLOSED" (tdesktop #30476: without
///   `message_thread_id`, a send to a forum whose General is closed is refused; with the
///   topic's id it goes through).
fn landing(inner: &Inner, chat_id: i64, body: &Value) -> Result<Option<i64>, (u16, Value)> {
    let named = body.get("message_thread_id").and_then(as_i64);
    let replied = body
        .get("reply_parameters")
        .and_then(|r| r.get("message_id"))
        .and_then(as_i64)
        .and_then(|id| inner.topics_of.get(&(chat_id, id)).copied());
    let Some(forum) = inner.forums.get(&chat_id) else {
        return match named {
            Some(_) => Err(bad_request("message thread not found")),
            None => Ok(None),
        };
    };
    match named.or(replied) {
        Some(topic) if forum.topics.contains(&topic) => Ok(Some(topic)),
        Some(_) => Err(bad_request("message thread not found")),
        None if forum.general_closed => Err(bad_request("TOPIC_CLOSED")),
        None => Ok(None),
    }
}

/// A new message from the bot in `chat_id` with `content` (text, poll, document...), landed
/// where Telegram would put it (see [`landing`]) and numbered; or Telegram's refusal.
fn bot_message(
    inner: &mut Inner,
    chat_id: i64,
    body: &Value,
    content: Value,
) -> Result<Value, (u16, Value)> {
    let topic = landing(inner, chat_id, body)?;
    let message_id = inner.next_message_id;
    inner.next_message_id += 1;
    let mut message = json!({
        "message_id": message_id,
        "date": now(),
        "chat": chat_json(&inner.chats, chat_id),
        "from": bot_user(),
    });
    merge(&mut message, content);
    if let Some(topic) = topic {
        message["message_thread_id"] = json!(topic);
        message["is_topic_message"] = json!(true);
        inner.topics_of.insert((chat_id, message_id), topic);
    }
    Ok(message)
}

/// How long a callback query can be answered. Telegram does not document it; bots report
/// "query is too old" after some 10-20 s (pyTelegramBotAPI #1615: 20 s too late, "probably
/// around 5-10 seconds"). The fake takes 10 s, so a bot that answers late fails here too.
const CALLBACK_QUERY_EXPIRES: Duration = Duration::from_secs(10);

/// answerCallbackQuery: refused for a query the fake never made or made too long ago.
fn answer_callback_query(shared: &Shared, body: &Value) -> (u16, Value) {
    let id = body
        .get("callback_query_id")
        .and_then(Value::as_str)
        .unwrap_or_default();
    let made = shared.lock().callback_queries.get(id).copied();
    match made {
        Some(at) if at.elapsed() <= CALLBACK_QUERY_EXPIRES => ok(json!(true)),
        _ => bad_request("query is too old and response timeout expired or query ID is invalid"),
    }
}

fn send_message(shared: &Shared, body: &Value) -> (u16, Value) {
    let Some(chat_id) = body.get("chat_id").and_then(as_i64) else {
        return bad_request("chat_id is empty");
    };
    let text = body.get("text").and_then(Value::as_str).unwrap_or_default();
    if text.is_empty() {
        return bad_request("message text is empty");
    }
    let mut inner = shared.lock();
    let content = json!({"text": visible_text(text, body.get("parse_mode"))});
    let mut message = match bot_message(&mut inner, chat_id, body, content) {
        Ok(message) => message,
        Err(refused) => return refused,
    };
    let message_id = as_i64(&message["message_id"]).unwrap_or_default();
    if let Some(markup) = body
        .get("reply_markup")
        .filter(|m| m.get("inline_keyboard").is_some())
    {
        message["reply_markup"] = markup.clone();
    }
    inner.sent.insert((chat_id, message_id), message.clone());
    ok(message)
}

fn edit_message_text(shared: &Shared, body: &Value) -> (u16, Value) {
    if body.get("inline_message_id").is_some() {
        return ok(json!(true));
    }
    let (Some(chat_id), Some(message_id)) = (
        body.get("chat_id").and_then(as_i64),
        body.get("message_id").and_then(as_i64),
    ) else {
        return bad_request("chat_id and message_id are required");
    };
    let mut inner = shared.lock();
    let Some(message) = inner.sent.get_mut(&(chat_id, message_id)) else {
        return bad_request("message to edit not found");
    };
    let text = visible_text(
        body.get("text").and_then(Value::as_str).unwrap_or_default(),
        body.get("parse_mode"),
    );
    let markup = body.get("reply_markup").cloned();
    if message["text"] == json!(text) && message.get("reply_markup") == markup.as_ref() {
        return bad_request(
            "message is not modified: specified new message content and reply markup are \
             exactly the same as a current content and reply markup of the message",
        );
    }
    message["text"] = json!(text);
    message["edit_date"] = json!(now());
    match markup {
        Some(markup) => message["reply_markup"] = markup,
        None => {
            if let Some(m) = message.as_object_mut() {
                m.remove("reply_markup");
            }
        }
    }
    ok(message.clone())
}

/// getChatMember: the status a test set for this user in this chat, "member" otherwise.
fn get_chat_member(shared: &Shared, body: &Value) -> (u16, Value) {
    let (Some(chat_id), Some(user_id)) = (
        body.get("chat_id").and_then(as_i64),
        body.get("user_id").and_then(as_i64),
    ) else {
        return bad_request("chat_id and user_id are required");
    };
    let (user, status) = shared
        .lock()
        .members
        .get(&(chat_id, user_id))
        .cloned()
        .unwrap_or_else(|| {
            let user = json!({"id": user_id, "is_bot": false, "first_name": "Member"});
            (user, "member".to_string())
        });
    let member = match status.as_str() {
        "creator" => json!({"status": "creator", "user": user, "is_anonymous": false}),
        "administrator" => json!({
            "status": "administrator",
            "user": user,
            "can_be_edited": false,
            "is_anonymous": false,
            "can_manage_chat": true,
            "can_delete_messages": true,
            "can_manage_video_chats": true,
            "can_restrict_members": true,
            "can_promote_members": false,
            "can_change_info": true,
            "can_invite_users": true,
            "can_post_stories": false,
            "can_edit_stories": false,
            "can_delete_stories": false,
            "can_pin_messages": true,
        }),
        "kicked" => json!({"status": "kicked", "user": user, "until_date": 0}),
        other => json!({"status": other, "user": user}),
    };
    ok(member)
}

/// getChat: a ChatFullInfo for a chat the fake has seen, with its `permissions` when a test
/// set them (Bot API: "permissions: Default chat member permissions, for groups and
/// supergroups"); otherwise "chat not found", as Telegram answers.
fn get_chat(shared: &Shared, body: &Value) -> (u16, Value) {
    let Some(chat_id) = body.get("chat_id").and_then(as_i64) else {
        return bad_request("chat_id is empty");
    };
    let inner = shared.lock();
    let Some(chat) = inner.chats.get(&chat_id) else {
        return bad_request("chat not found");
    };
    let mut info = chat.clone();
    merge(
        &mut info,
        json!({
            "accent_color_id": 0,
            "max_reaction_count": 11,
            "accepted_gift_types": {"unlimited_gifts": false, "limited_gifts": false,
                "unique_gifts": false, "premium_subscription": false},
        }),
    );
    if let Some(permissions) = inner.chat_permissions.get(&chat_id) {
        info["permissions"] = permissions.clone();
    }
    ok(info)
}

/// sendDocument with the file uploaded (multipart): keeps the file, answers a Message.
fn send_document(shared: &Shared, body: &Value, files: Vec<Upload>) -> (u16, Value) {
    let Some(chat_id) = body.get("chat_id").and_then(as_i64) else {
        return bad_request("chat_id is empty");
    };
    // The file is the part named "document", or the one it names as `attach://<name>` (as
    // teloxide sends it).
    let part = match body.get("document").and_then(Value::as_str) {
        Some(value) => value.strip_prefix("attach://").unwrap_or("document"),
        None => "document",
    };
    let Some(file) = files.into_iter().find(|f| f.name == part) else {
        return bad_request("there is no document in the request");
    };
    if file.bytes.is_empty() {
        return bad_request("file must be non-empty");
    }
    let caption = body
        .get("caption")
        .and_then(Value::as_str)
        .map(str::to_string);
    let mut inner = shared.lock();
    let content = json!({
        "document": {"file_name": file.file_name.clone(), "file_size": file.bytes.len()},
    });
    let mut message = match bot_message(&mut inner, chat_id, body, content) {
        Ok(message) => message,
        Err(refused) => return refused,
    };
    let message_id = as_i64(&message["message_id"]).unwrap_or_default();
    message["document"]["file_id"] = json!(format!("BQACAgIAAxkBAAEFakeDocument{message_id}"));
    message["document"]["file_unique_id"] = json!(format!("AgADFakeDoc{message_id}"));
    if let Some(caption) = &caption {
        message["caption"] = json!(caption);
    }
    inner.documents.push(Document {
        chat_id,
        message_id,
        file_name: file.file_name,
        bytes: file.bytes,
        caption,
    });
    ok(message)
}

/// Serves queued updates from `offset` on, or waits up to [`LONG_POLL`] (capped by the
/// request's `timeout`) for one, then answers `[]`.
async fn get_updates(shared: &Shared, body: &Value) -> Value {
    let offset = body.get("offset").and_then(as_i64);
    let limit = body
        .get("limit")
        .and_then(as_i64)
        .unwrap_or(100)
        .clamp(1, 100) as usize;
    let timeout = body.get("timeout").and_then(as_i64).unwrap_or(0).max(0) as u64;
    let deadline = Instant::now() + LONG_POLL.min(Duration::from_secs(timeout));
    loop {
        let notified = shared.updates_changed.notified();
        tokio::pin!(notified);
        notified.as_mut().enable();
        {
            let mut inner = shared.lock();
            if let Some(offset) = offset {
                // Like Telegram: updates below the offset are confirmed and forgotten (Bot API,
                // getUpdates: "An update is considered confirmed as soon as getUpdates is
                // called with an offset higher than its update_id"). The bot's long polling
                // relies on it, its last call at a stop included.
                inner
                    .queue
                    .retain(|u| as_i64(&u["update_id"]).is_some_and(|id| id >= offset));
            }
            if !inner.queue.is_empty() {
                let batch: Vec<Value> = inner.queue.iter().take(limit).cloned().collect();
                return json!({"ok": true, "result": batch});
            }
        }
        if tokio::time::timeout_at(deadline, notified).await.is_err() {
            return json!({"ok": true, "result": []});
        }
    }
}

// ---- connections that can be dropped ---------------------------------------------------------

/// The fake's listener: plain TCP on 127.0.0.1, each connection one a handler can cut.
struct Lines(TcpListener);

/// One accepted connection as a handler sees it (`ConnectInfo`).
#[derive(Clone, Debug)]
struct Connection {
    cut: Arc<AtomicBool>,
}

impl Connection {
    /// From now on the connection neither reads nor writes, so the server closes it without
    /// writing another byte.
    fn cut(&self) {
        self.cut.store(true, Ordering::SeqCst);
    }
}

/// A TCP stream that fails every read and write once cut.
struct Line {
    stream: TcpStream,
    cut: Arc<AtomicBool>,
}

impl Line {
    fn is_cut(&self) -> bool {
        self.cut.load(Ordering::SeqCst)
    }
}

fn cut_error() -> std::io::Error {
    std::io::Error::new(
        std::io::ErrorKind::ConnectionAborted,
        "cut by the fake Bot API",
    )
}

impl AsyncRead for Line {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<std::io::Result<()>> {
        let this = self.get_mut();
        if this.is_cut() {
            return Poll::Ready(Err(cut_error()));
        }
        Pin::new(&mut this.stream).poll_read(cx, buf)
    }
}

impl AsyncWrite for Line {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<std::io::Result<usize>> {
        let this = self.get_mut();
        if this.is_cut() {
            return Poll::Ready(Err(cut_error()));
        }
        Pin::new(&mut this.stream).poll_write(cx, buf)
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        let this = self.get_mut();
        if this.is_cut() {
            return Poll::Ready(Err(cut_error()));
        }
        Pin::new(&mut this.stream).poll_flush(cx)
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.get_mut().stream).poll_shutdown(cx)
    }
}

impl axum::serve::Listener for Lines {
    type Io = Line;
    type Addr = Connection;

    async fn accept(&mut self) -> (Line, Connection) {
        loop {
            match self.0.accept().await {
                Ok((stream, _)) => {
                    let cut = Arc::new(AtomicBool::new(false));
                    let connection = Connection {
                        cut: Arc::clone(&cut),
                    };
                    return (Line { stream, cut }, connection);
                }
                // E.g. too many open files: wait a little, as axum's own listener does.
                Err(_) => tokio::time::sleep(Duration::from_millis(10)).await,
            }
        }
    }

    fn local_addr(&self) -> std::io::Result<Connection> {
        Ok(Connection {
            cut: Arc::new(AtomicBool::new(false)),
        })
    }
}

impl Connected<axum::serve::IncomingStream<'_, Lines>> for Connection {
    fn connect_info(stream: axum::serve::IncomingStream<'_, Lines>) -> Connection {
        stream.remote_addr().clone()
    }
}

// ---- bodies and objects -----------------------------------------------------------------------

/// The request's parameters: JSON as is; form and multipart fields as an object of strings
/// (files as `{"filename", "bytes"}`); anything else as `{"_raw": ...}`.
fn parse_body(headers: &HeaderMap, body: &Bytes) -> Value {
    let raw_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    // The media type is case-insensitive; the multipart boundary is not.
    let content_type = raw_type.to_ascii_lowercase();
    if body.is_empty() {
        return json!({});
    }
    if content_type.starts_with("application/x-www-form-urlencoded") {
        let fields: Map<String, Value> = url::form_urlencoded::parse(body)
            .map(|(k, v)| (k.into_owned(), Value::String(v.into_owned())))
            .collect();
        return Value::Object(fields);
    }
    if content_type.starts_with("multipart/form-data")
        && let Some(fields) = parse_multipart(raw_type, body)
    {
        return fields;
    }
    serde_json::from_slice(body).unwrap_or_else(|_| json!({"_raw": String::from_utf8_lossy(body)}))
}

/// Just enough of multipart/form-data for the fields teloxide sends.
fn parse_multipart(content_type: &str, body: &[u8]) -> Option<Value> {
    let boundary = content_type
        .split(';')
        .find_map(|p| {
            let p = p.trim();
            p.get(..9)
                .filter(|k| k.eq_ignore_ascii_case("boundary="))
                .map(|_| &p[9..])
        })?
        .trim_matches('"');
    let text = String::from_utf8_lossy(body);
    let delimiter = format!("--{boundary}");
    let mut fields = Map::new();
    for part in text.split(delimiter.as_str()).skip(1) {
        if part.starts_with("--") {
            break;
        }
        let part = part.strip_prefix("\r\n").unwrap_or(part);
        let (head, value) = part.split_once("\r\n\r\n")?;
        let value = value.strip_suffix("\r\n").unwrap_or(value);
        let attribute = |name: &str| {
            let key = format!("{name}=\"");
            let start = head.find(&key)? + key.len();
            let end = head[start..].find('"')? + start;
            Some(head[start..end].to_string())
        };
        let name = attribute("name")?;
        let value = match attribute("filename") {
            Some(filename) => json!({"filename": filename, "bytes": value.len()}),
            None => Value::String(value.to_string()),
        };
        fields.insert(name, value);
    }
    Some(Value::Object(fields))
}

/// The file parts of a multipart/form-data body, byte for byte (none for other bodies).
fn multipart_files(headers: &HeaderMap, body: &[u8]) -> Vec<Upload> {
    let content_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    if !content_type
        .to_ascii_lowercase()
        .starts_with("multipart/form-data")
    {
        return Vec::new();
    }
    let Some(boundary) = content_type.split(';').find_map(|p| {
        let p = p.trim();
        p.get(..9)
            .filter(|k| k.eq_ignore_ascii_case("boundary="))
            .map(|_| p[9..].trim_matches('"').to_string())
    }) else {
        return Vec::new();
    };
    let delimiter = format!("\r\n--{boundary}").into_bytes();
    // The first delimiter has no line break before it.
    let mut rest: &[u8] = match find(body, &delimiter[2..]) {
        Some(i) => &body[i + delimiter.len() - 2..],
        None => return Vec::new(),
    };
    let mut files = Vec::new();
    while !rest.starts_with(b"--") {
        let part = rest.strip_prefix(b"\r\n").unwrap_or(rest);
        let Some(end) = find(part, &delimiter) else {
            break;
        };
        let (part, next) = (&part[..end], &part[end + delimiter.len()..]);
        rest = next;
        let Some(split) = find(part, b"\r\n\r\n") else {
            continue;
        };
        let head = String::from_utf8_lossy(&part[..split]);
        let attribute = |name: &str| {
            let key = format!("{name}=\"");
            let start = head.find(&key)? + key.len();
            let end = head[start..].find('"')? + start;
            Some(head[start..end].to_string())
        };
        if let (Some(name), Some(file_name)) = (attribute("name"), attribute("filename")) {
            files.push(Upload {
                name,
                file_name,
                bytes: part[split + 4..].to_vec(),
            });
        }
    }
    files
}

/// Where `needle` first occurs in `haystack`.
fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

fn as_i64(value: &Value) -> Option<i64> {
    value
        .as_i64()
        .or_else(|| value.as_str().and_then(|s| s.parse().ok()))
}

fn now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64)
}

fn merge(target: &mut Value, fields: Value) {
    if let (Some(target), Value::Object(fields)) = (target.as_object_mut(), fields) {
        target.extend(fields);
    }
}

fn bot_user() -> Value {
    json!({"id": BOT_ID, "is_bot": true, "first_name": "Debate Test Bot", "username": BOT_USERNAME})
}

/// The chat with `id`: as seen in an update, or guessed from the id's sign.
fn chat_json(chats: &HashMap<i64, Value>, id: i64) -> Value {
    if let Some(chat) = chats.get(&id) {
        return chat.clone();
    }
    if id > 0 {
        json!({"id": id, "type": "private", "first_name": "Someone"})
    } else if id <= -1_000_000_000_000 {
        json!({"id": id, "type": "supergroup", "title": "A supergroup"})
    } else {
        json!({"id": id, "type": "group", "title": "A group"})
    }
}

/// `text` and, for a command, the `bot_command` entity Telegram adds.
fn text_fields(text: &str) -> Value {
    let mut fields = json!({"text": text});
    if text.starts_with('/') {
        let command = text.split(char::is_whitespace).next().unwrap_or_default();
        fields["entities"] = json!([{
            "type": "bot_command",
            "offset": 0,
            "length": command.encode_utf16().count(),
        }]);
    }
    fields
}

/// The text a reader sees: for HTML, tags dropped and the four named entities decoded.
pub fn visible_text(text: &str, parse_mode: Option<&Value>) -> String {
    if parse_mode.and_then(Value::as_str) != Some("HTML") {
        return text.to_string();
    }
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(start) = rest.find(['<', '&']) {
        out.push_str(&rest[..start]);
        rest = &rest[start..];
        if rest.starts_with('<') {
            match rest.find('>') {
                Some(end) => rest = &rest[end + 1..],
                None => {
                    out.push_str(rest);
                    rest = "";
                }
            }
        } else {
            let entity = [
                ("&lt;", '<'),
                ("&gt;", '>'),
                ("&amp;", '&'),
                ("&quot;", '"'),
            ]
            .into_iter()
            .find(|(name, _)| rest.starts_with(name));
            match entity {
                Some((name, c)) => {
                    out.push(c);
                    rest = &rest[name.len()..];
                }
                None => {
                    out.push('&');
                    rest = &rest[1..];
                }
            }
        }
    }
    out.push_str(rest);
    out
}
