//! `storydrill list`: cards, filtered.

use super::{print, print_json, show, Ctx};
use crate::cli::ListArgs;
use crate::core::text::{pad, sanitize, truncate};
use crate::store::CardFilter;

pub fn run(ctx: &Ctx, args: &ListArgs) -> anyhow::Result<()> {
    if let Some(deck) = &args.deck {
        ctx.store.require_deck(deck)?;
    }
    let filter = CardFilter {
        deck: args.deck.clone(),
        kind: args.kind,
        due_by: args.due.then(|| ctx.today()),
        include_retired: args.retired,
    };
    let cards = ctx.store.cards(&filter)?;
    if args.json {
        let rows: Vec<_> = cards.iter().map(|c| show::card_json(c, None)).collect();
        return print_json(&rows);
    }
    let key_width = cards
        .iter()
        .map(|c| crate::core::text::width(&c.key).min(24))
        .max()
        .unwrap_or(3)
        .max(3);
    let mut out = String::with_capacity(cards.len() * 100);
    out.push_str(&format!(
        "{:>5}  {}  {:<9}  {:<6}  {:<10}  front\n",
        "id",
        pad("key", key_width),
        "deck",
        "kind",
        "due"
    ));
    for c in &cards {
        let due = c
            .state
            .due
            .map(|d| d.to_string())
            .unwrap_or_else(|| "new".into());
        out.push_str(&format!(
            "{:>5}  {}  {:<9}  {:<6}  {:<10}  {}\n",
            c.id,
            pad(&truncate(&c.key, 24), key_width),
            truncate(&c.deck, 9),
            c.kind.as_str(),
            due,
            truncate(&sanitize(&crate::core::cloze::full(&c.front)), 40)
        ));
    }
    print(&out)
}
