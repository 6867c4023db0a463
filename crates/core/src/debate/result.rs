//! The result of a debate: each side's share before and after reading both sides, the swing
//! (how far each side moved among the people who voted both times), the winner by swing, who
//! changed their mind and which way, the quotes ranked by how many they convinced, and who in
//! the article stands on each side.
//!
//! Shares count everyone who voted in that vote; the swing and the changes of mind count only
//! people who voted both times, so that someone who came late or left early moves nothing.

use std::collections::HashMap;

use crate::app::App;
use crate::i18n::{Lang, fill};
use crate::render::{Doc, Span};
use crate::store::DebateAnswer;
use crate::vocab::{Round, Side};

/// Votes per side, at each [`Side::index`]: for, against, undecided.
pub type Tally = [u64; 3];

/// Who won by swing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    /// Nobody voted both times: there is no swing to measure.
    NoSwing,
    /// The side that gained more (for or against).
    Won(Side),
    /// Both sides moved by as much.
    Tied,
}

/// What a debate's answers add up to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outcome {
    /// The first vote, everyone who cast it.
    pub before: Tally,
    /// The second vote, everyone who cast it.
    pub after: Tally,
    /// The people who voted both times: their first vote, then their second.
    pub both_before: Tally,
    pub both_after: Tally,
    /// Among them, `moved[from][to]`: how many went from side `from` to side `to`.
    pub moved: [[u64; 3]; 3],
    /// Per option of the convinced poll, how many chose it.
    pub convinced: Vec<u64>,
    /// How many answered the convinced poll.
    pub convinced_by: u64,
}

impl Outcome {
    /// Adds up `answers` (each person's latest to each poll); the convinced poll had `quotes`
    /// options.
    pub fn of(answers: &[DebateAnswer], quotes: usize) -> Outcome {
        let mut outcome = Outcome {
            before: [0; 3],
            after: [0; 3],
            both_before: [0; 3],
            both_after: [0; 3],
            moved: [[0; 3]; 3],
            convinced: vec![0; quotes],
            convinced_by: 0,
        };
        let side = |bits: u64| (0..3).find(|&s| bits == 1 << s);
        let mut first: HashMap<i64, usize> = HashMap::new();
        let mut second: HashMap<i64, usize> = HashMap::new();
        for answer in answers {
            match answer.round {
                Round::Before | Round::After => {
                    let Some(s) = side(answer.options) else {
                        continue;
                    };
                    let (tally, seen) = match answer.round {
                        Round::Before => (&mut outcome.before, &mut first),
                        _ => (&mut outcome.after, &mut second),
                    };
                    tally[s] += 1;
                    seen.insert(answer.user_id, s);
                }
                Round::Convinced => {
                    let mut any = false;
                    for (option, count) in outcome.convinced.iter_mut().enumerate() {
                        if answer.options & (1 << option) != 0 {
                            *count += 1;
                            any = true;
                        }
                    }
                    outcome.convinced_by += u64::from(any);
                }
            }
        }
        for (user, &from) in &first {
            if let Some(&to) = second.get(user) {
                outcome.both_before[from] += 1;
                outcome.both_after[to] += 1;
                outcome.moved[from][to] += 1;
            }
        }
        outcome
    }

    /// How many voted both times.
    pub fn both(&self) -> u64 {
        self.both_before.iter().sum()
    }

    /// How many votes a side gained among those who voted both times (lost, if negative).
    pub fn gained(&self, side: Side) -> i64 {
        self.both_after[side.index()] as i64 - self.both_before[side.index()] as i64
    }

    /// A side's swing in percentage points, rounded half away from zero.
    pub fn swing(&self, side: Side) -> i64 {
        let both = self.both() as i64;
        if both == 0 {
            return 0;
        }
        let gained = self.gained(side);
        let points = (gained.abs() * 200 + both) / (both * 2);
        points * gained.signum()
    }

    /// The winner by swing: the side (for or against) that gained more, compared exactly.
    pub fn verdict(&self) -> Verdict {
        if self.both() == 0 {
            return Verdict::NoSwing;
        }
        match self.gained(Side::For).cmp(&self.gained(Side::Against)) {
            std::cmp::Ordering::Greater => Verdict::Won(Side::For),
            std::cmp::Ordering::Less => Verdict::Won(Side::Against),
            std::cmp::Ordering::Equal => Verdict::Tied,
        }
    }

    /// How many changed their mind (voted both times, not the same side).
    pub fn changed(&self) -> u64 {
        let mut changed = 0;
        for (from, row) in self.moved.iter().enumerate() {
            for (to, count) in row.iter().enumerate() {
                if from != to {
                    changed += count;
                }
            }
        }
        changed
    }

    /// The convinced poll's options that anyone chose, most chosen first (in the poll's
    /// order where as many chose them): (option, how many).
    pub fn ranked(&self) -> Vec<(usize, u64)> {
        let mut ranked: Vec<(usize, u64)> = self
            .convinced
            .iter()
            .copied()
            .enumerate()
            .filter(|&(_, n)| n > 0)
            .collect();
        ranked.sort_by_key(|&(option, n)| (std::cmp::Reverse(n), option));
        ranked
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

/// A number of percentage points with its sign: "+20", "−10" (a real minus sign), "0".
pub fn signed(points: i64) -> String {
    match points.signum() {
        1 => format!("+{points}"),
        -1 => format!("\u{2212}{}", points.abs()),
        _ => "0".to_string(),
    }
}

/// The result message of a debate on `motion`; `quotes`: the excerpts the convinced poll's
/// options named, in order (`None` for one the data no longer has).
pub fn render(
    app: &App,
    lang: Lang,
    motion: usize,
    outcome: &Outcome,
    quotes: &[Option<usize>],
) -> Doc {
    let view = app.view(lang);
    let ui = view.ui;
    let m = &app.corpus().motions[motion];
    let mut doc = Doc::new();
    doc.line(vec![Span::Bold(fill(
        &ui.debate_result_title,
        &[("motion", m.motion.get(lang))],
    ))]);
    for (label, tally) in [
        (&ui.debate_round_before, outcome.before),
        (&ui.debate_round_after, outcome.after),
    ] {
        let total: u64 = tally.iter().sum();
        if total == 0 {
            doc.text(fill(&ui.debate_result_round_none, &[("round", label)]));
            continue;
        }
        let shares: Vec<String> = Side::ALL
            .into_iter()
            .map(|side| {
                let votes = tally[side.index()];
                fill(
                    &ui.debate_result_share,
                    &[
                        ("side", app.side_label(lang, side)),
                        ("votes", &votes.to_string()),
                        ("percent", &percent(votes, total).to_string()),
                    ],
                )
            })
            .collect();
        doc.text(fill(
            &ui.debate_result_round,
            &[
                ("round", label),
                ("shares", &shares.join(&ui.debate_result_share_separator)),
                ("total", &total.to_string()),
            ],
        ));
    }
    doc.blank();
    let verdict = outcome.verdict();
    if verdict == Verdict::NoSwing {
        doc.text(ui.debate_result_no_swing.clone());
    } else {
        doc.text(fill(
            &ui.debate_result_swing,
            &[
                ("count", &outcome.both().to_string()),
                ("for", &signed(outcome.swing(Side::For))),
                ("against", &signed(outcome.swing(Side::Against))),
            ],
        ));
        let line = match verdict {
            Verdict::Won(Side::For) => &ui.debate_result_wins_for,
            Verdict::Won(_) => &ui.debate_result_wins_against,
            _ => &ui.debate_result_swing_tied,
        };
        doc.line(vec![Span::Bold(line.clone())]);
        let changed = outcome.changed();
        if changed == 0 {
            doc.text(ui.debate_result_unchanged.clone());
        } else {
            let mut moves = Vec::new();
            for from in Side::ALL {
                for to in Side::ALL {
                    let count = outcome.moved[from.index()][to.index()];
                    if from != to && count > 0 {
                        moves.push(fill(
                            &ui.debate_result_move,
                            &[
                                ("count", &count.to_string()),
                                ("from", app.side_label(lang, from)),
                                ("to", app.side_label(lang, to)),
                            ],
                        ));
                    }
                }
            }
            doc.text(fill(
                &ui.debate_result_changed,
                &[
                    ("count", &changed.to_string()),
                    ("moves", &moves.join(&ui.debate_result_move_separator)),
                ],
            ));
        }
    }
    if !quotes.is_empty() {
        doc.blank();
        let ranked = outcome.ranked();
        if ranked.is_empty() {
            doc.text(ui.debate_result_convinced_none.clone());
        } else {
            doc.line(vec![Span::Bold(fill(
                &ui.debate_result_convinced,
                &[("count", &outcome.convinced_by.to_string())],
            ))]);
            for (rank, (option, votes)) in ranked.into_iter().enumerate() {
                let Some(&Some(excerpt)) = quotes.get(option) else {
                    continue;
                };
                doc.text(fill(
                    &ui.debate_result_convinced_line,
                    &[
                        ("rank", &(rank + 1).to_string()),
                        ("quote", &app.quote_label(lang, motion, excerpt)),
                        ("votes", &votes.to_string()),
                    ],
                ));
                doc.text(format!(
                    "   {}",
                    view.citation(&app.corpus().excerpts[excerpt])
                ));
            }
        }
    }
    doc.blank();
    for line in app.camps(lang, motion) {
        doc.text(line);
    }
    doc
}

#[cfg(test)]
mod tests {
    use super::*;

    fn answer(round: Round, user_id: i64, options: u64) -> DebateAnswer {
        DebateAnswer {
            round,
            user_id,
            options,
        }
    }

    const FOR: u64 = 1;
    const AGAINST: u64 = 2;
    const UNDECIDED: u64 = 4;

    #[test]
    fn shares_count_every_voter_the_swing_only_those_who_voted_twice() {
        let answers = [
            // 1 and 2 go from against to for; 3 stays for; 4 from undecided to against.
            answer(Round::Before, 1, AGAINST),
            answer(Round::Before, 2, AGAINST),
            answer(Round::Before, 3, FOR),
            answer(Round::Before, 4, UNDECIDED),
            // 5 votes only before, 6 only after.
            answer(Round::Before, 5, AGAINST),
            answer(Round::After, 1, FOR),
            answer(Round::After, 2, FOR),
            answer(Round::After, 3, FOR),
            answer(Round::After, 4, AGAINST),
            answer(Round::After, 6, UNDECIDED),
            answer(Round::Convinced, 1, 0b101),
            answer(Round::Convinced, 2, 0b100),
        ];
        let o = Outcome::of(&answers, 3);
        assert_eq!(o.before, [1, 3, 1]);
        assert_eq!(o.after, [3, 1, 1]);
        assert_eq!(o.both(), 4);
        assert_eq!(o.both_before, [1, 2, 1]);
        assert_eq!(o.both_after, [3, 1, 0]);
        assert_eq!(o.gained(Side::For), 2);
        assert_eq!(o.gained(Side::Against), -1);
        assert_eq!((o.swing(Side::For), o.swing(Side::Against)), (50, -25));
        assert_eq!(o.verdict(), Verdict::Won(Side::For));
        assert_eq!(o.changed(), 3);
        assert_eq!(o.moved[1][0], 2);
        assert_eq!(o.moved[2][1], 1);
        assert_eq!(o.convinced, vec![1, 0, 2]);
        assert_eq!(o.convinced_by, 2);
        assert_eq!(o.ranked(), vec![(2, 2), (0, 1)]);
    }

    #[test]
    fn verdicts() {
        let none = Outcome::of(&[answer(Round::Before, 1, FOR)], 0);
        assert_eq!(none.verdict(), Verdict::NoSwing);
        let still = Outcome::of(
            &[answer(Round::Before, 1, FOR), answer(Round::After, 1, FOR)],
            0,
        );
        assert_eq!(still.verdict(), Verdict::Tied);
        assert_eq!(still.changed(), 0);
        // Both sides gain one from the undecided: a tie.
        let both = Outcome::of(
            &[
                answer(Round::Before, 1, UNDECIDED),
                answer(Round::Before, 2, UNDECIDED),
                answer(Round::After, 1, FOR),
                answer(Round::After, 2, AGAINST),
            ],
            0,
        );
        assert_eq!(both.verdict(), Verdict::Tied);
        let against = Outcome::of(
            &[
                answer(Round::Before, 1, FOR),
                answer(Round::After, 1, UNDECIDED),
            ],
            0,
        );
        assert_eq!(against.verdict(), Verdict::Won(Side::Against));
        assert_eq!(against.swing(Side::For), -100);
    }

    #[test]
    fn shares_and_signs() {
        assert_eq!(percent(1, 3), 33);
        assert_eq!(percent(2, 3), 67);
        assert_eq!(percent(1, 2), 50);
        assert_eq!(percent(1, 8), 13);
        assert_eq!(percent(0, 0), 0);
        assert_eq!(signed(20), "+20");
        assert_eq!(signed(-7), "\u{2212}7");
        assert_eq!(signed(0), "0");
    }
}
