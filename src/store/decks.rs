//! Loading a deck into the database by stable keys, and reading it back as a deck.

use anyhow::bail;
use rusqlite::{params, Connection, OptionalExtension, Transaction, TransactionBehavior};
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

use super::cards::list;
use super::Store;
use crate::core::deck::{self, Basic, Cloze, Deck, Filled, Question};
use crate::core::model::CardKind;

/// Told how many cards of a deck have been written so far, and of how many.
pub type Progress<'a> = &'a mut dyn FnMut(usize, usize);

/// What an import changed.
#[derive(Debug, Default, Clone, PartialEq, Eq, serde::Serialize)]
pub struct ImportReport {
    pub deck: String,
    pub added: u32,
    pub updated: u32,
    pub unchanged: u32,
    pub retired: u32,
    /// Keys of the cards retired (a story's recall card stands for the story), in key order.
    pub retired_keys: Vec<String>,
    /// Templates whose filled answers were deleted.
    pub filled_deleted: Vec<String>,
}

impl ImportReport {
    /// Whether the import takes away something that was there: cards or filled answers.
    pub fn takes_away(&self) -> bool {
        self.retired > 0 || !self.filled_deleted.is_empty()
    }
}

/// Whether an import may retire cards and delete filled answers the deck file no longer has.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Retire {
    /// Yes: the file is the whole deck (built-in decks, `import --replace`).
    Allow,
    /// No: the import is refused, changing nothing, with `WouldRetire`.
    Refuse,
}

/// An import refused because it would take away cards or filled answers; the report says which.
#[derive(Debug, Clone, thiserror::Error)]
#[error("importing would retire {} card(s) of deck {} and delete the filled answers of {} template(s)", .0.retired, .0.deck, .0.filled_deleted.len())]
pub struct WouldRetire(pub ImportReport);

impl Store {
    /// Adds or updates a deck by stable keys, in one transaction: texts update (the earlier ones
    /// are kept as revisions), history stays, and a card missing from the deck is retired (hidden,
    /// history kept) when `retire` allows it; otherwise nothing changes and the error is
    /// `WouldRetire`. A deck without `[[filled]]` entries keeps the filled answers stored for it.
    pub fn import_deck(&mut self, deck: &Deck, retire: Retire) -> anyhow::Result<ImportReport> {
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        let deck = with_stored_filled(&tx, deck)?;
        let report = import_in(&tx, &deck, &mut |_, _| {})?;
        if retire == Retire::Refuse && report.takes_away() {
            tx.rollback()?;
            return Err(WouldRetire(report).into());
        }
        tx.commit()?;
        Ok(report)
    }

    /// What `import_deck` would change (retiring allowed), changing nothing.
    pub fn preview_import(&mut self, deck: &Deck) -> anyhow::Result<ImportReport> {
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        let deck = with_stored_filled(&tx, deck)?;
        let report = import_in(&tx, &deck, &mut |_, _| {})?;
        tx.rollback()?;
        Ok(report)
    }

    /// Changes decks in one transaction: reads each named deck as it is (an empty one if it does not
    /// exist yet), lets `change` edit them, checks them with the deck file's rules and writes them back
    /// by stable keys (history kept; cards no longer in a deck retired). `preview` rolls back.
    pub fn update_decks<T>(
        &mut self,
        names: &[String],
        preview: bool,
        progress: Progress<'_>,
        change: impl FnOnce(&mut Vec<Deck>, &Lookup<'_>) -> anyhow::Result<T>,
    ) -> anyhow::Result<(T, Vec<ImportReport>)> {
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        let mut decks = Vec::new();
        for name in names {
            decks.push(match export_in(&tx, name)? {
                Some(d) => d,
                None => Deck {
                    name: name.clone(),
                    title: String::new(),
                    stories: vec![],
                    questions: vec![],
                    clozes: vec![],
                    cards: vec![],
                    filled: vec![],
                },
            });
        }
        let value = change(&mut decks, &Lookup { conn: &tx })?;
        let mut reports = Vec::new();
        for d in &decks {
            let local: HashSet<&str> = decks
                .iter()
                .flat_map(|d| d.stories.iter().map(|s| s.key.as_str()))
                .collect();
            deck::validate(d, &|k| local.contains(k) || story_exists_in(&tx, k))
                .map_err(|m| anyhow::anyhow!("deck {}: {m}", d.name))?;
            reports.push(import_in(&tx, d, progress)?);
        }
        if preview {
            tx.rollback()?;
        } else {
            tx.commit()?;
        }
        Ok((value, reports))
    }

    /// Reads a deck back in file form.
    pub fn export_deck(&self, name: &str) -> anyhow::Result<Deck> {
        match export_in(&self.conn, name)? {
            Some(deck) => Ok(deck),
            None => Err(super::cards::no_deck(name)),
        }
    }
}

/// What a change inside `update_decks` may ask of the database, in its transaction.
pub struct Lookup<'a> {
    conn: &'a Connection,
}

impl Lookup<'_> {
    /// Whether a card or a story already has this key.
    pub fn key_taken(&self, key: &str) -> anyhow::Result<bool> {
        Ok(self
            .conn
            .prepare_cached(
                "SELECT EXISTS (SELECT 1 FROM card WHERE key = ?1 UNION ALL SELECT 1 FROM story WHERE key = ?1)",
            )?
            .query_row([key], |r| r.get(0))?)
    }

    /// The number the next new story gets.
    pub fn next_story_number(&self) -> anyhow::Result<u32> {
        let taken = story_numbers(self.conn)?;
        deck::next_story_number(&taken).ok_or_else(|| {
            anyhow::anyhow!(
                "every story number (1 to {}) is taken",
                deck::MAX_STORY_NUMBER
            )
        })
    }

    /// The deck a card key belongs to, if any.
    pub fn deck_of_card(&self, key: &str) -> anyhow::Result<Option<String>> {
        Ok(self
            .conn
            .prepare_cached(
                "SELECT d.name FROM card c JOIN deck d ON d.id = c.deck_id WHERE c.key = ?1",
            )?
            .query_row([key], |r| r.get(0))
            .optional()?)
    }

    /// Whether a story with this key is in the catalog.
    pub fn story_exists(&self, key: &str) -> bool {
        story_exists_in(self.conn, key)
    }
}

/// The deck with the filled answers stored for it when it has none of its own: filled answers are
/// the user's own facts, and a deck file without `[[filled]]` says nothing about them.
fn with_stored_filled<'d>(
    conn: &Connection,
    deck: &'d Deck,
) -> anyhow::Result<std::borrow::Cow<'d, Deck>> {
    if !deck.filled.is_empty() {
        return Ok(std::borrow::Cow::Borrowed(deck));
    }
    let mut stmt = conn.prepare_cached(
        "SELECT f.template, f.answers FROM filled f JOIN deck d ON d.id = f.deck_id
         WHERE d.name = ?1 ORDER BY f.position, f.id",
    )?;
    let stored: Vec<Filled> = stmt
        .query_map([&deck.name], |r| {
            Ok(Filled {
                template: r.get(0)?,
                answers: list(r, 1)?,
            })
        })?
        .collect::<Result<_, _>>()?;
    if stored.is_empty() {
        return Ok(std::borrow::Cow::Borrowed(deck));
    }
    let mut kept = deck.clone();
    kept.filled = stored;
    deck::validate(&kept, &|k| story_exists_in(conn, k)).map_err(|m| {
        anyhow::anyhow!(
            "deck {}: {m} (with the filled answers stored for it)",
            kept.name
        )
    })?;
    Ok(std::borrow::Cow::Owned(kept))
}

/// Reads a deck back in file form; None when there is no such deck.
pub(super) fn export_in(conn: &Connection, name: &str) -> anyhow::Result<Option<Deck>> {
    let Some((deck_id, title)) = conn
        .query_row("SELECT id, title FROM deck WHERE name = ?1", [name], |r| {
            Ok((r.get::<_, i64>(0)?, r.get(1)?))
        })
        .optional()?
    else {
        return Ok(None);
    };
    let mut stmt = conn.prepare(
        "SELECT s.key, s.number, s.title, s.kind, s.source, s.aliases, s.prompt, s.text, s.written, s.diagram,
                s.points, coalesce(c.tags, '[]')
         FROM story s LEFT JOIN card c ON c.key = s.key || '.recall'
         WHERE s.deck_id = ?1 AND s.retired = 0 ORDER BY s.position, s.id",
    )?;
    let stories = stmt
        .query_map([deck_id], |r| {
            Ok(deck::Story {
                key: r.get(0)?,
                number: Some(r.get(1)?),
                title: r.get(2)?,
                kind: r.get(3)?,
                source: r.get(4)?,
                aliases: list(r, 5)?,
                prompt: r.get(6)?,
                text: r.get(7)?,
                written: r.get(8)?,
                diagram: r.get(9)?,
                points: list(r, 10)?,
                tags: list(r, 11)?,
            })
        })?
        .collect::<Result<Vec<_>, _>>()?;
    let mut stmt = conn
        .prepare("SELECT template, answers FROM filled WHERE deck_id = ?1 ORDER BY position, id")?;
    let filled = stmt
        .query_map([deck_id], |r| {
            Ok(Filled {
                template: r.get(0)?,
                answers: list(r, 1)?,
            })
        })?
        .collect::<Result<Vec<_>, _>>()?;
    let mut stmt = conn.prepare(
        "SELECT c.kind, c.key, s.key, c.front, c.back, c.answers, c.tags
         FROM card c LEFT JOIN story s ON s.id = c.story_id
         WHERE c.deck_id = ?1 AND c.retired = 0 AND c.kind != 'recall' ORDER BY c.position, c.id",
    )?;
    let mut out = Deck {
        name: name.to_string(),
        title,
        stories,
        questions: vec![],
        clozes: vec![],
        cards: vec![],
        filled,
    };
    let mut rows = stmt.query([deck_id])?;
    while let Some(r) = rows.next()? {
        let kind: CardKind = r.get(0)?;
        let key: String = r.get(1)?;
        // The cards of filled templates are made from them, not written out.
        if deck::filled_template_of(name, &out.filled, &key).is_some() {
            continue;
        }
        let story: Option<String> = r.get(2)?;
        let front: String = r.get(3)?;
        let back: String = r.get(4)?;
        let tags = list(r, 6)?;
        match kind {
            CardKind::Match => out.questions.push(Question {
                key,
                text: front,
                answers: list(r, 5)?,
                why: back,
                tags,
            }),
            CardKind::Cloze => out.clozes.push(Cloze {
                key,
                story,
                text: front,
                tags,
            }),
            _ => out.cards.push(Basic {
                key,
                front,
                back,
                tags,
            }),
        }
    }
    Ok(Some(out))
}

fn import_in(
    tx: &Transaction<'_>,
    deck: &Deck,
    progress: Progress<'_>,
) -> anyhow::Result<ImportReport> {
    tx.execute(
        "INSERT INTO deck (name, title) VALUES (?1, ?2) ON CONFLICT (name) DO UPDATE SET title = excluded.title",
        params![deck.name, deck.title],
    )?;
    let deck_id: i64 = tx.query_row("SELECT id FROM deck WHERE name = ?1", [&deck.name], |r| {
        r.get(0)
    })?;
    let mut report = ImportReport {
        deck: deck.name.clone(),
        ..Default::default()
    };

    write_stories(tx, deck_id, deck)?;
    // A retired story's recall card is retired below with the other cards, and counted there.
    tx.execute(
        "UPDATE story SET retired = 1 WHERE deck_id = ?1 AND retired = 0 AND key NOT IN (SELECT value FROM json_each(?2))",
        params![deck_id, to_json(&deck.stories.iter().map(|s| s.key.clone()).collect::<Vec<_>>())],
    )?;

    let rows = deck::cards(deck, &mut |key| template_of(tx, key))?;
    report.filled_deleted = write_filled(tx, deck_id, deck)?;

    let existing = existing_cards(tx, deck_id)?;
    let mut keys: HashSet<&str> = HashSet::with_capacity(rows.len());
    // Only added and changed rows are written: staged first, then written by a few statements that
    // each write many rows (see `write_staged_cards`).
    tx.execute_batch(
        "CREATE TEMP TABLE IF NOT EXISTS import_card (
            position INTEGER PRIMARY KEY, key TEXT NOT NULL, kind TEXT NOT NULL, story TEXT,
            front TEXT NOT NULL, back TEXT NOT NULL, answers TEXT NOT NULL, tags TEXT NOT NULL);
         DELETE FROM temp.import_card;",
    )?;
    let mut stage = tx.prepare_cached(
        "INSERT INTO temp.import_card (position, key, kind, story, front, back, answers, tags)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
    )?;
    let mut staged = 0;
    for (position, row) in rows.iter().enumerate() {
        keys.insert(&row.key);
        let answers = to_json(row.answers);
        let tags = to_json(row.tags);
        match existing.get(row.key.as_str()) {
            Some(old) => {
                let same = old.kind == row.kind.as_str()
                    && old.front == *row.front
                    && old.back == row.back
                    && old.answers == answers
                    && old.tags == tags
                    && old.story.as_deref() == row.story
                    && old.position == position as i64
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
            position as i64,
            row.key,
            row.kind.as_str(),
            row.story,
            row.front,
            &row.back,
            answers,
            tags,
        ])?;
        staged += 1;
    }
    if staged > 0 {
        // A key new to this deck may belong to another one: the first such row, in deck order.
        let taken: Option<(String, String)> = tx
            .query_row(
                "SELECT i.key, d.name FROM temp.import_card i JOIN card c ON c.key = i.key
                 JOIN deck d ON d.id = c.deck_id WHERE c.deck_id != ?1 ORDER BY i.position LIMIT 1",
                [deck_id],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()?;
        if let Some((key, other)) = taken {
            bail!("card key {key:?} already belongs to deck {other:?}");
        }
        write_staged_cards(tx, deck_id, rows.len(), progress)?;
    }
    tx.execute("DELETE FROM temp.import_card", [])?;
    progress(rows.len(), rows.len());
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
fn write_stories(tx: &Transaction<'_>, deck_id: i64, deck: &Deck) -> anyhow::Result<()> {
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
    tx.execute_batch(
        "CREATE TEMP TABLE IF NOT EXISTS import_story (
            position INTEGER PRIMARY KEY, key TEXT NOT NULL, number INTEGER NOT NULL, title TEXT NOT NULL,
            kind TEXT NOT NULL, source TEXT NOT NULL, aliases TEXT NOT NULL, prompt TEXT NOT NULL,
            text TEXT NOT NULL, written TEXT, diagram TEXT, points TEXT NOT NULL);
         DELETE FROM temp.import_story;",
    )?;
    let mut stage = tx.prepare_cached(
        "INSERT INTO temp.import_story (position, key, number, title, kind, source, aliases, prompt, text,
            written, diagram, points)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
    )?;
    for (position, story) in deck.stories.iter().enumerate() {
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
            (None, None) => {
                let taken: BTreeSet<u32> = by_number.keys().copied().collect();
                deck::next_story_number(&taken).ok_or_else(|| {
                    anyhow::anyhow!(
                        "story {:?}: every story number (1 to {}) is taken",
                        story.key,
                        deck::MAX_STORY_NUMBER
                    )
                })?
            }
        };
        if let Some((_, old)) = existing {
            by_number.remove(&old);
        }
        by_number.insert(number, story.key.clone());
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
        ])?;
    }
    tx.execute(
        "INSERT INTO story (key, deck_id, number, title, kind, source, aliases, prompt, text, written, diagram, points, position, retired)
         SELECT key, ?1, number, title, kind, source, aliases, prompt, text, written, diagram, points, position, 0
         FROM temp.import_story WHERE true ORDER BY position
         ON CONFLICT (key) DO UPDATE SET number = excluded.number, title = excluded.title, kind = excluded.kind,
            source = excluded.source, aliases = excluded.aliases, prompt = excluded.prompt, text = excluded.text,
            written = excluded.written, diagram = excluded.diagram, points = excluded.points,
            position = excluded.position, retired = 0",
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
    story: Option<String>,
    position: i64,
    retired: bool,
}

/// The deck's cards (retired ones too) by key, in one query.
fn existing_cards(
    tx: &Transaction<'_>,
    deck_id: i64,
) -> anyhow::Result<HashMap<String, ExistingCard>> {
    let mut stmt = tx.prepare_cached(
        "SELECT c.key, c.id, c.kind, c.front, c.back, c.answers, c.tags, s.key, c.position, c.retired
         FROM card c LEFT JOIN story s ON s.id = c.story_id WHERE c.deck_id = ?1",
    )?;
    let mut out = HashMap::new();
    let mut rows = stmt.query([deck_id])?;
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
            },
        );
    }
    Ok(out)
}

/// Rows written per statement by `write_staged_cards`.
const WRITE_CHUNK: i64 = 10_000;

/// Writes the staged rows of `temp.import_card` into `card`, by key, a chunk of positions per
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
        "INSERT INTO card (key, deck_id, kind, story_id, front, back, answers, tags, position, retired)
         SELECT i.key, ?1, i.kind, s.id, i.front, i.back, i.answers, i.tags, i.position, 0
         FROM temp.import_card i LEFT JOIN story s ON s.key = i.story
         WHERE i.position >= ?2 AND i.position < ?3 ORDER BY i.position
         ON CONFLICT (key) DO UPDATE SET kind = excluded.kind, story_id = excluded.story_id, front = excluded.front,
            back = excluded.back, answers = excluded.answers, tags = excluded.tags, position = excluded.position,
            retired = 0",
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

/// `import_in` for the other store modules, without progress.
pub(super) fn import_in_pub(tx: &Transaction<'_>, deck: &Deck) -> anyhow::Result<ImportReport> {
    import_in(tx, deck, &mut |_, _| {})
}

/// Every story number in use (retired stories keep theirs).
fn story_numbers(conn: &Connection) -> anyhow::Result<BTreeSet<u32>> {
    let mut stmt = conn.prepare_cached("SELECT number FROM story")?;
    let numbers = stmt
        .query_map([], |r| r.get::<_, i64>(0))?
        .filter_map(|n| n.ok().and_then(|n| u32::try_from(n).ok()))
        .collect();
    Ok(numbers)
}

pub(super) fn story_exists_in(conn: &Connection, key: &str) -> bool {
    conn.prepare_cached("SELECT EXISTS (SELECT 1 FROM story WHERE key = ?1 AND retired = 0)")
        .and_then(|mut s| s.query_row([key], |r| r.get(0)))
        .unwrap_or(false)
}

fn deck_name(tx: &Transaction<'_>, id: i64) -> anyhow::Result<String> {
    Ok(tx.query_row("SELECT name FROM deck WHERE id = ?1", [id], |r| r.get(0))?)
}

fn to_json(values: &[String]) -> String {
    serde_json::to_string(values).unwrap_or_else(|_| "[]".into())
}
