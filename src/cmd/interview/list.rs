//! `storydrill interviews`: the past mock interviews, with their scores.

use crate::cmd::{print, print_json, Ctx};
use crate::core::text::sanitize;
use crate::paint;

/// `storydrill interviews`: the past mock interviews.
pub fn list(ctx: &Ctx, json: bool) -> anyhow::Result<()> {
    let mocks = ctx.store.mocks(None)?;
    if json {
        return print_json(&mocks);
    }
    if mocks.is_empty() {
        return print("No mock interview yet: `storydrill interview` runs one.\n");
    }
    let mut text = format!(
        "{}\n",
        paint::bold("  #  day         score  answered  minutes  company")
    );
    for m in &mocks {
        text.push_str(&format!(
            "{:>3}  {}  {:>5}  {:>8}  {:>7}  {}{}\n",
            m.id,
            m.day,
            m.score.map_or("-".to_string(), |s| s.to_string()),
            format!("{}/{}", m.answered, m.planned),
            m.minutes,
            m.company.as_deref().map(sanitize).unwrap_or_default(),
            if m.finished { "" } else { " (ended early)" }
        ));
    }
    print(&text)
}
