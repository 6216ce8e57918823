//! `storydrill grade`: one review at "now", without the prompt.

use chrono::Utc;

use super::{print, print_json, show, Ctx};
use crate::core::sm2;
use crate::core::types::Quality;
use crate::store::Answer;

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
    let at = ctx.clock.now().with_timezone(&Utc);
    // The state is read again inside the transaction that logs the review: another storydrill may
    // have graded this card since `card` was read.
    let answer = Answer {
        quality,
        text: String::new(),
        answered_story: None,
        correct: None,
        ms: 0,
        judgement: None,
    };
    let (_, review) = ctx.store.record_answer(card.id, answer, at, today, false)?;
    let card = ctx.store.card_by_id(card.id)?;
    if json {
        let history = ctx.store.history(card.id)?;
        return print_json(&show::card_json(&card, Some(&history)));
    }
    let note = match review.kind {
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
