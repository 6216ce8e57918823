//! Progress statistics: a pure function from the rows the store fetched to every figure `stats` shows.
//!
//! No IO and no clock: the study day is passed in. The store hands over daily aggregates and grouped
//! card counts (never the whole review log); this module turns them into streaks, retention,
//! forecast, history, heatmap, card states, interview readiness and confusions.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use crate::core::readiness;
use crate::core::types::{Easiness, StudyDay};

mod figures;
mod input;

pub use figures::*;
pub use input::*;
/// Days in the forecast, today first (today includes overdue cards).
pub const FORECAST_DAYS: u32 = 14;
/// Weeks in the heatmap, the current one last.
pub const HEATMAP_WEEKS: u32 = 26;
/// A card is mature from this interval on (days), as in Anki.
pub const MATURE_INTERVAL: u32 = 21;
/// A card is a leech from this many lapses on.
pub const LEECH_LAPSES: u32 = 8;
/// How many of the lowest-easiness cards (below the starting 2.50) are listed.
pub const LOWEST_EASINESS: usize = 10;
/// How many leeches are listed (all are counted).
pub const LEECHES_LISTED: usize = 20;
/// How many confused pairs are listed.
pub const CONFUSIONS_LISTED: usize = 10;
/// Easiness buckets: 1.30–1.49, 1.50–1.69, … in hundredths; the last one is open.
const EASINESS_BUCKET_START: u16 = 130;
const EASINESS_BUCKET_WIDTH: u16 = 20;
const EASINESS_BUCKETS: u16 = 9;

// ---------------------------------------------------------------- compute

/// Every figure, for study day `today`.
pub fn compute(input: &StatsInput, today: StudyDay, options: &StatsOptions) -> Stats {
    let days: BTreeMap<StudyDay, DayCounts> = input
        .days
        .iter()
        .filter(|row| row.day <= today)
        .map(|row| (row.day, row.counts))
        .collect();
    let on = |day: StudyDay| days.get(&day).copied().unwrap_or_default();
    let this_day = on(today);
    let due = count_due(&input.due, today);
    let window = options.window_days.max(1);

    let stories = stories(&input.stories, today, options.interview);
    let stories_ready = stories.iter().filter(|s| s.ready).count() as u32;
    let stories_total = stories.len() as u32;
    Stats {
        date: today,
        deck: options.deck.clone(),
        days: window,
        stories_ready,
        stories_total,
        interview: options
            .interview
            .filter(|d| *d >= today)
            .map(|date| InterviewFigures {
                date,
                days_left: today.days_until(date),
                stories_ready,
                stories_total,
            }),
        today: Today {
            reviewed: this_day.reviews,
            right: this_day.right,
            due: due.first().map_or(0, |d| d.due),
            new: options.new_left.min(new_available(&input.cards)),
            time_ms: this_day.ms,
        },
        streak: streak(
            days.iter().filter(|(_, r)| r.reviews > 0).map(|(d, _)| *d),
            today,
        ),
        retention: retention(&days, today),
        forecast: due,
        history: (0..window)
            .rev()
            .map(|back| {
                let date = today.minus_days(back);
                let row = on(date);
                HistoryDay {
                    date,
                    reviews: row.reviews,
                    right: row.right,
                }
            })
            .collect(),
        heatmap: heatmap(&days, today),
        cards: card_counts(&input.cards),
        easiness: easiness_buckets(&input.cards),
        leeches: Leeches {
            total: input.leech_total,
            cards: input.leeches.iter().take(LEECHES_LISTED).cloned().collect(),
        },
        lowest_easiness: input.lowest.iter().take(LOWEST_EASINESS).cloned().collect(),
        stories,
        confusions: confusions(&input.confusions, &input.stories),
        missed_points: missed_points(&input.tellings),
        grader: grader(&input.judgements),
        mock_interviews: crate::core::mock::trend(&input.mocks),
    }
}

/// Each story's point missed most; the stories whose tellings miss most (as a share) first.
/// Points judged and points whose tick the user changed, over the given tellings.
fn grader(judgements: &[(Vec<bool>, Vec<bool>)]) -> Grader {
    let mut g = Grader::default();
    for (judged, kept) in judgements {
        g.tellings += 1;
        for (a, b) in judged.iter().zip(kept) {
            g.points += 1;
            g.changed += u32::from(a != b);
        }
    }
    g
}

fn missed_points(stories: &[StoryTellings]) -> Vec<MissedPoint> {
    let mut out: Vec<MissedPoint> = stories
        .iter()
        .filter_map(|s| {
            let (point, missed, tellings) = readiness::missed_points(&s.points, &s.tellings)
                .into_iter()
                .next()?;
            Some(MissedPoint {
                story: s.key.clone(),
                point,
                missed,
                tellings,
            })
        })
        .collect();
    out.sort_by(|a, b| {
        (u64::from(b.missed) * u64::from(a.tellings))
            .cmp(&(u64::from(a.missed) * u64::from(b.tellings)))
            .then_with(|| a.story.cmp(&b.story))
    });
    out
}

/// Cards due on each forecast day; today's count includes the overdue ones.
fn count_due(rows: &[DueRow], today: StudyDay) -> Vec<ForecastDay> {
    let mut out: Vec<ForecastDay> = (0..FORECAST_DAYS)
        .map(|i| ForecastDay {
            date: today.plus_days(i),
            due: 0,
        })
        .collect();
    for row in rows {
        let offset = today.days_until(row.day).max(0);
        if let Some(slot) = usize::try_from(offset).ok().and_then(|i| out.get_mut(i)) {
            slot.due += row.cards;
        }
    }
    out
}

/// Current and longest runs of consecutive study days. Today without answers yet does not break
/// the current run: it then ends yesterday.
pub fn streak(study_days: impl IntoIterator<Item = StudyDay>, today: StudyDay) -> Streak {
    let set: BTreeSet<StudyDay> = study_days.into_iter().filter(|d| *d <= today).collect();
    let mut current = 0;
    let mut day = if set.contains(&today) {
        today
    } else {
        today.minus_days(1)
    };
    while set.contains(&day) {
        current += 1;
        day = day.minus_days(1);
    }
    let mut longest = 0;
    let mut run = 0;
    let mut previous: Option<StudyDay> = None;
    for &d in &set {
        run = match previous {
            Some(p) if p.days_until(d) == 1 => run + 1,
            _ => 1,
        };
        longest = longest.max(run);
        previous = Some(d);
    }
    Streak { current, longest }
}

fn ratio(right: u32, total: u32) -> Option<f64> {
    (total > 0).then(|| f64::from(right) / f64::from(total))
}

fn retention(days: &BTreeMap<StudyDay, DayCounts>, today: StudyDay) -> Retention {
    let mut counts = RetentionCounts {
        d7: WindowCounts::default(),
        d30: WindowCounts::default(),
        all: WindowCounts::default(),
    };
    for (day, row) in days {
        let age = day.days_until(today);
        if age < 7 {
            counts.d7.add(row);
        }
        if age < 30 {
            counts.d30.add(row);
        }
        counts.all.add(row);
    }
    let split = |f: fn(&WindowCounts) -> (u32, u32)| RetentionSplit {
        d7: {
            let (r, t) = f(&counts.d7);
            ratio(r, t)
        },
        d30: {
            let (r, t) = f(&counts.d30);
            ratio(r, t)
        },
        all: {
            let (r, t) = f(&counts.all);
            ratio(r, t)
        },
    };
    let total = split(|c| (c.right(), c.total()));
    Retention {
        d7: total.d7,
        d30: total.d30,
        all: total.all,
        young: split(|c| (c.young_right, c.young)),
        mature: split(|c| (c.mature_right, c.mature)),
        counts,
    }
}

/// The Monday that starts the week of `day`.
pub fn week_start(day: StudyDay) -> StudyDay {
    use chrono::Datelike;
    day.minus_days(day.date().weekday().num_days_from_monday())
}

/// Answers per day from the Monday 25 weeks before this week's to today, with a level 0–4
/// relative to the busiest day shown.
fn heatmap(days: &BTreeMap<StudyDay, DayCounts>, today: StudyDay) -> Vec<HeatDay> {
    let start = week_start(today).minus_days(7 * (HEATMAP_WEEKS - 1));
    let mut cells: Vec<HeatDay> = (0..=start.days_until(today).max(0) as u32)
        .map(|i| {
            let date = start.plus_days(i);
            HeatDay {
                date,
                reviews: days.get(&date).map_or(0, |r| r.reviews),
                level: 0,
            }
        })
        .collect();
    let max = cells.iter().map(|c| c.reviews).max().unwrap_or(0);
    for cell in &mut cells {
        cell.level = heat_level(cell.reviews, max);
    }
    cells
}

/// 0 for none, else ⌈4 × count / max⌉: 1–4.
pub fn heat_level(count: u32, max: u32) -> u8 {
    if count == 0 || max == 0 {
        return 0;
    }
    let level = (u64::from(count) * 4).div_ceil(u64::from(max));
    level.clamp(1, 4) as u8
}

/// New cards that could be introduced (not suspended or retired).
fn new_available(groups: &[CardGroup]) -> u32 {
    groups
        .iter()
        .filter(|g| !g.retired && !g.suspended && g.reviews == 0)
        .map(|g| g.cards)
        .sum()
}

/// The state of a group of cards, each card counted in exactly one.
fn card_counts(groups: &[CardGroup]) -> CardCounts {
    let mut c = CardCounts::default();
    for g in groups {
        let slot = if g.retired {
            &mut c.retired
        } else if g.suspended {
            &mut c.suspended
        } else if g.reviews == 0 {
            &mut c.new
        } else if g.repetitions < 2 {
            &mut c.learning
        } else if g.interval_days >= MATURE_INTERVAL {
            &mut c.mature
        } else {
            &mut c.young
        };
        *slot += g.cards;
        c.total += g.cards;
    }
    c
}

/// The easiness bucket (0 for 1.30–1.49, …, the last one open) a card of easiness `e` counts in.
/// The `stats_card` aggregate keeps each bucket's lower bound (migration 0015's `easiness_bucket`
/// column); a store test checks the two roundings agree.
pub fn easiness_bucket(e: Easiness) -> usize {
    let step = e.hundredths().saturating_sub(EASINESS_BUCKET_START) / EASINESS_BUCKET_WIDTH;
    usize::from(step.min(EASINESS_BUCKETS - 1))
}

fn easiness_buckets(groups: &[CardGroup]) -> Vec<EasinessBucket> {
    let mut counts = vec![0u32; usize::from(EASINESS_BUCKETS)];
    for g in groups.iter().filter(|g| !g.retired && g.reviews > 0) {
        counts[easiness_bucket(g.easiness)] += g.cards;
    }
    counts
        .into_iter()
        .enumerate()
        .map(|(i, cards)| {
            let from = EASINESS_BUCKET_START + i as u16 * EASINESS_BUCKET_WIDTH;
            EasinessBucket {
                from: f64::from(from) / 100.0,
                to: (i + 1 < usize::from(EASINESS_BUCKETS))
                    .then(|| f64::from(from + EASINESS_BUCKET_WIDTH) / 100.0),
                cards,
            }
        })
        .collect()
}

/// One row per story, weakest first (by `core::readiness`'s score); stories never told come last,
/// by number.
fn stories(rows: &[StoryRow], today: StudyDay, interview: Option<StudyDay>) -> Vec<StoryStats> {
    let mut out: Vec<StoryStats> = rows
        .iter()
        .map(|s| {
            let match_accuracy = ratio(s.match_right, s.match_answers);
            let mean_recall_grade = (s.recall_reviews > 0)
                .then(|| f64::from(s.recall_grades) / f64::from(s.recall_reviews));
            let readiness = readiness::assess(
                &readiness::Evidence {
                    last_grade: s.last_grade,
                    last_review: s.last_review,
                    due: s.due,
                    has_questions: s.has_questions,
                    match_answers: s.match_answers,
                    match_right: s.match_right,
                    followups: s.followups.clone(),
                },
                today,
                interview,
            );
            StoryStats {
                key: s.key.clone(),
                number: s.number,
                title: s.title.clone(),
                deck: s.deck.clone(),
                match_accuracy,
                match_answers: s.match_answers,
                match_right: s.match_right,
                mean_recall_grade,
                recall_reviews: s.recall_reviews,
                easiness: s.easiness.map(Easiness::as_f64),
                due: s.due,
                readiness: readiness.score,
                ready: readiness.ready,
                missing: readiness.missing,
            }
        })
        .collect();
    out.sort_by(|a, b| match (a.readiness, b.readiness) {
        (Some(x), Some(y)) => x.total_cmp(&y).then(a.number.cmp(&b.number)),
        (Some(_), None) => std::cmp::Ordering::Less,
        (None, Some(_)) => std::cmp::Ordering::Greater,
        (None, None) => a.number.cmp(&b.number),
    });
    out
}

/// The most frequent wrong picks; `of` is how often the asked story was asked in the window.
fn confusions(rows: &[ConfusionRow], stories: &[StoryRow]) -> Vec<Confusion> {
    let asked: HashMap<&str, u32> = stories
        .iter()
        .map(|s| (s.key.as_str(), s.match_answers))
        .collect();
    let mut out: Vec<Confusion> = rows
        .iter()
        .filter(|r| r.times > 0)
        .map(|r| Confusion {
            pair: r.clone(),
            of: asked
                .get(r.asked.as_str())
                .copied()
                .unwrap_or(r.times)
                .max(r.times),
        })
        .collect();
    out.sort_by(|a, b| {
        b.pair
            .times
            .cmp(&a.pair.times)
            .then(b.of.cmp(&a.of))
            .then(a.pair.asked_number.cmp(&b.pair.asked_number))
            .then(a.pair.answered.cmp(&b.pair.answered))
    });
    out.truncate(CONFUSIONS_LISTED);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::types::Quality;

    fn day(s: &str) -> StudyDay {
        StudyDay::parse(s).unwrap()
    }

    fn today() -> StudyDay {
        day("2027-01-10")
    }

    fn options() -> StatsOptions {
        StatsOptions {
            deck: None,
            window_days: 30,
            new_left: 15,
            interview: None,
        }
    }

    fn answers(d: &str, reviews: u32, right: u32) -> DayRow {
        DayRow {
            day: day(d),
            counts: DayCounts {
                reviews,
                right,
                ..DayCounts::default()
            },
        }
    }

    fn group(
        reviews: u32,
        repetitions: u32,
        interval: u32,
        easiness: u16,
        cards: u32,
    ) -> CardGroup {
        CardGroup {
            retired: false,
            suspended: false,
            reviews,
            repetitions,
            interval_days: interval,
            easiness: Easiness::from_hundredths(easiness),
            cards,
        }
    }

    fn days(list: &[&str]) -> Vec<StudyDay> {
        list.iter().map(|d| day(d)).collect()
    }

    #[test]
    fn streak_counts_consecutive_days_and_today_without_reviews_does_not_break_it() {
        let studied = days(&[
            "2027-01-01",
            "2027-01-02",
            "2027-01-03",
            "2027-01-07",
            "2027-01-08",
            "2027-01-09",
        ]);
        // Today (01-10) has no reviews yet: the run 07–09 still counts.
        assert_eq!(
            streak(studied.clone(), today()),
            Streak {
                current: 3,
                longest: 3
            }
        );
        let mut with_today = studied.clone();
        with_today.push(today());
        assert_eq!(
            streak(with_today, today()),
            Streak {
                current: 4,
                longest: 4
            }
        );
        // Nothing yesterday nor today: broken.
        assert_eq!(
            streak(studied.clone(), day("2027-01-11")),
            Streak {
                current: 0,
                longest: 3
            }
        );
        // Days after "today" (a clock moved back) are ignored.
        assert_eq!(
            streak(days(&["2027-01-10", "2027-01-11"]), day("2027-01-09")),
            Streak {
                current: 0,
                longest: 0
            }
        );
        assert_eq!(
            streak([], today()),
            Streak {
                current: 0,
                longest: 0
            }
        );
    }

    #[test]
    fn today_figures() {
        let input = StatsInput {
            days: vec![DayRow {
                day: today(),
                counts: DayCounts {
                    reviews: 9,
                    right: 6,
                    ms: 61_000,
                    new_cards: 5,
                    ..DayCounts::default()
                },
            }],
            due: vec![
                DueRow {
                    day: day("2026-12-30"),
                    cards: 4,
                },
                DueRow {
                    day: today(),
                    cards: 3,
                },
                DueRow {
                    day: day("2027-01-11"),
                    cards: 2,
                },
            ],
            // 100 new cards, 7 young ones, 3 new but suspended.
            cards: vec![group(0, 0, 0, 250, 100), group(1, 2, 6, 250, 7), {
                let mut g = group(0, 0, 0, 250, 3);
                g.suspended = true;
                g
            }],
            ..StatsInput::default()
        };
        let stats = compute(&input, today(), &options());
        assert_eq!(
            stats.today,
            Today {
                reviewed: 9,
                right: 6,
                due: 7,
                new: 15,
                time_ms: 61_000
            }
        );
        // Fewer new cards available than the limit allows.
        let few = StatsInput {
            cards: vec![group(0, 0, 0, 250, 4)],
            ..input
        };
        assert_eq!(compute(&few, today(), &options()).today.new, 4);
    }

    #[test]
    fn forecast_has_14_days_from_today_with_overdue_cards_today() {
        let input = StatsInput {
            due: vec![
                DueRow {
                    day: day("2027-01-01"),
                    cards: 5,
                },
                DueRow {
                    day: today(),
                    cards: 1,
                },
                DueRow {
                    day: day("2027-01-12"),
                    cards: 7,
                },
                DueRow {
                    day: day("2027-01-23"),
                    cards: 2,
                },
                // Past the forecast: ignored.
                DueRow {
                    day: day("2027-01-24"),
                    cards: 9,
                },
            ],
            ..StatsInput::default()
        };
        let forecast = compute(&input, today(), &options()).forecast;
        assert_eq!(forecast.len(), 14);
        assert_eq!(
            forecast[0],
            ForecastDay {
                date: today(),
                due: 6
            }
        );
        assert_eq!(
            forecast[2],
            ForecastDay {
                date: day("2027-01-12"),
                due: 7
            }
        );
        assert_eq!(
            forecast[13],
            ForecastDay {
                date: day("2027-01-23"),
                due: 2
            }
        );
        assert_eq!(forecast.iter().map(|f| f.due).sum::<u32>(), 15);
    }

    #[test]
    fn history_covers_the_window_oldest_first() {
        let input = StatsInput {
            days: vec![
                answers("2027-01-10", 4, 3),
                answers("2026-12-12", 2, 1),
                answers("2026-12-11", 5, 5), // 31 days back: outside 30
            ],
            ..StatsInput::default()
        };
        let history = compute(&input, today(), &options()).history;
        assert_eq!(history.len(), 30);
        assert_eq!(
            history[0],
            HistoryDay {
                date: day("2026-12-12"),
                reviews: 2,
                right: 1
            }
        );
        assert_eq!(
            history[29],
            HistoryDay {
                date: today(),
                reviews: 4,
                right: 3
            }
        );
        assert_eq!(history.iter().map(|h| h.reviews).sum::<u32>(), 6);
        let week = compute(
            &input,
            today(),
            &StatsOptions {
                window_days: 7,
                ..options()
            },
        );
        assert_eq!(week.history.len(), 7);
        assert_eq!(week.days, 7);
    }

    #[test]
    fn heatmap_covers_26_weeks_from_a_monday_with_levels() {
        // 2027-01-10 is a Sunday; its week starts on Monday 01-04.
        assert_eq!(week_start(today()), day("2027-01-04"));
        assert_eq!(week_start(day("2027-01-04")), day("2027-01-04"));
        let input = StatsInput {
            days: vec![
                answers("2027-01-10", 8, 8),
                answers("2027-01-09", 1, 1),
                answers("2027-01-08", 4, 4),
                answers("2026-07-12", 8, 8), // before the first Monday: not shown
            ],
            ..StatsInput::default()
        };
        let heat = compute(&input, today(), &options()).heatmap;
        assert_eq!(heat.len(), 26 * 7);
        assert_eq!(heat[0].date, day("2026-07-13"));
        let last = heat.last().unwrap();
        assert_eq!((last.date, last.reviews, last.level), (today(), 8, 4));
        let level = |d: &str| heat.iter().find(|h| h.date == day(d)).unwrap().level;
        assert_eq!(level("2027-01-09"), 1);
        assert_eq!(level("2027-01-08"), 2);
        assert_eq!(level("2027-01-07"), 0);
        // On a Wednesday the last week is cut after today.
        let wed = compute(&input, day("2027-01-06"), &options()).heatmap;
        assert_eq!(wed.len(), 25 * 7 + 3);
        assert_eq!(heat_level(3, 12), 1);
        assert_eq!(heat_level(7, 12), 3);
    }

    #[test]
    fn true_retention_counts_scheduled_reviews_of_learned_cards_split_young_and_mature() {
        let row = |d: &str, young: u32, young_right: u32, mature: u32, mature_right: u32| DayRow {
            day: day(d),
            counts: DayCounts {
                reviews: young + mature + 3, // plus new cards and re-drills, which do not count
                young,
                young_right,
                mature,
                mature_right,
                ..DayCounts::default()
            },
        };
        let input = StatsInput {
            days: vec![
                row("2027-01-10", 4, 3, 0, 0),
                row("2027-01-04", 2, 1, 2, 2), // 6 days back: in d7
                row("2027-01-03", 4, 0, 0, 0), // 7 days back: d30 only
                row("2026-11-01", 0, 0, 10, 5),
            ],
            ..StatsInput::default()
        };
        let r = compute(&input, today(), &options()).retention;
        assert_eq!(r.d7, Some(6.0 / 8.0));
        assert_eq!(r.young.d7, Some(4.0 / 6.0));
        assert_eq!(r.mature.d7, Some(1.0));
        assert_eq!(r.d30, Some(6.0 / 12.0));
        assert_eq!(r.young.d30, Some(4.0 / 10.0));
        assert_eq!(r.all, Some(11.0 / 22.0));
        assert_eq!(r.mature.all, Some(7.0 / 12.0));
        assert_eq!(
            r.counts.d7,
            WindowCounts {
                young: 6,
                young_right: 4,
                mature: 2,
                mature_right: 2
            }
        );
        let none = compute(&StatsInput::default(), today(), &options()).retention;
        assert_eq!(
            (none.d7, none.d30, none.all, none.mature.all),
            (None, None, None, None)
        );
    }

    #[test]
    fn cards_are_counted_by_state_once_each() {
        let mut suspended = group(1, 3, 40, 250, 2);
        suspended.suspended = true;
        let mut retired = group(0, 0, 0, 250, 1);
        retired.retired = true;
        retired.suspended = true;
        let groups = vec![
            group(0, 0, 0, 250, 10), // new
            group(1, 0, 1, 170, 3),  // learning: failed
            group(1, 1, 1, 260, 4),  // learning: one pass
            group(1, 2, 6, 250, 5),  // young
            group(1, 2, 20, 250, 1), // young: 20 < 21
            group(1, 2, 21, 290, 6), // mature (interval capped at 21 by the store)
            suspended,
            retired,
        ];
        let counts = card_counts(&groups);
        assert_eq!(
            counts,
            CardCounts {
                new: 10,
                learning: 7,
                young: 6,
                mature: 6,
                suspended: 2,
                retired: 1,
                total: 32
            }
        );
        let buckets = easiness_buckets(&groups);
        assert_eq!(buckets.len(), 9);
        assert_eq!((buckets[0].from, buckets[0].to), (1.3, Some(1.5)));
        assert_eq!(buckets[2].cards, 3); // 1.70
        assert_eq!(buckets[6].cards, 4 + 5 + 1 + 2); // 2.50–2.69 (new cards are left out)
        assert_eq!(buckets[8].cards, 6); // 2.90 and above
        assert_eq!(buckets[8].to, None);
        assert_eq!(buckets.iter().map(|b| b.cards).sum::<u32>(), 21);
    }

    fn story(number: u32, key: &str) -> StoryRow {
        StoryRow {
            key: key.into(),
            number,
            title: format!("story {number}"),
            deck: "stories".into(),
            ..StoryRow::default()
        }
    }

    #[test]
    fn stories_weakest_first_and_never_told_last_with_readiness_of_core_readiness() {
        let told = |grade: u8, on: &str| StoryRow {
            last_grade: Quality::new(grade),
            last_review: Some(day(on)),
            has_questions: true,
            ..StoryRow::default()
        };
        let rows = vec![
            story(1, "never"),
            StoryRow {
                match_answers: 4,
                match_right: 3,
                recall_reviews: 2,
                recall_grades: 7,
                easiness: Some(Easiness::from_hundredths(244)),
                due: Some(day("2027-01-12")),
                ..StoryRow {
                    key: "good".into(),
                    number: 2,
                    ..told(4, "2027-01-10")
                }
            },
            StoryRow {
                match_answers: 6,
                match_right: 2,
                easiness: Some(Easiness::FLOOR),
                ..StoryRow {
                    key: "weak".into(),
                    number: 3,
                    ..told(2, "2027-01-03")
                }
            },
            StoryRow {
                recall_reviews: 1,
                recall_grades: 5,
                match_answers: 5,
                match_right: 5,
                ..StoryRow {
                    key: "ready".into(),
                    number: 4,
                    ..told(5, "2027-01-09")
                }
            },
        ];
        let out = stories(&rows, today(), None);
        let keys: Vec<&str> = out.iter().map(|s| s.key.as_str()).collect();
        assert_eq!(keys, ["weak", "good", "ready", "never"]);
        let good = &out[1];
        assert_eq!(good.match_accuracy, Some(0.75));
        assert_eq!(good.mean_recall_grade, Some(3.5));
        assert_eq!(good.easiness, Some(2.44));
        assert_eq!(good.due, Some(day("2027-01-12")));
        assert!(!good.ready, "75 % of its questions right is under 80 %");
        assert!(out[2].ready, "{:?}", out[2]);
        assert_eq!(out[3].readiness, None);
        assert_eq!(out[3].missing, vec![readiness::Missing::NeverTold]);
        // The same definition as core::readiness, on the same evidence.
        let weak = &out[0];
        let expected = readiness::assess(
            &readiness::Evidence {
                last_grade: Quality::new(2),
                last_review: Some(day("2027-01-03")),
                due: None,
                has_questions: true,
                match_answers: 6,
                match_right: 2,
                followups: vec![],
            },
            today(),
            None,
        );
        assert_eq!(weak.readiness, expected.score);
    }

    #[test]
    fn confusions_most_frequent_first_out_of_times_asked() {
        let stories_rows = vec![
            StoryRow {
                match_answers: 6,
                ..story(3, "sharding")
            },
            StoryRow {
                match_answers: 2,
                ..story(8, "redis-rank")
            },
        ];
        let pair = |asked: &str, n: u32, answered: &str, times: u32| ConfusionRow {
            asked: asked.into(),
            asked_number: n,
            asked_title: format!("story {n}"),
            answered: answered.into(),
            answered_number: Some(7),
            answered_title: Some("采用数据库代理方案".into()),
            times,
        };
        let rows = vec![
            pair("redis-rank", 8, "db-proxy", 1),
            pair("sharding", 3, "db-proxy", 4),
            pair("sharding", 3, "gone", 0),
        ];
        let out = confusions(&rows, &stories_rows);
        assert_eq!(out.len(), 2);
        assert_eq!(
            (out[0].pair.asked.as_str(), out[0].pair.times, out[0].of),
            ("sharding", 4, 6)
        );
        assert_eq!(
            (out[1].pair.asked.as_str(), out[1].pair.times, out[1].of),
            ("redis-rank", 1, 2)
        );
        let many: Vec<ConfusionRow> = (0..15)
            .map(|i| pair("sharding", 3, &format!("s{i}"), 1))
            .collect();
        assert_eq!(confusions(&many, &stories_rows).len(), CONFUSIONS_LISTED);
    }

    #[test]
    fn lists_are_capped_and_leeches_counted_in_all() {
        let line = |id: i64| CardLine {
            id,
            key: format!("c{id}"),
            kind: "match".into(),
            front: "问题".into(),
            title: None,
            easiness: Easiness::FLOOR,
            lapses: 9,
        };
        let input = StatsInput {
            leeches: (0..30).map(line).collect(),
            leech_total: 30,
            lowest: (0..12).map(line).collect(),
            ..StatsInput::default()
        };
        let stats = compute(&input, today(), &options());
        assert_eq!(stats.leeches.total, 30);
        assert_eq!(stats.leeches.cards.len(), LEECHES_LISTED);
        assert_eq!(stats.lowest_easiness.len(), LOWEST_EASINESS);
        let json = serde_json::to_value(&stats.lowest_easiness[0]).unwrap();
        assert_eq!(json["easiness"], 1.3);
    }

    #[test]
    fn json_has_every_documented_field() {
        let stats = compute(&StatsInput::default(), today(), &options());
        let json = serde_json::to_value(&stats).unwrap();
        for path in [
            "/today/reviewed",
            "/today/due",
            "/today/new",
            "/today/time_ms",
            "/streak/current",
            "/streak/longest",
            "/retention/d7",
            "/retention/d30",
            "/retention/all",
            "/retention/young/d7",
            "/retention/mature/all",
            "/retention/counts/all/young",
            "/forecast",
            "/history",
            "/heatmap",
            "/cards/new",
            "/cards/mature",
            "/easiness",
            "/leeches/total",
            "/leeches/cards",
            "/lowest_easiness",
            "/stories",
            "/confusions",
        ] {
            assert!(json.pointer(path).is_some(), "missing {path}");
        }
        assert_eq!(json["date"], "2027-01-10");
        assert!(json["retention"]["d7"].is_null());
    }
}
