//! The real bot (`debate_bot::telegram::run`) run in-process against the fake API, as `main.rs`
//! runs it for `debate-bot run`, and stopped as a signal stops it.

use std::time::Duration;

use debate_bot::limits::LimitSettings;
use debate_bot::settings::QuizSettings;
use debate_bot::telegram::{self, Settings};
use secrecy::SecretString;
use tokio::runtime::Handle;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;
use tokio::time::Instant;

use super::fake_api::{FakeApi, TOKEN};
use super::{app, temp_database};

/// How long `run` may take to return once told to stop.
pub const STOP_WITHIN: Duration = Duration::from_secs(5);

/// Logs of the bot and teloxide, shown for a failing test; `RUST_LOG=debug` for more.
pub fn init_logging() {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("warn"));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_test_writer()
        .try_init();
}

/// The bot running in a task; stop it with [`RunningBot::stop`]. Dropping it also stops the
/// bot (the stop future completes when its sender is dropped).
pub struct RunningBot {
    stop: Option<oneshot::Sender<()>>,
    task: Option<JoinHandle<anyhow::Result<()>>>,
}

impl RunningBot {
    /// Tells the bot to stop and waits for `run` to return; returns what it returned and how
    /// long stopping took. Panics if it takes longer than [`STOP_WITHIN`].
    pub async fn stop_result(self) -> (anyhow::Result<()>, Duration) {
        self.stop_result_within(STOP_WITHIN).await
    }

    /// Like [`RunningBot::stop_result`], allowing `limit` to stop (a bot that may have replies
    /// to deliver for its shutdown time first).
    pub async fn stop_result_within(mut self, limit: Duration) -> (anyhow::Result<()>, Duration) {
        let started = Instant::now();
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        let task = self.task.take().expect("the bot task");
        let result = tokio::time::timeout(limit, task)
            .await
            .unwrap_or_else(|_| panic!("run did not return within {limit:?} of stop"))
            .expect("run panicked");
        (result, started.elapsed())
    }

    /// Stops the bot and asserts `run` returned Ok; returns how long stopping took.
    pub async fn stop(self) -> Duration {
        self.stop_within(STOP_WITHIN).await
    }

    /// Like [`RunningBot::stop`], allowing `limit` to stop.
    pub async fn stop_within(self, limit: Duration) -> Duration {
        let (result, took) = self.stop_result_within(limit).await;
        if let Err(e) = result {
            panic!("run returned an error: {e:#}");
        }
        took
    }

    /// Waits for `run` to return on its own (without being told to stop).
    pub async fn finished(mut self) -> anyhow::Result<()> {
        let task = self.task.take().expect("the bot task");
        tokio::time::timeout(STOP_WITHIN, task)
            .await
            .unwrap_or_else(|_| panic!("run did not return within {STOP_WITHIN:?}"))
            .expect("run panicked")
    }
}

impl Drop for RunningBot {
    fn drop(&mut self) {
        if let Some(task) = self.task.take() {
            task.abort();
        }
    }
}

/// What `main.rs` does for `debate-bot run`: opens the store at `database`, builds the core
/// over it, and runs the bot until `stop`.
pub async fn run(
    settings: Settings,
    database: String,
    quiz: QuizSettings,
    stop: impl std::future::Future<Output = ()> + Send + 'static,
) -> anyhow::Result<()> {
    let store = debate_bot::store::Store::open(&database).await?;
    // As the binary composes it: debates' pictures follow `[quiz] pictures`.
    let debate = debate_bot::settings::DebateSettings {
        pictures: quiz.pictures,
        ..Default::default()
    };
    let core = debate_bot::core::Core::new(app(), store, quiz, debate, Default::default());
    telegram::run(settings, core, Box::pin(stop)).await
}

/// The settings the bot runs with against `api`: the right token, long polling (no webhook),
/// [`generous_limits`], 8 s to deliver what is queued when stopped, no metrics. Tests change
/// what they are about with `Settings { .., ..settings(&api) }`.
pub fn settings(api: &FakeApi) -> Settings {
    Settings {
        token: SecretString::from(TOKEN.to_string()),
        api_url: api.url(),
        webhook: None,
        limits: generous_limits(),
        shutdown: Duration::from_secs(8),
        metrics: None,
        reloads: None,
    }
}

/// Starts the real bot on `runtime` with `settings`, its quizzes and debates kept in
/// `database` (a `sqlite://` URL) and run with `quiz`.
pub fn launch(
    runtime: &Handle,
    settings: Settings,
    database: String,
    quiz: QuizSettings,
) -> RunningBot {
    init_logging();
    let (stop_tx, stop_rx) = oneshot::channel::<()>();
    let stop = async move {
        // A message or a dropped sender: stop either way.
        let _ = stop_rx.await;
    };
    let task = runtime.spawn(run(settings, database, quiz, stop));
    RunningBot {
        stop: Some(stop_tx),
        task: Some(task),
    }
}

/// Starts the real bot against `api` with the right token.
pub fn start_bot(api: &FakeApi) -> RunningBot {
    start_bot_with_token(api, TOKEN)
}

/// Starts the real bot against `api` with `token`.
pub fn start_bot_with_token(api: &FakeApi, token: &str) -> RunningBot {
    let settings = Settings {
        token: SecretString::from(token.to_string()),
        ..settings(api)
    };
    launch(
        &Handle::current(),
        settings,
        temp_database(),
        Default::default(),
    )
}

/// A fresh fake API and the bot running against it, polling for updates.
pub async fn start() -> (FakeApi, RunningBot) {
    let api = FakeApi::start().await;
    let bot = start_bot(&api);
    api.wait_nth("getUpdates", 0).await;
    (api, bot)
}

/// Starts the real bot against `api` with its quizzes kept in `database` (a `sqlite://` URL,
/// e.g. from [`temp_database`]; give the same one again to restart on the same data) and the
/// `quiz` settings.
pub fn start_bot_with(api: &FakeApi, database: &str, quiz: QuizSettings) -> RunningBot {
    start_bot_on(&Handle::current(), api, database, quiz)
}

/// Like [`start_bot_with`], on `runtime`. Shutting that runtime down after
/// [`RunningBot::stop`] ends whatever the bot spawned (quiz wake-ups), as when the process
/// exits; see [`process_runtime`].
pub fn start_bot_on(
    runtime: &Handle,
    api: &FakeApi,
    database: &str,
    quiz: QuizSettings,
) -> RunningBot {
    launch(runtime, settings(api), database.to_string(), quiz)
}

/// Like [`start_bot_on`], with these `[limits]` instead of [`generous_limits`] and `shutdown`
/// to deliver what is queued when stopped.
pub fn start_bot_limited(
    runtime: &Handle,
    api: &FakeApi,
    database: &str,
    quiz: QuizSettings,
    limits: LimitSettings,
    shutdown: Duration,
) -> RunningBot {
    let settings = Settings {
        limits,
        shutdown,
        ..settings(api)
    };
    launch(runtime, settings, database.to_string(), quiz)
}

/// A runtime of its own for one bot "process": start the bot on it with [`start_bot_on`],
/// and after stopping the bot end it with `shutdown_background()` (it may not be dropped
/// inside an async test).
pub fn process_runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("a runtime for the bot")
}

/// Budgets no test of what the bot says runs into; the flood tests set their own.
pub fn generous_limits() -> LimitSettings {
    LimitSettings {
        replies_per_chat_per_minute: 100_000,
        private_replies_per_second: 100_000,
        messages_per_second: 100_000,
        stale_minutes: 10,
    }
}
