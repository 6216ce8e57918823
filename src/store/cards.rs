//! Cards and the story catalog: finding them, the rows a session starts from, deck summaries.

use anyhow::{bail, Context};
use rusqlite::{params, OptionalExtension, Row};

use super::Store;
use crate::core::model::{Card, CardKind, CatalogStory};
use crate::core::queue::{Candidate, Filter};
use crate::core::types::{CardId, StudyDay};

pub(super) const CARD_COLUMNS: &str = "c.id, c.key, d.name, c.kind, s.key, c.front, c.back, c.answers, c.tags, \
     c.suspended, c.retired, c.buried_until, c.repetitions, c.easiness, c.interval_days, c.due, c.lapses, \
     c.reviews, c.last_review, c.points, c.why";
/// How many columns `CARD_COLUMNS` has: a query's own columns come after them.
pub(super) const CARD_COLUMN_COUNT: usize = 21;
pub(super) const CARD_FROM: &str =
    "FROM card c JOIN deck d ON d.id = c.deck_id LEFT JOIN story s ON s.id = c.story_id";

/// The light rows of the candidates `picked` (card rows `c` in the queue's order, the limit
/// applied), with whether its story's recall card was told and whether the story was presented
/// (seen: either; a follow-up waits for told), in `order`. The recall card is its story's current
/// one (`retired = 0`), so the lookup is one entry of `card_recall`, not a walk through the
/// story's cards (thousands at a million cards). The story's key and the two lookups
/// come after the limit: a day's first due cards can be thousands (the queue's order sorts a whole
/// due day), and only those kept need them.
fn candidates_of(picked: &str, order: &str) -> String {
    format!(
        "SELECT c.id, c.kind, s.key, c.due,
            EXISTS (SELECT 1 FROM card r
                    WHERE r.story_id = c.story_id AND r.kind = 'recall' AND r.retired = 0 AND r.reviews > 0),
            EXISTS (SELECT 1 FROM presented p WHERE p.story_id = c.story_id)
         FROM ({picked}) c LEFT JOIN story s ON s.id = c.story_id ORDER BY {order}"
    )
}

/// The cards `fill` made (`<deck>.fill.<template>…`), by a range of the key index per deck ('/'
/// follows '.'), so finding them costs the same at 100,000 cards as at 100.
/// (CROSS JOIN and INDEXED BY keep the planner from scanning every new card of the deck instead;
/// `sqlite_autoindex_card_1` is the index of `card.key UNIQUE`.)
const OWN_FROM: &str = "FROM deck d CROSS JOIN card c INDEXED BY sqlite_autoindex_card_1
    ON c.key > d.name || '.fill.' AND c.key < d.name || '.fill/' AND c.deck_id = d.id";

/// The three queries of a session's candidates; `due` is `Store::due_clause` for the day.
fn candidate_queries(due: &str, filter: &Filter) -> [String; 3] {
    let filtered = filtered(filter);
    [
        candidates_of(
            &format!(
                "SELECT c.id, c.kind, c.story_id, c.due, c.deck_id, c.buried_until FROM card c
                 WHERE {due} AND {filtered} ORDER BY c.due, c.deck_id, c.buried_until, c.id LIMIT ?6"
            ),
            "c.due, c.deck_id, c.buried_until, c.id",
        ),
        candidates_of(
            &format!(
                "SELECT c.id, c.kind, c.story_id, c.due, d.id AS deck, c.position {OWN_FROM}
                 WHERE c.reviews = 0 AND {filtered} ORDER BY d.id, c.position, c.id LIMIT ?6"
            ),
            "c.deck, c.position, c.id",
        ),
        candidates_of(
            &format!(
                "SELECT c.id, c.kind, c.story_id, c.due, c.deck_id, c.position FROM card c
                 WHERE c.reviews = 0 AND {filtered} ORDER BY c.deck_id, c.position, c.id LIMIT ?6"
            ),
            "c.deck_id, c.position, c.id",
        ),
    ]
}

/// `queue::may_show`, in SQL over the card `c` alone, so the partial indexes on due and new cards
/// serve it (?1 today, ?2 deck, ?3 kind, ?4 stories as a JSON list, ?5 tag). A condition is
/// written only when the filter has it: a `c.tags` anywhere in the query would have every card it
/// looks at read from the table, not from the index.
fn filtered(filter: &Filter) -> String {
    let mut sql = String::from(
        "c.retired = 0 AND c.suspended = 0 AND (c.buried_until IS NULL OR c.buried_until <= ?1)",
    );
    if filter.deck.is_some() {
        sql.push_str(" AND c.deck_id = (SELECT id FROM deck WHERE name = ?2)");
    }
    if filter.kind.is_some() {
        sql.push_str(" AND c.kind = ?3");
    }
    if !filter.stories.is_empty() {
        sql.push_str(
            " AND c.story_id IN (SELECT id FROM story WHERE key IN (SELECT value FROM json_each(?4)))",
        );
    }
    if filter.tag.is_some() {
        sql.push_str(" AND EXISTS (SELECT 1 FROM json_each(c.tags) WHERE value = ?5)");
    }
    sql
}

pub(super) fn card_from_row(row: &Row<'_>) -> rusqlite::Result<Card> {
    Ok(Card {
        id: row.get(0)?,
        key: row.get(1)?,
        deck: row.get(2)?,
        kind: row.get(3)?,
        story: row.get(4)?,
        front: row.get(5)?,
        back: row.get(6)?,
        answers: list(row, 7)?,
        tags: list(row, 8)?,
        points: list(row, 19)?,
        why: row.get(20)?,
        suspended: row.get(9)?,
        retired: row.get(10)?,
        buried_until: row.get(11)?,
        state: super::reviews::state_at(row, 12)?,
    })
}

/// A JSON list of strings in column `i`; anything else is an error, never an empty list.
pub(super) fn list(row: &Row<'_>, i: usize) -> rusqlite::Result<Vec<String>> {
    // Read in place (a session reads every story's aliases); most lists are empty.
    let text = row.get_ref(i)?.as_str()?;
    if text == "[]" {
        return Ok(Vec::new());
    }
    serde_json::from_str(text).map_err(|e| {
        rusqlite::Error::FromSqlConversionFailure(i, rusqlite::types::Type::Text, Box::new(e))
    })
}

const STORY_COLUMNS: &str =
    "s.key, s.number, s.title, d.name, s.kind, s.source, s.aliases, s.prompt, s.text, \
     s.written, s.diagram, s.points, s.short, coalesce(s.points_source, s.source)";

fn story_from_row(row: &Row<'_>) -> rusqlite::Result<CatalogStory> {
    Ok(CatalogStory {
        key: row.get(0)?,
        number: row.get(1)?,
        title: row.get(2)?,
        deck: row.get(3)?,
        kind: row.get(4)?,
        source: row.get(5)?,
        aliases: list(row, 6)?,
        prompt: row.get(7)?,
        text: row.get(8)?,
        written: row.get(9)?,
        diagram: row.get(10)?,
        points: list(row, 11)?,
        short: row.get(12)?,
        points_source: row.get(13)?,
    })
}

/// Which cards `list` shows.
#[derive(Debug, Default, Clone)]
pub struct CardFilter {
    pub deck: Option<String>,
    pub kind: Option<CardKind>,
    /// Only cards due on or before this day.
    pub due_by: Option<StudyDay>,
    pub include_retired: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct DeckSummary {
    pub name: String,
    pub title: String,
    pub new: u32,
    pub due: u32,
    pub total: u32,
}

impl Store {
    /// A card by id (a number) or key; a story key finds the story's recall card.
    pub fn find_card(&self, reference: &str) -> anyhow::Result<Option<Card>> {
        let reference = reference.trim();
        let by_id = reference.parse::<i64>().ok();
        let sql = format!("SELECT {CARD_COLUMNS} {CARD_FROM} WHERE c.id = ?1 OR c.key = ?2 OR c.key = ?2 || '.recall' ORDER BY c.key = ?2 DESC LIMIT 1");
        Ok(self
            .conn
            .query_row(&sql, params![by_id, reference], card_from_row)
            .optional()?)
    }

    /// Like `find_card`, but a missing card is an error that says what was asked for.
    pub fn card(&self, reference: &str) -> anyhow::Result<Card> {
        match self.find_card(reference)? {
            Some(card) => Ok(card),
            None => bail!("no card with id or key {reference:?} (see `storydrill list`)"),
        }
    }

    pub fn card_by_id(&self, id: CardId) -> anyhow::Result<Card> {
        let sql = format!("SELECT {CARD_COLUMNS} {CARD_FROM} WHERE c.id = ?1");
        self.conn
            .query_row(&sql, [id], card_from_row)
            .with_context(|| format!("card {id} is gone"))
    }

    pub fn cards(&self, filter: &CardFilter) -> anyhow::Result<Vec<Card>> {
        let due = match filter.due_by {
            Some(day) => format!("{} AND c.suspended = 0", self.due_clause("c", day)?),
            None => "true".to_string(),
        };
        let mut sql = format!(
            "SELECT {CARD_COLUMNS} {CARD_FROM} WHERE (?1 IS NULL OR d.name = ?1) AND (?2 IS NULL OR c.kind = ?2)
             AND {due}"
        );
        if !filter.include_retired {
            sql.push_str(" AND c.retired = 0");
        }
        sql.push_str(" ORDER BY d.id, c.position, c.id");
        let mut stmt = self.conn.prepare(&sql)?;
        let rows = stmt.query_map(
            params![filter.deck, filter.kind.map(|k| k.as_str())],
            card_from_row,
        )?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Light rows of the cards a session on `today` may show: not retired, suspended or buried,
    /// in the filter. Due ones (the interview window applied) most overdue first, then new ones in
    /// deck order, each at most `limit` rows, so a session starts as fast on 100,000 cards as on 100.
    pub fn session_candidates(
        &self,
        today: StudyDay,
        filter: &Filter,
        due_limit: u32,
        new_limit: u32,
    ) -> anyhow::Result<(Vec<Candidate>, Vec<Candidate>)> {
        let [due_sql, own_sql, new_sql] = candidate_queries(&self.due_clause("c", today)?, filter);
        // The user's own new facts first, then the rest in deck order (theirs not twice).
        let mut new = self.candidates(&own_sql, today, filter, new_limit)?;
        for c in &mut new {
            c.own = true;
        }
        let own: std::collections::HashSet<CardId> = new.iter().map(|c| c.id).collect();
        let rest = self.candidates(&new_sql, today, filter, new_limit)?;
        new.extend(rest.into_iter().filter(|c| !own.contains(&c.id)));
        Ok((self.candidates(&due_sql, today, filter, due_limit)?, new))
    }

    /// Due cards (the interview window applied) a session on `today` with `filter` may show: what
    /// the reviews limit held back when such a session shows nothing.
    pub fn count_due_selected(&self, today: StudyDay, filter: &Filter) -> anyhow::Result<u32> {
        let due = self.due_clause("c", today)?;
        let sql = format!(
            "SELECT count(*) FROM (SELECT c.id FROM card c WHERE {due} AND {} LIMIT ?6)",
            filtered(filter)
        );
        let stories = (!filter.stories.is_empty())
            .then(|| serde_json::to_string(&filter.stories))
            .transpose()?;
        Ok(self.conn.query_row(
            &sql,
            params![
                today,
                filter.deck,
                filter.kind.map(CardKind::as_str),
                stories,
                filter.tag,
                u32::MAX
            ],
            |r| r.get(0),
        )?)
    }

    /// Every card a cram session may drill (in the filter, skipped ones too), as light rows.
    pub fn cram_candidates(&self, filter: &Filter) -> anyhow::Result<Vec<Candidate>> {
        let sql = candidates_of(
            &format!(
                "SELECT c.id, c.kind, c.story_id, c.due FROM card c WHERE {} ORDER BY c.id LIMIT ?6",
                filtered(filter)
            ),
            "c.id",
        );
        // A cram session ignores skips: any day works as `today` with the skip check off.
        let mut rows = self.candidates(&sql, StudyDay::LAST, filter, u32::MAX)?;
        for c in &mut rows {
            c.recall_seen = true;
            c.recall_told = true;
        }
        Ok(rows)
    }

    fn candidates(
        &self,
        sql: &str,
        today: StudyDay,
        filter: &Filter,
        limit: u32,
    ) -> anyhow::Result<Vec<Candidate>> {
        let stories = (!filter.stories.is_empty())
            .then(|| serde_json::to_string(&filter.stories))
            .transpose()?;
        let mut stmt = self.conn.prepare(sql)?;
        let rows = stmt.query_map(
            params![
                today,
                filter.deck,
                filter.kind.map(CardKind::as_str),
                stories,
                filter.tag,
                limit
            ],
            |r| {
                Ok(Candidate {
                    id: r.get(0)?,
                    kind: r.get(1)?,
                    story: r.get(2)?,
                    due: r.get(3)?,
                    recall_seen: r.get::<_, bool>(4)? || r.get::<_, bool>(5)?,
                    recall_told: r.get(4)?,
                    readiness: None,
                    own: false,
                })
            },
        )?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// The earliest due day after `today` among active cards.
    pub fn next_due_after(&self, today: StudyDay) -> anyhow::Result<Option<StudyDay>> {
        Ok(self.conn.query_row(
            "SELECT min(due) FROM card WHERE due IS NOT NULL AND due > ?1 AND retired = 0 AND suspended = 0",
            [today],
            |r| r.get(0),
        )?)
    }

    /// Cards due on `day` or before it (what a session that day will start with).
    pub fn count_due_by(&self, day: StudyDay) -> anyhow::Result<u32> {
        if !self.window_moves_due(day)? {
            // From the aggregate: a row per deck and due day, not a row per due card.
            return Ok(self.conn.query_row(
                "SELECT coalesce(sum(cards), 0) FROM stats_due WHERE due <= ?1",
                [day],
                |r| r.get(0),
            )?);
        }
        let due = self.due_clause("card", day)?;
        Ok(self.conn.query_row(
            &format!("SELECT count(*) FROM card WHERE {due} AND retired = 0 AND suspended = 0"),
            [],
            |r| r.get(0),
        )?)
    }

    /// Cards due on or before each of `days` (ascending), read in one pass over the due cards'
    /// index when no interview window moves due days (else a count a day).
    pub fn count_due_by_each(&self, days: &[StudyDay]) -> anyhow::Result<Vec<u32>> {
        let Some(&last) = days.last() else {
            return Ok(Vec::new());
        };
        let mut windowed = false;
        for &day in days {
            windowed |= self.window_moves_due(day)?;
        }
        if windowed {
            return days.iter().map(|d| self.count_due_by(*d)).collect();
        }
        let mut stmt = self
            .conn
            .prepare_cached("SELECT due, sum(cards) FROM stats_due WHERE due <= ?1 GROUP BY due")?;
        let by_day: Vec<(StudyDay, u32)> = stmt
            .query_map([last], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<Result<_, _>>()?;
        Ok(days
            .iter()
            .map(|d| {
                by_day
                    .iter()
                    .filter(|(due, _)| due <= d)
                    .map(|(_, n)| n)
                    .sum()
            })
            .collect())
    }

    /// Each deck's new, due and total cards, from the `stats_card` and `stats_due` aggregates, so
    /// this costs the same at 1,000,000 cards as at 10,000.
    pub fn decks(&self, today: StudyDay) -> anyhow::Result<Vec<DeckSummary>> {
        // Due cards: the aggregate's, less those skipped to a later day; in an interview's
        // window (due days moved) a count of the cards.
        let due = if !self.window_moves_due(today)? {
            "SELECT w.deck_id, w.due - coalesce(k.skipped, 0) AS due
             FROM (SELECT deck_id, sum(cards) AS due FROM stats_due WHERE due <= ?1 GROUP BY deck_id) w
             LEFT JOIN (SELECT c.deck_id, count(*) AS skipped FROM card c INDEXED BY card_buried
                        WHERE c.buried_until > ?1 AND c.retired = 0 AND c.suspended = 0
                          AND c.due IS NOT NULL AND c.due <= ?1 GROUP BY c.deck_id) k
             ON k.deck_id = w.deck_id"
                .to_string()
        } else {
            let clause = self.due_clause("c", today)?;
            format!(
                "SELECT c.deck_id, count(*) AS due FROM card c
                 WHERE {clause} AND c.retired = 0 AND c.suspended = 0
                   AND (c.buried_until IS NULL OR c.buried_until <= ?1)
                 GROUP BY c.deck_id"
            )
        };
        let mut stmt = self.conn.prepare(&format!(
            "WITH counts AS (
                 SELECT deck_id,
                        sum(cards) FILTER (WHERE reviewed = 0 AND suspended = 0) AS new,
                        sum(cards) AS total
                 FROM stats_card WHERE deck_id != 0 AND retired = 0 GROUP BY deck_id),
             due AS ({due})
             SELECT d.name, d.title, coalesce(counts.new, 0), coalesce(due.due, 0),
                    coalesce(counts.total, 0)
             FROM deck d LEFT JOIN counts ON counts.deck_id = d.id LEFT JOIN due ON due.deck_id = d.id
             ORDER BY d.id"
        ))?;
        let rows = stmt.query_map([today], |r| {
            Ok(DeckSummary {
                name: r.get(0)?,
                title: r.get(1)?,
                new: r.get(2)?,
                due: r.get(3)?,
                total: r.get(4)?,
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    pub fn deck_exists(&self, name: &str) -> anyhow::Result<bool> {
        Ok(self.conn.query_row(
            "SELECT EXISTS (SELECT 1 FROM deck WHERE name = ?1)",
            [name],
            |r| r.get(0),
        )?)
    }

    /// Ok when there is a deck of that name; the one "no deck named …" error otherwise.
    pub fn require_deck(&self, name: &str) -> anyhow::Result<()> {
        if self.deck_exists(name)? {
            Ok(())
        } else {
            Err(no_deck(name))
        }
    }

    /// The story catalog, by number.
    pub fn stories(&self) -> anyhow::Result<Vec<CatalogStory>> {
        let sql = format!("SELECT {STORY_COLUMNS} FROM story s JOIN deck d ON d.id = s.deck_id WHERE s.retired = 0 ORDER BY s.number");
        let mut stmt = self.conn.prepare(&sql)?;
        let rows = stmt.query_map([], story_from_row)?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// The story catalog as answer matching needs it: number, title and aliases, by number.
    pub fn catalog(&self) -> anyhow::Result<Vec<crate::core::judge::CatalogEntry>> {
        let mut stmt = self.conn.prepare(
            "SELECT key, number, title, aliases FROM story INDEXED BY story_catalog WHERE retired = 0 ORDER BY number",
        )?;
        let rows = stmt.query_map([], |r| {
            Ok(crate::core::judge::CatalogEntry {
                key: r.get(0)?,
                number: r.get(1)?,
                title: r.get(2)?,
                aliases: list(r, 3)?,
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// The current stories that have a 30-second version, by number (`review --short`).
    pub fn stories_with_short(&self) -> anyhow::Result<Vec<String>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT key FROM story WHERE retired = 0 AND short IS NOT NULL ORDER BY number",
        )?;
        let rows = stmt.query_map([], |r| r.get(0))?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Every current story's key points, for answers the catalog's titles and aliases do not name.
    pub fn story_points(&self) -> anyhow::Result<Vec<crate::core::judge::StoryText>> {
        let mut stmt = self.conn.prepare(
            "SELECT key, points, text || char(10) || coalesce(written, '') FROM story WHERE retired = 0 ORDER BY number",
        )?;
        let rows = stmt.query_map([], |r| {
            Ok(crate::core::judge::StoryText {
                key: r.get(0)?,
                points: list(r, 1)?,
                text: r.get(2)?,
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// The key points of the stories a telling of `key` may have told instead: the other current
    /// stories with key points, those of its own deck first, at most `limit`.
    pub fn rival_points(
        &self,
        key: &str,
        limit: usize,
    ) -> anyhow::Result<Vec<(String, Vec<String>)>> {
        let mut stmt = self.conn.prepare(
            "SELECT s.key, s.points FROM story s
             WHERE s.retired = 0 AND s.key != ?1 AND s.points != '[]'
             ORDER BY s.deck_id != (SELECT deck_id FROM story WHERE key = ?1), s.number
             LIMIT ?2",
        )?;
        let rows = stmt.query_map(params![key, limit as i64], |r| Ok((r.get(0)?, list(r, 1)?)))?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    pub fn story(&self, key: &str) -> anyhow::Result<Option<CatalogStory>> {
        let sql = format!(
            "SELECT {STORY_COLUMNS} FROM story s JOIN deck d ON d.id = s.deck_id WHERE s.key = ?1"
        );
        Ok(self
            .conn
            .query_row(&sql, [key], story_from_row)
            .optional()?)
    }

    /// The synonyms a telling of this story is judged with: the built-in table and its deck's.
    pub fn synonyms_for_story(
        &self,
        _key: &str,
    ) -> anyhow::Result<crate::core::judge::synonyms::Synonyms> {
        Ok(crate::core::judge::synonyms::Synonyms::builtin())
    }

    /// The synonyms match answers are read with: the built-in table only, as the catalog spans
    /// decks and one deck's words must not change how another's stories are named.
    pub fn synonyms_for_answers(&self) -> anyhow::Result<crate::core::judge::synonyms::Synonyms> {
        Ok(crate::core::judge::synonyms::Synonyms::builtin())
    }

    /// A story's key from its key or its catalog number.
    pub fn story_key(&self, reference: &str) -> anyhow::Result<String> {
        let reference = reference.trim();
        let found: Option<String> = match reference.parse::<u32>() {
            Ok(n) => self
                .conn
                .query_row(
                    "SELECT key FROM story WHERE number = ?1 AND retired = 0",
                    [n],
                    |r| r.get(0),
                )
                .optional()?,
            Err(_) => self.story_exists(reference)?.then(|| reference.to_string()),
        };
        found.ok_or_else(|| {
            anyhow::anyhow!(
                "no story with key or number {} (see `storydrill stories`)",
                crate::core::text::quote(reference)
            )
        })
    }

    /// The one-line reason of a story's first question card ("why it fits"), to tell it apart.
    pub fn story_hint(&self, key: &str) -> anyhow::Result<Option<String>> {
        Ok(self
            .conn
            .query_row(
                "SELECT c.back FROM card c JOIN story s ON s.id = c.story_id
                 WHERE s.key = ?1 AND c.kind = 'match' AND c.retired = 0 AND c.back != ''
                 ORDER BY c.position LIMIT 1",
                [key],
                |r| r.get(0),
            )
            .optional()?)
    }

    /// Active new cards (never reviewed).
    pub fn count_new(&self) -> anyhow::Result<u32> {
        // From the aggregate: a count of the new cards' index grows with them.
        Ok(self.conn.query_row(
            "SELECT coalesce(sum(cards), 0) FROM stats_card
             WHERE deck_id = 0 AND retired = 0 AND suspended = 0 AND reviewed = 0",
            [],
            |r| r.get(0),
        )?)
    }

    /// Cards due today (the interview window applied) that `:s` skipped until a later day.
    pub fn count_skipped(&self, today: StudyDay) -> anyhow::Result<u32> {
        let due = self.due_clause("card", today)?;
        Ok(self.conn.query_row(
            &format!(
                "SELECT count(*) FROM card WHERE {due} AND retired = 0 AND suspended = 0
                 AND buried_until > ?1"
            ),
            [today],
            |r| r.get(0),
        )?)
    }

    pub fn story_exists(&self, key: &str) -> anyhow::Result<bool> {
        Ok(self.conn.query_row(
            "SELECT EXISTS (SELECT 1 FROM story WHERE key = ?1 AND retired = 0)",
            [key],
            |r| r.get(0),
        )?)
    }

    pub fn set_suspended(&self, card: CardId, suspended: bool) -> anyhow::Result<()> {
        self.conn.execute(
            "UPDATE card SET suspended = ?2 WHERE id = ?1",
            params![card, suspended],
        )?;
        Ok(())
    }

    /// Hides a card until `until` (skip).
    pub fn bury(&self, card: CardId, until: StudyDay) -> anyhow::Result<()> {
        self.conn.execute(
            "UPDATE card SET buried_until = ?2 WHERE id = ?1",
            params![card, until],
        )?;
        Ok(())
    }
}

/// The error for a deck name that names no deck.
pub(super) fn no_deck(name: &str) -> anyhow::Error {
    anyhow::anyhow!(
        "no deck named {} (see `storydrill decks`)",
        crate::core::text::quote(name)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn card_column_count_counts_card_columns() {
        assert_eq!(CARD_COLUMNS.split(',').count(), CARD_COLUMN_COUNT);
    }
    use crate::core::queue::may_show;

    /// The SQL of `session_candidates` and `queue::may_show` are one rule: for every filter, the
    /// cards it reads are exactly the due and new cards `may_show` lets through.
    #[test]
    fn session_candidates_read_by_the_rule_of_may_show() {
        let dir = tempfile::tempdir().unwrap();
        let mut store = Store::open(&dir.path().join("t.db")).unwrap();
        let today = StudyDay::from_ymd(2027, 1, 10).unwrap();
        // Give cards every combination that matters: due (past, today, later) or new; retired,
        // suspended, skipped until yesterday, today or tomorrow.
        store
            .connection()
            .execute_batch(
                "UPDATE card SET reviews = 1, due = '2027-01-0' || (id % 9 + 1) WHERE id % 3 = 0;
                 UPDATE card SET reviews = 1, due = '2027-01-11' WHERE id % 3 = 1 AND id % 2 = 0;
                 UPDATE card SET retired = 1 WHERE id % 7 = 0;
                 UPDATE card SET suspended = 1 WHERE id % 11 = 0;
                 UPDATE card SET buried_until = '2027-01-09' WHERE id % 5 = 0;
                 UPDATE card SET buried_until = '2027-01-10' WHERE id % 5 = 1;
                 UPDATE card SET buried_until = '2027-01-11' WHERE id % 5 = 2;",
            )
            .unwrap();
        let all = store
            .cards(&CardFilter {
                include_retired: true,
                ..Default::default()
            })
            .unwrap();
        let filters = [
            Filter::default(),
            Filter {
                deck: Some("templates".into()),
                ..Filter::default()
            },
            Filter {
                kind: Some(CardKind::Match),
                ..Filter::default()
            },
            Filter {
                deck: Some("stories".into()),
                kind: Some(CardKind::Cloze),
                ..Filter::default()
            },
            Filter {
                stories: vec!["sharding".into(), "self-intro".into()],
                ..Filter::default()
            },
        ];
        for filter in filters {
            let (due, new) = store
                .session_candidates(today, &filter, 10_000, 10_000)
                .unwrap();
            let mut read: Vec<i64> = due.iter().chain(&new).map(|c| c.id.0).collect();
            read.sort();
            let mut expected: Vec<i64> = all
                .iter()
                .filter(|c| may_show(c, today, &filter))
                .filter(|c| c.state.reviews == 0 || c.state.due.is_some_and(|d| d <= today))
                .map(|c| c.id.0)
                .collect();
            expected.sort();
            assert!(!expected.is_empty(), "{filter:?}");
            assert_eq!(read, expected, "{filter:?}");
        }
    }

    /// `decks` reads aggregates and an index; a recount of the cards gives the same figures.
    #[test]
    fn deck_counts_agree_with_a_recount_of_the_cards() {
        let dir = tempfile::tempdir().unwrap();
        let mut store = Store::open(&dir.path().join("t.db")).unwrap();
        store
            .connection()
            .execute_batch(
                "UPDATE card SET reviews = 1, due = '2027-01-0' || (id % 9 + 1) WHERE id % 3 = 0;
                 UPDATE card SET reviews = 2, due = '2027-01-11' WHERE id % 3 = 1 AND id % 2 = 0;
                 UPDATE card SET retired = 1 WHERE id % 7 = 0;
                 UPDATE card SET suspended = 1 WHERE id % 11 = 0;
                 UPDATE card SET buried_until = '2027-01-11' WHERE id % 5 = 2;",
            )
            .unwrap();
        let today = StudyDay::from_ymd(2027, 1, 10).unwrap();
        let recount: Vec<(String, u32, u32, u32)> = store
            .connection()
            .prepare(
                "SELECT d.name,
                        count(c.id) FILTER (WHERE c.reviews = 0 AND c.suspended = 0),
                        count(c.id) FILTER (WHERE c.due IS NOT NULL AND c.due <= '2027-01-10'
                            AND c.suspended = 0
                            AND (c.buried_until IS NULL OR c.buried_until <= '2027-01-10')),
                        count(c.id)
                 FROM deck d LEFT JOIN card c ON c.deck_id = d.id AND c.retired = 0
                 GROUP BY d.id ORDER BY d.id",
            )
            .unwrap()
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap();
        let read: Vec<(String, u32, u32, u32)> = store
            .decks(today)
            .unwrap()
            .into_iter()
            .map(|d| (d.name, d.new, d.due, d.total))
            .collect();
        assert_eq!(read, recount);
        assert!(read.iter().any(|d| d.2 > 0 && d.1 > 0), "{read:?}");
        // Due by each of several days, in one pass, as a count a day gives it; with an interview
        // window ahead too (it moves due days).
        let days: Vec<StudyDay> = (0..8).map(|d| today.plus_days(d)).collect();
        for interview in [None, Some(today.plus_days(4))] {
            if let Some(day) = interview {
                store.add_interview(day, Some("acme")).unwrap();
            }
            let each: Vec<u32> = days
                .iter()
                .map(|d| store.count_due_by(*d).unwrap())
                .collect();
            assert_eq!(
                store.count_due_by_each(&days).unwrap(),
                each,
                "{interview:?}"
            );
            assert!(each[0] > 0 && each[7] > each[0], "{each:?}");
        }
        assert_eq!(
            store.count_new().unwrap(),
            recount.iter().map(|d| d.1).sum::<u32>()
        );
    }

    /// A session's first card costs the same at 100,000 cards as at 100: each candidate query
    /// reads an index in order or a range of it, and the own cards come first, marked.
    #[test]
    fn session_candidates_read_index_ranges_and_own_facts_first() {
        let dir = tempfile::tempdir().unwrap();
        let mut store = Store::open(&dir.path().join("t.db")).unwrap();
        let conn = store.connection();
        let all = Filter::default();
        for (sql, index) in candidate_queries("(c.due IS NOT NULL AND c.due <= '2027-01-10')", &all)
            .iter()
            .zip([
                "card_due",
                "sqlite_autoindex_card_1 (key>? AND key<?)",
                "card_new",
            ])
        {
            let mut stmt = conn.prepare(&format!("EXPLAIN QUERY PLAN {sql}")).unwrap();
            let none: Option<String> = None;
            let params = params!["2027-01-10", none, none, none, none, 10];
            let rows = stmt
                .query_map(params, |r| {
                    Ok((r.get::<_, i64>(1)?, r.get::<_, String>(3)?))
                })
                .unwrap();
            let rows: Vec<(i64, String)> = rows.map(|r| r.unwrap()).collect();
            let plan = format!("{rows:?}");
            assert!(plan.contains(index), "{plan}");
            // "Was the story told" is one entry of the recall cards' index, not a walk through
            // the story's cards.
            assert!(plan.contains("INDEX card_recall (story_id=?"), "{plan}");
            // Read in index order up to the limit (a scan that stops), or a range: never a sort
            // of every candidate, never an index built on the fly. Only the outer query (parent
            // 0) sorts: the rows the limit kept.
            assert!(
                rows.iter().all(|(parent, detail)| *parent == 0
                    || !detail.contains("USE TEMP B-TREE FOR ORDER BY"))
                    && !plan.contains("AUTOMATIC"),
                "{plan}"
            );
        }
        // A filled template's cards: new, in a deck after the built-in ones.
        store
            .connection()
            .execute_batch(
                "INSERT INTO deck (name, title) VALUES ('mine', 'Mine');
                 INSERT INTO card (key, deck_id, kind, front, position)
                 SELECT 'mine.fill.t' || x, (SELECT id FROM deck WHERE name = 'mine'), 'cloze', 'f', x
                 FROM (SELECT 1 AS x UNION SELECT 2);",
            )
            .unwrap();
        let today = StudyDay::from_ymd(2027, 1, 10).unwrap();
        let (_, new) = store
            .session_candidates(today, &Filter::default(), 0, 3)
            .unwrap();
        let own: Vec<bool> = new.iter().map(|c| c.own).collect();
        assert_eq!(own, [true, true, false, false, false]);
    }
}
