//! Colors, on only when wanted: `--color`, `NO_COLOR`, and whether the output is a terminal.

use owo_colors::OwoColorize;
use std::io::IsTerminal;
use std::sync::atomic::{AtomicBool, Ordering};

static ENABLED: AtomicBool = AtomicBool::new(false);

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
}

pub fn init(choice: ColorChoice) {
    let on = match choice {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => {
            std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
                && std::env::var("TERM").map_or(true, |t| t != "dumb")
                && std::io::stdout().is_terminal()
        }
    };
    ENABLED.store(on, Ordering::Relaxed);
}

/// Colors off from here on (a session reading piped stdin is a script, not a person).
pub fn disable() {
    ENABLED.store(false, Ordering::Relaxed);
}

pub fn enabled() -> bool {
    ENABLED.load(Ordering::Relaxed)
}

macro_rules! painter {
    ($($name:ident),*) => {$(
        pub fn $name(text: &str) -> String {
            if enabled() { text.$name().to_string() } else { text.to_string() }
        }
    )*};
}

painter!(green, red, yellow, cyan, bold, dimmed, magenta);
