//! Preparing for an interview on a known date: every card reviewed once more in the last days before
//! it, new cards all introduced a few days before it, and the countdown.
//!
//! The rule (the README states it too): SM-2 computes every interval as published. A card whose
//! next due day falls on or after the interview day, and that was not reviewed in the
//! `WINDOW_DAYS` days before it, is brought forward into that window: to the day before the
//! interview minus (its id mod `WINDOW_DAYS`), so the cards spread evenly over the window's days
//! and no day's load spikes. New cards are paced to be all introduced `WINDOW_DAYS` days before it.

use crate::core::types::StudyDay;

/// The last days before an interview, in which every card gets a review.
pub const WINDOW_DAYS: u32 = 5;

/// An interview ahead, as the schedule sees it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Interview {
    pub day: StudyDay,
}

impl Interview {
    /// The first day of the window.
    pub fn window_start(&self) -> StudyDay {
        self.day.minus_days(WINDOW_DAYS)
    }

    /// The day before the interview: the last day to review.
    pub fn last_day(&self) -> StudyDay {
        self.day.minus_days(1)
    }

    /// The day in the window a card is brought forward to.
    pub fn review_day(&self, card_id: i64) -> StudyDay {
        let offset = card_id.rem_euclid(i64::from(WINDOW_DAYS)) as u32;
        self.last_day().minus_days(offset)
    }

    /// The day a card is due, with the rule applied: `due` as SM-2 gave it, or its day in the
    /// window when SM-2's day is too late and it was not reviewed in the window yet.
    pub fn due(&self, card_id: i64, due: StudyDay, last_review: Option<StudyDay>) -> StudyDay {
        let reviewed_in_window = last_review.is_some_and(|d| d >= self.window_start());
        if due >= self.day && !reviewed_in_window {
            self.review_day(card_id).min(due)
        } else {
            due
        }
    }

    /// Days from `today` to the interview (0 on the day).
    pub fn days_left(&self, today: StudyDay) -> i64 {
        today.days_until(self.day)
    }

    /// New cards to introduce per day so that `new_left` are all in by the window's start, at
    /// least `per_day`.
    pub fn new_per_day(&self, today: StudyDay, new_left: u32, per_day: u32) -> u32 {
        let days = today.days_until(self.window_start()).max(1) as u32;
        per_day.max(new_left.div_ceil(days))
    }

    /// "interview in 12 days", "interview tomorrow", "interview today".
    pub fn countdown(&self, today: StudyDay) -> String {
        match self.days_left(today) {
            0 => "interview today".to_string(),
            1 => "interview tomorrow".to_string(),
            n => format!("interview in {n} days ({})", self.day),
        }
    }
}

/// The next interview on or after `today` among `days`.
pub fn next(days: &[StudyDay], today: StudyDay) -> Option<Interview> {
    days.iter()
        .copied()
        .filter(|d| *d >= today)
        .min()
        .map(|day| Interview { day })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(d: u32) -> StudyDay {
        StudyDay::from_ymd(2027, 1, d).unwrap()
    }

    #[test]
    fn a_card_due_too_late_comes_into_the_window_spread_by_id() {
        let i = Interview { day: day(20) };
        assert_eq!(i.window_start(), day(15));
        let days: Vec<StudyDay> = (0..5).map(|id| i.due(id, day(28), Some(day(3)))).collect();
        assert_eq!(days, vec![day(19), day(18), day(17), day(16), day(15)]);
        // Due in time: as SM-2 said. Reviewed in the window already: as SM-2 said.
        assert_eq!(i.due(7, day(12), Some(day(6))), day(12));
        assert_eq!(i.due(7, day(30), Some(day(16))), day(30));
        // Never later than SM-2's own day.
        assert_eq!(i.due(4, day(20), None), day(15));
    }

    #[test]
    fn new_cards_are_paced_to_be_in_before_the_window() {
        let i = Interview { day: day(25) };
        // 10 days to the window's start, 155 new cards: 16 a day, not the usual 20.
        assert_eq!(i.new_per_day(day(10), 155, 20), 20);
        assert_eq!(i.new_per_day(day(10), 400, 20), 40);
        assert_eq!(
            i.new_per_day(day(22), 30, 20),
            30,
            "inside the window: all now"
        );
    }

    #[test]
    fn the_next_interview_and_its_countdown() {
        let days = [day(5), day(20), day(12)];
        assert_eq!(next(&days, day(6)), Some(Interview { day: day(12) }));
        assert_eq!(next(&days, day(21)), None);
        let i = Interview { day: day(12) };
        assert_eq!(i.countdown(day(12)), "interview today");
        assert_eq!(i.countdown(day(11)), "interview tomorrow");
        assert_eq!(i.countdown(day(1)), "interview in 11 days (2027-01-12)");
    }
}
