//! The report at the end of a mock interview: each step against what fit and its time, the key
//! points covered, the score, the three things to work on with the command that drills each, and
//! the stories a company already heard. Printed, and kept with the interview as JSON.

use serde::Serialize;

use super::{part_label, Asked};
use crate::cli::InterviewArgs;
use crate::core::judge::CatalogEntry;
use crate::core::mock::{self, Advice, Part, Problem, StepResult};
use crate::core::pace::clock;
use crate::core::text::{clip, sanitize, wrap};
use crate::core::types::StudyDay;
use crate::paint;
use crate::store::{Store, ToldBefore};

/// The report, as `interview --json` prints it and the database keeps it.
#[derive(Debug, Serialize)]
pub struct Report {
    pub id: i64,
    pub day: StudyDay,
    pub company: Option<String>,
    pub minutes: u32,
    pub seed: u64,
    /// False when it was ended early.
    pub finished: bool,
    /// The time of the answers, naming the stories included.
    pub seconds: u64,
    /// 0–100 over the steps answered (None: none was).
    pub score: Option<u32>,
    pub steps: Vec<StepResult>,
    pub advice: Vec<Advice>,
    /// Stories this interview told that an earlier one for the same company told too.
    pub told_before: Vec<ToldBefore>,
}

pub(super) fn build(
    store: &Store,
    id: i64,
    args: &InterviewArgs,
    seed: u64,
    day: StudyDay,
    asked: &[Asked],
    finished: bool,
) -> anyhow::Result<Report> {
    let steps: Vec<StepResult> = asked.iter().map(|a| a.result.clone()).collect();
    let told_now: Vec<&str> = steps
        .iter()
        .filter(|s| s.part.names_a_story())
        .filter_map(|s| s.story.as_deref())
        .collect();
    let told_before = match &args.company {
        Some(company) => {
            let mut seen: Vec<ToldBefore> = Vec::new();
            for t in store.told_to_company(company, id)? {
                if told_now.contains(&t.story.as_str()) && !seen.iter().any(|s| s.story == t.story)
                {
                    seen.push(t);
                }
            }
            seen
        }
        None => Vec::new(),
    };
    let seconds = steps
        .iter()
        .map(|s| (s.ms.max(0) + s.naming_ms.max(0)) as u64)
        .sum::<u64>()
        / 1000;
    Ok(Report {
        id,
        day,
        company: args.company.clone(),
        minutes: args.minutes,
        seed,
        finished,
        seconds,
        score: mock::score(&steps),
        advice: mock::advice(&steps),
        steps,
        told_before,
    })
}

/// "8 用 Redis 实现排行榜", or the key of a story no longer in the catalog.
pub(super) fn label(catalog: &[CatalogEntry], key: &str) -> String {
    match catalog.iter().find(|s| s.key == key) {
        Some(s) => format!("{} {}", s.number, sanitize(&s.title)),
        None => sanitize(key),
    }
}

/// The report as the screen shows it.
pub(super) fn render(r: &Report, catalog: &[CatalogEntry], width: usize) -> String {
    let label = |key: &str| label(catalog, key);
    let mut out = String::new();
    let company = r
        .company
        .as_deref()
        .map(|c| format!(" · for {}", sanitize(c)))
        .unwrap_or_default();
    let score = r
        .score
        .map_or("no score (nothing answered)".to_string(), |s| {
            format!("score {s}/100")
        });
    out.push_str(&format!(
        "\n{} · mock interview #{} · {}{company} · {}\n",
        paint::bold("Report"),
        r.id,
        r.day,
        paint::bold(&score)
    ));
    out.push_str(&format!(
        "{} {} answer{} in {} (planned for {} minutes){}\n",
        if r.finished { "all" } else { "ended early:" },
        r.steps.len(),
        if r.steps.len() == 1 { "" } else { "s" },
        clock(r.seconds),
        r.minutes,
        if r.finished {
            ""
        } else {
            "; the questions not reached are not scored"
        }
    ));
    for (i, s) in r.steps.iter().enumerate() {
        let head = match s.part {
            Part::Question | Part::Design => format!("{}: {}", part_label(s.part), s.question),
            Part::Followup => format!(
                "follow-up on {}: {}",
                s.story.as_deref().map(&label).unwrap_or_default(),
                s.question
            ),
            _ => format!("{}: {}", part_label(s.part), s.question),
        };
        out.push_str(&format!(
            "\n{:>2} {}\n",
            i + 1,
            wrap(&clip(&sanitize(&head), 200), width.saturating_sub(3)).replace('\n', "\n   ")
        ));
        if let Some(right) = s.named_right() {
            let fits: Vec<String> = s.fits.iter().map(|k| label(k)).collect();
            let line = match (&s.named, right) {
                (Some(named), true) => format!("{} you told {}", paint::green("✓"), label(named)),
                (Some(named), false) => format!(
                    "{} you told {}; it fits {}",
                    paint::red("✗"),
                    label(named),
                    fits.join(" · ")
                ),
                (None, _) => format!(
                    "{} no story named; it fits {}",
                    paint::red("✗"),
                    fits.join(" · ")
                ),
            };
            out.push_str(&format!("   {line}\n"));
            if s.named.is_none() {
                continue;
            }
        }
        let over = match s.over_seconds() {
            0 => String::new(),
            n => format!(" ({} over)", clock(n)),
        };
        let time = format!(
            "{} of {}{over}",
            clock(s.ms.max(0) as u64 / 1000),
            clock(s.target_seconds.into())
        );
        let time = if over.is_empty() {
            time
        } else {
            paint::yellow(&time)
        };
        let points = if s.points.is_empty() {
            if s.aloud {
                " · told aloud, key points not ticked".to_string()
            } else {
                String::new()
            }
        } else {
            format!(
                " · key points {}/{}{}",
                s.covered(),
                s.points.len(),
                if s.aloud { " (ticked)" } else { "" }
            )
        };
        out.push_str(&format!("   {time}{points}\n"));
        let missed: Vec<String> = s
            .points
            .iter()
            .filter(|p| !p.covered)
            .map(|p| sanitize(&p.text))
            .collect();
        if !missed.is_empty() {
            let line = format!("missed: {}", missed.join(" · "));
            out.push_str(&format!(
                "   {}\n",
                paint::dimmed(&wrap(&line, width.saturating_sub(3)).replace('\n', "\n   "))
            ));
        }
    }
    out.push_str(&format!("\n{}\n", paint::bold("Work on these next")));
    if r.advice.is_empty() {
        out.push_str("  nothing stood out: run another mock interview closer to the day\n");
    }
    for (i, a) in r.advice.iter().enumerate() {
        let what = match &a.problem {
            Problem::NamedAnother { named, question } => format!(
                "{}: you told {} for “{}”",
                label(&a.story),
                label(named),
                clip(&sanitize(question), 40)
            ),
            Problem::NoStory { question } => format!(
                "{}: no story came to mind for “{}”",
                label(&a.story),
                clip(&sanitize(question), 40)
            ),
            Problem::FewPoints {
                part,
                covered,
                total,
            } => format!(
                "{}: {covered} of {total} key points in the {}",
                label(&a.story),
                part_label(*part)
            ),
            Problem::OverTime {
                part,
                seconds,
                target,
            } => format!(
                "{}: the {} took {} of {}",
                label(&a.story),
                part_label(*part),
                clock(*seconds),
                clock((*target).into())
            ),
        };
        out.push_str(&format!(
            "  {}. {what}\n     {}\n",
            i + 1,
            paint::cyan(&sanitize(&a.command))
        ));
    }
    for t in &r.told_before {
        out.push_str(&format!(
            "{} {} already heard {} (mock interview #{}, {})\n",
            paint::yellow("⚠"),
            r.company.as_deref().map(sanitize).unwrap_or_default(),
            label(&t.story),
            t.mock_id,
            t.day
        ));
    }
    out.push_str(&paint::dimmed(
        "kept: `storydrill interviews` lists your mock interviews, `storydrill stats` shows the trend\n",
    ));
    out
}
