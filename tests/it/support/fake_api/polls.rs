//! Native polls in the fake: `sendPoll`, `stopPoll`, votes (`poll_answer` updates), as a Bot
//! API server of a given [`Version`] takes and answers them.
//!
//! Sources, for Bot API 10.1 ([`Version::Current`]): the Bot API documentation as kept in
//! `shared/telegram/bot-api.json` (sendPoll: "correct_option_ids ... required for polls in
//! quiz mode", "1-12 answer options", `open_period` and `close_date` "5-2628000", a
//! description of "0-1024 characters"; Poll: `correct_option_ids`, `allows_revoting`,
//! `members_only`, PollOption's `persistent_id`; PollAnswer's `option_persistent_ids`), and
//! tdlib/telegram-bot-api's `Client.cpp` at Bot API 10.0 (`process_send_poll_query`,
//! `JsonPoll`, `JsonPollAnswer`) for what the documentation leaves out: parameters a server
//! does not know are ignored, never refused; `allows_revoting` defaults to false for a quiz
//! and true for a regular poll.
//!
//! The fake is stricter than that server where the documentation is: the server still reads a
//! lone legacy `correct_option_id`, and its Poll still carries `correct_option_id` beside the
//! array, but neither is documented since 9.6, so the fake refuses a quiz without the array
//! and answers the documented Poll only. A bot that works here follows the contract as
//! written. [`Version::Before96`] is a self-hosted server that predates 9.6: `correct_option_id`
//! only, 2-10 options, `open_period` up to 600 s, and none of 9.6's parameters.

use std::time::Duration;

use serde_json::{Value, json};
use tokio::time::Instant;

use super::{FakeApi, Pushed, Shared, TgUser, as_i64, bad_request, bot_message, message_named, ok};

/// The Bot API version the fake answers as.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Version {
    /// Bot API 10.1, as documented.
    #[default]
    Current,
    /// A server older than Bot API 9.6 (April 2026).
    Before96,
}

/// A poll the bot sent, as the fake keeps it.
pub(super) struct SentPoll {
    pub(super) chat_id: i64,
    pub(super) message_id: i64,
    /// The Poll object, with its vote counts.
    poll: Value,
    sent: Instant,
    open_for: Option<Duration>,
    stopped: bool,
}

impl SentPoll {
    /// Closed by stopPoll, or by itself once its `open_period` or `close_date` has passed.
    fn is_closed(&self) -> bool {
        self.stopped
            || self
                .open_for
                .is_some_and(|open| self.sent.elapsed() >= open)
    }

    /// The Poll object as of now.
    fn current(&self) -> Value {
        let mut poll = self.poll.clone();
        poll["is_closed"] = json!(self.is_closed());
        poll
    }
}

impl FakeApi {
    /// Answers as a Bot API server of `version` from now on.
    pub fn speak(&self, version: Version) {
        self.shared.lock().version = version;
    }

    /// A `poll_answer` update: `user` chose `option_ids` in poll `poll_id`. The fake counts the
    /// vote in the poll it keeps (when it knows the poll and it is open); the update is queued
    /// whatever the poll id, as a test may want to send one the bot never sent. Since 9.6 the
    /// update also names the options by their `persistent_id`.
    pub fn poll_answer(&self, poll_id: &str, user: &TgUser, option_ids: &[u8]) -> Pushed {
        let mut answer = json!({
            "poll_id": poll_id,
            "user": user.json(),
            "option_ids": option_ids,
        });
        let mut inner = self.shared.lock();
        let version = inner.version;
        let sent = inner.polls.get_mut(poll_id);
        if version == Version::Current {
            let persistent: Vec<Value> = option_ids
                .iter()
                .map(|&id| match &sent {
                    Some(sent) => sent.poll["options"][usize::from(id)]["persistent_id"].clone(),
                    None => json!(id.to_string()),
                })
                .collect();
            answer["option_persistent_ids"] = json!(persistent);
        }
        if let Some(sent) = sent.filter(|p| !p.is_closed()) {
            let mut ids = option_ids.to_vec();
            ids.dedup();
            for id in &ids {
                let count = sent
                    .poll
                    .get_mut("options")
                    .and_then(|o| o.get_mut(usize::from(*id)))
                    .and_then(|o| o.get_mut("voter_count"));
                if let Some(count) = count {
                    *count = json!(count.as_i64().unwrap_or(0) + 1);
                }
            }
            if !ids.is_empty() {
                let total = sent.poll["total_voter_count"].as_i64().unwrap_or(0);
                sent.poll["total_voter_count"] = json!(total + 1);
            }
        }
        drop(inner);
        self.push_update("poll_answer", answer)
    }

    /// The Poll with `poll_id` as it stands (votes counted, closed or not).
    pub fn poll(&self, poll_id: &str) -> Option<Value> {
        self.shared.lock().polls.get(poll_id).map(SentPoll::current)
    }
}

/// What a version allows of sendPoll.
struct Contract {
    options: std::ops::RangeInclusive<usize>,
    open_seconds: std::ops::RangeInclusive<i64>,
}

impl Version {
    fn contract(self) -> Contract {
        match self {
            Version::Current => Contract {
                options: 1..=12,
                open_seconds: 5..=2_628_000,
            },
            Version::Before96 => Contract {
                options: 2..=10,
                open_seconds: 5..=600,
            },
        }
    }
}

/// sendPoll, within the limits of the fake's [`Version`]: a question of 1-300 characters,
/// options of 1-100, a quiz's right answer named as that version documents it, an explanation
/// of at most 200 characters and 2 line feeds, a description of at most 1,024, `open_period`
/// or `close_date` (not both). Answers a Message with the Poll.
pub(super) fn send_poll(shared: &Shared, body: &Value) -> (u16, Value) {
    let version = shared.lock().version;
    let contract = version.contract();
    let Some(chat_id) = body.get("chat_id").and_then(as_i64) else {
        return bad_request("chat_id is empty");
    };
    let question = body
        .get("question")
        .and_then(Value::as_str)
        .unwrap_or_default();
    if question.is_empty() {
        return bad_request("poll question must be non-empty");
    }
    if question.chars().count() > 300 {
        return bad_request("poll question length must not exceed 300");
    }
    // Options are InputPollOption objects (or, before Bot API 7.3, strings).
    let options: Vec<String> = body
        .get("options")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .map(|o| {
            o.as_str()
                .or_else(|| o.get("text").and_then(Value::as_str))
                .unwrap_or_default()
                .to_string()
        })
        .collect();
    if options.len() < *contract.options.start() {
        return bad_request("poll must have at least 2 option");
    }
    if options.len() > *contract.options.end() {
        return bad_request(&format!(
            "poll can't have more than {} options",
            contract.options.end()
        ));
    }
    if options
        .iter()
        .any(|o| o.is_empty() || o.chars().count() > 100)
    {
        return bad_request("poll options length must not exceed 100");
    }
    let kind = body
        .get("type")
        .and_then(Value::as_str)
        .unwrap_or("regular");
    if !["quiz", "regular"].contains(&kind) {
        return bad_request("wrong poll type specified");
    }
    let correct = match (kind, version) {
        ("quiz", Version::Current) => match correct_option_ids(body, options.len()) {
            Ok(ids) => Some(ids),
            Err(refused) => return refused,
        },
        ("quiz", Version::Before96) => {
            let id = body.get("correct_option_id").and_then(as_i64);
            match id.filter(|c| (0..options.len() as i64).contains(c)) {
                Some(id) => Some(vec![id]),
                None => return bad_request("wrong correct option ID specified"),
            }
        }
        _ => None,
    };
    let multiple = body
        .get("allows_multiple_answers")
        .and_then(Value::as_bool)
        .unwrap_or(false);
    if kind == "quiz" && multiple {
        return bad_request("quiz poll can't allow multiple answers");
    }
    let explanation = body.get("explanation").and_then(Value::as_str);
    if let Some(text) = explanation
        && (text.chars().count() > 200 || text.matches('\n').count() > 2)
    {
        return bad_request("explanation length must not exceed 200 characters and 2 line feeds");
    }
    // 9.6's own parameters: read by a current server, unknown (so ignored) to an older one.
    let current = version == Version::Current;
    let description = body
        .get("description")
        .and_then(Value::as_str)
        .filter(|d| current && !d.is_empty());
    if description.is_some_and(|d| d.chars().count() > 1024) {
        return bad_request("poll description length must not exceed 1024");
    }
    let open_period = body.get("open_period").and_then(as_i64);
    let close_date = body.get("close_date").and_then(as_i64);
    if open_period.is_some() && close_date.is_some() {
        return bad_request("open_period and close_date can't be used together");
    }
    let open_for = open_period.or(close_date.map(|date| date - super::now()));
    if open_for.is_some_and(|s| !contract.open_seconds.contains(&s)) {
        return bad_request("wrong open period specified");
    }
    let is_anonymous = body
        .get("is_anonymous")
        .and_then(Value::as_bool)
        .unwrap_or(true);

    let mut inner = shared.lock();
    inner.next_poll_id += 1;
    let serial = inner.next_poll_id;
    let poll_id = format!("{}", 5_800_000_000_000_000_000u64 + serial);
    let option = |(i, text): (usize, &String)| match version {
        Version::Current => json!({
            "persistent_id": format!("{serial:x}{i}"),
            "text": text,
            "voter_count": 0,
        }),
        Version::Before96 => json!({"text": text, "voter_count": 0}),
    };
    let mut poll = json!({
        "id": poll_id,
        "question": question,
        "options": options.iter().enumerate().map(option).collect::<Vec<_>>(),
        "total_voter_count": 0,
        "is_closed": false,
        "is_anonymous": is_anonymous,
        "type": kind,
        "allows_multiple_answers": multiple,
    });
    if current {
        let revoting = body
            .get("allows_revoting")
            .and_then(Value::as_bool)
            .unwrap_or(kind != "quiz");
        poll["allows_revoting"] = json!(revoting);
        poll["members_only"] = json!(false);
    }
    match (correct, version) {
        (Some(ids), Version::Current) => poll["correct_option_ids"] = json!(ids),
        (Some(ids), Version::Before96) => poll["correct_option_id"] = json!(ids[0]),
        (None, _) => {}
    }
    if let Some(text) = explanation {
        poll["explanation"] = json!(text);
    }
    if let Some(seconds) = open_for {
        poll["open_period"] = json!(seconds);
        poll["close_date"] = json!(super::now() + seconds);
    }
    if let Some(text) = description {
        poll["description"] = json!(text);
    }
    let message = match bot_message(&mut inner, chat_id, body, json!({"poll": poll})) {
        Ok(message) => message,
        Err(refused) => return refused,
    };
    let message_id = as_i64(&message["message_id"]).unwrap_or_default();
    inner.polls.insert(
        poll_id,
        SentPoll {
            chat_id,
            message_id,
            poll,
            sent: Instant::now(),
            open_for: open_for.map(|s| Duration::from_secs(s as u64)),
            stopped: false,
        },
    );
    ok(message)
}

/// A quiz's `correct_option_ids` as Bot API 10.1 documents them: "a JSON-serialized list of
/// monotonically increasing 0-based identifiers of the correct answer options, required for
/// polls in quiz mode". Where the legacy `correct_option_id` is sent too, it must name the same
/// single option: a bot that says two different things has a bug.
fn correct_option_ids(body: &Value, options: usize) -> Result<Vec<i64>, (u16, Value)> {
    let Some(given) = body.get("correct_option_ids") else {
        return Err(bad_request(
            "correct_option_ids must be specified for quiz polls",
        ));
    };
    let ids: Option<Vec<i64>> = given
        .as_array()
        .map(|ids| ids.iter().map(as_i64).collect::<Option<Vec<_>>>())
        .unwrap_or(None);
    let Some(ids) = ids.filter(|ids| !ids.is_empty()) else {
        return Err(bad_request(
            "Expected an Array of correct option identifiers",
        ));
    };
    if ids.iter().any(|id| !(0..options as i64).contains(id)) {
        return Err(bad_request("wrong correct option ID specified"));
    }
    if ids.windows(2).any(|pair| pair[0] >= pair[1]) {
        return Err(bad_request(
            "correct option identifiers must be monotonically increasing",
        ));
    }
    if let Some(legacy) = body.get("correct_option_id")
        && (ids.len() != 1 || as_i64(legacy) != Some(ids[0]))
    {
        return Err(bad_request(
            "correct_option_id disagrees with correct_option_ids",
        ));
    }
    Ok(ids)
}

/// stopPoll: closes the poll of the bot's message and answers the Poll.
pub(super) fn stop_poll(shared: &Shared, body: &Value) -> (u16, Value) {
    let (chat_id, message_id) = match message_named(body) {
        Ok(named) => named,
        Err(refused) => return refused,
    };
    let mut inner = shared.lock();
    let Some(poll) = inner
        .polls
        .values_mut()
        .find(|p| p.chat_id == chat_id && p.message_id == message_id)
    else {
        return bad_request("message with poll to stop not found");
    };
    if poll.is_closed() {
        return bad_request("poll has already been closed");
    }
    poll.stopped = true;
    ok(poll.current())
}
