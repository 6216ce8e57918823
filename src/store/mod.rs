//! The SQLite store: every SQL statement of storydrill lives in this module and its children.

mod cards;
mod decks;
mod migrate;
mod personal;
mod search;
mod stats;

pub use cards::{CardFilter, DeckSummary, NewReview, TodayAnswer};
pub use decks::{ImportReport, Lookup, Progress};
pub use migrate::{LATEST_VERSION, MIGRATIONS};
pub use personal::Deleted;
pub use search::SearchHit;

use anyhow::Context;
use rusqlite::config::DbConfig;
use rusqlite::{Connection, OptionalExtension};
use std::path::{Path, PathBuf};
use std::time::Duration;

use crate::builtin;

/// An open database, migrated and with the built-in decks loaded.
pub struct Store {
    conn: Connection,
    path: PathBuf,
}

/// The WAL size at which the closing process copies it into the database and empties it.
pub const WAL_CHECKPOINT_BYTES: u64 = 1024 * 1024;

/// SQLite's default is for the last connection to close to copy the WAL into the database and
/// delete it, and for the next one to create it again: four more syncs per command, each a
/// file-system journal commit. On a slow disk that was most of a 20 ms `grade`. Instead the WAL
/// is kept until it holds 1 MiB (~60 answers), and then the closing process empties it with a
/// TRUNCATE checkpoint. Commits stay synced (synchronous = FULL).
///
/// Emptying it is what keeps the WAL small: the next process to open the database alone resets
/// the shared-memory index and recovers the WAL from scratch, forgetting which frames were already
/// copied, so after a merely PASSIVE checkpoint the WAL would never restart and grow forever.
impl Drop for Store {
    fn drop(&mut self) {
        let wal = self.wal_path();
        if std::fs::metadata(&wal).is_ok_and(|m| m.len() > WAL_CHECKPOINT_BYTES) {
            // If another storydrill is busy with the database, the next one to close does it.
            let _ = self.conn.busy_timeout(Duration::from_millis(100));
            let _ = self
                .conn
                .query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()));
        }
    }
}

impl Store {
    /// Opens (creating it and its folders if needed) the database at `path`.
    pub fn open(path: &Path) -> anyhow::Result<Store> {
        if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
            std::fs::create_dir_all(parent)
                .with_context(|| format!("could not create the folder {}", parent.display()))?;
        }
        let mut conn = Connection::open(path)
            .with_context(|| format!("could not open database {}", path.display()))?;
        conn.busy_timeout(Duration::from_secs(10))?;
        // The WAL is checkpointed by `Drop for Store`, not by SQLite on close (see there); this
        // also keeps a refused database (newer schema) from being checkpointed into on close.
        conn.set_db_config(DbConfig::SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, true)?;
        migrate::migrate(&mut conn, path)
            .with_context(|| format!("could not open database {}", path.display()))?;
        let mut store = Store {
            conn,
            path: path.to_path_buf(),
        };
        store.load_builtin_decks()?;
        Ok(store)
    }

    /// The WAL file beside the database.
    pub fn wal_path(&self) -> PathBuf {
        let mut wal = self.path.clone().into_os_string();
        wal.push("-wal");
        PathBuf::from(wal)
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
            // A question of an earlier deck may name a story of a later one as its best answer;
            // that story did not exist yet when the question was loaded.
            self.conn.execute(
                "UPDATE card SET story_id = (SELECT s.id FROM story s WHERE s.key = json_extract(card.answers, '$[0]'))
                 WHERE kind = 'match' AND story_id IS NULL AND json_array_length(answers) > 0",
                [],
            )?;
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
