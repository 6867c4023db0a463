//! The results as a picture a class sees on the projector: a podium of the top three (first
//! in the middle and highest, as Kahoot draws it), everyone else's rank and score below it
//! (30 names at most, then "and N more"), and each question as a bar of the share who got it
//! right, the hardest marked; the title, the date and the number of players on top.
//!
//! Laid out here as data ([`Board`] -> a [`Scene`] of boxes and lines), drawn by
//! `debate_picture`. Every colour is dark on light or light on dark, and the hardest question
//! is marked with a word as well as a shade, so the picture reads in black and white too.

use debate_picture::palette::*;
use debate_picture::{Align, Color, Item, Scene};

use super::questions;
use super::scoring::rank;
use crate::app::View;
use crate::effect::Effect;
use crate::i18n::fill;
use crate::render::Doc;
use crate::store::AnswerRow;
use crate::vocab::{Dealt, Millis, Place, Scoring};

/// The picture's size: 16:9, readable on a projector and on a phone.
pub const WIDTH: u32 = 1280;
pub const HEIGHT: u32 = 720;
/// Names listed under the podium at most (ranks 4 to 30).
const LISTED: usize = 27;
/// Question bars at most (a quiz asks at most 20).
const BARS: usize = 20;

const BAR: Color = Color(64, 96, 140);
const HIGHLIGHT: Color = Color(250, 236, 236);
/// The podium's blocks: first, second, third.
const STEPS: [Color; 3] = [BAND, Color(74, 100, 140), Color(118, 140, 172)];

/// Someone on the board: their name and their score as shown ("4/5", "4,320 分 · 4/5").
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Placed {
    pub name: String,
    pub score: String,
}

/// A question's bar: "Q3", a short cue of the question, its paragraph ("¶12"), the share of
/// right answers in percent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Bar {
    pub label: String,
    pub cue: String,
    pub paragraph: String,
    pub share: u32,
}

/// What the picture shows, in the chat's language, before it is laid out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Board {
    pub title: String,
    /// The date and the number of players.
    pub subtitle: String,
    /// Everyone, best first.
    pub ranked: Vec<Placed>,
    pub questions_heading: String,
    pub bars: Vec<Bar>,
    /// The index in `bars` of the hardest question, if one is.
    pub hardest: Option<usize>,
    /// The mark beside the hardest question.
    pub hardest_label: String,
    /// "and {count} more", for those who do not fit.
    pub more: String,
    /// What the board says when nobody answered.
    pub nobody: String,
}

/// The board of a quiz or homework: `title` (the article's and the quiz's), its date `at`,
/// the questions asked in order (an answer's `idx` is its position here), and the counted
/// answers, ranked as `scoring` says. `students`: for homework, how many started it: each
/// question's share is out of them (as the summary's hardest question is); for a quiz, `None`:
/// out of those who answered it (as the text results say).
pub fn board(
    view: &View,
    title: String,
    at: Millis,
    asked: &[&Dealt],
    answers: &[AnswerRow],
    scoring: Scoring,
    students: Option<usize>,
) -> Board {
    let ui = view.ui;
    let total = asked.len();
    let ranked = rank(answers, scoring)
        .into_iter()
        .map(|s| Placed {
            name: if s.name.is_empty() {
                ui.quiz_someone.clone()
            } else {
                s.name
            },
            score: match scoring {
                Scoring::Right => format!("{}/{total}", s.correct),
                Scoring::Points => fill(&ui.quiz_points, &[("points", &s.points.to_string())]),
            },
        })
        .collect::<Vec<_>>();
    let mut bars = Vec::with_capacity(total);
    let mut hardest: Option<(usize, u32)> = None;
    for (i, dealt) in asked.iter().enumerate() {
        let of_q = answers.iter().filter(|a| a.idx == i as i64);
        let right = of_q.clone().filter(|a| a.correct).count();
        let out_of = students.unwrap_or(of_q.count());
        let share = (right * 100).checked_div(out_of).unwrap_or(0) as u32;
        if total > 1 && hardest.is_none_or(|(_, s)| share < s) {
            hardest = Some((i, share));
        }
        bars.push(Bar {
            label: format!("Q{}", i + 1),
            cue: cue(&dealt.question),
            paragraph: questions::answered_at(view.corpus, &dealt.id)
                .map_or(String::new(), |(_, p)| format!("¶{p}")),
            share,
        });
    }
    Board {
        title,
        subtitle: fill(
            &ui.pic_subtitle,
            &[
                ("date", &view.zone.date(at)),
                ("count", &students.unwrap_or(ranked.len()).to_string()),
            ],
        ),
        ranked,
        questions_heading: ui.pic_questions.clone(),
        bars,
        hardest: hardest.map(|(i, _)| i),
        hardest_label: ui.pic_hardest.clone(),
        more: ui.pic_more.clone(),
        nobody: ui.quiz_results_nobody.clone(),
    }
}

/// What tells a question from the others at a glance: a who-said question's quote (after its
/// "谁说的?", "Who said it?"), a fact question whole.
fn cue(question: &str) -> String {
    match question.split_once(['?', '?']) {
        Some((_, rest)) if rest.trim().chars().count() >= 4 => rest.trim().to_string(),
        _ => question.to_string(),
    }
}

/// The board's picture with the text results `doc` (see [`crate::picture::with_text`]).
pub fn with_text(place: Place, board: &Board, doc: Doc) -> Vec<Effect> {
    crate::picture::with_text(place, scene(board), &board.title, doc)
}

/// The podium's columns, left to right: second, first, third (x, block height).
const COLUMNS: [(usize, f32, f32); 3] = [(1, 50.0, 110.0), (0, 235.0, 160.0), (2, 420.0, 80.0)];
const COLUMN_W: f32 = 175.0;
const PODIUM_BASE: f32 = 420.0;

/// Lays the board out: the scene to draw.
pub fn scene(board: &Board) -> Scene {
    // A long title is set smaller before it is cut.
    let title_width = debate_picture::width(&board.title, 30.0).max(1.0);
    let title_size = (30.0 * 840.0 / title_width).clamp(22.0, 30.0);
    let mut items = vec![
        Item::rect(0.0, 0.0, WIDTH as f32, 76.0, BAND),
        Item::text(
            40.0,
            50.0,
            840.0,
            title_size,
            WHITE,
            Align::Left,
            &board.title,
        ),
        Item::text(
            900.0,
            48.0,
            340.0,
            22.0,
            WHITE,
            Align::Right,
            &board.subtitle,
        ),
    ];
    podium(board, &mut items);
    questions(board, &mut items);
    Scene {
        width: WIDTH,
        height: HEIGHT,
        background: WHITE,
        items,
    }
}

/// The left half: the top three on the podium, everyone else in three columns of nine under
/// it, and how many more there are.
fn podium(board: &Board, items: &mut Vec<Item>) {
    if board.ranked.is_empty() {
        items.push(Item::text(
            40.0,
            260.0,
            560.0,
            26.0,
            MUTED,
            Align::Center,
            &board.nobody,
        ));
    }
    for &(place, x, height) in &COLUMNS {
        let Some(placed) = board.ranked.get(place) else {
            continue;
        };
        let top = PODIUM_BASE - height;
        let rank = (place + 1).to_string();
        items.push(Item::rect(x, top, COLUMN_W, height, STEPS[place]));
        items.push(Item::text(
            x,
            top + 52.0,
            COLUMN_W,
            40.0,
            WHITE,
            Align::Center,
            &rank,
        ));
        items.push(Item::text(
            x,
            top - 44.0,
            COLUMN_W,
            24.0,
            INK,
            Align::Center,
            &placed.name,
        ));
        items.push(Item::text(
            x,
            top - 14.0,
            COLUMN_W,
            19.0,
            MUTED,
            Align::Center,
            &placed.score,
        ));
    }
    let others = board.ranked.iter().enumerate().skip(3);
    for (i, (rank, placed)) in others.clone().take(LISTED).enumerate() {
        let (column, row) = (i / 9, i % 9);
        let x = 40.0 + column as f32 * 195.0;
        let y = 462.0 + row as f32 * 27.0;
        let line = format!("{}. {}", rank + 1, placed.name);
        items.push(Item::text(x, y, 125.0, 17.0, INK, Align::Left, &line));
        items.push(Item::text(
            x + 125.0,
            y,
            55.0,
            15.0,
            MUTED,
            Align::Right,
            &placed.score,
        ));
    }
    let left = others.count().saturating_sub(LISTED);
    if left > 0 {
        let more = fill(&board.more, &[("count", &left.to_string())]);
        items.push(Item::text(
            40.0,
            708.0,
            580.0,
            16.0,
            MUTED,
            Align::Left,
            &more,
        ));
    }
}

/// The right half: a row per question (label, cue, paragraph, the bar of right answers, the
/// share), the hardest on a tinted row with its mark.
fn questions(board: &Board, items: &mut Vec<Item>) {
    let heading = &board.questions_heading;
    items.push(Item::text(
        660.0,
        112.0,
        580.0,
        22.0,
        INK,
        Align::Left,
        heading,
    ));
    let shown = board.bars.len().min(BARS);
    let row = if shown == 0 {
        0.0
    } else {
        (580.0 / shown as f32).min(56.0)
    };
    let size = (row * 0.55).clamp(12.0, 20.0);
    for (i, bar) in board.bars.iter().take(BARS).enumerate() {
        let top = 128.0 + i as f32 * row;
        let baseline = top + row * 0.5 + size * 0.36;
        let hardest = board.hardest == Some(i);
        if hardest {
            items.push(Item::rect(652.0, top + 1.0, 596.0, row - 2.0, HIGHLIGHT));
        }
        items.push(Item::text(
            660.0,
            baseline,
            44.0,
            size,
            INK,
            Align::Left,
            &bar.label,
        ));
        items.push(Item::text(
            706.0,
            baseline,
            200.0,
            size,
            INK,
            Align::Left,
            &bar.cue,
        ));
        let paragraph = &bar.paragraph;
        items.push(Item::text(
            910.0,
            baseline,
            44.0,
            size * 0.9,
            MUTED,
            Align::Left,
            paragraph,
        ));
        let (track_x, track_w) = (958.0, 150.0);
        let bar_h = (row * 0.5).max(6.0);
        let bar_y = top + (row - bar_h) / 2.0;
        items.push(Item::rect(track_x, bar_y, track_w, bar_h, TRACK));
        let filled = track_w * bar.share.min(100) as f32 / 100.0;
        if filled > 0.0 {
            let color = if hardest { HARD } else { BAR };
            items.push(Item::rect(track_x, bar_y, filled, bar_h, color));
        }
        let share = format!("{}%", bar.share);
        items.push(Item::text(
            1110.0,
            baseline,
            58.0,
            size,
            INK,
            Align::Right,
            &share,
        ));
        if hardest {
            let label = &board.hardest_label;
            items.push(Item::text(
                1174.0,
                baseline,
                72.0,
                15.0,
                HARD,
                Align::Left,
                label,
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn board(players: usize, questions: usize) -> Board {
        Board {
            title: "开源与闭源之争:大厂如何抉择? · 测验结果".into(),
            subtitle: "2026-12-07 · 30 人".into(),
            ranked: (0..players)
                .map(|i| Placed {
                    name: format!("学生{:02}", i + 1),
                    score: format!("{}/20", 20 - i.min(20)),
                })
                .collect(),
            questions_heading: "每题答对率".into(),
            bars: (0..questions)
                .map(|i| Bar {
                    label: format!("Q{}", i + 1),
                    cue: "谁说的?“闭源最终将战胜开源”".into(),
                    paragraph: "¶7".into(),
                    share: (i * 5) as u32,
                })
                .collect(),
            hardest: Some(0),
            hardest_label: "最难".into(),
            more: "还有 {count} 人".into(),
            nobody: "没有人作答".into(),
        }
    }

    /// The text items of a scene: (x, y, w, text as drawn, size).
    fn texts(scene: &Scene) -> Vec<(f32, f32, f32, String, f32)> {
        scene
            .items
            .iter()
            .filter_map(|item| match item {
                Item::Text {
                    x,
                    y,
                    w,
                    size,
                    text,
                    ..
                } => Some((*x, *y, *w, debate_picture::fit(text, *size, *w), *size)),
                Item::Rect { .. } => None,
            })
            .collect()
    }

    #[test]
    fn first_stands_in_the_middle_and_highest() {
        let scene = scene(&board(30, 20));
        let at = |name: &str| {
            texts(&scene)
                .into_iter()
                .find(|t| t.3 == name)
                .unwrap_or_else(|| panic!("{name} drawn"))
        };
        let (first, second, third) = (at("学生01"), at("学生02"), at("学生03"));
        assert!(
            second.0 < first.0 && first.0 < third.0,
            "2nd, 1st, 3rd from the left"
        );
        assert!(
            first.1 < second.1 && second.1 < third.1,
            "1st highest, then 2nd, then 3rd"
        );
        // Everyone else up to the 30th, with rank.
        assert!(texts(&scene).iter().any(|t| t.3 == "30. 学生30"));
    }

    #[test]
    fn more_than_thirty_say_how_many_more() {
        let scene = scene(&board(45, 5));
        let all = texts(&scene);
        assert!(all.iter().any(|t| t.3 == "30. 学生30"));
        assert!(!all.iter().any(|t| t.3 == "31. 学生31"));
        assert!(all.iter().any(|t| t.3 == "还有 15 人"), "{all:?}");
    }

    #[test]
    fn every_text_fits_its_box_and_the_picture() {
        let mut long = board(30, 20);
        long.ranked[0].name = "A very long display name that no podium can hold 😀".into();
        for scene in [scene(&long), scene(&board(0, 1))] {
            for (x, y, w, drawn, size) in texts(&scene) {
                assert!(x >= 0.0 && x + w <= WIDTH as f32, "{drawn} at {x}+{w}");
                assert!(y - size >= 0.0 && y <= HEIGHT as f32, "{drawn} at {y}");
                assert!(debate_picture::width(&drawn, size) <= w, "{drawn} in {w}");
            }
            for item in &scene.items {
                if let Item::Rect { x, y, w, h, .. } = item {
                    assert!(*x >= 0.0 && x + w <= WIDTH as f32 + 0.5, "{item:?}");
                    assert!(*y >= 0.0 && y + h <= HEIGHT as f32 + 0.5, "{item:?}");
                }
            }
        }
        let name = texts(&scene(&long))
            .into_iter()
            .find(|t| t.3.starts_with("A very"))
            .unwrap()
            .3;
        assert!(name.ends_with('…'), "{name}");
    }

    #[test]
    fn the_hardest_question_is_marked_by_a_word() {
        let scene = scene(&board(3, 4));
        let all = texts(&scene);
        let mark = all.iter().find(|t| t.3 == "最难").expect("marked");
        let q1 = all.iter().find(|t| t.3 == "Q1").unwrap();
        assert_eq!(mark.1, q1.1, "on the hardest question's line");
    }
}
