-- why: readiness (issue 10) reads, per story, its recall card's last scheduled grade and last
-- review, whether it has question cards, and its latest typed tellings. Read from the tables
-- alone these cost a lookup in the 1,000,000-row review log or the card table per story; kept
-- as below they come from index pages, so `stats`, `plan` and `review --weakest` stay fast.

-- The latest tellings: a list kept by triggers, read newest first through its primary key,
-- stopping after a bounded number (scanning the log for them grows with the log).

CREATE TABLE IF NOT EXISTS telling (
    review_id INTEGER PRIMARY KEY REFERENCES review(id),
    story_id  INTEGER NOT NULL REFERENCES story(id)
);
INSERT OR IGNORE INTO telling (review_id, story_id)
    SELECT r.id, c.story_id FROM review r JOIN card c ON c.id = r.card_id
    WHERE c.kind = 'recall' AND c.story_id IS NOT NULL AND r.answer != '';
CREATE TRIGGER IF NOT EXISTS telling_review_insert AFTER INSERT ON review
WHEN NEW.answer != ''
BEGIN
    INSERT OR IGNORE INTO telling (review_id, story_id)
        SELECT NEW.id, c.story_id FROM card c
        WHERE c.id = NEW.card_id AND c.kind = 'recall' AND c.story_id IS NOT NULL;
END;
CREATE TRIGGER IF NOT EXISTS telling_review_delete AFTER DELETE ON review
BEGIN
    DELETE FROM telling WHERE review_id = OLD.id;
END;

-- A card's last scheduled grade, kept on the card by triggers (an undo deletes the review row and
-- the grade before it comes back), so a story's readiness reads its recall card alone.
ALTER TABLE card ADD COLUMN last_quality INTEGER;
UPDATE card SET last_quality = (SELECT r.quality FROM review r
    WHERE r.card_id = card.id AND r.kind = 'scheduled' ORDER BY r.id DESC LIMIT 1)
WHERE reviews > 0;
CREATE TRIGGER IF NOT EXISTS last_quality_insert AFTER INSERT ON review
WHEN NEW.kind = 'scheduled'
BEGIN
    UPDATE card SET last_quality = NEW.quality WHERE id = NEW.card_id;
END;
CREATE TRIGGER IF NOT EXISTS last_quality_delete AFTER DELETE ON review
WHEN OLD.kind = 'scheduled'
BEGIN
    UPDATE card SET last_quality = (SELECT r.quality FROM review r
        WHERE r.card_id = OLD.card_id AND r.kind = 'scheduled' ORDER BY r.id DESC LIMIT 1)
    WHERE id = OLD.card_id;
END;

-- A story's recall card, with its last grade and review day (the readiness rule).
DROP INDEX IF EXISTS card_recall;
CREATE INDEX card_recall ON card (story_id, reviews, easiness, suspended, due, last_review, last_quality)
    WHERE kind = 'recall' AND retired = 0;
-- Whether a story has question cards.
CREATE INDEX IF NOT EXISTS card_questions ON card (story_id) WHERE kind = 'match' AND retired = 0;
