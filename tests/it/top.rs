//! The group's record through the core alone, at times the test chooses: `/top` over all
//! time and the last 7 and 30 days, `/top reset` and its button, and `/report all`. What the
//! core answers is what any adapter carries out, so these tests assert what a user would see.
//! (Homework in the group's `/top` and `/report all`: `homework_core.rs`.)

use crate::support;

use debate_bot::core::{Core, Handled, Incoming, Input, Platform, PollOf, Pressed};
use debate_bot::effect::Effect;
use debate_bot::i18n::Lang;
use debate_bot::limits::Verdict;
use debate_bot::settings::{DebateSettings, HomeworkSettings, QuizSettings};
use debate_bot::store::{Recorded, Store};
use debate_bot::vocab::{ChatKind, Members, Membership, Millis, Place, Player, PollSpec};
use futures::future::BoxFuture;

const T0: Millis = Millis(1_720_742_400_000);
const HOUR: i64 = 3_600_000;
const DAY: i64 = 24 * HOUR;
const GROUP: i64 = -1_005_678;

/// The platform of a message or a press: whether its sender administers the chat; a budget
/// and edits that always fit.
struct Sender {
    admin: bool,
}

impl Members for Sender {
    fn membership(&self, _chat: i64) -> BoxFuture<'_, Membership> {
        Box::pin(std::future::ready(Membership::Member))
    }
}

impl Platform for Sender {
    fn sender_is_admin(&self) -> BoxFuture<'_, bool> {
        Box::pin(std::future::ready(self.admin))
    }

    fn budget(&self) -> Verdict {
        Verdict::Send
    }

    fn may_edit(&self, _reply: &debate_bot::app::Reply) -> bool {
        true
    }

    fn replies_per_minute(&self) -> u32 {
        20
    }

    fn stale_minutes(&self) -> u32 {
        10
    }
}

const MEMBER: Sender = Sender { admin: false };
const ADMIN: Sender = Sender { admin: true };

fn person(id: i64, name: &str) -> Player {
    Player {
        id,
        name: name.into(),
        language_code: Some("zh-hans".into()),
    }
}

/// The core over a database of its own.
struct Class {
    core: Core,
}

impl Class {
    async fn new() -> Class {
        let store = Store::open(&support::temp_database()).await.unwrap();
        let quiz = QuizSettings {
            questions: 5,
            question_seconds: 30,
            max_questions: 20,
            // The results as text: what is read here is /top and the record, not the picture.
            pictures: false,
        };
        Class {
            core: Core::new(
                support::app(),
                store,
                quiz,
                DebateSettings::default(),
                HomeworkSettings::default(),
            ),
        }
    }

    /// `text` from `from` in `chat` at `now`: what the core answers.
    async fn say(
        &self,
        chat: i64,
        from: &Player,
        text: &str,
        now: Millis,
        platform: &Sender,
    ) -> Vec<Effect> {
        let parsed = debate_bot::command::parse(text);
        let place = Place::from(chat);
        let incoming = Incoming {
            place,
            kind: place.kind(),
            from,
            text,
            command: parsed.as_ref(),
            bot_username: Some("debate_bot"),
            message_id: Some(41),
            now,
            sent_at: now,
            shared_identity: false,
        };
        self.core
            .handle(Input::Message(incoming), platform)
            .await
            .effects
    }

    /// The one message the core answers to `text`, as read.
    async fn ask(&self, chat: i64, from: &Player, text: &str, now: Millis) -> String {
        self.ask_as(chat, from, text, now, &MEMBER).await
    }

    async fn ask_as(
        &self,
        chat: i64,
        from: &Player,
        text: &str,
        now: Millis,
        platform: &Sender,
    ) -> String {
        match self.say(chat, from, text, now, platform).await.as_slice() {
            [Effect::Send { place, reply }] => {
                assert_eq!(place.chat, chat);
                reply.doc.to_plain()
            }
            other => panic!("not one message: {other:#?}"),
        }
    }

    /// A button pressed by `from` under a message in `chat` at `now`.
    async fn press(
        &self,
        chat: i64,
        from: &Player,
        data: &str,
        now: Millis,
        platform: &Sender,
    ) -> Handled {
        let kind = Place::from(chat).kind();
        let press = Pressed {
            chat: Some((chat, kind)),
            from,
            data,
            now,
        };
        self.core.handle(Input::Press(press), platform).await
    }

    /// A quiz started by `starter` in `chat` at `at`, one question every 10 s, each answered
    /// a second after it is sent by each of `answers` (right or wrong, question by question);
    /// in a group the starter moves on with /next, in a private chat the answer does.
    async fn quiz(&self, chat: i64, starter: &Player, at: Millis, answers: &[(&Player, &[bool])]) {
        let count = answers[0].1.len();
        let mut effects = self
            .say(chat, starter, &format!("/quiz {count}"), at, &MEMBER)
            .await;
        for q in 0..count {
            let (quiz, index, spec) = question_in(&effects);
            assert_eq!(index, q as i64);
            let sent = at + q as i64 * 10_000;
            let poll_id = format!("p{quiz}-{q}");
            let poll = PollOf::Question { quiz, index };
            let input = Input::PollSent {
                poll,
                poll_id: &poll_id,
                message_id: 100 + index,
                now: sent,
            };
            self.core.handle(input, &MEMBER).await;
            effects = Vec::new();
            for (player, rights) in answers {
                let option = if rights[q] {
                    spec.correct
                } else {
                    (spec.correct + 1) % spec.options.len()
                };
                let answered = self
                    .core
                    .handle(
                        Input::PollAnswer {
                            poll_id: &poll_id,
                            from: player,
                            option_ids: &[option as u8],
                            now: sent + 1_000,
                            shared_identity: false,
                        },
                        &MEMBER,
                    )
                    .await;
                assert_eq!(answered.recorded.map(|r| r.1), Some(Recorded::Counted));
                effects.extend(answered.effects);
            }
            if Place::from(chat).kind() == ChatKind::Group {
                effects = self
                    .say(chat, starter, "/next", sent + 2_000, &MEMBER)
                    .await;
            }
        }
        let results = support::say_until(Lang::Zh, "quiz_results_title", &[], "count");
        assert!(
            support::messages(&effects)
                .iter()
                .any(|m| m.starts_with(&results)),
            "the quiz is over: {effects:#?}"
        );
    }
}

/// The question a quiz sends among `effects`.
fn question_in(effects: &[Effect]) -> (debate_bot::vocab::QuizId, i64, PollSpec) {
    effects
        .iter()
        .find_map(|e| match e {
            Effect::QuizPoll {
                quiz, index, poll, ..
            } => Some((*quiz, *index, poll.clone())),
            _ => None,
        })
        .unwrap_or_else(|| panic!("no question: {effects:#?}"))
}

fn zh(key: &str, args: &[(&str, &str)]) -> String {
    support::say(Lang::Zh, key, args)
}

/// /top as the teacher (who answered nothing) sees it: the title, a line under it if any, the
/// students' lines (name, right answers, answers) with medals for three, and "no results yet".
fn top(title: String, under: Option<String>, rows: &[(&str, usize, usize)]) -> String {
    let mut lines = vec![title];
    lines.extend(under);
    for (rank, (name, correct, answers)) in rows.iter().enumerate() {
        let medal = ["🥇 ", "🥈 ", "🥉 "].get(rank).copied().unwrap_or_default();
        let (rank, correct, answers) = (
            (rank + 1).to_string(),
            correct.to_string(),
            answers.to_string(),
        );
        let line = zh(
            "top_line",
            &[
                ("rank", &rank),
                ("name", name),
                ("correct", &correct),
                ("answers", &answers),
            ],
        );
        lines.push(format!("{medal}{line}"));
    }
    lines.push(String::new());
    lines.push(zh("top_you_none", &[]));
    lines.join("\n")
}

/// `/top`, `/top week` and `/top month` count the answers of their days; `/top reset` (asked
/// of an admin, confirmed with its button by an admin) starts a new period from which every
/// form counts, and deletes nothing.
#[tokio::test]
async fn top_counts_the_answers_of_its_period_and_reset_starts_a_new_one() {
    let class = Class::new().await;
    let teacher = person(2_000, "王老师");
    let (a, b, c) = (
        person(3_001, "学生甲"),
        person(3_002, "学生乙"),
        person(3_003, "学生丙"),
    );
    // 40 days ago, 20 days ago and 3 days ago.
    class
        .quiz(GROUP, &teacher, T0 - 40 * DAY, &[(&a, &[true])])
        .await;
    class
        .quiz(
            GROUP,
            &teacher,
            T0 - 20 * DAY,
            &[(&b, &[true, true]), (&c, &[true, false])],
        )
        .await;
    class
        .quiz(
            GROUP,
            &teacher,
            T0 - 3 * DAY,
            &[(&c, &[true, true]), (&a, &[true, false])],
        )
        .await;

    assert_eq!(
        class.ask(GROUP, &teacher, "/top", T0).await,
        top(
            zh("top_title", &[]),
            None,
            &[("学生丙", 3, 4), ("学生乙", 2, 2), ("学生甲", 2, 3)]
        )
    );
    assert_eq!(
        class.ask(GROUP, &teacher, "/top month", T0).await,
        top(
            zh("top_title_month", &[]),
            None,
            &[("学生丙", 3, 4), ("学生乙", 2, 2), ("学生甲", 1, 2)]
        )
    );
    assert_eq!(
        class.ask(GROUP, &teacher, "/top WEEK", T0).await,
        top(
            zh("top_title_week", &[]),
            None,
            &[("学生丙", 2, 2), ("学生甲", 1, 2)]
        )
    );
    // Nothing in the last 7 days, a month on.
    assert_eq!(
        class.ask(GROUP, &teacher, "/top week", T0 + 30 * DAY).await,
        zh("top_empty_week", &[])
    );
    assert_eq!(
        class.ask(GROUP, &teacher, "/top 7", T0).await,
        zh("top_usage", &[])
    );

    // /top reset: a member is refused, an admin is asked to confirm with a button.
    assert_eq!(
        class.ask(GROUP, &a, "/top reset", T0).await,
        zh("top_reset_only_admins", &[])
    );
    let asked = class.say(GROUP, &teacher, "/top reset", T0, &ADMIN).await;
    let [Effect::Send { reply, .. }] = asked.as_slice() else {
        panic!("not one question: {asked:#?}");
    };
    assert_eq!(reply.doc.to_plain(), zh("top_reset_ask", &[]));
    let [button] = reply.buttons.concat().try_into().expect("one button");
    assert_eq!(button.label, zh("button_top_reset", &[]));
    // Asking changed nothing yet; a member's press changes nothing either.
    assert!(
        class
            .ask(GROUP, &teacher, "/top", T0)
            .await
            .starts_with(&zh("top_title", &[]))
    );
    let pressed = class
        .press(GROUP, &a, &button.data, T0 + HOUR, &MEMBER)
        .await;
    assert_eq!(
        pressed.effects,
        [Effect::AnswerPress {
            notice: Some(zh("top_reset_only_admins", &[]))
        }]
    );
    assert!(
        class
            .ask(GROUP, &teacher, "/top", T0)
            .await
            .starts_with(&zh("top_title", &[]))
    );

    // An admin's press: the question becomes the line that says when the period began.
    let reset_at = T0 + HOUR;
    // In the shipped config's time zone.
    let date = [("date", "2024-07-12 09:00"), ("zone", "Asia/Shanghai")];
    let pressed = class
        .press(GROUP, &teacher, &button.data, reset_at, &ADMIN)
        .await;
    match pressed.effects.as_slice() {
        [
            Effect::AnswerPress { notice: None },
            Effect::EditPressed { reply },
        ] => assert_eq!(reply.doc.to_plain(), zh("top_reset_done", &date)),
        other => panic!("not an edit: {other:#?}"),
    }
    let since = zh("top_empty_since", &date);
    for form in ["/top", "/top week", "/top month"] {
        assert_eq!(
            class.ask(GROUP, &teacher, form, reset_at + 1).await,
            since,
            "{form}"
        );
    }

    // A quiz after the reset: every form counts it alone.
    class
        .quiz(GROUP, &teacher, T0 + 2 * HOUR, &[(&b, &[false, true])])
        .await;
    let now = T0 + 3 * HOUR;
    assert_eq!(
        class.ask(GROUP, &teacher, "/top", now).await,
        top(zh("top_title_since", &date), None, &[("学生乙", 1, 2)])
    );
    let from = Some(zh("top_period_from", &date));
    assert_eq!(
        class.ask(GROUP, &teacher, "/top week", now).await,
        top(zh("top_title_week", &[]), from.clone(), &[("学生乙", 1, 2)])
    );
    // Once the reset is older than the window, the window alone counts.
    assert_eq!(
        class
            .ask(GROUP, &teacher, "/top week", T0 + 7 * DAY + 90 * 60_000)
            .await,
        top(zh("top_title_week", &[]), None, &[("学生乙", 1, 2)])
    );
    // Nothing was deleted: the whole record still has every quiz.
    let record = report_all(&class.say(GROUP, &teacher, "/report all", now, &ADMIN).await);
    assert_eq!(record.rows.len(), 1 + 2 + 2 + 1, "{:#?}", record.rows);
}

/// A file the core sends, read: its name, caption, and rows after the header (checked).
struct Report {
    name: String,
    caption: String,
    rows: Vec<Vec<String>>,
}

const RECORD_HEADER: &str =
    "date,kind,quiz_id,assignment,user_id,user,questions,right_answers,points,accuracy";

/// The one document among `effects`, read as `/report all` writes it.
fn report_all(effects: &[Effect]) -> Report {
    let [
        Effect::Document {
            name,
            bytes,
            caption,
            ..
        },
    ] = effects
    else {
        panic!("not one document: {effects:#?}");
    };
    let text = std::str::from_utf8(bytes).unwrap();
    let text = text.strip_prefix('\u{FEFF}').expect("a byte-order mark");
    assert_eq!(text.lines().next(), Some(RECORD_HEADER));
    let rows = csv::Reader::from_reader(text.as_bytes())
        .records()
        .map(|r| r.unwrap().iter().map(str::to_string).collect())
        .collect();
    Report {
        name: name.clone(),
        caption: caption.clone(),
        rows,
    }
}

/// `/report all` is a group's admins' (anyone's in a private chat, for their own): one row per
/// student per quiz, oldest first, a name that would start a formula written as text.
#[tokio::test]
async fn report_all_has_a_row_per_student_per_quiz_for_a_groups_admins() {
    let class = Class::new().await;
    let teacher = person(2_000, "王老师");
    let a = person(3_001, "学生甲");
    let b = person(3_002, "学生乙");
    let hacker = person(3_003, "=HYPERLINK(\"http://x\",\"y\")");
    // 学生甲's own quiz in a private chat, three days ago: not the group's.
    class.quiz(a.id, &a, T0 - 3 * DAY, &[(&a, &[true])]).await;
    class
        .quiz(
            GROUP,
            &teacher,
            T0 - 2 * DAY,
            &[(&a, &[true, true]), (&hacker, &[true, false])],
        )
        .await;
    class
        .quiz(GROUP, &teacher, T0 - DAY, &[(&b, &[true]), (&a, &[false])])
        .await;

    // A member may not have the record; an admin may.
    assert_eq!(
        class.ask(GROUP, &b, "/report all", T0).await,
        zh("report_all_only_admins", &[])
    );
    let report = report_all(&class.say(GROUP, &teacher, "/report all", T0, &ADMIN).await);
    assert_eq!(report.name, "report-all-2024-07-12.csv");
    assert_eq!(report.caption, zh("report_all_caption", &[("count", "4")]));
    let first = report.rows[0][2].clone();
    let second = report.rows[2][2].clone();
    assert_ne!(first, second);
    // In the shipped config's time zone.
    let (day2, day1) = ("2024-07-10T08:00:00+08:00", "2024-07-11T08:00:00+08:00");
    let guarded = "'=HYPERLINK(\"http://x\",\"y\")";
    assert_eq!(
        report.rows,
        [
            [
                day2,
                "live",
                &first,
                "",
                "3001",
                "学生甲",
                "2",
                "2",
                "",
                "100.0%"
            ],
            [
                day2, "live", &first, "", "3003", guarded, "2", "1", "", "50.0%"
            ],
            [
                day1,
                "live",
                &second,
                "",
                "3002",
                "学生乙",
                "1",
                "1",
                "",
                "100.0%"
            ],
            [
                day1,
                "live",
                &second,
                "",
                "3001",
                "学生甲",
                "1",
                "0",
                "",
                "0.0%"
            ],
        ]
        .map(|row| row.map(str::to_string).to_vec())
    );

    // In a private chat, anyone's own.
    let own = report_all(&class.say(a.id, &a, "/report all", T0, &MEMBER).await);
    assert_eq!(own.caption, zh("report_all_caption", &[("count", "1")]));
    assert_eq!(
        own.rows[0][..8],
        [
            "2024-07-09T08:00:00+08:00",
            "live",
            own.rows[0][2].as_str(),
            "",
            "3001",
            "学生甲",
            "1",
            "1"
        ]
    );
    // A group with no quiz has no record.
    assert_eq!(
        class.ask_as(-77, &teacher, "/report all", T0, &ADMIN).await,
        zh("quiz_no_report", &[])
    );
}
