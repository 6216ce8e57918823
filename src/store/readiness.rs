//! What readiness is judged from, per story: its recall card's last scheduled grade and days, and
//! its question answers over the window (from the per-story aggregates).

use rusqlite::params;

use super::Store;
use crate::core::readiness::Evidence;
use crate::core::stats::StoryTellings;
use crate::core::types::StudyDay;

/// A story's follow-ups' last grades (`story_state.followups`, a JSON list, null for never
/// answered), from column `i`.
pub(super) fn followup_grades(
    row: &rusqlite::Row<'_>,
    i: usize,
) -> rusqlite::Result<Vec<Option<u8>>> {
    let text = row.get_ref(i)?.as_str()?;
    if text == "[]" {
        return Ok(Vec::new());
    }
    serde_json::from_str(text).map_err(|e| {
        rusqlite::Error::FromSqlConversionFailure(i, rusqlite::types::Type::Text, Box::new(e))
    })
}

/// Tellings read for the missed key points, newest first: enough for `TELLINGS_COUNTED` of each
/// of the stories practised lately, bounded so a long history costs nothing more.
pub const TELLINGS_SCANNED: u32 = 500;

/// Each story's answers from day ?1 to day ?2, for a query over `story s`: joins of its running
/// totals (migration 0017) through ?2 (`wa`) and before ?1 (`wb`), two seeks a story whatever the
/// window's length. `window_sum(column)` is the window's figure.
pub(super) const STORY_WINDOW_JOINS: &str = "
    LEFT JOIN stats_story wa ON wa.story_id = s.id AND wa.day = (
        SELECT day FROM stats_story WHERE story_id = s.id AND day <= ?2 ORDER BY day DESC LIMIT 1)
    LEFT JOIN stats_story wb ON wb.story_id = s.id AND wb.day = (
        SELECT day FROM stats_story WHERE story_id = s.id AND day < ?1 ORDER BY day DESC LIMIT 1)";

/// A column of `stats_story` summed over the window of `STORY_WINDOW_JOINS`.
pub(super) fn window_sum(column: &str) -> String {
    format!("coalesce(wa.{column}, 0) - coalesce(wb.{column}, 0)")
}

/// A catalog story with its evidence.
#[derive(Debug, Clone, PartialEq)]
pub struct StoryEvidence {
    pub key: String,
    pub number: u32,
    pub title: String,
    pub deck: String,
    pub evidence: Evidence,
}

impl Store {
    /// The latest tellings (typed answers of recall cards, cram included) of each story from
    /// `from` on, newest first, at most `TELLINGS_COUNTED` a story, among the latest
    /// `TELLINGS_SCANNED` of all: read newest first from the `telling` list, so the cost stays
    /// the same however long the review log grows.
    fn recent_tellings(
        &self,
        from: StudyDay,
    ) -> anyhow::Result<std::collections::HashMap<String, Vec<String>>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT s.key, r.answer FROM telling t JOIN review r ON r.id = t.review_id
             JOIN story s ON s.id = t.story_id
             WHERE r.day >= ?1
               AND t.review_id >= coalesce((SELECT min(id) FROM review WHERE day >= ?1), 0)
             ORDER BY t.review_id DESC LIMIT ?2",
        )?;
        let mut out: std::collections::HashMap<String, Vec<String>> = Default::default();
        let mut rows = stmt.query(params![from, TELLINGS_SCANNED])?;
        while let Some(r) = rows.next()? {
            let tellings = out.entry(r.get(0)?).or_default();
            if tellings.len() < crate::core::readiness::TELLINGS_COUNTED {
                tellings.push(r.get(1)?);
            }
        }
        Ok(out)
    }

    /// The stories of `keys` told from `from` on (`recent_tellings`), in the order of `keys`, with
    /// their key points: only these stories' texts are read (a bounded few), never every story's.
    pub fn told_stories<'k>(
        &self,
        from: StudyDay,
        keys: impl IntoIterator<Item = &'k str>,
    ) -> anyhow::Result<Vec<StoryTellings>> {
        let mut told = self.recent_tellings(from)?;
        let mut out = Vec::new();
        for key in keys {
            let Some(tellings) = told.remove(key) else {
                continue;
            };
            if let Some(story) = self.story(key)? {
                out.push(StoryTellings {
                    key: story.key,
                    points: story.points,
                    tellings,
                });
            }
        }
        Ok(out)
    }

    /// Every story's evidence, by number — or only the stories `only` names (a session reads those
    /// of its due cards, so its cost follows the due cards, not the catalog); question answers
    /// counted from `from` to `to`.
    pub fn story_evidence(
        &self,
        from: StudyDay,
        to: StudyDay,
        only: Option<&[String]>,
    ) -> anyhow::Result<Vec<StoryEvidence>> {
        // A session asks for its due cards' stories: only theirs are read.
        let which = match only {
            Some(_) => "s.key IN (SELECT value FROM json_each(?3))",
            None => "?3 IS NULL",
        };
        let mut stmt = self.conn.prepare_cached(&format!(
            "SELECT s.key, s.number, s.title, d.name,
                    st.recall_last_quality,
                    st.recall_last_review, st.recall_due,
                    st.has_questions,
                    {}, {},
                    st.followups
             FROM story s JOIN deck d ON d.id = s.deck_id
             JOIN story_state st ON st.story_id = s.id
             {STORY_WINDOW_JOINS}
             WHERE s.retired = 0 AND {which} ORDER BY s.number",
            window_sum("match_answers"),
            window_sum("match_right"),
        ))?;
        let only = only.map(serde_json::to_string).transpose()?;
        let rows = stmt.query_map(params![from, to, only], |r| {
            Ok(StoryEvidence {
                key: r.get(0)?,
                number: r.get(1)?,
                title: r.get(2)?,
                deck: r.get(3)?,
                evidence: Evidence {
                    last_grade: r.get(4)?,
                    last_review: r.get(5)?,
                    due: r.get(6)?,
                    has_questions: r.get(7)?,
                    match_answers: r.get(8)?,
                    match_right: r.get(9)?,
                    followups: followup_grades(r, 10)?,
                },
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }
}
