-- why: `storydrill stats` must answer in well under 100 ms at 100,000 cards and a million
-- reviews, and reading the review log or every card each time cannot. Triggers keep small
-- aggregates up to date instead, so the statistics read a few thousand rows at most:
--   stats_day       per deck and study day (deck 0: all decks): answers, right ones, time, new
--                   cards, and what true retention needs (scheduled reviews of cards that had
--                   n >= 1 before, young and mature);
--   stats_story     per story and study day: match answers judged right or wrong, recall grades
--                   (re-drills left out: they come right after the answer was shown);
--   stats_confusion per study day: which story was picked when another one was asked;
--   stats_card      cards by state class, easiness and deck.
-- The review triggers fire on INSERT and DELETE (an undo deletes the row); the card triggers on
-- INSERT, DELETE and UPDATE of the state. Existing rows are counted once here (backfill). A card's
-- deck never changes; its story is taken as it is when the answer is logged (or undone).

CREATE TABLE stats_day (
    deck_id      INTEGER NOT NULL,           -- 0: every deck
    day          TEXT NOT NULL,
    reviews      INTEGER NOT NULL DEFAULT 0, -- every answer: scheduled, re-drill, cram
    right        INTEGER NOT NULL DEFAULT 0, -- answers with q >= 3
    ms           INTEGER NOT NULL DEFAULT 0,
    new_cards    INTEGER NOT NULL DEFAULT 0, -- scheduled reviews of cards never reviewed before
    young        INTEGER NOT NULL DEFAULT 0, -- scheduled, n >= 1 and interval < 21 before
    young_right  INTEGER NOT NULL DEFAULT 0,
    mature       INTEGER NOT NULL DEFAULT 0, -- scheduled, n >= 1 and interval >= 21 before
    mature_right INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (deck_id, day)
) WITHOUT ROWID;

CREATE TABLE stats_story (
    story_id       INTEGER NOT NULL,
    day            TEXT NOT NULL,
    match_answers  INTEGER NOT NULL DEFAULT 0, -- match cards' answers with `correct` set
    match_right    INTEGER NOT NULL DEFAULT 0,
    recall_reviews INTEGER NOT NULL DEFAULT 0,
    recall_grades  INTEGER NOT NULL DEFAULT 0, -- sum of the recall grades
    PRIMARY KEY (story_id, day)                -- a story's last 30 days: one short range
) WITHOUT ROWID;

CREATE TABLE stats_confusion (
    day      TEXT NOT NULL,
    asked    INTEGER NOT NULL, -- story id of the match card (its first accepted answer)
    answered TEXT NOT NULL,    -- story key the user picked
    times    INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (day, asked, answered)
) WITHOUT ROWID;

CREATE TABLE stats_card (
    retired       INTEGER NOT NULL,
    suspended     INTEGER NOT NULL,
    reviewed      INTEGER NOT NULL, -- reviews > 0
    repetitions   INTEGER NOT NULL, -- min(repetitions, 2): n < 2 is learning
    interval_days INTEGER NOT NULL, -- min(interval_days, 21): 21 is mature
    easiness      INTEGER NOT NULL,
    deck_id       INTEGER NOT NULL,
    cards         INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (retired, suspended, reviewed, repetitions, interval_days, easiness, deck_id)
) WITHOUT ROWID;

CREATE TRIGGER stats_review_insert AFTER INSERT ON review
BEGIN
    INSERT INTO stats_day (deck_id, day, reviews, right, ms, new_cards, young, young_right, mature, mature_right)
    SELECT k.deck_id, NEW.day, 1, NEW.quality >= 3, NEW.ms,
           NEW.kind = 'scheduled' AND NEW.before_reviews = 0,
           NEW.kind = 'scheduled' AND NEW.before_repetitions >= 1 AND NEW.before_interval < 21,
           NEW.kind = 'scheduled' AND NEW.before_repetitions >= 1 AND NEW.before_interval < 21 AND NEW.quality >= 3,
           NEW.kind = 'scheduled' AND NEW.before_repetitions >= 1 AND NEW.before_interval >= 21,
           NEW.kind = 'scheduled' AND NEW.before_repetitions >= 1 AND NEW.before_interval >= 21 AND NEW.quality >= 3
    FROM (SELECT deck_id FROM card WHERE id = NEW.card_id UNION ALL SELECT 0) AS k
    WHERE true
    ON CONFLICT (deck_id, day) DO UPDATE SET
        reviews = reviews + excluded.reviews, right = right + excluded.right, ms = ms + excluded.ms,
        new_cards = new_cards + excluded.new_cards,
        young = young + excluded.young, young_right = young_right + excluded.young_right,
        mature = mature + excluded.mature, mature_right = mature_right + excluded.mature_right;

    INSERT INTO stats_story (story_id, day, match_answers, match_right, recall_reviews, recall_grades)
    SELECT c.story_id, NEW.day,
           c.kind = 'match' AND NEW.correct IS NOT NULL,
           c.kind = 'match' AND NEW.correct = 1,
           c.kind = 'recall',
           CASE WHEN c.kind = 'recall' THEN NEW.quality ELSE 0 END
    FROM card c
    WHERE c.id = NEW.card_id AND c.story_id IS NOT NULL AND NEW.kind != 'redrill'
      AND (c.kind = 'recall' OR (c.kind = 'match' AND NEW.correct IS NOT NULL))
    ON CONFLICT (story_id, day) DO UPDATE SET
        match_answers = match_answers + excluded.match_answers,
        match_right = match_right + excluded.match_right,
        recall_reviews = recall_reviews + excluded.recall_reviews,
        recall_grades = recall_grades + excluded.recall_grades;

    INSERT INTO stats_confusion (day, asked, answered, times)
    SELECT NEW.day, c.story_id, NEW.answered_story, 1
    FROM card c
    WHERE c.id = NEW.card_id AND c.kind = 'match' AND c.story_id IS NOT NULL AND NEW.kind != 'redrill'
      AND NEW.correct = 0 AND NEW.answered_story IS NOT NULL
    ON CONFLICT (day, asked, answered) DO UPDATE SET times = times + 1;
END;

CREATE TRIGGER stats_review_delete AFTER DELETE ON review
BEGIN
    UPDATE stats_day SET
        reviews = reviews - 1, right = right - (OLD.quality >= 3), ms = ms - OLD.ms,
        new_cards = new_cards - (OLD.kind = 'scheduled' AND OLD.before_reviews = 0),
        young = young - (OLD.kind = 'scheduled' AND OLD.before_repetitions >= 1 AND OLD.before_interval < 21),
        young_right = young_right - (OLD.kind = 'scheduled' AND OLD.before_repetitions >= 1 AND OLD.before_interval < 21 AND OLD.quality >= 3),
        mature = mature - (OLD.kind = 'scheduled' AND OLD.before_repetitions >= 1 AND OLD.before_interval >= 21),
        mature_right = mature_right - (OLD.kind = 'scheduled' AND OLD.before_repetitions >= 1 AND OLD.before_interval >= 21 AND OLD.quality >= 3)
    WHERE day = OLD.day AND deck_id IN (0, (SELECT deck_id FROM card WHERE id = OLD.card_id));
    DELETE FROM stats_day
    WHERE day = OLD.day AND deck_id IN (0, (SELECT deck_id FROM card WHERE id = OLD.card_id)) AND reviews <= 0;

    UPDATE stats_story SET
        match_answers = match_answers - (c.kind = 'match' AND OLD.correct IS NOT NULL),
        match_right = match_right - (c.kind = 'match' AND OLD.correct = 1),
        recall_reviews = recall_reviews - (c.kind = 'recall'),
        recall_grades = recall_grades - CASE WHEN c.kind = 'recall' THEN OLD.quality ELSE 0 END
    FROM card c
    WHERE c.id = OLD.card_id AND stats_story.story_id = c.story_id AND stats_story.day = OLD.day
      AND OLD.kind != 'redrill';
    DELETE FROM stats_story
    WHERE story_id = (SELECT story_id FROM card WHERE id = OLD.card_id) AND day = OLD.day
      AND match_answers <= 0 AND recall_reviews <= 0;

    UPDATE stats_confusion SET times = times - 1
    WHERE day = OLD.day AND answered = OLD.answered_story AND OLD.correct = 0 AND OLD.kind != 'redrill'
      AND asked = (SELECT story_id FROM card WHERE id = OLD.card_id AND kind = 'match');
    DELETE FROM stats_confusion
    WHERE day = OLD.day AND answered = OLD.answered_story AND times <= 0
      AND asked = (SELECT story_id FROM card WHERE id = OLD.card_id);
END;

CREATE TRIGGER stats_card_insert AFTER INSERT ON card
BEGIN
    INSERT INTO stats_card (retired, suspended, reviewed, repetitions, interval_days, easiness, deck_id, cards)
    VALUES (NEW.retired != 0, NEW.suspended != 0, NEW.reviews > 0, min(NEW.repetitions, 2),
            min(NEW.interval_days, 21), NEW.easiness, NEW.deck_id, 1)
    ON CONFLICT (retired, suspended, reviewed, repetitions, interval_days, easiness, deck_id)
    DO UPDATE SET cards = cards + 1;
END;

CREATE TRIGGER stats_card_delete AFTER DELETE ON card
BEGIN
    UPDATE stats_card SET cards = cards - 1
    WHERE retired = (OLD.retired != 0) AND suspended = (OLD.suspended != 0) AND reviewed = (OLD.reviews > 0)
      AND repetitions = min(OLD.repetitions, 2) AND interval_days = min(OLD.interval_days, 21)
      AND easiness = OLD.easiness AND deck_id = OLD.deck_id;
    DELETE FROM stats_card
    WHERE retired = (OLD.retired != 0) AND suspended = (OLD.suspended != 0) AND reviewed = (OLD.reviews > 0)
      AND repetitions = min(OLD.repetitions, 2) AND interval_days = min(OLD.interval_days, 21)
      AND easiness = OLD.easiness AND deck_id = OLD.deck_id AND cards <= 0;
END;

CREATE TRIGGER stats_card_update
AFTER UPDATE OF deck_id, retired, suspended, reviews, repetitions, interval_days, easiness ON card
WHEN OLD.deck_id != NEW.deck_id OR (OLD.retired != 0) != (NEW.retired != 0)
  OR (OLD.suspended != 0) != (NEW.suspended != 0) OR (OLD.reviews > 0) != (NEW.reviews > 0)
  OR min(OLD.repetitions, 2) != min(NEW.repetitions, 2)
  OR min(OLD.interval_days, 21) != min(NEW.interval_days, 21) OR OLD.easiness != NEW.easiness
BEGIN
    UPDATE stats_card SET cards = cards - 1
    WHERE retired = (OLD.retired != 0) AND suspended = (OLD.suspended != 0) AND reviewed = (OLD.reviews > 0)
      AND repetitions = min(OLD.repetitions, 2) AND interval_days = min(OLD.interval_days, 21)
      AND easiness = OLD.easiness AND deck_id = OLD.deck_id;
    DELETE FROM stats_card
    WHERE retired = (OLD.retired != 0) AND suspended = (OLD.suspended != 0) AND reviewed = (OLD.reviews > 0)
      AND repetitions = min(OLD.repetitions, 2) AND interval_days = min(OLD.interval_days, 21)
      AND easiness = OLD.easiness AND deck_id = OLD.deck_id AND cards <= 0;
    INSERT INTO stats_card (retired, suspended, reviewed, repetitions, interval_days, easiness, deck_id, cards)
    VALUES (NEW.retired != 0, NEW.suspended != 0, NEW.reviews > 0, min(NEW.repetitions, 2),
            min(NEW.interval_days, 21), NEW.easiness, NEW.deck_id, 1)
    ON CONFLICT (retired, suspended, reviewed, repetitions, interval_days, easiness, deck_id)
    DO UPDATE SET cards = cards + 1;
END;

-- Backfill: count what was there before this migration, exactly as the triggers would have.
INSERT INTO stats_day (deck_id, day, reviews, right, ms, new_cards, young, young_right, mature, mature_right)
SELECT k.deck_id, r.day, count(*), sum(r.quality >= 3), sum(r.ms),
       sum(r.kind = 'scheduled' AND r.before_reviews = 0),
       sum(r.kind = 'scheduled' AND r.before_repetitions >= 1 AND r.before_interval < 21),
       sum(r.kind = 'scheduled' AND r.before_repetitions >= 1 AND r.before_interval < 21 AND r.quality >= 3),
       sum(r.kind = 'scheduled' AND r.before_repetitions >= 1 AND r.before_interval >= 21),
       sum(r.kind = 'scheduled' AND r.before_repetitions >= 1 AND r.before_interval >= 21 AND r.quality >= 3)
FROM review r
JOIN (SELECT id, deck_id FROM card UNION ALL SELECT id, 0 FROM card) AS k ON k.id = r.card_id
GROUP BY k.deck_id, r.day;

INSERT INTO stats_story (story_id, day, match_answers, match_right, recall_reviews, recall_grades)
SELECT c.story_id, r.day,
       sum(c.kind = 'match' AND r.correct IS NOT NULL),
       sum(c.kind = 'match' AND r.correct = 1),
       sum(c.kind = 'recall'),
       sum(CASE WHEN c.kind = 'recall' THEN r.quality ELSE 0 END)
FROM review r JOIN card c ON c.id = r.card_id
WHERE c.story_id IS NOT NULL AND r.kind != 'redrill'
  AND (c.kind = 'recall' OR (c.kind = 'match' AND r.correct IS NOT NULL))
GROUP BY c.story_id, r.day;

INSERT INTO stats_confusion (day, asked, answered, times)
SELECT r.day, c.story_id, r.answered_story, count(*)
FROM review r JOIN card c ON c.id = r.card_id
WHERE c.kind = 'match' AND c.story_id IS NOT NULL AND r.kind != 'redrill'
  AND r.correct = 0 AND r.answered_story IS NOT NULL
GROUP BY r.day, c.story_id, r.answered_story;

INSERT INTO stats_card (retired, suspended, reviewed, repetitions, interval_days, easiness, deck_id, cards)
SELECT retired != 0, suspended != 0, reviews > 0, min(repetitions, 2), min(interval_days, 21), easiness,
       deck_id, count(*)
FROM card
GROUP BY 1, 2, 3, 4, 5, 6, 7;

-- why: each story's recall card (its easiness and due day) without reading the cards' texts.
CREATE INDEX card_recall ON card (story_id, reviews, easiness, suspended, due)
    WHERE kind = 'recall' AND retired = 0;
-- why: the 10 lowest-easiness cards, read in order instead of sorting every card.
CREATE INDEX card_easiness ON card (easiness, lapses DESC) WHERE reviews > 0 AND retired = 0;
-- why: leeches (lapses >= 8), worst first, without a scan.
CREATE INDEX card_leech ON card (lapses DESC, easiness) WHERE lapses >= 8 AND retired = 0;
