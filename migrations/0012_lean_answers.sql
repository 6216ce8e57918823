-- why: flat cost at any size (issue 13): an answer wrote 44-51 KB to the write-ahead log, about
-- twelve 4 KB pages. Every page a commit changes is written whole, so the bytes per answer are the
-- pages it touches times the page size. This migration takes out two of those pages; new
-- databases use 1 KB pages (src/store/migrate.rs), which the others are converted to.

-- An answer adds to two rows of stats_day, its deck's and deck 0's (every deck). Keyed by deck
-- first, the two are far apart (two pages); keyed by day first they sit side by side. A deck's
-- days are read through stats_day_deck, which changes only when a deck gets its first answer of a
-- day.
CREATE TEMP TABLE stats_day_kept AS SELECT * FROM stats_day;
DROP TABLE stats_day;
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
    PRIMARY KEY (day, deck_id)
) WITHOUT ROWID;
INSERT INTO stats_day SELECT * FROM temp.stats_day_kept;
DROP TABLE temp.stats_day_kept;
CREATE INDEX stats_day_deck ON stats_day (deck_id, day);

-- `stats` lists the cards whose easiness fell below the starting 2.50. Indexed for every reviewed
-- card (`reviews > 0`), the index changed with every answer, as `reviews` always does; indexed for
-- those below the start only, it changes only when such a card is answered.
DROP INDEX card_easiness;
CREATE INDEX card_easiness ON card (easiness, lapses DESC) WHERE easiness < 250 AND retired = 0;
