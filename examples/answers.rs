//! The cost of one answer in the store, for the benchmark (`benches/scale.py`): opens a database
//! once, as a session does, and records a grade 4 for each of `--cards` due cards through
//! `Store::record_answer` (the one write path of an answer), each in its own transaction,
//! committed and synced before the next, and leaves without the closing checkpoint. Prints the median and mean time of an answer in
//! microseconds, as one JSON object. The fdatasync calls and their time are counted around it
//! (strace), which tells how much of an answer is the sync and how much the rest.
//!
//! ```text
//! cargo run --release --example answers -- --db COPY.db --cards 200 --today 2027-01-04
//! ```

use anyhow::{bail, Context};
use chrono::{TimeZone, Utc};
use std::path::PathBuf;
use std::time::Instant;

use storydrill::core::types::{CardId, Quality, StudyDay};
use storydrill::store::{Answer, Store};

fn main() -> anyhow::Result<()> {
    let mut db: Option<PathBuf> = None;
    let mut cards = 200usize;
    let mut today = String::from("2027-01-04");
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        let mut value = || args.next().with_context(|| format!("{a} needs a value"));
        match a.as_str() {
            "--db" => db = Some(PathBuf::from(value()?)),
            "--cards" => cards = value()?.parse().context("--cards")?,
            "--today" => today = value()?,
            other => bail!("unknown argument {other}"),
        }
    }
    let db = db.context("--db is required")?;
    let day = StudyDay::parse(&today).context("--today is not a date")?;
    let ids: Vec<i64> = {
        let conn = rusqlite::Connection::open(&db)?;
        let mut stmt = conn.prepare(
            "SELECT id FROM card WHERE due IS NOT NULL AND due <= ?1 AND retired = 0 AND suspended = 0
             ORDER BY (id * 2654435761) % 1000003 LIMIT ?2",
        )?;
        let ids = stmt
            .query_map(rusqlite::params![today, cards as i64], |r| r.get(0))?
            .collect::<Result<_, _>>()?;
        ids
    };
    if ids.len() < cards {
        bail!("only {} cards are due, not {cards}", ids.len());
    }
    let mut store = Store::open(&db)?;
    let at = Utc
        .with_ymd_and_hms(2027, 1, 4, 1, 30, 0)
        .single()
        .context("time")?;
    let quality = Quality::new(4).context("grade")?;
    let mut micros: Vec<f64> = Vec::with_capacity(cards);
    for id in ids {
        let answer = Answer {
            quality,
            text: String::new(),
            answered_story: None,
            correct: None,
            ms: 5_000,
            judgement: None,
        };
        let t = Instant::now();
        store.record_answer(CardId(id), answer, at, day, false)?;
        micros.push(t.elapsed().as_secs_f64() * 1e6);
        if std::env::var_os("ANSWERS_TRACE").is_some() && micros[micros.len() - 1] > 3000.0 {
            eprintln!(
                "answer {} (card {id}): {:.0} us",
                micros.len(),
                micros[micros.len() - 1]
            );
        }
    }
    // Closed without the closing checkpoint (`Drop for Store`): the benchmark counts what the
    // answers cost, not what the end of a session costs once.
    std::mem::forget(store);
    let mean = micros.iter().sum::<f64>() / micros.len().max(1) as f64;
    micros.sort_by(f64::total_cmp);
    println!(
        "{{\"answers\": {}, \"median_us\": {:.1}, \"mean_us\": {:.1}, \"max_us\": {:.1}}}",
        micros.len(),
        micros.get(micros.len() / 2).copied().unwrap_or(0.0),
        mean,
        micros.last().copied().unwrap_or(0.0)
    );
    Ok(())
}
