-- why: follow-up cards (issue 12). A follow-up (追问) is the question an interviewer asks after a
-- story, with a model answer and its own key points, so `card.kind` takes 'followup' and a card
-- keeps its key points (`points`), what the interviewer probes (`why`) and whether storydrill
-- wrote it (`source`). SQLite cannot change a CHECK constraint in place, so the table is rebuilt
-- the documented way (https://sqlite.org/lang_altertable.html#otheralter): a new table, the rows
-- copied with their ids (the search index and every review keep pointing at the same cards), the
-- old table dropped, the new one renamed, and its indexes and triggers made again. The migration
-- runner turns foreign keys off around it and checks them before committing; with
-- `legacy_alter_table` the rename leaves the triggers of other tables that name `card` alone.
-- Copying fires no trigger, so the aggregates (`stats_card`) stay as they were.

CREATE TABLE card_rebuilt (
    id            INTEGER PRIMARY KEY,
    key           TEXT NOT NULL UNIQUE,
    deck_id       INTEGER NOT NULL REFERENCES deck(id),
    kind          TEXT NOT NULL CHECK (kind IN ('match', 'recall', 'cloze', 'basic', 'followup')),
    story_id      INTEGER REFERENCES story(id),
    front         TEXT NOT NULL,
    back          TEXT NOT NULL DEFAULT '',
    answers       TEXT NOT NULL DEFAULT '[]',  -- JSON array of accepted story keys (match cards)
    tags          TEXT NOT NULL DEFAULT '[]',  -- JSON array of strings
    position      INTEGER NOT NULL,
    retired       INTEGER NOT NULL DEFAULT 0,  -- gone from its deck file; history kept
    suspended     INTEGER NOT NULL DEFAULT 0,
    buried_until  TEXT,                        -- skipped: hidden until this study day
    repetitions   INTEGER NOT NULL DEFAULT 0,
    easiness      INTEGER NOT NULL DEFAULT 250, -- hundredths
    interval_days INTEGER NOT NULL DEFAULT 0,
    due           TEXT,                        -- study day YYYY-MM-DD; NULL while new
    lapses        INTEGER NOT NULL DEFAULT 0,
    reviews       INTEGER NOT NULL DEFAULT 0,
    last_review   TEXT,
    last_quality  INTEGER,                     -- the last scheduled grade (readiness)
    points        TEXT NOT NULL DEFAULT '[]',  -- JSON array: a follow-up's key points
    why           TEXT,                        -- a follow-up: what the interviewer probes
    source        TEXT CHECK (source IN ('seed', 'written')) -- a follow-up: 'written' by storydrill
);

INSERT INTO card_rebuilt (id, key, deck_id, kind, story_id, front, back, answers, tags, position,
    retired, suspended, buried_until, repetitions, easiness, interval_days, due, lapses, reviews,
    last_review, last_quality)
SELECT id, key, deck_id, kind, story_id, front, back, answers, tags, position,
    retired, suspended, buried_until, repetitions, easiness, interval_days, due, lapses, reviews,
    last_review, last_quality
FROM card;

DROP TABLE card;
PRAGMA legacy_alter_table = ON;
ALTER TABLE card_rebuilt RENAME TO card;
PRAGMA legacy_alter_table = OFF;

CREATE INDEX card_due ON card (due) WHERE due IS NOT NULL AND retired = 0 AND suspended = 0;
CREATE INDEX card_new ON card (deck_id, position) WHERE reviews = 0 AND retired = 0 AND suspended = 0;
CREATE INDEX card_deck ON card (deck_id, position);
CREATE INDEX card_story ON card (story_id);
CREATE INDEX card_easiness ON card (easiness, lapses DESC) WHERE reviews > 0 AND retired = 0;
CREATE INDEX card_leech ON card (lapses DESC, easiness) WHERE lapses >= 8 AND retired = 0;
CREATE INDEX card_recall ON card (story_id, reviews, easiness, suspended, due, last_review, last_quality)
    WHERE kind = 'recall' AND retired = 0;
CREATE INDEX card_questions ON card (story_id) WHERE kind = 'match' AND retired = 0;
-- why: a story's readiness reads its follow-ups' last grades from index pages alone.
CREATE INDEX card_followups ON card (story_id, suspended, last_quality) WHERE kind = 'followup' AND retired = 0;

CREATE TRIGGER card_fts_insert AFTER INSERT ON card BEGIN
    INSERT INTO card_fts (rowid, front, back, tags) VALUES (new.id, new.front, new.back, new.tags);
END;
CREATE TRIGGER card_fts_delete AFTER DELETE ON card BEGIN
    INSERT INTO card_fts (card_fts, rowid, front, back, tags) VALUES ('delete', old.id, old.front, old.back, old.tags);
END;
CREATE TRIGGER card_fts_update AFTER UPDATE OF front, back, tags ON card BEGIN
    INSERT INTO card_fts (card_fts, rowid, front, back, tags) VALUES ('delete', old.id, old.front, old.back, old.tags);
    INSERT INTO card_fts (rowid, front, back, tags) VALUES (new.id, new.front, new.back, new.tags);
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
-- A follow-up's earlier text includes its key points and what it probes.
CREATE TRIGGER card_revision AFTER UPDATE OF front, back, answers, points, why ON card
WHEN OLD.kind != 'recall'
 AND (OLD.front IS NOT NEW.front OR OLD.back IS NOT NEW.back OR OLD.answers IS NOT NEW.answers
      OR OLD.points IS NOT NEW.points OR OLD.why IS NOT NEW.why)
BEGIN
    INSERT INTO revision (at, what, key, content)
    VALUES (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'), 'card', OLD.key,
            CASE WHEN OLD.kind = 'followup'
                 THEN json_object('kind', OLD.kind, 'front', OLD.front, 'back', OLD.back,
                                  'points', json(OLD.points), 'why', OLD.why)
                 ELSE json_object('kind', OLD.kind, 'front', OLD.front, 'back', OLD.back,
                                  'answers', json(OLD.answers)) END);
END;

-- A story's 30-second version (`review --short`), and where its key points come from (NULL: as
-- its text, `source`): content the document does not contain is marked written.
ALTER TABLE story ADD COLUMN short TEXT;
ALTER TABLE story ADD COLUMN points_source TEXT CHECK (points_source IN ('seed', 'written'));
