//! The messages the bot sends and edits: `sendMessage` answers a full Message (the text as a
//! reader sees it, the buttons), kept so that a callback query can carry it and an edit finds
//! it; `editMessageText` refuses an unknown message, or an edit that changes nothing, in
//! Telegram's words; `answerCallbackQuery` refuses a query answered too late, after the time
//! bots report (pyTelegramBotAPI #1615, at `CALLBACK_QUERY_EXPIRES`).

use std::time::Duration;

use serde_json::{Value, json};

use super::chats::chat_json;
use super::forums::landing;
use super::{Call, Inner, Shared, as_i64, bad_request, bot_user, merge, message_named, now, ok};

/// A new message from the bot in `chat_id` with `content` (text, poll, document...), landed
/// where Telegram would put it (see [`landing`]) and numbered; or Telegram's refusal.
pub(super) fn bot_message(
    inner: &mut Inner,
    chat_id: i64,
    body: &Value,
    content: Value,
) -> Result<Value, (u16, Value)> {
    if let Some(refused) = super::chats::refuse_uninvited(inner, chat_id) {
        return Err(refused);
    }
    let topic = landing(inner, chat_id, body)?;
    let message_id = inner.next_message_id;
    inner.next_message_id += 1;
    let mut message = json!({
        "message_id": message_id,
        "date": now(),
        "chat": chat_json(&inner.chats, chat_id),
        "from": bot_user(),
    });
    merge(&mut message, content);
    if let Some(topic) = topic {
        message["message_thread_id"] = json!(topic);
        message["is_topic_message"] = json!(true);
        inner.topics_of.insert((chat_id, message_id), topic);
    }
    Ok(message)
}

/// How long a callback query can be answered. Telegram does not document it; bots report
/// "query is too old" after some 10-20 s (pyTelegramBotAPI #1615: 20 s too late, "probably
/// around 5-10 seconds"). The fake takes 10 s, so a bot that answers late fails here too.
const CALLBACK_QUERY_EXPIRES: Duration = Duration::from_secs(10);

/// answerCallbackQuery: refused for a query the fake never made or made too long ago.
pub(super) fn answer_callback_query(shared: &Shared, body: &Value) -> (u16, Value) {
    let id = body
        .get("callback_query_id")
        .and_then(Value::as_str)
        .unwrap_or_default();
    let made = shared.lock().callback_queries.get(id).copied();
    match made {
        Some(at) if at.elapsed() <= CALLBACK_QUERY_EXPIRES => ok(json!(true)),
        _ => bad_request("query is too old and response timeout expired or query ID is invalid"),
    }
}

pub(super) fn send_message(shared: &Shared, body: &Value) -> (u16, Value) {
    let Some(chat_id) = body.get("chat_id").and_then(as_i64) else {
        return bad_request("chat_id is empty");
    };
    let text = body.get("text").and_then(Value::as_str).unwrap_or_default();
    if text.is_empty() {
        return bad_request("message text is empty");
    }
    let mut inner = shared.lock();
    let content = json!({"text": visible_text(text, body.get("parse_mode"))});
    let mut message = match bot_message(&mut inner, chat_id, body, content) {
        Ok(message) => message,
        Err(refused) => return refused,
    };
    let message_id = as_i64(&message["message_id"]).unwrap_or_default();
    if let Some(markup) = body
        .get("reply_markup")
        .filter(|m| m.get("inline_keyboard").is_some())
    {
        message["reply_markup"] = markup.clone();
    }
    inner.sent.insert((chat_id, message_id), message.clone());
    ok(message)
}

pub(super) fn edit_message_text(shared: &Shared, body: &Value) -> (u16, Value) {
    if body.get("inline_message_id").is_some() {
        return ok(json!(true));
    }
    let (chat_id, message_id) = match message_named(body) {
        Ok(named) => named,
        Err(refused) => return refused,
    };
    let mut inner = shared.lock();
    let Some(message) = inner.sent.get_mut(&(chat_id, message_id)) else {
        return bad_request("message to edit not found");
    };
    let text = visible_text(
        body.get("text").and_then(Value::as_str).unwrap_or_default(),
        body.get("parse_mode"),
    );
    let markup = body.get("reply_markup").cloned();
    if message["text"] == json!(text) && message.get("reply_markup") == markup.as_ref() {
        return bad_request(
            "message is not modified: specified new message content and reply markup are \
             exactly the same as a current content and reply markup of the message",
        );
    }
    message["text"] = json!(text);
    message["edit_date"] = json!(now());
    match markup {
        Some(markup) => message["reply_markup"] = markup,
        None => {
            if let Some(m) = message.as_object_mut() {
                m.remove("reply_markup");
            }
        }
    }
    ok(message.clone())
}

/// The text a reader sees: for HTML, tags dropped and the four named entities decoded.
pub fn visible_text(text: &str, parse_mode: Option<&Value>) -> String {
    if parse_mode.and_then(Value::as_str) != Some("HTML") {
        return text.to_string();
    }
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(start) = rest.find(['<', '&']) {
        out.push_str(&rest[..start]);
        rest = &rest[start..];
        if rest.starts_with('<') {
            match rest.find('>') {
                Some(end) => rest = &rest[end + 1..],
                None => {
                    out.push_str(rest);
                    rest = "";
                }
            }
        } else {
            let entity = [
                ("&lt;", '<'),
                ("&gt;", '>'),
                ("&amp;", '&'),
                ("&quot;", '"'),
            ]
            .into_iter()
            .find(|(name, _)| rest.starts_with(name));
            match entity {
                Some((name, c)) => {
                    out.push(c);
                    rest = &rest[name.len()..];
                }
                None => {
                    out.push('&');
                    rest = &rest[1..];
                }
            }
        }
    }
    out.push_str(rest);
    out
}

/// The text a reader sees of the message `call` sent or edited (its `text` in its
/// `parse_mode`).
pub fn visible(call: &Call) -> String {
    visible_text(call.text(), call.body.get("parse_mode"))
}
