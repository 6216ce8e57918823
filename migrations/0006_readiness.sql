-- why: the readiness issue (10). `presented` remembers that a new story was shown to be read (not
-- graded), so its question cards may come the same day: a story's recall card counts as seen once
-- it was reviewed or presented. `interview` holds the dates the schedule prepares for (the next
-- one counts; `config set interview-date` keeps the one without a company).

CREATE TABLE IF NOT EXISTS presented (
    story_id INTEGER PRIMARY KEY REFERENCES story(id),
    day      TEXT NOT NULL          -- the study day it was presented
);
-- why: "stories presented today" counts against the day's new cards.
CREATE INDEX IF NOT EXISTS presented_day ON presented (day);

CREATE TABLE IF NOT EXISTS interview (
    id      INTEGER PRIMARY KEY,
    day     TEXT NOT NULL,          -- YYYY-MM-DD
    company TEXT                    -- NULL: the date set with `config set interview-date`
);
CREATE UNIQUE INDEX IF NOT EXISTS interview_without_company ON interview (company IS NULL) WHERE company IS NULL;
