//! A debate's vote as a picture: the motion on top with the date and the number of votes,
//! then a bar for each side (for, against, undecided) with its votes and share. Laid out here
//! as data, drawn by `debate_picture`; dark on light, each bar named in words, so it reads in
//! black and white too.

use debate_picture::palette::*;
use debate_picture::{Align, Color, Item, Scene};

use crate::app::View;
use crate::i18n::fill;
use crate::vocab::Millis;

pub const WIDTH: u32 = 1280;
pub const HEIGHT: u32 = 720;

/// The sides' bars: for, against, undecided; told apart by shade and by name.
const SIDES: [Color; 3] = [BAND, HARD, Color(120, 128, 140)];

/// One side's bar: its name, its votes, its share in percent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SideBar {
    pub label: String,
    pub votes: u64,
    pub share: u64,
}

/// What the vote's picture shows, in the chat's language.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VoteBoard {
    pub title: String,
    pub subtitle: String,
    pub sides: Vec<SideBar>,
}

impl VoteBoard {
    /// The board of a vote on `motion` (its text in the view's language) closed at `at`.
    pub fn new(view: &View, motion: &str, at: Millis, sides: Vec<SideBar>) -> VoteBoard {
        let total: u64 = sides.iter().map(|s| s.votes).sum();
        VoteBoard {
            title: motion.to_string(),
            subtitle: fill(
                &view.ui.pic_votes,
                &[("date", &view.zone.date(at)), ("count", &total.to_string())],
            ),
            sides,
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
    for (i, side) in board.sides.iter().enumerate() {
        let top = 170.0 + i as f32 * 170.0;
        let color = SIDES[i % SIDES.len()];
        items.push(Item::text(
            60.0,
            top + 58.0,
            260.0,
            36.0,
            INK,
            Align::Left,
            &side.label,
        ));
        let (track_x, track_w, bar_h) = (340.0, 700.0, 80.0);
        items.push(Item::Rect {
            x: track_x,
            y: top,
            w: track_w,
            h: bar_h,
            color: TRACK,
        });
        let filled = track_w * side.share.min(100) as f32 / 100.0;
        if filled > 0.0 {
            items.push(Item::Rect {
                x: track_x,
                y: top,
                w: filled,
                h: bar_h,
                color,
            });
        }
        let figure = format!("{} · {}%", side.votes, side.share);
        items.push(Item::text(
            1060.0,
            top + 54.0,
            190.0,
            32.0,
            INK,
            Align::Left,
            &figure,
        ));
    }
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
        VoteBoard {
            title: "闭源最终将战胜开源?".into(),
            subtitle: "2026-12-07 · 12 票".into(),
            sides: vec![
                SideBar {
                    label: "正方".into(),
                    votes: 7,
                    share: 58,
                },
                SideBar {
                    label: "反方".into(),
                    votes: 4,
                    share: 33,
                },
                SideBar {
                    label: "还没想好".into(),
                    votes: 1,
                    share: 8,
                },
            ],
        }
    }

    #[test]
    fn each_side_is_named_with_its_votes_and_share_on_its_row() {
        let scene = scene(&board());
        let texts: Vec<(f32, String)> = scene
            .items
            .iter()
            .filter_map(|i| match i {
                Item::Text {
                    y, size, w, text, ..
                } => Some((*y, debate_picture::fit(text, *size, *w))),
                Item::Rect { .. } => None,
            })
            .collect();
        for (label, figure) in [
            ("正方", "7 · 58%"),
            ("反方", "4 · 33%"),
            ("还没想好", "1 · 8%"),
        ] {
            let at = |t: &str| {
                texts
                    .iter()
                    .find(|(_, s)| s == t)
                    .unwrap_or_else(|| panic!("{t}"))
                    .0
            };
            assert_eq!(at(label), at(figure) + 4.0, "{label} beside {figure}");
        }
        assert!(texts.iter().any(|(_, s)| s == "闭源最终将战胜开源?"));
    }

    #[test]
    fn it_draws() {
        let png = debate_picture::png(&scene(&board())).unwrap();
        assert_eq!(&png[1..4], b"PNG");
        assert!(png.len() < 200 * 1024);
    }
}
