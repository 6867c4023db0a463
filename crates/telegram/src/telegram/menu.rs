//! The command menu Telegram shows when a user types `/`: set at start with setMyCommands for
//! private chats and for groups, once per language the core names (see `Effect::Menu`).

use teloxide::prelude::*;
use teloxide::types::{BotCommand, BotCommandScope};

/// Registers `commands` as the menu for `language` (`None`: for everyone), in private chats
/// and in groups. A failure is logged and not fatal: the bot still answers commands.
pub async fn register(bot: &Bot, language: Option<&str>, commands: Vec<(String, String)>) {
    let commands: Vec<BotCommand> = commands
        .into_iter()
        .map(|(command, about)| BotCommand::new(command, about))
        .collect();
    for scope in [
        BotCommandScope::AllPrivateChats,
        BotCommandScope::AllGroupChats,
    ] {
        let mut request = bot.set_my_commands(commands.clone()).scope(scope);
        if let Some(language) = language {
            request = request.language_code(language);
        }
        if let Err(e) = request.await {
            tracing::warn!(error = %e, language, "could not register the command menu");
        }
    }
}
