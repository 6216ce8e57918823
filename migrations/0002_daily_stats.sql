-- why: `storydrill stats` must answer in well under 100 ms at a million reviews, and reading the
-- whole review log each time cannot. Triggers on INSERT and DELETE of review rows (an undo deletes
-- one) keep small daily aggregates up to date, so the statistics read a few hundred rows instead:
--   stats_day      per study day and deck: answers, right ones, time, new cards, and the counts true
--                  retention needs (scheduled reviews of cards that had n >= 1, young and mature);
--   stats_story    per study day and story: match answers judged right or wrong and recall grades
--                  (re-drills left out: they come right after the answer was shown);
--   stats_confusion per study day: which story was answered when another one was asked.
-- Existing reviews are counted once here (backfill). A card's deck never changes; its story is
-- taken as it is when the answer is logged (or undone).

CREATE TABLE stats_day (
    day          TEXT NOT NULL,
    deck_id      INTEGER NOT NULL,
    reviews      INTEGER NOT NULL DEFAULT 0, -- every answer: scheduled, re-drill, cram
    right        INTEGER NOT NULL DEFAULT 0, -- answers with q >= 3
    ms           INTEGER NOT NULL DEFAULT 0,
    new_cards    INTEGER NOT NULL DEFAULT 0, -- scheduled reviews of cards never reviewed before
    young        INTEGER NOT NULL DEFAULT 0, -- scheduled, n >= 1 before, interval < 21 before
    young_right  INTEGER NOT NULL DEFAULT 0,
    mature       INTEGER NOT NULL DEFAULT 0, -- scheduled, n >= 1 before, interval >= 21 before
    mature_right INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (day, deck_id)
) WITHOUT ROWID;

CREATE TABLE stats_story (
    day            TEXT NOT NULL,
    story_id       INTEGER NOT NULL,
    match_answers  INTEGER NOT NULL DEFAULT 0, -- match cards' answers with `correct` set
    match_right    INTEGER NOT NULL DEFAULT 0,
    recall_reviews INTEGER NOT NULL DEFAULT 0,
    recall_grades  INTEGER NOT NULL DEFAULT 0, -- sum of the recall grades
    PRIMARY KEY (day, story_id)
) WITHOUT ROWID;

CREATE TABLE stats_confusion (
    day      TEXT NOT NULL,
    asked    INTEGER NOT NULL, -- story id of the match card (its first accepted answer)
    answered TEXT NOT NULL,    -- story key the user picked
    times    INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (day, asked, answered)
) WITHOUT ROWID;

CREATE TRIGGER stats_review_insert AFTER INSERT ON review
BEGIN
    INSERT INTO stats_day (day, deck_id, reviews, right, ms, new_cards, young, young_right, mature, mature_right)
    SELECT NEW.day, c.deck_id, 1, NEW.quality >= 3, NEW.ms,
           NEW.kind = 'scheduled' AND NEW.before_reviews = 0,
           NEW.kind = 'scheduled' AND NEW.before_repetitions >= 1 AND NEW.before_interval < 21,
           NEW.kind = 'scheduled' AND NEW.before_repetitions >= 1 AND NEW.before_interval < 21 AND NEW.quality >= 3,
           NEW.kind = 'scheduled' AND NEW.before_repetitions >= 1 AND NEW.before_interval >= 21,
           NEW.kind = 'scheduled' AND NEW.before_repetitions >= 1 AND NEW.before_interval >= 21 AND NEW.quality >= 3
    FROM card c WHERE c.id = NEW.card_id
    ON CONFLICT (day, deck_id) DO UPDATE SET
        reviews = reviews + excluded.reviews, right = right + excluded.right, ms = ms + excluded.ms,
        new_cards = new_cards + excluded.new_cards,
        young = young + excluded.young, young_right = young_right + excluded.young_right,
        mature = mature + excluded.mature, mature_right = mature_right + excluded.mature_right;

    INSERT INTO stats_story (day, story_id, match_answers, match_right, recall_reviews, recall_grades)
    SELECT NEW.day, c.story_id,
           c.kind = 'match' AND NEW.correct IS NOT NULL,
           c.kind = 'match' AND NEW.correct = 1,
           c.kind = 'recall',
           CASE WHEN c.kind = 'recall' THEN NEW.quality ELSE 0 END
    FROM card c
    WHERE c.id = NEW.card_id AND c.story_id IS NOT NULL AND NEW.kind != 'redrill'
      AND (c.kind = 'recall' OR (c.kind = 'match' AND NEW.correct IS NOT NULL))
    ON CONFLICT (day, story_id) DO UPDATE SET
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
    WHERE day = OLD.day AND deck_id = (SELECT deck_id FROM card WHERE id = OLD.card_id);
    DELETE FROM stats_day
    WHERE day = OLD.day AND deck_id = (SELECT deck_id FROM card WHERE id = OLD.card_id) AND reviews <= 0;

    UPDATE stats_story SET
        match_answers = match_answers - (c.kind = 'match' AND OLD.correct IS NOT NULL),
        match_right = match_right - (c.kind = 'match' AND OLD.correct = 1),
        recall_reviews = recall_reviews - (c.kind = 'recall'),
        recall_grades = recall_grades - CASE WHEN c.kind = 'recall' THEN OLD.quality ELSE 0 END
    FROM card c
    WHERE c.id = OLD.card_id AND stats_story.day = OLD.day AND stats_story.story_id = c.story_id
      AND OLD.kind != 'redrill';
    DELETE FROM stats_story
    WHERE day = OLD.day AND match_answers <= 0 AND recall_reviews <= 0
      AND story_id = (SELECT story_id FROM card WHERE id = OLD.card_id);

    UPDATE stats_confusion SET times = times - 1
    WHERE day = OLD.day AND answered = OLD.answered_story AND OLD.correct = 0 AND OLD.kind != 'redrill'
      AND asked = (SELECT story_id FROM card WHERE id = OLD.card_id AND kind = 'match');
    DELETE FROM stats_confusion
    WHERE day = OLD.day AND answered = OLD.answered_story AND times <= 0
      AND asked = (SELECT story_id FROM card WHERE id = OLD.card_id);
END;

-- Backfill: count the reviews logged before this migration, exactly as the triggers would have.
INSERT INTO stats_day (day, deck_id, reviews, right, ms, new_cards, young, young_right, mature, mature_right)
SELECT r.day, c.deck_id, count(*), sum(r.quality >= 3), sum(r.ms),
       sum(r.kind = 'scheduled' AND r.before_reviews = 0),
       sum(r.kind = 'scheduled' AND r.before_repetitions >= 1 AND r.before_interval < 21),
       sum(r.kind = 'scheduled' AND r.before_repetitions >= 1 AND r.before_interval < 21 AND r.quality >= 3),
       sum(r.kind = 'scheduled' AND r.before_repetitions >= 1 AND r.before_interval >= 21),
       sum(r.kind = 'scheduled' AND r.before_repetitions >= 1 AND r.before_interval >= 21 AND r.quality >= 3)
FROM review r JOIN card c ON c.id = r.card_id
GROUP BY r.day, c.deck_id;

INSERT INTO stats_story (day, story_id, match_answers, match_right, recall_reviews, recall_grades)
SELECT r.day, c.story_id,
       sum(c.kind = 'match' AND r.correct IS NOT NULL),
       sum(c.kind = 'match' AND r.correct = 1),
       sum(c.kind = 'recall'),
       sum(CASE WHEN c.kind = 'recall' THEN r.quality ELSE 0 END)
FROM review r JOIN card c ON c.id = r.card_id
WHERE c.story_id IS NOT NULL AND r.kind != 'redrill'
  AND (c.kind = 'recall' OR (c.kind = 'match' AND r.correct IS NOT NULL))
GROUP BY r.day, c.story_id;

INSERT INTO stats_confusion (day, asked, answered, times)
SELECT r.day, c.story_id, r.answered_story, count(*)
FROM review r JOIN card c ON c.id = r.card_id
WHERE c.kind = 'match' AND c.story_id IS NOT NULL AND r.kind != 'redrill'
  AND r.correct = 0 AND r.answered_story IS NOT NULL
GROUP BY r.day, c.story_id, r.answered_story;

-- why: the statistics count cards by state, easiness and story; this narrow index holds every
-- column they read, so they scan it (a few MB at 100,000 cards) instead of the cards' texts.
CREATE INDEX card_stats ON card (story_id, deck_id, kind, retired, suspended, reviews, repetitions,
                                 interval_days, easiness, lapses, due);
-- why: the 10 lowest-easiness cards, read in order instead of sorting every card.
CREATE INDEX card_easiness ON card (easiness, lapses DESC) WHERE reviews > 0 AND retired = 0;
-- why: leeches (lapses >= 8), worst first, without a scan.
CREATE INDEX card_leech ON card (lapses DESC, easiness) WHERE lapses >= 8 AND retired = 0;
