-- Personal data (issue 17): consents to the privacy notice and the audit of who saw what.

-- One row per answer to a version of the notice; the latest row per chat decides.
CREATE TABLE privacy_consents (
    id              INTEGER PRIMARY KEY,
    channel         TEXT NOT NULL,
    chat_id         TEXT NOT NULL,
    person_id       INTEGER REFERENCES people(id),
    notice_version  TEXT NOT NULL,
    accepted        INTEGER NOT NULL,                -- 1 = «Đồng ý», 0 = refused
    at              TEXT NOT NULL
);
CREATE INDEX privacy_consents_chat ON privacy_consents(channel, chat_id, at);
CREATE INDEX privacy_consents_person ON privacy_consents(person_id);

-- Every export or view of other people's personal data: who, when, what, which scope.
CREATE TABLE access_audit (
    id          INTEGER PRIMARY KEY,
    at          TEXT NOT NULL,
    actor_id    INTEGER REFERENCES people(id),     -- NULL: the server console (hoagiai CLI)
    action      TEXT NOT NULL,                     -- export_xlsx | team_members | approval_card | profile_view
    scope       TEXT NOT NULL,                     -- e.g. "commune:12345", "team:7", "province"
    subject_id  INTEGER REFERENCES people(id)      -- the one person concerned, when there is one
);
CREATE INDEX access_audit_at ON access_audit(at);
CREATE INDEX access_audit_subject ON access_audit(subject_id, at);

-- When a chat was last told "automated assistant, information not a decision" (shown once per
-- conversation: again only after the chat was idle for longer than a session lasts).
CREATE TABLE assistant_disclaimers (
    channel   TEXT NOT NULL,
    chat_id   TEXT NOT NULL,
    shown_at  TEXT NOT NULL,
    PRIMARY KEY (channel, chat_id)
);
