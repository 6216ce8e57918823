//! `storydrill export`: a deck as its TOML file (lossless), an Anki plain-text file or CSV.

use anyhow::Context;
use std::collections::HashMap;
use std::path::Path;

use super::{print, Ctx};
use crate::core::deck;
use crate::core::exchange::{self, Format, Row};
use crate::core::text::is_hidden_control;
use crate::store::CardFilter;

pub fn run(ctx: &Ctx, name: &str, output: Option<&Path>, format: Format) -> anyhow::Result<()> {
    let text = match format {
        Format::Toml => deck::to_toml(&ctx.store.export_deck(name)?),
        Format::Anki | Format::Csv => {
            ctx.store.require_deck(name)?;
            let rows: Vec<Row> = ctx
                .store
                .cards(&CardFilter {
                    deck: Some(name.to_string()),
                    ..Default::default()
                })?
                .into_iter()
                .map(Row::from)
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
        None => {
            // A file from a stranger must not drive the terminal: standard output never carries
            // raw controls. TOML and Anki files escape them losslessly; CSV has no escape for
            // them, so they are left out here, and `-o FILE` keeps them.
            let shown: String = text
                .chars()
                .filter(|c| matches!(c, '\n' | '\t' | '\r') || !is_hidden_control(*c))
                .collect();
            let dropped = text.chars().count() - shown.chars().count();
            if dropped > 0 {
                eprintln!(
                    "storydrill: {dropped} control character(s) of the deck's text were left out of \
                     standard output; `--output FILE` writes them as they are"
                );
            }
            print(&shown)
        }
        Some(path) => {
            // Write beside the target and rename, so a failure never leaves half a file, nor the
            // temporary one (a full disk).
            let tmp = path.with_extension("storydrill-tmp");
            let written = std::fs::write(&tmp, &text).and_then(|()| std::fs::rename(&tmp, path));
            if let Err(e) = written {
                let _ = std::fs::remove_file(&tmp);
                return Err(e).with_context(|| format!("could not write {}", path.display()));
            }
            Ok(())
        }
    }
}
