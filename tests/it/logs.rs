//! The binary as it runs in a container: `DEBATE_BOT_LOG_FORMAT=json` and
//! `DEBATE_BOT_METRICS_LISTEN` set, against the fake Bot API on 127.0.0.1. Its log lines are
//! one JSON object each with the fields the text lines carry (level, target, chat kind,
//! command, milliseconds), never a user's words, name or the token; `debate-bot healthcheck`
//! asks its metrics listener.

use crate::support;

use std::net::SocketAddr;
use std::process::{Command, Stdio};
use std::time::Duration;

use serde_json::Value;
use support::{FakeApi, TOKEN, TgUser, free_port};

fn healthcheck(metrics: SocketAddr) -> bool {
    Command::new(env!("CARGO_BIN_EXE_debate-bot"))
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .arg("healthcheck")
        .env("DEBATE_BOT_METRICS_LISTEN", metrics.to_string())
        .env_remove("TELOXIDE_TOKEN")
        .output()
        .unwrap()
        .status
        .success()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn json_lines_carry_the_fields_and_the_health_check_asks_the_metrics_listener() {
    let api = FakeApi::start().await;
    let metrics = free_port();
    let database = support::temp_database();
    let child = Command::new(env!("CARGO_BIN_EXE_debate-bot"))
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .arg("run")
        .env("TELOXIDE_TOKEN", TOKEN)
        .env("TELOXIDE_API_URL", api.url().as_str())
        .env("DEBATE_BOT_DATABASE", &database)
        .env("DEBATE_BOT_LOG_FORMAT", "json")
        .env("DEBATE_BOT_METRICS_LISTEN", metrics.to_string())
        .env_remove("RUST_LOG")
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let pid = child.id();
    api.wait_nth("getUpdates", 0).await;

    let check =
        tokio::task::spawn_blocking(move || (healthcheck(metrics), healthcheck(free_port())));
    assert_eq!(
        check.await.unwrap(),
        (true, false),
        "healthy while the metrics listener answers, not when nothing does"
    );

    let user = TgUser::new(7_777_017_777, "Zhuang Secretive", Some("en"));
    api.private_text(&user, "/who 李彦宏");
    api.private_text(&user, "my private words 私有化部署");
    api.wait_count("sendMessage", 2).await;
    let killed = Command::new("kill")
        .args(["-TERM", &pid.to_string()])
        .status()
        .unwrap();
    assert!(killed.success());
    let output = tokio::time::timeout(
        Duration::from_secs(15),
        tokio::task::spawn_blocking(move || child.wait_with_output().unwrap()),
    )
    .await
    .expect("the bot exits after SIGTERM")
    .unwrap();
    let logs = String::from_utf8_lossy(&output.stderr).into_owned();
    assert!(output.status.success(), "{:?}\n{logs}", output.status);

    let lines: Vec<Value> = logs
        .lines()
        .map(|line| serde_json::from_str(line).unwrap_or_else(|e| panic!("not JSON ({e}): {line}")))
        .collect();
    let handled: Vec<&Value> = lines
        .iter()
        .filter(|l| l["message"] == "message handled")
        .collect();
    assert_eq!(handled.len(), 2, "{logs}");
    for (line, command) in handled.iter().zip(["who", "text"]) {
        assert_eq!(line["level"], "INFO", "{line}");
        assert_eq!(
            line["target"], "debate_telegram::telegram::handlers",
            "{line}"
        );
        assert_eq!(line["chat"], "private", "{line}");
        assert_eq!(line["command"], command, "{line}");
        assert!(line["ms"].as_f64().is_some_and(|ms| ms >= 0.0), "{line}");
        assert_eq!(line["ok"], true, "{line}");
        assert!(line["timestamp"].is_string(), "{line}");
    }
    assert!(
        lines
            .iter()
            .any(|l| l["message"] == "serving metrics on /metrics"),
        "{logs}"
    );
    let secret = TOKEN.split_once(':').unwrap().1;
    for private in [
        secret,
        "李彦宏",
        "private words",
        "私有化部署",
        "Secretive",
        "7777017777",
    ] {
        assert!(!logs.contains(private), "{private:?} in the logs:\n{logs}");
    }
}

/// SIGHUP loads `responses/` again, checked first: a good corpus answers from then on (and the
/// command menus are set again); one with a problem is refused, the problem logged, and the
/// running one stays. The bot never stops meanwhile.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sighup_reloads_the_responses_checked_first_and_a_broken_one_changes_nothing() {
    let api = FakeApi::start().await;
    let responses = support::temp::copy_of(&support::responses_dir(), "reload");
    let dir = responses.path().to_path_buf();
    let config = dir.join("config.toml");
    std::fs::write(
        &config,
        format!("[corpus]\ndir = {:?}\n", dir.display().to_string()),
    )
    .unwrap();
    let database = support::temp_database();
    let child = Command::new(env!("CARGO_BIN_EXE_debate-bot"))
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .args(["--config", config.to_str().unwrap(), "run"])
        .env("TELOXIDE_TOKEN", TOKEN)
        .env("TELOXIDE_API_URL", api.url().as_str())
        .env("DEBATE_BOT_DATABASE", &database)
        .env_remove("RUST_LOG")
        .env_remove("DEBATE_BOT_METRICS_LISTEN")
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let pid = child.id().to_string();
    api.wait_nth("getUpdates", 0).await;
    let menus = api.count("setMyCommands");
    // Each asks once, in a private chat of their own: no chat's budget comes into it.
    let ask = |n: usize| {
        let user = TgUser::new(7_100 + n as i64, "Reader", Some("en"));
        api.private_text(&user, "/debate close");
        api.wait_nth("sendMessage", n - 1)
    };
    let shipped = support::ui(debate_bot::i18n::Lang::En)
        .debate_none_open
        .clone();
    assert_eq!(support::visible(&ask(1).await), shipped);

    // An edited sentence: reloaded, it answers from then on.
    let ui = dir.join("ui.en.toml");
    let edited = std::fs::read_to_string(&ui)
        .unwrap()
        .replace(&shipped, "Nothing to close here.");
    std::fs::write(&ui, edited).unwrap();
    let hup = || {
        assert!(
            Command::new("kill")
                .args(["-HUP", &pid])
                .status()
                .unwrap()
                .success()
        )
    };
    hup();
    api.wait_count("setMyCommands", menus * 2).await;
    assert_eq!(support::visible(&ask(2).await), "Nothing to close here.");

    // A broken corpus (an excerpt no longer verbatim): refused; the edited one stays.
    let excerpts = dir
        .join("dianchang-2024-07-12-open-vs-closed")
        .join("excerpts.toml");
    let broken = std::fs::read_to_string(&excerpts)
        .unwrap()
        .replace("商业化的闭源模型才是行业的未来", "开源模型才是行业的未来");
    std::fs::write(&excerpts, broken).unwrap();
    hup();
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(support::visible(&ask(3).await), "Nothing to close here.");
    assert_eq!(api.count("setMyCommands"), menus * 2, "no new menus");

    assert!(
        Command::new("kill")
            .args(["-TERM", &pid])
            .status()
            .unwrap()
            .success()
    );
    let output = tokio::time::timeout(
        Duration::from_secs(15),
        tokio::task::spawn_blocking(move || child.wait_with_output().unwrap()),
    )
    .await
    .expect("the bot exits after SIGTERM")
    .unwrap();
    let logs = String::from_utf8_lossy(&output.stderr).into_owned();
    assert!(output.status.success(), "{:?}\n{logs}", output.status);
    assert_eq!(logs.matches("responses reloaded").count(), 1, "{logs}");
    assert!(
        logs.contains("responses not reloaded: the running ones stay"),
        "{logs}"
    );
    assert!(
        logs.contains("excerpts.toml"),
        "the problem names its file: {logs}"
    );
}
