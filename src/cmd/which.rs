//! `storydrill which`: resolve an answer to "which story fits?" the way the session does.

use serde::Serialize;

use super::{print, print_json, Ctx};
use crate::core::judge::{self, Resolution};
use crate::core::text::sanitize;

#[derive(Serialize)]
struct WhichJson<'a> {
    answer: &'a str,
    resolved: Option<&'a str>,
    ambiguous: &'a [String],
    suggestions: &'a [String],
}

pub fn run(ctx: &Ctx, answer: &str, json: bool) -> anyhow::Result<()> {
    let catalog = ctx.store.catalog()?;
    let synonyms = ctx.store.synonyms_for_answers()?;
    let mut resolution = judge::resolve(answer, &catalog, &synonyms);
    if matches!(resolution, Resolution::Unknown { .. }) {
        if let Some(key) = judge::resolve_by_points(answer, &ctx.store.story_points()?, &synonyms) {
            resolution = Resolution::Story(key);
        }
    }
    let none: Vec<String> = Vec::new();
    let (resolved, ambiguous, suggestions) = match &resolution {
        Resolution::Story(key) => (Some(key.as_str()), &none, &none),
        Resolution::Ambiguous(keys) => (None, keys, &none),
        Resolution::Unknown { suggestions } => (None, &none, suggestions),
        Resolution::DontKnow => (None, &none, &none),
    };
    if json {
        return print_json(&WhichJson {
            answer,
            resolved,
            ambiguous,
            suggestions,
        });
    }
    let label = |key: &str| -> String {
        catalog
            .iter()
            .find(|e| e.key == key)
            .map(|e| format!("{} {} ({key})", e.number, sanitize(&e.title)))
            .unwrap_or_else(|| key.to_string())
    };
    let out = match &resolution {
        Resolution::Story(key) => format!("{}\n", label(key)),
        Resolution::Ambiguous(keys) => format!(
            "ambiguous: it fits {}\n",
            keys.iter().map(|k| label(k)).collect::<Vec<_>>().join(", ")
        ),
        Resolution::Unknown { suggestions } if !suggestions.is_empty() => format!(
            "no story matches; did you mean {}?\n",
            suggestions
                .iter()
                .map(|k| label(k))
                .collect::<Vec<_>>()
                .join(" or ")
        ),
        Resolution::Unknown { .. } => "no story matches\n".to_string(),
        Resolution::DontKnow => "an empty answer means \"don't know\"\n".to_string(),
    };
    print(&out)
}
