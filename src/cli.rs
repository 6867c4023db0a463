//! The `debate-bot` command: `run` (the Telegram bot, the default), `console` (the same bot in
//! the terminal, no token needed), `check` (validate config.toml and responses/, or one
//! imported folder), `import` and `review` (an article of one's own; the reading is
//! `debate-import`'s); and the
//! composition root, where the store and the engines are built once for whichever adapter
//! runs. It lives in the library, not in `src/main.rs`, which only calls [`main`]: code in the
//! binary would compile the async state machines it drives, and every generic they reach
//! (the dispatch, serde's readers of Telegram's answers), a second time.

use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

use clap::{Parser, Subcommand};
use tracing_subscriber::EnvFilter;

use crate::app::App;
use crate::config::{Config, Env, LogFormat, Mode};
use crate::core::Core;
use crate::i18n::Lang;
use crate::responses;
use crate::store::Store;
use crate::telegram;

#[derive(Parser)]
#[command(
    name = "debate-bot",
    version,
    about = "Sourced, verbatim excerpts of one article, on Telegram and in the terminal"
)]
struct Cli {
    /// The configuration file [default: config.toml, if present]
    #[arg(long, global = true, value_name = "PATH")]
    config: Option<PathBuf>,
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// Run the bot on Telegram (needs TELOXIDE_TOKEN)
    Run,
    /// Try the bot in this terminal, as a private chat; no token, no network
    Console {
        /// The language to answer in: zh or en [default: [ui] default_language]
        #[arg(long, value_parser = parse_lang)]
        lang: Option<Lang>,
        /// Try homework as a class would: /assign goes to a pretended group, and its card's
        /// button opens the attempt here
        #[arg(long)]
        homework: bool,
    },
    /// Check config.toml and responses/ (or one imported article's folder), print what was
    /// loaded, list every problem
    Check {
        /// An imported article's folder (responses/<id>), checked on its own
        folder: Option<PathBuf>,
    },
    /// Draft a new article folder, responses/<id>/, from an article's text: excerpts with
    /// their speakers and cues, people, who-said questions, a topic, a debate motion
    Import {
        /// The article as UTF-8 text: the title on the first line, a paragraph a line
        file: PathBuf,
        /// The outlet that published it [default: a "来源:" line of the article]
        #[arg(long)]
        outlet: Option<String>,
        /// When it was published [default: a "发表时间:" line or a date near the top]
        #[arg(long)]
        date: Option<String>,
        /// Its reporter [default: a "记者" or "By" line]
        #[arg(long)]
        reporter: Option<String>,
        /// Its editor [default: an "编辑" line, else none]
        #[arg(long)]
        editor: Option<String>,
        /// Its title [default: the first line]
        #[arg(long)]
        title: Option<String>,
        /// The folder's name under responses/ [default: the date and the title in pinyin]
        #[arg(long)]
        id: Option<String>,
        /// Replace an imported folder of the same name
        #[arg(long)]
        force: bool,
    },
    /// Walk through an imported article's drafts that need a look (one key each), write the
    /// files back, and check the folder
    Review {
        /// The imported article's folder, responses/<id>
        folder: PathBuf,
    },
    /// For container health checks: exit 0 if GET /healthz answers 200 (on the webhook listener,
    /// or the metrics listener when polling with metrics on); polling without metrics: exit 0
    Healthcheck,
}

fn parse_lang(code: &str) -> Result<Lang, String> {
    Lang::ALL
        .into_iter()
        .find(|l| l.code() == code)
        .ok_or_else(|| format!("unknown language {code:?}; use zh or en"))
}

/// Exit codes: 0 fine, 1 bad configuration or data, 2 no token for `run`.
const EXIT_BAD_DATA: u8 = 1;
const EXIT_NO_TOKEN: u8 = 2;

/// Runs the command line's command; what the process exits with.
pub fn main() -> ExitCode {
    let cli = Cli::parse();
    let quiet = matches!(
        cli.command,
        Some(
            Command::Console { .. }
                | Command::Check { .. }
                | Command::Import { .. }
                | Command::Review { .. }
        )
    );
    let config = match Config::load(cli.config.as_deref(), &Env::from_process()) {
        Ok(config) => config,
        Err(e) => {
            eprintln!("error: {e:#}");
            return ExitCode::from(EXIT_BAD_DATA);
        }
    };
    init_logging(if quiet { "warn" } else { "info" }, config.log.format);
    match cli.command {
        Some(Command::Healthcheck) => return healthcheck(&config),
        Some(Command::Import {
            file,
            outlet,
            date,
            reporter,
            editor,
            title,
            id,
            force,
        }) => {
            let given = debate_import::Given {
                title,
                outlet,
                date,
                reporter,
                editor,
                id,
            };
            return import(&file, &given, &config.corpus.dir, force);
        }
        Some(Command::Review { folder }) => return review(&folder),
        Some(Command::Check {
            folder: Some(folder),
        }) => {
            return match debate_import::review::check(&folder, &mut std::io::stdout()) {
                Ok(problems) if problems.is_empty() => ExitCode::SUCCESS,
                _ => ExitCode::from(EXIT_BAD_DATA),
            };
        }
        _ => {}
    }
    let app = match responses::load(&config) {
        Ok(app) => app,
        Err(problems) => {
            eprintln!(
                "error: {} has {} problem(s):",
                config.corpus.dir.display(),
                problems.len()
            );
            for problem in &problems {
                eprintln!("  {problem}");
            }
            return ExitCode::from(EXIT_BAD_DATA);
        }
    };

    // One thread runs all the bot's async work. The bot waits on the network nearly all the
    // time and Telegram takes at most 30 messages a second from it, while one thread answers
    // over 6,000 a second in the load bench; SQLite works on threads of its own (sqlx). Tokio's
    // multi-threaded runtime would add hand-overs between its threads and a malloc arena per
    // thread, each costing CPU and memory on the load bench's mix (docs/performance.md).
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(e) => {
            eprintln!("error: cannot start the async runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    let code = match cli.command.unwrap_or(Command::Run) {
        Command::Check { .. } => {
            responses::report(&config, &app);
            ExitCode::SUCCESS
        }
        Command::Healthcheck | Command::Import { .. } | Command::Review { .. } => {
            unreachable!("answered before loading the corpus")
        }
        Command::Console { lang, homework } => {
            let lang = lang.unwrap_or(config.ui.default_language);
            // The console keeps its quizzes and debates in memory: nothing to clean up,
            // nothing shared.
            match build_core(&runtime, app, "sqlite::memory:", &config) {
                Ok(core) => runtime.block_on(console(core, lang, homework)),
                Err(code) => code,
            }
        }
        Command::Run => {
            let Some(token) = config.telegram.token.clone() else {
                eprintln!(
                    "error: no bot token. Get one from @BotFather in Telegram and set TELOXIDE_TOKEN \
                     (or [telegram] token in config.toml).\nTo try the bot without Telegram: debate-bot console"
                );
                return ExitCode::from(EXIT_NO_TOKEN);
            };
            let core = match build_core(&runtime, app, &config.storage.database, &config) {
                Ok(core) => core,
                Err(code) => return code,
            };
            let webhook = (config.telegram.mode == Mode::Webhook).then(|| telegram::Webhook {
                url: config
                    .telegram
                    .webhook_url
                    .clone()
                    .expect("checked when the config was loaded"),
                listen: config.telegram.webhook_listen,
                secret: config.telegram.webhook_secret.clone(),
            });
            // SIGHUP is listened for within the runtime.
            let reloads = {
                let _in_runtime = runtime.enter();
                responses::reloads(responses::Source::of(&config))
            };
            let settings = telegram::Settings {
                token,
                api_url: config.telegram.api_url,
                webhook,
                limits: config.limits.settings(),
                shutdown: std::time::Duration::from_secs(config.telegram.shutdown_seconds),
                metrics: config.metrics.listen,
                reloads: Some(reloads),
            };
            match runtime.block_on(telegram::run(settings, core, Box::pin(shutdown_signal()))) {
                Ok(()) => ExitCode::SUCCESS,
                Err(e) => {
                    tracing::error!("{e:#}");
                    eprintln!("error: {e:#}");
                    ExitCode::FAILURE
                }
            }
        }
    };
    // Don't wait for a blocking read of stdin that may never return.
    runtime.shutdown_background();
    code
}

/// `debate-bot import`: drafts `responses/<id>/` from the article in `file`, and says what it
/// drafted; a file or folder it refuses gets one line naming it and the problem.
fn import(
    file: &std::path::Path,
    given: &debate_import::Given,
    corpus: &std::path::Path,
    force: bool,
) -> ExitCode {
    let bytes = match std::fs::read(file) {
        Ok(bytes) => bytes,
        Err(e) => {
            eprintln!("error: {}: cannot read: {e}", file.display());
            return ExitCode::from(EXIT_BAD_DATA);
        }
    };
    let taken = debate_import::ids::Taken::of(corpus);
    let draft = match debate_import::read(&bytes, given, &taken) {
        Ok(draft) => draft,
        Err(refusal) => {
            eprintln!("error: {}: {refusal}", file.display());
            return ExitCode::from(EXIT_BAD_DATA);
        }
    };
    let folder = match debate_import::folder::create(corpus, &draft, &bytes, force) {
        Ok(folder) => folder,
        Err(problem) => {
            eprintln!("error: {problem}");
            return ExitCode::from(EXIT_BAD_DATA);
        }
    };
    print!("{}", debate_import::summary(&draft, &folder));
    ExitCode::SUCCESS
}

/// `debate-bot review`: the walk through the drafts, on this terminal.
fn review(folder: &std::path::Path) -> ExitCode {
    let stdin = std::io::stdin();
    match debate_import::review::run(folder, &mut stdin.lock(), &mut std::io::stdout()) {
        Ok(outcome) if outcome.problems.is_empty() && outcome.left == 0 => ExitCode::SUCCESS,
        Ok(_) => ExitCode::from(EXIT_BAD_DATA),
        Err(problem) => {
            eprintln!("error: {problem}");
            ExitCode::from(EXIT_BAD_DATA)
        }
    }
}

/// Asks the running bot's `/healthz`: on the webhook's listener in webhook mode, else on the
/// metrics listener when metrics are on (127.0.0.1 when it listens on every address). Polling
/// without metrics has no listener: healthy while the process runs.
fn healthcheck(config: &Config) -> ExitCode {
    use std::io::{Read, Write};
    let listener = match (config.telegram.mode, config.metrics.listen) {
        (Mode::Webhook, _) => config.telegram.webhook_listen,
        (Mode::Polling, Some(metrics)) => metrics,
        (Mode::Polling, None) => return ExitCode::SUCCESS,
    };
    let mut addr = listener;
    if addr.ip().is_unspecified() {
        addr.set_ip(std::net::Ipv4Addr::LOCALHOST.into());
    }
    let timeout = std::time::Duration::from_secs(3);
    let answer = std::net::TcpStream::connect_timeout(&addr, timeout).and_then(|mut stream| {
        stream.set_read_timeout(Some(timeout))?;
        stream
            .write_all(b"GET /healthz HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")?;
        let mut response = String::new();
        stream.read_to_string(&mut response)?;
        Ok(response)
    });
    match answer {
        Ok(response) if response.starts_with("HTTP/1.1 200") => ExitCode::SUCCESS,
        Ok(response) => {
            eprintln!("unhealthy: {}", response.lines().next().unwrap_or_default());
            ExitCode::FAILURE
        }
        Err(e) => {
            eprintln!("unhealthy: cannot reach {addr}/healthz: {e}");
            ExitCode::FAILURE
        }
    }
}

/// Log lines on stderr at `RUST_LOG`'s level (`default` without it): readable text, coloured
/// only for a person at a terminal (not in `docker logs` or journald), or one JSON object a
/// line with the event's fields at the top level beside `timestamp`, `level`, `target` and
/// `message`.
fn init_logging(default: &str, format: LogFormat) {
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new(default));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    match format {
        LogFormat::Text => builder
            .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
            .init(),
        LogFormat::Json => builder
            .json()
            .flatten_event(true)
            .with_current_span(false)
            .with_span_list(false)
            .init(),
    }
}

/// The composition root: the store (at `database`) and the engines with the config's
/// settings, built once for whichever adapter runs. A store that cannot be opened is said on
/// stderr (and in the log).
fn build_core(
    runtime: &tokio::runtime::Runtime,
    app: App,
    database: &str,
    config: &Config,
) -> Result<Core, ExitCode> {
    let quiz = config.quiz.settings();
    let debate = config.debate.settings(quiz.pictures);
    let homework = config.homework.settings();
    match runtime.block_on(Store::open(database)) {
        Ok(store) => Ok(Core::new(Arc::new(app), store, quiz, debate, homework)),
        Err(e) => {
            // Through anyhow, whose `{:#}` prints the causes too.
            let e = anyhow::Error::from(e);
            tracing::error!("{e:#}");
            eprintln!("error: {e:#}");
            Err(ExitCode::FAILURE)
        }
    }
}

async fn console(core: Core, lang: Lang, homework: bool) -> ExitCode {
    let mut stdin = tokio::io::BufReader::new(tokio::io::stdin());
    let mut stdout = std::io::stdout();
    tokio::select! {
        result = crate::console::run(&core, lang, homework, &mut stdin, &mut stdout) => match result {
            Ok(()) => ExitCode::SUCCESS,
            // A closed stdout (e.g. piped into `head`) is a normal way to stop.
            Err(e) if e.downcast_ref::<std::io::Error>().is_some_and(|e| e.kind() == std::io::ErrorKind::BrokenPipe) => ExitCode::SUCCESS,
            Err(e) => {
                eprintln!("error: {e:#}");
                ExitCode::FAILURE
            }
        },
        _ = tokio::signal::ctrl_c() => ExitCode::SUCCESS,
    }
}

/// Completes on SIGINT (Ctrl-C) or SIGTERM (`docker stop`).
async fn shutdown_signal() {
    let interrupt = async {
        if let Err(e) = tokio::signal::ctrl_c().await {
            tracing::warn!("cannot listen for Ctrl-C: {e}");
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(e) => {
                tracing::warn!("cannot listen for SIGTERM: {e}");
                std::future::pending::<()>().await;
            }
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = interrupt => tracing::info!("SIGINT received"),
        () = terminate => tracing::info!("SIGTERM received"),
    }
}
