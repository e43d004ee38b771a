-- Several bot processes on one database (PostgreSQL; docs/architecture.md, "Outbox").
--
-- Outbox leases: a claimed row names the sender holding it and until when (ISO instant, UTC).
-- The sender renews the lease while the row is in its hands; recovery takes back only rows whose
-- lease ran out (a dead process's), never a live sender's. Rows claimed before this migration
-- have no lease and count as expired.
ALTER TABLE outbox ADD COLUMN claimed_by TEXT;
ALTER TABLE outbox ADD COLUMN claimed_until TEXT;

-- The claim's ORDER BY next_attempt_at, id LIMIT n: SQLite's index ends with the rowid by itself,
-- PostgreSQL's does not and sorted every due row before (330-440 ms at 102,000 pending rows).
DROP INDEX outbox_due;
CREATE INDEX outbox_due ON outbox(channel, status, next_attempt_at, id);

-- One token bucket per channel shared by every sender: the platform's limit is per bot, not
-- per process. A claim refills it by the time elapsed since updated_at and takes a token a row.
CREATE TABLE send_budget (
    channel     TEXT PRIMARY KEY,
    tokens      DOUBLE PRECISION NOT NULL,
    updated_at  TEXT NOT NULL
);

-- Named leases (the scheduler's): one holder at a time until expires_at (ISO instant, UTC).
CREATE TABLE leases (
    name        TEXT PRIMARY KEY,
    holder      TEXT NOT NULL,
    expires_at  TEXT NOT NULL
);
