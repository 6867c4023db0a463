//! The `debate-bot` binary as a user meets it: `check`, `console`, and `run` without a token
//! or without a network. Nothing here reaches beyond 127.0.0.1.

use std::io::{Read, Write};
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

use debate_bot::i18n::Lang;

use crate::support::sentences::debate::round_line;
use crate::support::{self, citation, li_role, say, say_until, speaker_line, topic_header};

fn bin() -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_debate-bot"));
    command
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env_remove("TELOXIDE_TOKEN")
        .env_remove("TELOXIDE_API_URL")
        .env_remove("RUST_LOG");
    command
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn console(input: &str, args: &[&str]) -> Output {
    let mut child = bin()
        .arg("console")
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(input.as_bytes())
        .unwrap();
    child.wait_with_output().unwrap()
}

#[test]
fn check_passes_on_the_shipped_data_and_says_what_it_loaded() {
    let output = bin().arg("check").output().unwrap();
    let stdout = text(&output.stdout);
    assert!(output.status.success(), "{stdout}{}", text(&output.stderr));
    assert!(stdout.contains("开源与闭源之争:大厂如何抉择?"), "{stdout}");
    assert!(stdout.contains("40 paragraphs"), "{stdout}");
    assert!(stdout.contains("people: 7"), "{stdout}");
    assert!(stdout.contains("/closed /open /llama"), "{stdout}");
    assert!(
        stdout.contains("quiz questions: 22 (8 who-said, 14 facts)"),
        "{stdout}"
    );
    assert!(stdout.contains("debate motions: 5"), "{stdout}");
    assert!(stdout.trim_end().ends_with("ok"));
}

#[test]
fn check_lists_every_problem_and_exits_non_zero() {
    let dir = std::env::temp_dir().join(format!("debate-bot-cli-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join("data/article")).unwrap();
    std::fs::write(dir.join("config.toml"), "[corpus]\ndir = \"data\"\n").unwrap();
    std::fs::write(dir.join("data/article/article.txt"), "标题\n正文。\n").unwrap();
    std::fs::write(
        dir.join("data/article/source.toml"),
        "title = \"标题\"\noutlet = \"电厂\"\npublished = \"2024-07-12\"\nreporter = \"张\"\neditor = \"高\"\nlanguage = \"zh\"\n",
    )
    .unwrap();
    std::fs::write(
        dir.join("data/article/excerpts.toml"),
        "[[excerpt]]\nid = \"a\"\nparagraph = 2\ntext = \"不在原文\"\n",
    )
    .unwrap();
    let output = bin()
        .arg("--config")
        .arg(dir.join("config.toml"))
        .arg("check")
        .output()
        .unwrap();
    let stderr = text(&output.stderr);
    std::fs::remove_dir_all(&dir).unwrap();
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    for needle in [
        "excerpt \"a\": text is not verbatim",
        "people.toml: cannot read",
        "topics.toml: cannot read",
        "ui.zh.toml: cannot read",
        "ui.en.toml: cannot read",
    ] {
        assert!(stderr.contains(needle), "missing {needle:?} in {stderr}");
    }
}

#[test]
fn a_bad_config_file_is_named() {
    let output = bin()
        .args(["--config", "/nonexistent/debate.toml", "check"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    assert!(text(&output.stderr).contains("/nonexistent/debate.toml"));
}

#[test]
fn run_without_a_token_explains_where_to_get_one() {
    for args in [&["run"][..], &[][..]] {
        let output = bin().args(args).output().unwrap();
        let stderr = text(&output.stderr);
        assert_eq!(output.status.code(), Some(2), "{stderr}");
        assert!(stderr.contains("@BotFather"), "{stderr}");
        assert!(stderr.contains("TELOXIDE_TOKEN"), "{stderr}");
        assert!(stderr.contains("debate-bot console"), "{stderr}");
    }
}

#[test]
fn console_answers_commands_as_readable_text_and_exits_0_at_eof() {
    let output = console("/closed\n#1\n/who Robin Li\n/nonsense\n", &[]);
    let stdout = text(&output.stdout);
    assert!(output.status.success(), "{}", text(&output.stderr));
    // The excerpt is the corpus's, verbatim; the words around it, the ui file's.
    let first = format!(
        "{}\n  │ 这种情况下,商业化的闭源模型才是行业的未来\n{}\n{}\n[#1 {}]",
        topic_header(Lang::Zh, "闭源", 1, 10),
        speaker_line(Lang::Zh, "李彦宏", &li_role(Lang::Zh), "speech_direct"),
        citation(Lang::Zh, "5"),
        say(Lang::Zh, "button_next", &[]),
    );
    assert!(stdout.contains(&first), "{stdout}");
    assert!(
        stdout.contains(&topic_header(Lang::Zh, "闭源", 2, 10)),
        "pressing #1 shows the next excerpt: {stdout}"
    );
    assert!(
        stdout.contains(&format!("李彦宏 · {}", li_role(Lang::Zh))),
        "{stdout}"
    );
    let unknown = say(Lang::Zh, "unknown_command", &[("command", "nonsense")]);
    assert!(stdout.contains(&unknown), "{stdout}");
    assert!(
        !stdout.contains("<b>") && !stdout.contains("&lt;"),
        "no HTML in the terminal"
    );
}

#[test]
fn console_speaks_english_on_request() {
    let output = console("/open\n", &["--lang", "en"]);
    let stdout = text(&output.stdout);
    assert!(output.status.success());
    let text = "Open source is not the opposite of commercialisation; open source means breaking monopolies.";
    let translation = say(Lang::En, "translation", &[("text", text)]);
    assert!(stdout.contains(&translation), "{stdout}");
    assert!(stdout.contains(&citation(Lang::En, "35")), "{stdout}");
}

#[test]
fn console_runs_a_quiz_answered_by_number_with_results() {
    let output = console("/quiz 2\n1\n9\n2\n/top\n", &[]);
    let stdout = text(&output.stdout);
    assert!(output.status.success(), "{}", text(&output.stderr));
    let intro = |count, seconds| {
        say_until(
            Lang::Zh,
            "quiz_intro",
            &[("count", count), ("seconds", seconds)],
            "name",
        )
    };
    assert!(stdout.contains(&intro("2", "30")), "{stdout}");
    assert!(
        stdout.contains("1/2 · ") && stdout.contains("2/2 · "),
        "{stdout}"
    );
    assert!(
        stdout.contains("\n  1. ") && stdout.contains("\n  2. "),
        "numbered options: {stdout}"
    );
    let prompt = say(Lang::Zh, "console_quiz_prompt", &[("seconds", "30")]);
    assert!(stdout.contains(&prompt), "{stdout}");
    // Each answer is followed by the verdict and the source.
    assert!(
        stdout.matches(&support::citation_start(Lang::Zh)).count() >= 2,
        "{stdout}"
    );
    let title = say(
        Lang::Zh,
        "quiz_results_title",
        &[("count", "2"), ("people", "1")],
    );
    assert!(stdout.contains(&title), "{stdout}");
    assert!(
        stdout.contains(&say(Lang::Zh, "top_title", &[])),
        "{stdout}"
    );
}

#[test]
fn console_settings_are_a_private_chats_and_apply_to_the_next_quiz() {
    // The buttons: #1-#3 the language, #4-#8 the seconds (10, 20, 30, 60, 120).
    let output = console("/settings\n#5\n/quiz 1\n", &[]);
    let stdout = text(&output.stdout);
    assert!(output.status.success(), "{}", text(&output.stderr));
    let zh = |key, args: &[(&str, &str)]| say(Lang::Zh, key, args);
    let seconds = |n| zh("settings_seconds_value", &[("seconds", n)]);
    let chosen = |label: String| zh("settings_chosen", &[("label", &label)]);
    assert!(stdout.contains(&zh("settings_title", &[])), "{stdout}");
    let buttons = format!(
        "[#4 {}]  [#5 {}]  [#6 {}]",
        seconds("10"),
        seconds("20"),
        chosen(seconds("30"))
    );
    assert!(stdout.contains(&buttons), "{stdout}");
    let line = zh("settings_seconds", &[("value", &seconds("20"))]);
    assert!(stdout.contains(&line), "{stdout}");
    assert!(
        stdout.contains(&format!("[#5 {}]", chosen(seconds("20")))),
        "{stdout}"
    );
    let intro = say_until(
        Lang::Zh,
        "quiz_intro",
        &[("count", "1"), ("seconds", "20")],
        "name",
    );
    assert!(stdout.contains(&intro), "{stdout}");
}

#[test]
fn console_runs_a_debate_voted_by_number_with_the_result() {
    // Vote against, change to for, an out-of-range number, a second /debate; move on to the
    // second vote: undecided, then quotes 1 and 2 convinced; close.
    let output = console(
        "/debate 1\n2\n1\n7\n/debate 2\n/debate close\n3\n1 2\n/debate close\n",
        &[],
    );
    let stdout = text(&output.stdout);
    assert!(output.status.success(), "{}", text(&output.stderr));
    // The motion is the corpus's (responses/debates.toml); the words around it, the ui file's.
    let motion = "闭源最终将战胜开源?";
    let zh = |key, args: &[(&str, &str)]| say(Lang::Zh, key, args);
    let title = zh(
        "debate_title",
        &[("number", "1"), ("count", "5"), ("motion", motion)],
    );
    assert!(stdout.contains(&title), "{stdout}");
    let sides = [
        zh("debate_side_for", &[]),
        zh("debate_side_against", &[]),
        zh("debate_vote_undecided", &[]),
    ];
    let vote = |key| {
        format!(
            "{}\n  1. {}\n  2. {}\n  3. {}\n",
            zh(key, &[("motion", motion), ("minutes", "60")]),
            sides[0],
            sides[1],
            sides[2]
        )
    };
    // The first vote comes before both sides' quotes.
    let first = stdout.find(&vote("debate_vote_before")).expect(&stdout);
    assert!(first < stdout.find(&title).unwrap(), "{stdout}");
    let voted = |side: &str| zh("console_debate_voted", &[("option", side)]);
    assert!(
        stdout.contains(&voted(&sides[1])) && stdout.contains(&voted(&sides[0])),
        "{stdout}"
    );
    let already = zh("debate_already_open", &[("motion", motion)]);
    assert!(stdout.contains(&already), "{stdout}");
    // The second vote, then (once it is cast) the convinced poll with its quotes.
    assert!(stdout.contains(&vote("debate_vote_after")), "{stdout}");
    let convinced = zh(
        "debate_convinced_question",
        &[("motion", motion), ("minutes", "60")],
    );
    let after_vote = stdout.find(&voted(&sides[2])).expect(&stdout);
    assert!(
        stdout.find(&convinced).expect(&stdout) > after_vote,
        "{stdout}"
    );
    assert!(
        stdout.contains(&zh("console_convinced_prompt", &[])),
        "{stdout}"
    );
    // The result comes after the 2 s grace, even though input has ended.
    let result = [
        zh("debate_result_title", &[("motion", motion)]),
        round_line(
            Lang::Zh,
            "debate_round_before",
            [(1, 100), (0, 0), (0, 0)],
            1,
        ),
        round_line(
            Lang::Zh,
            "debate_round_after",
            [(0, 0), (0, 0), (1, 100)],
            1,
        ),
        String::new(),
        zh(
            "debate_result_swing",
            &[("count", "1"), ("for", "\u{2212}100"), ("against", "0")],
        ),
        zh("debate_result_wins_against", &[]),
    ]
    .join("\n");
    assert!(stdout.contains(&result), "{stdout}");
    assert!(
        stdout.contains(&zh("debate_result_convinced", &[("count", "1")])),
        "{stdout}"
    );
}

#[test]
fn console_survives_odd_input() {
    let (emoji, who) = (
        "😀".repeat(20_000),
        format!("/who {}", "\u{202e}".repeat(3000)),
    );
    let junk = format!("{emoji}\n{who}\n#0\n#99999999999999999999\n\u{0}\n/\n");
    let output = console(&junk, &[]);
    let stdout = text(&output.stdout);
    assert!(output.status.success(), "{}", text(&output.stderr));
    assert!(
        stdout.starts_with(&say(Lang::Zh, "console_banner", &[])),
        "{stdout}"
    );
    // Each line gets the core's answer in a private chat (the bot named nothing in the
    // terminal): a search, a name not found, a search for "\0" and for "/" ...
    for line in [emoji.as_str(), who.as_str(), "\u{0}", "/"] {
        let answer = support::core_answer(Some("zh"), None, line).doc.to_plain();
        let start: String = line.chars().take(8).collect();
        assert!(
            stdout.contains(&answer),
            "no answer to {start:?}…: {stdout}"
        );
    }
    // ... and a press on a button there is not ("#0", a number past any) the stale notice.
    let stale = say(Lang::Zh, "button_stale", &[]);
    assert_eq!(stdout.matches(&stale).count(), 2, "{stdout}");
}

// ---- run, stopped by signals ---------------------------------------------------------

/// A token shaped like a real one, so that a leak would be recognisable.
const TOKEN: &str = "123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw_";
const SECRET: &str = "AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw_";

fn signal(child: &Child, name: &str) {
    let status = Command::new("kill")
        .args([&format!("-{name}"), &child.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
}

fn wait(child: &mut Child, limit: Duration) -> Option<std::process::ExitStatus> {
    let start = Instant::now();
    while start.elapsed() < limit {
        if let Some(status) = child.try_wait().unwrap() {
            return Some(status);
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    let _ = child.kill();
    None
}

fn run_against_dead_network(signal_name: &str) -> (Option<std::process::ExitStatus>, String) {
    run_against_dead_network_with(signal_name, &[])
}

fn run_against_dead_network_with(
    signal_name: &str,
    env: &[(&str, &str)],
) -> (Option<std::process::ExitStatus>, String) {
    let mut child = bin()
        .envs(env.iter().copied())
        .env("TELOXIDE_TOKEN", TOKEN)
        // A port nothing listens on: the network is "dead".
        .env(
            "TELOXIDE_API_URL",
            format!("http://{}", support::free_port()),
        )
        .env("RUST_LOG", "trace")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // Let it fail to connect and retry a few times.
    std::thread::sleep(Duration::from_millis(1500));
    signal(&child, signal_name);
    let status = wait(&mut child, Duration::from_secs(10));
    let mut logs = String::new();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut logs)
        .unwrap();
    child
        .stdout
        .take()
        .unwrap()
        .read_to_string(&mut logs)
        .unwrap();
    (status, logs)
}

#[test]
fn a_dead_network_is_retried_and_sigterm_exits_0_without_leaking_the_token() {
    let (status, logs) = run_against_dead_network("TERM");
    assert!(status.is_some_and(|s| s.success()), "{status:?}\n{logs}");
    assert!(logs.contains("cannot reach Telegram"), "{logs}");
    assert!(
        !logs.contains(SECRET),
        "the token leaked into the logs:\n{logs}"
    );
}

#[test]
fn json_logs_are_one_object_a_line_and_never_hold_the_token() {
    let (status, logs) =
        run_against_dead_network_with("TERM", &[("DEBATE_BOT_LOG_FORMAT", "json")]);
    assert!(status.is_some_and(|s| s.success()), "{status:?}\n{logs}");
    assert!(
        !logs.contains(SECRET),
        "the token leaked into the logs:\n{logs}"
    );
    let lines: Vec<serde_json::Value> = logs
        .lines()
        .map(|line| serde_json::from_str(line).unwrap_or_else(|e| panic!("not JSON ({e}): {line}")))
        .collect();
    // RUST_LOG=trace: teloxide's and reqwest's records too, every one an object.
    assert!(lines.len() > 3, "{logs}");
    let retry = lines
        .iter()
        .find(|l| l["message"] == "cannot reach Telegram")
        .unwrap_or_else(|| panic!("no retry line in:\n{logs}"));
    assert_eq!(retry["level"], "WARN");
    assert_eq!(retry["target"], "debate_telegram::telegram");
    assert!(retry["retry_in_ms"].is_u64(), "{retry}");
    assert!(retry["timestamp"].is_string(), "{retry}");
}

#[test]
fn sigint_exits_0_too() {
    let (status, logs) = run_against_dead_network("INT");
    assert!(status.is_some_and(|s| s.success()), "{status:?}\n{logs}");
    assert!(!logs.contains(SECRET));
}

/// An update teloxide cannot read (here a message whose chat is no chat) reaches the log by
/// its id and kind only, never its words; the next update is answered as usual. Polling mode,
/// the real binary against the fake Bot API.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unreadable_update_is_skipped_without_logging_its_words() {
    use crate::support::{FakeApi, TgUser};
    let api = FakeApi::start().await;
    let secret_words = "我的秘密 xyzzy-plugh";
    api.push_update(
        "message",
        serde_json::json!({"message_id": 1, "date": 1_720_000_000, "chat": "not a chat",
            "text": secret_words}),
    );
    let reader = TgUser::new(4242, "Reader", None);
    api.private_text(&reader, "/closed");
    let mut child = bin()
        .env("TELOXIDE_TOKEN", crate::support::TOKEN)
        .env("TELOXIDE_API_URL", api.url().as_str())
        .env("DEBATE_BOT_DATABASE", crate::support::temp_database())
        .env("RUST_LOG", "trace")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    api.wait_for("the reply to the readable update", |c| {
        c.method == "sendMessage" && c.chat_id() == Some(reader.id) && c.ok()
    })
    .await;
    signal(&child, "TERM");
    let (status, logs) = tokio::task::spawn_blocking(move || {
        let status = wait(&mut child, Duration::from_secs(10));
        let mut logs = String::new();
        child
            .stderr
            .take()
            .unwrap()
            .read_to_string(&mut logs)
            .unwrap();
        (status, logs)
    })
    .await
    .unwrap();
    assert!(status.is_some_and(|s| s.success()), "{status:?}\n{logs}");
    assert!(
        logs.contains("an update could not be read and was skipped"),
        "{logs}"
    );
    assert!(
        !logs.contains("xyzzy"),
        "the user's words were logged:\n{logs}"
    );
    assert!(
        !logs.contains("秘密"),
        "the user's words were logged:\n{logs}"
    );
}
