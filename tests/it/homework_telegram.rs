//! Homework end to end, on the fake Telegram as Telegram behaves where homework depends on
//! it: the card's deep link (`t.me/<bot>?start=hw_...`) arrives as a private `/start hw_...`
//! from the student; getChatMember answers "left" for someone not in the group; a private
//! chat with a user who never wrote to the bot refuses sendMessage with 403. A class of 20:
//! one outside the group, one trying twice, one after the deadline, one whose name is a
//! formula, one on a question when the bot restarts, one on a question when the teacher
//! closes it; then the summary, and the teacher's CSV through `/report`.

use crate::support;

use serde_json::Value;

use debate_bot::i18n::Lang;
use debate_bot::settings::QuizSettings;

use support::fake_api::{BOT_USERNAME, Call, TgUser, visible};
use support::group_chat::GroupChat;

const GROUP: i64 = -1_002_000_000_077;

fn say(key: &str, args: &[(&str, &str)]) -> String {
    support::say(Lang::Zh, key, args)
}

fn person(id: i64, name: &str) -> TgUser {
    TgUser::new(id, name, Some("zh-hans"))
}

/// The URL of the first link button under a message the bot sent.
fn link_of(call: &Call) -> Option<String> {
    call.body
        .get("reply_markup")?
        .get("inline_keyboard")?
        .as_array()?
        .iter()
        .flat_map(|row| row.as_array().into_iter().flatten())
        .find_map(|b| b.get("url").and_then(Value::as_str).map(String::from))
}

fn to(call: &Call, method: &str, chat: i64) -> bool {
    call.method == method && call.chat_id() == Some(chat)
}

struct Class(GroupChat);
support::group_chat::derefs_to_group_chat!(Class);

impl Class {
    async fn start() -> Class {
        let quiz = QuizSettings {
            questions: 2,
            question_seconds: 30,
            max_questions: 20,
            pictures: true,
        };
        Class(GroupChat::start(GROUP, quiz).await)
    }

    /// The `n`th (from 0) call of `method` to `chat`.
    async fn nth_to(&self, method: &str, chat: i64, n: usize) -> Call {
        self.api
            .wait_until(&format!("{method} #{n} to {chat}"), |calls| {
                calls.iter().filter(|c| to(c, method, chat)).nth(n).cloned()
            })
            .await
    }

    fn count_to(&self, method: &str, chat: i64) -> usize {
        self.api
            .calls()
            .iter()
            .filter(|c| to(c, method, chat))
            .count()
    }

    /// `text` from `user` in their private chat; answers the bot's next message there.
    async fn private(&self, user: &TgUser, text: &str) -> Call {
        let before = self.count_to("sendMessage", user.id);
        self.api.private_text(user, text);
        let call = self.nth_to("sendMessage", user.id, before).await;
        assert!(call.ok(), "{}", call.response);
        call
    }

    /// The student opens the card's link and presses Start: the first question.
    async fn begin(&self, student: &TgUser, code: &str) -> Call {
        let intro = self.private(student, &format!("/start hw_{code}")).await;
        let buttons = intro.buttons();
        let (label, data) = buttons
            .first()
            .and_then(|row| row.first())
            .unwrap_or_else(|| panic!("a Start button: {}", visible(&intro)));
        assert_eq!(*label, say("hw_button_start", &[]));
        let polls = self.count_to("sendPoll", student.id);
        self.api.press(student, &intro, data);
        let poll = self.nth_to("sendPoll", student.id, polls).await;
        // The introduction now says it started, in place.
        let edit = self
            .api
            .wait_for("the introduction replaced", |c| {
                c.method == "editMessageText" && c.body["message_id"] == intro.message_id()
            })
            .await;
        assert!(edit.ok(), "{}", edit.response);
        assert!(
            visible(&edit).starts_with(&say_until_count("hw_started")),
            "{}",
            visible(&edit)
        );
        poll
    }

    /// Answers `poll` (a sendPoll call): right or not.
    fn answer(&self, poll: &Call, student: &TgUser, right: bool) {
        let correct = poll.body["correct_option_ids"][0].as_u64().expect("a quiz") as u8;
        let options = poll.body["options"].as_array().map_or(0, Vec::len) as u8;
        let option = if right {
            correct
        } else {
            (correct + 1) % options
        };
        let poll_id = poll.poll()["id"].as_str().expect("a poll id");
        self.api.poll_answer(poll_id, student, &[option]);
    }

    /// A whole attempt: begins it and answers each question in turn; answers the result.
    async fn take(&self, student: &TgUser, code: &str, right: &[bool]) -> String {
        let mut poll = self.begin(student, code).await;
        let messages = self.count_to("sendMessage", student.id);
        for (i, &r) in right.iter().enumerate() {
            self.answer(&poll, student, r);
            if i + 1 < right.len() {
                poll = self.nth_to("sendPoll", student.id, i + 1).await;
            }
        }
        visible(&self.nth_to("sendMessage", student.id, messages).await)
    }
}

#[tokio::test]
async fn a_class_takes_homework_in_private_and_the_teacher_gets_the_report() {
    let mut class = Class::start().await;
    let teacher = person(1, "王老师");
    let students: Vec<TgUser> = (0..20)
        .map(|i| match i {
            3 => person(103, "=HYPERLINK(\"x\")"),
            i => person(100 + i, &format!("学生{i:02}")),
        })
        .collect();
    // Members of the group are seen in it; 学生19 never is.
    for s in &students[..19] {
        class.api.group_text(GROUP, s, "大家好");
    }
    let card = class.say(&teacher, "/assign 2 20s 1h").await;
    let url = link_of(&card).expect("the card's link button");
    let prefix = format!("https://t.me/{BOT_USERNAME}?start=hw_");
    let code = url.strip_prefix(&prefix).expect("a deep link").to_string();
    assert!(
        visible(&card).contains(&say(
            "hw_card_pace",
            &[("count", "2"), ("seconds", "20"), ("name", "王老师")]
        )),
        "{}",
        visible(&card)
    );

    // Fifteen students take it, one at a time: 学生00 all right, the others one of two.
    let first = class.take(&students[0], &code, &[true, true]).await;
    assert!(
        first.starts_with(&say(
            "hw_result_title",
            &[("number", "1"), ("right", "2"), ("total", "2")]
        )),
        "{first}"
    );
    for s in &students[1..15] {
        let result = class.take(s, &code, &[false, true]).await;
        assert!(
            result.contains("1/2") || result.contains("答对 1/2"),
            "{result}"
        );
    }
    // The card is redrawn with how many finished (at most every 30 s: at least once).
    let edit = class
        .api
        .wait_for("the card redrawn", |c| {
            c.method == "editMessageText" && c.body["message_id"] == card.message_id()
        })
        .await;
    assert!(edit.ok(), "{}", edit.response);
    assert_eq!(
        link_of(&edit).as_deref(),
        Some(url.as_str()),
        "the link stays"
    );

    // A second try: the first attempt's result, no new question.
    let polls = class.count_to("sendPoll", students[0].id);
    let again = class
        .private(&students[0], &format!("/start hw_{code}"))
        .await;
    assert!(visible(&again).starts_with(&say(
        "hw_result_title",
        &[("number", "1"), ("right", "2"), ("total", "2")]
    )));
    assert!(again.buttons().is_empty());
    assert_eq!(class.count_to("sendPoll", students[0].id), polls);

    // Outside the group: getChatMember says "left".
    let outside = class
        .private(&students[19], &format!("/start hw_{code}"))
        .await;
    assert_eq!(visible(&outside), say("hw_not_member", &[]));
    let asked = class
        .api
        .calls_of("getChatMember")
        .into_iter()
        .find(|c| c.body["user_id"] == students[19].id)
        .expect("Telegram asked");
    assert_eq!(asked.result()["status"], "left");

    // A restart while 学生15 is on her first question: her answer, cast in time and
    // delivered after the restart, counts.
    let poll = class.begin(&students[15], &code).await;
    class.stop().await;
    class.answer(&poll, &students[15], true);
    class.start_again().await;
    let second = class.nth_to("sendPoll", students[15].id, 1).await;
    class.answer(&second, &students[15], true);
    let result = class.nth_to("sendMessage", students[15].id, 1).await;
    assert!(
        visible(&result).starts_with(&say(
            "hw_result_title",
            &[("number", "1"), ("right", "2"), ("total", "2")]
        )),
        "{}",
        visible(&result)
    );

    // 学生16 is on a question when the teacher closes it: her poll is stopped, she is told.
    let open = class.begin(&students[16], &code).await;
    let before = class.api.count("sendMessage");
    class.api.group_text(GROUP, &teacher, "/assign close");
    let summary = class
        .api
        .wait_until("the summary", |calls| {
            calls[..]
                .iter()
                .filter(|c| to(c, "sendMessage", GROUP))
                .find(|c| {
                    c.seq > card.seq
                        && visible(c).starts_with(&say(
                            "hw_summary_title",
                            &[("number", "1"), ("finished", "16"), ("started", "17")],
                        ))
                })
                .cloned()
        })
        .await;
    let stop = class
        .api
        .wait_for("her poll stopped", |c| {
            c.method == "stopPoll" && c.body["message_id"] == open.message_id()
        })
        .await;
    assert!(stop.ok(), "{}", stop.response);
    let late = class.nth_to("sendMessage", students[16].id, 1).await;
    assert!(visible(&late).contains(&say("hw_result_late", &[])));
    assert!(class.api.count("sendMessage") > before);
    let text = visible(&summary);
    assert!(text.contains("🥇 学生00 — 2/2"), "{text}");
    // The teacher never wrote to the bot privately: the summary says how to get the report,
    // and the bot never tried to write to them (Telegram would refuse it: 403).
    assert!(text.contains(&say("hw_summary_report_start", &[("name", "王老师")])));
    assert_eq!(
        link_of(&summary),
        Some(format!("https://t.me/{BOT_USERNAME}?start=report_{code}"))
    );
    assert_eq!(class.count_to("sendDocument", teacher.id), 0);

    // After the deadline (closed): the link says so.
    let after = class
        .private(&students[17], &format!("/start hw_{code}"))
        .await;
    assert!(
        visible(&after).starts_with(&say_until_date("hw_closed")),
        "{}",
        visible(&after)
    );

    // The teacher's /report in the group: the CSV, every formula written as text.
    let documents = class.api.count("sendDocument");
    class.api.group_text(GROUP, &teacher, "/report");
    let sent = class.api.wait_nth("sendDocument", documents).await;
    assert!(sent.ok(), "{}", sent.response);
    assert_eq!(sent.chat_id(), Some(GROUP));
    let file = class.api.document(&sent);
    assert_eq!(file.file_name, "homework-1.csv");
    let text = String::from_utf8(file.bytes).unwrap();
    let mut reader = csv::Reader::from_reader(text.trim_start_matches('\u{feff}').as_bytes());
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), 17, "one row per student who started");
    let formula = rows
        .iter()
        .find(|r| &r[0] == "103")
        .expect("the formula's row");
    assert_eq!(&formula[1], "'=HYPERLINK(\"x\")");
    for row in &rows {
        for cell in row.iter() {
            assert!(
                !cell.starts_with(['=', '+', '-', '@', '\t', '\r']),
                "a cell a spreadsheet would run: {cell:?}"
            );
        }
    }
}

/// A sentence's text up to its count.
fn say_until_count(key: &str) -> String {
    support::say_until(Lang::Zh, key, &[], "count")
}

/// `hw_closed`'s text up to its date (the date is the moment the teacher closed it).
fn say_until_date(key: &str) -> String {
    support::say_until(Lang::Zh, key, &[("zone", "Asia/Shanghai")], "date")
}
