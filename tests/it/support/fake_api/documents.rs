//! Files the bot sends: `sendDocument` with the file uploaded as multipart, kept byte for byte
//! for the tests to read ([`FakeApi::documents`]), and answered with a Message.

use serde_json::{Value, json};

use super::bodies::Upload;
use super::{Call, FakeApi, Shared, as_i64, bad_request, bot_message, ok};

/// A file the bot sent with sendDocument (multipart), byte for byte.
#[allow(dead_code)]
#[derive(Debug, Clone)]
pub struct Document {
    pub chat_id: i64,
    /// The `message_id` answered, to match the sendDocument call.
    pub message_id: i64,
    pub file_name: String,
    pub bytes: Vec<u8>,
    pub caption: Option<String>,
}

impl FakeApi {
    /// Every file the bot uploaded with sendDocument, in order.
    pub fn documents(&self) -> Vec<Document> {
        self.shared.lock().documents.clone()
    }

    /// The file uploaded by the sendDocument `call`.
    pub fn document(&self, call: &Call) -> Document {
        let message_id = call.message_id();
        self.documents()
            .into_iter()
            .find(|d| d.message_id == message_id)
            .unwrap_or_else(|| panic!("no file kept for {}", call.summary()))
    }
}

/// sendDocument with the file uploaded (multipart): keeps the file, answers a Message.
pub(super) fn send_document(shared: &Shared, body: &Value, files: Vec<Upload>) -> (u16, Value) {
    let Some(chat_id) = body.get("chat_id").and_then(as_i64) else {
        return bad_request("chat_id is empty");
    };
    // The file is the part named "document", or the one it names as `attach://<name>` (as
    // teloxide sends it).
    let part = match body.get("document").and_then(Value::as_str) {
        Some(value) => value.strip_prefix("attach://").unwrap_or("document"),
        None => "document",
    };
    let Some(file) = files.into_iter().find(|f| f.name == part) else {
        return bad_request("there is no document in the request");
    };
    if file.bytes.is_empty() {
        return bad_request("file must be non-empty");
    }
    let caption = body
        .get("caption")
        .and_then(Value::as_str)
        .map(str::to_string);
    let mut inner = shared.lock();
    let content = json!({
        "document": {"file_name": file.file_name.clone(), "file_size": file.bytes.len()},
    });
    let mut message = match bot_message(&mut inner, chat_id, body, content) {
        Ok(message) => message,
        Err(refused) => return refused,
    };
    let message_id = as_i64(&message["message_id"]).unwrap_or_default();
    message["document"]["file_id"] = json!(format!("BQACAgIAAxkBAAEFakeDocument{message_id}"));
    message["document"]["file_unique_id"] = json!(format!("AgADFakeDoc{message_id}"));
    if let Some(caption) = &caption {
        message["caption"] = json!(caption);
    }
    inner.documents.push(Document {
        chat_id,
        message_id,
        file_name: file.file_name,
        bytes: file.bytes,
        caption,
    });
    ok(message)
}
