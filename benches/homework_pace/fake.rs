//! The fake Bot API of the homework pace bench, on 127.0.0.1 (a port the OS picks; nothing
//! but loopback is ever contacted). It answers what homework asks of Telegram: getUpdates
//! (handing out what the bench queued, and recording when each update was first handed out),
//! sendMessage, sendPoll, stopPoll, editMessageText, answerCallbackQuery, sendPhoto and
//! sendDocument (answered, not read), getChatMember ("creator" for a teacher, "member" for
//! anyone else: every student is in the group), and the start-up calls. It records the arrival of every call that Telegram counts as a message
//! (sends and edits), and tells the bench's student or group of each message and poll sent to
//! its chat, with the time it arrived. It never refuses a call for pace: the bot must keep
//! Telegram's 30 messages a second by itself, and the report shows the most that arrived in
//! any one second.
//!
//! Built like the load bench's fake (`benches/load.rs`), which answers only sendMessage.

use std::collections::{HashMap, HashSet, VecDeque};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path as UrlPath, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::any;
use serde_json::{Value, json};
use tokio::sync::{Notify, mpsc};

pub const TOKEN: &str = "987654321:BENCH-fake-token_for-the-homework-bench";
pub const BOT_ID: i64 = 987_654_321;
pub const BOT_USERNAME: &str = "debate_homework_bench_bot";
/// The longest a getUpdates waits for news before answering `[]`.
const LONGEST_POLL: Duration = Duration::from_secs(10);

/// What the bot sent to a chat, as its chat's student or group sees it.
#[derive(Debug, Clone)]
pub enum Sent {
    Message {
        message_id: i64,
        text: String,
        /// The first URL button's URL, and the first callback button's data.
        url: Option<String>,
        data: Option<String>,
    },
    Poll {
        poll_id: String,
        /// The right option, for a quiz poll.
        correct: Option<u8>,
        options: u8,
    },
}

/// A message the bot sent, and when it arrived here.
#[derive(Debug, Clone)]
pub struct Arrival {
    pub sent: Sent,
    pub at: Instant,
}

#[derive(Default)]
struct Inner {
    queue: VecDeque<(i64, String)>,
    next_update_id: i64,
    next_message_id: i64,
    next_poll_id: u64,
    next_query_id: u64,
    /// When each update was first handed out by getUpdates.
    handed: HashMap<i64, Instant>,
    /// Every call Telegram counts as a message (sends and edits, stopPoll too), as it arrived.
    messages: Vec<Instant>,
    /// Every poll sent to a private chat, as it arrived.
    private_polls: Vec<Instant>,
    /// Calls by method.
    calls: HashMap<String, u64>,
    /// Who is told of what arrives in each chat.
    listeners: HashMap<i64, mpsc::UnboundedSender<Arrival>>,
    teachers: HashSet<i64>,
}

pub struct Fake {
    inner: Mutex<Inner>,
    /// Woken when updates are queued, and when the bot is being stopped.
    updates: Notify,
    /// Set once the bot is being stopped: getUpdates answers at once.
    stopping: AtomicBool,
}

impl Fake {
    fn lock(&self) -> MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Serves on 127.0.0.1, at a port the OS picks; answers the fake and its address.
    pub async fn start() -> (Arc<Fake>, std::net::SocketAddr) {
        let fake = Arc::new(Fake {
            inner: Mutex::new(Inner {
                next_message_id: 1,
                next_update_id: 1,
                ..Inner::default()
            }),
            updates: Notify::new(),
            stopping: AtomicBool::new(false),
        });
        let router = Router::new()
            .route("/{bot}/{method}", any(handle))
            .with_state(Arc::clone(&fake));
        let listener = tokio::net::TcpListener::bind(("127.0.0.1", 0))
            .await
            .expect("bind 127.0.0.1:0");
        let addr = listener.local_addr().expect("the fake's address");
        assert!(addr.ip().is_loopback(), "the fake is on loopback");
        tokio::spawn(async move {
            if let Err(e) = axum::serve(listener, router).await {
                eprintln!("fake Bot API: {e}");
            }
        });
        (fake, addr)
    }

    /// getUpdates answers at once from now on: the bot is being stopped.
    pub fn stop(&self) {
        self.stopping.store(true, Ordering::SeqCst);
        self.updates.notify_waiters();
    }

    /// From now on, what the bot sends to `chat` is told to the receiver answered.
    pub fn listen(&self, chat: i64) -> mpsc::UnboundedReceiver<Arrival> {
        let (tx, rx) = mpsc::unbounded_channel();
        self.lock().listeners.insert(chat, tx);
        rx
    }

    /// `user` is a teacher: getChatMember answers "creator" for them.
    pub fn teacher(&self, user: i64) {
        self.lock().teachers.insert(user);
    }

    /// When update `update_id` was first handed out by getUpdates, if it was.
    pub fn handed(&self, update_id: i64) -> Option<Instant> {
        self.lock().handed.get(&update_id).copied()
    }

    /// The arrival times of every message-like call (sends and edits), in order.
    pub fn messages(&self) -> Vec<Instant> {
        self.lock().messages.clone()
    }

    /// The arrival times of every poll sent to a private chat, in order.
    pub fn private_polls(&self) -> Vec<Instant> {
        self.lock().private_polls.clone()
    }

    /// Calls by method.
    pub fn calls(&self) -> HashMap<String, u64> {
        self.lock().calls.clone()
    }

    fn push(&self, kind: &str, payload: Value) -> i64 {
        let mut inner = self.lock();
        let update_id = inner.next_update_id;
        inner.next_update_id += 1;
        let update = json!({"update_id": update_id, kind: payload});
        inner.queue.push_back((update_id, update.to_string()));
        drop(inner);
        self.updates.notify_waiters();
        update_id
    }

    fn message_id(&self) -> i64 {
        let mut inner = self.lock();
        inner.next_message_id += 1;
        inner.next_message_id
    }

    /// A text from `user` in the group `chat`; answers its update id.
    pub fn group_text(&self, chat: i64, user: i64, text: &str) -> i64 {
        let message = json!({
            "message_id": self.message_id(),
            "date": unix_now(),
            "chat": {"id": chat, "type": "group", "title": "Homework bench class"},
            "from": user_json(user),
            "text": text,
            "entities": command_entity(text),
        });
        self.push("message", message)
    }

    /// A text from `user` in their private chat; answers its update id.
    pub fn private_text(&self, user: i64, text: &str) -> i64 {
        let message = json!({
            "message_id": self.message_id(),
            "date": unix_now(),
            "chat": private_chat(user),
            "from": user_json(user),
            "text": text,
            "entities": command_entity(text),
        });
        self.push("message", message)
    }

    /// `user` presses the button `data` under the bot's message `message_id` in their
    /// private chat; answers its update id.
    pub fn press(&self, user: i64, message_id: i64, text: &str, data: &str) -> i64 {
        let id = {
            let mut inner = self.lock();
            inner.next_query_id += 1;
            inner.next_query_id
        };
        let query = json!({
            "id": format!("{}", 4_000_000_000_000_000_000u64 + id),
            "from": user_json(user),
            "message": {
                "message_id": message_id,
                "date": unix_now(),
                "chat": private_chat(user),
                "from": bot_user(),
                "text": text,
            },
            "chat_instance": format!("-{}", 9_000_000 + user),
            "data": data,
        });
        self.push("callback_query", query)
    }

    /// `user` answers `option` in the poll `poll_id`; answers its update id.
    pub fn poll_answer(&self, poll_id: &str, user: i64, option: u8) -> i64 {
        let answer = json!({
            "poll_id": poll_id,
            "user": user_json(user),
            "option_ids": [option],
            "option_persistent_ids": [option.to_string()],
        });
        self.push("poll_answer", answer)
    }
}

fn unix_now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

fn command_entity(text: &str) -> Value {
    if !text.starts_with('/') {
        return json!([]);
    }
    let command = text.split(' ').next().unwrap_or_default();
    json!([{"type": "bot_command", "offset": 0, "length": command.encode_utf16().count()}])
}

fn user_json(id: i64) -> Value {
    json!({
        "id": id,
        "is_bot": false,
        "first_name": format!("Student {id}"),
        "language_code": "zh-hans",
    })
}

fn private_chat(id: i64) -> Value {
    json!({"id": id, "type": "private", "first_name": format!("Student {id}")})
}

fn bot_user() -> Value {
    json!({"id": BOT_ID, "is_bot": true, "first_name": "Homework Bench Bot", "username": BOT_USERNAME})
}

fn json_response(status: StatusCode, body: String) -> Response {
    (status, [(header::CONTENT_TYPE, "application/json")], body).into_response()
}

fn ok(result: Value) -> Response {
    json_response(
        StatusCode::OK,
        json!({"ok": true, "result": result}).to_string(),
    )
}

fn error(status: StatusCode, description: &str) -> Response {
    let body = json!({"ok": false, "error_code": status.as_u16(), "description": description});
    json_response(status, body.to_string())
}

fn as_i64(value: Option<&Value>) -> Option<i64> {
    let value = value?;
    value
        .as_i64()
        .or_else(|| value.as_str().and_then(|s| s.parse().ok()))
}

/// The first button of an inline keyboard with `key` ("url" or "callback_data").
fn first_button(body: &Value, key: &str) -> Option<String> {
    body.get("reply_markup")?
        .get("inline_keyboard")?
        .as_array()?
        .iter()
        .flat_map(|row| row.as_array().into_iter().flatten())
        .find_map(|b| b.get(key).and_then(Value::as_str).map(String::from))
}

async fn handle(
    State(fake): State<Arc<Fake>>,
    UrlPath((bot, method)): UrlPath<(String, String)>,
    body: Bytes,
) -> Response {
    let arrived = Instant::now();
    if bot.strip_prefix("bot") != Some(TOKEN) {
        return error(StatusCode::UNAUTHORIZED, "Unauthorized");
    }
    let method = method.to_ascii_lowercase();
    // Multipart bodies (sendDocument) are not JSON: read as nothing.
    let body: Value = serde_json::from_slice(&body).unwrap_or(Value::Null);
    let chat = as_i64(body.get("chat_id"));
    {
        let mut inner = fake.lock();
        *inner.calls.entry(method.clone()).or_default() += 1;
        if matches!(
            method.as_str(),
            "sendmessage"
                | "sendpoll"
                | "stoppoll"
                | "editmessagetext"
                | "senddocument"
                | "sendphoto"
        ) {
            inner.messages.push(arrived);
        }
    }
    let tell = |sent: Sent| {
        let inner = fake.lock();
        if let Some(listener) = chat.and_then(|c| inner.listeners.get(&c)) {
            let _ = listener.send(Arrival { sent, at: arrived });
        }
    };
    match method.as_str() {
        "getupdates" => get_updates(&fake, &body).await,
        // Uploads (a report, a results picture) come as multipart, not read here: the bot reads
        // only the sent message's id.
        "senddocument" | "sendphoto" => ok(json!({
            "message_id": fake.message_id(),
            "date": unix_now(),
            "chat": {"id": 0, "type": "group"},
            "from": bot_user(),
        })),
        "sendmessage" => {
            let Some(chat) = chat else {
                return error(StatusCode::BAD_REQUEST, "Bad Request: chat_id is empty");
            };
            let message_id = fake.message_id();
            let text = body["text"].as_str().unwrap_or_default().to_string();
            tell(Sent::Message {
                message_id,
                text: text.clone(),
                url: first_button(&body, "url"),
                data: first_button(&body, "callback_data"),
            });
            ok(json!({
                "message_id": message_id,
                "date": unix_now(),
                "chat": {"id": chat, "type": if chat > 0 { "private" } else { "group" }},
                "from": bot_user(),
                "text": text,
            }))
        }
        "sendpoll" => {
            let Some(chat) = chat else {
                return error(StatusCode::BAD_REQUEST, "Bad Request: chat_id is empty");
            };
            let message_id = fake.message_id();
            let poll_id = {
                let mut inner = fake.lock();
                if chat > 0 {
                    inner.private_polls.push(arrived);
                }
                inner.next_poll_id += 1;
                format!("{}", 5_000_000_000_000_000_000u64 + inner.next_poll_id)
            };
            let correct = body
                .get("correct_option_ids")
                .and_then(|ids| ids.get(0))
                .or_else(|| body.get("correct_option_id"))
                .and_then(Value::as_u64)
                .map(|c| c as u8);
            let options = body["options"].as_array().map_or(0, Vec::len) as u8;
            tell(Sent::Poll {
                poll_id: poll_id.clone(),
                correct,
                options,
            });
            ok(json!({
                "message_id": message_id,
                "date": unix_now(),
                "chat": {"id": chat, "type": if chat > 0 { "private" } else { "group" }},
                "from": bot_user(),
                "poll": {"id": poll_id},
            }))
        }
        "stoppoll" => ok(json!({"id": "0"})),
        "editmessagetext"
        | "answercallbackquery"
        | "deletewebhook"
        | "setmycommands"
        | "deletemycommands" => ok(json!(true)),
        "getchatmember" => {
            let user = as_i64(body.get("user_id")).unwrap_or_default();
            let status = if fake.lock().teachers.contains(&user) {
                "creator"
            } else {
                "member"
            };
            let mut member = json!({"status": status, "user": user_json(user)});
            if status == "creator" {
                member["is_anonymous"] = json!(false);
            }
            ok(member)
        }
        "getme" => {
            let mut me = bot_user();
            me["can_join_groups"] = json!(true);
            me["can_read_all_group_messages"] = json!(false);
            me["supports_inline_queries"] = json!(false);
            me["can_connect_to_business"] = json!(false);
            me["has_main_web_app"] = json!(false);
            ok(me)
        }
        "getwebhookinfo" => {
            ok(json!({"url": "", "has_custom_certificate": false, "pending_update_count": 0}))
        }
        _ => error(StatusCode::NOT_FOUND, "Not Found: method not found"),
    }
}

/// Hands out queued updates from `offset` on at once, or waits for some up to the request's
/// timeout (at most [`LONGEST_POLL`]); answers `[]` at once while the bot is being stopped.
async fn get_updates(fake: &Fake, body: &Value) -> Response {
    let offset = as_i64(body.get("offset"));
    let limit = as_i64(body.get("limit")).unwrap_or(100).clamp(1, 100) as usize;
    let timeout = as_i64(body.get("timeout")).unwrap_or(0).max(0) as u64;
    let deadline = tokio::time::Instant::now() + LONGEST_POLL.min(Duration::from_secs(timeout));
    loop {
        let notified = fake.updates.notified();
        tokio::pin!(notified);
        notified.as_mut().enable();
        {
            let mut inner = fake.lock();
            if let Some(offset) = offset {
                // Like Telegram: updates below the offset are confirmed and forgotten.
                while inner.queue.front().is_some_and(|(id, _)| *id < offset) {
                    inner.queue.pop_front();
                }
            }
            if fake.stopping.load(Ordering::SeqCst) {
                return ok(json!([]));
            }
            if !inner.queue.is_empty() {
                let now = Instant::now();
                let mut text = String::from("{\"ok\":true,\"result\":[");
                let mut ids = Vec::new();
                for (n, (id, update)) in inner.queue.iter().take(limit).enumerate() {
                    if n > 0 {
                        text.push(',');
                    }
                    text.push_str(update);
                    ids.push(*id);
                }
                for id in ids {
                    inner.handed.entry(id).or_insert(now);
                }
                drop(inner);
                text.push_str("]}");
                return json_response(StatusCode::OK, text);
            }
        }
        if tokio::time::timeout_at(deadline, notified).await.is_err() {
            return ok(json!([]));
        }
    }
}
