//! The command line: every subcommand and option, with its help.

use clap::{Args, Parser, Subcommand};
use std::path::PathBuf;

use crate::core::model::CardKind;
use crate::paint::ColorChoice;

/// Drill your interview stories: pick the story that fits a question, tell it, check your facts.
///
/// Run with no command to review what is due today.
#[derive(Debug, Parser)]
#[command(
    name = "storydrill",
    version,
    propagate_version = true,
    max_term_width = 100
)]
pub struct Cli {
    /// The database file [default: <data dir>/storydrill/storydrill.db]
    #[arg(long, global = true, env = "STORYDRILL_DB", value_name = "PATH")]
    pub db: Option<PathBuf>,

    /// When to use colors (NO_COLOR is honoured; never when output is not a terminal)
    #[arg(long, global = true, value_enum, default_value_t = ColorChoice::Auto, value_name = "WHEN")]
    pub color: ColorChoice,

    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Review what is due today (the default command)
    Review(ReviewArgs),
    /// Decks with their card counts (new / due today / total)
    Decks {
        /// Print them as JSON
        #[arg(long)]
        json: bool,
    },
    /// The story catalog that "which story fits" answers from
    Stories {
        /// Print it as JSON
        #[arg(long)]
        json: bool,
    },
    /// List cards
    List(ListArgs),
    /// One card: its text, scheduling state and review history
    Show {
        /// Card id, card key, or story key (its recall card)
        card: String,
        /// Print the card, its state and its history as JSON
        #[arg(long)]
        json: bool,
    },
    /// Record one review of a card without the prompt (for scripts and editor plugins)
    Grade {
        /// Card id, card key, or story key (its recall card)
        card: String,
        /// 0 blackout … 3 correct with difficulty, 4 after hesitation, 5 perfect
        quality: crate::core::types::Quality,
        /// Print the graded card as JSON (as `show --json`)
        #[arg(long)]
        json: bool,
    },
    /// Add or update decks from a deck file (TOML) or a card file (Anki plain text, CSV), by stable keys
    ///
    /// An import adds and updates entries by key; the earlier text of an updated entry is kept (see
    /// `storydrill revisions`). A deck file that no longer has some of a deck's cards retires them
    /// only with --replace (or a yes at the terminal); filled answers are never deleted by a file
    /// without [[filled]] entries.
    Import {
        /// The file to read: a deck file (TOML), an Anki plain-text file or CSV
        file: PathBuf,
        /// Check the file and show what would change, without changing anything
        #[arg(long)]
        dry_run: bool,
        /// Let a deck file retire the deck's cards it no longer has (history kept) and delete filled
        /// answers its [[filled]] entries no longer have
        #[arg(long)]
        replace: bool,
        /// Print what changed as JSON
        #[arg(long)]
        json: bool,
        /// The file's format [default: detected from its content]
        #[arg(long, value_enum)]
        format: Option<crate::core::exchange::Format>,
        /// The deck for card files without a deck column [default: the file's name]
        #[arg(long)]
        deck: Option<String>,
    },
    /// Write a deck as a TOML deck file (lossless), an Anki plain-text file or CSV
    Export {
        /// The deck to write (see `storydrill decks`)
        deck: String,
        /// Write to FILE instead of standard output
        #[arg(short, long, value_name = "FILE")]
        output: Option<PathBuf>,
        /// The file format
        #[arg(long, value_enum, default_value_t = crate::core::exchange::Format::Toml)]
        format: crate::core::exchange::Format,
    },
    /// Add your own story, question or card
    Add {
        #[command(subcommand)]
        what: crate::cmd::add::AddWhat,
    },
    /// Fill a template with your own facts (no template: list them)
    Fill(crate::cmd::fill::FillArgs),
    /// Edit a card (a story, for its recall card) in $VISUAL / $EDITOR
    Edit {
        /// Card id, card key, or story key
        card: String,
    },
    /// Earlier texts of a card, a story or a filled template (kept whenever an import, an edit or
    /// `fill` replaced them), newest first
    Revisions {
        /// Card id, card key, or story key; or `DECK:TEMPLATE` for filled answers
        card: String,
        /// Print them as JSON, every text in full
        #[arg(long)]
        json: bool,
    },
    /// Hide cards from reviews until unsuspended
    Suspend {
        /// Card ids, card keys or story keys
        #[arg(required = true)]
        cards: Vec<String>,
    },
    /// Bring suspended cards back
    Unsuspend {
        /// Card ids, card keys or story keys
        #[arg(required = true)]
        cards: Vec<String>,
    },
    /// Add or remove tags of a card
    Tag {
        /// Card id, card key, or story key (its recall card)
        card: String,
        /// A tag to add (repeat for more; one word each)
        #[arg(long, value_name = "TAG")]
        add: Vec<String>,
        /// A tag to remove (repeat for more)
        #[arg(long, value_name = "TAG")]
        remove: Vec<String>,
        /// Print the card's tags as JSON
        #[arg(long)]
        json: bool,
    },
    /// Delete a card and its review history (a recall card: its story too)
    Delete {
        /// Card id, card key, or story key (its recall card)
        card: String,
        /// Do not ask for confirmation
        #[arg(long)]
        yes: bool,
        /// Print what was deleted as JSON
        #[arg(long)]
        json: bool,
    },
    /// Find cards and stories by any text (front, back, title, aliases, key points, tags)
    Search {
        /// The words to find, all of them (at most 16; terms under 3 characters are scanned for)
        #[arg(required = true)]
        query: Vec<String>,
        /// Only cards of this deck
        #[arg(long)]
        deck: Option<String>,
        /// At most this many results
        #[arg(long, default_value_t = 20)]
        limit: usize,
        /// Print the cards found as JSON, with their scores
        #[arg(long)]
        json: bool,
    },
    /// Read or change settings stored in the database
    #[command(after_help = crate::settings::help_list())]
    Config {
        #[command(subcommand)]
        action: Option<ConfigAction>,
    },
    /// Progress: today, streak, forecast, history, retention, cards, and which stories are interview-ready
    Stats(StatsArgs),
    /// Interview dates the schedule prepares for: every card is reviewed once more before the next
    Dates {
        #[command(subcommand)]
        action: Option<crate::cmd::dates::DatesAction>,
    },
    /// A mock interview: a first round in an interviewer's order, each answer timed, nothing
    /// shown until the report at the end
    ///
    /// The self-introduction, the project, questions about your stories (the weakest and most
    /// confused first, not those the last mock interviews asked) with follow-ups (追问), one
    /// business or architecture question, and "你有什么想问我的？". For each question you name the
    /// story you would tell, then tell it, typed or aloud. Answers are logged (kind mock) and count
    /// in readiness and confusions; no schedule moves. `:q`, Ctrl-C or Ctrl-D ends it early, with
    /// what you answered kept and reported.
    Interview(InterviewArgs),
    /// Past mock interviews: when, for which company, how much was answered, and the score
    Interviews {
        /// Print them as JSON
        #[arg(long)]
        json: bool,
    },
    /// What to do today and until the interview: due and new cards, the next days' load, the
    /// weakest stories and confused pairs, each with the command that drills it
    Plan {
        /// Print the plan as JSON
        #[arg(long)]
        json: bool,
    },
    /// Judge a telling against a story's key points as the session does, recording nothing
    ///
    /// Prints each key point ✓ or ✗ with the reason (a wrong number, a negation, a missing
    /// technology …) and the suggested grade.
    Check {
        /// The story: its key or number
        story: String,
        /// The file holding the telling, or - for standard input [default: standard input]
        file: Option<PathBuf>,
        /// Judge against this key point instead of the story's (repeat for several)
        #[arg(long = "point", value_name = "TEXT")]
        points: Vec<String>,
        /// Print the judgement as JSON
        #[arg(long)]
        json: bool,
    },
    /// Resolve an answer to "which story fits?" the way the session does
    ///
    /// Accepts what the session accepts: a number in any form (8, #8, 8号, 第八个), a title or
    /// alias or a part of one, with or without spaces, pinyin, and one typo.
    Which {
        /// The answer as typed
        answer: String,
        /// Print the resolution as JSON
        #[arg(long)]
        json: bool,
    },
    /// Print a completion script for your shell (see the README for where it goes)
    Completions {
        /// The shell to complete in
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Print the man page (roff): `storydrill man > storydrill.1`
    Man,
}

#[derive(Debug, Args, Clone)]
pub struct InterviewArgs {
    /// The interview's length: it sets how many questions come (4 to 8)
    #[arg(long, value_name = "N", default_value_t = crate::core::mock::DEFAULT_MINUTES,
          value_parser = clap::value_parser!(u32).range(
              crate::core::mock::MIN_MINUTES as i64..=crate::core::mock::MAX_MINUTES as i64))]
    pub minutes: u32,
    /// The company it rehearses for: kept with it, and the report warns about stories already
    /// told in a mock interview for the same company
    #[arg(long, value_name = "NAME")]
    pub company: Option<String>,
    /// The seed of the questions' draw: the same seed and history ask the same questions
    /// [default: STORYDRILL_SEED, else random]
    #[arg(long, value_name = "S")]
    pub seed: Option<u64>,
    /// Print the report as one JSON object on standard output; the interview itself goes to
    /// standard error (answers are read from stdin as when piped)
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Subcommand)]
pub enum ConfigAction {
    /// Print one setting
    #[command(after_help = crate::settings::help_list())]
    Get {
        /// The setting's name
        key: String,
    },
    /// Change one setting
    #[command(after_help = crate::settings::help_list())]
    Set {
        /// The setting's name
        key: String,
        /// Its new value (a whole number in the setting's range)
        value: String,
    },
    /// Back to the default value
    #[command(after_help = crate::settings::help_list())]
    Unset {
        /// The setting's name
        key: String,
    },
    /// Every setting with its value
    List {
        /// Print them as JSON
        #[arg(long)]
        json: bool,
    },
}

#[derive(Debug, Args, Default, Clone)]
pub struct ReviewArgs {
    /// Only cards of this deck
    #[arg(long)]
    pub deck: Option<String>,
    /// Only cards of this kind
    #[arg(long, value_enum)]
    pub kind: Option<CardKind>,
    /// New cards to introduce today (instead of the new-per-day setting)
    #[arg(long, value_name = "N")]
    pub new: Option<u32>,
    /// Stop after N cards
    #[arg(long, value_name = "N")]
    pub limit: Option<u32>,
    /// Time each telling: SECONDS to tell it in [default: the telling-seconds setting, 120];
    /// the time left shows at each line, the time taken and the pace after
    #[arg(long, value_name = "SECONDS", num_args = 0..=1, default_missing_value = "0",
          value_parser = clap::value_parser!(u32).range(0..=3600))]
    pub timed: Option<u32>,
    /// Drill any cards without changing their schedule (e.g. the night before an interview)
    #[arg(long)]
    pub cram: bool,
    /// Tell the 30-second versions: the stories that have one, each against a 30-second clock
    /// (or --timed SECONDS), its short version shown after; schedules stay as they are, as in --cram
    #[arg(long)]
    pub short: bool,
    /// Only the cards of this story: its number or key (repeat for more)
    #[arg(long = "story", value_name = "N|KEY")]
    pub stories: Vec<String>,
    /// Only the K weakest stories by readiness (see `storydrill stats`) [K: 3]
    #[arg(long, value_name = "K", num_args = 0..=1, default_missing_value = "3")]
    pub weakest: Option<u32>,
    /// The most confused pairs of stories: their questions interleaved, and after each answer how
    /// to tell the two apart
    #[arg(long)]
    pub confused: bool,
    /// Only cards with this tag
    #[arg(long, value_name = "TAG")]
    pub tag: Option<String>,
    /// Reviews of due cards allowed today (instead of the reviews-per-day setting)
    #[arg(long, value_name = "N")]
    pub reviews: Option<u32>,
    /// One JSON object per line for each event (card, judged, graded, summary) instead of the
    /// screen, for editor plugins and scripts; answers are read from stdin as when piped
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct ListArgs {
    /// Only cards of this deck
    #[arg(long)]
    pub deck: Option<String>,
    /// Only cards of this kind
    #[arg(long, value_enum)]
    pub kind: Option<CardKind>,
    /// Only cards due today or earlier
    #[arg(long)]
    pub due: bool,
    /// Also cards retired from their deck
    #[arg(long)]
    pub retired: bool,
    /// Print the cards as JSON (each as `show --json`, without history)
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct StatsArgs {
    /// Only cards and stories of this deck
    #[arg(long)]
    pub deck: Option<String>,
    /// Days of history, match accuracy, recall grades and confusions
    #[arg(long, value_name = "N", default_value_t = 30,
          value_parser = clap::value_parser!(u32).range(1..=365))]
    pub days: u32,
    /// Every figure as one JSON object (the README's stats section documents it)
    #[arg(long)]
    pub json: bool,
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    /// Every subcommand, option and argument says what it is for in `--help`.
    #[test]
    fn every_argument_has_a_help_line() {
        fn walk(cmd: &clap::Command, path: &str, missing: &mut Vec<String>) {
            for arg in cmd.get_arguments() {
                let id = arg.get_id().as_str();
                if matches!(id, "help" | "version") {
                    continue;
                }
                if arg.get_help().is_none() && arg.get_long_help().is_none() {
                    missing.push(format!("{path} {id}"));
                }
            }
            for sub in cmd.get_subcommands() {
                if sub.get_about().is_none() && sub.get_long_about().is_none() {
                    missing.push(format!("{path} {} (no about)", sub.get_name()));
                }
                walk(sub, &format!("{path} {}", sub.get_name()), missing);
            }
        }
        let mut missing = Vec::new();
        walk(&Cli::command(), "storydrill", &mut missing);
        assert!(missing.is_empty(), "no help line: {missing:#?}");
    }

    #[test]
    fn no_help_text_points_at_a_file_that_is_not_there() {
        let mut help = Vec::new();
        fn collect(cmd: &mut clap::Command, out: &mut Vec<String>) {
            out.push(cmd.render_long_help().to_string());
            for sub in cmd.get_subcommands_mut() {
                collect(sub, out);
            }
        }
        collect(&mut Cli::command(), &mut help);
        for text in &help {
            for word in text.split_whitespace() {
                let word = word.trim_matches(|c: char| {
                    !c.is_alphanumeric() && c != '/' && c != '.' && c != '_'
                });
                if word.contains('/') && (word.ends_with(".md") || word.ends_with(".toml")) {
                    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(word);
                    assert!(path.exists(), "help names {word}, which is not there");
                }
            }
        }
    }

    #[test]
    fn the_command_line_is_consistent() {
        Cli::command().debug_assert();
    }
}
