//! The command menu Telegram shows when a user types `/`: set at start with setMyCommands for
//! private chats and for groups, once per language the bot speaks.

use teloxide::prelude::*;
use teloxide::types::{BotCommand, BotCommandScope};

use crate::app::App;
use crate::i18n::Lang;

/// Registers the menu. A failure is logged and not fatal: the bot still answers commands.
pub async fn register(bot: &Bot, app: &App) {
    for scope in [
        BotCommandScope::AllPrivateChats,
        BotCommandScope::AllGroupChats,
    ] {
        for lang in Lang::ALL {
            let commands: Vec<BotCommand> = app
                .menu(lang)
                .into_iter()
                .map(|(command, about)| BotCommand::new(command, about))
                .collect();
            let mut request = bot.set_my_commands(commands).scope(scope.clone());
            // The default language's menu is the one for everyone; others are per language.
            if lang != app.default_lang() {
                request = request.language_code(lang.code());
            }
            if let Err(e) = request.await {
                tracing::warn!(error = %e, language = lang.code(), "could not register the command menu");
            }
        }
    }
}
