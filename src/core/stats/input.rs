//! The rows `compute` works on, as the store fetches them.

use serde::Serialize;

use crate::core::types::{Easiness, StudyDay};

/// One study day's aggregates (summed over the decks asked for).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DayRow {
    pub day: StudyDay,
    pub counts: DayCounts,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct DayCounts {
    /// Every answer: scheduled, re-drill and cram.
    pub reviews: u32,
    /// Answers with q ≥ 3.
    pub right: u32,
    pub ms: i64,
    /// Scheduled reviews of cards never reviewed before (new cards introduced).
    pub new_cards: u32,
    /// Scheduled reviews of cards with n ≥ 1 and an interval < 21 days before the review.
    pub young: u32,
    pub young_right: u32,
    /// Scheduled reviews of cards with n ≥ 1 and an interval ≥ 21 days before the review.
    pub mature: u32,
    pub mature_right: u32,
}

/// Cards that share a state and an easiness bucket. Figures are reduced to what tells the classes
/// apart: `reviews` to 0 or 1, `repetitions` to 0 or 2 (below 2: learning), `interval_days` to 0
/// or 21 (mature), `easiness` to its bucket's lower bound (`easiness_bucket`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CardGroup {
    pub retired: bool,
    pub suspended: bool,
    pub reviews: u32,
    pub repetitions: u32,
    pub interval_days: u32,
    pub easiness: Easiness,
    pub cards: u32,
}

/// Active (not suspended or retired) cards due on one day.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DueRow {
    pub day: StudyDay,
    pub cards: u32,
}

/// One catalog story with its figures: the window ones from match and recall answers, the others
/// from its recall card (the card that has the user tell the story).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct StoryRow {
    pub key: String,
    pub number: u32,
    pub title: String,
    pub deck: String,
    /// Match answers judged right or wrong in the window (re-drills left out).
    pub match_answers: u32,
    pub match_right: u32,
    /// Recall reviews in the window (re-drills left out) and the sum of their grades.
    pub recall_reviews: u32,
    pub recall_grades: u32,
    /// The recall card's easiness, once it has been reviewed.
    pub easiness: Option<Easiness>,
    /// The recall card's due day (None while new or suspended).
    pub due: Option<StudyDay>,
    /// The grade and day of the recall card's last scheduled review.
    pub last_grade: Option<crate::core::types::Quality>,
    pub last_review: Option<StudyDay>,
    /// Whether any question card has the story as its answer.
    pub has_questions: bool,
    /// Its follow-ups' last grades (see `readiness::Evidence::followups`).
    pub followups: Vec<Option<u8>>,
}

/// A story answered in place of another one, in the window.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize)]
pub struct ConfusionRow {
    pub asked: String,
    pub asked_number: u32,
    pub asked_title: String,
    pub answered: String,
    /// None when the answered key is no story of the catalog.
    pub answered_number: Option<u32>,
    pub answered_title: Option<String>,
    pub times: u32,
}

/// One card in a list (leeches, lowest easiness).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CardLine {
    pub id: i64,
    pub key: String,
    pub kind: String,
    pub front: String,
    /// The title of the card's story, if it has one.
    pub title: Option<String>,
    #[serde(serialize_with = "super::figures::easiness_number")]
    pub easiness: Easiness,
    pub lapses: u32,
}

/// Everything `compute` needs, as fetched by `Store::stats_input`.
#[derive(Debug, Clone, Default)]
pub struct StatsInput {
    /// Every study day with answers, in any order.
    pub days: Vec<DayRow>,
    pub cards: Vec<CardGroup>,
    /// Active cards due on or before the last forecast day, by day.
    pub due: Vec<DueRow>,
    pub stories: Vec<StoryRow>,
    pub confusions: Vec<ConfusionRow>,
    /// The worst leeches (most lapses first) and how many there are in all.
    pub leeches: Vec<CardLine>,
    pub leech_total: u32,
    /// The cards whose easiness fell below the starting 2.50, lowest first.
    pub lowest: Vec<CardLine>,
    /// Each story's key points and its latest tellings in the window.
    pub tellings: Vec<StoryTellings>,
    /// The latest typed tellings' key points: (as the judge ticked them, as the user left them).
    pub judgements: Vec<(Vec<bool>, Vec<bool>)>,
    /// The last scored mock interviews, oldest first.
    pub mocks: Vec<crate::core::mock::MockScore>,
}

/// A story's key points and its latest tellings, newest first.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct StoryTellings {
    pub key: String,
    pub points: Vec<String>,
    pub tellings: Vec<String>,
}

/// What the figures are asked for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatsOptions {
    /// The deck the figures are limited to, echoed in the result.
    pub deck: Option<String>,
    /// Days of history, match accuracy, recall grades and confusions.
    pub window_days: u32,
    /// New cards a session would still hand out today (the shell's `new_left_today`: the day's
    /// allowance, paced before an interview, minus what was introduced today).
    pub new_left: u32,
    /// The next interview, if one is set.
    pub interview: Option<StudyDay>,
}
