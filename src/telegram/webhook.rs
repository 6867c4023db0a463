//! Webhook mode: Telegram posts updates to `[telegram] webhook_url`, a reverse proxy forwards
//! them to `webhook_listen`. teloxide's axum listener registers the webhook (setWebhook with a
//! secret token) and turns posts into updates; in front of it sits our own check of the
//! `X-Telegram-Bot-Api-Secret-Token` header, in constant time, so a request without the right
//! secret gets 401 and is never processed. `GET /healthz` on the same listener answers 200
//! while the bot is up.

use std::convert::Infallible;
use std::net::SocketAddr;
use std::sync::Arc;

use axum::extract::{Request, State};
use axum::http::StatusCode;
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use rand::Rng;
use rand::distr::Alphanumeric;
use secrecy::{ExposeSecret, SecretString};
use subtle::ConstantTimeEq;
use teloxide::prelude::*;
use teloxide::update_listeners::UpdateListener;
use teloxide::update_listeners::webhooks::{self, Options};
use tokio::task::JoinHandle;
use url::Url;

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
/// server task (which ends once the listener is stopped).
pub async fn listen(
    bot: Bot,
    webhook: Webhook,
) -> anyhow::Result<(impl UpdateListener<Err = Infallible>, JoinHandle<()>)> {
    let secret = match &webhook.secret {
        Some(secret) => secret.expose_secret().to_string(),
        None => make_secret(),
    };
    let options = Options::new(webhook.listen, webhook.url.clone()).secret_token(secret.clone());
    let (listener, stopped, router) = webhooks::axum_to_router(bot, options).await?;
    let router = router
        .layer(middleware::from_fn_with_state(
            Arc::new(secret),
            check_secret,
        ))
        .route("/healthz", get(|| async { "ok" }));
    let tcp = tokio::net::TcpListener::bind(webhook.listen)
        .await
        .map_err(|e| anyhow::anyhow!("cannot listen on {} for the webhook: {e}", webhook.listen))?;
    tracing::info!(listen = %webhook.listen, url_host = webhook.url.host_str().unwrap_or_default(), "webhook set");
    let server = tokio::spawn(async move {
        if let Err(e) = axum::serve(tcp, router)
            .with_graceful_shutdown(stopped)
            .await
        {
            tracing::error!(error = %e, "the webhook server stopped");
        }
    });
    Ok((listener, server))
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
}
