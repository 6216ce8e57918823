//! The grade prompt (each grade's meaning and the interval it would give) and the commit of the
//! answer, which is in the database before the next card shows.

use chrono::Utc;

use super::events::{Event, Point};
use super::{Asked, Graded, Interrupt, Session, Stop};
use crate::core::judge::Verdict;
use crate::core::model::Card;
use crate::core::queue::{self, Queued};
use crate::core::sm2::{self, ReviewKind};
use crate::core::types::Quality;
use crate::paint;
use crate::store::Answer;

/// How a card was answered, before grading.
pub(super) struct Answered {
    pub answer: String,
    pub answered_story: Option<String>,
    pub correct: Option<bool>,
    pub suggestion: Option<u8>,
    pub ms: i64,
    /// A telling's key points, judged (None for other cards).
    pub judgement: Option<Judgement>,
}

/// A telling's key points as judged, and as the user left them.
pub(super) struct Judgement {
    /// The points as the deck has them (alternatives after `||` included).
    pub texts: Vec<String>,
    pub verdict: Verdict,
    /// The judge's ticks before the user's word; None for a telling told aloud.
    pub judged: Option<Vec<bool>>,
}

impl Judgement {
    /// The points for `review --json`.
    pub fn points(&self) -> Vec<Point> {
        self.texts
            .iter()
            .zip(&self.verdict.points)
            .map(|(text, j)| Point {
                text: crate::core::judge::recall::shown(text).to_string(),
                covered: j.covered,
                reason: j.reason.to_string(),
            })
            .collect()
    }

    /// What the review log keeps: each point as judged and as kept, and the suggestion.
    pub fn log(&self) -> crate::store::Judgement {
        crate::store::Judgement {
            spoken: self.judged.is_none(),
            suggested: self.verdict.suggested(),
            judged: self.judged.clone(),
            kept: self.verdict.covered(),
        }
    }
}

impl Session<'_> {
    /// The grade prompt: each grade's meaning and the interval it would give; Enter takes the suggestion.
    pub(super) fn ask_grade(&mut self, card: &Card, answered: &mut Answered) -> Asked<Quality> {
        let mut suggestion = answered.suggestion;
        let mut lines = String::new();
        for quality in (0..=5).rev().filter_map(Quality::new) {
            let q = quality.get();
            let (kind, after) = sm2::review(&card.state, quality, self.today, self.args.cram);
            let effect = match kind {
                ReviewKind::Scheduled => format!("{} d", after.interval_days),
                ReviewKind::Redrill => "re-drill, schedule stays".into(),
                ReviewKind::Cram | ReviewKind::Mock => "cram, schedule stays".into(),
            };
            let marker = if suggestion == Some(q) {
                paint::bold("›")
            } else {
                " ".into()
            };
            lines.push_str(&format!("{marker}{q} · {} → {effect}\n", quality.meaning()));
        }
        if answered.judgement.is_some() {
            lines.push_str(&paint::dimmed("(:p N ticks or unticks key point N)\n"));
        }
        self.say(&lines)?;
        self.points_open = answered.judgement.is_some();
        loop {
            let prompt = match suggestion {
                Some(s) => format!("grade [{s}]> "),
                None => "grade 0-5> ".to_string(),
            };
            let typed = match self.read(&prompt) {
                Err(Stop::Command(Interrupt::Point(n))) => {
                    suggestion = self.tick(answered, n)?.or(suggestion);
                    continue;
                }
                other => other?,
            };
            let typed = typed.trim();
            if typed.is_empty() {
                if let Some(q) = suggestion.and_then(Quality::new) {
                    return Ok(q);
                }
                self.say("type a grade 0-5\n")?;
                continue;
            }
            match typed.parse::<Quality>() {
                Ok(q) => return Ok(q),
                Err(e) => self.say(&format!("{e}\n"))?,
            }
        }
    }

    /// `:p N`: flips key point N and says the new suggestion; None when there is no point N.
    fn tick(&mut self, answered: &mut Answered, n: usize) -> anyhow::Result<Option<u8>> {
        let Some(j) = answered.judgement.as_mut() else {
            return Ok(None);
        };
        if n == 0 || !j.verdict.toggle(n - 1) {
            let total = j.texts.len();
            self.say(&format!(
                "there is no key point {n}: they are numbered 1 to {total}\n"
            ))?;
            return Ok(None);
        }
        let line = crate::cmd::check::point_line(n, &j.texts[n - 1], &j.verdict.points[n - 1]);
        let suggested = j.verdict.suggested();
        answered.suggestion = Some(suggested);
        self.say(&format!("{line}suggested grade now {suggested}\n"))?;
        Ok(Some(suggested))
    }

    /// Commits the grade, then says when the card comes back.
    pub(super) fn record(
        &mut self,
        queued: &Queued,
        card: &Card,
        answered: Answered,
        quality: Quality,
    ) -> anyhow::Result<()> {
        let at = self
            .clock
            .later_ms(self.started.elapsed().as_millis() as i64)
            .now()
            .with_timezone(&Utc);
        let answer = Answer {
            quality,
            text: answered.answer,
            answered_story: answered.answered_story,
            correct: answered.correct,
            ms: answered.ms,
            judgement: answered.judgement.as_ref().map(Judgement::log),
        };
        // The state is read again in the transaction that logs the answer: another storydrill may
        // have graded this card while it was on screen. The answer then counts from that state.
        let (review_id, review) =
            self.store
                .record_answer(card.id, answer, at, self.today, self.args.cram)?;
        if review.before != card.state {
            self.say(&format!(
                "card #{} was graded by another storydrill while it was on screen; your grade counts from that state\n",
                card.id
            ))?;
        }
        let (kind, after) = (review.kind, review.after);
        self.graded.push(Graded {
            review_id,
            queued: queued.clone(),
            quality,
        });
        self.summary.done += 1;
        if quality.is_pass() {
            self.summary.right += 1;
        } else {
            self.summary.wrong += 1;
        }
        self.event(&Event::graded(card, quality, kind, after.due))?;
        // A repeat counts against the day's re-drills (in cram too, where it is logged as cram).
        if queued.redrill {
            *self.redrills.entry(card.id).or_default() += 1;
        }
        let redrilled = self.redrills.get(&card.id).copied().unwrap_or(0);
        let again = queue::needs_redrill(quality) && redrilled < queue::MAX_REDRILLS;
        if again {
            self.queue.push_back(Queued {
                id: card.id,
                story: card.story.clone(),
                redrill: true,
                present: false,
            });
        }
        let next = match (kind, after.due) {
            (ReviewKind::Scheduled, Some(due)) => {
                let days = after.interval_days;
                format!(
                    "next: in {days} day{} ({due})",
                    if days == 1 { "" } else { "s" }
                )
            }
            (ReviewKind::Cram, _) => "cram: schedule unchanged".to_string(),
            _ => "re-drill: schedule unchanged".to_string(),
        };
        let tail = if again {
            format!(
                " · comes back after a few cards until you score {}",
                queue::REDRILL_UNTIL
            )
        } else if queue::needs_redrill(quality) {
            format!(" · re-drilled {redrilled} times today: it comes back tomorrow",)
        } else {
            String::new()
        };
        self.say(&format!("{}{tail}\n", paint::dimmed(&next)))
    }
}
