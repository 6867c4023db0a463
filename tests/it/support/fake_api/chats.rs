//! Chats and their members: the chats the fake has seen, a basic group upgraded to a
//! supergroup (every later call naming the old id refused with `migrate_to_chat_id`, after the
//! Bot API's ResponseParameters; the service messages, after tdlib/telegram-bot-api #266), the
//! bot added to a group (ChatMemberUpdated), the group's default permissions (getChat's
//! `permissions`) and a member's status (`getChatMember`).

use std::collections::HashMap;

use serde_json::{Value, json};

use super::{FakeApi, Pushed, Shared, TgUser, as_i64, bad_request, bot_user, merge, now, ok};

/// The chat with `id`: as seen in an update, or guessed from the id's sign.
pub(super) fn chat_json(chats: &HashMap<i64, Value>, id: i64) -> Value {
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

impl FakeApi {
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

    /// Makes getChatMember answer `status` ("creator", "administrator", "member", "left",
    /// "kicked") for `user` in `chat_id`.
    pub fn set_member_status(&self, chat_id: i64, user: &TgUser, status: &str) {
        self.shared
            .lock()
            .members
            .insert((chat_id, user.id), (user.json(), status.to_string()));
    }
}

/// A call naming a basic group that was upgraded to a supergroup is refused, naming the new id
/// in `parameters.migrate_to_chat_id` (Bot API, ResponseParameters: "The group has been
/// migrated to a supergroup with the specified identifier").
pub(super) fn refuse_if_migrated(shared: &Shared, body: &Value) -> Option<(u16, Value)> {
    let chat = body.get("chat_id").and_then(as_i64)?;
    let new = shared.lock().migrated.get(&chat).copied()?;
    Some((
        400,
        json!({
            "ok": false,
            "error_code": 400,
            "description": "Bad Request: group chat was upgraded to a supergroup chat",
            "parameters": {"migrate_to_chat_id": new},
        }),
    ))
}

/// A message to the private chat of a user who never wrote to the bot there is refused:
/// Telegram lets a bot write first to no one ("403: Forbidden: bot can't initiate
/// conversation with a user", as bots report it: TelegramBotAPI/errors #2, lnp2pBot/bot
/// #159). Opening the bot through a deep link sends `/start ...` from the user, which counts.
pub(super) fn refuse_uninvited(inner: &super::Inner, chat_id: i64) -> Option<(u16, Value)> {
    (chat_id > 0 && !inner.started.contains(&chat_id)).then(|| {
        (
            403,
            json!({
                "ok": false,
                "error_code": 403,
                "description": "Forbidden: bot can't initiate conversation with a user",
            }),
        )
    })
}

/// getChatMember: the status a test set for this user in this chat; else "member" for a user
/// seen writing in it, and "left" for anyone else: Telegram answers a user who is not in the
/// chat with ChatMemberLeft (tdlib's telegram-bot-api, `Client::is_chat_member`: "left" and
/// "kicked" are not members; the Bot API's ChatMemberLeft).
pub(super) fn get_chat_member(shared: &Shared, body: &Value) -> (u16, Value) {
    let (Some(chat_id), Some(user_id)) = (
        body.get("chat_id").and_then(as_i64),
        body.get("user_id").and_then(as_i64),
    ) else {
        return bad_request("chat_id and user_id are required");
    };
    let inner = shared.lock();
    let (user, status) = inner
        .members
        .get(&(chat_id, user_id))
        .cloned()
        .unwrap_or_else(|| {
            let user = json!({"id": user_id, "is_bot": false, "first_name": "Member"});
            let seen = inner.seen_in.contains(&(chat_id, user_id));
            (user, if seen { "member" } else { "left" }.to_string())
        });
    drop(inner);
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
pub(super) fn get_chat(shared: &Shared, body: &Value) -> (u16, Value) {
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
