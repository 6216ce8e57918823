//! `storydrill add story|question|card`: the user's own cards, into their deck (`mine` by default).

use anyhow::{bail, Context};
use clap::{Args, Subcommand};
use std::path::PathBuf;

use super::{print, print_json, Ctx};
use crate::core::deck::{self, Basic, Deck, Question, Source, StoryKind};
use crate::core::text::sanitize;
use crate::edit::{edit_text, EnvEditor};
use crate::prompt::{self, Input};
use crate::store::Lookup;

#[derive(Debug, Subcommand)]
pub enum AddWhat {
    /// A story of your own, with its recall card and one match card per question
    Story(StoryArgs),
    /// An interview question that existing stories answer (a match card)
    Question(QuestionArgs),
    /// A basic front/back card
    Card(CardArgs),
}

#[derive(Debug, Args)]
pub struct StoryArgs {
    /// The title (asked when missing)
    #[arg(long)]
    pub title: Option<String>,
    /// Read the story's text from this file (asked when missing)
    #[arg(long, value_name = "FILE")]
    pub text_file: Option<PathBuf>,
    /// A key point a good telling must contain (repeat for more)
    #[arg(long = "point", value_name = "TEXT")]
    pub points: Vec<String>,
    /// An interview question this story answers (repeat for more)
    #[arg(long = "question", value_name = "TEXT")]
    pub questions: Vec<String>,
    /// Another name you may answer "which story fits" with (repeat for more)
    #[arg(long = "alias", value_name = "TEXT")]
    pub aliases: Vec<String>,
    /// Write the text in $VISUAL / $EDITOR
    #[arg(long)]
    pub editor: bool,
    /// The deck it goes into
    #[arg(long, default_value = "mine")]
    pub deck: String,
    /// Print the new story's key and card ids as JSON
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct QuestionArgs {
    /// The question, as an interviewer would ask it
    pub text: String,
    /// The stories that answer it, best first: key or number (repeat for more)
    #[arg(long = "story", value_name = "KEY_OR_NUMBER", required = true)]
    pub stories: Vec<String>,
    /// Why these stories fit (shown after answering)
    #[arg(long)]
    pub why: Option<String>,
    /// The deck it goes into
    #[arg(long, default_value = "mine")]
    pub deck: String,
    /// Print the new card's key and id as JSON
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct CardArgs {
    /// The question side
    #[arg(long)]
    pub front: String,
    /// The answer side
    #[arg(long, default_value = "")]
    pub back: String,
    /// The deck it goes into
    #[arg(long, default_value = "mine")]
    pub deck: String,
    /// A tag (repeat for more)
    #[arg(long = "tag", value_name = "TAG")]
    pub tags: Vec<String>,
    /// Print the new card's key and id as JSON
    #[arg(long)]
    pub json: bool,
}

#[derive(serde::Serialize)]
struct Added {
    key: String,
    cards: Vec<i64>,
}

pub fn run(ctx: &mut Ctx, what: AddWhat) -> anyhow::Result<()> {
    match what {
        AddWhat::Story(args) => story(ctx, args),
        AddWhat::Question(args) => question(ctx, args),
        AddWhat::Card(args) => card(ctx, args),
    }
}

const INTERRUPTED: &str = "interrupted; nothing was saved";

fn story(ctx: &mut Ctx, args: StoryArgs) -> anyhow::Result<()> {
    deck::check_deck_name(&args.deck).map_err(anyhow::Error::msg)?;
    let mut title = args.title.clone();
    let mut text = match &args.text_file {
        Some(path) => Some(read_text(path)?),
        None => None,
    };
    let mut points = args.points.clone();
    let mut questions = args.questions.clone();
    let ask_more = title.is_none() || (text.is_none() && !args.editor);
    if title.is_none() || text.is_none() {
        let mut input = prompt::stdin()?;
        let quiet = &mut std::io::sink();
        let terminal = input.is_terminal();
        if title.is_none() {
            match input.read("title: ", quiet)? {
                Input::Line(l) => title = Some(l),
                Input::Interrupted => bail!(INTERRUPTED),
                Input::Eof => bail!("no title given; nothing was saved"),
            }
        }
        // Lines up to an empty one, after saying what they are for when a person is typing.
        let mut ask = |intro: &str, prompt: &str| -> anyhow::Result<Vec<String>> {
            if terminal {
                eprintln!("{intro}");
            }
            input.lines(prompt, prompt, quiet)?.context(INTERRUPTED)
        };
        if text.is_none() {
            text = Some(if args.editor {
                edit_text(&EnvEditor, "story.txt", "")?
            } else {
                ask("the story's text (an empty line ends it):", "> ")?.join("\n")
            });
        }
        if ask_more && points.is_empty() {
            points = ask(
                "key points a good telling must contain, one per line (an empty line ends):",
                "point> ",
            )?;
        }
        if ask_more && questions.is_empty() {
            questions = ask(
                "interview questions this story answers, one per line (an empty line ends):",
                "question> ",
            )?;
        }
    }
    let title = title.unwrap_or_default().trim().to_string();
    if title.is_empty() {
        bail!("the story's title is empty; nothing was saved");
    }
    let text = text.unwrap_or_default().trim_end().to_string();
    if text.trim().is_empty() {
        bail!("the story's text is empty; nothing was saved");
    }
    let points: Vec<String> = clean(points);
    let questions: Vec<String> = clean(questions);
    let aliases: Vec<String> = clean(args.aliases.clone());
    let deck_name = args.deck.clone();
    let (key, number, card_keys) = ctx.store.update_deck(&deck_name, |d, lookup| {
        let number = lookup.next_story_number()?;
        let base = slug(&title).unwrap_or_else(|| format!("{deck_name}-{number}"));
        let key = free_key(lookup, d, &base, |k| {
            vec![k.to_string(), deck::recall_key(k)]
        })?;
        let mut card_keys = vec![deck::recall_key(&key)];
        d.stories.push(deck::Story {
            key: key.clone(),
            number: Some(number),
            title: title.clone(),
            kind: StoryKind::Story,
            source: Source::Written,
            aliases,
            prompt: format!("讲讲「{title}」"),
            text,
            written: None,
            diagram: None,
            short: None,
            points_source: Source::Written,
            points,
            tags: vec![],
        });
        for q in questions {
            let qkey = free_numbered(lookup, d, &format!("{key}.q"))?;
            d.questions.push(Question {
                key: qkey.clone(),
                text: q,
                answers: vec![key.clone()],
                why: String::new(),
                tags: vec![],
            });
            card_keys.push(qkey);
        }
        Ok((key, number, card_keys))
    })?;
    let questions = card_keys.len() - 1;
    if let Some(story) = ctx.store.catalog()?.into_iter().find(|e| e.key == key) {
        super::stories::warn(&super::stories::alias_warnings(ctx, &[story])?);
    }
    added(ctx, key, &card_keys, args.json, |key, _| {
        format!(
            "added story {number} 「{}」 (key {key}) to deck {}: a recall card and {questions} question card(s)\n",
            sanitize(&title),
            args.deck,
        )
    })
}

/// Says what was added: the key and card ids as JSON, or `message` (given the key and ids).
fn added(
    ctx: &Ctx,
    key: String,
    card_keys: &[String],
    json: bool,
    message: impl FnOnce(&str, &[i64]) -> String,
) -> anyhow::Result<()> {
    let ids = ids(ctx, card_keys)?;
    if json {
        return print_json(&Added { key, cards: ids });
    }
    print(&message(&key, &ids))
}

fn question(ctx: &mut Ctx, args: QuestionArgs) -> anyhow::Result<()> {
    deck::check_deck_name(&args.deck).map_err(anyhow::Error::msg)?;
    let text = args.text.trim().to_string();
    if text.is_empty() {
        bail!("the question is empty");
    }
    let mut answers: Vec<String> = Vec::new();
    for reference in &args.stories {
        let key = resolve_story(ctx, reference)?;
        if !answers.contains(&key) {
            answers.push(key);
        }
    }
    let deck_name = args.deck.clone();
    let key = ctx.store.update_deck(&deck_name, |d, lookup| {
        let owned = d.stories.iter().any(|s| s.key == answers[0]);
        // Questions about another deck's story get this deck's prefix, so they never clash
        // with keys that deck may add later.
        let prefix = if owned {
            format!("{}.q", answers[0])
        } else {
            format!("{deck_name}.{}.q", answers[0])
        };
        let key = free_numbered(lookup, d, &prefix)?;
        d.questions.push(Question {
            key: key.clone(),
            text: text.clone(),
            answers: answers.clone(),
            why: args.why.clone().unwrap_or_default().trim().to_string(),
            tags: vec![],
        });
        Ok(key)
    })?;
    added(ctx, key.clone(), &[key], args.json, |key, ids| {
        format!(
            "added question {key} (card #{}) answered by {}\n",
            ids[0],
            sanitize(&args.stories.join(", "))
        )
    })
}

fn card(ctx: &mut Ctx, args: CardArgs) -> anyhow::Result<()> {
    deck::check_deck_name(&args.deck).map_err(anyhow::Error::msg)?;
    if args.front.trim().is_empty() {
        bail!("the card's front is empty");
    }
    let deck_name = args.deck.clone();
    let key = ctx.store.update_deck(&deck_name, |d, lookup| {
        let key = free_numbered(lookup, d, &format!("{deck_name}.card"))?;
        d.cards.push(Basic {
            key: key.clone(),
            front: args.front.clone(),
            back: args.back.clone(),
            tags: clean(args.tags.clone()),
        });
        Ok(key)
    })?;
    added(ctx, key.clone(), &[key], args.json, |key, ids| {
        format!("added card {key} (#{}) to deck {}\n", ids[0], args.deck)
    })
}

/// A story by key or catalog number.
pub fn resolve_story(ctx: &Ctx, reference: &str) -> anyhow::Result<String> {
    ctx.store.story_key(reference)
}

fn ids(ctx: &Ctx, keys: &[String]) -> anyhow::Result<Vec<i64>> {
    keys.iter().map(|k| Ok(ctx.store.card(k)?.id.0)).collect()
}

fn clean(values: Vec<String>) -> Vec<String> {
    values
        .into_iter()
        .map(|v| v.trim().to_string())
        .filter(|v| !v.is_empty())
        .collect()
}

/// A file's text, refused with its name when it is not UTF-8; read the same with or without a
/// byte-order mark, and with old Mac line ends (a lone CR) read as line ends.
pub fn read_text(path: &std::path::Path) -> anyhow::Result<String> {
    let bytes =
        std::fs::read(path).with_context(|| format!("could not read {}", path.display()))?;
    let text = String::from_utf8(bytes).map_err(|e| {
        let head = &e.as_bytes()[..e.utf8_error().valid_up_to()];
        let line = head.iter().filter(|b| **b == b'\n').count() + 1;
        anyhow::anyhow!("{}:{line}: the file is not UTF-8 text", path.display())
    })?;
    Ok(crate::core::text::normalize_file_text(text))
}

/// A key from a title: lowercase ASCII letters and digits, other runs as '-', at most 40 characters.
/// None when nothing is left (a Chinese-only title) or only digits (it would read as a card id).
pub fn slug(title: &str) -> Option<String> {
    let mut out = String::new();
    for c in title.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if !out.is_empty() && !out.ends_with('-') {
            out.push('-');
        }
    }
    let mut out = out.trim_matches('-').to_string();
    if out.len() > 40 {
        out.truncate(40);
        if let Some(cut) = out.rfind('-').filter(|c| *c >= 20) {
            out.truncate(cut);
        }
        out = out.trim_matches('-').to_string();
    }
    (!out.is_empty() && !out.chars().all(|c| c.is_ascii_digit())).then_some(out)
}

fn key_taken(lookup: &Lookup<'_>, deck: &Deck, key: &str) -> anyhow::Result<bool> {
    let in_db = lookup.key_taken(key)?;
    let in_deck = deck
        .stories
        .iter()
        .any(|s| s.key == key || s.recall_key() == key)
        || deck.questions.iter().any(|q| q.key == key)
        || deck.clozes.iter().any(|c| c.key == key)
        || deck.cards.iter().any(|c| c.key == key);
    Ok(in_db || in_deck)
}

/// `base`, or `base-2`, `base-3`… : the first whose keys (`keys_of`) are all free.
fn free_key(
    lookup: &Lookup<'_>,
    deck: &Deck,
    base: &str,
    keys_of: impl Fn(&str) -> Vec<String>,
) -> anyhow::Result<String> {
    for n in 1.. {
        let candidate = if n == 1 {
            base.to_string()
        } else {
            format!("{base}-{n}")
        };
        let mut free = true;
        for k in keys_of(&candidate) {
            if key_taken(lookup, deck, &k)? {
                free = false;
                break;
            }
        }
        if free {
            return Ok(candidate);
        }
    }
    unreachable!()
}

/// `prefix1`, `prefix2`… : the first free one.
fn free_numbered(lookup: &Lookup<'_>, deck: &Deck, prefix: &str) -> anyhow::Result<String> {
    for n in 1.. {
        let candidate = format!("{prefix}{n}");
        if !key_taken(lookup, deck, &candidate)? {
            return Ok(candidate);
        }
    }
    unreachable!()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_from_titles() {
        assert_eq!(slug("用 Redis 实现排行榜").as_deref(), Some("redis"));
        assert_eq!(
            slug("Cache was deleted!").as_deref(),
            Some("cache-was-deleted")
        );
        assert_eq!(slug("一次难忘的数据库迁移"), None);
        assert_eq!(slug("2024"), None);
        assert_eq!(
            slug("Nginx + Gunicorn (py3)").as_deref(),
            Some("nginx-gunicorn-py3")
        );
        let long = slug(&"word ".repeat(20)).unwrap();
        assert!(long.len() <= 40 && !long.ends_with('-'), "{long}");
    }
}
