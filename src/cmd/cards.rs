//! `storydrill suspend|unsuspend|tag|delete`: one card at a time, by id or key.

use anyhow::bail;
use std::io::IsTerminal;

use super::{print, print_json, Ctx};
use crate::core::text::sanitize;

pub fn suspend(ctx: &Ctx, references: &[String], suspended: bool) -> anyhow::Result<()> {
    let mut cards = Vec::new();
    for r in references {
        cards.push(ctx.store.card(r)?);
    }
    let mut out = String::new();
    for card in &cards {
        ctx.store.set_suspended(card.id, suspended)?;
        let verb = if suspended {
            "suspended"
        } else {
            "unsuspended"
        };
        out.push_str(&format!("{verb} #{} {}\n", card.id, sanitize(&card.key)));
    }
    print(&out)
}

pub fn tag(
    ctx: &Ctx,
    reference: &str,
    add: &[String],
    remove: &[String],
    json: bool,
) -> anyhow::Result<()> {
    let card = ctx.store.card(reference)?;
    let mut tags = card.tags.clone();
    for t in add.iter().map(|t| t.trim()) {
        if t.is_empty()
            || t.chars()
                .any(|c| c.is_whitespace() || crate::core::text::is_hidden_control(c))
        {
            bail!(
                "tag {} must be one word (no spaces or control characters)",
                crate::core::text::quote(t)
            );
        }
        if !tags.iter().any(|x| x == t) {
            tags.push(t.to_string());
        }
    }
    tags.retain(|t| !remove.iter().any(|r| r.trim() == t));
    ctx.store.set_tags(card.id, &tags)?;
    if json {
        return print_json(&tags);
    }
    print(&format!(
        "#{} {}: tags {}\n",
        card.id,
        sanitize(&card.key),
        display(&tags)
    ))
}

fn display(tags: &[String]) -> String {
    if tags.is_empty() {
        "(none)".into()
    } else {
        sanitize(&tags.join(" "))
    }
}

pub fn delete(ctx: &mut Ctx, reference: &str, yes: bool, json: bool) -> anyhow::Result<()> {
    let card = ctx.store.card(reference)?;
    let reviews = ctx.store.history(card.id)?.len();
    if !yes {
        if !std::io::stdin().is_terminal() {
            bail!(
                "not deleting #{} {} without confirmation: standard input is not a terminal; pass --yes",
                card.id,
                card.key
            );
        }
        let what = match &card.story {
            Some(s) if card.kind == crate::core::model::CardKind::Recall => {
                format!(" (the recall card of story {s}: the story and its clozes go too)")
            }
            _ => String::new(),
        };
        let question = format!(
            "delete card #{} {}{what} and its {reviews} review(s)?",
            card.id, card.key
        );
        if !crate::prompt::stdin()?.confirm(&question, false, &mut std::io::sink())? {
            return print("nothing deleted\n");
        }
    }
    let deleted = ctx.store.delete_card(&card)?;
    if json {
        return print_json(&deleted);
    }
    let mut out = format!(
        "deleted {} card(s): {}\n",
        deleted.cards.len(),
        deleted.cards.join(", ")
    );
    if let Some(story) = &deleted.story {
        out.push_str(&format!("and story {story}\n"));
    }
    print(&out)
}
