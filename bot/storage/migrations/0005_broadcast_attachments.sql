-- A file sent with an announcement (issue 7): the reference of the channel that received it,
-- never its bytes. Recipients on that channel get the file by reference (a Telegram file_id is
-- valid for this bot only); recipients on other channels get a line saying how to get it.
-- Portable SQL: ALTER TABLE ... ADD COLUMN with constant defaults works on SQLite and PostgreSQL.

ALTER TABLE broadcasts ADD COLUMN file_channel TEXT;                   -- NULL: no file
ALTER TABLE broadcasts ADD COLUMN file_id TEXT;                        -- the channel's reference
ALTER TABLE broadcasts ADD COLUMN file_name TEXT;                      -- shown in the preview and history
ALTER TABLE broadcasts ADD COLUMN file_mime TEXT;
ALTER TABLE broadcasts ADD COLUMN file_photo INTEGER NOT NULL DEFAULT 0;  -- 1: resent as a photo
