//! A sealed environment for running the real binary: a temp database, a fixed clock and shuffle
//! seed, a fixed time zone, and nothing from the real home directory. Every test, the
//! pseudo-terminal ones included, starts the binary through it.

use std::ffi::OsString;
use std::path::PathBuf;
use std::process::Output;

/// A deck file of `tests/fixtures/`.
#[macro_export]
macro_rules! fixture {
    ($name:literal) => {
        include_str!(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/fixtures/",
            $name
        ))
    };
}

/// Cards of the built-in decks. stories: 18 recall + 74 match + 23 cloze + 90 follow-ups;
/// templates: 14 recall + 40 match + 7 cloze + 63 follow-ups.
pub const STORY_DECK_CARDS: usize = 205;
pub const TEMPLATE_DECK_CARDS: usize = 124;
pub const BUILTIN_CARDS: usize = STORY_DECK_CARDS + TEMPLATE_DECK_CARDS;

pub struct Env {
    pub dir: tempfile::TempDir,
    pub db: PathBuf,
    pub now: String,
}

impl Env {
    pub fn new() -> Env {
        let dir = tempfile::tempdir().expect("temp dir");
        let db = dir.path().join("test.db");
        Env {
            dir,
            db,
            now: "2027-01-04T09:30:00+08:00".into(),
        }
    }

    /// The clock for the next commands (RFC 3339).
    pub fn at(&mut self, now: &str) -> &mut Env {
        self.now = now.to_string();
        self
    }

    pub fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    /// The whole environment the binary runs with (nothing else is inherited).
    fn sealed(&self) -> Vec<(&'static str, OsString)> {
        vec![
            ("PATH", std::env::var_os("PATH").unwrap_or_default()),
            ("HOME", self.dir.path().into()),
            ("TZ", "Asia/Shanghai".into()),
            ("STORYDRILL_DB", self.db.clone().into()),
            ("STORYDRILL_NOW", self.now.clone().into()),
            ("STORYDRILL_SEED", "7".into()),
            ("NO_COLOR", "1".into()),
        ]
    }

    pub fn command(&self) -> assert_cmd::Command {
        let mut cmd = assert_cmd::Command::cargo_bin("storydrill").expect("binary");
        cmd.env_clear()
            .envs(self.sealed())
            .current_dir(self.dir.path());
        cmd
    }

    /// The binary as a plain process, for a pseudo-terminal or a signal: the same sealed
    /// environment, and a terminal type rustyline edits with.
    pub fn process(&self, args: &[&str]) -> std::process::Command {
        let mut cmd = std::process::Command::new(assert_cmd::cargo::cargo_bin("storydrill"));
        cmd.args(args)
            .env_clear()
            .envs(self.sealed())
            .env("TERM", "xterm-256color")
            .current_dir(self.dir.path());
        cmd
    }

    /// Runs with `args` and no stdin.
    pub fn run(&self, args: &[&str]) -> Output {
        self.command()
            .args(args)
            .write_stdin("")
            .output()
            .expect("run storydrill")
    }

    /// Runs with `args` and `stdin` piped in.
    pub fn run_stdin(&self, args: &[&str], stdin: &str) -> Output {
        self.command()
            .args(args)
            .write_stdin(stdin)
            .output()
            .expect("run storydrill")
    }

    /// Runs and requires success; returns stdout.
    pub fn ok(&self, args: &[&str]) -> String {
        let out = self.run(args);
        assert!(
            out.status.success(),
            "storydrill {args:?} failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).expect("utf-8 stdout")
    }

    /// Runs and requires success; parses stdout as JSON.
    pub fn json(&self, args: &[&str]) -> serde_json::Value {
        let text = self.ok(args);
        serde_json::from_str(&text)
            .unwrap_or_else(|e| panic!("storydrill {args:?}: bad JSON ({e}): {text}"))
    }

    /// Runs and requires failure with exit code `code`; returns stderr.
    pub fn fails(&self, args: &[&str], code: i32) -> String {
        let out = self.run(args);
        assert_eq!(
            out.status.code(),
            Some(code),
            "storydrill {args:?}: stdout {}",
            String::from_utf8_lossy(&out.stdout)
        );
        String::from_utf8(out.stderr).expect("utf-8 stderr")
    }

    /// Opens the database directly, for asserting on the review log.
    pub fn sql(&self) -> rusqlite::Connection {
        rusqlite::Connection::open(&self.db).expect("open test db")
    }

    /// Every row of every table, in a fixed order: equal dumps, equal databases.
    pub fn dump(&self) -> String {
        let conn = self.sql();
        let tables: Vec<String> = conn
            .prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
            .unwrap()
            .query_map([], |r| r.get(0))
            .unwrap()
            .map(Result::unwrap)
            .collect();
        let mut out = String::new();
        for table in tables {
            let mut stmt = conn.prepare(&format!("SELECT * FROM \"{table}\"")).unwrap();
            let columns = stmt.column_count();
            let mut rows: Vec<String> = stmt
                .query_map([], |r| {
                    let mut row = String::new();
                    for i in 0..columns {
                        let v: rusqlite::types::Value = r.get(i)?;
                        row.push_str(&format!("{v:?}|"));
                    }
                    Ok(row)
                })
                .unwrap()
                .map(Result::unwrap)
                .collect();
            rows.sort();
            out.push_str(&format!("== {table}\n{}\n", rows.join("\n")));
        }
        out
    }

    pub fn write(&self, name: &str, text: &str) -> PathBuf {
        let path = self.path(name);
        std::fs::write(&path, text).expect("write file");
        path
    }
}

pub fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

pub fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}
