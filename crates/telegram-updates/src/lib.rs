//! Reads Telegram's updates: teloxide's [`Update`] from the JSON Telegram sends, for the bot's
//! long polling and its webhook alike.
//!
//! A crate of its own for the build's sake. serde's reading of `Update` (the
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

    /// A quiz's `poll` update as Bot API 10.1 gives it: the answer in `correct_option_ids`
    /// only, each option with its `persistent_id`, the fields 9.6 added (`allows_revoting`,
    /// `members_only`, `description`).
    #[test]
    fn a_bot_api_10_1_quiz_poll_is_read() {
        let json = r#"{"update_id":8,"poll":{"id":"5800000000000000001",
            "question":"1/5 · 谁说的?","options":[
                {"persistent_id":"a1","text":"李彦宏","voter_count":3},
                {"persistent_id":"b2","text":"罗璇","voter_count":1}],
            "total_voter_count":4,"is_closed":true,"is_anonymous":false,"type":"quiz",
            "allows_multiple_answers":false,"allows_revoting":false,"members_only":false,
            "correct_option_ids":[1],"explanation":"罗璇 · 原话","open_period":30,
            "close_date":1720742430,"description":"完整引文:……"}}"#;
        let update = super::read(json.as_bytes()).unwrap();
        let UpdateKind::Poll(poll) = update.kind else {
            panic!("not a poll: {:?}", update.kind)
        };
        assert_eq!(poll.id.0, "5800000000000000001");
        assert!(poll.is_closed);
        assert_eq!(poll.total_voter_count, 4);
        let options: Vec<(&str, u32)> = poll
            .options
            .iter()
            .map(|o| (o.text.as_str(), o.voter_count))
            .collect();
        assert_eq!(options, [("李彦宏", 3), ("罗璇", 1)]);
        assert_eq!(poll.explanation.as_deref(), Some("罗璇 · 原话"));
    }

    /// A `poll_answer` as Bot API 10.1 gives it, with `option_persistent_ids` beside the
    /// positions the bot scores by.
    #[test]
    fn a_bot_api_10_1_poll_answer_is_read() {
        let json = br#"{"update_id":9,"poll_answer":{"poll_id":"5800000000000000001",
            "user":{"id":5,"is_bot":false,"first_name":"Li"},
            "option_ids":[1],"option_persistent_ids":["b2"]}}"#;
        let update = super::read(json).unwrap();
        let UpdateKind::PollAnswer(answer) = update.kind else {
            panic!("not a poll answer: {:?}", update.kind)
        };
        assert_eq!(answer.poll_id.0, "5800000000000000001");
        assert_eq!(answer.option_ids, [1]);
        assert!(answer.voter.is_user());
    }

    /// A message carrying a Bot API 10.1 poll (a member's quiz, or a reply to one of the bot's)
    /// is read as a message with its poll.
    #[test]
    fn a_message_with_a_bot_api_10_1_poll_is_read() {
        let json = r#"{"update_id":10,"message":{"message_id":3,"date":1720742400,
            "chat":{"id":-100,"type":"supergroup","title":"class"},
            "from":{"id":5,"is_bot":false,"first_name":"Li"},
            "poll":{"id":"77","question":"闭源是未来?","options":[
                {"persistent_id":"x","text":"赞成","voter_count":0},
                {"persistent_id":"y","text":"反对","voter_count":0}],
                "total_voter_count":0,"is_closed":false,"is_anonymous":false,
                "type":"regular","allows_multiple_answers":false,"allows_revoting":true,
                "members_only":false,"description":"电厂,2024-07-12"}}}"#;
        let update = super::read(json.as_bytes()).unwrap();
        let UpdateKind::Message(message) = update.kind else {
            panic!("not a message: {:?}", update.kind)
        };
        let poll = message.poll().expect("a poll");
        assert_eq!(poll.question, "闭源是未来?");
        assert_eq!(poll.options.len(), 2);
    }

    #[test]
    fn what_is_no_update_is_an_error() {
        assert!(super::read(b"{\"update_id\":").is_err());
    }
}
