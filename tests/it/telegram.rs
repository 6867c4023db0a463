//! End to end: the real bot (`debate_bot::telegram::run`) against a fake Bot API on
//! 127.0.0.1, asserting the requests the bot sends — what a user would see.
//!
//! Each test has its own fake server and bot. Waiting is always for a call (with a deadline),
//! never a fixed sleep. "No reply" is checked two ways: a later command in the same chat gets
//! the next sendMessage (the bot answers one chat in order), and after `run` has
//! stopped (which lets the replies in flight finish) the counts are exact.

use crate::support;

use std::collections::BTreeSet;

use debate_bot::i18n::Lang;
use debate_bot::render::{escape_html, utf16_len};
use serde_json::{Value, json};
use support::fake_api::visible_text;
use support::{Call, Failure, FakeApi, TgUser, core_reply, start, start_bot, start_bot_with_token};
use support::{citation, li_role, role, say, say_after, say_until, speaker_line, topic_header};

const GROUP: i64 = -4_000_000_123;
const CHANNEL: i64 = -1_002_000_000_456;

fn zh_user() -> TgUser {
    TgUser::new(1001, "李雷", Some("zh-hans"))
}

fn en_user() -> TgUser {
    TgUser::new(1002, "Alice", Some("en"))
}

/// A user whose Telegram language is unknown: the default language (Chinese) applies.
fn plain_user() -> TgUser {
    TgUser::new(1003, "Sam", None)
}

// The sentences users see: responses/ui.*.toml, filled as the bot fills them and, in a
// message's HTML, escaped as the bot escapes them. Quotes, names and topics are the corpus's.

/// A sentence of the ui file as a message's HTML carries it.
fn html(lang: Lang, key: &str, args: &[(&str, &str)]) -> String {
    escape_html(&say(lang, key, args))
}

/// The notice for a button the bot no longer knows.
fn stale(lang: Lang) -> String {
    say(lang, "button_stale", &[])
}

/// A topic page's first line: "<b>闭源 · 1/10</b>".
fn topic_title(lang: Lang, title: &str, position: usize, count: usize) -> String {
    let header = topic_header(lang, title, position, count);
    format!("<b>{}</b>", escape_html(&header))
}

/// The Next button under a topic's excerpt, sending `data`.
fn next_button(lang: Lang, data: &str) -> (String, String) {
    (say(lang, "button_next", &[]), data.to_string())
}

/// Sends `text` from `user` in their private chat and returns the next sendMessage.
async fn ask(api: &FakeApi, user: &TgUser, text: &str) -> Call {
    let before = api.count("sendMessage");
    api.private_text(user, text);
    api.wait_nth("sendMessage", before).await
}

/// Sends `text` from `user` in the group and returns the next sendMessage.
async fn ask_group(api: &FakeApi, user: &TgUser, text: &str) -> (i64, Call) {
    let before = api.count("sendMessage");
    let pushed = api.group_text(GROUP, user, text);
    let reply = api.wait_nth("sendMessage", before).await;
    (pushed.message_id(), reply)
}

#[track_caller]
fn assert_contains(call: &Call, needle: &str) {
    assert!(
        call.text().contains(needle),
        "{} text lacks {needle:?}:\n{}",
        call.method,
        call.text()
    );
}

/// A reply in a private chat: to that chat, in HTML, not as a reply to a message.
#[track_caller]
fn assert_private_reply(call: &Call, user: &TgUser) {
    assert_eq!(call.method, "sendMessage");
    assert_eq!(call.chat_id(), Some(user.id), "{}", call.summary());
    assert_eq!(call.parse_mode(), Some("HTML"), "{}", call.summary());
    assert!(
        call.body.get("reply_parameters").is_none(),
        "private replies quote nothing: {}",
        call.body
    );
    assert!(call.ok(), "the fake refused it: {}", call.response);
}

/// The one button under a reply, as (label, callback_data).
#[track_caller]
fn only_button(call: &Call) -> (String, String) {
    let buttons = call.buttons();
    assert_eq!(buttons.len(), 1, "one row of buttons: {buttons:?}");
    assert_eq!(buttons[0].len(), 1, "one button: {buttons:?}");
    buttons[0][0].clone()
}

#[track_caller]
fn assert_no_buttons(call: &Call) {
    assert!(
        call.body.get("reply_markup").is_none(),
        "no keyboard expected: {}",
        call.body
    );
}

// ---- 1. start-up --------------------------------------------------------------------------

#[tokio::test]
async fn start_registers_the_menu_for_private_and_group_chats_in_chinese_and_english() {
    let (api, bot) = start().await;
    bot.stop().await;

    let calls = api.calls();
    let menus: Vec<&Call> = calls
        .iter()
        .filter(|c| c.method == "setMyCommands")
        .collect();
    assert_eq!(menus.len(), 4, "{}", api.describe_calls());

    let mut seen = BTreeSet::new();
    for call in &menus {
        assert!(call.ok());
        let scope = call.body["scope"]["type"].as_str().unwrap_or_default();
        assert!(
            ["all_private_chats", "all_group_chats"].contains(&scope),
            "scope {scope}"
        );
        let language = call.body.get("language_code").and_then(Value::as_str);
        assert!(
            [None, Some("en")].contains(&language),
            "language_code {language:?}"
        );
        assert!(
            seen.insert((scope.to_string(), language)),
            "twice: {scope} {language:?}"
        );

        let commands = call.body["commands"].as_array().expect("commands");
        assert!(!commands.is_empty() && commands.len() <= 100);
        let about = |name: &str| {
            commands
                .iter()
                .find(|c| c["command"] == name)
                .and_then(|c| c["description"].as_str())
                .unwrap_or_else(|| panic!("no /{name} in {scope} {language:?}"))
        };
        for c in commands {
            let name = c["command"].as_str().unwrap_or_default();
            let description = c["description"].as_str().unwrap_or_default();
            assert!(
                (1..=32).contains(&name.len())
                    && name
                        .bytes()
                        .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_'),
                "bad command name {name:?}"
            );
            assert!(
                (1..=256).contains(&description.chars().count()),
                "bad description for /{name}"
            );
        }
        for name in [
            "start", "help", "quote", "who", "source", "closed", "open", "llama",
        ] {
            about(name);
        }
        if language == Some("en") {
            assert_eq!(about("start"), say(Lang::En, "cmd_start", &[]));
            assert_eq!(about("quote"), say(Lang::En, "cmd_quote", &[]));
            assert_eq!(
                about("closed"),
                "The case for closed models: Robin Li, an analyst, and the article's own account (the technology gap, data security, brand backing)"
            );
            assert_eq!(
                about("llama"),
                "Llama 2: its own licence, the 700M-user clause, Microsoft as partner"
            );
        } else {
            assert_eq!(about("start"), say(Lang::Zh, "cmd_start", &[]));
            assert_eq!(about("quote"), say(Lang::Zh, "cmd_quote", &[]));
            assert_eq!(
                about("closed"),
                "闭源的理由:李彦宏、一位分析师,以及文章自己的叙述(技术代差、数据安全、品牌背书)"
            );
            assert_eq!(
                about("open"),
                "开源的理由:罗璇、林吕强,以及文章自己的叙述(鲶鱼效应、丛林法则、事实标准)"
            );
        }
    }
    assert_eq!(seen.len(), 4);

    // getMe first; the menu is set before polling starts; polling asks for what the handlers
    // need (on Telegram, an update type not listed is never delivered).
    assert_eq!(calls[0].method, "getMe");
    let first_poll = calls
        .iter()
        .find(|c| c.method == "getUpdates")
        .expect("a getUpdates");
    assert!(menus.iter().all(|m| m.seq < first_poll.seq));
    let allowed: Vec<&str> = first_poll.body["allowed_updates"]
        .as_array()
        .map(|a| a.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    for kind in ["message", "callback_query"] {
        assert!(
            allowed.contains(&kind),
            "allowed_updates {allowed:?} lacks {kind}"
        );
    }
    // No webhook was set, so none is deleted; and nothing the fake does not know was called.
    assert_eq!(api.count("deleteWebhook"), 0);
    assert!(calls.iter().all(|c| c.ok()), "{}", api.describe_calls());
}

#[tokio::test]
async fn a_leftover_webhook_is_deleted_before_polling() {
    let api = FakeApi::start().await;
    api.set_webhook("https://example.invalid/hook");
    let bot = start_bot(&api);
    api.wait_nth("getUpdates", 0).await;
    bot.stop().await;
    let calls = api.calls();
    let delete = calls
        .iter()
        .find(|c| c.method == "deleteWebhook")
        .expect("deleteWebhook");
    let poll = calls.iter().find(|c| c.method == "getUpdates").unwrap();
    assert!(delete.seq < poll.seq);
}

// ---- 2. private chats -----------------------------------------------------------------------

#[tokio::test]
async fn private_commands_get_one_html_reply_each() {
    let (api, bot) = start().await;
    let user = zh_user();

    let start_reply = ask(&api, &user, "/start").await;
    assert_private_reply(&start_reply, &user);
    let title = "开源与闭源之争:大厂如何抉择?";
    assert_contains(&start_reply, &html(Lang::Zh, "start", &[("title", title)]));
    assert_contains(&start_reply, &html(Lang::Zh, "start_try", &[]));
    // One button, Telegram's own link that adds the bot to a group (tests/it/introduce.rs).
    assert_eq!(
        start_reply.buttons(),
        [[(say(Lang::Zh, "button_add_to_group", &[]), String::new())]]
    );

    let help = ask(&api, &user, "/help").await;
    assert_private_reply(&help, &user);
    let commands = format!(
        "<b>{}</b>\n/start — {}\n",
        html(Lang::Zh, "help_commands", &[]),
        html(Lang::Zh, "cmd_start", &[])
    );
    assert!(help.text().starts_with(&commands), "{}", help.text());
    assert_contains(
        &help,
        &format!("<b>{}</b>", html(Lang::Zh, "help_topics", &[])),
    );
    assert_contains(
        &help,
        "/closed — 闭源的理由:李彦宏、一位分析师,以及文章自己的叙述(技术代差、数据安全、品牌背书)",
    );
    assert_contains(&help, "/llama — Llama 2:自定协议、七亿月活条款、微软合作");
    assert_no_buttons(&help);

    let quote = ask(&api, &user, "/quote").await;
    assert_private_reply(&quote, &user);
    let header = format!(
        "<b>{}</b>\n<blockquote>",
        html(Lang::Zh, "quote_header", &[])
    );
    assert!(quote.text().starts_with(&header), "{}", quote.text());
    assert_contains(&quote, &escape_html(&support::citation_start(Lang::Zh)));
    let (label, data) = only_button(&quote);
    assert_eq!(label, say(Lang::Zh, "button_another", &[]));
    // The button names the excerpt that is shown.
    let corpus = support::app();
    let shown = corpus
        .corpus()
        .excerpts
        .iter()
        .find(|e| data == format!("q:zh:{}", e.id))
        .unwrap_or_else(|| panic!("no excerpt for {data:?}"));
    assert_contains(
        &quote,
        &format!(
            "<blockquote>{}</blockquote>",
            // The words as shown: "…" where they start or end inside their sentence.
            debate_bot::render::escape_html(&shown.shown())
        ),
    );

    let who = ask(&api, &user, "/who").await;
    assert_private_reply(&who, &user);
    let title = format!("<b>{}</b>", html(Lang::Zh, "who_title", &[]));
    assert!(who.text().starts_with(&title), "{}", who.text());
    let li = li_role(Lang::Zh);
    let quoted = html(
        Lang::Zh,
        "who_entry_quoted",
        &[("name", "李彦宏"), ("role", &li), ("count", "4")],
    );
    assert_contains(&who, &format!("• {quoted}"));
    let zhou = role(Lang::Zh, "360", "创始人", true);
    let mentioned = html(
        Lang::Zh,
        "who_entry_mentioned",
        &[("name", "周鸿祎"), ("role", &zhou), ("paragraphs", "8")],
    );
    assert_contains(&who, &format!("• {mentioned}"));
    assert_no_buttons(&who);

    let robin = ask(&api, &user, "/who Robin Li").await;
    assert_private_reply(&robin, &user);
    let head = format!(
        "<b>李彦宏</b> · {}\n{}",
        escape_html(&li),
        html(Lang::Zh, "who_person_count", &[("count", "4")])
    );
    assert!(robin.text().starts_with(&head), "{}", robin.text());
    // The excerpts are the corpus's, verbatim.
    let line = |speech: &str, paragraph: &str| {
        let speech = say(Lang::Zh, speech, &[]);
        let citation = citation(Lang::Zh, paragraph);
        html(
            Lang::Zh,
            "who_excerpt_line",
            &[("speech", &speech), ("citation", &citation)],
        )
    };
    assert_contains(
        &robin,
        &format!(
            "<blockquote>这种情况下,商业化的闭源模型才是行业的未来</blockquote>\n{}",
            line("speech_direct", "5")
        ),
    );
    assert_contains(
        &robin,
        &format!(
            "<blockquote>闭源最终将战胜开源</blockquote>\n{}",
            line("speech_reported", "7")
        ),
    );
    let traditional = ask(&api, &user, "/who 李彥宏").await;
    assert_private_reply(&traditional, &user);
    assert_eq!(
        traditional.text(),
        robin.text(),
        "both names find the same person"
    );

    let source = ask(&api, &user, "/source").await;
    assert_private_reply(&source, &user);
    assert_contains(&source, "<b>开源与闭源之争:大厂如何抉择?</b>");
    let zh = |key, args: &[(&str, &str)]| html(Lang::Zh, key, args);
    assert_contains(&source, &zh("source_outlet", &[("outlet", "电厂")]));
    let published = zh("source_published", &[("published", "2024-07-12 22:52")]);
    assert_contains(&source, &published);
    let byline = zh(
        "source_byline",
        &[("reporter", "张勇毅"), ("editor", "高宇雷")],
    );
    assert_contains(&source, &byline);
    let counts = zh(
        "source_counts",
        &[
            ("paragraphs", "40"),
            ("excerpts", "44"),
            ("people", "6"),
            ("topics", "12"),
        ],
    );
    assert_contains(&source, &counts);
    assert_no_buttons(&source);

    let closed = ask(&api, &user, "/closed").await;
    assert_private_reply(&closed, &user);
    let title = topic_title(Lang::Zh, "闭源", 1, 10);
    assert!(
        closed.text().starts_with(&format!("{title}\n")),
        "{}",
        closed.text()
    );
    assert_contains(
        &closed,
        "<blockquote>这种情况下,商业化的闭源模型才是行业的未来</blockquote>",
    );
    let speaker = speaker_line(Lang::Zh, "李彦宏", &li, "speech_direct");
    assert_contains(&closed, &escape_html(&speaker));
    assert_contains(&closed, &escape_html(&citation(Lang::Zh, "5")));
    assert_eq!(only_button(&closed), next_button(Lang::Zh, "t:zh:closed:1"));

    let open = ask(&api, &user, "/open").await;
    assert_private_reply(&open, &user);
    let title = topic_title(Lang::Zh, "开源", 1, 9);
    assert!(
        open.text().starts_with(&format!("{title}\n")),
        "{}",
        open.text()
    );
    assert_contains(
        &open,
        "<blockquote>开源并不是商业化的反义词,开源意味着打破垄断</blockquote>",
    );
    let luo = role(Lang::Zh, "RWKV", "联合创始人", false);
    let speaker = speaker_line(Lang::Zh, "罗璇", &luo, "speech_direct");
    assert_contains(&open, &escape_html(&speaker));
    assert_contains(&open, &escape_html(&citation(Lang::Zh, "35")));
    assert_eq!(only_button(&open), next_button(Lang::Zh, "t:zh:open:1"));

    let llama = ask(&api, &user, "/llama").await;
    assert_private_reply(&llama, &user);
    let title = topic_title(Lang::Zh, "Llama 2", 1, 6);
    assert!(
        llama.text().starts_with(&format!("{title}\n<blockquote>")),
        "{}",
        llama.text()
    );
    assert_contains(&llama, &html(Lang::Zh, "voice_article_quoting", &[]));
    assert_contains(&llama, &escape_html(&citation(Lang::Zh, "34")));
    assert_eq!(only_button(&llama), next_button(Lang::Zh, "t:zh:llama:1"));

    // Plain text in a private chat is answered too (what it says is the core's business:
    // checked against the core below).
    let chatter = ask(&api, &user, "你好").await;
    assert_private_reply(&chatter, &user);

    // The adapter sends exactly what the core says, buttons included (/start's link, Telegram's
    // own, aside: checked above).
    assert_eq!(start_reply.text(), core_reply(&user, "/start").0);
    let asked = [
        ("/help", &help),
        ("/who", &who),
        ("/who Robin Li", &robin),
        ("/source", &source),
        ("/closed", &closed),
        ("/open", &open),
        ("/llama", &llama),
        ("你好", &chatter),
    ];
    for (text, call) in asked {
        let (html, buttons) = core_reply(&user, text);
        assert_eq!(call.text(), html, "{text}");
        assert_eq!(call.buttons(), buttons, "{text}");
    }

    bot.stop().await;
    assert_eq!(api.count("sendMessage"), 11, "{}", api.describe_calls());
}

#[tokio::test]
async fn english_users_get_english_and_a_translation() {
    let (api, bot) = start().await;
    let user = en_user();

    let closed = ask(&api, &user, "/closed").await;
    assert_private_reply(&closed, &user);
    let title = topic_title(Lang::En, "Closed source", 1, 10);
    assert!(
        closed.text().starts_with(&format!("{title}\n")),
        "{}",
        closed.text()
    );
    assert_contains(
        &closed,
        "<blockquote>这种情况下,商业化的闭源模型才是行业的未来</blockquote>",
    );
    // The translation is the corpus's; "Translation: " and the lines under it, the ui file's.
    let translation = html(
        Lang::En,
        "translation",
        &[(
            "text",
            "In this situation, it is commercial closed-source models that are the future of the industry.",
        )],
    );
    assert_contains(&closed, &format!("<i>{translation}</i>"));
    let robin = support::name(Lang::En, "李彦宏", "Robin Li");
    let speaker = speaker_line(Lang::En, &robin, &li_role(Lang::En), "speech_direct");
    assert_contains(&closed, &escape_html(&speaker));
    assert_contains(&closed, &escape_html(&citation(Lang::En, "5")));
    assert_eq!(only_button(&closed), next_button(Lang::En, "t:en:closed:1"));

    let start_reply = ask(&api, &user, "/start").await;
    assert_private_reply(&start_reply, &user);
    let title = "开源与闭源之争:大厂如何抉择?";
    assert_contains(&start_reply, &html(Lang::En, "start", &[("title", title)]));
    assert_contains(&start_reply, &html(Lang::En, "start_try", &[]));

    let unknown = ask(&api, &user, "/foo").await;
    assert_private_reply(&unknown, &user);
    assert_eq!(
        unknown.text(),
        html(Lang::En, "unknown_command", &[("command", "foo")])
    );

    // en-GB is English too; a user with no language gets the default, Chinese.
    let british = TgUser::new(1004, "Ben", Some("en-GB"));
    let help = ask(&api, &british, "/help").await;
    assert_private_reply(&help, &british);
    let commands = format!(
        "<b>{}</b>\n/start — {}\n",
        html(Lang::En, "help_commands", &[]),
        html(Lang::En, "cmd_start", &[])
    );
    assert!(help.text().starts_with(&commands), "{}", help.text());
    let nobody = plain_user();
    let help = ask(&api, &nobody, "/help").await;
    assert_private_reply(&help, &nobody);
    let commands = format!("<b>{}</b>\n", html(Lang::Zh, "help_commands", &[]));
    assert!(help.text().starts_with(&commands), "{}", help.text());

    bot.stop().await;
    assert_eq!(api.count("sendMessage"), 5);
}

// ---- 3. groups --------------------------------------------------------------------------------

#[tokio::test]
async fn groups_get_replies_only_to_commands_for_this_bot() {
    let (api, bot) = start().await;
    let user = zh_user();

    let (asked, reply) = ask_group(&api, &user, "/closed").await;
    assert_eq!(reply.chat_id(), Some(GROUP));
    assert_eq!(reply.parse_mode(), Some("HTML"));
    assert_eq!(reply.reply_to(), Some(asked));
    assert_eq!(
        reply.body["reply_parameters"]["allow_sending_without_reply"],
        json!(true)
    );
    let closed = topic_title(Lang::Zh, "闭源", 1, 10);
    assert!(reply.text().starts_with(&closed), "{}", reply.text());
    assert_eq!(only_button(&reply), next_button(Lang::Zh, "t:zh:closed:1"));

    let (asked, reply) = ask_group(&api, &user, "/closed@debate_test_bot").await;
    assert_eq!(reply.chat_id(), Some(GROUP));
    assert_eq!(reply.reply_to(), Some(asked));
    assert!(reply.text().starts_with(&closed));

    // Usernames compare without case.
    let (asked, reply) = ask_group(&api, &user, "/Open@Debate_Test_Bot").await;
    assert_eq!(reply.reply_to(), Some(asked));
    assert!(
        reply
            .text()
            .starts_with(&topic_title(Lang::Zh, "开源", 1, 9))
    );

    // Another bot's command, chatter and an unknown command: no answer. The next sendMessage
    // answers the /source that follows them.
    let before = api.count("sendMessage");
    api.group_text(GROUP, &user, "/closed@other_bot");
    api.group_text(GROUP, &user, "大家好,今天讨论开源还是闭源?");
    api.group_text(GROUP, &user, "/foo");
    api.group_text(GROUP, &user, "/foo@other_bot bar");
    let source = api.group_text(GROUP, &user, "/source");
    let reply = api.wait_nth("sendMessage", before).await;
    assert_eq!(
        reply.reply_to(),
        Some(source.message_id()),
        "{}",
        reply.summary()
    );
    assert_contains(
        &reply,
        &html(Lang::Zh, "source_outlet", &[("outlet", "电厂")]),
    );

    // An unknown command addressed to this bot is answered.
    let (asked, reply) = ask_group(&api, &user, "/foo@debate_test_bot").await;
    assert_eq!(reply.chat_id(), Some(GROUP));
    assert_eq!(reply.reply_to(), Some(asked));
    assert_eq!(
        reply.text(),
        html(Lang::Zh, "unknown_command", &[("command", "foo")])
    );

    bot.stop().await;
    assert_eq!(api.count("sendMessage"), 5, "{}", api.describe_calls());
}

// ---- 4. the Next button -----------------------------------------------------------------------

#[tokio::test]
async fn next_button_edits_the_message_in_place_and_wraps() {
    let (api, bot) = start().await;
    let user = zh_user();
    let closed = ask(&api, &user, "/closed").await;
    let message_id = closed.message_id();

    let press = api.press(&user, &closed, "t:zh:closed:1");
    let answer = api
        .wait_for("answerCallbackQuery", |c| {
            c.method == "answerCallbackQuery" && c.body["callback_query_id"] == press.query_id()
        })
        .await;
    assert!(
        answer.body.get("text").is_none(),
        "no notice: {}",
        answer.body
    );
    let edit = api.wait_nth("editMessageText", 0).await;
    assert!(answer.seq < edit.seq, "the press is answered first");
    assert!(edit.ok(), "{}", edit.response);
    assert_eq!(edit.chat_id(), Some(user.id));
    assert_eq!(edit.body["message_id"], json!(message_id));
    assert_eq!(edit.parse_mode(), Some("HTML"));
    let title = topic_title(Lang::Zh, "闭源", 2, 10);
    assert!(
        edit.text().starts_with(&format!("{title}\n")),
        "{}",
        edit.text()
    );
    assert_contains(&edit, "<blockquote>闭源最终将战胜开源</blockquote>");
    let speaker = speaker_line(Lang::Zh, "李彦宏", &li_role(Lang::Zh), "speech_reported");
    assert_contains(&edit, &escape_html(&speaker));
    assert_contains(&edit, &escape_html(&citation(Lang::Zh, "7")));
    assert_eq!(only_button(&edit), next_button(Lang::Zh, "t:zh:closed:2"));

    // The last excerpt's button goes back to the first.
    api.press(&user, &closed, "t:zh:closed:9");
    let edit = api.wait_nth("editMessageText", 1).await;
    assert!(edit.ok(), "{}", edit.response);
    assert_eq!(edit.body["message_id"], json!(message_id));
    let title = topic_title(Lang::Zh, "闭源", 10, 10);
    assert!(
        edit.text().starts_with(&format!("{title}\n")),
        "{}",
        edit.text()
    );
    assert_contains(&edit, "在这种需求之下往往能发挥其独特的优势。</blockquote>");
    assert_contains(&edit, &escape_html(&citation(Lang::Zh, "31")));
    assert_eq!(only_button(&edit), next_button(Lang::Zh, "t:zh:closed:0"));

    api.press(&user, &closed, "t:zh:closed:0");
    let edit = api.wait_nth("editMessageText", 2).await;
    assert_eq!(edit.text(), closed.text(), "back to the first excerpt");
    assert_eq!(only_button(&edit), next_button(Lang::Zh, "t:zh:closed:1"));

    // The language travels in the button, whatever the presser's own.
    api.press(&user, &closed, "t:en:closed:1");
    let edit = api.wait_nth("editMessageText", 3).await;
    let title = topic_title(Lang::En, "Closed source", 2, 10);
    assert!(
        edit.text().starts_with(&format!("{title}\n")),
        "{}",
        edit.text()
    );
    let translation = html(
        Lang::En,
        "translation",
        &[("text", "Closed source will ultimately defeat open source.")],
    );
    assert_contains(&edit, &format!("<i>{translation}</i>"));
    assert_eq!(only_button(&edit), next_button(Lang::En, "t:en:closed:2"));

    // Pressing the same button twice: the second edit would change nothing (Telegram would
    // refuse it "message is not modified"), so it is not made; the press is answered.
    let again = api.press(&user, &closed, "t:en:closed:1");
    api.wait_for("the second press answered", |c| {
        c.method == "answerCallbackQuery" && c.body["callback_query_id"] == again.query_id()
    })
    .await;
    let after = ask(&api, &user, "/source").await;
    assert_private_reply(&after, &user);

    bot.stop().await;
    assert_eq!(api.count("answerCallbackQuery"), 5);
    assert_eq!(api.count("editMessageText"), 4, "{}", api.describe_calls());
    assert_eq!(api.count("sendMessage"), 2, "edits send no new messages");
}

#[tokio::test]
async fn another_button_shows_a_different_excerpt() {
    let (api, bot) = start().await;
    let user = zh_user();
    let quote = ask(&api, &user, "/quote").await;
    let (_, data) = only_button(&quote);
    api.press(&user, &quote, &data);
    let edit = api.wait_nth("editMessageText", 0).await;
    assert!(edit.ok(), "{}", edit.response);
    let header = format!(
        "<b>{}</b>\n<blockquote>",
        html(Lang::Zh, "quote_header", &[])
    );
    assert!(edit.text().starts_with(&header), "{}", edit.text());
    assert_ne!(edit.text(), quote.text());
    let (label, next) = only_button(&edit);
    assert_eq!(label, say(Lang::Zh, "button_another", &[]));
    assert!(
        next.starts_with("q:zh:") && next != data,
        "{next} after {data}"
    );
    bot.stop().await;
}

// ---- 5. forged and stale buttons ----------------------------------------------------------------

#[tokio::test]
async fn forged_or_stale_buttons_get_a_notice_and_no_edit() {
    let (api, bot) = start().await;
    let user = zh_user();
    let closed = ask(&api, &user, "/closed").await;

    let junk = format!("t:zh:closed:1{}", "x".repeat(60));
    assert!(junk.len() > 64);
    let forged: Vec<Option<&str>> = vec![
        Some("t:zh:closed:99"),
        Some("t:zh:nope:0"),
        Some("x"),
        Some(""),
        Some(&junk),
        Some("q:zh:not-an-id"),
        Some("t:zh:closed:1:extra"),
        Some("t:fr:closed:1"),
        Some("t:zh:closed:-1"),
        None,
    ];
    for data in &forged {
        let pushed = api.callback(&user, user.id, closed.message_id(), *data);
        let answer = api
            .wait_for("answerCallbackQuery", |c| {
                c.method == "answerCallbackQuery"
                    && c.body["callback_query_id"] == pushed.query_id()
            })
            .await;
        assert_eq!(answer.body["text"], json!(stale(Lang::Zh)), "data {data:?}");
        assert!(answer.ok());
    }
    // In the presser's language.
    let en = en_user();
    let pushed = api.callback(&en, user.id, closed.message_id(), Some("t:zh:closed:99"));
    let answer = api
        .wait_for("answerCallbackQuery", |c| {
            c.method == "answerCallbackQuery" && c.body["callback_query_id"] == pushed.query_id()
        })
        .await;
    assert_eq!(answer.body["text"], json!(stale(Lang::En)));

    // Still answering.
    let after = ask(&api, &user, "/open").await;
    assert_private_reply(&after, &user);

    bot.stop().await;
    assert_eq!(api.count("editMessageText"), 0, "{}", api.describe_calls());
    assert_eq!(api.count("answerCallbackQuery"), forged.len() + 1);
}

// ---- 6. updates to ignore -------------------------------------------------------------------------

#[tokio::test]
async fn edits_channel_posts_messages_without_text_and_unknown_update_kinds_are_ignored() {
    let (api, bot) = start().await;
    let user = zh_user();

    let command = api.private_text(&user, "/who");
    let who = api.wait_nth("sendMessage", 0).await;
    assert_eq!(who.chat_id(), Some(user.id));

    api.edited_private_text(&user, command.message_id(), "/closed");
    api.channel_post(CHANNEL, "/closed");
    api.channel_post(CHANNEL, "/closed@debate_test_bot");
    api.private_sticker(&user);
    api.private_photo(&user, "/closed");
    // The bot added to a group (a kind the bot has no handler for), and a kind of update this
    // version of teloxide has never heard of.
    api.push_update(
        "my_chat_member",
        json!({
            "chat": {"id": -100_999, "type": "group", "title": "新群"},
            "from": user.json(),
            "date": 1_720_000_000,
            "old_chat_member": {"status": "left", "user": {"id": 123_456_789, "is_bot": true, "first_name": "bot"}},
            "new_chat_member": {"status": "member", "user": {"id": 123_456_789, "is_bot": true, "first_name": "bot"}},
        }),
    );
    let last_ignored = api.push_update(
        "update_from_the_future",
        json!({"id": 7, "text": "/closed", "chat": {"id": user.id, "type": "private"}}),
    );

    let after = ask(&api, &user, "/source").await;
    assert_private_reply(&after, &user);
    assert_contains(
        &after,
        &html(Lang::Zh, "source_outlet", &[("outlet", "电厂")]),
    );

    bot.stop().await;
    let sent = api.calls_of("sendMessage");
    assert_eq!(sent.len(), 2, "{}", api.describe_calls());
    assert!(sent.iter().all(|c| c.chat_id() == Some(user.id)));
    assert_eq!(api.count("editMessageText"), 0);
    // The bot did take those updates (and confirmed them with a later offset).
    let confirmed = api
        .calls_of("getUpdates")
        .iter()
        .filter_map(|c| c.body["offset"].as_i64())
        .max()
        .unwrap_or_default();
    assert!(confirmed > last_ignored.update_id, "offset {confirmed}");
}

// ---- 7. escaping ----------------------------------------------------------------------------------

#[tokio::test]
async fn user_text_is_escaped_in_replies() {
    let (api, bot) = start().await;
    let user = zh_user();
    let reply = ask(&api, &user, r#"/who <b>Bob & "Co"</b>"#).await;
    assert_private_reply(&reply, &user);
    assert_contains(&reply, "&lt;b&gt;Bob &amp; &quot;Co&quot;&lt;/b&gt;");
    assert!(!reply.text().contains("<b>Bob"), "{}", reply.text());
    // The user's words are text: the whole reply is the sentence escaped.
    assert_eq!(
        reply.text(),
        html(
            Lang::Zh,
            "who_not_found",
            &[("query", r#"<b>Bob & "Co"</b>"#)]
        )
    );

    // An unknown command with markup in its name, in a group and addressed to the bot.
    let (_, reply) = ask_group(&api, &user, "/<i>x</i>&amp;@debate_test_bot").await;
    assert_eq!(
        reply.text(),
        html(Lang::Zh, "unknown_command", &[("command", "<i>x</i>&amp;")])
    );
    bot.stop().await;
}

// ---- 8. long odd Unicode ----------------------------------------------------------------------------

#[tokio::test]
async fn ten_thousand_odd_characters_get_a_short_reply() {
    let (api, bot) = start().await;
    let user = en_user();
    let pieces = [
        "😀",
        "\u{200F}",
        "שלום",
        "\u{200D}",
        "👨\u{200D}👩\u{200D}👧",
        "\u{202E}",
        "e\u{301}",
        "\u{FEFF}",
        "𝕏",
        "\u{2066}",
        "ع",
        "\u{200B}",
        "🏳\u{FE0F}\u{200D}🌈",
        "<&>\"",
    ];
    let mut odd = String::new();
    for piece in pieces.iter().cycle() {
        if odd.chars().count() >= 10_000 {
            break;
        }
        odd.push_str(piece);
    }
    let odd: String = odd.chars().take(10_000).collect();
    assert_eq!(odd.chars().count(), 10_000);

    let reply = ask(&api, &user, &format!("/who {odd}")).await;
    assert_private_reply(&reply, &user);
    let visible = visible_text(reply.text(), Some(&json!("HTML")));
    assert!(utf16_len(&visible) <= 4096, "{} units", utf16_len(&visible));
    assert!(
        utf16_len(reply.text()) <= 4096,
        "{} units of HTML",
        utf16_len(reply.text())
    );
    let before = say_until(Lang::En, "who_not_found", &[], "query");
    assert!(visible.starts_with(&format!("{before}😀")), "{visible}");
    let after = say_after(Lang::En, "who_not_found", &[], "query");
    assert!(visible.ends_with(&format!("…{after}")), "{visible}");

    // The same as a command name, a search and plain text; the bot is still there.
    for text in [format!("/{odd}"), format!("/search {odd}"), odd.clone()] {
        let reply = ask(&api, &user, &text).await;
        assert_private_reply(&reply, &user);
        let visible = visible_text(reply.text(), Some(&json!("HTML")));
        assert!((1..=4096).contains(&utf16_len(&visible)), "{visible}");
    }
    let after = ask(&api, &user, "/start").await;
    assert_private_reply(&after, &user);
    assert_contains(
        &after,
        &escape_html(&say_until(Lang::En, "start", &[], "title")),
    );
    bot.stop().await;
}

// ---- inline mode ------------------------------------------------------------------------------

#[tokio::test]
async fn inline_queries_are_answered_within_telegram_limits() {
    let (api, bot) = start().await;
    let user = en_user();

    let mut ids = BTreeSet::new();
    let mut offset = String::new();
    for page in 0.. {
        let query = api.inline_query(&user, "", &offset);
        let answer = api
            .wait_for("answerInlineQuery", |c| {
                c.method == "answerInlineQuery" && c.body["inline_query_id"] == query.query_id()
            })
            .await;
        assert!(answer.ok());
        let results = answer.body["results"].as_array().expect("results");
        assert!(
            (1..=50).contains(&results.len()),
            "{} results",
            results.len()
        );
        for r in results {
            let id = r["id"].as_str().expect("an id");
            assert!((1..=64).contains(&id.len()), "id {id:?}");
            assert!(ids.insert(id.to_string()), "id {id} twice");
            assert_eq!(r["type"], json!("article"));
            let content = &r["input_message_content"];
            assert_eq!(content["parse_mode"], json!("HTML"), "{r}");
            let text = content["message_text"].as_str().unwrap_or_default();
            assert!(text.contains("<blockquote>"), "{text}");
            let visible = visible_text(text, Some(&json!("HTML")));
            assert!((1..=4096).contains(&utf16_len(&visible)));
        }
        offset = answer.body["next_offset"]
            .as_str()
            .unwrap_or_default()
            .to_string();
        assert!(offset.len() <= 64);
        if offset.is_empty() {
            break;
        }
        assert!(page < 10, "paging does not end");
    }
    let corpus_size = support::app().corpus().excerpts.len();
    assert_eq!(
        ids.len(),
        corpus_size,
        "the empty query pages through everything"
    );

    // A search by name finds Robin Li's words, in English for an English user.
    let query = api.inline_query(&user, "Robin Li", "");
    let answer = api
        .wait_for("answerInlineQuery", |c| {
            c.method == "answerInlineQuery" && c.body["inline_query_id"] == query.query_id()
        })
        .await;
    let first = &answer.body["results"][0]["input_message_content"]["message_text"];
    let first = first.as_str().unwrap_or_default();
    let robin = escape_html(&support::name(Lang::En, "李彦宏", "Robin Li"));
    assert!(first.contains(&robin), "{first}");
    let translation = escape_html(&say_until(Lang::En, "translation", &[], "text"));
    assert!(first.contains(&translation), "{first}");

    bot.stop().await;
    assert_eq!(api.count("sendMessage"), 0);
}

// ---- 9. failures and shutdown ---------------------------------------------------------------------------

#[tokio::test]
async fn a_failed_send_does_not_stop_the_bot() {
    let (api, bot) = start().await;
    let user = zh_user();
    api.fail(
        "sendMessage",
        1,
        Failure::api(403, "Forbidden: bot was blocked by the user"),
    );
    api.fail(
        "answerCallbackQuery",
        1,
        Failure::api(
            400,
            "Bad Request: query is too old and response timeout expired or query ID is invalid",
        ),
    );
    let lost = ask(&api, &user, "/closed").await;
    assert_eq!(lost.status, 403);
    let closed = ask(&api, &user, "/closed").await;
    assert!(closed.ok());
    // An expired query cannot be answered; the error stops that press, not the bot.
    api.press(&user, &closed, "t:zh:closed:1");
    let answer = api.wait_nth("answerCallbackQuery", 0).await;
    assert_eq!(answer.status, 400);
    let after = ask(&api, &user, "/help").await;
    assert_private_reply(&after, &user);
    bot.stop().await;
}

#[tokio::test]
async fn stop_makes_run_return_ok_quickly() {
    let (api, bot) = start().await;
    let took = bot.stop().await;
    assert!(took.as_secs_f64() < 3.0, "stopping took {took:?}");
    // Polling ended with a last getUpdates (timeout 0) that confirms what was handled.
    let last = api.calls_of("getUpdates").pop().expect("getUpdates");
    assert_eq!(last.body["timeout"], json!(0), "{}", last.body);
}

/// Stopping while commands are being answered: every update the bot confirmed to Telegram
/// (by the offset of its last getUpdates) was answered before `run` returned.
#[tokio::test]
async fn stop_lets_the_replies_in_flight_finish() {
    let (api, bot) = start().await;
    let user = zh_user();
    let pushed: Vec<_> = (0..5).map(|_| api.private_text(&user, "/help")).collect();
    api.wait_nth("sendMessage", 0).await;
    bot.stop().await;
    let confirmed = api
        .calls_of("getUpdates")
        .iter()
        .filter_map(|c| c.body["offset"].as_i64())
        .max()
        .unwrap_or_default();
    let handled = pushed.iter().filter(|p| p.update_id < confirmed).count();
    assert!(handled >= 1);
    assert_eq!(
        api.count("sendMessage"),
        handled,
        "{}",
        api.describe_calls()
    );
}

#[tokio::test]
async fn stop_while_telegram_is_unreachable_returns_ok() {
    let api = FakeApi::start().await;
    api.fail("getMe", 1_000, Failure::retry_after(1));
    let bot = start_bot(&api);
    api.wait_count("getMe", 2).await;
    let took = bot.stop().await;
    assert!(took.as_secs_f64() < 3.0, "stopping took {took:?}");
    assert_eq!(api.count("setMyCommands"), 0);
    assert_eq!(api.count("getUpdates"), 0);
}

#[tokio::test]
async fn a_rejected_token_is_an_error() {
    let api = FakeApi::start().await;
    let bot = start_bot_with_token(&api, "123456789:WRONG-token");
    let error = bot.finished().await.expect_err("a rejected token fails");
    assert!(format!("{error:#}").contains("token"), "{error:#}");
    assert_eq!(api.calls().len(), 1, "{}", api.describe_calls());
    assert_eq!(api.calls()[0].status, 401);
}

/// A passing hiccup on getMe (here a 429) is retried, not the end of `run`; and getMe is asked
/// only until it answers (teloxide's dispatcher, which the bot no longer uses, asked again when
/// it started, a second request a hiccup could fail).
#[tokio::test]
async fn a_transient_error_on_get_me_is_retried_and_get_me_asked_until_answered() {
    let api = FakeApi::start().await;
    api.fail("getMe", 1, Failure::retry_after(1));
    let bot = start_bot(&api);
    api.wait_nth("getUpdates", 0).await;
    let reply = ask(&api, &zh_user(), "/start").await;
    assert_private_reply(&reply, &zh_user());
    bot.stop().await;
    assert_eq!(api.count("getMe"), 2, "{}", api.describe_calls());
}

// ---- the fixtures themselves -------------------------------------------------------------------

/// Every update the helpers build is one teloxide reads as the intended kind (not an
/// unparsable `Error` update), and the fake's answers deserialize as Messages.
#[tokio::test]
async fn fixtures_match_the_bot_api_schema() {
    use teloxide::types::{Message, Update, UpdateKind};
    let api = FakeApi::start().await;
    let user = en_user();
    let mut pushed = vec![
        api.private_text(&user, "/start"),
        api.group_text(GROUP, &user, "/closed@debate_test_bot"),
        api.edited_private_text(&user, 1, "/closed"),
        api.channel_post(CHANNEL, "/closed"),
        api.private_sticker(&user),
        api.private_photo(&user, "/closed"),
        api.callback(&user, user.id, 77, Some("t:zh:closed:1")),
        api.callback(&user, user.id, 77, None),
        api.inline_query(&user, "开源", ""),
    ];
    // A reply from the fake, then a press on it.
    let client_body = json!({"chat_id": user.id, "text": "<b>hi</b> &amp; bye", "parse_mode": "HTML",
        "reply_markup": {"inline_keyboard": [[{"text": "Next", "callback_data": "t:zh:closed:1"}]]}});
    let url = format!("{}bot{}/sendMessage", api.url(), support::TOKEN);
    let sent = post_json(&url, &client_body).await;
    let message: Message = serde_json::from_value(sent["result"].clone()).expect("a Message");
    assert_eq!(message.text(), Some("hi & bye"));
    assert!(message.chat.is_private());
    let call = api.wait_nth("sendMessage", 0).await;
    pushed.push(api.press(&user, &call, "t:zh:closed:1"));

    let kinds = [
        "message",
        "message",
        "edited_message",
        "channel_post",
        "message",
        "message",
        "callback_query",
        "callback_query",
        "inline_query",
        "callback_query",
    ];
    for (p, kind) in pushed.iter().zip(kinds) {
        // As teloxide reads them: from text (its Update reader needs borrowed strings).
        let update: Update = serde_json::from_str(&p.update.to_string()).expect("an Update");
        if let UpdateKind::Error(_) = update.kind {
            let inner = p.update[kind].clone();
            let why = if kind == "callback_query" {
                serde_json::from_value::<teloxide::types::CallbackQuery>(inner).err()
            } else if kind == "inline_query" {
                serde_json::from_value::<teloxide::types::InlineQuery>(inner).err()
            } else {
                serde_json::from_value::<Message>(inner).err()
            };
            panic!("{kind} is not read by teloxide: {why:?}\n{}", p.update);
        }
        let ok = matches!(
            (&update.kind, kind),
            (UpdateKind::Message(_), "message")
                | (UpdateKind::EditedMessage(_), "edited_message")
                | (UpdateKind::ChannelPost(_), "channel_post")
                | (UpdateKind::CallbackQuery(_), "callback_query")
                | (UpdateKind::InlineQuery(_), "inline_query")
        );
        assert!(ok, "{kind}: {:?}", update.kind);
    }
    let UpdateKind::CallbackQuery(q) =
        &serde_json::from_str::<Update>(&pushed[9].update.to_string())
            .unwrap()
            .kind
    else {
        unreachable!()
    };
    let on = q.regular_message().expect("a message the bot sent");
    assert_eq!(on.id.0 as i64, call.message_id());
    assert_eq!(on.chat.id.0, user.id);

    // Unknown methods are 404 and recorded.
    let unknown = post_json(
        &format!("{}bot{}/sendDice", api.url(), support::TOKEN),
        &json!({}),
    )
    .await;
    assert_eq!(unknown["error_code"], json!(404));
    assert_eq!(api.count("sendDice"), 1);

    // Form and multipart bodies are read too.
    let form = post(
        &format!("{}bot{}/sendMessage", api.url(), support::TOKEN),
        "application/x-www-form-urlencoded",
        b"chat_id=1002&text=a+%26+b",
    )
    .await;
    assert_eq!(form["result"]["text"], json!("a & b"));
    let call = api.wait_nth("sendMessage", 1).await;
    assert_eq!(call.chat_id(), Some(1002));
    assert_eq!(call.text(), "a & b");
    let multipart = "--XyZ\r\nContent-Disposition: form-data; name=\"chat_id\"\r\n\r\n1002\r\n\
        --XyZ\r\nContent-Disposition: form-data; name=\"photo\"; filename=\"a.png\"\r\n\
        Content-Type: image/png\r\n\r\nPNGDATA\r\n--XyZ--\r\n";
    post(
        &format!("{}bot{}/sendPhoto", api.url(), support::TOKEN),
        "multipart/form-data; boundary=XyZ",
        multipart.as_bytes(),
    )
    .await;
    let call = api.wait_nth("sendPhoto", 0).await;
    assert_eq!(call.chat_id(), Some(1002));
    assert_eq!(call.body["photo"], json!({"filename": "a.png", "bytes": 7}));
}

/// POSTs JSON with a bare HTTP/1.1 client over loopback (no extra dependency), returns the body.
async fn post_json(url: &str, body: &Value) -> Value {
    post(url, "application/json", body.to_string().as_bytes()).await
}

/// POSTs `body` as `content_type`; returns the JSON answered.
async fn post(url: &str, content_type: &str, body: &[u8]) -> Value {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let url = url::Url::parse(url).unwrap();
    let host = url.host_str().unwrap();
    assert_eq!(host, "127.0.0.1", "only ever loopback");
    let mut stream = tokio::net::TcpStream::connect((host, url.port().unwrap()))
        .await
        .unwrap();
    let head = format!(
        "POST {} HTTP/1.1\r\nHost: {host}\r\nContent-Type: {content_type}\r\n\
         Content-Length: {}\r\nConnection: close\r\n\r\n",
        url.path(),
        body.len()
    );
    stream.write_all(head.as_bytes()).await.unwrap();
    stream.write_all(body).await.unwrap();
    let mut response = Vec::new();
    stream.read_to_end(&mut response).await.unwrap();
    let response = String::from_utf8(response).unwrap();
    let (_, body) = response.split_once("\r\n\r\n").expect("a body");
    serde_json::from_str(body).unwrap_or_else(|e| panic!("{e}: {body}"))
}

// ---- 10. quick quote lookup: /search, plain text, inline (issue 3) ---------------------------

use debate_bot::app::Press;
use debate_bot::search::SearchIndex;

const SEARCH_PAGE: usize = debate_bot::app::SEARCH_PAGE;

/// How many excerpts the search index finds for `query`: the N of "共 N 条", computed apart
/// from the code that writes the header.
fn search_count(query: &str) -> usize {
    SearchIndex::from_corpus(support::app().corpus())
        .search(query)
        .len()
}

/// What the core edits a message to when a user with `language_code` presses `data`.
fn core_press(data: &str, language_code: Option<&str>) -> (String, Vec<Vec<(String, String)>>) {
    let app = support::app();
    let action = debate_bot::callback_data::decode(data, app.corpus())
        .unwrap_or_else(|| panic!("{data:?} is no data the core writes"));
    match app.press(action, language_code, None, &mut rand::rng()) {
        Press::Edit(reply) => support::shown(&reply),
        Press::Notice(notice) => panic!("{data:?} is stale for the core: {notice}"),
    }
}

/// The sendMessage or editMessageText as (HTML, buttons), to compare with the core.
fn sent_parts(call: &Call) -> (String, Vec<Vec<(String, String)>>) {
    (call.text().to_string(), call.buttons())
}

/// Presses `data` under the bot's message `on` (a sendMessage) as `user`; waits for the
/// answer to that press and returns it with the editMessageText that follows (the `edit`-th,
/// from 0).
async fn press_and_edit(
    api: &FakeApi,
    user: &TgUser,
    on: &Call,
    data: &str,
    edit: usize,
) -> (Call, Call) {
    let pushed = api.press(user, on, data);
    let answer = callback_answer(api, &pushed).await;
    assert!(answer.ok(), "{}", answer.response);
    assert!(
        answer.body.get("text").is_none(),
        "no notice for {data:?}: {}",
        answer.body
    );
    let edited = api.wait_nth("editMessageText", edit).await;
    assert!(answer.seq < edited.seq, "the press is answered first");
    assert!(edited.ok(), "{}", edited.response);
    assert_eq!(edited.chat_id(), on.chat_id(), "{}", edited.summary());
    assert_eq!(edited.body["message_id"], json!(on.message_id()));
    assert_eq!(edited.parse_mode(), Some("HTML"));
    (answer, edited)
}

/// The answerCallbackQuery for the callback query `pushed`.
async fn callback_answer(api: &FakeApi, pushed: &support::fake_api::Pushed) -> Call {
    api.wait_for("answerCallbackQuery", |c| {
        c.method == "answerCallbackQuery" && c.body["callback_query_id"] == pushed.query_id()
    })
    .await
}

/// The header of a page of search results: "搜索“开源”:第 1–3 条,共 23 条".
fn search_header(query: &str, first: usize, last: usize, total: usize) -> String {
    let (first, last, total) = (first.to_string(), last.to_string(), total.to_string());
    let args = [
        ("query", query),
        ("from", first.as_str()),
        ("to", last.as_str()),
        ("count", total.as_str()),
    ];
    html(Lang::Zh, "search_header", &args)
}

/// The buttons of a page of search results.
fn more(data: &str) -> (String, String) {
    button(&say(Lang::Zh, "button_more", &[]), data)
}
fn back(data: &str) -> (String, String) {
    button(&say(Lang::Zh, "button_back", &[]), data)
}

/// A page of search results: the header `first–last of total`, then `count` quotes, each
/// followed by who speaks and a citation line `出处:电厂,2024-07-12,记者 张勇毅,¶N`.
#[track_caller]
fn assert_search_page(call: &Call, query: &str, first: usize, count: usize, total: usize) {
    let header = format!(
        "<b>{}</b>\n",
        search_header(query, first, first + count - 1, total)
    );
    assert!(
        call.text().starts_with(&header),
        "expected {header:?}:\n{}",
        call.text()
    );
    assert_eq!(
        call.text().matches("<blockquote>").count(),
        count,
        "{}",
        call.text()
    );
    let after_quotes: Vec<&str> = call.text().split("</blockquote>\n").skip(1).collect();
    assert_eq!(after_quotes.len(), count, "{}", call.text());
    // Who speaks: a person, the article itself, someone unnamed, or the article's sentence.
    let zh = |key| escape_html(&say(Lang::Zh, key, &[]));
    let speakers = [
        escape_html(&say_until(Lang::Zh, "speaker_line", &[], "name")),
        zh("voice_article"),
        zh("voice_article_quoting"),
        zh("voice_unattributed"),
        escape_html(&say_until(Lang::Zh, "voice_open", &[], "name")),
        escape_html(&say_until(Lang::Zh, "sentence_line", &[], "paragraph")),
    ];
    let citation = escape_html(&citation(Lang::Zh, "\u{0}"));
    let (citation_start, citation_end) = citation.split_once('\u{0}').expect("a paragraph");
    for after in after_quotes {
        let mut lines = after.lines();
        let speaker = lines.next().unwrap_or_default();
        assert!(
            speakers.iter().any(|s| speaker.starts_with(s.as_str())),
            "who speaks: {speaker:?}"
        );
        let citation = lines.next().unwrap_or_default();
        let paragraph = citation
            .strip_prefix(citation_start)
            .and_then(|c| c.strip_suffix(citation_end))
            .unwrap_or_else(|| panic!("a citation line: {citation:?}"));
        assert!(
            !paragraph.is_empty() && paragraph.bytes().all(|b| b.is_ascii_digit()),
            "¶ and a number: {citation:?}"
        );
        assert!(
            matches!(lines.next(), None | Some("")),
            "a blank line between excerpts:\n{after}"
        );
    }
    let visible = visible_text(call.text(), Some(&json!("HTML")));
    assert!(utf16_len(&visible) <= 4096, "{} units", utf16_len(&visible));
}

/// The quotes of a page, to tell pages apart.
fn quotes(text: &str) -> BTreeSet<String> {
    text.split("<blockquote>")
        .skip(1)
        .filter_map(|q| q.split_once("</blockquote>").map(|(q, _)| q.to_string()))
        .collect()
}

fn button(label: &str, data: &str) -> (String, String) {
    (label.to_string(), data.to_string())
}

#[tokio::test]
async fn search_in_a_group_pages_with_more_and_back_buttons() {
    let (api, bot) = start().await;
    let user = zh_user();
    let total = search_count("开源");
    assert!(total > 2 * SEARCH_PAGE, "开源 fills three pages: {total}");
    let pages = total.div_ceil(SEARCH_PAGE);

    let (asked, first) = ask_group(&api, &user, "/search 开源").await;
    assert!(first.ok(), "{}", first.response);
    assert_eq!(first.chat_id(), Some(GROUP));
    assert_eq!(first.reply_to(), Some(asked), "{}", first.summary());
    assert_eq!(first.parse_mode(), Some("HTML"));
    assert_search_page(&first, "开源", 1, 3, total);
    assert_eq!(first.buttons(), vec![vec![more("s:zh:1:开源")]]);
    assert_eq!(sent_parts(&first), core_reply(&user, "/search 开源"));

    // More: the same message now shows results 4-6, with Back and More.
    let (_, second) = press_and_edit(&api, &user, &first, "s:zh:1:开源", 0).await;
    assert_search_page(&second, "开源", 4, 3, total);
    assert_eq!(
        second.buttons(),
        vec![vec![back("s:zh:0:开源"), more("s:zh:2:开源")]]
    );
    assert!(
        quotes(first.text()).is_disjoint(&quotes(second.text())),
        "page 2 shows other excerpts"
    );
    assert_eq!(
        sent_parts(&second),
        core_press("s:zh:1:开源", Some("zh-hans"))
    );

    // Back, pressed by someone else in the group (an English user): page 1 exactly as it
    // was, still in the button's language.
    let (_, again) = press_and_edit(&api, &en_user(), &first, "s:zh:0:开源", 1).await;
    assert_eq!(again.text(), first.text());
    assert_eq!(again.buttons(), first.buttons());

    // An old button for a page past the end (the results shrank): the last page, with Back
    // only.
    let last_first = (pages - 1) * SEARCH_PAGE + 1;
    let (_, last) = press_and_edit(&api, &user, &first, "s:zh:99:开源", 2).await;
    assert_search_page(&last, "开源", last_first, total - last_first + 1, total);
    assert_eq!(
        last.buttons(),
        vec![vec![back(&format!("s:zh:{}:开源", pages - 2))]]
    );

    bot.stop().await;
    assert_eq!(api.count("sendMessage"), 1, "{}", api.describe_calls());
    assert_eq!(api.count("editMessageText"), 3);
    assert_eq!(api.count("answerCallbackQuery"), 3);
}

#[tokio::test]
async fn a_long_query_travels_as_a_memo_key_and_a_forged_key_is_stale() {
    let (api, bot) = start().await;
    let user = zh_user();
    let typed = "大模型 开源 闭源 ".repeat(3);
    let query = typed.trim();
    assert!(query.len() > 55, "too long for s:zh:1:<query>");
    let total = search_count(query);
    assert!(total > 2 * SEARCH_PAGE, "{total}");

    let first = ask(&api, &user, &format!("/search {typed}")).await;
    assert_private_reply(&first, &user);
    assert_search_page(&first, query, 1, 3, total);
    let (label, next) = only_button(&first);
    assert_eq!(label, say(Lang::Zh, "button_more", &[]));
    assert!(next.len() <= 64, "{} bytes: {next}", next.len());
    let key = next
        .strip_prefix("S:zh:1:")
        .unwrap_or_else(|| panic!("a memo key: {next}"));
    assert!(
        key.len() == 16 && key.bytes().all(|b| b.is_ascii_hexdigit()),
        "16 hex digits: {key:?}"
    );
    assert_eq!(
        sent_parts(&first),
        core_reply(&user, &format!("/search {typed}"))
    );

    let (_, second) = press_and_edit(&api, &user, &first, &next, 0).await;
    assert_search_page(&second, query, 4, 3, total);
    assert_eq!(
        second.buttons(),
        vec![vec![
            back(&format!("S:zh:0:{key}")),
            more(&format!("S:zh:2:{key}")),
        ]]
    );
    assert!(quotes(first.text()).is_disjoint(&quotes(second.text())));

    // Keys the bot never gave out, and search data it could not have written: a notice, and
    // the message stays as it is.
    let forged = [
        "S:zh:1:00000000deadbeef".to_string(),
        format!("S:zh:1:{}", &key[..15]),
        format!("S:zh:1:{key}0"),
        format!("S:zh:x:{key}"),
        format!("S:fr:1:{key}"),
        "s:zh:1:".to_string(),
        "s:zh:1:   ".to_string(),
        "s:zh:-1:开源".to_string(),
        format!("s:zh:1:{}", "开".repeat(20)),
    ];
    for data in &forged {
        let pushed = api.press(&user, &first, data);
        let answer = callback_answer(&api, &pushed).await;
        assert!(answer.ok());
        assert_eq!(answer.body["text"], json!(stale(Lang::Zh)), "data {data:?}");
    }

    bot.stop().await;
    assert_eq!(api.count("editMessageText"), 1, "{}", api.describe_calls());
    assert_eq!(api.count("answerCallbackQuery"), 1 + forged.len());
}

#[tokio::test]
async fn search_cuts_long_queries_and_explains_usage_and_misses() {
    let (api, bot) = start().await;
    let user = zh_user();

    // 300 characters (none of them spaces at either end): the first 256 are used.
    let query: String = "大模型 开源 闭源 "
        .repeat(31)
        .chars()
        .skip(1)
        .take(300)
        .collect();
    assert_eq!(query.chars().count(), 300);
    assert_eq!(query.trim(), query);
    let used: String = query.chars().take(256).collect();
    let total = search_count(&used);
    assert!(total > SEARCH_PAGE, "{total}");
    let echo: String = query.chars().take(63).collect();
    let long = ask(&api, &user, &format!("/search {query}")).await;
    assert_private_reply(&long, &user);
    let head = format!(
        "<b>{}</b>\n<i>{}</i>\n",
        search_header(&format!("{echo}…"), 1, 3, total),
        html(Lang::Zh, "search_cut", &[("limit", "256")])
    );
    assert!(long.text().starts_with(&head), "{}", long.text());
    let visible = visible_text(long.text(), Some(&json!("HTML")));
    assert!(utf16_len(&visible) <= 4096, "{} units", utf16_len(&visible));
    let (label, next) = only_button(&long);
    assert_eq!(label, say(Lang::Zh, "button_more", &[]));
    assert!(next.starts_with("S:zh:1:") && next.len() <= 64, "{next}");
    assert_eq!(
        sent_parts(&long),
        core_reply(&user, &format!("/search {query}"))
    );

    // No words: how to search.
    let usage = ask(&api, &user, "/search").await;
    assert_private_reply(&usage, &user);
    assert_eq!(usage.text(), html(Lang::Zh, "search_usage", &[]));
    assert_no_buttons(&usage);

    // Nothing found: says so and offers the topics instead, with no buttons.
    let topics: Vec<String> = support::app()
        .corpus()
        .topics
        .iter()
        .map(|t| format!("/{}", t.command))
        .collect();
    assert!(topics.contains(&"/closed".to_string()), "{topics:?}");
    let miss = ask(&api, &user, "/search Zuckerberg").await;
    assert_private_reply(&miss, &user);
    assert_eq!(
        miss.text(),
        format!(
            "{}\n\n{}\n{}",
            html(Lang::Zh, "search_none", &[("query", "Zuckerberg")]),
            html(Lang::Zh, "search_try_topics", &[]),
            topics.join(" ")
        )
    );
    assert_no_buttons(&miss);

    bot.stop().await;
    assert_eq!(api.count("sendMessage"), 3, "{}", api.describe_calls());
}

#[tokio::test]
async fn plain_text_is_a_search_in_private_chats_only() {
    let (api, bot) = start().await;
    let user = zh_user();

    let private = ask(&api, &user, "私有化部署").await;
    assert_private_reply(&private, &user);
    assert_search_page(&private, "私有化部署", 1, 1, 1);
    assert!(
        private
            .text()
            .ends_with(&escape_html(&citation(Lang::Zh, "26"))),
        "{}",
        private.text()
    );
    assert_contains(
        &private,
        "<blockquote>解决此类问题目前最理想的方式是通过闭源模型的私有化部署",
    );
    assert_no_buttons(&private);
    assert_eq!(sent_parts(&private), core_reply(&user, "私有化部署"));

    // In a group the same words are chatter: the next reply answers the /search after them,
    // and says what the private chat said.
    let before = api.count("sendMessage");
    api.group_text(GROUP, &user, "私有化部署");
    let search = api.group_text(GROUP, &user, "/search 私有化部署");
    let reply = api.wait_nth("sendMessage", before).await;
    assert_eq!(reply.chat_id(), Some(GROUP));
    assert_eq!(
        reply.reply_to(),
        Some(search.message_id()),
        "{}",
        reply.summary()
    );
    assert_eq!(reply.text(), private.text());

    bot.stop().await;
    assert_eq!(api.count("sendMessage"), 2, "{}", api.describe_calls());
}

/// Sends an inline query and returns the answerInlineQuery for it, checked against Telegram's
/// rules and the bot's promises: personal, cached 300 s, at most 50 valid article results.
async fn inline_answer(api: &FakeApi, user: &TgUser, query: &str, offset: &str) -> Call {
    let pushed = api.inline_query(user, query, offset);
    let answer = api
        .wait_for("answerInlineQuery", |c| {
            c.method == "answerInlineQuery" && c.body["inline_query_id"] == pushed.query_id()
        })
        .await;
    assert!(answer.ok(), "{}", answer.response);
    assert_eq!(answer.status, 200);
    assert_eq!(answer.body["is_personal"], json!(true), "{}", answer.body);
    assert_eq!(answer.body["cache_time"], json!(300), "{}", answer.body);
    let next = answer.body["next_offset"].as_str().unwrap_or_default();
    assert!(
        next.len() <= 64 && next.bytes().all(|b| b.is_ascii_digit()),
        "next_offset {next:?}"
    );
    let results = answer.body["results"].as_array().expect("results");
    assert!(results.len() <= 50);
    let mut ids = BTreeSet::new();
    for r in results {
        let id = r["id"].as_str().expect("an id");
        assert!((1..=64).contains(&id.len()), "id {id:?}");
        assert!(ids.insert(id), "id {id} twice");
        assert_eq!(r["type"], json!("article"));
        assert!(!r["title"].as_str().unwrap_or_default().is_empty(), "{r}");
        let content = &r["input_message_content"];
        assert_eq!(content["parse_mode"], json!("HTML"), "{r}");
        let text = content["message_text"].as_str().unwrap_or_default();
        let visible = visible_text(text, Some(&json!("HTML")));
        assert!((1..=4096).contains(&utf16_len(&visible)), "{text}");
    }
    answer
}

fn result_ids(answer: &Call) -> Vec<String> {
    answer.body["results"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|r| r["id"].as_str().unwrap_or_default().to_string())
        .collect()
}

#[tokio::test]
async fn inline_search_is_personal_cached_paged_and_never_an_error() {
    let (api, bot) = start().await;
    let zh = zh_user();
    let en = en_user();
    let app = support::app();

    // Inline queries are asked for: on Telegram, an update type not listed never arrives.
    let poll = api.wait_nth("getUpdates", 0).await;
    let allowed = poll.body["allowed_updates"].as_array().cloned();
    assert!(
        allowed.is_none_or(|a| a.contains(&json!("inline_query"))),
        "{}",
        poll.body
    );

    // 256 characters of emoji, right-to-left marks, HTML-looking text and Chinese.
    let pieces = [
        "😀",
        "\u{200F}",
        "<b>",
        "开源",
        "</b>",
        "\u{202E}",
        "שלום",
        "&amp;",
        "👨\u{200D}👩\u{200D}👧",
        "闭源",
        "\"",
        "\u{2066}",
    ];
    let odd: String = pieces
        .iter()
        .cycle()
        .flat_map(|p| p.chars())
        .take(256)
        .collect();
    assert_eq!(odd.chars().count(), 256);
    let answer = inline_answer(&api, &en, &odd, "").await;
    let core = app.inline(&odd, "", en.language_code.as_deref());
    let core_ids: Vec<String> = core.items.iter().map(|i| i.id.clone()).collect();
    assert_eq!(result_ids(&answer), core_ids);
    assert_eq!(answer.body["next_offset"], json!(core.next_offset));

    // 开源 pages: twenty, then the rest, never the same excerpt twice.
    let total = search_count("开源");
    assert!(total > 20, "{total}");
    let page1 = inline_answer(&api, &zh, "开源", "").await;
    assert_eq!(page1.body["next_offset"], json!("1"));
    let ids1 = result_ids(&page1);
    assert_eq!(ids1.len(), 20);
    let page2 = inline_answer(&api, &zh, "开源", "1").await;
    let ids2 = result_ids(&page2);
    assert_eq!(ids2.len(), (total - 20).min(20));
    let expected_next = if total > 40 { "2" } else { "" };
    assert_eq!(page2.body["next_offset"], json!(expected_next));
    let seen1: BTreeSet<&String> = ids1.iter().collect();
    assert!(
        ids2.iter().all(|id| !seen1.contains(id)),
        "{ids1:?}\n{ids2:?}"
    );
    assert_eq!(
        result_ids(&page2),
        app.inline("开源", "1", zh.language_code.as_deref())
            .items
            .iter()
            .map(|i| i.id.clone())
            .collect::<Vec<_>>()
    );

    // Offsets Telegram would never send back: past the end is empty, junk is the first page.
    let past = inline_answer(&api, &zh, "开源", "18446744073709551615").await;
    assert!(result_ids(&past).is_empty());
    assert_eq!(past.body["next_offset"], json!(""));
    let junk = inline_answer(&api, &zh, "开源", "-1").await;
    assert_eq!(result_ids(&junk), ids1);

    // In English: the Llama 2 clause first, titled and translated for the user.
    let llama = inline_answer(&api, &en, "700 million", "").await;
    let core = app.inline("700 million", "", en.language_code.as_deref());
    let expected = core.items.first().expect("the core finds it");
    let first = &llama.body["results"][0];
    assert_eq!(first["id"], json!("article-llama2-700m"), "{first}");
    assert_eq!(first["id"], json!(expected.id));
    assert_eq!(first["title"], json!(expected.title));
    let article = say(Lang::En, "inline_article", &[]);
    let title = say_until(Lang::En, "inline_title", &[("speaker", &article)], "topic");
    assert!(expected.title.starts_with(&title), "{}", expected.title);
    assert_eq!(first["description"], json!(expected.description));
    let message = first["input_message_content"]["message_text"]
        .as_str()
        .unwrap_or_default();
    assert_eq!(message, expected.message.to_html());
    let translation = escape_html(&say_until(Lang::En, "translation", &[], "text"));
    assert!(message.contains(&format!("<i>{translation}")), "{message}");
    assert!(message.contains("700 million"), "{message}");

    bot.stop().await;
    assert_eq!(api.count("answerInlineQuery"), 6);
    assert_eq!(api.count("sendMessage"), 0);
}
