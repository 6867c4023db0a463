//! The quiz engine against a real SQLite file, driven like the Telegram adapter drives it:
//! every event carries its time (`now`, in milliseconds) from the test's own clock, so a
//! 30-second question takes microseconds and nothing ever sleeps. For each `Effect::QuizPoll` the
//! test "sends" the poll (its own poll id and message id) and calls `poll_sent`; for each
//! `Effect::Wake` it calls `wake` once its clock reaches `at`. Assertions are on what users see:
//! the messages' text, the polls, the CSV, and what the store kept.
//!
//! Each test has its own database in a fresh directory under the system temp dir, removed when
//! the test ends (also when it fails).

use crate::support;

use std::collections::{BTreeMap, BTreeSet, HashSet};
use std::sync::Arc;

use debate_bot::command::{self, Builtin};
use debate_bot::core::Incoming;
use debate_bot::effect::Effect;
use debate_bot::i18n::Lang;
use debate_bot::quiz::QuizRequest;
use debate_bot::quiz::questions;
use debate_bot::render::utf16_len;
use debate_bot::settings::QuizSettings;
use debate_bot::store::{Recorded, Refusal};
use debate_bot::vocab::Place;
use debate_bot::vocab::PollSpec;
use debate_bot::vocab::Timer;
use debate_bot::vocab::{ChatKind, GRACE_MS, Millis, Player, QuizId};
use rand::SeedableRng;
use rand::rngs::StdRng;
use support::core_replies::through_core;
use support::engines::{Pace, QuizBot, Sent};
use support::{app, messages, player};

const GROUP: i64 = -1_001_234_567_890;
const OTHER_GROUP: i64 = -1_009_876_543_210;
/// The test clock starts here (a plausible Unix time in milliseconds).
const T0: Millis = Millis(1_750_000_000_000);
const QUESTION_MS: i64 = 30_000;

const SETTINGS: QuizSettings = QuizSettings {
    questions: 5,
    question_seconds: 30,
    max_questions: 20,
    pictures: true,
};

// The sentences users see: responses/ui.zh.toml, filled as the bot fills them.
use support::quiz_zh::*;
fn bad_count() -> String {
    support::say(Lang::Zh, "quiz_bad_count", &[("max", "20")])
}

/// The quiz's intro, for questions of [`SETTINGS`]' seconds.
fn intro(count: usize, name: &str) -> String {
    support::quiz_zh::intro(count, SETTINGS.question_seconds, name)
}

/// Everyone's line of the results: "1. Bob — 答对 2/3 · 用时 5.5 秒".
fn results_line(rank: usize, name: &str, correct: usize, total: usize, seconds: &str) -> String {
    let (rank, correct, total) = (rank.to_string(), correct.to_string(), total.to_string());
    support::say(
        Lang::Zh,
        "quiz_results_line",
        &[
            ("rank", &rank),
            ("name", name),
            ("correct", &correct),
            ("total", &total),
            ("seconds", seconds),
        ],
    )
}

/// The caption of /report's file: "最近一场测验的成绩(1 题):每人每题一行。".
fn report_caption(count: usize) -> String {
    support::say(
        Lang::Zh,
        "quiz_report_caption",
        &[("count", &count.to_string())],
    )
}

/// The results' last line: "最难的一题:第 3 题,答对率 33%。".
fn hardest(number: usize, share: u32) -> String {
    let (number, share) = (number.to_string(), share.to_string());
    support::say(
        Lang::Zh,
        "quiz_results_hardest",
        &[("number", &number), ("share", &share)],
    )
}

// ---------------------------------------------------------------------------------------------
// Set-up: one app for the whole binary, one database per test.

/// The quiz engine on a fresh file (`tag` names its folder) with [`SETTINGS`], playing in
/// [`GROUP`].
async fn bot(tag: &str) -> QuizBot {
    QuizBot::open(tag, SETTINGS, Pace::Settings, 7, GROUP).await
}

impl QuizBot {
    /// Starts a quiz of `count` in the group and sends its first poll one second later.
    async fn start(&mut self, starter: &Player, count: usize, now: Millis) -> Sent {
        let outs = self.group(starter, &format!("/quiz {count}"), now).await;
        assert_eq!(outs.len(), 2, "{outs:#?}");
        self.send_poll(&outs, now + 1_000).await
    }

    /// Plays the rest of a quiz with no more answers: wakes at each deadline, sends each next
    /// poll. Returns the polls sent and the results text.
    async fn play_out(&self, first: Sent) -> (Vec<Sent>, String) {
        let mut sent = vec![first];
        loop {
            let last = sent.last().expect("a poll").clone();
            let outs = self.wake(&last).await;
            if outs.iter().any(|o| matches!(o, Effect::QuizPoll { .. })) {
                sent.push(self.send_poll(&outs, last.wake_at).await);
            } else {
                return (sent, only_message(&outs));
            }
        }
    }
}

/// The HTML of every message among `outs`.
fn html(outs: &[Effect]) -> Vec<String> {
    outs.iter()
        .filter_map(|o| match o {
            Effect::Send { reply, .. } | Effect::Photo { caption: reply, .. } => {
                Some(reply.doc.to_html())
            }
            _ => None,
        })
        .collect()
}

/// The text of `outs`, which must be exactly one message.
fn only_message(outs: &[Effect]) -> String {
    assert_eq!(outs.len(), 1, "one message expected: {outs:#?}");
    messages(outs).pop().expect("a message")
}

fn polls(outs: &[Effect]) -> Vec<(i64, PollSpec)> {
    outs.iter()
        .filter_map(|o| match o {
            Effect::QuizPoll { index, poll, .. } => Some((*index, poll.clone())),
            _ => None,
        })
        .collect()
}

fn quiz_id(outs: &[Effect]) -> QuizId {
    outs.iter()
        .find_map(|o| match o {
            Effect::QuizPoll { quiz, .. } => Some(*quiz),
            _ => None,
        })
        .expect("a poll")
}

/// A poll Telegram accepts for a quiz of `total`, asking question `number`.
fn assert_valid_poll(poll: &PollSpec, number: usize, total: usize) {
    let prefix = format!("{number}/{total} · ");
    assert!(poll.question.starts_with(&prefix), "{poll:#?}");
    assert!(poll.question.len() > prefix.len(), "{poll:#?}");
    assert!(utf16_len(&poll.question) <= 300, "{poll:#?}");
    assert!((2..=10).contains(&poll.options.len()), "{poll:#?}");
    assert!(
        poll.options
            .iter()
            .all(|o| (1..=100).contains(&utf16_len(o))),
        "{poll:#?}"
    );
    let unique: HashSet<&String> = poll.options.iter().collect();
    assert_eq!(
        unique.len(),
        poll.options.len(),
        "options differ: {poll:#?}"
    );
    assert!(poll.correct < poll.options.len(), "{poll:#?}");
    assert!(utf16_len(&poll.explanation) <= 200, "{poll:#?}");
    assert!(poll.explanation.matches('\n').count() <= 2, "{poll:#?}");
    assert_eq!(poll.open_seconds, 30);
}

// ---------------------------------------------------------------------------------------------
// 1. Starting a quiz

#[tokio::test]
async fn quiz_starts_with_an_intro_and_a_valid_first_poll_and_refuses_bad_counts_and_a_second_quiz()
{
    let mut bot = bot("start").await;
    let alice = player(11, "Alice");
    let outs = bot.group(&alice, "/quiz 3", T0).await;
    assert_eq!(outs.len(), 2, "{outs:#?}");
    let Effect::Send { place: chat, reply } = &outs[0] else {
        panic!("the intro comes first: {outs:#?}");
    };
    assert_eq!(*chat, Place::from(GROUP));
    assert_eq!(reply.doc.to_plain(), intro(3, "Alice"));
    let Effect::QuizPoll {
        place: chat,
        quiz,
        index,
        poll,
    } = &outs[1]
    else {
        panic!("then the first poll: {outs:#?}");
    };
    assert_eq!((*chat, *index), (Place::from(GROUP), 0));
    assert_valid_poll(poll, 1, 3);
    let stored = bot.store().questions(*quiz).await.unwrap();
    assert_eq!(stored.len(), 3);
    assert_eq!(
        poll.question,
        format!("1/3 · {}", stored[0].dealt.question),
        "the poll asks what was stored"
    );
    assert_eq!(poll.options, stored[0].dealt.options);
    assert_eq!(poll.correct, stored[0].dealt.correct);
    let running = bot.store().running_quiz(GROUP).await.unwrap().unwrap();
    assert_eq!((running.id, running.starter_id), (*quiz, 11));

    // Bad counts, in a chat with no quiz: the hint, and no quiz.
    for text in ["/quiz 0", "/quiz 99", "/quiz 21", "/quiz -1"] {
        let outs = bot
            .command_as(OTHER_GROUP, ChatKind::Group, &alice, text, false, T0)
            .await;
        assert_eq!(only_message(&outs), bad_count(), "{text}");
    }
    assert!(
        bot.store()
            .running_quiz(OTHER_GROUP)
            .await
            .unwrap()
            .is_none()
    );

    // A second /quiz while one runs names who started it; in English for an English user.
    let bob = player(12, "Bob");
    let outs = bot.group(&bob, "/quiz", T0 + 5_000).await;
    assert_eq!(only_message(&outs), already_running("Alice"));
    let outs = bot.group(&alice, "/quiz 2", T0 + 5_000).await;
    assert_eq!(only_message(&outs), already_running("Alice"));
    let english = Player {
        language_code: Some("en-GB".into()),
        ..player(13, "Eve")
    };
    let outs = bot.group(&english, "/quiz@debate_bot 4", T0 + 6_000).await;
    assert_eq!(
        only_message(&outs),
        support::say(Lang::En, "quiz_already_running", &[("name", "Alice")])
    );
    assert_eq!(
        bot.store().running_quiz(GROUP).await.unwrap().unwrap().id,
        *quiz,
        "the first quiz runs on"
    );

    // With no number, the configured five; the max is allowed.
    let outs = bot
        .command_as(OTHER_GROUP, ChatKind::Group, &bob, "/quiz", false, T0)
        .await;
    assert_eq!(messages(&outs), vec![intro(5, "Bob")]);
    assert_valid_poll(&polls(&outs)[0].1, 1, 5);
    let outs = bot
        .command_as(-42, ChatKind::Group, &bob, "/quiz 20", false, T0)
        .await;
    assert_eq!(messages(&outs), vec![intro(20, "Bob")]);
    let twenty = bot.store().questions(quiz_id(&outs)).await.unwrap();
    assert_eq!(twenty.len(), 20);

    // The starter's name is text, not markup, in the intro and the refusal.
    let html_name = player(14, "<i>Zed</i> & co");
    let outs = bot
        .command_as(-43, ChatKind::Group, &html_name, "/quiz 1", false, T0)
        .await;
    assert_eq!(
        html(&outs),
        vec![intro(1, "&lt;i&gt;Zed&lt;/i&gt; &amp; co")]
    );
    let outs = bot
        .command_as(-43, ChatKind::Group, &alice, "/quiz 1", false, T0)
        .await;
    assert_eq!(
        html(&outs),
        vec![already_running("&lt;i&gt;Zed&lt;/i&gt; &amp; co")]
    );
}

// ---------------------------------------------------------------------------------------------
// 2. Scoring, ties and the results message

#[tokio::test]
async fn results_rank_by_right_answers_then_time_show_shares_and_the_hardest_and_escape_names() {
    let mut bot = bot("scoring").await;
    let teacher = player(1, "Teacher");
    let alice = player(11, "Alice");
    let bob = player(12, "<b>Bob & \"Co\"</b>");
    let carol = player(13, "Carol");

    let q1 = bot.start(&teacher, 3, T0).await;
    let s = q1.sent_at;
    // Question 1: Alice and Bob right, Carol wrong; answers arrive out of rank order.
    assert_eq!(
        bot.answer(&q1, &carol, &[q1.wrong()], s + 2_000).await,
        Recorded::Counted
    );
    assert_eq!(
        bot.answer(&q1, &bob, &[q1.right()], s + 3_000).await,
        Recorded::Counted
    );
    assert_eq!(
        bot.answer(&q1, &alice, &[q1.right()], s + 1_000).await,
        Recorded::Counted
    );
    let outs = bot.wake(&q1).await;
    assert!(
        !outs.iter().any(|o| matches!(o, Effect::StopPoll { .. })),
        "a poll past its deadline is closed already: {outs:#?}"
    );
    let q2 = bot.send_poll(&outs, q1.wake_at).await;
    assert_eq!(q2.index, 1);
    assert_valid_poll(&q2.poll, 2, 3);
    let s = q2.sent_at;
    // Question 2: Bob and Carol right, Alice wrong.
    assert_eq!(
        bot.answer(&q2, &alice, &[q2.wrong()], s + 1_000).await,
        Recorded::Counted
    );
    assert_eq!(
        bot.answer(&q2, &bob, &[q2.right()], s + 2_000).await,
        Recorded::Counted
    );
    assert_eq!(
        bot.answer(&q2, &carol, &[q2.right()], s + 500).await,
        Recorded::Counted
    );
    let q3 = bot.send_poll(&bot.wake(&q2).await, q2.wake_at).await;
    assert_valid_poll(&q3.poll, 3, 3);
    let s = q3.sent_at;
    // Question 3, the hardest: only Alice right.
    assert_eq!(
        bot.answer(&q3, &alice, &[q3.right()], s + 4_000).await,
        Recorded::Counted
    );
    assert_eq!(
        bot.answer(&q3, &bob, &[q3.wrong()], s + 500).await,
        Recorded::Counted
    );
    assert_eq!(
        bot.answer(&q3, &carol, &[q3.wrong()], s + 1_500).await,
        Recorded::Counted
    );
    let outs = bot.wake(&q3).await;
    assert_eq!(
        outs.len(),
        1,
        "the last wake gives only the results: {outs:#?}"
    );

    // Bob 2 right in 5.5 s, Alice 2 right in 6.0 s (a tie broken by time, against the user
    // ids), Carol 1 right in 4.0 s (fastest, but fewer right).
    let bob_name = "<b>Bob & \"Co\"</b>";
    let expected = [
        results_title(3, 3),
        podium_line("🥇", bob_name, 2, 3, "5.5"),
        podium_line("🥈", "Alice", 2, 3, "6.0"),
        podium_line("🥉", "Carol", 1, 3, "4.0"),
        String::new(),
        zh("quiz_results_everyone"),
        results_line(1, bob_name, 2, 3, "5.5"),
        results_line(2, "Alice", 2, 3, "6.0"),
        results_line(3, "Carol", 1, 3, "4.0"),
        String::new(),
        zh("quiz_results_questions"),
        question_line(1, 66, 2, 3, &title(q1.text())),
        question_line(2, 66, 2, 3, &title(q2.text())),
        question_line(3, 33, 1, 3, &title(q3.text())),
        String::new(),
        hardest(3, 33),
    ]
    .join("\n");
    assert_eq!(only_message(&outs), expected);

    let html = html(&outs).pop().unwrap();
    let escaped = "&lt;b&gt;Bob &amp; &quot;Co&quot;&lt;/b&gt;";
    let took = support::say(Lang::Zh, "quiz_seconds", &[("seconds", "5.5")]);
    assert!(
        html.contains(&format!("🥇 <b>{escaped}</b> — 2/3 · {took}")),
        "{html}"
    );
    assert!(
        html.contains(&format!("\n{}\n", results_line(1, escaped, 2, 3, "5.5"))),
        "{html}"
    );
    assert!(!html.contains("<b>Bob"), "{html}");
    assert!(!html.contains("\"Co\""), "{html}");

    // What the store kept: nine answers, right where they were right.
    let answers = bot.store().answers(q1.quiz).await.unwrap();
    assert_eq!(answers.len(), 9);
    let right: BTreeMap<(i64, i64), bool> = answers
        .iter()
        .map(|a| ((a.user_id, a.idx), a.correct))
        .collect();
    let expected: BTreeMap<(i64, i64), bool> = [
        ((11, 0), true),
        ((11, 1), false),
        ((11, 2), true),
        ((12, 0), true),
        ((12, 1), true),
        ((12, 2), false),
        ((13, 0), false),
        ((13, 1), true),
        ((13, 2), false),
    ]
    .into();
    assert_eq!(right, expected);
    assert!(bot.store().running_quiz(GROUP).await.unwrap().is_none());
    let finished = bot.store().quiz(q1.quiz).await.unwrap().unwrap();
    assert_eq!(finished.finished_at, Some(q3.wake_at));

    // A wake-up again after the end does nothing.
    assert!(bot.wake(&q3).await.is_empty());
}

// ---------------------------------------------------------------------------------------------
// 3. Late, unknown and repeated answers

#[tokio::test]
async fn late_unknown_repeated_and_duplicate_option_answers_count_at_most_once() {
    let mut bot = bot("late").await;
    let teacher = player(1, "Teacher");
    let alice = player(11, "Alice");
    let bob = player(12, "Bob");
    let carol = player(13, "Carol");
    let erin = player(15, "Erin");
    let frank = player(16, "Frank");
    // A name with a control character, longer than the bot echoes.
    let gus = player(17, &format!("Gus\u{7}{}", "ö".repeat(70)));

    let q1 = bot.start(&teacher, 2, T0).await;
    let s = q1.sent_at;
    assert_eq!(
        bot.answer(&q1, &alice, &[q1.right()], s + 1_000).await,
        Recorded::Counted
    );
    // A second answer by the same user: refused, and the first stands.
    assert_eq!(
        bot.answer(&q1, &alice, &[q1.wrong()], s + 2_000).await,
        Recorded::Refused(Refusal::Repeated)
    );
    assert_eq!(
        bot.answer(&q1, &alice, &[q1.right()], s + 2_500).await,
        Recorded::Refused(Refusal::Repeated)
    );
    // The same option twice counts once.
    assert_eq!(
        bot.answer(&q1, &erin, &[1, 1], s + 3_000).await,
        Recorded::Counted
    );
    assert_eq!(
        bot.answer(&q1, &erin, &[1], s + 3_500).await,
        Recorded::Refused(Refusal::Repeated)
    );
    // A retracted vote (no options) records nothing.
    assert_eq!(
        bot.answer(&q1, &frank, &[], s + 4_000).await,
        Recorded::Refused(Refusal::Invalid)
    );
    // Telegram closes the poll at its deadline (open_period) and refuses later votes: every
    // answer it delivers was cast in time, however late it arrives (after downtime, say). It
    // counts, its time capped at the deadline.
    assert_eq!(
        bot.answer(&q1, &gus, &[q1.wrong()], q1.deadline() + GRACE_MS)
            .await,
        Recorded::Counted
    );
    assert_eq!(
        bot.answer(&q1, &bob, &[q1.right()], q1.deadline() + GRACE_MS + 1)
            .await,
        Recorded::Counted
    );
    assert_eq!(
        bot.answer(&q1, &carol, &[q1.right()], q1.deadline() + 600_000)
            .await,
        Recorded::Counted
    );
    // A poll nobody sent.
    assert_eq!(
        bot.answer_poll("no-such-poll", &bob, &[0], s + 1_000).await,
        Recorded::UnknownPoll
    );

    // Woken early (a timer firing a little soon): wait on, at the same time.
    let outs = bot.wake_at(&q1, q1.deadline()).await;
    assert_eq!(
        outs,
        vec![Effect::Wake {
            at: q1.wake_at,
            timer: Timer::Question {
                quiz: q1.quiz,
                index: 0
            },
        }]
    );
    let q2 = bot.send_poll(&bot.wake(&q1).await, q1.wake_at).await;
    // The first question's poll after the quiz moved on: a first answer still counts (the
    // poll closed by its own timer), a second one by the same user does not.
    assert_eq!(
        bot.answer(&q1, &bob, &[q1.right()], q2.sent_at + 10).await,
        Recorded::Refused(Refusal::Repeated)
    );
    // Nobody answers question 2.
    let outs = bot.wake(&q2).await;
    let results = only_message(&outs);

    let answers = bot.store().answers(q1.quiz).await.unwrap();
    let by_user: BTreeMap<i64, (i64, bool, i64)> = answers
        .iter()
        .map(|a| (a.user_id, (a.option, a.correct, a.took_ms)))
        .collect();
    assert_eq!(answers.len(), 5, "{answers:#?}");
    assert_eq!(by_user[&11], (i64::from(q1.right()), true, 1_000));
    assert_eq!(by_user[&15], (1, q1.poll.correct == 1, 3_000));
    // Delivered after the close: the time is the question's whole time, no more.
    assert_eq!(by_user[&17], (i64::from(q1.wrong()), false, QUESTION_MS));
    assert_eq!(by_user[&12], (i64::from(q1.right()), true, QUESTION_MS));
    assert_eq!(by_user[&13], (i64::from(q1.right()), true, QUESTION_MS));

    assert!(
        results.starts_with(&format!("{}\n", results_title(2, 5))),
        "{results}"
    );
    let podium = |medal, name, correct, total, seconds| {
        format!("\n{}\n", podium_line(medal, name, correct, total, seconds))
    };
    assert!(
        results.contains(&podium("🥇", "Alice", 1, 2, "1.0")),
        "{results}"
    );
    // Bob and Carol answered right, delivered late: counted, at the question's full time.
    assert!(
        results.contains(&podium("🥈", "Bob", 1, 2, "30.0")),
        "{results}"
    );
    assert!(
        results.contains(&podium("🥉", "Carol", 1, 2, "30.0")),
        "{results}"
    );
    assert!(!results.contains("Frank"), "{results}");
    assert!(
        results.contains(&format!(
            "\n{}\n",
            question_line(2, 0, 0, 0, &title(q2.text()))
        )),
        "{results}"
    );
    let shown = format!("Gus{}…", "ö".repeat(60));
    assert!(
        results.contains(&format!("\n{}\n", results_line(5, &shown, 0, 2, "30.0"))),
        "{results}"
    );
}

// ---------------------------------------------------------------------------------------------
// 4. /next

#[tokio::test]
async fn next_is_for_the_starter_closes_the_open_poll_and_stale_wakes_do_nothing() {
    let mut bot = bot("next").await;
    let alice = player(11, "Alice");
    let bob = player(12, "Bob");

    let outs = bot.group(&alice, "/quiz 2", T0).await;
    let first = polls(&outs);
    // The poll is still on its way: /next must not skip a question nobody saw.
    assert!(bot.group(&alice, "/next", T0 + 10).await.is_empty());
    let q1 = bot.send_poll(&outs, T0 + 500).await;
    assert_eq!(q1.poll, first[0].1);

    // Only the starter.
    let outs = bot.group(&bob, "/next", q1.sent_at + 1_000).await;
    assert_eq!(only_message(&outs), only_starter_next());
    let outs = bot
        .command_as(
            GROUP,
            ChatKind::Group,
            &bob,
            "/next",
            true,
            q1.sent_at + 1_000,
        )
        .await;
    assert_eq!(only_message(&outs), only_starter_next(), "even an admin");
    assert_eq!(
        bot.answer(&q1, &bob, &[q1.right()], q1.sent_at + 2_000)
            .await,
        Recorded::Counted
    );

    let at = q1.sent_at + 5_000;
    let outs = bot.group(&alice, "/next", at).await;
    assert_eq!(outs.len(), 2, "{outs:#?}");
    assert_eq!(
        outs[0],
        Effect::StopPoll {
            place: Place::from(GROUP),
            message_id: q1.message_id
        }
    );
    let next = polls(&outs);
    assert_eq!(next.len(), 1);
    assert_eq!(next[0].0, 1);
    assert_valid_poll(&next[0].1, 2, 2);
    // Answers to the skipped poll are over once the grace for late delivery has passed.
    assert_eq!(
        bot.answer(&q1, &alice, &[q1.right()], at + GRACE_MS + 1)
            .await,
        Recorded::Refused(Refusal::Closed)
    );
    // Its wake-up comes and finds the quiz elsewhere.
    assert!(bot.wake(&q1).await.is_empty());
    assert!(bot.wake_at(&q1, at + 1).await.is_empty());

    let q2 = bot.send_poll(&outs, at + 300).await;
    assert_eq!(
        bot.answer(&q2, &bob, &[q2.wrong()], q2.sent_at + 700).await,
        Recorded::Counted
    );
    // The stale wake for question 1 does not move question 2 on either.
    assert!(bot.wake(&q1).await.is_empty());
    assert_eq!(bot.store().quiz(q1.quiz).await.unwrap().unwrap().current, 1);

    // /next on the last question ends the quiz.
    let outs = bot.group(&alice, "/next", q2.sent_at + 1_000).await;
    assert_eq!(outs.len(), 2, "{outs:#?}");
    assert_eq!(
        outs[0],
        Effect::StopPoll {
            place: Place::from(GROUP),
            message_id: q2.message_id
        }
    );
    let results = only_message(&outs[1..]);
    assert!(
        results.starts_with(&format!(
            "{}\n{}\n",
            results_title(2, 1),
            podium_line("🥇", "Bob", 1, 2, "2.7")
        )),
        "{results}"
    );
    assert!(bot.wake(&q2).await.is_empty());
    let outs = bot.group(&alice, "/next", q2.sent_at + 2_000).await;
    assert_eq!(only_message(&outs), none_running());
}

// ---------------------------------------------------------------------------------------------
// 5. /stop and who may

#[tokio::test]
async fn stop_is_for_the_starter_an_admin_or_a_private_chat_and_posts_the_results() {
    let mut bot = bot("stop").await;
    let alice = player(11, "Alice");
    let bob = player(12, "Bob");
    let carol = player(13, "Carol");

    // Nothing running: nothing to check, nothing to stop.
    assert!(
        !bot.needs_admin_check(GROUP, ChatKind::Group, &bob, "/stop")
            .await
    );
    assert!(
        !bot.needs_admin_check(GROUP, ChatKind::Group, &bob, "/report")
            .await
    );
    assert_eq!(
        only_message(&bot.group(&alice, "/stop", T0).await),
        none_running()
    );

    let q1 = bot.start(&alice, 3, T0).await;
    assert_eq!(
        bot.answer(&q1, &carol, &[q1.right()], q1.sent_at + 1_200)
            .await,
        Recorded::Counted
    );

    // Only /stop and /report in a group from someone other than the starter need the check.
    assert!(
        bot.needs_admin_check(GROUP, ChatKind::Group, &bob, "/stop")
            .await
    );
    assert!(
        bot.needs_admin_check(GROUP, ChatKind::Group, &bob, "/stop@debate_bot")
            .await
    );
    assert!(
        bot.needs_admin_check(GROUP, ChatKind::Group, &bob, "/report")
            .await
    );
    assert!(
        !bot.needs_admin_check(GROUP, ChatKind::Group, &alice, "/stop")
            .await
    );
    assert!(
        !bot.needs_admin_check(GROUP, ChatKind::Group, &alice, "/report")
            .await
    );
    for text in ["/next", "/quiz", "/top", "/forgetme", "stop", "hello"] {
        assert!(
            !bot.needs_admin_check(GROUP, ChatKind::Group, &bob, text)
                .await,
            "{text}"
        );
    }
    assert!(
        !bot.needs_admin_check(OTHER_GROUP, ChatKind::Group, &bob, "/stop")
            .await
    );
    assert!(
        !bot.needs_admin_check(bob.id, ChatKind::Private, &bob, "/stop")
            .await
    );

    // A non-starter who is not an admin: refused, the quiz runs on.
    let outs = bot.group(&bob, "/stop", q1.sent_at + 2_000).await;
    assert_eq!(only_message(&outs), only_starter_stop());
    assert!(bot.store().running_quiz(GROUP).await.unwrap().is_some());

    // An admin may: the open poll closes, the notice, the results of the one question asked.
    let at = q1.sent_at + 3_000;
    let outs = bot
        .command_as(GROUP, ChatKind::Group, &bob, "/stop", true, at)
        .await;
    assert_eq!(outs.len(), 3, "{outs:#?}");
    assert_eq!(
        outs[0],
        Effect::StopPoll {
            place: Place::from(GROUP),
            message_id: q1.message_id
        }
    );
    assert_eq!(
        messages(&outs),
        vec![
            stopped(),
            [
                results_title(1, 1),
                podium_line("🥇", "Carol", 1, 1, "1.2"),
                String::new(),
                zh("quiz_results_everyone"),
                results_line(1, "Carol", 1, 1, "1.2"),
                String::new(),
                zh("quiz_results_questions"),
                question_line(1, 100, 1, 1, &title(q1.text())),
            ]
            .join("\n"),
        ]
    );
    assert!(bot.store().running_quiz(GROUP).await.unwrap().is_none());
    assert_eq!(
        bot.answer(&q1, &bob, &[q1.right()], at + GRACE_MS + 1)
            .await,
        Recorded::Refused(Refusal::Closed)
    );
    assert!(bot.wake(&q1).await.is_empty());
    assert_eq!(
        only_message(&bot.group(&alice, "/stop", at + 10).await),
        none_running()
    );

    // The report of a stopped quiz covers the questions asked.
    let outs = bot.group(&alice, "/report", at + 20).await;
    let [Effect::Document { bytes, caption, .. }] = outs.as_slice() else {
        panic!("{outs:#?}");
    };
    assert_eq!(*caption, report_caption(1));
    let csv = String::from_utf8(bytes.clone()).unwrap();
    assert_eq!(csv.lines().count(), 2, "{csv}");

    // The starter may, once the poll closed by itself: no stopPoll then; nobody answered.
    let q2 = bot.start(&alice, 2, T0 + 100_000).await;
    let at = q2.deadline() + 500;
    let outs = bot.group(&alice, "/stop", at).await;
    assert_eq!(
        messages(&outs),
        vec![stopped(), format!("{}\n{}", results_title(1, 0), nobody())]
    );
    assert_eq!(outs.len(), 2, "{outs:#?}");
    assert!(bot.wake(&q2).await.is_empty());

    // In a private chat, the user may.
    let outs = bot
        .command_as(carol.id, ChatKind::Private, &carol, "/quiz 2", false, T0)
        .await;
    let q3 = bot.send_poll(&outs, T0 + 100).await;
    assert_eq!(q3.chat, carol.id);
    assert!(
        !bot.needs_admin_check(carol.id, ChatKind::Private, &carol, "/stop")
            .await
    );
    let outs = bot
        .command_as(
            carol.id,
            ChatKind::Private,
            &carol,
            "/stop",
            false,
            T0 + 200,
        )
        .await;
    assert_eq!(outs.len(), 3, "{outs:#?}");
    assert_eq!(
        outs[0],
        Effect::StopPoll {
            place: Place::from(carol.id),
            message_id: q3.message_id
        }
    );
    assert_eq!(messages(&outs)[0], stopped());
}

// ---------------------------------------------------------------------------------------------
// 6. Restarts

#[tokio::test]
async fn a_restart_resumes_every_quiz_where_it_was() {
    let mut bot = bot("resume").await;
    let alice = player(11, "Alice");
    let bob = player(12, "Bob");
    let carol = player(13, "Carol");
    let dave = player(14, "Dave");

    // Group: poll 1 sent, one answer.
    let a1 = bot.start(&alice, 3, T0).await;
    assert_eq!(
        bot.answer(&a1, &bob, &[a1.right()], a1.sent_at + 1_000)
            .await,
        Recorded::Counted
    );
    // Another group: started, its first poll never sent (the bot died first).
    let outs = bot
        .command_as(
            OTHER_GROUP,
            ChatKind::Group,
            &dave,
            "/quiz 2",
            false,
            T0 + 2_000,
        )
        .await;
    let b_quiz = quiz_id(&outs);
    let b_first = polls(&outs).remove(0).1;
    // A finished quiz in a third chat: resume leaves it alone.
    let outs = bot
        .command_as(-77, ChatKind::Group, &dave, "/quiz 1", false, T0)
        .await;
    let c1 = bot.send_poll(&outs, T0).await;
    let (_, _) = bot.play_out(c1).await;

    // Restart before the deadline.
    let mut bot = bot.restart().await;
    let now = a1.sent_at + 5_000;
    let outs = bot.quizzes.resume(now).await.unwrap();
    assert_eq!(outs.len(), 2, "{outs:#?}");
    assert_eq!(
        outs[0],
        Effect::Wake {
            at: a1.deadline() + GRACE_MS,
            timer: Timer::Question {
                quiz: a1.quiz,
                index: 0
            },
        }
    );
    assert_eq!(
        outs[1],
        Effect::QuizPoll {
            place: Place::from(OTHER_GROUP),
            quiz: b_quiz,
            index: 0,
            poll: b_first.clone()
        },
        "the unsent poll is sent again, as dealt"
    );
    let b1 = bot.send_poll(&outs[1..], now).await;
    // An answer after the restart to the poll sent before it counts; a repeat does not.
    assert_eq!(
        bot.answer(&a1, &carol, &[a1.wrong()], now + 1_000).await,
        Recorded::Counted
    );
    assert_eq!(
        bot.answer(&a1, &bob, &[a1.wrong()], now + 1_500).await,
        Recorded::Refused(Refusal::Repeated)
    );
    assert_eq!(
        bot.answer(&b1, &carol, &[b1.right()], now + 2_000).await,
        Recorded::Counted
    );
    // A wake before the deadline waits on.
    assert_eq!(
        bot.wake_at(&a1, now + 2_000).await,
        vec![Effect::Wake {
            at: a1.wake_at,
            timer: Timer::Question {
                quiz: a1.quiz,
                index: 0
            },
        }]
    );
    // /stop still knows the starter after the restart.
    let outs = bot.group(&bob, "/stop", now + 2_500).await;
    assert_eq!(only_message(&outs), only_starter_stop());

    // Down again; back after both deadlines: both quizzes move on, nothing to close.
    let bot = bot.restart().await;
    let now = b1.deadline() + GRACE_MS + 10_000;
    let outs = bot.quizzes.resume(now).await.unwrap();
    let next = polls(&outs);
    assert_eq!(outs.len(), 2, "{outs:#?}");
    assert_eq!(next.len(), 2);
    assert_eq!(quiz_id(&outs), a1.quiz);
    assert_eq!(next[0].0, 1);
    assert_valid_poll(&next[0].1, 2, 3);
    assert_eq!(next[1].0, 1);
    assert_valid_poll(&next[1].1, 2, 2);
    // Resuming twice does not skip a question.
    let again = bot.quizzes.resume(now).await.unwrap();
    assert_eq!(
        again, outs,
        "unsent polls are offered again, nothing advances"
    );

    let answers = bot.store().answers(a1.quiz).await.unwrap();
    let who: Vec<(i64, bool)> = answers.iter().map(|a| (a.user_id, a.correct)).collect();
    assert_eq!(who, vec![(12, true), (13, false)]);

    // The results after the restart hold the answers from both sides of it.
    let sent = bot.send_polls(&outs, now).await;
    let (_, results) = bot.play_out(sent[0].clone()).await;
    assert!(
        results.starts_with(&format!("{}\n", results_title(3, 2))),
        "{results}"
    );
    let bob = format!("\n{}\n", podium_line("🥇", "Bob", 1, 3, "1.0"));
    assert!(results.contains(&bob), "{results}");
    let carol = format!("\n{}\n", podium_line("🥈", "Carol", 0, 3, "6.0"));
    assert!(results.contains(&carol), "{results}");
    let (_, results) = bot.play_out(sent[1].clone()).await;
    assert!(
        results.starts_with(&format!(
            "{}\n{}\n",
            results_title(2, 1),
            podium_line("🥇", "Carol", 1, 2, "2.0")
        )),
        "{results}"
    );
    assert!(
        bot.quizzes
            .resume(now + 1_000_000)
            .await
            .unwrap()
            .is_empty()
    );
}

// ---------------------------------------------------------------------------------------------
// 7. Concurrency

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn thirty_concurrent_answers_count_exactly_once() {
    let mut bot = bot("concurrent").await;
    let teacher = player(1, "Teacher");
    let q1 = bot.start(&teacher, 1, T0).await;
    let players: Vec<Player> = (0..30)
        .map(|i| player(100 + i, &format!("P{i:02}")))
        .collect();

    let answer_all = |round: i64| {
        let handles: Vec<_> = players
            .iter()
            .enumerate()
            .map(|(i, p)| {
                let quizzes = Arc::clone(&bot.quizzes);
                let poll_id = q1.poll_id.clone();
                let p = p.clone();
                let option = (i % q1.poll.options.len()) as u8;
                let now = q1.sent_at + 1_000 + round * 100 + i as i64;
                tokio::spawn(async move { quizzes.answer(&poll_id, &p, &[option], now).await })
            })
            .collect();
        async move {
            let mut outcomes = Vec::new();
            for handle in handles {
                outcomes.push(handle.await.expect("the task").expect("the answer"));
            }
            outcomes
        }
    };
    let first = answer_all(0).await;
    assert_eq!(first, vec![Recorded::Counted; 30]);
    let second = answer_all(1).await;
    assert_eq!(second, vec![Recorded::Refused(Refusal::Repeated); 30]);

    let answers = bot.store().answers(q1.quiz).await.unwrap();
    assert_eq!(answers.len(), 30);
    let users: BTreeSet<i64> = answers.iter().map(|a| a.user_id).collect();
    assert_eq!(users, (100..130).collect());
    let right = answers.iter().filter(|a| a.correct).count();
    let expected_right = (0..30)
        .filter(|i| i % q1.poll.options.len() == q1.poll.correct)
        .count();
    assert_eq!(right, expected_right);

    let results = only_message(&bot.wake(&q1).await);
    assert!(
        results.starts_with(&format!("{}\n", results_title(1, 30))),
        "{results}"
    );
    let everyone = results
        .split(&format!("{}\n", zh("quiz_results_everyone")))
        .nth(1)
        .and_then(|rest| rest.split("\n\n").next())
        .expect("the everyone section");
    let lines: Vec<&str> = everyone.lines().collect();
    assert_eq!(lines.len(), 30, "{everyone}");
    let mut named = BTreeSet::new();
    for (rank, line) in lines.iter().enumerate() {
        let v = support::unsay(Lang::Zh, "quiz_results_line", line).expect(line);
        assert_eq!(v["rank"], (rank + 1).to_string(), "{line}");
        assert!(v["name"].starts_with('P'), "{line}");
        named.insert(v["name"].clone());
    }
    assert_eq!(named.len(), 30);
    let share = expected_right * 100 / 30;
    let line = question_line(1, share, expected_right, 30, &title(q1.text()));
    assert!(results.contains(&format!("\n{line}")), "{results}");

    // Ten /quiz at once in a new chat: one quiz starts, the others hear it is running.
    let handles: Vec<_> = (0..10)
        .map(|i| {
            let quizzes = Arc::clone(&bot.quizzes);
            tokio::spawn(async move {
                let starter = player(500 + i, &format!("S{i}"));
                let request = QuizRequest {
                    place: Place::from(-555),
                    kind: ChatKind::Group,
                    player: &starter,
                    command: Builtin::Quiz,
                    args: "2",
                    is_admin: false,
                    now: T0,
                };
                let mut rng = StdRng::seed_from_u64(i as u64);
                quizzes.handle(&request, &mut rng).await.expect("/quiz")
            })
        })
        .collect();
    let mut started = 0;
    for handle in handles {
        let outs = handle.await.unwrap();
        if polls(&outs).is_empty() {
            let message = only_message(&outs);
            assert!(
                (0..10).any(|i| message == already_running(&format!("S{i}"))),
                "{outs:#?}"
            );
        } else {
            started += 1;
        }
    }
    assert_eq!(started, 1);
}

// ---------------------------------------------------------------------------------------------
// 8. Which questions are asked

#[tokio::test]
async fn a_chat_meets_every_question_before_any_repeats() {
    // Every quiz is at least half who-said questions (issue #11), so who-said questions come
    // round again sooner than facts: a chat meets every who-said question before one repeats,
    // and every fact question before one repeats.
    let mut bot = bot("select").await;
    let teacher = player(1, "Teacher");
    let pool: BTreeSet<String> = questions::pool(app().corpus(), None)
        .into_iter()
        .map(|(id, _)| id)
        .collect();
    assert!(pool.len() >= 20, "{} questions", pool.len());
    let is_who = |id: &String| id.starts_with("who-");
    let who_pool = pool.iter().filter(|id| is_who(id)).count();
    let fact_pool = pool.len() - who_pool;

    let quizzes = fact_pool.div_ceil(2) + 1;
    let mut seen: Vec<String> = Vec::new();
    let mut now = T0;
    for k in 0..quizzes {
        let first = bot.start(&teacher, 5, now).await;
        let (sent, results) = bot.play_out(first.clone()).await;
        assert!(results.starts_with(&results_title(5, 0)), "{results}");
        now = sent.last().unwrap().wake_at + 1_000;
        let stored = bot.store().questions(first.quiz).await.unwrap();
        assert_eq!(stored.len(), 5);
        for (row, poll) in stored.iter().zip(&sent) {
            assert_eq!(
                poll.text(),
                row.dealt.question,
                "the poll asks what was stored"
            );
            assert_valid_poll(&poll.poll, row.idx as usize + 1, 5);
        }
        let ids: Vec<String> = stored.iter().map(|q| q.dealt.id.clone()).collect();
        let unique: BTreeSet<&String> = ids.iter().collect();
        assert_eq!(unique.len(), 5, "quiz {k} asks five different questions");
        assert!(ids.iter().all(|id| pool.contains(id)), "{ids:?}");
        assert!(
            ids.iter().filter(|id| is_who(id)).count() >= 3,
            "quiz {k}: {ids:?}"
        );
        for kind_is_who in [true, false] {
            let kind_pool = if kind_is_who { who_pool } else { fact_pool };
            let repeats = ids
                .iter()
                .filter(|id| is_who(id) == kind_is_who && seen.contains(id))
                .count();
            if repeats > 0 {
                let met: BTreeSet<&String> = seen
                    .iter()
                    .chain(&ids)
                    .filter(|id| is_who(id) == kind_is_who)
                    .collect();
                assert_eq!(
                    met.len(),
                    kind_pool,
                    "quiz {k} repeats a question before its kind is exhausted"
                );
            }
        }
        seen.extend(ids);
    }
    // And every question came up.
    let met: BTreeSet<String> = seen.into_iter().collect();
    assert_eq!(met, pool);
}

/// Issue #11: a quiz is about who said what. Four `/quiz 6` in one chat: each is at least
/// half who-said questions, mixed in among the facts; an English user's who-said polls quote
/// the words in English, marked as a translation, with the original under them, in the
/// question and (the translation) in the explanation, within Telegram's limits.
#[tokio::test]
async fn every_quiz_is_at_least_half_who_said_and_english_users_see_the_quote_in_english() {
    let corpus = app().corpus().clone();
    let originals: Vec<(String, String, String)> = corpus
        .excerpts
        .iter()
        .filter(|e| e.voice.speaker().is_some())
        .map(|e| {
            (
                format!("who-{}", e.id),
                e.text.original.clone(),
                e.text.en.clone().unwrap(),
            )
        })
        .collect();
    // What stands between a translated quote and its original (responses/ui.en.toml, then
    // ui.zh.toml), and what follows the translation in the explanation.
    let marked = [Lang::En, Lang::Zh].map(|lang| {
        let marked = support::say_until(
            lang,
            "quiz_quote_translated",
            &[("translation", "\u{1}")],
            "original",
        );
        marked
            .rsplit('\u{1}')
            .next()
            .unwrap_or_default()
            .to_string()
    });
    let explained = support::say_until(
        Lang::En,
        "quiz_who_explanation_translated",
        &[("name", ""), ("speech", ""), ("translation", "\u{1}")],
        "citation",
    );
    let explained = explained.rsplit('\u{1}').next().unwrap_or_default();
    for (tag, language) in [("mix-zh", None), ("mix-en", Some("en"))] {
        let mut bot = bot(tag).await;
        let teacher = Player {
            id: 1,
            name: "Teacher".into(),
            language_code: language.map(String::from),
        };
        let mut now = T0;
        for k in 0..4 {
            let first = bot.start(&teacher, 6, now).await;
            let (sent, _) = bot.play_out(first.clone()).await;
            now = sent.last().unwrap().wake_at + 1_000;
            assert_eq!(sent.len(), 6);
            let stored = bot.store().questions(first.quiz).await.unwrap();
            let kinds: Vec<bool> = stored
                .iter()
                .map(|q| q.dealt.id.starts_with("who-"))
                .collect();
            let who = kinds.iter().filter(|&&w| w).count();
            assert!(who >= 3, "{tag} quiz {k}: {who} of 6 who-said: {kinds:?}");
            // Mixed: with three of each, they alternate; never three of a kind in a row.
            assert!(
                kinds.windows(3).all(|w| !(w[0] == w[1] && w[1] == w[2])) || who > 4,
                "{tag} quiz {k}: {kinds:?}"
            );
            for (row, poll) in stored.iter().zip(&sent) {
                assert_valid_poll(&poll.poll, row.idx as usize + 1, 6);
                let Some((_, original, en)) =
                    originals.iter().find(|(id, _, _)| *id == row.dealt.id)
                else {
                    continue;
                };
                let question = poll.text();
                if language.is_some() {
                    let (translated, under) = question
                        .split_once(marked[0].as_str())
                        .unwrap_or_else(|| panic!("{question}"));
                    let start: String = en.chars().take(12).collect();
                    assert!(translated.contains(&start), "{question}");
                    assert!(
                        under.contains(original.as_str()),
                        "the original, whole, under it: {question}"
                    );
                    assert!(
                        poll.poll.explanation.contains(&start)
                            && poll.poll.explanation.contains(explained),
                        "{}",
                        poll.poll.explanation
                    );
                } else {
                    assert!(question.contains(original.as_str()), "{question}");
                    assert!(
                        marked.iter().all(|m| !question.contains(m.as_str())),
                        "{question}"
                    );
                }
            }
        }
    }
}

// ---------------------------------------------------------------------------------------------
// 9. /top, /report, /forgetme

#[tokio::test]
async fn top_report_and_forgetme() {
    let mut bot = bot("top").await;
    let teacher = player(1, "Teacher");
    // Twelve players; user ids run against the rank, so only the time can order ties.
    let right_counts = [4, 3, 3, 2, 2, 2, 1, 1, 1, 0, 0, 0];
    let names: Vec<String> = (1..=12)
        .map(|i| match i {
            5 => "=1+1".to_string(),
            _ => format!("P{i}"),
        })
        .collect();
    let players: Vec<Player> = (1..=12)
        .map(|i| player(300 - i, &names[i as usize - 1]))
        .collect();
    let late = player(400, "Late");
    // Player i is right on `right_counts[i]` of the four questions: the first ones for odd
    // players, the last ones for even (so both quizzes matter); each answer takes 1 s + i/10 s.
    let rights = |i: usize, question: usize| {
        let c = right_counts[i];
        if i.is_multiple_of(2) {
            question < c
        } else {
            question >= 4 - c
        }
    };

    let mut now = T0;
    let mut quiz_ids = Vec::new();
    for quiz in 0..2 {
        let mut poll = bot.start(&teacher, 2, now).await;
        quiz_ids.push(poll.quiz);
        for k in 0..2 {
            let question = quiz * 2 + k;
            for (i, p) in players.iter().enumerate() {
                let option = if rights(i, question) {
                    poll.right()
                } else {
                    poll.wrong()
                };
                let at = poll.sent_at + 1_100 + 100 * i as i64;
                assert_eq!(bot.answer(&poll, p, &[option], at).await, Recorded::Counted);
            }
            if quiz == 1 && k == 0 {
                // Someone who answers once, wrong and slowly.
                assert_eq!(
                    bot.answer(&poll, &late, &[poll.wrong()], poll.sent_at + 9_000)
                        .await,
                    Recorded::Counted
                );
            }
            let outs = bot.wake(&poll).await;
            now = poll.wake_at;
            if k == 0 {
                poll = bot.send_poll(&outs, now).await;
            } else {
                let title =
                    support::say_until(Lang::Zh, "quiz_results_title", &[("count", "2")], "people");
                assert!(messages(&outs)[0].starts_with(&title));
            }
        }
    }

    let top_you = |line: String| support::say(Lang::Zh, "top_you", &[("line", &line)]);
    let mut expected = vec![top_title()];
    for (i, name) in names.iter().enumerate().take(10) {
        let medal = ["🥇 ", "🥈 ", "🥉 "].get(i).copied().unwrap_or("");
        expected.push(format!(
            "{medal}{}",
            top_line(i + 1, name, right_counts[i], 4)
        ));
    }
    let board = expected.join("\n");

    // The twelfth sees the top ten and their own line.
    let outs = bot.group(&players[11], "/top", now).await;
    assert_eq!(
        only_message(&outs),
        format!("{board}\n\n{}", top_you(top_line(12, "P12", 0, 4)))
    );
    // The first sees the top ten only; someone who never answered is told so.
    assert_eq!(
        only_message(&bot.group(&players[0], "/top", now).await),
        board
    );
    assert_eq!(
        only_message(&bot.group(&teacher, "/top", now).await),
        format!("{board}\n\n{}", top_you_none())
    );
    assert_eq!(
        only_message(&bot.group(&late, "/top", now).await),
        format!("{board}\n\n{}", top_you(top_line(13, "Late", 0, 1)))
    );
    // Another chat has its own (empty) board.
    let outs = bot
        .command_as(OTHER_GROUP, ChatKind::Group, &teacher, "/top", false, now)
        .await;
    assert_eq!(only_message(&outs), zh("top_empty"));

    // /report: the starter gets the last quiz as CSV; others only if admin.
    let outs = bot.group(&players[0], "/report", now).await;
    assert_eq!(only_message(&outs), only_starter_report());
    let outs = bot
        .command_as(
            OTHER_GROUP,
            ChatKind::Group,
            &teacher,
            "/report",
            false,
            now,
        )
        .await;
    assert_eq!(only_message(&outs), zh("quiz_no_report"));
    let admin = bot
        .command_as(GROUP, ChatKind::Group, &players[0], "/report", true, now)
        .await;
    let outs = bot.group(&teacher, "/report", now).await;
    assert_eq!(admin, outs, "an admin gets the same report");
    let [
        Effect::Document {
            place: chat,
            name,
            bytes,
            caption,
        },
    ] = outs.as_slice()
    else {
        panic!("{outs:#?}");
    };
    assert_eq!(*chat, Place::from(GROUP));
    assert_eq!(*name, format!("quiz-{}.csv", quiz_ids[1]));
    assert_eq!(*caption, report_caption(2));
    let last_questions = bot.store().questions(quiz_ids[1]).await.unwrap();
    let mut reader = csv::Reader::from_reader(bytes.as_slice());
    let header: Vec<String> = reader
        .headers()
        .unwrap()
        .iter()
        .map(str::to_string)
        .collect();
    assert_eq!(
        header,
        [
            "user_id",
            "user",
            "question_number",
            "question",
            "answer",
            "correct",
            "seconds"
        ]
    );
    let rows: Vec<Vec<String>> = reader
        .records()
        .map(|r| r.unwrap().iter().map(str::to_string).collect())
        .collect();
    assert_eq!(rows.len(), 13 * 2, "one row per participant per question");
    let mut pairs = BTreeSet::new();
    for row in &rows {
        let user_id: i64 = row[0].parse().unwrap();
        let number: usize = row[2].parse().unwrap();
        assert!(pairs.insert((user_id, number)), "{row:?}");
        let question = &last_questions[number - 1].dealt;
        assert_eq!(row[3], question.question);
        if user_id == late.id {
            assert_eq!(row[1], "Late");
            if number == 2 {
                assert_eq!(row[4..], ["", "no answer", ""], "{row:?}");
            } else {
                assert_eq!(row[5..], ["no", "9.0"], "{row:?}");
            }
            continue;
        }
        let i = (300 - user_id - 1) as usize;
        let expected_name = if i == 4 { "'=1+1" } else { names[i].as_str() };
        assert_eq!(row[1], expected_name, "a formula-like name is defused");
        let right = rights(i, 2 + number - 1);
        assert_eq!(row[5], if right { "yes" } else { "no" }, "{row:?}");
        let chosen = if right {
            question.correct
        } else {
            (question.correct + 1) % question.options.len()
        };
        assert_eq!(row[4], question.options[chosen], "{row:?}");
        assert_eq!(row[6], format!("{:.1}", (1_100 + 100 * i) as f64 / 1000.0));
    }
    // Best first, as in the results.
    assert_eq!(rows[0][1], "P1");

    // /forgetme: P1's four answers and name go; the board and the report forget them.
    let outs = bot.group(&players[0], "/forgetme", now).await;
    assert_eq!(only_message(&outs), forgotten(4));
    let outs = bot.group(&players[0], "/forgetme", now).await;
    assert_eq!(only_message(&outs), forgotten(0));
    let board = only_message(&bot.group(&players[11], "/top", now).await);
    assert!(
        board.contains(&format!("\n🥇 {}", top_line(1, "P2", 3, 4))),
        "{board}"
    );
    assert!(!board.contains("P1 "), "{board}");
    assert!(
        board.ends_with(&format!("\n\n{}", top_you(top_line(11, "P12", 0, 4)))),
        "{board}"
    );
    assert_eq!(
        only_message(&bot.group(&players[0], "/top", now).await),
        format!(
            "{board_head}\n\n{}",
            top_you_none(),
            board_head = board.split("\n\n").next().unwrap()
        )
    );
    let outs = bot.group(&teacher, "/report", now).await;
    let [Effect::Document { bytes, .. }] = outs.as_slice() else {
        panic!("{outs:#?}");
    };
    let csv = String::from_utf8(bytes.clone()).unwrap();
    assert_eq!(csv.lines().count(), 1 + 12 * 2, "{csv}");
    let forgotten_id = format!("{},", players[0].id);
    assert!(!csv.lines().any(|l| l.starts_with(&forgotten_id)), "{csv}");
    assert!(!csv.contains(",P1,"), "{csv}");

    // Nothing of P1 is kept: no name in the database either.
    let db = sqlx::SqlitePool::connect(bot.url()).await.unwrap();
    let kept: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM users WHERE user_id = ? OR name = 'P1'")
            .bind(players[0].id)
            .fetch_one(&db)
            .await
            .unwrap();
    assert_eq!(kept, 0, "P1's name is gone");

    // The starter forgets mid-quiz: the quiz runs on, their name and id are gone from it.
    let outs = bot.group(&teacher, "/quiz 1", now).await;
    assert_eq!(messages(&outs), vec![intro(1, "Teacher")]);
    let outs = bot.group(&teacher, "/forgetme", now + 1).await;
    assert_eq!(only_message(&outs), forgotten(0));
    let outs = bot.group(&players[1], "/quiz", now + 2).await;
    assert_eq!(only_message(&outs), already_running(&zh("quiz_someone")));
    let kept: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM quizzes WHERE starter_name = 'Teacher'")
            .fetch_one(&db)
            .await
            .unwrap();
    assert_eq!(kept, 0, "the starter's name is gone from every quiz");
    let kept: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM quizzes WHERE starter_id = ?")
        .bind(teacher.id)
        .fetch_one(&db)
        .await
        .unwrap();
    assert_eq!(kept, 0, "and their id");
    db.close().await;
    // So they are no longer its starter: /stop asks whether they are an admin, /next is refused.
    assert!(
        bot.needs_admin_check(GROUP, ChatKind::Group, &teacher, "/stop")
            .await
    );
    assert_eq!(
        only_message(&bot.group(&teacher, "/next", now + 3).await),
        only_starter_next()
    );
}

#[tokio::test]
async fn forgetme_from_a_shared_identity_is_one_line_in_either_language() {
    let bot = bot("shared").await;
    // GroupAnonymousBot carries no language: the default one.
    let anonymous = player(1_087_968_824, "Group");
    // What the core forgets nothing for: `/forgetme` for this bot, from a shared identity.
    let is_forgetme = |text: &str| {
        let command = command::parse(text);
        let incoming = Incoming {
            place: GROUP.into(),
            kind: ChatKind::Group,
            from: &anonymous,
            text,
            command: command.as_ref(),
            bot_username: Some("debate_bot"),
            message_id: None,
            now: T0,
            sent_at: T0,
            shared_identity: true,
        };
        matches!(incoming.builtin(), Some((Builtin::Forgetme, _)))
    };
    assert!(is_forgetme("/forgetme"));
    assert!(is_forgetme("/forgetme@debate_bot"));
    assert!(!is_forgetme("/forgetme@other_bot"));
    assert!(!is_forgetme("/top"));
    let outs = through_core(bot.store(), GROUP, &anonymous, "/forgetme", true, T0).await;
    assert_eq!(only_message(&outs), zh("quiz_forget_shared"));
    let english = Player {
        language_code: Some("en".into()),
        ..player(136_817_688, "Channel")
    };
    let outs = through_core(
        bot.store(),
        GROUP,
        &english,
        "/forgetme@debate_bot",
        true,
        T0,
    )
    .await;
    assert_eq!(
        only_message(&outs),
        support::say(Lang::En, "quiz_forget_shared", &[])
    );
}

// ---------------------------------------------------------------------------------------------
// A poll Telegram told the bot to hold back (429 with a retry_after longer than the outbox
// waits by itself): the adapter wakes the quiz when it may send; the question moves back.

#[tokio::test]
async fn a_poll_held_back_by_telegram_is_sent_when_woken_and_the_quiz_goes_on() {
    let mut bot = bot("held-back").await;
    let teacher = player(1, "Teacher");
    let outs = bot.group(&teacher, "/quiz 2", T0).await;
    let Some(Effect::QuizPoll {
        quiz, index, poll, ..
    }) = outs
        .iter()
        .find(|e| matches!(e, Effect::QuizPoll { .. }))
        .cloned()
    else {
        panic!("a poll: {outs:#?}");
    };
    // Not sent: Telegram said to wait 90 s. Woken then, the engine asks for the same question
    // again, as dealt, with its full time; the quiz has not ended.
    let later = T0 + 90_000;
    let again = bot.quizzes.wake(quiz, index, later).await.unwrap();
    assert_eq!(
        again,
        vec![Effect::QuizPoll {
            place: Place::from(GROUP),
            quiz,
            index,
            poll: poll.clone(),
        }]
    );
    assert!(bot.store().running_quiz(GROUP).await.unwrap().is_some());
    // Once sent, it runs as any question: a wake-up at its deadline plus the grace.
    let sent = bot.send_polls(&again, later).await;
    assert_eq!(sent.len(), 1);
    assert_eq!(sent[0].sent_at, later);
}
