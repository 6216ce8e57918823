-- why: flat cost at any size (issue 13). `stats`, `plan` and a session's readiness read every
-- current story's number, key, title and deck; `story_catalog` lacked the deck, so each story's
-- row was read for it (a row holds the story's whole text: a page or more each, 350 of the 2,000
-- pages `stats` read for 500 stories). With the deck in the index, the list of stories is read
-- from the index alone.
DROP INDEX IF EXISTS story_catalog;
CREATE INDEX story_catalog ON story (number, key, title, aliases, deck_id) WHERE retired = 0;
