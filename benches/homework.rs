//! Homework at scale in storage: `cargo bench --bench homework`.
//!
//! A database as a busy deployment would have it after a term of homework: 2,000 groups, each
//! with 5 open assignments of 10 questions (10,000 open) and one live quiz the class took
//! together; 25 students a group, each with one attempt at one of the group's assignments
//! (50,000 attempts, each a quiz of its own in the student's private chat, every question's
//! poll sent and answered). The rows are written as the store writes them (the same tables
//! and columns, the questions as the engine dealt them for a real `/assign`), in one
//! transaction, in a file in a fresh temporary folder; then the store is opened on it as the
//! bot opens it, and the bench checks through the store that it reads back what was meant.
//!
//! Then, each the median of many runs, each run on another group or assignment, through the
//! core as the bot calls it (`Core::handle`):
//!
//! - `/assign list` in a group (its 5 open assignments, with how many began and finished);
//! - `/top` in a group (its leaderboard: what the store counts as the group's answers);
//! - the deadline pass: an assignment's wake-up at its deadline (`Input::Due` with
//!   `Timer::Assignment`), which closes it, ends the attempt still running (one of its five),
//!   redraws the card, posts the summary with its picture (drawn to PNG, pictures on as
//!   shipped; every other run with the chat's pictures off, to tell the drawing's share) and
//!   sends the teacher the CSV; and the query of which open assignments are due.
//!
//! Target: each under 20 ms. Reported too: the process's peak RSS (VmHWM) while measuring
//! (reset once the data is made) and the database's size on disk. Progress goes to stderr, the report to stdout. Linux only (/proc).

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use debate_bot::app::App;
use debate_bot::command;
use debate_bot::core::{Core, Incoming, Input, Unlimited};
use debate_bot::effect::Effect;
use debate_bot::i18n::Lang;
use debate_bot::settings::QuizSettings;
use debate_bot::store::Store;
use debate_bot::vocab::{ChatKind, Dealt, Millis, Place, Player, Timer};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use sqlx::sqlite::{SqliteConnectOptions, SqliteConnection, SqliteJournalMode, SqliteSynchronous};
use sqlx::{Connection, QueryBuilder, Sqlite};

const GROUPS: i64 = 2_000;
const ASSIGNMENTS_PER_GROUP: i64 = 5;
const STUDENTS_PER_GROUP: i64 = 25;
/// Each assignment is attempted by this many of its group's students (each student attempts
/// one): 2,000 x 5 x 5 = 50,000 attempts.
const ATTEMPTS_PER_ASSIGNMENT: i64 = STUDENTS_PER_GROUP / ASSIGNMENTS_PER_GROUP;
const QUESTIONS: usize = 10;
const QUESTION_SECONDS: i64 = 30;
/// Runs of each measured step (each on another group or assignment).
const RUNS: usize = 200;
/// Assignments whose deadline has come when the deadline pass is measured: each run closes
/// one (a closed assignment does not close again).
const DUE: i64 = 200;
const TARGET_MS: f64 = 20.0;

/// The time the term's data was made, and when the measured steps happen: a day later.
const T0: i64 = 1_780_000_000_000;
const DAY: i64 = 86_400_000;
const NOW: i64 = T0 + DAY;

fn group_chat(g: i64) -> i64 {
    -1_000_000_000_000 - g
}

fn teacher(g: i64) -> i64 {
    5_000_000 + g
}

fn student(g: i64, s: i64) -> i64 {
    10_000_000 + g * STUDENTS_PER_GROUP + s
}

/// Assignment ids are given here: group `g`'s number `n` (from 1); the ids below are the
/// scratch assignment's.
fn assignment_id(g: i64, n: i64) -> i64 {
    1_000 + g * ASSIGNMENTS_PER_GROUP + n
}

/// Due at [`NOW`]: the first assignment of the first [`DUE`] groups; every other deadline is
/// days away.
fn deadline(g: i64, n: i64) -> i64 {
    if n == 1 && g < DUE {
        NOW
    } else {
        NOW + DAY * (1 + (g + n) % 6)
    }
}

fn mib(bytes: u64) -> String {
    format!("{:.1} MiB", bytes as f64 / (1024.0 * 1024.0))
}

/// A line of /proc/self/status, in bytes.
fn status(key: &str) -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix(key))
        .and_then(|v| v.split_whitespace().next()?.parse::<u64>().ok())
        .map_or(0, |kb| kb * 1024)
}

fn player(id: i64, name: &str) -> Player {
    Player {
        id,
        name: name.to_string(),
        language_code: Some("zh".into()),
    }
}

/// Median, 95th percentile and slowest of `samples`, in ms.
struct Timing {
    median: f64,
    p95: f64,
    max: f64,
}

fn timing(mut samples: Vec<Duration>) -> Timing {
    samples.sort();
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    let at = |q: f64| samples[((samples.len() - 1) as f64 * q).round() as usize];
    Timing {
        median: ms(at(0.5)),
        p95: ms(at(0.95)),
        max: ms(*samples.last().expect("samples")),
    }
}

/// A message from `from` in the group `chat`, as the Telegram adapter hands it to the core.
async fn in_group(core: &Core, chat: i64, from: &Player, text: &str) -> Vec<Effect> {
    let parsed = command::parse(text);
    let incoming = Incoming {
        place: Place::from(chat),
        kind: ChatKind::Group,
        from,
        text,
        command: parsed.as_ref(),
        bot_username: Some("homework_bench_bot"),
        message_id: Some(1),
        now: Millis(NOW),
        sent_at: Millis(NOW),
        shared_identity: false,
    };
    core.handle(Input::Message(incoming), &Unlimited)
        .await
        .effects
}

/// The questions as the engine deals them for a class: a real `/assign` in a scratch group.
async fn dealt_questions(core: &Core) -> Vec<Dealt> {
    let scratch = -42;
    let effects = in_group(core, scratch, &player(42, "Scratch"), "/assign 10 3d").await;
    let card = effects
        .iter()
        .find_map(|e| match e {
            Effect::Post { link: Some(l), .. } => Some(l.url.clone()),
            _ => None,
        })
        .expect("/assign posts its card with the link");
    let code = card.rsplit("hw_").next().expect("the link's code");
    let row = core
        .store()
        .assignment_by_code(code)
        .await
        .unwrap()
        .expect("the scratch assignment");
    assert_eq!(row.questions.len(), QUESTIONS);
    core.store()
        .close_assignment(row.id, Millis(NOW))
        .await
        .unwrap();
    row.questions
}

/// Rows to insert, written as one multi-row INSERT each [`CHUNK`] rows.
const CHUNK: usize = 400;

/// Writes the term's data in one transaction, as the store writes each row.
async fn fill(db: &Path, dealt: &[Dealt]) -> Counts {
    let options = SqliteConnectOptions::new()
        .filename(db)
        .journal_mode(SqliteJournalMode::Wal)
        // Building the data set only: the bot's own writes are fully synchronous.
        .synchronous(SqliteSynchronous::Off);
    let mut conn = SqliteConnection::connect_with(&options).await.unwrap();
    let mut tx = conn.begin().await.unwrap();
    let questions_json = serde_json::to_string(dealt).unwrap();
    let mut rng = StdRng::seed_from_u64(22);
    let mut counts = Counts::default();
    let mut next_quiz: i64 = 1_000_000;

    let mut users: Vec<(i64, String)> = Vec::new();
    let mut assignments: Vec<(i64, i64, i64)> = Vec::new();
    for g in 0..GROUPS {
        users.push((teacher(g), format!("Teacher {g}")));
        for s in 0..STUDENTS_PER_GROUP {
            users.push((student(g, s), format!("Student {g}-{s}")));
        }
        for n in 1..=ASSIGNMENTS_PER_GROUP {
            assignments.push((g, n, deadline(g, n)));
        }
    }
    for chunk in users.chunks(CHUNK) {
        let mut q: QueryBuilder<Sqlite> = QueryBuilder::new("INSERT INTO users (user_id, name) ");
        q.push_values(chunk, |mut b, (id, name)| {
            b.push_bind(id).push_bind(name);
        });
        q.build().execute(&mut *tx).await.unwrap();
        let mut q: QueryBuilder<Sqlite> =
            QueryBuilder::new("INSERT INTO private_chats (user_id, started_at) ");
        q.push_values(chunk, |mut b, (id, _)| {
            b.push_bind(id).push_bind(T0);
        });
        q.build().execute(&mut *tx).await.unwrap();
    }
    for chunk in assignments.chunks(CHUNK) {
        let mut q: QueryBuilder<Sqlite> = QueryBuilder::new(
            "INSERT INTO assignments (id, code, chat_id, thread_id, number, teacher_id,
             teacher_name, lang, question_seconds, scoring, questions, bot_username, created_at,
             deadline, card_message_id, card_finished, card_edited_at) ",
        );
        q.push_values(chunk, |mut b, &(g, n, deadline)| {
            let id = assignment_id(g, n);
            b.push_bind(id)
                .push_bind(format!("{id:0>12}"))
                .push_bind(group_chat(g))
                .push_bind(None::<i64>)
                .push_bind(n)
                .push_bind(teacher(g))
                .push_bind(format!("Teacher {g}"))
                .push_bind("zh")
                .push_bind(QUESTION_SECONDS)
                .push_bind("right")
                .push_bind(&questions_json)
                .push_bind("homework_bench_bot")
                .push_bind(T0)
                .push_bind(deadline)
                .push_bind(100 + n)
                .push_bind(ATTEMPTS_PER_ASSIGNMENT)
                .push_bind(T0 + 600_000);
        });
        q.build().execute(&mut *tx).await.unwrap();
        counts.assignments += chunk.len() as i64;
    }

    // The quizzes: every attempt (in the student's private chat), and each group's live quiz.
    struct QuizPlan {
        id: i64,
        chat: i64,
        starter: i64,
        assignment: Option<i64>,
        started: i64,
        /// Questions sent; the last one sent is still open when the attempt is running.
        sent: usize,
        finished: bool,
        answerers: Vec<i64>,
    }
    let mut plans = Vec::new();
    for g in 0..GROUPS {
        for n in 1..=ASSIGNMENTS_PER_GROUP {
            for k in 0..ATTEMPTS_PER_ASSIGNMENT {
                let s = (n - 1) * ATTEMPTS_PER_ASSIGNMENT + k;
                let id = student(g, s);
                // A due assignment has one attempt still running, at its fifth question.
                let running = deadline(g, n) == NOW && k == ATTEMPTS_PER_ASSIGNMENT - 1;
                next_quiz += 1;
                plans.push(QuizPlan {
                    id: next_quiz,
                    chat: id,
                    starter: id,
                    assignment: Some(assignment_id(g, n)),
                    // Its fifth poll went out 5 s ago, open for 25 s more.
                    started: if running {
                        NOW - 45_000
                    } else {
                        T0 + rng.random_range(0..DAY / 2)
                    },
                    sent: if running { 5 } else { QUESTIONS },
                    finished: !running,
                    answerers: vec![id],
                });
            }
        }
        next_quiz += 1;
        plans.push(QuizPlan {
            id: next_quiz,
            chat: group_chat(g),
            starter: teacher(g),
            assignment: None,
            started: T0 - DAY,
            sent: QUESTIONS,
            finished: true,
            answerers: (0..STUDENTS_PER_GROUP).map(|s| student(g, s)).collect(),
        });
    }
    let names: std::collections::HashMap<i64, String> = users.into_iter().collect();
    for chunk in plans.chunks(CHUNK) {
        let mut q: QueryBuilder<Sqlite> = QueryBuilder::new(
            "INSERT INTO quizzes (id, chat_id, thread_id, starter_id, starter_name, lang,
             question_seconds, scoring, started_at, current, finished_at, assignment_id) ",
        );
        q.push_values(chunk, |mut b, p| {
            let span = p.sent as i64 * 10_000;
            b.push_bind(p.id)
                .push_bind(p.chat)
                .push_bind(None::<i64>)
                .push_bind(p.starter)
                .push_bind(&names[&p.starter])
                .push_bind("zh")
                .push_bind(QUESTION_SECONDS)
                .push_bind("right")
                .push_bind(p.started)
                .push_bind(p.sent as i64 - 1)
                .push_bind(p.finished.then_some(p.started + span))
                .push_bind(p.assignment);
        });
        q.build().execute(&mut *tx).await.unwrap();
        counts.quizzes += chunk.len() as i64;
        counts.attempts += chunk.iter().filter(|p| p.assignment.is_some()).count() as i64;
    }
    // Questions (each poll as sent, 10 s apart) and their answers, 2-9 s after the poll.
    let mut questions = Vec::new();
    let mut answers = Vec::new();
    for p in &plans {
        for (idx, q) in dealt.iter().enumerate() {
            let sent = idx < p.sent;
            let sent_at = p.started + idx as i64 * 10_000;
            let poll = format!("poll-{}-{idx}", p.id);
            // An attempt moves on at each answer: its poll closes early, at the answer.
            let answered = sent && (p.finished || idx + 1 < p.sent);
            let closed = (p.assignment.is_some() && answered).then_some(sent_at + 9_000);
            questions.push((p.id, idx, q, sent.then_some(poll.clone()), sent_at, closed));
            if answered {
                for &user in &p.answerers {
                    let right = rng.random_bool(0.7);
                    let option = if right {
                        q.correct
                    } else {
                        (q.correct + 1) % q.options.len()
                    };
                    let at = sent_at + rng.random_range(2_000..9_000);
                    answers.push((poll.clone(), user, option as i64, right, at));
                }
            }
        }
    }
    for chunk in questions.chunks(CHUNK / 2) {
        let mut q: QueryBuilder<Sqlite> = QueryBuilder::new(
            "INSERT INTO questions (quiz_id, idx, question_id, question, options, correct,
             explanation, description, poll_id, message_id, sent_at, deadline, closed_at) ",
        );
        q.push_values(chunk, |mut b, (quiz, idx, d, poll, sent_at, closed)| {
            let sent = poll.is_some();
            b.push_bind(quiz)
                .push_bind(*idx as i64)
                .push_bind(&d.id)
                .push_bind(&d.question)
                .push_bind(serde_json::to_string(&d.options).unwrap())
                .push_bind(d.correct as i64)
                .push_bind(&d.explanation)
                .push_bind(&d.description)
                .push_bind(poll)
                .push_bind(sent.then_some(1_000 + *idx as i64))
                .push_bind(sent.then_some(*sent_at))
                .push_bind(sent.then_some(sent_at + QUESTION_SECONDS * 1_000))
                .push_bind(closed);
        });
        q.build().execute(&mut *tx).await.unwrap();
        counts.questions += chunk.len() as i64;
    }
    for chunk in answers.chunks(CHUNK) {
        let mut q: QueryBuilder<Sqlite> = QueryBuilder::new(
            "INSERT INTO answers (poll_id, user_id, option, correct, answered_at) ",
        );
        q.push_values(chunk, |mut b, (poll, user, option, right, at)| {
            b.push_bind(poll)
                .push_bind(user)
                .push_bind(option)
                .push_bind(right)
                .push_bind(at);
        });
        q.build().execute(&mut *tx).await.unwrap();
        counts.answers += chunk.len() as i64;
    }
    tx.commit().await.unwrap();
    sqlx::query("PRAGMA wal_checkpoint(TRUNCATE)")
        .execute(&mut conn)
        .await
        .unwrap();
    conn.close().await.unwrap();
    counts
}

#[derive(Default, Debug)]
struct Counts {
    assignments: i64,
    quizzes: i64,
    attempts: i64,
    questions: i64,
    answers: i64,
}

fn file_size(path: &Path) -> u64 {
    std::fs::metadata(path).map_or(0, |m| m.len())
}

fn database_size(db: &Path) -> u64 {
    let wal = PathBuf::from(format!("{}-wal", db.display()));
    file_size(db) + file_size(&wal)
}

fn line(what: &str, t: &Timing) -> bool {
    let pass = t.median < TARGET_MS;
    println!(
        "| {what} | median {:.2} ms | p95 {:.2} ms | max {:.2} ms | {} |",
        t.median,
        t.p95,
        t.max,
        if pass { "PASS" } else { "MISS" }
    );
    pass
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> std::process::ExitCode {
    let dir =
        std::env::temp_dir().join(format!("debate-bot-bench-homework-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let db = dir.join("bench.db");
    let url = format!("sqlite://{}", db.display());
    let app = Arc::new(
        App::load(
            &Path::new(env!("CARGO_MANIFEST_DIR")).join("responses"),
            Lang::Zh,
        )
        .unwrap(),
    );
    let quiz = QuizSettings {
        questions: QUESTIONS,
        question_seconds: QUESTION_SECONDS as u32,
        max_questions: 20,
        // As shipped: results and homework's summary come with a picture.
        pictures: true,
    };
    let core_with = |store: Store, pictures: bool| {
        Core::new(
            Arc::clone(&app),
            store,
            QuizSettings { pictures, ..quiz },
            Default::default(),
            Default::default(),
        )
    };
    let core = |store: Store| core_with(store, true);

    // ---- the term's data ----
    let started = Instant::now();
    let dealt = {
        let store = Store::open(&url).await.unwrap();
        dealt_questions(&core(store)).await
    };
    let counts = fill(&db, &dealt).await;
    eprintln!(
        "built in {:.1} s: {counts:?}",
        started.elapsed().as_secs_f64()
    );
    // The data's own making (its rows held here to write them) is no cost of the bot's: the
    // peak is measured again from here (writing 5 to clear_refs resets VmHWM).
    let built_peak = status("VmHWM:");
    let _ = std::fs::write("/proc/self/clear_refs", "5");
    let store = Store::open(&url).await.unwrap();
    let plain = core_with(store.clone(), false);
    let core = core(store.clone());
    let rss_open = status("VmRSS:");

    // It reads back as meant: a group's open assignments, an assignment's attempts.
    let open = store.open_assignments(group_chat(DUE)).await.unwrap();
    assert_eq!(open.len(), ASSIGNMENTS_PER_GROUP as usize);
    let progress = store.progress(open[0].id).await.unwrap();
    assert_eq!(
        (progress.started, progress.finished),
        (ATTEMPTS_PER_ASSIGNMENT, ATTEMPTS_PER_ASSIGNMENT)
    );
    let answers = store.assignment_answers(open[0].id).await.unwrap();
    assert_eq!(answers.len(), ATTEMPTS_PER_ASSIGNMENT as usize * QUESTIONS);

    // ---- /assign list ----
    let mut list = Vec::new();
    for run in 0..RUNS {
        let g = GROUPS - 1 - run as i64 % GROUPS;
        let from = player(teacher(g), &format!("Teacher {g}"));
        let started = Instant::now();
        let effects = in_group(&core, group_chat(g), &from, "/assign list").await;
        list.push(started.elapsed());
        let Some(Effect::Send { reply, .. }) = effects.first() else {
            panic!("/assign list answers a message: {effects:?}");
        };
        let shown = reply.doc.to_html();
        assert!(shown.contains("#5"), "all five listed: {shown}");
    }

    // ---- /top ----
    let mut top = Vec::new();
    for run in 0..RUNS {
        let g = GROUPS - 1 - run as i64 % GROUPS;
        let from = player(student(g, 0), &format!("Student {g}-0"));
        let started = Instant::now();
        let effects = in_group(&core, group_chat(g), &from, "/top").await;
        top.push(started.elapsed());
        assert!(
            matches!(effects.first(), Some(Effect::Send { .. })),
            "/top answers a message: {effects:?}"
        );
    }

    // ---- what is due ----
    let mut due = Vec::new();
    for _ in 0..RUNS {
        let started = Instant::now();
        let ids = store.due_assignments(Millis(NOW)).await.unwrap();
        due.push(started.elapsed());
        assert_eq!(ids.len(), DUE as usize);
    }

    // ---- the deadline pass ----
    // Every other one with pictures off: the pass's own work apart from drawing the picture.
    let (mut pass, mut pass_plain) = (Vec::new(), Vec::new());
    for g in 0..DUE {
        let timer = Timer::Assignment {
            assignment: debate_bot::vocab::AssignmentId(assignment_id(g, 1)),
        };
        let pictures = g % 2 == 0;
        let started = Instant::now();
        let handled = if pictures { &core } else { &plain }
            .handle(
                Input::Due {
                    timer,
                    now: Millis(NOW),
                },
                &Unlimited,
            )
            .await;
        if pictures {
            pass.push(started.elapsed());
        } else {
            pass_plain.push(started.elapsed());
        }
        let effects = &handled.effects;
        let stopped = effects
            .iter()
            .filter(|e| matches!(e, Effect::StopPoll { .. }))
            .count();
        let summary = effects
            .iter()
            .filter(|e| matches!(e, Effect::Post { .. }))
            .count();
        let csv = effects.iter().find_map(|e| match e {
            Effect::Document { bytes, .. } => Some(bytes.len()),
            _ => None,
        });
        let picture = effects.iter().any(|e| matches!(e, Effect::Photo { .. }));
        assert!(
            stopped == 1 && summary == 1 && picture == pictures && csv.is_some_and(|b| b > 0),
            "the deadline closes the running attempt, posts the summary with its picture, sends the CSV: {effects:?}"
        );
    }
    assert!(store.due_assignments(Millis(NOW)).await.unwrap().is_empty());

    let peak = status("VmHWM:");
    let size = database_size(&db);
    println!(
        "debate-bot homework storage benchmark (database {})\n",
        db.display()
    );
    println!(
        "{} groups, {} open assignments, {} attempts ({} quizzes with the live ones), {} questions, {} answers\n",
        GROUPS,
        counts.assignments,
        counts.attempts,
        counts.quizzes,
        counts.questions,
        counts.answers
    );
    println!(
        "| what ({RUNS} runs; the deadline pass {} each way) | median | p95 | max | < {TARGET_MS} ms |",
        DUE / 2
    );
    println!("| --- | --- | --- | --- | --- |");
    let mut all = true;
    all &= line("`/assign list` in a group (5 open)", &timing(list));
    all &= line("`/top` in a group", &timing(top));
    all &= line("what is due (`due_assignments`)", &timing(due));
    all &= line(
        "deadline pass (close, end the running attempt, card, summary, picture, CSV)",
        &timing(pass),
    );
    all &= line(
        "the same with pictures off (the chat's setting)",
        &timing(pass_plain),
    );
    println!(
        "\nmemory: peak RSS {} while measuring (RSS {} once the store was open; {} while making the data); database {} on disk",
        mib(peak),
        mib(rss_open),
        mib(built_peak),
        mib(size)
    );
    drop((core, store));
    let _ = std::fs::remove_dir_all(&dir);
    if all {
        std::process::ExitCode::SUCCESS
    } else {
        println!("\nMISS: a step took 20 ms or more (median)");
        std::process::ExitCode::FAILURE
    }
}
