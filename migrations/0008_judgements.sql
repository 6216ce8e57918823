-- why: grading by facts (issue 11). A telling's key points are judged, then the user has the last
-- word (`:p N` at the grade prompt, or a checklist for a telling told aloud). Both are kept with
-- the review, so how often the judge and the user agree can be measured from real use; and a deck
-- may declare its own synonyms for the judge.

CREATE TABLE IF NOT EXISTS review_judgement (
    review_id INTEGER PRIMARY KEY REFERENCES review(id),
    spoken    INTEGER NOT NULL CHECK (spoken IN (0, 1)), -- 1: told aloud, ticked from a checklist
    suggested INTEGER NOT NULL CHECK (suggested BETWEEN 0 AND 5),
    judged    TEXT,           -- JSON [bool]: the judge's ticks, one per key point (NULL when spoken)
    kept      TEXT NOT NULL   -- JSON [bool]: the ticks as the user left them
);

-- An undone answer takes its judgement with it.
CREATE TRIGGER IF NOT EXISTS review_judgement_review_delete AFTER DELETE ON review
BEGIN
    DELETE FROM review_judgement WHERE review_id = OLD.id;
END;

-- A deck's [synonyms] table: JSON [[word, [equals…]], …].
ALTER TABLE deck ADD COLUMN synonyms TEXT NOT NULL DEFAULT '[]';
