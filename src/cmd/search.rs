//! `storydrill search QUERY`: cards and stories by any text, best matches first.

use serde::Serialize;

use super::{print, print_json, show, Ctx};
use crate::core::text::{pad, sanitize, truncate};

#[derive(Serialize)]
struct HitJson<'a> {
    #[serde(flatten)]
    card: show::CardJson<'a>,
    score: f64,
}

pub fn run(
    ctx: &Ctx,
    query: &[String],
    deck: Option<&str>,
    limit: usize,
    json: bool,
) -> anyhow::Result<()> {
    let query = query.join(" ");
    if query.trim().is_empty() {
        anyhow::bail!("the search query is empty");
    }
    if let Some(d) = deck {
        ctx.store.require_deck(d)?;
    }
    let hits = ctx.store.search(&query, deck, limit)?;
    if json {
        let rows: Vec<HitJson<'_>> = hits
            .iter()
            .map(|h| HitJson {
                card: show::card_json(&h.card, None),
                score: h.score,
            })
            .collect();
        return print_json(&rows);
    }
    if hits.is_empty() {
        return print(&format!(
            "nothing found for {}\n",
            crate::core::text::quote(&query)
        ));
    }
    let mut out = String::new();
    for h in &hits {
        let c = &h.card;
        out.push_str(&format!(
            "{:>6}  {}  {:<9}  {:<6}  {}\n",
            c.id,
            pad(&truncate(&c.key, 28), 28),
            truncate(&c.deck, 9),
            c.kind.as_str(),
            truncate(&sanitize(&crate::core::cloze::full(&c.front)), 44)
        ));
    }
    print(&out)
}
