//! The result of a debate's vote: votes per side with shares, which way the group leans, and
//! who in the article stands on each side.

use crate::app::App;
use crate::i18n::{Lang, fill};
use crate::render::{Doc, Span};
use crate::store::Tally;
use crate::vocab::Side;

/// Which way a vote went.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AnswerAs {
    NoVotes,
    For,
    Against,
    /// As many for as against (and at least one vote for a side).
    Tied,
    /// Only "undecided" votes.
    Undecided,
}

impl AnswerAs {
    pub fn of(tally: Tally) -> AnswerAs {
        let [yes, no, undecided] = tally;
        match (yes.cmp(&no), yes + no + undecided) {
            (_, 0) => AnswerAs::NoVotes,
            (std::cmp::Ordering::Greater, _) => AnswerAs::For,
            (std::cmp::Ordering::Less, _) => AnswerAs::Against,
            (std::cmp::Ordering::Equal, _) if yes == 0 => AnswerAs::Undecided,
            (std::cmp::Ordering::Equal, _) => AnswerAs::Tied,
        }
    }
}

/// A share of `total` in whole percent, rounded half up.
pub fn percent(votes: u64, total: u64) -> u64 {
    if total == 0 {
        0
    } else {
        (votes * 200 + total) / (total * 2)
    }
}

/// The result message of a vote on `motion`.
pub fn render(app: &App, lang: Lang, motion: usize, tally: Tally) -> Doc {
    let view = app.view(lang);
    let ui = view.ui;
    let m = &app.corpus().motions[motion];
    let total: u64 = tally.iter().sum();
    let mut doc = Doc::new();
    doc.line(vec![Span::Bold(fill(
        &ui.debate_result_title,
        &[("motion", m.motion.get(lang))],
    ))]);
    for side in Side::ALL {
        let votes = tally[side.index()];
        doc.text(fill(
            &ui.debate_result_line,
            &[
                ("side", app.side_label(lang, side)),
                ("votes", &votes.to_string()),
                ("percent", &percent(votes, total).to_string()),
            ],
        ));
    }
    doc.text(fill(
        &ui.debate_result_total,
        &[("total", &total.to_string())],
    ));
    // Who argued the winning side: people only; with no one quoted on it, just the side.
    let leans = |side: Side, with_camp: &str, alone: &str| {
        let camp = app.camp(lang, motion, side);
        if camp.is_empty() {
            alone.to_string()
        } else {
            fill(
                with_camp,
                &[("camp", &camp.join(&ui.debate_camp_separator))],
            )
        }
    };
    let lean = match AnswerAs::of(tally) {
        AnswerAs::NoVotes => ui.debate_result_none.clone(),
        AnswerAs::For => leans(
            Side::For,
            &ui.debate_result_leans_for,
            &ui.debate_result_leans_for_nobody,
        ),
        AnswerAs::Against => leans(
            Side::Against,
            &ui.debate_result_leans_against,
            &ui.debate_result_leans_against_nobody,
        ),
        AnswerAs::Tied => ui.debate_result_tied.clone(),
        AnswerAs::Undecided => ui.debate_result_undecided.clone(),
    };
    doc.blank().text(lean);
    for line in app.camps(lang, motion) {
        doc.text(line);
    }
    doc
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn leans_and_shares() {
        assert_eq!(AnswerAs::of([0, 0, 0]), AnswerAs::NoVotes);
        assert_eq!(AnswerAs::of([2, 1, 5]), AnswerAs::For);
        assert_eq!(AnswerAs::of([0, 1, 0]), AnswerAs::Against);
        assert_eq!(AnswerAs::of([3, 3, 1]), AnswerAs::Tied);
        assert_eq!(AnswerAs::of([0, 0, 4]), AnswerAs::Undecided);
        assert_eq!(percent(1, 3), 33);
        assert_eq!(percent(2, 3), 67);
        assert_eq!(percent(1, 2), 50);
        assert_eq!(percent(1, 8), 13);
        assert_eq!(percent(0, 0), 0);
    }
}
