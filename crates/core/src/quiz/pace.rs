//! What `/quiz` may ask for one quiz: `/quiz 10` (questions), `/quiz 20s` (seconds per
//! question), `/quiz 10 20s` or `/quiz 10 20` (both); anything else is refused with the range
//! allowed, and no quiz starts.

/// Seconds per question one quiz may ask for: `open_period` allows 5-600 on every Bot API
/// server (5-2,628,000 since Bot API 9.6); a question longer than 10 minutes serves no class.
pub const MIN_SECONDS: u32 = 5;
pub const MAX_SECONDS: u32 = 600;

/// What `/quiz ARGS` asked for; `None` is the chat's setting.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Pace {
    pub questions: Option<usize>,
    pub seconds: Option<u32>,
}

use crate::i18n::{UiText, fill};

/// Why `/quiz ARGS` starts nothing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refused {
    /// A number of questions outside 1 to the most allowed.
    Questions,
    /// Seconds outside [`MIN_SECONDS`]-[`MAX_SECONDS`].
    Seconds,
    /// Words that are neither.
    Usage,
}

impl Refused {
    /// The one line that says what is allowed, `max_questions` being the most a quiz may ask.
    pub fn line(self, ui: &UiText, max_questions: usize) -> String {
        let (min_s, max_s) = (MIN_SECONDS.to_string(), MAX_SECONDS.to_string());
        let max = max_questions.to_string();
        match self {
            Refused::Questions => fill(&ui.quiz_bad_count, &[("max", &max)]),
            Refused::Seconds => fill(&ui.quiz_bad_seconds, &[("min", &min_s), ("max", &max_s)]),
            Refused::Usage => fill(
                &ui.quiz_usage,
                &[
                    ("max", &max),
                    ("min_seconds", &min_s),
                    ("max_seconds", &max_s),
                ],
            ),
        }
    }
}

/// Reads `/quiz`'s words: at most a number of questions and a number of seconds (written `20s`,
/// `20秒`, or as the second bare number), each within range.
pub fn parse(args: &str, max_questions: usize) -> Result<Pace, Refused> {
    let mut pace = Pace::default();
    let words: Vec<&str> = args.split_whitespace().collect();
    if words.len() > 2 {
        return Err(Refused::Usage);
    }
    for word in words {
        let (digits, is_seconds) = match word
            .strip_suffix(['s', 'S'])
            .or_else(|| word.strip_suffix('秒'))
        {
            Some(digits) => (digits, true),
            None => (word, pace.questions.is_some()),
        };
        let number: i64 = digits.parse().map_err(|_| Refused::Usage)?;
        if is_seconds {
            if pace.seconds.is_some() {
                return Err(Refused::Usage);
            }
            let seconds = u32::try_from(number)
                .ok()
                .filter(|s| (MIN_SECONDS..=MAX_SECONDS).contains(s))
                .ok_or(Refused::Seconds)?;
            pace.seconds = Some(seconds);
        } else {
            let questions = usize::try_from(number)
                .ok()
                .filter(|n| (1..=max_questions).contains(n))
                .ok_or(Refused::Questions)?;
            pace.questions = Some(questions);
        }
    }
    Ok(pace)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ok(questions: Option<usize>, seconds: Option<u32>) -> Result<Pace, Refused> {
        Ok(Pace { questions, seconds })
    }

    #[test]
    fn questions_and_seconds_in_any_of_the_forms() {
        assert_eq!(parse("", 20), ok(None, None));
        assert_eq!(parse("10", 20), ok(Some(10), None));
        assert_eq!(parse("10 20s", 20), ok(Some(10), Some(20)));
        assert_eq!(parse("10 20", 20), ok(Some(10), Some(20)));
        assert_eq!(parse("20s", 20), ok(None, Some(20)));
        assert_eq!(parse("20S", 20), ok(None, Some(20)));
        assert_eq!(parse("20秒", 20), ok(None, Some(20)));
        assert_eq!(parse("20s 10", 20), ok(Some(10), Some(20)));
        assert_eq!(parse("  3   5s ", 20), ok(Some(3), Some(5)));
        assert_eq!(parse("1 600s", 20), ok(Some(1), Some(600)));
    }

    #[test]
    fn out_of_range_or_unreadable_is_refused() {
        for (args, refused) in [
            ("0", Refused::Questions),
            ("21", Refused::Questions),
            ("-1", Refused::Questions),
            ("99999999999999999999", Refused::Usage),
            ("10 4s", Refused::Seconds),
            ("10 601", Refused::Seconds),
            ("0s", Refused::Seconds),
            ("-5s", Refused::Seconds),
            ("abc", Refused::Usage),
            ("10 20s 30", Refused::Usage),
            ("20s 30s", Refused::Usage),
            ("s", Refused::Usage),
            ("10 x", Refused::Usage),
        ] {
            assert_eq!(parse(args, 20), Err(refused), "{args}");
        }
    }
}
