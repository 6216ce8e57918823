//! A mutation fuzzer over what a stranger can hand storydrill: deck files (TOML), card files (Anki
//! plain text, CSV) and answers typed at the prompt. Seeded from the built-in decks and their
//! exports, it mutates them (cuts, repeats, splices, hostile tokens) and checks, for every case:
//! - no panic;
//! - no case takes a second or more (quadratic work, a hang);
//! - a rejected file gets an error that names the file, and a line inside it when the reader
//!   rejected it;
//! - a rejected import leaves the database as it was (a hash of every row of every table).
//!
//! Shared by the short pass in the test suite and `cargo run --release --example fuzz` (long).

#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use storydrill::clock::Clock;
use storydrill::cmd::{import, Ctx};
use storydrill::core::exchange::{self, Format};
use storydrill::core::judge;
use storydrill::core::queue::Rng;
use storydrill::settings::Settings;
use storydrill::store::Store;

/// How long one case may take.
pub const CASE_LIMIT: Duration = Duration::from_secs(1);

pub struct Config {
    /// Cases per format (TOML, Anki, CSV, answers), at most.
    pub cases: usize,
    pub seed: u64,
    /// Stop when this much time has gone (the short pass in CI).
    pub budget: Duration,
    /// Where a failing case is written.
    pub out: PathBuf,
}

#[derive(Debug, Default)]
pub struct Outcome {
    pub cases: usize,
    pub accepted: usize,
    pub rejected: usize,
    pub slowest: Duration,
}

/// Runs the fuzzer; Err says which case failed and where it was written.
pub fn run(config: &Config) -> Result<Outcome, String> {
    std::fs::create_dir_all(&config.out).map_err(|e| e.to_string())?;
    let pristine = config.out.join("pristine.db");
    let _ = std::fs::remove_file(&pristine);
    let seeds = seeds(&pristine)?;
    let started = Instant::now();
    let mut rng = Rng::new(config.seed);
    let mut outcome = Outcome::default();
    let formats = [Format::Toml, Format::Anki, Format::Csv];
    'cases: for n in 0..config.cases {
        for (i, format) in formats.iter().enumerate() {
            if started.elapsed() >= config.budget {
                break 'cases;
            }
            let pick = rng.below(seeds.files[i].len());
            let text = mutate(&mut rng, &seeds.files[i][pick]);
            file_case(
                config,
                &pristine,
                seeds.pristine_hash,
                *format,
                &text,
                n,
                &mut outcome,
            )?;
        }
        let pick = rng.below(seeds.answers.len());
        let answer = mutate(&mut rng, &seeds.answers[pick]);
        answer_case(config, &seeds, &answer, n, &mut outcome)?;
    }
    Ok(outcome)
}

struct Seeds {
    /// TOML, Anki and CSV files.
    files: [Vec<String>; 3],
    answers: Vec<String>,
    catalog: Vec<judge::CatalogEntry>,
    points: Vec<String>,
    /// Every file case's database before the case.
    pristine_hash: u64,
}

/// The built-in decks as files of each format, and the answers people type for them; also
/// creates the database every file case starts from.
fn seeds(pristine: &Path) -> Result<Seeds, String> {
    let store = Store::open(pristine).map_err(|e| format!("{e:#}"))?;
    let mut toml = Vec::new();
    let mut anki = Vec::new();
    let mut csv = Vec::new();
    for deck in storydrill::core::builtin::DECKS {
        toml.push(deck.text.to_string());
        let cards = store
            .cards(&storydrill::store::CardFilter {
                deck: Some(deck.name.to_string()),
                ..Default::default()
            })
            .map_err(|e| e.to_string())?;
        let rows: Vec<exchange::Row> = cards
            .into_iter()
            .map(|c| {
                let mut row = exchange::Row::from(c);
                row.deck = format!("fuzz-{}", row.deck);
                row.key = format!("fuzz.{}", row.key);
                row
            })
            .collect();
        anki.push(exchange::to_anki(
            &rows[..40.min(rows.len())],
            &Default::default(),
        ));
        csv.push(exchange::to_csv(&rows[..40.min(rows.len())]));
    }
    // A deck of the user's own named like the built-in ones' files, so retiring is exercised.
    toml.push(
        "[deck]\nname = \"mine\"\n\n[[story]]\nkey = \"s1\"\nnumber = 40\ntitle = \"标题\"\ntext = \"正文\"\n\n[[card]]\nkey = \"b1\"\nfront = \"前 {{c1::x}}\"\nback = \"后\"\n"
            .to_string(),
    );
    let catalog = store.catalog().map_err(|e| e.to_string())?;
    // Each case starts from a copy of this one file: everything in it, nothing left in the WAL.
    let mut store = store;
    store
        .connection()
        .query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))
        .map_err(|e| e.to_string())?;
    let pristine_hash = dump_hash(&mut store);
    let mut answers: Vec<String> = Vec::new();
    let mut points = Vec::new();
    for s in store.stories().map_err(|e| e.to_string())? {
        answers.push(s.number.to_string());
        answers.push(s.title.clone());
        answers.extend(s.aliases.iter().cloned());
        points.extend(s.points.iter().cloned());
        answers.push(s.text.chars().take(200).collect());
    }
    Ok(Seeds {
        files: [toml, anki, csv],
        answers,
        catalog,
        points,
        pristine_hash,
    })
}

fn file_case(
    config: &Config,
    pristine: &Path,
    before: u64,
    format: Format,
    text: &str,
    n: usize,
    outcome: &mut Outcome,
) -> Result<(), String> {
    let db = config.out.join("case.db");
    for suffix in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", db.display()));
    }
    std::fs::copy(pristine, &db).map_err(|e| e.to_string())?;
    let store = Store::open(&db).map_err(|e| format!("{e:#}"))?;
    let mut ctx = Ctx {
        store,
        clock: Clock::parse("2027-01-04T09:30:00+08:00").map_err(|e| e.to_string())?,
        settings: Settings::default(),
    };
    let name = format!("case-{n}.{}", extension(format));
    let fail = |why: String| -> String {
        let path = config.out.join(format!("failed-{n}.{}", extension(format)));
        let _ = std::fs::write(&path, text);
        format!("{why}\n(the case is in {})", path.display())
    };
    let started = Instant::now();
    let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        import::import_text(
            &mut ctx,
            Path::new(&name),
            text.to_string(),
            import::Options {
                dry_run: false,
                replace: false,
                json: true,
                format: Some(format),
                deck: Some("fuzzed"),
            },
        )
    }));
    let took = started.elapsed();
    outcome.cases += 1;
    outcome.slowest = outcome.slowest.max(took);
    if took >= CASE_LIMIT {
        return Err(fail(format!("{name} took {took:?}")));
    }
    match result {
        Err(_) => Err(fail(format!("{name}: the import panicked"))),
        Ok(Ok(_)) => {
            outcome.accepted += 1;
            Ok(())
        }
        Ok(Err(e)) => {
            outcome.rejected += 1;
            let message = storydrill::cmd::error_text(&e);
            if !message.contains(&name) {
                return Err(fail(format!("the error does not name the file: {message}")));
            }
            let line = e
                .downcast_ref::<storydrill::core::deck::DeckError>()
                .map(|d| d.line)
                .or_else(|| e.downcast_ref::<exchange::RowError>().map(|r| r.line));
            if let Some(line) = line {
                // Lines as the import counts them: a lone CR ends one too.
                let lines = storydrill::core::text::normalize_file_text(text.to_string())
                    .lines()
                    .count()
                    .max(1);
                if line == 0 || line > lines + 1 {
                    return Err(fail(format!(
                        "line {line} is not in the file ({lines} lines): {message}"
                    )));
                }
            }
            if dump_hash(&mut ctx.store) != before {
                return Err(fail(format!(
                    "a rejected import changed the database: {message}"
                )));
            }
            Ok(())
        }
    }
}

fn answer_case(
    config: &Config,
    seeds: &Seeds,
    answer: &str,
    n: usize,
    outcome: &mut Outcome,
) -> Result<(), String> {
    let started = Instant::now();
    let result = std::panic::catch_unwind(|| {
        let synonyms = judge::synonyms::Synonyms::builtin();
        let _ = judge::resolve(answer, &seeds.catalog, &synonyms);
        let _ = judge::Verdict::of(answer, &seeds.points, &synonyms).suggested();
        let _ = storydrill::core::cloze::blanks(answer);
        let _ = storydrill::core::cloze::is_correct(answer, &[answer.to_string()], &synonyms);
    });
    let took = started.elapsed();
    outcome.cases += 1;
    outcome.slowest = outcome.slowest.max(took);
    if result.is_err() || took >= CASE_LIMIT {
        let path = config.out.join(format!("failed-answer-{n}.txt"));
        let _ = std::fs::write(&path, answer);
        return Err(format!(
            "answer case {n} {} (written to {})",
            if result.is_err() {
                "panicked".to_string()
            } else {
                format!("took {took:?}")
            },
            path.display()
        ));
    }
    Ok(())
}

fn extension(format: Format) -> &'static str {
    match format {
        Format::Toml => "toml",
        Format::Anki => "txt",
        Format::Csv => "csv",
    }
}

/// A hash of every row of every table.
fn dump_hash(store: &mut Store) -> u64 {
    let conn = store.connection();
    let tables: Vec<String> = conn
        .prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
        .and_then(|mut s| s.query_map([], |r| r.get(0))?.collect())
        .unwrap_or_default();
    let mut hash = 0xcbf2_9ce4_8422_2325_u64;
    let mut eat = |bytes: &[u8]| {
        for b in bytes {
            hash = (hash ^ u64::from(*b)).wrapping_mul(0x0100_0000_01b3);
        }
    };
    for table in tables {
        eat(table.as_bytes());
        let Ok(mut stmt) = conn.prepare(&format!("SELECT * FROM \"{table}\" ORDER BY rowid"))
        else {
            // WITHOUT ROWID tables: their primary key orders them.
            if let Ok(mut stmt) = conn.prepare(&format!("SELECT * FROM \"{table}\" ORDER BY 1, 2"))
            {
                hash_rows(&mut stmt, &mut eat);
            }
            continue;
        };
        hash_rows(&mut stmt, &mut eat);
    }
    hash
}

fn hash_rows(stmt: &mut rusqlite::Statement<'_>, eat: &mut impl FnMut(&[u8])) {
    let columns = stmt.column_count();
    let Ok(mut rows) = stmt.query([]) else {
        return;
    };
    while let Ok(Some(row)) = rows.next() {
        for i in 0..columns {
            let value: rusqlite::types::Value = row.get(i).unwrap_or(rusqlite::types::Value::Null);
            eat(format!("{value:?}\u{1f}").as_bytes());
        }
        eat(b"\n");
    }
}

/// Tokens that break readers: syntax of each format, numbers at the edges, controls, long runs.
const TOKENS: &[&str] = &[
    "{{c",
    "}}",
    "{{c1::",
    "::",
    "\"",
    "'''",
    "\"\"\"",
    "\\",
    "\n",
    "\r",
    "\r\n",
    "\t",
    ",",
    "#",
    "[[story]]\n",
    "[[question]]\n",
    "[[cloze]]\n",
    "[[card]]\n",
    "[[filled]]\n",
    "[deck]\n",
    "number = ",
    "key = ",
    "answers = [",
    "template = \"self-intro\"\n",
    "4294967295",
    "0",
    "-1",
    "99999",
    "100000",
    "\u{feff}",
    "\u{1b}[2J",
    "\u{1b}]0;x\u{7}",
    "\u{9b}",
    "\u{202e}",
    "\0",
    "#separator:tab\n",
    "#html:true\n",
    "#deck column:3\n",
    "#guid column:1\n",
    "#notetype column:9\n",
    "storydrill::answer::sharding",
    "storydrill::recall",
    "deck,kind,front,back,tags,key,story,answers\n",
    "name = \"mine\"\n",
    "name = \"stories\"\n",
    "&#x1b;",
    "<br>",
    "&amp;",
    "😀",
    "分库分表",
];

/// One to four random edits of `seed`.
fn mutate(rng: &mut Rng, seed: &str) -> String {
    let mut chars: Vec<char> = seed.chars().collect();
    for _ in 0..=rng.below(4) {
        let len = chars.len();
        match rng.below(8) {
            0 if len > 0 => {
                // Cut a range.
                let at = rng.below(len);
                let n = rng.below((len - at).min(400) + 1);
                chars.drain(at..at + n);
            }
            1 if len > 0 => {
                // Repeat a range a few times.
                let at = rng.below(len);
                let n = rng.below((len - at).min(200) + 1);
                let piece: Vec<char> = chars[at..at + n].to_vec();
                for _ in 0..=rng.below(20) {
                    chars.splice(at..at, piece.iter().copied());
                }
            }
            2 => {
                // A run of one token (quadratic work shows on runs).
                let token = TOKENS[rng.below(TOKENS.len())];
                let run: String = token.repeat(1 + rng.below(5_000));
                let at = rng.below(len + 1);
                chars.splice(at..at, run.chars());
            }
            3 if len > 0 => {
                // Truncate.
                chars.truncate(rng.below(len));
            }
            4 if len > 1 => {
                // Swap two lines' worth of text.
                let a = rng.below(len);
                let b = rng.below(len);
                let (a, b) = (a.min(b), a.max(b));
                chars[a..=b].reverse();
            }
            _ => {
                let token = TOKENS[rng.below(TOKENS.len())];
                let at = rng.below(len + 1);
                chars.splice(at..at, token.chars());
            }
        }
    }
    chars.into_iter().collect()
}
