//! Card files for other programs: Anki's "Notes in Plain Text" (2.1.54+) and CSV for spreadsheets.
//! Pure: rows in, text out, and back, with `file:line: reason` for a row that cannot be used.
//! `anki` and `csv` read and write each format, `rows` turns a file's fields into cards, and
//! `merge` puts the rows of a card file into a deck.
//!
//! These formats carry cards (kind, front, back, tags, key); the TOML deck format is the lossless one
//! (story numbers, aliases, key points and filled templates live only there). In Anki files the
//! storydrill-only facts ride in tags: `storydrill::recall`, `storydrill::followup`,
//! `storydrill::story::KEY`, `storydrill::answer::KEY` (the stories a question accepts); a
//! follow-up's key points ride at the end of its back, after `POINTS_MARK`, one a line.

mod anki;
mod csv;
mod merge;
mod reader;
mod rows;

pub use anki::{html_escape, html_to_text, parse_anki, to_anki};
pub use csv::{parse_csv, to_csv};
pub use merge::merge;
pub use reader::{check, CardReader};

use crate::core::deck;
use crate::core::model::CardKind;

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// storydrill's deck file (lossless)
    Toml,
    /// Anki "Notes in Plain Text" (File → Import in Anki 2.1.54+)
    Anki,
    /// A header row `deck,kind,front,back,tags,key,story,answers`, for spreadsheets
    Csv,
}

/// One card of a card file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Row {
    /// Where it came from (0 when made for export).
    pub line: usize,
    pub deck: String,
    pub kind: CardKind,
    pub key: String,
    pub front: String,
    pub back: String,
    pub tags: Vec<String>,
    pub story: Option<String>,
    /// The stories a question accepts (match cards).
    pub answers: Vec<String>,
    /// A follow-up's key points.
    pub points: Vec<String>,
}

/// Longest reason a row error gives: it may quote the file.
pub(crate) const MESSAGE_CHARS: usize = 300;

impl From<crate::core::model::Card> for Row {
    /// A card as a row to write out.
    fn from(c: crate::core::model::Card) -> Row {
        Row {
            line: 0,
            deck: c.deck,
            kind: c.kind,
            key: c.key,
            front: c.front,
            back: c.back,
            tags: c.tags,
            story: c.story,
            answers: c.answers,
            points: c.points,
        }
    }
}

/// A row that cannot be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{file}:{line}: {reason}")]
pub struct RowError {
    pub file: String,
    pub line: usize,
    pub reason: String,
}

pub(crate) const TAG_PREFIX: &str = "storydrill::";
pub(crate) const ANKI_DECK_PREFIX: &str = "storydrill::";
/// The first line of a question's back in Anki: the accepted stories, for the learner to read.
pub(crate) const ANSWER_MARK: &str = "→ ";

/// Where a follow-up's key points start in a card file's back: each on its own line after it.
pub(crate) const POINTS_MARK: &str = "\n\n[key points]\n";

/// A row's back as a card file carries it: a follow-up's key points after its answer.
pub(crate) fn back_with_points(r: &Row) -> std::borrow::Cow<'_, str> {
    if r.points.is_empty() {
        return r.back.as_str().into();
    }
    format!("{}{POINTS_MARK}{}", r.back, r.points.join("\n")).into()
}

/// A follow-up's back from a card file: its answer, and the key points after `POINTS_MARK`.
pub(crate) fn split_points(back: &str) -> (String, Vec<String>) {
    match back.rsplit_once(POINTS_MARK) {
        Some((answer, points)) => (
            answer.to_string(),
            points
                .lines()
                .map(str::trim)
                .filter(|p| !p.is_empty())
                .map(String::from)
                .collect(),
        ),
        None => (back.to_string(), Vec::new()),
    }
}

/// Guesses the format of a card file from its first lines.
pub fn detect(text: &str) -> Format {
    const ANKI_HEADERS: &[&str] = &[
        "#separator:",
        "#html:",
        "#tags:",
        "#deck:",
        "#notetype:",
        "#columns:",
    ];
    let mut first = "";
    for line in text.lines().map(str::trim).filter(|l| !l.is_empty()) {
        if ANKI_HEADERS.iter().any(|h| line.starts_with(h))
            || (line.starts_with('#') && line.contains(" column:"))
        {
            return Format::Anki;
        }
        if !line.starts_with('#') {
            first = line;
            break;
        }
    }
    if first.starts_with('[') || (first.contains(" = ") && !first.contains('\t')) {
        return Format::Toml;
    }
    let header: Vec<String> = first
        .split(',')
        .map(|h| h.trim().trim_matches('"').to_lowercase())
        .collect();
    if header.iter().any(|h| h == "front") && !first.contains('\t') {
        return Format::Csv;
    }
    Format::Anki
}

/// A deck name storydrill accepts, from an Anki deck name ("storydrill::mine" → "mine",
/// "Japanese::Vocab 1" → "Japanese.Vocab-1").
pub fn deck_name(anki: &str) -> String {
    let name = anki.trim();
    let name = name.strip_prefix(ANKI_DECK_PREFIX).unwrap_or(name);
    let mut out = String::new();
    for part in name.split("::") {
        if !out.is_empty() {
            out.push('.');
        }
        let cleaned: String = part
            .trim()
            .chars()
            .map(|c| {
                if c.is_alphanumeric() || matches!(c, '-' | '_' | '.') {
                    c
                } else {
                    '-'
                }
            })
            .collect();
        out.push_str(&cleaned);
    }
    if out.is_empty() {
        "imported".into()
    } else {
        out
    }
}

/// FNV-1a, for keys of rows that come without one.
fn hash(text: &str) -> String {
    crate::core::text::fingerprint(text)
}

pub(crate) fn key_for(given: Option<&str>, deck: &str, front: &str) -> String {
    match given.map(str::trim).filter(|g| !g.is_empty()) {
        Some(g) if deck::check_key(g).is_ok() => g.to_string(),
        Some(g) => format!("{deck}.anki.{}", hash(g)),
        None => format!("{deck}.anki.{}", hash(front)),
    }
}

/// A row for tests.
#[cfg(test)]
pub(crate) fn test_row(kind: CardKind, key: &str, front: &str, back: &str) -> Row {
    Row {
        line: 0,
        deck: "mine".into(),
        kind,
        key: key.into(),
        front: front.into(),
        back: back.into(),
        tags: vec![],
        story: None,
        answers: vec![],
        points: vec![],
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_are_detected_from_content() {
        assert_eq!(detect("#separator:tab\n#html:true\n"), Format::Anki);
        assert_eq!(
            detect("# storydrill deck\n[deck]\nname = \"x\"\n"),
            Format::Toml
        );
        assert_eq!(detect("deck,kind,front,back\n"), Format::Csv);
        assert_eq!(detect("front\tback\n"), Format::Anki);
    }
}
