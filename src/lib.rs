//! storydrill: a terminal spaced-repetition drill for interview stories and answer templates.
//!
//! Two layers, and the folders say which is which:
//!
//! - `core/` — pure: plain data in, plain data out, no IO, no clock reads, nothing from the shell.
//!   The scheduler (`sm2`), the day's queue and its rules (`queue`), judging answers (`judge`),
//!   clozes (`cloze`), the deck file format (`deck`), the Anki and CSV formats (`exchange`), filled
//!   templates (`fill`) and their architecture check (`arch`), the statistics (`stats`), text
//!   helpers (`text`), the domain types (`types`, `model`) and the decks compiled in (`builtin`).
//! - the shell around it — `store/` (SQLite: every SQL statement), `prompt` (reading answers:
//!   terminal, piped, scripted), `clock` (now, or `STORYDRILL_NOW`), `paint` (colors), `settings`,
//!   `edit` (`$EDITOR`), `cli` (the command line) and `cmd/` (one module per subcommand; the review
//!   session is `cmd/review/`).

pub mod core;

pub mod cli;
pub mod clock;
pub mod cmd;
pub mod edit;
pub mod paint;
pub mod prompt;
pub mod settings;
pub mod store;
