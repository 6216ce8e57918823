//! `storydrill export`: a deck back to its TOML file form.

use anyhow::Context;
use std::path::Path;

use super::{print, Ctx};
use crate::deck;

pub fn run(ctx: &Ctx, name: &str, output: Option<&Path>) -> anyhow::Result<()> {
    let text = deck::to_toml(&ctx.store.export_deck(name)?);
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
