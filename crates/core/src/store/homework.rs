//! Homework (migration `0006_homework.sql`): the assignments, each student's attempt (a quiz
//! of its own in the student's private chat, with `assignment_id` set, so the quiz tables
//! keep its questions and answers), and who has a private chat with the bot. The homework
//! engine decides; this keeps what it decided, and counts.

use sqlx::Row;

use super::quizzes::{QUIZ_COLUMNS, quiz_row};
use super::{Error, Store};
use crate::vocab::{AssignmentId, Dealt, Millis, Place, QuizId, Scoring};

/// A new assignment, as `/assign` made it.
#[derive(Debug, Clone)]
pub struct NewAssignment<'a> {
    /// The deep link's code: unguessable, 1-60 of `A-Za-z0-9`.
    pub code: &'a str,
    pub place: Place,
    pub teacher_id: i64,
    pub teacher_name: &'a str,
    pub lang: &'a str,
    pub question_seconds: i64,
    pub scoring: Scoring,
    /// The questions as dealt for the class, in order; each student gets their options in
    /// an order of their own.
    pub questions: &'a [Dealt],
    pub bot_username: &'a str,
    pub created_at: Millis,
    pub deadline: Millis,
}

/// An assignment as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AssignmentRow {
    pub id: AssignmentId,
    pub code: String,
    pub chat_id: i64,
    pub thread_id: Option<i32>,
    /// Its number in its chat, from 1: what `/assign close 2` names.
    pub number: i64,
    pub teacher_id: i64,
    pub teacher_name: String,
    pub lang: String,
    pub question_seconds: i64,
    pub scoring: Scoring,
    pub questions: Vec<Dealt>,
    pub bot_username: String,
    pub created_at: Millis,
    pub deadline: Millis,
    pub card_message_id: Option<i64>,
    /// How many had finished when the card was last drawn.
    pub card_finished: i64,
    pub card_edited_at: Option<Millis>,
    pub closed_at: Option<Millis>,
    pub reported_at: Option<Millis>,
}

impl AssignmentRow {
    /// The group (and topic) it was assigned in.
    pub fn place(&self) -> Place {
        Place::topic(self.chat_id, self.thread_id)
    }
}

/// How far the students are: attempts begun, and of those finished.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Progress {
    pub started: i64,
    pub finished: i64,
}

const ASSIGNMENT_COLUMNS: &str = "id, code, chat_id, thread_id, number, teacher_id, teacher_name, lang, question_seconds, scoring, questions, bot_username, created_at, deadline, card_message_id, card_finished, card_edited_at, closed_at, reported_at";

fn assignment_row(row: &sqlx::sqlite::SqliteRow) -> Result<AssignmentRow, Error> {
    let questions: String = row.get("questions");
    Ok(AssignmentRow {
        id: row.get("id"),
        code: row.get("code"),
        chat_id: row.get("chat_id"),
        thread_id: row.get("thread_id"),
        number: row.get("number"),
        teacher_id: row.get("teacher_id"),
        teacher_name: row.get("teacher_name"),
        lang: row.get("lang"),
        question_seconds: row.get("question_seconds"),
        scoring: Scoring::from_code(row.get("scoring")).unwrap_or_default(),
        questions: serde_json::from_str(&questions).map_err(|source| Error::Corrupt {
            what: "an assignment's questions",
            source,
        })?,
        bot_username: row.get("bot_username"),
        created_at: row.get("created_at"),
        deadline: row.get("deadline"),
        card_message_id: row.get("card_message_id"),
        card_finished: row.get("card_finished"),
        card_edited_at: row.get("card_edited_at"),
        closed_at: row.get("closed_at"),
        reported_at: row.get("reported_at"),
    })
}

fn assignment_rows(rows: &[sqlx::sqlite::SqliteRow]) -> Result<Vec<AssignmentRow>, Error> {
    rows.iter().map(assignment_row).collect()
}

impl Store {
    /// Stores a new assignment, numbered next in its chat.
    pub async fn create_assignment(&self, new: &NewAssignment<'_>) -> Result<AssignmentRow, Error> {
        let _timer = super::timing::write("create_assignment");
        let questions = serde_json::to_string(new.questions).expect("questions are JSON");
        let row = sqlx::query(&format!(
            "INSERT INTO assignments
                (code, chat_id, thread_id, number, teacher_id, teacher_name, lang,
                 question_seconds, scoring, questions, bot_username, created_at, deadline)
             VALUES (?, ?, ?,
                     (SELECT COALESCE(MAX(number), 0) + 1 FROM assignments WHERE chat_id = ?),
                     ?, ?, ?, ?, ?, ?, ?, ?, ?)
             RETURNING {ASSIGNMENT_COLUMNS}"
        ))
        .bind(new.code)
        .bind(new.place.chat)
        .bind(new.place.thread)
        .bind(new.place.chat)
        .bind(new.teacher_id)
        .bind(new.teacher_name)
        .bind(new.lang)
        .bind(new.question_seconds)
        .bind(new.scoring.code())
        .bind(questions)
        .bind(new.bot_username)
        .bind(new.created_at)
        .bind(new.deadline)
        .fetch_one(&self.pool)
        .await?;
        assignment_row(&row)
    }

    pub async fn assignment(&self, id: AssignmentId) -> Result<Option<AssignmentRow>, Error> {
        let row = sqlx::query(&format!(
            "SELECT {ASSIGNMENT_COLUMNS} FROM assignments WHERE id = ?"
        ))
        .bind(id)
        .fetch_optional(&self.pool)
        .await?;
        row.as_ref().map(assignment_row).transpose()
    }

    /// The assignment a deep link's code names, if any.
    pub async fn assignment_by_code(&self, code: &str) -> Result<Option<AssignmentRow>, Error> {
        let row = sqlx::query(&format!(
            "SELECT {ASSIGNMENT_COLUMNS} FROM assignments WHERE code = ?"
        ))
        .bind(code)
        .fetch_optional(&self.pool)
        .await?;
        row.as_ref().map(assignment_row).transpose()
    }

    /// A chat's open assignments (not closed yet), by number.
    pub async fn open_assignments(&self, chat: i64) -> Result<Vec<AssignmentRow>, Error> {
        let rows = sqlx::query(&format!(
            "SELECT {ASSIGNMENT_COLUMNS} FROM assignments
             WHERE chat_id = ? AND closed_at IS NULL ORDER BY number"
        ))
        .bind(chat)
        .fetch_all(&self.pool)
        .await?;
        assignment_rows(&rows)
    }

    /// A chat's assignment numbered `number`, open or not.
    pub async fn assignment_numbered(
        &self,
        chat: i64,
        number: i64,
    ) -> Result<Option<AssignmentRow>, Error> {
        let row = sqlx::query(&format!(
            "SELECT {ASSIGNMENT_COLUMNS} FROM assignments WHERE chat_id = ? AND number = ?"
        ))
        .bind(chat)
        .bind(number)
        .fetch_optional(&self.pool)
        .await?;
        row.as_ref().map(assignment_row).transpose()
    }

    /// The assignment of a chat or forum topic that closed last, if any.
    pub async fn last_closed_assignment(
        &self,
        place: Place,
    ) -> Result<Option<AssignmentRow>, Error> {
        let row = sqlx::query(&format!(
            "SELECT {ASSIGNMENT_COLUMNS} FROM assignments
             WHERE chat_id = ? AND thread_id IS ? AND closed_at IS NOT NULL
             ORDER BY closed_at DESC, id DESC LIMIT 1"
        ))
        .bind(place.chat)
        .bind(place.thread)
        .fetch_optional(&self.pool)
        .await?;
        row.as_ref().map(assignment_row).transpose()
    }

    /// Every assignment still open, or closed with its summary not posted: what a restart
    /// carries on.
    pub async fn unfinished_assignments(&self) -> Result<Vec<AssignmentRow>, Error> {
        let rows = sqlx::query(&format!(
            "SELECT {ASSIGNMENT_COLUMNS} FROM assignments WHERE closed_at IS NULL
             UNION ALL
             SELECT {ASSIGNMENT_COLUMNS} FROM assignments
             WHERE closed_at IS NOT NULL AND reported_at IS NULL
             ORDER BY id"
        ))
        .fetch_all(&self.pool)
        .await?;
        assignment_rows(&rows)
    }

    /// The ids of the open assignments due by `now`.
    pub async fn due_assignments(&self, now: Millis) -> Result<Vec<AssignmentId>, Error> {
        let rows = sqlx::query(
            "SELECT id FROM assignments WHERE closed_at IS NULL AND deadline <= ? ORDER BY deadline",
        )
        .bind(now)
        .fetch_all(&self.pool)
        .await?;
        Ok(rows.iter().map(|r| r.get("id")).collect())
    }

    /// Closes an assignment at `at`; false when it was closed already (another close won).
    pub async fn close_assignment(&self, id: AssignmentId, at: Millis) -> Result<bool, Error> {
        let _timer = super::timing::write("close_assignment");
        let done =
            sqlx::query("UPDATE assignments SET closed_at = ? WHERE id = ? AND closed_at IS NULL")
                .bind(at)
                .bind(id)
                .execute(&self.pool)
                .await?;
        Ok(done.rows_affected() == 1)
    }

    /// The summary of a closed assignment was posted; false when it was already.
    pub async fn mark_assignment_reported(
        &self,
        id: AssignmentId,
        at: Millis,
    ) -> Result<bool, Error> {
        let done = sqlx::query(
            "UPDATE assignments SET reported_at = ? WHERE id = ? AND reported_at IS NULL",
        )
        .bind(at)
        .bind(id)
        .execute(&self.pool)
        .await?;
        Ok(done.rows_affected() == 1)
    }

    /// The card was posted as message `message_id`.
    pub async fn set_card(&self, id: AssignmentId, message_id: i64) -> Result<(), Error> {
        sqlx::query("UPDATE assignments SET card_message_id = ? WHERE id = ?")
            .bind(message_id)
            .bind(id)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// The card now shows `finished`, drawn at `at`.
    pub async fn card_drawn(
        &self,
        id: AssignmentId,
        finished: i64,
        at: Millis,
    ) -> Result<(), Error> {
        sqlx::query("UPDATE assignments SET card_finished = ?, card_edited_at = ? WHERE id = ?")
            .bind(finished)
            .bind(at)
            .bind(id)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// A student's attempt at an assignment, if they began one.
    pub async fn attempt(
        &self,
        assignment: AssignmentId,
        student: i64,
    ) -> Result<Option<crate::store::QuizRow>, Error> {
        let row = sqlx::query(&format!(
            "SELECT {QUIZ_COLUMNS} FROM quizzes WHERE assignment_id = ? AND starter_id = ?"
        ))
        .bind(assignment)
        .bind(student)
        .fetch_optional(&self.pool)
        .await?;
        Ok(row.as_ref().map(quiz_row))
    }

    /// Every attempt at an assignment, in the order begun.
    pub async fn attempts(
        &self,
        assignment: AssignmentId,
    ) -> Result<Vec<crate::store::QuizRow>, Error> {
        let rows = sqlx::query(&format!(
            "SELECT {QUIZ_COLUMNS} FROM quizzes WHERE assignment_id = ? ORDER BY id"
        ))
        .bind(assignment)
        .fetch_all(&self.pool)
        .await?;
        Ok(rows.iter().map(quiz_row).collect())
    }

    /// The attempt `quiz` ended at its homework's deadline, before its last question was
    /// over: it does not count as finished.
    pub async fn cut_short(&self, quiz: QuizId) -> Result<(), Error> {
        sqlx::query("UPDATE quizzes SET cut_short = 1 WHERE id = ?")
            .bind(quiz)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// How many began an assignment, and how many finished it.
    pub async fn progress(&self, assignment: AssignmentId) -> Result<Progress, Error> {
        let row = sqlx::query(
            "SELECT COUNT(*) AS started,
                    COUNT(*) FILTER (WHERE finished_at IS NOT NULL AND NOT cut_short) AS finished
             FROM quizzes WHERE assignment_id = ?",
        )
        .bind(assignment)
        .fetch_one(&self.pool)
        .await?;
        Ok(Progress {
            started: row.get("started"),
            finished: row.get("finished"),
        })
    }

    /// The counted answers of every attempt at an assignment (each student has one attempt,
    /// so `user_id` tells whose; `idx` is the assignment's question number, from 0).
    pub async fn assignment_answers(
        &self,
        assignment: AssignmentId,
    ) -> Result<Vec<crate::store::AnswerRow>, Error> {
        let rows = sqlx::query(&format!(
            "{} JOIN quizzes z ON z.id = q.quiz_id WHERE z.assignment_id = ?
             ORDER BY q.quiz_id, q.idx",
            super::quizzes::ANSWER_ROWS
        ))
        .bind(assignment)
        .fetch_all(&self.pool)
        .await?;
        Ok(rows.iter().map(super::quizzes::answer_row).collect())
    }

    /// The attempt a quiz is, if it is one: its assignment.
    pub async fn assignment_of(&self, quiz: QuizId) -> Result<Option<AssignmentId>, Error> {
        let row = sqlx::query("SELECT assignment_id FROM quizzes WHERE id = ?")
            .bind(quiz)
            .fetch_optional(&self.pool)
            .await?;
        Ok(row.and_then(|r| r.get("assignment_id")))
    }

    /// `user` wrote to the bot in a private chat: from now on the bot may write to them.
    pub async fn mark_private_chat(&self, user: i64, at: Millis) -> Result<(), Error> {
        sqlx::query("INSERT OR IGNORE INTO private_chats (user_id, started_at) VALUES (?, ?)")
            .bind(user)
            .bind(at)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// Whether `user` has a private chat with the bot.
    pub async fn has_private_chat(&self, user: i64) -> Result<bool, Error> {
        let row = sqlx::query("SELECT 1 FROM private_chats WHERE user_id = ?")
            .bind(user)
            .fetch_optional(&self.pool)
            .await?;
        Ok(row.is_some())
    }
}
