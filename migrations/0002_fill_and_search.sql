-- why: personal cards (issue 4). `filled` keeps the answers a user gave when filling a template, so
-- re-running `storydrill fill` pre-fills them and `export` writes them back as [[filled]] entries
-- (the cards made from them are derived, keyed <deck>.fill.<template>[.cN]). `card_fts` and
-- `story_fts` are the full-text index of `storydrill search`: FTS5 with the trigram tokenizer, so
-- Chinese (no spaces between words) and any substring of 3+ characters match; external-content
-- tables kept in sync by triggers, so the text is stored once.

CREATE TABLE filled (
    id       INTEGER PRIMARY KEY,
    deck_id  INTEGER NOT NULL REFERENCES deck(id),
    template TEXT NOT NULL,                -- the template story's key
    answers  TEXT NOT NULL DEFAULT '[]',   -- JSON array, one answer per blank, "" = not answered
    position INTEGER NOT NULL,
    UNIQUE (deck_id, template)
);

CREATE VIRTUAL TABLE card_fts USING fts5(
    front, back, tags,
    content = 'card', content_rowid = 'id', tokenize = 'trigram'
);
CREATE VIRTUAL TABLE story_fts USING fts5(
    title, aliases, points,
    content = 'story', content_rowid = 'id', tokenize = 'trigram'
);
INSERT INTO card_fts (card_fts) VALUES ('rebuild');
INSERT INTO story_fts (story_fts) VALUES ('rebuild');

-- why: only text changes touch the index; grading updates a card's state columns and must stay cheap.
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

CREATE TRIGGER story_fts_insert AFTER INSERT ON story BEGIN
    INSERT INTO story_fts (rowid, title, aliases, points) VALUES (new.id, new.title, new.aliases, new.points);
END;
CREATE TRIGGER story_fts_delete AFTER DELETE ON story BEGIN
    INSERT INTO story_fts (story_fts, rowid, title, aliases, points) VALUES ('delete', old.id, old.title, old.aliases, old.points);
END;
CREATE TRIGGER story_fts_update AFTER UPDATE OF title, aliases, points ON story BEGIN
    INSERT INTO story_fts (story_fts, rowid, title, aliases, points) VALUES ('delete', old.id, old.title, old.aliases, old.points);
    INSERT INTO story_fts (rowid, title, aliases, points) VALUES (new.id, new.title, new.aliases, new.points);
END;
