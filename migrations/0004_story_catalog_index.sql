-- why: a review session reads the whole story catalog (number, key, title, aliases) to match answers
-- and complete titles; without a covering index that read walks every story's full text.
-- IF NOT EXISTS: a database rolled back to an earlier version in tests re-runs this safely.
CREATE INDEX IF NOT EXISTS story_catalog ON story (number, key, title, aliases) WHERE retired = 0;
