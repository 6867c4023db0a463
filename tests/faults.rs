//! Faults end to end, against the fake Bot API on 127.0.0.1, each judged by what the users see:
//!
//! - a handler that panics (injected with a fail-rs failpoint in `send::send_message`) is
//!   caught, the user gets a short apology instead of silence, and the same chat and other
//!   chats are answered as usual;
//! - a send whose connection is dropped without an answer, or never answered at all, is tried
//!   again and the reply delivered exactly once;
//! - a full disk (a real one: a small tmpfs in a mount namespace of its own, filled up) gets the
//!   user a short apology, is logged, and what needs no writes keeps working; freed, quizzes
//!   start again;
//! - a quiz report that cannot be written (a failpoint in `results::csv`) gets the teacher the
//!   same apology, never an empty file.
//!
//! Failpoints are process-wide, so every test here that runs the bot in this process holds
//! `fail::FailScenario` (which serialises them); no other test binary configures failpoints.

// The failpoint this binary switches on is global to its process: it runs apart from
// the other integration tests (tests/it), which would otherwise hit it.
#[path = "it/support/mod.rs"]
mod support;

use std::io::{BufRead, BufReader, Read, Write};
use std::path::Path;
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::OnceLock;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use debate_bot::effect::Effect;

use debate_bot::i18n::Lang;
use debate_bot::quiz::{QuizRequest, Quizzes};
use debate_bot::settings::QuizSettings;
use debate_bot::store::Store;
use debate_bot::vocab::Place;
use debate_bot::vocab::{ChatKind, Millis};
use rand::SeedableRng;
use rand::rngs::StdRng;
use support::fake_api::visible_text;
use support::{Call, Failure, FakeApi, TOKEN, TempDir, TgUser, core_reply};
use tokio::sync::mpsc;

const GROUP: i64 = -4_000_000_555;

/// The bot's wait before its second try after a network error (`send::FIRST_BACKOFF`).
const FIRST_BACKOFF: Duration = Duration::from_millis(500);
/// How long teloxide's default HTTP client waits for an answer (teloxide-core's
/// `net::default_reqwest_settings`).
const CLIENT_TIMEOUT: Duration = Duration::from_secs(17);

/// The messages the bot sent (delivered) to `chat`, in order.
fn delivered_to(api: &FakeApi, chat: i64) -> Vec<Call> {
    api.calls_of("sendMessage")
        .into_iter()
        .filter(|c| c.ok() && c.chat_id() == Some(chat))
        .collect()
}

/// The texts of the messages delivered to `chat`, in order: what its user saw.
fn texts_delivered_to(api: &FakeApi, chat: i64) -> Vec<String> {
    delivered_to(api, chat)
        .iter()
        .map(|c| c.text().to_string())
        .collect()
}

/// Counts the panics whose message is `injected` (the failpoint's) and keeps them out of the
/// test output; every other panic goes to the hook there was before.
fn injected_panics() -> &'static AtomicUsize {
    static COUNT: AtomicUsize = AtomicUsize::new(0);
    static HOOK: OnceLock<()> = OnceLock::new();
    HOOK.get_or_init(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            let payload = info.payload();
            let message = payload
                .downcast_ref::<String>()
                .map(String::as_str)
                .or_else(|| payload.downcast_ref::<&str>().copied());
            if message == Some("injected") {
                COUNT.fetch_add(1, Ordering::SeqCst);
            } else {
                previous(info);
            }
        }));
    });
    &COUNT
}

// ---- a handler panics -----------------------------------------------------------------------

#[tokio::test]
async fn a_handler_that_panics_is_caught_and_the_bot_carries_on() {
    let scenario = fail::FailScenario::setup();
    let panics = injected_panics();
    let before = panics.load(Ordering::SeqCst);
    // The first reply to be sent panics, inside the message handler.
    fail::cfg("send-message", "1*panic(injected)").expect("a valid failpoint action");
    let (api, bot) = support::start().await;
    let alice = TgUser::new(5001, "Alice", None);
    let bob = TgUser::new(5002, "Bob", Some("en"));

    // A chat's updates are handled one after the other: /closed (which panics), then /open.
    api.private_text(&alice, "/closed");
    api.private_text(&alice, "/open");
    let open = api
        .wait_for("Alice's reply to /open", |c| {
            c.method == "sendMessage" && c.chat_id() == Some(alice.id) && c.text().contains("开源")
        })
        .await;
    assert!(open.ok(), "{}", open.response);
    assert_eq!(open.text(), core_reply(&alice, "/open").0);
    assert_eq!(
        panics.load(Ordering::SeqCst),
        before + 1,
        "the failpoint fired once"
    );

    // Another chat, and the same chat again, are answered as usual.
    api.private_text(&bob, "/closed");
    let closed = api
        .wait_for("Bob's reply", |c| {
            c.method == "sendMessage" && c.chat_id() == Some(bob.id)
        })
        .await;
    assert_eq!(closed.text(), core_reply(&bob, "/closed").0);
    let first = support::say_until(
        Lang::En,
        "topic_header",
        &[("title", "Closed source"), ("position", "1")],
        "count",
    );
    let first = format!("<b>{}", debate_bot::render::escape_html(&first));
    assert!(closed.text().starts_with(&first), "{}", closed.text());
    api.private_text(&alice, "/closed");
    api.wait_count("sendMessage", 4).await;

    bot.stop().await;
    // What Alice saw: an apology for the /closed that panicked, then each later answer once.
    let to_alice = texts_delivered_to(&api, alice.id);
    assert_eq!(
        to_alice,
        [
            support::say(debate_bot::i18n::Lang::Zh, "internal_error", &[]),
            core_reply(&alice, "/open").0,
            core_reply(&alice, "/closed").0
        ],
        "{}",
        api.describe_calls()
    );
    assert_eq!(delivered_to(&api, bob.id).len(), 1);
    assert_eq!(api.count("sendMessage"), 4, "{}", api.describe_calls());
    scenario.teardown();
}

/// A panic while an update is handed to its handler (before any work is queued) costs that
/// update alone: the next ones, the same chat's among them, are handled.
#[tokio::test]
async fn a_panic_in_the_dispatch_costs_one_update_and_the_bot_carries_on() {
    let scenario = fail::FailScenario::setup();
    let panics = injected_panics();
    let before = panics.load(Ordering::SeqCst);
    fail::cfg("dispatch", "1*panic(injected)").expect("a valid failpoint action");
    let (api, bot) = support::start().await;
    let alice = TgUser::new(5011, "Alice", None);

    api.private_text(&alice, "/closed");
    api.private_text(&alice, "/open");
    let open = api
        .wait_for("Alice's reply to /open", |c| {
            c.method == "sendMessage" && c.chat_id() == Some(alice.id)
        })
        .await;
    assert_eq!(open.text(), core_reply(&alice, "/open").0);
    assert_eq!(panics.load(Ordering::SeqCst), before + 1);
    api.private_text(&alice, "/closed");
    api.wait_count("sendMessage", 2).await;

    bot.stop().await;
    let to_alice = texts_delivered_to(&api, alice.id);
    assert_eq!(
        to_alice,
        [
            core_reply(&alice, "/open").0,
            core_reply(&alice, "/closed").0
        ],
        "{}",
        api.describe_calls()
    );
    scenario.teardown();
}

// ---- the network fails under a send ---------------------------------------------------------

/// Sends `/closed` from a new user with the first sendMessage failing as `failure`; asserts the
/// reply is delivered exactly once and returns the two tries.
async fn reply_despite(failure: Failure, within: Duration) -> (Call, Call) {
    // The failpoints are process-wide: hold the scenario so that none fires in this bot.
    let scenario = fail::FailScenario::setup();
    let api = FakeApi::start().await;
    api.fail("sendMessage", 1, failure);
    let bot = support::start_bot(&api);
    let user = TgUser::new(5003, "Unlucky", None);
    api.private_text(&user, "/closed");
    let tries = api
        .wait_until_within("two tries of sendMessage", within, |calls| {
            let tries: Vec<Call> = calls
                .iter()
                .filter(|c| c.method == "sendMessage")
                .cloned()
                .collect();
            (tries.len() >= 2).then_some(tries)
        })
        .await;
    bot.stop().await;
    scenario.teardown();

    let (first, second) = (tries[0].clone(), tries[1].clone());
    assert_eq!(
        first.status,
        0,
        "no answer to the first try: {}",
        first.summary()
    );
    assert!(!first.ok());
    assert!(second.ok(), "{}", second.response);
    assert_eq!(first.body, second.body, "the same message, tried again");
    let delivered = delivered_to(&api, user.id);
    assert_eq!(
        delivered.len(),
        1,
        "delivered once: {}",
        api.describe_calls()
    );
    assert_eq!(delivered[0].text(), core_reply(&user, "/closed").0);
    assert_eq!(
        api.count("sendMessage"),
        2,
        "no third try: {}",
        api.describe_calls()
    );
    (first, second)
}

#[tokio::test]
async fn a_dropped_connection_is_retried_and_the_reply_delivered_once() {
    let (first, second) =
        reply_despite(Failure::dropped_connection(), Duration::from_secs(5)).await;
    // The bot's own retry, after its backoff (not one the HTTP client made at once).
    let gap = second.at - first.at;
    assert!(gap >= FIRST_BACKOFF, "tried again after {gap:?}");
}

#[tokio::test]
async fn an_unanswered_send_times_out_and_the_reply_is_delivered_once() {
    let (first, second) = reply_despite(Failure::no_answer(), Duration::from_secs(25)).await;
    let gap = second.at - first.at;
    // The client's timeout runs from when it sent the request, a moment before the fake
    // recorded it: allow that moment (seen: 17.49 s on a loaded machine).
    let slack = Duration::from_millis(100);
    assert!(
        gap + slack >= CLIENT_TIMEOUT + FIRST_BACKOFF,
        "tried again after {gap:?}"
    );
}

// ---- a report that cannot be written -------------------------------------------------------

#[tokio::test]
async fn a_report_that_cannot_be_written_is_an_apology_not_an_empty_file() {
    let scenario = fail::FailScenario::setup();
    let store = Store::open("sqlite::memory:").await.expect("a database");
    let quizzes = Quizzes::new(support::app(), store, QuizSettings::default());
    let teacher = support::player(7, "Teacher");
    let mut rng = StdRng::seed_from_u64(1);
    let request = |text, now| {
        let (command, args) = support::builtin(text).expect("a built-in command");
        QuizRequest {
            place: Place::chat(teacher.id),
            kind: ChatKind::Private,
            player: &teacher,
            command,
            args,
            is_admin: false,
            now: Millis(now),
        }
    };
    let outs = quizzes.handle(&request("/quiz 1", 1_000), &mut rng).await;
    let Some(&Effect::QuizPoll { quiz, index, .. }) = outs.as_ref().unwrap().get(1) else {
        panic!("a quiz starts: {outs:#?}");
    };
    quizzes
        .poll_sent(quiz, index, "poll-1", 1, Millis(2_000))
        .await
        .unwrap();

    // The CSV cannot be written: the teacher is told to try again, and gets no file.
    fail::cfg("report-csv", "return").expect("a valid failpoint action");
    let outs = quizzes.handle(&request("/report", 3_000), &mut rng).await;
    let outs = outs.expect("answered, not an error");
    assert_eq!(
        support::messages(&outs),
        [support::say(Lang::Zh, "store_error", &[])]
    );
    assert_eq!(outs.len(), 1, "no document: {outs:#?}");

    // It can be again: the report comes.
    fail::remove("report-csv");
    let outs = quizzes.handle(&request("/report", 4_000), &mut rng).await;
    let outs = outs.expect("answered");
    let [Effect::Document { name, bytes, .. }] = outs.as_slice() else {
        panic!("one document");
    };
    assert_eq!(name, &format!("quiz-{quiz}.csv"));
    assert!(bytes.starts_with("\u{FEFF}user_id,".as_bytes()));
    scenario.teardown();
}

/// A picture that cannot be drawn (a bug, say) costs the class nothing but the picture: the
/// bot sends the results' text as a message instead, as without pictures.
#[tokio::test]
async fn a_picture_that_cannot_be_made_leaves_the_text_results() {
    let scenario = fail::FailScenario::setup();
    fail::cfg("picture", "return").expect("a valid failpoint action");
    const GROUP: i64 = -1_002_000_000_055;
    let quiz = QuizSettings {
        questions: 1,
        question_seconds: 30,
        max_questions: 20,
        pictures: true,
    };
    let class = support::group_chat::GroupChat::start(GROUP, quiz).await;
    let teacher = TgUser::new(1, "王老师", Some("zh-hans"));
    class.say(&teacher, "/quiz 1").await;
    let poll = class.api.wait_nth("sendPoll", 0).await;
    let poll_id = poll.poll()["id"].as_str().unwrap().to_string();
    support::eventually("the poll stored", || async {
        let quiz = class.store.last_quiz(GROUP).await.ok()??;
        let questions = class.store.questions(quiz.id).await.ok()?;
        questions[0].poll_id.is_some().then_some(())
    })
    .await;
    class
        .api
        .poll_answer(&poll_id, &TgUser::new(11, "学生", None), &[0]);
    support::eventually("the answer stored", || async {
        let quiz = class.store.last_quiz(GROUP).await.ok()??;
        (!class.store.answers(quiz.id).await.ok()?.is_empty()).then_some(())
    })
    .await;
    class.api.group_text(GROUP, &teacher, "/next");
    let title = support::say_until(Lang::Zh, "quiz_results_title", &[], "count");
    let results = class
        .api
        .wait_for("the results", |c| {
            c.method == "sendMessage"
                && visible_text(c.text(), c.body.get("parse_mode")).starts_with(&title)
        })
        .await;
    assert!(results.ok(), "{}", results.response);
    assert_eq!(class.api.count("sendPhoto"), 0, "no picture");
    fail::remove("picture");
    scenario.teardown();
}

// ---- a full disk ----------------------------------------------------------------------------

/// Runs in a user and mount namespace of its own (`unshare -rm`, same network): mounts a small
/// tmpfs on $DISK, starts the bot (its database on that tmpfs, its output on stderr), says
/// `mounted` and `bot PID`, then obeys lines on stdin: `fill` fills the tmpfs to the last byte
/// and says `filled dd=CODE avail=KB` (only on a tmpfs, and never more than 4 MiB), `free`
/// removes the filler and says `freed`, `stop` sends the bot SIGTERM. Then it waits for the bot
/// and exits with its code; if stdin closes first (the test is gone) it kills the bot.
const JAIL: &str = r#"
set -u
mount -t tmpfs -o size=512k debate-bot-full-disk "$DISK" || exit 90
echo mounted
"$BOT" --config "$CONFIG" run </dev/null >&2 &
bot=$!
echo "bot $bot"
stopped=no
while read -r command; do
    case "$command" in
        fill)
            if [ "$(stat -f -c %T "$DISK")" != tmpfs ]; then echo "not a tmpfs"; continue; fi
            dd if=/dev/zero of="$DISK/filler" bs=4k count=1024 2>/dev/null
            code=$?
            echo "filled dd=$code avail=$(df -k --output=avail "$DISK" | tail -n 1 | tr -d ' ')"
            ;;
        free)
            rm -f "$DISK/filler"
            echo freed
            ;;
        stop)
            kill -TERM "$bot"
            stopped=yes
            break
            ;;
    esac
done
[ "$stopped" = yes ] || kill -KILL "$bot"
wait "$bot"
"#;

/// The shell running [`JAIL`]: its stdout lines come on `lines`; dropping it ends it.
struct Jail {
    child: Child,
    stdin: Option<ChildStdin>,
    lines: mpsc::UnboundedReceiver<String>,
    stderr: Option<std::thread::JoinHandle<String>>,
}

impl Jail {
    fn start(api: &FakeApi, dir: &Path) -> Jail {
        let disk = dir.join("disk");
        std::fs::create_dir_all(&disk).expect("the mount point");
        let config = dir.join("config.toml");
        let responses = support::responses_dir();
        std::fs::write(
            &config,
            format!(
                "[corpus]\ndir = {}\n",
                toml::Value::String(responses.display().to_string())
            ),
        )
        .expect("the config file");
        let mut child = Command::new("unshare")
            .args(["-rm", "sh", "-c", JAIL, "jail"])
            .env("DISK", &disk)
            .env("BOT", env!("CARGO_BIN_EXE_debate-bot"))
            .env("CONFIG", &config)
            .env("TELOXIDE_TOKEN", TOKEN)
            .env("TELOXIDE_API_URL", api.url().as_str())
            .env(
                "DEBATE_BOT_DATABASE",
                format!("sqlite://{}", disk.join("bot.db").display()),
            )
            .env("RUST_LOG", "info")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap_or_else(|e| {
                panic!(
                    "cannot run `unshare` ({e}): the full-disk test needs util-linux's unshare \
                     (user and mount namespaces) to mount a small tmpfs"
                )
            });
        let stdin = child.stdin.take();
        let stdout = child.stdout.take().expect("piped stdout");
        let mut stderr = child.stderr.take().expect("piped stderr");
        let (tx, lines) = mpsc::unbounded_channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines() {
                let Ok(line) = line else { break };
                if tx.send(line).is_err() {
                    break;
                }
            }
        });
        let stderr = std::thread::spawn(move || {
            let mut all = String::new();
            let _ = stderr.read_to_string(&mut all);
            all
        });
        Jail {
            child,
            stdin,
            lines,
            stderr: Some(stderr),
        }
    }

    /// The next line the shell says, or None if it said nothing more within 20 s.
    async fn line(&mut self) -> Option<String> {
        tokio::time::timeout(Duration::from_secs(20), self.lines.recv())
            .await
            .ok()
            .flatten()
    }

    /// The next line, which must start with `expected`.
    async fn expect(&mut self, expected: &str) -> String {
        match self.line().await {
            Some(line) if line.starts_with(expected) => line,
            other => panic!(
                "expected {expected:?} from the shell, got {other:?}; its output:\n{}",
                self.output()
            ),
        }
    }

    fn tell(&mut self, command: &str) {
        let stdin = self.stdin.as_mut().expect("the shell's stdin");
        writeln!(stdin, "{command}").expect("the shell reads commands");
        stdin.flush().expect("the shell reads commands");
    }

    /// Waits (up to 15 s) for the shell, and so the bot, to exit; returns the bot's exit code
    /// and everything the bot and the shell wrote on stderr.
    fn finish(&mut self) -> (Option<i32>, String) {
        let started = std::time::Instant::now();
        let status = loop {
            match self.child.try_wait().expect("the shell's status") {
                Some(status) => break Some(status),
                None if started.elapsed() < Duration::from_secs(15) => {
                    std::thread::sleep(Duration::from_millis(20))
                }
                None => break None,
            }
        };
        let output = if status.is_some() {
            self.output()
        } else {
            String::from("(still running)")
        };
        (status.and_then(|s| s.code()), output)
    }

    /// Stderr so far, once the shell has exited (its pipe is closed then).
    fn output(&mut self) -> String {
        self.stdin.take();
        if self.child.try_wait().ok().flatten().is_none() {
            std::thread::sleep(Duration::from_secs(1));
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
        self.stderr
            .take()
            .and_then(|t| t.join().ok())
            .unwrap_or_default()
    }
}

impl Drop for Jail {
    fn drop(&mut self) {
        // Closing stdin makes the shell kill the bot; the namespace and its tmpfs go with it.
        self.stdin.take();
        if self.child.try_wait().ok().flatten().is_none() {
            let started = std::time::Instant::now();
            while started.elapsed() < Duration::from_secs(5) {
                if self.child.try_wait().ok().flatten().is_some() {
                    return;
                }
                std::thread::sleep(Duration::from_millis(20));
            }
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_full_disk_gets_an_apology_and_what_needs_no_writes_keeps_working() {
    let api = FakeApi::start().await;
    let dir = TempDir::new("full-disk");
    let mut jail = Jail::start(&api, dir.path());
    if jail.line().await.as_deref() != Some("mounted") {
        panic!(
            "`unshare -rm sh -c 'mount -t tmpfs ...'` failed: the full-disk test needs user and \
             mount namespaces (util-linux's unshare, root or unprivileged user namespaces) to \
             mount a small tmpfs; its output:\n{}",
            jail.output()
        );
    }
    jail.expect("bot ").await;
    // The bot has opened its database (on the tmpfs) and is polling.
    api.wait_for_within("the first getUpdates", Duration::from_secs(20), |c| {
        c.method == "getUpdates"
    })
    .await;

    jail.tell("fill");
    let filled = jail.expect("filled").await;
    assert!(
        filled.ends_with("avail=0") && !filled.contains("dd=0"),
        "dd ran out of space and nothing is left: {filled}"
    );

    let teacher = TgUser::new(5101, "Teacher", None);
    let reader = TgUser::new(5102, "Reader", None);
    let searcher = TgUser::new(5103, "Searcher", Some("en"));
    // A quiz needs writes; a topic and a search need none.
    let quiz = api.group_text(GROUP, &teacher, "/quiz 2");
    api.private_text(&reader, "/closed");
    api.private_text(&searcher, "/search open source");
    let apology = api
        .wait_for_within("the apology", Duration::from_secs(15), |c| {
            c.method == "sendMessage" && c.chat_id() == Some(GROUP)
        })
        .await;
    let store_error = support::app().view(Lang::Zh).ui.store_error.clone();
    assert!(apology.ok(), "{}", apology.response);
    assert_eq!(
        visible_text(apology.text(), apology.body.get("parse_mode")),
        store_error
    );
    assert_eq!(apology.reply_to(), Some(quiz.message_id()));
    let topic = api
        .wait_for("the topic", |c| {
            c.method == "sendMessage" && c.chat_id() == Some(reader.id)
        })
        .await;
    assert_eq!(topic.text(), core_reply(&reader, "/closed").0);
    let found = api
        .wait_for("the search results", |c| {
            c.method == "sendMessage" && c.chat_id() == Some(searcher.id)
        })
        .await;
    assert_eq!(found.text(), core_reply(&searcher, "/search open source").0);
    assert_eq!(api.count("sendPoll"), 0, "no quiz started on a full disk");
    assert_eq!(
        delivered_to(&api, GROUP).len(),
        1,
        "the apology, nothing else: {}",
        api.describe_calls()
    );

    // Space again: quizzes start again.
    jail.tell("free");
    jail.expect("freed").await;
    api.group_text(GROUP, &teacher, "/quiz 1");
    let poll = api
        .wait_for_within("the first poll", Duration::from_secs(15), |c| {
            c.method == "sendPoll"
        })
        .await;
    assert!(poll.ok(), "{}", poll.response);
    assert_eq!(poll.chat_id(), Some(GROUP));

    jail.tell("stop");
    let (code, logs) = jail.finish();
    assert_eq!(code, Some(0), "SIGTERM: exit 0\n{logs}");
    let logged = logs
        .lines()
        .find(|l| l.contains("ERROR") && l.contains("disk is full"))
        .unwrap_or_else(|| panic!("the storage error is logged:\n{logs}"));
    assert!(logged.contains("quiz"), "{logged}");
    if std::env::var_os("FAULTS_SHOW_LOGS").is_some() {
        eprintln!("{logs}");
    }
    let secret = TOKEN.split_once(':').expect("id:secret").1;
    assert!(!logs.contains(secret), "the token leaked:\n{logs}");
}

/// A vote that arrives while its poll is being stored is tried again, never refused as late:
/// the vote and, when it changed nothing, the question why are one transaction. Here the poll
/// is stored right between the two (the `vote-recorded` failpoint stores it from another
/// connection and waits up to a second for that); outside one transaction the vote found no
/// open debate, then found the poll, and was refused as if the debate were closed. Seen as a
/// flaky `groups` test under load: two of three votes cast at once were lost that way.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_vote_racing_its_polls_storage_is_tried_again_not_refused() {
    use debate_bot::store::{NewDebate, Recorded};
    use debate_bot::vocab::{Round, Side};
    use std::sync::atomic::AtomicBool;

    let scenario = fail::FailScenario::setup();
    let database = support::temp_database();
    let store = Store::open(&database).await.expect("a database");
    let at = Millis(1_800_000_000_000);
    let debate = store
        .create_debate(&NewDebate {
            place: Place::from(GROUP),
            motion_id: "closed_vs_open",
            starter_id: 7,
            lang: "zh",
            started_at: at,
            deadline: at + 3_600_000,
        })
        .await
        .expect("stored")
        .expect("no other debate in the chat");

    let stored_meanwhile = std::sync::Arc::new(AtomicBool::new(false));
    let (other, handle, once) = (
        store.clone(),
        tokio::runtime::Handle::current(),
        std::sync::Arc::clone(&stored_meanwhile),
    );
    fail::cfg_callback("vote-recorded", move || {
        if once.swap(true, Ordering::SeqCst) {
            return;
        }
        let (other, handle) = (other.clone(), handle.clone());
        let (done, stored) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            let _ = done.send(handle.block_on(other.debate_poll_sent(
                debate,
                Round::Before,
                "poll-1",
                42,
                &[],
            )));
        });
        // Stored at once outside a transaction; inside one, it waits for the vote's commit.
        let _ = stored.recv_timeout(Duration::from_secs(1));
    })
    .expect("a valid failpoint callback");

    let first = store
        .record_debate_answer("poll-1", 8_200, Some(1 << Side::For.index()), at + 1_000)
        .await
        .expect("stored");
    fail::remove("vote-recorded");
    assert!(stored_meanwhile.load(Ordering::SeqCst), "the failpoint ran");
    assert_eq!(first, Recorded::UnknownPoll, "too early, not too late");
    support::eventually("the poll stored", || async {
        store.debate_poll("poll-1").await.ok()?.map(|_| ())
    })
    .await;
    // Tried again once the poll is stored (as the adapter does), it counts.
    let again = store
        .record_debate_answer("poll-1", 8_200, Some(1 << Side::For.index()), at + 1_000)
        .await
        .expect("stored");
    assert_eq!(again, Recorded::Counted);
    let answers = store.debate_answers(debate).await.expect("the answers");
    assert_eq!(
        (answers.len(), answers[0].options),
        (1, 1 << Side::For.index())
    );
    scenario.teardown();
}
