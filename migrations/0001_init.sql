-- why: the first schema. Decks hold stories (the catalog "which story fits" answers from) and cards;
-- each card carries its SM-2 state, and every answer is appended to the review log with the state
-- before and after, so the state can always be replayed and an undo restores it exactly.

CREATE TABLE deck (
    id      INTEGER PRIMARY KEY,
    name    TEXT NOT NULL UNIQUE,
    title   TEXT NOT NULL DEFAULT ''
);

CREATE TABLE story (
    id       INTEGER PRIMARY KEY,
    key      TEXT NOT NULL UNIQUE,
    deck_id  INTEGER NOT NULL REFERENCES deck(id),
    number   INTEGER NOT NULL UNIQUE,
    title    TEXT NOT NULL,
    kind     TEXT NOT NULL CHECK (kind IN ('story', 'template')),
    source   TEXT NOT NULL CHECK (source IN ('seed', 'written')),
    aliases  TEXT NOT NULL DEFAULT '[]',   -- JSON array of strings
    prompt   TEXT NOT NULL,
    text     TEXT NOT NULL,
    written  TEXT,
    diagram  TEXT,
    points   TEXT NOT NULL DEFAULT '[]',   -- JSON array of strings
    position INTEGER NOT NULL,
    retired  INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE card (
    id            INTEGER PRIMARY KEY,
    key           TEXT NOT NULL UNIQUE,
    deck_id       INTEGER NOT NULL REFERENCES deck(id),
    kind          TEXT NOT NULL CHECK (kind IN ('match', 'recall', 'cloze', 'basic')),
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
    last_review   TEXT
);

-- why: "cards due by day D" is the first query of every review session; it must not scan all cards.
CREATE INDEX card_due ON card (due) WHERE due IS NOT NULL AND retired = 0 AND suspended = 0;
-- why: new cards are handed out in deck order.
CREATE INDEX card_new ON card (deck_id, position) WHERE reviews = 0 AND retired = 0 AND suspended = 0;
CREATE INDEX card_deck ON card (deck_id, position);
CREATE INDEX card_story ON card (story_id);

CREATE TABLE review (
    id                 INTEGER PRIMARY KEY,
    card_id            INTEGER NOT NULL REFERENCES card(id),
    reviewed_at        TEXT NOT NULL,       -- UTC, RFC 3339 with milliseconds
    day                TEXT NOT NULL,       -- the study day it counts for
    quality            INTEGER NOT NULL CHECK (quality BETWEEN 0 AND 5),
    kind               TEXT NOT NULL CHECK (kind IN ('scheduled', 'redrill', 'cram')),
    answer             TEXT NOT NULL DEFAULT '',
    answered_story     TEXT,                -- match cards: the story key the user picked
    correct            INTEGER,             -- match and cloze cards: whether the answer was right
    ms                 INTEGER NOT NULL DEFAULT 0,
    before_repetitions INTEGER NOT NULL,
    before_easiness    INTEGER NOT NULL,
    before_interval    INTEGER NOT NULL,
    before_due         TEXT,
    before_lapses      INTEGER NOT NULL,
    before_reviews     INTEGER NOT NULL,
    before_last_review TEXT,
    after_repetitions  INTEGER NOT NULL,
    after_easiness     INTEGER NOT NULL,
    after_interval     INTEGER NOT NULL,
    after_due          TEXT,
    after_lapses       INTEGER NOT NULL,
    after_reviews      INTEGER NOT NULL,
    after_last_review  TEXT
);

-- why: "reviews in the last N days" (daily limits, statistics) must not scan the whole log.
CREATE INDEX review_day ON review (day);
-- why: a card's history, in order, for `show`, undo and replay.
CREATE INDEX review_card ON review (card_id, id);

-- Settings the user changes with `storydrill config`.
CREATE TABLE setting (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
) WITHOUT ROWID;

-- Bookkeeping of storydrill's own (e.g. which built-in deck text was last loaded).
CREATE TABLE meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
) WITHOUT ROWID;
