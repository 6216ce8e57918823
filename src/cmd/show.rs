//! `storydrill show`: one card, its scheduling state and its review history.

use serde::Serialize;
use std::fmt::Write;

use super::{print, print_json, Ctx};
use crate::core::model::{Card, Review};
use crate::core::text::sanitize;
use crate::paint;

/// The stable JSON shape of a card (`show`, `list`, `grade`).
#[derive(Serialize)]
pub struct CardJson<'a> {
    pub id: i64,
    pub key: &'a str,
    pub deck: &'a str,
    pub kind: &'a str,
    pub front: &'a str,
    pub back: &'a str,
    pub story: Option<&'a str>,
    pub answers: &'a [String],
    pub tags: &'a [String],
    /// A follow-up's key points and what it probes.
    #[serde(skip_serializing_if = "<[String]>::is_empty")]
    pub points: &'a [String],
    #[serde(skip_serializing_if = "Option::is_none")]
    pub why: Option<&'a str>,
    pub suspended: bool,
    pub retired: bool,
    pub state: StateJson,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub history: Option<Vec<ReviewJson<'a>>>,
    /// `show` of a card whose story has a diagram (the architecture template): the diagram, verbatim.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub diagram: Option<String>,
}

#[derive(Serialize)]
pub struct StateJson {
    pub repetitions: u32,
    pub easiness: f64,
    pub interval_days: u32,
    pub due: Option<String>,
    pub lapses: u32,
    pub reviews: u32,
}

#[derive(Serialize)]
pub struct ReviewJson<'a> {
    pub at: String,
    pub day: String,
    pub quality: u8,
    pub kind: &'a str,
    pub answer: &'a str,
    pub answered_story: Option<&'a str>,
    pub correct: Option<bool>,
    pub ms: i64,
}

pub fn card_json<'a>(card: &'a Card, history: Option<&'a [Review]>) -> CardJson<'a> {
    CardJson {
        id: card.id.0,
        key: &card.key,
        deck: &card.deck,
        kind: card.kind.as_str(),
        front: &card.front,
        back: &card.back,
        story: card.story.as_deref(),
        answers: &card.answers,
        tags: &card.tags,
        points: &card.points,
        why: card.why.as_deref(),
        suspended: card.suspended,
        retired: card.retired,
        state: StateJson {
            repetitions: card.state.repetitions,
            easiness: card.state.easiness.as_f64(),
            interval_days: card.state.interval_days,
            due: card.state.due.map(|d| d.to_string()),
            lapses: card.state.lapses,
            reviews: card.state.reviews,
        },
        history: history.map(|h| {
            h.iter()
                .map(|r| ReviewJson {
                    at: r.at.to_rfc3339_opts(chrono::SecondsFormat::Millis, true),
                    day: r.day.to_string(),
                    quality: r.quality.get(),
                    kind: r.kind.as_str(),
                    answer: &r.answer,
                    answered_story: r.answered_story.as_deref(),
                    correct: r.correct,
                    ms: r.ms,
                })
                .collect()
        }),
        diagram: None,
    }
}

pub fn run(ctx: &Ctx, reference: &str, json: bool) -> anyhow::Result<()> {
    let card = ctx.store.card(reference)?;
    let history = ctx.store.history(card.id)?;
    let diagram = match &card.story {
        Some(key) => ctx.store.story(key)?.and_then(|s| s.diagram),
        None => None,
    };
    if json {
        let mut out = card_json(&card, Some(&history));
        out.diagram = diagram;
        return print_json(&out);
    }
    let mut text = render(&card, &history);
    if let Some(d) = diagram {
        let _ = writeln!(text, "\n{}\n{}", paint::cyan("diagram"), sanitize(&d));
    }
    print(&text)
}

pub fn state_line(card: &Card) -> String {
    let s = &card.state;
    match s.due {
        None => format!("new · EF {}", s.easiness),
        Some(due) => format!(
            "due {due} · interval {} d · n {} · EF {} · lapses {} · reviews {}",
            s.interval_days, s.repetitions, s.easiness, s.lapses, s.reviews
        ),
    }
}

pub fn render(card: &Card, history: &[Review]) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{} {}  {} · {}",
        paint::bold(&format!("#{}", card.id)),
        card.key,
        card.deck,
        card.kind.as_str()
    );
    if let Some(story) = &card.story {
        let _ = writeln!(out, "story: {story}");
    }
    if !card.answers.is_empty() {
        let _ = writeln!(out, "answers: {}", card.answers.join(", "));
    }
    let mut flags = Vec::new();
    if card.suspended {
        flags.push("suspended");
    }
    if card.retired {
        flags.push("retired");
    }
    if !flags.is_empty() {
        let _ = writeln!(out, "{}", paint::yellow(&flags.join(", ")));
    }
    let _ = writeln!(out, "{}", state_line(card));
    let _ = writeln!(out, "\n{}\n{}", paint::cyan("front"), sanitize(&card.front));
    if !card.back.is_empty() {
        let _ = writeln!(out, "\n{}\n{}", paint::cyan("back"), sanitize(&card.back));
    }
    if !card.points.is_empty() {
        let _ = writeln!(out, "\n{}", paint::cyan("key points"));
        for p in &card.points {
            let _ = writeln!(
                out,
                "  • {}",
                sanitize(crate::core::judge::recall::shown(p))
            );
        }
    }
    if let Some(why) = &card.why {
        let _ = writeln!(
            out,
            "\n{}\n{}",
            paint::cyan("what it probes"),
            sanitize(why)
        );
    }
    if !history.is_empty() {
        let _ = writeln!(out, "\n{}", paint::cyan("history"));
        for r in history {
            let _ = writeln!(
                out,
                "  {}  q{}  {:<9}  → {}",
                r.day,
                r.quality.get(),
                r.kind.as_str(),
                r.after
                    .due
                    .map(|d| d.to_string())
                    .unwrap_or_else(|| "new".into())
            );
        }
    }
    out
}
