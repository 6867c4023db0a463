-- Which article a chat works with (/settings): its id, the folder's name under responses/;
-- NULL: every article loaded.
ALTER TABLE chat_settings ADD COLUMN article TEXT;
