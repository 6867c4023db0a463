-- Quizzes, their questions as dealt, and the answers: everything a restart needs.
-- Times are milliseconds since the Unix epoch.

CREATE TABLE quizzes (
    id               INTEGER PRIMARY KEY,
    chat_id          INTEGER NOT NULL,
    starter_id       INTEGER NOT NULL,
    starter_name     TEXT    NOT NULL,
    lang             TEXT    NOT NULL,
    question_seconds INTEGER NOT NULL,
    started_at       INTEGER NOT NULL,
    -- the question being asked (or about to be)
    current          INTEGER NOT NULL DEFAULT 0,
    finished_at      INTEGER
);
-- One running quiz per chat, enforced by the database.
CREATE UNIQUE INDEX quizzes_one_running_per_chat ON quizzes (chat_id) WHERE finished_at IS NULL;

CREATE TABLE questions (
    quiz_id     INTEGER NOT NULL REFERENCES quizzes (id) ON DELETE CASCADE,
    idx         INTEGER NOT NULL,
    question_id TEXT    NOT NULL,
    question    TEXT    NOT NULL,
    options     TEXT    NOT NULL, -- JSON array of strings, in the order shown
    correct     INTEGER NOT NULL,
    explanation TEXT    NOT NULL,
    poll_id     TEXT UNIQUE,      -- Telegram's, once sent
    message_id  INTEGER,
    sent_at     INTEGER,
    deadline    INTEGER,          -- when the poll closes by itself
    closed_at   INTEGER,          -- when /next or /stop closed it early
    PRIMARY KEY (quiz_id, idx)
);

CREATE TABLE answers (
    poll_id     TEXT    NOT NULL,
    user_id     INTEGER NOT NULL,
    option      INTEGER NOT NULL,
    correct     INTEGER NOT NULL,
    answered_at INTEGER NOT NULL,
    PRIMARY KEY (poll_id, user_id)
) WITHOUT ROWID;

-- Display names, kept apart so /forgetme removes them in one place.
CREATE TABLE users (
    user_id INTEGER PRIMARY KEY,
    name    TEXT NOT NULL
);
