//! What readiness is judged from, per story: its recall card's last scheduled grade and days, and
//! its question answers over the window (from the per-story aggregates).

use rusqlite::params;

use super::Store;
use crate::core::readiness::Evidence;
use crate::core::types::StudyDay;

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
    /// `from` on, newest first, at most `TELLINGS_COUNTED` a story.
    pub fn recent_tellings(
        &self,
        from: StudyDay,
    ) -> anyhow::Result<std::collections::HashMap<String, Vec<String>>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT s.key, r.answer FROM review r JOIN card c ON c.id = r.card_id
             JOIN story s ON s.id = c.story_id
             WHERE r.day >= ?1 AND c.kind = 'recall' AND r.answer != ''
             ORDER BY r.id DESC",
        )?;
        let mut out: std::collections::HashMap<String, Vec<String>> = Default::default();
        let mut rows = stmt.query([from])?;
        while let Some(r) = rows.next()? {
            let tellings = out.entry(r.get(0)?).or_default();
            if tellings.len() < crate::core::readiness::TELLINGS_COUNTED {
                tellings.push(r.get(1)?);
            }
        }
        Ok(out)
    }

    /// Every story's evidence, by number; question answers counted from `from` to `to`.
    pub fn story_evidence(
        &self,
        from: StudyDay,
        to: StudyDay,
    ) -> anyhow::Result<Vec<StoryEvidence>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT s.key, s.number, s.title, d.name,
                    (SELECT r.quality FROM review r
                     WHERE r.card_id = rc.id AND r.kind = 'scheduled' ORDER BY r.id DESC LIMIT 1),
                    rc.last_review, rc.due,
                    EXISTS (SELECT 1 FROM card q WHERE q.story_id = s.id AND q.kind = 'match' AND q.retired = 0),
                    coalesce((SELECT sum(w.match_answers) FROM stats_story w
                              WHERE w.story_id = s.id AND w.day >= ?1 AND w.day <= ?2), 0),
                    coalesce((SELECT sum(w.match_right) FROM stats_story w
                              WHERE w.story_id = s.id AND w.day >= ?1 AND w.day <= ?2), 0)
             FROM story s JOIN deck d ON d.id = s.deck_id
             LEFT JOIN card rc ON rc.story_id = s.id AND rc.kind = 'recall' AND rc.retired = 0
             WHERE s.retired = 0 ORDER BY s.number",
        )?;
        let rows = stmt.query_map(params![from, to], |r| {
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
                },
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }
}
