//! storydrill: a terminal spaced-repetition drill for interview stories and answer templates.
//!
//! The core (`sm2`, `queue`, `grading`, `cloze`, `deck`, `stats`) is pure: plain data in, plain data
//! out, no IO and no clock reads. `store` holds every SQL statement; `cmd` wires the core to the terminal.

pub mod arch;
pub mod ask;
pub mod builtin;
pub mod cli;
pub mod clock;
pub mod cloze;
pub mod cmd;
pub mod deck;
pub mod edit;
pub mod exchange;
pub mod fill;
pub mod grading;
pub mod model;
pub mod paint;
pub mod prompt;
pub mod queue;
pub mod session;
pub mod settings;
pub mod sm2;
pub mod stats;
pub mod store;
pub mod text;
pub mod types;
