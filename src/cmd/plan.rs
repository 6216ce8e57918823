//! `storydrill plan`: what to do today and until the interview — today's due and new cards, the
//! next days' load, the weakest stories and confused pairs, the key points missed most, each with
//! the command that drills it.

use serde::Serialize;
use std::fmt::Write as _;

use super::{print, print_json, Ctx};
use crate::core::readiness::{self, EVIDENCE_DAYS};
use crate::core::stats::InterviewFigures;
use crate::core::text::sanitize;
use crate::core::types::StudyDay;
use crate::paint;

/// Days of load shown after today.
const DAYS_AHEAD: u32 = 7;
/// Weakest stories and confused pairs listed.
const LISTED: usize = 3;

#[derive(Serialize)]
struct Plan {
    date: StudyDay,
    interview: Option<InterviewFigures>,
    today: TodayPlan,
    /// Cards coming due on each of the next days (today's done).
    days: Vec<DayLoad>,
    weakest: Vec<Weak>,
    confused: Vec<Pair>,
    missed_points: Vec<Missed>,
}

#[derive(Serialize)]
struct TodayPlan {
    due: u32,
    /// New cards today by the setting (or raised before an interview), and how many wait in all.
    new: u32,
    new_waiting: u32,
    command: String,
}

#[derive(Serialize)]
struct DayLoad {
    day: StudyDay,
    due: u32,
}

#[derive(Serialize)]
struct Weak {
    key: String,
    number: u32,
    title: String,
    score: Option<f64>,
    missing: Vec<readiness::Missing>,
    command: String,
}

#[derive(Serialize)]
struct Pair {
    a: String,
    b: String,
    times: u32,
    command: String,
}

#[derive(Serialize)]
struct Missed {
    story: String,
    point: String,
    missed: u32,
    tellings: u32,
}

pub fn run(ctx: &Ctx, json: bool) -> anyhow::Result<()> {
    let plan = make(ctx)?;
    if json {
        return print_json(&plan);
    }
    print(&render(&plan))
}

fn make(ctx: &Ctx) -> anyhow::Result<Plan> {
    let store = &ctx.store;
    let today = ctx.today();
    let interview = store.next_interview(today)?;
    let from = today.minus_days(EVIDENCE_DAYS - 1);
    let stories = store.story_evidence(from, today, None)?;
    let assessed: Vec<(&crate::store::StoryEvidence, readiness::Readiness)> = stories
        .iter()
        .map(|s| {
            let r = readiness::assess(&s.evidence, today, interview.map(|i| i.day));
            (s, r)
        })
        .collect();
    let ready = assessed.iter().filter(|(_, r)| r.ready).count() as u32;
    let total = assessed.len() as u32;

    let new_waiting = store.count_new()?;
    let new_today = super::review::new_left_today(store, &ctx.settings, today)?;
    let ahead: Vec<StudyDay> = (0..=DAYS_AHEAD).map(|d| today.plus_days(d)).collect();
    let due_by = store.count_due_by_each(&ahead)?;
    let due_today = due_by[0];
    // Each day ahead: what falls due on it (due by it, less due by the day before).
    let days: Vec<DayLoad> = ahead[1..]
        .iter()
        .zip(due_by.windows(2))
        .map(|(day, w)| DayLoad {
            day: *day,
            due: w[1].saturating_sub(w[0]),
        })
        .collect();

    let scores: Vec<(String, Option<f64>)> = assessed
        .iter()
        .filter(|(_, r)| !r.ready)
        .map(|(s, r)| (s.key.clone(), r.score))
        .collect();
    let weakest = readiness::weakest(&scores, LISTED)
        .into_iter()
        .filter_map(|key| assessed.iter().find(|(s, _)| s.key == key))
        .map(|(s, r)| Weak {
            key: s.key.clone(),
            number: s.number,
            title: s.title.clone(),
            score: r.score,
            missing: r.missing.clone(),
            command: format!("storydrill review --story {} --cram", s.key),
        })
        .collect();
    let confused = readiness::confused_pairs(&store.confusions(from, today)?, LISTED)
        .into_iter()
        .map(|(a, b, times)| Pair {
            a,
            b,
            times,
            command: "storydrill review --confused --cram".to_string(),
        })
        .collect();
    let mut missed_points = Vec::new();
    for told in store.told_stories(from, stories.iter().map(|e| e.key.as_str()))? {
        if let Some((point, missed, of)) = readiness::missed_points(&told.points, &told.tellings)
            .into_iter()
            .next()
        {
            missed_points.push(Missed {
                story: told.key,
                point,
                missed,
                tellings: of,
            });
        }
    }
    missed_points.sort_by(|a, b| {
        (b.missed * a.tellings.max(1))
            .cmp(&(a.missed * b.tellings.max(1)))
            .then_with(|| a.story.cmp(&b.story))
    });
    missed_points.truncate(LISTED * 2);

    Ok(Plan {
        date: today,
        interview: interview.map(|i| InterviewFigures {
            date: i.day,
            days_left: i.days_left(today),
            stories_ready: ready,
            stories_total: total,
        }),
        today: TodayPlan {
            due: due_today,
            new: new_today,
            new_waiting,
            command: "storydrill".to_string(),
        },
        days,
        weakest,
        confused,
        missed_points,
    })
}

fn render(p: &Plan) -> String {
    let mut out = String::new();
    let head = match &p.interview {
        Some(i) => format!(
            "storydrill plan · {} · interview in {} day{} ({}) · {} of {} stories ready",
            p.date,
            i.days_left,
            if i.days_left == 1 { "" } else { "s" },
            i.date,
            i.stories_ready,
            i.stories_total
        ),
        None => format!(
            "storydrill plan · {} · no interview date (`storydrill config set interview-date YYYY-MM-DD`)",
            p.date
        ),
    };
    let _ = writeln!(out, "{}\n", paint::bold(&head));
    let _ = writeln!(
        out,
        "Today: {} due, {} new (of {} waiting) — `{}`",
        p.today.due, p.today.new, p.today.new_waiting, p.today.command
    );
    let load: Vec<String> = p
        .days
        .iter()
        .map(|d| format!("{} {}", d.day.date().format("%a"), d.due))
        .collect();
    let _ = writeln!(out, "Next days: {}", load.join(" · "));
    let _ = writeln!(out, "\n{}", paint::bold("Weakest stories"));
    if p.weakest.is_empty() {
        let _ = writeln!(out, "  every story is ready");
    }
    for w in &p.weakest {
        let score = w
            .score
            .map_or("never told".to_string(), |s| format!("{:.0}", s * 100.0));
        let _ = writeln!(
            out,
            "  {:>3} {} ({score}): {}\n      `{}`",
            w.number,
            sanitize(&w.title),
            sanitize(
                &w.missing
                    .iter()
                    .map(ToString::to_string)
                    .collect::<Vec<_>>()
                    .join("; ")
            ),
            w.command
        );
    }
    if !p.confused.is_empty() {
        let _ = writeln!(out, "\n{}", paint::bold("Confused pairs"));
        for c in &p.confused {
            let _ = writeln!(
                out,
                "  {} ↔ {} ({} times)",
                sanitize(&c.a),
                sanitize(&c.b),
                c.times
            );
        }
        let _ = writeln!(out, "      `{}`", p.confused[0].command);
    }
    if !p.missed_points.is_empty() {
        let _ = writeln!(out, "\n{}", paint::bold("Key points missed most"));
        for m in &p.missed_points {
            let _ = writeln!(
                out,
                "  {}: {} (missed {} of {} tellings) — `storydrill review --story {} --kind recall --cram`",
                sanitize(&m.story),
                sanitize(&m.point),
                m.missed,
                m.tellings,
                sanitize(&m.story)
            );
        }
    }
    out
}
