//! `storydrill grade`: one review at "now", without the prompt.

use chrono::Utc;

use super::{print, print_json, show, Ctx};
use crate::sm2;
use crate::store::NewReview;
use crate::types::Quality;

pub fn run(ctx: &mut Ctx, reference: &str, quality: Quality, json: bool) -> anyhow::Result<()> {
    let card = ctx.store.card(reference)?;
    if card.retired {
        anyhow::bail!(
            "card {} ({}) is retired from its deck; it can no longer be graded",
            card.id,
            card.key
        );
    }
    let today = ctx.today();
    let (kind, after) = sm2::review(&card.state, quality, today, false);
    ctx.store.record_review(&NewReview {
        card_id: card.id,
        at: ctx.clock.now().with_timezone(&Utc),
        day: today,
        quality,
        kind,
        answer: String::new(),
        answered_story: None,
        correct: None,
        ms: 0,
        before: card.state,
        after,
    })?;
    let card = ctx.store.card_by_id(card.id)?;
    if json {
        let history = ctx.store.history(card.id)?;
        return print_json(&show::card_json(&card, Some(&history)));
    }
    let note = match kind {
        sm2::ReviewKind::Scheduled => String::new(),
        _ => " (re-drill: already reviewed today, schedule unchanged)".into(),
    };
    print(&format!(
        "#{} {} graded {}{note}\n{}\n",
        card.id,
        card.key,
        quality.get(),
        show::state_line(&card)
    ))
}
