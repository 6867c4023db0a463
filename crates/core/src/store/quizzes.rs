//! Quizzes (migration `0001_quiz.sql`): the quiz, its questions as dealt (with the poll ids
//! and deadlines once sent), and every answer. Answers go through one writer task that commits
//! them in batches (write-ahead log, `synchronous=FULL`, so a commit is on disk): each caller
//! waits for the commit of its batch, so an answer counts only once it is stored, and
//! concurrent answers are serialised without lost or doubled points. Whether an answer counts
//! (poll known, not stopped by the bot more than `GRACE_MS` ago, first answer of that user) is
//! decided inside the same INSERT, so no check can race with a close.
//!
//! A quiz poll is sent with `open_period`: Telegram closes it by itself at its deadline and
//! refuses later votes, so every answer it delivers for such a poll was cast in time, however
//! late it reaches the bot (after downtime, say): it counts, its time capped at the deadline.
//! Only a poll the bot stopped early (`/next`, `/stop`: `closed_at`) has a local cutoff, the
//! close plus `GRACE_MS` for answers cast just before the stopPoll.

use std::collections::HashMap;
use std::sync::Arc;

use sqlx::sqlite::SqlitePool;
use sqlx::{Row, Sqlite, Transaction};
use tokio::sync::{mpsc, oneshot};

use super::{Error, Recorded, Refusal, Store};
use crate::vocab::Place;
use crate::vocab::{AssignmentId, Dealt, GRACE_MS, Millis, QuizId, Scoring};

/// Answers committed together at most.
pub(super) const BATCH: usize = 1024;

/// An answer waiting for its batch.
#[derive(Debug)]
pub(super) struct Pending {
    answer: Answer,
    done: oneshot::Sender<Result<Recorded, Arc<sqlx::Error>>>,
}

/// A poll answer as Telegram sends it, with the time it arrived.
#[derive(Debug, Clone)]
pub struct Answer {
    pub poll_id: String,
    pub user_id: i64,
    pub name: String,
    pub option: i64,
    pub at: Millis,
}

/// A quiz as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QuizRow {
    pub id: QuizId,
    pub chat_id: i64,
    /// The forum topic it runs in, if any.
    pub thread_id: Option<i32>,
    pub starter_id: i64,
    pub starter_name: String,
    pub lang: String,
    pub question_seconds: i64,
    /// How it is scored, fixed when it started.
    pub scoring: Scoring,
    pub started_at: Millis,
    pub current: i64,
    pub finished_at: Option<Millis>,
    /// The homework this quiz is a student's attempt at (run in the student's private chat);
    /// `None` for a quiz started with /quiz.
    pub assignment_id: Option<AssignmentId>,
    /// An attempt whose homework's deadline came before its last question was over.
    pub cut_short: bool,
}

/// A question of a quiz as stored, with its poll once sent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QuestionRow {
    pub idx: i64,
    pub dealt: Dealt,
    pub poll_id: Option<String>,
    pub message_id: Option<i64>,
    pub sent_at: Option<Millis>,
    pub deadline: Option<Millis>,
    pub closed_at: Option<Millis>,
}

/// One counted answer, with what results need.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AnswerRow {
    pub user_id: i64,
    pub name: String,
    pub idx: i64,
    pub option: i64,
    pub correct: bool,
    /// Milliseconds from the poll's sending to the answer.
    pub took_ms: i64,
    /// Milliseconds the poll was open for (its `open_period`): what points are counted against.
    pub open_ms: i64,
}

/// A new quiz to store.
#[derive(Debug, Clone)]
pub struct NewQuiz<'a> {
    pub place: Place,
    pub starter_id: i64,
    pub starter_name: &'a str,
    pub lang: &'a str,
    pub question_seconds: i64,
    pub scoring: Scoring,
    pub started_at: Millis,
    pub questions: &'a [Dealt],
    /// The homework it is an attempt at, if any: one per student, as the database holds.
    pub assignment: Option<AssignmentId>,
}

pub(super) fn quiz_row(row: &sqlx::sqlite::SqliteRow) -> QuizRow {
    QuizRow {
        id: row.get("id"),
        chat_id: row.get("chat_id"),
        thread_id: row.get("thread_id"),
        starter_id: row.get("starter_id"),
        starter_name: row.get("starter_name"),
        lang: row.get("lang"),
        question_seconds: row.get("question_seconds"),
        scoring: Scoring::from_code(row.get("scoring")).unwrap_or_default(),
        started_at: row.get("started_at"),
        current: row.get("current"),
        finished_at: row.get("finished_at"),
        assignment_id: row.get("assignment_id"),
        cut_short: row.get::<i64, _>("cut_short") != 0,
    }
}

impl QuizRow {
    /// Where the quiz runs.
    pub fn place(&self) -> Place {
        Place::topic(self.chat_id, self.thread_id)
    }
}

/// The rows of one place: `chat_id = ? AND thread_id IS ?` (`IS` matches NULL to NULL).
const AT_PLACE: &str = "chat_id = ? AND thread_id IS ?";

pub(super) const QUIZ_COLUMNS: &str = "id, chat_id, thread_id, starter_id, starter_name, lang, question_seconds, scoring, started_at, current, finished_at, assignment_id, cut_short";

impl Store {
    /// Stores a new quiz, or `None` when the chat already has one running (or, for an attempt
    /// at homework, when the student has one already).
    pub async fn create_quiz(&self, quiz: &NewQuiz<'_>) -> Result<Option<QuizId>, Error> {
        let _timer = super::timing::write("create_quiz");
        let mut tx = self.pool.begin().await?;
        let inserted = sqlx::query(
            "INSERT INTO quizzes (chat_id, thread_id, starter_id, starter_name, lang, question_seconds, scoring, started_at, assignment_id)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        )
        .bind(quiz.place.chat)
        .bind(quiz.place.thread)
        .bind(quiz.starter_id)
        .bind(quiz.starter_name)
        .bind(quiz.lang)
        .bind(quiz.question_seconds)
        .bind(quiz.scoring.code())
        .bind(quiz.started_at)
        .bind(quiz.assignment)
        .execute(&mut *tx)
        .await;
        let id = match inserted {
            Ok(done) => QuizId(done.last_insert_rowid()),
            Err(sqlx::Error::Database(e)) if e.is_unique_violation() => return Ok(None),
            Err(e) => return Err(e.into()),
        };
        for (idx, q) in quiz.questions.iter().enumerate() {
            sqlx::query(
                "INSERT INTO questions
                    (quiz_id, idx, question_id, question, options, correct, explanation, description)
                 VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            )
            .bind(id)
            .bind(idx as i64)
            .bind(&q.id)
            .bind(&q.question)
            .bind(serde_json::to_string(&q.options).expect("a list of strings is JSON"))
            .bind(q.correct as i64)
            .bind(&q.explanation)
            .bind(&q.description)
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await?;
        Ok(Some(id))
    }

    pub async fn quiz(&self, id: QuizId) -> Result<Option<QuizRow>, Error> {
        let row = sqlx::query(&format!("SELECT {QUIZ_COLUMNS} FROM quizzes WHERE id = ?"))
            .bind(id)
            .fetch_optional(&self.pool)
            .await?;
        Ok(row.as_ref().map(quiz_row))
    }

    /// The running quiz of a chat or forum topic, if any.
    pub async fn running_quiz(&self, place: impl Into<Place>) -> Result<Option<QuizRow>, Error> {
        let place = place.into();
        let row = sqlx::query(&format!(
            "SELECT {QUIZ_COLUMNS} FROM quizzes WHERE {AT_PLACE} AND finished_at IS NULL"
        ))
        .bind(place.chat)
        .bind(place.thread)
        .fetch_optional(&self.pool)
        .await?;
        Ok(row.as_ref().map(quiz_row))
    }

    /// Every running quiz, for resuming after a restart.
    pub async fn running_quizzes(&self) -> Result<Vec<QuizRow>, Error> {
        let rows = sqlx::query(&format!(
            "SELECT {QUIZ_COLUMNS} FROM quizzes WHERE finished_at IS NULL ORDER BY id"
        ))
        .fetch_all(&self.pool)
        .await?;
        Ok(rows.iter().map(quiz_row).collect())
    }

    /// The most recent quiz of a chat or forum topic, running or finished.
    pub async fn last_quiz(&self, place: impl Into<Place>) -> Result<Option<QuizRow>, Error> {
        let place = place.into();
        let row = sqlx::query(&format!(
            "SELECT {QUIZ_COLUMNS} FROM quizzes WHERE {AT_PLACE} ORDER BY id DESC LIMIT 1"
        ))
        .bind(place.chat)
        .bind(place.thread)
        .fetch_optional(&self.pool)
        .await?;
        Ok(row.as_ref().map(quiz_row))
    }

    pub async fn questions(&self, quiz_id: QuizId) -> Result<Vec<QuestionRow>, Error> {
        let rows = sqlx::query(
            "SELECT idx, question_id, question, options, correct, explanation, description, poll_id,
                    message_id, sent_at, deadline, closed_at
             FROM questions WHERE quiz_id = ? ORDER BY idx",
        )
        .bind(quiz_id)
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|row| {
                let options: String = row.get("options");
                Ok(QuestionRow {
                    idx: row.get("idx"),
                    dealt: Dealt {
                        id: row.get("question_id"),
                        question: row.get("question"),
                        options: serde_json::from_str(&options).map_err(|source| {
                            Error::Corrupt {
                                what: "a stored question's options",
                                source,
                            }
                        })?,
                        correct: row.get::<i64, _>("correct") as usize,
                        explanation: row.get("explanation"),
                        description: row.get("description"),
                    },
                    poll_id: row.get("poll_id"),
                    message_id: row.get("message_id"),
                    sent_at: row.get("sent_at"),
                    deadline: row.get("deadline"),
                    closed_at: row.get("closed_at"),
                })
            })
            .collect()
    }

    /// Records that question `idx` went out as poll `poll_id`.
    pub async fn mark_sent(
        &self,
        quiz_id: QuizId,
        idx: i64,
        poll_id: &str,
        message_id: i64,
        sent_at: Millis,
        deadline: Millis,
    ) -> Result<(), Error> {
        let _timer = super::timing::write("quiz_poll_sent");
        sqlx::query(
            "UPDATE questions SET poll_id = ?, message_id = ?, sent_at = ?, deadline = ?
             WHERE quiz_id = ? AND idx = ?",
        )
        .bind(poll_id)
        .bind(message_id)
        .bind(sent_at)
        .bind(deadline)
        .bind(quiz_id)
        .bind(idx)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// Moves the quiz on from question `from` (closing its poll at `at` if still open) to
    /// question `from + 1`, or finishes it when `finish`. Returns false when the quiz was no
    /// longer at `from` (someone else moved it first).
    pub async fn advance(
        &self,
        quiz_id: QuizId,
        from: i64,
        at: Millis,
        finish: bool,
    ) -> Result<bool, Error> {
        let _timer = super::timing::write("advance_quiz");
        let mut tx: Transaction<'_, Sqlite> = self.pool.begin().await?;
        let moved = sqlx::query(
            "UPDATE quizzes SET current = ?, finished_at = CASE WHEN ? THEN ? ELSE NULL END
             WHERE id = ? AND current = ? AND finished_at IS NULL",
        )
        .bind(if finish { from } else { from + 1 })
        .bind(finish)
        .bind(at)
        .bind(quiz_id)
        .bind(from)
        .execute(&mut *tx)
        .await?
        .rows_affected()
            == 1;
        if moved {
            sqlx::query(
                "UPDATE questions SET closed_at = ? WHERE quiz_id = ? AND idx = ? AND closed_at IS NULL
                 AND (deadline IS NULL OR deadline > ?)",
            )
            .bind(at)
            .bind(quiz_id)
            .bind(from)
            .bind(at)
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await?;
        Ok(moved)
    }

    /// How often a chat (or a forum topic: each class its own) has seen each question.
    pub async fn seen_questions(
        &self,
        place: impl Into<Place>,
    ) -> Result<HashMap<String, u32>, Error> {
        let place = place.into();
        let rows = sqlx::query(
            "SELECT q.question_id, COUNT(*) AS times FROM questions q JOIN quizzes z ON z.id = q.quiz_id
             WHERE z.chat_id = ? AND z.thread_id IS ? AND q.sent_at IS NOT NULL GROUP BY q.question_id",
        )
        .bind(place.chat)
        .bind(place.thread)
        .fetch_all(&self.pool)
        .await?;
        Ok(rows
            .iter()
            .map(|r| {
                (
                    r.get::<String, _>("question_id"),
                    r.get::<i64, _>("times") as u32,
                )
            })
            .collect())
    }

    /// Stores an answer once it is committed, and says whether it counts.
    pub async fn record_answer(&self, answer: Answer) -> Result<Recorded, Error> {
        let (done, result) = oneshot::channel();
        self.answers
            .send(Pending { answer, done })
            .await
            .map_err(|_| Error::WriterStopped)?;
        result
            .await
            .map_err(|_| Error::WriterStopped)?
            .map_err(Error::Answer)
    }

    /// Whether `poll_id` is a quiz question's poll.
    pub async fn is_quiz_poll(&self, poll_id: &str) -> Result<bool, Error> {
        Ok(sqlx::query("SELECT 1 FROM questions WHERE poll_id = ?")
            .bind(poll_id)
            .fetch_optional(&self.pool)
            .await?
            .is_some())
    }

    /// The quiz and question whose poll is `poll_id`, if any.
    pub async fn question_of_poll(&self, poll_id: &str) -> Result<Option<(QuizId, i64)>, Error> {
        let row = sqlx::query("SELECT quiz_id, idx FROM questions WHERE poll_id = ?")
            .bind(poll_id)
            .fetch_optional(&self.pool)
            .await?;
        Ok(row.map(|row| (QuizId(row.get("quiz_id")), row.get("idx"))))
    }

    /// The counted answers of a quiz.
    pub async fn answers(&self, quiz_id: QuizId) -> Result<Vec<AnswerRow>, Error> {
        let rows = sqlx::query(&format!(
            "{ANSWER_ROWS} WHERE q.quiz_id = ? ORDER BY q.idx, a.answered_at"
        ))
        .bind(quiz_id)
        .fetch_all(&self.pool)
        .await?;
        Ok(rows.iter().map(answer_row).collect())
    }

    /// Every counted answer in a chat, over all its quizzes and topics: what its all-time
    /// leaderboard adds up (ranked by `crate::quiz::scoring::rank`, as a quiz's podium is).
    pub async fn chat_answers(&self, chat_id: i64) -> Result<Vec<AnswerRow>, Error> {
        let rows = sqlx::query(&format!(
            "{ANSWER_ROWS} JOIN quizzes z ON z.id = q.quiz_id WHERE z.chat_id = ?
             ORDER BY q.quiz_id, q.idx, a.answered_at"
        ))
        .bind(chat_id)
        .fetch_all(&self.pool)
        .await?;
        Ok(rows.iter().map(answer_row).collect())
    }
}

/// Counted answers with their question, its times and the answerer's name; a WHERE follows.
pub(super) const ANSWER_ROWS: &str =
    "SELECT a.user_id, COALESCE(u.name, '') AS name, q.idx, a.option, a.correct,
        MAX(a.answered_at - q.sent_at, 0) AS took, COALESCE(q.deadline - q.sent_at, 0) AS open
     FROM answers a JOIN questions q ON q.poll_id = a.poll_id
     LEFT JOIN users u ON u.user_id = a.user_id";

pub(super) fn answer_row(r: &sqlx::sqlite::SqliteRow) -> AnswerRow {
    AnswerRow {
        user_id: r.get("user_id"),
        name: r.get("name"),
        idx: r.get("idx"),
        option: r.get("option"),
        correct: r.get::<i64, _>("correct") != 0,
        took_ms: r.get("took"),
        open_ms: r.get("open"),
    }
}

/// The answer writer: takes what is queued (up to `BATCH`), commits it in one transaction,
/// and tells each caller whether its answer counted.
pub(super) async fn write_answers(pool: SqlitePool, mut queue: mpsc::Receiver<Pending>) {
    let mut batch = Vec::with_capacity(BATCH);
    while queue.recv_many(&mut batch, BATCH).await > 0 {
        let timer = super::timing::write("answers");
        let committed = commit(&pool, &batch).await;
        drop(timer);
        match committed {
            Ok(counted) => {
                for (pending, counted) in batch.drain(..).zip(counted) {
                    let _ = pending.done.send(Ok(counted));
                }
            }
            Err(e) => {
                tracing::error!(error = %e, answers = batch.len(), "cannot store poll answers");
                let e = Arc::new(e);
                for pending in batch.drain(..) {
                    let _ = pending.done.send(Err(e.clone()));
                }
            }
        }
    }
}

async fn commit(pool: &SqlitePool, batch: &[Pending]) -> Result<Vec<Recorded>, sqlx::Error> {
    let mut tx = pool.begin().await?;
    let mut counted = Vec::with_capacity(batch.len());
    for Pending { answer, .. } in batch {
        let inserted = sqlx::query(
            "INSERT OR IGNORE INTO answers (poll_id, user_id, option, correct, answered_at)
             SELECT q.poll_id, ?, ?, ? = q.correct, MIN(?, COALESCE(q.closed_at, q.deadline))
             FROM questions q
             WHERE q.poll_id = ? AND (q.closed_at IS NULL OR ? <= q.closed_at + ?)",
        )
        .bind(answer.user_id)
        .bind(answer.option)
        .bind(answer.option)
        .bind(answer.at)
        .bind(&answer.poll_id)
        .bind(answer.at)
        .bind(GRACE_MS)
        .execute(&mut *tx)
        .await?
        .rows_affected()
            == 1;
        let outcome = if inserted {
            sqlx::query(
                "INSERT INTO users (user_id, name) VALUES (?, ?)
                 ON CONFLICT (user_id) DO UPDATE SET name = excluded.name",
            )
            .bind(answer.user_id)
            .bind(&answer.name)
            .execute(&mut *tx)
            .await?;
            Recorded::Counted
        } else {
            // Not inserted: an unknown poll, a repeated answer, or one after the bot's stop.
            let answered = sqlx::query(
                "SELECT EXISTS (SELECT 1 FROM answers a WHERE a.poll_id = q.poll_id AND a.user_id = ?)
                 FROM questions q WHERE q.poll_id = ?",
            )
            .bind(answer.user_id)
            .bind(&answer.poll_id)
            .fetch_optional(&mut *tx)
            .await?;
            match answered.map(|row| row.get::<bool, _>(0)) {
                None => Recorded::UnknownPoll,
                Some(true) => Recorded::Refused(Refusal::Repeated),
                Some(false) => Recorded::Refused(Refusal::Closed),
            }
        };
        counted.push(outcome);
    }
    tx.commit().await?;
    Ok(counted)
}
