//! `storydrill revisions`: the earlier texts of a card, a story or a filled template, which every
//! import, edit and `fill` keeps when it replaces them.

use super::{print, print_json, Ctx};
use crate::core::model::CardKind;
use crate::core::text::{sanitize, truncate};

pub fn run(ctx: &Ctx, reference: &str, json: bool) -> anyhow::Result<()> {
    let keys = keys_of(ctx, reference)?;
    let revisions = ctx.store.revisions(&keys)?;
    if json {
        return print_json(&revisions);
    }
    if revisions.is_empty() {
        return print(&format!(
            "no earlier text kept for {}\n",
            sanitize(&keys.join(", "))
        ));
    }
    let mut out = String::new();
    for r in &revisions {
        out.push_str(&format!(
            "revision {} · {} · {} {}\n",
            r.id,
            sanitize(&r.at),
            r.what,
            sanitize(&r.key)
        ));
        if let Some(fields) = r.content.as_object() {
            for (name, value) in fields {
                let text = match value {
                    serde_json::Value::String(s) => s.clone(),
                    serde_json::Value::Null => continue,
                    other => other.to_string(),
                };
                out.push_str(&format!("  {name}: {}\n", truncate(&sanitize(&text), 70)));
            }
        }
    }
    out.push_str("(`--json` prints every text in full)\n");
    print(&out)
}

/// The keys a reference's earlier texts are kept under: the card's, its story's (a recall card),
/// its filled template's (a card made by `fill`). A reference that is no card (a deleted story,
/// `deck:template`) is taken as a key as it is.
fn keys_of(ctx: &Ctx, reference: &str) -> anyhow::Result<Vec<String>> {
    let Some(card) = ctx.store.find_card(reference)? else {
        return Ok(vec![reference.trim().to_string()]);
    };
    let mut keys = vec![card.key.clone()];
    let fill_prefix = format!("{}.fill.", card.deck);
    if let Some(rest) = card.key.strip_prefix(&fill_prefix) {
        let template = card.story.clone().unwrap_or_else(|| rest.to_string());
        keys.push(format!("{}:{template}", card.deck));
    } else if card.kind == CardKind::Recall {
        keys.extend(card.story.clone());
    }
    Ok(keys)
}
