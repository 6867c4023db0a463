//! Pictures the bot sends: `sendPhoto` with the file uploaded as multipart, held to what the
//! Bot API documents for it (sendPhoto: "The photo must be at most 10 MB in size. The photo's
//! width and height must not exceed 10000 in total. Width and height ratio must be at most
//! 20"; its caption "0-1024 characters after entities parsing"), kept byte for byte for the
//! tests to read ([`FakeApi::photos`]), and answered with a Message.

use serde_json::{Value, json};

use super::bodies::Upload;
use super::messages::visible_text;
use super::{FakeApi, Shared, as_i64, bad_request, bot_message, ok};

/// A picture the bot sent with sendPhoto, byte for byte.
#[allow(dead_code)]
#[derive(Debug, Clone)]
pub struct Photo {
    pub chat_id: i64,
    pub message_id: i64,
    pub bytes: Vec<u8>,
    /// The caption as a reader sees it (HTML parsed).
    pub caption: String,
}

impl FakeApi {
    /// Every picture the bot sent, in order.
    pub fn photos(&self) -> Vec<Photo> {
        self.shared.lock().photos.clone()
    }
}

/// A PNG's width and height, from its IHDR chunk; `None` for anything that is not a PNG.
fn png_size(bytes: &[u8]) -> Option<(u32, u32)> {
    if bytes.len() < 24 || &bytes[..8] != b"\x89PNG\r\n\x1a\n" || &bytes[12..16] != b"IHDR" {
        return None;
    }
    let word = |at: usize| u32::from_be_bytes(bytes[at..at + 4].try_into().expect("4 bytes"));
    Some((word(16), word(20)))
}

/// sendPhoto with the file uploaded (multipart): checks it as Telegram documents, keeps it,
/// answers a Message with the photo's sizes and the caption.
pub(super) fn send_photo(shared: &Shared, body: &Value, files: Vec<Upload>) -> (u16, Value) {
    let Some(chat_id) = body.get("chat_id").and_then(as_i64) else {
        return bad_request("chat_id is empty");
    };
    let part = match body.get("photo").and_then(Value::as_str) {
        Some(value) => value.strip_prefix("attach://").unwrap_or("photo"),
        None => "photo",
    };
    let Some(file) = files.into_iter().find(|f| f.name == part) else {
        return bad_request("there is no photo in the request");
    };
    if file.bytes.len() > 10 * 1024 * 1024 {
        return bad_request("file is too big");
    }
    let Some((width, height)) = png_size(&file.bytes) else {
        return bad_request("IMAGE_PROCESS_FAILED");
    };
    if width == 0
        || height == 0
        || width + height > 10_000
        || width.max(height) > 20 * width.min(height)
    {
        return bad_request("PHOTO_INVALID_DIMENSIONS");
    }
    let caption = visible_text(
        body.get("caption")
            .and_then(Value::as_str)
            .unwrap_or_default(),
        body.get("parse_mode"),
    );
    if caption.encode_utf16().count() > 1024 {
        return bad_request("message caption is too long");
    }
    let mut inner = shared.lock();
    let content = json!({
        "photo": [{
            "file_id": "AgACAgIAAxkBAAEFakePhoto",
            "file_unique_id": "AQADFakePhoto",
            "width": width,
            "height": height,
            "file_size": file.bytes.len(),
        }],
        "caption": caption,
    });
    let message = match bot_message(&mut inner, chat_id, body, content) {
        Ok(message) => message,
        Err(refused) => return refused,
    };
    let message_id = as_i64(&message["message_id"]).unwrap_or_default();
    inner.photos.push(Photo {
        chat_id,
        message_id,
        bytes: file.bytes,
        caption,
    });
    ok(message)
}
