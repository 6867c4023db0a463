//! Every CSV the bot sends, opened as a spreadsheet would: the last quiz's report (`/report`),
//! the chat's whole record (`/report all`) and homework's report, each written with names,
//! questions and answers that a spreadsheet would run as formulas (OWASP's "CSV injection").
//! Read back with the `csv` crate, each such cell is its text behind a `'`. Where LibreOffice
//! is installed (`soffice` on the PATH), each file is also opened by it, with formulas
//! evaluated, and no cell may come out computed; a file written without the guard shows that
//! LibreOffice would have computed it.

use std::path::Path;
use std::process::Command;

use debate_bot::homework::report;
use debate_bot::quiz::results;
use debate_bot::settings::Zone;
use debate_bot::sheet::UTF8_BOM;
use debate_bot::store::{AnswerRow, AssignmentRow, QuestionRow, QuizRow, RecordedQuiz};
use debate_bot::vocab::{AssignmentId, Dealt, Millis, QuizId, Scoring};

use crate::support::TempDir;

/// What a spreadsheet would compute, each as the bot must write it: as text. Each computes
/// 42 or -42 when run, so a computed cell is easy to tell.
const RISKY: [(&str, &str); 8] = [
    ("=2*21", "'=2*21"),
    ("+2*21", "'+2*21"),
    ("-2*21", "'-2*21"),
    ("@SUM(21,21)", "'@SUM(21,21)"),
    // A tab begins a cell too where a spreadsheet splits on tabs.
    ("\t=2*21", "'\t'=2*21"),
    ("\r=2*21", "'\r=2*21"),
    (
        "=HYPERLINK(\"http://x\",\"42\")",
        "'=HYPERLINK(\"http://x\",\"42\")",
    ),
    // Opened by a spreadsheet that splits lines on ';', this part would be a cell of its own.
    ("x;=2*21", "x;'=2*21"),
];

fn answer(user_id: i64, name: &str, idx: i64, option: i64) -> AnswerRow {
    AnswerRow {
        user_id,
        name: name.to_string(),
        idx,
        option,
        correct: option == 0,
        took_ms: 4_000,
        open_ms: 20_000,
    }
}

fn question(idx: i64, text: &str, options: [&str; 2]) -> QuestionRow {
    QuestionRow {
        idx,
        dealt: Dealt {
            id: format!("q{idx}"),
            question: text.to_string(),
            options: options.map(str::to_string).to_vec(),
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

/// Every student `i` is called `RISKY[i]` and answers every question, `i` even: right.
fn answers(questions: i64) -> Vec<AnswerRow> {
    RISKY
        .iter()
        .enumerate()
        .flat_map(|(i, (name, _))| {
            (0..questions).map(move |q| answer(i as i64 + 1, name, q, (i % 2) as i64))
        })
        .collect()
}

/// The three CSVs, by file name.
fn every_csv() -> Vec<(&'static str, String)> {
    let questions = [
        question(0, RISKY[0].0, [RISKY[1].0, RISKY[2].0]),
        question(1, RISKY[6].0, [RISKY[7].0, RISKY[3].0]),
    ];
    let quiz = results::csv(&questions, &answers(2), Scoring::Points).unwrap();
    let record = RecordedQuiz {
        id: QuizId(5),
        started_at: Millis(0),
        scoring: Scoring::Points,
        assignment: Some(1),
        starter_id: 1,
        starter_name: RISKY[0].0.to_string(),
        asked: 2,
        answers: answers(2),
    };
    let (all, _) = results::record_csv(&[record], &Zone::default()).unwrap();
    let assignment = AssignmentRow {
        id: AssignmentId(1),
        code: "code".into(),
        chat_id: -1,
        thread_id: None,
        number: 1,
        teacher_id: 99,
        teacher_name: RISKY[0].0.into(),
        lang: "zh".into(),
        question_seconds: 20,
        scoring: Scoring::Points,
        questions: questions.iter().map(|q| q.dealt.clone()).collect(),
        bot_username: "debate_bot".into(),
        created_at: Millis(0),
        deadline: Millis(1),
        card_message_id: None,
        card_finished: 0,
        card_edited_at: None,
        closed_at: Some(Millis(1)),
        reported_at: None,
    };
    let attempts: Vec<QuizRow> = (1..=RISKY.len() as i64)
        .map(|id| QuizRow {
            id: QuizId(10 + id),
            chat_id: id,
            thread_id: None,
            starter_id: id,
            starter_name: RISKY[id as usize - 1].0.to_string(),
            lang: "zh".into(),
            question_seconds: 20,
            scoring: Scoring::Points,
            started_at: Millis(0),
            current: 1,
            finished_at: Some(Millis(1)),
            assignment_id: Some(AssignmentId(1)),
            cut_short: false,
        })
        .collect();
    let homework = report::csv(&assignment, &attempts, &answers(2)).unwrap();
    vec![
        ("quiz.csv", quiz),
        ("all.csv", all),
        ("homework.csv", homework),
    ]
}

/// A CSV's rows, header and all, as the `csv` crate reads them.
fn rows(text: &str) -> Vec<Vec<String>> {
    let body = text.strip_prefix(UTF8_BOM).expect("a byte-order mark");
    csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(body.as_bytes())
        .records()
        .map(|r| r.unwrap().iter().map(str::to_string).collect())
        .collect()
}

/// Each risky text comes back behind a `'`, wherever it stands: a student's name, a question,
/// an answer; and no cell of any file starts a formula unguarded.
#[test]
fn every_csv_writes_what_would_start_a_formula_as_text() {
    for (file, text) in every_csv() {
        let cells: Vec<String> = rows(&text).into_iter().flatten().collect();
        for (risky, written) in RISKY {
            let found = cells.iter().filter(|c| *c == written).count();
            assert!(found > 0, "{file}: {written:?} not in {cells:#?}");
            assert!(
                !cells.iter().any(|c| c == risky),
                "{file}: {risky:?} unguarded"
            );
        }
        for cell in &cells {
            let text_cell = cell.parse::<f64>().is_err();
            assert!(
                !(text_cell && cell.starts_with(['=', '+', '-', '@', '\t', '\r'])),
                "{file}: {cell:?}"
            );
        }
    }
}

/// LibreOffice Calc (headless) converts each CSV in `dir` to a CSV of what its cells show,
/// importing with `separator` (44 the comma, 59 the semicolon) and formulas evaluated; answers
/// the cells of each file, by name, or `None` when LibreOffice is not installed.
fn opened_by_libreoffice(dir: &Path, files: &[&str], separator: u8) -> Option<Vec<Vec<String>>> {
    let which = Command::new("soffice").arg("--version").output();
    if !which.is_ok_and(|o| o.status.success()) {
        return None;
    }
    let out = dir.join(format!("out-{separator}"));
    let profile = dir.join("profile");
    // Import: separator, '"' quotes, UTF-8, from line 1, ..., token 13: evaluate formulas.
    let import = format!("CSV:{separator},34,76,1,,0,false,true,false,false,false,-1,true");
    let status = Command::new("soffice")
        .arg(format!(
            "-env:UserInstallation=file://{}",
            profile.display()
        ))
        .args(["--headless", &format!("--infilter={import}")])
        .args([
            "--convert-to",
            "csv:Text - txt - csv (StarCalc):124,34,76,1",
        ])
        .arg("--outdir")
        .arg(&out)
        .args(files.iter().map(|f| dir.join(f)))
        .output()
        .expect("soffice runs");
    assert!(status.status.success(), "{status:?}");
    Some(
        files
            .iter()
            .map(|f| {
                let text = std::fs::read_to_string(out.join(f)).expect("converted");
                text.split(['\n', '|']).map(str::to_string).collect()
            })
            .collect(),
    )
}

/// Opened by LibreOffice with formulas evaluated, comma- or semicolon-separated, no cell of
/// any file comes out computed (42 or -42); the same texts unguarded do.
#[test]
fn libreoffice_runs_no_formula_of_any_csv() {
    let dir = TempDir::new("csv-libreoffice");
    let mut names = Vec::new();
    for (file, text) in every_csv() {
        std::fs::write(dir.path().join(file), text).unwrap();
        names.push(file);
    }
    // The control: the same texts, written as they come.
    let mut raw = String::from(UTF8_BOM);
    for (risky, _) in RISKY {
        raw.push_str(&format!("\"{}\"\n", risky.replace('"', "\"\"")));
    }
    std::fs::write(dir.path().join("unguarded.csv"), raw).unwrap();
    names.push("unguarded.csv");
    for separator in [b',', b';'] {
        let Some(opened) = opened_by_libreoffice(dir.path(), &names, separator) else {
            eprintln!("LibreOffice (soffice) is not installed: only the CSV parse is checked");
            return;
        };
        let computed = |cells: &Vec<String>| {
            cells
                .iter()
                .filter(|c| ["42", "-42"].contains(&c.trim()))
                .count()
        };
        for (file, cells) in names.iter().zip(&opened) {
            if *file == "unguarded.csv" {
                assert!(computed(cells) > 0, "the control computes: {cells:?}");
            } else {
                assert_eq!(computed(cells), 0, "{file} ({separator}): {cells:#?}");
                // Opened, and the guarded texts shown as they are.
                assert!(
                    cells.iter().any(|c| c.contains("'=2*21")),
                    "{file} ({separator}): {cells:#?}"
                );
            }
        }
    }
}
