//! Schema migrations on `PRAGMA user_version`: each file applied once, in order, in its own transaction.

use anyhow::{bail, Context};
use rusqlite::Connection;
use std::path::Path;

include!(concat!(env!("OUT_DIR"), "/migrations.rs"));

pub const LATEST_VERSION: u32 = MIGRATIONS.len() as u32;

pub(super) fn migrate(conn: &mut Connection, path: &Path) -> anyhow::Result<()> {
    let version: u32 = conn
        .query_row("PRAGMA user_version", [], |r| r.get(0))
        .context("it is not a storydrill database (not SQLite)")?;
    if version > LATEST_VERSION {
        bail!(
            "unsupported schema version {version} (this storydrill supports up to {LATEST_VERSION}); \
             it was written by a newer storydrill, which you need to open it"
        );
    }
    // WAL lets a second storydrill read while one writes; FULL syncs every commit, so no answer is lost.
    conn.pragma_update(None, "journal_mode", "WAL")?;
    conn.pragma_update(None, "synchronous", "FULL")?;
    conn.pragma_update(None, "foreign_keys", true)?;
    if version == LATEST_VERSION {
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
    for (number, name, sql) in MIGRATIONS.iter().filter(|(n, _, _)| *n > version) {
        let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        // Another storydrill may have migrated while we waited for the lock.
        let current: u32 = tx.query_row("PRAGMA user_version", [], |r| r.get(0))?;
        if current >= *number {
            continue;
        }
        tx.execute_batch(sql)
            .with_context(|| format!("migration {name} failed"))?;
        tx.pragma_update(None, "user_version", number)?;
        tx.commit()?;
    }
    Ok(())
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
