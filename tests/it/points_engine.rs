//! Kahoot-style points through the quiz engine, with the clock injected (`now` in ms): a right
//! answer the instant the poll opens is worth 1,000, mid-way 750, at the close 500; a wrong
//! answer and no answer are worth 0. A chat scoring by points sees them on the podium, on
//! everyone's line and on /top; a quiz keeps the scoring it started with. Expected sentences
//! are the ui file's templates filled as the bot fills them.

use crate::support;

use debate_bot::i18n::{Lang, UiText, fill};
use debate_bot::settings::QuizSettings;
use debate_bot::settings::SettingChange;
use debate_bot::store::Recorded;
use debate_bot::vocab::{GRACE_MS, Millis, Player, Scoring};
use support::engines::{Pace, QuizBot, Sent};
use support::messages;

const GROUP: i64 = -1_001_555_000_111;
const T0: Millis = Millis(1_750_000_000_000);

const SETTINGS: QuizSettings = QuizSettings {
    questions: 5,
    question_seconds: 30,
    max_questions: 20,
    pictures: true,
};

fn ui() -> &'static UiText {
    support::ui(Lang::Zh)
}

fn player(id: i64, name: &str) -> Player {
    Player {
        language_code: Some("zh".into()),
        ..support::player(id, name)
    }
}

/// The quiz engine on a fresh file with [`SETTINGS`], playing in [`GROUP`], its polls
/// lasting what each quiz asks for.
async fn engine() -> QuizBot {
    QuizBot::open("points", SETTINGS, Pace::PerQuiz, 13, GROUP).await
}

impl QuizBot {
    /// The chat scores by `scoring` from now on.
    async fn scoring(&self, scoring: Scoring) {
        self.store()
            .change_chat_settings(self.chat, SettingChange::Scoring(scoring), T0)
            .await
            .expect("store the setting");
    }

    /// `player` answers `option` to `sent` at `now`, which must count.
    async fn counted(&self, sent: &Sent, player: &Player, option: u8, now: Millis) {
        let recorded = self.answer(sent, player, &[option], now).await;
        assert_eq!(recorded, Recorded::Counted);
    }
}

fn line_points(
    rank: usize,
    name: &str,
    points: u64,
    correct: usize,
    total: usize,
    secs: &str,
) -> String {
    fill(
        &ui().quiz_results_line_points,
        &[
            ("rank", &rank.to_string()),
            ("name", name),
            ("points", &points.to_string()),
            ("correct", &correct.to_string()),
            ("total", &total.to_string()),
            ("seconds", secs),
        ],
    )
}

#[tokio::test]
async fn points_fall_from_1000_to_500_over_the_poll_and_wrong_or_no_answer_is_0() {
    let mut engine = engine().await;
    engine.scoring(Scoring::Points).await;
    let teacher = player(1, "老师");
    let alice = player(11, "Alice");
    let bob = player(12, "Bob");
    let carol = player(13, "Carol");
    let dave = player(14, "Dave");

    let outs = engine.group(&teacher, "/quiz 2 20s", T0).await;
    let intro = messages(&outs).remove(0);
    assert!(intro.ends_with(&ui().quiz_intro_points), "{intro}");
    let q1 = engine.send_poll(&outs, T0 + 500).await;
    assert_eq!(q1.poll.open_seconds, 20);
    let s = q1.sent_at;
    // Instant, mid-way, at the close, wrong.
    engine.counted(&q1, &alice, q1.right(), s).await;
    engine.counted(&q1, &bob, q1.right(), s + 10_000).await;
    engine.counted(&q1, &carol, q1.right(), s + 20_000).await;
    engine.counted(&q1, &dave, q1.wrong(), s + 1_000).await;

    let outs = engine.wake(&q1).await;
    let q2 = engine.send_poll(&outs, q1.deadline() + GRACE_MS).await;
    let s = q2.sent_at;
    // Alice and Carol give no answer; Bob is right at once, Dave wrong a quarter in.
    engine.counted(&q2, &bob, q2.right(), s).await;
    engine.counted(&q2, &dave, q2.wrong(), s + 5_000).await;

    let answers = engine
        .quizzes
        .store()
        .answers(q1.quiz)
        .await
        .expect("the answers");
    let points: Vec<(i64, i64, u64)> = answers
        .iter()
        .map(|a| (a.idx, a.user_id, a.points()))
        .collect();
    assert_eq!(
        points,
        [
            (0, 11, 1_000),
            (0, 14, 0),
            (0, 12, 750),
            (0, 13, 500),
            (1, 12, 1_000),
            (1, 14, 0),
        ]
    );

    let outs = engine.wake(&q2).await;
    let results = messages(&outs).join("\n");
    // Bob 1,750; Alice 1,000 (no answer to question 2 is 0); Carol 500; Dave 0.
    for line in [
        line_points(1, "Bob", 1_750, 2, 2, "10.0"),
        line_points(2, "Alice", 1_000, 1, 2, "0.0"),
        line_points(3, "Carol", 500, 1, 2, "20.0"),
        line_points(4, "Dave", 0, 0, 2, "6.0"),
    ] {
        assert!(results.contains(&line), "{line}\n{results}");
    }
    let podium = fill(&ui().quiz_points, &[("points", "1750")]);
    assert!(
        results.contains(&format!("🥇 Bob — {podium} — 2/2")),
        "{results}"
    );

    // /top ranks the chat's answers by points too.
    let top = messages(&engine.group(&alice, "/top", T0 + 600_000).await).join("\n");
    assert!(top.starts_with(&ui().top_title_points), "{top}");
    let top_line = fill(
        &ui().top_line_points,
        &[
            ("rank", "2"),
            ("name", "Alice"),
            ("points", "1000"),
            ("correct", "1"),
            ("answers", "1"),
        ],
    );
    assert!(top.contains(&top_line), "{top}");

    // By right answers, the same answers rank Bob, Alice (faster), Carol, Dave, with no points.
    engine.scoring(Scoring::Right).await;
    let top = messages(&engine.group(&alice, "/top", T0 + 700_000).await).join("\n");
    assert!(top.starts_with(&ui().top_title), "{top}");
    assert!(!top.contains(&ui().top_title_points), "{top}");
    let first = fill(
        &ui().top_line,
        &[
            ("rank", "1"),
            ("name", "Bob"),
            ("correct", "2"),
            ("answers", "2"),
        ],
    );
    assert!(top.contains(&first), "{top}");
}

#[tokio::test]
async fn a_quiz_keeps_the_scoring_it_started_with() {
    let mut engine = engine().await;
    let teacher = player(1, "老师");
    let alice = player(11, "Alice");

    // Started by right answers; the chat switches to points meanwhile.
    let outs = engine.group(&teacher, "/quiz 1", T0).await;
    assert!(
        !messages(&outs)[0].contains(&ui().quiz_intro_points),
        "{outs:#?}"
    );
    let q = engine.send_poll(&outs, T0 + 500).await;
    engine
        .counted(&q, &alice, q.right(), q.sent_at + 3_000)
        .await;
    engine.scoring(Scoring::Points).await;
    let results = messages(&engine.wake(&q).await).join("\n");
    let right_line = fill(
        &ui().quiz_results_line,
        &[
            ("rank", "1"),
            ("name", "Alice"),
            ("correct", "1"),
            ("total", "1"),
            ("seconds", "3.0"),
        ],
    );
    assert!(results.contains(&right_line), "{results}");
    let podium = fill(&ui().quiz_points, &[("points", "925")]);
    assert!(!results.contains(&podium), "{results}");

    // The next quiz scores by points: 30 s, right after 3 s: 1000 − 500 × 3/30 = 950.
    let outs = engine.group(&teacher, "/quiz 1", T0 + 100_000).await;
    let q = engine.send_poll(&outs, T0 + 100_500).await;
    engine
        .counted(&q, &alice, q.right(), q.sent_at + 3_000)
        .await;
    let results = messages(&engine.wake(&q).await).join("\n");
    assert!(
        results.contains(&line_points(1, "Alice", 950, 1, 1, "3.0")),
        "{results}"
    );
}

#[tokio::test]
async fn a_quiz_resumed_after_a_restart_keeps_its_scoring_and_its_seconds() {
    let mut engine = engine().await;
    engine.scoring(Scoring::Points).await;
    engine
        .quizzes
        .store()
        .change_chat_settings(GROUP, SettingChange::Seconds(20), T0)
        .await
        .unwrap();
    let teacher = player(1, "老师");
    let alice = player(11, "Alice");
    let outs = engine.group(&teacher, "/quiz 1", T0).await;
    let q = engine.send_poll(&outs, T0 + 500).await;
    assert_eq!(q.poll.open_seconds, 20);
    // A quarter in: 1000 − 500 × 5/20 = 875.
    engine
        .counted(&q, &alice, q.right(), q.sent_at + 5_000)
        .await;
    // The chat changes its mind, and the bot restarts before the poll closes.
    engine.scoring(Scoring::Right).await;
    let engine = engine.restart().await;
    let outs = engine
        .quizzes
        .resume(q.deadline() + GRACE_MS)
        .await
        .expect("resume");
    let results = messages(&outs).join("\n");
    assert!(
        results.contains(&line_points(1, "Alice", 875, 1, 1, "5.0")),
        "{results}"
    );
}
