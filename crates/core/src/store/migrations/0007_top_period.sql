-- /top reset: when a chat's current leaderboard period began. /top counts only the answers
-- given since then; nothing is deleted. NULL: the chat never reset it (all time). Milliseconds
-- since the Unix epoch.
ALTER TABLE chat_settings ADD COLUMN top_since INTEGER;

-- A chat's quizzes, finished ones included: what /top and /report all add up (a group's own
-- quizzes by this index, its homework attempts through assignments (chat_id, number) and
-- quizzes (assignment_id, starter_id)).
CREATE INDEX quizzes_by_chat ON quizzes (chat_id);
