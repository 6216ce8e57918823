-- why: flat cost at any size (issue 13). A search term of one or two characters is shorter than a
-- trigram, so it was matched with LIKE over every card: 0.9 s at 1,000,000 cards when nothing
-- matched. Each field is now indexed with two U+0001 characters after it, so every character of
-- the text begins a trigram of the index, the last two included: a text holds the term "ab" only
-- if the index has a trigram beginning "ab" (and "a" only if one begins "a"). The search looks
-- those trigrams up (fts5vocab reads a range of the sorted terms), asks the index for the cards
-- that hold one of them, and checks the term with LIKE on those cards only: with no such trigram,
-- no card is read. U+0001 is not text a search asks for.
--
-- The indexed text is the view `card_fts_text`, the index's content table, so FTS5's own
-- integrity check and 'rebuild' see what the triggers index (they repeat its expressions, as a
-- trigger cannot read a deleted row through a view).
--
-- The index keeps which cards hold each trigram, not where (detail = none): a longer term is
-- looked up as all of its trigrams and then found in the cards' text, as the ranking reads it
-- anyway. Without positions an import of 100,000 notes of 400 characters takes 4.6 s, not 6.7,
-- and the database is 150 MB, not 270.

DROP TRIGGER card_fts_insert;
DROP TRIGGER card_fts_delete;
DROP TRIGGER card_fts_update;
DROP TABLE card_fts;

CREATE VIEW card_fts_text AS
    SELECT id, front || char(1, 1) AS front, back || char(1, 1) AS back, tags || char(1, 1) AS tags
    FROM card;
CREATE VIRTUAL TABLE card_fts USING fts5(
    front, back, tags,
    content = 'card_fts_text', content_rowid = 'id', tokenize = 'trigram', detail = none
);
-- As in 0010: an import gathers up to 32 MB of entries before writing a segment.
INSERT INTO card_fts (card_fts, rank) VALUES ('hashsize', 33554432);
INSERT INTO card_fts (card_fts) VALUES ('rebuild');

CREATE TRIGGER card_fts_insert AFTER INSERT ON card BEGIN
    INSERT INTO card_fts (rowid, front, back, tags)
    VALUES (new.id, new.front || char(1, 1), new.back || char(1, 1), new.tags || char(1, 1));
END;
CREATE TRIGGER card_fts_delete AFTER DELETE ON card BEGIN
    INSERT INTO card_fts (card_fts, rowid, front, back, tags)
    VALUES ('delete', old.id, old.front || char(1, 1), old.back || char(1, 1), old.tags || char(1, 1));
END;
CREATE TRIGGER card_fts_update AFTER UPDATE OF front, back, tags ON card BEGIN
    INSERT INTO card_fts (card_fts, rowid, front, back, tags)
    VALUES ('delete', old.id, old.front || char(1, 1), old.back || char(1, 1), old.tags || char(1, 1));
    INSERT INTO card_fts (rowid, front, back, tags)
    VALUES (new.id, new.front || char(1, 1), new.back || char(1, 1), new.tags || char(1, 1));
END;
