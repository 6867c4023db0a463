//! The fake's HTTP server: one route, `/bot<token>/<method>`, that checks the token (401 for
//! another), fails the call when a test said so (`failures`), and hands it to the model of its
//! method; the methods that keep no state of their own (getMe, the webhook, the command menu)
//! are answered here, and a method the fake does not know is 404 "Not Found: method not found".
//! Method names are read without regard to case, as Telegram reads them (teloxide sends
//! "SendMessage"). Connections are plain TCP that a failure can cut, so that the bot sees a
//! dropped connection as it would from a proxy or the network.

use std::pin::Pin;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};
use std::time::Duration;

use axum::Router;
use axum::body::Bytes;
use axum::extract::connect_info::{ConnectInfo, Connected};
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::routing::any;
use serde_json::{Value, json};
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::Notify;

use super::bodies::{Upload, multipart_files, parse_body};
use super::calls::record;
use super::failures::{Fault, take_failure};
use super::{
    BOT_ID, BOT_USERNAME, FakeApi, Inner, Shared, TOKEN, chats, documents, ok, photos, polls,
};
use super::{messages, updates};

impl FakeApi {
    /// Starts serving on 127.0.0.1 at a port the OS picks.
    pub async fn start() -> FakeApi {
        let shared = Arc::new(Shared {
            inner: Mutex::new(Inner {
                next_update_id: 1,
                next_message_id: 1,
                next_query_id: 1,
                ..Inner::default()
            }),
            calls_changed: Notify::new(),
            updates_changed: Notify::new(),
        });
        let router = Router::new()
            .route("/{bot}/{method}", any(handle))
            .fallback(not_found)
            .with_state(Arc::clone(&shared));
        let listener = TcpListener::bind(("127.0.0.1", 0))
            .await
            .expect("bind 127.0.0.1:0");
        let addr = listener.local_addr().expect("local address");
        assert!(addr.ip().is_loopback());
        let service = router.into_make_service_with_connect_info::<Connection>();
        let server = tokio::spawn(async move {
            axum::serve(Lines(listener), service)
                .await
                .expect("fake Bot API");
        });
        FakeApi {
            addr,
            shared,
            server,
        }
    }

    /// The base URL to give the bot (`Settings::api_url`).
    pub fn url(&self) -> url::Url {
        url::Url::parse(&format!("http://{}", self.addr)).expect("a valid URL")
    }

    /// Makes `getWebhookInfo` report a webhook, as if one were left over (deleteWebhook clears it).
    pub fn set_webhook(&self, url: &str) {
        self.shared.lock().webhook_url = url.to_string();
    }
}

async fn not_found(
    State(shared): State<Arc<Shared>>,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let response = json!({"ok": false, "error_code": 404, "description": "Not Found"});
    record(
        &shared,
        uri.path().to_string(),
        parse_body(&headers, &body),
        404,
        response.clone(),
    );
    (StatusCode::NOT_FOUND, axum::Json(response)).into_response()
}

async fn handle(
    State(shared): State<Arc<Shared>>,
    ConnectInfo(connection): ConnectInfo<Connection>,
    Path((bot, method)): Path<(String, String)>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let files = multipart_files(&headers, &body);
    let body = parse_body(&headers, &body);
    // Telegram reads method names without regard to case (teloxide sends "SendMessage");
    // calls are recorded under the documented spelling, "sendMessage".
    let method = documented_name(&method);
    let (status, response) = if bot != format!("bot{TOKEN}") {
        (
            401,
            json!({"ok": false, "error_code": 401, "description": "Unauthorized"}),
        )
    } else if let Some(failure) = take_failure(&shared, &method, &body) {
        match failure.fault {
            Fault::Answer => (failure.status, failure.body),
            Fault::Drop => {
                record(&shared, method, body, 0, failure.body);
                // Whatever is answered now is never written: the connection is closed.
                connection.cut();
                return StatusCode::INTERNAL_SERVER_ERROR.into_response();
            }
            Fault::Hang => {
                record(&shared, method, body, 0, failure.body);
                return std::future::pending().await;
            }
        }
    } else if method.eq_ignore_ascii_case("getUpdates") {
        (200, updates::get_updates(&shared, &body).await)
    } else {
        answer(&shared, &method, &body, files)
    };
    record(&shared, method, body, status, response.clone());
    let status = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    (status, axum::Json(response)).into_response()
}

/// A method name as the Bot API documents it: `GetMe` and `getme` are `getMe`.
pub(super) fn documented_name(method: &str) -> String {
    const KNOWN: &[&str] = &[
        "getMe",
        "getUpdates",
        "getWebhookInfo",
        "deleteWebhook",
        "setMyCommands",
        "deleteMyCommands",
        "sendMessage",
        "editMessageText",
        "answerCallbackQuery",
        "answerInlineQuery",
    ];
    if let Some(known) = KNOWN.iter().find(|k| k.eq_ignore_ascii_case(method)) {
        return known.to_string();
    }
    let mut chars = method.chars();
    match chars.next() {
        Some(first) => first.to_ascii_lowercase().to_string() + chars.as_str(),
        None => String::new(),
    }
}

/// Every method but getUpdates; `files` are the body's file parts, if multipart.
fn answer(shared: &Shared, method: &str, body: &Value, files: Vec<Upload>) -> (u16, Value) {
    if let Some(refused) = chats::refuse_if_migrated(shared, body) {
        return refused;
    }
    match method.to_ascii_lowercase().as_str() {
        "getme" => ok(json!({
            "id": BOT_ID,
            "is_bot": true,
            "first_name": "Debate Test Bot",
            "username": BOT_USERNAME,
            "can_join_groups": true,
            "can_read_all_group_messages": false,
            "supports_inline_queries": false,
            "can_connect_to_business": false,
            "has_main_web_app": false,
        })),
        "getwebhookinfo" => {
            let inner = shared.lock();
            ok(json!({
                "url": inner.webhook_url,
                "has_custom_certificate": false,
                "pending_update_count": inner.queue.len(),
            }))
        }
        "deletewebhook" => {
            shared.lock().webhook_url.clear();
            ok(json!(true))
        }
        "setwebhook" => {
            let url = body["url"].as_str().unwrap_or_default().to_string();
            shared.lock().webhook_url = url;
            ok(json!(true))
        }
        "answercallbackquery" => messages::answer_callback_query(shared, body),
        "setmycommands" | "deletemycommands" | "answerinlinequery" => ok(json!(true)),
        "sendmessage" => messages::send_message(shared, body),
        "editmessagetext" => messages::edit_message_text(shared, body),
        "sendpoll" => polls::send_poll(shared, body),
        "stoppoll" => polls::stop_poll(shared, body),
        "getchatmember" => chats::get_chat_member(shared, body),
        "getchat" => chats::get_chat(shared, body),
        "senddocument" => documents::send_document(shared, body, files),
        "sendphoto" => photos::send_photo(shared, body, files),
        _ => (
            404,
            json!({"ok": false, "error_code": 404, "description": "Not Found: method not found"}),
        ),
    }
}

// ---- connections that can be dropped ---------------------------------------------------------

/// The fake's listener: plain TCP on 127.0.0.1, each connection one a handler can cut.
struct Lines(TcpListener);

/// One accepted connection as a handler sees it (`ConnectInfo`).
#[derive(Clone, Debug)]
struct Connection {
    cut: Arc<AtomicBool>,
}

impl Connection {
    /// From now on the connection neither reads nor writes, so the server closes it without
    /// writing another byte.
    fn cut(&self) {
        self.cut.store(true, Ordering::SeqCst);
    }
}

/// A TCP stream that fails every read and write once cut.
struct Line {
    stream: TcpStream,
    cut: Arc<AtomicBool>,
}

impl Line {
    fn is_cut(&self) -> bool {
        self.cut.load(Ordering::SeqCst)
    }
}

fn cut_error() -> std::io::Error {
    std::io::Error::new(
        std::io::ErrorKind::ConnectionAborted,
        "cut by the fake Bot API",
    )
}

impl AsyncRead for Line {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<std::io::Result<()>> {
        let this = self.get_mut();
        if this.is_cut() {
            return Poll::Ready(Err(cut_error()));
        }
        Pin::new(&mut this.stream).poll_read(cx, buf)
    }
}

impl AsyncWrite for Line {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<std::io::Result<usize>> {
        let this = self.get_mut();
        if this.is_cut() {
            return Poll::Ready(Err(cut_error()));
        }
        Pin::new(&mut this.stream).poll_write(cx, buf)
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        let this = self.get_mut();
        if this.is_cut() {
            return Poll::Ready(Err(cut_error()));
        }
        Pin::new(&mut this.stream).poll_flush(cx)
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.get_mut().stream).poll_shutdown(cx)
    }
}

impl axum::serve::Listener for Lines {
    type Io = Line;
    type Addr = Connection;

    async fn accept(&mut self) -> (Line, Connection) {
        loop {
            match self.0.accept().await {
                Ok((stream, _)) => {
                    let cut = Arc::new(AtomicBool::new(false));
                    let connection = Connection {
                        cut: Arc::clone(&cut),
                    };
                    return (Line { stream, cut }, connection);
                }
                // E.g. too many open files: wait a little, as axum's own listener does.
                Err(_) => tokio::time::sleep(Duration::from_millis(10)).await,
            }
        }
    }

    fn local_addr(&self) -> std::io::Result<Connection> {
        Ok(Connection {
            cut: Arc::new(AtomicBool::new(false)),
        })
    }
}

impl Connected<axum::serve::IncomingStream<'_, Lines>> for Connection {
    fn connect_info(stream: axum::serve::IncomingStream<'_, Lines>) -> Connection {
        stream.remote_addr().clone()
    }
}
