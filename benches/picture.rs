//! The results picture: `cargo bench --bench picture`.
//!
//! Lays out and draws the results of a quiz of 20 questions taken by 30 players (names in
//! Chinese and English, one with an emoji), as the quiz engine does at a quiz's end, many
//! times; reports the median and the slowest time to draw one (layout, rasterising and PNG
//! encoding), the PNG's size, and the process's peak resident memory (VmHWM) before the first
//! picture and after the last: what drawing adds to the bot. Targets: median <= 30 ms,
//! PNG <= 200 KB, memory added <= 15 MB.

use std::time::{Duration, Instant};

use debate_bot::app::App;
use debate_bot::i18n::Lang;
use debate_bot::quiz::picture;
use debate_bot::store::AnswerRow;
use debate_bot::vocab::{Dealt, Millis, Scoring};

const PLAYERS: i64 = 30;
const QUESTIONS: usize = 20;
const ROUNDS: usize = 60;

/// A line of /proc/self/status, in bytes.
fn status(key: &str) -> usize {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix(key))
        .and_then(|v| v.split_whitespace().next()?.parse::<usize>().ok())
        .map_or(0, |kb| kb * 1024)
}

fn mib(bytes: usize) -> f64 {
    bytes as f64 / (1024.0 * 1024.0)
}

fn main() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("responses");
    let app = App::load(&dir, Lang::Zh).expect("the shipped corpus");
    let view = app.view(Lang::Zh);
    let questions: Vec<Dealt> = (0..QUESTIONS)
        .map(|i| Dealt {
            id: app.corpus().questions[i % app.corpus().questions.len()]
                .id
                .clone(),
            question: format!("谁说的?“闭源最终将战胜开源,这是第 {} 题的引语”", i + 1),
            options: vec![
                "李彦宏".into(),
                "林吕强".into(),
                "罗璇".into(),
                "周鸿祎".into(),
            ],
            correct: 0,
            explanation: String::new(),
            description: String::new(),
        })
        .collect();
    let asked: Vec<&Dealt> = questions.iter().collect();
    let answers: Vec<AnswerRow> = (0..PLAYERS)
        .flat_map(|p| {
            (0..QUESTIONS).map(move |q| AnswerRow {
                user_id: p + 1,
                name: match p {
                    0 => "Alexandria Ocasio-Smithsonian 😀".into(),
                    p if p % 3 == 0 => format!("Student {p}"),
                    p => format!("学生{p:02}"),
                },
                idx: q as i64,
                option: 0,
                correct: !(p as usize + q).is_multiple_of(3),
                took_ms: 1_000 + p * 37 + q as i64 * 11,
                open_ms: 30_000,
            })
        })
        .collect();
    let before = status("VmHWM:");
    let mut times = Vec::with_capacity(ROUNDS);
    let mut size = 0;
    for _ in 0..ROUNDS {
        let started = Instant::now();
        let board = picture::board(
            &view,
            "《开源与闭源之争:大厂如何抉择?》· 测验结果".into(),
            Millis(1_796_616_000_000),
            &asked,
            &answers,
            Scoring::Right,
            None,
        );
        let png = debate_picture::png(&picture::scene(&board)).expect("drawn");
        times.push(started.elapsed());
        size = png.len();
    }
    let after = status("VmHWM:");
    times.sort();
    let median = times[ROUNDS / 2];
    let slowest = times[ROUNDS - 1];
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    let added = mib(after.saturating_sub(before));
    println!("results picture: {PLAYERS} players, {QUESTIONS} questions, {ROUNDS} rounds");
    println!(
        "  draw (layout + raster + PNG): median {:.1} ms, slowest {:.1} ms",
        ms(median),
        ms(slowest)
    );
    println!("  PNG: {:.1} KB", size as f64 / 1024.0);
    println!(
        "  peak RSS: {:.1} MiB before, {:.1} MiB after (+{added:.1} MiB)",
        mib(before),
        mib(after)
    );
    let verdict = |ok: bool| if ok { "PASS" } else { "MISS" };
    println!("  target median <= 30 ms: {}", verdict(ms(median) <= 30.0));
    println!("  target PNG <= 200 KB: {}", verdict(size <= 200 * 1024));
    println!("  target memory added <= 15 MB: {}", verdict(added <= 15.0));
}
