//! Debates, their polls and answers (migrations `0002_debates.sql`, `0009_debate_rounds.sql`).
//!
//! A debate's first vote is open until its second vote opens (`second_at` set); the second
//! vote and the convinced poll are open until the debate closes (`closed_at` set); then the
//! result is posted once (`reported_at` set). An answer is one row per person and poll, the
//! latest choice; a retracted answer is deleted. Whether an answer counts (poll known, not
//! closed more than `GRACE_MS` ago) is decided inside the one statement that writes it, so no
//! check can race with a close.

use std::collections::HashMap;

use sqlx::Row;

use super::{Error, Recorded, Refusal, Store};
use crate::vocab::Place;
use crate::vocab::{DebateId, GRACE_MS, Millis, Round};

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
    /// When the first vote closes by itself.
    pub deadline: Millis,
    /// When the first vote closed and the second opened.
    pub second_at: Option<Millis>,
    /// When the second vote closes by itself.
    pub second_deadline: Option<Millis>,
    /// When voting ended.
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

/// A poll a debate put.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DebatePollRow {
    pub debate_id: DebateId,
    pub round: Round,
    pub poll_id: String,
    pub message_id: i64,
    /// For the convinced poll, the excerpt ids its options name, in order; empty for a vote.
    pub options: Vec<String>,
}

/// Someone's latest answer to one of a debate's polls: the options chosen, as bits (option n
/// is `1 << n`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DebateAnswer {
    pub round: Round,
    pub user_id: i64,
    pub options: u64,
}

/// When poll `p` of debate `d` closes: the first vote when the second opens (or the debate
/// closes, for a debate closed in its first vote); the others when the debate closes.
const CLOSES: &str =
    "CASE WHEN p.round = 0 THEN COALESCE(d.second_at, d.closed_at) ELSE d.closed_at END";

const COLUMNS: &str = "id, chat_id, thread_id, motion_id, starter_id, lang, started_at, deadline, second_at, second_deadline, closed_at, reported_at";

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
        second_at: row.get("second_at"),
        second_deadline: row.get("second_deadline"),
        closed_at: row.get("closed_at"),
        reported_at: row.get("reported_at"),
    }
}

fn poll_row(row: &sqlx::sqlite::SqliteRow) -> Option<DebatePollRow> {
    let options: String = row.get("options");
    Some(DebatePollRow {
        debate_id: row.get("debate_id"),
        round: Round::of_index(row.get("round"))?,
        poll_id: row.get("poll_id"),
        message_id: row.get("message_id"),
        options: options.split_whitespace().map(str::to_string).collect(),
    })
}

impl DebateRow {
    /// Where the debate runs.
    pub fn place(&self) -> Place {
        Place::topic(self.chat_id, self.thread_id)
    }
}

impl Store {
    /// Stores a new debate, or `None` when the chat already has one running.
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

    /// The running debate (one of its votes open) of a chat or forum topic, if any.
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

    /// Records that the debate's `round` went out as poll `poll_id` in message `message_id`,
    /// its options naming the excerpts `options` (the convinced poll) or none (a vote).
    pub async fn debate_poll_sent(
        &self,
        id: DebateId,
        round: Round,
        poll_id: &str,
        message_id: i64,
        options: &[&str],
    ) -> Result<(), Error> {
        let _timer = super::timing::write("debate_poll_sent");
        sqlx::query(
            "INSERT INTO debate_polls (poll_id, debate_id, round, message_id, options)
             VALUES (?, ?, ?, ?, ?)
             ON CONFLICT (debate_id, round) DO NOTHING",
        )
        .bind(poll_id)
        .bind(id)
        .bind(round.index() as i64)
        .bind(message_id)
        .bind(options.join(" "))
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// The polls the debate put, in round order.
    pub async fn debate_polls(&self, id: DebateId) -> Result<Vec<DebatePollRow>, Error> {
        let rows = sqlx::query(
            "SELECT poll_id, debate_id, round, message_id, options FROM debate_polls
             WHERE debate_id = ? ORDER BY round",
        )
        .bind(id)
        .fetch_all(&self.pool)
        .await?;
        Ok(rows.iter().filter_map(poll_row).collect())
    }

    /// The debate poll `poll_id`, if it is one.
    pub async fn debate_poll(&self, poll_id: &str) -> Result<Option<DebatePollRow>, Error> {
        let row = sqlx::query(
            "SELECT poll_id, debate_id, round, message_id, options FROM debate_polls
             WHERE poll_id = ?",
        )
        .bind(poll_id)
        .fetch_optional(&self.pool)
        .await?;
        Ok(row.as_ref().and_then(poll_row))
    }

    /// Closes the first vote and opens the second at `at`, until `deadline`; false when that
    /// happened already or the debate is closed.
    pub async fn open_second_vote(
        &self,
        id: DebateId,
        at: Millis,
        deadline: Millis,
    ) -> Result<bool, Error> {
        let _timer = super::timing::write("open_second_vote");
        let opened = sqlx::query(
            "UPDATE debates SET second_at = ?, second_deadline = ?
             WHERE id = ? AND second_at IS NULL AND closed_at IS NULL",
        )
        .bind(at)
        .bind(deadline)
        .bind(id)
        .execute(&self.pool)
        .await?
        .rows_affected();
        Ok(opened == 1)
    }

    /// Ends the debate's voting at `at`; false when it had ended already.
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

    /// An answer to the debate poll `poll_id`: `options` (bits, option n being `1 << n`)
    /// replace the user's earlier answer to it; `None` retracts it. It counts while the poll is
    /// open, or closed less than `GRACE_MS` before `at` (cast before the close, delivered
    /// late; Telegram takes no vote on a stopped poll, so one that comes was cast before).
    ///
    /// The answer and, when it changed nothing, the question why are one transaction: an
    /// answer can arrive while its poll is being stored, and were the poll stored between the
    /// two, it would be refused as late when it came too early (and is tried again once the
    /// poll is stored).
    pub async fn record_debate_answer(
        &self,
        poll_id: &str,
        user_id: i64,
        options: Option<u64>,
        at: Millis,
    ) -> Result<Recorded, Error> {
        let _timer = super::timing::write("vote");
        let open = format!(
            "FROM debate_polls p JOIN debates d ON d.id = p.debate_id
             WHERE p.poll_id = ?1 AND COALESCE({CLOSES} + ?3, ?2) >= ?2"
        );
        let upsert = format!(
            "INSERT INTO debate_answers (debate_id, round, user_id, options, voted_at)
             SELECT p.debate_id, p.round, ?4, ?5, ?2 {open}
             ON CONFLICT (debate_id, round, user_id) DO UPDATE
             SET options = excluded.options, voted_at = excluded.voted_at"
        );
        let retract = format!(
            "DELETE FROM debate_answers WHERE user_id = ?4 AND (debate_id, round) IN
             (SELECT p.debate_id, p.round {open})"
        );
        let mut tx = self.pool.begin().await?;
        let done = match options {
            Some(bits) => sqlx::query(&upsert)
                .bind(poll_id)
                .bind(at)
                .bind(GRACE_MS)
                .bind(user_id)
                .bind(bits as i64),
            None => sqlx::query(&retract)
                .bind(poll_id)
                .bind(at)
                .bind(GRACE_MS)
                .bind(user_id),
        }
        .execute(&mut *tx)
        .await?
        .rows_affected();
        // Fault injection for tests/faults.rs (a poll stored right now); compiled out unless
        // fail's `failpoints` feature is on.
        fail::fail_point!("vote-recorded");
        let recorded = if done > 0 {
            Recorded::Counted
        } else {
            let known = sqlx::query("SELECT 1 FROM debate_polls WHERE poll_id = ?")
                .bind(poll_id)
                .fetch_optional(&mut *tx)
                .await?
                .is_some();
            let is_open = format!("SELECT 1 {open}");
            let still_open = || sqlx::query(&is_open).bind(poll_id).bind(at).bind(GRACE_MS);
            match (known, options) {
                (false, _) => Recorded::UnknownPoll,
                // Retracting an answer nobody had given changes nothing, and is no refusal.
                (true, None) if still_open().fetch_optional(&mut *tx).await?.is_some() => {
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
            "SELECT motion_id, COUNT(*) AS times FROM debates d
             WHERE chat_id = ? AND thread_id IS ?
               AND EXISTS (SELECT 1 FROM debate_polls p WHERE p.debate_id = d.id AND p.round = 0)
             GROUP BY motion_id",
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

    /// Every answer given in the debate, each person's latest to each poll.
    pub async fn debate_answers(&self, id: DebateId) -> Result<Vec<DebateAnswer>, Error> {
        let rows = sqlx::query(
            "SELECT round, user_id, options FROM debate_answers WHERE debate_id = ?
             ORDER BY round, user_id",
        )
        .bind(id)
        .fetch_all(&self.pool)
        .await?;
        Ok(rows
            .iter()
            .filter_map(|r| {
                Some(DebateAnswer {
                    round: Round::of_index(r.get("round"))?,
                    user_id: r.get("user_id"),
                    options: r.get::<i64, _>("options") as u64,
                })
            })
            .collect())
    }
}
