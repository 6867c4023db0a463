//! Chats' settings (migration `0004_chat_settings.sql`), read through a cache: every message a
//! group sends needs its chat's language, so the row is read once and kept in memory; a change
//! writes the row and the cache together. The cache assumes this process is the only writer of
//! the table, as the bot is of its database. A read that raced a write (it read the row before
//! the write committed) does not put its older copy in the cache: every write counts a
//! generation, and a read caches only when none passed while it read.

use std::collections::HashMap;

use sqlx::Row;

use super::Store;
use crate::i18n::Lang;
use crate::settings::{Change, ChatSettings, Scoring, Starters};

/// Chats' settings as last read or written.
#[derive(Debug, Default)]
pub(super) struct SettingsCache {
    chats: HashMap<i64, ChatSettings>,
    /// Writes so far (changes and moves).
    generation: u64,
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
    }
}

impl Store {
    /// A chat's settings (all defaults when it never changed any).
    pub async fn chat_settings(&self, chat_id: i64) -> anyhow::Result<ChatSettings> {
        let generation = {
            let cache = self.settings_cache();
            if let Some(settings) = cache.chats.get(&chat_id) {
                return Ok(*settings);
            }
            cache.generation
        };
        let row = sqlx::query("SELECT * FROM chat_settings WHERE chat_id = ?")
            .bind(chat_id)
            .fetch_optional(&self.pool)
            .await?;
        let settings = row.as_ref().map(settings_of).unwrap_or_default();
        let mut cache = self.settings_cache();
        if cache.generation == generation {
            cache.chats.insert(chat_id, settings);
        }
        Ok(settings)
    }

    fn settings_cache(&self) -> std::sync::MutexGuard<'_, SettingsCache> {
        // A thread that panicked holding the lock left whole entries: keep using it.
        self.settings.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Makes one change to a chat's settings at `at`; answers the settings as they now are.
    /// Only the changed column is written, so two admins changing two settings at once both
    /// keep theirs.
    pub async fn change_chat_settings(
        &self,
        chat_id: i64,
        change: Change,
        at: i64,
    ) -> anyhow::Result<ChatSettings> {
        let _timer = crate::metrics::write("chat_settings");
        let (column, value): (&str, Option<String>) = match change {
            Change::Language(l) => ("language", l.map(|l| l.code().to_string())),
            Change::Seconds(s) => ("question_seconds", Some(s.to_string())),
            Change::Questions(q) => ("questions", Some(q.to_string())),
            Change::Starters(s) => ("starters", Some(s.code().to_string())),
            Change::Scoring(s) => ("scoring", Some(s.code().to_string())),
            Change::Minutes(m) => ("debate_minutes", Some(m.to_string())),
        };
        let mut tx = self.pool.begin().await?;
        sqlx::query("INSERT OR IGNORE INTO chat_settings (chat_id, updated_at) VALUES (?, ?)")
            .bind(chat_id)
            .bind(at)
            .execute(&mut *tx)
            .await?;
        // `column` is one of the names above, never user input. Numbers are bound as text and
        // stored as integers (the column's affinity).
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
        let mut cache = self.settings_cache();
        cache.generation += 1;
        cache.chats.insert(chat_id, settings);
        Ok(settings)
    }

    /// Forgets what the cache holds for these chats (after their rows moved).
    pub(super) fn uncache_settings(&self, chats: &[i64]) {
        let mut cache = self.settings_cache();
        cache.generation += 1;
        for chat in chats {
            cache.chats.remove(chat);
        }
    }
}
