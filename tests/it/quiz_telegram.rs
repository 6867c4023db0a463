//! Quizzes end to end: the real bot (`debate_bot::telegram::run`) against the fake Bot
//! API on 127.0.0.1, with its quizzes in a SQLite file of its own. A class answers native quiz
//! polls (`poll_answer` updates), the starter moves on with `/next`, and the tests assert what
//! the chat sees: the polls (sendPoll), early closes (stopPoll), messages, the CSV document.
//!
//! Questions last 5 s (Telegram's minimum) but the starter's `/next` moves on at once, so only
//! the timer test waits out a deadline (5 s + the 2 s grace, with and without a restart, at
//! the same time). Poll answers make no API call, so before moving on a test waits until the
//! answers are stored: it opens the bot's database (`Store::open` on the same file) and polls
//! it with a deadline. Answer times are real time: where counts of right answers are equal,
//! tests check only that the order follows the times shown and that /top agrees with it.
//!
//! A restart is a new "process": the first bot runs on a runtime of its own, shut down after
//! `RunningBot::stop`, so its sleeping wake-ups end with it as they would when the process exits.

use crate::support;

use std::collections::{BTreeMap, BTreeSet};
use std::time::Duration;

use debate_bot::i18n::Lang;
use debate_bot::settings::QuizSettings;
use debate_bot::store::AnswerRow;
use serde_json::{Value, json};
use support::fake_api::{Pushed, Version};
use support::group_chat::{GroupChat, derefs_to_group_chat};
use support::people::{self, teacher};
use support::{Call, FakeApi, TgUser, eventually, visible};
use tokio::time::Instant;

const GROUP: i64 = -4_000_000_321;

const SETTINGS: QuizSettings = QuizSettings {
    questions: 5,
    question_seconds: 5,
    max_questions: 20,
    pictures: false,
};

// The sentences users see: responses/ui.zh.toml, filled as the bot fills them.
use support::quiz_zh::*;
const CSV_HEADER: &str = "user_id,user,question_number,question,answer,correct,seconds";
const MEDALS: [&str; 3] = ["🥇", "🥈", "🥉"];

/// The quiz's intro, for questions of [`SETTINGS`]' seconds.
fn intro(count: usize, name: &str) -> String {
    support::quiz_zh::intro(count, SETTINGS.question_seconds, name)
}

/// Student `i` (from 0): 学生01, 学生02, ...; every other one's Telegram tells no language.
fn student(i: usize) -> TgUser {
    people::student_speaking(i, i.is_multiple_of(2).then_some("zh-hans"))
}

// ---- the class: a fake API, the bot, and its database ---------------------------------------

/// The class's group: the fake API, the bot, and its database.
struct Class(GroupChat);

derefs_to_group_chat!(Class);

impl Class {
    /// A fresh fake API and the bot running against it with [`SETTINGS`] and a new database.
    async fn start() -> Class {
        Class(GroupChat::start(GROUP, SETTINGS).await)
    }

    /// The same, with the bot on `runtime` (a "process" that [`GroupChat::end_process`] ends).
    async fn start_on(runtime: &tokio::runtime::Handle) -> Class {
        Class(GroupChat::start_on(runtime, GROUP, SETTINGS).await)
    }

    fn group(&self, user: &TgUser, text: &str) -> Pushed {
        self.api.group_text(GROUP, user, text)
    }

    /// Sends `text` from `user` in their private chat; returns the visible reply.
    async fn ask_private(&self, user: &TgUser, text: &str) -> String {
        let before = self.api.count("sendMessage");
        self.api.private_text(user, text);
        let call = self.api.wait_nth("sendMessage", before).await;
        assert_eq!(call.chat_id(), Some(user.id), "{}", call.summary());
        visible(&call)
    }

    /// The `n`th poll the bot sent (from 0), checked against Telegram's rules and ours, once
    /// the bot has stored it (so answers to it count from now on).
    async fn poll(&self, n: usize, total: usize) -> Poll {
        let call = self.api.wait_nth("sendPoll", n).await;
        let poll = Poll::checked(call, total);
        let quiz = self.quiz_id().await;
        let id = poll.id.clone();
        eventually(&format!("poll {id} stored"), || async {
            let questions = self.store.questions(quiz).await.ok()?;
            questions
                .iter()
                .any(|q| q.poll_id.as_deref() == Some(id.as_str()) && q.sent_at.is_some())
                .then_some(())
        })
        .await;
        poll
    }

    /// The chat's latest quiz.
    async fn quiz_id(&self) -> debate_bot::vocab::QuizId {
        eventually("a quiz in the group", || async {
            self.store
                .last_quiz(GROUP)
                .await
                .ok()
                .flatten()
                .map(|q| q.id)
        })
        .await
    }

    /// Waits until the quiz has `count` answers stored; returns them.
    async fn answers(&self, count: usize) -> Vec<AnswerRow> {
        let quiz = self.quiz_id().await;
        let answers = eventually(&format!("{count} answers stored"), || async {
            let answers = self.store.answers(quiz).await.ok()?;
            (answers.len() >= count).then_some(answers)
        })
        .await;
        assert_eq!(answers.len(), count, "answers stored: {answers:#?}");
        answers
    }

    /// `user` answers `poll` with one option.
    fn answer(&self, poll: &Poll, user: &TgUser, option: u8) -> Pushed {
        self.api.poll_answer(&poll.id, user, &[option])
    }

    /// The results message (the first one at or after sendMessage number `from`).
    async fn results(&self, from: usize) -> Call {
        self.api
            .wait_until("the results", |calls| results_after(calls, from))
            .await
    }

    /// The starter's `/next` while `poll` is open: a stopPoll for it comes first (then the
    /// next poll or the results). Returns the stopPoll.
    async fn next(&self, starter: &TgUser, poll: &Poll) -> Call {
        let before = self.api.count("stopPoll");
        self.group(starter, "/next");
        let stop = self.api.wait_nth("stopPoll", before).await;
        assert_eq!(stop.chat_id(), Some(GROUP));
        assert_eq!(
            stop.body["message_id"],
            json!(poll.message_id),
            "{}",
            stop.body
        );
        assert!(stop.ok(), "the poll was open: {}", stop.response);
        assert_eq!(stop.result()["id"], json!(poll.id));
        assert_eq!(stop.result()["is_closed"], json!(true));
        stop
    }
}

/// Whether `call` is a quiz's results: its title, up to the number of questions.
fn is_results(call: &Call) -> bool {
    let title = support::say_until(Lang::Zh, "quiz_results_title", &[], "count");
    call.method == "sendMessage" && visible(call).starts_with(&title)
}

fn results_after(calls: &[Call], from: usize) -> Option<Call> {
    calls
        .iter()
        .filter(|c| c.method == "sendMessage")
        .skip(from)
        .find(|c| is_results(c))
        .cloned()
}

/// Waits until getUpdates has handed out the update `pushed` and then confirmed it (a later
/// getUpdates with a higher offset): the bot has it.
async fn wait_delivered(api: &FakeApi, pushed: &Pushed) {
    let id = pushed.update_id;
    api.wait_until(&format!("update {id} confirmed"), |calls| {
        calls
            .iter()
            .filter(|c| c.method == "getUpdates")
            .any(|c| c.body.get("offset").and_then(Value::as_i64) > Some(id))
            .then_some(())
    })
    .await;
}

// ---- polls --------------------------------------------------------------------------------------

/// A quiz poll the bot sent.
#[derive(Debug, Clone)]
struct Poll {
    call: Call,
    id: String,
    message_id: i64,
    /// "k/N · " and the question.
    question: String,
    options: Vec<String>,
    correct: u8,
}

impl Poll {
    /// Checks a sendPoll: a non-anonymous quiz poll in the group, open 5 s, "k/N · " in front,
    /// 2-10 options with the right one among them (named both ways), an explanation within Telegram's 200
    /// characters and 2 line feeds that cites the article.
    #[track_caller]
    fn checked(call: Call, total: usize) -> Poll {
        assert!(call.ok(), "{}: {}", call.summary(), call.response);
        let body = &call.body;
        assert_eq!(call.chat_id(), Some(GROUP), "{body}");
        assert_eq!(body["type"], json!("quiz"), "{body}");
        assert_eq!(body["is_anonymous"], json!(false), "{body}");
        assert_eq!(body["open_period"], json!(5), "{body}");
        let options: Vec<String> = body["options"]
            .as_array()
            .expect("options")
            .iter()
            .map(|o| {
                o.get("text")
                    .or(Some(o))
                    .and_then(Value::as_str)
                    .expect("an option's text")
                    .to_string()
            })
            .collect();
        assert!((2..=10).contains(&options.len()), "{options:?}");
        // The answer as Bot API 10.1 documents it, and the same for a server older than 9.6.
        let correct = body["correct_option_id"]
            .as_u64()
            .expect("correct_option_id");
        assert_eq!(body["correct_option_ids"], json!([correct]), "{body}");
        assert!((correct as usize) < options.len(), "{body}");
        let question = body["question"].as_str().expect("question").to_string();
        let (k, _) = question.split_once('/').expect("k/N in front");
        let k: usize = k.parse().expect("k");
        assert!((1..=total).contains(&k), "{question}");
        assert!(
            question.starts_with(&format!("{k}/{total} · ")),
            "{question}"
        );
        let explanation = body["explanation"].as_str().expect("an explanation");
        assert!(explanation.chars().count() <= 200, "{explanation}");
        assert!(explanation.matches('\n').count() <= 2, "{explanation:?}");
        // Every explanation names where its answer stands in the article.
        assert!(
            explanation.contains(&support::citation_start(Lang::Zh)),
            "{explanation}"
        );
        // The whole quote, when the question had to cut it: within 1,024 characters, cited.
        if let Some(description) = body.get("description").and_then(Value::as_str) {
            assert!(description.chars().count() <= 1024, "{description}");
            assert!(
                description.contains(&support::citation_start(Lang::Zh)),
                "{description}"
            );
        }
        let poll = call.poll();
        assert_eq!(poll["type"], json!("quiz"));
        let id = poll["id"].as_str().expect("a poll id").to_string();
        Poll {
            message_id: call.message_id(),
            id,
            question,
            options,
            correct: correct as u8,
            call,
        }
    }

    /// Which question of the quiz (from 1).
    fn number(&self) -> usize {
        self.question.split_once('/').unwrap().0.parse().unwrap()
    }

    /// The question as dealt, without "k/N · ".
    fn text(&self) -> &str {
        self.question.split_once(" · ").unwrap().1
    }

    fn right(&self) -> u8 {
        self.correct
    }

    /// A wrong option, varying with `i`.
    fn wrong(&self, i: usize) -> u8 {
        let n = self.options.len();
        ((self.correct as usize + 1 + i % (n - 1)) % n) as u8
    }

    /// `student`'s option: right or a wrong one.
    fn option(&self, i: usize, right: bool) -> u8 {
        if right { self.right() } else { self.wrong(i) }
    }
}

// ---- the results message, read back ------------------------------------------------------------

#[derive(Debug, Clone, PartialEq)]
struct Line {
    rank: usize,
    name: String,
    correct: usize,
    seconds: f64,
}

#[derive(Debug)]
struct Results {
    title: String,
    podium: Vec<String>,
    everyone: Vec<Line>,
    questions: Vec<String>,
    hardest: Option<String>,
}

/// Reads a results message: the title; the podium; a blank line, "全部成绩" and a line per
/// participant; a blank line, "每题答对率" and a line per question; and, for more than one
/// question, a blank line and the hardest one. Each line is read through its template in
/// responses/ui.zh.toml.
#[track_caller]
fn read_results(text: &str, asked: usize, total: usize) -> Results {
    let lines: Vec<&str> = text.lines().collect();
    let title = lines[0].to_string();
    let podium: Vec<String> = lines[1..]
        .iter()
        .take_while(|l| !l.is_empty())
        .map(|l| l.to_string())
        .collect();
    let mut i = 1 + podium.len();
    assert_eq!(
        &lines[i..i + 2],
        ["", zh("quiz_results_everyone").as_str()],
        "{text}"
    );
    i += 2;
    let mut everyone = Vec::new();
    while !lines[i].is_empty() {
        let line = lines[i];
        let v = support::unsay(Lang::Zh, "quiz_results_line", line).expect(line);
        assert_eq!(v["total"], total.to_string(), "{line}");
        assert!(v["seconds"].contains('.'), "one decimal: {line}");
        everyone.push(Line {
            rank: v["rank"].parse().expect(line),
            name: v["name"].clone(),
            correct: v["correct"].parse().expect(line),
            seconds: v["seconds"].parse().expect(line),
        });
        i += 1;
    }
    assert_eq!(lines[i + 1], zh("quiz_results_questions"), "{text}");
    let questions: Vec<String> = lines[i + 2..i + 2 + asked]
        .iter()
        .map(|l| l.to_string())
        .collect();
    i += 2 + asked;
    let hardest = if asked > 1 {
        assert_eq!(lines[i], "", "{text}");
        i += 2;
        Some(lines[i - 1].to_string())
    } else {
        None
    };
    assert_eq!(i, lines.len(), "nothing else: {text}");
    // Ranked best first: most right, then least time.
    for (n, line) in everyone.iter().enumerate() {
        assert_eq!(line.rank, n + 1, "{text}");
    }
    for pair in everyone.windows(2) {
        assert!(
            pair[0].correct > pair[1].correct
                || (pair[0].correct == pair[1].correct && pair[0].seconds <= pair[1].seconds),
            "out of order: {pair:?}\n{text}"
        );
    }
    Results {
        title,
        podium,
        everyone,
        questions,
        hardest,
    }
}

/// The podium line for a participant's line.
fn podium_line(medal: &str, line: &Line, total: usize) -> String {
    let seconds = format!("{:.1}", line.seconds);
    support::quiz_zh::podium_line(medal, &line.name, line.correct, total, &seconds)
}

/// A question's line: its share of right answers and its first 24 characters.
fn question_line(poll: &Poll, right: usize, answered: usize) -> String {
    let share = (right * 100).checked_div(answered).unwrap_or(0);
    support::quiz_zh::question_line(poll.number(), share, right, answered, &title(poll.text()))
}

/// The hardest question: the lowest share, the first among equals.
fn hardest_line(shares: &[(usize, usize)]) -> String {
    let (number, share) = shares
        .iter()
        .enumerate()
        .map(|(i, &(right, answered))| (i + 1, right * 100 / answered.max(1)))
        .fold(None, |best: Option<(usize, usize)>, (n, s)| match best {
            Some((_, b)) if b <= s => best,
            _ => Some((n, s)),
        })
        .unwrap();
    let (number, share) = (number.to_string(), share.to_string());
    support::say(
        Lang::Zh,
        "quiz_results_hardest",
        &[("number", &number), ("share", &share)],
    )
}

/// A line of /top.
#[derive(Debug)]
struct TopRow {
    /// The medal in front, or "".
    medal: String,
    rank: usize,
    name: String,
    correct: usize,
    answers: usize,
}

/// /top read back: its lines, and the lines after them (a blank line and the caller's rank).
fn read_top(text: &str) -> (Vec<TopRow>, Vec<String>) {
    let mut lines = text.lines();
    assert_eq!(lines.next(), Some(top_title().as_str()), "{text}");
    let mut rows = Vec::new();
    let mut rest = Vec::new();
    for line in lines.by_ref() {
        if line.is_empty() {
            rest.push(String::new());
            break;
        }
        let (medal, line) = match MEDALS.iter().find(|m| line.starts_with(*m)) {
            Some(m) => (m.to_string(), &line[m.len() + 1..]),
            None => (String::new(), line),
        };
        let v = support::unsay(Lang::Zh, "top_line", line).expect(line);
        rows.push(TopRow {
            medal,
            rank: v["rank"].parse().unwrap(),
            name: v["name"].clone(),
            correct: v["correct"].parse().unwrap(),
            answers: v["answers"].parse().unwrap(),
        });
    }
    rest.extend(lines.map(str::to_string));
    (rows, rest)
}

// ---- 1. a classroom ------------------------------------------------------------------------------

/// How many of the five questions student `i` gets right: 5, 4, 3 for the first three (the
/// podium, whatever their times), then 0, 1 or 2.
fn rights(i: usize) -> usize {
    match i {
        0 => 5,
        1 => 4,
        2 => 3,
        _ => i % 3,
    }
}

/// Whether student `i` gets question `q` (from 0) right.
fn is_right(i: usize, q: usize) -> bool {
    (q + i) % 5 < rights(i)
}

#[tokio::test]
async fn a_class_of_thirty_answers_five_polls_and_sees_the_podium_and_the_leaderboard() {
    const STUDENTS: usize = 30;
    let class = Class::start().await;
    let teacher = teacher();
    let students: Vec<TgUser> = (0..STUDENTS).map(student).collect();

    assert_eq!(class.ask(&teacher, "/quiz 5").await, intro(5, "王老师"));
    let mut polls: Vec<Poll> = Vec::new();
    for q in 0..5 {
        let poll = class.poll(q, 5).await;
        assert_eq!(poll.number(), q + 1);
        for (i, s) in students.iter().enumerate() {
            class.answer(&poll, s, poll.option(i, is_right(i, q)));
        }
        class.answers(STUDENTS * (q + 1)).await;
        let stop = class.next(&teacher, &poll).await;
        if q < 4 {
            let next = class.api.wait_nth("sendPoll", q + 1).await;
            assert!(
                stop.seq < next.seq,
                "the poll is closed before the next one"
            );
        }
        polls.push(poll);
    }
    let distinct: BTreeSet<&str> = polls.iter().map(|p| p.text()).collect();
    assert_eq!(distinct.len(), 5, "five different questions");
    let ids: BTreeSet<&str> = polls.iter().map(|p| p.id.as_str()).collect();
    assert_eq!(ids.len(), 5, "five polls");

    // The results, after the fifth poll was closed.
    let results = class.results(0).await;
    assert!(results.seq > class.api.calls_of("stopPoll")[4].seq);
    let text = visible(&results);
    let r = read_results(&text, 5, 5);
    assert_eq!(r.title, results_title(5, 30));
    // Everyone, with their right answers.
    let got: BTreeMap<String, usize> = r
        .everyone
        .iter()
        .map(|l| (l.name.clone(), l.correct))
        .collect();
    let expected: BTreeMap<String, usize> = students
        .iter()
        .enumerate()
        .map(|(i, s)| (s.first_name.clone(), rights(i)))
        .collect();
    assert_eq!(got, expected, "{text}");
    // The podium: most right first.
    let names: Vec<&str> = r.everyone.iter().take(3).map(|l| l.name.as_str()).collect();
    assert_eq!(names, ["学生01", "学生02", "学生03"], "{text}");
    let podium: Vec<String> = MEDALS
        .iter()
        .zip(&r.everyone)
        .map(|(m, l)| podium_line(m, l, 5))
        .collect();
    assert_eq!(r.podium, podium, "{text}");
    // Each question's share, and the hardest one.
    let shares: Vec<(usize, usize)> = (0..5)
        .map(|q| ((0..STUDENTS).filter(|&i| is_right(i, q)).count(), STUDENTS))
        .collect();
    let lines: Vec<String> = polls
        .iter()
        .zip(&shares)
        .map(|(p, &(right, answered))| question_line(p, right, answered))
        .collect();
    assert_eq!(r.questions, lines, "{text}");
    assert_eq!(r.hardest, Some(hardest_line(&shares)), "{text}");

    // /top ranks the class the same way: the first ten, medals for three.
    let after = class.ask(&teacher, "/top").await;
    let (rows, rest) = read_top(&after);
    assert_eq!(rows.len(), 10, "{after}");
    for (n, row) in rows.iter().enumerate() {
        assert_eq!(row.rank, n + 1);
        assert_eq!(
            row.medal,
            MEDALS.get(n).copied().unwrap_or_default(),
            "{after}"
        );
        assert_eq!(
            row.name, r.everyone[n].name,
            "same order as the results:\n{after}\n{text}"
        );
        assert_eq!(row.correct, r.everyone[n].correct);
        assert_eq!(row.answers, 5);
    }
    assert_eq!(
        rest,
        ["", top_you_none().as_str()],
        "the teacher answered nothing"
    );

    // A student below the top ten sees their own rank.
    let last = r.everyone.last().unwrap();
    let who = students.iter().find(|s| s.first_name == last.name).unwrap();
    let (rows, rest) = read_top(&class.ask(who, "/top").await);
    assert_eq!(rows.len(), 10);
    assert_eq!(
        rest,
        [
            String::new(),
            support::say(
                Lang::Zh,
                "top_you",
                &[("line", &top_line(last.rank, &last.name, last.correct, 5))]
            )
        ]
    );

    let mut class = class;
    class.stop().await;
    assert_eq!(class.api.count("sendPoll"), 5);
    assert_eq!(
        results_count(&class.api),
        1,
        "{}",
        class.api.describe_calls()
    );
}

/// How many results messages the bot sent.
fn results_count(api: &FakeApi) -> usize {
    api.calls_of("sendMessage")
        .iter()
        .filter(|c| is_results(c))
        .count()
}

// ---- 2. a restart in the middle ---------------------------------------------------------------

#[tokio::test]
async fn a_restart_while_a_poll_is_open_keeps_every_answer_once() {
    const STUDENTS: usize = 10;
    let right = |i: usize, q: usize| !(i + q).is_multiple_of(3);
    let teacher = teacher();
    let students: Vec<TgUser> = (0..STUDENTS).map(student).collect();
    // The first "process": its own runtime, so that nothing it spawned (wake-ups) outlives it.
    let process = support::process_runtime();
    let mut class = Class::start_on(process.handle()).await;

    assert_eq!(class.ask(&teacher, "/quiz 3").await, intro(3, "王老师"));
    let q1 = class.poll(0, 3).await;
    for (i, s) in students.iter().enumerate() {
        class.answer(&q1, s, q1.option(i, right(i, 0)));
    }
    class.answers(STUDENTS).await;
    class.next(&teacher, &q1).await;

    // Question 2: five answers stored, two more on their way, then the bot stops.
    let q2 = class.poll(1, 3).await;
    for (i, s) in students.iter().enumerate().take(5) {
        class.answer(&q2, s, q2.option(i, right(i, 1)));
    }
    class.answers(STUDENTS + 5).await;
    for (i, s) in students.iter().enumerate().skip(5).take(2) {
        class.answer(&q2, s, q2.option(i, right(i, 1)));
    }
    class.end_process(process).await;
    // While no bot runs, Telegram keeps the updates.
    class.answer(&q2, &students[7], q2.option(7, right(7, 1)));

    // A new bot on the same database and the same fake Telegram.
    let polls_before = class.api.count("sendPoll");
    let results_before = class.api.count("sendMessage");
    class.start_again().await;
    for (i, s) in students.iter().enumerate().skip(8) {
        class.answer(&q2, s, q2.option(i, right(i, 1)));
    }
    // A second vote by someone who answered before the restart does not count.
    class.answer(&q2, &students[0], q2.option(0, !right(0, 1)));
    let stored = class.answers(2 * STUDENTS).await;
    let firsts: BTreeMap<i64, i64> = stored
        .iter()
        .filter(|a| a.idx == 1)
        .map(|a| (a.user_id, a.option))
        .collect();
    let expected: BTreeMap<i64, i64> = students
        .iter()
        .enumerate()
        .map(|(i, s)| (s.id, i64::from(q2.option(i, right(i, 1)))))
        .collect();
    assert_eq!(
        firsts, expected,
        "question 2: everyone once, with their first vote"
    );
    assert_eq!(
        class.api.count("sendPoll"),
        polls_before,
        "the open poll is not sent again:\n{}",
        class.api.describe_calls()
    );

    // The quiz carries on: /next closes question 2 (the new bot knows its message) ...
    class.next(&teacher, &q2).await;
    let q3 = class.poll(2, 3).await;
    for (i, s) in students.iter().enumerate() {
        class.answer(&q3, s, q3.option(i, right(i, 2)));
    }
    class.answers(3 * STUDENTS).await;
    class.next(&teacher, &q3).await;
    let results = class.results(results_before).await;
    let text = visible(&results);
    let r = read_results(&text, 3, 3);
    assert_eq!(r.title, results_title(3, 10));
    let got: BTreeMap<String, usize> = r
        .everyone
        .iter()
        .map(|l| (l.name.clone(), l.correct))
        .collect();
    let expected: BTreeMap<String, usize> = students
        .iter()
        .enumerate()
        .map(|(i, s)| {
            (
                s.first_name.clone(),
                (0..3).filter(|&q| right(i, q)).count(),
            )
        })
        .collect();
    assert_eq!(got, expected, "{text}");
    let shares: Vec<(usize, usize)> = (0..3)
        .map(|q| ((0..STUDENTS).filter(|&i| right(i, q)).count(), STUDENTS))
        .collect();
    let lines: Vec<String> = [&q1, &q2, &q3]
        .iter()
        .zip(&shares)
        .map(|(p, &(r, a))| question_line(p, r, a))
        .collect();
    assert_eq!(r.questions, lines, "{text}");
    assert_eq!(r.hardest, Some(hardest_line(&shares)));

    class.stop().await;
    assert_eq!(class.api.count("sendPoll"), 3);
    assert_eq!(
        results_count(&class.api),
        1,
        "{}",
        class.api.describe_calls()
    );
    assert_eq!(class.answers(3 * STUDENTS).await.len(), 3 * STUDENTS);
}

// ---- 3. who may do what ------------------------------------------------------------------------

#[tokio::test]
async fn only_the_starter_moves_on_and_only_the_starter_or_an_admin_stops() {
    let mut class = Class::start().await;
    let teacher = teacher();
    let (pupil, other) = (student(0), student(1));
    let admin = TgUser::new(2_001, "管理员", Some("zh-hans"));
    let owner = TgUser::new(2_002, "群主", None);
    class.api.set_member_status(GROUP, &admin, "administrator");
    class.api.set_member_status(GROUP, &owner, "creator");

    assert_eq!(class.ask(&teacher, "/quiz 2").await, intro(2, "王老师"));
    let q1 = class.poll(0, 2).await;
    class.answer(&q1, &pupil, q1.right());
    class.answers(1).await;

    assert_eq!(class.ask(&pupil, "/next").await, only_starter_next());
    assert_eq!(
        class.api.count("getChatMember"),
        0,
        "no need to ask for /next"
    );
    assert_eq!(class.ask(&pupil, "/stop").await, only_starter_stop());
    let asked = class.api.wait_nth("getChatMember", 0).await;
    assert_eq!(asked.chat_id(), Some(GROUP));
    assert_eq!(asked.body["user_id"], json!(pupil.id));
    assert_eq!(class.ask(&other, "/quiz").await, already_running("王老师"));
    assert_eq!(class.api.count("sendPoll"), 1, "still the first question");
    assert_eq!(class.api.count("stopPoll"), 0);

    // An administrator ends it: the open poll is closed, then the notice, then the results.
    let before = class.api.count("sendMessage");
    class.group(&admin, "/stop");
    let results = class.results(before).await;
    let asked = class.api.wait_nth("getChatMember", 1).await;
    assert_eq!(asked.body["user_id"], json!(admin.id));
    let calls = class.api.calls();
    let stop = calls
        .iter()
        .find(|c| c.method == "stopPoll")
        .expect("a stopPoll");
    assert_eq!(stop.body["message_id"], json!(q1.message_id));
    assert!(stop.ok(), "{}", stop.response);
    let notice = calls
        .iter()
        .filter(|c| c.method == "sendMessage")
        .nth(before)
        .unwrap();
    assert_eq!(visible(notice), stopped());
    assert!(stop.seq < notice.seq && notice.seq < results.seq);
    let text = visible(&results);
    let r = read_results(&text, 1, 1);
    assert_eq!(r.title, results_title(1, 1));
    assert_eq!(r.podium, [podium_line("🥇", &r.everyone[0], 1)]);
    assert_eq!(r.everyone[0].name, "学生01");
    assert_eq!(r.questions, [question_line(&q1, 1, 1)]);
    assert_eq!(class.ask(&teacher, "/next").await, none_running());
    assert_eq!(class.api.count("sendPoll"), 1, "question 2 is never sent");

    // A student's quiz: the chat's creator may stop it too; nobody answered.
    assert_eq!(class.ask(&other, "/quiz 1").await, intro(1, "学生02"));
    let q = class.poll(1, 1).await;
    assert_eq!(class.ask(&teacher, "/next").await, only_starter_next());
    let before = class.api.count("sendMessage");
    class.group(&owner, "/stop");
    let results = class.results(before).await;
    assert_eq!(
        visible(&results),
        format!("{}\n{}", results_title(1, 0), nobody())
    );
    let stop = class.api.wait_nth("stopPoll", 1).await;
    assert_eq!(stop.body["message_id"], json!(q.message_id));
    assert_eq!(class.ask(&owner, "/stop").await, none_running());

    class.stop().await;
    assert_eq!(class.api.count("stopPoll"), 2);
    assert_eq!(class.api.count("sendPoll"), 2);
}

// ---- 4. timers ---------------------------------------------------------------------------------

/// The same one-question quiz in two bots at once, nobody sending /next: one bot runs
/// throughout (its own wake-up ends the quiz), the other restarts while the poll is open (the
/// wake-up `resume` schedules ends it). Both end about 7 s after the poll: 5 s open + 2 s grace.
#[tokio::test]
async fn a_quiz_nobody_moves_on_ends_by_itself_after_the_deadline_and_the_grace() {
    tokio::join!(ends_by_itself(false), ends_by_itself(true));
}

async fn ends_by_itself(restart: bool) {
    let process = support::process_runtime();
    let mut class = Class::start_on(process.handle()).await;
    let teacher = teacher();
    assert_eq!(class.ask(&teacher, "/quiz 1").await, intro(1, "王老师"));
    let q = class.poll(0, 1).await;
    let sent = Instant::now();
    class.answer(&q, &student(0), q.right());
    class.answers(1).await;
    let process = if restart {
        class.end_process(process).await;
        class.answer(&q, &student(1), q.wrong(1));
        class.start_again().await;
        None
    } else {
        class.answer(&q, &student(1), q.wrong(1));
        Some(process)
    };
    class.answers(2).await;

    let results = class
        .api
        .wait_for_within("the results", Duration::from_secs(12), |c| {
            c.method == "sendMessage" && is_results(c)
        })
        .await;
    let took = sent.elapsed();
    assert!(
        (Duration::from_millis(6_800)..=Duration::from_millis(9_000)).contains(&took),
        "restart: {restart}; 5 s open + 2 s grace, took {took:?}"
    );
    let text = visible(&results);
    let r = read_results(&text, 1, 1);
    assert_eq!(r.title, results_title(1, 2));
    let names: Vec<(&str, usize)> = r
        .everyone
        .iter()
        .map(|l| (l.name.as_str(), l.correct))
        .collect();
    assert_eq!(names, [("学生01", 1), ("学生02", 0)]);
    assert_eq!(r.questions, [question_line(&q, 1, 2)]);
    // The poll closed by itself: nothing to stop.
    assert_eq!(
        class.api.count("stopPoll"),
        0,
        "{}",
        class.api.describe_calls()
    );
    assert_eq!(class.api.poll(&q.id).unwrap()["is_closed"], json!(true));
    assert_eq!(class.ask(&teacher, "/next").await, none_running());
    class.stop().await;
    if let Some(process) = process {
        process.shutdown_background();
    }
    assert_eq!(class.api.count("sendPoll"), 1, "restart: {restart}");
    assert_eq!(results_count(&class.api), 1, "restart: {restart}");
}

// ---- 5. the report and forgetting --------------------------------------------------------------

#[tokio::test]
async fn the_starter_gets_the_csv_report_and_forgetme_removes_a_student() {
    let mut class = Class::start().await;
    let teacher = teacher();
    let students: Vec<TgUser> = (0..4).map(student).collect();
    // (question 1, question 2): Some(right?) or no answer.
    let plan = [
        (Some(true), Some(true)),
        (Some(true), Some(false)),
        (Some(false), None),
        (Some(false), Some(false)),
    ];
    assert_eq!(class.ask(&teacher, "/quiz 2").await, intro(2, "王老师"));
    let mut polls = Vec::new();
    let mut stored = 0;
    for q in 0..2 {
        let poll = class.poll(q, 2).await;
        for (i, s) in students.iter().enumerate() {
            let right = if q == 0 { plan[i].0 } else { plan[i].1 };
            if let Some(right) = right {
                class.answer(&poll, s, poll.option(i, right));
                stored += 1;
            }
        }
        class.answers(stored).await;
        class.next(&teacher, &poll).await;
        polls.push(poll);
    }
    let results = class.results(0).await;
    let r = read_results(&visible(&results), 2, 2);
    assert_eq!(r.title, results_title(2, 4));
    let quiz = class.quiz_id().await;

    // The starter's /report: a CSV document, one row per participant per question.
    let before = class.api.count("sendDocument");
    class.group(&teacher, "/report");
    let sent = class.api.wait_nth("sendDocument", before).await;
    assert!(sent.ok(), "{}", sent.response);
    assert_eq!(sent.chat_id(), Some(GROUP));
    let document = class.api.document(&sent);
    assert_eq!(document.file_name, format!("quiz-{quiz}.csv"));
    assert_eq!(
        document.caption.as_deref(),
        Some(support::say(Lang::Zh, "quiz_report_caption", &[("count", "2")]).as_str())
    );
    let rows = read_csv(&document.bytes);
    assert_eq!(rows.len(), 4 * 2, "{rows:#?}");
    // Participants in the order of the results, each with both questions.
    let order: Vec<String> = r.everyone.iter().map(|l| l.name.clone()).collect();
    let in_csv: Vec<String> = rows.iter().step_by(2).map(|r| r[1].clone()).collect();
    assert_eq!(in_csv, order);
    for row in &rows {
        let i = students
            .iter()
            .position(|s| s.first_name == row[1])
            .unwrap_or_else(|| panic!("who is {row:?}"));
        assert_eq!(row[0], students[i].id.to_string());
        let q: usize = row[2].parse().unwrap();
        let poll = &polls[q - 1];
        assert_eq!(row[3], poll.text(), "{row:?}");
        let right = if q == 1 { plan[i].0 } else { plan[i].1 };
        match right {
            Some(right) => {
                assert_eq!(row[4], poll.options[poll.option(i, right) as usize]);
                assert_eq!(row[5], if right { "yes" } else { "no" });
                let seconds: f64 = row[6].parse().unwrap_or_else(|_| panic!("{row:?}"));
                assert!((0.0..=5.0).contains(&seconds), "{row:?}");
            }
            None => assert_eq!(&row[4..], ["", "no answer", ""], "{row:?}"),
        }
    }

    // A plain member may not have it; an administrator may.
    assert_eq!(
        class.ask(&students[1], "/report").await,
        only_starter_report()
    );
    assert_eq!(class.api.count("sendDocument"), before + 1);
    class
        .api
        .set_member_status(GROUP, &students[3], "administrator");
    class.group(&students[3], "/report");
    let again = class.api.wait_nth("sendDocument", before + 1).await;
    assert_eq!(class.api.document(&again).bytes, document.bytes);

    // /forgetme: the count of that student's answers, and they are gone from /top and the CSV.
    assert_eq!(
        class.ask_private(&students[1], "/forgetme").await,
        forgotten(2)
    );
    let (rows, rest) = read_top(&class.ask(&teacher, "/top").await);
    let names: Vec<&str> = rows.iter().map(|r| r.name.as_str()).collect();
    let remaining: Vec<&str> = order
        .iter()
        .map(String::as_str)
        .filter(|n| *n != "学生02")
        .collect();
    assert_eq!(names, remaining, "ranked as in the results, without 学生02");
    assert_eq!((rows[0].name.as_str(), rows[0].correct), ("学生01", 2));
    assert_eq!(rest, ["", top_you_none().as_str()]);
    let (_, rest) = read_top(&class.ask(&students[1], "/top").await);
    assert_eq!(rest, ["", top_you_none().as_str()]);
    class.group(&teacher, "/report");
    let after = class.api.wait_nth("sendDocument", before + 2).await;
    let rows = read_csv(&class.api.document(&after).bytes);
    assert_eq!(rows.len(), 3 * 2);
    assert!(rows.iter().all(|r| r[0] != students[1].id.to_string()));
    assert_eq!(
        class.ask_private(&students[1], "/forgetme").await,
        forgotten(0)
    );
    class.stop().await;
}

/// Telegram's GroupAnonymousBot, the `from` of every message an anonymous admin sends.
const GROUP_ANONYMOUS_BOT: i64 = 1_087_968_824;

/// A message as Telegram sends it for a shared identity: `sender_chat` (the group itself for an
/// anonymous admin, or a channel) and a `from` that is the same for everyone writing that way.
fn shared_identity_text(api: &FakeApi, chat: &Value, sender_chat: &Value, text: &str) -> Pushed {
    static NEXT: std::sync::atomic::AtomicI64 = std::sync::atomic::AtomicI64::new(900_001);
    let from = if sender_chat["type"] == "channel" {
        json!({"id": 136_817_688, "is_bot": true, "first_name": "Channel", "username": "Channel_Bot"})
    } else {
        json!({"id": GROUP_ANONYMOUS_BOT, "is_bot": true, "first_name": "Group", "username": "GroupAnonymousBot"})
    };
    let command = text.split(' ').next().unwrap();
    api.push_update(
        "message",
        json!({
            "message_id": NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed),
            "date": std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .unwrap()
                .as_secs(),
            "chat": chat,
            "sender_chat": sender_chat,
            "from": from,
            "text": text,
            "entities": [{"type": "bot_command", "offset": 0, "length": command.len()}],
        }),
    )
}

#[tokio::test]
async fn forgetme_from_an_anonymous_admin_or_a_channel_explains_and_forgets_nothing() {
    let mut class = Class::start().await;
    let supergroup = -1_004_000_000_321_i64;
    let chat = json!({"id": supergroup, "type": "supergroup", "title": "Debate test group"});
    let channel = json!({"id": -1_004_000_000_999_i64, "type": "channel", "title": "班级频道"});
    let api = &class.api;
    let ask = async |sender: &Value, text: &str| {
        let before = api.count("sendMessage");
        shared_identity_text(api, &chat, sender, text);
        let call = api.wait_nth("sendMessage", before).await;
        assert_eq!(call.chat_id(), Some(supergroup), "{}", call.summary());
        visible(&call)
    };
    // An anonymous admin starts a quiz: its starter is the shared identity.
    assert_eq!(ask(&chat, "/quiz 1").await, intro(1, "Group"));
    class.api.wait_nth("sendPoll", 0).await;
    // /forgetme as the group, or as a channel: one line, and nothing is deleted.
    assert_eq!(ask(&chat, "/forgetme").await, zh("quiz_forget_shared"));
    assert_eq!(ask(&channel, "/forgetme").await, zh("quiz_forget_shared"));
    let quiz = eventually("the quiz", || async {
        class.store.last_quiz(supergroup).await.ok().flatten()
    })
    .await;
    assert_eq!(
        (quiz.starter_id, quiz.starter_name.as_str()),
        (GROUP_ANONYMOUS_BOT, "Group")
    );
    // The quiz is still the shared identity's: named as its starter, and any anonymous admin
    // may stop it.
    let before = class.api.count("sendMessage");
    class.api.supergroup_text(supergroup, &teacher(), "/quiz");
    let call = class.api.wait_nth("sendMessage", before).await;
    assert_eq!(visible(&call), already_running("Group"));
    let sent = class.api.count("sendMessage");
    assert_eq!(ask(&chat, "/stop").await, stopped());
    class.results(sent).await;
    // The same person writing as themselves is forgotten as usual.
    assert_eq!(
        class.ask_private(&teacher(), "/forgetme").await,
        forgotten(0)
    );
    class.stop().await;
}

#[tokio::test]
async fn forgetme_takes_the_user_off_the_quizzes_and_debates_they_started() {
    let mut class = Class::start().await;
    let teacher = teacher();
    let admin = student(9);
    class.api.set_member_status(GROUP, &admin, "administrator");
    // A finished quiz and a running one, both the teacher's.
    assert_eq!(class.ask(&teacher, "/quiz 1").await, intro(1, "王老师"));
    let poll = class.poll(0, 1).await;
    class.next(&teacher, &poll).await;
    class.results(0).await;
    let finished = class.quiz_id().await;
    assert_eq!(class.ask(&teacher, "/quiz 1").await, intro(1, "王老师"));
    class.poll(1, 1).await;
    let running = class.quiz_id().await;
    assert_ne!(running, finished);
    // And a debate of the teacher's, its vote open.
    let (polls, messages) = (class.api.count("sendPoll"), class.api.count("sendMessage"));
    class.group(&teacher, "/debate 1");
    class.api.wait_nth("sendPoll", polls).await;
    // Both sides' quotes follow the vote.
    class.api.wait_nth("sendMessage", messages).await;

    assert_eq!(class.ask_private(&teacher, "/forgetme").await, forgotten(0));
    // Stored: nobody started them any more, name and id gone.
    for id in [finished, running] {
        let quiz = class.store.quiz(id).await.unwrap().unwrap();
        assert_eq!((quiz.starter_id, quiz.starter_name.as_str()), (0, ""));
    }
    let debate = class.store.open_debate(GROUP).await.unwrap().unwrap();
    assert_eq!(debate.starter_id, 0);
    // So the bot no longer knows the teacher as their starter: the running quiz goes on (by its
    // timer, or an admin's /stop), but the teacher's /next, /stop, /report and /debate close are
    // a plain member's.
    assert_eq!(
        class.ask(&teacher, "/quiz").await,
        already_running(&zh("quiz_someone"))
    );
    assert_eq!(class.ask(&teacher, "/next").await, only_starter_next());
    assert_eq!(class.ask(&teacher, "/stop").await, only_starter_stop());
    assert_eq!(
        class.ask(&teacher, "/debate close").await,
        zh("debate_only_starter_close")
    );
    let sent = class.api.count("sendMessage");
    assert_eq!(class.ask(&admin, "/stop").await, stopped());
    class.results(sent).await;
    assert_eq!(class.ask(&teacher, "/report").await, only_starter_report());
    class.stop().await;
}

/// The CSV's rows after its header (checked): UTF-8 with a byte-order mark, so that Excel reads it
/// as UTF-8.
fn read_csv(bytes: &[u8]) -> Vec<Vec<String>> {
    let text = std::str::from_utf8(bytes).expect("UTF-8");
    let text = text
        .strip_prefix('\u{FEFF}')
        .unwrap_or_else(|| panic!("no byte-order mark: {text}"));
    assert_eq!(text.lines().next(), Some(CSV_HEADER), "{text}");
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    reader
        .records()
        .map(|r| {
            let r = r.expect("a CSV row");
            assert_eq!(r.len(), 7, "{r:?}");
            r.iter().map(str::to_string).collect()
        })
        .collect()
}

// ---- 6. odd answers -----------------------------------------------------------------------------

#[tokio::test]
async fn repeated_option_ids_second_votes_and_unknown_polls_count_at_most_once() {
    let mut class = Class::start().await;
    let teacher = teacher();
    let s: Vec<TgUser> = (0..5).map(student).collect();
    assert_eq!(class.ask(&teacher, "/quiz 1").await, intro(1, "王老师"));
    let q = class.poll(0, 1).await;
    // [x, x]: some clients repeat the option.
    class.api.poll_answer(&q.id, &s[0], &[q.right(), q.right()]);
    class
        .api
        .poll_answer(&q.id, &s[1], &[q.wrong(1), q.wrong(1)]);
    class.answers(2).await;

    // A second vote, a retracted vote, and answers to a poll nobody sent.
    let odd = [
        class.api.poll_answer(&q.id, &s[0], &[q.wrong(0)]),
        class.api.poll_answer(&q.id, &s[1], &[q.right(), q.right()]),
        class.api.poll_answer(&q.id, &s[2], &[]),
        class.api.poll_answer("5899999999999999999", &s[3], &[0]),
        class.api.poll_answer("5899999999999999999", &s[3], &[0, 0]),
        class.api.poll_answer("not-a-poll", &s[4], &[1]),
    ];
    wait_delivered(&class.api, odd.last().unwrap()).await;
    // Nothing to wait for that the chat would see: give the answers to the real poll time to
    // be stored while it is still open (those to unknown polls wait up to 4 s for such a poll
    // to be stored, then are given up; they never count).
    tokio::time::sleep(Duration::from_millis(1_000)).await;
    let stored = class.answers(2).await;
    let options: BTreeMap<i64, (i64, bool)> = stored
        .iter()
        .map(|a| (a.user_id, (a.option, a.correct)))
        .collect();
    assert_eq!(
        options,
        BTreeMap::from([
            (s[0].id, (i64::from(q.right()), true)),
            (s[1].id, (i64::from(q.wrong(1)), false)),
        ])
    );

    // The bot carries on as usual.
    class.next(&teacher, &q).await;
    let results = class.results(0).await;
    let text = visible(&results);
    let r = read_results(&text, 1, 1);
    assert_eq!(r.title, results_title(1, 2));
    let names: Vec<(&str, usize)> = r
        .everyone
        .iter()
        .map(|l| (l.name.as_str(), l.correct))
        .collect();
    assert_eq!(names, [("学生01", 1), ("学生02", 0)]);
    assert_eq!(r.questions, [question_line(&q, 1, 2)]);
    let (rows, _) = read_top(&class.ask(&s[3], "/top").await);
    assert_eq!(rows.len(), 2);
    let scores: Vec<(&str, usize, usize)> = rows
        .iter()
        .map(|r| (r.name.as_str(), r.correct, r.answers))
        .collect();
    assert_eq!(scores, [("学生01", 1, 1), ("学生02", 0, 1)]);
    class.stop().await;
    assert_eq!(class.answers(2).await.len(), 2);
}

/// A quiz in a private chat has one player: Telegram delivers their answer (`poll_answer`
/// comes for every non-anonymous poll the bot sent, private chats included), and the bot
/// closes that question's poll and sends the next at once, then the results, without
/// waiting out the 5 s of each question.
#[tokio::test]
async fn a_quiz_in_a_private_chat_moves_on_at_each_answer() {
    let class = Class::start().await;
    let solo = student(0);
    assert_eq!(
        class.ask_private(&solo, "/quiz 2").await,
        intro(2, "学生01")
    );
    for q in 0..2 {
        let call = class.api.wait_nth("sendPoll", q).await;
        assert!(call.ok(), "{}", call.response);
        assert_eq!(call.chat_id(), Some(solo.id));
        let poll_id = call.poll()["id"].as_str().expect("a poll id").to_string();
        // Stored before it is answered, as an answer that came sooner would wait for it.
        let quiz = class
            .store
            .last_quiz(solo.id)
            .await
            .unwrap()
            .expect("the quiz");
        eventually("the poll stored", || async {
            let questions = class.store.questions(quiz.id).await.ok()?;
            (questions[q].poll_id.as_deref() == Some(poll_id.as_str())).then_some(())
        })
        .await;
        class.api.poll_answer(&poll_id, &solo, &[0]);
        // Closed by the bot, while still open: its 5 s were not waited out (at the deadline
        // Telegram closes it itself and the bot stops nothing).
        let stop = class.api.wait_nth("stopPoll", q).await;
        assert_eq!(stop.body["message_id"], json!(call.message_id()));
        assert!(stop.ok(), "the poll was still open: {}", stop.response);
    }
    let results = class
        .api
        .wait_for("the results", |c| {
            is_results(c) && c.chat_id() == Some(solo.id)
        })
        .await;
    assert!(
        visible(&results).starts_with(&results_title(2, 1)),
        "{}",
        visible(&results)
    );
}

/// A self-hosted Bot API server older than 9.6 knows only `correct_option_id` (and ignores
/// `correct_option_ids`, `description` and the rest of 9.6): the same quiz runs there, every
/// poll accepted, every answer scored against the bot's own record of the right option.
#[tokio::test]
async fn a_quiz_runs_on_a_bot_api_server_older_than_9_6() {
    let class = Class::start().await;
    class.api.speak(Version::Before96);
    let teacher = teacher();
    let s: Vec<TgUser> = (0..3).map(student).collect();
    assert_eq!(class.ask(&teacher, "/quiz 2").await, intro(2, "王老师"));
    let mut polls = Vec::new();
    for q in 0..2 {
        let poll = class.poll(q, 2).await;
        let answered = poll.call.poll();
        assert_eq!(answered["correct_option_id"], json!(poll.correct));
        assert_eq!(answered.get("correct_option_ids"), None, "{answered}");
        // 学生01 gets both right, 学生02 the first only, 学生03 neither.
        for (i, student) in s.iter().enumerate() {
            class.answer(&poll, student, poll.option(i, i + q < 2));
        }
        class.answers(3 * (q + 1)).await;
        class.next(&teacher, &poll).await;
        polls.push(poll);
    }
    let r = read_results(&visible(&class.results(0).await), 2, 2);
    assert_eq!(r.title, results_title(2, 3));
    let scores: Vec<(&str, usize)> = r
        .everyone
        .iter()
        .map(|l| (l.name.as_str(), l.correct))
        .collect();
    assert_eq!(scores, [("学生01", 2), ("学生02", 1), ("学生03", 0)]);
    assert_eq!(
        r.questions,
        [
            question_line(&polls[0], 2, 3),
            question_line(&polls[1], 1, 3)
        ]
    );
}

/// The 10.1 fake refuses a quiz that names its answer the old way only, or two ways that
/// disagree, as the documented contract has it; the bot's own polls pass (every test here).
#[tokio::test]
async fn the_fake_holds_quiz_polls_to_bot_api_10_1() {
    let api = FakeApi::start().await;
    let client = |body: Value| send_poll(&api, body);
    let quiz = |fields: Value| {
        let mut body = json!({
            "chat_id": GROUP, "question": "谁说的?", "type": "quiz", "is_anonymous": false,
            "options": [{"text": "李彦宏"}, {"text": "罗璇"}, {"text": "林吕强"}],
        });
        for (key, value) in fields.as_object().expect("fields") {
            body[key] = value.clone();
        }
        body
    };
    let refused = [
        json!({"correct_option_id": 1}),
        json!({"correct_option_ids": []}),
        json!({"correct_option_ids": [3]}),
        json!({"correct_option_ids": [2, 1]}),
        json!({"correct_option_ids": 1}),
        json!({"correct_option_ids": [1], "correct_option_id": 2}),
        json!({"correct_option_ids": [1], "open_period": 2_628_001}),
        json!({"correct_option_ids": [1], "description": "长".repeat(1025)}),
    ];
    for fields in refused {
        let (status, answer) = client(quiz(fields.clone())).await;
        assert_eq!(status, 400, "{fields}: {answer}");
    }
    let (status, answer) = client(quiz(
        json!({"correct_option_ids": [1], "correct_option_id": 1, "open_period": 2_628_000}),
    ))
    .await;
    assert_eq!(status, 200, "{answer}");
    let poll = &answer["result"]["poll"];
    assert_eq!(poll["correct_option_ids"], json!([1]));
    assert_eq!(poll["allows_revoting"], json!(false));
    assert!(poll["options"][0]["persistent_id"].is_string(), "{poll}");
    let twelve: Vec<Value> = (1..=12).map(|i| json!({"text": i.to_string()})).collect();
    let (status, answer) =
        client(quiz(json!({"correct_option_ids": [0], "options": twelve}))).await;
    assert_eq!(status, 200, "{answer}");
    // A server older than 9.6 takes the legacy field alone, and 10 options at most.
    api.speak(Version::Before96);
    let (status, answer) = client(quiz(json!({"correct_option_id": 1}))).await;
    assert_eq!(status, 200, "{answer}");
    let (status, _) = client(quiz(json!({"correct_option_ids": [1]}))).await;
    assert_eq!(status, 400, "the array alone is unknown there");
}

/// A sendPoll of the test's own to the fake: its HTTP status and JSON answer.
async fn send_poll(api: &FakeApi, body: Value) -> (u16, Value) {
    let url = format!("{}bot{}/sendPoll", api.url(), support::TOKEN);
    let response = reqwest::Client::new()
        .post(url)
        .json(&body)
        .send()
        .await
        .expect("the fake answers");
    let status = response.status().as_u16();
    (status, response.json().await.expect("a JSON answer"))
}

// ---- the fixtures ------------------------------------------------------------------------------

/// The fake's quiz answers and updates, in Bot API 10.1's shape, are what teloxide reads: a
/// Message with a quiz Poll, a Poll from stopPoll, ChatMembers of each status, a Message with a
/// Document, PollAnswer updates (read as the bot reads every update).
#[tokio::test]
async fn quiz_fixtures_match_the_bot_api_schema() {
    use teloxide::types::{ChatMember, Message, Poll as TgPoll, UpdateKind};
    let mut class = Class::start().await;
    let (teacher, admin, owner, member) = (teacher(), student(0), student(1), student(2));
    class.api.set_member_status(GROUP, &admin, "administrator");
    class.api.set_member_status(GROUP, &owner, "creator");
    class.ask(&teacher, "/quiz 1").await;
    let q = class.poll(0, 1).await;

    let message: Message = serde_json::from_value(q.call.result().clone()).expect("a Message");
    let poll = message.poll().expect("a poll");
    assert_eq!(poll.id.0, q.id);
    // 10.1 names the answer in `correct_option_ids` only: the bot keeps its own record of it.
    assert_eq!(q.call.poll()["correct_option_ids"], json!([q.correct]));
    assert_eq!(poll.correct_option_id, None);
    assert!(!poll.is_anonymous);

    let pushed = class.api.poll_answer(&q.id, &admin, &[q.right()]);
    assert_eq!(
        pushed.update["poll_answer"]["option_persistent_ids"],
        json!([q.call.poll()["options"][usize::from(q.right())]["persistent_id"]])
    );
    let update = telegram_updates::read(pushed.update.to_string().as_bytes()).expect("an Update");
    let UpdateKind::PollAnswer(answer) = update.kind else {
        panic!("not a poll answer: {:?}", update.kind)
    };
    assert_eq!(answer.option_ids, [q.right()]);
    assert!(answer.voter.is_user());
    class.answers(1).await;
    assert_eq!(
        class.api.poll(&q.id).unwrap()["total_voter_count"],
        json!(1)
    );

    // The creator stops the quiz; a plain member and an administrator ask for the report.
    let before = class.api.count("sendMessage");
    class.group(&owner, "/stop");
    class.results(before).await;
    assert_eq!(class.ask(&member, "/report").await, only_starter_report());
    class.group(&admin, "/report");
    let sent = class.api.wait_nth("sendDocument", 0).await;

    let stop = class.api.wait_nth("stopPoll", 0).await;
    let closed: TgPoll = serde_json::from_value(stop.result().clone()).expect("a Poll");
    assert!(closed.is_closed);
    assert_eq!(closed.total_voter_count, 1);
    let members = class.api.calls_of("getChatMember");
    assert_eq!(members.len(), 3);
    for call in members {
        let member: ChatMember =
            serde_json::from_value(call.result().clone()).expect("a ChatMember");
        let privileged = [admin.id, owner.id].contains(&(member.user.id.0 as i64));
        assert_eq!(member.is_privileged(), privileged, "{}", call.response);
        assert_eq!(json!(member.user.id.0), call.body["user_id"]);
    }
    let message: Message = serde_json::from_value(sent.result().clone()).expect("a Message");
    let document = message.document().expect("a document");
    assert_eq!(
        document.file_name.as_deref(),
        Some(class.api.document(&sent).file_name.as_str())
    );
    class.stop().await;
}

// ---- 7. the group's record: /top week, /top reset, /report all ----------------------------------

/// A line of /top (a medal for the first three), as the teacher, who answered nothing, reads
/// the whole leaderboard: the title, the lines, then that they have no results.
fn top_as_teacher(title: String, lines: &[(&str, usize, usize)]) -> String {
    let mut text = vec![title];
    for (n, (name, correct, answers)) in lines.iter().enumerate() {
        text.push(format!(
            "{} {}",
            MEDALS[n],
            top_line(n + 1, name, *correct, *answers)
        ));
    }
    text.extend([String::new(), top_you_none()]);
    text.join("\n")
}

/// Whether `date` reads as ISO 8601 with an offset: `2026-12-07T12:01:00+08:00`.
fn is_iso_with_offset(date: &str) -> bool {
    let shape = date
        .chars()
        .map(|c| if c.is_ascii_digit() { '9' } else { c })
        .collect::<String>();
    shape == "9999-99-99T99:99:99+99:99" || shape == "9999-99-99T99:99:99-99:99"
}

/// In a group: `/top week` ranks this week's quiz; `/report all` is its admins' (a member gets
/// one line), one CSV row per student per quiz, a name that would start a formula written as
/// text; `/top reset` asks an admin to confirm with a button, a member's press changes
/// nothing, the admin's starts a new period, and the record keeps everything.
#[tokio::test]
async fn top_week_report_all_and_top_reset_in_a_group() {
    let mut class = Class::start().await;
    let teacher = teacher();
    class
        .api
        .set_member_status(GROUP, &teacher, "administrator");
    let ana = student(0);
    let hacker = TgUser::new(3_900, "=HYPERLINK(\"x\")", Some("zh-hans"));
    // (right, right) and (right, wrong).
    assert_eq!(class.ask(&teacher, "/quiz 2").await, intro(2, "王老师"));
    for q in 0..2 {
        let poll = class.poll(q, 2).await;
        class.answer(&poll, &ana, poll.right());
        class.answer(&poll, &hacker, poll.option(1, q == 0));
        class.answers(2 * (q + 1)).await;
        class.next(&teacher, &poll).await;
    }
    class.results(0).await;
    let quiz = class.quiz_id().await;

    let week = top_as_teacher(
        support::say(Lang::Zh, "top_title_week", &[]),
        &[("学生01", 2, 2), (&hacker.first_name, 1, 2)],
    );
    assert_eq!(class.ask(&teacher, "/top week").await, week);

    // /report all: a member gets one line; the admin the file.
    let only_admins = support::say(Lang::Zh, "report_all_only_admins", &[]);
    assert_eq!(class.ask(&ana, "/report all").await, only_admins);
    let before = class.api.count("sendDocument");
    class.group(&teacher, "/report all");
    let sent = class.api.wait_nth("sendDocument", before).await;
    assert!(sent.ok(), "{}", sent.response);
    assert_eq!(sent.chat_id(), Some(GROUP));
    let document = class.api.document(&sent);
    assert!(
        document.file_name.starts_with("report-all-") && document.file_name.ends_with(".csv"),
        "{}",
        document.file_name
    );
    let caption = support::say(Lang::Zh, "report_all_caption", &[("count", "2")]);
    assert_eq!(document.caption.as_deref(), Some(caption.as_str()));
    let record = |bytes: &[u8]| -> Vec<Vec<String>> {
        let text = std::str::from_utf8(bytes).expect("UTF-8");
        let text = text.strip_prefix('\u{FEFF}').expect("a byte-order mark");
        csv::Reader::from_reader(text.as_bytes())
            .records()
            .map(|r| r.unwrap().iter().map(str::to_string).collect())
            .collect()
    };
    let rows = record(&document.bytes);
    assert_eq!(rows.len(), 2, "{rows:#?}");
    assert!(is_iso_with_offset(&rows[0][0]), "{rows:?}");
    let (date, quiz) = (rows[0][0].as_str(), quiz.to_string());
    let (ana_id, hacker_id) = (ana.id.to_string(), hacker.id.to_string());
    assert_eq!(
        rows,
        [
            [
                date, "live", &quiz, "", &ana_id, "学生01", "2", "2", "", "100.0%"
            ],
            [
                date,
                "live",
                &quiz,
                "",
                &hacker_id,
                "'=HYPERLINK(\"x\")",
                "2",
                "1",
                "",
                "50.0%"
            ],
        ]
        .map(|row| row.map(str::to_string).to_vec())
    );

    // /top reset: the question and its button; a member's press is refused.
    let asked = class.say(&teacher, "/top reset").await;
    assert_eq!(
        visible(&asked),
        support::say(Lang::Zh, "top_reset_ask", &[])
    );
    let button = &asked.body["reply_markup"]["inline_keyboard"][0][0];
    assert_eq!(
        button["text"],
        json!(support::say(Lang::Zh, "button_top_reset", &[]))
    );
    let data = button["callback_data"].as_str().expect("callback data");
    let answers = class.api.count("answerCallbackQuery");
    class.api.press(&ana, &asked, data);
    let refused = class.api.wait_nth("answerCallbackQuery", answers).await;
    assert_eq!(
        refused.body["text"],
        json!(support::say(Lang::Zh, "top_reset_only_admins", &[]))
    );
    assert_eq!(class.ask(&teacher, "/top week").await, week);
    // The admin's press: the question becomes the line that says when the period began.
    let edits = class.api.count("editMessageText");
    class.api.press(&teacher, &asked, data);
    let edit = class.api.wait_nth("editMessageText", edits).await;
    assert!(edit.ok(), "{}", edit.response);
    let done = support::say_until(Lang::Zh, "top_reset_done", &[], "date");
    assert!(visible(&edit).starts_with(&done), "{}", visible(&edit));
    let empty = support::say_until(Lang::Zh, "top_empty_since", &[], "date");
    for form in ["/top", "/top week"] {
        let after = class.ask(&teacher, form).await;
        assert!(after.starts_with(&empty), "{form}: {after}");
    }
    // Nothing was deleted: the record is whole.
    class.group(&teacher, "/report all");
    let again = class.api.wait_nth("sendDocument", before + 1).await;
    assert_eq!(record(&class.api.document(&again).bytes), rows);
    class.stop().await;
}
