//! Quiz engine load: `cargo bench --bench quiz`.
//!
//! 1. 10,000 quizzes running at once in one process: each started with `/quiz 5` in its own
//!    chat, its first poll sent, and its deadline waiting in a sleeping task the way the
//!    Telegram adapter waits. Reports the process's resident memory (VmRSS, VmHWM) and the
//!    heap the quizzes hold (a counting allocator).
//! 2. Poll answers committed to SQLite: many students answering at once, each call returning
//!    only after its answer is durably committed (WAL, synchronous=FULL, batched by the
//!    store's writer). Reports answers per second.
//!
//! The database is a file in a fresh temporary folder, as in production.

use std::alloc::{GlobalAlloc, Layout, System};
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use debate_bot::app::App;
use debate_bot::command::Builtin;
use debate_bot::effect::Effect;
use debate_bot::i18n::Lang;
use debate_bot::quiz::{QuizRequest, Quizzes};
use debate_bot::settings::QuizSettings;
use debate_bot::store::{Recorded, Store};
use debate_bot::vocab::Place;
use debate_bot::vocab::{ChatKind, Millis, Player};
use rand::SeedableRng;
use rand::rngs::StdRng;

struct Counting;
static LIVE: AtomicUsize = AtomicUsize::new(0);

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        LIVE.fetch_add(layout.size(), Ordering::Relaxed);
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        LIVE.fetch_sub(layout.size(), Ordering::Relaxed);
        unsafe { System.dealloc(ptr, layout) }
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

const QUIZZES: i64 = 10_000;
const STUDENTS: i64 = 30;
const ANSWERS: usize = 100_000;
const IN_FLIGHT: usize = 2_000;

fn mib(bytes: usize) -> String {
    format!("{:.1} MiB", bytes as f64 / (1024.0 * 1024.0))
}

/// A line of /proc/self/status, in bytes.
fn status(key: &str) -> usize {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix(key))
        .and_then(|v| v.split_whitespace().next()?.parse::<usize>().ok())
        .map_or(0, |kb| kb * 1024)
}

fn player(id: i64) -> Player {
    Player {
        id,
        name: format!("Student {id}"),
        language_code: Some("zh".into()),
    }
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let dir = std::env::temp_dir().join(format!("debate-bot-bench-quiz-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let url = format!("sqlite://{}", dir.join("bench.db").display());
    let app = Arc::new(
        App::load(
            &Path::new(env!("CARGO_MANIFEST_DIR")).join("responses"),
            Lang::Zh,
        )
        .unwrap(),
    );
    let store = Store::open(&url).await.unwrap();
    let settings = QuizSettings {
        questions: 5,
        question_seconds: 600,
        max_questions: 20,
        pictures: false,
    };
    let quizzes = Arc::new(Quizzes::new(app, store, settings));
    println!("debate-bot quiz benchmark (database {})\n", dir.display());

    // ---- 1. 10,000 running quizzes ----
    let rss_before = status("VmRSS:");
    let heap_before = LIVE.load(Ordering::Relaxed);
    let start = Instant::now();
    let mut rng = StdRng::seed_from_u64(1);
    let mut polls = Vec::new();
    let mut sleepers = Vec::new();
    for chat in 1..=QUIZZES {
        let teacher = player(-chat);
        let request = QuizRequest {
            place: Place::from(-chat),
            kind: ChatKind::Group,
            player: &teacher,
            command: Builtin::Quiz,
            args: "5",
            is_admin: false,
            now: Millis(1_000),
        };
        for out in quizzes.handle(&request, &mut rng).await.unwrap() {
            if let Effect::QuizPoll {
                quiz, index, poll, ..
            } = out
            {
                let poll_id = format!("poll-{quiz}-{index}");
                for wake in quizzes
                    .poll_sent(quiz, index, &poll_id, chat, Millis(1_000))
                    .await
                    .unwrap()
                {
                    if let Effect::Wake { at, .. } = wake {
                        // The adapter's wake-up: a task sleeping until the deadline.
                        sleepers.push(tokio::spawn(async move {
                            tokio::time::sleep(Duration::from_millis(at.0 as u64)).await;
                        }));
                    }
                }
                polls.push((poll_id, poll.correct));
            }
        }
    }
    let took = start.elapsed();
    let heap = LIVE.load(Ordering::Relaxed) - heap_before;
    let rss = status("VmRSS:");
    println!(
        "{QUIZZES} quizzes started, first polls stored, wake-ups waiting: {:.1} s ({:.0} quizzes/s)",
        took.as_secs_f64(),
        QUIZZES as f64 / took.as_secs_f64()
    );
    println!(
        "  process RSS {} (was {} before; +{}), peak RSS {}, heap held {}",
        mib(rss),
        mib(rss_before),
        mib(rss.saturating_sub(rss_before)),
        mib(status("VmHWM:")),
        mib(heap)
    );

    // ---- 2. answers committed per second ----
    let start = Instant::now();
    let counted = Arc::new(AtomicUsize::new(0));
    let semaphore = Arc::new(tokio::sync::Semaphore::new(IN_FLIGHT));
    let mut tasks = Vec::with_capacity(ANSWERS);
    for n in 0..ANSWERS {
        let (poll_id, correct) = polls[n / STUDENTS as usize % polls.len()].clone();
        let student =
            player(1 + (n as i64 % STUDENTS) + (n as i64 / (STUDENTS * QUIZZES)) * STUDENTS);
        let (quizzes, counted) = (Arc::clone(&quizzes), Arc::clone(&counted));
        let permit = Arc::clone(&semaphore).acquire_owned().await.unwrap();
        tasks.push(tokio::spawn(async move {
            let option = if n % 3 == 0 {
                (correct as u8 + 1) % 2
            } else {
                correct as u8
            };
            if quizzes
                .answer(&poll_id, &student, &[option], Millis(2_000))
                .await
                .unwrap()
                == Recorded::Counted
            {
                counted.fetch_add(1, Ordering::Relaxed);
            }
            drop(permit);
        }));
    }
    for task in tasks {
        task.await.unwrap();
    }
    let took = start.elapsed();
    let counted = counted.load(Ordering::Relaxed);
    println!(
        "\n{ANSWERS} poll answers from {IN_FLIGHT} at a time, each awaited until committed: {:.2} s, {:.0} answers/s ({counted} counted)",
        took.as_secs_f64(),
        ANSWERS as f64 / took.as_secs_f64()
    );
    assert_eq!(
        counted, ANSWERS,
        "every answer is a first answer to an open poll"
    );

    for sleeper in sleepers {
        sleeper.abort();
    }
    let _ = std::fs::remove_dir_all(&dir);
}
