-- Reminders, broadcast details, training RSVPs and the announcements opt-out.
-- Portable SQL: ALTER TABLE ... ADD COLUMN with constant defaults works on SQLite and PostgreSQL.

-- 1: the person typed «tắt thông báo» — skipped by broadcasts (never by reminders about their own
-- cases, approvals or decisions).
ALTER TABLE people ADD COLUMN announcements_opt_out INTEGER NOT NULL DEFAULT 0;

-- What the broadcast flow records beyond the 0002 table.
ALTER TABLE broadcasts ADD COLUMN link TEXT;                     -- optional document URL (no files)
ALTER TABLE broadcasts ADD COLUMN training INTEGER NOT NULL DEFAULT 0;  -- 1: RSVP buttons
ALTER TABLE broadcasts ADD COLUMN scope_commune TEXT REFERENCES communes(code);  -- a commune officer's own commune
ALTER TABLE broadcasts ADD COLUMN send_at TEXT;                  -- scheduled first attempt (UTC), NULL = at once
ALTER TABLE broadcasts ADD COLUMN recipients INTEGER NOT NULL DEFAULT 0;   -- people in the audience
ALTER TABLE broadcasts ADD COLUMN unreachable INTEGER NOT NULL DEFAULT 0;  -- of them, without any reachable chat
ALTER TABLE broadcasts ADD COLUMN finished_at TEXT;              -- the final report went to the creator
CREATE INDEX broadcasts_open ON broadcasts(finished_at, id);
-- "Was this person sent that broadcast?" (RSVP checks) and "cancel their queued announcements".
CREATE INDEX outbox_person ON outbox(person_id, broadcast_id);

-- Attendance intent for a training invitation: one answer per person, the latest firm one wins.
CREATE TABLE training_rsvp (
    broadcast_id  INTEGER NOT NULL REFERENCES broadcasts(id),
    person_id     INTEGER NOT NULL REFERENCES people(id),
    answer        TEXT NOT NULL,                     -- yes | no | ack (received, undecided)
    at            TEXT NOT NULL,
    PRIMARY KEY (broadcast_id, person_id)
);

-- Reminders already queued, by the subject key of their outbox rows (without the channel).
-- The outbox's UNIQUE dedupe_key is what guarantees "at most once"; this ledger lets a run skip
-- known subjects with one lookup instead of re-queuing thousands of no-op rows, and keeps
-- holding after old outbox rows are purged.
CREATE TABLE reminder_log (
    dedupe_key  TEXT PRIMARY KEY,
    rule        TEXT NOT NULL,
    person_id   INTEGER REFERENCES people(id),
    at          TEXT NOT NULL
);

-- Open cases by last change (stale-case and start-deadline reminders).
CREATE INDEX cases_open_updated ON cases(outcome, updated_at);
