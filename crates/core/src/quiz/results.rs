//! What a class sees after a quiz: the podium, everyone's score and time, how each question
//! went, and the hardest one; the chat's leaderboard; and the CSV report for the teacher.
//! Who ranks where is [`super::scoring`]'s rule; here it is shown, with points when the quiz
//! (or, for /top, the chat) scores by points.

use super::scoring::{Score, rank};
use crate::app::View;
use crate::i18n::fill;
use crate::render::{Doc, Span, user_text};
use crate::sheet::{Cell, Sheet};
use crate::store::{AnswerRow, QuestionRow};
use crate::vocab::Scoring;

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

/// /top: the chat's all-time leaderboard from every answer given in it, ranked by the chat's
/// `scoring`: top ten and the caller's own rank.
pub fn leaderboard(view: &View, answers: &[AnswerRow], scoring: Scoring, me: i64) -> Doc {
    let ui = view.ui;
    let standings = rank(answers, scoring);
    let mut doc = Doc::new();
    if standings.is_empty() {
        doc.text(ui.top_empty.clone());
        return doc;
    }
    let (title, template) = match scoring {
        Scoring::Right => (&ui.top_title, &ui.top_line),
        Scoring::Points => (&ui.top_title_points, &ui.top_line_points),
    };
    doc.line(vec![Span::Bold(title.clone())]);
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

/// The one guard of a CSV's text cells and the byte-order mark, for a CSV written here
/// without a [`Sheet`] (homework's report).
pub use crate::sheet::{UTF8_BOM, as_text as cell};

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

#[cfg(test)]
mod tests {
    use super::*;
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
}
