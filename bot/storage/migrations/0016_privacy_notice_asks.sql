-- Personal data (issue 17): when a registered person was asked, at the start of a flow, to read a
-- notice version they had not answered (a new text, or an account created without a consent
-- record). They are asked once per version; afterwards the menu keeps offering the notice, so
-- skipping it never becomes a wall in front of their work.
CREATE TABLE privacy_notice_asks (
    person_id       INTEGER NOT NULL REFERENCES people(id),
    notice_version  TEXT NOT NULL,
    asked_at        TEXT NOT NULL,
    PRIMARY KEY (person_id, notice_version)
);
