-- why: flat cost at any size (issue 13). `stats` and `plan` sum every story's answers over the
-- window (the last 30 days), and `stats_story` kept a story's days together (PRIMARY KEY
-- (story_id, day)): one range a story, each its own descent of the tree and its own pages. At
-- 1,000,000 cards and 532 stories that read ~1,100 pages, two thirds of `stats`. Keyed by
-- (day, story_id) the window is one range, every story's days in it side by side: ~250 pages,
-- summed per story by one GROUP BY. An answer still changes one row (today's, of its story), and
-- a story's first answer of a day adds its row at the end of the tree, beside the day's others.
-- The columns keep their order, so the triggers that write the table need no change; the table is
-- rebuilt the documented way, as in 0009 (`legacy_alter_table` leaves the triggers on `review`
-- that name `stats_story` alone).

CREATE TABLE stats_story_by_day (
    story_id       INTEGER NOT NULL,
    day            TEXT NOT NULL,
    match_answers  INTEGER NOT NULL DEFAULT 0, -- match cards' answers with `correct` set
    match_right    INTEGER NOT NULL DEFAULT 0,
    recall_reviews INTEGER NOT NULL DEFAULT 0,
    recall_grades  INTEGER NOT NULL DEFAULT 0, -- sum of the recall grades
    PRIMARY KEY (day, story_id)                -- the window: one range for every story
) WITHOUT ROWID;
INSERT INTO stats_story_by_day (story_id, day, match_answers, match_right, recall_reviews, recall_grades)
    SELECT story_id, day, match_answers, match_right, recall_reviews, recall_grades
    FROM stats_story ORDER BY day, story_id;
DROP TABLE stats_story;
PRAGMA legacy_alter_table = ON;
ALTER TABLE stats_story_by_day RENAME TO stats_story;
PRAGMA legacy_alter_table = OFF;
