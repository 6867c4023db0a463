-- A debate puts three polls: the vote before reading both sides (round 0), the vote after
-- (round 1), and which of the quotes convinced (round 2, several answers). The first vote is
-- open until the second opens (`second_at`), which stays open until `closed_at`; the result
-- is posted once (`reported_at`). A debate is running, one per chat or topic, until closed.
ALTER TABLE debates ADD COLUMN second_at INTEGER;       -- when the first vote closed and the second opened
ALTER TABLE debates ADD COLUMN second_deadline INTEGER; -- when the second vote closes by itself

-- Every poll a debate put, by Telegram's poll id. `options`: for round 2, the ids of the
-- excerpts its options name, in order, separated by spaces; empty for a vote. Each poll is
-- here: debates.poll_id and debates.message_id (written by 0002) are not read.
CREATE TABLE debate_polls (
    poll_id    TEXT    PRIMARY KEY,
    debate_id  INTEGER NOT NULL REFERENCES debates (id) ON DELETE CASCADE,
    round      INTEGER NOT NULL,
    message_id INTEGER NOT NULL,
    options    TEXT    NOT NULL DEFAULT '',
    UNIQUE (debate_id, round)
) WITHOUT ROWID;
INSERT INTO debate_polls (poll_id, debate_id, round, message_id)
    SELECT poll_id, id, 0, message_id FROM debates WHERE poll_id IS NOT NULL;

-- Each person's latest answer to each poll: the options chosen as bits (option n is 1 << n);
-- a retracted answer is deleted.
CREATE TABLE debate_answers (
    debate_id INTEGER NOT NULL REFERENCES debates (id) ON DELETE CASCADE,
    round     INTEGER NOT NULL,
    user_id   INTEGER NOT NULL,
    options   INTEGER NOT NULL,
    voted_at  INTEGER NOT NULL,
    PRIMARY KEY (debate_id, round, user_id)
) WITHOUT ROWID;
CREATE INDEX debate_answers_by_user ON debate_answers (user_id);
INSERT INTO debate_answers (debate_id, round, user_id, options, voted_at)
    SELECT debate_id, 0, user_id, 1 << option, voted_at FROM debate_votes;
DROP TABLE debate_votes;
