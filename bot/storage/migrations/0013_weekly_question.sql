-- The weekly question: the one sent and not yet answered is kept per person, so an answer typed
-- days later (a number, a letter or the option's text) can be marked against it.
-- pending_week stays after the answer: it is the last ISO week a question was queued for, which
-- stops a second question that week even after old outbox rows are purged.
ALTER TABLE training_prefs ADD COLUMN pending_question TEXT;   -- question id, NULL once answered
ALTER TABLE training_prefs ADD COLUMN pending_week TEXT;       -- e.g. '2026-W11' (local calendar)
ALTER TABLE training_prefs ADD COLUMN pending_since TEXT;      -- UTC instant it was queued
CREATE INDEX training_prefs_weekly ON training_prefs(weekly_question, pending_week);
