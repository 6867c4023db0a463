//! `/settings` end to end: the real bot against the fake Bot API. An admin gets the
//! chat's settings with a row of buttons per setting and changes them in place; a member gets
//! one line, and a member's press, forged data or a value outside the allowed set gets a short
//! notice and changes nothing. Anyone may change a private chat's. The settings survive a
//! group's upgrade to a supergroup, and show at the foot of /help. What each setting does to
//! the next quiz or debate is `settings_apply.rs`'s. Expected text comes from the ui files
//! through the app's own rendering.

use crate::support;

use debate_bot::app::Defaults;
use debate_bot::callback_data::{self, Action};
use debate_bot::i18n::Lang;
use debate_bot::settings::QuizSettings;
use debate_bot::settings::{ChatSettings, Scoring, SettingChange, Starters};
use debate_bot::store::Store;
use debate_bot::vocab::Millis;
use support::group_chat::{GroupChat, derefs_to_group_chat};
use support::people::{student, teacher};
use support::{Call, TgUser, shown, ui, visible};

pub const GROUP: i64 = -4_000_000_913;

/// The quiz settings the bot runs with here: questions of 30 s as in config.toml.
pub const QUIZ: QuizSettings = QuizSettings {
    questions: 5,
    question_seconds: 30,
    max_questions: 20,
    pictures: false,
};

pub fn defaults() -> Defaults {
    Defaults {
        quiz: QUIZ,
        debate: Default::default(),
    }
}

pub fn english_student() -> TgUser {
    TgUser::new(3_002, "Sam", Some("en"))
}

/// The settings message the bot should show for `settings`, in `lang`.
pub fn expected(lang: Lang, settings: &ChatSettings) -> (String, Vec<Vec<(String, String)>>) {
    shown(&support::app().settings_reply(lang, settings, defaults()))
}

/// The data of the button that makes `change` on a settings message in Chinese.
pub fn setting_data(change: SettingChange) -> String {
    let action = Action::Setting {
        lang: Lang::Zh,
        change,
    };
    callback_data::encode(&action, support::shipped_app().corpus()).expect("a setting's data")
}

/// A group with the bot (the teacher an admin there), its database and the fake Telegram.
pub struct Room(GroupChat);

derefs_to_group_chat!(Room);

impl Room {
    pub async fn start() -> Room {
        let chat = GroupChat::start(GROUP, QUIZ).await;
        chat.api
            .set_member_status(GROUP, &teacher(), "administrator");
        Room(chat)
    }

    /// Presses `data` under `message` as `user`; returns the callback's answer.
    pub async fn press(&self, user: &TgUser, message: &Call, data: &str) -> Call {
        let before = self.api.count("answerCallbackQuery");
        self.api.press(user, message, data);
        let answer = self.api.wait_nth("answerCallbackQuery", before).await;
        assert!(answer.ok(), "{}", answer.response);
        answer
    }

    /// The teacher makes one change through a fresh /settings message; returns once it is
    /// stored (the press is answered after the change is committed) and the message edited.
    pub async fn set(&self, change: SettingChange) {
        let message = self.say(&teacher(), "/settings").await;
        let edits = self.api.count("editMessageText");
        let answer = self
            .press(&teacher(), &message, &setting_data(change))
            .await;
        assert!(answer.body.get("text").is_none(), "{}", answer.body);
        let edit = self.api.wait_nth("editMessageText", edits).await;
        assert!(edit.ok(), "{}", edit.response);
    }

    /// The chat's settings as stored, read afresh (a new connection, no cache).
    pub async fn stored(&self) -> ChatSettings {
        let store = Store::open(&self.database)
            .await
            .expect("the bot's database");
        store.chat_settings(GROUP).await.expect("the settings")
    }
}

fn notice(answer: &Call) -> &str {
    answer.body["text"].as_str().unwrap_or_default()
}

#[tokio::test]
async fn admins_change_a_groups_settings_in_place_and_members_cannot() {
    let mut room = Room::start().await;
    let (teacher, student) = (teacher(), student(0));
    let zh = ui(Lang::Zh);

    // A member asking gets one line, and Telegram was asked who they are.
    let refused = room.say(&student, "/settings").await;
    assert_eq!(visible(&refused), zh.settings_only_admins);
    assert!(refused.buttons().is_empty());
    assert_eq!(room.api.count("getChatMember"), 1);

    // The admin gets every setting with its value and a row of buttons each, the defaults
    // ticked, as a reply to the command.
    let message = room.say(&teacher, "/settings").await;
    let unset = ChatSettings::default();
    assert_eq!(
        (message.text().to_string(), message.buttons()),
        expected(Lang::Zh, &unset)
    );
    assert!(message.reply_to().is_some());
    let rows = message.buttons();
    assert_eq!(
        rows.iter().map(Vec::len).collect::<Vec<_>>(),
        [3, 5, 4, 2, 2, 4, 2]
    );
    let tick = support::say_until(Lang::Zh, "settings_chosen", &[], "label");
    let ticked: Vec<&str> = rows
        .iter()
        .flatten()
        .filter(|(label, _)| label.starts_with(&tick))
        .map(|(_, data)| data.as_str())
        .collect();
    assert_eq!(
        ticked,
        [
            "c:zh:lang:own",
            "c:zh:sec:30",
            "c:zh:q:5",
            "c:zh:who:all",
            "c:zh:score:right",
            "c:zh:min:60",
            // This bot runs with `[quiz] pictures = false` (see `QUIZ`).
            "c:zh:pic:off"
        ]
    );

    // A member's press: a notice, no edit, nothing stored.
    let edits = room.api.count("editMessageText");
    let answer = room.press(&student, &message, "c:zh:sec:20").await;
    assert_eq!(notice(&answer), zh.settings_press_only_admins);
    // An English-speaking member is refused in English, both ways.
    let sam = english_student();
    let en = ui(Lang::En);
    assert_eq!(
        visible(&room.say(&sam, "/settings").await),
        en.settings_only_admins
    );
    let answer = room.press(&sam, &message, "c:zh:q:10").await;
    assert_eq!(notice(&answer), en.settings_press_only_admins);
    // Forged data: a value outside the set, an unknown setting, extra parts, junk.
    for forged in [
        "c:zh:sec:25",
        "c:zh:q:50",
        "c:zh:min:5",
        "c:zh:colour:red",
        "c:zh:sec:20:x",
        "c:",
    ] {
        let answer = room.press(&teacher, &message, forged).await;
        assert_eq!(notice(&answer), zh.button_stale, "{forged}");
    }
    assert_eq!(room.stored().await, unset);
    assert_eq!(room.api.count("editMessageText"), edits);

    // The admin's presses change the settings and the message in place.
    let mut now = unset;
    for change in [
        SettingChange::Seconds(20),
        SettingChange::Questions(10),
        SettingChange::Starters(Starters::Admins),
        SettingChange::Scoring(Scoring::Points),
        SettingChange::Minutes(1440),
    ] {
        let edits = room.api.count("editMessageText");
        let answer = room.press(&teacher, &message, &setting_data(change)).await;
        assert!(answer.body.get("text").is_none(), "{}", answer.body);
        let edit = room.api.wait_nth("editMessageText", edits).await;
        now = now.with(change);
        assert_eq!(
            (edit.text().to_string(), edit.buttons()),
            expected(Lang::Zh, &now)
        );
        assert_eq!(room.stored().await, now);
    }
    // Pressing what is already chosen changes nothing and edits nothing.
    let edits = room.api.count("editMessageText");
    room.press(&teacher, &message, "c:zh:sec:20").await;
    // "English": the message turns English at once.
    room.press(&teacher, &message, "c:zh:lang:en").await;
    let edit = room.api.wait_nth("editMessageText", edits).await;
    now = now.with(SettingChange::Language(Some(Lang::En)));
    assert_eq!(
        (edit.text().to_string(), edit.buttons()),
        expected(Lang::En, &now)
    );
    assert_eq!(room.api.count("editMessageText"), edits + 1);

    // /help shows them at its foot, in the group's language now.
    let help = room.say(&student, "/help").await;
    let foot = support::app().settings_foot(Lang::En, &now, defaults());
    assert!(help.text().ends_with(&foot.to_html()), "{}", help.text());
    room.stop().await;
}

#[tokio::test]
async fn anyone_changes_their_private_chats_settings_and_no_one_is_asked_about() {
    let mut room = Room::start().await;
    let user = english_student();
    let before = room.api.count("sendMessage");
    room.api.private_text(&user, "/settings");
    let message = room.api.wait_nth("sendMessage", before).await;
    assert_eq!(
        (message.text().to_string(), message.buttons()),
        expected(Lang::En, &ChatSettings::default())
    );
    let answer = room.press(&user, &message, "c:en:sec:60").await;
    assert!(answer.body.get("text").is_none(), "{}", answer.body);
    let edit = room.api.wait_nth("editMessageText", 0).await;
    let now = ChatSettings::default().with(SettingChange::Seconds(60));
    assert_eq!(
        (edit.text().to_string(), edit.buttons()),
        expected(Lang::En, &now)
    );
    // A private chat has no admins to ask about.
    assert_eq!(room.api.count("getChatMember"), 0);
    let store = Store::open(&room.database).await.unwrap();
    assert_eq!(store.chat_settings(user.id).await.unwrap(), now);
    room.stop().await;
}

/// The store moves a group's settings with it when it becomes a supergroup; a supergroup that
/// has settings of its own already keeps them.
#[tokio::test]
async fn settings_move_with_an_upgraded_group() {
    let dir = support::TempDir::new("settings-move");
    let url = format!("sqlite://{}", dir.path().join("bot.db").display());
    let store = Store::open(&url).await.unwrap();
    let (old, new, other_old, other_new) = (-11, -1_000_000_011, -12, -1_000_000_012);
    store
        .change_chat_settings(old, SettingChange::Seconds(120), Millis(1))
        .await
        .unwrap();
    store
        .change_chat_settings(old, SettingChange::Scoring(Scoring::Points), Millis(2))
        .await
        .unwrap();
    // Read before the move: the move must not leave a stale copy behind.
    assert_eq!(
        store.chat_settings(new).await.unwrap(),
        ChatSettings::default()
    );
    store.migrate_chat(old, new, Millis(3)).await.unwrap();
    let moved = ChatSettings::default()
        .with(SettingChange::Seconds(120))
        .with(SettingChange::Scoring(Scoring::Points));
    assert_eq!(store.chat_settings(new).await.unwrap(), moved);
    assert_eq!(
        store.chat_settings(old).await.unwrap(),
        ChatSettings::default()
    );
    // Again: nothing more moves.
    store.migrate_chat(old, new, Millis(4)).await.unwrap();
    assert_eq!(store.chat_settings(new).await.unwrap(), moved);
    // Read afresh from the file (loaded whole when the store opens), not this store's copy.
    let reopened = Store::open(&url).await.unwrap();
    assert_eq!(reopened.chat_settings(new).await.unwrap(), moved);
    assert_eq!(
        reopened.chat_settings(old).await.unwrap(),
        ChatSettings::default()
    );

    store
        .change_chat_settings(other_old, SettingChange::Seconds(10), Millis(5))
        .await
        .unwrap();
    store
        .change_chat_settings(other_new, SettingChange::Seconds(60), Millis(6))
        .await
        .unwrap();
    store
        .migrate_chat(other_old, other_new, Millis(7))
        .await
        .unwrap();
    let kept = ChatSettings::default().with(SettingChange::Seconds(60));
    assert_eq!(store.chat_settings(other_new).await.unwrap(), kept);
    assert_eq!(
        store.chat_settings(other_old).await.unwrap(),
        ChatSettings::default()
    );
}

/// End to end: the upgrade's service message moves the settings, and the supergroup's next
/// quiz follows them.
#[tokio::test]
async fn an_upgraded_group_keeps_its_settings() {
    let mut room = Room::start().await;
    room.set(SettingChange::Seconds(120)).await;
    let new = -1_000_004_000_913;
    room.api.upgrade(GROUP, new);
    let updates = room.api.count("getUpdates");
    room.api.migrate_from_message(new, GROUP, &teacher());
    room.api.wait_nth("getUpdates", updates + 2).await;
    let polls = room.api.count("sendPoll");
    room.api.supergroup_text(new, &student(0), "/quiz 1");
    let poll = room.api.wait_nth("sendPoll", polls).await;
    assert_eq!(poll.chat_id(), Some(new));
    assert_eq!(poll.body["open_period"], 120);
    room.stop().await;
}
