//! Writing a deck into the database by stable keys: stories, the cards the deck makes (staged,
//! then upserted many rows per statement), filled answers, and what the deck no longer has retired.

use anyhow::bail;
use rusqlite::{params, Connection, OptionalExtension, Transaction};
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

use super::decks::{deck_name, to_json, ImportReport, Progress};
use crate::core::deck::{self, Deck};

/// Which of a deck's entries an import writes.
#[derive(Clone, Copy)]
pub(super) enum Scope<'a> {
    /// The deck is the whole deck: what it no longer has is retired, filled answers it no longer
    /// has are deleted, and every card is placed in deck order.
    Whole,
    /// The deck holds its stories and filled answers and some of its cards (a batch of a card
    /// file): only entries with these keys are written, nothing is retired or deleted, cards keep
    /// their places and new ones go after the deck's last.
    Keys(&'a HashSet<&'a str>),
}

pub(super) fn import_in(
    tx: &Transaction<'_>,
    deck: &Deck,
    scope: Scope<'_>,
    progress: Progress<'_>,
) -> anyhow::Result<ImportReport> {
    tx.execute(
        "INSERT INTO deck (name, title) VALUES (?1, ?2) ON CONFLICT (name) DO UPDATE SET title = excluded.title",
        params![deck.name, deck.title],
    )?;
    let deck_id: i64 = tx.query_row("SELECT id FROM deck WHERE name = ?1", [&deck.name], |r| {
        r.get(0)
    })?;
    // A file without a [synonyms] table keeps the deck's.
    if let Some(groups) = &deck.synonyms {
        tx.execute(
            "UPDATE deck SET synonyms = ?1 WHERE id = ?2",
            params![serde_json::to_string(groups)?, deck_id],
        )?;
    }
    let mut report = ImportReport {
        deck: deck.name.clone(),
        ..Default::default()
    };

    let keys_only = match scope {
        Scope::Whole => None,
        Scope::Keys(keys) => Some(keys),
    };
    write_stories(tx, deck_id, deck, keys_only)?;
    let mut rows = deck::cards(deck, &mut |key| template_of(tx, key))?;
    if let Some(keys) = keys_only {
        rows.retain(|r| keys.contains(r.key.as_str()));
    } else {
        // A retired story's recall card is retired below with the other cards, and counted there.
        tx.execute(
            "UPDATE story SET retired = 1 WHERE deck_id = ?1 AND retired = 0 AND key NOT IN (SELECT value FROM json_each(?2))",
            params![deck_id, to_json(&deck.stories.iter().map(|s| s.key.clone()).collect::<Vec<_>>())],
        )?;
        report.filled_deleted = write_filled(tx, deck_id, deck)?;
    }

    let existing = existing_cards(tx, deck_id, keys_only)?;
    // New cards of a batch go after the deck's last.
    let mut next_position: i64 = match keys_only {
        None => 0,
        Some(_) => tx.query_row(
            "SELECT coalesce(max(position), -1) + 1 FROM card WHERE deck_id = ?1",
            [deck_id],
            |r| r.get(0),
        )?,
    };
    let mut keys: HashSet<&str> = HashSet::with_capacity(rows.len());
    // Only added and changed rows are written: staged first, then written by a few statements that
    // each write many rows (see `write_staged_cards`).
    tx.execute_batch(
        "CREATE TEMP TABLE IF NOT EXISTS import_card (
            seq INTEGER PRIMARY KEY, position INTEGER NOT NULL, key TEXT NOT NULL, kind TEXT NOT NULL, story TEXT,
            front TEXT NOT NULL, back TEXT NOT NULL, answers TEXT NOT NULL, tags TEXT NOT NULL,
            points TEXT NOT NULL DEFAULT '[]', why TEXT, source TEXT);
         DELETE FROM temp.import_card;",
    )?;
    let mut stage = tx.prepare_cached(
        "INSERT INTO temp.import_card (seq, position, key, kind, story, front, back, answers, tags, points, why, source)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
    )?;
    let mut staged: usize = 0;
    for (order, row) in rows.iter().enumerate() {
        keys.insert(&row.key);
        let answers = to_json(row.answers);
        let tags = to_json(row.tags);
        let points = to_json(row.points);
        let old = existing.get(row.key.as_str());
        let position = match (keys_only, old) {
            (None, _) => order as i64,
            (Some(_), Some(old)) => old.position,
            (Some(_), None) => {
                next_position += 1;
                next_position - 1
            }
        };
        match old {
            Some(old) => {
                let same = old.kind == row.kind.as_str()
                    && old.front == *row.front
                    && old.back == row.back
                    && old.answers == answers
                    && old.tags == tags
                    && old.points == points
                    && old.why.as_deref() == row.why
                    && old.source == row.source
                    && old.story.as_deref() == row.story
                    && old.position == position
                    && !old.retired;
                if same {
                    report.unchanged += 1;
                    continue;
                }
                report.updated += 1;
            }
            None => report.added += 1,
        }
        stage.execute(params![
            staged as i64,
            position,
            row.key,
            row.kind.as_str(),
            row.story,
            row.front,
            &row.back,
            answers,
            tags,
            points,
            row.why,
            row.source,
        ])?;
        staged += 1;
    }
    if staged > 0 {
        // A key new to this deck may belong to another one: the first such row, in deck order.
        let taken: Option<(String, String)> = tx
            .query_row(
                "SELECT i.key, d.name FROM temp.import_card i JOIN card c ON c.key = i.key
                 JOIN deck d ON d.id = c.deck_id WHERE c.deck_id != ?1 ORDER BY i.seq LIMIT 1",
                [deck_id],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()?;
        if let Some((key, other)) = taken {
            bail!("card key {key:?} already belongs to deck {other:?}");
        }
        write_staged_cards(tx, deck_id, staged, progress)?;
    }
    tx.execute("DELETE FROM temp.import_card", [])?;
    progress(rows.len(), rows.len());
    if keys_only.is_some() {
        return Ok(report);
    }
    let mut gone: Vec<(&str, i64)> = existing
        .iter()
        .filter(|(key, old)| !old.retired && !keys.contains(key.as_str()))
        .map(|(key, old)| (key.as_str(), old.id))
        .collect();
    gone.sort_unstable();
    if !gone.is_empty() {
        let ids: Vec<i64> = gone.iter().map(|(_, id)| *id).collect();
        report.retired = tx.execute(
            "UPDATE card SET retired = 1 WHERE id IN (SELECT value FROM json_each(?1))",
            [serde_json::to_string(&ids)?],
        )? as u32;
        report.retired_keys = gone.iter().map(|(key, _)| key.to_string()).collect();
    }
    Ok(report)
}

/// Adds or updates the deck's stories by key, in deck order, numbering new ones after the highest
/// number in use. The checks run on all stories' keys and numbers read in one query, and the rows
/// are written in one statement (see `write_staged_cards` for why not one per story).
/// With `keys`, only the stories whose recall card is among them are written.
fn write_stories(
    tx: &Transaction<'_>,
    deck_id: i64,
    deck: &Deck,
    keys: Option<&HashSet<&str>>,
) -> anyhow::Result<()> {
    if deck.stories.is_empty() {
        return Ok(());
    }
    let mut by_key: HashMap<String, (i64, u32)> = HashMap::new();
    let mut by_number: BTreeMap<u32, String> = BTreeMap::new();
    {
        let mut stmt = tx.prepare_cached("SELECT key, deck_id, number FROM story")?;
        let mut rows = stmt.query([])?;
        while let Some(r) = rows.next()? {
            let key: String = r.get(0)?;
            // A number no storydrill accepts any more (before 1-99,999 was checked) still holds its place.
            let number = u32::try_from(r.get::<_, i64>(2)?).unwrap_or(u32::MAX);
            by_number.insert(number, key.clone());
            by_key.insert(key, (r.get(1)?, number));
        }
    }
    // The numbers in use, kept beside `by_number` as stories are numbered: "the next free number"
    // reads it in O(log n), so numbering 10,000 new stories is not quadratic.
    let mut taken: BTreeSet<u32> = by_number.keys().copied().collect();
    tx.execute_batch(
        "CREATE TEMP TABLE IF NOT EXISTS import_story (
            position INTEGER PRIMARY KEY, key TEXT NOT NULL, number INTEGER NOT NULL, title TEXT NOT NULL,
            kind TEXT NOT NULL, source TEXT NOT NULL, aliases TEXT NOT NULL, prompt TEXT NOT NULL,
            text TEXT NOT NULL, written TEXT, diagram TEXT, points TEXT NOT NULL, short TEXT,
            points_source TEXT NOT NULL);
         DELETE FROM temp.import_story;",
    )?;
    let mut stage = tx.prepare_cached(
        "INSERT INTO temp.import_story (position, key, number, title, kind, source, aliases, prompt, text,
            written, diagram, points, short, points_source)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)",
    )?;
    for (position, story) in deck.stories.iter().enumerate() {
        if keys.is_some_and(|k| !k.contains(story.recall_key().as_str())) {
            continue;
        }
        let existing = by_key.get(&story.key).copied();
        if let Some((other, _)) = existing.filter(|(d, _)| *d != deck_id) {
            bail!(
                "story key {:?} already belongs to deck {:?}",
                story.key,
                deck_name(tx, other)?
            );
        }
        let number = match (story.number, existing) {
            (Some(n), _) => {
                if let Some(holder) = by_number.get(&n).filter(|h| **h != story.key) {
                    bail!(
                        "story {:?}: number {n} is already taken by story {holder:?}",
                        story.key
                    );
                }
                n
            }
            (None, Some((_, n))) => n,
            (None, None) => deck::next_story_number(&taken).ok_or_else(|| {
                anyhow::anyhow!(
                    "story {:?}: every story number (1 to {}) is taken",
                    story.key,
                    deck::MAX_STORY_NUMBER
                )
            })?,
        };
        if let Some((_, old)) = existing {
            by_number.remove(&old);
            taken.remove(&old);
        }
        by_number.insert(number, story.key.clone());
        taken.insert(number);
        by_key.insert(story.key.clone(), (deck_id, number));
        stage.execute(params![
            position as i64,
            story.key,
            number,
            story.title,
            story.kind.as_str(),
            story.source.as_str(),
            to_json(&story.aliases),
            story.prompt,
            story.text,
            story.written,
            story.diagram,
            to_json(&story.points),
            story.short,
            story.points_source.as_str(),
        ])?;
    }
    tx.execute(
        "INSERT INTO story (key, deck_id, number, title, kind, source, aliases, prompt, text, written, diagram, points, short, points_source, position, retired)
         SELECT key, ?1, number, title, kind, source, aliases, prompt, text, written, diagram, points, short, points_source, position, 0
         FROM temp.import_story WHERE true ORDER BY position
         ON CONFLICT (key) DO UPDATE SET number = excluded.number, title = excluded.title, kind = excluded.kind,
            source = excluded.source, aliases = excluded.aliases, prompt = excluded.prompt, text = excluded.text,
            written = excluded.written, diagram = excluded.diagram, points = excluded.points,
            short = excluded.short, points_source = excluded.points_source, position = excluded.position, retired = 0",
        [deck_id],
    )?;
    tx.execute("DELETE FROM temp.import_story", [])?;
    Ok(())
}

/// A card of the deck as stored, to tell unchanged rows from changed ones.
struct ExistingCard {
    id: i64,
    kind: String,
    front: String,
    back: String,
    answers: String,
    tags: String,
    points: String,
    why: Option<String>,
    source: Option<deck::Source>,
    story: Option<String>,
    position: i64,
    retired: bool,
}

/// The deck's cards (retired ones too) by key, in one query: all of them, or those with `keys`.
fn existing_cards(
    tx: &Transaction<'_>,
    deck_id: i64,
    keys: Option<&HashSet<&str>>,
) -> anyhow::Result<HashMap<String, ExistingCard>> {
    const COLUMNS: &str = "SELECT c.key, c.id, c.kind, c.front, c.back, c.answers, c.tags, s.key,
        c.position, c.retired, c.points, c.why, c.source
        FROM card c LEFT JOIN story s ON s.id = c.story_id";
    // `+c.deck_id`: looked up by key, not by reading the deck (the planner cannot tell that the
    // list of keys is shorter than the deck).
    let (sql, keys) = match keys {
        None => (
            format!("{COLUMNS} WHERE c.deck_id = ?1 AND ?2 IS NULL"),
            None,
        ),
        Some(keys) => (
            format!(
                "{COLUMNS} WHERE c.key IN (SELECT value FROM json_each(?2)) AND +c.deck_id = ?1"
            ),
            Some(serde_json::to_string(keys)?),
        ),
    };
    let mut stmt = tx.prepare_cached(&sql)?;
    let mut out = HashMap::new();
    let mut rows = stmt.query(params![deck_id, keys])?;
    while let Some(r) = rows.next()? {
        out.insert(
            r.get(0)?,
            ExistingCard {
                id: r.get(1)?,
                kind: r.get(2)?,
                front: r.get(3)?,
                back: r.get(4)?,
                answers: r.get(5)?,
                tags: r.get(6)?,
                story: r.get(7)?,
                position: r.get(8)?,
                retired: r.get(9)?,
                points: r.get(10)?,
                why: r.get(11)?,
                source: r.get(12)?,
            },
        );
    }
    Ok(out)
}

/// Rows written per statement by `write_staged_cards`.
const WRITE_CHUNK: i64 = 10_000;

/// Writes the staged rows of `temp.import_card` into `card`, by key, a chunk of rows per
/// statement. Why not a statement per row: the search index (FTS5, kept by the card triggers)
/// writes what it has gathered to disk as a new segment at the start of every statement in a
/// transaction, so a row per statement makes a segment per row and endless merging of segments
/// (100,000 new cards: ~8 s); 10,000 rows per statement make a few segments (~2 s). Chunks rather
/// than one statement only so that the progress bar moves.
fn write_staged_cards(
    tx: &Transaction<'_>,
    deck_id: i64,
    total: usize,
    progress: Progress<'_>,
) -> anyhow::Result<()> {
    let mut write = tx.prepare_cached(
        "INSERT INTO card (key, deck_id, kind, story_id, front, back, answers, tags, points, why, source,
                           position, retired)
         SELECT i.key, ?1, i.kind, s.id, i.front, i.back, i.answers, i.tags, i.points, i.why, i.source,
                i.position, 0
         FROM temp.import_card i LEFT JOIN story s ON s.key = i.story
         WHERE i.seq >= ?2 AND i.seq < ?3 ORDER BY i.seq
         ON CONFLICT (key) DO UPDATE SET kind = excluded.kind, story_id = excluded.story_id, front = excluded.front,
            back = excluded.back, answers = excluded.answers, tags = excluded.tags, points = excluded.points,
            why = excluded.why, source = excluded.source, position = excluded.position, retired = 0",
    )?;
    let mut from = 0;
    while from < total as i64 {
        progress(from as usize, total);
        write.execute(params![deck_id, from, from + WRITE_CHUNK])?;
        from += WRITE_CHUNK;
    }
    Ok(())
}

/// Stores the deck's filled answers; returns the templates whose stored answers the deck no
/// longer has (deleted, kept as revisions).
fn write_filled(tx: &Transaction<'_>, deck_id: i64, deck: &Deck) -> anyhow::Result<Vec<String>> {
    let templates = to_json(
        &deck
            .filled
            .iter()
            .map(|f| f.template.clone())
            .collect::<Vec<_>>(),
    );
    let deleted: Vec<String> = tx
        .prepare_cached(
            "DELETE FROM filled WHERE deck_id = ?1 AND template NOT IN (SELECT value FROM json_each(?2))
             RETURNING template",
        )?
        .query_map(params![deck_id, templates], |r| r.get(0))?
        .collect::<Result<_, _>>()?;
    for (position, f) in deck.filled.iter().enumerate() {
        tx.execute(
            "INSERT INTO filled (deck_id, template, answers, position) VALUES (?1, ?2, ?3, ?4)
             ON CONFLICT (deck_id, template) DO UPDATE SET answers = excluded.answers, position = excluded.position",
            params![deck_id, f.template, to_json(&f.answers), position as i64],
        )?;
    }
    Ok(deleted)
}

/// A template story by key, for the cards of a filled template.
fn template_of(conn: &Connection, key: &str) -> anyhow::Result<Option<deck::Template>> {
    Ok(conn
        .prepare_cached(
            "SELECT kind, title, prompt, text FROM story WHERE key = ?1 AND retired = 0",
        )?
        .query_row([key], |r| {
            Ok(deck::Template {
                kind: r.get(0)?,
                title: r.get(1)?,
                prompt: r.get(2)?,
                text: r.get(3)?,
            })
        })
        .optional()?)
}
