//! Homework through the core alone, at times the test chooses: `/assign` in a group, each
//! student's attempt in a private chat (deep link, Start, the questions one at a time), the
//! card, the deadline with the group's summary and the teacher's report, and a restart. A
//! small interpreter here plays the adapter: it reports sent polls and posted messages back,
//! and keeps the wake-ups, as Telegram's adapter and the terminal do.

use crate::support;

use std::sync::Mutex;

use debate_bot::app::Reply;
use debate_bot::command;
use debate_bot::core::{Core, Incoming, Input, Platform, PollOf, Pressed, Unlimited};
use debate_bot::effect::{Effect, Link};
use debate_bot::i18n::Lang;
use debate_bot::limits::Verdict;
use debate_bot::settings::{DebateSettings, HomeworkSettings, QuizSettings};
use debate_bot::store::Store;
use debate_bot::vocab::{Members, Membership, Millis, Place, Player, PollSpec, Timer};
use futures::future::BoxFuture;

/// 2026-12-07 12:00 in Shanghai.
const T0: Millis = Millis(1_796_616_000_000);
const GROUP: i64 = -1_002_000_000_001;
const DAY: i64 = 86_400_000;

/// What the platform answers about the sender: whether they are an admin here, and where
/// they stand in the group a link is for.
struct Asked {
    admin: bool,
    membership: Membership,
}

impl Asked {
    fn member() -> Asked {
        Asked {
            admin: false,
            membership: Membership::Member,
        }
    }

    fn outsider() -> Asked {
        Asked {
            admin: false,
            membership: Membership::Outside,
        }
    }
}

impl Members for Asked {
    fn membership(&self, chat: i64) -> BoxFuture<'_, Membership> {
        assert_eq!(chat, GROUP, "membership asked of the homework's group");
        Box::pin(std::future::ready(self.membership))
    }
}

impl Platform for Asked {
    fn sender_is_admin(&self) -> BoxFuture<'_, bool> {
        Box::pin(std::future::ready(self.admin))
    }

    fn budget(&self) -> Verdict {
        Verdict::Send
    }

    fn may_edit(&self, _reply: &Reply) -> bool {
        true
    }

    fn replies_per_minute(&self) -> u32 {
        20
    }

    fn stale_minutes(&self) -> u32 {
        10
    }
}

/// A poll as a student sees it, and the ids it was sent with.
#[derive(Debug, Clone)]
struct SentPoll {
    place: Place,
    poll_id: String,
    spec: PollSpec,
}

/// The core and what its adapter would keep: sent polls, wake-ups, the card's id.
struct Class {
    core: Core,
    store: Store,
    polls: Mutex<Vec<SentPoll>>,
    wakes: Mutex<Vec<(Millis, Timer)>>,
    next_id: Mutex<i64>,
}

/// What a chat was shown: its texts (as read), link buttons, documents.
#[derive(Debug, Default)]
struct Shown {
    texts: Vec<(Place, String)>,
    links: Vec<Link>,
    edits: Vec<(i64, String)>,
    documents: Vec<(Place, String, Vec<u8>)>,
    stopped: Vec<i64>,
    buttons: Vec<String>,
    pictures: usize,
}

impl Shown {
    fn text_in(&self, place: Place) -> String {
        self.texts
            .iter()
            .filter(|(p, _)| *p == place)
            .map(|(_, t)| t.as_str())
            .collect::<Vec<_>>()
            .join("\n")
    }

    fn all(&self) -> String {
        self.texts
            .iter()
            .map(|(_, t)| t.as_str())
            .collect::<Vec<_>>()
            .join("\n")
    }
}

fn settings() -> HomeworkSettings {
    HomeworkSettings { default_hours: 48 }
}

async fn class_over(store: Store) -> Class {
    let quiz = QuizSettings {
        questions: 5,
        question_seconds: 30,
        max_questions: 20,
        pictures: true,
    };
    Class {
        core: Core::new(
            support::app(),
            store.clone(),
            quiz,
            DebateSettings::default(),
            settings(),
        ),
        store,
        polls: Mutex::new(Vec::new()),
        wakes: Mutex::new(Vec::new()),
        next_id: Mutex::new(100),
    }
}

async fn class() -> Class {
    class_over(Store::open(&support::temp_database()).await.unwrap()).await
}

fn person(id: i64, name: &str) -> Player {
    Player {
        id,
        name: name.into(),
        language_code: Some("zh-hans".into()),
    }
}

impl Class {
    /// `text` from `from` in `chat` at `now`.
    async fn say(&self, chat: i64, from: &Player, text: &str, now: Millis, asked: &Asked) -> Shown {
        let parsed = command::parse(text);
        let place = Place::from(chat);
        let input = Input::Message(Incoming {
            place,
            kind: place.kind(),
            from,
            text,
            command: parsed.as_ref(),
            bot_username: Some("debate_bot"),
            message_id: Some(7),
            now,
            sent_at: now,
            shared_identity: false,
        });
        let handled = self.core.handle(input, asked).await;
        assert!(!handled.failed, "storage failed");
        self.carry_out(handled.effects, now).await
    }

    async fn press(&self, from: &Player, chat: i64, data: &str, now: Millis) -> Shown {
        let kind = Place::from(chat).kind();
        let input = Input::Press(Pressed {
            chat: Some((chat, kind)),
            from,
            data,
            now,
        });
        let handled = self.core.handle(input, &Asked::member()).await;
        self.carry_out(handled.effects, now).await
    }

    /// The student answers their open question: right when `right`.
    async fn answer(&self, student: &Player, right: bool, now: Millis) -> Shown {
        let open = self.open_poll(student.id).expect("an open question");
        let option = if right {
            open.spec.correct
        } else {
            (open.spec.correct + 1) % open.spec.options.len()
        } as u8;
        let input = Input::PollAnswer {
            poll_id: &open.poll_id,
            from: student,
            shared_identity: false,
            option_ids: &[option],
            now,
        };
        let handled = self.core.handle(input, &Unlimited).await;
        self.carry_out(handled.effects, now).await
    }

    /// The last poll sent to `chat`, if any.
    fn open_poll(&self, chat: i64) -> Option<SentPoll> {
        let polls = self.polls.lock().unwrap();
        polls.iter().rev().find(|p| p.place.chat == chat).cloned()
    }

    fn polls_to(&self, chat: i64) -> Vec<SentPoll> {
        let polls = self.polls.lock().unwrap();
        polls
            .iter()
            .filter(|p| p.place.chat == chat)
            .cloned()
            .collect()
    }

    /// Every wake-up due by `now`, in time order, as the adapter's timers fire them.
    async fn run_timers(&self, now: Millis) -> Shown {
        let mut shown = Shown::default();
        loop {
            let due = {
                let mut wakes = self.wakes.lock().unwrap();
                wakes.sort_by_key(|(at, _)| *at);
                match wakes.first() {
                    Some(&(at, _)) if at <= now => Some(wakes.remove(0)),
                    _ => None,
                }
            };
            let Some((at, timer)) = due else {
                return shown;
            };
            // Each fires at its time, as the adapter's timers do.
            let handled = self
                .core
                .handle(Input::Due { timer, now: at }, &Unlimited)
                .await;
            let more = self.carry_out(handled.effects, at).await;
            shown.texts.extend(more.texts);
            shown.links.extend(more.links);
            shown.edits.extend(more.edits);
            shown.documents.extend(more.documents);
            shown.stopped.extend(more.stopped);
            shown.pictures += more.pictures;
        }
    }

    /// Plays the adapter: shows what is said, sends polls and posts (telling the core their
    /// ids), keeps wake-ups.
    fn carry_out(&self, effects: Vec<Effect>, now: Millis) -> BoxFuture<'_, Shown> {
        Box::pin(async move {
            let mut shown = Shown::default();
            for effect in effects {
                let more = match effect {
                    Effect::Send { place, reply } | Effect::Answer { place, reply, .. } => {
                        shown
                            .buttons
                            .extend(reply.buttons.iter().flatten().map(|b| b.data.clone()));
                        shown.texts.push((place, reply.doc.to_plain()));
                        Vec::new()
                    }
                    Effect::EditPressed { reply } => {
                        shown.texts.push((Place::chat(0), reply.doc.to_plain()));
                        Vec::new()
                    }
                    Effect::Post {
                        place,
                        reply,
                        link,
                        then,
                    } => {
                        shown.texts.push((place, reply.doc.to_plain()));
                        shown.links.extend(link);
                        match then {
                            Some(posted) => {
                                let message_id = self.next_message_id();
                                let input = Input::Posted {
                                    posted,
                                    message_id,
                                    now,
                                };
                                self.core.handle(input, &Unlimited).await.effects
                            }
                            None => Vec::new(),
                        }
                    }
                    Effect::Edit {
                        message_id,
                        reply,
                        link,
                        ..
                    } => {
                        shown.edits.push((message_id, reply.doc.to_plain()));
                        shown.links.extend(link);
                        Vec::new()
                    }
                    Effect::QuizPoll {
                        place,
                        quiz,
                        index,
                        poll,
                    } => {
                        let message_id = self.next_message_id();
                        let poll_id = format!("poll-{message_id}");
                        self.polls.lock().unwrap().push(SentPoll {
                            place,
                            poll_id: poll_id.clone(),
                            spec: poll,
                        });
                        let input = Input::PollSent {
                            poll: PollOf::Question { quiz, index },
                            poll_id: &poll_id,
                            message_id,
                            now,
                        };
                        self.core.handle(input, &Unlimited).await.effects
                    }
                    Effect::Document {
                        place, name, bytes, ..
                    } => {
                        shown.documents.push((place, name, bytes));
                        Vec::new()
                    }
                    Effect::Photo {
                        place,
                        scene,
                        caption,
                        ..
                    } => {
                        let png = debate_picture::png(&scene).expect("drawn");
                        assert_eq!(&png[1..4], b"PNG");
                        shown.pictures += 1;
                        shown.texts.push((place, caption.doc.to_plain()));
                        Vec::new()
                    }
                    Effect::StopPoll { message_id, .. } => {
                        shown.stopped.push(message_id);
                        Vec::new()
                    }
                    Effect::Wake { at, timer } => {
                        self.wakes.lock().unwrap().push((at, timer));
                        Vec::new()
                    }
                    Effect::AnswerPress { notice } => {
                        if let Some(notice) = notice {
                            shown.texts.push((Place::chat(0), notice));
                        }
                        Vec::new()
                    }
                    // The bot's start sets its command menu: nothing a chat sees.
                    Effect::Menu { .. } => Vec::new(),
                    other => panic!("homework asked for {other:?}"),
                };
                let more = self.carry_out(more, now).await;
                shown.texts.extend(more.texts);
                shown.links.extend(more.links);
                shown.edits.extend(more.edits);
                shown.documents.extend(more.documents);
                shown.stopped.extend(more.stopped);
                shown.buttons.extend(more.buttons);
                shown.pictures += more.pictures;
            }
            shown
        })
    }

    fn next_message_id(&self) -> i64 {
        let mut id = self.next_id.lock().unwrap();
        *id += 1;
        *id
    }

    /// The teacher sets homework; answers its deep link's code.
    async fn assign(&self, teacher: &Player, args: &str, now: Millis) -> (String, Shown) {
        let shown = self
            .say(
                GROUP,
                teacher,
                &format!("/assign {args}"),
                now,
                &Asked::member(),
            )
            .await;
        let link = shown.links.first().expect("the card's link").clone();
        let code = link
            .url
            .strip_prefix("https://t.me/debate_bot?start=hw_")
            .expect("a deep link to the bot")
            .to_string();
        (code, shown)
    }

    /// A student opens the link and presses Start.
    async fn begin(&self, student: &Player, code: &str, now: Millis) -> Shown {
        let intro = self
            .say(
                student.id,
                student,
                &format!("/start hw_{code}"),
                now,
                &Asked::member(),
            )
            .await;
        let start = intro.buttons.first().expect("a Start button").clone();
        self.press(student, student.id, &start, now).await
    }
}

fn say(key: &str, args: &[(&str, &str)]) -> String {
    support::say(Lang::Zh, key, args)
}

/// The whole of it: the card with its deep link; students who start by the link take the
/// same questions one at a time, each as soon as they answered the last; the card counts who
/// finished; a second link shows the result; a student outside the group is refused; at the
/// deadline the running attempt ends, the group gets the summary and the teacher, who has
/// no private chat with the bot, a button for the report, whose CSV is safe to open.
#[tokio::test]
async fn homework_from_the_card_to_the_teachers_report() {
    let class = class().await;
    let teacher = person(1, "王老师");
    let (code, card) = class.assign(&teacher, "3 20s 2d", T0).await;
    assert_eq!(code.len(), 12, "{code}");
    let card_text = card.text_in(Place::from(GROUP));
    for part in [
        say(
            "hw_card_pace",
            &[("count", "3"), ("seconds", "20"), ("name", "王老师")],
        ),
        // Noon plus two days, in Shanghai.
        say(
            "hw_card_due",
            &[
                ("date", "2026-12-09 12:00"),
                ("zone", "Asia/Shanghai"),
                ("relative", &say("hw_in_days", &[("count", "2")])),
            ],
        ),
        say("hw_card_finished", &[("finished", "0")]),
    ] {
        assert!(card_text.contains(&part), "{part} in\n{card_text}");
    }
    assert_eq!(card.links[0].label, say("hw_button_take", &[]));

    // A student who answers everything right, one at a time.
    let ana = person(11, "Ana");
    let started = class.begin(&ana, &code, T0 + 60_000).await;
    assert!(
        started
            .all()
            .contains(&say("hw_started", &[("count", "3"), ("seconds", "20")])),
        "{}",
        started.all()
    );
    assert_eq!(class.polls_to(ana.id).len(), 1, "one question at a time");
    let first = class.open_poll(ana.id).unwrap();
    assert!(
        first.spec.question.starts_with("1/3 · "),
        "{}",
        first.spec.question
    );
    assert_eq!(first.spec.open_seconds, 20);
    class.answer(&ana, true, T0 + 65_000).await;
    assert_eq!(class.polls_to(ana.id).len(), 2, "the next at once");
    class.answer(&ana, true, T0 + 70_000).await;
    let done = class.answer(&ana, true, T0 + 75_000).await;
    let result = done.text_in(Place::from(ana.id));
    assert!(
        result.contains(&say(
            "hw_result_title",
            &[("number", "1"), ("right", "3"), ("total", "3")]
        )),
        "{result}"
    );
    assert!(
        result.contains("· ¶"),
        "each question's paragraph: {result}"
    );
    // The card counts her, redrawn by the wake-up her finishing asked for.
    let redrawn = class.run_timers(T0 + 75_000).await;
    let (_, card_now) = redrawn.edits.last().expect("the card redrawn");
    assert!(card_now.contains(&say("hw_card_finished", &[("finished", "1")])));
    // Her link again: her one attempt's result.
    let again = class
        .say(
            ana.id,
            &ana,
            &format!("/start hw_{code}"),
            T0 + 80_000,
            &Asked::member(),
        )
        .await;
    assert!(again.all().contains(&say(
        "hw_result_title",
        &[("number", "1"), ("right", "3"), ("total", "3")]
    )));
    assert_eq!(class.polls_to(ana.id).len(), 3, "no second attempt");

    // Everyone gets the same questions in the same order, the options in an order of their
    // own (the same options, the same right one).
    let ben = person(12, "=HYPERLINK(\"x\")");
    class.begin(&ben, &code, T0 + 90_000).await;
    class.answer(&ben, false, T0 + 95_000).await;
    class.answer(&ben, false, T0 + 96_000).await;
    class.answer(&ben, true, T0 + 97_000).await;
    for (a, b) in class.polls_to(ana.id).iter().zip(class.polls_to(ben.id)) {
        assert_eq!(a.spec.question, b.spec.question);
        let mut options = (a.spec.options.clone(), b.spec.options.clone());
        assert_eq!(
            a.spec.options[a.spec.correct], b.spec.options[b.spec.correct],
            "the same answer"
        );
        options.0.sort();
        options.1.sort();
        assert_eq!(options.0, options.1);
    }

    // Outside the group: one line, no attempt.
    let eve = person(13, "Eve");
    let refused = class
        .say(
            eve.id,
            &eve,
            &format!("/start hw_{code}"),
            T0 + DAY,
            &Asked::outsider(),
        )
        .await;
    assert_eq!(refused.all(), say("hw_not_member", &[]));
    assert!(refused.buttons.is_empty());

    // A student still on question 2 when the deadline comes.
    let deadline = T0 + 2 * DAY;
    let cai = person(14, "Cai");
    class.begin(&cai, &code, deadline - 10_000).await;
    class.answer(&cai, true, deadline - 5_000).await;
    let closed = class.run_timers(deadline).await;
    let cai_sees = closed.text_in(Place::from(cai.id));
    assert!(cai_sees.contains(&say("hw_result_late", &[])), "{cai_sees}");
    assert_eq!(closed.stopped.len(), 1, "her open question is stopped");
    let summary = closed.text_in(Place::from(GROUP));
    assert!(
        summary.contains(&say(
            "hw_summary_title",
            &[("number", "1"), ("finished", "2"), ("started", "3")]
        )),
        "{summary}"
    );
    // Average: (3 + 1 + 1) / 3.
    assert!(summary.contains(&say(
        "hw_summary_average",
        &[("average", "1.7"), ("total", "3")]
    )));
    assert!(summary.contains("🥇 Ana — 3/3"), "{summary}");
    assert_eq!(closed.pictures, 1, "the summary's picture");
    assert!(summary.contains(&say("hw_summary_report_start", &[("name", "王老师")])));
    let report_link = closed.links.last().expect("the report's button");
    assert_eq!(
        report_link.url,
        format!("https://t.me/debate_bot?start=report_{code}")
    );
    assert!(
        closed.documents.is_empty(),
        "no private chat with the teacher"
    );

    // After the deadline the link says so, with the student's result.
    let late = class
        .say(
            ben.id,
            &ben,
            &format!("/start hw_{code}"),
            deadline + 1,
            &Asked::member(),
        )
        .await;
    assert!(
        late.all()
            .contains(&say("hw_your_result", &[("right", "1"), ("total", "3")]))
    );
    let never = person(15, "Dai");
    let late = class
        .say(
            never.id,
            &never,
            &format!("/start hw_{code}"),
            deadline + 1,
            &Asked::member(),
        )
        .await;
    assert_eq!(
        late.all(),
        say(
            "hw_closed",
            &[("date", "2026-12-09 12:00"), ("zone", "Asia/Shanghai")]
        )
    );

    // The teacher presses the report's button: the CSV, one row per student.
    let report = class
        .say(
            teacher.id,
            &teacher,
            &format!("/start report_{code}"),
            deadline + 2,
            &Asked::member(),
        )
        .await;
    let (place, name, bytes) = report.documents.first().expect("the report");
    assert_eq!(*place, Place::chat(teacher.id));
    assert_eq!(name, "homework-1.csv");
    let text = String::from_utf8(bytes.clone()).unwrap();
    let mut reader = csv::Reader::from_reader(text.trim_start_matches('\u{feff}').as_bytes());
    let header: Vec<String> = reader.headers().unwrap().iter().map(String::from).collect();
    assert_eq!(
        header,
        ["user_id", "student", "q1", "q2", "q3", "right", "finished"]
    );
    let rows: Vec<Vec<String>> = reader
        .records()
        .map(|r| r.unwrap().iter().map(String::from).collect())
        .collect();
    assert_eq!(
        rows,
        [
            vec!["11", "Ana", "1", "1", "1", "3", "yes"],
            vec!["14", "Cai", "1", "", "", "1", "no"],
            vec!["12", "'=HYPERLINK(\"x\")", "0", "0", "1", "1", "yes"],
        ]
    );
    // Anyone else pressing it is refused.
    let refused = class
        .say(
            ana.id,
            &ana,
            &format!("/start report_{code}"),
            deadline + 3,
            &Asked::member(),
        )
        .await;
    assert_eq!(refused.all(), say("hw_report_not_yours", &[]));
    assert!(refused.documents.is_empty());
}

/// A teacher who has a private chat with the bot gets the report there at the deadline; and
/// `/report` in the group sends it too, to its teacher or an admin.
#[tokio::test]
async fn the_teacher_with_a_private_chat_gets_the_report_at_the_deadline() {
    let class = class().await;
    let teacher = person(1, "王老师");
    class
        .say(teacher.id, &teacher, "/start", T0, &Asked::member())
        .await;
    // A /start in private is what lets the bot write first; any homework link marks it too.
    let (code, _) = class.assign(&teacher, "2 1h", T0).await;
    class
        .say(
            teacher.id,
            &teacher,
            &format!("/start report_{code}"),
            T0,
            &Asked::member(),
        )
        .await;
    let ana = person(11, "Ana");
    class.begin(&ana, &code, T0 + 1_000).await;
    class.answer(&ana, true, T0 + 2_000).await;
    class.answer(&ana, false, T0 + 3_000).await;
    let closed = class.run_timers(T0 + 3_600_000).await;
    let summary = closed.text_in(Place::from(GROUP));
    assert!(summary.contains(&say("hw_summary_report_sent", &[("name", "王老师")])));
    let (place, _, _) = closed.documents.first().expect("the report in private");
    assert_eq!(*place, Place::chat(teacher.id));
    // The hardest question is the one she got wrong, with where the article answers it.
    let hardest = support::say_until(
        Lang::Zh,
        "hw_summary_hardest",
        &[("number", "2"), ("share", "0")],
        "question",
    );
    assert!(summary.contains(&hardest), "{summary}");
    assert!(
        summary.contains("出处:电厂,2024-07-12,记者 张勇毅,¶"),
        "{summary}"
    );
    // /report in the group: the homework closed after the last quiz began.
    let report = class
        .say(GROUP, &teacher, "/report", T0 + 3_700_000, &Asked::member())
        .await;
    assert_eq!(report.documents.len(), 1);
    assert_eq!(report.documents[0].0, Place::from(GROUP));
    let member = class
        .say(GROUP, &ana, "/report", T0 + 3_700_000, &Asked::member())
        .await;
    assert_eq!(member.all(), say("quiz_only_starter_report", &[]));
}

/// What `/assign` cannot read is refused with the forms, and nothing is set; homework is set
/// in groups; several may run, `/assign list` shows them and `/assign close N` ends one, for
/// its teacher or an admin.
#[tokio::test]
async fn assign_refuses_lists_and_closes() {
    let class = class().await;
    let teacher = person(1, "王老师");
    let zone = [("zone", "Asia/Shanghai")];
    let short = class
        .say(GROUP, &teacher, "/assign 5m", T0, &Asked::member())
        .await;
    assert_eq!(short.all(), say("hw_bad_deadline", &zone));
    let odd = class
        .say(GROUP, &teacher, "/assign soon", T0, &Asked::member())
        .await;
    assert_eq!(odd.all(), say("hw_usage", &zone));
    let private = class
        .say(teacher.id, &teacher, "/assign", T0, &Asked::member())
        .await;
    assert_eq!(private.all(), say("hw_only_groups", &[]));
    assert!(
        class
            .store
            .open_assignments(GROUP)
            .await
            .unwrap()
            .is_empty()
    );

    class.assign(&teacher, "", T0).await;
    class.assign(&teacher, "10 2026-12-10 18:00", T0).await;
    let list = class
        .say(GROUP, &teacher, "/assign list", T0, &Asked::member())
        .await;
    let list = list.all();
    assert!(list.contains(&say("hw_list_title", &[])), "{list}");
    assert!(list.contains("#1 · "), "{list}");
    assert!(
        list.contains("#2 · 10 题 · 截止 2026-12-10 18:00"),
        "{list}"
    );
    let which = class
        .say(GROUP, &teacher, "/assign close", T0, &Asked::member())
        .await;
    assert!(which.all().starts_with(&say("hw_close_which", &[])));
    let student = person(11, "Ana");
    let refused = class
        .say(GROUP, &student, "/assign close 2", T0, &Asked::member())
        .await;
    assert_eq!(refused.all(), say("hw_only_teacher_close", &[]));
    let closed = class
        .say(GROUP, &teacher, "/assign close 2", T0 + 1, &Asked::member())
        .await;
    let closed = closed.all();
    assert!(
        closed.contains(&say(
            "hw_summary_title",
            &[("number", "2"), ("finished", "0"), ("started", "0")]
        )),
        "{closed}"
    );
    assert!(closed.contains(&say("hw_summary_nobody", &[])));
    let unknown = class
        .say(GROUP, &teacher, "/assign close 2", T0 + 2, &Asked::member())
        .await;
    assert_eq!(unknown.all(), say("hw_close_unknown", &[("number", "2")]));
    assert_eq!(class.store.open_assignments(GROUP).await.unwrap().len(), 1);
}

/// Forged links and buttons start nothing: a code the bot never made, a Start button pressed
/// in a group or for someone else's chat.
#[tokio::test]
async fn forged_links_and_buttons_start_nothing() {
    let class = class().await;
    let teacher = person(1, "王老师");
    let (code, _) = class.assign(&teacher, "", T0).await;
    let ana = person(11, "Ana");
    for forged in ["hw_", "hw_AAAAAAAAAAAA", "hw_../../etc", "hw_<b>x</b>"] {
        let said = class
            .say(
                ana.id,
                &ana,
                &format!("/start {forged}"),
                T0,
                &Asked::member(),
            )
            .await;
        assert_eq!(said.all(), say("hw_link_invalid", &[]), "{forged}");
    }
    for (chat, data) in [
        (GROUP, format!("h:{code}")),
        (99, format!("h:{code}")),
        (ana.id, "h:nothing".to_string()),
    ] {
        let pressed = class.press(&ana, chat, &data, T0).await;
        assert_eq!(pressed.all(), say("button_stale", &[]), "{chat} {data}");
    }
    assert!(class.polls_to(ana.id).is_empty());
    // Typed in a group, a homework link opens nothing there.
    let ben = person(12, "Ben");
    let in_group = class
        .say(
            GROUP,
            &ben,
            &format!("/start hw_{code}"),
            T0,
            &Asked::member(),
        )
        .await;
    assert!(in_group.texts.is_empty(), "{in_group:?}");
    assert!(!class.store.has_private_chat(ben.id).await.unwrap());
}

/// A restart in the middle loses nothing: the attempt's question whose poll closed while the
/// bot was down counts as unanswered and the next one comes; the deadline still fires.
#[tokio::test]
async fn a_restart_in_the_middle_loses_nothing() {
    let class = class().await;
    let teacher = person(1, "王老师");
    let (code, _) = class.assign(&teacher, "3 20s 1h", T0).await;
    let ana = person(11, "Ana");
    class.begin(&ana, &code, T0 + 1_000).await;
    class.answer(&ana, true, T0 + 2_000).await;
    // The bot stops; question 2 closes by itself while it is down; it comes back.
    let back = class_over(class.store.clone()).await;
    let now = T0 + 60_000;
    let handled = back.core.handle(Input::Started { now }, &Unlimited).await;
    back.carry_out(handled.effects, now).await;
    let polls = back.polls_to(ana.id);
    assert_eq!(polls.len(), 1, "the next question after the restart");
    assert!(
        polls[0].spec.question.starts_with("3/3 · "),
        "{:?}",
        polls[0]
    );
    let done = back.answer(&ana, true, now + 1_000).await;
    assert!(done.text_in(Place::from(ana.id)).contains(&say(
        "hw_result_title",
        &[("number", "1"), ("right", "2"), ("total", "3")]
    )));
    // The deadline was scheduled again at the restart.
    let closed = back.run_timers(T0 + 3_600_000).await;
    assert!(closed.text_in(Place::from(GROUP)).contains(&say(
        "hw_summary_title",
        &[("number", "1"), ("finished", "1"), ("started", "1")]
    )));
    assert_eq!(
        back.store
            .assignment_by_code(&code)
            .await
            .unwrap()
            .unwrap()
            .closed_at,
        Some(T0 + 3_600_000)
    );
}

/// Homework counts in the group's /top as a live quiz does, and /report all has a row per
/// student per attempt (its kind and the assignment's number) beside the live quizzes', its
/// times in the bot's time zone and a name that would start a formula written as text.
#[tokio::test]
async fn homework_counts_in_the_groups_top_and_report_all() {
    let class = class().await;
    let teacher = person(1, "王老师");
    let (code, _) = class.assign(&teacher, "2 20s 2d", T0).await;
    let ana = person(11, "Ana");
    class.begin(&ana, &code, T0 + 60_000).await;
    class.answer(&ana, true, T0 + 65_000).await;
    class.answer(&ana, true, T0 + 70_000).await;
    let ben = person(12, "=HYPERLINK(\"x\")");
    class.begin(&ben, &code, T0 + 90_000).await;
    class.answer(&ben, false, T0 + 95_000).await;
    class.answer(&ben, false, T0 + 96_000).await;
    // A live quiz in the group an hour later: Ben right, Ana wrong.
    let at = T0 + 3_600_000;
    class
        .say(GROUP, &teacher, "/quiz 1", at, &Asked::member())
        .await;
    let poll = class.open_poll(GROUP).expect("the group's question");
    for (student, right) in [(&ben, true), (&ana, false)] {
        let option = if right {
            poll.spec.correct
        } else {
            (poll.spec.correct + 1) % poll.spec.options.len()
        } as u8;
        let input = Input::PollAnswer {
            poll_id: &poll.poll_id,
            from: student,
            option_ids: &[option],
            now: at + 2_000,
            shared_identity: false,
        };
        class.core.handle(input, &Unlimited).await;
    }
    class
        .say(GROUP, &teacher, "/next", at + 3_000, &Asked::member())
        .await;

    let top = class
        .say(GROUP, &teacher, "/top week", at + 60_000, &Asked::member())
        .await
        .text_in(Place::from(GROUP));
    let line = |rank: &str, name: &str, correct: &str| {
        say(
            "top_line",
            &[
                ("rank", rank),
                ("name", name),
                ("correct", correct),
                ("answers", "3"),
            ],
        )
    };
    assert_eq!(
        top,
        [
            say("top_title_week", &[]),
            format!("🥇 {}", line("1", "Ana", "2")),
            format!("🥈 {}", line("2", &ben.name, "1")),
            String::new(),
            say("top_you_none", &[]),
        ]
        .join("\n")
    );

    let admin = Asked {
        admin: true,
        membership: Membership::Member,
    };
    let shown = class
        .say(GROUP, &teacher, "/report all", at + 60_000, &admin)
        .await;
    let [(place, name, bytes)] = shown.documents.as_slice() else {
        panic!("not one document: {shown:#?}");
    };
    assert_eq!(
        (place.chat, name.as_str()),
        (GROUP, "report-all-2026-12-07.csv")
    );
    let text = std::str::from_utf8(bytes).unwrap();
    let text = text.strip_prefix('\u{FEFF}').expect("a byte-order mark");
    let rows: Vec<Vec<String>> = csv::Reader::from_reader(text.as_bytes())
        .records()
        .map(|r| r.unwrap().iter().map(str::to_string).collect())
        .collect();
    let ids: Vec<&str> = rows.iter().map(|r| r[2].as_str()).collect();
    let expected = [
        [
            "2026-12-07T12:01:00+08:00",
            "homework",
            ids[0],
            "1",
            "11",
            "Ana",
            "2",
            "2",
            "",
            "100.0%",
        ],
        [
            "2026-12-07T12:01:30+08:00",
            "homework",
            ids[1],
            "1",
            "12",
            "'=HYPERLINK(\"x\")",
            "2",
            "0",
            "",
            "0.0%",
        ],
        [
            "2026-12-07T13:00:00+08:00",
            "live",
            ids[2],
            "",
            "12",
            "'=HYPERLINK(\"x\")",
            "1",
            "1",
            "",
            "100.0%",
        ],
        [
            "2026-12-07T13:00:00+08:00",
            "live",
            ids[2],
            "",
            "11",
            "Ana",
            "1",
            "0",
            "",
            "0.0%",
        ],
    ];
    assert_eq!(rows, expected.map(|row| row.map(str::to_string).to_vec()));
    assert!(ids[0] != ids[1] && ids[1] != ids[2]);
}

/// Homework counts as seen in its group, as a quiz does: the group's next homework (or quiz)
/// asks other questions before any repeats.
#[tokio::test]
async fn the_next_homework_asks_other_questions() {
    let class = class().await;
    let teacher = person(1, "王老师");
    let (first, _) = class.assign(&teacher, "5", T0).await;
    let (second, _) = class.assign(&teacher, "5", T0 + 1).await;
    let mut asked = Vec::new();
    for code in [first, second] {
        let row = class.store.assignment_by_code(&code).await.unwrap();
        asked.push(
            row.unwrap()
                .questions
                .into_iter()
                .map(|q| q.id)
                .collect::<Vec<_>>(),
        );
    }
    let (first, second) = (&asked[0], &asked[1]);
    let seen = class.store.seen_questions(GROUP).await.unwrap();
    for q in first.iter().chain(second) {
        assert_eq!(seen.get(q), Some(&1), "{q} seen once: {seen:?}");
    }
    assert_eq!(first.len(), 5);
    assert!(
        first.iter().all(|q| !second.contains(q)),
        "{first:?} then {second:?}"
    );
}
