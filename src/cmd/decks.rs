//! `storydrill decks`: decks with card counts.

use super::{print, print_json, Ctx};
use crate::core::text::{pad, truncate, width};

pub fn run(ctx: &Ctx, json: bool) -> anyhow::Result<()> {
    let decks = ctx.store.decks(ctx.today())?;
    if json {
        return print_json(&decks);
    }
    let name_width = decks
        .iter()
        .map(|d| width(&d.name))
        .max()
        .unwrap_or(4)
        .max(4);
    let mut out = format!(
        "{}  {:>5}  {:>5}  {:>5}  title\n",
        pad("deck", name_width),
        "new",
        "due",
        "total"
    );
    for d in &decks {
        out.push_str(&format!(
            "{}  {:>5}  {:>5}  {:>5}  {}\n",
            pad(&d.name, name_width),
            d.new,
            d.due,
            d.total,
            truncate(&crate::core::text::sanitize(&d.title), 40)
        ));
    }
    print(&out)
}
