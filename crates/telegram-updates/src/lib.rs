//! Reads Telegram's updates: teloxide's [`Update`] from the JSON Telegram sends, for the bot's
//! long polling and its webhook alike.
//!
//! A crate of its own for the build's sake (issue 12 §3). serde's reading of `Update` (the
//! `Message` it holds, and the hundreds of types under that, with untagged enums and
//! flattened fields that serde reads through buffers of its own) is generic code, compiled
//! into whichever crate names the reader. Named here, in one function that is not generic, it
//! is compiled once, in this crate: about a quarter of the LLVM IR the `debate-bot` library
//! had, so the library rebuilds in that much less time after a change, and a fresh build
//! compiles this beside the library's own front end.

use teloxide_core::types::Update;

/// Reads one update from its JSON text, as teloxide would.
pub fn read(json: &[u8]) -> Result<Update, serde_json::Error> {
    serde_json::from_slice(json)
}

#[cfg(test)]
mod tests {
    use teloxide_core::types::UpdateKind;

    #[test]
    fn a_message_is_read_as_one() {
        let json = br#"{"update_id":7,"message":{"message_id":1,"date":1720742400,
            "chat":{"id":-100,"type":"supergroup","title":"class"},
            "from":{"id":5,"is_bot":false,"first_name":"Li"},"text":"/closed"}}"#;
        let update = super::read(json).unwrap();
        assert_eq!(update.id.0, 7);
        let UpdateKind::Message(message) = update.kind else {
            panic!("not a message: {:?}", update.kind)
        };
        assert_eq!(message.text(), Some("/closed"));
    }

    #[test]
    fn what_is_no_update_is_an_error() {
        assert!(super::read(b"{\"update_id\":").is_err());
    }
}
