-- Forum topics: a quiz or a debate runs in a place, a chat and (in a forum supergroup) a
-- topic, `thread_id` being the topic's message_thread_id; NULL outside topics (a private
-- chat, a plain group, a forum's General topic). Two classes in two topics of one forum may
-- each run a quiz and a debate at once; one topic, one of each.

ALTER TABLE quizzes ADD COLUMN thread_id INTEGER;
DROP INDEX quizzes_one_running_per_chat;
CREATE UNIQUE INDEX quizzes_one_running_per_place
    ON quizzes (chat_id, IFNULL(thread_id, 0)) WHERE finished_at IS NULL;

ALTER TABLE debates ADD COLUMN thread_id INTEGER;
DROP INDEX debates_one_open_per_chat;
CREATE UNIQUE INDEX debates_one_open_per_place
    ON debates (chat_id, IFNULL(thread_id, 0)) WHERE closed_at IS NULL;
