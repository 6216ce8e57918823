//! The shell around the core: one module per subcommand, each wiring the store and the core to the terminal.

pub mod add;
mod cards;
pub mod check;
mod config;
pub mod dates;
mod decks;
mod edit;
mod export;
pub mod fill;
mod grade;
pub mod import;
mod interview;
mod list;
mod plan;
pub mod review;
mod revisions;
mod search;
pub mod show;
mod stats;
pub mod stories;
mod which;

use anyhow::Context;
use clap::{CommandFactory, Parser};
use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use crate::cli::{Cli, Command};
use crate::clock::Clock;
use crate::core::types::StudyDay;
use crate::paint;
use crate::settings::{self, Settings};
use crate::store::Store;

/// What every command that touches the database runs with.
pub struct Ctx {
    pub store: Store,
    pub clock: Clock,
    pub settings: Settings,
}

impl Ctx {
    pub fn open(db: Option<PathBuf>) -> anyhow::Result<Ctx> {
        let clock = Clock::from_env()?;
        let path = match db {
            Some(path) => path,
            None => default_db_path()?,
        };
        let store = Store::open(&path)?;
        let settings = settings::load(&store)?;
        Ok(Ctx {
            store,
            clock,
            settings,
        })
    }

    pub fn today(&self) -> StudyDay {
        self.clock.study_day(self.settings.rollover_hour)
    }
}

pub fn default_db_path() -> anyhow::Result<PathBuf> {
    let dirs = directories::ProjectDirs::from("", "", "storydrill").context(
        "could not find a data folder for this user (no home directory); pass --db PATH",
    )?;
    Ok(dirs.data_dir().join("storydrill.db"))
}

pub fn main() -> ExitCode {
    let cli = Cli::parse();
    paint::init(cli.color);
    match run(cli) {
        Ok(code) => code,
        Err(err) if is_broken_pipe(&err) => ExitCode::SUCCESS,
        Err(err) => {
            let _ = writeln!(std::io::stderr(), "storydrill: error: {}", error_text(&err));
            ExitCode::from(1)
        }
    }
}

/// Longest error message printed: errors may quote untrusted text.
const ERROR_CHARS: usize = 2_000;

/// An error as printed: its causes joined, hidden controls made visible, clipped.
pub fn error_text(err: &anyhow::Error) -> String {
    crate::core::text::escape_controls(&crate::core::text::clip(&format!("{err:#}"), ERROR_CHARS))
}

fn is_broken_pipe(err: &anyhow::Error) -> bool {
    err.chain().any(|e| {
        e.downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
    })
}

fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    let command = cli.command.unwrap_or(Command::Review(Default::default()));
    // These two describe the command line and need no database.
    match command {
        Command::Completions { shell } => {
            let mut script = Vec::new();
            clap_complete::generate(shell, &mut Cli::command(), "storydrill", &mut script);
            print(&String::from_utf8_lossy(&script))?;
            return Ok(ExitCode::SUCCESS);
        }
        Command::Man => {
            let mut page = Vec::new();
            clap_mangen::Man::new(Cli::command()).render(&mut page)?;
            print(&String::from_utf8_lossy(&page))?;
            return Ok(ExitCode::SUCCESS);
        }
        _ => {}
    }
    let mut ctx = Ctx::open(cli.db)?;
    match command {
        Command::Review(args) => return review::run(&mut ctx, &args),
        Command::Decks { json } => decks::run(&ctx, json)?,
        Command::Stories { json } => stories::run(&ctx, json)?,
        Command::List(args) => list::run(&ctx, &args)?,
        Command::Show { card, json } => show::run(&ctx, &card, json)?,
        Command::Grade {
            card,
            quality,
            json,
        } => grade::run(&mut ctx, &card, quality, json)?,
        Command::Import {
            file,
            dry_run,
            replace,
            json,
            format,
            deck,
        } => import::run(
            &mut ctx,
            &file,
            import::Options {
                dry_run,
                replace,
                json,
                format,
                deck: deck.as_deref(),
            },
        )?,
        Command::Export {
            deck,
            output,
            format,
        } => export::run(&ctx, &deck, output.as_deref(), format)?,
        Command::Add { what } => add::run(&mut ctx, what)?,
        Command::Fill(args) => fill::run(&mut ctx, &args)?,
        Command::Edit { card } => edit::run(&mut ctx, &card)?,
        Command::Revisions { card, json } => revisions::run(&ctx, &card, json)?,
        Command::Suspend { cards } => cards::suspend(&ctx, &cards, true)?,
        Command::Unsuspend { cards } => cards::suspend(&ctx, &cards, false)?,
        Command::Tag {
            card,
            add,
            remove,
            json,
        } => cards::tag(&ctx, &card, &add, &remove, json)?,
        Command::Delete { card, yes, json } => cards::delete(&mut ctx, &card, yes, json)?,
        Command::Search {
            query,
            deck,
            limit,
            json,
        } => search::run(&ctx, &query, deck.as_deref(), limit, json)?,
        Command::Config { action } => config::run(&ctx, action)?,
        Command::Stats(args) => stats::run(&ctx, &args)?,
        Command::Dates { action } => dates::run(&ctx, action)?,
        Command::Plan { json } => plan::run(&ctx, json)?,
        Command::Interview(args) => interview::run(&mut ctx, &args)?,
        Command::Interviews { json } => interview::list(&ctx, json)?,
        Command::Check {
            story,
            file,
            points,
            json,
        } => check::run(
            &ctx,
            &check::Args {
                story: &story,
                file: file.as_deref(),
                points: &points,
                json,
            },
        )?,
        Command::Which { answer, json } => which::run(&ctx, &answer, json)?,
        // Answered above, before the database was opened.
        Command::Completions { .. } | Command::Man => {}
    }
    Ok(ExitCode::SUCCESS)
}

/// Where a session's answers come from: the terminal (rustyline) or piped lines; with `json`,
/// lines even from a terminal (scripts drive --json). Colors go off when no person answers.
pub fn answers_from_stdin(json: bool) -> anyhow::Result<Box<dyn crate::prompt::Prompt>> {
    let input: Box<dyn crate::prompt::Prompt> = if json {
        Box::new(crate::prompt::LinePrompt {
            input: Box::new(std::io::BufReader::new(std::io::stdin())),
        })
    } else {
        crate::prompt::stdin()?
    };
    if !input.is_terminal() {
        paint::disable();
    }
    Ok(input)
}

/// The width text is wrapped to: the terminal's, within 40–100 columns (80 when not a terminal).
pub fn screen_width() -> usize {
    terminal_size::terminal_size_of(std::io::stdout())
        .map(|(w, _)| usize::from(w.0))
        .unwrap_or(80)
        .clamp(40, 100)
}

/// Writes to standard output; a closed pipe comes back as an error `main` turns into a quiet exit.
pub fn print(text: &str) -> anyhow::Result<()> {
    let mut out = std::io::stdout().lock();
    out.write_all(text.as_bytes())?;
    out.flush()?;
    Ok(())
}

/// Pretty JSON on standard output, with the hidden controls serde_json leaves raw escaped.
pub fn print_json<T: serde::Serialize>(value: &T) -> anyhow::Result<()> {
    let mut text = crate::core::text::escape_json(serde_json::to_string_pretty(value)?);
    text.push('\n');
    print(&text)
}
