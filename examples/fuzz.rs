//! The long pass of the fuzz harness in `tests/fuzz/harness.rs`:
//!
//!     cargo run --release --example fuzz -- [CASES_PER_FORMAT] [SEED]
//!
//! Defaults: 10,000 cases of each format (TOML, Anki, CSV, answers), seed 1. A failing case is
//! written to `target/fuzz/` and named in the error.

#[path = "../tests/fuzz/harness.rs"]
mod harness;

use std::time::{Duration, Instant};

fn main() -> Result<(), String> {
    let mut args = std::env::args().skip(1);
    let cases = args.next().map_or(Ok(10_000), |a| {
        a.parse().map_err(|_| format!("not a number: {a}"))
    })?;
    let seed = args.next().map_or(Ok(1), |a| {
        a.parse().map_err(|_| format!("not a number: {a}"))
    })?;
    let config = harness::Config {
        cases,
        seed,
        budget: Duration::from_secs(24 * 3600),
        out: std::path::PathBuf::from("target/fuzz"),
    };
    let started = Instant::now();
    let outcome = harness::run(&config)?;
    println!(
        "{} cases in {:.1} s: {} files accepted, {} rejected, slowest case {:?}; nothing found",
        outcome.cases,
        started.elapsed().as_secs_f64(),
        outcome.accepted,
        outcome.rejected,
        outcome.slowest
    );
    Ok(())
}
