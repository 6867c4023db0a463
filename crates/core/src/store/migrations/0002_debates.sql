-- Debates (/debate) and their votes: enough for a restart to carry on and post the result.
-- Times are milliseconds since the Unix epoch.

CREATE TABLE debates (
    id          INTEGER PRIMARY KEY,
    chat_id     INTEGER NOT NULL,
    motion_id   TEXT    NOT NULL, -- the motion's id in responses/debates.toml
    starter_id  INTEGER NOT NULL,
    lang        TEXT    NOT NULL,
    started_at  INTEGER NOT NULL,
    deadline    INTEGER NOT NULL, -- when the vote closes by itself ([debate] minutes)
    poll_id     TEXT UNIQUE,      -- Telegram's, once the vote is posted
    message_id  INTEGER,          -- the poll's message
    closed_at   INTEGER,          -- when the vote closed (by /debate close or its deadline)
    reported_at INTEGER           -- when the result was posted
);
-- One open debate per chat, enforced by the database.
CREATE UNIQUE INDEX debates_one_open_per_chat ON debates (chat_id) WHERE closed_at IS NULL;
CREATE INDEX debates_unreported ON debates (reported_at) WHERE reported_at IS NULL;

-- One vote per user and debate: the latest choice (0 for, 1 against, 2 undecided); a
-- retracted vote is deleted.
CREATE TABLE debate_votes (
    debate_id INTEGER NOT NULL REFERENCES debates (id) ON DELETE CASCADE,
    user_id   INTEGER NOT NULL,
    option    INTEGER NOT NULL,
    voted_at  INTEGER NOT NULL,
    PRIMARY KEY (debate_id, user_id)
) WITHOUT ROWID;
CREATE INDEX debate_votes_by_user ON debate_votes (user_id);
