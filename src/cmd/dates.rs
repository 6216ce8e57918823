//! `storydrill dates`: the interview dates the schedule prepares for (the next one counts).

use clap::Subcommand;

use super::{print, print_json, Ctx};
use crate::core::text::sanitize;

#[derive(Debug, Subcommand)]
pub enum DatesAction {
    /// Add an interview date
    Add {
        /// The day, YYYY-MM-DD
        day: String,
        /// The company (for your own record; the mock interview warns about stories told to it)
        #[arg(long)]
        company: Option<String>,
    },
    /// The dates, soonest first (the default)
    List {
        /// Print them as JSON
        #[arg(long)]
        json: bool,
    },
    /// Remove a date by its id (see `storydrill dates`)
    Remove {
        /// The date's id
        id: i64,
    },
}

pub fn run(ctx: &Ctx, action: Option<DatesAction>) -> anyhow::Result<()> {
    match action.unwrap_or(DatesAction::List { json: false }) {
        DatesAction::Add { day, company } => {
            let day = crate::settings::parse_date(&day)?;
            let company = company
                .map(|c| c.trim().to_string())
                .filter(|c| !c.is_empty());
            let id = ctx.store.add_interview(day, company.as_deref())?;
            print(&format!("added interview {id} on {day}\n"))
        }
        DatesAction::Remove { id } => {
            if !ctx.store.remove_interview(id)? {
                anyhow::bail!("no interview date with id {id} (see `storydrill dates`)");
            }
            print(&format!("removed interview {id}\n"))
        }
        DatesAction::List { json } => {
            let dates = ctx.store.interviews()?;
            if json {
                return print_json(&dates);
            }
            if dates.is_empty() {
                return print(
                    "no interview date: `storydrill config set interview-date YYYY-MM-DD` or `storydrill dates add YYYY-MM-DD`\n",
                );
            }
            let today = ctx.today();
            let next = ctx.store.next_interview(today)?;
            let mut out = String::new();
            for d in &dates {
                let mark = if next.is_some_and(|n| n.day == d.day) {
                    " ← next"
                } else if d.day < today {
                    " (past)"
                } else {
                    ""
                };
                out.push_str(&format!(
                    "{:>3}  {}  {}{mark}\n",
                    d.id,
                    d.day,
                    sanitize(d.company.as_deref().unwrap_or("(interview-date)"))
                ));
            }
            print(&out)
        }
    }
}
