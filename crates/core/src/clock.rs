//! Wall-clock time for the engines, which take the time as an argument rather than read it:
//! now, as a [`Millis`], a task that runs something at such a time, and how a time reads in
//! UTC ([`Utc`]).

use std::future::Future;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use crate::vocab::Millis;

/// Now: the engines' clock.
pub fn now_ms() -> Millis {
    Millis(
        SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.as_millis() as i64),
    )
}

/// Sleeps until `at` (at once if that has passed), then runs `then`, in a task of its own.
pub fn spawn_at(at: Millis, then: impl Future<Output = ()> + Send + 'static) {
    tokio::spawn(async move {
        let wait = (at - now_ms()).max(0) as u64;
        tokio::time::sleep(Duration::from_millis(wait)).await;
        then.await;
    });
}

/// A time as it reads in UTC, to the second.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Utc {
    pub year: i64,
    pub month: u32,
    pub day: u32,
    pub hour: u32,
    pub minute: u32,
    pub second: u32,
}

impl Utc {
    pub fn of(at: Millis) -> Utc {
        let seconds = at.0.div_euclid(1000);
        let (days, in_day) = (seconds.div_euclid(86_400), seconds.rem_euclid(86_400));
        // Howard Hinnant's `civil_from_days`: the proleptic Gregorian date of a day count.
        let z = days + 719_468;
        let era = z.div_euclid(146_097);
        let doe = z.rem_euclid(146_097);
        let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
        let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
        let year = yoe + era * 400 + i64::from(month <= 2);
        Utc {
            year,
            month,
            day,
            hour: (in_day / 3_600) as u32,
            minute: (in_day % 3_600 / 60) as u32,
            second: (in_day % 60) as u32,
        }
    }

    /// ISO 8601, as spreadsheets read it: `2024-07-12T08:05:09Z`.
    pub fn iso(&self) -> String {
        format!(
            "{}T{:02}:{:02}:{:02}Z",
            self.date(),
            self.hour,
            self.minute,
            self.second
        )
    }

    /// The date: `2024-07-12`.
    pub fn date(&self) -> String {
        format!("{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }

    /// To the minute, for people: `2024-07-12 08:05 UTC`.
    pub fn minute(&self) -> String {
        format!("{} {:02}:{:02} UTC", self.date(), self.hour, self.minute)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_read_in_utc() {
        let at = |ms| Utc::of(Millis(ms));
        assert_eq!(at(0).iso(), "1970-01-01T00:00:00Z");
        assert_eq!(at(1_720_742_400_000).iso(), "2024-07-12T00:00:00Z");
        assert_eq!(at(1_720_771_509_999).iso(), "2024-07-12T08:05:09Z");
        assert_eq!(at(1_720_771_509_999).minute(), "2024-07-12 08:05 UTC");
        // Leap days, the turn of a year and of a century, and a time before 1970.
        assert_eq!(at(951_782_400_000).date(), "2000-02-29");
        assert_eq!(at(1_709_164_800_000).date(), "2024-02-29");
        assert_eq!(at(1_704_067_199_000).iso(), "2023-12-31T23:59:59Z");
        assert_eq!(at(4_107_542_400_000).date(), "2100-03-01");
        assert_eq!(at(-1_000).iso(), "1969-12-31T23:59:59Z");
    }
}
