//! `review --json`: one JSON object per line for each event of the session, for editor plugins
//! and tests. The shapes are documented in the README.

use serde::Serialize;
use std::io::Write;

use crate::core::model::Card;
use crate::core::sm2::ReviewKind;
use crate::core::types::{Quality, StudyDay};

/// One key point of a telling and whether it was covered.
#[derive(Debug, Clone, Serialize)]
pub struct Point {
    pub text: String,
    pub covered: bool,
    /// Why: "said", "not said", "said 200 万, the story says 2000 万", "your call" …
    pub reason: String,
}

#[derive(Serialize)]
#[serde(tag = "event", rename_all = "lowercase")]
pub enum Event<'a> {
    /// A card is shown.
    Card {
        id: i64,
        key: &'a str,
        kind: &'a str,
        story: Option<&'a str>,
        front: &'a str,
        /// A new story shown to be read, not graded.
        present: bool,
        redrill: bool,
        left: usize,
    },
    /// A story was presented (nothing graded).
    Presented { id: i64, story: Option<&'a str> },
    /// A telling was told aloud: which key points were said is asked next (a line of numbers).
    Checklist { id: i64, points: &'a [String] },
    /// The answer was judged, before the grade.
    Judged {
        id: i64,
        correct: Option<bool>,
        answered_story: Option<&'a str>,
        points: &'a [Point],
        suggested: Option<u8>,
    },
    /// The grade was committed.
    Graded {
        id: i64,
        quality: u8,
        kind: &'a str,
        due: Option<StudyDay>,
    },
    /// Nothing to review; why.
    Empty { message: &'a str },
    /// The session's end.
    Summary {
        cards: u32,
        right: u32,
        wrong: u32,
        presented: u32,
        seconds: u64,
        due_tomorrow: u32,
    },
}

impl<'a> Event<'a> {
    pub fn card(card: &'a Card, present: bool, redrill: bool, left: usize) -> Event<'a> {
        Event::Card {
            id: card.id.0,
            key: &card.key,
            kind: card.kind.as_str(),
            story: card.story.as_deref(),
            front: &card.front,
            present,
            redrill,
            left,
        }
    }

    pub fn graded(
        card: &Card,
        quality: Quality,
        kind: ReviewKind,
        due: Option<StudyDay>,
    ) -> Event<'a> {
        Event::Graded {
            id: card.id.0,
            quality: quality.get(),
            kind: kind.as_str(),
            due,
        }
    }
}

/// Writes one event as a line (hidden controls escaped, as all JSON storydrill prints).
pub fn write(out: &mut dyn Write, event: &Event<'_>) -> anyhow::Result<()> {
    let mut line = crate::core::text::escape_json(serde_json::to_string(event)?);
    line.push('\n');
    out.write_all(line.as_bytes())?;
    out.flush()?;
    Ok(())
}
