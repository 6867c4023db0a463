//! Who sent an update: the engines' [`Player`] for a Telegram user, and whether a user
//! administers a chat (asked of Telegram only when a command needs it).

use teloxide::prelude::*;
use teloxide::types::UserId;

use crate::quiz::Player;

/// The player behind a Telegram user.
pub fn player(user: &teloxide::types::User) -> Player {
    Player {
        id: user.id.0 as i64,
        name: user.full_name(),
        language_code: user.language_code.clone(),
    }
}

/// Whether `user` administers `chat`, by asking Telegram (getChatMember). Any error: no.
pub async fn is_admin(bot: &Bot, chat: ChatId, user: UserId) -> bool {
    match bot.get_chat_member(chat, user).await {
        Ok(member) => member.is_privileged(),
        Err(e) => {
            tracing::warn!(error = %e, "getChatMember failed; treating the user as not an admin");
            false
        }
    }
}
