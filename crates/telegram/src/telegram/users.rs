//! Who sent an update: the engines' [`Player`] for a Telegram user, and whether a user
//! administers a chat (asked of Telegram only when a command needs it).

use teloxide::prelude::*;

use teloxide::types::{Chat, MaybeAnonymousUser};

use crate::vocab::{ChatKind, Membership, Player};

/// The kind of a chat the bot answers in: a private chat, or a group (a basic group or a
/// supergroup); `None` for a channel, where it answers nothing.
pub fn chat_kind(chat: &Chat) -> Option<ChatKind> {
    if chat.is_private() {
        Some(ChatKind::Private)
    } else if chat.is_group() || chat.is_supergroup() {
        Some(ChatKind::Group)
    } else {
        None
    }
}

/// The player behind a Telegram user.
pub fn player(user: &teloxide::types::User) -> Player {
    Player {
        id: user.id.0 as i64,
        name: user.full_name(),
        language_code: user.language_code.clone(),
    }
}

/// Who answered a poll: a user, or a chat voting as itself (a channel: Telegram's
/// `voter_chat`), an identity many people share; `true` for the latter. What such an answer
/// counts for is the core's to decide.
pub fn voter(voter: &MaybeAnonymousUser) -> (Player, bool) {
    match voter {
        MaybeAnonymousUser::User(user) => (player(user), false),
        MaybeAnonymousUser::Chat(chat) => (
            Player {
                id: chat.id.0,
                name: chat.title().unwrap_or_default().to_string(),
                language_code: None,
            },
            true,
        ),
    }
}

/// Whether `msg` was sent under an identity many people share: an anonymous admin writing as
/// the group (`sender_chat` is the chat, `from` is Telegram's GroupAnonymousBot, 1087968824), or
/// someone writing as a channel (`sender_chat` is the channel, `from` is Channel_Bot,
/// 136817688). Its `from` is the same for everyone who writes that way.
pub fn is_shared_identity(msg: &Message) -> bool {
    msg.sender_chat.is_some()
}

/// Whether the sender of `msg` administers its chat. An admin writing anonymously (as the
/// group itself: `sender_chat` is the chat, `from` is Telegram's GroupAnonymousBot) is one by
/// definition; anyone else is asked of Telegram (getChatMember). Any error: no.
pub async fn is_admin(bot: &Bot, msg: &Message) -> bool {
    if msg
        .sender_chat
        .as_ref()
        .is_some_and(|c| c.id == msg.chat.id)
    {
        return true;
    }
    let Some(user) = msg.from.as_ref() else {
        return false;
    };
    is_member_admin(bot, msg.chat.id, user.id).await
}

/// Whether `user` administers `chat`, asked of Telegram (getChatMember). Any error: no.
pub async fn is_member_admin(bot: &Bot, chat: ChatId, user: UserId) -> bool {
    match bot.get_chat_member(chat, user).await {
        Ok(member) => member.is_privileged(),
        Err(e) => {
            tracing::warn!(error = %e, "getChatMember failed; treating the user as not an admin");
            false
        }
    }
}

/// Where `user` stands in `chat`, asked of Telegram (getChatMember). A user who is not in it
/// is answered with status "left" (or "kicked"; "restricted" with `is_member` false when they
/// left while restricted): outside. An error (the bot is not in the group, the network):
/// unknown, so the core can say it could not tell rather than refuse.
pub async fn membership(bot: &Bot, chat: ChatId, user: UserId) -> Membership {
    match bot.get_chat_member(chat, user).await {
        Ok(member) if member.is_privileged() => Membership::Admin,
        Ok(member) if member.is_present() => Membership::Member,
        Ok(_) => Membership::Outside,
        Err(e) => {
            tracing::warn!(error = %e, "getChatMember failed; membership unknown");
            Membership::Unknown
        }
    }
}
