//! What homework shows: its card in the group (with how many finished), the list of open
//! homework, the summary at the deadline, and the teacher's report (a CSV: one row per
//! student, one column per question, the total). Deadlines are shown in the bot's time zone,
//! as a date and as "in 2 days".

use crate::app::View;
use crate::i18n::fill;
use crate::quiz::scoring::rank;
use crate::render::{Doc, Span, user_text};
use crate::sheet::{Cell, Sheet};
use crate::store::{AnswerRow, AssignmentRow, Progress, QuizRow};
use crate::vocab::{Millis, Scoring};

const MEDALS: [&str; 3] = ["🥇", "🥈", "🥉"];

/// Whether a student finished their attempt: it ended, and not cut short by the deadline.
pub fn finished(attempt: &QuizRow) -> bool {
    attempt.finished_at.is_some() && !attempt.cut_short
}

/// How far `at` is from `now`, rounded: "in 2 days" from 36 hours on, "in 5 hours" from 90
/// minutes on, else "in 12 minutes" (never below a minute).
pub fn relative(view: &View, now: Millis, at: Millis) -> String {
    let minutes = ((at - now + 30_000) / 60_000).max(1);
    let ui = view.ui;
    let rounded = |unit: i64| (minutes + unit / 2) / unit;
    let (template, count) = if minutes >= 36 * 60 {
        (&ui.hw_in_days, rounded(24 * 60))
    } else if minutes >= 90 {
        (&ui.hw_in_hours, rounded(60))
    } else {
        (&ui.hw_in_minutes, minutes)
    };
    fill(template, &[("count", &count.to_string())])
}

fn name_or_someone(view: &View, name: &str) -> String {
    if name.is_empty() {
        view.ui.quiz_someone.clone()
    } else {
        user_text(name)
    }
}

/// The card in the group: what the homework is, its deadline, how many finished, and how to
/// take it (the button under it is the deep link); once closed, says so.
pub fn card(view: &View, row: &AssignmentRow, finished: i64, now: Millis) -> Doc {
    let ui = view.ui;
    let mut doc = Doc::new();
    doc.line(vec![Span::Bold(fill(
        &ui.hw_card_title,
        &[
            ("number", &row.number.to_string()),
            ("title", &view.article_title()),
        ],
    ))]);
    doc.text(fill(
        &ui.hw_card_pace,
        &[
            ("count", &row.questions.len().to_string()),
            ("seconds", &row.question_seconds.to_string()),
            ("name", &name_or_someone(view, &row.teacher_name)),
        ],
    ));
    if row.closed_at.is_some() {
        doc.text(fill(
            &ui.hw_card_closed,
            &[("finished", &finished.to_string())],
        ));
        return doc;
    }
    doc.text(fill(
        &ui.hw_card_due,
        &[
            ("date", &view.zone.local(row.deadline)),
            ("zone", &view.zone.name),
            ("relative", &relative(view, now, row.deadline)),
        ],
    ));
    doc.text(fill(
        &ui.hw_card_finished,
        &[("finished", &finished.to_string())],
    ));
    doc.blank().text(ui.hw_card_how.clone());
    doc
}

/// One line of `/assign list`.
pub fn list_line(view: &View, row: &AssignmentRow, progress: Progress, now: Millis) -> String {
    fill(
        &view.ui.hw_list_line,
        &[
            ("number", &row.number.to_string()),
            ("count", &row.questions.len().to_string()),
            ("date", &view.zone.local(row.deadline)),
            ("relative", &relative(view, now, row.deadline)),
            ("finished", &progress.finished.to_string()),
        ],
    )
}

/// What a student sees before starting: the homework, its pace and deadline.
pub fn intro(view: &View, row: &AssignmentRow, now: Millis) -> Doc {
    let mut doc = Doc::new();
    doc.text(fill(
        &view.ui.hw_intro,
        &[
            ("number", &row.number.to_string()),
            ("name", &name_or_someone(view, &row.teacher_name)),
            ("count", &row.questions.len().to_string()),
            ("title", &view.article_title()),
            ("seconds", &row.question_seconds.to_string()),
            ("date", &view.zone.local(row.deadline)),
            ("zone", &view.zone.name),
            ("relative", &relative(view, now, row.deadline)),
        ],
    ));
    doc
}

/// The summary the group gets at the deadline: how many finished of those who started, the
/// average, the top three (as the homework scores), and the hardest question with where the
/// article answers it.
pub fn summary(
    view: &View,
    row: &AssignmentRow,
    attempts: &[QuizRow],
    answers: &[AnswerRow],
) -> Doc {
    let ui = view.ui;
    let finished = attempts.iter().filter(|a| finished(a)).count();
    let mut doc = Doc::new();
    doc.line(vec![Span::Bold(fill(
        &ui.hw_summary_title,
        &[
            ("number", &row.number.to_string()),
            ("finished", &finished.to_string()),
            ("started", &attempts.len().to_string()),
        ],
    ))]);
    if attempts.is_empty() {
        doc.text(ui.hw_summary_nobody.clone());
        return doc;
    }
    let total = row.questions.len();
    let scores = rank(answers, row.scoring);
    let students = attempts.len() as f64;
    let average = match row.scoring {
        Scoring::Right => fill(
            &ui.hw_summary_average,
            &[
                (
                    "average",
                    &format!(
                        "{:.1}",
                        scores.iter().map(|s| s.correct).sum::<usize>() as f64 / students
                    ),
                ),
                ("total", &total.to_string()),
            ],
        ),
        Scoring::Points => fill(
            &ui.hw_summary_average_points,
            &[(
                "average",
                &format!(
                    "{:.0}",
                    scores.iter().map(|s| s.points).sum::<u64>() as f64 / students
                ),
            )],
        ),
    };
    doc.text(average);
    if !scores.is_empty() {
        doc.blank()
            .line(vec![Span::Bold(ui.hw_summary_top.clone())]);
        for (medal, score) in MEDALS.iter().zip(&scores) {
            let result = match row.scoring {
                Scoring::Right => format!("{}/{total}", score.correct),
                Scoring::Points => format!(
                    "{} · {}/{total}",
                    fill(&ui.quiz_points, &[("points", &score.points.to_string())]),
                    score.correct
                ),
            };
            doc.line(vec![
                Span::Plain(format!("{medal} ")),
                Span::Bold(name_or_someone(view, &score.name)),
                Span::Plain(format!(" — {result}")),
            ]);
        }
    }
    if let Some((index, share)) = hardest(row, attempts, answers) {
        let question = &row.questions[index];
        let citation = crate::quiz::questions::citation(view, &question.id).unwrap_or_default();
        doc.blank().text(fill(
            &ui.hw_summary_hardest,
            &[
                ("number", &(index + 1).to_string()),
                ("share", &share.to_string()),
                ("question", &crate::render::cut(&question.question, 80)),
                ("citation", &citation),
            ],
        ));
    }
    doc
}

/// The question with the lowest share of right answers among the students who started (an
/// unanswered question counts as not right), and that share in percent; the first of equals.
/// `None` for homework of one question or nobody.
pub fn hardest(
    row: &AssignmentRow,
    attempts: &[QuizRow],
    answers: &[AnswerRow],
) -> Option<(usize, u32)> {
    if row.questions.len() < 2 || attempts.is_empty() {
        return None;
    }
    let students = attempts.len();
    (0..row.questions.len())
        .map(|i| {
            let right = answers
                .iter()
                .filter(|a| a.idx == i as i64 && a.correct)
                .count();
            (i, (right * 100 / students) as u32)
        })
        .min_by_key(|&(i, share)| (share, i))
}

/// The teacher's report: one row per student who started (in rank order, then those with no
/// answer), one column per question (`1` right, `0` wrong, empty unanswered), then the
/// right answers, the points when the homework scores by them, and whether they finished.
/// Written through [`Sheet`]: UTF-8 with a byte-order mark for Excel, every text cell guarded
/// against formulas.
pub fn csv(
    row: &AssignmentRow,
    attempts: &[QuizRow],
    answers: &[AnswerRow],
) -> Result<String, csv::Error> {
    let with_points = row.scoring == Scoring::Points;
    let columns: Vec<String> = (1..=row.questions.len()).map(|n| format!("q{n}")).collect();
    let mut header = vec!["user_id", "student"];
    header.extend(columns.iter().map(String::as_str));
    header.push("right");
    if with_points {
        header.push("points");
    }
    header.push("finished");
    let mut sheet = Sheet::new(&header)?;
    let ranked = rank(answers, row.scoring);
    let mut order: Vec<i64> = ranked.iter().map(|s| s.user_id).collect();
    order.extend(
        attempts
            .iter()
            .map(|a| a.starter_id)
            .filter(|id| !ranked.iter().any(|s| s.user_id == *id)),
    );
    for user in order {
        let Some(attempt) = attempts.iter().find(|a| a.starter_id == user) else {
            continue;
        };
        let score = ranked.iter().find(|s| s.user_id == user);
        let name = score.map_or(attempt.starter_name.as_str(), |s| s.name.as_str());
        let mut cells = vec![Cell::Int(user), Cell::Text(name)];
        for idx in 0..row.questions.len() as i64 {
            let answer = answers.iter().find(|a| a.user_id == user && a.idx == idx);
            cells.push(match answer {
                Some(a) if a.correct => Cell::Int(1),
                Some(_) => Cell::Int(0),
                None => Cell::Text(""),
            });
        }
        cells.push(Cell::Int(score.map_or(0, |s| s.correct as i64)));
        if with_points {
            cells.push(Cell::Int(score.map_or(0, |s| s.points as i64)));
        }
        cells.push(Cell::Text(if finished(attempt) { "yes" } else { "no" }));
        sheet.row(&cells)?;
    }
    sheet.finish()
}
