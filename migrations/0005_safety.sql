-- why: safety fixes (issue 8).
-- 1. The review delete trigger of 0003 subtracted `(kind = 'match' AND OLD.correct = 1)`, which is
--    NULL when `correct` is NULL ("don't know" answers, `grade` of a match card): undoing or deleting
--    such an answer failed with a NOT NULL error. `IS 1` is never NULL. The aggregates it feeds are
--    rebuilt from the log, so any row that drifted is repaired.
-- 2. Nothing the user wrote is lost when a text is replaced (an import, an edit, `fill`, a newer
--    built-in deck): the previous text of a card, a story or a filled template goes to `revision`
--    first, kept by triggers so every write path is covered. Grading never touches these columns.
-- 3. Due days are fixed-width ISO dates: a due day past 9999-12-31 (written before intervals were
--    capped) sorted before "2…" as text and stayed due forever; it is brought back to 9999-12-31.
-- IF [NOT] EXISTS: a database rolled back to an earlier version in tests re-runs this safely.

DROP TRIGGER IF EXISTS stats_review_delete;
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
        match_right = match_right - (c.kind = 'match' AND OLD.correct IS 1),
        recall_reviews = recall_reviews - (c.kind = 'recall'),
        recall_grades = recall_grades - CASE WHEN c.kind = 'recall' THEN OLD.quality ELSE 0 END
    FROM card c
    WHERE c.id = OLD.card_id AND stats_story.story_id = c.story_id AND stats_story.day = OLD.day
      AND OLD.kind != 'redrill'
      AND (c.kind = 'recall' OR (c.kind = 'match' AND OLD.correct IS NOT NULL));
    DELETE FROM stats_story
    WHERE story_id = (SELECT story_id FROM card WHERE id = OLD.card_id) AND day = OLD.day
      AND match_answers <= 0 AND recall_reviews <= 0;

    UPDATE stats_confusion SET times = times - 1
    WHERE day = OLD.day AND answered = OLD.answered_story AND OLD.correct IS 0 AND OLD.kind != 'redrill'
      AND asked = (SELECT story_id FROM card WHERE id = OLD.card_id AND kind = 'match');
    DELETE FROM stats_confusion
    WHERE day = OLD.day AND answered = OLD.answered_story AND times <= 0
      AND asked = (SELECT story_id FROM card WHERE id = OLD.card_id);
END;

DELETE FROM stats_story;
INSERT INTO stats_story (story_id, day, match_answers, match_right, recall_reviews, recall_grades)
SELECT c.story_id, r.day,
       sum(c.kind = 'match' AND r.correct IS NOT NULL),
       sum(c.kind = 'match' AND r.correct IS 1),
       sum(c.kind = 'recall'),
       sum(CASE WHEN c.kind = 'recall' THEN r.quality ELSE 0 END)
FROM review r JOIN card c ON c.id = r.card_id
WHERE c.story_id IS NOT NULL AND r.kind != 'redrill'
  AND (c.kind = 'recall' OR (c.kind = 'match' AND r.correct IS NOT NULL))
GROUP BY c.story_id, r.day;

DELETE FROM stats_confusion;
INSERT INTO stats_confusion (day, asked, answered, times)
SELECT r.day, c.story_id, r.answered_story, count(*)
FROM review r JOIN card c ON c.id = r.card_id
WHERE c.kind = 'match' AND c.story_id IS NOT NULL AND r.kind != 'redrill'
  AND r.correct IS 0 AND r.answered_story IS NOT NULL
GROUP BY r.day, c.story_id, r.answered_story;

CREATE TABLE IF NOT EXISTS revision (
    id      INTEGER PRIMARY KEY,
    at      TEXT NOT NULL,                 -- UTC, when the text was replaced
    what    TEXT NOT NULL CHECK (what IN ('card', 'story', 'filled')),
    key     TEXT NOT NULL,                 -- card key, story key, or <deck>:<template> for filled
    content TEXT NOT NULL                  -- JSON object of the fields as they were
);
-- why: `storydrill revisions KEY` reads one key's earlier versions, newest first.
CREATE INDEX IF NOT EXISTS revision_key ON revision (key, id);

-- A recall card's text is its story's (kept by story_revision), so it is not kept twice.
CREATE TRIGGER IF NOT EXISTS card_revision AFTER UPDATE OF front, back, answers ON card
WHEN OLD.kind != 'recall'
 AND (OLD.front IS NOT NEW.front OR OLD.back IS NOT NEW.back OR OLD.answers IS NOT NEW.answers)
BEGIN
    INSERT INTO revision (at, what, key, content)
    VALUES (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'), 'card', OLD.key,
            json_object('kind', OLD.kind, 'front', OLD.front, 'back', OLD.back,
                        'answers', json(OLD.answers)));
END;

CREATE TRIGGER IF NOT EXISTS story_revision
AFTER UPDATE OF title, aliases, prompt, text, written, diagram, points ON story
WHEN OLD.title IS NOT NEW.title OR OLD.aliases IS NOT NEW.aliases OR OLD.prompt IS NOT NEW.prompt
  OR OLD.text IS NOT NEW.text OR OLD.written IS NOT NEW.written OR OLD.diagram IS NOT NEW.diagram
  OR OLD.points IS NOT NEW.points
BEGIN
    INSERT INTO revision (at, what, key, content)
    VALUES (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'), 'story', OLD.key,
            json_object('title', OLD.title, 'aliases', json(OLD.aliases), 'prompt', OLD.prompt,
                        'text', OLD.text, 'written', OLD.written, 'diagram', OLD.diagram,
                        'points', json(OLD.points)));
END;

CREATE TRIGGER IF NOT EXISTS filled_revision_update AFTER UPDATE OF answers ON filled
WHEN OLD.answers IS NOT NEW.answers
BEGIN
    INSERT INTO revision (at, what, key, content)
    SELECT strftime('%Y-%m-%dT%H:%M:%fZ', 'now'), 'filled', d.name || ':' || OLD.template,
           json_object('template', OLD.template, 'answers', json(OLD.answers))
    FROM deck d WHERE d.id = OLD.deck_id;
END;

CREATE TRIGGER IF NOT EXISTS filled_revision_delete AFTER DELETE ON filled
BEGIN
    INSERT INTO revision (at, what, key, content)
    SELECT strftime('%Y-%m-%dT%H:%M:%fZ', 'now'), 'filled', d.name || ':' || OLD.template,
           json_object('template', OLD.template, 'answers', json(OLD.answers))
    FROM deck d WHERE d.id = OLD.deck_id;
END;

UPDATE card SET due = '9999-12-31' WHERE due IS NOT NULL AND (length(due) != 10 OR due > '9999-12-31');
UPDATE card SET last_review = '9999-12-31'
WHERE last_review IS NOT NULL AND (length(last_review) != 10 OR last_review > '9999-12-31');
