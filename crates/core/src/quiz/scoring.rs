//! The one scoring rule: how an answer scores, how a player's answers add up, and who ranks
//! above whom. The podium of a quiz ([`super::results`]) and the chat's leaderboard (/top) both
//! rank through [`rank`], by a chat's [`Scoring`].
//!
//! By right answers (the default): most right answers first, then the least total answer time.
//! By points (Kahoot's rule): a right answer is worth 1,000 points when given the instant the
//! poll opens, falling linearly to 500 at its close; a wrong answer, or none, is worth 0. Most
//! points first, then the least total answer time.

use std::collections::BTreeMap;

use crate::store::AnswerRow;
use crate::vocab::Scoring;

/// Points for a right answer given the instant the poll opened.
pub const MAX_POINTS: u64 = 1_000;
/// Points for a right answer given as the poll closed.
pub const MIN_RIGHT_POINTS: u64 = 500;

/// The points of one answer: 0 when wrong; when right, 1,000 at `took_ms` 0 falling linearly
/// to 500 at `open_ms` (the poll's open period), rounded, and never outside 500-1,000 (an answer
/// the store capped at the close, or a clock that stepped back, stays in range).
pub fn points(correct: bool, took_ms: i64, open_ms: i64) -> u64 {
    if !correct {
        return 0;
    }
    if open_ms <= 0 {
        return MAX_POINTS;
    }
    let took = took_ms.clamp(0, open_ms) as u128;
    let open = open_ms as u128;
    // (1000 × open − 500 × took) / open, rounded half up, in integers.
    let scaled = u128::from(MAX_POINTS) * open - u128::from(MAX_POINTS - MIN_RIGHT_POINTS) * took;
    ((scaled * 2 + open) / (open * 2)) as u64
}

impl AnswerRow {
    /// This answer's points (see [`points`]).
    pub fn points(&self) -> u64 {
        points(self.correct, self.took_ms, self.open_ms)
    }
}

/// One participant's answers added up.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Score {
    pub user_id: i64,
    pub name: String,
    pub correct: usize,
    pub answered: usize,
    pub took_ms: i64,
    pub points: u64,
}

/// Everyone who answered, ranked by `scoring`: best first, ties to the faster, then by user id.
pub fn rank<'a>(answers: impl IntoIterator<Item = &'a AnswerRow>, scoring: Scoring) -> Vec<Score> {
    let mut by_user: BTreeMap<i64, Score> = BTreeMap::new();
    for a in answers {
        let score = by_user.entry(a.user_id).or_insert_with(|| Score {
            user_id: a.user_id,
            name: a.name.clone(),
            correct: 0,
            answered: 0,
            took_ms: 0,
            points: 0,
        });
        score.correct += usize::from(a.correct);
        score.answered += 1;
        score.took_ms += a.took_ms.max(0);
        score.points += a.points();
    }
    let mut scores: Vec<Score> = by_user.into_values().collect();
    let key = |s: &Score| match scoring {
        Scoring::Right => s.correct as u64,
        Scoring::Points => s.points,
    };
    scores.sort_by_key(|s| (std::cmp::Reverse(key(s)), s.took_ms, s.user_id));
    scores
}

#[cfg(test)]
mod tests {
    use super::*;

    fn answer(user_id: i64, correct: bool, took_ms: i64) -> AnswerRow {
        AnswerRow {
            user_id,
            name: format!("u{user_id}"),
            idx: 0,
            option: 0,
            correct,
            took_ms,
            open_ms: 20_000,
        }
    }

    #[test]
    fn points_fall_linearly_from_1000_to_500_and_wrong_is_0() {
        assert_eq!(points(true, 0, 20_000), 1_000);
        assert_eq!(points(true, 10_000, 20_000), 750);
        assert_eq!(points(true, 20_000, 20_000), 500);
        assert_eq!(points(true, 5_000, 20_000), 875);
        // Rounded: 1000 − 500 × 1/3 = 833.3…
        assert_eq!(points(true, 10_000, 30_000), 833);
        // Half a point rounds up: 1000 − 500 × 1/1000 = 999.5 → 1000.
        assert_eq!(points(true, 1, 1_000), 1_000);
        assert_eq!(points(false, 0, 20_000), 0);
        assert_eq!(points(false, 20_000, 20_000), 0);
        // Clamped to [500, 1000].
        assert_eq!(points(true, 90_000, 20_000), 500);
        assert_eq!(points(true, -5, 20_000), 1_000);
        assert_eq!(points(true, 0, 0), 1_000);
    }

    #[test]
    fn points_rank_the_fast_above_the_many() {
        // u1: two right answers, both at the close (1000 points); u2: one right, instant
        // (1000 points) and one wrong, faster in total; u3: three right mid-way (2250).
        let answers = [
            answer(1, true, 20_000),
            answer(1, true, 20_000),
            answer(2, true, 0),
            answer(2, false, 1_000),
            answer(3, true, 10_000),
            answer(3, true, 10_000),
            answer(3, true, 10_000),
        ];
        let by_points: Vec<(i64, u64)> = rank(&answers, Scoring::Points)
            .iter()
            .map(|s| (s.user_id, s.points))
            .collect();
        assert_eq!(by_points, [(3, 2_250), (2, 1_000), (1, 1_000)]);
        let by_right: Vec<(i64, usize)> = rank(&answers, Scoring::Right)
            .iter()
            .map(|s| (s.user_id, s.correct))
            .collect();
        assert_eq!(by_right, [(3, 3), (1, 2), (2, 1)]);
    }
}
