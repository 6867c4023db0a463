//! Chats' settings (migration `0004_chat_settings.sql`), held in memory whole: every message
//! needs its chat's language, and a busy bot sees thousands of chats that never changed a
//! setting, so a lookup must not cost a query (on the load bench's mix of 2,000 private chats, a
//! query per new chat is about a tenth of the bot's CPU). Only chats that
//! changed something have a row, so the table is small; it is read once when the store opens,
//! and every write (a change, an upgraded group's move) updates the table and this copy
//! together, one write at a time. This assumes the process is the only writer of its
//! database, as the bot is.

use std::collections::HashMap;
use std::sync::{Mutex, MutexGuard};

use sqlx::Row;
use sqlx::sqlite::SqlitePool;

use super::{Error, Store};
use crate::i18n::Lang;
use crate::settings::{ChatSettings, SettingChange, Starters};
use crate::vocab::{ArticleId, Millis, Scoring};

/// Every chat's own settings, as stored.
#[derive(Debug, Default)]
pub(super) struct Settings {
    chats: Mutex<HashMap<i64, ChatSettings>>,
    /// Held by each write from its transaction's start until this copy is updated, so that
    /// the copy ends as the last commit left the table.
    writes: tokio::sync::Mutex<()>,
}

impl Settings {
    /// Reads the whole table.
    pub(super) async fn load(pool: &SqlitePool) -> sqlx::Result<Settings> {
        let rows = sqlx::query("SELECT * FROM chat_settings")
            .fetch_all(pool)
            .await?;
        let chats = rows
            .iter()
            .map(|row| (row.get("chat_id"), settings_of(row)))
            .collect();
        Ok(Settings {
            chats: Mutex::new(chats),
            writes: tokio::sync::Mutex::new(()),
        })
    }

    fn chats(&self) -> MutexGuard<'_, HashMap<i64, ChatSettings>> {
        // A thread that panicked holding the lock left whole entries: keep using it.
        self.chats.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Waits for the other writes to end; the copy may be changed while the guard lives.
    pub(super) async fn write(&self) -> tokio::sync::MutexGuard<'_, ()> {
        self.writes.lock().await
    }

    /// What an upgraded group's move did to the table (see [`Store::migrate_chat`]): the old
    /// chat's settings go to the new one unless it has its own, its leaderboard period in any
    /// case (the later of the two); the old chat has none.
    pub(super) fn moved(&self, old: i64, new: i64) {
        let mut chats = self.chats();
        if let Some(settings) = chats.remove(&old) {
            let kept = chats.entry(new).or_insert(settings);
            kept.top_since = kept.top_since.max(settings.top_since);
        }
    }
}

fn settings_of(row: &sqlx::sqlite::SqliteRow) -> ChatSettings {
    let number = |column: &str| {
        row.get::<Option<i64>, _>(column)
            .and_then(|n| u32::try_from(n).ok())
    };
    ChatSettings {
        language: row
            .get::<Option<String>, _>("language")
            .and_then(|code| Lang::from_code(&code)),
        question_seconds: number("question_seconds"),
        questions: number("questions").map(|n| n as usize),
        starters: Starters::from_code(row.get("starters")).unwrap_or_default(),
        scoring: Scoring::from_code(row.get("scoring")).unwrap_or_default(),
        debate_minutes: number("debate_minutes"),
        pictures: row.get::<Option<i64>, _>("pictures").map(|p| p != 0),
        top_since: row.get("top_since"),
        article: row
            .get::<Option<String>, _>("article")
            .and_then(|id| ArticleId::new(&id)),
    }
}

impl Store {
    /// A chat's settings (all defaults when it never changed any), from memory.
    pub async fn chat_settings(&self, chat_id: i64) -> Result<ChatSettings, Error> {
        Ok(self
            .settings
            .chats()
            .get(&chat_id)
            .copied()
            .unwrap_or_default())
    }

    /// Makes one change to a chat's settings at `at`; answers the settings as they now are.
    /// Only the changed column is written, so two admins changing two settings at once both
    /// keep theirs.
    pub async fn change_chat_settings(
        &self,
        chat_id: i64,
        change: SettingChange,
        at: Millis,
    ) -> Result<ChatSettings, Error> {
        let _timer = super::timing::write("chat_settings");
        let (column, value): (&str, Option<String>) = match change {
            SettingChange::Language(l) => ("language", l.map(|l| l.code().to_string())),
            SettingChange::Seconds(s) => ("question_seconds", Some(s.to_string())),
            SettingChange::Questions(q) => ("questions", Some(q.to_string())),
            SettingChange::Starters(s) => ("starters", Some(s.code().to_string())),
            SettingChange::Scoring(s) => ("scoring", Some(s.code().to_string())),
            SettingChange::Minutes(m) => ("debate_minutes", Some(m.to_string())),
            SettingChange::Pictures(p) => ("pictures", Some(u8::from(p).to_string())),
            SettingChange::Article(a) => ("article", a.map(|a| a.as_str().to_string())),
        };
        self.set_chat_column(chat_id, column, value, at).await
    }

    /// Starts a new leaderboard period for a chat at `at` (`/top reset`): from then on /top
    /// counts only the answers given since. Nothing is deleted. Answers the settings as they
    /// now are.
    pub async fn reset_top(&self, chat_id: i64, at: Millis) -> Result<ChatSettings, Error> {
        let _timer = super::timing::write("chat_settings");
        self.set_chat_column(chat_id, "top_since", Some(at.0.to_string()), at)
            .await
    }

    /// Writes one column of a chat's row (made if missing), and the copy in memory.
    async fn set_chat_column(
        &self,
        chat_id: i64,
        column: &str,
        value: Option<String>,
        at: Millis,
    ) -> Result<ChatSettings, Error> {
        let _writing = self.settings.write().await;
        let mut tx = self.pool.begin().await?;
        sqlx::query("INSERT OR IGNORE INTO chat_settings (chat_id, updated_at) VALUES (?, ?)")
            .bind(chat_id)
            .bind(at)
            .execute(&mut *tx)
            .await?;
        // `column` is one of the names of this file, never user input. Numbers are bound as
        // text and stored as integers (the column's affinity).
        sqlx::query(&format!(
            "UPDATE chat_settings SET {column} = ?, updated_at = ? WHERE chat_id = ?"
        ))
        .bind(value)
        .bind(at)
        .bind(chat_id)
        .execute(&mut *tx)
        .await?;
        let row = sqlx::query("SELECT * FROM chat_settings WHERE chat_id = ?")
            .bind(chat_id)
            .fetch_one(&mut *tx)
            .await?;
        tx.commit().await?;
        let settings = settings_of(&row);
        self.settings.chats().insert(chat_id, settings);
        Ok(settings)
    }
}
