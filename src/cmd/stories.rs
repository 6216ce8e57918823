//! `storydrill stories`: the story catalog.

use serde::Serialize;

use super::{print, print_json, Ctx};
use crate::core::text::{pad, sanitize, truncate};

#[derive(Serialize)]
struct StoryJson<'a> {
    number: u32,
    key: &'a str,
    title: &'a str,
    deck: &'a str,
    kind: &'a str,
    source: &'a str,
    aliases: &'a [String],
}

pub fn run(ctx: &Ctx, json: bool) -> anyhow::Result<()> {
    let stories = ctx.store.stories()?;
    if json {
        let rows: Vec<StoryJson<'_>> = stories
            .iter()
            .map(|s| StoryJson {
                number: s.number,
                key: &s.key,
                title: &s.title,
                deck: &s.deck,
                kind: s.kind.as_str(),
                source: s.source.as_str(),
                aliases: &s.aliases,
            })
            .collect();
        return print_json(&rows);
    }
    let mut out = String::new();
    for s in &stories {
        out.push_str(&format!(
            "{:>3}  {}  {}  {}{}\n",
            s.number,
            pad(&truncate(&sanitize(&s.title), 34), 34),
            pad(&s.key, 20),
            s.deck,
            if s.source == crate::core::deck::Source::Written {
                " (written)"
            } else {
                ""
            }
        ));
    }
    print(&out)
}

/// Warnings for aliases of `stories` that another story has too: answering one of them asks
/// which story is meant, so it names neither.
pub fn alias_warnings(
    ctx: &Ctx,
    stories: &[crate::core::judge::CatalogEntry],
) -> anyhow::Result<Vec<String>> {
    let catalog = ctx.store.catalog()?;
    Ok(crate::core::judge::collisions(stories, &catalog)
        .into_iter()
        .map(|c| {
            format!(
                "alias {} of {} is also {}: answering it asks which one is meant",
                crate::core::text::quote(&c.alias),
                c.keys[0],
                c.keys[1..].join(", ")
            )
        })
        .collect())
}

/// Prints warnings on standard error, where they do not mix with `--json` output.
pub fn warn(warnings: &[String]) {
    for w in warnings {
        eprintln!(
            "storydrill: warning: {}",
            crate::core::text::escape_controls(w)
        );
    }
}
