//! Native polls as the Bot API documents them today (10.1): every poll the bot sends, a quiz
//! question or a debate's vote, goes out through [`send_poll`], with a `sendPoll` payload of
//! the bot's own ([`SendPoll`]) made through the same client, outbox, pacing and retries as
//! every other call.
//!
//! teloxide 0.17 speaks Bot API 9.1, whose `SendPoll` lacks what 9.6 added. What each
//! parameter needs, and what a server older than it does (the Bot API server reads only the
//! parameters it knows, by name: `Client::process_send_poll_query` in tdlib/telegram-bot-api,
//! so an unknown one is ignored, never refused):
//! - `correct_option_ids` (9.6; "required for polls in quiz mode" since): the quiz's answer.
//!   It is sent with the legacy `correct_option_id` (the same option), which a server older
//!   than 9.6 reads instead; a newer one takes the array first.
//! - `description` (9.6): the whole quote when the question had to cut it; an older server
//!   sends the poll without it.
//! - `shuffle_options` (9.6): options in a random order per person; answers still name them
//!   in the order sent (`option_ids` are positions in the poll's own list). An older server
//!   shows the order sent.
//! - `hide_results_until_closes` (9.6): a debate's vote hides its counts until it closes; an
//!   older server shows them to whoever has voted.
//! - `open_period` (5-2,628,000 s since 9.6; 5-600 before): a quiz question's time.

use serde::Serialize;
use teloxide::prelude::*;
use teloxide::requests::Payload;
use teloxide::types::ThreadId;

use super::outbox::{Audience, Outbox};
use super::send::{self, Sent};
use crate::vocab::{Place, PollSpec, VotePoll};

/// The `sendPoll` call as Bot API 10.1 documents it, with the legacy `correct_option_id`
/// beside `correct_option_ids`. Fields left `None` or `false` are not sent.
#[derive(Clone, Debug, Serialize)]
pub struct SendPoll {
    chat_id: ChatId,
    #[serde(skip_serializing_if = "Option::is_none")]
    message_thread_id: Option<ThreadId>,
    question: String,
    options: Vec<PollOption>,
    /// Always sent: Telegram's default is anonymous, and an anonymous poll's answers never
    /// reach the bot.
    is_anonymous: bool,
    #[serde(rename = "type")]
    kind: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    correct_option_ids: Option<[usize; 1]>,
    #[serde(skip_serializing_if = "Option::is_none")]
    correct_option_id: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    explanation: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    description: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    open_period: Option<u32>,
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    allows_multiple_answers: bool,
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    shuffle_options: bool,
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    hide_results_until_closes: bool,
}

/// InputPollOption: an option's text.
#[derive(Clone, Debug, Serialize)]
struct PollOption {
    text: String,
}

impl Payload for SendPoll {
    type Output = Sent;
    const NAME: &'static str = "sendPoll";
}

impl SendPoll {
    fn new(place: Place, question: &str, options: &[String], kind: &'static str) -> Self {
        SendPoll {
            chat_id: ChatId(place.chat),
            message_thread_id: send::thread(place),
            question: question.to_string(),
            options: options
                .iter()
                .map(|text| PollOption { text: text.clone() })
                .collect(),
            is_anonymous: false,
            kind,
            correct_option_ids: None,
            correct_option_id: None,
            explanation: None,
            description: None,
            open_period: None,
            allows_multiple_answers: false,
            shuffle_options: false,
            hide_results_until_closes: false,
        }
    }

    /// A quiz question: one right answer, its explanation, its time.
    pub fn quiz(place: Place, poll: &PollSpec) -> Self {
        SendPoll {
            correct_option_ids: Some([poll.correct]),
            correct_option_id: Some(poll.correct),
            explanation: Some(poll.explanation.clone()).filter(|e| !e.is_empty()),
            description: Some(poll.description.clone()).filter(|d| !d.is_empty()),
            open_period: Some(poll.open_seconds),
            shuffle_options: poll.shuffle_options,
            ..SendPoll::new(place, &poll.question, &poll.options, "quiz")
        }
    }

    /// One of a debate's polls: a vote (one answer) or the convinced poll (several).
    pub fn vote(place: Place, poll: &VotePoll) -> Self {
        SendPoll {
            allows_multiple_answers: poll.multiple,
            hide_results_until_closes: poll.hide_results_until_closes,
            ..SendPoll::new(place, &poll.question, &poll.options, "regular")
        }
    }
}

/// Sends a native poll; answers its poll id and message id.
pub async fn send_poll(
    bot: &Bot,
    outbox: &Outbox,
    poll: SendPoll,
) -> anyhow::Result<(String, i64)> {
    let audience = Audience::of(poll.chat_id.0);
    let sent: Sent = send::call(bot, outbox, "sendPoll", audience, poll).await?;
    let poll = sent
        .poll
        .ok_or_else(|| anyhow::anyhow!("sendPoll answered a message without a poll"))?;
    Ok((poll.id, i64::from(sent.message_id)))
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn spec(description: &str, shuffle_options: bool) -> PollSpec {
        PollSpec {
            question: "1/5 · 谁说的?“开源其实是一种智商税。”".to_string(),
            options: vec!["李彦宏".to_string(), "罗璇".to_string()],
            correct: 1,
            explanation: "罗璇 · 原话".to_string(),
            description: description.to_string(),
            open_seconds: 30,
            shuffle_options,
        }
    }

    /// A quiz names its answer both ways, 10.1's array first; empty texts are left out.
    #[test]
    fn a_quiz_is_sent_as_bot_api_10_1_documents_it() {
        let place = Place {
            chat: -100,
            thread: Some(7),
        };
        let sent = serde_json::to_value(SendPoll::quiz(place, &spec("", false))).unwrap();
        assert_eq!(
            sent,
            json!({
                "chat_id": -100,
                "message_thread_id": 7,
                "question": "1/5 · 谁说的?“开源其实是一种智商税。”",
                "options": [{"text": "李彦宏"}, {"text": "罗璇"}],
                "is_anonymous": false,
                "type": "quiz",
                "correct_option_ids": [1],
                "correct_option_id": 1,
                "explanation": "罗璇 · 原话",
                "open_period": 30,
            })
        );
        let with = serde_json::to_value(SendPoll::quiz(place, &spec("完整引文", true))).unwrap();
        assert_eq!(with["description"], "完整引文");
        assert_eq!(with["shuffle_options"], true);
    }

    /// sendPoll's answer in Bot API 10.1's shape is read for what the bot keeps: the poll's
    /// id and the message's.
    #[test]
    fn a_bot_api_10_1_sent_poll_is_read() {
        let answer = r#"{"message_id":12,"date":1720742400,
            "chat":{"id":-100,"type":"supergroup","title":"class"},
            "from":{"id":1,"is_bot":true,"first_name":"Bot","username":"bot"},
            "poll":{"id":"5800000000000000001","question":"1/5 · 谁说的?","options":[
                {"persistent_id":"a1","text":"李彦宏","voter_count":0},
                {"persistent_id":"b2","text":"罗璇","voter_count":0}],
            "total_voter_count":0,"is_closed":false,"is_anonymous":false,"type":"quiz",
            "allows_multiple_answers":false,"allows_revoting":false,"members_only":false,
            "correct_option_ids":[1],"explanation":"罗璇","open_period":30,
            "close_date":1720742430,"description":"完整引文"}}"#;
        let sent: Sent = serde_json::from_str(answer).unwrap();
        assert_eq!(sent.message_id, 12);
        assert_eq!(sent.poll.unwrap().id, "5800000000000000001");
    }

    /// A debate's polls: regular, counts hidden until they close; the convinced poll takes
    /// several answers.
    #[test]
    fn a_debate_poll_hides_its_counts_and_the_convinced_poll_takes_several_answers() {
        let place = Place {
            chat: -100,
            thread: None,
        };
        let vote = VotePoll {
            question: "闭源是未来?".to_string(),
            options: vec!["赞成".into(), "反对".into(), "未定".into()],
            multiple: false,
            hide_results_until_closes: true,
        };
        let sent = serde_json::to_value(SendPoll::vote(place, &vote)).unwrap();
        assert_eq!(
            sent,
            json!({
                "chat_id": -100,
                "question": "闭源是未来?",
                "options": [{"text": "赞成"}, {"text": "反对"}, {"text": "未定"}],
                "is_anonymous": false,
                "type": "regular",
                "hide_results_until_closes": true,
            })
        );
        let convinced = VotePoll {
            options: vec!["正方 · 李彦宏 ¶5".into(), "反方 · 罗璇 ¶34".into()],
            multiple: true,
            ..vote
        };
        let sent = serde_json::to_value(SendPoll::vote(place, &convinced)).unwrap();
        assert_eq!(sent["allows_multiple_answers"], json!(true));
        assert_eq!(sent["options"][1], json!({"text": "反方 · 罗璇 ¶34"}));
    }
}
