//! Persistence: one SQLite database through sqlx, schema migrations in
//! `src/store/migrations/`. What quizzes need to survive a restart is in [`quizzes`], what
//! debates need in [`debates`], chats' settings in [`settings`]; here are opening the database,
//! moving an upgraded group, and forgetting a user everywhere. Every method answers a
//! [`Error`] of its own when the database fails.
//!
//! It speaks the [`crate::vocab`] (times, quiz and debate ids, sides, questions as dealt) and
//! decides nothing a quiz or a debate does: whether an answer or a vote counts is the one
//! thing it settles, inside the statement that writes it.

use std::str::FromStr;
use std::sync::Arc;
use std::time::Duration;

use futures::future::BoxFuture;
use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous,
};
use tokio::sync::mpsc;

use crate::vocab::Millis;

mod columns;
mod debates;
mod homework;
mod quizzes;
mod schema;
mod settings;
mod timing;
pub use debates::{DebateAnswer, DebatePollRow, DebateRow, NewDebate};
pub use homework::{AssignmentRow, NewAssignment, Progress};
pub use quizzes::{Answer, AnswerRow, NewQuiz, QuestionRow, QuizRow, RecordedQuiz};
pub use timing::{Listener, WRITES, report_writes_to};

/// What went wrong with the database.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// `storage.database` is no SQLite URL.
    #[error("storage.database is not a valid SQLite URL: {url}")]
    Url {
        url: String,
        #[source]
        source: sqlx::Error,
    },
    /// The database could not be opened (or created).
    #[error("cannot open the database {url}")]
    Open {
        url: String,
        #[source]
        source: sqlx::Error,
    },
    /// The migrations embedded in the binary could not be read.
    #[error("cannot read the database schema's migrations")]
    Migrations(#[source] sqlx::migrate::MigrateError),
    /// Its schema could not be brought up to date.
    #[error("cannot bring the database schema up to date")]
    Migrate(#[source] sqlx::migrate::MigrateError),
    /// The chats' settings, read once at opening, could not be read.
    #[error("cannot read the chats' settings")]
    Settings(#[source] sqlx::Error),
    /// A statement failed: a locked database, a full disk, a connection lost.
    #[error(transparent)]
    Sqlx(#[from] sqlx::Error),
    /// The batch an answer was in could not be committed (the error is shared by the batch).
    #[error("cannot store the answer: {0}")]
    Answer(Arc<sqlx::Error>),
    /// The task that writes answers is gone (the runtime is shutting down).
    #[error("the answer writer has stopped")]
    WriterStopped,
    /// A stored value is not what this code writes there.
    #[error("corrupt data in the database: {what}")]
    Corrupt {
        what: &'static str,
        #[source]
        source: serde_json::Error,
    },
}

/// The starter of a quiz or debate whose starter asked to be forgotten: no Telegram user has
/// id 0, so nobody is its starter any more.
pub const NOBODY: i64 = 0;

/// The database.
#[derive(Debug, Clone)]
pub struct Store {
    pool: SqlitePool,
    answers: mpsc::Sender<quizzes::Pending>,
    /// Every chat's own settings (see [`settings`]).
    settings: Arc<settings::Settings>,
}

/// What became of a poll answer: a quiz answer or a debate vote.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Recorded {
    /// Stored: it counts.
    Counted,
    /// It does not count, for this reason.
    Refused(Refusal),
    /// No quiz question or debate has this poll id (yet: it may have been sent a moment ago).
    UnknownPoll,
}

/// Why a poll answer does not count.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    /// The bot stopped the quiz poll, or closed the debate's vote, before the answer came
    /// (beyond the grace for answers on their way).
    Closed,
    /// The user had answered this quiz question already (a quiz answer cannot be changed).
    Repeated,
    /// No answer the poll allows: a retracted quiz answer, an option the vote does not have.
    Invalid,
    /// The voter is no user (a channel): the bot's polls are not anonymous.
    Anonymous,
}

impl Store {
    /// Opens (creating if needed) the database at `url` (`sqlite://path` or `sqlite::memory:`)
    /// and brings its schema up to date.
    /// Boxed, so that its future is compiled here once, not in every crate that opens a store
    /// (see `Core::handle`).
    pub fn open(url: &str) -> BoxFuture<'_, Result<Store, Error>> {
        Box::pin(Store::open_now(url))
    }

    async fn open_now(url: &str) -> Result<Store, Error> {
        let options = SqliteConnectOptions::from_str(url)
            .map_err(|source| Error::Url {
                url: url.to_string(),
                source,
            })?
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Full)
            .busy_timeout(Duration::from_secs(5))
            .foreign_keys(true);
        // Each connection to an in-memory database is a database of its own: keep one.
        let connections = if url.contains(":memory:") { 1 } else { 4 };
        let pool = SqlitePoolOptions::new()
            .max_connections(connections)
            .connect_with(options)
            .await
            .map_err(|source| Error::Open {
                url: url.to_string(),
                source,
            })?;
        schema::migrator()
            .await
            .map_err(Error::Migrations)?
            .run(&pool)
            .await
            .map_err(Error::Migrate)?;
        let settings = settings::Settings::load(&pool)
            .await
            .map_err(Error::Settings)?;
        let (answers, queue) = mpsc::channel(quizzes::BATCH * 8);
        tokio::spawn(quizzes::write_answers(pool.clone(), queue));
        Ok(Store {
            pool,
            answers,
            settings: Arc::new(settings),
        })
    }

    /// Moves everything kept under the basic group `old` to the supergroup `new` it was
    /// upgraded to (Telegram gives the group a new id): quizzes with their questions and
    /// answers (and so the leaderboard), debates with their votes, homework, and the group's
    /// settings (unless the supergroup has settings of its own already; its leaderboard period
    /// in any case). One transaction; doing it again moves nothing, so the service message and
    /// a refused call may both trigger it, in either order. Should `new` already run a quiz or
    /// a debate of its own (started there before the move was seen), the old chat's running
    /// one is ended rather than clash with it. Answers how many quizzes, debates and
    /// assignments moved.
    pub async fn migrate_chat(&self, old: i64, new: i64, at: Millis) -> Result<u64, Error> {
        if old == new {
            return Ok(0);
        }
        let _timer = timing::write("migrate_chat");
        let _writing = self.settings.write().await;
        let mut tx = self.pool.begin().await?;
        sqlx::query(
            "UPDATE quizzes SET finished_at = ? WHERE chat_id = ? AND finished_at IS NULL
             AND EXISTS (SELECT 1 FROM quizzes n WHERE n.chat_id = ? AND n.finished_at IS NULL
                         AND n.thread_id IS quizzes.thread_id)",
        )
        .bind(at)
        .bind(old)
        .bind(new)
        .execute(&mut *tx)
        .await?;
        sqlx::query(
            "UPDATE debates SET closed_at = ?, reported_at = ? WHERE chat_id = ? AND closed_at IS NULL
             AND EXISTS (SELECT 1 FROM debates n WHERE n.chat_id = ? AND n.closed_at IS NULL
                         AND n.thread_id IS debates.thread_id)",
        )
        .bind(at)
        .bind(at)
        .bind(old)
        .bind(new)
        .execute(&mut *tx)
        .await?;
        let quizzes = sqlx::query("UPDATE quizzes SET chat_id = ? WHERE chat_id = ?")
            .bind(new)
            .bind(old)
            .execute(&mut *tx)
            .await?
            .rows_affected();
        let debates = sqlx::query("UPDATE debates SET chat_id = ? WHERE chat_id = ?")
            .bind(new)
            .bind(old)
            .execute(&mut *tx)
            .await?
            .rows_affected();
        // Homework keeps its numbers, after any the supergroup has of its own.
        let (offset,): (i64,) =
            sqlx::query_as("SELECT COALESCE(MAX(number), 0) FROM assignments WHERE chat_id = ?")
                .bind(new)
                .fetch_one(&mut *tx)
                .await?;
        let assignments = sqlx::query(
            "UPDATE assignments SET chat_id = ?, number = number + ? WHERE chat_id = ?",
        )
        .bind(new)
        .bind(offset)
        .bind(old)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        sqlx::query(
            "UPDATE OR IGNORE chat_settings SET chat_id = ? WHERE chat_id = ?
             AND NOT EXISTS (SELECT 1 FROM chat_settings n WHERE n.chat_id = ?)",
        )
        .bind(new)
        .bind(old)
        .bind(new)
        .execute(&mut *tx)
        .await?;
        // Where the supergroup kept settings of its own, the group's leaderboard period still
        // holds there: the later of the two.
        sqlx::query(
            "UPDATE chat_settings SET top_since = MAX(IFNULL(top_since, 0), o.since)
             FROM (SELECT top_since AS since FROM chat_settings WHERE chat_id = ?) AS o
             WHERE chat_id = ? AND o.since IS NOT NULL",
        )
        .bind(old)
        .bind(new)
        .execute(&mut *tx)
        .await?;
        sqlx::query("DELETE FROM chat_settings WHERE chat_id = ?")
            .bind(old)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        self.settings.moved(old, new);
        Ok(quizzes + debates + assignments)
    }

    /// Deletes a user's quiz answers, debate votes, homework attempts, name and private chat
    /// everywhere, and takes them off the quizzes, debates and assignments they started (the
    /// starter becomes [`NOBODY`], running ones included: those go on by their timers, and an
    /// admin may still stop them, but the bot no longer knows the forgotten user as their
    /// starter); returns how many answers and votes went.
    pub async fn forget(&self, user_id: i64) -> Result<u64, Error> {
        let _timer = timing::write("forget");
        let mut tx = self.pool.begin().await?;
        let answers = sqlx::query("DELETE FROM answers WHERE user_id = ?")
            .bind(user_id)
            .execute(&mut *tx)
            .await?
            .rows_affected();
        let votes = sqlx::query("DELETE FROM debate_answers WHERE user_id = ?")
            .bind(user_id)
            .execute(&mut *tx)
            .await?
            .rows_affected();
        sqlx::query("DELETE FROM users WHERE user_id = ?")
            .bind(user_id)
            .execute(&mut *tx)
            .await?;
        // An attempt at homework is nobody's once its student is forgotten: it goes whole.
        sqlx::query(
            "DELETE FROM questions WHERE quiz_id IN
                 (SELECT id FROM quizzes WHERE starter_id = ? AND assignment_id IS NOT NULL)",
        )
        .bind(user_id)
        .execute(&mut *tx)
        .await?;
        sqlx::query("DELETE FROM quizzes WHERE starter_id = ? AND assignment_id IS NOT NULL")
            .bind(user_id)
            .execute(&mut *tx)
            .await?;
        sqlx::query("DELETE FROM private_chats WHERE user_id = ?")
            .bind(user_id)
            .execute(&mut *tx)
            .await?;
        sqlx::query(
            "UPDATE assignments SET teacher_id = ?, teacher_name = '' WHERE teacher_id = ?",
        )
        .bind(NOBODY)
        .bind(user_id)
        .execute(&mut *tx)
        .await?;
        sqlx::query("UPDATE quizzes SET starter_id = ?, starter_name = '' WHERE starter_id = ?")
            .bind(NOBODY)
            .bind(user_id)
            .execute(&mut *tx)
            .await?;
        sqlx::query("UPDATE debates SET starter_id = ? WHERE starter_id = ?")
            .bind(NOBODY)
            .bind(user_id)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(answers + votes)
    }

    /// How many quizzes are running and how many debates have their vote open (for metrics).
    pub async fn running(&self) -> Result<(i64, i64), Error> {
        let row = sqlx::query(
            "SELECT (SELECT COUNT(*) FROM quizzes WHERE finished_at IS NULL),
                    (SELECT COUNT(*) FROM debates WHERE closed_at IS NULL)",
        )
        .fetch_one(&self.pool)
        .await?;
        use sqlx::Row;
        Ok((row.get(0), row.get(1)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::settings::SettingChange;

    /// An upgraded group's leaderboard period moves with it; where the supergroup has
    /// settings of its own already, the later period holds.
    #[tokio::test]
    async fn the_leaderboard_period_moves_with_an_upgraded_group() {
        let store = Store::open("sqlite::memory:").await.unwrap();
        let (old, new) = (-1, -1_001);
        store.reset_top(old, Millis(5_000)).await.unwrap();
        store.migrate_chat(old, new, Millis(6_000)).await.unwrap();
        let moved = store.chat_settings(new).await.unwrap();
        assert_eq!(moved.top_since, Some(Millis(5_000)));
        assert_eq!(store.chat_settings(old).await.unwrap().top_since, None);

        // The supergroup changed a setting before the move was seen: its settings stay, the
        // group's later period with them; an earlier one leaves the supergroup's.
        let (old, new) = (-2, -1_002);
        store
            .change_chat_settings(new, SettingChange::Seconds(20), Millis(1_000))
            .await
            .unwrap();
        store.reset_top(new, Millis(2_000)).await.unwrap();
        store.reset_top(old, Millis(3_000)).await.unwrap();
        store.migrate_chat(old, new, Millis(4_000)).await.unwrap();
        let kept = store.chat_settings(new).await.unwrap();
        assert_eq!(
            (kept.question_seconds, kept.top_since),
            (Some(20), Some(Millis(3_000)))
        );
        let (old, new) = (-3, -1_003);
        store.reset_top(new, Millis(9_000)).await.unwrap();
        store.reset_top(old, Millis(8_000)).await.unwrap();
        store.migrate_chat(old, new, Millis(10_000)).await.unwrap();
        assert_eq!(
            store.chat_settings(new).await.unwrap().top_since,
            Some(Millis(9_000))
        );
        // The table holds what memory holds.
        for chat in [-1_001, -1_002, -1_003] {
            let stored: Option<Millis> =
                sqlx::query_scalar("SELECT top_since FROM chat_settings WHERE chat_id = ?")
                    .bind(chat)
                    .fetch_one(&store.pool)
                    .await
                    .unwrap();
            assert_eq!(stored, store.chat_settings(chat).await.unwrap().top_since);
        }
    }
}
