//! Forum supergroups and their topics: where a message the bot sends lands (the topic it
//! names, the topic of the message it replies to, or General), and what Telegram refuses (a
//! topic that is none, a closed General); a reply in a group that is no forum carries a
//! `message_thread_id` that is no topic. Sources: tdlib/telegram-bot-api #447 and #356,
//! tdesktop #30476, as cited at [`landing`] and [`FakeApi::reply_thread_text`].

use std::collections::HashSet;

use serde_json::{Value, json};

use super::updates::text_fields;
use super::{FakeApi, Inner, Pushed, TgUser, as_i64, bad_request, now};

/// A forum supergroup: its open topics, and whether its General topic is closed to members
/// (the bot included, as it is no admin here).
#[derive(Debug, Clone, Default)]
pub(super) struct Forum {
    topics: HashSet<i64>,
    general_closed: bool,
}

impl FakeApi {
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
pub(super) fn landing(
    inner: &Inner,
    chat_id: i64,
    body: &Value,
) -> Result<Option<i64>, (u16, Value)> {
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
