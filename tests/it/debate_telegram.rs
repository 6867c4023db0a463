//! Debates end to end: the real bot (`debate_bot::telegram::run`) against the fake Bot
//! API on 127.0.0.1, with its debates in a SQLite file of its own. A group gets the first
//! vote (a regular, non-anonymous poll), then both camps' best quotes; members vote
//! (`poll_answer` updates: a vote, a changed vote, a retraction) and walk the sides with the
//! buttons; the starter or an admin moves on to the second vote and the poll "which quotes
//! convinced you?", then closes; the tests assert what the chat sees.
//!
//! Votes make no API call, so a test waits until they are stored: it opens the bot's database
//! (`Store::open` on the same file) and polls it with a deadline. The result comes
//! `GRACE_MS` (2 s) after the close, for votes cast just before it. A restart is a new
//! "process" (a runtime of its own, shut down after stopping), as in tests/quiz_telegram.rs.

use crate::support;

use std::time::Duration;

use debate_bot::i18n::Lang;
use debate_bot::render::utf16_len;
use debate_bot::settings::QuizSettings;
use debate_bot::store::DebateRow;
use debate_bot::vocab::{DebateId, Round};
use serde_json::{Value, json};
use support::fake_api::WAIT;
use support::group_chat::{GroupChat, derefs_to_group_chat};
use support::people::{student, teacher};
use support::sentences::debate::*;
use support::{Call, FakeApi, TgUser, eventually, visible};
use tokio::time::Instant;

/// The vote's logic, read from the text result alone (tests/it/pictures.rs has the picture).
const NO_PICTURES: QuizSettings = QuizSettings {
    questions: 5,
    question_seconds: 30,
    max_questions: 20,
    pictures: false,
};

const GROUP: i64 = -4_000_000_777;

// The sentences users see: responses/ui.zh.toml, filled as the bot fills them.
fn zh(key: &str, args: &[(&str, &str)]) -> String {
    support::say(Lang::Zh, key, args)
}

/// A group with the bot, its database, and the fake Telegram.
struct Group(GroupChat);

derefs_to_group_chat!(Group);

/// A debate's first vote as the bot posted it.
#[derive(Debug, Clone)]
struct Vote {
    poll_id: String,
    message_id: i64,
    /// Both sides' quotes, posted after the poll.
    motion: Call,
}

/// A debate's second vote and convinced poll as the bot posted them.
#[derive(Debug, Clone)]
struct Second {
    after_id: String,
    convinced_id: String,
    convinced: Call,
}

/// A debate's poll of `round` as stored, once it is.
async fn stored_poll(group: &Group, debate: DebateId, round: Round) -> Option<String> {
    let polls = group.store.debate_polls(debate).await.ok()?;
    polls
        .into_iter()
        .find(|p| p.round == round)
        .map(|p| p.poll_id)
}

impl Group {
    async fn start() -> Group {
        Group(GroupChat::start(GROUP, NO_PICTURES).await)
    }

    async fn start_on(runtime: &tokio::runtime::Handle) -> Group {
        Group(GroupChat::start_on(runtime, GROUP, NO_PICTURES).await)
    }

    /// `user` opens a debate with `text` in `chat`; returns the first vote and the quotes
    /// that follow it once the bot has stored the poll (so votes count from now on).
    async fn open(&self, chat: i64, user: &TgUser, text: &str) -> Vote {
        let (messages, polls) = (self.api.count("sendMessage"), self.api.count("sendPoll"));
        if chat == user.id {
            self.api.private_text(user, text);
        } else {
            self.api.group_text(chat, user, text);
        }
        let poll = self.api.wait_nth("sendPoll", polls).await;
        assert!(poll.ok(), "{}", poll.response);
        let motion = self.api.wait_nth("sendMessage", messages).await;
        assert_eq!(motion.chat_id(), Some(chat), "{}", motion.summary());
        assert!(motion.ok(), "{}", motion.response);
        assert!(
            poll.seq < motion.seq,
            "the vote comes first, before any quote"
        );
        let poll_id = poll.poll()["id"].as_str().expect("a poll id").to_string();
        let debate = self.debate(chat).await.id;
        let stored = poll_id.clone();
        eventually("the poll stored", || async {
            (stored_poll(self, debate, Round::Before).await? == stored).then_some(())
        })
        .await;
        // The poll: regular, not anonymous, one answer, its counts hidden until it closes (so
        // the first votes sway no one), no timer (the bot closes it itself: a server older
        // than Bot API 9.6 allows an open_period of 10 minutes at most).
        let body = &poll.body;
        assert_eq!(body["hide_results_until_closes"], json!(true), "{body}");
        assert_eq!(poll.chat_id(), Some(chat), "{body}");
        assert_eq!(body["type"], json!("regular"), "{body}");
        assert_eq!(body["is_anonymous"], json!(false), "{body}");
        assert_ne!(body["allows_multiple_answers"], json!(true), "{body}");
        assert!(body.get("open_period").is_none(), "{body}");
        Vote {
            poll_id,
            message_id: poll.message_id(),
            motion,
        }
    }

    /// After a `/debate close` (or the deadline) in `chat`: the first vote (the `stops`-th
    /// stopPoll) stops, the second vote and the convinced poll come (two polls after the
    /// `polls`-th), and are stored.
    async fn second(&self, chat: i64, vote: &Vote, stops: usize, polls: usize) -> Second {
        let stop = self.api.wait_nth("stopPoll", stops).await;
        assert_eq!(stop.body["message_id"], json!(vote.message_id));
        let after = self.api.wait_nth("sendPoll", polls).await;
        let convinced = self.api.wait_nth("sendPoll", polls + 1).await;
        assert!(after.ok() && convinced.ok(), "{}", convinced.response);
        for (poll, multiple) in [(&after, false), (&convinced, true)] {
            let body = &poll.body;
            assert_eq!(poll.chat_id(), Some(chat), "{body}");
            assert_eq!(body["hide_results_until_closes"], json!(true), "{body}");
            assert_eq!(body["is_anonymous"], json!(false), "{body}");
            assert_eq!(
                body["allows_multiple_answers"].as_bool().unwrap_or(false),
                multiple,
                "{body}"
            );
        }
        let id = |poll: &Call| poll.poll()["id"].as_str().unwrap().to_string();
        let (after_id, convinced_id) = (id(&after), id(&convinced));
        let debate = self.debate(chat).await.id;
        eventually("the second vote stored", || async {
            let a = stored_poll(self, debate, Round::After).await?;
            let c = stored_poll(self, debate, Round::Convinced).await?;
            (a == after_id && c == convinced_id).then_some(())
        })
        .await;
        Second {
            after_id,
            convinced_id,
            convinced,
        }
    }

    /// The open debate in `chat`.
    async fn debate(&self, chat: i64) -> DebateRow {
        self.store
            .open_debate(chat)
            .await
            .expect("the database")
            .expect("an open debate")
    }

    /// Waits until debate `id` has exactly `tally` stored for its first vote.
    async fn votes(&self, id: DebateId, tally: [u64; 3]) {
        self.votes_in(id, Round::Before, tally).await
    }

    /// Waits until debate `id` has exactly `tally` stored for its vote of `round`.
    async fn votes_in(&self, id: DebateId, round: Round, tally: [u64; 3]) {
        let mut last = [0; 3];
        let deadline = Instant::now() + WAIT;
        while Instant::now() < deadline {
            last = support::votes(&self.store, id, round)
                .await
                .expect("the database");
            if last == tally {
                return;
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        panic!("votes stored: {last:?}, expected {tally:?}");
    }

    /// Waits for the result message (the first sendMessage at or after number `from` that
    /// starts like one) and returns its text.
    async fn result(&self, from: usize) -> String {
        let call = self
            .api
            .wait_until_within("the result", WAIT, |calls| {
                calls
                    .iter()
                    .filter(|c| c.method == "sendMessage")
                    .skip(from)
                    .find(|c| is_result(c))
                    .cloned()
            })
            .await;
        visible(&call)
    }
}

fn is_result(call: &Call) -> bool {
    let text = visible(call);
    Lang::ALL.iter().any(|&lang| {
        text.starts_with(&support::say_until(
            lang,
            "debate_result_title",
            &[],
            "motion",
        ))
    })
}

/// Every message and edit fits Telegram's limits: 4096 characters (UTF-16 units), callback
/// data of at most 64 bytes.
fn assert_within_limits(api: &FakeApi) {
    for call in api.calls() {
        if !["sendMessage", "editMessageText"].contains(&call.method.as_str()) {
            continue;
        }
        assert!(utf16_len(call.text()) <= 4096, "{}", call.summary());
        for (label, data) in call.buttons().into_iter().flatten() {
            assert!(data.len() <= 64, "{label}: {data}");
        }
    }
}

fn button_rows(call: &Call) -> Vec<Vec<(String, String)>> {
    call.buttons()
}

#[tokio::test]
async fn a_group_debates_votes_and_sees_the_result_next_to_the_articles_camps() {
    let group = Group::start().await;
    let teacher = teacher();
    let students: Vec<TgUser> = (0..5).map(student).collect();
    let admin = TgUser::new(2_001, "管理员", None);
    group.api.set_member_status(GROUP, &admin, "administrator");

    let vote = group.open(GROUP, &teacher, "/debate 1").await;
    // The motion, the quotes and the names are the corpus's; the words around them, the ui
    // file's.
    let motion = visible(&vote.motion);
    let heading =
        |key, position: &str, count: &str| zh(key, &[("position", position), ("count", count)]);
    let title = zh(
        "debate_title",
        &[
            ("number", "1"),
            ("count", "5"),
            ("motion", "闭源最终将战胜开源?"),
        ],
    );
    let li = support::speaker_line(
        Lang::Zh,
        "李彦宏",
        &support::li_role(Lang::Zh),
        "speech_reported",
    );
    assert!(
        motion.starts_with(&format!(
            "{title}\n\n{}\n闭源最终将战胜开源\n{li}\n",
            heading("debate_for", "1", "3")
        )),
        "{motion}"
    );
    let luo = support::role(Lang::Zh, "RWKV", "联合创始人", false);
    let against = format!(
        "{}\n开源并不是商业化的反义词,开源意味着打破垄断\n{}\n{}",
        heading("debate_against", "1", "3"),
        support::speaker_line(Lang::Zh, "罗璇", &luo, "speech_direct"),
        support::citation(Lang::Zh, "35")
    );
    assert!(motion.contains(&against), "{motion}");
    assert_eq!(
        button_rows(&vote.motion),
        [
            vec![
                (
                    zh("button_more_for", &[]),
                    "d:zh:closed-will-win:1:0".to_string()
                ),
                (
                    zh("button_more_against", &[]),
                    "d:zh:closed-will-win:0:1".to_string()
                ),
            ],
            vec![(
                zh("button_sources", &[]),
                "D:zh:closed-will-win:0:0".to_string()
            )],
        ]
    );
    let poll = group.api.calls_of("sendPoll").remove(0);
    assert_eq!(
        poll.body["question"],
        json!(zh(
            "debate_vote_before",
            &[("motion", "闭源最终将战胜开源?"), ("minutes", "60")]
        ))
    );
    let options: Vec<&str> = poll.body["options"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o.get("text").or(Some(o)).and_then(Value::as_str).unwrap())
        .collect();
    assert_eq!(options, sides(Lang::Zh));

    // The buttons walk the sides in place.
    let edits = group.api.count("editMessageText");
    group
        .api
        .press(&students[0], &vote.motion, "d:zh:closed-will-win:1:0");
    let edit = group.api.wait_nth("editMessageText", edits).await;
    assert!(edit.ok(), "{}", edit.response);
    assert_eq!(edit.body["message_id"], json!(vote.motion.message_id()));
    let page = visible(&edit);
    assert!(
        page.contains(&format!("\n\n{}\n", heading("debate_for", "2", "3"))),
        "{page}"
    );
    assert!(
        page.contains(&format!("\n\n{}\n", heading("debate_against", "1", "3"))),
        "{page}"
    );
    group
        .api
        .press(&students[0], &vote.motion, "D:zh:closed-will-win:1:0");
    let sources = group.api.wait_nth("editMessageText", edits + 1).await;
    let title = zh("debate_sources_title", &[("motion", "闭源最终将战胜开源?")]);
    assert!(
        visible(&sources).starts_with(&format!("{title}\n")),
        "{}",
        visible(&sources)
    );

    // Votes: one for, one changed from against to for (retract, then vote), one against
    // (who then asks to be forgotten), one undecided, one retracted.
    let debate = group.debate(GROUP).await;
    let api = &group.api;
    api.poll_answer(&vote.poll_id, &students[0], &[0]);
    api.poll_answer(&vote.poll_id, &students[1], &[1]);
    api.poll_answer(&vote.poll_id, &students[2], &[1]);
    api.poll_answer(&vote.poll_id, &students[3], &[2]);
    api.poll_answer(&vote.poll_id, &students[4], &[0]);
    group.votes(debate.id, [2, 2, 1]).await;
    api.poll_answer(&vote.poll_id, &students[1], &[]);
    api.poll_answer(&vote.poll_id, &students[4], &[]);
    group.votes(debate.id, [1, 1, 1]).await;
    api.poll_answer(&vote.poll_id, &students[1], &[0]);
    group.votes(debate.id, [2, 1, 1]).await;
    // A poll the bot never sent changes nothing.
    api.poll_answer("5999999999999999999", &students[4], &[1]);

    // /forgetme takes a vote away.
    let before = api.count("sendMessage");
    api.private_text(&students[2], "/forgetme");
    let forgot = api.wait_nth("sendMessage", before).await;
    assert_eq!(visible(&forgot), zh("quiz_forgotten", &[("count", "1")]));
    group.votes(debate.id, [2, 0, 1]).await;

    // One debate at a time; a member may not close it.
    assert_eq!(
        group.ask(&students[0], "/debate 2").await,
        already_open("闭源最终将战胜开源?")
    );
    assert_eq!(
        group.ask(&students[0], "/debate close").await,
        only_starter_close()
    );
    let asked = api.wait_nth("getChatMember", 0).await;
    assert_eq!(asked.body["user_id"], json!(students[0].id));
    assert_eq!(api.count("stopPoll"), 0);
    assert_eq!(api.count("sendPoll"), 1);

    // The starter moves on: the first vote stops at once, the second vote and the
    // convinced poll come; nobody votes again. Closed, the result follows the grace.
    group.api.group_text(GROUP, &teacher, "/debate close");
    group.second(GROUP, &vote, 0, 1).await;
    let before = api.count("sendMessage");
    let closed = Instant::now();
    api.group_text(GROUP, &teacher, "/debate close");
    let stop = api.wait_nth("stopPoll", 1).await;
    assert!(stop.ok(), "{}", stop.response);
    assert_eq!(stop.result()["is_closed"], json!(true));
    let result = group.result(before).await;
    assert!(closed.elapsed() >= Duration::from_millis(1_900));
    assert_eq!(
        result,
        [
            result_head(
                Lang::Zh,
                "闭源最终将战胜开源?",
                [(2, 67), (0, 0), (1, 33)],
                3
            ),
            String::new(),
            zh("debate_result_no_swing", &[]),
            String::new(),
            zh("debate_result_convinced_none", &[]),
            String::new(),
            camps(Lang::Zh, "李彦宏", "罗璇"),
            zh("debate_narration_against", &[]),
        ]
        .join("\n")
    );
    // Closed: a late vote is not counted, and there is nothing left to close.
    api.poll_answer(&vote.poll_id, &students[3], &[1]);
    assert_eq!(group.ask(&teacher, "/debate close").await, none_open());
    assert_eq!(
        support::votes(&group.store, debate.id, Round::Before)
            .await
            .unwrap(),
        [2, 0, 1],
        "the late vote is refused"
    );

    // A student's debate; an admin moves it on and closes it (asked with getChatMember);
    // nobody voted.
    let second = group.open(GROUP, &students[0], "/debate 5").await;
    let polls = api.count("sendPoll");
    api.group_text(GROUP, &admin, "/debate close");
    group.second(GROUP, &second, 3, polls).await;
    let asked = api.wait_nth("getChatMember", 1).await;
    assert_eq!(asked.body["user_id"], json!(admin.id));
    let before = api.count("sendMessage");
    api.group_text(GROUP, &admin, "/debate close");
    let result = group.result(before).await;
    let head = result_head(Lang::Zh, "巨头也应该拥抱开源?", [(0, 0), (0, 0), (0, 0)], 0);
    assert!(
        result.starts_with(&format!("{}\n", head.lines().next().unwrap())),
        "{result}"
    );
    let nobody = zh(
        "debate_result_round_none",
        &[("round", &zh("debate_round_before", &[]))],
    );
    assert!(result.contains(&format!("\n{nobody}\n")), "{result}");

    assert_within_limits(api);
    assert_eq!(
        api.calls()
            .iter()
            .filter(|c| c.method == "sendMessage" && is_result(c))
            .count(),
        2,
        "each result once"
    );
}

#[tokio::test]
async fn in_a_private_chat_in_english_the_voter_closes_their_own_debate() {
    let group = Group::start().await;
    let user = TgUser::new(5_000, "Alice <b>&amp;", Some("en-GB"));
    let vote = group
        .open(user.id, &user, "/debate@debate_test_bot 3")
        .await;
    // The motion is the corpus's (responses/debates.toml).
    let motion = "Does Llama 2's own licence make its \"open source\" less than it claims?";
    let en = |key, args: &[(&str, &str)]| support::say(Lang::En, key, args);
    let title = en(
        "debate_title",
        &[("number", "3"), ("count", "5"), ("motion", motion)],
    );
    assert!(
        visible(&vote.motion).starts_with(&format!("{title}\n")),
        "{}",
        visible(&vote.motion)
    );
    let poll = group.api.calls_of("sendPoll").remove(0);
    assert_eq!(
        poll.body["question"],
        json!(en(
            "debate_vote_before",
            &[("motion", motion), ("minutes", "60")]
        ))
    );
    let debate = group.debate(user.id).await;
    group.api.poll_answer(&vote.poll_id, &user, &[1]);
    group.votes(debate.id, [0, 1, 0]).await;
    group.api.private_text(&user, "/debate CLOSE");
    group.second(user.id, &vote, 0, 1).await;
    let before = group.api.count("sendMessage");
    group.api.private_text(&user, "/debate close");
    let result = group.result(before).await;
    let nobody = en("debate_camp_nobody", &[]);
    let expected = [
        result_head(Lang::En, motion, [(0, 0), (1, 100), (0, 0)], 1),
        String::new(),
        en("debate_result_no_swing", &[]),
        String::new(),
        en("debate_result_convinced_none", &[]),
        String::new(),
        camps(Lang::En, &nobody, &nobody),
    ]
    .join("\n");
    assert!(result.starts_with(&expected), "{result}");
    assert_eq!(group.api.count("getChatMember"), 0, "no need to ask");
    assert_within_limits(&group.api);
}

#[tokio::test]
async fn a_restart_keeps_the_debate_and_its_votes_and_a_deadline_passed_meanwhile_closes_it() {
    let teacher = teacher();
    let process = support::process_runtime();
    let mut group = Group::start_on(process.handle()).await;
    let vote = group.open(GROUP, &teacher, "/debate 2").await;
    let debate = group.debate(GROUP).await;
    group.api.poll_answer(&vote.poll_id, &student(0), &[1]);
    group.api.poll_answer(&vote.poll_id, &student(1), &[1]);
    group.votes(debate.id, [0, 2, 0]).await;
    group.end_process(process).await;
    // While no bot runs, Telegram keeps the updates.
    group.api.poll_answer(&vote.poll_id, &student(2), &[0]);

    group.start_again().await;
    group.votes(debate.id, [1, 2, 0]).await;
    assert_eq!(group.api.count("sendPoll"), 1, "the same vote carries on");
    assert_eq!(
        group.ask(&student(3), "/debate").await,
        already_open("初创企业只能走开源路线?")
    );
    group.api.group_text(GROUP, &teacher, "/debate close");
    group.second(GROUP, &vote, 0, 1).await;
    let before = group.api.count("sendMessage");
    group.api.group_text(GROUP, &teacher, "/debate close");
    let result = group.result(before).await;
    let head = result_head(
        Lang::Zh,
        "初创企业只能走开源路线?",
        [(1, 33), (2, 67), (0, 0)],
        3,
    );
    assert!(result.starts_with(&format!("{head}\n")), "{result}");

    // Another debate; the bot is down when its time runs out. On start it stops the first
    // vote and puts the second.
    let vote = group.open(GROUP, &teacher, "/debate 4").await;
    let debate = group.debate(GROUP).await;
    group.api.poll_answer(&vote.poll_id, &student(0), &[2]);
    group.votes(debate.id, [0, 0, 1]).await;
    let bot = group.bot.take().unwrap();
    bot.stop().await;
    let pool = sqlx::SqlitePool::connect(&group.database).await.unwrap();
    sqlx::query("UPDATE debates SET deadline = deadline - 3600000 WHERE id = ?")
        .bind(debate.id)
        .execute(&pool)
        .await
        .unwrap();
    pool.close().await;
    let polls = group.api.count("sendPoll");
    group.start_again().await;
    group.second(GROUP, &vote, 3, polls).await;
    let before = group.api.count("sendMessage");
    group.api.group_text(GROUP, &teacher, "/debate close");
    let result = group.result(before).await;
    let head = result_head(
        Lang::Zh,
        "行业落地,闭源比开源更合适?",
        [(0, 0), (0, 0), (1, 100)],
        1,
    );
    assert!(result.starts_with(&format!("{head}\n")), "{result}");
    assert_eq!(group.ask(&teacher, "/debate close").await, none_open());
    group.bot.take().unwrap().stop().await;
    assert_eq!(
        group.api.count("sendPoll"),
        6,
        "three polls for each debate"
    );
}

#[tokio::test]
async fn an_admin_writing_anonymously_as_the_group_may_close_a_debate() {
    let group = Group::start().await;
    let vote = group.open(GROUP, &teacher(), "/debate 4").await;
    let before = group.api.count("sendMessage");
    // What Telegram sends for an anonymous admin: from GroupAnonymousBot, as the group itself.
    let chat = json!({"id": GROUP, "type": "group", "title": "Debate test group"});
    group.api.push_update(
        "message",
        json!({
            "message_id": 900_001,
            "date": 1_720_000_000,
            "chat": chat,
            "sender_chat": chat,
            "from": {"id": 1_087_968_824, "is_bot": true, "first_name": "Group", "username": "GroupAnonymousBot"},
            "text": "/debate close",
            "entities": [{"type": "bot_command", "offset": 0, "length": 7}],
        }),
    );
    group.second(GROUP, &vote, 0, 1).await;
    group.api.push_update(
        "message",
        json!({
            "message_id": 900_002,
            "date": 1_720_000_001,
            "chat": chat,
            "sender_chat": chat,
            "from": {"id": 1_087_968_824, "is_bot": true, "first_name": "Group", "username": "GroupAnonymousBot"},
            "text": "/debate close",
            "entities": [{"type": "bot_command", "offset": 0, "length": 7}],
        }),
    );
    let result = group.result(before).await;
    let title = zh(
        "debate_result_title",
        &[("motion", "行业落地,闭源比开源更合适?")],
    );
    assert!(result.starts_with(&format!("{title}\n")), "{result}");
    assert_eq!(group.api.count("getChatMember"), 0, "no need to ask");
}

#[tokio::test]
async fn a_vote_telegram_refuses_is_called_off_with_an_apology_and_the_chat_is_free() {
    let group = Group::start().await;
    // A group where the bot may not send polls.
    group.api.fail(
        "sendPoll",
        1,
        support::Failure::api(
            400,
            "Bad Request: not enough rights to send polls to the chat",
        ),
    );
    let before = group.api.count("sendMessage");
    group.api.group_text(GROUP, &teacher(), "/debate 1");
    // No vote, no quotes: the apology is all the chat gets.
    let apology = group.api.wait_nth("sendMessage", before).await;
    assert_eq!(
        visible(&apology),
        support::say(Lang::Zh, "debate_poll_failed", &[])
    );
    assert_eq!(
        group.api.count("sendPoll"),
        1,
        "tried once: a 400 is not retried"
    );
    // Nothing is left open: the next /debate puts a vote.
    group.open(GROUP, &teacher(), "/debate 1").await;
}

/// Twenty voters: some change sides, some vote only once, and the bot restarts between the
/// two votes (answers cast while it is down are delivered after). The result's figures are
/// the votes cast, and the group gets nothing it did not ask for between the steps.
#[tokio::test]
async fn twenty_voters_across_a_restart_get_the_shares_the_swing_and_the_quotes_they_cast() {
    let teacher = teacher();
    let process = support::process_runtime();
    let mut group = Group::start_on(process.handle()).await;
    let s: Vec<TgUser> = (0..20).map(student).collect();
    const FOR: u8 = 0;
    const AGAINST: u8 = 1;
    const UNDECIDED: u8 = 2;
    let vote = group.open(GROUP, &teacher, "/debate 1").await;
    let debate = group.debate(GROUP).await.id;

    // Before reading: 0-7 and 16-17 against, 8-12 for, 13-15 undecided; 18 and 19 do not
    // vote now. 16 first says for, then changes to against.
    let before = |i: usize| match i {
        0..=7 | 16 | 17 => AGAINST,
        8..=12 => FOR,
        _ => UNDECIDED,
    };
    group.api.poll_answer(&vote.poll_id, &s[16], &[FOR]);
    for (i, student) in s.iter().enumerate().take(18) {
        group.api.poll_answer(&vote.poll_id, student, &[before(i)]);
    }
    group.votes(debate, [5, 10, 3]).await;

    // The starter moves on: the first vote stops, the second and the convinced poll come.
    group.api.group_text(GROUP, &teacher, "/debate close");
    let second = group.second(GROUP, &vote, 0, 1).await;
    let options: Vec<String> = second.convinced.body["options"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["text"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(
        options.len(),
        6,
        "motion 1 shows 3 quotes for and 3 against"
    );

    // After reading: 0-4 and 13-14 come round to for, 12 goes against, the rest stay; 16
    // and 17 do not vote again; 18 (for) and 19 (against) vote only now. Which quotes
    // convinced: 0-5 the first, 5 and 8 the fourth, 12 the sixth.
    let after = |i: usize| match i {
        0..=4 | 8..=11 | 13 | 14 | 18 => FOR,
        5..=7 | 12 | 19 => AGAINST,
        _ => UNDECIDED,
    };
    let voters_after: Vec<usize> = (0..16).chain([18, 19]).collect();
    let convinced: [(usize, &[u8]); 8] = [
        (0, &[0]),
        (1, &[0]),
        (2, &[0]),
        (3, &[0]),
        (4, &[0]),
        (5, &[0, 3]),
        (8, &[3]),
        (12, &[5]),
    ];
    // Some answer before the restart...
    for &i in &voters_after[..6] {
        group.api.poll_answer(&second.after_id, &s[i], &[after(i)]);
    }
    for (i, options) in &convinced[..3] {
        group.api.poll_answer(&second.convinced_id, &s[*i], options);
    }
    group.votes_in(debate, Round::After, [5, 1, 0]).await;
    group.end_process(process).await;
    // ...some while the bot is down (Telegram keeps the updates)...
    for &i in &voters_after[6..12] {
        group.api.poll_answer(&second.after_id, &s[i], &[after(i)]);
    }
    for (i, options) in &convinced[3..6] {
        group.api.poll_answer(&second.convinced_id, &s[*i], options);
    }
    group.start_again().await;
    // ...and the rest after it.
    for &i in &voters_after[12..] {
        group.api.poll_answer(&second.after_id, &s[i], &[after(i)]);
    }
    for (i, options) in &convinced[6..] {
        group.api.poll_answer(&second.convinced_id, &s[*i], options);
    }
    group.votes_in(debate, Round::After, [12, 5, 1]).await;
    eventually("every convinced answer stored", || async {
        let answers = group.store.debate_answers(debate).await.ok()?;
        let n = answers
            .iter()
            .filter(|a| a.round == Round::Convinced)
            .count();
        (n == 8).then_some(())
    })
    .await;
    assert_eq!(group.api.count("sendPoll"), 3, "nothing posted again");

    // Between the steps the group got the first vote, the quotes, the second vote and the
    // convinced poll, and nothing else.
    let sent: Vec<String> = group
        .api
        .calls()
        .iter()
        .filter(|c| c.chat_id() == Some(GROUP) && c.method.starts_with("send"))
        .map(|c| c.method.clone())
        .collect();
    assert_eq!(sent, ["sendPoll", "sendMessage", "sendPoll", "sendPoll"]);

    let messages = group.api.count("sendMessage");
    group.api.group_text(GROUP, &teacher, "/debate close");
    let result = group.result(messages).await;
    let app = support::app();
    let quotes = app.convinced_quotes(0);
    let quote = |rank: &str, option: usize, votes: &str| {
        format!(
            "{}\n   {}",
            zh(
                "debate_result_convinced_line",
                &[
                    ("rank", rank),
                    ("quote", &app.quote_label(Lang::Zh, 0, quotes[option])),
                    ("votes", votes),
                ],
            ),
            app.view(Lang::Zh)
                .citation(&app.corpus().excerpts[quotes[option]])
        )
    };
    let [f, a, u] = sides(Lang::Zh);
    let moves = [
        zh(
            "debate_result_move",
            &[("count", "1"), ("from", &f), ("to", &a)],
        ),
        zh(
            "debate_result_move",
            &[("count", "5"), ("from", &a), ("to", &f)],
        ),
        zh(
            "debate_result_move",
            &[("count", "2"), ("from", &u), ("to", &f)],
        ),
    ]
    .join(&zh("debate_result_move_separator", &[]));
    let expected = [
        zh("debate_result_title", &[("motion", "闭源最终将战胜开源?")]),
        // 18 before: 5 for, 10 against, 3 undecided.
        round_line(
            Lang::Zh,
            "debate_round_before",
            [(5, 28), (10, 56), (3, 17)],
            18,
        ),
        // 18 after: 12 for, 5 against, 1 undecided.
        round_line(
            Lang::Zh,
            "debate_round_after",
            [(12, 67), (5, 28), (1, 6)],
            18,
        ),
        String::new(),
        // The 16 who voted twice: for from 5 to 11 (+6 of 16: +38 points), against from 8
        // to 4 (-25 points).
        zh(
            "debate_result_swing",
            &[("count", "16"), ("for", "+38"), ("against", "\u{2212}25")],
        ),
        zh("debate_result_wins_for", &[]),
        zh(
            "debate_result_changed",
            &[("count", "8"), ("moves", &moves)],
        ),
        String::new(),
        zh("debate_result_convinced", &[("count", "8")]),
        quote("1", 0, "6"),
        quote("2", 3, "2"),
        quote("3", 5, "1"),
        String::new(),
        camps(Lang::Zh, "李彦宏", "罗璇"),
        zh("debate_narration_against", &[]),
    ]
    .join("\n");
    assert_eq!(result, expected);
    // The whole debate: 5 messages and 3 stopPolls, within 20 a minute.
    let to_group = group
        .api
        .calls()
        .iter()
        .filter(|c| c.chat_id() == Some(GROUP))
        .filter(|c| c.method.starts_with("send") || c.method == "stopPoll")
        .count();
    assert_eq!(to_group, 8);
    assert_within_limits(&group.api);
    group.stop().await;
}
