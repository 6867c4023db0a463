//! config.toml and the environment: where the corpus is, which language to default to, how to
//! reach Telegram. Every key is documented in the shipped config.toml.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use anyhow::{Context, bail};
use secrecy::SecretString;
use serde::Deserialize;
use url::Url;

use crate::i18n::Lang;
use crate::limits::LimitSettings;
use crate::settings::{DebateSettings, HomeworkSettings, MAX_DEBATE_MINUTES, QuizSettings, Zone};

/// The file read when `--config` is not given, if it exists.
pub const DEFAULT_PATH: &str = "config.toml";

#[derive(Debug, Deserialize, Default)]
#[serde(deny_unknown_fields, default)]
pub struct Config {
    pub telegram: TelegramConfig,
    pub corpus: CorpusConfig,
    pub ui: UiConfig,
    pub quiz: QuizConfig,
    pub debate: DebateConfig,
    pub homework: HomeworkConfig,
    pub storage: StorageConfig,
    pub limits: LimitsConfig,
    pub metrics: MetricsConfig,
    pub log: LogConfig,
}

#[derive(Debug, Deserialize, Default, Clone, Copy)]
#[serde(deny_unknown_fields, default)]
pub struct MetricsConfig {
    /// Where to serve Prometheus metrics on `GET /metrics`; off when unset.
    pub listen: Option<SocketAddr>,
}

#[derive(Debug, Deserialize, Default, Clone, Copy)]
#[serde(deny_unknown_fields, default)]
pub struct LogConfig {
    pub format: LogFormat,
}

/// How log lines are written to stderr.
#[derive(Debug, Deserialize, Clone, Copy, PartialEq, Eq, Default)]
#[serde(rename_all = "lowercase")]
pub enum LogFormat {
    /// One readable line per event.
    #[default]
    Text,
    /// One JSON object per line, for log collectors.
    Json,
}

#[derive(Debug, Deserialize, Clone, Copy)]
#[serde(deny_unknown_fields, default)]
pub struct LimitsConfig {
    /// Replies a minute to one group; commands beyond it are dropped (one notice a minute).
    pub replies_per_chat_per_minute: u32,
    /// Messages a second to all chats together.
    pub messages_per_second: u32,
    /// Minutes after which a `/quiz` or `/debate` that waited (the bot was down) starts nothing.
    pub stale_minutes: u32,
}

impl Default for LimitsConfig {
    fn default() -> Self {
        let d = LimitSettings::default();
        LimitsConfig {
            replies_per_chat_per_minute: d.replies_per_chat_per_minute,
            messages_per_second: d.messages_per_second,
            stale_minutes: d.stale_minutes,
        }
    }
}

impl LimitsConfig {
    pub fn settings(self) -> LimitSettings {
        LimitSettings {
            replies_per_chat_per_minute: self.replies_per_chat_per_minute,
            messages_per_second: self.messages_per_second,
            stale_minutes: self.stale_minutes,
            ..LimitSettings::default()
        }
    }
}

/// How updates arrive.
#[derive(Debug, Deserialize, Clone, Copy, PartialEq, Eq, Default)]
#[serde(rename_all = "lowercase")]
pub enum Mode {
    /// Long polling with getUpdates: no public address needed.
    #[default]
    Polling,
    /// Telegram posts updates to `webhook_url`.
    Webhook,
}

#[derive(Debug, Deserialize, Clone, Copy)]
#[serde(deny_unknown_fields, default)]
pub struct QuizConfig {
    /// Questions in a quiz when /quiz names no number.
    pub questions: usize,
    /// How long each poll stays open (Telegram allows 5-600 seconds).
    pub question_seconds: u32,
    /// The most questions /quiz N may ask for.
    pub max_questions: usize,
    /// Whether results come with a picture.
    pub pictures: bool,
}

impl Default for QuizConfig {
    fn default() -> Self {
        let d = QuizSettings::default();
        QuizConfig {
            questions: d.questions,
            question_seconds: d.question_seconds,
            max_questions: d.max_questions,
            pictures: d.pictures,
        }
    }
}

impl QuizConfig {
    pub fn settings(self) -> QuizSettings {
        QuizSettings {
            questions: self.questions,
            question_seconds: self.question_seconds,
            max_questions: self.max_questions,
            pictures: self.pictures,
        }
    }
}

#[derive(Debug, Deserialize, Clone, Copy)]
#[serde(deny_unknown_fields, default)]
pub struct DebateConfig {
    /// How long a debate's vote stays open unless closed with /debate close.
    pub minutes: u32,
}

impl Default for DebateConfig {
    fn default() -> Self {
        DebateConfig {
            minutes: DebateSettings::default().minutes,
        }
    }
}

impl DebateConfig {
    /// The debate settings; `pictures`: the config's `[quiz] pictures`, which covers every
    /// result the bot posts.
    pub fn settings(self, pictures: bool) -> DebateSettings {
        DebateSettings {
            minutes: self.minutes,
            pictures,
        }
    }
}

#[derive(Debug, Deserialize, Clone)]
#[serde(deny_unknown_fields, default)]
pub struct HomeworkConfig {
    /// The IANA time zone homework's deadlines are read and shown in.
    pub timezone: String,
    /// How long homework stays open when /assign names no deadline.
    pub default_hours: u32,
}

impl Default for HomeworkConfig {
    fn default() -> Self {
        HomeworkConfig {
            timezone: "Asia/Shanghai".to_string(),
            default_hours: 48,
        }
    }
}

impl HomeworkConfig {
    pub fn settings(&self) -> HomeworkSettings {
        HomeworkSettings {
            default_hours: self.default_hours,
        }
    }

    /// The bot's time zone, or why it is none (checked when the config is loaded).
    pub fn zone(&self) -> Result<Zone, String> {
        Zone::new(&self.timezone).map_err(|e| format!("homework.timezone: {e}"))
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct StorageConfig {
    /// The SQLite database, created on first start: `sqlite://PATH`.
    pub database: String,
}

impl Default for StorageConfig {
    fn default() -> Self {
        StorageConfig {
            database: "sqlite://debate-bot.db".to_string(),
        }
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct TelegramConfig {
    /// The bot token from @BotFather. Prefer the TELOXIDE_TOKEN environment variable.
    pub token: Option<SecretString>,
    /// The Bot API server; TELOXIDE_API_URL overrides it (for a self-hosted server or tests).
    pub api_url: Url,
    pub mode: Mode,
    /// Webhook mode: the public HTTPS address Telegram posts updates to.
    pub webhook_url: Option<Url>,
    /// Webhook mode: where to listen, behind the reverse proxy.
    pub webhook_listen: SocketAddr,
    /// Webhook mode: the secret Telegram sends with every update (1-256 of A-Z a-z 0-9 _ -);
    /// made up at each start when unset. Never logged.
    pub webhook_secret: Option<SecretString>,
    /// On SIGTERM/SIGINT: how long replies still queued keep being delivered before the bot
    /// exits anyway (Docker kills a container 10 s after SIGTERM).
    pub shutdown_seconds: u64,
}

impl Default for TelegramConfig {
    fn default() -> Self {
        TelegramConfig {
            token: None,
            api_url: Url::parse("https://api.telegram.org").expect("a valid URL"),
            mode: Mode::Polling,
            webhook_url: None,
            webhook_listen: SocketAddr::from(([0, 0, 0, 0], 8080)),
            webhook_secret: None,
            shutdown_seconds: 8,
        }
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct CorpusConfig {
    /// The folder with the articles, people.toml, topics.toml and the ui files.
    pub dir: PathBuf,
}

impl Default for CorpusConfig {
    fn default() -> Self {
        CorpusConfig {
            dir: PathBuf::from("responses"),
        }
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct UiConfig {
    /// The language for users whose Telegram language the bot does not speak.
    pub default_language: Lang,
}

impl Default for UiConfig {
    fn default() -> Self {
        UiConfig {
            default_language: Lang::Zh,
        }
    }
}

/// The environment variables that override the file.
#[derive(Debug, Default, Clone)]
pub struct Env {
    pub token: Option<String>,
    pub api_url: Option<String>,
    /// DEBATE_BOT_DATABASE: the database URL, e.g. for a container's volume.
    pub database: Option<String>,
    /// DEBATE_BOT_METRICS_LISTEN: where to serve metrics (`off` turns them off).
    pub metrics_listen: Option<String>,
    /// DEBATE_BOT_LOG_FORMAT: `text` or `json`.
    pub log_format: Option<String>,
}

impl Env {
    pub fn from_process() -> Self {
        let var = |name| {
            std::env::var(name)
                .ok()
                .filter(|v: &String| !v.trim().is_empty())
        };
        Env {
            token: var("TELOXIDE_TOKEN"),
            api_url: var("TELOXIDE_API_URL"),
            database: var("DEBATE_BOT_DATABASE"),
            metrics_listen: var("DEBATE_BOT_METRICS_LISTEN"),
            log_format: var("DEBATE_BOT_LOG_FORMAT"),
        }
    }
}

impl Config {
    /// Reads `path` (or config.toml in the current folder when it exists, or the defaults),
    /// applies `env`, and resolves relative paths against the config file's folder.
    pub fn load(path: Option<&Path>, env: &Env) -> anyhow::Result<Config> {
        let (mut config, base) = match path {
            Some(path) => (read(path)?, parent(path)),
            None if Path::new(DEFAULT_PATH).exists() => {
                (read(Path::new(DEFAULT_PATH))?, PathBuf::new())
            }
            None => (Config::default(), PathBuf::new()),
        };
        if config.corpus.dir.is_relative() {
            config.corpus.dir = base.join(&config.corpus.dir);
        }
        if let Some(env_database) = &env.database {
            config.storage.database = env_database.clone();
        } else if let Some(path) = config.storage.database.strip_prefix("sqlite://") {
            let path = Path::new(path);
            if path.is_relative() && !path.as_os_str().is_empty() && !path.starts_with(":memory:") {
                config.storage.database = format!("sqlite://{}", base.join(path).display());
            }
        }
        if !config.storage.database.starts_with("sqlite:") {
            bail!(
                "storage.database must be a SQLite URL like sqlite://debate-bot.db, not {}",
                config.storage.database
            );
        }
        if config.telegram.mode == Mode::Webhook && config.telegram.webhook_url.is_none() {
            bail!(
                "telegram.mode = \"webhook\" needs telegram.webhook_url, the public HTTPS address Telegram posts to"
            );
        }
        if let Some(secret) = &config.telegram.webhook_secret {
            use secrecy::ExposeSecret;
            let s = secret.expose_secret();
            if !(1..=256).contains(&s.len())
                || !s
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
            {
                bail!("telegram.webhook_secret must be 1-256 characters of A-Z, a-z, 0-9, _ and -");
            }
        }
        if config.limits.replies_per_chat_per_minute == 0 || config.limits.messages_per_second == 0
        {
            bail!(
                "limits.replies_per_chat_per_minute and limits.messages_per_second must be at least 1"
            );
        }
        let quiz = &config.quiz;
        if !(5..=600).contains(&quiz.question_seconds) {
            bail!(
                "quiz.question_seconds must be 5-600 (Telegram's limits for a poll), not {}",
                quiz.question_seconds
            );
        }
        if quiz.max_questions == 0 || quiz.questions == 0 || quiz.questions > quiz.max_questions {
            bail!(
                "quiz.questions ({}) must be at least 1 and at most quiz.max_questions ({})",
                quiz.questions,
                quiz.max_questions
            );
        }
        if !(1..=MAX_DEBATE_MINUTES).contains(&config.debate.minutes) {
            bail!(
                "debate.minutes must be 1-{MAX_DEBATE_MINUTES} (a week), not {}",
                config.debate.minutes
            );
        }
        if let Err(e) = config.homework.zone() {
            bail!("{e}");
        }
        let hours = config.homework.default_hours;
        if !(1..=14 * 24).contains(&hours) || hours * 60 < 10 {
            bail!("homework.default_hours must be 1-336 (14 days), not {hours}");
        }
        if let Some(token) = &env.token {
            config.telegram.token = Some(SecretString::from(token.trim().to_string()));
        }
        if let Some(url) = &env.api_url {
            config.telegram.api_url = Url::parse(url)
                .with_context(|| format!("TELOXIDE_API_URL is not a valid URL: {url}"))?;
        }
        if let Some(listen) = &env.metrics_listen {
            config.metrics.listen = match listen.trim() {
                "off" => None,
                listen => Some(listen.parse().with_context(|| {
                    format!("DEBATE_BOT_METRICS_LISTEN is not an address like 127.0.0.1:9100 (or off): {listen}")
                })?),
            };
        }
        if let Some(format) = &env.log_format {
            config.log.format = match format.trim() {
                "text" => LogFormat::Text,
                "json" => LogFormat::Json,
                other => bail!("DEBATE_BOT_LOG_FORMAT must be text or json, not {other}"),
            };
        }
        if let Some(metrics) = config.metrics.listen {
            let webhook = config.telegram.webhook_listen;
            let same_ip = metrics.ip() == webhook.ip()
                || metrics.ip().is_unspecified()
                || webhook.ip().is_unspecified();
            if config.telegram.mode == Mode::Webhook && same_ip && metrics.port() == webhook.port()
            {
                bail!(
                    "metrics.listen ({metrics}) and telegram.webhook_listen ({webhook}) cannot share a port: \
                     the webhook faces the reverse proxy, the metrics should not"
                );
            }
        }
        if !matches!(config.telegram.api_url.scheme(), "http" | "https") {
            bail!(
                "telegram.api_url must be an http or https URL, not {}",
                config.telegram.api_url
            );
        }
        Ok(config)
    }
}

fn parent(path: &Path) -> PathBuf {
    path.parent().map(Path::to_path_buf).unwrap_or_default()
}

fn read(path: &Path) -> anyhow::Result<Config> {
    let text =
        std::fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))?;
    toml::from_str(&text)
        .with_context(|| format!("{} is not a valid configuration", path.display()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use secrecy::ExposeSecret;

    fn write(name: &str, text: &str) -> PathBuf {
        let dir =
            std::env::temp_dir().join(format!("debate-bot-config-{}-{name}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("config.toml");
        std::fs::write(&path, text).unwrap();
        path
    }

    #[test]
    fn shipped_config_loads_with_its_documented_defaults() {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("config.toml");
        let config = Config::load(Some(&path), &Env::default()).unwrap();
        assert_eq!(config.ui.default_language, Lang::Zh);
        assert_eq!(
            config.telegram.api_url.as_str(),
            "https://api.telegram.org/"
        );
        assert!(config.telegram.token.is_none());
        assert_eq!(config.quiz.settings(), QuizSettings::default());
        assert_eq!(config.debate.settings(true), DebateSettings::default());
        let db = Path::new(env!("CARGO_MANIFEST_DIR")).join("debate-bot.db");
        assert_eq!(
            config.storage.database,
            format!("sqlite://{}", db.display())
        );
        assert_eq!(
            config.corpus.dir,
            Path::new(env!("CARGO_MANIFEST_DIR")).join("responses")
        );
        assert_eq!(config.metrics.listen, None, "metrics are off by default");
        assert_eq!(config.log.format, LogFormat::Text);
    }

    #[test]
    fn metrics_and_log_format_come_from_the_file_or_the_environment() {
        let path = write(
            "metrics",
            "[metrics]\nlisten = \"127.0.0.1:9100\"\n[log]\nformat = \"json\"\n",
        );
        let config = Config::load(Some(&path), &Env::default()).unwrap();
        assert_eq!(
            config.metrics.listen,
            Some("127.0.0.1:9100".parse().unwrap())
        );
        assert_eq!(config.log.format, LogFormat::Json);
        let env = Env {
            metrics_listen: Some("0.0.0.0:9200".into()),
            log_format: Some("text".into()),
            ..Env::default()
        };
        let config = Config::load(Some(&path), &env).unwrap();
        assert_eq!(config.metrics.listen, Some("0.0.0.0:9200".parse().unwrap()));
        assert_eq!(config.log.format, LogFormat::Text);
        let off = Env {
            metrics_listen: Some("off".into()),
            ..Env::default()
        };
        assert_eq!(
            Config::load(Some(&path), &off).unwrap().metrics.listen,
            None
        );
        for bad in [
            Env {
                metrics_listen: Some("9100".into()),
                ..Env::default()
            },
            Env {
                log_format: Some("xml".into()),
                ..Env::default()
            },
        ] {
            assert!(Config::load(Some(&path), &bad).is_err(), "{bad:?}");
        }
        for bad in [
            "[log]\nformat = \"yaml\"\n",
            "[metrics]\nlisten = \"localhost\"\n",
            "[metrics]\nlisten = \"0.0.0.0:8080\"\n[telegram]\nmode = \"webhook\"\nwebhook_url = \"https://x.org\"\n",
        ] {
            assert!(
                Config::load(Some(&write("metrics-bad", bad)), &Env::default()).is_err(),
                "{bad}"
            );
        }
    }

    #[test]
    fn relative_paths_resolve_against_the_config_folder() {
        let path = write(
            "relative",
            "[corpus]\ndir = \"data\"\n[storage]\ndatabase = \"sqlite://q.db\"\n",
        );
        let config = Config::load(Some(&path), &Env::default()).unwrap();
        assert_eq!(config.corpus.dir, path.parent().unwrap().join("data"));
        let db = format!("sqlite://{}", path.parent().unwrap().join("q.db").display());
        assert_eq!(config.storage.database, db);
    }

    #[test]
    fn webhook_settings_are_checked() {
        let ok = "[telegram]\nmode = \"webhook\"\nwebhook_url = \"https://bot.example.org/tg\"\nwebhook_listen = \"127.0.0.1:8443\"\nwebhook_secret = \"abc_DEF-123\"\n";
        let config = Config::load(Some(&write("webhook", ok)), &Env::default()).unwrap();
        assert_eq!(config.telegram.mode, Mode::Webhook);
        assert_eq!(config.telegram.webhook_listen.port(), 8443);
        assert!(
            !format!("{config:?}").contains("abc_DEF-123"),
            "the secret is never shown"
        );
        for bad in [
            "[telegram]\nmode = \"webhook\"\n",
            "[telegram]\nmode = \"carrier-pigeon\"\n",
            "[telegram]\nmode = \"webhook\"\nwebhook_url = \"https://x.org\"\nwebhook_secret = \"no spaces\"\n",
            "[telegram]\nwebhook_listen = \"not an address\"\n",
            "[limits]\nreplies_per_chat_per_minute = 0\n",
        ] {
            assert!(
                Config::load(Some(&write("webhook-bad", bad)), &Env::default()).is_err(),
                "{bad}"
            );
        }
    }

    #[test]
    fn quiz_settings_are_checked() {
        for bad in [
            "[quiz]\nquestion_seconds = 2\n",
            "[quiz]\nquestion_seconds = 601\n",
            "[quiz]\nquestions = 30\nmax_questions = 20\n",
            "[quiz]\nquestions = 0\n",
            "[debate]\nminutes = 0\n",
            "[debate]\nminutes = 10081\n",
            "[debate]\nseconds = 5\n",
            "[storage]\ndatabase = \"postgres://x\"\n",
            "[homework]\ntimezone = \"Mars/Olympus_Mons\"\n",
            "[homework]\ntimezone = \"\"\n",
            "[homework]\ndefault_hours = 0\n",
            "[homework]\ndefault_hours = 337\n",
        ] {
            assert!(
                Config::load(Some(&write("quiz", bad)), &Env::default()).is_err(),
                "{bad}"
            );
        }
        let zone = "[homework]\ntimezone = \"Europe/Berlin\"\n";
        let config = Config::load(Some(&write("zone", zone)), &Env::default()).unwrap();
        assert_eq!(config.homework.zone().unwrap().name, "Europe/Berlin");
    }

    #[test]
    fn environment_overrides_the_file() {
        let path = write(
            "env",
            "[telegram]\ntoken = \"from-file\"\napi_url = \"https://example.org\"\n",
        );
        let env = Env {
            token: Some("123:from-env".into()),
            api_url: Some("http://127.0.0.1:9".into()),
            database: Some("sqlite:///data/bot.db".into()),
            ..Env::default()
        };
        let config = Config::load(Some(&path), &env).unwrap();
        assert_eq!(
            config.telegram.token.unwrap().expose_secret(),
            "123:from-env"
        );
        assert_eq!(config.telegram.api_url.as_str(), "http://127.0.0.1:9/");
        assert_eq!(config.storage.database, "sqlite:///data/bot.db");
    }

    #[test]
    fn the_token_never_shows_in_debug_output() {
        let env = Env {
            token: Some("123456:SECRET-TOKEN".into()),
            ..Env::default()
        };
        let config = Config::load(Some(&write("debug", "")), &env).unwrap();
        assert!(!format!("{config:?}").contains("SECRET-TOKEN"));
    }

    #[test]
    fn unknown_keys_and_bad_values_are_refused_with_the_key_named() {
        let err = Config::load(
            Some(&write("typo", "[ui]\ndefault_languag = \"en\"\n")),
            &Env::default(),
        )
        .unwrap_err();
        assert!(format!("{err:#}").contains("default_languag"), "{err:#}");
        let err = Config::load(
            Some(&write("lang", "[ui]\ndefault_language = \"fr\"\n")),
            &Env::default(),
        )
        .unwrap_err();
        assert!(format!("{err:#}").contains("fr"), "{err:#}");
        let bad_url = Env {
            api_url: Some("not a url".into()),
            ..Env::default()
        };
        assert!(Config::load(Some(&write("url", "")), &bad_url).is_err());
    }

    #[test]
    fn a_missing_explicit_config_is_an_error() {
        let err =
            Config::load(Some(Path::new("/nonexistent/config.toml")), &Env::default()).unwrap_err();
        assert!(format!("{err:#}").contains("/nonexistent/config.toml"));
    }
}
