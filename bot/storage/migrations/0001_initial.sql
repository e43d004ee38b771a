-- Core schema: places, people, identities, conversation state, cases, outbox, KB feedback.
-- Portable SQL (no SQLite-only features) so the repositories can move to PostgreSQL.

CREATE TABLE communes (
    code              TEXT PRIMARY KEY,
    name              TEXT NOT NULL,
    name_folded       TEXT NOT NULL,
    unit_type         TEXT NOT NULL,                 -- 'xã' | 'phường'
    former_districts  TEXT NOT NULL DEFAULT '',      -- '; '-separated, pre-2025 districts
    predecessors      TEXT NOT NULL DEFAULT '',      -- '; '-separated, pre-2025 communes merged in
    uncertain         INTEGER NOT NULL DEFAULT 0,
    is_pilot          INTEGER NOT NULL DEFAULT 0,    -- điểm chỉ đạo
    is_ethnic_area    INTEGER NOT NULL DEFAULT 1,    -- Art. 12: team needs an ethnic-minority mediator
    is_model          INTEGER NOT NULL DEFAULT 0     -- cấp xã điển hình về hòa giải ở cơ sở
);

CREATE TABLE teams (
    id            INTEGER PRIMARY KEY,
    commune_code  TEXT NOT NULL REFERENCES communes(code),
    name          TEXT NOT NULL,                     -- the thôn / tổ dân phố it serves
    name_folded   TEXT NOT NULL,
    confirmed     INTEGER NOT NULL DEFAULT 1,        -- 0: proposed at registration, officer must confirm
    created_at    TEXT NOT NULL,
    UNIQUE (commune_code, name_folded)
);
CREATE INDEX teams_commune ON teams(commune_code);

CREATE TABLE people (
    id                  INTEGER PRIMARY KEY,
    full_name           TEXT NOT NULL,
    sex                 TEXT,                        -- 'male' | 'female'
    ethnic_minority     INTEGER,
    legal_background    INTEGER NOT NULL DEFAULT 0,  -- chuyên môn luật (form 10c)
    phone               TEXT,                        -- E.164
    role                TEXT NOT NULL,               -- mediator | team_leader | commune_officer | province_officer | admin
    status              TEXT NOT NULL,               -- pending | active | rejected | left
    commune_code        TEXT REFERENCES communes(code),
    team_id             INTEGER REFERENCES teams(id),
    recognised_on       TEXT,                        -- ISO date: ngày công nhận hòa giải viên
    trained_on          TEXT,                        -- ISO date of the first completed training
    is_trainer          INTEGER NOT NULL DEFAULT 0,
    legal_supporter     TEXT,                        -- LegalSupporterType when the person supports teams
    approved_by         INTEGER REFERENCES people(id),
    status_reason       TEXT,
    created_at          TEXT NOT NULL,
    updated_at          TEXT NOT NULL
);
CREATE UNIQUE INDEX people_phone ON people(phone);
CREATE INDEX people_team ON people(team_id);
CREATE INDEX people_commune ON people(commune_code, status);

CREATE TABLE legal_support (
    person_id  INTEGER NOT NULL REFERENCES people(id),
    team_id    INTEGER NOT NULL REFERENCES teams(id),
    PRIMARY KEY (person_id, team_id)
);

CREATE TABLE identities (
    channel      TEXT NOT NULL,
    external_id  TEXT NOT NULL,
    chat_id      TEXT NOT NULL,
    person_id    INTEGER REFERENCES people(id),
    display_name TEXT NOT NULL DEFAULT '',
    unreachable  INTEGER NOT NULL DEFAULT 0,         -- user blocked the bot (403)
    created_at   TEXT NOT NULL,
    PRIMARY KEY (channel, external_id)
);
CREATE INDEX identities_person ON identities(person_id);

CREATE TABLE invites (
    code          TEXT PRIMARY KEY,
    role          TEXT NOT NULL,
    commune_code  TEXT REFERENCES communes(code),
    created_by    INTEGER REFERENCES people(id),
    created_at    TEXT NOT NULL,
    expires_at    TEXT NOT NULL,
    used_by       INTEGER REFERENCES people(id),
    used_at       TEXT
);

CREATE TABLE sessions (
    channel     TEXT NOT NULL,
    chat_id     TEXT NOT NULL,
    flow        TEXT NOT NULL,
    step        TEXT NOT NULL,
    data        TEXT NOT NULL,                       -- JSON
    history     TEXT NOT NULL,                       -- JSON list of previous steps (for "quay lại")
    paused      INTEGER NOT NULL DEFAULT 0,          -- resumed after idleness: asked "tiếp tục hay hủy?"
    updated_at  TEXT NOT NULL,
    PRIMARY KEY (channel, chat_id)
);

CREATE TABLE inbound_seen (
    channel     TEXT NOT NULL,
    chat_id     TEXT NOT NULL,
    message_id  TEXT NOT NULL,
    seen_at     TEXT NOT NULL,
    PRIMARY KEY (channel, chat_id, message_id)
);
CREATE INDEX inbound_seen_at ON inbound_seen(seen_at);

CREATE TABLE cases (
    id                      INTEGER PRIMARY KEY,
    code                    TEXT NOT NULL UNIQUE,    -- HG-2026-00123
    draft_key               TEXT NOT NULL UNIQUE,    -- makes confirm idempotent
    team_id                 INTEGER NOT NULL REFERENCES teams(id),
    commune_code            TEXT NOT NULL REFERENCES communes(code),
    reported_by             INTEGER NOT NULL REFERENCES people(id),
    received_on             TEXT NOT NULL,
    origin                  TEXT NOT NULL,
    field                   TEXT NOT NULL,
    summary                 TEXT NOT NULL,
    out_of_scope_reason     TEXT,
    parties_count           INTEGER,
    vulnerable_involved     INTEGER,
    outcome                 TEXT NOT NULL,
    outcome_on              TEXT,
    written_agreement       INTEGER,
    wants_court_recognition INTEGER,
    next_step               TEXT,
    legal_support           TEXT,
    created_at              TEXT NOT NULL,
    updated_at              TEXT NOT NULL
);
CREATE INDEX cases_team ON cases(team_id, outcome);
CREATE INDEX cases_commune_date ON cases(commune_code, received_on);
CREATE INDEX cases_received ON cases(received_on);

CREATE TABLE case_events (
    id         INTEGER PRIMARY KEY,
    case_id    INTEGER NOT NULL REFERENCES cases(id),
    person_id  INTEGER REFERENCES people(id),
    at         TEXT NOT NULL,
    kind       TEXT NOT NULL,                        -- created | changed | note
    field      TEXT,
    old_value  TEXT,
    new_value  TEXT
);
CREATE INDEX case_events_case ON case_events(case_id);

CREATE TABLE case_counters (
    year  INTEGER PRIMARY KEY,
    last  INTEGER NOT NULL
);

CREATE TABLE outbox (
    id               INTEGER PRIMARY KEY,
    channel          TEXT NOT NULL,
    chat_id          TEXT NOT NULL,
    person_id        INTEGER REFERENCES people(id),
    payload          TEXT NOT NULL,                  -- JSON: text, choices, attachment
    dedupe_key       TEXT NOT NULL UNIQUE,
    kind             TEXT NOT NULL,                  -- reminder | broadcast | approval | notice
    status           TEXT NOT NULL DEFAULT 'pending',-- pending | sending | sent | failed | blocked | cancelled
    attempts         INTEGER NOT NULL DEFAULT 0,
    next_attempt_at  TEXT NOT NULL,
    created_at       TEXT NOT NULL,
    sent_at          TEXT,
    error            TEXT
);
CREATE INDEX outbox_due ON outbox(channel, status, next_attempt_at);

CREATE TABLE kb_feedback (
    id        INTEGER PRIMARY KEY,
    at        TEXT NOT NULL,
    ref       TEXT NOT NULL,
    helpful   INTEGER NOT NULL
);

CREATE TABLE kb_unanswered (
    id        INTEGER PRIMARY KEY,
    at        TEXT NOT NULL,
    question  TEXT NOT NULL,                          -- masked, folded: no personal data
    decision  TEXT NOT NULL
);
CREATE INDEX kb_unanswered_q ON kb_unanswered(question);
