//! Test support: a fake Telegram Bot API on loopback ([`fake_api`]) and a way to run the real
//! bot (`debate_bot::telegram::run`) against it in-process and stop it.

// Each test crate uses a different part of the support.
#![allow(dead_code, unused_imports)]

pub mod fake_api;

use std::path::Path;
use std::sync::{Arc, OnceLock};
use std::time::Duration;

use debate_bot::app::App;
use debate_bot::i18n::Lang;
use debate_bot::telegram::{self, Settings};
use secrecy::SecretString;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;
use tokio::time::Instant;

pub use fake_api::{Call, Failure, FakeApi, Fault, TOKEN, TgUser};

/// How long `run` may take to return once told to stop.
pub const STOP_WITHIN: Duration = Duration::from_secs(5);

/// The shipped corpus and sentences, loaded once, Chinese by default as in config.toml.
pub fn app() -> Arc<App> {
    static APP: OnceLock<Arc<App>> = OnceLock::new();
    Arc::clone(APP.get_or_init(|| {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("responses");
        let app = App::load(&dir, Lang::Zh).unwrap_or_else(|p| panic!("{p:#?}"));
        Arc::new(app)
    }))
}

/// What the bot says for the ui key `key` in `lang`, filled with `args` by the bot's own
/// `fill`: tests expect the sentences of `responses/ui.*.toml`, not copies of them, so a change
/// of wording changes no test.
#[allow(dead_code)]
pub fn say(lang: Lang, key: &str, args: &[(&str, &str)]) -> String {
    let app = app();
    let template = app
        .view(lang)
        .ui
        .entries()
        .into_iter()
        .find(|(k, _)| *k == key)
        .unwrap_or_else(|| panic!("no ui key {key}"))
        .1
        .to_string();
    debate_bot::i18n::fill(&template, args)
}

/// The quiz's sentences (responses/ui.zh.toml, nothing to fill) that both quiz test files
/// expect.
#[allow(dead_code)]
pub mod quiz_zh {
    use super::*;

    /// A sentence of responses/ui.zh.toml with nothing to fill.
    pub fn zh(key: &str) -> String {
        say(Lang::Zh, key, &[])
    }

    /// How the results name a question: its first 24 characters, "…" when cut.
    pub fn title(question: &str) -> String {
        let mut title: String = question.chars().take(24).collect();
        if question.chars().count() > 24 {
            title.push('…');
        }
        title
    }

    /// A question's line of the results: "第 1 题:66%(2/3)· 谁说的?…".
    pub fn question_line(
        number: usize,
        share: usize,
        right: usize,
        answered: usize,
        title: &str,
    ) -> String {
        let (number, share) = (number.to_string(), share.to_string());
        let (right, answered) = (right.to_string(), answered.to_string());
        say(
            Lang::Zh,
            "quiz_results_question",
            &[
                ("number", &number),
                ("share", &share),
                ("right", &right),
                ("answered", &answered),
                ("question", title),
            ],
        )
    }
    pub fn only_starter_next() -> String {
        zh("quiz_only_starter_next")
    }
    pub fn only_starter_stop() -> String {
        zh("quiz_only_starter_stop")
    }
    pub fn only_starter_report() -> String {
        zh("quiz_only_starter_report")
    }
    pub fn stopped() -> String {
        zh("quiz_stopped")
    }
    pub fn none_running() -> String {
        zh("quiz_none_running")
    }
    pub fn nobody() -> String {
        zh("quiz_results_nobody")
    }
    pub fn top_title() -> String {
        zh("top_title")
    }
    pub fn top_you_none() -> String {
        zh("top_you_none")
    }
    pub fn already_running(name: &str) -> String {
        say(Lang::Zh, "quiz_already_running", &[("name", name)])
    }
    pub fn forgotten(count: impl std::fmt::Display) -> String {
        say(Lang::Zh, "quiz_forgotten", &[("count", &count.to_string())])
    }
    /// The results' title: "🏁 测验结束:3 题,3 人作答".
    pub fn results_title(count: usize, people: usize) -> String {
        let (count, people) = (count.to_string(), people.to_string());
        say(
            Lang::Zh,
            "quiz_results_title",
            &[("count", &count), ("people", &people)],
        )
    }
}

/// [`say`] read backwards: the value of each `{placeholder}` if `text` is the ui key `key`
/// filled, or `None`. A value runs to the first place the template's next words follow, so
/// two placeholders must not touch; plural forms (`{count|one|other}`) are not read.
#[allow(dead_code)]
pub fn unsay(
    lang: Lang,
    key: &str,
    text: &str,
) -> Option<std::collections::BTreeMap<String, String>> {
    let template = say(lang, key, &[]);
    let mut values = std::collections::BTreeMap::new();
    let mut rest_template = template.as_str();
    let mut rest = text;
    loop {
        let Some(open) = rest_template.find('{') else {
            return (rest == rest_template).then_some(values);
        };
        rest = rest.strip_prefix(&rest_template[..open])?;
        let after = &rest_template[open + 1..];
        let close = after.find('}').expect("a closed placeholder");
        let name = &after[..close];
        assert!(!name.contains('|'), "{key}: plural forms are not read");
        rest_template = &after[close + 1..];
        if rest_template.is_empty() {
            values.insert(name.to_string(), rest.to_string());
            return Some(values);
        }
        let next = rest_template.find('{').unwrap_or(rest_template.len());
        assert!(next > 0, "{key}: {{{name}}} touches the next placeholder");
        let words = &rest_template[..next];
        let end = if next == rest_template.len() {
            rest.len().checked_sub(words.len())?
        } else {
            rest.find(words)?
        };
        if !rest.is_char_boundary(end) {
            return None;
        }
        values.insert(name.to_string(), rest[..end].to_string());
        rest = &rest[end..];
    }
}

/// What [`say`] says before `{placeholder}`: the start of a sentence whose rest the test does
/// not know (a count, a name), e.g. "🏁 测验结束:2 题," before the number of players.
#[allow(dead_code)]
pub fn say_until(lang: Lang, key: &str, args: &[(&str, &str)], placeholder: &str) -> String {
    const MARK: &str = "\u{0}";
    let mut all = args.to_vec();
    all.push((placeholder, MARK));
    let said = say(lang, key, &all);
    match said.split_once(MARK) {
        Some((before, _)) => before.to_string(),
        None => panic!("ui key {key} has no {{{placeholder}}}: {said}"),
    }
}

/// What [`say`] says after `{placeholder}`: the end of a sentence whose start the test does
/// not know, e.g. " 你站哪一方?(投票 60 分钟)" after a motion.
#[allow(dead_code)]
pub fn say_after(lang: Lang, key: &str, args: &[(&str, &str)], placeholder: &str) -> String {
    const MARK: &str = "\u{0}";
    let mut all = args.to_vec();
    all.push((placeholder, MARK));
    let said = say(lang, key, &all);
    match said.rsplit_once(MARK) {
        Some((_, after)) => after.to_string(),
        None => panic!("ui key {key} has no {{{placeholder}}}: {said}"),
    }
}

/// The citation of paragraph `paragraph` of the shipped article, as a reader of `lang` sees
/// it: "出处:电厂,2024-07-12,记者 张勇毅,¶5". The outlet, date and reporter are the
/// article's (responses/…/source.toml); the words around them are the ui file's.
#[allow(dead_code)]
pub fn citation(lang: Lang, paragraph: &str) -> String {
    let (outlet, reporter) = match lang {
        Lang::Zh => ("电厂".to_string(), "张勇毅".to_string()),
        Lang::En => (
            say(
                lang,
                "name_both",
                &[("en", "Dianchang"), ("original", "电厂")],
            ),
            say(
                lang,
                "name_both",
                &[("en", "Zhang Yongyi"), ("original", "张勇毅")],
            ),
        ),
    };
    say(
        lang,
        "citation",
        &[
            ("outlet", &outlet),
            ("date", "2024-07-12"),
            ("reporter", &reporter),
            ("paragraph", paragraph),
        ],
    )
}

/// The start of every citation of the shipped article, up to its paragraph number:
/// "出处:电厂,2024-07-12,记者 张勇毅,¶".
#[allow(dead_code)]
pub fn citation_start(lang: Lang) -> String {
    let whole = citation(lang, "\u{0}");
    match whole.split_once('\u{0}') {
        Some((before, _)) => before.to_string(),
        None => panic!("a citation with no paragraph: {whole}"),
    }
}

/// A name as a reader of `lang` sees it: "罗璇" in Chinese, "Luo Xuan (罗璇)" in English.
#[allow(dead_code)]
pub fn name(lang: Lang, original: &str, en: &str) -> String {
    match lang {
        Lang::Zh => original.to_string(),
        Lang::En => say(lang, "name_both", &[("en", en), ("original", original)]),
    }
}

/// A person's role as the bot shows it, from the corpus's words (responses/people.toml):
/// `role` at `org` ("百度" and "联合创始人" read "百度联合创始人"), marked when the article does not
/// state it (`outside`).
#[allow(dead_code)]
pub fn role(lang: Lang, org: &str, role: &str, outside: bool) -> String {
    let role = match (org.is_empty(), role.is_empty()) {
        (false, false) => say(lang, "person_role", &[("org", org), ("role", role)]),
        (true, _) => role.to_string(),
        (false, true) => org.to_string(),
    };
    if outside {
        say(lang, "role_outside", &[("role", &role)])
    } else {
        role
    }
}

/// Li Yanhong's role: "百度联合创始人、董事长兼首席执行官(非文中所述)".
#[allow(dead_code)]
pub fn li_role(lang: Lang) -> String {
    match lang {
        Lang::Zh => role(lang, "百度", "联合创始人、董事长兼首席执行官", true),
        Lang::En => role(lang, "Baidu", "co-founder, chairman and CEO", true),
    }
}

/// The attribution under an excerpt: "—— 李彦宏,百度… · 原话"; `speech` is the ui key
/// speech_direct or speech_reported.
#[allow(dead_code)]
pub fn speaker_line(lang: Lang, name: &str, role: &str, speech: &str) -> String {
    let speech = say(lang, speech, &[]);
    say(
        lang,
        "speaker_line",
        &[("name", name), ("role", role), ("speech", &speech)],
    )
}

/// A topic's page header: "闭源 · 1/10".
#[allow(dead_code)]
pub fn topic_header(lang: Lang, title: &str, position: usize, count: usize) -> String {
    let (position, count) = (position.to_string(), count.to_string());
    say(
        lang,
        "topic_header",
        &[("title", title), ("position", &position), ("count", &count)],
    )
}

/// A player of the engines' tests, with no Telegram language.
#[allow(dead_code)]
pub fn player(id: i64, name: &str) -> debate_bot::vocab::Player {
    debate_bot::vocab::Player {
        id,
        name: name.to_string(),
        language_code: None,
    }
}

/// A built-in command and its arguments, as `core::Core` hands them to an engine: `text` read
/// once; `None` when it is no built-in command.
#[allow(dead_code)]
pub fn builtin(text: &str) -> Option<(debate_bot::command::Builtin, &str)> {
    let command = debate_bot::command::parse(text)?;
    Some((command.builtin()?, command.args))
}

/// The plain text of every message among `outs`.
#[allow(dead_code)]
pub fn messages(outs: &[debate_bot::effect::Effect]) -> Vec<String> {
    outs.iter()
        .filter_map(|o| match o {
            debate_bot::effect::Effect::Send { reply, .. } => Some(reply.doc.to_plain()),
            _ => None,
        })
        .collect()
}

/// A fresh folder under the temp folder, removed on drop.
pub struct TempDir(std::path::PathBuf);

impl TempDir {
    pub fn new(tag: &str) -> TempDir {
        use std::sync::atomic::{AtomicUsize, Ordering};
        static N: AtomicUsize = AtomicUsize::new(0);
        let n = N.fetch_add(1, Ordering::Relaxed);
        let path =
            std::env::temp_dir().join(format!("debate-bot-test-{tag}-{}-{n}", std::process::id()));
        let _ = std::fs::remove_dir_all(&path);
        std::fs::create_dir_all(&path).expect("create the temp dir");
        TempDir(path)
    }

    pub fn path(&self) -> &Path {
        &self.0
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

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
    pub async fn stop_result(mut self) -> (anyhow::Result<()>, Duration) {
        let started = Instant::now();
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        let task = self.task.take().expect("the bot task");
        let result = tokio::time::timeout(STOP_WITHIN, task)
            .await
            .unwrap_or_else(|_| panic!("run did not return within {STOP_WITHIN:?} of stop"))
            .expect("run panicked");
        (result, started.elapsed())
    }

    /// Stops the bot and asserts `run` returned Ok; returns how long stopping took.
    pub async fn stop(self) -> Duration {
        let (result, took) = self.stop_result().await;
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
    quiz: debate_bot::quiz::QuizSettings,
    stop: impl std::future::Future<Output = ()> + Send + 'static,
) -> anyhow::Result<()> {
    let store = debate_bot::store::Store::open(&database).await?;
    let core = debate_bot::core::Core::new(app(), store, quiz, Default::default());
    telegram::run(settings, core, Box::pin(stop)).await
}

/// Starts the real bot against `api` with the right token.
pub fn start_bot(api: &FakeApi) -> RunningBot {
    start_bot_with_token(api, TOKEN)
}

/// Starts the real bot against `api` with `token`.
pub fn start_bot_with_token(api: &FakeApi, token: &str) -> RunningBot {
    init_logging();
    let settings = Settings {
        token: SecretString::from(token.to_string()),
        api_url: api.url(),
        webhook: None,
        limits: generous_limits(),
        shutdown: std::time::Duration::from_secs(8),
        metrics: None,
    };
    let (stop_tx, stop_rx) = oneshot::channel::<()>();
    let stop = async move {
        // A message or a dropped sender: stop either way.
        let _ = stop_rx.await;
    };
    let task = tokio::spawn(run(settings, temp_database(), Default::default(), stop));
    RunningBot {
        stop: Some(stop_tx),
        task: Some(task),
    }
}

/// A fresh fake API and the bot running against it, polling for updates.
pub async fn start() -> (FakeApi, RunningBot) {
    let api = FakeApi::start().await;
    let bot = start_bot(&api);
    api.wait_nth("getUpdates", 0).await;
    (api, bot)
}

/// Waits (up to [`fake_api::WAIT`]) until `check` finds something (for state the fake API
/// cannot see, such as the bot's database); polls every 10 ms.
pub async fn eventually<T, F, Fut>(what: &str, mut check: F) -> T
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Option<T>>,
{
    let wait = fake_api::WAIT;
    let deadline = Instant::now() + wait;
    loop {
        if let Some(found) = check().await {
            return found;
        }
        assert!(
            Instant::now() < deadline,
            "timed out after {wait:?} waiting for {what}"
        );
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}

/// Length in UTF-16 code units, as Telegram counts message length.
pub fn utf16_len(text: &str) -> usize {
    text.encode_utf16().count()
}

/// A fresh SQLite database file for one bot run, under the system's temp folder. The folders
/// of test processes that have ended are removed the first time a process asks for one.
pub fn temp_database() -> String {
    use std::sync::atomic::{AtomicUsize, Ordering};
    static COUNTER: AtomicUsize = AtomicUsize::new(0);
    static TIDY: std::sync::Once = std::sync::Once::new();
    TIDY.call_once(remove_databases_of_ended_processes);
    let n = COUNTER.fetch_add(1, Ordering::SeqCst);
    let dir = std::env::temp_dir().join(format!("debate-bot-e2e-{}-{n}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("a temp folder");
    format!("sqlite://{}", dir.join("bot.db").display())
}

/// Removes `debate-bot-e2e-PID-N` folders whose process is gone (no `/proc/PID`).
fn remove_databases_of_ended_processes() {
    let Ok(entries) = std::fs::read_dir(std::env::temp_dir()) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name();
        let Some(pid) = name
            .to_str()
            .and_then(|n| n.strip_prefix("debate-bot-e2e-"))
            .and_then(|rest| rest.split('-').next())
            .and_then(|pid| pid.parse::<u32>().ok())
        else {
            continue;
        };
        if !Path::new(&format!("/proc/{pid}")).exists() {
            let _ = std::fs::remove_dir_all(entry.path());
        }
    }
}

/// Starts the real bot against `api` with its quizzes kept in `database` (a `sqlite://` URL,
/// e.g. from [`temp_database`]; give the same one again to restart on the same data) and the
/// `quiz` settings.
#[allow(dead_code)]
pub fn start_bot_with(
    api: &FakeApi,
    database: &str,
    quiz: debate_bot::quiz::QuizSettings,
) -> RunningBot {
    start_bot_on(&tokio::runtime::Handle::current(), api, database, quiz)
}

/// Like [`start_bot_with`], on `runtime`. Shutting that runtime down after
/// [`RunningBot::stop`] ends whatever the bot spawned (quiz wake-ups), as when the process
/// exits; see [`process_runtime`].
#[allow(dead_code)]
pub fn start_bot_on(
    runtime: &tokio::runtime::Handle,
    api: &FakeApi,
    database: &str,
    quiz: debate_bot::quiz::QuizSettings,
) -> RunningBot {
    start_bot_limited(
        runtime,
        api,
        database,
        quiz,
        generous_limits(),
        Duration::from_secs(8),
    )
}

/// Like [`start_bot_on`], with these `[limits]` instead of [`generous_limits`].
#[allow(dead_code)]
pub fn start_bot_limited(
    runtime: &tokio::runtime::Handle,
    api: &FakeApi,
    database: &str,
    quiz: debate_bot::quiz::QuizSettings,
    limits: debate_bot::limits::LimitSettings,
    shutdown: Duration,
) -> RunningBot {
    init_logging();
    let settings = Settings {
        token: SecretString::from(TOKEN.to_string()),
        api_url: api.url(),
        webhook: None,
        limits,
        shutdown,
        metrics: None,
    };
    let (stop_tx, stop_rx) = oneshot::channel::<()>();
    let stop = async move {
        let _ = stop_rx.await;
    };
    let task = runtime.spawn(run(settings, database.to_string(), quiz, stop));
    RunningBot {
        stop: Some(stop_tx),
        task: Some(task),
    }
}

/// A runtime of its own for one bot "process": start the bot on it with [`start_bot_on`],
/// and after stopping the bot end it with `shutdown_background()` (it may not be dropped
/// inside an async test).
#[allow(dead_code)]
pub fn process_runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("a runtime for the bot")
}

/// Budgets no test of what the bot says runs into; the flood tests set their own.
pub fn generous_limits() -> debate_bot::limits::LimitSettings {
    debate_bot::limits::LimitSettings {
        replies_per_chat_per_minute: 100_000,
        private_replies_per_second: 100_000,
        messages_per_second: 100_000,
        stale_minutes: 10,
    }
}
