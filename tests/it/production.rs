//! Production faults, end to end against the fake Bot API on 127.0.0.1: the webhook's secret
//! token, a group's flood limit, a 429 with retry_after, and 502s on getUpdates.

use crate::support;

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use debate_bot::i18n::Lang;
use debate_bot::limits::LimitSettings;
use debate_bot::telegram::{Settings, Webhook};
use secrecy::SecretString;
use serde_json::json;
use support::{Failure, FakeApi, RunningBot, TgUser, free_port};

/// The first line of /closed's reply, bold: "<b>闭源 · 1/10</b>" (the topic's title is the
/// corpus's; the rest, responses/ui.zh.toml's).
fn closed_title() -> String {
    let header = support::topic_header(Lang::Zh, "闭源", 1, 10);
    format!("<b>{}</b>", debate_bot::render::escape_html(&header))
}

const GROUP: i64 = -4_000_000_777;
const OTHER_GROUP: i64 = -4_000_000_888;

/// How long a bot here may take to stop: it delivers what is still queued for its shutdown
/// time (8 s) first.
const STOP_WITHIN: Duration = Duration::from_secs(15);

/// The bot, run with a webhook and limits of the test's choosing.
fn run_bot(api: &FakeApi, webhook: Option<Webhook>, limits: LimitSettings) -> RunningBot {
    run_bot_on(api, webhook, limits, support::temp_database())
}

/// The same, with its data in `database`.
fn run_bot_on(
    api: &FakeApi,
    webhook: Option<Webhook>,
    limits: LimitSettings,
    database: String,
) -> RunningBot {
    let settings = Settings {
        webhook,
        limits,
        ..support::settings(api)
    };
    support::launch(
        &tokio::runtime::Handle::current(),
        settings,
        database,
        Default::default(),
    )
}

/// A plain HTTP/1.1 request to 127.0.0.1; returns the status code and the body.
fn http(
    addr: SocketAddr,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: &str,
) -> (u16, String) {
    let mut stream = TcpStream::connect(addr).expect("the webhook listener");
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    let mut request = format!(
        "{method} {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\nContent-Length: {}\r\n",
        body.len()
    );
    for (name, value) in headers {
        request.push_str(&format!("{name}: {value}\r\n"));
    }
    request.push_str("\r\n");
    request.push_str(body);
    stream.write_all(request.as_bytes()).unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).unwrap();
    let status = response
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    let body = response
        .split_once("\r\n\r\n")
        .map(|(_, b)| b.to_string())
        .unwrap_or_default();
    (status, body)
}

fn start_update(update_id: i64, chat: i64) -> String {
    json!({
        "update_id": update_id,
        "message": {
            "message_id": update_id,
            "date": 1_720_000_000,
            "chat": {"id": chat, "type": "private", "first_name": "Web"},
            "from": {"id": chat, "is_bot": false, "first_name": "Web", "language_code": "en"},
            "text": "/start",
        }
    })
    .to_string()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_webhook_takes_only_updates_with_the_secret_and_answers_healthz() {
    let api = FakeApi::start().await;
    let listen = free_port();
    let secret = "s3cret_TOKEN-1";
    let webhook = Webhook {
        url: "https://bot.example.org/telegram".parse().unwrap(),
        listen,
        secret: Some(SecretString::from(secret.to_string())),
    };
    let bot = run_bot(&api, Some(webhook), support::generous_limits());

    let set = api
        .wait_for("setWebhook", |c| c.method == "setWebhook")
        .await;
    assert_eq!(set.body["url"], json!("https://bot.example.org/telegram"));
    assert_eq!(set.body["secret_token"], json!(secret));

    // The listener comes up right after setWebhook.
    let started = Instant::now();
    let health = loop {
        let result = tokio::task::spawn_blocking(move || {
            std::panic::catch_unwind(|| http(listen, "GET", "/healthz", &[], ""))
        })
        .await
        .unwrap();
        match result {
            Ok(answer) => break answer,
            Err(_) if started.elapsed() < Duration::from_secs(5) => {
                tokio::time::sleep(Duration::from_millis(50)).await
            }
            Err(_) => panic!("the webhook listener did not come up"),
        }
    };
    assert_eq!(health, (200, "ok".to_string()));

    // The container's health check asks the same listener.
    let dir = std::env::temp_dir().join(format!("debate-bot-health-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let config = dir.join("config.toml");
    let write = |listen: SocketAddr| {
        std::fs::write(
            &config,
            format!("[telegram]\nmode = \"webhook\"\nwebhook_url = \"https://bot.example.org/telegram\"\nwebhook_listen = \"{listen}\"\n"),
        )
        .unwrap();
    };
    let check = |config: &std::path::Path| {
        std::process::Command::new(env!("CARGO_BIN_EXE_debate-bot"))
            .arg("--config")
            .arg(config)
            .arg("healthcheck")
            .env_remove("TELOXIDE_TOKEN")
            .output()
            .unwrap()
            .status
    };
    write(listen);
    assert!(
        check(&config).success(),
        "healthy while the webhook listener is up"
    );
    write(free_port());
    assert!(!check(&config).success(), "unhealthy when nothing answers");
    let _ = std::fs::remove_dir_all(&dir);

    let post = |headers: Vec<(&'static str, &'static str)>, body: String| {
        tokio::task::spawn_blocking(move || {
            let mut all = vec![("Content-Type", "application/json")];
            all.extend(headers);
            http(listen, "POST", "/telegram", &all, &body)
        })
    };
    // No secret, a wrong one, one of another length: 401, and nothing is answered. The right
    // secret: 200, and the user gets the answer.
    let cases: [(Option<&'static str>, i64, u16); 4] = [
        (None, 501, 401),
        (Some("s3cret_TOKEN-2"), 502, 401),
        (Some("s3"), 503, 401),
        (Some("s3cret_TOKEN-1"), 504, 200),
    ];
    for (n, (secret, chat, status)) in cases.into_iter().enumerate() {
        let headers = secret
            .map(|s| ("X-Telegram-Bot-Api-Secret-Token", s))
            .into_iter()
            .collect();
        let answer = post(headers, start_update(n as i64 + 1, chat))
            .await
            .unwrap();
        assert_eq!(answer.0, status, "secret {secret:?}");
    }
    let reply = api
        .wait_for("the reply to the good update", |c| {
            c.method == "sendMessage"
        })
        .await;
    assert_eq!(reply.chat_id(), Some(504));
    let hello = support::say_until(Lang::En, "start", &[], "title");
    assert!(
        reply
            .text()
            .starts_with(&debate_bot::render::escape_html(&hello)),
        "{}",
        reply.text()
    );

    bot.stop_within(STOP_WITHIN).await;
    let sent: Vec<Option<i64>> = api
        .calls_of("sendMessage")
        .iter()
        .map(|c| c.chat_id())
        .collect();
    assert_eq!(
        sent,
        vec![Some(504)],
        "refused updates were never processed"
    );
    assert_eq!(
        api.count("deleteWebhook"),
        1,
        "the webhook is removed on the way out"
    );
    assert_eq!(api.count("getUpdates"), 0, "no polling in webhook mode");
}

/// A writer into a shared buffer, for reading what the bot logged.
struct Log(Arc<Mutex<Vec<u8>>>);

impl Write for Log {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(bytes);
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// Waits until the webhook listener answers /healthz.
async fn wait_until_up(listen: SocketAddr) {
    let started = Instant::now();
    loop {
        let result = tokio::task::spawn_blocking(move || {
            std::panic::catch_unwind(|| http(listen, "GET", "/healthz", &[], ""))
        })
        .await
        .unwrap();
        match result {
            Ok(answer) => break assert_eq!(answer.0, 200),
            Err(_) if started.elapsed() < Duration::from_secs(5) => {
                tokio::time::sleep(Duration::from_millis(50)).await
            }
            Err(_) => panic!("the webhook listener did not come up"),
        }
    }
}

/// The kinds of update a call asks for, sorted. (setWebhook goes as a form, whose fields the
/// fake records as strings: there the list is JSON in a string.)
fn allowed_updates(call: &support::Call) -> Vec<String> {
    let field = &call.body["allowed_updates"];
    let list: serde_json::Value = match field.as_str() {
        Some(text) => serde_json::from_str(text).unwrap(),
        None => field.clone(),
    };
    let mut kinds: Vec<String> = list
        .as_array()
        .unwrap_or_else(|| panic!("no allowed_updates in {}: {}", call.method, call.body))
        .iter()
        .map(|k| k.as_str().unwrap().to_string())
        .collect();
    kinds.sort();
    kinds
}

// A current-thread runtime: the bot's tasks run on this thread, where the capturing subscriber
// is the default.
#[tokio::test]
async fn the_webhook_asks_for_what_polling_asks_for_and_never_logs_an_update_it_cannot_read() {
    support::init_logging();
    let logs = Arc::new(Mutex::new(Vec::new()));
    let writer = Arc::clone(&logs);
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::DEBUG)
        .with_ansi(false)
        .with_writer(move || Log(Arc::clone(&writer)))
        .finish();
    let _logging = tracing::subscriber::set_default(subscriber);

    // Long polling: getUpdates asks for what the handlers take (`handlers::ALLOWED_UPDATES`).
    let api = FakeApi::start().await;
    let bot = run_bot(&api, None, support::generous_limits());
    let polling = api
        .wait_for("getUpdates", |c| c.method == "getUpdates")
        .await;
    bot.stop_within(STOP_WITHIN).await;
    let expected = [
        "callback_query",
        "inline_query",
        "message",
        "my_chat_member",
        "poll_answer",
    ];
    assert_eq!(allowed_updates(&polling), expected);

    // The webhook asks setWebhook for the same.
    let api = FakeApi::start().await;
    let listen = free_port();
    let secret = "s3cret_TOKEN-9";
    let webhook = Webhook {
        url: "https://bot.example.org/telegram".parse().unwrap(),
        listen,
        secret: Some(SecretString::from(secret.to_string())),
    };
    let bot = run_bot(&api, Some(webhook), support::generous_limits());
    let set = api
        .wait_for("setWebhook", |c| c.method == "setWebhook")
        .await;
    assert_eq!(allowed_updates(&set), expected, "{}", set.body);
    wait_until_up(listen).await;

    // Updates it cannot read, with a user's words in them: content teloxide cannot parse, an
    // update_id that is not a number, a body that is not JSON. Each gets 200 (else Telegram posts
    // it again and again), is skipped, and is logged without its content.
    let words = "悄悄话 SECRET-7731";
    let unreadable = [
        json!({
            "update_id": 11,
            "message": {
                "message_id": 11,
                "date": "yesterday",
                "chat": {"id": 601, "type": "private", "first_name": "Web"},
                "from": {"id": 601, "is_bot": false, "first_name": "Web"},
                "text": format!("/search {words}"),
            }
        })
        .to_string(),
        json!({"update_id": words, "message": {"text": words}}).to_string(),
        format!("{{\"update_id\": 13, \"message\": {words}"),
    ];
    for body in unreadable.into_iter().chain([start_update(14, 604)]) {
        let answer = tokio::task::spawn_blocking(move || {
            http(
                listen,
                "POST",
                "/telegram",
                &[
                    ("Content-Type", "application/json"),
                    ("X-Telegram-Bot-Api-Secret-Token", secret),
                ],
                &body,
            )
        })
        .await
        .unwrap();
        assert_eq!(answer.0, 200, "{answer:?}");
    }
    // The bot goes on: the good update after them is answered, and only it.
    let reply = api
        .wait_for("the reply to the good update", |c| {
            c.method == "sendMessage"
        })
        .await;
    assert_eq!(reply.chat_id(), Some(604));
    bot.stop_within(STOP_WITHIN).await;
    assert_eq!(api.count("sendMessage"), 1);

    let logs = String::from_utf8(logs.lock().unwrap().clone()).unwrap();
    let skipped: Vec<&str> = logs
        .lines()
        .filter(|l| l.contains("could not be read"))
        .collect();
    assert_eq!(skipped.len(), 3, "{logs}");
    assert!(skipped[0].contains("update_id=Some(11)"), "{}", skipped[0]);
    assert!(skipped[0].contains("kind=\"message\""), "{}", skipped[0]);
    assert!(
        !logs.contains("SECRET-7731"),
        "a user's text was logged:\n{logs}"
    );
    assert!(
        !logs.contains("悄悄话"),
        "a user's text was logged:\n{logs}"
    );
}

#[tokio::test]
async fn a_group_gets_its_budget_of_replies_then_one_notice_and_other_groups_are_not_held_up() {
    let api = FakeApi::start().await;
    let bot = run_bot(&api, None, LimitSettings::default());
    let student = TgUser::new(3001, "Flood", None);
    for _ in 0..25 {
        api.group_text(GROUP, &student, "/closed");
    }
    let replies = api.wait_count("sendMessage", 20).await;
    // Another group is answered at once, whatever the first one did.
    api.group_text(OTHER_GROUP, &student, "/open");
    let other = api
        .wait_for("the other group's reply", |c| {
            c.method == "sendMessage" && c.chat_id() == Some(OTHER_GROUP)
        })
        .await;
    assert!(other.text().contains("开源"));
    bot.stop_within(STOP_WITHIN).await;

    let to_group: Vec<String> = api
        .calls_of("sendMessage")
        .iter()
        .filter(|c| c.chat_id() == Some(GROUP))
        .map(|c| c.text().to_string())
        .collect();
    // Never more than 20 messages to the group in a minute, the notice included: 19
    // replies and the notice.
    assert_eq!(
        to_group.len(),
        20,
        "19 replies and one notice: {}",
        api.describe_calls()
    );
    assert!(
        to_group[..19]
            .iter()
            .all(|t| t.starts_with(&closed_title()))
    );
    assert_eq!(
        to_group[19],
        support::say(Lang::Zh, "slow_down", &[("count", "20")])
    );
    assert_eq!(replies.len(), 20);
}

#[tokio::test]
async fn a_429_is_waited_out_and_the_reply_delivered_once() {
    let api = FakeApi::start().await;
    api.fail("sendMessage", 1, Failure::retry_after(1));
    let bot = run_bot(&api, None, support::generous_limits());
    let user = TgUser::new(3002, "Patient", None);
    api.private_text(&user, "/closed");
    let calls = api.wait_count("sendMessage", 2).await;
    assert!(!calls[0].ok(), "the first try got the 429");
    assert!(calls[1].ok());
    assert_eq!(
        calls[0].text(),
        calls[1].text(),
        "the same message, tried again"
    );
    bot.stop_within(STOP_WITHIN).await;
    let delivered = api
        .calls_of("sendMessage")
        .iter()
        .filter(|c| c.ok())
        .count();
    assert_eq!(delivered, 1, "delivered once, never twice");
}

#[tokio::test]
async fn a_send_failing_with_502_is_retried_with_backoff_and_delivered_once() {
    let api = FakeApi::start().await;
    api.fail("sendMessage", 1, Failure::bad_gateway());
    let bot = run_bot(&api, None, support::generous_limits());
    let user = TgUser::new(3004, "Retried", None);
    api.private_text(&user, "/closed");
    // teloxide holds a 5xx answer 10 s before the bot sees it; then the bot's 0.5 s backoff.
    let calls = api
        .wait_until_within("a second try", Duration::from_secs(30), |calls| {
            let sends: Vec<_> = calls
                .iter()
                .filter(|c| c.method == "sendMessage")
                .cloned()
                .collect();
            (sends.len() >= 2).then_some(sends)
        })
        .await;
    assert!(!calls[0].ok() && calls[1].ok(), "{}", api.describe_calls());
    assert!(
        calls[1].at >= calls[0].at + Duration::from_millis(500),
        "backed off"
    );
    assert_eq!(
        calls[0].text(),
        calls[1].text(),
        "the same message, tried again"
    );
    assert!(calls[0].text().starts_with(&closed_title()));
    bot.stop_within(STOP_WITHIN).await;
    assert_eq!(
        api.count("sendMessage"),
        2,
        "delivered once: {}",
        api.describe_calls()
    );
}

#[tokio::test]
async fn getupdates_failing_with_502_backs_off_and_resumes() {
    let api = FakeApi::start().await;
    api.fail("getUpdates", 1, Failure::bad_gateway());
    let bot = run_bot(&api, None, support::generous_limits());
    let user = TgUser::new(3003, "Later", None);
    api.private_text(&user, "/start");
    // The next getUpdates waits out a backoff of 1 s (doubling while calls keep failing): the
    // update arrives a second late, but it arrives, and the bot is still up.
    let reply = api
        .wait_for_within("the reply after the outage", Duration::from_secs(10), |c| {
            c.method == "sendMessage"
        })
        .await;
    assert!(reply.ok());
    let updates = api.calls_of("getUpdates");
    assert!(
        updates.len() >= 2 && !updates[0].ok() && updates[1].ok(),
        "{}",
        api.describe_calls()
    );
    assert!(
        updates[1].at >= updates[0].at + Duration::from_millis(1_000),
        "no backoff: {}",
        api.describe_calls()
    );
    bot.stop_within(STOP_WITHIN).await;
}

/// Stopping, the bot's long polling drops the getUpdates in flight and makes one last call
/// that confirms the updates handed out (Telegram forgets updates below the offset it is
/// given). With Telegram unreachable that call is given 2 s, not the client's 17 s: a stop
/// must end before Docker's 10 s are up.
#[tokio::test]
async fn a_stop_is_not_held_up_by_a_getupdates_telegram_never_answers() {
    let api = FakeApi::start().await;
    let bot = run_bot(&api, None, support::generous_limits());
    api.wait_nth("getUpdates", 0).await;
    api.fail("getUpdates", 100, Failure::no_answer());
    // The next poll hangs; the stop comes while it is in flight.
    api.wait_nth("getUpdates", 1).await;
    let asked = Instant::now();
    bot.stop_within(STOP_WITHIN).await;
    let took = asked.elapsed();
    assert!(
        took < Duration::from_secs(5),
        "stopped after {took:?}: {}",
        api.describe_calls()
    );
    let last = api.calls_of("getUpdates").pop().expect("getUpdates calls");
    assert_eq!(
        last.body["timeout"],
        0,
        "the confirming call: {}",
        last.summary()
    );
    assert_eq!(
        last.body["limit"],
        1,
        "the confirming call: {}",
        last.summary()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_locked_database_gets_an_apology_and_everything_else_keeps_working() {
    use sqlx::Connection;
    let api = FakeApi::start().await;
    let database = support::temp_database();
    let bot = run_bot_on(&api, None, support::generous_limits(), database.clone());
    let user = TgUser::new(3004, "Teacher", None);
    api.private_text(&user, "/start");
    api.wait_count("sendMessage", 1).await;

    // Another process holds the write lock: every write waits, then fails as SQLITE_BUSY.
    let mut other = sqlx::SqliteConnection::connect(&database).await.unwrap();
    sqlx::query("BEGIN EXCLUSIVE")
        .execute(&mut other)
        .await
        .unwrap();
    api.group_text(GROUP, &user, "/quiz 3");
    api.group_text(OTHER_GROUP, &user, "/closed");
    let apology = api
        .wait_for_within("the apology", Duration::from_secs(20), |c| {
            c.method == "sendMessage" && c.chat_id() == Some(GROUP)
        })
        .await;
    assert_eq!(apology.text(), support::say(Lang::Zh, "store_error", &[]));
    let topic = api
        .wait_for("the topic reply", |c| {
            c.method == "sendMessage" && c.chat_id() == Some(OTHER_GROUP)
        })
        .await;
    assert!(
        topic.text().starts_with(&closed_title()),
        "what needs no writes is served"
    );

    // Once the lock is gone, quizzes start again.
    sqlx::query("ROLLBACK").execute(&mut other).await.unwrap();
    drop(other);
    api.group_text(GROUP, &user, "/quiz 1");
    let poll = api
        .wait_for_within("the poll", Duration::from_secs(10), |c| {
            c.method == "sendPoll"
        })
        .await;
    assert!(poll.ok());
    bot.stop_within(STOP_WITHIN).await;
}

/// One group held by a 429 (Telegram counts flood limits per chat) must not hold anyone else:
/// its reply waits out `retry_after` off the dispatch, so its next updates (more than
/// teloxide's per-chat queue of 64, when the bot used its dispatcher) and every other chat's
/// are handled meanwhile.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_group_held_by_a_429_delays_no_other_chat() {
    let api = FakeApi::start().await;
    api.fail_in_chat("sendMessage", GROUP, 1, Failure::retry_after(40));
    let bot = run_bot(&api, None, support::generous_limits());
    let class = TgUser::new(3101, "Class", None);
    api.group_text(GROUP, &class, "/closed");
    api.wait_for("the group's reply refused with 429", |c| {
        c.method == "sendMessage" && c.chat_id() == Some(GROUP) && !c.ok()
    })
    .await;
    // The class goes on talking: 80 messages, more than teloxide queues for one chat.
    for n in 0..80 {
        api.group_text(GROUP, &class, &format!("第 {n} 条讨论"));
    }
    let asked = Instant::now();
    let other = TgUser::new(3102, "Elsewhere", None);
    api.private_text(&other, "/closed");
    let answered = api
        .wait_for_within("the other chat's reply", Duration::from_secs(5), |c| {
            c.method == "sendMessage" && c.chat_id() == Some(other.id) && c.ok()
        })
        .await;
    assert!(
        asked.elapsed() < Duration::from_secs(5),
        "answered after {:?}",
        asked.elapsed()
    );
    assert!(answered.text().starts_with("<b>"), "{}", answered.text());
    // The held group's reply is not sent again before its retry_after is up.
    let to_group = api
        .calls_of("sendMessage")
        .iter()
        .filter(|c| c.chat_id() == Some(GROUP))
        .count();
    assert_eq!(to_group, 1);
    drop(bot);
}
