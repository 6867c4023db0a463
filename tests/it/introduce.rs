//! The bot introduces itself, end to end against the fake Bot API: added to a group it posts
//! one short guide (with a warning when the group does not let it send polls, checked as
//! Telegram decides it), an upgrade is no new group, /start in a private chat offers
//! Telegram's "add to a group" link, and `/start quiz` in a group (what that link sends)
//! answers with the teacher's guide.

use crate::support;

use std::time::Duration;

use debate_bot::i18n::Lang;
use support::fake_api::{BOT_USERNAME, Call};
use support::{FakeApi, TgUser};

const GROUP: i64 = -4_000_000_601;

fn to_chat(api: &FakeApi, chat: i64) -> Vec<Call> {
    api.calls_of("sendMessage")
        .into_iter()
        .filter(|c| c.chat_id() == Some(chat) && c.ok())
        .collect()
}

/// The introduction the core composes, as Telegram shows it.
fn introduction(lang: Lang, can_send_polls: bool) -> String {
    let reply = support::app().introduction(lang, can_send_polls, Some(BOT_USERNAME));
    reply.doc.to_html()
}

#[tokio::test]
async fn added_to_a_group_it_introduces_itself_in_the_language_of_who_added_it() {
    let (api, bot) = support::start().await;
    let teacher = TgUser::new(6101, "Teacher", Some("en"));
    api.bot_added_to_group(GROUP, &teacher, "member");
    let intro = api
        .wait_for("the introduction", |c| {
            c.method == "sendMessage" && c.chat_id() == Some(GROUP)
        })
        .await;
    assert!(intro.ok(), "{}", intro.summary());
    assert_eq!(intro.text(), introduction(Lang::En, true));
    let app = support::app();
    let ui = &app.view(Lang::En).ui;
    assert!(intro.text().contains(&ui.intro_first), "{}", intro.text());
    assert!(
        intro.text().contains(&format!("/quiz@{BOT_USERNAME}")),
        "how to reach it among other bots: {}",
        intro.text()
    );
    assert!(!intro.text().contains(&ui.intro_no_polls));
    // A plain member: the group's own permissions were asked for.
    assert_eq!(api.count("getChat"), 1);
    bot.stop().await;
    assert_eq!(to_chat(&api, GROUP).len(), 1, "one introduction");
}

#[tokio::test]
async fn a_group_that_forbids_polls_is_told_so_at_once() {
    let (api, bot) = support::start().await;
    let teacher = TgUser::new(6102, "老师", None);
    // The group's members may not send polls, and the bot is a plain member.
    api.set_chat_permissions(GROUP, false);
    api.bot_added_to_group(GROUP, &teacher, "member");
    let intro = api
        .wait_for("the introduction", |c| {
            c.method == "sendMessage" && c.chat_id() == Some(GROUP)
        })
        .await;
    assert_eq!(intro.text(), introduction(Lang::Zh, false));
    let app = support::app();
    let ui = &app.view(Lang::Zh).ui;
    assert!(
        intro.text().contains(&ui.intro_no_polls),
        "{}",
        intro.text()
    );

    // Restricted by name: its own rights say so, no need to ask.
    const OTHER: i64 = -4_000_000_602;
    api.bot_added_to_group(OTHER, &teacher, "restricted");
    let intro = api
        .wait_for("the second introduction", |c| {
            c.method == "sendMessage" && c.chat_id() == Some(OTHER)
        })
        .await;
    assert_eq!(intro.text(), introduction(Lang::Zh, false));

    // An administrator may send anything.
    const THIRD: i64 = -4_000_000_603;
    api.set_chat_permissions(THIRD, false);
    api.bot_added_to_group(THIRD, &teacher, "administrator");
    let intro = api
        .wait_for("the third introduction", |c| {
            c.method == "sendMessage" && c.chat_id() == Some(THIRD)
        })
        .await;
    assert_eq!(intro.text(), introduction(Lang::Zh, true));
    assert_eq!(api.count("getChat"), 1, "asked only for the plain member");
    bot.stop().await;
}

#[tokio::test]
async fn an_upgraded_group_is_not_greeted_again() {
    let (api, bot) = support::start().await;
    const NEW: i64 = -1_001_400_000_601;
    let teacher = TgUser::new(6103, "老师", None);
    api.upgrade(GROUP, NEW);
    // Telegram reports the bot joining the supergroup along with the upgrade's messages.
    api.migrate_to_message(GROUP, NEW, &teacher);
    api.migrate_from_message(NEW, GROUP, &teacher);
    // Longer than the introduction waits for an upgrade's messages (2 s).
    tokio::time::sleep(Duration::from_secs(3)).await;
    let asked = api.supergroup_text(NEW, &teacher, "/source");
    api.wait_for("the reply to /source", |c| {
        c.method == "sendMessage" && c.reply_to() == Some(asked.message_id())
    })
    .await;
    bot.stop().await;
    let sent = to_chat(&api, NEW);
    assert_eq!(sent.len(), 1, "only the reply: {}", api.describe_calls());
    assert_eq!(sent[0].reply_to(), Some(asked.message_id()));
}

#[tokio::test]
async fn start_in_private_offers_the_link_that_adds_the_bot_to_a_class_group() {
    let (api, bot) = support::start().await;
    let teacher = TgUser::new(6104, "Teacher", Some("en"));
    api.private_text(&teacher, "/start");
    let reply = api
        .wait_for("the reply to /start", |c| c.method == "sendMessage")
        .await;
    let app = support::app();
    let ui = &app.view(Lang::En).ui;
    let button = &reply.body["reply_markup"]["inline_keyboard"][0][0];
    assert_eq!(button["text"], ui.button_add_to_group.as_str());
    assert_eq!(
        button["url"],
        format!("https://t.me/{BOT_USERNAME}?startgroup=quiz")
    );
    bot.stop().await;
}

#[tokio::test]
async fn start_quiz_in_a_group_answers_with_the_teachers_guide() {
    let (api, bot) = support::start().await;
    let teacher = TgUser::new(6105, "老师", None);
    // What the link sends to the group it added the bot to.
    api.group_text(GROUP, &teacher, &format!("/start@{BOT_USERNAME} quiz"));
    let guide = api
        .wait_for("the guide", |c| {
            c.method == "sendMessage" && c.chat_id() == Some(GROUP)
        })
        .await;
    let app = support::app();
    let ui = &app.view(Lang::Zh).ui;
    assert!(
        guide
            .text()
            .starts_with(&format!("<b>{}</b>", ui.guide_title))
    );
    for line in [
        &ui.guide_quiz,
        &ui.guide_run,
        &ui.guide_results,
        &ui.guide_debate,
        &ui.guide_settings,
    ] {
        assert!(
            guide.text().contains(line.as_str()),
            "{line} in {}",
            guide.text()
        );
    }
    assert!(
        guide.body.get("reply_markup").is_none(),
        "no add-to-group link inside the group"
    );
    // A plain /start in the group is the greeting, as before.
    api.group_text(GROUP, &teacher, "/start");
    let hello = api.wait_nth("sendMessage", 1).await;
    assert!(hello.text().contains(&ui.start_try), "{}", hello.text());
    bot.stop().await;
}
