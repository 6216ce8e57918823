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
