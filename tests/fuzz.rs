//! The short, bounded pass of the fuzz harness (issue 8); `cargo run --release --example fuzz`
//! runs a long one.

mod harness;

use std::time::Duration;

#[test]
fn a_short_fuzz_pass_finds_no_panic_hang_or_change_by_a_rejected_file() {
    let dir = tempfile::tempdir().unwrap();
    let config = harness::Config {
        cases: 400,
        seed: 8,
        budget: Duration::from_secs(40),
        out: dir.path().to_path_buf(),
    };
    let outcome = harness::run(&config).unwrap_or_else(|failure| panic!("{failure}"));
    assert!(outcome.cases >= 40, "{outcome:?}");
    assert!(
        outcome.rejected > 0 && outcome.accepted > 0,
        "both kinds of file were tried: {outcome:?}"
    );
}
