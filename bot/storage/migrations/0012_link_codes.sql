-- One-time codes that attach a second channel's chat (e.g. Zalo) to a person already known on
-- another (e.g. Telegram): shown on the known channel, typed on the new one.
CREATE TABLE link_codes (
    code        TEXT PRIMARY KEY,
    person_id   INTEGER NOT NULL REFERENCES people(id),
    created_at  TEXT NOT NULL,
    expires_at  TEXT NOT NULL,
    used_at     TEXT
);
CREATE INDEX link_codes_person ON link_codes(person_id);
