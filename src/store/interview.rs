//! Interview dates, presented stories, and what "due" means with an interview ahead.

use rusqlite::{params, OptionalExtension};

use super::Store;
use crate::core::interview::{self, Interview, WINDOW_DAYS};
use crate::core::types::StudyDay;

/// One interview date.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct InterviewDate {
    pub id: i64,
    pub day: StudyDay,
    /// None for the date set with `config set interview-date`.
    pub company: Option<String>,
}

impl Store {
    pub fn interviews(&self) -> anyhow::Result<Vec<InterviewDate>> {
        let mut stmt = self
            .conn
            .prepare_cached("SELECT id, day, company FROM interview ORDER BY day, id")?;
        let rows = stmt.query_map([], |r| {
            Ok(InterviewDate {
                id: r.get(0)?,
                day: r.get(1)?,
                company: r.get(2)?,
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    pub fn add_interview(&self, day: StudyDay, company: Option<&str>) -> anyhow::Result<i64> {
        self.conn.execute(
            "INSERT INTO interview (day, company) VALUES (?1, ?2)",
            params![day, company],
        )?;
        Ok(self.conn.last_insert_rowid())
    }

    /// Removes one date; false when there was none with that id.
    pub fn remove_interview(&self, id: i64) -> anyhow::Result<bool> {
        Ok(self
            .conn
            .execute("DELETE FROM interview WHERE id = ?1", [id])?
            > 0)
    }

    /// The date without a company (`config set interview-date`).
    pub fn interview_date(&self) -> anyhow::Result<Option<StudyDay>> {
        Ok(self
            .conn
            .query_row("SELECT day FROM interview WHERE company IS NULL", [], |r| {
                r.get(0)
            })
            .optional()?)
    }

    pub fn set_interview_date(&self, day: Option<StudyDay>) -> anyhow::Result<()> {
        self.conn
            .execute("DELETE FROM interview WHERE company IS NULL", [])?;
        if let Some(day) = day {
            self.add_interview(day, None)?;
        }
        Ok(())
    }

    /// The next interview on or after `day`.
    pub fn next_interview(&self, day: StudyDay) -> anyhow::Result<Option<Interview>> {
        let days: Vec<StudyDay> = self.interviews()?.into_iter().map(|i| i.day).collect();
        Ok(interview::next(&days, day))
    }

    /// Marks a story presented on `day` (its questions may come from now on).
    pub fn present(&self, story: &str, day: StudyDay) -> anyhow::Result<()> {
        self.conn.execute(
            "INSERT INTO presented (story_id, day) SELECT id, ?2 FROM story WHERE key = ?1
             ON CONFLICT (story_id) DO NOTHING",
            params![story, day],
        )?;
        Ok(())
    }

    /// Stories presented on `day`.
    pub fn presented_on(&self, day: StudyDay) -> anyhow::Result<u32> {
        Ok(self.conn.query_row(
            "SELECT count(*) FROM presented WHERE day = ?1",
            [day],
            |r| r.get(0),
        )?)
    }

    /// The interview whose window moves due days on `day`, and `k`: the cards with
    /// id mod WINDOW_DAYS >= k are brought forward (to last_day - (id mod WINDOW_DAYS) <= day).
    /// None outside a window: then the cards due by `day` are those SM-2 made due.
    fn moving_window(&self, day: StudyDay) -> anyhow::Result<Option<(Interview, i64)>> {
        let Some(interview) = self.next_interview(day)?.filter(|i| i.day > day) else {
            return Ok(None);
        };
        let k = day.days_until(interview.last_day());
        Ok((k < i64::from(WINDOW_DAYS)).then_some((interview, k)))
    }

    /// Whether an interview's window moves due days on `day` (so counts of due cards cannot come
    /// from the `stats_due` aggregate, which knows SM-2's due days only).
    pub(super) fn window_moves_due(&self, day: StudyDay) -> anyhow::Result<bool> {
        Ok(self.moving_window(day)?.is_some())
    }

    /// SQL that is true for the cards of `{c}` due by `day`: `Interview::due` with the next
    /// interview applied, written so the due-day index still serves the cards due as SM-2 said.
    pub(super) fn due_clause(&self, c: &str, day: StudyDay) -> anyhow::Result<String> {
        let plain = format!("({c}.due IS NOT NULL AND {c}.due <= '{day}')");
        let Some((interview, k)) = self.moving_window(day)? else {
            return Ok(plain);
        };
        Ok(format!(
            "({plain} OR ({c}.due >= '{iv}' AND ({c}.last_review IS NULL OR {c}.last_review < '{ws}')
                 AND ({c}.id % {WINDOW_DAYS}) >= {k}))",
            iv = interview.day,
            ws = interview.window_start(),
        ))
    }
}

#[cfg(test)]
mod tests {
    use crate::core::types::StudyDay;
    use crate::store::{CardFilter, Store};

    /// The SQL of `due_clause` and `Interview::due` are one rule: on every day up to the interview,
    /// the cards the store counts as due are exactly those the core's rule makes due.
    #[test]
    fn due_clause_is_the_rule_of_interview_due() {
        let dir = tempfile::tempdir().unwrap();
        let mut store = Store::open(&dir.path().join("t.db")).unwrap();
        let day = |d: u32| StudyDay::from_ymd(2027, 1, d).unwrap();
        // Due before, inside and after the window; reviewed in it or not.
        store
            .connection()
            .execute_batch(
                "UPDATE card SET reviews = 1, due = '2027-01-' || printf('%02d', 8 + id % 20),
                     last_review = CASE WHEN id % 4 = 0 THEN '2027-01-16' ELSE '2027-01-05' END;
                 UPDATE card SET reviews = 0, due = NULL, last_review = NULL WHERE id % 9 = 0;",
            )
            .unwrap();
        store.set_interview_date(Some(day(20))).unwrap();
        let cards = store.cards(&CardFilter::default()).unwrap();
        let mut brought_forward = 0;
        for today in 8..=20 {
            let interview = store.next_interview(day(today)).unwrap();
            let expected = cards
                .iter()
                .filter_map(|c| {
                    let due = c.state.due?;
                    let due = match interview.filter(|i| i.day > day(today)) {
                        Some(i) => i.due(c.id.0, due, c.state.last_review),
                        None => due,
                    };
                    Some(due)
                })
                .filter(|due| *due <= day(today))
                .count() as u32;
            let plain = cards
                .iter()
                .filter(|c| c.state.due.is_some_and(|d| d <= day(today)))
                .count() as u32;
            brought_forward += expected - plain;
            assert_eq!(
                store.count_due_by(day(today)).unwrap(),
                expected,
                "on the {today}th"
            );
        }
        assert!(brought_forward > 0, "the window brought cards forward");
    }
}
