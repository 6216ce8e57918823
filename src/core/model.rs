//! Plain data the core works on: cards, catalog stories and review log entries, as read from the store.

use chrono::{DateTime, Utc};
use serde::Serialize;

use crate::core::deck::{Source, StoryKind};
use crate::core::sm2::{CardState, ReviewKind};
use crate::core::types::{CardId, Quality, StudyDay};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum CardKind {
    /// An interview question; the answer is a story.
    Match,
    /// Tell a story or a template.
    Recall,
    /// Fill a blank.
    Cloze,
    /// Front and back.
    Basic,
    /// A follow-up question (追问) on a story, answered like a telling and judged by its own key
    /// points.
    Followup,
}

impl CardKind {
    pub fn as_str(self) -> &'static str {
        match self {
            CardKind::Match => "match",
            CardKind::Recall => "recall",
            CardKind::Cloze => "cloze",
            CardKind::Basic => "basic",
            CardKind::Followup => "followup",
        }
    }

    pub fn parse(s: &str) -> Option<CardKind> {
        match s {
            "match" => Some(CardKind::Match),
            "recall" => Some(CardKind::Recall),
            "cloze" => Some(CardKind::Cloze),
            "basic" => Some(CardKind::Basic),
            "followup" => Some(CardKind::Followup),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Card {
    pub id: CardId,
    pub key: String,
    pub deck: String,
    pub kind: CardKind,
    /// The story this card belongs to (a match card: its best answer).
    pub story: Option<String>,
    pub front: String,
    pub back: String,
    /// Accepted story keys of a match card.
    pub answers: Vec<String>,
    pub tags: Vec<String>,
    /// A follow-up's key points (empty for other kinds: a recall card's are its story's).
    pub points: Vec<String>,
    /// A follow-up: what the interviewer probes with it.
    pub why: Option<String>,
    pub suspended: bool,
    pub retired: bool,
    pub buried_until: Option<StudyDay>,
    pub state: CardState,
}

/// One entry of the story catalog.
#[derive(Debug, Clone, PartialEq)]
pub struct CatalogStory {
    pub key: String,
    pub number: u32,
    pub title: String,
    pub deck: String,
    pub kind: StoryKind,
    pub source: Source,
    pub aliases: Vec<String>,
    pub prompt: String,
    pub text: String,
    pub written: Option<String>,
    pub diagram: Option<String>,
    /// The 30-second version (`review --short`).
    pub short: Option<String>,
    pub points: Vec<String>,
    /// Where the key points come from (see `deck::Story::points_source`).
    pub points_source: Source,
}

/// An answer as the review log keeps it: what was answered, the grade, and the card's state before
/// and after.
#[derive(Debug, Clone, PartialEq)]
pub struct NewReview {
    pub card_id: CardId,
    pub at: DateTime<Utc>,
    pub day: StudyDay,
    pub quality: Quality,
    pub kind: ReviewKind,
    pub answer: String,
    pub answered_story: Option<String>,
    pub correct: Option<bool>,
    pub ms: i64,
    pub before: CardState,
    pub after: CardState,
}

/// An answer read back from the review log: its row id and what was logged (its fields read
/// through, `review.day`).
#[derive(Debug, Clone, PartialEq)]
pub struct Review {
    pub id: i64,
    pub logged: NewReview,
}

impl std::ops::Deref for Review {
    type Target = NewReview;

    fn deref(&self) -> &NewReview {
        &self.logged
    }
}
