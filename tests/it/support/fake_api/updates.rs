//! The updates the tests push, as Telegram delivers them to a bot (the Bot API's Update,
//! Message, CallbackQuery and InlineQuery objects): users and their chats, messages of every
//! kind (text with its `bot_command` entity, edits, channel posts, stickers, photos, messages
//! sent long ago), callback and inline queries; queued in order and served by `getUpdates`,
//! which forgets what is below the `offset` asked for, as the Bot API documents.

use std::time::Duration;

use serde_json::{Value, json};
use tokio::time::Instant;

use super::chats::chat_json;
use super::{Call, FakeApi, Shared, as_i64, bot_user, merge, now};

/// The longest an empty `getUpdates` is held open.
const LONG_POLL: Duration = Duration::from_millis(200);

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

impl FakeApi {
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

    pub(super) fn remember_chat(&self, chat: &Value) {
        let id = as_i64(&chat["id"]).expect("a chat id");
        self.shared.lock().chats.insert(id, chat.clone());
    }

    /// A Message object from `from` in `chat` with `fields` (text, sticker, ...).
    pub(super) fn user_message(&self, chat: Value, from: Option<&TgUser>, fields: Value) -> Value {
        self.remember_chat(&chat);
        if let (Some(user), Some(chat_id)) = (from, as_i64(&chat["id"])) {
            let mut inner = self.shared.lock();
            if chat["type"] == "private" {
                inner.started.insert(user.id);
            } else {
                inner.seen_in.insert((chat_id, user.id));
            }
        }
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

    /// A text message from `user` in the supergroup `chat_id`.
    pub fn supergroup_text(&self, chat_id: i64, user: &TgUser, text: &str) -> Pushed {
        let chat = json!({"id": chat_id, "type": "supergroup", "title": "Debate test group"});
        let message = self.user_message(chat, Some(user), text_fields(text));
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

/// Serves queued updates from `offset` on, or waits up to [`LONG_POLL`] (capped by the
/// request's `timeout`) for one, then answers `[]`.
pub(super) async fn get_updates(shared: &Shared, body: &Value) -> Value {
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

/// `text` and, for a command, the `bot_command` entity Telegram adds.
pub(super) fn text_fields(text: &str) -> Value {
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
