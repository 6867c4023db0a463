//! A group chat with the real bot in it: the fake Telegram, the bot running against it with a
//! database of its own, which the test opens too (to see what is stored), and the group's id.
//! The bot can be stopped, its "process" ended, and started again on the same database.

use debate_bot::settings::QuizSettings;
use debate_bot::store::Store;
use tokio::runtime::{Handle, Runtime};

use super::bot::{RunningBot, start_bot_on, start_bot_with};
use super::fake_api::{Call, FakeApi, TgUser, visible};
use super::temp_database;

/// A group chat with the bot in it, as the module says.
pub struct GroupChat {
    pub api: FakeApi,
    /// The bot, while it runs.
    pub bot: Option<RunningBot>,
    /// The bot's database (a `sqlite://` URL), kept across restarts.
    pub database: String,
    /// The bot's database, opened by the test too.
    pub store: Store,
    /// The group the test talks in.
    pub chat: i64,
    /// The quiz settings the bot runs with.
    quiz: QuizSettings,
}

impl GroupChat {
    /// A fresh fake API and the bot running against it with `quiz` and a new database;
    /// returns once the bot polls.
    pub async fn start(chat: i64, quiz: QuizSettings) -> GroupChat {
        GroupChat::start_on(&Handle::current(), chat, quiz).await
    }

    /// The same, with the bot on `runtime` (a "process" that [`GroupChat::end_process`] ends).
    pub async fn start_on(runtime: &Handle, chat: i64, quiz: QuizSettings) -> GroupChat {
        let api = FakeApi::start().await;
        let database = temp_database();
        let bot = start_bot_on(runtime, &api, &database, quiz);
        // The bot opens (and migrates) its database before it polls.
        api.wait_nth("getUpdates", 0).await;
        let store = Store::open(&database).await.expect("the bot's database");
        GroupChat {
            api,
            bot: Some(bot),
            database,
            store,
            chat,
            quiz,
        }
    }

    /// Stops the bot (everything it sends is sent by then).
    pub async fn stop(&mut self) {
        if let Some(bot) = self.bot.take() {
            bot.stop().await;
        }
    }

    /// Stops the bot and ends its process: what it spawned (wake-ups) goes with it.
    pub async fn end_process(&mut self, process: Runtime) {
        self.stop().await;
        process.shutdown_background();
    }

    /// Starts a new bot on the same database and fake Telegram; returns once it polls.
    pub async fn start_again(&mut self) {
        assert!(self.bot.is_none(), "stop the running bot first");
        let updates = self.api.count("getUpdates");
        self.bot = Some(start_bot_with(&self.api, &self.database, self.quiz));
        self.api.wait_nth("getUpdates", updates + 1).await;
    }

    /// Sends `text` from `user` in the group; returns the next sendMessage, which must be
    /// delivered there.
    pub async fn say(&self, user: &TgUser, text: &str) -> Call {
        let before = self.api.count("sendMessage");
        self.api.group_text(self.chat, user, text);
        let call = self.api.wait_nth("sendMessage", before).await;
        assert_eq!(call.chat_id(), Some(self.chat), "{}", call.summary());
        assert!(call.ok(), "{}", call.response);
        call
    }

    /// Like [`GroupChat::say`]; returns what a reader sees of the answer.
    pub async fn ask(&self, user: &TgUser, text: &str) -> String {
        visible(&self.say(user, text).await)
    }
}

/// Makes a test's own type over a [`GroupChat`] (`struct Class(GroupChat)`, with the test's
/// methods) deref to it, so that the group chat's fields and methods are the type's too.
macro_rules! derefs_to_group_chat {
    ($wrapper:ty) => {
        impl std::ops::Deref for $wrapper {
            type Target = $crate::support::group_chat::GroupChat;

            fn deref(&self) -> &Self::Target {
                &self.0
            }
        }

        impl std::ops::DerefMut for $wrapper {
            fn deref_mut(&mut self) -> &mut Self::Target {
                &mut self.0
            }
        }
    };
}
pub(crate) use derefs_to_group_chat;
