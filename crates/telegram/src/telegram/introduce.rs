//! The bot introduces itself when it is added to a group (a `my_chat_member` update): one
//! short guide, and a warning when the group does not let it send polls, which every quiz and
//! debate needs, rather than a failure at the first quiz.
//!
//! Telegram also reports the bot as joining the supergroup a group was upgraded to (the
//! upgrade's own `migrate_from_chat_id` message comes with it, in either order;
//! tdlib/telegram-bot-api #266). That class has met the bot already: so the greeting waits a
//! moment, and a chat that was upgraded meanwhile or just before is not greeted.

use std::sync::Arc;
use std::time::Duration;

use teloxide::payloads::GetChat;
use teloxide::prelude::*;
use teloxide::requests::JsonRequest;
use teloxide::types::{ChatMemberKind, ChatMemberUpdated, ChatPermissions, Me};

use super::effects::Interpreter;
use super::lanes;
use super::send::AnswerAs;
use crate::core::{Input, Unlimited};

/// How long a greeting waits for an upgrade's service message to arrive.
const SETTLE: Duration = Duration::from_secs(2);
/// The bot's own membership changed: when it was added to a group, it introduces itself.
pub fn on_my_chat_member(update: ChatMemberUpdated, me: &Arc<Me>, interpreter: &Interpreter) {
    let chat = &update.chat;
    let joined =
        !update.old_chat_member.kind.is_present() && update.new_chat_member.kind.is_present();
    if !joined || !(chat.is_group() || chat.is_supergroup()) {
        return;
    }
    let (me, interpreter) = (Arc::clone(me), interpreter.clone());
    let chat = chat.id;
    let language_code = update.from.language_code;
    let rights = update.new_chat_member.kind;
    lanes::spawn("introduction", async move {
        tokio::time::sleep(SETTLE).await;
        if interpreter.upgrades.lately(chat.0) {
            tracing::info!("no introduction: the group was upgraded, not joined");
            return;
        }
        let can_send_polls = match rights {
            ChatMemberKind::Owner(_) | ChatMemberKind::Administrator(_) => true,
            ChatMemberKind::Restricted(restricted) => restricted.can_send_polls,
            _ => chat_allows_polls(&interpreter.bot, chat).await,
        };
        let joined = Input::Joined {
            chat: chat.0,
            language_code: language_code.as_deref(),
            can_send_polls,
            bot_username: me.user.username.as_deref(),
        };
        let handled = interpreter.core.handle(joined, &Unlimited).await;
        let lanes = interpreter.lanes.clone();
        lanes.queue(chat.0, async move {
            if interpreter.carry_out(handled.effects).await {
                tracing::info!(can_send_polls, "introduced itself to a group");
            }
        });
    });
}

/// Whether the members of `chat` (the bot among them, when it is a plain member) may send
/// polls: the group's default permissions, as getChat answers them. When Telegram cannot say,
/// yes: a warning that may be false is worse than none.
async fn chat_allows_polls(bot: &Bot, chat: ChatId) -> bool {
    /// What is read of getChat's answer (see [`AnswerAs`]).
    #[derive(Clone, serde::Deserialize)]
    struct Defaults {
        #[serde(default)]
        permissions: Option<ChatPermissions>,
    }
    let request = JsonRequest::new(
        bot.clone(),
        AnswerAs::<_, Defaults>::new(GetChat::new(chat)),
    );
    match request.send().await {
        Ok(info) => info.permissions.is_none_or(|p| p.can_send_polls()),
        Err(e) => {
            tracing::warn!(error = %e, "cannot read the group's permissions");
            true
        }
    }
}
