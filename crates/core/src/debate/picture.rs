//! A debate's votes as a picture: the motion on top with the date and the number of voters,
//! then a row for each side (for, against, undecided) with two bars, its share before and
//! after reading both sides, and the verdict by swing at the foot. Laid out here as data,
//! drawn by `debate_picture`; dark on light, each bar named in words, so it reads in black
//! and white too.

use debate_picture::palette::*;
use debate_picture::{Align, Color, Item, Scene};

use super::result::{Outcome, Verdict, percent, signed};
use crate::app::App;
use crate::i18n::{Lang, fill};
use crate::vocab::{Millis, Side};

pub const WIDTH: u32 = 1280;
pub const HEIGHT: u32 = 720;

/// The sides' bars after reading: for, against, undecided; told apart by shade and by name.
/// The bar before reading is the paler one, above it.
const SIDES: [Color; 3] = [BAND, HARD, Color(120, 128, 140)];
const BEFORE: Color = Color(190, 196, 206);

/// One side's row: its name, and its votes and share before and after.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SideBar {
    pub label: String,
    /// (votes, share in percent) in the first vote, then in the second.
    pub before: (u64, u64),
    pub after: (u64, u64),
}

/// What the debate's picture shows, in the chat's language.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VoteBoard {
    pub title: String,
    pub subtitle: String,
    /// What the two bars of a row are: "before", "after".
    pub rounds: [String; 2],
    pub sides: Vec<SideBar>,
    /// The verdict by swing, with the swing.
    pub verdict: String,
}

impl VoteBoard {
    /// The board of a debate on `motion` (its text in `lang`) closed at `at`.
    pub fn new(app: &App, lang: Lang, motion: &str, at: Millis, outcome: &Outcome) -> VoteBoard {
        let view = app.view(lang);
        let ui = view.ui;
        let totals = [outcome.before, outcome.after].map(|t| t.iter().sum::<u64>());
        let sides = Side::ALL
            .into_iter()
            .map(|side| {
                let i = side.index();
                SideBar {
                    label: app.side_label(lang, side).to_string(),
                    before: (outcome.before[i], percent(outcome.before[i], totals[0])),
                    after: (outcome.after[i], percent(outcome.after[i], totals[1])),
                }
            })
            .collect();
        let verdict = match outcome.verdict() {
            Verdict::NoSwing => ui.debate_result_no_swing.clone(),
            verdict => {
                let line = match verdict {
                    Verdict::Won(Side::For) => &ui.debate_result_wins_for,
                    Verdict::Won(_) => &ui.debate_result_wins_against,
                    _ => &ui.debate_result_swing_tied,
                };
                fill(
                    &ui.pic_swing,
                    &[
                        ("verdict", line),
                        ("for", &signed(outcome.swing(Side::For))),
                        ("against", &signed(outcome.swing(Side::Against))),
                    ],
                )
            }
        };
        VoteBoard {
            title: motion.to_string(),
            subtitle: fill(
                &ui.pic_votes,
                &[
                    ("date", &view.zone.date(at)),
                    ("count", &totals[0].max(totals[1]).to_string()),
                ],
            ),
            rounds: [
                ui.debate_round_before.clone(),
                ui.debate_round_after.clone(),
            ],
            sides,
            verdict,
        }
    }
}

/// Lays the board out: the scene to draw.
pub fn scene(board: &VoteBoard) -> Scene {
    let title_width = debate_picture::width(&board.title, 34.0).max(1.0);
    let title_size = (34.0 * 1200.0 / title_width).clamp(22.0, 34.0);
    let mut items = vec![
        Item::Rect {
            x: 0.0,
            y: 0.0,
            w: WIDTH as f32,
            h: 110.0,
            color: BAND,
        },
        Item::text(
            40.0,
            62.0,
            1200.0,
            title_size,
            WHITE,
            Align::Left,
            &board.title,
        ),
        Item::text(
            40.0,
            96.0,
            1200.0,
            20.0,
            WHITE,
            Align::Left,
            &board.subtitle,
        ),
    ];
    let (track_x, track_w, bar_h) = (440.0, 600.0, 44.0);
    for (i, side) in board.sides.iter().enumerate() {
        let top = 140.0 + i as f32 * 160.0;
        items.push(Item::text(
            60.0,
            top + 66.0,
            200.0,
            34.0,
            INK,
            Align::Left,
            &side.label,
        ));
        let bars = [
            (&board.rounds[0], side.before, BEFORE),
            (&board.rounds[1], side.after, SIDES[i % SIDES.len()]),
        ];
        for (row, (round, (votes, share), color)) in bars.into_iter().enumerate() {
            let y = top + row as f32 * (bar_h + 12.0);
            items.push(Item::text(
                270.0,
                y + 30.0,
                track_x - 280.0,
                22.0,
                INK,
                Align::Left,
                round,
            ));
            items.push(Item::Rect {
                x: track_x,
                y,
                w: track_w,
                h: bar_h,
                color: TRACK,
            });
            let filled = track_w * share.min(100) as f32 / 100.0;
            if filled > 0.0 {
                items.push(Item::Rect {
                    x: track_x,
                    y,
                    w: filled,
                    h: bar_h,
                    color,
                });
            }
            items.push(Item::text(
                1060.0,
                y + 30.0,
                190.0,
                24.0,
                INK,
                Align::Left,
                &format!("{votes} · {share}%"),
            ));
        }
    }
    items.push(Item::text(
        60.0,
        HEIGHT as f32 - 40.0,
        1160.0,
        28.0,
        INK,
        Align::Left,
        &board.verdict,
    ));
    Scene {
        width: WIDTH,
        height: HEIGHT,
        background: WHITE,
        items,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn board() -> VoteBoard {
        let bar = |label: &str, before: (u64, u64), after: (u64, u64)| SideBar {
            label: label.into(),
            before,
            after,
        };
        VoteBoard {
            title: "闭源最终将战胜开源?".into(),
            subtitle: "2026-12-07 · 12 票".into(),
            rounds: ["读前".into(), "读后".into()],
            sides: vec![
                bar("正方", (3, 25), (7, 58)),
                bar("反方", (6, 50), (4, 33)),
                bar("还没想好", (2, 17), (1, 8)),
            ],
            verdict: "正方以摇摆胜出:正方 +33,反方 \u{2212}17".into(),
        }
    }

    /// Each text of the scene as drawn (fitted to its box), with its baseline.
    fn texts(scene: &Scene) -> Vec<(f32, String)> {
        scene
            .items
            .iter()
            .filter_map(|i| match i {
                Item::Text {
                    y, size, w, text, ..
                } => Some((*y, debate_picture::fit(text, *size, *w))),
                Item::Rect { .. } => None,
            })
            .collect()
    }

    /// In each language, the board as the bot makes it from responses/ui.*.toml (a swing of
    /// +100 and −100): every text but the motion (which shrinks, then is cut, to fit) drawn
    /// whole, and every character in the font (the swing's minus sign, U+2212, among them).
    #[test]
    fn every_label_is_drawn_whole_in_the_font_in_each_language() {
        let app = crate::app::App::load(
            &std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../responses"),
            Lang::Zh,
        )
        .unwrap_or_else(|p| panic!("{p:#?}"));
        let outcome = Outcome {
            before: [12, 0, 3],
            after: [0, 12, 3],
            both_before: [12, 0, 3],
            both_after: [0, 12, 3],
            moved: [[0, 12, 0], [0, 0, 0], [0, 0, 3]],
            convinced: Vec::new(),
            convinced_by: 0,
        };
        for lang in Lang::ALL {
            let board = VoteBoard::new(&app, lang, "?", Millis(0), &outcome);
            assert!(board.verdict.contains('\u{2212}'), "{}", board.verdict);
            for item in &scene(&board).items {
                let Item::Text { text, size, w, .. } = item else {
                    continue;
                };
                let missing: String = text.chars().filter(|&c| !debate_picture::has(c)).collect();
                assert!(missing.is_empty(), "{lang:?} {text}: {missing}");
                assert_eq!(&debate_picture::fit(text, *size, *w), text, "{lang:?}");
            }
        }
    }

    #[test]
    fn each_side_is_named_between_its_shares_before_and_after() {
        let texts = texts(&scene(&board()));
        let at = |t: &str| {
            texts
                .iter()
                .find(|(_, s)| s == t)
                .unwrap_or_else(|| panic!("{t}"))
                .0
        };
        for (label, before, after) in [
            ("正方", "3 · 25%", "7 · 58%"),
            ("反方", "6 · 50%", "4 · 33%"),
            ("还没想好", "2 · 17%", "1 · 8%"),
        ] {
            assert!(at(before) < at(label) && at(label) < at(after), "{label}");
            assert!(at(after) - at(before) < 100.0, "{label}: one row");
        }
        assert!(texts.iter().any(|(_, s)| s == "闭源最终将战胜开源?"));
        assert!(texts.iter().any(|(_, s)| s.starts_with("正方以摇摆胜出")));
        assert_eq!(texts.iter().filter(|(_, s)| s == "读前").count(), 3);
    }

    #[test]
    fn it_draws() {
        let png = debate_picture::png(&scene(&board())).unwrap();
        assert_eq!(&png[1..4], b"PNG");
        assert!(png.len() < 200 * 1024);
    }
}
