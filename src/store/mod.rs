//! The SQLite store: every SQL statement of storydrill lives in this module and its children.

mod batches;
mod cards;
mod decks;
mod import;
mod interview;
mod migrate;
mod mock;
mod personal;
mod readiness;
mod reviews;
mod search;
mod stats;

pub use batches::Batches;
pub use cards::{CardFilter, DeckSummary};
pub use decks::{ImportReport, Lookup, Progress, Retire, WouldRetire};
pub use interview::InterviewDate;
pub use migrate::{LATEST_VERSION, MIGRATIONS};
pub use mock::{MockQuestion, MockStepRow, MockSummary, NewMock, RecentlyAsked, ToldBefore};
pub use personal::{Deleted, Revision};
pub use readiness::StoryEvidence;
pub use reviews::{Answer, Judgement, NewReview};
pub use search::SearchHit;

use anyhow::{bail, Context};
use rusqlite::config::DbConfig;
use rusqlite::{Connection, OptionalExtension};
use std::path::{Path, PathBuf};
use std::time::Duration;

use crate::core::builtin;

/// An open database, migrated and with the built-in decks loaded.
pub struct Store {
    conn: Connection,
    path: PathBuf,
}

/// The WAL size at which the closing process copies it into the database and empties it.
pub const WAL_CHECKPOINT_BYTES: u64 = 1024 * 1024;

/// The WAL size up to which a running storydrill does not copy it into the database. SQLite's
/// default (1,000 pages, 1 MiB of 1 KB pages) made a session stop every ~90 answers to write a
/// thousand pages into the database and sync it twice, which tripled the mean cost of an answer
/// (benches/scale.py); a session of hundreds of answers now leaves that to its end (below).
pub const WAL_AUTOCHECKPOINT_BYTES: i64 = 16 * 1024 * 1024;

/// SQLite's default is for the last connection to close to copy the WAL into the database and
/// delete it, and for the next one to create it again: four more syncs per command, each a
/// file-system journal commit. On a slow disk that was most of a 20 ms `grade`. Instead the WAL
/// is kept until it holds 1 MiB (~90 answers), and then the closing process empties it with a
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

fn wal_path_of(db: &Path) -> PathBuf {
    let mut wal = db.as_os_str().to_owned();
    wal.push("-wal");
    PathBuf::from(wal)
}

/// What SQLite files start with.
const SQLITE_HEADER: &[u8; 16] = b"SQLite format 3\0";

/// Refuses, before anything is created or written, a path storydrill must not use as its database:
/// an in-memory or URI name (answers graded there would be lost), a file that is not SQLite or
/// is cut short, and a read-only folder. Each gets its own message.
fn check_path(path: &Path) -> anyhow::Result<()> {
    let text = path.to_string_lossy();
    if text.is_empty() || text == ":memory:" || text.starts_with("file:") {
        bail!(
            "{} is not a file path: storydrill keeps every answer in a database file, so pass --db \
             with a file name",
            crate::core::text::quote(&text)
        );
    }
    let folder = match path.parent().filter(|p| !p.as_os_str().is_empty()) {
        Some(p) => p.to_path_buf(),
        None => PathBuf::from("."),
    };
    if let Ok(meta) = std::fs::metadata(&folder) {
        if !meta.is_dir() {
            bail!("{} is not a folder", folder.display());
        }
        if meta.permissions().readonly() {
            bail!(
                "the folder {} is read-only: storydrill writes the database and its -wal file \
                 there; make it writable or pass --db with a path in a writable folder",
                folder.display()
            );
        }
    }
    let Ok(meta) = std::fs::metadata(path) else {
        return Ok(());
    };
    if meta.is_dir() {
        bail!("it is a folder, not a database file");
    }
    if meta.len() == 0 {
        return Ok(());
    }
    let mut head = [0u8; 100];
    let read = read_prefix(path, &mut head)?;
    if read < SQLITE_HEADER.len() || &head[..16] != SQLITE_HEADER {
        if SQLITE_HEADER.starts_with(&head[..read]) {
            bail!(
                "the file is damaged: it is cut short ({} bytes), nothing was changed",
                meta.len()
            );
        }
        bail!("it is not a storydrill database (not even SQLite); nothing was changed");
    }
    if read < head.len() {
        bail!(
            "the file is damaged: it is cut short ({} bytes), nothing was changed",
            meta.len()
        );
    }
    // The header's page size (1 means 65536) and, when valid, its page count.
    let page_size = match u16::from_be_bytes([head[16], head[17]]) {
        1 => 65_536,
        n => u64::from(n),
    };
    let counter = &head[24..28];
    let valid_for = &head[92..96];
    let pages = u64::from(u32::from_be_bytes([head[28], head[29], head[30], head[31]]));
    // With a WAL beside it another storydrill may be checkpointing into the file right now (its
    // length then lags its header for a moment); SQLite itself reports damage there.
    let quiet = !wal_path_of(path).exists();
    let short = meta.len() % page_size.max(1) != 0
        || (counter == valid_for && meta.len() < pages * page_size);
    if quiet && page_size >= 512 && short {
        bail!(
            "the file is damaged: it is shorter than its header says ({} of {} bytes; truncated?), \
             nothing was changed. A backup made before a migration is kept beside it as *.bak-vN",
            meta.len(),
            pages * page_size
        );
    }
    Ok(())
}

fn read_prefix(path: &Path, buf: &mut [u8]) -> anyhow::Result<usize> {
    use std::io::Read;
    let mut file = std::fs::File::open(path).context("could not read it")?;
    let mut read = 0;
    while read < buf.len() {
        match file.read(&mut buf[read..]).context("could not read it")? {
            0 => break,
            n => read += n,
        }
    }
    Ok(read)
}

/// How long a statement waits for another storydrill's lock before it fails.
const BUSY_TIMEOUT: Duration = Duration::from_secs(10);

/// `PRAGMA cache_size` of a bulk write (negative: KiB).
const BULK_CACHE_KIB: i64 = -16 * 1024;

impl Store {
    /// Runs a bulk write (a large import) with a rollback journal instead of the write-ahead log,
    /// when no other connection has the file open: the new pages then go once to the database file,
    /// not to the log and again to the file at the checkpoint (a fifth of the time of an import of
    /// 100,000 notes). The commit is as atomic and as synced either way. The log is back after,
    /// whether `write` succeeded or not; with the file shared, all of it runs in the log as usual.
    pub fn bulk<T>(
        &mut self,
        write: impl FnOnce(&mut Store) -> anyhow::Result<T>,
    ) -> anyhow::Result<T> {
        // Asked without waiting: another storydrill with the file open keeps it for as long as it
        // runs, and then the log is the way.
        self.conn.busy_timeout(Duration::ZERO)?;
        let switched = self
            .conn
            .query_row("PRAGMA journal_mode = DELETE", [], |r| {
                r.get::<_, String>(0)
            })
            .is_ok_and(|mode| mode.eq_ignore_ascii_case("delete"));
        self.conn.busy_timeout(BUSY_TIMEOUT)?;
        // A bigger page cache, so the indexes' pages are not read back after being spilled (16 MiB:
        // another eighth of the time; the import stays under 100 MB).
        let cache: i64 = self.conn.query_row("PRAGMA cache_size", [], |r| r.get(0))?;
        self.conn
            .pragma_update(None, "cache_size", BULK_CACHE_KIB)?;
        let out = write(self);
        // What `write` did is committed or rolled back by now: a failure to put the settings back
        // must not report a done import as failed. The next open returns to the log anyway
        // (`migrate`), and the cache size lasts only as long as this connection.
        let _ = self.conn.pragma_update(None, "cache_size", cache);
        if switched {
            let _ = migrate::use_wal(&self.conn);
        }
        out
    }

    /// Opens (creating it and its folders if needed) the database at `path`.
    pub fn open(path: &Path) -> anyhow::Result<Store> {
        check_path(path).with_context(|| format!("could not open database {}", path.display()))?;
        if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
            std::fs::create_dir_all(parent)
                .with_context(|| format!("could not create the folder {}", parent.display()))?;
        }
        let mut conn = Connection::open(path)
            .with_context(|| format!("could not open database {}", path.display()))?;
        conn.busy_timeout(BUSY_TIMEOUT)?;
        // The WAL is checkpointed by `Drop for Store`, not by SQLite on close (see there); this
        // also keeps a refused database (newer schema) from being checkpointed into on close.
        conn.set_db_config(DbConfig::SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, true)?;
        migrate::migrate(&mut conn, path)
            .with_context(|| format!("could not open database {}", path.display()))?;
        let mut store = Store {
            conn,
            path: path.to_path_buf(),
        };
        let page_size: i64 = store.conn.query_row("PRAGMA page_size", [], |r| r.get(0))?;
        store.conn.pragma_update(
            None,
            "wal_autocheckpoint",
            WAL_AUTOCHECKPOINT_BYTES / page_size.max(512),
        )?;
        store.load_builtin_decks()?;
        Ok(store)
    }

    /// The WAL file beside the database.
    pub fn wal_path(&self) -> PathBuf {
        wal_path_of(&self.path)
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Loads each built-in deck whose text differs from the one loaded last time (a newer storydrill).
    fn load_builtin_decks(&mut self) -> anyhow::Result<()> {
        for deck in builtin::DECKS {
            let meta_key = format!("builtin-deck:{}", deck.name);
            let hash = crate::core::text::fingerprint(deck.text);
            if self.meta(&meta_key)?.as_deref() == Some(hash.as_str()) {
                continue;
            }
            let mut parsed = builtin::parse_all()?;
            self.yield_taken_numbers(&mut parsed)?;
            for (d, parsed_deck) in builtin::DECKS.iter().zip(parsed) {
                // A built-in deck file is the whole deck: what a newer storydrill dropped retires.
                self.import_deck(&parsed_deck, Retire::Allow)
                    .with_context(|| format!("could not load the built-in deck {}", d.file))?;
                let key = format!("builtin-deck:{}", d.name);
                self.set_meta(&key, &crate::core::text::fingerprint(d.text))?;
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

    /// A built-in story new in this storydrill may have a number one of the user's own stories
    /// already holds (`add` numbers after the highest in use): the user's story keeps it, and the
    /// built-in one takes the next free number (or keeps the one it was given before).
    fn yield_taken_numbers(&self, decks: &mut [crate::core::deck::Deck]) -> anyhow::Result<()> {
        let mut stmt = self.conn.prepare("SELECT number, key FROM story")?;
        let holders: std::collections::HashMap<i64, String> = stmt
            .query_map([], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?)))?
            .collect::<Result<_, _>>()?;
        for story in decks.iter_mut().flat_map(|d| d.stories.iter_mut()) {
            if let Some(n) = story.number {
                if holders
                    .get(&i64::from(n))
                    .is_some_and(|holder| *holder != story.key)
                {
                    story.number = None;
                }
            }
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

#[cfg(test)]
mod tests {
    use super::*;

    fn mode(conn: &Connection) -> String {
        conn.query_row("PRAGMA journal_mode", [], |r| r.get(0))
            .unwrap()
    }

    #[test]
    fn a_bulk_write_uses_a_rollback_journal_only_with_the_file_to_itself() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("s.db");
        let mut store = Store::open(&path).unwrap();
        let inside = store.bulk(|s| Ok(mode(&s.conn))).unwrap();
        assert_eq!(
            (inside.as_str(), mode(&store.conn).as_str()),
            ("delete", "wal")
        );
        // Back to the log after a failed write too.
        let failed: anyhow::Result<()> = store.bulk(|_| anyhow::bail!("refused"));
        assert!(failed.is_err());
        assert_eq!(mode(&store.conn), "wal");
        // Another connection has the file open: the write runs in the log.
        let reader = Connection::open(&path).unwrap();
        assert_eq!(mode(&reader), "wal");
        let inside = store.bulk(|s| Ok(mode(&s.conn))).unwrap();
        assert_eq!(inside, "wal");
    }
}
