-- A long flow cancelled or dropped by mistake (a report half-typed on a phone) is kept here for a
-- day so the menu can offer «♻️ Khôi phục …»; the retention job deletes expired rows.
CREATE TABLE cancelled_drafts (
    channel       TEXT NOT NULL,
    chat_id       TEXT NOT NULL,
    flow          TEXT NOT NULL,
    step          TEXT NOT NULL,
    data          TEXT NOT NULL,                     -- JSON, as in sessions
    history       TEXT NOT NULL,                     -- JSON list of previous steps
    title         TEXT NOT NULL,
    cancelled_at  TEXT NOT NULL,
    expires_at    TEXT NOT NULL,
    PRIMARY KEY (channel, chat_id, flow)
);
CREATE INDEX cancelled_drafts_expiry ON cancelled_drafts(expires_at);
