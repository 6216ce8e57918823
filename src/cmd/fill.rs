//! `storydrill fill [TEMPLATE]`: fill a template with your own facts, blank by blank.

use anyhow::bail;
use clap::Args;

use super::{print, print_json, Ctx};
use crate::core::arch;
use crate::core::deck::{self, Filled, StoryKind};
use crate::core::fill::{self, Slot};
use crate::core::model::CatalogStory;
use crate::core::text::{sanitize, truncate};
use crate::prompt::{self, Input};

#[derive(Debug, Args)]
pub struct FillArgs {
    /// The template to fill: key or number (none: list the templates)
    pub template: Option<String>,
    /// The deck your filled templates go into
    #[arg(long, default_value = "mine")]
    pub deck: String,
    /// Print the cards made and any warnings as JSON
    #[arg(long)]
    pub json: bool,
}

#[derive(serde::Serialize)]
struct FillJson {
    key: String,
    cards: Vec<i64>,
    answered: usize,
    blanks: usize,
    warnings: Vec<String>,
}

/// Templates with blanks, in catalog order.
fn templates(ctx: &Ctx) -> anyhow::Result<Vec<(CatalogStory, Vec<Slot>)>> {
    Ok(ctx
        .store
        .stories()?
        .into_iter()
        .filter(|s| s.kind == StoryKind::Template)
        .map(|s| {
            let blanks = fill::blanks(&s.key, &s.text);
            (s, blanks)
        })
        .filter(|(_, b)| !b.is_empty())
        .collect())
}

fn previous(ctx: &Ctx, deck: &str, template: &str) -> anyhow::Result<Vec<String>> {
    if !ctx.store.deck_exists(deck)? {
        return Ok(vec![]);
    }
    Ok(ctx
        .store
        .export_deck(deck)?
        .filled
        .into_iter()
        .find(|f| f.template == template)
        .map(|f| f.answers)
        .unwrap_or_default())
}

pub fn run(ctx: &mut Ctx, args: &FillArgs) -> anyhow::Result<()> {
    deck::check_deck_name(&args.deck).map_err(anyhow::Error::msg)?;
    let all = templates(ctx)?;
    let Some(reference) = &args.template else {
        let mut out = String::new();
        let width = all
            .iter()
            .map(|(s, _)| s.key.chars().count())
            .max()
            .unwrap_or(0);
        for (s, blanks) in &all {
            let answered = previous(ctx, &args.deck, &s.key)?
                .iter()
                .filter(|a| !a.is_empty())
                .count();
            out.push_str(&format!(
                "{:>3}  {:<width$} {}  {answered}/{} filled\n",
                s.number,
                s.key,
                crate::core::text::pad(&truncate(&sanitize(&s.title), 30), 30),
                blanks.len()
            ));
        }
        out.push_str("\nfill one with `storydrill fill KEY`\n");
        return print(&out);
    };
    let reference = reference.trim();
    let Some((story, blanks)) = all
        .iter()
        .find(|(s, _)| s.key == reference || s.number.to_string() == reference)
    else {
        let names: Vec<&str> = all.iter().map(|(s, _)| s.key.as_str()).collect();
        bail!(
            "unknown template {reference:?} (templates: {})",
            names.join(", ")
        );
    };
    let mut answers = previous(ctx, &args.deck, &story.key)?;
    answers.resize(blanks.len(), String::new());
    let mut input = prompt::stdin()?;
    let quiet = &mut std::io::sink();
    let terminal = input.is_terminal();
    if terminal {
        eprintln!(
            "{}: {} blanks. Enter keeps the answer in [brackets], `:-` clears it, `:q` stops \
             (what you entered is kept), Ctrl-C cancels without saving.",
            sanitize(&story.title),
            blanks.len()
        );
        if story.key == "architecture" {
            eprintln!(
                "Numbers: where the template says 万, answer in 万 (\"500\" = 500万). 并发 and 数据库QPS \
                 are what one machine handles per second."
            );
        }
    }
    let mut entered = ask_blanks(&mut *input, blanks, &mut answers)?;
    // The architecture numbers are checked before saving, so a slip is corrected while the user
    // is at it (piped input gets the same check as warnings after saving).
    if terminal && story.key == "architecture" {
        loop {
            let warnings = architecture_warnings(blanks, &answers);
            if warnings.is_empty() {
                break;
            }
            for w in &warnings {
                eprintln!("check: {}", crate::core::text::escape_controls(w));
            }
            if !input.confirm("correct them now (Enter keeps an answer)?", true, quiet)? {
                break;
            }
            entered += ask_blanks(&mut *input, blanks, &mut answers)?;
        }
    }
    if terminal && !input.confirm(&format!("save {entered} new answer(s)?"), true, quiet)? {
        return print("nothing saved\n");
    }
    if answers.iter().all(|a| a.is_empty()) {
        bail!("no answers given; nothing was saved");
    }
    while answers.last().is_some_and(|a| a.is_empty()) {
        answers.pop();
    }
    let template = story.key.clone();
    let filled = Filled {
        template: template.clone(),
        answers: answers.clone(),
    };
    ctx.store.update_decks(
        std::slice::from_ref(&args.deck),
        false,
        &mut |_, _| {},
        |decks, _| {
            let d = &mut decks[0];
            match d.filled.iter_mut().find(|f| f.template == template) {
                Some(slot) => *slot = filled,
                None => d.filled.push(filled),
            }
            Ok(())
        },
    )?;

    let key = deck::filled_key(&args.deck, &template);
    let cards: Vec<crate::core::model::Card> = ctx
        .store
        .cards(&crate::store::CardFilter {
            deck: Some(args.deck.clone()),
            ..Default::default()
        })?
        .into_iter()
        .filter(|c| c.key == key || c.key.starts_with(&format!("{key}.")))
        .collect();
    let warnings = if template == "architecture" {
        architecture_warnings(blanks, &answers)
    } else {
        vec![]
    };
    let answered = answers.iter().filter(|a| !a.is_empty()).count();
    if args.json {
        return print_json(&FillJson {
            key,
            cards: cards.iter().map(|c| c.id.0).collect(),
            answered,
            blanks: blanks.len(),
            warnings,
        });
    }
    for w in &warnings {
        eprintln!("warning: {}", crate::core::text::escape_controls(w));
    }
    print(&format!(
        "saved {answered} of {} answers for {} in deck {}: recall card {key} and {} card(s) for your facts\n",
        blanks.len(),
        template,
        args.deck,
        cards.len().saturating_sub(1)
    ))
}

/// Asks each blank in turn, the answer so far in [brackets] (Enter keeps it, `:-` clears it, `:q`
/// or the end of input stops); returns how many answers were typed.
fn ask_blanks(
    input: &mut dyn prompt::Prompt,
    blanks: &[Slot],
    answers: &mut [String],
) -> anyhow::Result<usize> {
    let quiet = &mut std::io::sink();
    let mut entered = 0;
    for i in 0..blanks.len() {
        let shown = fill::question(blanks, answers, i);
        let old = &answers[i];
        let prompt = if old.is_empty() {
            format!("{shown}: ")
        } else {
            format!("{shown} [{}]: ", truncate(old, 30))
        };
        match input.read(&prompt, quiet)? {
            Input::Interrupted => bail!("interrupted; nothing was saved"),
            Input::Eof => break,
            Input::Line(l) => match l.trim() {
                ":q" => break,
                "" => {}
                ":-" => answers[i].clear(),
                text => {
                    answers[i] = text.to_string();
                    entered += 1;
                }
            },
        }
    }
    Ok(entered)
}

/// The architecture check's findings, one line each.
fn architecture_warnings(blanks: &[Slot], answers: &[String]) -> Vec<String> {
    let figures = arch::figures(blanks, answers);
    let (_, wrong) = arch::check(&figures);
    wrong.iter().map(|m| m.to_string()).collect()
}
