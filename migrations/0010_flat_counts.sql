-- why: flat cost at any size (issue 13). `decks` counted every card of every deck on each run
-- (36 ms at 100,000 cards, growing with the collection). Its total and new counts now come from
-- the `stats_card` aggregate, and its due counts from the due cards' index alone: `card_due` also
-- holds the deck and the skip day (and the two flags its WHERE fixes at 0, which SQLite needs in the
-- index to read no row), so counting the due cards of each deck reads no card row. The
-- session reads due cards in this index's order (due day, deck, skip day, id), which is as good a
-- tie-break as the id alone and needs no sort.
DROP INDEX IF EXISTS card_due;
CREATE INDEX card_due ON card (due, deck_id, buried_until, retired, suspended)
    WHERE due IS NOT NULL AND retired = 0 AND suspended = 0;

-- Cards due by day, per deck (the cards of `card_due`: due, not retired, not suspended), kept by
-- triggers: "how many are due by day D" is a sum over at most a row per deck and due day, not a
-- count of the due cards (80,000 of them at 1,000,000 cards). Skipped cards (`buried_until`) are
-- few and subtracted through their own index; in an interview's window, when due days move, the
-- counts are taken from the cards as before.
CREATE TABLE IF NOT EXISTS stats_due (
    due     TEXT NOT NULL,
    deck_id INTEGER NOT NULL,
    cards   INTEGER NOT NULL,
    PRIMARY KEY (due, deck_id)
) WITHOUT ROWID;
INSERT INTO stats_due (due, deck_id, cards)
    SELECT due, deck_id, count(*) FROM card
    WHERE due IS NOT NULL AND retired = 0 AND suspended = 0 GROUP BY due, deck_id;

CREATE TRIGGER stats_due_insert AFTER INSERT ON card
WHEN NEW.due IS NOT NULL AND NEW.retired = 0 AND NEW.suspended = 0
BEGIN
    INSERT INTO stats_due (due, deck_id, cards) VALUES (NEW.due, NEW.deck_id, 1)
    ON CONFLICT (due, deck_id) DO UPDATE SET cards = cards + 1;
END;
CREATE TRIGGER stats_due_delete AFTER DELETE ON card
WHEN OLD.due IS NOT NULL AND OLD.retired = 0 AND OLD.suspended = 0
BEGIN
    UPDATE stats_due SET cards = cards - 1 WHERE due = OLD.due AND deck_id = OLD.deck_id;
    DELETE FROM stats_due WHERE due = OLD.due AND deck_id = OLD.deck_id AND cards <= 0;
END;
CREATE TRIGGER stats_due_update AFTER UPDATE OF due, retired, suspended, deck_id ON card
WHEN OLD.due IS NOT NEW.due OR OLD.deck_id != NEW.deck_id
  OR (OLD.retired = 0 AND OLD.suspended = 0) != (NEW.retired = 0 AND NEW.suspended = 0)
BEGIN
    UPDATE stats_due SET cards = cards - 1
    WHERE due = OLD.due AND deck_id = OLD.deck_id AND OLD.retired = 0 AND OLD.suspended = 0;
    DELETE FROM stats_due WHERE due = OLD.due AND deck_id = OLD.deck_id AND cards <= 0;
    INSERT INTO stats_due (due, deck_id, cards)
    SELECT NEW.due, NEW.deck_id, 1 WHERE NEW.due IS NOT NULL AND NEW.retired = 0 AND NEW.suspended = 0
    ON CONFLICT (due, deck_id) DO UPDATE SET cards = cards + 1;
END;

-- The cards skipped until a later day, to take out of the due counts.
CREATE INDEX IF NOT EXISTS card_buried ON card (buried_until, deck_id)
    WHERE buried_until IS NOT NULL AND retired = 0 AND suspended = 0;

-- The search index gathers up to 32 MB of new entries before writing them out (the default, 1 MB,
-- writes a segment every few hundred cards of Chinese text during an import, and merging those
-- segments took a fifth of an import's time): an import of 20,000 notes of 400 characters is 10-15 %
-- faster for 12 MB more memory. A single answer writes no text, so it gathers nothing.
INSERT INTO card_fts (card_fts, rank) VALUES ('hashsize', 33554432);
