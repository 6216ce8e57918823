//! Every figure `compute` gives; their JSON form is `stats --json` (the README documents it).

use serde::Serialize;

use super::input::{CardLine, ConfusionRow, DayCounts};
use crate::core::types::{Easiness, StudyDay};

/// Every figure of `storydrill stats`; its JSON form is `stats --json` (docs/stats.md).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Stats {
    pub date: StudyDay,
    pub deck: Option<String>,
    pub days: u32,
    /// How many stories are ready (`core::readiness`), of how many.
    pub stories_ready: u32,
    pub stories_total: u32,
    /// The next interview: its date, the days left and the stories ready (null without one).
    pub interview: Option<InterviewFigures>,
    pub today: Today,
    pub streak: Streak,
    pub retention: Retention,
    pub forecast: Vec<ForecastDay>,
    pub history: Vec<HistoryDay>,
    pub heatmap: Vec<HeatDay>,
    pub cards: CardCounts,
    pub easiness: Vec<EasinessBucket>,
    pub leeches: Leeches,
    pub lowest_easiness: Vec<CardLine>,
    pub stories: Vec<StoryStats>,
    pub confusions: Vec<Confusion>,
    /// Each story's key point missed most in its latest tellings, most missed first.
    pub missed_points: Vec<MissedPoint>,
    /// How often the user changed the judge's ticks, over the latest typed tellings.
    pub grader: Grader,
    /// The last mock interviews' scores (`storydrill interview`).
    pub mock_interviews: crate::core::mock::Trend,
}

/// The judge of tellings against the user's word (`:p`): points judged, and changed by the user.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
pub struct Grader {
    pub tellings: u32,
    pub points: u32,
    pub changed: u32,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MissedPoint {
    pub story: String,
    pub point: String,
    pub missed: u32,
    pub tellings: u32,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Today {
    /// Answers logged today (scheduled, re-drill and cram).
    pub reviewed: u32,
    pub right: u32,
    /// Cards whose due day is today or earlier (not yet reviewed today).
    pub due: u32,
    /// New cards left today: the daily limit minus those introduced, at most those available.
    pub new: u32,
    pub time_ms: i64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Streak {
    /// Consecutive study days with answers up to today (or yesterday while today has none yet).
    pub current: u32,
    pub longest: u32,
}

/// True retention: q ≥ 3 among scheduled reviews of cards that had n ≥ 1 before the review.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Retention {
    pub d7: Option<f64>,
    pub d30: Option<f64>,
    pub all: Option<f64>,
    pub young: RetentionSplit,
    pub mature: RetentionSplit,
    pub counts: RetentionCounts,
}

#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct RetentionSplit {
    pub d7: Option<f64>,
    pub d30: Option<f64>,
    pub all: Option<f64>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct RetentionCounts {
    pub d7: WindowCounts,
    pub d30: WindowCounts,
    pub all: WindowCounts,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
pub struct WindowCounts {
    pub young: u32,
    pub young_right: u32,
    pub mature: u32,
    pub mature_right: u32,
}

impl WindowCounts {
    pub(super) fn add(&mut self, row: &DayCounts) {
        self.young += row.young;
        self.young_right += row.young_right;
        self.mature += row.mature;
        self.mature_right += row.mature_right;
    }

    pub fn total(&self) -> u32 {
        self.young + self.mature
    }

    pub fn right(&self) -> u32 {
        self.young_right + self.mature_right
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct ForecastDay {
    pub date: StudyDay,
    pub due: u32,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct HistoryDay {
    pub date: StudyDay,
    pub reviews: u32,
    pub right: u32,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct HeatDay {
    pub date: StudyDay,
    pub reviews: u32,
    /// 0 (none) to 4 (the busiest days of the heatmap).
    pub level: u8,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
pub struct CardCounts {
    pub new: u32,
    /// Reviewed, n < 2.
    pub learning: u32,
    /// n ≥ 2, interval < 21 days.
    pub young: u32,
    /// Interval ≥ 21 days.
    pub mature: u32,
    pub suspended: u32,
    pub retired: u32,
    pub total: u32,
}

/// Reviewed cards (not retired) with an easiness in `from..to` (`to` null: and above).
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct EasinessBucket {
    pub from: f64,
    pub to: Option<f64>,
    pub cards: u32,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Leeches {
    /// Cards (not retired) with lapses ≥ 8.
    pub total: u32,
    /// The worst ones, most lapses first.
    pub cards: Vec<CardLine>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct StoryStats {
    pub key: String,
    pub number: u32,
    pub title: String,
    pub deck: String,
    /// Share of match answers picking an accepted story, in the window.
    pub match_accuracy: Option<f64>,
    pub match_answers: u32,
    pub match_right: u32,
    pub mean_recall_grade: Option<f64>,
    pub recall_reviews: u32,
    /// The easiness of the story's recall card, once reviewed.
    pub easiness: Option<f64>,
    /// When the recall card is due next (null while new or suspended).
    pub due: Option<StudyDay>,
    /// 0–1, the readiness score of `core::readiness` (null while never told).
    pub readiness: Option<f64>,
    /// Ready by `core::readiness`'s rule, and what keeps it from being ready.
    pub ready: bool,
    pub missing: Vec<crate::core::readiness::Missing>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct InterviewFigures {
    pub date: StudyDay,
    pub days_left: i64,
    pub stories_ready: u32,
    pub stories_total: u32,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Confusion {
    /// The two stories, and `times`: how often `answered` was picked when `asked` was the answer…
    #[serde(flatten)]
    pub pair: ConfusionRow,
    /// …of the times `asked` was asked (match answers judged) in the window.
    pub of: u32,
}

pub(super) fn easiness_number<S: serde::Serializer>(e: &Easiness, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_f64(e.as_f64())
}
