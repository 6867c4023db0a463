-- Homework (/assign): a quiz each student takes alone, in a private chat with the bot, by a
-- deadline, reported back to the group it was assigned in and to the teacher who assigned it.
-- Each student's attempt is a quiz of its own (in `quizzes`, in the student's private chat,
-- with `assignment_id` set): the same questions in the same order for everyone, the options
-- dealt anew for each student. Times are milliseconds since the Unix epoch.

CREATE TABLE assignments (
    id               INTEGER PRIMARY KEY,
    code             TEXT    NOT NULL UNIQUE, -- the deep link's: t.me/<bot>?start=hw_<code>
    chat_id          INTEGER NOT NULL,        -- the group it was assigned in
    thread_id        INTEGER,                 -- its forum topic; NULL outside topics
    number           INTEGER NOT NULL,        -- its number in that chat (/assign close 2)
    teacher_id       INTEGER NOT NULL,
    teacher_name     TEXT    NOT NULL,
    lang             TEXT    NOT NULL,
    question_seconds INTEGER NOT NULL,
    scoring          TEXT    NOT NULL,
    questions        TEXT    NOT NULL,        -- JSON: the questions as dealt for the class, in order
    bot_username     TEXT    NOT NULL,        -- for the links the summary carries
    created_at       INTEGER NOT NULL,
    deadline         INTEGER NOT NULL,
    card_message_id  INTEGER,                 -- the card in the group, edited as students finish
    card_finished    INTEGER NOT NULL DEFAULT 0, -- how many finished, as the card shows it
    card_edited_at   INTEGER,
    closed_at        INTEGER,                 -- the deadline passed, or /assign close
    reported_at      INTEGER                  -- the summary was posted
);
CREATE UNIQUE INDEX assignments_number_per_chat ON assignments (chat_id, number);
CREATE INDEX assignments_open ON assignments (deadline) WHERE closed_at IS NULL;
CREATE INDEX assignments_unreported ON assignments (closed_at) WHERE reported_at IS NULL;

-- A student's attempt: one per student and assignment, enforced by the database; cut short
-- when the deadline came before its last question was over (it does not count as finished).
ALTER TABLE quizzes ADD COLUMN assignment_id INTEGER REFERENCES assignments (id);
ALTER TABLE quizzes ADD COLUMN cut_short INTEGER NOT NULL DEFAULT 0;
CREATE UNIQUE INDEX quizzes_one_attempt_each
    ON quizzes (assignment_id, starter_id) WHERE assignment_id IS NOT NULL;

-- Who has a private chat with the bot (they wrote to it there): Telegram lets a bot write
-- first only to them ("bot can't initiate conversation with a user" otherwise).
CREATE TABLE private_chats (
    user_id    INTEGER PRIMARY KEY,
    started_at INTEGER NOT NULL
);
