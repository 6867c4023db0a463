//! End-to-end load: `cargo bench --bench load`.
//!
//! Starts a fake Bot API on 127.0.0.1 (a port the OS picks; nothing but loopback is ever
//! contacted) and the real bot, the release binary, as a separate process with a temporary
//! config.toml (per-chat budget raised for the run, SQLite in a temporary folder, the corpus at
//! `<repo>/responses`). Then it measures two loads:
//!
//! The mix is what a busy deployment sees: most chats are private chats that send
//! one or two commands, a few groups are busy, and half of all commands are `/search` (six
//! queries, Chinese and English); the other half are the topic commands `/closed`, `/open`,
//! `/llama` and `/quote`. A fifth of the senders have English as their Telegram language.
//!
//! 1. Burst: 3,000 commands queued at once: 2,000 from 1,000 private chats (two each) and 1,000
//!    from 50 groups (20 each), interleaved. Replies a second, from the first update handed out
//!    by getUpdates to the last reply received, and whether every command got exactly one reply.
//! 2. Paced: 200 commands a second for 10 s, two in three from 1,000 other private chats (one or
//!    two each), one in three from 50 other groups. Latency p50/p95/p99 from an update being
//!    handed out by getUpdates to its reply arriving at the fake. A group's reply is matched by
//!    chat id and `reply_parameters.message_id`; the bot answers a private chat without quoting
//!    (nothing else is said there), so such a reply is matched to that chat's oldest command
//!    still unanswered: the bot answers one chat's commands in order.
//!
//! For the bot process: CPU time (utime + stime from /proc/<pid>/stat) per 1,000 updates over
//! both loads, its peak RSS (VmHWM from /proc/<pid>/status just before it is stopped), and the
//! time from spawning it to its first getUpdates arriving at the fake. Each bot is stopped with
//! SIGTERM and must exit 0.
//!
//! The same loads and figures are measured for a BASELINE: a minimal teloxide bot with the
//! project's teloxide features that answers every message with one fixed plain-text reply. It
//! lives in this file and runs as a separate process: this bench binary re-executed with
//! `DEBATE_BOT_BASELINE=1`.
//!
//! A single run is noisy on a small shared machine, so the bench measures in ROUNDS:
//! `LOAD_ROUNDS` (3 if unset; 1 or more). Each round runs both bots once, each a fresh process
//! with a fresh fake, a fresh SQLite database and its own folder; the order alternates (odd
//! rounds the baseline first, even rounds debate-bot first), so that slow drift of the machine
//! hits both. The report shows the full per-bot table of the middle round by CPU ratio
//! (and of any round that failed a correctness check), then each judged figure round by round
//! with its median and min..max, then the targets, PASS or MISS, judged on the medians of the
//! per-round values: the median of the per-round ratios for CPU, the median of the per-round
//! differences for RSS above the baseline. The correctness checks (every command answered
//! exactly once, no stray replies, SIGTERM -> exit 0 for both bots) must hold in every round:
//! if one fails, the report says FAIL and the bench exits non-zero.
//!
//! The bot paces everything it sends overall (`[limits] messages_per_second`, 30 by default:
//! Telegram's limit). The bench raises that like the per-chat budget, so a round takes about
//! 20 s after the build; `LOAD_PACE=30` keeps Telegram's pace instead, to measure the bot with
//! the loads queued up inside it. A bot that does not accept the key (probed with `debate-bot check`)
//! keeps about 30 a second: its loads then take about 3.5 minutes a round (5,000 replies at 30
//! a second) and the report says so. Every wait is bounded (see the bounds below).
//!
//! `LOAD_METRICS=1` adds a third bot to every round: debate-bot with `[metrics] listen` on,
//! scraped during the loads, compared with debate-bot without metrics (see `load/metrics.rs`).
//!
//! Progress goes to stderr, the report to stdout. Linux only (/proc).

#[path = "load/metrics.rs"]
mod metrics_on;

use std::collections::{HashMap, VecDeque};
use std::fmt::Write as _;
use std::fs::File;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitCode, ExitStatus, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path as UrlPath, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::any;
use serde::Deserialize;
use serde_json::{Value, json};
use tokio::sync::Notify;

/// Set (to anything) in the environment of the re-executed bench binary: run the baseline bot.
const BASELINE_ENV: &str = "DEBATE_BOT_BASELINE";

/// A well-formed token that only the fake knows.
const TOKEN: &str = "987654321:BENCH-fake-token_for-the-load-bench";
const BOT_ID: i64 = 987_654_321;
const BOT_USERNAME: &str = "debate_load_bot";

/// How many rounds, if set: each runs both bots once.
const ROUNDS_ENV: &str = "LOAD_ROUNDS";
const DEFAULT_ROUNDS: usize = 3;

// ---- the loads ------------------------------------------------------------------------------

/// Half of the commands: searches a reader of the article would make.
const SEARCHES: [&str; 6] = [
    "/search 开源",
    "/search 闭源",
    "/search Llama 2",
    "/search 李彦宏",
    "/search 商业化",
    "/search open source",
];
/// The other half.
const TOPICS: [&str; 4] = ["/closed", "/open", "/llama", "/quote"];
const BURST_COMMANDS: usize = 3_000;
const PACED_PER_SECOND: usize = 200;
const PACED_SECONDS: usize = 10;
/// Private chats and groups of each load (new ones for the paced load).
const PRIVATE_CHATS: usize = 1_000;
const GROUPS: usize = 50;
/// Group budget for the run: far above what any group gets (20 burst + 14 paced commands).
const REPLIES_PER_CHAT_PER_MINUTE: u32 = 1_000_000;
/// The overall pace for the run, if the bot lets it be configured.
const PACE_KEY: &str = "messages_per_second";
const PACE_FOR_THE_RUN: u32 = 1_000_000;
/// Set to a number to run debate-bot at that overall pace instead, e.g. `LOAD_PACE=30` for
/// Telegram's real limit: the loads then queue up in the bot (about 3.5 minutes a round).
const PACE_ENV: &str = "LOAD_PACE";

// ---- bounds ---------------------------------------------------------------------------------

/// From spawning a bot to its first getUpdates.
const START_LIMIT: Duration = Duration::from_secs(30);
/// From queuing the burst to its last reply. (At 30 replies a second the burst needs 100 s.)
const BURST_LIMIT: Duration = Duration::from_secs(150);
/// From the last paced command to its reply. (At 30 a second the backlog needs about 57 s.)
const PACED_DRAIN_LIMIT: Duration = Duration::from_secs(100);
/// From SIGTERM to the process's exit.
const EXIT_LIMIT: Duration = Duration::from_secs(30);
/// The longest a getUpdates is held open, whatever timeout it asks for.
const LONGEST_POLL: Duration = Duration::from_secs(10);
/// How often waits look at the fake's records.
const TICK: Duration = Duration::from_millis(5);

// ---- targets --------------------------------------------------------------------------------

/// Paced latency, p99: what a busy deployment must keep.
const TARGET_P99_MS: f64 = 5.0;
/// CPU per 1,000 updates on the busy-deployment mix: no more than the minimal teloxide bot's.
const TARGET_CPU_RATIO: f64 = 1.0;
const TARGET_RSS_MB: f64 = 40.0;
const TARGET_RSS_ABOVE_BASELINE_MB: f64 = 15.0;
const TARGET_START_MS: f64 = 150.0;

fn main() -> ExitCode {
    if std::env::var_os(BASELINE_ENV).is_some() {
        return baseline::main();
    }
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(e) => {
            eprintln!("error: cannot start the async runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    let result = runtime.block_on(bench());
    runtime.shutdown_timeout(Duration::from_secs(1));
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

async fn bench() -> Result<(), String> {
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    let ours_exe = PathBuf::from(env!("CARGO_BIN_EXE_debate-bot"));
    let bench_exe = std::env::current_exe().map_err(|e| format!("current_exe: {e}"))?;
    let dir = std::env::temp_dir().join(format!("debate-bot-load-{}", std::process::id()));
    std::fs::create_dir_all(&dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    let result = bench_in(repo, &ours_exe, &bench_exe, &dir).await;
    let _ = std::fs::remove_dir_all(&dir);
    result
}

async fn bench_in(
    repo: &Path,
    ours_exe: &Path,
    bench_exe: &Path,
    dir: &Path,
) -> Result<(), String> {
    let wanted = rounds_wanted()?;
    let (clk_tck, clk_source) = clock_ticks();
    let setup = Setup {
        repo,
        ours_exe,
        bench_exe,
        pace_configurable: accepts_pace_key(ours_exe, repo, dir),
    };
    eprintln!(
        "load bench: {wanted} round(s), the order alternating (round 1 baseline first); \
         progress on stderr, report on stdout"
    );
    let mut rounds = Vec::with_capacity(wanted);
    for number in 1..=wanted {
        rounds.push(run_round(&setup, number, wanted, dir).await?);
    }

    print!(
        "{}",
        report(&rounds, clk_tck, clk_source, setup.pace_configurable)
    );
    let failed: Vec<String> = rounds
        .iter()
        .filter(|r| !r.checks_pass())
        .map(|r| r.number.to_string())
        .collect();
    if failed.is_empty() {
        Ok(())
    } else {
        Err(format!(
            "a correctness check failed in round(s) {} (see the report)",
            failed.join(", ")
        ))
    }
}

/// `LOAD_PACE`, or [`PACE_FOR_THE_RUN`] if it is not set (or not a number of at least 1).
fn pace_for_the_run() -> u32 {
    std::env::var(PACE_ENV)
        .ok()
        .and_then(|text| text.trim().parse().ok())
        .filter(|n| *n >= 1)
        .unwrap_or(PACE_FOR_THE_RUN)
}

/// `LOAD_ROUNDS`, or [`DEFAULT_ROUNDS`] if it is not set.
fn rounds_wanted() -> Result<usize, String> {
    match std::env::var(ROUNDS_ENV) {
        Err(std::env::VarError::NotPresent) => Ok(DEFAULT_ROUNDS),
        Ok(text) => text.trim().parse().ok().filter(|n| *n >= 1).ok_or_else(|| {
            format!("{ROUNDS_ENV}={text:?}: give a whole number of rounds, 1 or more")
        }),
        Err(e) => Err(format!("{ROUNDS_ENV}: {e}")),
    }
}

/// The bots under test.
#[derive(Clone, Copy)]
enum Contender {
    Baseline,
    DebateBot,
    /// debate-bot with `[metrics] listen` on (`LOAD_METRICS=1`).
    DebateBotMetrics,
}

impl Contender {
    fn name(self) -> &'static str {
        match self {
            Contender::Baseline => "baseline",
            Contender::DebateBot => "debate-bot",
            Contender::DebateBotMetrics => "debate-bot+metrics",
        }
    }
}

/// What starting either bot needs.
struct Setup<'a> {
    repo: &'a Path,
    ours_exe: &'a Path,
    bench_exe: &'a Path,
    pace_configurable: bool,
}

impl Setup<'_> {
    /// The command that starts `bot` against the fake at `api_url`, its files in `dir`; and
    /// where it serves metrics, if it does.
    fn command(
        &self,
        bot: Contender,
        dir: &Path,
        api_url: &str,
    ) -> Result<(Command, Option<std::net::SocketAddr>), String> {
        let mut metrics = None;
        let mut command = match bot {
            Contender::Baseline => Command::new(self.bench_exe),
            Contender::DebateBot | Contender::DebateBotMetrics => {
                let config = dir.join("config.toml");
                let pace = self.pace_configurable.then(pace_for_the_run);
                let mut text = config_text(self.repo, dir, api_url, pace);
                if matches!(bot, Contender::DebateBotMetrics) {
                    let listen = metrics_on::free_port()?;
                    let _ = write!(text, "\n[metrics]\nlisten = \"{listen}\"\n");
                    metrics = Some(listen);
                }
                std::fs::write(&config, text)
                    .map_err(|e| format!("cannot write {}: {e}", config.display()))?;
                let mut command = Command::new(self.ours_exe);
                command.arg("--config").arg(&config).arg("run");
                command
            }
        };
        // Nothing from the caller's environment: drive() sets what the bots need.
        command.env_clear();
        if matches!(bot, Contender::Baseline) {
            command.env(BASELINE_ENV, "1");
        }
        Ok((command, metrics))
    }
}

/// Both bots once, each a fresh process.
struct Round {
    number: usize,
    baseline_first: bool,
    ours: Figures,
    base: Figures,
    /// debate-bot with metrics on, with `LOAD_METRICS=1`.
    with_metrics: Option<Figures>,
}

impl Round {
    /// debate-bot's CPU per 1,000 updates over the baseline's.
    fn cpu_ratio(&self, clk_tck: f64) -> Option<f64> {
        let ours = self.ours.cpu_per_1000_ms(clk_tck)?;
        let base = self.base.cpu_per_1000_ms(clk_tck)?;
        (base > 0.0).then(|| ours / base)
    }

    /// debate-bot answered every command exactly once and nothing else, and both bots exited 0
    /// on SIGTERM.
    fn checks_pass(&self) -> bool {
        self.ours.answered_all_once()
            && self.ours.exit_ok
            && self.base.exit_ok
            && self
                .with_metrics
                .as_ref()
                .is_none_or(|f| f.answered_all_once() && f.exit_ok && metrics_on::counted_all(f))
    }

    fn first(&self) -> &'static str {
        if self.baseline_first {
            Contender::Baseline.name()
        } else {
            Contender::DebateBot.name()
        }
    }
}

/// Round `number`: odd rounds the baseline first, even rounds debate-bot first, so that slow
/// drift of the machine hits both. Its files go in a folder of its own (a fresh database).
async fn run_round(
    setup: &Setup<'_>,
    number: usize,
    total: usize,
    dir: &Path,
) -> Result<Round, String> {
    let baseline_first = number % 2 == 1;
    let order = if baseline_first {
        [Contender::Baseline, Contender::DebateBot]
    } else {
        [Contender::DebateBot, Contender::Baseline]
    };
    let dir = dir.join(format!("round-{number}"));
    std::fs::create_dir_all(&dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    eprintln!(
        "load bench: round {number}/{total}, {} first",
        order[0].name()
    );
    // With metrics: right after debate-bot without them in odd rounds, right before it in
    // even ones, so that the two compared run close together and each goes first as often.
    let with_metrics = metrics_on::wanted();
    if with_metrics && !baseline_first {
        eprintln!("load bench: round {number}: debate-bot with metrics first");
    }
    let early = if with_metrics && !baseline_first {
        Some(measure(setup, Contender::DebateBotMetrics, &dir).await?)
    } else {
        None
    };
    let first = measure(setup, order[0], &dir).await?;
    let second = measure(setup, order[1], &dir).await?;
    let (ours, base) = if baseline_first {
        (second, first)
    } else {
        (first, second)
    };
    let with_metrics = match early {
        Some(figures) => Some(figures),
        None if with_metrics => Some(measure(setup, Contender::DebateBotMetrics, &dir).await?),
        None => None,
    };
    Ok(Round {
        number,
        baseline_first,
        ours,
        base,
        with_metrics,
    })
}

/// The temporary config.toml for the bot: loopback API, raised budgets, SQLite in `dir`.
fn config_text(repo: &Path, dir: &Path, api_url: &str, pace: Option<u32>) -> String {
    let corpus = repo.join("responses");
    let database = format!("sqlite://{}", dir.join("load.db").display());
    let mut text = format!(
        "[telegram]\napi_url = {api_url:?}\n\n[corpus]\ndir = {:?}\n\n[storage]\ndatabase = {database:?}\n\n\
         [limits]\nreplies_per_chat_per_minute = {REPLIES_PER_CHAT_PER_MINUTE}\n",
        corpus.display().to_string()
    );
    if let Some(pace) = pace {
        let _ = writeln!(text, "{PACE_KEY} = {pace}");
    }
    text
}

/// Whether the bot's config accepts `[limits] messages_per_second` (`debate-bot check`).
fn accepts_pace_key(exe: &Path, repo: &Path, dir: &Path) -> bool {
    let probe = dir.join("probe.toml");
    let text = config_text(repo, dir, "http://127.0.0.1:9", Some(PACE_FOR_THE_RUN));
    if std::fs::write(&probe, text).is_err() {
        return false;
    }
    let child = Command::new(exe)
        .arg("--config")
        .arg(&probe)
        .arg("check")
        .env_clear()
        .current_dir(dir)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn();
    let Ok(mut child) = child else { return false };
    let status = wait_exit(&mut child, Duration::from_secs(30));
    if status.is_none() {
        let _ = child.kill();
        let _ = child.wait();
    }
    status.is_some_and(|s| s.success())
}

/// CLK_TCK from `getconf`, or 100 (Linux's value) if that fails.
fn clock_ticks() -> (f64, &'static str) {
    let ticks = Command::new("getconf")
        .arg("CLK_TCK")
        .stderr(Stdio::null())
        .output()
        .ok()
        .filter(|o| o.status.success())
        .and_then(|o| String::from_utf8(o.stdout).ok())
        .and_then(|s| s.trim().parse::<f64>().ok())
        .filter(|t| *t > 0.0);
    match ticks {
        Some(t) => (t, "getconf CLK_TCK"),
        None => (100.0, "assumed (getconf failed)"),
    }
}

// ---- one bot under load ---------------------------------------------------------------------

/// What one bot did under the two loads.
struct Figures {
    name: &'static str,
    start: Duration,
    /// The calls up to the first getUpdates, by time since the spawn.
    start_up: Vec<(String, Duration)>,
    /// VmRSS once polling (before the loads).
    idle_rss_kb: u64,
    /// CPU ticks at the first getUpdates (start-up), after the burst, after the paced load.
    cpu_start: u64,
    cpu_burst: u64,
    cpu_paced: u64,
    peak_rss_kb: u64,
    exit: String,
    exit_ok: bool,
    burst: Burst,
    paced: Paced,
    /// Replies that answer no command of the loads (no reply_parameters, unknown message).
    stray_replies: usize,
    /// Other calls by method, for the record.
    calls: Vec<(String, u64)>,
    stderr_tail: Vec<String>,
    /// What the bench saw of the metrics, when they were on.
    metrics: Option<metrics_on::Seen>,
}

struct Burst {
    commands: usize,
    answered_once: usize,
    missing: usize,
    duplicated: usize,
    /// First hand-out to last reply.
    window: Option<Duration>,
    /// Whether the wait hit [`BURST_LIMIT`].
    timed_out: bool,
}

struct Paced {
    commands: usize,
    answered_once: usize,
    missing: usize,
    duplicated: usize,
    /// Hand-out to first reply, sorted; missing replies are not in it.
    latencies: Vec<Duration>,
    /// How long the pushing took (10 s nominal).
    pushing: Duration,
    timed_out: bool,
}

impl Figures {
    fn answered(&self) -> usize {
        self.burst.answered_once
            + self.burst.duplicated
            + self.paced.answered_once
            + self.paced.duplicated
    }

    /// Every command of both loads answered exactly once, and no reply to anything else.
    fn answered_all_once(&self) -> bool {
        self.burst.answered_once == self.burst.commands
            && self.paced.answered_once == self.paced.commands
            && self.stray_replies == 0
    }

    /// CPU milliseconds per 1,000 answered updates, over both loads.
    fn cpu_per_1000_ms(&self, clk_tck: f64) -> Option<f64> {
        let ticks = self.cpu_paced.checked_sub(self.cpu_start)?;
        let answered = self.answered();
        (answered > 0).then(|| ticks as f64 / clk_tck * 1000.0 / answered as f64 * 1000.0)
    }

    fn peak_rss_mb(&self) -> f64 {
        self.peak_rss_kb as f64 / 1024.0
    }

    fn p(&self, percent: f64) -> Option<Duration> {
        percentile(&self.paced.latencies, self.paced.commands, percent)
    }
}

/// The nearest-rank percentile of `sorted` among `total` values, missing ones counting as
/// infinitely late (None when the rank falls among them).
fn percentile(sorted: &[Duration], total: usize, percent: f64) -> Option<Duration> {
    if total == 0 {
        return None;
    }
    let rank = ((percent / 100.0) * total as f64).ceil().max(1.0) as usize;
    sorted.get(rank - 1).copied()
}

/// Kills the bot if the bench fails half-way (it is our child; nothing else is touched).
struct Running {
    child: Child,
    done: bool,
}

impl Drop for Running {
    fn drop(&mut self) {
        if !self.done {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

/// Runs `bot` under the two loads against a fresh fake; its files go in `dir`.
async fn measure(setup: &Setup<'_>, bot: Contender, dir: &Path) -> Result<Figures, String> {
    let (fake, addr, server) = Fake::start().await?;
    let url = format!("http://{addr}");
    let result = match setup.command(bot, dir, &url) {
        Ok((command, metrics)) => drive(bot.name(), &fake, command, &url, dir, metrics).await,
        Err(e) => Err(e),
    };
    server.abort();
    result
}

async fn drive(
    name: &'static str,
    fake: &Arc<Fake>,
    mut command: Command,
    url: &str,
    dir: &Path,
    metrics: Option<std::net::SocketAddr>,
) -> Result<Figures, String> {
    let stderr_path = dir.join(format!("{name}.stderr"));
    let stderr =
        File::create(&stderr_path).map_err(|e| format!("{}: {e}", stderr_path.display()))?;
    // The environment was cleared (no proxies, no DEBATE_BOT_DATABASE from the caller).
    command
        .env("TELOXIDE_TOKEN", TOKEN)
        .env("TELOXIDE_API_URL", url)
        .env("RUST_LOG", "warn")
        .env("NO_PROXY", "127.0.0.1")
        .current_dir(dir)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(stderr);
    // Write out what the build just left in the page cache, so that it does not slow down
    // the bot's first fsyncs (a fresh SQLite database) and count as the bot's start-up.
    let _ = Command::new("sync").status();
    eprintln!("[{name}] starting");
    let spawned = Instant::now();
    let child = command
        .spawn()
        .map_err(|e| format!("cannot start {name}: {e}"))?;
    let mut bot = Running { child, done: false };
    let pid = bot.child.id();
    let tail = || stderr_tail(&stderr_path);

    // Start-up: to the first getUpdates.
    let first = loop {
        if let Some(at) = fake.lock().first_get_updates {
            break at;
        }
        if let Ok(Some(status)) = bot.child.try_wait() {
            return Err(format!(
                "{name} exited ({status}) before polling:\n{}",
                tail().join("\n")
            ));
        }
        if spawned.elapsed() > START_LIMIT {
            return Err(format!("{name} did not poll within {START_LIMIT:?}"));
        }
        tokio::time::sleep(Duration::from_millis(1)).await;
    };
    let start = first.saturating_duration_since(spawned);
    // Let the first getUpdates settle into its long poll before the clock starts.
    tokio::time::sleep(Duration::from_millis(200)).await;
    let cpu_start = cpu_ticks(pid)?;
    let idle_rss_kb = proc_status_kb(pid, "VmRSS")?;
    let start_up = fake
        .lock()
        .start_up
        .iter()
        .map(|(m, at)| (m.clone(), at.saturating_duration_since(spawned)))
        .collect();

    let scraper = metrics.map(metrics_on::Scraper::start);

    // 1. Burst.
    eprintln!(
        "[{name}] burst: {BURST_COMMANDS} commands across {PRIVATE_CHATS} private chats and {GROUPS} groups"
    );
    let burst_keys: Vec<Key> = {
        let mut inner = fake.lock();
        let keys = (0..BURST_COMMANDS)
            .map(|i| {
                let (chat, text) = mix(Load::Burst, i);
                inner.push(chat, i, text)
            })
            .collect();
        drop(inner);
        fake.updates.notify_waiters();
        keys
    };
    let queued = Instant::now();
    let burst_timed_out =
        wait_replies(fake, &mut bot, name, BURST_COMMANDS, queued + BURST_LIMIT).await?;
    let cpu_burst = cpu_ticks(pid)?;
    tokio::time::sleep(Duration::from_millis(300)).await;

    // 2. Paced.
    let paced_total = PACED_PER_SECOND * PACED_SECONDS;
    eprintln!(
        "[{name}] paced: {PACED_PER_SECOND}/s for {PACED_SECONDS} s across {PRIVATE_CHATS} private chats and {GROUPS} groups"
    );
    let mut paced_keys: Vec<Key> = Vec::with_capacity(paced_total);
    let mut interval = tokio::time::interval(Duration::from_secs(1) / PACED_PER_SECOND as u32);
    interval.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Burst);
    let pushing_started = Instant::now();
    for i in 0..paced_total {
        interval.tick().await;
        let (chat, text) = mix(Load::Paced, i);
        let key = fake.lock().push(chat, i, text);
        fake.updates.notify_waiters();
        paced_keys.push(key);
    }
    let pushing = pushing_started.elapsed();
    let paced_timed_out = wait_replies(
        fake,
        &mut bot,
        name,
        BURST_COMMANDS + paced_total,
        Instant::now() + PACED_DRAIN_LIMIT,
    )
    .await?;
    let cpu_paced = cpu_ticks(pid)?;
    let peak_rss_kb = proc_status_kb(pid, "VmHWM")?;
    let metrics = match scraper {
        Some(scraper) => Some(scraper.finish().await?),
        None => None,
    };

    // Stop: SIGTERM, then wake the long poll so the bot need not wait it out.
    eprintln!("[{name}] stopping with SIGTERM");
    let killed = Command::new("kill")
        .args(["-TERM", &pid.to_string()])
        .status()
        .map_err(|e| format!("kill -TERM {pid}: {e}"))?;
    if !killed.success() {
        return Err(format!("kill -TERM {pid} failed: {killed}"));
    }
    fake.stopping.store(true, Ordering::SeqCst);
    fake.updates.notify_waiters();
    let stopping = Instant::now();
    let (exit, exit_ok) = loop {
        match bot.child.try_wait() {
            Ok(Some(status)) => {
                bot.done = true;
                break (
                    describe_exit(status, stopping.elapsed()),
                    status.code() == Some(0),
                );
            }
            Ok(None) if stopping.elapsed() > EXIT_LIMIT => {
                let _ = bot.child.kill();
                let _ = bot.child.wait();
                bot.done = true;
                break (format!("did not exit within {EXIT_LIMIT:?}; killed"), false);
            }
            Ok(None) => tokio::time::sleep(TICK).await,
            Err(e) => return Err(format!("waiting for {name}: {e}")),
        }
    };

    // Every reply is in now: count them.
    let inner = fake.lock();
    let mut replies: HashMap<Key, (usize, Instant)> = HashMap::new();
    let mut stray_replies = 0;
    for reply in &inner.replies {
        match reply.key {
            Some(key) if inner.handed.contains_key(&key) => {
                let entry = replies.entry(key).or_insert((0, reply.at));
                entry.0 += 1;
                entry.1 = entry.1.min(reply.at);
            }
            _ => stray_replies += 1,
        }
    }
    let tally = |keys: &[Key]| {
        let (mut once, mut missing, mut duplicated) = (0, 0, 0);
        for key in keys {
            match replies.get(key).map_or(0, |r| r.0) {
                0 => missing += 1,
                1 => once += 1,
                _ => duplicated += 1,
            }
        }
        (once, missing, duplicated)
    };
    let (once, missing, duplicated) = tally(&burst_keys);
    let first_handed = burst_keys.iter().filter_map(|k| inner.handed.get(k)).min();
    let last_reply = burst_keys
        .iter()
        .filter_map(|k| replies.get(k))
        .map(|r| r.1)
        .max();
    let burst = Burst {
        commands: burst_keys.len(),
        answered_once: once,
        missing,
        duplicated,
        window: first_handed
            .zip(last_reply)
            .map(|(a, b)| b.saturating_duration_since(*a)),
        timed_out: burst_timed_out,
    };
    let (once, missing, duplicated) = tally(&paced_keys);
    let mut latencies: Vec<Duration> = paced_keys
        .iter()
        .filter_map(|k| {
            let handed = inner.handed.get(k)?;
            let reply = replies.get(k)?;
            Some(reply.1.saturating_duration_since(*handed))
        })
        .collect();
    latencies.sort();
    let paced = Paced {
        commands: paced_keys.len(),
        answered_once: once,
        missing,
        duplicated,
        latencies,
        pushing,
        timed_out: paced_timed_out,
    };
    let mut calls: Vec<(String, u64)> = inner.calls.iter().map(|(k, v)| (k.clone(), *v)).collect();
    calls.sort();
    drop(inner);
    eprintln!("[{name}] done");
    Ok(Figures {
        name,
        start,
        start_up,
        idle_rss_kb,
        cpu_start,
        cpu_burst,
        cpu_paced,
        peak_rss_kb,
        exit,
        exit_ok,
        burst,
        paced,
        stray_replies,
        calls,
        stderr_tail: tail(),
        metrics,
    })
}

/// Waits until the fake has seen `total` replies in all, or `deadline`; true if it timed out.
async fn wait_replies(
    fake: &Fake,
    bot: &mut Running,
    name: &str,
    total: usize,
    deadline: Instant,
) -> Result<bool, String> {
    let mut reported = Instant::now();
    loop {
        let seen = fake.lock().replies.len();
        if seen >= total {
            return Ok(false);
        }
        if Instant::now() >= deadline {
            eprintln!("[{name}] gave up waiting: {seen} of {total} replies");
            return Ok(true);
        }
        if let Ok(Some(status)) = bot.child.try_wait() {
            bot.done = true;
            return Err(format!("{name} exited ({status}) under load"));
        }
        if reported.elapsed() >= Duration::from_secs(10) {
            eprintln!("[{name}]   {seen} of {total} replies so far");
            reported = Instant::now();
        }
        tokio::time::sleep(TICK).await;
    }
}

fn wait_exit(child: &mut Child, limit: Duration) -> Option<ExitStatus> {
    let started = Instant::now();
    while started.elapsed() < limit {
        match child.try_wait() {
            Ok(Some(status)) => return Some(status),
            Ok(None) => std::thread::sleep(TICK),
            Err(_) => return None,
        }
    }
    None
}

fn describe_exit(status: ExitStatus, after: Duration) -> String {
    match status.code() {
        Some(code) => format!("exit {code} after {:.0} ms", ms(after)),
        None => format!("{status} after {:.0} ms", ms(after)),
    }
}

/// utime + stime of `pid`, in clock ticks.
fn cpu_ticks(pid: u32) -> Result<u64, String> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat"))
        .map_err(|e| format!("/proc/{pid}/stat: {e}"))?;
    // The command name (field 2) may hold spaces; fields after it start with the state (3).
    let rest = stat
        .rsplit_once(')')
        .map(|(_, rest)| rest)
        .ok_or("unreadable /proc/<pid>/stat")?;
    let fields: Vec<&str> = rest.split_whitespace().collect();
    let field = |n: usize| -> Result<u64, String> {
        fields
            .get(n - 3)
            .and_then(|f| f.parse().ok())
            .ok_or_else(|| format!("no field {n} in /proc/{pid}/stat"))
    };
    Ok(field(14)? + field(15)?)
}

/// A kB figure of `pid`'s /proc status: VmHWM (peak RSS), VmRSS.
fn proc_status_kb(pid: u32, key: &str) -> Result<u64, String> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status"))
        .map_err(|e| format!("/proc/{pid}/status: {e}"))?;
    status
        .lines()
        .find_map(|l| l.strip_prefix(key)?.strip_prefix(':'))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .ok_or_else(|| format!("no {key} in /proc/{pid}/status"))
}

fn stderr_tail(path: &Path) -> Vec<String> {
    let text = std::fs::read_to_string(path).unwrap_or_default();
    let lines: Vec<String> = text.lines().map(str::to_string).collect();
    lines[lines.len().saturating_sub(8)..].to_vec()
}

// ---- the report -----------------------------------------------------------------------------

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn verdict(pass: bool) -> &'static str {
    if pass { "PASS" } else { "MISS" }
}

fn pass_fail(pass: bool) -> &'static str {
    if pass { "PASS" } else { "FAIL" }
}

fn report(rounds: &[Round], clk_tck: f64, clk_source: &str, pace_configurable: bool) -> String {
    let mut out = String::new();
    let w = &mut out;
    let _ = writeln!(
        w,
        "\n== load bench: debate-bot vs a minimal teloxide bot =="
    );
    let _ = writeln!(
        w,
        "fake Bot API on 127.0.0.1; CLK_TCK = {clk_tck} ({clk_source}); group budget raised to {REPLIES_PER_CHAT_PER_MINUTE}/min"
    );
    let _ = writeln!(
        w,
        "debate-bot overall pace: {}",
        if pace_configurable {
            format!("[limits] {PACE_KEY} = {} for the run", pace_for_the_run())
        } else {
            format!("about 30 messages/s (the bot does not accept [limits] {PACE_KEY})")
        }
    );
    let _ = writeln!(
        w,
        "{} round(s), each running both bots once as fresh processes; the order alternates \
         (odd rounds the baseline first)",
        rounds.len()
    );
    let judged = Judged::of(rounds, clk_tck);
    let shown = &rounds[middle_index(&judged.cpu_ratio.values)];
    let _ = writeln!(
        w,
        "\nround {} in full: the middle round by CPU ratio ({} first)",
        shown.number,
        shown.first()
    );
    round_table(w, shown, clk_tck);
    for round in rounds
        .iter()
        .filter(|r| !r.checks_pass() && r.number != shown.number)
    {
        let _ = writeln!(
            w,
            "\nround {} in full: a correctness check failed ({} first)",
            round.number,
            round.first()
        );
        round_table(w, round, clk_tck);
    }
    per_round_table(w, rounds, &judged);
    targets(w, rounds, &judged);
    metrics_on::report(w, rounds, clk_tck);
    out
}

/// One round's figures, debate-bot beside the baseline.
fn round_table(w: &mut String, round: &Round, clk_tck: f64) {
    let (ours, base) = (&round.ours, &round.base);
    let row = |w: &mut String, label: &str, f: &dyn Fn(&Figures) -> String| {
        let _ = writeln!(w, "  {label:<34} {:>22}   {:>22}", f(ours), f(base));
    };
    let _ = writeln!(w, "\n  {:<34} {:>22}   {:>22}", "", ours.name, base.name);
    row(w, "start -> first getUpdates", &|f| {
        format!("{:.1} ms", ms(f.start))
    });
    row(w, "CPU during start-up", &|f| {
        format!("{:.0} ms", f.cpu_start as f64 / clk_tck * 1000.0)
    });
    row(w, "RSS once polling (VmRSS)", &|f| {
        format!("{:.1} MB", f.idle_rss_kb as f64 / 1024.0)
    });
    for f in [ours, base] {
        let calls: Vec<String> = f
            .start_up
            .iter()
            .map(|(m, at)| format!("{m} {:.1}", ms(*at)))
            .collect();
        let _ = writeln!(
            w,
            "  {} start-up calls (ms after spawn): {}",
            f.name,
            calls.join(", ")
        );
    }

    let _ = writeln!(
        w,
        "\n  burst: {BURST_COMMANDS} commands, {PRIVATE_CHATS} private chats and {GROUPS} groups, queued at once"
    );
    row(w, "answered exactly once", &|f| {
        format!("{}/{}", f.burst.answered_once, f.burst.commands)
    });
    row(w, "missing / duplicated", &|f| {
        format!(
            "{} / {}{}",
            f.burst.missing,
            f.burst.duplicated,
            if f.burst.timed_out { " (gave up)" } else { "" }
        )
    });
    row(w, "first hand-out -> last reply", &|f| {
        f.burst
            .window
            .map_or("-".into(), |d| format!("{:.0} ms", ms(d)))
    });
    row(w, "replies/s", &|f| {
        let replies = f.burst.answered_once + f.burst.duplicated;
        f.burst
            .window
            .filter(|d| !d.is_zero())
            .map_or("-".into(), |d| {
                format!("{:.0}", replies as f64 / d.as_secs_f64())
            })
    });
    row(w, "CPU", &|f| {
        format!(
            "{:.0} ms",
            f.cpu_burst.saturating_sub(f.cpu_start) as f64 / clk_tck * 1000.0
        )
    });

    let _ = writeln!(
        w,
        "\n  paced: {PACED_PER_SECOND}/s for {PACED_SECONDS} s, {PRIVATE_CHATS} private chats and {GROUPS} groups"
    );
    row(w, "commands sent in", &|f| {
        format!("{:.2} s", f.paced.pushing.as_secs_f64())
    });
    row(w, "answered exactly once", &|f| {
        format!("{}/{}", f.paced.answered_once, f.paced.commands)
    });
    row(w, "missing / duplicated", &|f| {
        format!(
            "{} / {}{}",
            f.paced.missing,
            f.paced.duplicated,
            if f.paced.timed_out { " (gave up)" } else { "" }
        )
    });
    let show = |d: Option<Duration>| d.map_or("unanswered".into(), |d| format!("{:.2} ms", ms(d)));
    row(w, "latency p50", &|f| show(f.p(50.0)));
    row(w, "latency p95", &|f| show(f.p(95.0)));
    row(w, "latency p99", &|f| show(f.p(99.0)));
    row(w, "latency max", &|f| {
        show(f.paced.latencies.last().copied())
    });
    row(w, "CPU", &|f| {
        format!(
            "{:.0} ms",
            f.cpu_paced.saturating_sub(f.cpu_burst) as f64 / clk_tck * 1000.0
        )
    });

    let _ = writeln!(w, "\n  the process");
    row(w, "CPU per 1,000 updates (both)", &|f| {
        f.cpu_per_1000_ms(clk_tck)
            .map_or("-".into(), |c| format!("{c:.1} ms"))
    });
    row(w, "peak RSS (VmHWM)", &|f| {
        format!("{:.1} MB", f.peak_rss_mb())
    });
    row(w, "SIGTERM", &|f| f.exit.clone());
    row(w, "stray replies", &|f| f.stray_replies.to_string());
    for f in [ours, base] {
        let calls: Vec<String> = f.calls.iter().map(|(m, n)| format!("{m} {n}")).collect();
        let _ = writeln!(w, "  {} calls: {}", f.name, calls.join(", "));
        if !f.stderr_tail.is_empty() {
            let _ = writeln!(w, "  {} stderr (last lines):", f.name);
            for line in &f.stderr_tail {
                let _ = writeln!(w, "    {line}");
            }
        }
    }
}

/// How a figure is shown.
#[derive(Clone, Copy)]
enum Style {
    Ms1,
    Ms2,
    Mb,
    MbSigned,
    Ratio,
}

impl Style {
    /// The number alone; "-" for one that could not be measured.
    fn show(self, v: f64) -> String {
        if !v.is_finite() {
            return "-".into();
        }
        match self {
            Style::Ms1 | Style::Mb => format!("{v:.1}"),
            Style::Ms2 => format!("{v:.2}"),
            Style::MbSigned => format!("{v:+.1}"),
            Style::Ratio => format!("{v:.2}x"),
        }
    }

    fn unit(self) -> &'static str {
        match self {
            Style::Ms1 | Style::Ms2 => "ms",
            Style::Mb | Style::MbSigned => "MB",
            Style::Ratio => "",
        }
    }

    fn with_unit(self, text: String) -> String {
        match self.unit() {
            "" => text,
            unit => format!("{text} {unit}"),
        }
    }
}

/// One figure, a value per round. A value that could not be measured (no reply to take a
/// percentile of, nothing answered) is +inf: the worst, so it can only miss a target.
struct Series {
    label: String,
    style: Style,
    values: Vec<f64>,
}

impl Series {
    fn of(
        label: String,
        style: Style,
        rounds: &[Round],
        value: impl Fn(&Round) -> Option<f64>,
    ) -> Series {
        let values = rounds
            .iter()
            .map(|r| value(r).unwrap_or(f64::INFINITY))
            .collect();
        Series {
            label,
            style,
            values,
        }
    }

    fn sorted(&self) -> Vec<f64> {
        let mut sorted = self.values.clone();
        sorted.sort_by(f64::total_cmp);
        sorted
    }

    /// The middle value; the mean of the middle two for an even count.
    fn median(&self) -> f64 {
        let sorted = self.sorted();
        let n = sorted.len();
        match n {
            0 => f64::INFINITY,
            _ if n % 2 == 1 => sorted[n / 2],
            _ => (sorted[n / 2 - 1] + sorted[n / 2]) / 2.0,
        }
    }

    /// "min..max", the unit after.
    fn range(&self) -> String {
        let sorted = self.sorted();
        match (sorted.first(), sorted.last()) {
            (Some(lo), Some(hi)) => self.style.with_unit(format!(
                "{}..{}",
                self.style.show(*lo),
                self.style.show(*hi)
            )),
            _ => "-".into(),
        }
    }
}

/// The index of the middle value (the lower of the middle two for an even count).
fn middle_index(values: &[f64]) -> usize {
    let mut order: Vec<usize> = (0..values.len()).collect();
    order.sort_by(|a, b| values[*a].total_cmp(&values[*b]));
    order[order.len().saturating_sub(1) / 2]
}

/// The figures the targets are judged on, and their baseline counterparts, round by round.
struct Judged {
    cpu_ours: Series,
    cpu_base: Series,
    cpu_ratio: Series,
    rss_ours: Series,
    rss_base: Series,
    rss_above: Series,
    p99_ours: Series,
    p99_base: Series,
    start_ours: Series,
    start_base: Series,
}

impl Judged {
    fn of(rounds: &[Round], clk_tck: f64) -> Judged {
        // A figure of each bot: "<what>, debate-bot" and "<what>, baseline".
        let both = |what: &str, style: Style, value: &dyn Fn(&Figures) -> Option<f64>| {
            (
                Series::of(format!("{what}, debate-bot"), style, rounds, |r| {
                    value(&r.ours)
                }),
                Series::of(format!("{what}, baseline"), style, rounds, |r| {
                    value(&r.base)
                }),
            )
        };
        let (cpu_ours, cpu_base) = both("CPU per 1,000 updates", Style::Ms1, &|f| {
            f.cpu_per_1000_ms(clk_tck)
        });
        let (rss_ours, rss_base) = both("peak RSS", Style::Mb, &|f| Some(f.peak_rss_mb()));
        let (p99_ours, p99_base) = both("paced p99", Style::Ms2, &|f| f.p(99.0).map(ms));
        let (start_ours, start_base) = both("start -> first getUpdates", Style::Ms1, &|f| {
            Some(ms(f.start))
        });
        Judged {
            cpu_ratio: Series::of(
                "CPU ratio, debate-bot / baseline".into(),
                Style::Ratio,
                rounds,
                |r| r.cpu_ratio(clk_tck),
            ),
            rss_above: Series::of(
                "peak RSS, debate-bot - baseline".into(),
                Style::MbSigned,
                rounds,
                |r| Some(r.ours.peak_rss_mb() - r.base.peak_rss_mb()),
            ),
            cpu_ours,
            cpu_base,
            rss_ours,
            rss_base,
            p99_ours,
            p99_base,
            start_ours,
            start_base,
        }
    }

    /// In the order of the per-round table.
    fn all(&self) -> [&Series; 10] {
        [
            &self.cpu_ours,
            &self.cpu_base,
            &self.cpu_ratio,
            &self.rss_ours,
            &self.rss_base,
            &self.rss_above,
            &self.p99_ours,
            &self.p99_base,
            &self.start_ours,
            &self.start_base,
        ]
    }
}

/// Widths of the per-round table: label, then a cell per round and the median.
const LABEL_WIDTH: usize = 42;
const CELL_WIDTH: usize = 10;

/// A line of the per-round table.
fn cells_line(w: &mut String, label: &str, cells: &[String], tail: &str) {
    let mut line = format!("  {label:<LABEL_WIDTH$}");
    for cell in cells {
        let _ = write!(line, " {cell:>CELL_WIDTH$}");
    }
    let _ = writeln!(w, "{}", format!("{line}   {tail}").trim_end());
}

/// Each judged figure round by round, with its median and min..max.
fn per_round_table(w: &mut String, rounds: &[Round], judged: &Judged) {
    let _ = writeln!(w, "\n  per round");
    let mut head: Vec<String> = rounds
        .iter()
        .map(|r| format!("round {}", r.number))
        .collect();
    head.push("median".into());
    cells_line(w, "", &head, "min..max");
    let first: Vec<String> = rounds.iter().map(|r| r.first().to_string()).collect();
    cells_line(w, "ran first", &first, "");
    for series in judged.all() {
        let label = match series.style.unit() {
            "" => series.label.clone(),
            unit => format!("{} ({unit})", series.label),
        };
        let mut cells: Vec<String> = series
            .values
            .iter()
            .map(|v| series.style.show(*v))
            .collect();
        cells.push(series.style.show(series.median()));
        cells_line(w, &label, &cells, &series.range());
    }
    let checks: Vec<String> = rounds
        .iter()
        .map(|r| pass_fail(r.checks_pass()).to_string())
        .collect();
    cells_line(w, "correctness checks (below)", &checks, "");
}

/// The targets, judged on the medians; the correctness checks, which every round must pass.
fn targets(w: &mut String, rounds: &[Round], judged: &Judged) {
    let n = rounds.len();
    let _ = writeln!(
        w,
        "\n  targets (debate-bot), judged on the median of {n} round(s)"
    );
    let line = |w: &mut String, label: &str, value: &str, range: &str, verdict: &str| {
        let line = format!("  {label:<44} {value:>14} {range:>18}   {verdict}");
        let _ = writeln!(w, "{}", line.trim_end());
    };
    line(w, "", "median", "min..max", "");
    let target = |w: &mut String, label: String, series: &Series, limit: f64| {
        let median = series.median();
        let value = series.style.with_unit(series.style.show(median));
        line(w, &label, &value, &series.range(), verdict(median <= limit));
    };
    target(
        w,
        format!("paced p99 <= {TARGET_P99_MS} ms"),
        &judged.p99_ours,
        TARGET_P99_MS,
    );
    target(
        w,
        format!("CPU per 1,000 updates <= {TARGET_CPU_RATIO}x baseline"),
        &judged.cpu_ratio,
        TARGET_CPU_RATIO,
    );
    target(
        w,
        format!("peak RSS <= {TARGET_RSS_MB} MB"),
        &judged.rss_ours,
        TARGET_RSS_MB,
    );
    target(
        w,
        format!("peak RSS <= baseline + {TARGET_RSS_ABOVE_BASELINE_MB} MB"),
        &judged.rss_above,
        TARGET_RSS_ABOVE_BASELINE_MB,
    );
    target(
        w,
        format!("start -> first getUpdates <= {TARGET_START_MS} ms"),
        &judged.start_ours,
        TARGET_START_MS,
    );
    let check = |w: &mut String, label: &str, pass: &dyn Fn(&Round) -> bool| {
        let passed = rounds.iter().filter(|r| pass(r)).count();
        line(
            w,
            label,
            &format!("{passed}/{n} rounds"),
            "",
            pass_fail(passed == n),
        );
    };
    check(w, "every command answered once, no stray reply", &|r| {
        r.ours.answered_all_once()
    });
    check(w, "SIGTERM -> exit 0 (both bots)", &|r| {
        r.ours.exit_ok && r.base.exit_ok
    });
    let baseline_missed: Vec<String> = rounds
        .iter()
        .filter(|r| !r.base.answered_all_once())
        .map(|r| r.number.to_string())
        .collect();
    if !baseline_missed.is_empty() {
        let _ = writeln!(
            w,
            "  note: the baseline did not answer every command exactly once in round(s) {}",
            baseline_missed.join(", ")
        );
    }
}

// ---- the mix ---------------------------------------------------------------------------------

#[derive(Clone, Copy, PartialEq, Eq)]
enum Load {
    Burst,
    Paced,
}

/// The `i`-th command of a load: its chat and its text. Two in three come from private chats
/// (ids > 0, as Telegram gives them: the user's own id), the rest from groups (ids < 0); every
/// other command is a search. The burst gives each private chat exactly two commands and each
/// group 20; the paced load uses other chats, so no chat's budget is spent twice.
fn mix(load: Load, i: usize) -> (i64, &'static str) {
    let (private_base, group_base) = match load {
        Load::Burst => (1_000_001, -10_001),
        Load::Paced => (2_000_001, -20_001),
    };
    let chat = if i % 3 < 2 {
        let nth_private = i / 3 * 2 + i % 3;
        private_base + (nth_private % PRIVATE_CHATS) as i64
    } else {
        group_base - ((i / 3) % GROUPS) as i64
    };
    let text = if i.is_multiple_of(2) {
        SEARCHES[(i / 2) % SEARCHES.len()]
    } else {
        TOPICS[(i / 2) % TOPICS.len()]
    };
    (chat, text)
}

// ---- the fake Bot API -----------------------------------------------------------------------

/// A command's message: (chat id, message id), what its reply's chat_id and
/// reply_parameters.message_id say.
type Key = (i64, i64);

struct Queued {
    update_id: i64,
    key: Key,
    json: String,
}

struct ReplySeen {
    key: Option<Key>,
    at: Instant,
}

#[derive(Default)]
struct Inner {
    queue: VecDeque<Queued>,
    next_update_id: i64,
    next_message_id: i64,
    /// When each command's update was first handed out by getUpdates.
    handed: HashMap<Key, Instant>,
    /// A private chat's commands handed out and not yet answered, oldest first.
    unanswered: HashMap<i64, VecDeque<i64>>,
    /// Every sendMessage, as it arrived.
    replies: Vec<ReplySeen>,
    first_get_updates: Option<Instant>,
    /// The first calls up to the first getUpdates, in order of arrival: the start-up.
    start_up: Vec<(String, Instant)>,
    /// Calls by method (getUpdates included).
    calls: HashMap<String, u64>,
}

impl Inner {
    /// Queues a command in `chat` (a private chat if positive, else a group); returns its key.
    fn push(&mut self, chat: i64, i: usize, text: &str) -> Key {
        self.next_update_id += 1;
        self.next_message_id += 1;
        let (update_id, message_id) = (self.next_update_id, self.next_message_id);
        let command = text.split(' ').next().unwrap_or_default();
        // In a private chat Telegram's chat id is the user's id.
        let (user, chat_json) = if chat > 0 {
            (
                chat,
                json!({"id": chat, "type": "private", "first_name": "Reader"}),
            )
        } else {
            (
                1_000_000 + chat.unsigned_abs() as i64,
                json!({"id": chat, "type": "group", "title": "Load bench group"}),
            )
        };
        let update = json!({
            "update_id": update_id,
            "message": {
                "message_id": message_id,
                "date": unix_now(),
                "chat": chat_json,
                "from": {
                    "id": user,
                    "is_bot": false,
                    "first_name": "Reader",
                    "language_code": if i % 5 == 4 { "en" } else { "zh" },
                },
                "text": text,
                "entities": [{
                    "type": "bot_command",
                    "offset": 0,
                    "length": command.encode_utf16().count(),
                }],
            },
        });
        let key = (chat, message_id);
        self.queue.push_back(Queued {
            update_id,
            key,
            json: update.to_string(),
        });
        key
    }
}

struct Fake {
    inner: Mutex<Inner>,
    /// Woken when updates are queued, and when the bot is being stopped.
    updates: Notify,
    /// Set once SIGTERM is sent: getUpdates answers at once.
    stopping: AtomicBool,
}

impl Fake {
    fn lock(&self) -> MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Serves on 127.0.0.1, at a port the OS picks.
    async fn start()
    -> Result<(Arc<Fake>, std::net::SocketAddr, tokio::task::JoinHandle<()>), String> {
        let fake = Arc::new(Fake {
            inner: Mutex::new(Inner::default()),
            updates: Notify::new(),
            stopping: AtomicBool::new(false),
        });
        let router = Router::new()
            .route("/{bot}/{method}", any(handle))
            .with_state(Arc::clone(&fake));
        let listener = tokio::net::TcpListener::bind(("127.0.0.1", 0))
            .await
            .map_err(|e| format!("cannot bind 127.0.0.1:0: {e}"))?;
        let addr = listener
            .local_addr()
            .map_err(|e| format!("local address: {e}"))?;
        if !addr.ip().is_loopback() {
            return Err(format!("the fake is not on loopback: {addr}"));
        }
        let server = tokio::spawn(async move {
            if let Err(e) = axum::serve(listener, router).await {
                eprintln!("fake Bot API: {e}");
            }
        });
        Ok((fake, addr, server))
    }
}

fn unix_now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

fn json_response(status: StatusCode, body: String) -> Response {
    (status, [(header::CONTENT_TYPE, "application/json")], body).into_response()
}

fn ok(result: &str) -> Response {
    json_response(
        StatusCode::OK,
        format!("{{\"ok\":true,\"result\":{result}}}"),
    )
}

fn error(status: StatusCode, description: &str) -> Response {
    let body = json!({"ok": false, "error_code": status.as_u16(), "description": description});
    json_response(status, body.to_string())
}

fn bot_user() -> Value {
    json!({"id": BOT_ID, "is_bot": true, "first_name": "Load Bench Bot", "username": BOT_USERNAME})
}

async fn handle(
    State(fake): State<Arc<Fake>>,
    UrlPath((bot, method)): UrlPath<(String, String)>,
    body: Bytes,
) -> Response {
    let arrived = Instant::now();
    if bot.strip_prefix("bot") != Some(TOKEN) {
        return error(StatusCode::UNAUTHORIZED, "Unauthorized");
    }
    let method = method.to_ascii_lowercase();
    {
        let mut inner = fake.lock();
        *inner.calls.entry(method.clone()).or_default() += 1;
        if inner.first_get_updates.is_none() {
            inner.start_up.push((method.clone(), arrived));
        }
    }
    match method.as_str() {
        "getupdates" => get_updates(&fake, arrived, &body).await,
        "sendmessage" => send_message(&fake, arrived, &body),
        "getme" => {
            let mut me = bot_user();
            me["can_join_groups"] = json!(true);
            me["can_read_all_group_messages"] = json!(false);
            me["supports_inline_queries"] = json!(false);
            me["can_connect_to_business"] = json!(false);
            me["has_main_web_app"] = json!(false);
            ok(&me.to_string())
        }
        "getwebhookinfo" => {
            ok(r#"{"url":"","has_custom_certificate":false,"pending_update_count":0}"#)
        }
        "deletewebhook" | "setmycommands" | "deletemycommands" => ok("true"),
        _ => error(StatusCode::NOT_FOUND, "Not Found: method not found"),
    }
}

#[derive(Deserialize, Default)]
struct GetUpdates {
    offset: Option<i64>,
    limit: Option<usize>,
    timeout: Option<u64>,
}

/// Hands out queued updates from `offset` on at once, or waits for some up to the request's
/// timeout (at most [`LONGEST_POLL`]); answers `[]` at once while the bot is being stopped.
async fn get_updates(fake: &Fake, arrived: Instant, body: &[u8]) -> Response {
    let params: GetUpdates = serde_json::from_slice(body).unwrap_or_default();
    let limit = params.limit.unwrap_or(100).clamp(1, 100);
    let deadline = tokio::time::Instant::from_std(arrived)
        + LONGEST_POLL.min(Duration::from_secs(params.timeout.unwrap_or(0)));
    fake.lock().first_get_updates.get_or_insert(arrived);
    loop {
        let notified = fake.updates.notified();
        tokio::pin!(notified);
        notified.as_mut().enable();
        {
            let mut inner = fake.lock();
            if let Some(offset) = params.offset {
                // Like Telegram: updates below the offset are confirmed and forgotten.
                while inner.queue.front().is_some_and(|u| u.update_id < offset) {
                    inner.queue.pop_front();
                }
            }
            if fake.stopping.load(Ordering::SeqCst) {
                return ok("[]");
            }
            if !inner.queue.is_empty() {
                let now = Instant::now();
                let mut body = String::from("{\"ok\":true,\"result\":[");
                let batch: Vec<Key> = inner
                    .queue
                    .iter()
                    .take(limit)
                    .enumerate()
                    .map(|(n, u)| {
                        if n > 0 {
                            body.push(',');
                        }
                        body.push_str(&u.json);
                        u.key
                    })
                    .collect();
                for key in batch {
                    if let std::collections::hash_map::Entry::Vacant(e) = inner.handed.entry(key) {
                        e.insert(now);
                        if key.0 > 0 {
                            inner.unanswered.entry(key.0).or_default().push_back(key.1);
                        }
                    }
                }
                drop(inner);
                body.push_str("]}");
                return json_response(StatusCode::OK, body);
            }
        }
        if tokio::time::timeout_at(deadline, notified).await.is_err() {
            return ok("[]");
        }
    }
}

#[derive(Deserialize)]
struct SendMessage {
    chat_id: Value,
    text: Option<String>,
    reply_parameters: Option<ReplyParameters>,
}

#[derive(Deserialize)]
struct ReplyParameters {
    message_id: i64,
}

/// Records the reply's arrival and answers the Message, as Telegram does.
fn send_message(fake: &Fake, arrived: Instant, body: &[u8]) -> Response {
    let Ok(params) = serde_json::from_slice::<SendMessage>(body) else {
        return error(
            StatusCode::BAD_REQUEST,
            "Bad Request: unreadable parameters",
        );
    };
    let chat = params
        .chat_id
        .as_i64()
        .or_else(|| params.chat_id.as_str().and_then(|s| s.parse().ok()));
    let Some(chat) = chat else {
        return error(StatusCode::BAD_REQUEST, "Bad Request: chat_id is empty");
    };
    let Some(text) = params.text.filter(|t| !t.is_empty()) else {
        return error(
            StatusCode::BAD_REQUEST,
            "Bad Request: message text is empty",
        );
    };
    let message_id = {
        let mut inner = fake.lock();
        let answers = match params.reply_parameters {
            Some(r) => Some(r.message_id),
            // Unquoted, in a private chat: the oldest command there not yet answered.
            None if chat > 0 => inner
                .unanswered
                .get_mut(&chat)
                .and_then(VecDeque::pop_front),
            None => None,
        };
        if let (Some(answered), true) = (answers, chat > 0) {
            // A quoted private reply answers that command: it is no longer waiting.
            if let Some(waiting) = inner.unanswered.get_mut(&chat) {
                waiting.retain(|m| *m != answered);
            }
        }
        inner.replies.push(ReplySeen {
            key: answers.map(|m| (chat, m)),
            at: arrived,
        });
        inner.next_message_id += 1;
        inner.next_message_id
    };
    let chat_type = if chat > 0 { "private" } else { "group" };
    let message = json!({
        "message_id": message_id,
        "date": unix_now(),
        "chat": {"id": chat, "type": chat_type, "title": "Load bench group"},
        "from": bot_user(),
        "text": text,
    });
    ok(&message.to_string())
}

// ---- the baseline bot -----------------------------------------------------------------------

/// A minimal teloxide bot, same teloxide features as the project: long polling (10 s, webhook
/// deleted first, like the project), one fixed plain-text reply to every message, stopped by
/// SIGTERM after the replies in flight.
mod baseline {
    use std::process::ExitCode;
    use std::time::Duration;

    use teloxide::error_handlers::LoggingErrorHandler;
    use teloxide::payloads::SendMessageSetters;
    use teloxide::prelude::*;
    use teloxide::types::ReplyParameters;
    use teloxide::update_listeners::Polling;

    pub fn main() -> ExitCode {
        let (Ok(token), Ok(api_url)) = (
            std::env::var("TELOXIDE_TOKEN"),
            std::env::var("TELOXIDE_API_URL"),
        ) else {
            eprintln!("baseline: TELOXIDE_TOKEN and TELOXIDE_API_URL are needed");
            return ExitCode::from(2);
        };
        let Ok(api_url) = url::Url::parse(&api_url) else {
            eprintln!("baseline: TELOXIDE_API_URL is not a URL");
            return ExitCode::from(2);
        };
        let runtime = match tokio::runtime::Runtime::new() {
            Ok(runtime) => runtime,
            Err(e) => {
                eprintln!("baseline: {e}");
                return ExitCode::FAILURE;
            }
        };
        runtime.block_on(run(Bot::new(token).set_api_url(api_url)));
        runtime.shutdown_background();
        ExitCode::SUCCESS
    }

    async fn run(bot: Bot) {
        let handler = Update::filter_message().endpoint(|bot: Bot, msg: Message| async move {
            bot.send_message(msg.chat.id, "ok")
                .reply_parameters(ReplyParameters::new(msg.id))
                .await?;
            respond(())
        });
        let mut dispatcher = Dispatcher::builder(bot.clone(), handler).build();
        let token = dispatcher.shutdown_token();
        tokio::spawn(async move {
            let Ok(mut terminate) =
                tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
            else {
                eprintln!("baseline: cannot listen for SIGTERM");
                return;
            };
            terminate.recv().await;
            // The dispatcher refuses to stop before it has started; try until it has.
            loop {
                match token.shutdown() {
                    Ok(done) => break done.await,
                    Err(_) => tokio::time::sleep(Duration::from_millis(20)).await,
                }
            }
        });
        let listener = Polling::builder(bot)
            .timeout(Duration::from_secs(10))
            .delete_webhook()
            .await
            .build();
        dispatcher
            .dispatch_with_listener(
                listener,
                LoggingErrorHandler::with_custom_text("getUpdates failed"),
            )
            .await;
    }
}
