//! A small fake of the Telegram Bot API, served on 127.0.0.1 (a random port) for the real
//! bot to talk to. Each module models one part of it:
//!
//! - `server`: the HTTP server. Every request to `/bot<token>/<method>` is answered by its
//!   method's model (401 for another token), on a connection a failure can cut.
//! - `calls`: the record. Every request is recorded in order (method, parsed body, the status
//!   and the JSON answered). Tests wait for calls with [`FakeApi::wait_for`] and friends, which
//!   poll a [`Notify`] with a deadline: no fixed sleeps.
//! - `failures`: [`FakeApi::fail`] makes the next calls of a method fail (429 with
//!   `retry_after`, 502, any API error), or fail below HTTP: the connection closed without an
//!   answer ([`Failure::dropped_connection`]), or no answer ever ([`Failure::no_answer`]). Such
//!   calls are recorded with status 0.
//! - `bodies`: the parameters of a request, from JSON, a form or multipart.
//! - `updates`: updates are queued with the `push_*` helpers and served by `getUpdates`, which
//!   respects `offset` like Telegram (updates below it are forgotten) and otherwise waits
//!   briefly.
//! - `messages`: `sendMessage` and `editMessageText` answer with a full Message; the fake keeps
//!   the messages the bot sent, so a callback query can carry one and an edit of an unknown
//!   message, or one that changes nothing, fails as it would on Telegram. A callback query
//!   answered more than 10 s after it was made is refused "query is too old" (see
//!   `CALLBACK_QUERY_EXPIRES` for the source); so is an id the fake never made.
//! - `forums`: forum topics ([`FakeApi::forum`], [`FakeApi::topic_text`]): a send lands in the
//!   topic it names or the topic of the message it replies to, else General; a topic that is
//!   not one is refused "message thread not found", a closed General "TOPIC_CLOSED" (see
//!   `landing` for the sources). [`Call::landed_in`] tells where a message went.
//! - `chats`: chats and members: a basic group upgraded to a supergroup, the bot added to a
//!   group, `getChat` with the permissions a test set, and `getChatMember`, which answers the
//!   status a test set with [`FakeApi::set_member_status`], else "member" for a user seen
//!   writing in that group and "left" for anyone else, as Telegram answers for a non-member.
//!   A message to the private chat of a user who never wrote to the bot there is refused 403
//!   "bot can't initiate conversation with a user" (see `refuse_uninvited`).
//! - `documents`: `sendDocument` keeps the uploaded file ([`FakeApi::documents`]).
//! - `photos`: `sendPhoto` holds a picture to the Bot API's sizes and its caption to 1,024
//!   characters after entity parsing, and keeps it ([`FakeApi::photos`]).
//! - `polls`: `sendPoll` holds the bot to Bot API 10.1's contract (or, after
//!   [`FakeApi::speak`], an older server's) and answers with a Message carrying the Poll (a
//!   fresh poll id each); `stopPoll` closes it and answers the Poll (an error once closed, by
//!   stopPoll or by its `open_period`); [`FakeApi::poll_answer`] queues a `poll_answer`
//!   update.
//!
//! The fake serves every queued update whatever `allowed_updates` the bot asked for, so tests
//! check that the handlers themselves ignore what they should (stricter than Telegram).

use std::collections::{HashMap, VecDeque};
use std::net::SocketAddr;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use serde_json::{Value, json};
use tokio::sync::Notify;
use tokio::task::JoinHandle;
use tokio::time::Instant;

mod bodies;
mod calls;
mod chats;
mod documents;
mod failures;
mod forums;
mod messages;
mod photos;
mod polls;
mod server;
mod updates;

pub use calls::Call;
pub use documents::Document;
pub use failures::{Failure, Fault};
pub use messages::{visible, visible_text};
pub use photos::Photo;
pub use polls::Version;
pub use updates::{Pushed, TgUser};

use forums::Forum;
use messages::bot_message;
use polls::SentPoll;

/// The token the bot under test is given; requests with another token get 401.
pub const TOKEN: &str = "123456789:TEST-fake-token_for-debate-bot";
pub const BOT_ID: i64 = 123_456_789;
pub const BOT_USERNAME: &str = "debate_test_bot";
/// How long a test waits for a call before failing. Every wait returns as soon as what it
/// waits for is there, so this costs a passing test nothing; 5 s was too short on a machine
/// loaded by parallel builds (fsync'd SQLite writes take seconds there).
pub const WAIT: Duration = Duration::from_secs(10);

/// Everything the fake keeps, behind one lock.
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
    /// Users seen writing in a group, by (chat id, user id): its members, as getChatMember
    /// answers when a test set nothing.
    seen_in: std::collections::HashSet<(i64, i64)>,
    /// Users who wrote to the bot in their private chat: the only ones it may write to there.
    started: std::collections::HashSet<i64>,
    /// Files the bot uploaded with sendDocument, in order.
    documents: Vec<Document>,
    /// Pictures the bot sent with sendPhoto, in order.
    photos: Vec<photos::Photo>,
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

/// What the server's handlers and the [`FakeApi`] share.
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

// ---- the Bot API's vocabulary, for every model --------------------------------------------

/// A successful answer with `result`.
fn ok(result: Value) -> (u16, Value) {
    (200, json!({"ok": true, "result": result}))
}

/// A 400 answer, as Telegram words it: "Bad Request: `description`".
fn bad_request(description: &str) -> (u16, Value) {
    (
        400,
        json!({"ok": false, "error_code": 400, "description": format!("Bad Request: {description}")}),
    )
}

/// A number, or a string holding one (form fields are strings).
/// The message a call names (`chat_id` and `message_id`: editMessageText, stopPoll), or the
/// Bad Request Telegram answers without both.
fn message_named(body: &Value) -> Result<(i64, i64), (u16, Value)> {
    match (
        body.get("chat_id").and_then(as_i64),
        body.get("message_id").and_then(as_i64),
    ) {
        (Some(chat_id), Some(message_id)) => Ok((chat_id, message_id)),
        _ => Err(bad_request("chat_id and message_id are required")),
    }
}

fn as_i64(value: &Value) -> Option<i64> {
    value
        .as_i64()
        .or_else(|| value.as_str().and_then(|s| s.parse().ok()))
}

/// The Unix time now, in seconds, as Telegram dates messages.
fn now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64)
}

/// Adds `fields` (an object) to the object `target`.
fn merge(target: &mut Value, fields: Value) {
    if let (Some(target), Value::Object(fields)) = (target.as_object_mut(), fields) {
        target.extend(fields);
    }
}

/// The bot's User object.
fn bot_user() -> Value {
    json!({"id": BOT_ID, "is_bot": true, "first_name": "Debate Test Bot", "username": BOT_USERNAME})
}
