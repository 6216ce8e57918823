//! The integration tests: one binary, a module per area. Every test runs the real binary (or the
//! library, for the fuzzer) in the sealed environment of `util` — a temp database, a fixed clock,
//! shuffle seed and time zone, nothing from the real home directory — with decks from `fixtures/`.

mod util;

mod cli;
mod decks;
mod followups;
mod fuzz;
mod grading;
mod mock;
mod personal;
mod readiness;
mod review;
mod safety;
mod scheduling;
mod stats;
mod store;
mod terminal;
