-- why: flat cost at any size (issue 13). `stats`, `plan` and a session's start sum each story's
-- answers over the window (the last 30 days). Kept per day (0016), that sum reads every story's
-- every day in the window and sorts them by story: ~9,500 rows at 1,000,000 cards and 532
-- stories, the part of `stats` that grew most. Kept as running totals instead (a story's row of a
-- day holds its answers up to and including that day), the window of a story is two rows: its
-- totals through the window's last day less its totals before the first, two seeks whatever the
-- window's length or the history's.
--
-- Keyed (story_id, day) again: the two rows of a story are each one seek of the primary key, with
-- no second index. An answer still changes one row, its story's of its day (the rows of later
-- days too, which only an answer dated before another one has: a clock set back). A story's first
-- answer of a day adds the day's row, its totals carried over from the story's previous row.
--
-- The triggers of `review` are rebuilt with the `stats_story` part moved to triggers of its own;
-- the other parts are unchanged.

DROP TRIGGER stats_review_insert;
DROP TRIGGER stats_review_delete;

CREATE TABLE stats_story_totals (
    story_id       INTEGER NOT NULL,
    day            TEXT NOT NULL,
    -- Running totals up to and including `day`:
    match_answers  INTEGER NOT NULL DEFAULT 0, -- match cards' answers with `correct` set
    match_right    INTEGER NOT NULL DEFAULT 0,
    recall_reviews INTEGER NOT NULL DEFAULT 0,
    recall_grades  INTEGER NOT NULL DEFAULT 0, -- sum of the recall grades
    PRIMARY KEY (story_id, day)
) WITHOUT ROWID;
INSERT INTO stats_story_totals (story_id, day, match_answers, match_right, recall_reviews, recall_grades)
SELECT story_id, day,
       sum(match_answers) OVER totals, sum(match_right) OVER totals,
       sum(recall_reviews) OVER totals, sum(recall_grades) OVER totals
FROM stats_story
WINDOW totals AS (PARTITION BY story_id ORDER BY day ROWS UNBOUNDED PRECEDING)
ORDER BY story_id, day;
DROP TABLE stats_story;
ALTER TABLE stats_story_totals RENAME TO stats_story;

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

    UPDATE stats_confusion SET times = times - 1
    WHERE day = OLD.day AND answered = OLD.answered_story AND OLD.correct IS 0 AND OLD.kind != 'redrill'
      AND asked = (SELECT story_id FROM card WHERE id = OLD.card_id AND kind = 'match');
    DELETE FROM stats_confusion
    WHERE day = OLD.day AND answered = OLD.answered_story AND times <= 0
      AND asked = (SELECT story_id FROM card WHERE id = OLD.card_id);
END;

-- What counts for a story, as before: recall cards' answers and match cards' judged answers,
-- re-drills left out (they come right after the answer was shown); the card's story as it is when
-- the answer is logged (or undone).
CREATE TRIGGER stats_story_review_insert AFTER INSERT ON review
WHEN NEW.kind != 'redrill'
BEGIN
    -- The story's first answer of the day: the day's row, with the totals of the day before it.
    INSERT INTO stats_story (story_id, day, match_answers, match_right, recall_reviews, recall_grades)
    SELECT c.story_id, NEW.day, coalesce(p.match_answers, 0), coalesce(p.match_right, 0),
           coalesce(p.recall_reviews, 0), coalesce(p.recall_grades, 0)
    FROM card c
    LEFT JOIN stats_story p ON p.story_id = c.story_id AND p.day = (
        SELECT day FROM stats_story WHERE story_id = c.story_id AND day < NEW.day
        ORDER BY day DESC LIMIT 1)
    WHERE c.id = NEW.card_id AND c.story_id IS NOT NULL
      AND (c.kind = 'recall' OR (c.kind = 'match' AND NEW.correct IS NOT NULL))
    ON CONFLICT (story_id, day) DO NOTHING;

    -- The answer counts in its day's totals and every later day's.
    UPDATE stats_story SET
        match_answers = match_answers + (c.kind = 'match'),
        match_right = match_right + (c.kind = 'match' AND NEW.correct IS 1),
        recall_reviews = recall_reviews + (c.kind = 'recall'),
        recall_grades = recall_grades + CASE WHEN c.kind = 'recall' THEN NEW.quality ELSE 0 END
    FROM card c
    WHERE c.id = NEW.card_id AND stats_story.story_id = c.story_id AND stats_story.day >= NEW.day
      AND (c.kind = 'recall' OR (c.kind = 'match' AND NEW.correct IS NOT NULL));
END;

CREATE TRIGGER stats_story_review_delete AFTER DELETE ON review
WHEN OLD.kind != 'redrill'
BEGIN
    UPDATE stats_story SET
        match_answers = match_answers - (c.kind = 'match'),
        match_right = match_right - (c.kind = 'match' AND OLD.correct IS 1),
        recall_reviews = recall_reviews - (c.kind = 'recall'),
        recall_grades = recall_grades - CASE WHEN c.kind = 'recall' THEN OLD.quality ELSE 0 END
    FROM card c
    WHERE c.id = OLD.card_id AND stats_story.story_id = c.story_id AND stats_story.day >= OLD.day
      AND (c.kind = 'recall' OR (c.kind = 'match' AND OLD.correct IS NOT NULL));

    -- A day left without answers of its own (its totals those of the day before) has no row, as
    -- a day never answered.
    DELETE FROM stats_story
    WHERE story_id = (SELECT story_id FROM card WHERE id = OLD.card_id) AND day = OLD.day
      AND (match_answers, match_right, recall_reviews, recall_grades) = (
          SELECT * FROM (
              SELECT p.match_answers, p.match_right, p.recall_reviews, p.recall_grades
              FROM stats_story p
              WHERE p.story_id = stats_story.story_id AND p.day < OLD.day
              ORDER BY p.day DESC LIMIT 1)
          UNION ALL SELECT 0, 0, 0, 0
          LIMIT 1);
END;
