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

/// A quiz of a chat's record (`/report all`): a quiz in the chat, or a student's attempt at
/// homework assigned in it, with its counted answers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecordedQuiz {
    pub id: QuizId,
    pub started_at: Millis,
    pub scoring: Scoring,
    /// For an attempt at homework, the assignment's number in its group.
    pub assignment: Option<i64>,
    /// Who started it: for an attempt at homework, the student.
    pub starter_id: i64,
    pub starter_name: String,
    /// How many of its questions were asked.
    pub asked: i64,
    pub answers: Vec<AnswerRow>,
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

    /// How often a chat (or a forum topic: each class its own) has seen each question: in
    /// its quizzes, and in the homework set there (once each, however many students took it).
    pub async fn seen_questions(
        &self,
        place: impl Into<Place>,
    ) -> Result<HashMap<String, u32>, Error> {
        let place = place.into();
        let rows = sqlx::query(
            "SELECT question_id, COUNT(*) AS times FROM (
                 SELECT q.question_id FROM questions q JOIN quizzes z ON z.id = q.quiz_id
                 WHERE z.chat_id = ? AND z.thread_id IS ? AND q.sent_at IS NOT NULL
                 UNION ALL
                 SELECT json_extract(d.value, '$.id') FROM assignments a, json_each(a.questions) d
                 WHERE a.chat_id = ? AND a.thread_id IS ?
             ) GROUP BY question_id",
        )
        .bind(place.chat)
        .bind(place.thread)
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

    /// Every counted answer in a chat given at `since` or later (`None`: all time), over all
    /// its quizzes and topics and the attempts at homework assigned in it: what its
    /// leaderboard adds up (ranked by `crate::quiz::scoring::rank`, as a quiz's podium is).
    pub async fn chat_answers(
        &self,
        chat_id: i64,
        since: Option<Millis>,
    ) -> Result<Vec<AnswerRow>, Error> {
        let rows = sqlx::query(&chat_answers_since())
            .bind(chat_id)
            .bind(chat_id)
            .bind(since.unwrap_or(Millis(i64::MIN)))
            .fetch_all(&self.pool)
            .await?;
        Ok(rows.iter().map(answer_row).collect())
    }

    /// A chat's whole record (`/report all`): every quiz in it and every attempt at homework
    /// assigned in it, oldest first, each with its counted answers.
    pub async fn chat_record(&self, chat_id: i64) -> Result<Vec<RecordedQuiz>, Error> {
        let quizzes = sqlx::query(&format!(
            "SELECT z.id, z.started_at, z.scoring, z.starter_id, z.starter_name, s.number,
                    (SELECT COUNT(*) FROM questions q WHERE q.quiz_id = z.id
                     AND q.sent_at IS NOT NULL) AS asked
             FROM quizzes z LEFT JOIN assignments s ON s.id = z.assignment_id
             WHERE z.id IN ({CHAT_QUIZZES}) ORDER BY z.started_at, z.id"
        ))
        .bind(chat_id)
        .bind(chat_id)
        .fetch_all(&self.pool)
        .await?;
        let answers = sqlx::query(&format!(
            "{ANSWER_ROWS} WHERE q.quiz_id IN ({CHAT_QUIZZES})
             ORDER BY q.quiz_id, q.idx, a.answered_at"
        ))
        .bind(chat_id)
        .bind(chat_id)
        .fetch_all(&self.pool)
        .await?;
        let mut by_quiz: HashMap<QuizId, Vec<AnswerRow>> = HashMap::new();
        for row in &answers {
            by_quiz
                .entry(QuizId(row.get("quiz_id")))
                .or_default()
                .push(answer_row(row));
        }
        Ok(quizzes
            .iter()
            .map(|row| {
                let id = QuizId(row.get("id"));
                RecordedQuiz {
                    id,
                    started_at: row.get("started_at"),
                    scoring: Scoring::from_code(row.get("scoring")).unwrap_or_default(),
                    assignment: row.get("number"),
                    starter_id: row.get("starter_id"),
                    starter_name: row.get("starter_name"),
                    asked: row.get("asked"),
                    answers: by_quiz.remove(&id).unwrap_or_default(),
                }
            })
            .collect())
    }
}

/// A chat's counted answers at or after a time: binds the chat twice, then the time.
fn chat_answers_since() -> String {
    format!(
        "{ANSWER_ROWS} WHERE q.quiz_id IN ({CHAT_QUIZZES}) AND a.answered_at >= ?
         ORDER BY q.quiz_id, q.idx, a.answered_at"
    )
}

/// The ids of a chat's quizzes: its own (live quizzes in the group, or a private chat's own
/// quizzes and attempts), and the attempts at homework assigned in it, which run in the
/// students' private chats. Both by index; binds the chat twice.
const CHAT_QUIZZES: &str = "SELECT id FROM quizzes WHERE chat_id = ?
     UNION SELECT z.id FROM assignments s JOIN quizzes z ON z.assignment_id = s.id
     WHERE s.chat_id = ?";

/// Counted answers with their quiz and question, its times and the answerer's name; a WHERE
/// follows.
pub(super) const ANSWER_ROWS: &str =
    "SELECT q.quiz_id, a.user_id, COALESCE(u.name, '') AS name, q.idx, a.option, a.correct,
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

#[cfg(test)]
mod tests {
    use super::*;

    const GROUP: i64 = -100;
    const T0: Millis = Millis(1_720_742_400_000);
    const DAY: i64 = 86_400_000;

    fn dealt(n: usize) -> Vec<Dealt> {
        (0..n)
            .map(|i| Dealt {
                id: format!("q{i}"),
                question: format!("question {i}"),
                options: vec!["a".into(), "b".into()],
                correct: 0,
                explanation: String::new(),
                description: String::new(),
            })
            .collect()
    }

    /// A quiz of one question in `chat` started at `at`, its poll `poll` sent then, and
    /// `answers` (user, right?) given a second later.
    async fn quiz(
        store: &Store,
        chat: i64,
        at: Millis,
        poll: &str,
        answers: &[(i64, bool)],
    ) -> QuizId {
        let questions = dealt(1);
        let new = NewQuiz {
            place: Place::from(chat),
            starter_id: chat.abs(),
            starter_name: "starter",
            lang: "zh",
            question_seconds: 30,
            scoring: Scoring::Right,
            started_at: at,
            questions: &questions,
            assignment: None,
        };
        let id = store.create_quiz(&new).await.unwrap().unwrap();
        store
            .mark_sent(id, 0, poll, 1, at, at + 30_000)
            .await
            .unwrap();
        for &(user_id, right) in answers {
            let answer = Answer {
                poll_id: poll.into(),
                user_id,
                name: format!("u{user_id}"),
                option: if right { 0 } else { 1 },
                at: at + 1_000,
            };
            assert_eq!(
                store.record_answer(answer).await.unwrap(),
                Recorded::Counted
            );
        }
        store.advance(id, 0, at + 2_000, true).await.unwrap();
        id
    }

    /// Homework assigned in `chat` as number `number`, and `attempt` made an attempt at it.
    async fn assign(store: &Store, chat: i64, number: i64, attempt: QuizId) {
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO assignments (code, chat_id, number, teacher_id, teacher_name, lang,
                question_seconds, scoring, questions, bot_username, created_at, deadline)
             VALUES (?, ?, ?, 1, 't', 'zh', 30, 'right', '[]', 'bot', 0, 0) RETURNING id",
        )
        .bind(format!("{chat}-{number}"))
        .bind(chat)
        .bind(number)
        .fetch_one(&store.pool)
        .await
        .unwrap();
        sqlx::query("UPDATE quizzes SET assignment_id = ? WHERE id = ?")
            .bind(id)
            .bind(attempt)
            .execute(&store.pool)
            .await
            .unwrap();
    }

    fn users(answers: &[AnswerRow]) -> Vec<i64> {
        answers.iter().map(|a| a.user_id).collect()
    }

    /// A group's answers are its live quizzes' and its homework's (attempts in the students'
    /// private chats), at or after `since`; another group's and a private quiz's are not.
    #[tokio::test]
    async fn a_chats_answers_are_its_quizzes_and_its_homework_since_a_time() {
        let store = Store::open("sqlite::memory:").await.unwrap();
        quiz(&store, GROUP, T0 - 40 * DAY, "old", &[(1, true)]).await;
        quiz(
            &store,
            GROUP,
            T0 - 10 * DAY,
            "live",
            &[(2, true), (3, false)],
        )
        .await;
        let attempt = quiz(&store, 4, T0 - DAY, "hw", &[(4, true)]).await;
        assign(&store, GROUP, 1, attempt).await;
        // Another group's quiz and homework, and a private quiz that is no homework.
        quiz(&store, -200, T0 - DAY, "other", &[(5, true)]).await;
        let elsewhere = quiz(&store, 6, T0 - DAY, "hw2", &[(6, true)]).await;
        assign(&store, -200, 1, elsewhere).await;
        quiz(&store, 7, T0 - DAY, "solo", &[(7, true)]).await;

        let all = store.chat_answers(GROUP, None).await.unwrap();
        assert_eq!(users(&all), [1, 2, 3, 4]);
        let month = store
            .chat_answers(GROUP, Some(T0 - 30 * DAY))
            .await
            .unwrap();
        assert_eq!(users(&month), [2, 3, 4]);
        let week = store.chat_answers(GROUP, Some(T0 - 7 * DAY)).await.unwrap();
        assert_eq!(users(&week), [4]);
        // An answer at the very start of the period counts.
        let at_start = store
            .chat_answers(GROUP, Some(T0 - DAY + 1_000))
            .await
            .unwrap();
        assert_eq!(users(&at_start), [4]);
        assert_eq!(users(&store.chat_answers(7, None).await.unwrap()), [7]);
        // The student's own private chat holds their attempt too.
        assert_eq!(users(&store.chat_answers(4, None).await.unwrap()), [4]);

        // The record: every quiz of the group, oldest first, the attempt with its number.
        let record = store.chat_record(GROUP).await.unwrap();
        let summary: Vec<(Option<i64>, i64, Vec<i64>)> = record
            .iter()
            .map(|q| (q.assignment, q.asked, users(&q.answers)))
            .collect();
        assert_eq!(
            summary,
            [
                (None, 1, vec![1]),
                (None, 1, vec![2, 3]),
                (Some(1), 1, vec![4])
            ]
        );
        assert_eq!(record[2].id, attempt);
        assert_eq!(record[2].starter_id, 4);
    }

    /// Reading a chat's answers and record takes indexes all the way: no table is scanned
    /// whole, however many chats and quizzes the database holds.
    #[tokio::test]
    async fn a_chats_answers_are_read_by_index() {
        let store = Store::open("sqlite::memory:").await.unwrap();
        let sql = format!("EXPLAIN QUERY PLAN {}", chat_answers_since());
        let plan: Vec<String> = sqlx::query(&sql)
            .bind(GROUP)
            .bind(GROUP)
            .bind(0)
            .fetch_all(&store.pool)
            .await
            .unwrap()
            .iter()
            .map(|row| row.get::<String, _>("detail"))
            .collect();
        let scans: Vec<&String> = plan
            .iter()
            .filter(|step| step.starts_with("SCAN"))
            .collect();
        assert!(scans.is_empty(), "{plan:#?}");
        for index in [
            "quizzes_by_chat",
            "assignments_number_per_chat",
            "quizzes_one_attempt_each",
        ] {
            assert!(
                plan.iter().any(|step| step.contains(index)),
                "{index}: {plan:#?}"
            );
        }
    }
}
