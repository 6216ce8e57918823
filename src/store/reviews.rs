//! The review log: logging an answer with the card's new state (one transaction, committed before
//! it returns), undoing it, and reading it back.

use anyhow::{bail, Context};
use chrono::{DateTime, SecondsFormat, Utc};
use rusqlite::{params, OptionalExtension, Row, TransactionBehavior};

use super::Store;
pub use crate::core::model::NewReview;
use crate::core::model::Review;
use crate::core::queue::DayAnswer;
use crate::core::sm2::CardState;
use crate::core::types::{CardId, Quality, StudyDay};

/// What the user answered and the grade given, before it is logged.
#[derive(Debug, Clone)]
pub struct Answer {
    pub quality: Quality,
    /// What was typed (a story, a telling, a blank's answer; empty when nothing was).
    pub text: String,
    /// Match cards: the story the answer named.
    pub answered_story: Option<String>,
    /// Match and cloze cards: whether the answer was right.
    pub correct: Option<bool>,
    pub ms: i64,
    /// A telling's key points as judged and as the user left them.
    pub judgement: Option<Judgement>,
}

/// How a telling's key points were judged, logged with its review.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Judgement {
    /// Told aloud: the points were ticked from a checklist.
    pub spoken: bool,
    pub suggested: u8,
    /// The judge's ticks (None when spoken).
    pub judged: Option<Vec<bool>>,
    /// The ticks as the user left them.
    pub kept: Vec<bool>,
}

impl Store {
    /// Logs one answer and stores the card's new state, in one transaction: committed before it returns.
    ///
    /// Refused, changing nothing, when the card's stored state is no longer `review.before` (another
    /// storydrill graded it meanwhile): the log must always replay to the stored state.
    pub fn record_review(&mut self, review: &NewReview) -> anyhow::Result<i64> {
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        let current = read_state(&tx, review.card_id)?;
        if current != review.before {
            bail!(
                "card {} changed since it was read (another storydrill graded it); nothing was recorded, try again",
                review.card_id
            );
        }
        let id = insert_review(&tx, review)?;
        tx.commit()?;
        Ok(id)
    }

    /// Logs many answers in one transaction, all or nothing, each checked like `record_review`
    /// (bulk loads: the synthetic-data generator of the benchmark).
    pub fn record_reviews(&mut self, reviews: &[NewReview]) -> anyhow::Result<()> {
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        for review in reviews {
            if read_state(&tx, review.card_id)? != review.before {
                bail!(
                    "card {}: a review does not start from the state before it",
                    review.card_id
                );
            }
            insert_review(&tx, review)?;
        }
        tx.commit()?;
        Ok(())
    }

    /// Reads a card's state and logs the review `make` builds from it, in one transaction, so two
    /// processes grading the same card never both build on the same state. Returns the log row's id.
    pub fn review_card(
        &mut self,
        card: CardId,
        make: impl FnOnce(&CardState) -> NewReview,
    ) -> anyhow::Result<(i64, NewReview)> {
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        let before = read_state(&tx, card)?;
        let review = make(&before);
        if review.card_id != card || review.before != before {
            bail!("internal error: a review of card {card} must start from its stored state");
        }
        let id = insert_review(&tx, &review)?;
        tx.commit()?;
        Ok((id, review))
    }

    /// Grades a card: reads its state and logs `answer` with SM-2's step from that state (a
    /// scheduled review, a same-day re-drill, or cram), in one transaction, committed before it
    /// returns. The one write path of an answer: the session and `grade` both come here. Returns
    /// the log row's id and the row.
    pub fn record_answer(
        &mut self,
        card: CardId,
        answer: Answer,
        at: DateTime<Utc>,
        today: StudyDay,
        cram: bool,
    ) -> anyhow::Result<(i64, NewReview)> {
        let quality = answer.quality;
        self.record_with(card, answer, at, today, |before| {
            crate::core::sm2::review(before, quality, today, cram)
        })
    }

    /// Logs an answer given in a mock interview (kind `mock`): like `record_answer`, committed
    /// before it returns, but the card's schedule stays as it is.
    pub fn record_mock_answer(
        &mut self,
        card: CardId,
        answer: Answer,
        at: DateTime<Utc>,
        today: StudyDay,
    ) -> anyhow::Result<i64> {
        let (id, _) = self.record_with(card, answer, at, today, |before| {
            (crate::core::sm2::ReviewKind::Mock, *before)
        })?;
        Ok(id)
    }

    /// The one write path of an answer: reads the card's state, logs `answer` with the step
    /// `step` takes from it, and writes the state after, in one transaction.
    fn record_with(
        &mut self,
        card: CardId,
        answer: Answer,
        at: DateTime<Utc>,
        today: StudyDay,
        step: impl FnOnce(&CardState) -> (crate::core::sm2::ReviewKind, CardState),
    ) -> anyhow::Result<(i64, NewReview)> {
        let judgement = answer.judgement.clone();
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        let before = read_state(&tx, card)?;
        let (kind, after) = step(&before);
        let review = NewReview {
            card_id: card,
            at,
            day: today,
            quality: answer.quality,
            kind,
            answer: answer.text,
            answered_story: answer.answered_story,
            correct: answer.correct,
            ms: answer.ms,
            before,
            after,
        };
        let id = insert_review(&tx, &review)?;
        if let Some(j) = judgement {
            tx.prepare_cached(
                "INSERT INTO review_judgement (review_id, spoken, suggested, judged, kept) VALUES (?1, ?2, ?3, ?4, ?5)",
            )?
            .execute(params![
                id,
                j.spoken,
                j.suggested,
                j.judged.map(|v| serde_json::to_string(&v)).transpose()?,
                serde_json::to_string(&j.kept)?,
            ])?;
        }
        tx.commit()?;
        Ok((id, review))
    }

    /// Removes a logged answer and restores the card's state from before it (undo).
    pub fn undo_review(&mut self, review_id: i64) -> anyhow::Result<()> {
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        let sql = format!("SELECT {REVIEW_COLUMNS} FROM review WHERE id = ?1");
        let review = tx
            .query_row(&sql, [review_id], review_from_row)
            .optional()?;
        let Some(review) = review else {
            bail!("nothing to undo: answer {review_id} is not in the log")
        };
        if read_state(&tx, review.card_id)? != review.after {
            bail!(
                "card {} was graded again since (another storydrill?); undo only takes back the latest answer",
                review.card_id
            );
        }
        tx.execute("DELETE FROM review WHERE id = ?1", [review_id])?;
        write_state(&tx, review.card_id, &review.after, &review.before)?;
        tx.commit()?;
        Ok(())
    }

    /// A card's review log, oldest first.
    pub fn history(&self, card: CardId) -> anyhow::Result<Vec<Review>> {
        let sql = format!("SELECT {REVIEW_COLUMNS} FROM review WHERE card_id = ?1 ORDER BY id");
        let mut stmt = self.conn.prepare(&sql)?;
        let rows = stmt.query_map([card], review_from_row)?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Reviews logged on study days `from..=to`, oldest first.
    pub fn reviews_between(&self, from: StudyDay, to: StudyDay) -> anyhow::Result<Vec<Review>> {
        let sql = format!(
            "SELECT {REVIEW_COLUMNS} FROM review WHERE day >= ?1 AND day <= ?2 ORDER BY id"
        );
        let mut stmt = self.conn.prepare(&sql)?;
        let rows = stmt.query_map(params![from, to], review_from_row)?;
        Ok(rows.collect::<Result<_, _>>()?)
    }
}

const INSERT_REVIEW: &str = "INSERT INTO review (card_id, reviewed_at, day, quality, kind, answer, answered_story, correct, ms,
        before_repetitions, before_easiness, before_interval, before_due, before_lapses, before_reviews, before_last_review,
        after_repetitions, after_easiness, after_interval, after_due, after_lapses, after_reviews, after_last_review)
     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20, ?21, ?22, ?23)";

/// Appends one review to the log and writes the card's state after it; returns the review's id.
fn insert_review(tx: &rusqlite::Transaction<'_>, review: &NewReview) -> anyhow::Result<i64> {
    let (b, a) = (&review.before, &review.after);
    tx.prepare_cached(INSERT_REVIEW)?.execute(params![
        review.card_id,
        review.at.to_rfc3339_opts(SecondsFormat::Millis, true),
        review.day,
        review.quality,
        review.kind.as_str(),
        review.answer,
        review.answered_story,
        review.correct,
        review.ms,
        b.repetitions,
        b.easiness,
        b.interval_days,
        b.due,
        b.lapses,
        b.reviews,
        b.last_review,
        a.repetitions,
        a.easiness,
        a.interval_days,
        a.due,
        a.lapses,
        a.reviews,
        a.last_review,
    ])?;
    let id = tx.last_insert_rowid();
    write_state(tx, review.card_id, b, a)?;
    Ok(id)
}

fn read_state(tx: &rusqlite::Transaction<'_>, card: CardId) -> anyhow::Result<CardState> {
    tx.prepare_cached(
        "SELECT repetitions, easiness, interval_days, due, lapses, reviews, last_review FROM card WHERE id = ?1",
    )?
    .query_row([card], |r| state_at(r, 0))
    .optional()?
    .with_context(|| format!("card {card} is gone"))
}

/// A card's SM-2 state from seven columns starting at `i`, in the order repetitions, easiness,
/// interval, due, lapses, reviews, last review (as the card table and the review log keep it).
pub(super) fn state_at(row: &Row<'_>, i: usize) -> rusqlite::Result<CardState> {
    Ok(CardState {
        repetitions: row.get(i)?,
        easiness: row.get(i + 1)?,
        interval_days: row.get(i + 2)?,
        due: row.get(i + 3)?,
        lapses: row.get(i + 4)?,
        reviews: row.get(i + 5)?,
        last_review: row.get(i + 6)?,
    })
}

/// Writes the card's state `to` over `was` (what the card holds now), setting only the columns
/// that change: SQLite rewrites an index entry whenever a column of the index (or of its WHERE)
/// is set, even to the value it had, and each page rewritten is a page more in the log. A grade
/// that leaves the easiness and the lapses as they were does not touch `card_easiness`.
fn write_state(
    tx: &rusqlite::Transaction<'_>,
    card: CardId,
    was: &CardState,
    to: &CardState,
) -> anyhow::Result<()> {
    let mut set: Vec<&str> = Vec::new();
    let mut args: Vec<rusqlite::types::Value> = vec![card.0.into()];
    let mut change = |column: &'static str, changed: bool, value: rusqlite::types::Value| {
        if changed {
            args.push(value);
            set.push(column);
        }
    };
    change(
        "repetitions",
        was.repetitions != to.repetitions,
        to.repetitions.into(),
    );
    change(
        "easiness",
        was.easiness != to.easiness,
        i64::from(to.easiness.hundredths()).into(),
    );
    change(
        "interval_days",
        was.interval_days != to.interval_days,
        to.interval_days.into(),
    );
    change(
        "due",
        was.due != to.due,
        to.due.map(|d| d.to_string()).into(),
    );
    change("lapses", was.lapses != to.lapses, to.lapses.into());
    change("reviews", was.reviews != to.reviews, to.reviews.into());
    change(
        "last_review",
        was.last_review != to.last_review,
        to.last_review.map(|d| d.to_string()).into(),
    );
    if set.is_empty() {
        return Ok(());
    }
    let assignments: Vec<String> = set
        .iter()
        .enumerate()
        .map(|(i, column)| format!("{column} = ?{}", i + 2))
        .collect();
    let sql = format!("UPDATE card SET {} WHERE id = ?1", assignments.join(", "));
    tx.prepare_cached(&sql)?
        .execute(rusqlite::params_from_iter(args))?;
    Ok(())
}

const REVIEW_COLUMNS: &str = "id, card_id, reviewed_at, day, quality, kind, answer, answered_story, correct, ms,
    before_repetitions, before_easiness, before_interval, before_due, before_lapses, before_reviews, before_last_review,
    after_repetitions, after_easiness, after_interval, after_due, after_lapses, after_reviews, after_last_review";

fn review_from_row(row: &Row<'_>) -> rusqlite::Result<Review> {
    let at: String = row.get(2)?;
    let at = DateTime::parse_from_rfc3339(&at)
        .map(|t| t.with_timezone(&Utc))
        .map_err(|e| {
            rusqlite::Error::FromSqlConversionFailure(2, rusqlite::types::Type::Text, Box::new(e))
        })?;
    Ok(Review {
        id: row.get(0)?,
        logged: NewReview {
            card_id: row.get(1)?,
            at,
            day: row.get(3)?,
            quality: row.get(4)?,
            kind: row.get(5)?,
            answer: row.get(6)?,
            answered_story: row.get(7)?,
            correct: row.get(8)?,
            ms: row.get(9)?,
            before: state_at(row, 10)?,
            after: state_at(row, 17)?,
        },
    })
}

impl Store {
    /// Every answer logged on `day`, oldest first, with the card's story.
    pub fn answers_on(&self, day: StudyDay) -> anyhow::Result<Vec<DayAnswer>> {
        let mut stmt = self.conn.prepare(
            "SELECT r.card_id, s.key, r.quality, r.kind, r.before_reviews = 0
             FROM review r JOIN card c ON c.id = r.card_id LEFT JOIN story s ON s.id = c.story_id
             WHERE r.day = ?1 ORDER BY r.id",
        )?;
        let rows = stmt.query_map([day], |r| {
            Ok(DayAnswer {
                card_id: r.get(0)?,
                story: r.get(1)?,
                quality: r.get(2)?,
                kind: r.get(3)?,
                was_new: r.get(4)?,
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }
}
