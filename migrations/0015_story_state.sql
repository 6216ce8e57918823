-- why: flat cost at any size (issue 13). `stats` and `plan` read five things per story (its
-- recall card, its question cards, its follow-ups' grades, its window of answers) through indexes
-- of the whole card table: at 1,000,000 cards and 532 stories that was 2,000 of the 2,500 pages
-- `stats` read, each lookup a descent of a deep index. Two aggregates, kept by triggers, hold it
-- instead: a row per story, and the card counts reduced to what `stats` shows.

-- What readiness needs of a story's cards, as of now; `story_state` holds it, refreshed by the
-- triggers below whenever one of the story's cards changes in a way this reads. A migration that
-- copies the card table (which fires no trigger) must refill `story_state` from this view.
CREATE VIEW story_state_now AS
SELECT s.id AS story_id,
       rc.reviews AS recall_reviews,
       rc.easiness AS recall_easiness,
       rc.suspended AS recall_suspended,
       rc.due AS recall_due,
       rc.last_quality AS recall_last_quality,
       rc.last_review AS recall_last_review,
       EXISTS (SELECT 1 FROM card q WHERE q.story_id = s.id AND q.kind = 'match' AND q.retired = 0)
           AS has_questions,
       -- The follow-ups' last grades, as a JSON list (null: never answered).
       (SELECT json_group_array(f.last_quality) FROM card f
        WHERE f.story_id = s.id AND f.kind = 'followup' AND f.retired = 0 AND f.suspended = 0)
           AS followups
FROM story s
LEFT JOIN card rc ON rc.story_id = s.id AND rc.kind = 'recall' AND rc.retired = 0;

CREATE TABLE story_state (
    story_id            INTEGER PRIMARY KEY,
    recall_reviews      INTEGER,          -- NULL: the story has no current recall card
    recall_easiness     INTEGER,
    recall_suspended    INTEGER,
    recall_due          TEXT,
    recall_last_quality INTEGER,
    recall_last_review  TEXT,
    has_questions       INTEGER NOT NULL,
    followups           TEXT NOT NULL
);
-- The triggers upsert (a trigger's OR REPLACE gives way to the outer statement's conflict rule).
INSERT INTO story_state SELECT * FROM story_state_now WHERE true
    ON CONFLICT (story_id) DO NOTHING;

CREATE TRIGGER story_state_story_insert AFTER INSERT ON story
BEGIN
    INSERT INTO story_state SELECT * FROM story_state_now WHERE story_id = NEW.id
    ON CONFLICT (story_id) DO UPDATE SET
        recall_reviews = excluded.recall_reviews, recall_easiness = excluded.recall_easiness,
        recall_suspended = excluded.recall_suspended, recall_due = excluded.recall_due,
        recall_last_quality = excluded.recall_last_quality,
        recall_last_review = excluded.recall_last_review,
        has_questions = excluded.has_questions, followups = excluded.followups;
END;
CREATE TRIGGER story_state_story_delete AFTER DELETE ON story
BEGIN
    DELETE FROM story_state WHERE story_id = OLD.id;
END;
CREATE TRIGGER story_state_card_insert AFTER INSERT ON card
WHEN NEW.story_id IS NOT NULL AND NEW.kind IN ('recall', 'match', 'followup')
BEGIN
    INSERT INTO story_state SELECT * FROM story_state_now WHERE story_id = NEW.story_id
    ON CONFLICT (story_id) DO UPDATE SET
        recall_reviews = excluded.recall_reviews, recall_easiness = excluded.recall_easiness,
        recall_suspended = excluded.recall_suspended, recall_due = excluded.recall_due,
        recall_last_quality = excluded.recall_last_quality,
        recall_last_review = excluded.recall_last_review,
        has_questions = excluded.has_questions, followups = excluded.followups;
END;
CREATE TRIGGER story_state_card_delete AFTER DELETE ON card
WHEN OLD.story_id IS NOT NULL AND OLD.kind IN ('recall', 'match', 'followup')
BEGIN
    INSERT INTO story_state SELECT * FROM story_state_now WHERE story_id = OLD.story_id
    ON CONFLICT (story_id) DO UPDATE SET
        recall_reviews = excluded.recall_reviews, recall_easiness = excluded.recall_easiness,
        recall_suspended = excluded.recall_suspended, recall_due = excluded.recall_due,
        recall_last_quality = excluded.recall_last_quality,
        recall_last_review = excluded.recall_last_review,
        has_questions = excluded.has_questions, followups = excluded.followups;
END;
-- A question card's answers change nothing here but its existence; a recall card's every answer
-- does (its due day at least); a follow-up's only through its grade or suspension.
CREATE TRIGGER story_state_card_update
AFTER UPDATE OF story_id, kind, retired, suspended, reviews, easiness, due, last_review, last_quality
ON card
WHEN (OLD.story_id IS NOT NULL OR NEW.story_id IS NOT NULL)
 AND (OLD.story_id IS NOT NEW.story_id OR OLD.kind != NEW.kind OR OLD.retired != NEW.retired
      OR (NEW.kind = 'recall'
          AND (OLD.suspended != NEW.suspended OR OLD.reviews != NEW.reviews
               OR OLD.easiness != NEW.easiness OR OLD.due IS NOT NEW.due
               OR OLD.last_review IS NOT NEW.last_review
               OR OLD.last_quality IS NOT NEW.last_quality))
      OR (NEW.kind = 'followup'
          AND (OLD.suspended != NEW.suspended OR OLD.last_quality IS NOT NEW.last_quality)))
BEGIN
    INSERT INTO story_state SELECT * FROM story_state_now WHERE story_id = NEW.story_id
    ON CONFLICT (story_id) DO UPDATE SET
        recall_reviews = excluded.recall_reviews, recall_easiness = excluded.recall_easiness,
        recall_suspended = excluded.recall_suspended, recall_due = excluded.recall_due,
        recall_last_quality = excluded.recall_last_quality,
        recall_last_review = excluded.recall_last_review,
        has_questions = excluded.has_questions, followups = excluded.followups;
    INSERT INTO story_state SELECT * FROM story_state_now
    WHERE story_id = OLD.story_id AND OLD.story_id IS NOT NEW.story_id
    ON CONFLICT (story_id) DO UPDATE SET
        recall_reviews = excluded.recall_reviews, recall_easiness = excluded.recall_easiness,
        recall_suspended = excluded.recall_suspended, recall_due = excluded.recall_due,
        recall_last_quality = excluded.recall_last_quality,
        recall_last_review = excluded.recall_last_review,
        has_questions = excluded.has_questions, followups = excluded.followups;
END;

-- The card counts by state, easiness and deck: `stats` summed every deck's rows (14,500 at 100
-- decks), and most rows differed only in what `stats` never shows (intervals of 1 to 20 days,
-- easiness to the hundredth). Now a row holds what `core::stats` tells apart: learning or not
-- (repetitions 0 or 2), mature or not (interval 0 or 21), and the easiness rounded down to its
-- bucket (`core::stats`'s buckets; a unit test checks the two agree); and deck 0 holds
-- every deck's, so `stats` reads a few dozen rows whatever the collection. Most answers (a mature
-- card answered 4) change no row at all.
DROP TRIGGER stats_card_insert;
DROP TRIGGER stats_card_update;
DROP TRIGGER stats_card_delete;
DROP TABLE stats_card;
CREATE TABLE stats_card (
    deck_id       INTEGER NOT NULL, -- 0: every deck
    retired       INTEGER NOT NULL,
    suspended     INTEGER NOT NULL,
    reviewed      INTEGER NOT NULL, -- reviews > 0
    repetitions   INTEGER NOT NULL, -- 0 (n < 2: learning) or 2
    interval_days INTEGER NOT NULL, -- 0 or 21 (mature)
    easiness      INTEGER NOT NULL, -- the bucket's lower bound, in hundredths
    cards         INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (deck_id, retired, suspended, reviewed, repetitions, interval_days, easiness)
) WITHOUT ROWID;

-- The easiness bucket is a column of the card computed on read (no storage), so the triggers
-- below have it for OLD and NEW alike and the rounding is written once.
ALTER TABLE card ADD COLUMN easiness_bucket INTEGER
    GENERATED ALWAYS AS (min((max(easiness, 130) - 130) / 20, 8) * 20 + 130) VIRTUAL;

INSERT INTO stats_card
SELECT deck_id, retired != 0, suspended != 0, reviews > 0,
       CASE WHEN repetitions >= 2 THEN 2 ELSE 0 END,
       CASE WHEN interval_days >= 21 THEN 21 ELSE 0 END,
       easiness_bucket, count(*)
FROM card GROUP BY 1, 2, 3, 4, 5, 6, 7;
INSERT INTO stats_card
SELECT 0, retired, suspended, reviewed, repetitions, interval_days, easiness, sum(cards)
FROM stats_card GROUP BY 2, 3, 4, 5, 6, 7;

-- A card's count moves by one: `INSERT INTO stats_card_change` a card's raw values with +1 or -1
-- adds it to its deck's row and to deck 0's, and drops a row that reaches 0. The reduction to the
-- classes and the upkeep are written once, here; the triggers on `card` only say what moved.
CREATE VIEW stats_card_change AS
SELECT 0 AS deck_id, 0 AS retired, 0 AS suspended, 0 AS reviews, 0 AS repetitions,
       0 AS interval_days, 0 AS easiness_bucket, 0 AS delta
WHERE false;
CREATE TRIGGER stats_card_change_insert INSTEAD OF INSERT ON stats_card_change
BEGIN
    INSERT INTO stats_card (deck_id, retired, suspended, reviewed, repetitions, interval_days, easiness, cards)
    SELECT d.deck, NEW.retired != 0, NEW.suspended != 0, NEW.reviews > 0,
           CASE WHEN NEW.repetitions >= 2 THEN 2 ELSE 0 END,
           CASE WHEN NEW.interval_days >= 21 THEN 21 ELSE 0 END,
           NEW.easiness_bucket, NEW.delta
    FROM (SELECT NEW.deck_id AS deck UNION ALL SELECT 0) d
    WHERE true
    ON CONFLICT (deck_id, retired, suspended, reviewed, repetitions, interval_days, easiness)
    DO UPDATE SET cards = cards + excluded.cards;
    DELETE FROM stats_card WHERE deck_id IN (NEW.deck_id, 0) AND cards <= 0;
END;

CREATE TRIGGER stats_card_insert AFTER INSERT ON card
BEGIN
    INSERT INTO stats_card_change VALUES (NEW.deck_id, NEW.retired, NEW.suspended, NEW.reviews,
        NEW.repetitions, NEW.interval_days, NEW.easiness_bucket, 1);
END;
CREATE TRIGGER stats_card_delete AFTER DELETE ON card
BEGIN
    INSERT INTO stats_card_change VALUES (OLD.deck_id, OLD.retired, OLD.suspended, OLD.reviews,
        OLD.repetitions, OLD.interval_days, OLD.easiness_bucket, -1);
END;
CREATE TRIGGER stats_card_update
AFTER UPDATE OF deck_id, retired, suspended, reviews, repetitions, interval_days, easiness ON card
WHEN OLD.deck_id != NEW.deck_id OR (OLD.retired != 0) != (NEW.retired != 0)
  OR (OLD.suspended != 0) != (NEW.suspended != 0) OR (OLD.reviews > 0) != (NEW.reviews > 0)
  OR (OLD.repetitions >= 2) != (NEW.repetitions >= 2)
  OR (OLD.interval_days >= 21) != (NEW.interval_days >= 21)
  OR OLD.easiness_bucket != NEW.easiness_bucket
BEGIN
    INSERT INTO stats_card_change VALUES (OLD.deck_id, OLD.retired, OLD.suspended, OLD.reviews,
        OLD.repetitions, OLD.interval_days, OLD.easiness_bucket, -1);
    INSERT INTO stats_card_change VALUES (NEW.deck_id, NEW.retired, NEW.suspended, NEW.reviews,
        NEW.repetitions, NEW.interval_days, NEW.easiness_bucket, 1);
END;
