//! Mock interviews (`storydrill interview`, migration 0013): what they may ask, and what was asked
//! and told. The answers themselves are reviews of kind `mock` (`Store::record_mock_answer`).

use rusqlite::{params, OptionalExtension};
use serde::Serialize;
use std::collections::{HashMap, HashSet};

use super::cards::list;
use super::Store;
use crate::core::mock::{FollowupCandidate, Part};
use crate::core::types::StudyDay;

/// A question card a mock interview may ask, and the current stories that fit it, best first.
#[derive(Debug, Clone, PartialEq)]
pub struct MockQuestion {
    pub card: i64,
    pub key: String,
    pub fits: Vec<String>,
}

/// What the last mock interviews asked: question cards (by key) and stories (how many asked each).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct RecentlyAsked {
    pub cards: HashSet<String>,
    pub stories: HashMap<String, u32>,
}

/// A mock interview as it starts.
#[derive(Debug, Clone, PartialEq)]
pub struct NewMock<'a> {
    pub started_at: String,
    pub day: StudyDay,
    pub company: Option<&'a str>,
    pub minutes: u32,
    pub seed: u64,
    /// Questions planned, the follow-ups included.
    pub planned: usize,
}

/// One step as it is kept.
#[derive(Debug, Clone, PartialEq)]
pub struct MockStepRow<'a> {
    pub position: usize,
    pub part: Part,
    pub card_key: &'a str,
    pub asked: Option<&'a str>,
    pub told: Option<&'a str>,
    pub target_seconds: u32,
    pub ms: i64,
    pub points: usize,
    pub covered: usize,
    pub review_id: Option<i64>,
    pub naming_review_id: Option<i64>,
}

/// A past mock interview, for `storydrill interviews`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MockSummary {
    pub id: i64,
    pub day: StudyDay,
    pub company: Option<String>,
    pub minutes: u32,
    pub planned: u32,
    pub answered: u32,
    pub finished: bool,
    pub score: Option<u32>,
}

/// A story told in an earlier mock interview for the same company.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ToldBefore {
    pub story: String,
    pub mock_id: i64,
    pub day: StudyDay,
}

impl Store {
    /// A story's recall card, when it is current (not retired or suspended).
    pub fn current_recall_card(&self, story: &str) -> anyhow::Result<Option<i64>> {
        Ok(self
            .conn
            .prepare_cached(
                "SELECT c.id FROM story s JOIN card c INDEXED BY card_recall ON c.story_id = s.id
                 WHERE s.key = ?1 AND s.retired = 0 AND c.kind = 'recall' AND c.retired = 0
                   AND c.suspended = 0",
            )?
            .query_row([story], |r| r.get(0))
            .optional()?)
    }

    /// A story's current question cards (not retired or suspended: those whose best fit it is),
    /// with the current stories that fit each, through `card_questions`.
    pub fn mock_questions(
        &self,
        story: &str,
        current: &HashSet<String>,
    ) -> anyhow::Result<Vec<MockQuestion>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT c.id, c.key, c.answers FROM story s JOIN card c INDEXED BY card_questions
                 ON c.story_id = s.id AND c.kind = 'match' AND c.retired = 0
             WHERE s.key = ?1 AND c.suspended = 0 ORDER BY c.id",
        )?;
        let rows = stmt.query_map([story], |r| {
            Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?, list(r, 2)?))
        })?;
        let mut out = Vec::new();
        for row in rows {
            let (card, key, fits) = row?;
            let fits: Vec<String> = fits.into_iter().filter(|k| current.contains(k)).collect();
            if !fits.is_empty() {
                out.push(MockQuestion { card, key, fits });
            }
        }
        Ok(out)
    }

    /// A story's current follow-ups and their last grades.
    pub fn mock_followups(&self, story: &str) -> anyhow::Result<Vec<FollowupCandidate>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT f.id, f.last_quality FROM story s JOIN card f ON f.story_id = s.id
             WHERE s.key = ?1 AND f.kind = 'followup' AND f.retired = 0 AND f.suspended = 0
             ORDER BY f.id",
        )?;
        let rows = stmt.query_map([story], |r| {
            Ok(FollowupCandidate {
                card: r.get(0)?,
                last_grade: r.get(1)?,
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// The questions and stories of the last `mocks` mock interviews.
    pub fn recently_asked(&self, mocks: usize) -> anyhow::Result<RecentlyAsked> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT st.card_key, st.asked FROM mock_step st
             WHERE st.mock_id IN (SELECT id FROM mock_interview ORDER BY id DESC LIMIT ?1)
               AND st.part IN ('question', 'design')",
        )?;
        let mut out = RecentlyAsked::default();
        let mut rows = stmt.query([mocks as i64])?;
        while let Some(r) = rows.next()? {
            out.cards.insert(r.get(0)?);
            if let Some(story) = r.get::<_, Option<String>>(1)? {
                *out.stories.entry(story).or_default() += 1;
            }
        }
        Ok(out)
    }

    /// Starts a mock interview's record; its steps are saved as they are answered.
    pub fn start_mock(&self, m: &NewMock<'_>) -> anyhow::Result<i64> {
        self.conn.execute(
            "INSERT INTO mock_interview (started_at, day, company, minutes, seed, planned)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            params![
                m.started_at,
                m.day,
                m.company,
                m.minutes,
                m.seed as i64,
                m.planned as i64
            ],
        )?;
        Ok(self.conn.last_insert_rowid())
    }

    pub fn save_mock_step(&self, mock: i64, s: &MockStepRow<'_>) -> anyhow::Result<()> {
        self.conn
            .prepare_cached(
                "INSERT OR REPLACE INTO mock_step (mock_id, position, part, card_key, asked, told,
                     target_seconds, ms, points, covered, review_id, naming_review_id)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
            )?
            .execute(params![
                mock,
                s.position as i64,
                s.part.as_str(),
                s.card_key,
                s.asked,
                s.told,
                s.target_seconds,
                s.ms,
                s.points as i64,
                s.covered as i64,
                s.review_id,
                s.naming_review_id
            ])?;
        Ok(())
    }

    /// Ends a mock interview's record with its score and report.
    pub fn finish_mock(
        &self,
        mock: i64,
        finished: bool,
        score: Option<u32>,
        report: &str,
    ) -> anyhow::Result<()> {
        self.conn.execute(
            "UPDATE mock_interview SET finished = ?2, score = ?3, report = ?4 WHERE id = ?1",
            params![mock, finished, score, report],
        )?;
        Ok(())
    }

    /// Past mock interviews, oldest first (the last `limit` when given).
    pub fn mocks(&self, limit: Option<usize>) -> anyhow::Result<Vec<MockSummary>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT * FROM (
                 SELECT m.id, m.day, m.company, m.minutes, m.planned,
                        (SELECT count(*) FROM mock_step st WHERE st.mock_id = m.id),
                        m.finished, m.score
                 FROM mock_interview m ORDER BY m.id DESC LIMIT ?1)
             ORDER BY 1",
        )?;
        let limit = limit.map_or(-1, |n| n as i64);
        let rows = stmt.query_map([limit], |r| {
            Ok(MockSummary {
                id: r.get(0)?,
                day: r.get(1)?,
                company: r.get(2)?,
                minutes: r.get(3)?,
                planned: r.get(4)?,
                answered: r.get(5)?,
                finished: r.get(6)?,
                score: r.get(7)?,
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// The stories told in mock interviews for `company` before mock interview `before`.
    pub fn told_to_company(&self, company: &str, before: i64) -> anyhow::Result<Vec<ToldBefore>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT st.told, m.id, m.day FROM mock_interview m
             JOIN mock_step st ON st.mock_id = m.id
             WHERE m.company = ?1 AND m.id < ?2 AND st.told IS NOT NULL
               AND st.part IN ('question', 'design')
             ORDER BY m.id, st.position",
        )?;
        let rows = stmt.query_map(params![company, before], |r| {
            Ok(ToldBefore {
                story: r.get(0)?,
                mock_id: r.get(1)?,
                day: r.get(2)?,
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }
}
