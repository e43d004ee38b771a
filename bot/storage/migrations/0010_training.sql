-- Training: courses and their sessions, attendance, self-study progress, quiz answers, contests.
-- Portable SQL. Formal training (attendance) and self-study (lessons, quizzes) are kept apart:
-- only attendance feeds people.trained_on.

-- Where people.trained_on came from: 'attendance' (derived from training_attendance) or
-- 'import' (a historical record brought in by the bulk importer, kept as such).
ALTER TABLE people ADD COLUMN trained_source TEXT;
UPDATE people SET trained_source = 'import' WHERE trained_on IS NOT NULL;

CREATE TABLE training_courses (
    id            INTEGER PRIMARY KEY,
    title         TEXT NOT NULL,
    level         TEXT NOT NULL,                     -- 'province' | 'commune'
    commune_code  TEXT REFERENCES communes(code),    -- the organising commune (NULL: province)
    place         TEXT NOT NULL,
    starts_on     TEXT NOT NULL,                     -- ISO date
    ends_on       TEXT NOT NULL,
    topics        TEXT NOT NULL,                     -- JSON list of module ids from knowledge/training
    audience      TEXT NOT NULL,                     -- JSON Audience (as broadcasts store it)
    open_checkin  INTEGER NOT NULL DEFAULT 0,        -- 1: people not invited may check in too
    broadcast_id  INTEGER REFERENCES broadcasts(id), -- the invitation
    created_by    INTEGER NOT NULL REFERENCES people(id),
    created_at    TEXT NOT NULL
);
CREATE INDEX training_courses_commune ON training_courses(commune_code);

CREATE TABLE training_trainers (
    course_id  INTEGER NOT NULL REFERENCES training_courses(id),
    person_id  INTEGER NOT NULL REFERENCES people(id),
    PRIMARY KEY (course_id, person_id)
);

-- Who was invited (the audience at the time the course was created).
CREATE TABLE training_invitees (
    course_id  INTEGER NOT NULL REFERENCES training_courses(id),
    person_id  INTEGER NOT NULL REFERENCES people(id),
    PRIMARY KEY (course_id, person_id)
);

-- One class meeting; its check-in code is valid from opens_at to closes_at only.
CREATE TABLE training_sessions (
    id          INTEGER PRIMARY KEY,
    course_id   INTEGER NOT NULL REFERENCES training_courses(id),
    held_on     TEXT NOT NULL,                       -- ISO date (Asia/Ho_Chi_Minh)
    code        TEXT NOT NULL,
    opens_at    TEXT NOT NULL,                       -- UTC instants
    closes_at   TEXT NOT NULL,
    created_by  INTEGER NOT NULL REFERENCES people(id),
    created_at  TEXT NOT NULL
);
CREATE INDEX training_sessions_code ON training_sessions(code, closes_at);
CREATE INDEX training_sessions_course ON training_sessions(course_id);

CREATE TABLE training_attendance (
    session_id   INTEGER NOT NULL REFERENCES training_sessions(id),
    person_id    INTEGER NOT NULL REFERENCES people(id),
    method       TEXT NOT NULL,                      -- 'code' | 'tick' | 'correction'
    recorded_by  INTEGER NOT NULL REFERENCES people(id),
    recorded_at  TEXT NOT NULL,
    reason       TEXT,                               -- required for a late correction
    PRIMARY KEY (session_id, person_id)
);
CREATE INDEX training_attendance_person ON training_attendance(person_id);

CREATE TABLE lesson_progress (
    person_id     INTEGER NOT NULL REFERENCES people(id),
    lesson_id     TEXT NOT NULL,                     -- knowledge/training lesson id
    started_at    TEXT NOT NULL,
    completed_at  TEXT,                              -- set when its quiz was finished
    correct       INTEGER NOT NULL DEFAULT 0,
    answered      INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (person_id, lesson_id)
);

CREATE TABLE quiz_answers (
    id           INTEGER PRIMARY KEY,
    person_id    INTEGER NOT NULL REFERENCES people(id),
    question_id  TEXT NOT NULL,
    lesson_id    TEXT,                               -- NULL: the weekly question
    chosen       INTEGER NOT NULL,                   -- option index
    correct      INTEGER NOT NULL,
    answered_at  TEXT NOT NULL
);
CREATE INDEX quiz_answers_person ON quiz_answers(person_id, answered_at);

CREATE TABLE training_prefs (
    person_id        INTEGER PRIMARY KEY REFERENCES people(id),
    weekly_question  INTEGER NOT NULL DEFAULT 0,
    updated_at       TEXT NOT NULL
);

CREATE TABLE contest_rounds (
    id            INTEGER PRIMARY KEY,
    title         TEXT NOT NULL,
    commune_code  TEXT REFERENCES communes(code),    -- NULL: a province round
    audience      TEXT NOT NULL,                     -- JSON Audience
    questions     TEXT NOT NULL,                     -- JSON list of question ids
    starts_at     TEXT NOT NULL,                     -- UTC; answers outside the window are refused
    ends_at       TEXT NOT NULL,
    created_by    INTEGER NOT NULL REFERENCES people(id),
    created_at    TEXT NOT NULL
);

CREATE TABLE contest_answers (
    round_id     INTEGER NOT NULL REFERENCES contest_rounds(id),
    person_id    INTEGER NOT NULL REFERENCES people(id),
    question_id  TEXT NOT NULL,
    chosen       INTEGER NOT NULL,
    correct      INTEGER NOT NULL,
    answered_at  TEXT NOT NULL,
    PRIMARY KEY (round_id, person_id, question_id)
);
