//! Debates end to end: the real bot (`debate_bot::telegram::run`) against the fake Bot
//! API on 127.0.0.1, with its debates in a SQLite file of its own. A group gets the motion
//! with both camps' best quotes and a regular, non-anonymous poll replying to it; members vote
//! (`poll_answer` updates: a vote, a changed vote, a retraction), walk the sides with the
//! buttons, and the starter or an admin closes the vote; the tests assert what the chat sees.
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
use debate_bot::store::{DebateRow, Tally};
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

/// A vote the bot posted.
#[derive(Debug, Clone)]
struct Vote {
    poll_id: String,
    message_id: i64,
    /// The motion message the poll replies to.
    motion: Call,
}

impl Group {
    async fn start() -> Group {
        Group(GroupChat::start(GROUP, NO_PICTURES).await)
    }

    async fn start_on(runtime: &tokio::runtime::Handle) -> Group {
        Group(GroupChat::start_on(runtime, GROUP, NO_PICTURES).await)
    }

    /// `user` opens a debate with `text` in `chat`; returns the motion message and the poll
    /// once the bot has stored the poll (so votes count from now on).
    async fn open(&self, chat: i64, user: &TgUser, text: &str) -> Vote {
        let (messages, polls) = (self.api.count("sendMessage"), self.api.count("sendPoll"));
        if chat == user.id {
            self.api.private_text(user, text);
        } else {
            self.api.group_text(chat, user, text);
        }
        let motion = self.api.wait_nth("sendMessage", messages).await;
        assert_eq!(motion.chat_id(), Some(chat), "{}", motion.summary());
        assert!(motion.ok(), "{}", motion.response);
        let poll = self.api.wait_nth("sendPoll", polls).await;
        assert!(poll.ok(), "{}", poll.response);
        assert!(motion.seq < poll.seq, "the motion comes first");
        let poll_id = poll.poll()["id"].as_str().expect("a poll id").to_string();
        let stored = poll_id.clone();
        eventually("the poll stored", || async {
            let open = self.store.open_debate(chat).await.ok()??;
            (open.poll_id.as_deref() == Some(stored.as_str())).then_some(())
        })
        .await;
        let vote = Vote {
            poll_id,
            message_id: poll.message_id(),
            motion,
        };
        // The poll: regular, not anonymous, one answer, replying to the motion, its counts
        // hidden until it closes (so the first votes sway no one), no timer (the bot closes it
        // itself: a server older than Bot API 9.6 allows an open_period of 10 minutes at most).
        let body = &poll.body;
        assert_eq!(body["hide_results_until_closes"], json!(true), "{body}");
        assert_eq!(poll.chat_id(), Some(chat), "{body}");
        assert_eq!(body["type"], json!("regular"), "{body}");
        assert_eq!(body["is_anonymous"], json!(false), "{body}");
        assert_ne!(body["allows_multiple_answers"], json!(true), "{body}");
        assert!(body.get("open_period").is_none(), "{body}");
        assert_eq!(poll.reply_to(), Some(vote.motion.message_id()), "{body}");
        vote
    }

    /// The open debate in `chat`.
    async fn debate(&self, chat: i64) -> DebateRow {
        self.store
            .open_debate(chat)
            .await
            .expect("the database")
            .expect("an open debate")
    }

    /// Waits until debate `id` has exactly `tally` stored.
    async fn votes(&self, id: debate_bot::vocab::DebateId, tally: Tally) {
        let mut last = [0; 3];
        let deadline = Instant::now() + WAIT;
        while Instant::now() < deadline {
            last = self.store.tally(id).await.expect("the database");
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
            "debate_vote_question",
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

    // The starter closes it: the poll stops at once, the result follows the grace.
    let before = api.count("sendMessage");
    let closed = Instant::now();
    api.group_text(GROUP, &teacher, "/debate close");
    let stop = api.wait_nth("stopPoll", 0).await;
    assert!(stop.ok(), "{}", stop.response);
    assert_eq!(stop.body["message_id"], json!(vote.message_id));
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
            zh("debate_result_leans_for", &[("camp", "李彦宏")]),
            camps(Lang::Zh, "李彦宏", "罗璇"),
            zh("debate_narration_against", &[]),
        ]
        .join("\n")
    );
    // Closed: a late vote is not counted, and there is nothing left to close.
    api.poll_answer(&vote.poll_id, &students[3], &[1]);
    assert_eq!(group.ask(&teacher, "/debate close").await, none_open());
    assert_eq!(
        group.store.tally(debate.id).await.unwrap(),
        [2, 0, 1],
        "the late vote is refused"
    );

    // A student's debate; an admin closes it (asked with getChatMember); nobody voted.
    let second = group.open(GROUP, &students[0], "/debate 5").await;
    let before = api.count("sendMessage");
    api.group_text(GROUP, &admin, "/debate close");
    let stop = api.wait_nth("stopPoll", 1).await;
    assert_eq!(stop.body["message_id"], json!(second.message_id));
    let asked = api.wait_nth("getChatMember", 1).await;
    assert_eq!(asked.body["user_id"], json!(admin.id));
    let result = group.result(before).await;
    let head = result_head(Lang::Zh, "巨头也应该拥抱开源?", [(0, 0), (0, 0), (0, 0)], 0);
    let camps_start = support::say_until(Lang::Zh, "debate_camps", &[], "for");
    assert!(
        result.starts_with(&format!(
            "{head}\n\n{}\n{camps_start}",
            zh("debate_result_none", &[])
        )),
        "{result}"
    );

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
            "debate_vote_question",
            &[("motion", motion), ("minutes", "60")]
        ))
    );
    let debate = group.debate(user.id).await;
    group.api.poll_answer(&vote.poll_id, &user, &[1]);
    group.votes(debate.id, [0, 1, 0]).await;
    let before = group.api.count("sendMessage");
    group.api.private_text(&user, "/debate CLOSE");
    group.api.wait_nth("stopPoll", 0).await;
    let result = group.result(before).await;
    let nobody = en("debate_camp_nobody", &[]);
    let expected = [
        result_head(Lang::En, motion, [(0, 0), (1, 100), (0, 0)], 1),
        String::new(),
        en("debate_result_leans_against_nobody", &[]),
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
    let before = group.api.count("sendMessage");
    group.api.group_text(GROUP, &teacher, "/debate close");
    let stop = group.api.wait_nth("stopPoll", 0).await;
    assert_eq!(stop.body["message_id"], json!(vote.message_id));
    let result = group.result(before).await;
    let head = result_head(
        Lang::Zh,
        "初创企业只能走开源路线?",
        [(1, 33), (2, 67), (0, 0)],
        3,
    );
    let leans = support::say_until(Lang::Zh, "debate_result_leans_against", &[], "camp");
    assert!(
        result.starts_with(&format!("{head}\n\n{leans}")),
        "{result}"
    );

    // Another debate; the bot is down when its time runs out. On start it closes the vote
    // and posts the result.
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
    let before = group.api.count("sendMessage");
    group.start_again().await;
    let stop = group.api.wait_nth("stopPoll", 1).await;
    assert_eq!(stop.body["message_id"], json!(vote.message_id));
    let result = group.result(before).await;
    let undecided = format!(
        "{}\n\n{}\n",
        zh("debate_result_total", &[("total", "1")]),
        zh("debate_result_undecided", &[])
    );
    assert!(result.contains(&undecided), "{result}");
    assert_eq!(group.ask(&teacher, "/debate close").await, none_open());
    group.bot.take().unwrap().stop().await;
    assert_eq!(group.api.count("sendPoll"), 2);
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
    let stop = group.api.wait_nth("stopPoll", 0).await;
    assert_eq!(stop.body["message_id"], json!(vote.message_id));
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
    let motion = group.api.wait_nth("sendMessage", before).await;
    let title = zh(
        "debate_title",
        &[
            ("number", "1"),
            ("count", "5"),
            ("motion", "闭源最终将战胜开源?"),
        ],
    );
    assert!(
        visible(&motion).starts_with(&format!("{title}\n")),
        "{}",
        visible(&motion)
    );
    let apology = group.api.wait_nth("sendMessage", before + 1).await;
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
