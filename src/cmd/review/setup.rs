//! What a session drills, from its arguments and the database: the filter (`--deck`, `--kind`,
//! `--story`, `--weakest`, `--confused`, `--tag`), each story's readiness (for the order), the
//! interview ahead and the new cards it paces; and, when nothing comes, why.

use std::collections::HashMap;

use crate::cli::ReviewArgs;
use crate::core::interview::Interview;
use crate::core::queue::{DoneToday, Filter, Limits};
use crate::core::readiness::{self, Readiness};
use crate::core::types::StudyDay;
use crate::settings::Settings;
use crate::store::Store;

/// Days of answers that readiness and confusions look at.
pub const WINDOW_DAYS: u32 = 30;
/// Confused pairs a `--confused` session drills.
pub const CONFUSED_PAIRS: usize = 3;

pub(super) struct Selection {
    pub filter: Filter,
    /// Readiness by story key.
    pub readiness: HashMap<String, Readiness>,
    pub interview: Option<Interview>,
    /// The confused pairs drilled (`--confused`), and each story's one-line hint.
    pub pairs: Vec<(String, String)>,
    pub hints: HashMap<String, String>,
}

impl Selection {
    pub fn score(&self, story: &str) -> Option<f64> {
        self.readiness.get(story).and_then(|r| r.score)
    }
}

pub(super) fn select(
    store: &Store,
    args: &ReviewArgs,
    today: StudyDay,
) -> anyhow::Result<Selection> {
    if let Some(deck) = &args.deck {
        store.require_deck(deck)?;
    }
    let interview = store.next_interview(today)?;
    let from = today.minus_days(WINDOW_DAYS - 1);
    let readiness: HashMap<String, Readiness> = store
        .story_evidence(from, today)?
        .into_iter()
        .map(|s| {
            let r = readiness::assess(&s.evidence, today, interview.map(|i| i.day));
            (s.key, r)
        })
        .collect();
    let mut stories: Vec<String> = Vec::new();
    for reference in &args.stories {
        stories.push(store.story_key(reference)?);
    }
    if let Some(k) = args.weakest {
        let scores: Vec<(String, Option<f64>)> = store
            .catalog()?
            .into_iter()
            .map(|s| {
                let score = readiness.get(&s.key).and_then(|r| r.score);
                (s.key, score)
            })
            .collect();
        stories.extend(
            readiness::weakest(&scores, k as usize)
                .into_iter()
                .map(String::from),
        );
    }
    let mut pairs = Vec::new();
    let mut hints = HashMap::new();
    if args.confused {
        let rows = store.confusions(from, today)?;
        for (a, b, _) in readiness::confused_pairs(&rows, CONFUSED_PAIRS) {
            for key in [&a, &b] {
                if let Some(hint) = store.story_hint(key)? {
                    hints.insert(key.clone(), hint);
                }
                stories.push(key.clone());
            }
            pairs.push((a, b));
        }
        if pairs.is_empty() {
            anyhow::bail!(
                "no stories were confused in the last {WINDOW_DAYS} days: nothing to tell apart yet"
            );
        }
    }
    stories.sort();
    stories.dedup();
    Ok(Selection {
        filter: Filter {
            deck: args.deck.clone(),
            // Telling two stories apart is a matter of their questions.
            kind: args
                .kind
                .or(args.confused.then_some(crate::core::model::CardKind::Match)),
            stories,
            tag: args.tag.clone(),
        },
        readiness,
        interview,
        pairs,
        hints,
    })
}

/// The day's limits: `--new` or the setting (raised before an interview so every new card is in
/// by its window), `--reviews` or the setting. Also says when the new cards were raised.
pub(super) fn limits(
    store: &Store,
    args: &ReviewArgs,
    settings: &Settings,
    interview: Option<Interview>,
    today: StudyDay,
    done: &DoneToday,
) -> anyhow::Result<(Limits, Option<String>)> {
    let mut per_day = settings.new_per_day;
    let mut raised = None;
    if let (None, Some(i)) = (args.new, interview) {
        let paced = i.new_per_day(today, store.count_new()? + done.new_cards, per_day);
        if paced > per_day {
            raised = Some(format!(
                "new cards today: {paced} (new-per-day is {per_day}; raised so every new card is in by {})",
                i.window_start()
            ));
            per_day = paced;
        }
    }
    let mut limits = crate::core::queue::limits(
        args.new,
        per_day,
        args.reviews.unwrap_or(settings.reviews_per_day),
        done,
    );
    if args.reviews.is_some() {
        // `--reviews N` is N more today, whatever was done before.
        limits.reviews = limits.reviews.saturating_add(done.reviews);
    }
    Ok((limits, raised))
}

/// Why a session has nothing to show, and the command that shows what waits.
pub(super) fn explain_empty(
    store: &Store,
    selection: &Selection,
    limits: Limits,
    done: &DoneToday,
    today: StudyDay,
) -> anyhow::Result<String> {
    let due_all = store.count_due_by(today)?;
    let skipped = store.count_skipped(today)?;
    let held_back = store.count_due_selected(today, &selection.filter)?;
    let narrowed = selection.filter != Filter::default();
    let mut lines = Vec::new();
    if held_back > 0 && done.reviews >= limits.reviews {
        lines.push(format!(
            "Today's {} reviews are done (reviews-per-day). {held_back} more card{} due: \
             `storydrill review --reviews {held_back}`{}.",
            limits.reviews,
            if held_back == 1 { " is" } else { "s are" },
            if narrowed {
                " with the same options"
            } else {
                ""
            }
        ));
    } else if narrowed && due_all > skipped {
        lines.push(format!(
            "Nothing is due in this selection. {} card{} due today outside it: `storydrill review`, \
             or `storydrill review --cram` with the same options to drill these cards anyway.",
            due_all - skipped,
            if due_all - skipped == 1 { " is" } else { "s are" }
        ));
    } else {
        let when = match store.next_due_after(today)? {
            Some(day) => {
                let days = today.days_until(day);
                let plural = if days == 1 { "" } else { "s" };
                format!("The next card is due on {day} (in {days} day{plural}).")
            }
            None => "No card has a due date yet.".to_string(),
        };
        lines.push(format!("Nothing is due today. {when}"));
        let new = store.count_new()?;
        if new > 0 {
            lines.push(format!(
                "To go on: `storydrill review --new 10` for more new cards ({new} are waiting), or \
                 `storydrill review --cram` to drill any cards without changing their schedule."
            ));
        } else {
            lines.push(
                "To go on: `storydrill review --cram` drills any cards without changing their schedule."
                    .to_string(),
            );
        }
    }
    if skipped > 0 {
        lines.push(format!(
            "{skipped} due card{} skipped with :s until tomorrow.",
            if skipped == 1 { " was" } else { "s were" }
        ));
    }
    Ok(lines.join("\n") + "\n")
}
