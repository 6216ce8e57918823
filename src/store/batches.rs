//! A card file written a batch of rows at a time, in one transaction: the import holds one batch,
//! never the whole file (issue 13). Each batch reads only the part of its decks it touches (their
//! stories and filled answers, and the cards with its keys), and writes only those keys back; a
//! card file never takes anything away.

use rusqlite::{params, Transaction, TransactionBehavior};
use std::collections::HashSet;

use super::decks::{export_part, story_exists_in, ImportReport, Lookup};
use super::import::{import_in, Scope};
use super::Store;
use crate::core::deck::{self, Deck};

/// An import of a card file under way. Dropped without `finish`, it changes nothing.
pub struct Batches<'a> {
    tx: Transaction<'a>,
    reports: Vec<ImportReport>,
}

impl Store {
    /// Starts an import of a card file.
    pub fn batches(&mut self) -> anyhow::Result<Batches<'_>> {
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        // The keys seen so far, with their lines: a file may hold more rows than memory should hold
        // keys.
        tx.execute_batch(
            "CREATE TEMP TABLE IF NOT EXISTS import_key (key TEXT PRIMARY KEY, line INTEGER NOT NULL) WITHOUT ROWID;
             DELETE FROM temp.import_key;",
        )?;
        Ok(Batches {
            tx,
            reports: Vec::new(),
        })
    }
}

impl Batches<'_> {
    pub fn lookup(&self) -> Lookup<'_> {
        Lookup { conn: &self.tx }
    }

    /// Notes a row's key; the line of an earlier row of the file with the same key, if any.
    pub fn claim_key(&self, key: &str, line: usize) -> anyhow::Result<Option<usize>> {
        let added = self
            .tx
            .prepare_cached(
                "INSERT INTO temp.import_key (key, line) VALUES (?1, ?2) ON CONFLICT DO NOTHING",
            )?
            .execute(params![key, line as i64])?;
        if added == 1 {
            return Ok(None);
        }
        let first: i64 = self
            .tx
            .prepare_cached("SELECT line FROM temp.import_key WHERE key = ?1")?
            .query_row([key], |r| r.get(0))?;
        Ok(Some(usize::try_from(first).unwrap_or(0)))
    }

    /// The part of deck `name` a batch with these card keys changes: its stories, its filled
    /// answers, and its cards with these keys (an empty deck if there is none yet).
    pub fn deck_part(&self, name: &str, keys: &[&str]) -> anyhow::Result<Deck> {
        let keys = serde_json::to_string(keys)?;
        Ok(export_part(&self.tx, name, Some(&keys))?.unwrap_or_else(|| Deck::empty(name)))
    }

    /// Checks a deck part with the deck file's rules and writes the entries with these keys.
    pub fn write_part(&mut self, part: &Deck, keys: &[&str]) -> anyhow::Result<()> {
        let local: HashSet<&str> = part.stories.iter().map(|s| s.key.as_str()).collect();
        deck::validate(part, &|k| local.contains(k) || story_exists_in(&self.tx, k))
            .map_err(|m| anyhow::anyhow!("deck {}: {m}", part.name))?;
        let keys: HashSet<&str> = keys.iter().copied().collect();
        let done = import_in(&self.tx, part, Scope::Keys(&keys), &mut |_, _| {})?;
        match self.reports.iter_mut().find(|r| r.deck == done.deck) {
            Some(report) => {
                report.added += done.added;
                report.updated += done.updated;
                report.unchanged += done.unchanged;
            }
            None => self.reports.push(done),
        }
        Ok(())
    }

    /// Commits the import (or, for a preview, rolls it back); what it changed in each deck, in
    /// the order the file first names them.
    pub fn finish(self, preview: bool) -> anyhow::Result<Vec<ImportReport>> {
        if preview {
            self.tx.rollback()?;
        } else {
            self.tx.commit()?;
        }
        Ok(self.reports)
    }
}
