//! Debates and their votes (migration `0002_debates.sql`).
//!
//! A debate is open until `/debate close` or its deadline (`closed_at` set), then reported
//! once its result is posted (`reported_at` set). Votes are one row per user, the latest
//! choice; a retracted vote is deleted. Whether a vote counts (poll known, not closed more
//! than `GRACE_MS` ago, not past the deadline plus `GRACE_MS`) is decided inside the one
//! statement that writes it, so no check can race with a close.

use std::collections::HashMap;

use sqlx::Row;

use super::{Error, Recorded, Refusal, Store};
use crate::vocab::Place;
use crate::vocab::{DebateId, GRACE_MS, Millis, Side};

/// A debate as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DebateRow {
    pub id: DebateId,
    pub chat_id: i64,
    /// The forum topic it runs in, if any.
    pub thread_id: Option<i32>,
    pub motion_id: String,
    pub starter_id: i64,
    pub lang: String,
    pub started_at: Millis,
    pub deadline: Millis,
    pub poll_id: Option<String>,
    /// The poll's message, once posted.
    pub message_id: Option<i64>,
    pub closed_at: Option<Millis>,
    pub reported_at: Option<Millis>,
}

/// A new debate to store.
#[derive(Debug, Clone)]
pub struct NewDebate<'a> {
    pub place: Place,
    pub motion_id: &'a str,
    pub starter_id: i64,
    pub lang: &'a str,
    pub started_at: Millis,
    pub deadline: Millis,
}

/// Votes per side, at each [`Side::index`]: for, against, undecided.
pub type Tally = [u64; 3];

/// The debate polled as `?` is open at `?`: not closed, or closed less than `?` (GRACE_MS)
/// ago (a vote cast before the close and delivered late), and not past its deadline by more.
const OPEN: &str = "poll_id = ? AND ? <= COALESCE(closed_at, deadline) + ? AND ? <= deadline + ?";

const COLUMNS: &str = "id, chat_id, thread_id, motion_id, starter_id, lang, started_at, deadline, poll_id, message_id, closed_at, reported_at";

fn debate_row(row: &sqlx::sqlite::SqliteRow) -> DebateRow {
    DebateRow {
        id: row.get("id"),
        chat_id: row.get("chat_id"),
        thread_id: row.get("thread_id"),
        motion_id: row.get("motion_id"),
        starter_id: row.get("starter_id"),
        lang: row.get("lang"),
        started_at: row.get("started_at"),
        deadline: row.get("deadline"),
        poll_id: row.get("poll_id"),
        message_id: row.get("message_id"),
        closed_at: row.get("closed_at"),
        reported_at: row.get("reported_at"),
    }
}

impl DebateRow {
    /// Where the debate runs.
    pub fn place(&self) -> Place {
        Place::topic(self.chat_id, self.thread_id)
    }
}

impl Store {
    /// Stores a new debate, or `None` when the chat already has one open.
    pub async fn create_debate(&self, debate: &NewDebate<'_>) -> Result<Option<DebateId>, Error> {
        let _timer = super::timing::write("create_debate");
        let inserted = sqlx::query(
            "INSERT INTO debates (chat_id, thread_id, motion_id, starter_id, lang, started_at, deadline)
             VALUES (?, ?, ?, ?, ?, ?, ?)",
        )
        .bind(debate.place.chat)
        .bind(debate.place.thread)
        .bind(debate.motion_id)
        .bind(debate.starter_id)
        .bind(debate.lang)
        .bind(debate.started_at)
        .bind(debate.deadline)
        .execute(&self.pool)
        .await;
        match inserted {
            Ok(done) => Ok(Some(DebateId(done.last_insert_rowid()))),
            Err(sqlx::Error::Database(e)) if e.is_unique_violation() => Ok(None),
            Err(e) => Err(e.into()),
        }
    }

    pub async fn debate(&self, id: DebateId) -> Result<Option<DebateRow>, Error> {
        let row = sqlx::query(&format!("SELECT {COLUMNS} FROM debates WHERE id = ?"))
            .bind(id)
            .fetch_optional(&self.pool)
            .await?;
        Ok(row.as_ref().map(debate_row))
    }

    /// The open debate of a chat or forum topic, if any.
    pub async fn open_debate(&self, place: impl Into<Place>) -> Result<Option<DebateRow>, Error> {
        let place = place.into();
        let row = sqlx::query(&format!(
            "SELECT {COLUMNS} FROM debates WHERE chat_id = ? AND thread_id IS ? AND closed_at IS NULL"
        ))
        .bind(place.chat)
        .bind(place.thread)
        .fetch_optional(&self.pool)
        .await?;
        Ok(row.as_ref().map(debate_row))
    }

    /// Every debate whose result is not posted yet, for resuming after a restart.
    pub async fn unreported_debates(&self) -> Result<Vec<DebateRow>, Error> {
        let rows = sqlx::query(&format!(
            "SELECT {COLUMNS} FROM debates WHERE reported_at IS NULL ORDER BY id"
        ))
        .fetch_all(&self.pool)
        .await?;
        Ok(rows.iter().map(debate_row).collect())
    }

    /// Records that the debate's vote went out as poll `poll_id` in message `message_id`.
    pub async fn debate_poll_sent(
        &self,
        id: DebateId,
        poll_id: &str,
        message_id: i64,
    ) -> Result<(), Error> {
        let _timer = super::timing::write("debate_poll_sent");
        sqlx::query("UPDATE debates SET poll_id = ?, message_id = ? WHERE id = ?")
            .bind(poll_id)
            .bind(message_id)
            .bind(id)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// Closes the debate's vote at `at`; false when it was closed already.
    pub async fn close_debate(&self, id: DebateId, at: Millis) -> Result<bool, Error> {
        let _timer = super::timing::write("close_debate");
        let closed =
            sqlx::query("UPDATE debates SET closed_at = ? WHERE id = ? AND closed_at IS NULL")
                .bind(at)
                .bind(id)
                .execute(&self.pool)
                .await?
                .rows_affected();
        Ok(closed == 1)
    }

    /// Marks a closed debate's result as posted at `at`; false when someone else did first
    /// (so the result is posted once).
    pub async fn report_debate(&self, id: DebateId, at: Millis) -> Result<bool, Error> {
        let _timer = super::timing::write("report_debate");
        let reported = sqlx::query(
            "UPDATE debates SET reported_at = ?
             WHERE id = ? AND closed_at IS NOT NULL AND reported_at IS NULL",
        )
        .bind(at)
        .bind(id)
        .execute(&self.pool)
        .await?
        .rows_affected();
        Ok(reported == 1)
    }

    /// Whether `poll_id` is a debate's vote.
    pub async fn is_debate_poll(&self, poll_id: &str) -> Result<bool, Error> {
        Ok(sqlx::query("SELECT 1 FROM debates WHERE poll_id = ?")
            .bind(poll_id)
            .fetch_optional(&self.pool)
            .await?
            .is_some())
    }

    /// A vote in the debate polled as `poll_id`: `side` (stored as its [`Side::index`])
    /// replaces the user's earlier vote; `None` retracts it.
    ///
    /// The vote and, when it changed nothing, the question why are one transaction: a vote
    /// can arrive while its poll is being stored, and were the poll stored between the two,
    /// the vote would be refused as late when it came too early (and is tried again once the
    /// poll is stored).
    pub async fn record_vote(
        &self,
        poll_id: &str,
        user_id: i64,
        side: Option<Side>,
        at: Millis,
    ) -> Result<Recorded, Error> {
        let _timer = super::timing::write("vote");
        let upsert = format!(
            "INSERT INTO debate_votes (debate_id, user_id, option, voted_at)
             SELECT id, ?, ?, ? FROM debates WHERE {OPEN}
             ON CONFLICT (debate_id, user_id) DO UPDATE
             SET option = excluded.option, voted_at = excluded.voted_at"
        );
        let retract = format!(
            "DELETE FROM debate_votes WHERE user_id = ? AND debate_id =
             (SELECT id FROM debates WHERE {OPEN})"
        );
        let mut tx = self.pool.begin().await?;
        let done = match side {
            Some(side) => sqlx::query(&upsert)
                .bind(user_id)
                .bind(side.index() as i64)
                .bind(at),
            None => sqlx::query(&retract).bind(user_id),
        }
        .bind(poll_id)
        .bind(at)
        .bind(GRACE_MS)
        .bind(at)
        .bind(GRACE_MS)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        // Fault injection for tests/faults.rs (a poll stored right now); compiled out unless
        // fail's `failpoints` feature is on.
        fail::fail_point!("vote-recorded");
        let recorded = if done > 0 {
            Recorded::Counted
        } else {
            let known = sqlx::query("SELECT 1 FROM debates WHERE poll_id = ?")
                .bind(poll_id)
                .fetch_optional(&mut *tx)
                .await?
                .is_some();
            let is_open = format!("SELECT 1 FROM debates WHERE {OPEN}");
            let open = || {
                sqlx::query(&is_open)
                    .bind(poll_id)
                    .bind(at)
                    .bind(GRACE_MS)
                    .bind(at)
                    .bind(GRACE_MS)
            };
            match (known, side) {
                (false, _) => Recorded::UnknownPoll,
                // Retracting a vote nobody had cast changes nothing, and is no refusal.
                (true, None) if open().fetch_optional(&mut *tx).await?.is_some() => {
                    Recorded::Counted
                }
                (true, _) => Recorded::Refused(Refusal::Closed),
            }
        };
        tx.commit().await?;
        Ok(recorded)
    }

    /// How often each motion (by id) has been put to the vote of a chat or forum topic.
    pub async fn debated_motions(
        &self,
        place: impl Into<Place>,
    ) -> Result<HashMap<String, u32>, Error> {
        let place = place.into();
        let rows = sqlx::query(
            "SELECT motion_id, COUNT(*) AS times FROM debates
             WHERE chat_id = ? AND thread_id IS ? AND poll_id IS NOT NULL GROUP BY motion_id",
        )
        .bind(place.chat)
        .bind(place.thread)
        .fetch_all(&self.pool)
        .await?;
        Ok(rows
            .iter()
            .map(|r| (r.get("motion_id"), r.get::<i64, _>("times") as u32))
            .collect())
    }

    /// The debate's votes per side.
    pub async fn tally(&self, id: DebateId) -> Result<Tally, Error> {
        let rows = sqlx::query(
            "SELECT option, COUNT(*) AS votes FROM debate_votes WHERE debate_id = ? GROUP BY option",
        )
        .bind(id)
        .fetch_all(&self.pool)
        .await?;
        let mut tally = [0; 3];
        for row in rows {
            let option: i64 = row.get("option");
            if let Some(count) = usize::try_from(option).ok().and_then(|o| tally.get_mut(o)) {
                *count = row.get::<i64, _>("votes") as u64;
            }
        }
        Ok(tally)
    }
}
