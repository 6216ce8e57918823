//! Decks in the database: importing one (the writing is `import`), changing several in one
//! transaction, and reading one back as a deck file.

use rusqlite::{Connection, OptionalExtension, Transaction, TransactionBehavior};
use std::collections::{BTreeSet, HashSet};

use super::cards::list;
use super::import::{import_in, Scope};
use super::Store;
use crate::core::deck::{self, Basic, Cloze, Deck, Filled, Question, Source};
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
    /// Problems that do not stop the import: aliases another story has too.
    pub warnings: Vec<String>,
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
        let report = import_in(&tx, &deck, Scope::Whole, &mut |_, _| {})?;
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
        let report = import_in(&tx, &deck, Scope::Whole, &mut |_, _| {})?;
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
            decks.push(export_in(&tx, name)?.unwrap_or_else(|| Deck::empty(name)));
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
            reports.push(import_in(&tx, d, Scope::Whole, progress)?);
        }
        if preview {
            tx.rollback()?;
        } else {
            tx.commit()?;
        }
        Ok((value, reports))
    }

    /// `update_decks` for one deck, not a preview, no progress: what `add` does.
    pub fn update_deck<T>(
        &mut self,
        name: &str,
        change: impl FnOnce(&mut Deck, &Lookup<'_>) -> anyhow::Result<T>,
    ) -> anyhow::Result<T> {
        let names = [name.to_string()];
        let (value, _) = self.update_decks(&names, false, &mut |_, _| {}, |decks, lookup| {
            change(&mut decks[0], lookup)
        })?;
        Ok(value)
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
    pub(super) conn: &'a Connection,
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
    export_part(conn, name, None)
}

/// A deck in file form: all of it, or (with `keys`, a JSON list) its stories, its filled answers
/// and only the cards with those keys.
pub(super) fn export_part(
    conn: &Connection,
    name: &str,
    keys: Option<&str>,
) -> anyhow::Result<Option<Deck>> {
    let Some((deck_id, title, synonyms)) = conn
        .query_row(
            "SELECT id, title, synonyms FROM deck WHERE name = ?1",
            [name],
            |r| Ok((r.get::<_, i64>(0)?, r.get(1)?, r.get::<_, String>(2)?)),
        )
        .optional()?
    else {
        return Ok(None);
    };
    let synonyms: Vec<(String, Vec<String>)> = serde_json::from_str(&synonyms)?;
    let mut stmt = conn.prepare(
        "SELECT s.key, s.number, s.title, s.kind, s.source, s.aliases, s.prompt, s.text, s.written, s.diagram,
                s.points, coalesce(c.tags, '[]'), s.short, coalesce(s.points_source, s.source)
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
                short: r.get(12)?,
                points_source: r.get(13)?,
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
    const COLUMNS: &str = "SELECT c.kind, c.key, s.key, c.front, c.back, c.answers, c.tags,
        c.points, c.why, c.source FROM card c LEFT JOIN story s ON s.id = c.story_id";
    // `+c.deck_id`: the cards are looked up by key, not by reading the deck.
    let which = match keys {
        None => "c.deck_id = ?1 AND ?2 IS NULL",
        Some(_) => "c.key IN (SELECT value FROM json_each(?2)) AND +c.deck_id = ?1",
    };
    let mut stmt = conn.prepare_cached(&format!(
        "{COLUMNS} WHERE {which} AND c.retired = 0 AND c.kind != 'recall' ORDER BY c.position, c.id"
    ))?;
    let mut out = Deck {
        name: name.to_string(),
        title,
        synonyms: (!synonyms.is_empty()).then_some(synonyms),
        stories,
        questions: vec![],
        clozes: vec![],
        cards: vec![],
        followups: vec![],
        filled,
    };
    let mut rows = stmt.query(rusqlite::params![deck_id, keys])?;
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
            CardKind::Followup => out.followups.push(deck::Followup {
                key,
                story: story.unwrap_or_default(),
                source: r.get::<_, Option<Source>>(9)?.unwrap_or(Source::Written),
                question: front,
                answer: back,
                points: list(r, 7)?,
                why: r.get::<_, Option<String>>(8)?.unwrap_or_default(),
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

/// `import_in` for the other store modules, without progress.
pub(super) fn import_in_pub(tx: &Transaction<'_>, deck: &Deck) -> anyhow::Result<ImportReport> {
    import_in(tx, deck, Scope::Whole, &mut |_, _| {})
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

pub(super) fn deck_name(tx: &Transaction<'_>, id: i64) -> anyhow::Result<String> {
    Ok(tx.query_row("SELECT name FROM deck WHERE id = ?1", [id], |r| r.get(0))?)
}

pub(super) fn to_json(values: &[String]) -> String {
    serde_json::to_string(values).unwrap_or_else(|_| "[]".into())
}
