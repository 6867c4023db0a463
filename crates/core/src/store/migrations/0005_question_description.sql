-- A question's description: the whole quote and its citation, shown with the poll when the
-- question itself had to cut the quote to Telegram's 300 characters; '' when nothing was cut.
ALTER TABLE questions ADD COLUMN description TEXT NOT NULL DEFAULT '';
