//! What `/assign` may say: `/assign list`, `/assign close [n]`, or new homework with at most
//! a number of questions and seconds each (as `/quiz` reads them: `10`, `20s`) and a
//! deadline, as a duration (`90m`, `36h`, `2d`; 10 minutes to 14 days) or as an end time in
//! the bot's time zone (`2026-12-10 18:00`). Anything else is refused, with the forms, and
//! nothing is assigned.

use jiff::civil::DateTime;
use jiff::tz::TimeZone;

use crate::quiz::pace::{self, Pace};
use crate::vocab::Millis;

/// The shortest time homework may be open.
pub const MIN_OPEN_MS: i64 = 10 * 60 * 1000;
/// The longest: two weeks.
pub const MAX_OPEN_MS: i64 = 14 * 24 * 60 * 60 * 1000;

/// What `/assign ARGS` asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Assign {
    /// The chat's open homework.
    List,
    /// End homework now: the one numbered so, or the only one open.
    Close(Option<i64>),
    /// New homework: its pace (`None`: the chat's settings), and its deadline (`None`: the
    /// config's default).
    New {
        pace: Pace,
        deadline: Option<Millis>,
    },
}

/// Why `/assign ARGS` assigns nothing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refused {
    /// The words are none of the forms (or a quiz's pace out of range: `pace`'s reason).
    Usage,
    Pace(pace::Refused),
    /// The deadline is less than 10 minutes away, more than 14 days, or past.
    Deadline,
}

/// Reads `/assign`'s words at `now`, an end time read in `tz`.
pub fn parse(
    args: &str,
    now: Millis,
    tz: &TimeZone,
    max_questions: usize,
) -> Result<Assign, Refused> {
    let words: Vec<&str> = args.split_whitespace().collect();
    match words.as_slice() {
        [word] if word.eq_ignore_ascii_case("list") => return Ok(Assign::List),
        [word] if word.eq_ignore_ascii_case("close") => return Ok(Assign::Close(None)),
        [word, n] if word.eq_ignore_ascii_case("close") => {
            let n: i64 = n
                .trim_start_matches('#')
                .parse()
                .map_err(|_| Refused::Usage)?;
            return if n >= 1 {
                Ok(Assign::Close(Some(n)))
            } else {
                Err(Refused::Usage)
            };
        }
        _ => {}
    }
    let mut deadline = None;
    let mut rest = Vec::new();
    let mut i = 0;
    while i < words.len() {
        let word = words[i];
        if let Some(at) = end_time(word, words.get(i + 1).copied(), tz) {
            if deadline.is_some() {
                return Err(Refused::Usage);
            }
            deadline = Some(at.ok_or(Refused::Deadline)?);
            i += 2;
            continue;
        }
        if let Some(ms) = duration(word) {
            if deadline.is_some() {
                return Err(Refused::Usage);
            }
            deadline = Some(now + ms.ok_or(Refused::Deadline)?);
            i += 1;
            continue;
        }
        rest.push(word);
        i += 1;
    }
    if let Some(at) = deadline
        && !(MIN_OPEN_MS..=MAX_OPEN_MS).contains(&(at - now))
    {
        return Err(Refused::Deadline);
    }
    let pace = pace::parse(&rest.join(" "), max_questions).map_err(|refused| match refused {
        pace::Refused::Usage => Refused::Usage,
        other => Refused::Pace(other),
    })?;
    Ok(Assign::New { pace, deadline })
}

/// `word` as a duration: a number and a unit, `m`/`min`/`分钟`, `h`/`小时`, `d`/`天`. `None`
/// when it is no duration; `Some(None)` when it is one too large to hold.
fn duration(word: &str) -> Option<Option<i64>> {
    const UNITS: [(&str, i64); 7] = [
        ("min", 60_000),
        ("分钟", 60_000),
        ("m", 60_000),
        ("小时", 3_600_000),
        ("h", 3_600_000),
        ("天", 86_400_000),
        ("d", 86_400_000),
    ];
    let lower = word.to_lowercase();
    UNITS.iter().find_map(|&(unit, ms)| {
        let digits = lower.strip_suffix(unit)?;
        if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        Some(digits.parse::<i64>().ok().and_then(|n| n.checked_mul(ms)))
    })
}

/// `date time` (`2026-12-10 18:00`) as the time it names in `tz`. `None` when `date` is no
/// date; `Some(None)` when the two do not name a time that exists there.
fn end_time(date: &str, time: Option<&str>, tz: &TimeZone) -> Option<Option<Millis>> {
    if date.len() != 10 || date.as_bytes().get(4) != Some(&b'-') {
        return None;
    }
    let time = time?;
    let civil = DateTime::strptime("%Y-%m-%d %H:%M", format!("{date} {time}")).ok();
    Some(civil.and_then(|civil| {
        let zoned = civil.to_zoned_datetime(tz.clone()).ok()?;
        Some(Millis(zoned.timestamp().as_millisecond()))
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    const DAY: i64 = 86_400_000;

    /// 2026-12-07 12:00 in Shanghai (UTC+8), 04:00 UTC.
    fn now() -> Millis {
        Millis(1_796_616_000_000)
    }

    fn shanghai() -> TimeZone {
        TimeZone::get("Asia/Shanghai").unwrap()
    }

    fn new(questions: Option<usize>, seconds: Option<u32>, deadline: Option<Millis>) -> Assign {
        Assign::New {
            pace: Pace { questions, seconds },
            deadline,
        }
    }

    #[test]
    fn the_forms_the_issue_lists() {
        let tz = shanghai();
        let read = |args| parse(args, now(), &tz, 20);
        assert_eq!(read(""), Ok(new(None, None, None)));
        assert_eq!(read("10"), Ok(new(Some(10), None, None)));
        assert_eq!(
            read("10 2d"),
            Ok(new(Some(10), None, Some(now() + 2 * DAY)))
        );
        assert_eq!(
            read("10 20s 3d"),
            Ok(new(Some(10), Some(20), Some(now() + 3 * DAY)))
        );
        // 2026-12-10 18:00 in Shanghai is 10:00 UTC.
        let thursday = Millis(1_796_896_800_000);
        assert_eq!(
            read("10 2026-12-10 18:00"),
            Ok(new(Some(10), None, Some(thursday)))
        );
        assert_eq!(read("90m"), Ok(new(None, None, Some(now() + 90 * 60_000))));
        assert_eq!(
            read("36H"),
            Ok(new(None, None, Some(now() + 36 * 3_600_000)))
        );
        assert_eq!(read("2天 5"), Ok(new(Some(5), None, Some(now() + 2 * DAY))));
        assert_eq!(read("list"), Ok(Assign::List));
        assert_eq!(read("close"), Ok(Assign::Close(None)));
        assert_eq!(read("close 2"), Ok(Assign::Close(Some(2))));
        assert_eq!(read("CLOSE #3"), Ok(Assign::Close(Some(3))));
    }

    #[test]
    fn deadlines_from_ten_minutes_to_fourteen_days() {
        let tz = shanghai();
        let read = |args| parse(args, now(), &tz, 20);
        assert_eq!(read("10m"), Ok(new(None, None, Some(now() + MIN_OPEN_MS))));
        assert_eq!(read("14d"), Ok(new(None, None, Some(now() + MAX_OPEN_MS))));
        for refused in [
            "9m",
            "15d",
            "0d",
            "2026-12-07 12:05",
            "2026-12-01 18:00",
            "2027-01-30 09:00",
        ] {
            assert_eq!(read(refused), Err(Refused::Deadline), "{refused}");
        }
        // A time that does not exist is no deadline either.
        assert_eq!(read("2026-12-10 25:00"), Err(Refused::Deadline));
        assert_eq!(read("99999999999999999d"), Err(Refused::Deadline));
    }

    #[test]
    fn anything_else_is_refused() {
        let tz = shanghai();
        let read = |args| parse(args, now(), &tz, 20);
        for usage in [
            "soon",
            "2d 3d",
            "10 20s 3d x",
            "close x",
            "close 0",
            "list 2",
            "2026-12-10",
            "1 2 3",
            "-2d",
            "d",
            "2.5d",
        ] {
            assert_eq!(read(usage), Err(Refused::Usage), "{usage}");
        }
        assert_eq!(read("21"), Err(Refused::Pace(pace::Refused::Questions)));
        assert_eq!(read("10 2s"), Err(Refused::Pace(pace::Refused::Seconds)));
    }
}
