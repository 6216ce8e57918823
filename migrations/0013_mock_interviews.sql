-- why: mock interviews (issue 14). `storydrill interview` logs every answer as a review of kind
-- 'mock', which counts in readiness and confusions and moves no schedule, and keeps each mock
-- interview and its steps for `storydrill interviews`, the trend in `stats` and the warning that a
-- company already heard a story.

-- The review log's CHECK on `kind` gains 'mock'. Loosening a CHECK changes no stored row, so the
-- table's definition is edited in place, as SQLite documents for such changes (a rebuild would
-- copy the whole log); RESET makes this connection read the new definition.
PRAGMA writable_schema = ON;
UPDATE sqlite_schema
SET sql = replace(sql, 'CHECK (kind IN (''scheduled'', ''redrill'', ''cram''))',
                       'CHECK (kind IN (''scheduled'', ''redrill'', ''cram'', ''mock''))')
WHERE type = 'table' AND name = 'review';
PRAGMA writable_schema = RESET;

-- A card's last grade now includes a mock interview's: a follow-up or a telling failed there is
-- not ready until it is answered well again.
DROP TRIGGER last_quality_insert;
DROP TRIGGER last_quality_delete;
CREATE TRIGGER last_quality_insert AFTER INSERT ON review
WHEN NEW.kind IN ('scheduled', 'mock')
BEGIN
    UPDATE card SET last_quality = NEW.quality WHERE id = NEW.card_id;
END;
CREATE TRIGGER last_quality_delete AFTER DELETE ON review
WHEN OLD.kind IN ('scheduled', 'mock')
BEGIN
    UPDATE card SET last_quality = (SELECT r.quality FROM review r
        WHERE r.card_id = OLD.card_id AND r.kind IN ('scheduled', 'mock') ORDER BY r.id DESC LIMIT 1)
    WHERE id = OLD.card_id;
END;

CREATE TABLE mock_interview (
    id         INTEGER PRIMARY KEY,
    started_at TEXT NOT NULL,            -- UTC, RFC 3339
    day        TEXT NOT NULL,            -- the study day
    company    TEXT,                     -- --company
    minutes    INTEGER NOT NULL,         -- the length planned for
    seed       INTEGER NOT NULL,
    planned    INTEGER NOT NULL,         -- steps planned
    finished   INTEGER NOT NULL DEFAULT 0, -- 1: it reached its end (not quit early)
    score      INTEGER,                  -- 0-100 over the steps answered
    report     TEXT NOT NULL DEFAULT '{}' -- the report, as `interview --json` prints it
);
CREATE INDEX mock_interview_company ON mock_interview (company, id) WHERE company IS NOT NULL;

-- One answered step; the answers themselves are in the review log (review_id, naming_review_id).
CREATE TABLE mock_step (
    mock_id          INTEGER NOT NULL REFERENCES mock_interview(id) ON DELETE CASCADE,
    position         INTEGER NOT NULL,   -- from 1, in the order asked
    part             TEXT NOT NULL CHECK (part IN ('intro', 'project', 'question', 'followup', 'design', 'closing')),
    card_key         TEXT NOT NULL,      -- the card asked (a key: a card deleted later leaves it)
    asked            TEXT,               -- the story it was asked about (the best fit)
    told             TEXT,               -- the story told (the one named, for a question)
    target_seconds   INTEGER NOT NULL,
    ms               INTEGER NOT NULL,
    points           INTEGER NOT NULL,   -- key points judged
    covered          INTEGER NOT NULL,
    review_id        INTEGER,            -- the telling's review (NULL: told aloud, not ticked)
    naming_review_id INTEGER,            -- the question's review (naming the story)
    PRIMARY KEY (mock_id, position)
) WITHOUT ROWID;
