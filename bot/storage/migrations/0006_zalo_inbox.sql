-- Zalo updates recorded before they are handled: the webhook answers 200 only after the row is
-- committed, a redelivered message id is ignored, and rows left unhandled by a crash are
-- handled at the next start.
CREATE TABLE zalo_inbox (
    message_id   TEXT PRIMARY KEY,
    body         TEXT NOT NULL,                      -- JSON: the update
    received_at  TEXT NOT NULL,
    handled_at   TEXT
);
CREATE INDEX zalo_inbox_pending ON zalo_inbox(handled_at, received_at);
