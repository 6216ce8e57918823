//! `storydrill check`: judge a telling against a story's key points, as the session would, without
//! recording anything.

use std::io::Read;
use std::path::Path;

use anyhow::Context;
use serde::Serialize;

use super::{print, print_json, Ctx};
use crate::core::judge::{recall, Verdict};
use crate::core::text::sanitize;
use crate::paint;

/// The longest telling read: the session takes at most this much too.
const MAX_TELLING_BYTES: u64 = 64 * 1024;

#[derive(Serialize)]
struct CheckJson<'a> {
    story: &'a str,
    points: Vec<PointJson<'a>>,
    covered: usize,
    total: usize,
    contradicted: usize,
    /// Another story this telling tells instead (its key), or null.
    instead: Option<&'a str>,
    /// The share of the story's key-point vocabulary the telling uses.
    topic: f64,
    suggested: u8,
}

#[derive(Serialize)]
struct PointJson<'a> {
    text: &'a str,
    covered: bool,
    reason: String,
    /// The share of the point's words said in the stretch that said most of them.
    share: f64,
}

pub struct Args<'a> {
    pub story: &'a str,
    pub file: Option<&'a Path>,
    pub points: &'a [String],
    pub json: bool,
}

pub fn run(ctx: &Ctx, args: &Args<'_>) -> anyhow::Result<()> {
    let key = ctx.store.story_key(args.story)?;
    let story = ctx
        .store
        .story(&key)?
        .with_context(|| format!("no story {key}"))?;
    let points = if args.points.is_empty() {
        story.points.clone()
    } else {
        args.points.to_vec()
    };
    if points.is_empty() {
        anyhow::bail!(
            "story {key} has no key points to judge a telling by (add them with `storydrill edit {key}`, or pass --point)"
        );
    }
    let telling = read_telling(args.file)?;
    let synonyms = ctx.store.synonyms_for_story(&key)?;
    let mut verdict = Verdict::of(&telling, &points, &synonyms);
    if verdict.may_tell_another() {
        let rivals = ctx.store.rival_points(&key, crate::core::judge::RIVALS)?;
        verdict.against(&telling, &rivals, &synonyms);
    }
    let covered = verdict.covered().iter().filter(|c| **c).count();
    if args.json {
        return print_json(&CheckJson {
            story: &key,
            points: points
                .iter()
                .zip(&verdict.points)
                .map(|(text, j)| PointJson {
                    text: recall::shown(text),
                    covered: j.covered,
                    reason: j.reason.to_string(),
                    share: (j.share * 100.0).round() / 100.0,
                })
                .collect(),
            covered,
            total: points.len(),
            contradicted: verdict.contradicted(),
            instead: verdict.instead.as_deref(),
            topic: (verdict.topic * 100.0).round() / 100.0,
            suggested: verdict.suggested(),
        });
    }
    let mut out = String::new();
    for (i, (text, j)) in points.iter().zip(&verdict.points).enumerate() {
        out.push_str(&point_line(i + 1, text, j));
    }
    if let Some(other) = &verdict.instead {
        out.push_str(&format!("{}\n", instead_text(&ctx.store, other)?));
    }
    out.push_str(&format!(
        "covered {covered} of {} key points{} · suggested grade {}\n",
        points.len(),
        match verdict.contradicted() {
            0 => String::new(),
            n => format!(", {n} contradicted"),
        },
        verdict.suggested()
    ));
    print(&out)
}

/// "this sounds like a telling of 17 促销业务如何做表设计 (promo-table-design)": for a telling of
/// another story.
pub fn instead_text(store: &crate::store::Store, other: &str) -> anyhow::Result<String> {
    let title = store
        .story(other)?
        .map(|s| format!("{} {} ({other})", s.number, sanitize(&s.title)))
        .unwrap_or_else(|| other.to_string());
    Ok(paint::yellow(&format!(
        "this sounds like a telling of {title}: suggested 0"
    )))
}

/// One judged point as the session and `check` show it: its number, ✓ or ✗, the point, and why.
pub fn point_line(number: usize, text: &str, j: &recall::Judged) -> String {
    let mark = if j.covered {
        paint::green("✓")
    } else {
        paint::red("✗")
    };
    let why = match &j.reason {
        recall::Reason::Said | recall::Reason::NotSaid => String::new(),
        reason => paint::dimmed(&format!(" — {}", sanitize(&reason.to_string()))),
    };
    format!(
        "  {number:>2} {mark} {}{why}\n",
        sanitize(recall::shown(text))
    )
}

fn read_telling(file: Option<&Path>) -> anyhow::Result<String> {
    let mut bytes = Vec::new();
    let what = match file {
        None => "standard input".to_string(),
        Some(p) if p == Path::new("-") => "standard input".to_string(),
        Some(p) => p.display().to_string(),
    };
    let reader: Box<dyn Read> = match file {
        Some(p) if p != Path::new("-") => {
            Box::new(std::fs::File::open(p).with_context(|| format!("cannot read {what}"))?)
        }
        _ => {
            if std::io::IsTerminal::is_terminal(&std::io::stdin()) {
                eprintln!("type or paste the telling, then Ctrl-D on a line of its own");
            }
            Box::new(std::io::stdin())
        }
    };
    reader
        .take(MAX_TELLING_BYTES + 1)
        .read_to_end(&mut bytes)
        .with_context(|| format!("cannot read {what}"))?;
    if bytes.len() as u64 > MAX_TELLING_BYTES {
        anyhow::bail!("{what}: a telling is at most {MAX_TELLING_BYTES} bytes");
    }
    String::from_utf8(bytes).with_context(|| format!("{what}: a telling must be UTF-8 text"))
}
