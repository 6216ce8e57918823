//! Schema migrations on `PRAGMA user_version`: each file applied once, in order, in its own transaction.

use anyhow::{bail, Context};
use rusqlite::{Connection, OptionalExtension};
use std::path::Path;

include!(concat!(env!("OUT_DIR"), "/migrations.rs"));

pub const LATEST_VERSION: u32 = MIGRATIONS.len() as u32;

pub(super) fn migrate(conn: &mut Connection, path: &Path) -> anyhow::Result<()> {
    migrate_with(conn, path, MIGRATIONS)
}

/// Puts the database in WAL mode. The switch needs the file to itself, and SQLite reports a busy
/// file at once rather than waiting as for other locks: two storydrills opening a new database
/// together would see one of them fail. So the mode is read first (the other may have switched
/// it), and a busy switch is tried again for up to 10 seconds, as long as any other lock waits.
pub(super) fn use_wal(conn: &Connection) -> anyhow::Result<()> {
    let started = std::time::Instant::now();
    loop {
        let mode: String = conn.query_row("PRAGMA journal_mode", [], |r| r.get(0))?;
        if mode.eq_ignore_ascii_case("wal") {
            return Ok(());
        }
        match conn.pragma_update(None, "journal_mode", "WAL") {
            Err(e)
                if e.sqlite_error_code() == Some(rusqlite::ErrorCode::DatabaseBusy)
                    && started.elapsed() < std::time::Duration::from_secs(10) =>
            {
                std::thread::sleep(std::time::Duration::from_millis(10));
            }
            other => return Ok(other?),
        }
    }
}

/// `PRAGMA application_id` of a storydrill database ("SDRL"): another program's SQLite file is
/// refused untouched instead of getting storydrill's tables added.
pub const APPLICATION_ID: i32 = 0x5344_524C;

/// The tables every storydrill schema has had since the first migration.
const OWN_TABLES: [&str; 4] = ["deck", "story", "card", "review"];

/// `migrate` over a given list of (version, file name, SQL), numbered 1, 2, 3… (tests pass their own).
fn migrate_with(
    conn: &mut Connection,
    path: &Path,
    migrations: &[(u32, &str, &str)],
) -> anyhow::Result<()> {
    let latest = migrations.len() as u32;
    let version = check_is_ours(conn, latest)?;
    let new_file: i64 = conn.query_row("PRAGMA page_count", [], |r| r.get(0))?;
    if new_file == 0 {
        // Before anything is written: the page size of a file is fixed by its first page.
        conn.pragma_update(None, "page_size", PAGE_SIZE)?;
    }
    // WAL lets a second storydrill read while one writes; FULL syncs every commit, so no answer is lost.
    use_wal(conn)?;
    conn.pragma_update(None, "synchronous", "FULL")?;
    conn.pragma_update(None, "foreign_keys", true)?;
    let id: i32 = conn.query_row("PRAGMA application_id", [], |r| r.get(0))?;
    if id != APPLICATION_ID {
        conn.pragma_update(None, "application_id", APPLICATION_ID)?;
    }
    if version == latest {
        return Ok(());
    }
    if version > 0 && holds_reviews(conn)? {
        let backup = path.with_file_name(format!(
            "{}.bak-v{version}",
            path.file_name()
                .map(|n| n.to_string_lossy())
                .unwrap_or_default()
        ));
        let _ = std::fs::remove_file(&backup);
        conn.execute("VACUUM INTO ?1", [backup.to_string_lossy()])
            .with_context(|| {
                format!("could not back up to {} before migrating", backup.display())
            })?;
    }
    // Foreign keys are off while migrating (the pragma is a no-op inside a transaction, so it is
    // set around them): a migration that rebuilds a table drops it while other tables still point
    // at its rows (SQLite's documented procedure). Each migration is checked before it commits.
    conn.pragma_update(None, "foreign_keys", false)?;
    let applied = apply(conn, version, migrations);
    conn.pragma_update(None, "foreign_keys", true)?;
    applied?;
    if version > 0 {
        use_small_pages(conn)?;
    }
    Ok(())
}

/// The page size of storydrill's databases. A commit writes every page it changes whole, and an
/// answer changes about ten (the card, its review, four indexes, three aggregates): with SQLite's
/// default 4 KB pages that is over 40 KB of log per answer, with 1 KB pages about 11 KB. Reads are
/// as fast at 100,000 cards (benches/scale.py): the pages they read are cached either way.
pub const PAGE_SIZE: i64 = 1024;

/// Converts a database made with larger pages, once, after the migrations that found it: the page
/// size of a WAL database cannot change, so it leaves WAL, rebuilds the file (VACUUM; a backup was
/// made before migrating) and returns to WAL. Another storydrill holding the file keeps it from
/// leaving WAL: the database then stays as it is, which is slower to write but the same data.
fn use_small_pages(conn: &Connection) -> anyhow::Result<()> {
    let size: i64 = conn.query_row("PRAGMA page_size", [], |r| r.get(0))?;
    if size <= PAGE_SIZE {
        return Ok(());
    }
    let left_wal = conn
        .query_row("PRAGMA journal_mode = DELETE", [], |r| {
            r.get::<_, String>(0)
        })
        .is_ok_and(|mode| mode.eq_ignore_ascii_case("delete"));
    if left_wal {
        conn.pragma_update(None, "page_size", PAGE_SIZE)?;
        conn.execute_batch("VACUUM")
            .context("could not rebuild the database with smaller pages")?;
    }
    use_wal(conn)
}

fn apply(
    conn: &mut Connection,
    version: u32,
    migrations: &[(u32, &str, &str)],
) -> anyhow::Result<()> {
    for (number, name, sql) in migrations.iter().filter(|(n, _, _)| *n > version) {
        let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        // Another storydrill may have migrated while we waited for the lock.
        let current: u32 = tx.query_row("PRAGMA user_version", [], |r| r.get(0))?;
        if current >= *number {
            continue;
        }
        tx.execute_batch(sql)
            .with_context(|| format!("migration {name} failed"))?;
        let broken: Option<String> = tx
            .query_row("PRAGMA foreign_key_check", [], |r| r.get(0))
            .optional()?;
        if let Some(table) = broken {
            bail!("migration {name} failed: it left rows of {table} pointing at nothing");
        }
        tx.pragma_update(None, "user_version", number)?;
        tx.commit()?;
    }
    Ok(())
}

/// The schema version of a database storydrill may open: its own (marked, or an older storydrill's
/// with its tables), or an empty one. Anything else is refused before anything is written.
fn check_is_ours(conn: &Connection, latest: u32) -> anyhow::Result<u32> {
    let damaged = |e: rusqlite::Error| match e.sqlite_error_code() {
        Some(rusqlite::ErrorCode::NotADatabase) => {
            anyhow::anyhow!(
                "it is not a storydrill database (not even SQLite); nothing was changed"
            )
        }
        Some(rusqlite::ErrorCode::DatabaseCorrupt) => anyhow::anyhow!(
            "the file is damaged (truncated or corrupt: {e}); nothing was changed. A backup made \
             before a migration is kept beside it as *.bak-vN"
        ),
        _ => anyhow::anyhow!("it cannot be read as a database ({e}); nothing was changed"),
    };
    // One read transaction, so the version, the mark and the tables are of one moment: another
    // storydrill creating the database meanwhile commits its first migration's tables and
    // version together, and reading them apart could see the tables without the version.
    let snapshot = conn.unchecked_transaction().map_err(damaged)?;
    let version: i64 = snapshot
        .query_row("PRAGMA user_version", [], |r| r.get(0))
        .map_err(damaged)?;
    let id: i32 = snapshot
        .query_row("PRAGMA application_id", [], |r| r.get(0))
        .map_err(damaged)?;
    if version < 0 {
        bail!(
            "its schema version is {version}, which no storydrill writes: it is not a storydrill \
             database; nothing was changed"
        );
    }
    let version = u32::try_from(version).unwrap_or(u32::MAX);
    if id != APPLICATION_ID && id != 0 {
        bail!(
            "it belongs to another program (application id {id:#010x}), not storydrill; nothing \
             was changed"
        );
    }
    if version > latest {
        bail!(
            "unsupported schema version {version} (this storydrill supports up to {latest}); \
             it was written by a newer storydrill, which you need to open it"
        );
    }
    if id == 0 {
        let tables: Vec<String> = snapshot
            .prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")
            .and_then(|mut s| s.query_map([], |r| r.get(0))?.collect())
            .map_err(damaged)?;
        let an_older_storydrill =
            version >= 1 && OWN_TABLES.iter().all(|t| tables.iter().any(|n| n == t));
        if !tables.is_empty() && !an_older_storydrill {
            let mut listed: Vec<String> = tables
                .iter()
                .take(5)
                .map(|t| crate::core::text::quote(t))
                .collect();
            if tables.len() > 5 {
                listed.push(format!("and {} more", tables.len() - 5));
            }
            bail!(
                "it is not a storydrill database: it holds tables of another program ({}); \
                 nothing was changed. Pass --db with a new file name to start a storydrill database",
                listed.join(", ")
            );
        }
    }
    Ok(version)
}

fn holds_reviews(conn: &Connection) -> anyhow::Result<bool> {
    let has_table: bool = conn.query_row(
        "SELECT EXISTS (SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'review')",
        [],
        |r| r.get(0),
    )?;
    Ok(has_table && conn.query_row("SELECT EXISTS (SELECT 1 FROM review)", [], |r| r.get(0))?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_migration_file_is_embedded_in_order_with_a_why() {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("migrations");
        let mut files: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|n| n.ends_with(".sql"))
            .collect();
        files.sort();
        let embedded: Vec<&str> = MIGRATIONS.iter().map(|m| m.1).collect();
        assert_eq!(files, embedded);
        for (_, name, sql) in MIGRATIONS {
            assert!(
                sql.trim_start().starts_with("-- why"),
                "{name} must open with a `-- why` comment"
            );
        }
    }

    #[test]
    fn a_newer_database_is_refused_untouched() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("new.db");
        {
            let conn = Connection::open(&path).unwrap();
            conn.pragma_update(None, "user_version", LATEST_VERSION + 1)
                .unwrap();
        }
        let before = std::fs::read(&path).unwrap();
        let mut conn = Connection::open(&path).unwrap();
        let err = migrate(&mut conn, &path).unwrap_err().to_string();
        assert!(
            err.contains(&format!(
                "unsupported schema version {}",
                LATEST_VERSION + 1
            )),
            "{err}"
        );
        drop(conn);
        assert_eq!(std::fs::read(&path).unwrap(), before);
    }

    /// A database at version 1 holding a review, as an older storydrill would have left it.
    fn version_1_with_a_review(path: &Path) {
        let mut conn = Connection::open(path).unwrap();
        migrate_with(&mut conn, path, &MIGRATIONS[..1]).unwrap();
        conn.execute_batch(A_REVIEWED_CARD).unwrap();
    }

    /// A deck with one card, 慢查询怎么排查, and one review of it, in the first schema.
    const A_REVIEWED_CARD: &str = "INSERT INTO deck (name) VALUES ('d');
         INSERT INTO card (key, deck_id, kind, front, position) VALUES ('c', 1, 'basic', '慢查询怎么排查', 0);
         INSERT INTO review (card_id, reviewed_at, day, quality, kind,
             before_repetitions, before_easiness, before_interval, before_lapses, before_reviews,
             after_repetitions, after_easiness, after_interval, after_lapses, after_reviews)
         VALUES (1, '2027-01-04T01:30:00.000Z', '2027-01-04', 5, 'scheduled', 0, 250, 0, 0, 0, 1, 260, 1, 0, 1);";

    #[test]
    fn a_database_with_larger_pages_is_rebuilt_with_small_ones_once_and_keeps_everything() {
        let dir = tempfile::tempdir().unwrap();
        let page_size = |conn: &Connection| -> i64 {
            conn.query_row("PRAGMA page_size", [], |r| r.get(0))
                .unwrap()
        };
        // A new database has small pages from its first page on.
        let fresh = dir.path().join("fresh.db");
        let mut conn = Connection::open(&fresh).unwrap();
        migrate_with(&mut conn, &fresh, MIGRATIONS).unwrap();
        assert_eq!(page_size(&conn), PAGE_SIZE);

        // One an older storydrill made with SQLite's default 4 KB pages, with a review.
        let path = dir.path().join("old.db");
        let mut conn = Connection::open(&path).unwrap();
        conn.execute_batch("PRAGMA page_size = 4096; CREATE TABLE t (x); DROP TABLE t;")
            .unwrap();
        migrate_with(&mut conn, &path, &MIGRATIONS[..1]).unwrap();
        assert_eq!(page_size(&conn), 4096);
        conn.execute_batch(A_REVIEWED_CARD).unwrap();
        // While another connection reads it, it cannot leave WAL: it is migrated and left as is.
        let mut held = path.clone();
        held.set_extension("held.db");
        conn.execute_batch("PRAGMA wal_checkpoint(TRUNCATE)")
            .unwrap();
        std::fs::copy(&path, &held).unwrap();
        let mut busy = Connection::open(&held).unwrap();
        let reader = Connection::open(&held).unwrap();
        reader.execute_batch("PRAGMA journal_mode = WAL").unwrap();
        let tx = reader.unchecked_transaction().unwrap();
        let _: i64 = tx
            .query_row("SELECT count(*) FROM card", [], |r| r.get(0))
            .unwrap();
        migrate_with(&mut busy, &held, MIGRATIONS).unwrap();
        assert_eq!(page_size(&busy), 4096);
        let mode: String = busy
            .query_row("PRAGMA journal_mode", [], |r| r.get(0))
            .unwrap();
        assert_eq!(mode, "wal");
        drop(tx);

        migrate_with(&mut conn, &path, MIGRATIONS).unwrap();
        assert_eq!(page_size(&conn), PAGE_SIZE);
        let mode: String = conn
            .query_row("PRAGMA journal_mode", [], |r| r.get(0))
            .unwrap();
        assert_eq!(mode, "wal");
        let kept: (String, i64, i64) = conn
            .query_row(
                "SELECT (SELECT front FROM card), (SELECT count(*) FROM review),
                        (SELECT count(*) FROM card_fts WHERE card_fts MATCH '慢查询')",
                [],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )
            .unwrap();
        assert_eq!(kept, ("慢查询怎么排查".to_string(), 1, 1));
        let ok: String = conn
            .query_row("PRAGMA integrity_check", [], |r| r.get(0))
            .unwrap();
        assert_eq!(ok, "ok");
    }

    #[test]
    fn rebuilding_the_card_table_keeps_every_card_review_aggregate_and_search_entry() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("drill.db");
        let rebuild = MIGRATIONS
            .iter()
            .position(|m| m.1.contains("followups"))
            .unwrap();
        let mut conn = Connection::open(&path).unwrap();
        migrate_with(&mut conn, &path, &MIGRATIONS[..1]).unwrap();
        conn.execute_batch(A_REVIEWED_CARD).unwrap();
        conn.execute_batch(
            "UPDATE card SET reviews = 1, repetitions = 1, easiness = 260, interval_days = 1, due = '2027-01-05'",
        )
        .unwrap();
        migrate_with(&mut conn, &path, &MIGRATIONS[..rebuild]).unwrap();
        let snapshot = |conn: &Connection| -> (String, String, i64) {
            let q = |sql: &str| -> String { conn.query_row(sql, [], |r| r.get(0)).unwrap() };
            (
                q("SELECT json_group_array(json_array(id, key, kind, front, reviews, easiness, due, last_quality)) FROM card"),
                q("SELECT json_group_array(json_array(retired, suspended, reviewed, easiness, deck_id, cards)) FROM stats_card"),
                conn.query_row(
                    "SELECT count(*) FROM card_fts WHERE card_fts MATCH '慢查询'",
                    [],
                    |r| r.get(0),
                )
                .unwrap(),
            )
        };
        let before = snapshot(&conn);
        // Up to the migration that re-keys `stats_card` (0015), which changes its rows' shape.
        let rekey = MIGRATIONS
            .iter()
            .position(|m| m.1.contains("story_state"))
            .unwrap();
        migrate_with(&mut conn, &path, &MIGRATIONS[..rekey]).unwrap();
        assert_eq!(snapshot(&conn), before);
        assert_eq!(before.2, 1);
        migrate_with(&mut conn, &path, MIGRATIONS).unwrap();
        // The new kind is accepted, the review still points at its card, and foreign keys are on.
        conn.execute(
            "INSERT INTO card (key, deck_id, kind, front, position, points) VALUES ('f', 1, 'followup', 'q', 1, '[\"p\"]')",
            [],
        )
        .unwrap();
        let fk: bool = conn
            .query_row("PRAGMA foreign_keys", [], |r| r.get(0))
            .unwrap();
        assert!(fk);
        let orphans: i64 = conn
            .query_row(
                "SELECT count(*) FROM review WHERE card_id NOT IN (SELECT id FROM card)",
                [],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(orphans, 0);
        assert!(
            conn.execute("DELETE FROM card WHERE id = 1", []).is_err(),
            "the review still refers to it"
        );
    }

    /// Switching to WAL while another connection reads the file waits for it (SQLite itself
    /// reports the busy file at once: two storydrills opening a new database raced).
    #[test]
    fn the_switch_to_wal_waits_for_a_reader() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("new.db");
        let reader = Connection::open(&path).unwrap();
        reader
            .execute_batch("CREATE TABLE t (x); BEGIN; SELECT * FROM t;")
            .unwrap();
        let conn = Connection::open(&path).unwrap();
        // No busy wait of SQLite's own: only use_wal's retries can get past the reader.
        conn.busy_timeout(std::time::Duration::ZERO).unwrap();
        assert!(
            conn.pragma_update(None, "journal_mode", "WAL").is_err(),
            "the switch is refused while the reader holds its lock"
        );
        let release = std::thread::spawn(move || {
            std::thread::sleep(std::time::Duration::from_millis(100));
            reader.execute_batch("COMMIT").unwrap();
        });
        use_wal(&conn).unwrap();
        release.join().unwrap();
        let mode: String = conn
            .query_row("PRAGMA journal_mode", [], |r| r.get(0))
            .unwrap();
        assert_eq!(mode, "wal");
    }

    const FAKE_V2: (u32, &str, &str) = (
        2,
        "0002_fake.sql",
        "-- why: a test migration\nALTER TABLE card ADD COLUMN fake INTEGER NOT NULL DEFAULT 7;",
    );

    #[test]
    fn a_database_holding_reviews_is_backed_up_before_migrating() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("drill.db");
        version_1_with_a_review(&path);
        let migrations = [MIGRATIONS[0], FAKE_V2];

        let mut conn = Connection::open(&path).unwrap();
        migrate_with(&mut conn, &path, &migrations).unwrap();
        let version: u32 = conn
            .query_row("PRAGMA user_version", [], |r| r.get(0))
            .unwrap();
        assert_eq!(version, 2);
        let fake: i64 = conn
            .query_row("SELECT fake FROM card", [], |r| r.get(0))
            .unwrap();
        assert_eq!(fake, 7, "migration 2 ran");

        let backup = dir.path().join("drill.db.bak-v1");
        assert!(backup.is_file(), "no {}", backup.display());
        let old = Connection::open(&backup).unwrap();
        let (version, reviews, quality): (u32, i64, i64) = old
            .query_row(
                "SELECT (SELECT user_version FROM pragma_user_version), count(*), max(quality) FROM review",
                [],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )
            .unwrap();
        assert_eq!(
            (version, reviews, quality),
            (1, 1, 5),
            "the backup is the old database"
        );
        assert!(
            old.prepare("SELECT fake FROM card").is_err(),
            "the backup was taken before migrating"
        );

        // Nothing to migrate: no new backup.
        std::fs::remove_file(&backup).unwrap();
        migrate_with(&mut conn, &path, &migrations).unwrap();
        assert!(!backup.exists());
    }

    #[test]
    fn a_database_without_reviews_is_migrated_without_a_backup() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("drill.db");
        let mut conn = Connection::open(&path).unwrap();
        migrate_with(&mut conn, &path, &MIGRATIONS[..1]).unwrap();
        migrate_with(&mut conn, &path, &[MIGRATIONS[0], FAKE_V2]).unwrap();
        let names: Vec<String> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        assert!(!names.iter().any(|n| n.contains(".bak-")), "{names:?}");
    }

    #[test]
    fn a_failing_migration_leaves_the_database_at_its_version() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("drill.db");
        version_1_with_a_review(&path);
        let broken = (
            2,
            "0002_broken.sql",
            "-- why: test\nCREATE TABLE t (x);\nNOT SQL;",
        );
        let mut conn = Connection::open(&path).unwrap();
        let err = migrate_with(&mut conn, &path, &[MIGRATIONS[0], broken]).unwrap_err();
        assert!(
            format!("{err:#}").contains("migration 0002_broken.sql failed"),
            "{err:#}"
        );
        let version: u32 = conn
            .query_row("PRAGMA user_version", [], |r| r.get(0))
            .unwrap();
        assert_eq!(version, 1);
        assert!(conn.prepare("SELECT x FROM t").is_err(), "rolled back");
    }

    #[test]
    fn migrating_twice_is_a_no_op() {
        let mut conn = Connection::open_in_memory().unwrap();
        migrate(&mut conn, Path::new(":memory:")).unwrap();
        migrate(&mut conn, Path::new(":memory:")).unwrap();
        let v: u32 = conn
            .query_row("PRAGMA user_version", [], |r| r.get(0))
            .unwrap();
        assert_eq!(v, LATEST_VERSION);
    }
}
