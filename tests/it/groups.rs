//! Groups as Telegram really runs them, end to end against the fake Bot API: forum topics
//! (one class per topic, General closed to members), reply threads that are no topics. The
//! fake refuses what Telegram refuses (a send to a closed General: `TOPIC_CLOSED`; a thread
//! that is no topic: "message thread not found"), so a reply in the wrong place fails here as
//! it would in a real class.

use crate::support;

use debate_bot::i18n::Lang;
use debate_bot::render::escape_html;
use debate_bot::settings::QuizSettings;
use support::fake_api::Pushed;
use support::{Call, FakeApi, RunningBot, TgUser, start_bot_with, temp_database};

/// A forum supergroup: topics 77 (class A) and 88 (class B), General closed.
const FORUM: i64 = -1_001_500_000_077;
const CLASS_A: i64 = 77;
const CLASS_B: i64 = 88;

const SETTINGS: QuizSettings = QuizSettings {
    questions: 2,
    question_seconds: 30,
    max_questions: 20,
    pictures: false,
};

/// The start of a debate's result, bold, before its motion: "<b>投票结果:".
fn result_title() -> String {
    let title = support::say_until(Lang::Zh, "debate_result_title", &[], "motion");
    format!("<b>{}", escape_html(&title))
}

fn teacher(n: i64) -> TgUser {
    TgUser::new(7_000 + n, &format!("老师{n}"), Some("zh-hans"))
}

struct Forum {
    api: FakeApi,
    _bot: RunningBot,
}

impl Forum {
    async fn start() -> Forum {
        let api = FakeApi::start().await;
        api.forum(FORUM, &[CLASS_A, CLASS_B], true);
        let bot = start_bot_with(&api, &temp_database(), SETTINGS);
        api.wait_nth("getUpdates", 0).await;
        Forum { api, _bot: bot }
    }

    fn say(&self, topic: i64, user: &TgUser, text: &str) -> Pushed {
        self.api.topic_text(FORUM, topic, user, text)
    }

    /// The `n`th call of `method` (from 0), which must have been answered ok.
    async fn nth_ok(&self, method: &str, n: usize) -> Call {
        let call = self.api.wait_nth(method, n).await;
        assert!(call.ok(), "refused: {}\n{}", call.summary(), call.response);
        call
    }
}

#[tokio::test]
async fn everything_about_a_command_in_a_topic_lands_in_that_topic_and_two_classes_run_at_once() {
    let forum = Forum::start().await;
    let (a, b) = (teacher(1), teacher(2));
    // The quiz's intro as the message's HTML carries it.
    let intro_of = |user: &TgUser| {
        let seconds = SETTINGS.question_seconds;
        escape_html(&support::quiz_intro(Lang::Zh, 2, seconds, &user.first_name))
    };

    // A topic command: the reply lands in the topic (General is closed: elsewhere it would
    // be refused).
    forum.say(CLASS_A, &a, "/closed");
    let reply = forum.nth_ok("sendMessage", 0).await;
    assert_eq!(reply.landed_in(), Some(CLASS_A), "{}", reply.summary());
    assert!(reply.text().contains("李彦宏"), "{}", reply.summary());

    // Class A's quiz: the intro and the first poll in topic 77.
    forum.say(CLASS_A, &a, "/quiz 2");
    let intro = forum.nth_ok("sendMessage", 1).await;
    assert_eq!(intro.landed_in(), Some(CLASS_A));
    assert!(
        intro.text().starts_with(&intro_of(&a)),
        "{}",
        intro.summary()
    );
    let first = forum.nth_ok("sendPoll", 0).await;
    assert_eq!(first.landed_in(), Some(CLASS_A));
    assert_eq!(first.body["message_thread_id"], 77);

    // Class B starts its own quiz in topic 88 at the same time: not "already running".
    forum.say(CLASS_B, &b, "/quiz 2");
    let intro_b = forum.nth_ok("sendMessage", 2).await;
    assert_eq!(intro_b.landed_in(), Some(CLASS_B));
    assert!(
        intro_b.text().starts_with(&intro_of(&b)),
        "{}",
        intro_b.summary()
    );
    let first_b = forum.nth_ok("sendPoll", 1).await;
    assert_eq!(first_b.landed_in(), Some(CLASS_B));

    // A second /quiz in topic 77 is refused, in topic 77.
    forum.say(CLASS_A, &b, "/quiz");
    let refused = forum.nth_ok("sendMessage", 3).await;
    assert_eq!(refused.landed_in(), Some(CLASS_A));
    assert!(refused.text().contains("老师1"), "{}", refused.summary());

    // Class A moves on: the stopPoll, the next poll, then the results, all in topic 77.
    forum.say(CLASS_A, &a, "/next");
    let second = forum.nth_ok("sendPoll", 2).await;
    assert_eq!(second.landed_in(), Some(CLASS_A));
    forum.say(CLASS_A, &a, "/next");
    let results = forum.nth_ok("sendMessage", 4).await;
    assert_eq!(results.landed_in(), Some(CLASS_A), "{}", results.summary());
    let title = support::say_until(Lang::Zh, "quiz_results_title", &[("count", "2")], "people");
    assert!(
        results
            .text()
            .starts_with(&format!("<b>{}", escape_html(&title))),
        "{}",
        results.summary()
    );

    // /top and /report answer in the topic too; the report is class A's quiz.
    forum.say(CLASS_A, &a, "/top");
    let top = forum.nth_ok("sendMessage", 5).await;
    assert_eq!(top.landed_in(), Some(CLASS_A));
    forum.say(CLASS_A, &a, "/report");
    let report = forum.nth_ok("sendDocument", 0).await;
    assert_eq!(report.landed_in(), Some(CLASS_A));

    // Class B's debate: its vote and both sides' quotes in topic 88.
    forum.say(CLASS_B, &b, "/debate 1");
    let vote = forum.nth_ok("sendPoll", 3).await;
    assert_eq!(vote.landed_in(), Some(CLASS_B));
    let motion = forum.nth_ok("sendMessage", 6).await;
    assert_eq!(motion.landed_in(), Some(CLASS_B), "{}", motion.summary());
    // Class A may debate at the same time, in its own topic.
    forum.say(CLASS_A, &a, "/debate 2");
    let motion_a = forum.nth_ok("sendMessage", 7).await;
    assert_eq!(
        motion_a.landed_in(),
        Some(CLASS_A),
        "{}",
        motion_a.summary()
    );
    let already = support::say_until(Lang::Zh, "debate_already_open", &[], "motion");
    assert!(
        !motion_a.text().contains(&escape_html(&already)),
        "{}",
        motion_a.summary()
    );
    // Class B's debate moves on (its second vote in topic 88), then closes: the result in
    // topic 88.
    forum.say(CLASS_B, &b, "/debate close");
    let vote_id = vote.message_id();
    let stop = forum
        .api
        .wait_for("the vote's stopPoll", |c| {
            c.method == "stopPoll" && c.body["message_id"] == vote_id
        })
        .await;
    assert!(stop.ok(), "{}", stop.response);
    let after = forum
        .api
        .wait_for("the second vote", |c| {
            c.method == "sendPoll" && c.body["allows_multiple_answers"] == true
        })
        .await;
    assert_eq!(after.landed_in(), Some(CLASS_B));
    forum.say(CLASS_B, &b, "/debate close");
    let result_title = result_title();
    let result = forum
        .api
        .wait_for("the debate's result", |c| {
            c.method == "sendMessage" && c.text().starts_with(&result_title)
        })
        .await;
    assert!(result.ok(), "{}", result.response);
    assert_eq!(result.landed_in(), Some(CLASS_B), "{}", result.summary());

    // Nothing the bot sent went to General (where it would have been refused).
    let refused: Vec<String> = forum
        .api
        .calls()
        .iter()
        .filter(|c| c.method != "getUpdates" && !c.ok())
        .map(Call::summary)
        .collect();
    assert!(refused.is_empty(), "refused calls: {refused:#?}");
}

#[tokio::test]
async fn a_reply_thread_in_a_group_that_is_no_forum_is_answered_outside_topics() {
    let api = FakeApi::start().await;
    let _bot = start_bot_with(&api, &temp_database(), SETTINGS);
    api.wait_nth("getUpdates", 0).await;
    let user = teacher(3);
    // A reply in a plain supergroup carries message_thread_id (the thread's root) but is no
    // topic message: naming that thread in a send would be refused.
    api.reply_thread_text(-1_001_500_000_099, 40, &user, "/open");
    let reply = api.wait_nth("sendMessage", 0).await;
    assert!(reply.ok(), "{}: {}", reply.summary(), reply.response);
    assert!(
        reply.body.get("message_thread_id").is_none(),
        "{}",
        reply.body
    );
    assert_eq!(reply.landed_in(), None);
    api.reply_thread_text(-1_001_500_000_099, 40, &user, "/quiz 1");
    let poll = api.wait_nth("sendPoll", 0).await;
    assert!(poll.ok(), "{}: {}", poll.summary(), poll.response);
}

// ---- downtime ----------------------------------------------------------------------------------

const GROUP: i64 = -4_000_000_777;

#[tokio::test]
async fn a_quiz_or_debate_sent_while_the_bot_was_down_starts_nothing_reading_commands_are_answered()
{
    let api = FakeApi::start().await;
    let _bot = start_bot_with(&api, &temp_database(), SETTINGS);
    api.wait_nth("getUpdates", 0).await;
    let user = teacher(4);
    // Sent 30 minutes ago, seen now.
    api.group_text_sent(GROUP, &user, "/quiz 3", 30 * 60);
    let reply = api.wait_nth("sendMessage", 0).await;
    let stale = |command: &str, minutes: &str| {
        support::say(
            Lang::Zh,
            "stale_start",
            &[("command", command), ("minutes", minutes)],
        )
    };
    assert_eq!(reply.text(), stale("quiz", "30"));
    api.group_text_sent(GROUP, &user, "/debate 1", 11 * 60);
    let reply = api.wait_nth("sendMessage", 1).await;
    assert_eq!(reply.text(), stale("debate", "11"));
    // A reading command that waited is answered as usual; so is /debate list.
    api.group_text_sent(GROUP, &user, "/closed", 30 * 60);
    let reply = api.wait_nth("sendMessage", 2).await;
    assert!(reply.text().contains("李彦宏"), "{}", reply.summary());
    api.group_text_sent(GROUP, &user, "/debate list", 30 * 60);
    let reply = api.wait_nth("sendMessage", 3).await;
    let list = format!(
        "<b>{}</b>\n",
        escape_html(&support::say(Lang::Zh, "debate_list_title", &[]))
    );
    assert!(reply.text().starts_with(&list), "{}", reply.summary());
    // Nine minutes is not stale: the quiz starts.
    api.group_text_sent(GROUP, &user, "/quiz 1", 9 * 60);
    let poll = api.wait_nth("sendPoll", 0).await;
    assert!(poll.ok(), "{}", poll.response);
    assert_eq!(api.count("sendPoll"), 1, "{}", api.describe_calls());
}

#[tokio::test]
async fn answers_telegram_delivers_after_downtime_count_for_a_poll_it_closed_by_its_timer() {
    // Questions of 5 s (Telegram's minimum open_period).
    let settings = QuizSettings {
        questions: 2,
        question_seconds: 5,
        max_questions: 20,
        pictures: false,
    };
    let api = FakeApi::start().await;
    let database = temp_database();
    let process = support::process_runtime();
    let bot = support::start_bot_on(process.handle(), &api, &database, settings);
    api.wait_nth("getUpdates", 0).await;
    let teacher = teacher(5);
    api.group_text(GROUP, &teacher, "/quiz 2");
    let first = api.wait_nth("sendPoll", 0).await;
    let poll_id = first.poll()["id"].as_str().unwrap().to_string();
    let right = first.body["correct_option_id"].as_u64().unwrap() as u8;

    // The bot goes down; four students answer in time, Telegram keeps their answers.
    bot.stop().await;
    process.shutdown_background();
    let students: Vec<TgUser> = (0..4)
        .map(|i| TgUser::new(8_000 + i, &format!("学生{i}"), Some("zh-hans")))
        .collect();
    for s in &students {
        api.poll_answer(&poll_id, s, &[right]);
    }
    // Telegram closes the poll at its open_period, while the bot is still down.
    tokio::time::sleep(std::time::Duration::from_secs(8)).await;
    assert_eq!(api.poll(&poll_id).unwrap()["is_closed"], true);

    // Back up: the quiz moves on to question 2, and the four answers count.
    let _bot = start_bot_with(&api, &database, settings);
    let second = api.wait_nth("sendPoll", 1).await;
    assert!(second.ok(), "{}", second.response);
    // Poll answers run beside the chat's messages: wait until they are stored.
    let store = debate_bot::store::Store::open(&database).await.unwrap();
    let quiz = store.last_quiz(GROUP).await.unwrap().unwrap().id;
    support::eventually("the four answers stored", || async {
        (store.answers(quiz).await.ok()?.len() == 4).then_some(())
    })
    .await;
    api.group_text(GROUP, &teacher, "/stop");
    let title = support::say(
        Lang::Zh,
        "quiz_results_title",
        &[("count", "2"), ("people", "4")],
    );
    let start = support::say_until(Lang::Zh, "quiz_results_title", &[], "count");
    let start = format!("<b>{}", escape_html(&start));
    let results = api
        .wait_for("the results", |c| {
            c.method == "sendMessage" && c.text().starts_with(&start)
        })
        .await;
    let text = support::fake_api::visible_text(results.text(), results.body.get("parse_mode"));
    assert!(text.starts_with(&format!("{title}\n")), "{text}");
    for s in &students {
        // Each answered question 1 right; their time is the whole question, capped.
        let line = support::say_after(
            Lang::Zh,
            "quiz_results_line",
            &[
                ("name", &s.first_name),
                ("correct", "1"),
                ("total", "2"),
                ("seconds", "5.0"),
            ],
            "rank",
        );
        assert!(text.contains(&format!("{line}\n")), "{text}");
    }
}

// ---- a group upgraded to a supergroup ----------------------------------------------------------

const BASIC: i64 = -4_000_000_888;
const SUPER: i64 = -1_001_400_000_888;

#[tokio::test]
async fn a_quiz_running_when_its_group_is_upgraded_goes_on_in_the_supergroup_with_its_scores() {
    let settings = QuizSettings {
        questions: 3,
        question_seconds: 5,
        max_questions: 20,
        pictures: false,
    };
    let api = FakeApi::start().await;
    let database = temp_database();
    let _bot = start_bot_with(&api, &database, settings);
    api.wait_nth("getUpdates", 0).await;
    let teacher = teacher(6);
    let student = TgUser::new(8_100, "学生甲", Some("zh-hans"));
    api.group_text(BASIC, &teacher, "/quiz 3");
    let first = api.wait_nth("sendPoll", 0).await;
    assert!(first.ok());
    let right = first.body["correct_option_id"].as_u64().unwrap() as u8;
    api.poll_answer(first.poll()["id"].as_str().unwrap(), &student, &[right]);
    let store = debate_bot::store::Store::open(&database).await.unwrap();
    let quiz = store.last_quiz(BASIC).await.unwrap().unwrap().id;
    support::eventually("the answer stored", || async {
        (store.answers(quiz).await.ok()?.len() == 1).then_some(())
    })
    .await;

    // The group is upgraded before anyone sees a service message. The next poll (sent by the
    // timer) is refused for the old id and sent again, once, to the new one.
    api.upgrade(BASIC, SUPER);
    let refused = api
        .wait_for_within(
            "the second poll, at the first one's deadline",
            std::time::Duration::from_secs(12),
            |c| c.method == "sendPoll" && c.chat_id() == Some(BASIC) && c.status == 400,
        )
        .await;
    assert_eq!(refused.chat_id(), Some(BASIC));
    assert_eq!(refused.status, 400);
    assert_eq!(refused.response["parameters"]["migrate_to_chat_id"], SUPER);
    let second = api.wait_nth("sendPoll", 2).await;
    assert!(second.ok(), "{}", second.response);
    assert_eq!(second.chat_id(), Some(SUPER));
    assert!(second.body["question"].as_str().unwrap().starts_with("2/3"));

    // The quiz is the supergroup's now: its starter moves on there (once the poll is stored
    // as sent: /next never skips a question still on its way), the results come there and
    // count the answer given before the upgrade.
    support::eventually("question 2 stored as sent", || async {
        store.questions(quiz).await.ok()?[1].sent_at.map(|_| ())
    })
    .await;
    api.supergroup_text(SUPER, &teacher, "/next");
    let third = api.wait_nth("sendPoll", 3).await;
    assert_eq!(third.chat_id(), Some(SUPER));
    assert!(third.body["question"].as_str().unwrap().starts_with("3/3"));
    api.supergroup_text(SUPER, &teacher, "/next");
    // A stopPoll, the results' reads and writes (fsync'd): on a loaded machine, seconds.
    let title = support::say_until(Lang::Zh, "quiz_results_title", &[], "count");
    let title = format!("<b>{}", escape_html(&title));
    let results = api
        .wait_for_within("the results", std::time::Duration::from_secs(15), |c| {
            c.method == "sendMessage" && c.text().starts_with(&title)
        })
        .await;
    assert_eq!(results.chat_id(), Some(SUPER));
    assert!(results.text().contains("学生甲"), "{}", results.text());

    // Both service messages arrive late, in either order: nothing moves twice, /top is whole.
    api.migrate_from_message(SUPER, BASIC, &teacher);
    api.migrate_to_message(BASIC, SUPER, &teacher);
    api.supergroup_text(SUPER, &student, "/top");
    let top_title = escape_html(&support::say(Lang::Zh, "top_title", &[]));
    let top = api
        .wait_for("/top", |c| {
            c.method == "sendMessage" && c.text().contains(&top_title)
        })
        .await;
    assert_eq!(top.chat_id(), Some(SUPER));
    assert!(top.text().contains("学生甲"), "{}", top.text());
    assert_eq!(store.last_quiz(SUPER).await.unwrap().unwrap().id, quiz);
    assert!(store.last_quiz(BASIC).await.unwrap().is_none());
}

#[tokio::test]
async fn a_service_message_moves_an_open_debate_and_its_votes_before_any_call_is_refused() {
    let api = FakeApi::start().await;
    let database = temp_database();
    let _bot = start_bot_with(&api, &database, SETTINGS);
    api.wait_nth("getUpdates", 0).await;
    let teacher = teacher(7);
    api.group_text(BASIC, &teacher, "/debate 1");
    let vote = api.wait_nth("sendPoll", 0).await;
    let poll_id = vote.poll()["id"].as_str().unwrap().to_string();
    let voters: Vec<TgUser> = (0..3)
        .map(|i| TgUser::new(8_200 + i, &format!("学生{i}"), None))
        .collect();
    for v in &voters {
        api.poll_answer(&poll_id, v, &[1]);
    }
    let store = debate_bot::store::Store::open(&database).await.unwrap();
    let debate = store.open_debate(BASIC).await.unwrap().unwrap().id;
    support::eventually("three votes", || async {
        let votes = support::votes(&store, debate, debate_bot::vocab::Round::Before).await?;
        (votes[1] == 3).then_some(())
    })
    .await;

    // Only the new chat's service message is seen; then the teacher closes it there.
    api.upgrade(BASIC, SUPER);
    api.migrate_from_message(SUPER, BASIC, &teacher);
    support::eventually("the debate moved", || async {
        store.open_debate(SUPER).await.ok()?.map(|_| ())
    })
    .await;
    // The second vote opens there, then the teacher closes it.
    api.supergroup_text(SUPER, &teacher, "/debate close");
    let after = api.wait_nth("sendPoll", 2).await;
    assert_eq!(after.chat_id(), Some(SUPER));
    support::eventually("the second vote stored", || async {
        let debate = store.open_debate(SUPER).await.ok()??;
        (store.debate_polls(debate.id).await.ok()?.len() == 3).then_some(())
    })
    .await;
    api.supergroup_text(SUPER, &teacher, "/debate close");
    let result_title = result_title();
    let result = api
        .wait_for("the result", |c| {
            c.method == "sendMessage" && c.text().starts_with(&result_title)
        })
        .await;
    assert!(result.ok(), "{}", result.response);
    assert_eq!(result.chat_id(), Some(SUPER));
    let total = support::sentences::debate::round_line(
        Lang::Zh,
        "debate_round_before",
        [(0, 0), (3, 100), (0, 0)],
        3,
    );
    assert!(
        result.text().contains(&escape_html(&total)),
        "{}",
        result.text()
    );
    // Nothing was sent to the old id after the move.
    let to_old: Vec<String> = api
        .calls()
        .iter()
        .filter(|c| c.chat_id() == Some(BASIC) && c.status == 400)
        .map(Call::summary)
        .collect();
    assert!(to_old.is_empty(), "{to_old:#?}");
}

// ---- bursts of button presses -------------------------------------------------------------------

#[tokio::test]
async fn thirty_presses_of_one_button_are_answered_at_once_behind_a_backlog_and_edit_once() {
    let api = FakeApi::start().await;
    // A slow overall pace, so that messages queue up behind it.
    let limits = debate_bot::limits::LimitSettings {
        messages_per_second: 2,
        replies_per_chat_per_minute: 1_000,
        private_replies_per_second: 1_000,
        ..Default::default()
    };
    let _bot = support::start_bot_limited(
        &tokio::runtime::Handle::current(),
        &api,
        &temp_database(),
        SETTINGS,
        limits,
        std::time::Duration::from_secs(8),
    );
    api.wait_nth("getUpdates", 0).await;
    let asker = teacher(8);
    api.group_text(GROUP, &asker, "/closed");
    let topic = api.wait_nth("sendMessage", 0).await;
    let next = topic.buttons()[0][0].1.clone();
    // A backlog: twenty private readers, ten seconds of messages at 2 a second.
    for i in 0..20 {
        api.private_text(&TgUser::new(9_000 + i, "读者", None), "/quote");
    }
    api.wait_nth("sendMessage", 2).await;

    // Thirty students press "Next" on the same message within a second, each press carrying
    // the message as it was (Telegram includes it in the callback query).
    let pressed_at = tokio::time::Instant::now();
    for i in 0..30 {
        let student = TgUser::new(9_100 + i, &format!("学生{i}"), None);
        api.press(&student, &topic, &next);
    }
    let answers = api
        .wait_until_within(
            "thirty answered presses",
            std::time::Duration::from_secs(5),
            |calls| {
                let answered: Vec<Call> = calls
                    .iter()
                    .filter(|c| c.method == "answerCallbackQuery")
                    .cloned()
                    .collect();
                (answered.len() == 30).then_some(answered)
            },
        )
        .await;
    assert!(answers.iter().all(Call::ok), "{}", api.describe_calls());
    let slowest = answers.iter().map(|c| c.at - pressed_at).max().unwrap();
    assert!(
        slowest < std::time::Duration::from_millis(500),
        "the slowest press was answered after {slowest:?}"
    );
    // One edit for the thirty presses, made in its turn; none refused "not modified".
    let edit = api
        .wait_for_within("the edit", std::time::Duration::from_secs(15), |c| {
            c.method == "editMessageText"
        })
        .await;
    assert!(edit.ok(), "{}", edit.response);
    let second = support::say_until(
        Lang::Zh,
        "topic_header",
        &[("title", "闭源"), ("position", "2")],
        "count",
    );
    assert!(
        edit.text()
            .starts_with(&format!("<b>{}", escape_html(&second))),
        "{}",
        edit.text()
    );
    api.wait_count("sendMessage", 21).await;
    assert_eq!(api.count("editMessageText"), 1, "{}", api.describe_calls());
}

// ---- shutdown with a queue ----------------------------------------------------------------------

#[tokio::test]
async fn stopping_with_hundreds_of_replies_queued_delivers_for_the_shutdown_time_then_returns() {
    let api = FakeApi::start().await;
    // 900 replies behind a pace of 30 a second: 30 s of queue.
    let limits = debate_bot::limits::LimitSettings {
        messages_per_second: 30,
        replies_per_chat_per_minute: 1_000,
        private_replies_per_second: 1_000,
        ..Default::default()
    };
    let shutdown = std::time::Duration::from_secs(2);
    let bot = support::start_bot_limited(
        &tokio::runtime::Handle::current(),
        &api,
        &temp_database(),
        SETTINGS,
        limits,
        shutdown,
    );
    api.wait_nth("getUpdates", 0).await;
    for i in 0..900 {
        api.private_text(&TgUser::new(20_000 + i, "读者", None), "/source");
    }
    api.wait_nth("sendMessage", 40).await;
    let (result, took) = bot.stop_result().await;
    assert!(result.is_ok(), "{result:?}");
    // Delivering for the shutdown time, then giving up on the rest: well before Docker's 10 s.
    assert!(
        took < shutdown + std::time::Duration::from_secs(2),
        "{took:?}"
    );
    let sent = api.count("sendMessage");
    assert!(sent > 40 && sent < 900, "{sent} replies sent");
}
