-- Broadcasts and what the outbox sender needs beyond the 0001 table.
-- Portable SQL: ALTER TABLE ... ADD COLUMN with constant defaults works on SQLite and PostgreSQL.

-- One announcement sent to many people; its outbox rows point back here so it can be
-- followed (counts by status) and cancelled as a whole.
CREATE TABLE broadcasts (
    id            INTEGER PRIMARY KEY,
    created_by    INTEGER REFERENCES people(id),
    text          TEXT NOT NULL,
    audience      TEXT NOT NULL,                     -- JSON: the audience as chosen (roles, communes…)
    urgent        INTEGER NOT NULL DEFAULT 0,        -- 1: goes out even during quiet hours
    created_at    TEXT NOT NULL,
    cancelled_at  TEXT
);

ALTER TABLE outbox ADD COLUMN broadcast_id INTEGER REFERENCES broadcasts(id);
-- 1: not held back by quiet hours (an urgent broadcast, a time-critical notice).
ALTER TABLE outbox ADD COLUMN urgent INTEGER NOT NULL DEFAULT 0;
-- How many attempts ended in a 429: those do not count against the retry budget for errors.
ALTER TABLE outbox ADD COLUMN throttled INTEGER NOT NULL DEFAULT 0;

-- The sender claims at most one row per chat at a time and blocks a chat's pending rows on 403:
-- both look rows up by chat.
CREATE INDEX outbox_chat ON outbox(channel, chat_id, status, id);
CREATE INDEX outbox_broadcast ON outbox(broadcast_id, status);
-- "Has this chat blocked the bot?" is asked per claimed row.
CREATE INDEX identities_chat ON identities(channel, chat_id);
