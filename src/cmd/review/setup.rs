//! What a session drills, from its arguments and the database: the filter (`--deck`, `--kind`,
//! `--story`, `--weakest`, `--confused`, `--tag`), each story's readiness (for the order), the
//! interview ahead and the new cards it paces; and, when nothing comes, why.

use std::collections::HashMap;

use crate::cli::ReviewArgs;
use crate::core::interview::Interview;
use crate::core::queue::{DoneToday, Filter, Limits};
use crate::core::readiness::{self, Readiness, EVIDENCE_DAYS};
use crate::core::types::StudyDay;
use crate::settings::Settings;
use crate::store::Store;

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

    /// Assesses the stories among `stories` not assessed yet (the stories of the due cards).
    pub fn assess<'s>(
        &mut self,
        store: &Store,
        stories: impl Iterator<Item = &'s str>,
        today: StudyDay,
    ) -> anyhow::Result<()> {
        let mut missing: Vec<String> = stories
            .filter(|s| !self.readiness.contains_key(*s))
            .map(String::from)
            .collect();
        missing.sort();
        missing.dedup();
        if !missing.is_empty() {
            let assessed = assess(store, today, self.interview, Some(&missing))?;
            self.readiness.extend(assessed);
        }
        Ok(())
    }
}

/// The readiness of every story, or of `only` those.
fn assess(
    store: &Store,
    today: StudyDay,
    interview: Option<Interview>,
    only: Option<&[String]>,
) -> anyhow::Result<HashMap<String, Readiness>> {
    let from = today.minus_days(EVIDENCE_DAYS - 1);
    Ok(store
        .story_evidence(from, today, only)?
        .into_iter()
        .map(|s| {
            let r = readiness::assess(&s.evidence, today, interview.map(|i| i.day));
            (s.key, r)
        })
        .collect())
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
    let from = today.minus_days(EVIDENCE_DAYS - 1);
    // Every story is ranked for `--weakest`; otherwise only the due cards' stories are assessed,
    // when the queue is built.
    let readiness = match args.weakest {
        Some(_) => assess(store, today, interview, None)?,
        None => HashMap::new(),
    };
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
                "no stories were confused in the last {EVIDENCE_DAYS} days: nothing to tell apart yet"
            );
        }
    }
    if args.short {
        let short = store.stories_with_short()?;
        stories = if stories.is_empty() {
            short
        } else {
            stories.into_iter().filter(|s| short.contains(s)).collect()
        };
        if stories.is_empty() {
            anyhow::bail!(
                "no story of this selection has a 30-second version (`short` in its deck file)"
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

/// New cards allowed today, before what was done: `new-per-day`, raised before an interview so
/// every new card is in by its window. `review`, `stats` and `plan` all take it from here.
pub fn new_per_day(
    store: &Store,
    settings: &Settings,
    interview: Option<Interview>,
    today: StudyDay,
    done: &DoneToday,
) -> anyhow::Result<u32> {
    let per_day = settings.new_per_day;
    Ok(match interview {
        // The new cards there were this morning: those left, and those first graded today.
        Some(i) => {
            let first_graded = done.new_cards.saturating_sub(done.presented);
            i.new_per_day(today, store.count_new()? + first_graded, per_day)
        }
        None => per_day,
    })
}

/// New cards a session started now would hand out (never more than are waiting).
pub fn new_left_today(store: &Store, settings: &Settings, today: StudyDay) -> anyhow::Result<u32> {
    let done =
        crate::core::queue::done_today(&store.answers_on(today)?, store.presented_on(today)?);
    let per_day = new_per_day(store, settings, store.next_interview(today)?, today, &done)?;
    Ok(per_day
        .saturating_sub(done.new_cards)
        .min(store.count_new()?))
}

/// The day's limits: `--new` or `new_per_day`, `--reviews` or the setting. Also says when the
/// interview raised the new cards.
pub(super) fn limits(
    store: &Store,
    args: &ReviewArgs,
    settings: &Settings,
    interview: Option<Interview>,
    today: StudyDay,
    done: &DoneToday,
) -> anyhow::Result<(Limits, Option<String>)> {
    let per_day = new_per_day(store, settings, interview, today, done)?;
    let raised = (args.new.is_none() && per_day > settings.new_per_day).then(|| {
        format!(
            "new cards today: {per_day} (new-per-day is {}; raised so every new card is in by {})",
            settings.new_per_day,
            interview.map_or(today, |i| i.window_start())
        )
    });
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
