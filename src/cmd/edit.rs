//! `storydrill edit ID|KEY`: the card (or its story) in $VISUAL / $EDITOR, checked on save.

use super::{print, Ctx};
use crate::edit::{edit_card, EditOutcome, EnvEditor};

pub fn run(ctx: &mut Ctx, reference: &str) -> anyhow::Result<()> {
    let card = ctx.store.card(reference)?;
    match edit_card(&mut ctx.store, &card, &EnvEditor)? {
        EditOutcome::Saved => print(&format!("saved {} (history kept)\n", card.key)),
        EditOutcome::Unchanged => print(&format!("{} unchanged\n", card.key)),
        EditOutcome::Abandoned => {
            anyhow::bail!("edit of {} abandoned; nothing was changed", card.key)
        }
    }
}
