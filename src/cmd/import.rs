//! `storydrill import`: a deck file (TOML) or a card file (Anki plain text, CSV) into the database
//! by stable keys, in one transaction.

use anyhow::Context;
use std::io::{BufRead, IsTerminal, Read};
use std::path::Path;

use super::{print, print_json, Ctx};
use crate::core::deck;
use crate::core::exchange::{self, Format, Row};
use crate::core::text::sanitize;
use crate::store::{Batches, ImportReport, Retire, WouldRetire};

/// Files above which a terminal gets a progress bar (about 1,000 notes of Anki-sized content).
const PROGRESS_ABOVE_BYTES: u64 = 1 << 20;
/// Files above which the import writes with a rollback journal (`Store::bulk`).
const BULK_BYTES: u64 = 1 << 20;
/// Rows read and written at a time: what an import holds in memory (10,000 notes of 400
/// characters are 12 MB), and how often the search index writes a segment.
const BATCH_ROWS: usize = 10_000;
/// Bytes read to tell a file's format.
const HEAD_BYTES: u64 = 1 << 16;

pub struct Options<'a> {
    pub dry_run: bool,
    pub replace: bool,
    pub json: bool,
    pub format: Option<Format>,
    pub deck: Option<&'a str>,
}

pub fn run(ctx: &mut Ctx, file: &Path, options: Options<'_>) -> anyhow::Result<()> {
    let (dry_run, replace, json) = (options.dry_run, options.replace, options.json);
    let format = match options.format {
        Some(format) => format,
        None => exchange::detect(&head(file)?),
    };
    let reports = match format {
        Format::Toml => {
            let text = super::add::read_text(file)?;
            import_text(ctx, file, text, options)?
        }
        Format::Anki | Format::Csv => {
            let size = std::fs::metadata(file).map_or(0, |m| m.len());
            let open = || -> anyhow::Result<Box<dyn BufRead>> {
                let f = std::fs::File::open(file)
                    .with_context(|| format!("could not read {}", file.display()))?;
                Ok(normalized(std::io::BufReader::with_capacity(1 << 16, f)))
            };
            card_file(ctx, file, &open, size, format, dry_run, options.deck)?
        }
    };
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
        Format::Anki | Format::Csv => {
            let open =
                || -> anyhow::Result<Box<dyn BufRead + '_>> { Ok(normalized(text.as_bytes())) };
            card_file(ctx, file, &open, text.len() as u64, format, dry_run, deck)?
        }
    };
    Ok(reports)
}

/// The start of a file, enough to tell its format.
fn head(file: &Path) -> anyhow::Result<String> {
    let f =
        std::fs::File::open(file).with_context(|| format!("could not read {}", file.display()))?;
    let mut bytes = Vec::new();
    normalized(std::io::BufReader::new(f))
        .take(HEAD_BYTES)
        .read_to_end(&mut bytes)
        .with_context(|| format!("could not read {}", file.display()))?;
    Ok(String::from_utf8_lossy(&bytes).into_owned())
}

/// A card file as its readers want it (`normalize_file_text`, streamed).
fn normalized<'a>(reader: impl BufRead + 'a) -> Box<dyn BufRead + 'a> {
    Box::new(std::io::BufReader::with_capacity(
        1 << 16,
        crate::core::text::Normalized::new(reader),
    ))
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

/// Imports a card file (Anki, CSV) a batch of rows at a time, in one transaction: `open` opens it
/// anew for each of the two passes (`exchange::check`, then the rows).
fn card_file<'t>(
    ctx: &mut Ctx,
    file: &Path,
    open: &dyn Fn() -> anyhow::Result<Box<dyn BufRead + 't>>,
    size: u64,
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
    exchange::check(&name, format, open()?)?;
    let mut reader = exchange::CardReader::new(&name, format, open()?, &default_deck)?;
    let bar = (size > PROGRESS_ABOVE_BYTES && std::io::stderr().is_terminal()).then(|| {
        let bar = indicatif::ProgressBar::new(size);
        bar.set_style(
            indicatif::ProgressStyle::with_template("importing {bar:40} {percent:>3}% {msg} {eta}")
                .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
        );
        bar
    });
    let mut write = |store: &mut crate::store::Store| -> anyhow::Result<Vec<ImportReport>> {
        let mut batches = store.batches()?;
        let mut cards = 0;
        loop {
            let mut batch = Vec::with_capacity(BATCH_ROWS);
            while batch.len() < BATCH_ROWS {
                match reader.next_row()? {
                    Some(row) => batch.push(row),
                    None => break,
                }
            }
            if batch.is_empty() {
                break;
            }
            cards += batch.len();
            write_batch(&name, &mut batches, batch)?;
            if let Some(bar) = &bar {
                bar.set_position(reader.bytes_read());
                bar.set_message(format!("{cards} cards"));
            }
        }
        if cards == 0 {
            anyhow::bail!("{name}: no cards in the file; nothing was imported");
        }
        batches.finish(dry_run)
    };
    let reports = if dry_run || size < BULK_BYTES {
        write(&mut ctx.store)
    } else {
        ctx.store.bulk(write)
    }
    .with_context(|| format!("could not import {name}; nothing was changed"))?;
    if let Some(bar) = bar {
        bar.finish_and_clear();
    }
    Ok(reports)
}

/// One batch of a card file's rows into their decks: each row's key once in the file and not
/// another deck's, then each deck's rows merged into the part of the deck they touch.
fn write_batch(name: &str, batches: &mut Batches<'_>, rows: Vec<Row>) -> anyhow::Result<()> {
    let mut decks: Vec<String> = Vec::new();
    for r in &rows {
        if let Some(first) = batches.claim_key(&r.key, r.line)? {
            anyhow::bail!(
                "{name}:{}: duplicate key {:?} (also on line {first})",
                r.line,
                r.key
            );
        }
        if let Some(other) = batches
            .lookup()
            .deck_of_card(&r.key)?
            .filter(|o| *o != r.deck)
        {
            anyhow::bail!(
                "{name}:{}: card key {:?} already belongs to deck {other:?}",
                r.line,
                r.key
            );
        }
        if !decks.contains(&r.deck) {
            decks.push(r.deck.clone());
        }
    }
    // Each deck's rows move into it, their texts with them.
    let mut rows = rows;
    for d in &decks {
        let (mine, rest): (Vec<Row>, Vec<Row>) = std::mem::take(&mut rows)
            .into_iter()
            .partition(|r| r.deck == *d);
        rows = rest;
        let keys: Vec<String> = mine.iter().map(|r| r.key.clone()).collect();
        let keys: Vec<&str> = keys.iter().map(String::as_str).collect();
        let mut part = batches.deck_part(d, &keys)?;
        let lookup = batches.lookup();
        exchange::merge(name, &mut part, mine, &|k| lookup.story_exists(k))?;
        batches.write_part(&part, &keys)?;
    }
    Ok(())
}
