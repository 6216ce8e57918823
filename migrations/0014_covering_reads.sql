-- why: flat cost at any size (issue 13): two lists read on every run are read from an index alone.
--
-- `stats`, `plan` and a session's readiness read every current story's number, key, title and
-- deck; `story_catalog` lacked the deck, so each story's row was read for it (a row holds the
-- story's whole text: a page or more each, 350 of the 2,000 pages `stats` read for 500 stories).
DROP INDEX IF EXISTS story_catalog;
CREATE INDEX story_catalog ON story (number, key, title, aliases, deck_id) WHERE retired = 0;

-- A session's due candidates need each card's kind and story besides what `card_due` held, so
-- each of the few hundred it reads was a row of the card table too: with them in the index, the
-- start of a session at 1,000,000 cards reads 1,198 pages instead of 1,741 (9.2 -> 7.8 ms). An
-- answer rewrites the card's entry as before (its due day changes), so no page more is written.
DROP INDEX IF EXISTS card_due;
CREATE INDEX card_due ON card (due, deck_id, buried_until, retired, suspended, kind, story_id)
    WHERE due IS NOT NULL AND retired = 0 AND suspended = 0;
