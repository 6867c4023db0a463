//! Prometheus metrics end to end: the real bot (`debate_bot::telegram::run`) against the fake
//! Bot API on 127.0.0.1 with `[metrics] listen` on, scraped on `GET /metrics` before and after a
//! few commands, a 429 injected on a reply, a quiz answered (once, then again), and a debate
//! voted in (by a person, then by a channel); every counter must have moved by exactly what was done, as the fake recorded it.
//!
//! The metrics recorder is global to its process, and the integration tests in tests/it run in
//! parallel in one process: this binary runs apart so that nothing else moves the counters.

#[path = "it/support/mod.rs"]
mod support;

use std::collections::HashMap;
use std::net::SocketAddr;
use std::time::Duration;

use debate_bot::telegram::Settings;
use support::{Failure, FakeApi, TgUser, eventually, free_port};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

const GROUP: i64 = -4_000_000_914;
const OTHER_GROUP: i64 = -4_000_000_915;

/// A scrape, parsed: each series (`name{label="value",...}`, labels sorted) and its value.
#[derive(Debug, Clone)]
struct Scrape {
    text: String,
    series: HashMap<String, f64>,
}

impl Scrape {
    fn parse(text: String) -> Scrape {
        let mut series = HashMap::new();
        for line in text
            .lines()
            .filter(|l| !l.starts_with('#') && !l.is_empty())
        {
            let (key, value) = line.rsplit_once(' ').expect("a series and its value");
            let value: f64 = value.parse().expect("a number");
            series.insert(normal(key), value);
        }
        Scrape { text, series }
    }

    /// The value of `name` with exactly `labels`; panics if the series is not there.
    fn get(&self, name: &str, labels: &[(&str, &str)]) -> f64 {
        let key = key(name, labels);
        *self
            .series
            .get(&key)
            .unwrap_or_else(|| panic!("no series {key} in:\n{}", self.text))
    }
}

/// `name{b="2",a="1"}` as `name{a="1",b="2"}`.
fn normal(key: &str) -> String {
    let Some((name, labels)) = key.split_once('{') else {
        return key.to_string();
    };
    let mut labels: Vec<&str> = labels.trim_end_matches('}').split(',').collect();
    labels.sort_unstable();
    format!("{name}{{{}}}", labels.join(","))
}

fn key(name: &str, labels: &[(&str, &str)]) -> String {
    if labels.is_empty() {
        return name.to_string();
    }
    let labels: Vec<String> = labels.iter().map(|(k, v)| format!("{k}=\"{v}\"")).collect();
    normal(&format!("{name}{{{}}}", labels.join(",")))
}

/// `GET path` on `addr`: the status line and the body.
async fn get(addr: SocketAddr, path: &str) -> (String, String) {
    let mut stream = tokio::net::TcpStream::connect(addr)
        .await
        .expect("the metrics listener");
    let request = format!("GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n");
    stream.write_all(request.as_bytes()).await.unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).await.unwrap();
    let (head, body) = response.split_once("\r\n\r\n").expect("an HTTP answer");
    let status = head.lines().next().unwrap_or_default().to_string();
    (status, body.to_string())
}

async fn scrape(addr: SocketAddr) -> Scrape {
    let (status, body) = get(addr, "/metrics").await;
    assert_eq!(status, "HTTP/1.1 200 OK");
    Scrape::parse(body)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_counters_move_by_what_was_done() {
    support::init_logging();
    let api = FakeApi::start().await;
    let listen = free_port();
    let settings = Settings {
        metrics: Some(listen),
        reloads: None,
        ..support::settings(&api)
    };
    let bot = support::launch(
        &tokio::runtime::Handle::current(),
        settings,
        support::temp_database(),
        Default::default(),
    );
    api.wait_nth("getUpdates", 0).await;

    let (status, body) = get(listen, "/healthz").await;
    assert_eq!((status.as_str(), body.as_str()), ("HTTP/1.1 200 OK", "ok"));
    let before = scrape(listen).await;
    // Every series is there from the start, at 0.
    assert_eq!(
        before.get(
            "debate_bot_telegram_calls_total",
            &[("method", "sendMessage"), ("outcome", "429")]
        ),
        0.0
    );
    assert_eq!(
        before.get("debate_bot_commands_total", &[("command", "closed")]),
        0.0
    );
    assert_eq!(before.get("debate_bot_quizzes_running", &[]), 0.0);

    // A reply refused once with 429, then delivered.
    let alice = TgUser::new(70_001, "Alice", Some("en"));
    api.fail("sendMessage", 1, Failure::retry_after(1));
    api.private_text(&alice, "/closed");
    api.wait_until_within(
        "the reply after the 429",
        Duration::from_secs(10),
        |calls| {
            calls
                .iter()
                .any(|c| c.method == "sendMessage" && c.ok())
                .then_some(())
        },
    )
    .await;
    api.private_text(&alice, "/help");
    // A command the bot does not have: counted as `unknown`, never under its own name.
    api.private_text(&alice, "/bogus_cmd_4711");
    // A quiz of one question in a group (where it runs until its time is up: in a private
    // chat it would end at its one player's answer), and a debate in the private chat.
    api.group_text(GROUP, &alice, "/quiz 1");
    api.private_text(&alice, "/debate 1");
    let quiz_poll = api.wait_nth("sendPoll", 0).await;
    let vote_poll = api.wait_nth("sendPoll", 1).await;
    let (quiz_poll, vote_poll) = if quiz_poll.chat_id() == Some(GROUP) {
        (quiz_poll, vote_poll)
    } else {
        (vote_poll, quiz_poll)
    };
    // Answers count once their poll is stored: wait for both writes.
    eventually("both polls stored", || async {
        let now = scrape(listen).await;
        let stored = |op| now.get("debate_bot_sqlite_write_seconds_count", &[("op", op)]);
        (stored("quiz_poll_sent") == 1.0 && stored("debate_poll_sent") == 1.0).then_some(())
    })
    .await;
    let quiz_id = quiz_poll.poll()["id"].as_str().unwrap().to_string();
    let vote_id = vote_poll.poll()["id"].as_str().unwrap().to_string();
    api.poll_answer(&quiz_id, &alice, &[0]);
    let bob = TgUser::new(70_002, "Bob", None);
    api.poll_answer(&vote_id, &bob, &[1]);
    eventually("two poll answers handled", || async {
        let now = scrape(listen).await;
        let handled = now.get(
            "debate_bot_handler_seconds_count",
            &[("update", "poll_answer")],
        );
        (handled == 2.0).then_some(())
    })
    .await;
    // A second answer to the same quiz question does not count.
    api.poll_answer(&quiz_id, &alice, &[1]);
    // Nor does a channel's vote, as Telegram sends it: the channel as `voter_chat`, and
    // Channel_Bot as `user` for clients that know nothing of `voter_chat`.
    api.push_update(
        "poll_answer",
        serde_json::json!({
            "poll_id": vote_id,
            "voter_chat": {"id": -1_001_555_000_001_i64, "type": "channel", "title": "A channel"},
            "user": {"id": 136_817_688, "is_bot": true, "first_name": "Channel", "username": "Channel_Bot"},
            "option_ids": [0],
        }),
    );
    // Added to another group, the bot introduces itself.
    api.bot_added_to_group(OTHER_GROUP, &alice, "member");
    api.wait_for("the introduction", |c| {
        c.method == "sendMessage" && c.chat_id() == Some(OTHER_GROUP) && c.ok()
    })
    .await;

    eventually("every update handled", || async {
        let now = scrape(listen).await;
        let messages = now.get("debate_bot_handler_seconds_count", &[("update", "message")]);
        let answers = now.get(
            "debate_bot_handler_seconds_count",
            &[("update", "poll_answer")],
        );
        (messages == 5.0 && answers == 4.0).then_some(())
    })
    .await;
    // A scrape reads series one after another: a handler ending during it may show in the
    // histograms read last but not in the counters read first. Every handler had ended before
    // that scrape ended, so the next one shows all of them everywhere.
    let after = scrape(listen).await;
    let delta =
        |name: &str, labels: &[(&str, &str)]| after.get(name, labels) - before.get(name, labels);

    assert_eq!(
        delta("debate_bot_updates_total", &[("kind", "message")]),
        5.0
    );
    assert_eq!(
        delta("debate_bot_updates_total", &[("kind", "poll_answer")]),
        4.0
    );
    assert_eq!(
        delta("debate_bot_updates_total", &[("kind", "my_chat_member")]),
        1.0
    );
    assert_eq!(delta("debate_bot_updates_total", &[("kind", "other")]), 0.0);
    for (command, count) in [
        ("closed", 1.0),
        ("help", 1.0),
        ("unknown", 1.0),
        ("quiz", 1.0),
        ("debate", 1.0),
        ("other", 0.0),
        ("open", 0.0),
    ] {
        assert_eq!(
            delta("debate_bot_commands_total", &[("command", command)]),
            count,
            "{command}"
        );
    }
    // The Bot API calls as the fake saw them: the 429, then what it accepted.
    let ok = |method: &str| api.calls_of(method).iter().filter(|c| c.ok()).count() as f64;
    let calls = |method: &str, outcome: &str| {
        delta(
            "debate_bot_telegram_calls_total",
            &[("method", method), ("outcome", outcome)],
        )
    };
    assert_eq!(calls("sendMessage", "429"), 1.0);
    assert_eq!(calls("sendMessage", "ok"), ok("sendMessage"));
    assert!(ok("sendMessage") >= 4.0, "{}", ok("sendMessage"));
    assert_eq!(calls("sendPoll", "ok"), 2.0);
    for outcome in ["4xx", "5xx", "network"] {
        assert_eq!(calls("sendMessage", outcome), 0.0, "{outcome}");
    }
    assert_eq!(
        delta(
            "debate_bot_telegram_retries_total",
            &[("method", "sendMessage")]
        ),
        1.0
    );
    assert_eq!(
        delta(
            "debate_bot_replies_dropped_total",
            &[("reason", "chat_limit")]
        ),
        0.0
    );
    assert_eq!(after.get("debate_bot_send_queue_depth", &[]), 0.0);
    // Every message was answered; the 429 shows in the slowest (over a second).
    assert_eq!(
        delta(
            "debate_bot_update_to_reply_seconds_count",
            &[("update", "message")]
        ),
        5.0
    );
    assert!(
        delta(
            "debate_bot_update_to_reply_seconds_sum",
            &[("update", "message")]
        ) >= 1.0
    );
    assert_eq!(
        delta(
            "debate_bot_update_to_reply_seconds_bucket",
            &[("update", "message"), ("le", "+Inf")]
        ),
        5.0
    );
    // The quiz answer and the vote count; the repeated answer and the channel's vote do not,
    // and say why.
    assert_eq!(
        delta("debate_bot_answers_recorded_total", &[("poll", "quiz")]),
        1.0
    );
    assert_eq!(
        delta("debate_bot_answers_recorded_total", &[("poll", "debate")]),
        1.0
    );
    assert_eq!(
        delta(
            "debate_bot_answers_refused_total",
            &[("reason", "repeated")]
        ),
        1.0,
        "{}",
        after.text
    );
    assert_eq!(
        delta(
            "debate_bot_answers_refused_total",
            &[("reason", "anonymous")]
        ),
        1.0,
        "{}",
        after.text
    );
    for reason in ["closed", "invalid", "unknown_poll", "store_failed"] {
        assert_eq!(
            delta("debate_bot_answers_refused_total", &[("reason", reason)]),
            0.0,
            "{reason}"
        );
    }
    assert_eq!(after.get("debate_bot_quizzes_running", &[]), 1.0);
    assert_eq!(after.get("debate_bot_debates_running", &[]), 1.0);
    let writes = |op| delta("debate_bot_sqlite_write_seconds_count", &[("op", op)]);
    for op in [
        "create_quiz",
        "quiz_poll_sent",
        "create_debate",
        "debate_poll_sent",
        "vote",
    ] {
        assert_eq!(writes(op), 1.0, "{op}");
    }
    // Every poll answer goes to the quiz's answer writer first (the vote too, as a poll no
    // quiz has): one commit each, or fewer when they came together in a batch.
    assert!(
        (1.0..=3.0).contains(&writes("answers")),
        "{}",
        writes("answers")
    );

    // No chat id, user id or user's words ever becomes a label value.
    for private in [
        "bogus_cmd_4711",
        &alice.id.to_string(),
        &bob.id.to_string(),
        &GROUP.to_string(),
        &OTHER_GROUP.to_string(),
        "Alice",
    ] {
        assert!(
            !after.text.contains(private),
            "{private} in:\n{}",
            after.text
        );
    }
    // Prometheus conventions: every series is documented and typed.
    for name in [
        "debate_bot_updates_total",
        "debate_bot_telegram_calls_total",
        "debate_bot_handler_seconds",
        "debate_bot_quizzes_running",
    ] {
        assert!(after.text.contains(&format!("# HELP {name} ")), "{name}");
        assert!(after.text.contains(&format!("# TYPE {name} ")), "{name}");
    }
    assert!(
        after
            .text
            .contains("# TYPE debate_bot_handler_seconds histogram")
    );

    bot.stop_within(Duration::from_secs(15)).await;
    eventually("the metrics listener closed with the bot", || async {
        tokio::net::TcpStream::connect(listen).await.err().map(drop)
    })
    .await;
}
