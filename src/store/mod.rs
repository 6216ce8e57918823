//! The SQLite store: every SQL statement of storydrill lives in this module and its children.

mod cards;
mod decks;
mod migrate;

pub use cards::{CardFilter, DeckSummary, NewReview};
pub use decks::ImportReport;
pub use migrate::{LATEST_VERSION, MIGRATIONS};

use anyhow::Context;
use rusqlite::{Connection, OptionalExtension};
use std::path::{Path, PathBuf};
use std::time::Duration;

use crate::builtin;

/// An open database, migrated and with the built-in decks loaded.
pub struct Store {
    conn: Connection,
    path: PathBuf,
}

impl Store {
    /// Opens (creating it and its folders if needed) the database at `path`.
    pub fn open(path: &Path) -> anyhow::Result<Store> {
        if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
            std::fs::create_dir_all(parent)
                .with_context(|| format!("could not create the folder {}", parent.display()))?;
        }
        let conn = Connection::open(path)
            .with_context(|| format!("could not open database {}", path.display()))?;
        conn.busy_timeout(Duration::from_secs(10))?;
        let mut store = Store {
            conn,
            path: path.to_path_buf(),
        };
        migrate::migrate(&mut store.conn, path)
            .with_context(|| format!("could not open database {}", path.display()))?;
        store.load_builtin_decks()?;
        Ok(store)
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Loads each built-in deck whose text differs from the one loaded last time (a newer storydrill).
    fn load_builtin_decks(&mut self) -> anyhow::Result<()> {
        for deck in builtin::DECKS {
            let meta_key = format!("builtin-deck:{}", deck.name);
            let hash = builtin::fingerprint(deck.text);
            if self.meta(&meta_key)?.as_deref() == Some(hash.as_str()) {
                continue;
            }
            let parsed = builtin::parse_all()?;
            for (d, parsed_deck) in builtin::DECKS.iter().zip(parsed) {
                self.import_deck(&parsed_deck)
                    .with_context(|| format!("could not load the built-in deck {}", d.file))?;
                let key = format!("builtin-deck:{}", d.name);
                self.set_meta(&key, &builtin::fingerprint(d.text))?;
            }
            break;
        }
        Ok(())
    }

    pub fn setting(&self, key: &str) -> anyhow::Result<Option<String>> {
        Ok(self
            .conn
            .query_row("SELECT value FROM setting WHERE key = ?1", [key], |r| {
                r.get(0)
            })
            .optional()?)
    }

    pub fn set_setting(&self, key: &str, value: &str) -> anyhow::Result<()> {
        self.conn.execute(
            "INSERT INTO setting (key, value) VALUES (?1, ?2) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            [key, value],
        )?;
        Ok(())
    }

    pub fn unset_setting(&self, key: &str) -> anyhow::Result<()> {
        self.conn
            .execute("DELETE FROM setting WHERE key = ?1", [key])?;
        Ok(())
    }

    fn meta(&self, key: &str) -> anyhow::Result<Option<String>> {
        Ok(self
            .conn
            .query_row("SELECT value FROM meta WHERE key = ?1", [key], |r| r.get(0))
            .optional()?)
    }

    fn set_meta(&self, key: &str, value: &str) -> anyhow::Result<()> {
        self.conn.execute(
            "INSERT INTO meta (key, value) VALUES (?1, ?2) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            [key, value],
        )?;
        Ok(())
    }

    /// `PRAGMA integrity_check`: "ok" for a sound database.
    pub fn integrity_check(&self) -> anyhow::Result<String> {
        Ok(self
            .conn
            .query_row("PRAGMA integrity_check", [], |r| r.get(0))?)
    }

    /// The raw connection, for the synthetic-data generator and tests.
    pub fn connection(&mut self) -> &mut Connection {
        &mut self.conn
    }
}
