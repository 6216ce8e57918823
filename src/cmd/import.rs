//! `storydrill import`: a deck file (TOML) or a card file (Anki plain text, CSV) into the database
//! by stable keys, in one transaction.

use anyhow::Context;
use std::io::IsTerminal;
use std::path::Path;

use super::{print, print_json, Ctx};
use crate::core::deck;
use crate::core::exchange::{self, Format, Row};
use crate::core::text::sanitize;
use crate::store::{ImportReport, Retire, WouldRetire};

/// Rows above which a terminal gets a progress bar.
const PROGRESS_ABOVE: usize = 5_000;

pub struct Options<'a> {
    pub dry_run: bool,
    pub replace: bool,
    pub json: bool,
    pub format: Option<Format>,
    pub deck: Option<&'a str>,
}

pub fn run(ctx: &mut Ctx, file: &Path, options: Options<'_>) -> anyhow::Result<()> {
    let text = super::add::read_text(file)?;
    let (dry_run, replace, json) = (options.dry_run, options.replace, options.json);
    let reports = import_text(ctx, file, text, options)?;
    if json {
        return match reports.as_slice() {
            [one] => print_json(one),
            many => print_json(&many),
        };
    }
    let verb = if dry_run { "would import" } else { "imported" };
    for report in &reports {
        super::stories::warn(&report.warnings);
    }
    let mut out = String::new();
    for report in &reports {
        out.push_str(&format!(
            "{verb} deck {}: {} added, {} updated, {} unchanged, {} retired\n",
            report.deck, report.added, report.updated, report.unchanged, report.retired
        ));
        if report.takes_away() {
            let would = if dry_run { "would " } else { "" };
            out.push_str(&format!(
                "  {would}{}{}\n",
                takes_away(report),
                if dry_run && !replace {
                    " (needs --replace)"
                } else {
                    ""
                }
            ));
        }
        if report.updated > 0 && !dry_run {
            out.push_str(
                "  the earlier text of each updated entry is kept: `storydrill revisions KEY`\n",
            );
        }
    }
    print(&out)
}

/// Imports `text`, read from `file`: all of `storydrill import` except reading the file and
/// printing (the fuzz harness runs it on mutated files). A refused import changes nothing.
pub fn import_text(
    ctx: &mut Ctx,
    file: &Path,
    text: String,
    options: Options<'_>,
) -> anyhow::Result<Vec<ImportReport>> {
    let Options {
        dry_run,
        replace,
        json,
        format,
        deck,
    } = options;
    let name = file.display().to_string();
    let format = format.unwrap_or_else(|| exchange::detect(&text));
    let reports = match format {
        Format::Toml => {
            let store = &ctx.store;
            let parsed = deck::parse(&name, &text, &|key| {
                store.story_exists(key).unwrap_or(false)
            })?;
            let retire = if replace {
                Retire::Allow
            } else {
                Retire::Refuse
            };
            let report = if dry_run {
                ctx.store.preview_import(&parsed)
            } else {
                match ctx.store.import_deck(&parsed, retire) {
                    Err(e) => match e.downcast::<WouldRetire>() {
                        Ok(WouldRetire(refused)) => {
                            let what = takes_away(&refused);
                            if json || !std::io::stdin().is_terminal() {
                                anyhow::bail!(
                                    "{name}: importing it would {what}. Nothing was changed. To do \
                                     it, pass --replace (the review history is kept); --dry-run \
                                     lists what would change"
                                );
                            }
                            let question = format!("importing {name} would {what}. Do it?");
                            let mut input = crate::prompt::stdin()?;
                            if !input.confirm(&question, false, &mut std::io::sink())? {
                                anyhow::bail!("{name}: not imported; nothing was changed");
                            }
                            ctx.store.import_deck(&parsed, Retire::Allow)
                        }
                        Err(e) => Err(e),
                    },
                    done => done,
                }
            }
            .with_context(|| format!("could not import {name}"))?;
            let mut report = report;
            let stories: Vec<crate::core::judge::CatalogEntry> = parsed
                .stories
                .iter()
                .map(|s| crate::core::judge::CatalogEntry {
                    key: s.key.clone(),
                    number: s.number.unwrap_or(0),
                    title: s.title.clone(),
                    aliases: s.aliases.clone(),
                })
                .collect();
            report.warnings = super::stories::alias_warnings(ctx, &stories)?;
            vec![report]
        }
        Format::Anki | Format::Csv => card_file(ctx, file, text, format, dry_run, deck)?,
    };
    Ok(reports)
}

/// "retire 3 cards of deck mine (a.recall, b.q1, c.q2) and delete the filled answers of self-intro"
fn takes_away(report: &ImportReport) -> String {
    const LISTED: usize = 8;
    let mut parts = Vec::new();
    if report.retired > 0 {
        let mut keys: Vec<String> = report
            .retired_keys
            .iter()
            .take(LISTED)
            .map(|k| sanitize(k))
            .collect();
        if report.retired_keys.len() > LISTED {
            keys.push(format!("and {} more", report.retired_keys.len() - LISTED));
        }
        let stories = report
            .retired_keys
            .iter()
            .filter(|k| k.ends_with(".recall"))
            .count();
        parts.push(format!(
            "retire {} card{} of deck {} ({}){}",
            report.retired,
            if report.retired == 1 { "" } else { "s" },
            sanitize(&report.deck),
            keys.join(", "),
            match stories {
                0 => String::new(),
                1 => ", its story with its .recall card".to_string(),
                n => format!(", {n} stories with their .recall cards"),
            }
        ));
    }
    if !report.filled_deleted.is_empty() {
        let templates: Vec<String> = report.filled_deleted.iter().map(|t| sanitize(t)).collect();
        parts.push(format!(
            "delete your filled answers of {} (and their cards)",
            templates.join(", ")
        ));
    }
    parts.join(" and ")
}

fn card_file(
    ctx: &mut Ctx,
    file: &Path,
    text: String,
    format: Format,
    dry_run: bool,
    deck: Option<&str>,
) -> anyhow::Result<Vec<ImportReport>> {
    let name = file.display().to_string();
    let default_deck = match deck {
        Some(d) => {
            deck::check_deck_name(d).map_err(anyhow::Error::msg)?;
            d.to_string()
        }
        None => exchange::deck_name(
            &file
                .file_stem()
                .map(|s| s.to_string_lossy().into_owned())
                .unwrap_or_default(),
        ),
    };
    let rows = if format == Format::Anki {
        exchange::parse_anki(&name, &text, &default_deck)?
    } else {
        exchange::parse_csv(&name, &text, &default_deck)?
    };
    // The rows own their texts: the file's is not needed any more.
    drop(text);
    if rows.is_empty() {
        anyhow::bail!("{name}: no cards in the file; nothing was imported");
    }
    let mut names: Vec<String> = Vec::new();
    for r in &rows {
        if !names.contains(&r.deck) {
            names.push(r.deck.clone());
        }
    }
    let bar = (rows.len() > PROGRESS_ABOVE && std::io::stderr().is_terminal()).then(|| {
        let bar = indicatif::ProgressBar::new(rows.len() as u64);
        bar.set_style(
            indicatif::ProgressStyle::with_template("importing {bar:40} {pos}/{len} cards {eta}")
                .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
        );
        bar
    });
    let mut progress = |done: usize, _total: usize| {
        if let Some(bar) = &bar {
            bar.set_position(done as u64);
        }
    };
    let (_, reports) = ctx
        .store
        .update_decks(&names, dry_run, &mut progress, |decks, lookup| {
            for r in &rows {
                if let Some(other) = lookup.deck_of_card(&r.key)?.filter(|o| *o != r.deck) {
                    anyhow::bail!(
                        "{name}:{}: card key {:?} already belongs to deck {other:?}",
                        r.line,
                        r.key
                    );
                }
            }
            // Each deck's rows move into it, their texts with them.
            let mut rows = rows;
            for d in decks.iter_mut() {
                let (mine, rest): (Vec<Row>, Vec<Row>) = std::mem::take(&mut rows)
                    .into_iter()
                    .partition(|r| r.deck == d.name);
                rows = rest;
                exchange::merge(&name, d, mine, &|k| lookup.story_exists(k))?;
            }
            Ok(())
        })
        .with_context(|| format!("could not import {name}; nothing was changed"))?;
    if let Some(bar) = bar {
        bar.finish_and_clear();
    }
    Ok(reports)
}
