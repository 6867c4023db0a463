//! The Telegram adapter: connects to the Bot API (long polling, or a webhook behind a reverse
//! proxy) and hands each update, as it comes, to the handlers (`handlers.rs`), which translate
//! it into the core's [`Input`](crate::core::Input) and carry out the
//! [`Effect`](crate::effect::Effect)s it answers as Bot API calls. teloxide's `Dispatcher` is
//! not used: the loop is [`dispatch`]. Nothing here decides what a user sees; the core does.

mod answers;
pub mod effects;
mod handlers;
mod introduce;
mod lanes;
mod menu;
mod outbox;
mod polling;
mod polls;
mod presses;
mod send;
mod upgrades;
mod users;
mod webhook;

pub use outbox::{Audience, Outbox};
pub use webhook::Webhook;

use std::future::Future;
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::Arc;
use std::time::Duration;

use anyhow::bail;
use futures::StreamExt;
use futures::stream::BoxStream;
use secrecy::{ExposeSecret, SecretString};
use teloxide::prelude::*;
use teloxide::stop::StopToken;
use teloxide::types::Me;
use teloxide::update_listeners::{AsUpdateStream, UpdateListener};
use teloxide::{ApiError, RequestError};
use tokio::task::JoinSet;
use url::Url;

use crate::core::{self, Core};
use crate::limits::LimitSettings;

/// How to reach Telegram, and how to behave towards it.
pub struct Settings {
    pub token: SecretString,
    pub api_url: Url,
    /// Long polling (None, the default) or a webhook.
    pub webhook: Option<Webhook>,
    pub limits: LimitSettings,
    /// On stop: how long replies still queued keep being delivered (`[telegram]
    /// shutdown_seconds`); what is left then is not sent, and counted in the log.
    pub shutdown: Duration,
    /// Where to serve Prometheus metrics (`[metrics] listen`); off when `None`.
    pub metrics: Option<SocketAddr>,
    /// Apps to answer with from then on, each already loaded and checked (`cli.rs` loads
    /// `responses/` again on SIGHUP); none when `None`.
    pub reloads: Option<Reloads>,
}

/// Apps to answer with, as they come: see [`Settings::reloads`].
pub type Reloads = Pin<Box<dyn futures::Stream<Item = crate::app::App> + Send>>;

/// How long getUpdates waits for news before answering empty.
const POLL_TIMEOUT: Duration = Duration::from_secs(10);

/// What stops the bot: a signal in `cli.rs`, a channel in tests.
pub type Stop = Pin<Box<dyn Future<Output = ()> + Send>>;

/// Runs the bot over `core` (built in `cli.rs`) until `stop` completes, then stops taking
/// updates, lets the replies in flight finish, and returns. The future is boxed here, so that
/// the adapter's async code is compiled once, in this crate, and not again into the binary
/// that runs it.
pub fn run(settings: Settings, core: Core, stop: Stop) -> Running {
    Box::pin(run_now(settings, core, stop))
}

/// What [`run`] answers: a boxed future of the whole run.
pub type Running = Pin<Box<dyn Future<Output = anyhow::Result<()>> + Send>>;

async fn run_now(settings: Settings, core: Core, stop: Stop) -> anyhow::Result<()> {
    let metrics_server = match settings.metrics {
        Some(listen) => {
            let app = core.app();
            let topics = app.corpus().topics.iter().map(|t| t.command.as_str());
            let handle = crate::metrics::install(topics)?;
            Some(crate::metrics::serve(listen, handle, core.store().clone()).await?)
        }
        None => None,
    };
    // Stops serving metrics however `run` returns.
    let _metrics_server = AbortOnDrop(metrics_server);
    let outbox = Arc::new(Outbox::new(settings.limits));
    let bot = Bot::new(settings.token.expose_secret()).set_api_url(settings.api_url);
    let mut stop = stop;

    let me = tokio::select! {
        me = get_me(&bot) => me?,
        () = &mut stop => return Ok(()),
    };
    tracing::info!(username = me.username(), "connected to Telegram");
    let interpreter = effects::Interpreter {
        bot: bot.clone(),
        outbox: Arc::clone(&outbox),
        core,
        lanes: lanes::Lanes::default(),
        upgrades: upgrades::Upgrades::default(),
        polls_stored: Arc::default(),
        answers_in_order: Arc::default(),
    };
    // The command menu is set before the first update is taken; quizzes and debates that
    // were running when the bot stopped carry on meanwhile.
    let now = crate::clock::now_ms();
    let started = interpreter
        .core
        .handle(core::Input::Started { now }, &core::Unlimited);
    let (menu, resumed) = started
        .await
        .effects
        .into_iter()
        .partition(|e| matches!(e, crate::effect::Effect::Menu { .. }));
    interpreter.carry_out(menu).await;
    drop(tokio::spawn(interpreter.carry_out(resumed)));
    // A reloaded app answers from the next update on, with its command menus set again (its
    // topics may differ); what runs carries on from the store.
    let _reloading = AbortOnDrop(settings.reloads.map(|mut reloads| {
        let interpreter = interpreter.clone();
        tokio::spawn(async move {
            while let Some(app) = reloads.next().await {
                let menus = interpreter.core.reload(app);
                tracing::info!("responses reloaded");
                interpreter.carry_out(menus).await;
            }
        })
    }));

    let handlers = handlers::Handlers {
        me: Arc::new(me),
        interpreter: interpreter.clone(),
    };
    let drain = settings.shutdown;
    match settings.webhook {
        None => {
            delete_webhook_if_set(&bot).await;
            let mut listener = polling::LongPoll::new(bot, POLL_TIMEOUT).listener();
            let token = listener.stop_token();
            let updates = listener.as_stream().boxed();
            dispatch(updates, token, stop, &handlers, drain).await;
        }
        Some(webhook) => {
            let (mut listener, server) = webhook::listen(bot, webhook).await?;
            let token = listener.stop_token();
            let updates = listener.as_stream();
            let updates = updates.map(|update| update.map_err(|never| match never {}));
            dispatch(updates.boxed(), token, stop, &handlers, drain).await;
            let _ = server.await;
        }
    }
    // The handlers have returned; their replies may still wait in the chats' lanes. They get
    // `shutdown_seconds`; then whatever still waits gives up, so that the process exits before
    // Docker kills it (10 s after SIGTERM).
    if tokio::time::timeout(drain, interpreter.lanes.idle())
        .await
        .is_err()
    {
        outbox.give_up();
        let _ = tokio::time::timeout(Duration::from_millis(500), interpreter.lanes.idle()).await;
    }
    tracing::info!(
        not_sent = outbox.given_up() + interpreter.lanes.pending(),
        "stopped"
    );
    Ok(())
}

/// Hands each update to the handlers as it comes, until `stop` completes; then stops the
/// listener (`token`: polling confirms the updates handed out, the webhook stops taking
/// them), takes what it still hands over, and waits for the poll answers being stored.
async fn dispatch(
    mut updates: BoxStream<'_, Result<Update, RequestError>>,
    token: StopToken,
    mut stop: Stop,
    handlers: &handlers::Handlers,
    drain: Duration,
) {
    let mut answers = JoinSet::new();
    let mut stopping = false;
    loop {
        tokio::select! {
            update = updates.next() => match update {
                Some(Ok(update)) => {
                    lanes::caught("dispatch", || handlers.dispatch(update, &mut answers));
                }
                Some(Err(e)) => tracing::error!(error = %quiet(&e), "getUpdates failed"),
                None => break,
            },
            () = &mut stop, if !stopping => {
                stopping = true;
                tracing::info!(
                    within_s = drain.as_secs(),
                    "stopping: no new updates; delivering the replies queued"
                );
                token.stop();
            }
        }
        // Answers stored: their tasks' ends need not be kept.
        while answers.try_join_next().is_some() {}
    }
    while answers.join_next().await.is_some() {}
}

/// Aborts the task it holds when dropped.
struct AbortOnDrop(Option<tokio::task::JoinHandle<()>>);

impl Drop for AbortOnDrop {
    fn drop(&mut self) {
        if let Some(task) = &self.0 {
            task.abort();
        }
    }
}

/// A request error as it may be logged: never what Telegram sent back when it could not be
/// read (an update's raw JSON holds a user's words), only where reading it failed.
fn quiet(error: &RequestError) -> String {
    match error {
        RequestError::InvalidJson { source, .. } => format!(
            "Telegram's answer could not be read ({:?} error at line {}, column {})",
            source.classify(),
            source.line(),
            source.column()
        ),
        other => other.to_string(),
    }
}

/// Long polling and a webhook exclude each other: a webhook left set (by an earlier webhook
/// run) is deleted first, as teloxide's `Polling::delete_webhook` does.
async fn delete_webhook_if_set(bot: &Bot) {
    match bot.get_webhook_info().await {
        Ok(info) if info.url.is_some() => {
            if let Err(e) = bot.delete_webhook().await {
                tracing::error!(error = %quiet(&e), "could not delete the webhook");
            }
        }
        Ok(_) => {}
        Err(e) => tracing::error!(error = %quiet(&e), "could not ask for the webhook"),
    }
}

/// Asks Telegram who the bot is, retrying with backoff while the network or Telegram is down.
/// A rejected token is final.
async fn get_me(bot: &Bot) -> anyhow::Result<Me> {
    let mut delay = Duration::from_millis(500);
    loop {
        match bot.get_me().await {
            Ok(me) => return Ok(me),
            Err(RequestError::Api(ApiError::InvalidToken)) => {
                bail!(
                    "Telegram rejected the bot token; check TELOXIDE_TOKEN (get a token from @BotFather)"
                )
            }
            Err(e) => {
                tracing::warn!(error = %e, retry_in_ms = delay.as_millis() as u64, "cannot reach Telegram");
                tokio::time::sleep(delay).await;
                delay = (delay * 2).min(Duration::from_secs(30));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_answer_that_cannot_be_read_is_logged_without_its_words() {
        let raw = r#"{"ok":true,"result":[{"update_id":1,"message":{"text":"我的秘密 my secret"#;
        let source = serde_json::from_str::<serde_json::Value>(raw).unwrap_err();
        let error = RequestError::InvalidJson {
            source: std::sync::Arc::new(source),
            raw: raw.into(),
        };
        let logged = quiet(&error);
        assert!(
            !logged.contains("秘密") && !logged.contains("secret"),
            "{logged}"
        );
        assert!(logged.contains("line 1"), "{logged}");
        // teloxide's own text carries the raw answer: that is what this keeps out of the log.
        assert!(format!("{error:?}").contains("secret"));
    }
}
