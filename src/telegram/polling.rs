//! Long polling, with updates that cannot be read kept out of the log.
//!
//! teloxide reads an update of a kind it does not know, or whose content it cannot parse, as
//! `UpdateKind::Error` holding the update's raw JSON, and its dispatcher logs that JSON
//! (`process_update`: "Cannot parse an update. Error: ..."): a user's words in the log. This
//! listener wraps teloxide's [`Polling`] and skips such an update itself, logging only its id
//! and kind, as the webhook does. Polling has moved its offset past the update already, so
//! Telegram does not send it again.

use futures::{Stream, StreamExt, future};
use teloxide::RequestError;
use teloxide::prelude::*;
use teloxide::types::{AllowedUpdate, UpdateKind};
use teloxide::update_listeners::{AsUpdateStream, Polling, StatefulListener, UpdateListener};

/// `polling`, without the updates that cannot be read.
pub fn quiet(polling: Polling<Bot>) -> impl UpdateListener<Err = RequestError> {
    StatefulListener::new_with_hints(
        polling,
        readable,
        |polling: &mut Polling<Bot>| polling.stop_token(),
        Some(
            |polling: &mut Polling<Bot>, hints: &mut dyn Iterator<Item = AllowedUpdate>| {
                polling.hint_allowed_updates(hints)
            },
        ),
    )
}

/// The updates of `polling` that teloxide could read.
fn readable(
    polling: &mut Polling<Bot>,
) -> impl Stream<Item = Result<Update, RequestError>> + Send + '_ {
    polling
        .as_stream()
        .filter(|update| future::ready(is_readable(update)))
}

/// Whether `update` was read; one that was not is logged without its content.
fn is_readable(update: &Result<Update, RequestError>) -> bool {
    let Ok(Update {
        id,
        kind: UpdateKind::Error(raw),
    }) = update
    else {
        return true;
    };
    tracing::warn!(
        update_id = id.0,
        kind = raw
            .as_object()
            .and_then(super::webhook::kind_name)
            .as_deref()
            .unwrap_or("unknown"),
        "an update could not be read and was skipped (its content is not logged)"
    );
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_update_teloxide_cannot_read_is_skipped_and_one_it_can_is_kept() {
        let unreadable: Update = serde_json::from_str(
            r#"{"update_id": 7, "message": {"text": "我的秘密", "chat": "not a chat"}}"#,
        )
        .unwrap();
        assert!(matches!(unreadable.kind, UpdateKind::Error(_)));
        assert!(!is_readable(&Ok(unreadable)));
        let readable: Update = serde_json::from_str(
            r#"{"update_id": 8, "poll_answer": {"poll_id": "1", "user": {"id": 1, "is_bot": false, "first_name": "A"}, "option_ids": [0]}}"#,
        )
        .unwrap();
        assert!(is_readable(&Ok(readable)));
    }
}
