//! `storydrill export`: a deck as its TOML file (lossless), an Anki plain-text file or CSV.

use anyhow::Context;
use std::collections::HashMap;
use std::path::Path;

use super::{print, Ctx};
use crate::deck;
use crate::exchange::{self, Format, Row};
use crate::store::CardFilter;

pub fn run(ctx: &Ctx, name: &str, output: Option<&Path>, format: Format) -> anyhow::Result<()> {
    let text = match format {
        Format::Toml => deck::to_toml(&ctx.store.export_deck(name)?),
        Format::Anki | Format::Csv => {
            if !ctx.store.deck_exists(name)? {
                anyhow::bail!("no deck named {name:?} (see `storydrill decks`)");
            }
            let rows: Vec<Row> = ctx
                .store
                .cards(&CardFilter {
                    deck: Some(name.to_string()),
                    ..Default::default()
                })?
                .into_iter()
                .map(|c| Row {
                    line: 0,
                    deck: c.deck,
                    kind: c.kind,
                    key: c.key,
                    front: c.front,
                    back: c.back,
                    tags: c.tags,
                    story: c.story,
                    answers: c.answers,
                })
                .collect();
            if format == Format::Anki {
                let titles: HashMap<String, String> = ctx
                    .store
                    .stories()?
                    .into_iter()
                    .map(|s| (s.key, format!("{} {}", s.number, s.title)))
                    .collect();
                exchange::to_anki(&rows, &titles)
            } else {
                exchange::to_csv(&rows)
            }
        }
    };
    match output {
        None => print(&text),
        Some(path) => {
            // Write beside the target and rename, so a failure never leaves half a file.
            let tmp = path.with_extension("storydrill-tmp");
            std::fs::write(&tmp, &text)
                .with_context(|| format!("could not write {}", tmp.display()))?;
            std::fs::rename(&tmp, path)
                .with_context(|| format!("could not write {}", path.display()))?;
            Ok(())
        }
    }
}
