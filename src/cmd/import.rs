//! `storydrill import`: a deck file into the database by stable keys.

use anyhow::Context;
use std::path::Path;

use super::{print, print_json, Ctx};
use crate::deck;

pub fn run(ctx: &mut Ctx, file: &Path, dry_run: bool, json: bool) -> anyhow::Result<()> {
    let bytes =
        std::fs::read(file).with_context(|| format!("could not read {}", file.display()))?;
    let name = file.display().to_string();
    let text = String::from_utf8(bytes).map_err(|e| {
        let offset = e.utf8_error().valid_up_to();
        let head = &e.as_bytes()[..offset];
        let line = head.iter().filter(|b| **b == b'\n').count() + 1;
        anyhow::anyhow!("{name}:{line}: the file is not UTF-8 text")
    })?;
    let store = &ctx.store;
    let parsed = deck::parse(&name, &text, &|key| {
        store.story_exists(key).unwrap_or(false)
    })?;
    let report = if dry_run {
        ctx.store.preview_import(&parsed)
    } else {
        ctx.store.import_deck(&parsed)
    }
    .with_context(|| format!("could not import {name}"))?;
    if json {
        return print_json(&report);
    }
    let verb = if dry_run { "would import" } else { "imported" };
    print(&format!(
        "{verb} deck {}: {} added, {} updated, {} unchanged, {} retired\n",
        report.deck, report.added, report.updated, report.unchanged, report.retired
    ))
}
