-- Whether a chat's results (a quiz's, homework's summary) come with a picture (/settings);
-- NULL: the config's default ([quiz] pictures).
ALTER TABLE chat_settings ADD COLUMN pictures INTEGER;
