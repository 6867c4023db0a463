//! What each setting does, end to end against the fake Bot API: every setting an admin
//! changes with `/settings` changes what the group's next quiz or debate does (its seconds,
//! questions, who may start it, its scoring, its language, a debate's minutes), a quiz
//! already running keeps its own values, and `/quiz N Ns` asks for one quiz's pace, with one
//! line naming the allowed range when it is out of it. Expected text comes from the ui files
//! through the same fill function the bot uses.

use crate::settings_telegram::{GROUP, Room, english_student};
use crate::support;

use debate_bot::app::Request;
use debate_bot::i18n::{Lang, fill};
use debate_bot::quiz::pace::{MAX_SECONDS, MIN_SECONDS};
use debate_bot::settings::{Scoring, SettingChange, Starters};
use debate_bot::store::Store;
use debate_bot::vocab::{ChatKind, Round};
use support::people::{student, teacher};
use support::{Call, TgUser, eventually, quiz_intro, ui, visible};

/// A quiz the bot started: its intro and first poll.
struct Started {
    intro: Call,
    poll: Call,
}

impl Started {
    fn open_period(&self) -> u64 {
        self.poll.body["open_period"].as_u64().expect("open_period")
    }

    /// "k/N" in front of the question: N.
    fn total(&self) -> usize {
        let question = self.poll.body["question"].as_str().expect("question");
        let (head, _) = question.split_once(" · ").expect("k/N · in front");
        head.split_once('/').expect("k/N").1.parse().expect("N")
    }
}

impl Room {
    /// `user` sends `/quiz ...`; returns the intro and the first poll.
    async fn quiz(&self, user: &TgUser, text: &str) -> Started {
        let polls = self.api.count("sendPoll");
        let intro = self.say(user, text).await;
        let poll = self.api.wait_nth("sendPoll", polls).await;
        assert!(poll.ok(), "{}", poll.response);
        Started { intro, poll }
    }

    /// `user` sends a `/quiz ...` that starts nothing; returns the one line it gets.
    async fn refused(&self, user: &TgUser, text: &str) -> String {
        let polls = self.api.count("sendPoll");
        let line = visible(&self.say(user, text).await);
        // Whatever the bot does next comes after; a quiz would have sent its poll by then.
        self.say(user, "/source").await;
        assert_eq!(self.api.count("sendPoll"), polls, "{text} started a quiz");
        line
    }

    /// The quiz's starter ends it; returns the results message.
    async fn end_quiz(&self, user: &TgUser) -> String {
        let before = self.api.count("sendMessage");
        self.api.group_text(GROUP, user, "/stop");
        visible(&self.api.wait_nth("sendMessage", before + 1).await)
    }
}

#[tokio::test]
async fn seconds_and_questions_follow_the_settings_and_a_running_quiz_keeps_its_own() {
    let mut room = Room::start().await;
    let student = student(0);

    // The config's values.
    let quiz = room.quiz(&student, "/quiz").await;
    assert_eq!(visible(&quiz.intro), quiz_intro(Lang::Zh, 5, 30, "学生01"));
    assert_eq!((quiz.total(), quiz.open_period()), (5, 30));
    room.end_quiz(&student).await;

    room.set(SettingChange::Seconds(10)).await;
    room.set(SettingChange::Questions(10)).await;
    let quiz = room.quiz(&student, "/quiz").await;
    assert_eq!(visible(&quiz.intro), quiz_intro(Lang::Zh, 10, 10, "学生01"));
    assert_eq!((quiz.total(), quiz.open_period()), (10, 10));

    // Changed while it runs: this quiz goes on at 10 s; the next one takes 60.
    room.set(SettingChange::Seconds(60)).await;
    let store = Store::open(&room.database).await.unwrap();
    eventually("the first poll stored", || async {
        let quiz = store.running_quiz(GROUP).await.ok()??;
        let questions = store.questions(quiz.id).await.ok()?;
        questions[0].sent_at.map(|_| ())
    })
    .await;
    let polls = room.api.count("sendPoll");
    room.api.group_text(GROUP, &student, "/next");
    let second = room.api.wait_nth("sendPoll", polls).await;
    assert_eq!(second.body["open_period"], 10);
    assert!(
        second.body["question"]
            .as_str()
            .unwrap()
            .starts_with("2/10 · "),
        "{}",
        second.body
    );
    room.end_quiz(&student).await;
    let quiz = room.quiz(&student, "/quiz").await;
    assert_eq!((quiz.total(), quiz.open_period()), (10, 60));
    room.end_quiz(&student).await;
    room.stop().await;
}

#[tokio::test]
async fn quiz_overrides_set_one_quizs_pace_and_out_of_range_values_start_nothing() {
    let mut room = Room::start().await;
    let student = student(0);
    room.set(SettingChange::Questions(15)).await;

    for (text, total, seconds) in [
        ("/quiz 3 20s", 3, 20),
        ("/quiz 3 20", 3, 20),
        ("/quiz 20s", 15, 20),
        ("/quiz 4", 4, 30),
        ("/quiz 1 600s", 1, 600),
        ("/quiz 2 5秒", 2, 5),
    ] {
        let quiz = room.quiz(&student, text).await;
        // The starter sees the values in force in the intro.
        assert_eq!(
            visible(&quiz.intro),
            quiz_intro(Lang::Zh, total, seconds, "学生01"),
            "{text}"
        );
        assert_eq!(
            (quiz.total(), quiz.open_period()),
            (total, u64::from(seconds)),
            "{text}"
        );
        room.end_quiz(&student).await;
    }

    let zh = ui(Lang::Zh);
    let (min, max) = (MIN_SECONDS.to_string(), MAX_SECONDS.to_string());
    let bad_seconds = fill(&zh.quiz_bad_seconds, &[("min", &min), ("max", &max)]);
    let bad_count = fill(&zh.quiz_bad_count, &[("max", "20")]);
    let usage = fill(
        &zh.quiz_usage,
        &[("max", "20"), ("min_seconds", &min), ("max_seconds", &max)],
    );
    for (text, line) in [
        ("/quiz 3 4s", &bad_seconds),
        ("/quiz 3 601", &bad_seconds),
        ("/quiz 0s", &bad_seconds),
        ("/quiz 21", &bad_count),
        ("/quiz 0 20s", &bad_count),
        ("/quiz abc", &usage),
        ("/quiz 3 20s 5", &usage),
    ] {
        assert_eq!(&room.refused(&student, text).await, line, "{text}");
    }
    // In English for an English speaker.
    let en = ui(Lang::En);
    let line = room.refused(&english_student(), "/quiz 10 1000s").await;
    assert_eq!(
        line,
        fill(&en.quiz_bad_seconds, &[("min", &min), ("max", &max)])
    );
    room.stop().await;
}

#[tokio::test]
async fn only_admins_start_quizzes_and_debates_when_the_group_says_so() {
    let mut room = Room::start().await;
    let (teacher, student) = (teacher(), student(0));

    // Everyone may, by default, and Telegram is not asked who anyone is.
    room.quiz(&student, "/quiz 1").await;
    room.end_quiz(&student).await;
    assert_eq!(room.api.count("getChatMember"), 0);

    room.set(SettingChange::Starters(Starters::Admins)).await;
    let asked = room.api.count("getChatMember");
    let zh = ui(Lang::Zh);
    assert_eq!(
        room.refused(&student, "/quiz").await,
        zh.quiz_only_admins_start
    );
    assert_eq!(
        room.refused(&student, "/quiz 3 20s").await,
        zh.quiz_only_admins_start
    );
    assert_eq!(room.api.count("getChatMember"), asked + 2);
    assert_eq!(
        room.refused(&english_student(), "/quiz").await,
        ui(Lang::En).quiz_only_admins_start
    );
    let polls = room.api.count("sendPoll");
    let refusal = room.say(&student, "/debate 1").await;
    assert_eq!(visible(&refusal), zh.debate_only_admins_start);
    // Reading the motions starts nothing, so it is anyone's (and no one is asked).
    let asked = room.api.count("getChatMember");
    let list = room.say(&student, "/debate list").await;
    assert!(
        visible(&list).starts_with(&zh.debate_list_title),
        "{}",
        visible(&list)
    );
    assert_eq!(room.api.count("getChatMember"), asked);
    // The admin starts both.
    room.quiz(&teacher, "/quiz 1").await;
    room.say(&teacher, "/debate 1").await;
    room.api.wait_nth("sendPoll", polls + 1).await;
    assert_eq!(room.api.count("sendPoll"), polls + 2);
    // A private chat is its user's own.
    let before = room.api.count("sendPoll");
    room.api.private_text(&student, "/quiz 1");
    let poll = room.api.wait_nth("sendPoll", before).await;
    assert_eq!(poll.chat_id(), Some(student.id));
    room.stop().await;
}

#[tokio::test]
async fn points_scoring_shows_on_the_podium_and_on_top() {
    let mut room = Room::start().await;
    let student = student(0);
    room.set(SettingChange::Scoring(Scoring::Points)).await;

    let quiz = room.quiz(&student, "/quiz 1").await;
    let zh = ui(Lang::Zh);
    assert_eq!(
        visible(&quiz.intro),
        format!(
            "{}\n{}",
            quiz_intro(Lang::Zh, 1, 30, "学生01"),
            zh.quiz_intro_points
        )
    );
    let store = Store::open(&room.database).await.unwrap();
    let quiz_id = eventually("the poll stored", || async {
        let quiz = store.running_quiz(GROUP).await.ok()??;
        let questions = store.questions(quiz.id).await.ok()?;
        questions[0].sent_at.map(|_| quiz.id)
    })
    .await;
    let poll_id = quiz.poll.poll()["id"].as_str().unwrap().to_string();
    let right = quiz.poll.body["correct_option_id"].as_u64().unwrap() as u8;
    room.api.poll_answer(&poll_id, &student, &[right]);
    let answer = eventually("the answer stored", || async {
        store.answers(quiz_id).await.ok()?.pop()
    })
    .await;
    let points = answer.points();
    assert!((500..=1_000).contains(&points), "{answer:?}");

    let results = room.end_quiz(&student).await;
    let line = fill(
        &zh.quiz_results_line_points,
        &[
            ("rank", "1"),
            ("name", "学生01"),
            ("points", &points.to_string()),
            ("correct", "1"),
            ("total", "1"),
            ("seconds", &format!("{:.1}", answer.took_ms as f64 / 1000.0)),
        ],
    );
    assert!(results.contains(&line), "{line}\n{results}");
    let podium = fill(&zh.quiz_points, &[("points", &points.to_string())]);
    assert!(
        results.contains(&format!("🥇 学生01 — {podium}")),
        "{results}"
    );

    // The report has the points too.
    let documents = room.api.count("sendDocument");
    room.api.group_text(GROUP, &student, "/report");
    room.api.wait_nth("sendDocument", documents).await;
    let csv = String::from_utf8(room.api.documents().pop().unwrap().bytes).unwrap();
    let lines: Vec<&str> = csv.lines().collect();
    assert!(lines[0].ends_with(",seconds,points"), "{csv}");
    assert!(
        lines[1].ends_with(&format!(
            ",yes,{:.1},{points}",
            answer.took_ms as f64 / 1000.0
        )),
        "{csv}"
    );

    let top = visible(&room.say(&student, "/top").await);
    let top_line = fill(
        &zh.top_line_points,
        &[
            ("rank", "1"),
            ("name", "学生01"),
            ("points", &points.to_string()),
            ("correct", "1"),
            ("answers", "1"),
        ],
    );
    assert!(top.starts_with(&zh.top_title_points), "{top}");
    assert!(top.contains(&top_line), "{top}");

    // Back to right answers: /top counts them, no points.
    room.set(SettingChange::Scoring(Scoring::Right)).await;
    let top = visible(&room.say(&student, "/top").await);
    assert!(top.starts_with(&zh.top_title), "{top}");
    assert!(!top.contains(&podium), "{top}");
    room.stop().await;
}

/// What the app answers `text` in `lang` in a group: what the bot must post there.
fn app_reply(lang: Lang, text: &str) -> String {
    let command = debate_bot::command::parse(text);
    let request = Request {
        chat: ChatKind::Group,
        language_code: Some(lang.code()),
        text,
        command: command.as_ref(),
        bot_username: Some("debate_test_bot"),
        scope: None,
    };
    support::app()
        .handle(&request, &mut rand::rng())
        .expect("an answer")
        .reply
        .doc
        .to_html()
}

#[tokio::test]
async fn the_groups_language_is_the_language_of_everything_posted_there() {
    let mut room = Room::start().await;
    let (student, sam) = (student(0), english_student());

    // Each person's own, by default.
    assert_eq!(
        room.say(&student, "/closed").await.text(),
        app_reply(Lang::Zh, "/closed")
    );
    assert_eq!(
        room.say(&sam, "/closed").await.text(),
        app_reply(Lang::En, "/closed")
    );

    // English: a Chinese-speaking student's quiz, its results, /top, a reply to them, and a
    // debate's motion and vote are all in English.
    room.set(SettingChange::Language(Some(Lang::En))).await;
    let en = ui(Lang::En);
    assert_eq!(
        room.say(&student, "/closed").await.text(),
        app_reply(Lang::En, "/closed")
    );
    let quiz = room.quiz(&student, "/quiz 1").await;
    assert_eq!(visible(&quiz.intro), quiz_intro(Lang::En, 1, 30, "学生01"));
    let before = room.api.count("sendMessage");
    room.api.group_text(GROUP, &student, "/stop");
    assert_eq!(
        visible(&room.api.wait_nth("sendMessage", before).await),
        en.quiz_stopped
    );
    let results = visible(&room.api.wait_nth("sendMessage", before + 1).await);
    let title = fill(&en.quiz_results_title, &[("count", "1"), ("people", "0")]);
    assert!(results.starts_with(&title), "{results}");
    assert_eq!(visible(&room.say(&student, "/top").await), en.top_empty);
    let polls = room.api.count("sendPoll");
    let motion = room.say(&student, "/debate 1").await;
    let app = support::app();
    assert_eq!(
        motion.text(),
        app.debate_page(Lang::En, 0, [0, 0]).doc.to_html()
    );
    let vote = room.api.wait_nth("sendPoll", polls).await;
    assert_eq!(
        vote.body["question"],
        app.debate_poll(Lang::En, 0, Round::Before, 60).question
    );

    // 中文: an English speaker is answered in Chinese.
    room.set(SettingChange::Language(Some(Lang::Zh))).await;
    assert_eq!(
        room.say(&sam, "/closed").await.text(),
        app_reply(Lang::Zh, "/closed")
    );
    assert_eq!(
        visible(&room.say(&sam, "/debate close").await),
        ui(Lang::Zh).debate_only_starter_close
    );

    // Each person's own again.
    room.set(SettingChange::Language(None)).await;
    assert_eq!(
        room.say(&sam, "/closed").await.text(),
        app_reply(Lang::En, "/closed")
    );
    room.stop().await;
}

#[tokio::test]
async fn a_debates_vote_stays_open_for_the_groups_minutes() {
    let mut room = Room::start().await;
    let student = student(0);
    room.set(SettingChange::Minutes(10)).await;
    let polls = room.api.count("sendPoll");
    room.say(&student, "/debate 2").await;
    let vote = room.api.wait_nth("sendPoll", polls).await;
    let app = support::app();
    assert_eq!(
        vote.body["question"],
        app.debate_poll(Lang::Zh, 1, Round::Before, 10).question
    );
    let store = Store::open(&room.database).await.unwrap();
    let debate = eventually("the debate stored", || async {
        store.open_debate(GROUP).await.ok()?
    })
    .await;
    assert_eq!(debate.deadline - debate.started_at, 10 * 60_000);

    // A day, for the next one.
    room.set(SettingChange::Minutes(1440)).await;
    // Closed: the second vote opens (two polls), then everything closes.
    room.api.group_text(GROUP, &student, "/debate close");
    room.api.wait_nth("sendPoll", polls + 2).await;
    room.say(&student, "/debate close").await;
    let polls = room.api.count("sendPoll");
    eventually("the debate closed", || async {
        store.open_debate(GROUP).await.ok()?.is_none().then_some(())
    })
    .await;
    room.say(&student, "/debate 3").await;
    let vote = room.api.wait_nth("sendPoll", polls).await;
    assert_eq!(
        vote.body["question"],
        app.debate_poll(Lang::Zh, 2, Round::Before, 1440).question
    );
    room.stop().await;
}
