//! Webhook mode: Telegram posts updates to `[telegram] webhook_url`, a reverse proxy forwards
//! them to `webhook_listen`. At start the bot registers the webhook (setWebhook with a secret
//! token and [`ALLOWED_UPDATES`], the kinds of update the handlers take, the same list
//! long polling asks for) and serves it; in front of it sits our check of the
//! `X-Telegram-Bot-Api-Secret-Token` header, in constant time, so a request without the right
//! secret gets 401 and is never processed. `GET /healthz` on the same listener answers 200
//! while the bot is up.
//!
//! The listener is our own rather than teloxide's axum one, which logs the whole body of an
//! update it cannot parse (a user's message text with it). Here an update that cannot be read is
//! logged by its id, its kind and where parsing failed, never by its content, and skipped.

use std::convert::Infallible;
use std::net::SocketAddr;
use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{Request, State};
use axum::http::StatusCode;
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use futures::FutureExt;
use futures::channel::mpsc;
use rand::Rng;
use rand::distr::Alphanumeric;
use secrecy::{ExposeSecret, SecretString};
use subtle::ConstantTimeEq;
use teloxide::prelude::*;
use teloxide::stop::{StopFlag, StopToken, mk_stop_token};
use teloxide::types::UpdateKind;
use teloxide::update_listeners::{StatefulListener, UpdateListener};
use tokio::task::JoinHandle;
use url::Url;

use super::handlers::ALLOWED_UPDATES;

/// `[telegram] mode = "webhook"` settings.
pub struct Webhook {
    /// The public HTTPS address Telegram posts to.
    pub url: Url,
    /// Where this process listens (behind the reverse proxy).
    pub listen: SocketAddr,
    /// The secret Telegram sends back in every update's header; made up at start when unset.
    pub secret: Option<SecretString>,
}

/// The header Telegram puts the secret in.
const SECRET_HEADER: &str = "x-telegram-bot-api-secret-token";

/// A secret token of 48 characters from Telegram's alphabet (A-Z, a-z, 0-9; `_` and `-` are
/// allowed too but not needed).
fn make_secret() -> String {
    rand::rng()
        .sample_iter(Alphanumeric)
        .take(48)
        .map(char::from)
        .collect()
}

/// Registers the webhook and serves it with `/healthz`; returns the update listener and the
/// server task (which ends once the listener is stopped, after deleteWebhook).
pub async fn listen(
    bot: Bot,
    webhook: Webhook,
) -> anyhow::Result<(impl UpdateListener<Err = Infallible>, JoinHandle<()>)> {
    let secret = match &webhook.secret {
        Some(secret) => secret.expose_secret().to_string(),
        None => make_secret(),
    };
    bot.set_webhook(webhook.url.clone())
        .secret_token(secret.clone())
        .allowed_updates(ALLOWED_UPDATES)
        .drop_pending_updates(false)
        .await?;

    let (updates, received) = mpsc::unbounded();
    let (stop_token, stop_flag) = mk_stop_token();
    let path = match webhook.url.path() {
        "" => "/",
        path => path,
    };
    let router = axum::Router::new()
        .route(path, post(take_update))
        .with_state(Arc::new(Inbox {
            updates,
            stopped: stop_flag.clone(),
        }))
        .layer(middleware::from_fn_with_state(
            Arc::new(secret),
            check_secret,
        ))
        .route("/healthz", get(|| async { "ok" }));
    let tcp = tokio::net::TcpListener::bind(webhook.listen)
        .await
        .map_err(|e| anyhow::anyhow!("cannot listen on {} for the webhook: {e}", webhook.listen))?;
    tracing::info!(listen = %webhook.listen, url_host = webhook.url.host_str().unwrap_or_default(), "webhook set");
    // Once the listener is stopped: no more updates, the webhook removed, the server shut down.
    let stopped = stop_flag.then(move |()| async move {
        if let Err(e) = bot.delete_webhook().await {
            tracing::error!(error = %e, "deleteWebhook failed");
        }
    });
    let server = tokio::spawn(async move {
        if let Err(e) = axum::serve(tcp, router)
            .with_graceful_shutdown(stopped)
            .await
        {
            tracing::error!(error = %e, "the webhook server stopped");
        }
    });
    let listener = StatefulListener::new(
        (received, stop_token),
        the_stream,
        |state: &mut Listening| state.1.clone(),
    );
    Ok((listener, server))
}

type Listening = (
    mpsc::UnboundedReceiver<Result<Update, Infallible>>,
    StopToken,
);

/// The listener's stream of updates (a function, not a closure, for the lifetime it returns).
fn the_stream(state: &mut Listening) -> &mut mpsc::UnboundedReceiver<Result<Update, Infallible>> {
    &mut state.0
}

/// Where the webhook's handler puts the updates it read.
struct Inbox {
    updates: mpsc::UnboundedSender<Result<Update, Infallible>>,
    stopped: StopFlag,
}

/// One update posted by Telegram (its secret already checked): read and handed to the
/// dispatch. One that cannot be read is logged without its content and skipped; Telegram still
/// gets 200, or it would post it again and again.
async fn take_update(State(inbox): State<Arc<Inbox>>, body: Bytes) -> StatusCode {
    if inbox.stopped.is_stopped() {
        // Stopping: Telegram keeps the update and posts it again to the next process.
        return StatusCode::SERVICE_UNAVAILABLE;
    }
    match read_update(&body) {
        Ok(update) => {
            if inbox.updates.unbounded_send(Ok(update)).is_err() {
                return StatusCode::SERVICE_UNAVAILABLE;
            }
        }
        Err(unread) => tracing::warn!(
            update_id = ?unread.update_id,
            kind = unread.kind.as_deref().unwrap_or("unknown"),
            problem = %unread.problem,
            "an update could not be read and was skipped (its content is not logged)"
        ),
    }
    StatusCode::OK
}

/// An update the bot could not read, described without a word of its content.
#[derive(Debug, PartialEq, Eq)]
struct Unread {
    update_id: Option<u64>,
    /// The update's kind (its field besides `update_id`: "message", "callback_query", ...), a
    /// name from the Bot API's schema.
    kind: Option<String>,
    /// What went wrong and where: never the text of a value (serde's messages can quote one).
    problem: String,
}

/// Reads an update as teloxide does, without the content ever reaching an error message.
fn read_update(body: &[u8]) -> Result<Update, Unread> {
    let describe = |problem: String| {
        let value: Option<serde_json::Value> = serde_json::from_slice(body).ok();
        let object = value.as_ref().and_then(serde_json::Value::as_object);
        Unread {
            update_id: object
                .and_then(|o| o.get("update_id"))
                .and_then(serde_json::Value::as_u64),
            kind: object.and_then(kind_name),
            problem,
        }
    };
    match telegram_updates::read(body) {
        // teloxide reads a kind it does not know, or one whose content it cannot parse, as
        // `UpdateKind::Error` (which teloxide's dispatcher would log with whatever it holds).
        Ok(update) if matches!(update.kind, UpdateKind::Error(_)) => Err(describe(
            "a kind of update or a content teloxide cannot parse".to_string(),
        )),
        Ok(update) => Ok(update),
        Err(e) => Err(describe(format!(
            "{:?} error at line {} column {}",
            e.classify(),
            e.line(),
            e.column()
        ))),
    }
}

/// The kind of an update as Telegram sent it: its field besides `update_id` ("message",
/// "callback_query", ...), when that looks like a name from the Bot API's schema.
pub(super) fn kind_name(update: &serde_json::Map<String, serde_json::Value>) -> Option<String> {
    update
        .keys()
        .find(|k| *k != "update_id")
        .filter(|k| k.len() <= 32 && k.bytes().all(|b| b.is_ascii_lowercase() || b == b'_'))
        .cloned()
}

/// Lets a request through only with the right secret header, compared in constant time.
async fn check_secret(State(secret): State<Arc<String>>, request: Request, next: Next) -> Response {
    let given = request
        .headers()
        .get(SECRET_HEADER)
        .map(|v| v.as_bytes())
        .unwrap_or_default();
    if bool::from(given.ct_eq(secret.as_bytes())) {
        next.run(request).await
    } else {
        tracing::warn!("an update without the right secret token was refused");
        StatusCode::UNAUTHORIZED.into_response()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn made_up_secrets_are_long_and_in_telegrams_alphabet() {
        let secret = make_secret();
        assert_eq!(secret.len(), 48);
        assert!(secret.bytes().all(|b| b.is_ascii_alphanumeric()));
        assert_ne!(secret, make_secret());
    }

    #[test]
    fn an_update_that_cannot_be_read_is_described_without_its_content() {
        let secret = "我的秘密 private text";
        // Content teloxide cannot parse (a date that is not a number): kind and id, no text.
        let body = serde_json::json!({
            "update_id": 41,
            "message": {"message_id": 1, "date": "yesterday", "text": secret,
                        "chat": {"id": 5, "type": "private", "first_name": secret}},
        });
        let unread = read_update(body.to_string().as_bytes()).unwrap_err();
        assert_eq!(unread.update_id, Some(41));
        assert_eq!(unread.kind.as_deref(), Some("message"));
        // Not an update at all, a value in the wrong place, or not JSON: serde's own message
        // would quote the value; ours does not.
        for body in [
            serde_json::json!({"update_id": secret, "message": {"text": secret}}).to_string(),
            serde_json::json!({"update_id": 7, "message": [secret]}).to_string(),
            format!("{{\"update_id\": 7, \"{secret}\": 1}}"),
            format!("{secret} not json"),
        ] {
            let unread = read_update(body.as_bytes()).unwrap_err();
            let logged = format!("{unread:?}");
            assert!(
                !logged.contains("秘密") && !logged.contains("private"),
                "{logged}"
            );
        }
        // A good update reads as teloxide reads it.
        let good = serde_json::json!({
            "update_id": 42,
            "message": {"message_id": 1, "date": 1_720_000_000, "text": "/start",
                        "chat": {"id": 5, "type": "private", "first_name": "A"}},
        });
        let update = read_update(good.to_string().as_bytes()).unwrap();
        assert!(matches!(update.kind, UpdateKind::Message(_)));
    }
}
