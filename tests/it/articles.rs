//! More than one article in one bot, as a teacher gets there: `debate-bot import` a report of
//! their own beside the shipped article, `debate-bot review` it, `debate-bot check` the whole,
//! then run the bot (the binary, against the fake Bot API on 127.0.0.1). `/source` lists both;
//! a group chooses its article in `/settings`, and its `/search`, `/help`'s topics and
//! `/quiz` follow that choice; inline mode searches every article, each result citing its own.

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Duration;

use debate_bot::i18n::Lang;
use serde_json::json;

use crate::support::{self, FakeApi, TOKEN, TgUser, visible};

const GROUP: i64 = -1_000_000_555;

/// The binary run in `dir`, whose config.toml points at `dir/responses`.
fn bin(dir: &Path) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_debate-bot"));
    command
        .current_dir(dir)
        .env_remove("TELOXIDE_TOKEN")
        .env_remove("RUST_LOG")
        .env_remove("DEBATE_BOT_METRICS_LISTEN");
    command
}

/// `responses/` as shipped, with the import crate's classroom report imported as `classroom`
/// and every draft accepted in review.
fn two_articles() -> support::TempDir {
    let dir = support::TempDir::new("articles");
    let d = dir.path();
    std::fs::write(d.join("config.toml"), "[corpus]\ndir = \"responses\"\n").unwrap();
    support::copy_dir(&support::responses_dir(), &d.join("responses"));
    let fixture =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("crates/import/tests/fixtures/classroom-ai.txt");
    crate::import::import_and_accept(d, fixture.to_str().unwrap(), "classroom");
    dir
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_imported_article_is_served_beside_the_shipped_one_and_a_group_chooses_it() {
    let dir = two_articles();
    let d = dir.path();
    // The whole of responses/ checks: both articles, with their topics side by side.
    let check = bin(d).arg("check").output().unwrap();
    let stdout = String::from_utf8_lossy(&check.stdout).into_owned();
    assert!(check.status.success(), "{stdout}");
    assert!(stdout.contains("article classroom: AI 进课堂"), "{stdout}");
    assert!(
        stdout.contains("article dianchang-2024-07-12-open-vs-closed"),
        "{stdout}"
    );

    let api = FakeApi::start().await;
    let database = support::temp_database();
    let child = bin(d)
        .arg("run")
        .env("TELOXIDE_TOKEN", TOKEN)
        .env("TELOXIDE_API_URL", api.url().as_str())
        .env("DEBATE_BOT_DATABASE", &database)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let _kill = KillOnDrop(child);
    api.wait_nth("getUpdates", 0).await;

    // /source lists both, numbered; the chat uses every article.
    let reader = TgUser::new(8_001, "读者", Some("zh-hans"));
    api.private_text(&reader, "/source");
    let source = visible(&api.wait_nth("sendMessage", 0).await);
    let title = support::say(Lang::Zh, "source_list_title", &[("count", "2")]);
    assert!(source.starts_with(&title), "{source}");
    assert!(
        source.contains("1. 《开源与闭源之争:大厂如何抉择?》 电厂"),
        "{source}"
    );
    assert!(
        source.contains("2. 《AI 进课堂:老师们怎么看?》 课堂周报"),
        "{source}"
    );
    assert!(
        source.contains(&support::say(Lang::Zh, "source_scope_all", &[])),
        "{source}"
    );

    // The group's admin chooses article 2 in /settings.
    let admin = TgUser::new(8_002, "王老师", Some("zh-hans"));
    api.set_member_status(GROUP, &admin, "administrator");
    let sent = api.count("sendMessage");
    api.group_text(GROUP, &admin, "/settings");
    let settings = api.wait_nth("sendMessage", sent).await;
    let buttons: Vec<(String, String)> = settings.buttons().into_iter().flatten().collect();
    let all = support::say(Lang::Zh, "settings_article_all", &[]);
    let chosen = support::say(Lang::Zh, "settings_chosen", &[("label", &all)]);
    assert!(
        buttons.contains(&(chosen, "c:zh:art:*".to_string())),
        "{buttons:?}"
    );
    assert!(
        buttons.contains(&("2".to_string(), "c:zh:art:classroom".to_string())),
        "{buttons:?}"
    );
    let edits = api.count("editMessageText");
    api.press(&admin, &settings, "c:zh:art:classroom");
    let edited = visible(&api.wait_nth("editMessageText", edits).await);
    let line = support::say(
        Lang::Zh,
        "settings_article",
        &[("value", "2. 《AI 进课堂:老师们怎么看?》")],
    );
    assert!(edited.contains(&line), "{edited}");

    // The group's /search finds the chosen article only; /help lists its topic only.
    let found = ask(&api, &admin, "/search 老师").await;
    assert!(found.contains("课堂周报"), "{found}");
    assert!(!found.contains("电厂"), "{found}");
    let none = ask(&api, &admin, "/search 开源").await;
    assert!(
        none.starts_with(&support::say_until(Lang::Zh, "search_none", &[], "query")),
        "{none}"
    );
    let help = ask(&api, &admin, "/help").await;
    assert!(help.contains("/classroom"), "{help}");
    assert!(!help.contains("/closed —"), "{help}");
    // A topic of the other article still answers when typed.
    let closed = ask(&api, &admin, "/closed").await;
    assert!(closed.contains("电厂"), "{closed}");

    // A quiz asks of the chosen article only: every question cites it.
    let polls = api.count("sendPoll");
    api.group_text(GROUP, &admin, "/quiz 3 10s");
    let poll = api.wait_nth("sendPoll", polls).await;
    let explanation = poll.body["explanation"].as_str().unwrap_or_default();
    assert!(explanation.contains("课堂周报"), "{}", poll.body);

    // /debate puts the chosen article's motion, the one its import drafted (周红 against 赵明):
    // the first vote asks it.
    let sent = api.count("sendMessage");
    api.group_text(GROUP, &admin, "/debate");
    let vote = api
        .wait_for("sendPoll", |c| {
            c.method == "sendPoll" && c.body["type"].as_str() != Some("quiz")
        })
        .await;
    let question = vote.body["question"].as_str().unwrap_or_default();
    assert!(
        question.starts_with("周红说:“我反对让人工智能代替老师"),
        "{}",
        vote.body
    );
    // Then the page of both sides' quotes: 赵明's for, 周红's against.
    let page = api.wait_nth("sendMessage", sent).await;
    assert!(visible(&page).contains("赵明"), "{}", visible(&page));
    assert!(visible(&page).contains("周红"), "{}", visible(&page));
    let list = ask(&api, &admin, "/debate list").await;
    assert!(list.contains("周红说"), "{list}");
    assert!(!list.contains("闭源最终将战胜开源"), "{list}");

    // In the reader's private chat (every article), a search finds both.
    let sent = api.count("sendMessage");
    api.private_text(&reader, "/search 人工智能 开源");
    let both = visible(&api.wait_nth("sendMessage", sent).await);
    assert!(both.contains("课堂周报") || both.contains("电厂"), "{both}");

    // Inline mode searches every article; each result cites its own.
    let query = api.inline_query(&reader, "老师", "");
    let answer = api
        .wait_for("answerInlineQuery", |c| {
            c.method == "answerInlineQuery" && c.body["inline_query_id"] == query.query_id()
        })
        .await;
    let results = answer.body["results"].as_array().unwrap().clone();
    assert!(!results.is_empty());
    for r in &results {
        let text = r["input_message_content"]["message_text"]
            .as_str()
            .unwrap_or_default();
        assert!(text.contains("课堂周报") || text.contains("电厂"), "{r}");
    }
    let query = api.inline_query(&reader, "李彦宏", "");
    let answer = api
        .wait_for("answerInlineQuery", |c| {
            c.method == "answerInlineQuery" && c.body["inline_query_id"] == query.query_id()
        })
        .await;
    assert_ne!(answer.body["results"], json!([]), "the shipped article too");
    tokio::time::sleep(Duration::from_millis(10)).await;
}

/// What `user` is answered in the group when they send `text`.
async fn ask(api: &FakeApi, user: &TgUser, text: &str) -> String {
    let sent = api.count("sendMessage");
    api.group_text(GROUP, user, text);
    visible(&api.wait_nth("sendMessage", sent).await)
}

/// Kills the bot's process when the test ends, however it ends.
struct KillOnDrop(std::process::Child);

impl Drop for KillOnDrop {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}
