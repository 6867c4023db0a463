//! What a class sees after a quiz: the podium, everyone's score and time, how each question
//! went, and the hardest one; the chat's leaderboard; and the CSV report for the teacher.
//! Who ranks where is [`super::scoring`]'s rule; here it is shown, with points when the quiz
//! (or, for /top, the chat) scores by points.

use super::scoring::{Score, rank};
use crate::app::View;
use crate::command::TopPeriod;
use crate::i18n::fill;
use crate::render::{Doc, Span, user_text};
use crate::settings::Zone;
use crate::sheet::{Cell, Sheet};
use crate::store::{AnswerRow, NOBODY, QuestionRow, RecordedQuiz};
use crate::vocab::{Millis, Scoring};

const MEDALS: [&str; 3] = ["🥇", "🥈", "🥉"];
/// Lines of /top before the caller's own rank.
const TOP: usize = 10;

fn seconds(ms: i64) -> String {
    format!("{:.1}", ms as f64 / 1000.0)
}

fn display_name(view: &View, name: &str) -> String {
    if name.is_empty() {
        view.ui.quiz_someone.clone()
    } else {
        user_text(name)
    }
}

/// The results message of a quiz scored by `scoring`.
pub fn quiz_results(
    view: &View,
    questions: &[QuestionRow],
    answers: &[AnswerRow],
    scoring: Scoring,
) -> Doc {
    let ui = view.ui;
    let asked: Vec<&QuestionRow> = questions.iter().filter(|q| q.sent_at.is_some()).collect();
    let scores = rank(answers, scoring);
    let mut doc = Doc::new();
    doc.line(vec![Span::Bold(fill(
        &ui.quiz_results_title,
        &[
            ("count", &asked.len().to_string()),
            ("people", &scores.len().to_string()),
        ],
    ))]);
    if scores.is_empty() {
        doc.text(ui.quiz_results_nobody.clone());
        return doc;
    }
    for (medal, score) in MEDALS.iter().zip(&scores) {
        let points = match scoring {
            Scoring::Right => String::new(),
            Scoring::Points => format!(
                " — {}",
                fill(&ui.quiz_points, &[("points", &score.points.to_string())])
            ),
        };
        doc.line(vec![
            Span::Plain(format!("{medal} ")),
            Span::Bold(display_name(view, &score.name)),
            Span::Plain(format!(
                "{points} — {}/{} · {}",
                score.correct,
                asked.len(),
                fill(&ui.quiz_seconds, &[("seconds", &seconds(score.took_ms))])
            )),
        ]);
    }
    doc.blank()
        .line(vec![Span::Bold(ui.quiz_results_everyone.clone())]);
    let line = match scoring {
        Scoring::Right => &ui.quiz_results_line,
        Scoring::Points => &ui.quiz_results_line_points,
    };
    for (rank, score) in scores.iter().enumerate() {
        doc.text(fill(
            line,
            &[
                ("rank", &(rank + 1).to_string()),
                ("name", &display_name(view, &score.name)),
                ("correct", &score.correct.to_string()),
                ("total", &asked.len().to_string()),
                ("seconds", &seconds(score.took_ms)),
                ("points", &score.points.to_string()),
            ],
        ));
    }
    doc.blank()
        .line(vec![Span::Bold(ui.quiz_results_questions.clone())]);
    let mut hardest: Option<(usize, u32)> = None;
    for q in &asked {
        let of_q: Vec<&AnswerRow> = answers.iter().filter(|a| a.idx == q.idx).collect();
        let right = of_q.iter().filter(|a| a.correct).count();
        let share = if of_q.is_empty() {
            0
        } else {
            (right * 100 / of_q.len()) as u32
        };
        let number = q.idx as usize + 1;
        // Its first 24 characters, "…" when there is more.
        let title = crate::render::cut(&q.dealt.question, 25);
        doc.text(fill(
            &ui.quiz_results_question,
            &[
                ("number", &number.to_string()),
                ("share", &share.to_string()),
                ("right", &right.to_string()),
                ("answered", &of_q.len().to_string()),
                ("question", &title),
            ],
        ));
        if hardest.is_none_or(|(_, s)| share < s) {
            hardest = Some((number, share));
        }
    }
    if let Some((number, share)) = hardest.filter(|_| asked.len() > 1) {
        doc.blank().text(fill(
            &ui.quiz_results_hardest,
            &[
                ("number", &number.to_string()),
                ("share", &share.to_string()),
            ],
        ));
    }
    doc
}

/// A student's result of their attempt at homework `number`: right answers (and points, when
/// it scores so), each question marked right, wrong or unanswered with where the article
/// answers it; `late` when the deadline ended it.
pub fn attempt(
    view: &View,
    questions: &[QuestionRow],
    answers: &[AnswerRow],
    scoring: Scoring,
    number: i64,
    late: bool,
) -> Doc {
    let ui = view.ui;
    let right = answers.iter().filter(|a| a.correct).count();
    let mut doc = Doc::new();
    doc.line(vec![Span::Bold(fill(
        &ui.hw_result_title,
        &[
            ("number", &number.to_string()),
            ("right", &right.to_string()),
            ("total", &questions.len().to_string()),
        ],
    ))]);
    if scoring == Scoring::Points {
        let points: u64 = answers.iter().map(AnswerRow::points).sum();
        doc.text(fill(
            &ui.hw_result_points,
            &[("points", &points.to_string())],
        ));
    }
    doc.blank();
    let mut article = None;
    for q in questions {
        let mark = match answers.iter().find(|a| a.idx == q.idx) {
            Some(a) if a.correct => &ui.hw_result_right,
            Some(_) => &ui.hw_result_wrong,
            None => &ui.hw_result_unanswered,
        };
        let at = super::questions::answered_at(view.corpus, &q.dealt.id);
        let paragraph = at.map_or(String::new(), |(_, p)| format!(" · ¶{p}"));
        article = article.or(at.map(|(a, _)| a));
        doc.text(format!(
            "{mark} {}. {}{paragraph}",
            q.idx + 1,
            crate::render::cut(&q.dealt.question, 60)
        ));
    }
    if let Some(article) = article.map(|a| &view.corpus.articles[a]) {
        doc.line(vec![Span::Italic(fill(
            &ui.hw_result_paragraphs,
            &[
                ("outlet", &view.both(&article.outlet)),
                ("date", article.date()),
                ("reporter", &view.both(&article.reporter)),
            ],
        ))]);
    }
    doc.blank();
    if late {
        doc.text(ui.hw_result_late.clone());
    }
    doc.text(ui.hw_result_foot.clone());
    doc
}

/// /top: the chat's leaderboard over `period` from the answers given in it then, ranked by the
/// chat's `scoring`: top ten and the caller's own rank. `reset`: when the chat's current
/// period began (`/top reset`), if that falls within `period` and so cuts it.
pub fn leaderboard(
    view: &View,
    answers: &[AnswerRow],
    scoring: Scoring,
    me: i64,
    period: TopPeriod,
    reset: Option<Millis>,
) -> Doc {
    let ui = view.ui;
    let standings = rank(answers, scoring);
    let date = reset.map(|at| view.zone.local(at)).unwrap_or_default();
    let dated = |template: &String| fill(template, &[("date", &date), ("zone", &view.zone.name)]);
    let mut doc = Doc::new();
    if standings.is_empty() {
        doc.text(match (period, reset) {
            (_, Some(_)) => dated(&ui.top_empty_since),
            (TopPeriod::AllTime, None) => ui.top_empty.clone(),
            (TopPeriod::Week, None) => ui.top_empty_week.clone(),
            (TopPeriod::Month, None) => ui.top_empty_month.clone(),
        });
        return doc;
    }
    let points = scoring == Scoring::Points;
    let title = match (period, reset, points) {
        (TopPeriod::AllTime, None, false) => ui.top_title.clone(),
        (TopPeriod::AllTime, None, true) => ui.top_title_points.clone(),
        (TopPeriod::AllTime, Some(_), false) => dated(&ui.top_title_since),
        (TopPeriod::AllTime, Some(_), true) => dated(&ui.top_title_since_points),
        (TopPeriod::Week, _, false) => ui.top_title_week.clone(),
        (TopPeriod::Week, _, true) => ui.top_title_week_points.clone(),
        (TopPeriod::Month, _, false) => ui.top_title_month.clone(),
        (TopPeriod::Month, _, true) => ui.top_title_month_points.clone(),
    };
    doc.line(vec![Span::Bold(title)]);
    if reset.is_some() && period != TopPeriod::AllTime {
        doc.text(dated(&ui.top_period_from));
    }
    let template = if points {
        &ui.top_line_points
    } else {
        &ui.top_line
    };
    let line = |rank: usize, s: &Score| {
        fill(
            template,
            &[
                ("rank", &(rank + 1).to_string()),
                ("name", &display_name(view, &s.name)),
                ("correct", &s.correct.to_string()),
                ("answers", &s.answered.to_string()),
                ("points", &s.points.to_string()),
            ],
        )
    };
    for (rank, s) in standings.iter().enumerate().take(TOP) {
        let prefix = MEDALS.get(rank).map_or(String::new(), |m| format!("{m} "));
        doc.text(format!("{prefix}{}", line(rank, s)));
    }
    match standings.iter().position(|s| s.user_id == me) {
        Some(rank) if rank >= TOP => {
            doc.blank().text(fill(
                &ui.top_you,
                &[("line", &line(rank, &standings[rank]))],
            ));
        }
        None => {
            doc.blank().text(ui.top_you_none.clone());
        }
        _ => {}
    }
    doc
}

/// The report: one row per participant per question asked, UTF-8 with a byte-order mark,
/// participants in the quiz's rank; a quiz scored by points has a `points` column too. Every
/// text cell (names, questions, answers) is written as text a spreadsheet will not run
/// ([`crate::sheet`]). An error when the CSV cannot be written, never a file with rows missing.
pub fn csv(
    questions: &[QuestionRow],
    answers: &[AnswerRow],
    scoring: Scoring,
) -> Result<String, csv::Error> {
    // A fault injected in tests (tests/faults.rs); nothing unless the failpoints feature is on.
    fail::fail_point!("report-csv", |_| Err(
        std::io::Error::other("injected").into()
    ));
    let asked: Vec<&QuestionRow> = questions.iter().filter(|q| q.sent_at.is_some()).collect();
    let with_points = scoring == Scoring::Points;
    let mut header = vec![
        "user_id",
        "user",
        "question_number",
        "question",
        "answer",
        "correct",
        "seconds",
    ];
    if with_points {
        header.push("points");
    }
    let mut sheet = Sheet::new(&header)?;
    for score in rank(answers, scoring) {
        for q in &asked {
            let answer = answers
                .iter()
                .find(|a| a.user_id == score.user_id && a.idx == q.idx);
            let option = answer.and_then(|a| q.dealt.options.get(a.option as usize));
            let mut row = vec![
                Cell::Int(score.user_id),
                Cell::Text(&score.name),
                Cell::Int(q.idx + 1),
                Cell::Text(&q.dealt.question),
                Cell::Text(option.map_or("", String::as_str)),
            ];
            match answer {
                Some(a) => row.extend([
                    Cell::Text(if a.correct { "yes" } else { "no" }),
                    Cell::Tenths(a.took_ms as f64 / 1000.0),
                ]),
                None => row.extend([Cell::Text("no answer"), Cell::Text("")]),
            }
            if with_points {
                row.push(Cell::Int(answer.map_or(0, |a| a.points()) as i64));
            }
            sheet.row(&row)?;
        }
    }
    sheet.finish()
}

/// `/report all`: the chat's whole record in one file, a gradebook for the term. One row per
/// student per quiz (a live quiz, or an attempt at homework), oldest first, students in each
/// quiz's rank: when it started (ISO 8601, in `zone`), its kind (`live` or `homework`), the quiz's
/// id and the assignment's number, the student, the questions asked, the right answers, the
/// points (for a quiz scored by points; empty otherwise, as no one was shown any) and the
/// accuracy (right answers of the questions asked). A student who started an attempt and
/// answered nothing has a row too. Answers the file and its number of rows.
pub fn record_csv(record: &[RecordedQuiz], zone: &Zone) -> Result<(String, usize), csv::Error> {
    let mut sheet = Sheet::new(&[
        "date",
        "kind",
        "quiz_id",
        "assignment",
        "user_id",
        "user",
        "questions",
        "right_answers",
        "points",
        "accuracy",
    ])?;
    let mut rows = 0;
    for quiz in record {
        let mut scores = rank(&quiz.answers, quiz.scoring);
        if scores.is_empty() && quiz.assignment.is_some() && quiz.starter_id != NOBODY {
            scores.push(Score {
                user_id: quiz.starter_id,
                name: quiz.starter_name.clone(),
                correct: 0,
                answered: 0,
                took_ms: 0,
                points: 0,
            });
        }
        let date = zone.iso(quiz.started_at);
        let kind = if quiz.assignment.is_some() {
            "homework"
        } else {
            "live"
        };
        rows += scores.len();
        for score in &scores {
            let correct = score.correct as i64;
            sheet.row(&[
                Cell::Text(&date),
                Cell::Text(kind),
                Cell::Int(quiz.id.0),
                quiz.assignment.map_or(Cell::Text(""), Cell::Int),
                Cell::Int(score.user_id),
                Cell::Text(&score.name),
                Cell::Int(quiz.asked),
                Cell::Int(correct),
                match quiz.scoring {
                    Scoring::Points => Cell::Int(score.points as i64),
                    Scoring::Right => Cell::Text(""),
                },
                if quiz.asked > 0 {
                    Cell::Percent(correct as f64 / quiz.asked as f64)
                } else {
                    Cell::Text("")
                },
            ])?;
        }
    }
    Ok((sheet.finish()?, rows))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sheet::UTF8_BOM;
    use crate::vocab::{Dealt, Millis};

    fn question(idx: i64) -> QuestionRow {
        QuestionRow {
            idx,
            dealt: Dealt {
                id: format!("q{idx}"),
                question: "谁说的:“=不是公式”".to_string(),
                options: vec!["李彦宏".to_string(), "马化腾".to_string()],
                correct: 0,
                explanation: String::new(),
                description: String::new(),
            },
            poll_id: None,
            message_id: None,
            sent_at: Some(Millis(1)),
            deadline: None,
            closed_at: None,
        }
    }

    #[test]
    fn the_csv_is_utf8_with_a_byte_order_mark_for_excel() {
        let answers = [AnswerRow {
            user_id: 7,
            name: "学生07".to_string(),
            idx: 0,
            option: 1,
            correct: false,
            took_ms: 2500,
            open_ms: 30_000,
        }];
        let text = csv(&[question(0)], &answers, Scoring::Right).unwrap();
        let bytes = text.as_bytes();
        assert_eq!(&bytes[..3], [0xEF, 0xBB, 0xBF], "{text}");
        // Exactly one mark, then the header, then the row, Chinese kept as UTF-8.
        let body = text.strip_prefix(UTF8_BOM).unwrap();
        assert!(!body.contains(UTF8_BOM));
        let lines: Vec<&str> = body.lines().collect();
        assert_eq!(
            lines,
            [
                "user_id,user,question_number,question,answer,correct,seconds",
                "7,学生07,1,谁说的:“=不是公式”,马化腾,no,2.5",
            ]
        );
        // Even with nobody in it, the file starts with the mark.
        assert!(csv(&[], &[], Scoring::Right).unwrap().starts_with(UTF8_BOM));
        // Scored by points: a points column, 0 for a wrong answer.
        let text = csv(&[question(0)], &answers, Scoring::Points).unwrap();
        let lines: Vec<&str> = text.strip_prefix(UTF8_BOM).unwrap().lines().collect();
        assert_eq!(
            lines,
            [
                "user_id,user,question_number,question,answer,correct,seconds,points",
                "7,学生07,1,谁说的:“=不是公式”,马化腾,no,2.5,0",
            ]
        );
    }

    fn answer(user_id: i64, name: &str, idx: i64, correct: bool) -> AnswerRow {
        AnswerRow {
            user_id,
            name: name.to_string(),
            idx,
            option: if correct { 0 } else { 1 },
            correct,
            took_ms: 10_000,
            open_ms: 20_000,
        }
    }

    /// The record: a row per student per quiz, oldest first, in each quiz's rank; points only
    /// where the quiz scored by points; the accuracy of the questions asked; a student who
    /// started homework and answered nothing has a row; a forgotten starter has none.
    #[test]
    fn the_record_has_a_row_per_student_per_quiz() {
        let live = RecordedQuiz {
            id: crate::vocab::QuizId(1),
            started_at: Millis(1_720_771_509_000),
            scoring: Scoring::Right,
            assignment: None,
            starter_id: 9,
            starter_name: "王老师".into(),
            asked: 3,
            answers: vec![
                answer(2, "乙", 0, true),
                answer(1, "甲", 0, true),
                answer(1, "甲", 1, true),
                answer(2, "乙", 1, false),
            ],
        };
        let homework = RecordedQuiz {
            id: crate::vocab::QuizId(2),
            started_at: Millis(1_720_857_600_000),
            scoring: Scoring::Points,
            assignment: Some(4),
            starter_id: 1,
            starter_name: "甲".into(),
            asked: 2,
            answers: vec![answer(1, "甲", 0, true), answer(1, "甲", 1, false)],
        };
        let started = RecordedQuiz {
            id: crate::vocab::QuizId(3),
            answers: Vec::new(),
            asked: 0,
            starter_id: 3,
            starter_name: "丙".into(),
            ..homework.clone()
        };
        let forgotten = RecordedQuiz {
            id: crate::vocab::QuizId(4),
            starter_id: NOBODY,
            starter_name: String::new(),
            ..started.clone()
        };
        let (text, rows) =
            record_csv(&[live, homework, started, forgotten], &Zone::default()).unwrap();
        assert_eq!(rows, 4);
        let lines: Vec<&str> = text.strip_prefix(UTF8_BOM).unwrap().lines().collect();
        assert_eq!(
            lines,
            [
                "date,kind,quiz_id,assignment,user_id,user,questions,right_answers,points,accuracy",
                "2024-07-12T08:05:09+00:00,live,1,,1,甲,3,2,,66.7%",
                "2024-07-12T08:05:09+00:00,live,1,,2,乙,3,1,,33.3%",
                "2024-07-13T08:00:00+00:00,homework,2,4,1,甲,2,1,750,50.0%",
                "2024-07-13T08:00:00+00:00,homework,3,4,3,丙,0,0,0,",
            ]
        );
        assert_eq!(record_csv(&[], &Zone::default()).unwrap().1, 0);
    }
}
