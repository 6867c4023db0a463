-- A chat's own settings (/settings), one row per chat (not per forum topic); a NULL value is
-- the config's default. Times are milliseconds since the Unix epoch.

CREATE TABLE chat_settings (
    chat_id          INTEGER PRIMARY KEY,
    language         TEXT,                            -- 'zh', 'en'; NULL: each person's own
    question_seconds INTEGER,
    questions        INTEGER,
    starters         TEXT    NOT NULL DEFAULT 'all',  -- 'all' or 'admins'
    scoring          TEXT    NOT NULL DEFAULT 'right', -- 'right' or 'points'
    debate_minutes   INTEGER,
    updated_at       INTEGER NOT NULL
);

-- How a quiz is scored, fixed when it starts (the chat's setting may change meanwhile).
ALTER TABLE quizzes ADD COLUMN scoring TEXT NOT NULL DEFAULT 'right';
