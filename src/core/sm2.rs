//! SM-2 exactly as published (Wozniak 1990), over integer hundredths so no float ever rounds a day.
//!
//! The readings we chose where the text leaves room, named in the README:
//! - the interval uses the easiness factor as it was *before* the grade;
//! - the easiness factor also changes on failed grades (q < 3), as SuperMemo's own reference code does;
//! - "if interval is a fraction, round it up": ⌈I × EF⌉ computed in integers;
//! - step 7: a card that already had its scheduled review today is only re-drilled; its schedule stays.

use crate::core::types::{Easiness, Quality, StudyDay};

/// The scheduling state of one card.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CardState {
    /// Successful reviews in a row (n).
    pub repetitions: u32,
    pub easiness: Easiness,
    /// The last interval given, in days (0 while new).
    pub interval_days: u32,
    /// The study day the card is next due (None while new).
    pub due: Option<StudyDay>,
    pub lapses: u32,
    /// Scheduled reviews so far (re-drills and cram do not count).
    pub reviews: u32,
    /// The study day of the last scheduled review.
    pub last_review: Option<StudyDay>,
}

impl CardState {
    pub const NEW: CardState = CardState {
        repetitions: 0,
        easiness: Easiness::INITIAL,
        interval_days: 0,
        due: None,
        lapses: 0,
        reviews: 0,
        last_review: None,
    };

    pub fn is_new(&self) -> bool {
        self.reviews == 0
    }
}

impl Default for CardState {
    fn default() -> Self {
        Self::NEW
    }
}

/// What kind of review a grade was.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReviewKind {
    /// The review that moves the schedule.
    Scheduled,
    /// Step 7: a repeat on the same study day until the card scores ≥ 4; the schedule stays.
    Redrill,
    /// Drilling outside the schedule (`--cram`); the schedule stays.
    Cram,
    /// An answer in a mock interview (`storydrill interview`): it counts in readiness and
    /// confusions, and the schedule stays.
    Mock,
}

impl ReviewKind {
    pub fn as_str(self) -> &'static str {
        match self {
            ReviewKind::Scheduled => "scheduled",
            ReviewKind::Redrill => "redrill",
            ReviewKind::Cram => "cram",
            ReviewKind::Mock => "mock",
        }
    }

    pub fn parse(s: &str) -> Option<ReviewKind> {
        match s {
            "scheduled" => Some(ReviewKind::Scheduled),
            "redrill" => Some(ReviewKind::Redrill),
            "cram" => Some(ReviewKind::Cram),
            "mock" => Some(ReviewKind::Mock),
            _ => None,
        }
    }
}

/// The change in easiness for a grade, in hundredths: 0.1 − (5−q)(0.08 + (5−q)·0.02).
pub fn easiness_delta(q: Quality) -> i32 {
    let d = 5 - i32::from(q.get());
    10 - d * (8 + 2 * d)
}

/// The longest interval: 100 years. SM-2 sets no bound, and fifteen perfect grades in a row would
/// otherwise schedule a card past the year 9999; a card that far out is, for any reader, learnt.
pub const MAX_INTERVAL_DAYS: u32 = 36_500;

/// The interval a scheduled review with grade `q` gives, in days (at most `MAX_INTERVAL_DAYS`).
pub fn next_interval(state: &CardState, q: Quality) -> u32 {
    if !q.is_pass() {
        return 1;
    }
    match state.repetitions {
        0 => 1,
        1 => 6,
        _ => {
            // ⌈I × EF⌉ with EF in hundredths; u64 so no interval can overflow.
            let product = u64::from(state.interval_days) * u64::from(state.easiness.hundredths());
            let days = product.div_ceil(100);
            u32::try_from(days).map_or(MAX_INTERVAL_DAYS, |d| d.min(MAX_INTERVAL_DAYS))
        }
    }
}

/// Whether a grade at `today` is the scheduled review or a same-day re-drill. A study day earlier
/// than the last scheduled review's (the clock or time zone moved back) is a re-drill too: one day
/// never gets two scheduled reviews, and the log's scheduled days never go back.
pub fn kind_of_review(state: &CardState, today: StudyDay) -> ReviewKind {
    if state.last_review.is_some_and(|last| last >= today) {
        ReviewKind::Redrill
    } else {
        ReviewKind::Scheduled
    }
}

/// One scheduled review: the state after grading `q` on study day `today`.
pub fn schedule(state: &CardState, q: Quality, today: StudyDay) -> CardState {
    let interval_days = next_interval(state, q);
    let (repetitions, lapses) = if q.is_pass() {
        (state.repetitions.saturating_add(1), state.lapses)
    } else {
        let lapses = if state.repetitions > 0 {
            state.lapses.saturating_add(1)
        } else {
            state.lapses
        };
        (0, lapses)
    };
    CardState {
        repetitions,
        easiness: state.easiness.adjusted(easiness_delta(q)),
        interval_days,
        due: Some(today.plus_days(interval_days)),
        lapses,
        reviews: state.reviews.saturating_add(1),
        last_review: Some(today),
    }
}

/// Grades a card: a scheduled review moves the schedule, a re-drill or cram leaves it as it is.
pub fn review(
    state: &CardState,
    q: Quality,
    today: StudyDay,
    cram: bool,
) -> (ReviewKind, CardState) {
    let kind = if cram {
        ReviewKind::Cram
    } else {
        kind_of_review(state, today)
    };
    match kind {
        ReviewKind::Scheduled => (kind, schedule(state, q, today)),
        ReviewKind::Redrill | ReviewKind::Cram | ReviewKind::Mock => (kind, *state),
    }
}

/// Replays a card's log from a new card: the state must equal the stored one.
pub fn replay<'a>(log: impl IntoIterator<Item = &'a (ReviewKind, Quality, StudyDay)>) -> CardState {
    log.into_iter()
        .fold(CardState::NEW, |state, (kind, q, day)| match kind {
            ReviewKind::Scheduled => schedule(&state, *q, *day),
            ReviewKind::Redrill | ReviewKind::Cram | ReviewKind::Mock => state,
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn day0() -> StudyDay {
        StudyDay::from_ymd(2027, 1, 1).unwrap()
    }

    /// Grades each step one interval after the last; returns (n, EF hundredths, I) after each.
    fn run(grades: &[u8]) -> Vec<(u32, u16, u32)> {
        let mut state = CardState::NEW;
        let mut today = day0();
        let mut out = Vec::new();
        for &g in grades {
            state = schedule(&state, Quality::new(g).unwrap(), today);
            out.push((
                state.repetitions,
                state.easiness.hundredths(),
                state.interval_days,
            ));
            today = state.due.unwrap();
        }
        out
    }

    #[test]
    fn easiness_deltas_are_whole_hundredths() {
        let deltas: Vec<i32> = (0..=5)
            .map(|q| easiness_delta(Quality::new(q).unwrap()))
            .collect();
        assert_eq!(deltas, vec![-80, -54, -32, -14, 0, 10]);
    }

    // Each table below is written out by hand from the formula.
    #[test]
    fn all_fives() {
        // I: 1, 6, ⌈6×2.7⌉=17, ⌈17×2.8⌉=48; EF 2.6, 2.7, 2.8, 2.9
        assert_eq!(
            run(&[5, 5, 5, 5]),
            vec![(1, 260, 1), (2, 270, 6), (3, 280, 17), (4, 290, 48)]
        );
    }

    #[test]
    fn all_fours_keep_easiness() {
        // I: 1, 6, ⌈6×2.5⌉=15, ⌈15×2.5⌉=38 (37.5 rounds up), ⌈38×2.5⌉=95
        assert_eq!(
            run(&[4, 4, 4, 4, 4]),
            vec![
                (1, 250, 1),
                (2, 250, 6),
                (3, 250, 15),
                (4, 250, 38),
                (5, 250, 95)
            ]
        );
    }

    #[test]
    fn all_threes_fall_to_the_floor() {
        // EF 2.36, 2.22, 2.08, 1.94, 1.80, 1.66, 1.52, 1.38, 1.30 (floor)
        // I: 1, 6, ⌈6×2.22⌉=14 (13.32), ⌈14×2.08⌉=30 (29.12), ⌈30×1.94⌉=59 (58.2)
        let got = run(&[3, 3, 3, 3, 3, 3, 3, 3, 3]);
        assert_eq!(
            got[..5],
            [
                (1, 236, 1),
                (2, 222, 6),
                (3, 208, 14),
                (4, 194, 30),
                (5, 180, 59)
            ]
        );
        let efs: Vec<u16> = got.iter().map(|s| s.1).collect();
        assert_eq!(efs, vec![236, 222, 208, 194, 180, 166, 152, 138, 130]);
    }

    #[test]
    fn a_lapse_resets_repetitions_and_still_lowers_easiness() {
        // 5 → (1, 2.6, 1); 5 → (2, 2.7, 6); 2 → (0, 2.38, 1) lapse; 4 → (1, 2.38, 1); 4 → (2, 2.38, 6);
        // 5 → ⌈6×2.38⌉=15 (14.28), EF 2.48
        assert_eq!(
            run(&[5, 5, 2, 4, 4, 5]),
            vec![
                (1, 260, 1),
                (2, 270, 6),
                (0, 238, 1),
                (1, 238, 1),
                (2, 238, 6),
                (3, 248, 15)
            ]
        );
    }

    #[test]
    fn zero_on_a_new_card_is_not_a_lapse() {
        let state = schedule(&CardState::NEW, Quality::new(0).unwrap(), day0());
        assert_eq!(
            (
                state.repetitions,
                state.easiness.hundredths(),
                state.interval_days
            ),
            (0, 170, 1)
        );
        assert_eq!(state.lapses, 0);
        let state = schedule(&state, Quality::new(5).unwrap(), day0().plus_days(1));
        let state = schedule(&state, Quality::new(1).unwrap(), day0().plus_days(2));
        assert_eq!(state.lapses, 1);
        assert_eq!(
            state.easiness.hundredths(),
            130,
            "1.70 + 0.10 - 0.54 = 1.26, floored at 1.30"
        );
    }

    #[test]
    fn float_products_never_add_a_day() {
        // EF 1.5 exactly, I 6: 6 × 1.5 = 9 exactly; a float 1.5000000000000002 would give 10.
        let state = CardState {
            repetitions: 2,
            easiness: Easiness::from_hundredths(150),
            interval_days: 6,
            ..CardState::NEW
        };
        assert_eq!(next_interval(&state, Quality::new(4).unwrap()), 9);
    }

    #[test]
    fn due_counts_from_the_day_graded_even_when_early() {
        let state = schedule(&CardState::NEW, Quality::new(5).unwrap(), day0());
        let state = schedule(&state, Quality::new(5).unwrap(), day0().plus_days(1));
        assert_eq!(state.due, Some(day0().plus_days(7)));
        // Graded 3 days early, on day 4 instead of 7: I = ⌈6 × 2.7⌉ = 17 from day 4.
        let early = schedule(&state, Quality::new(5).unwrap(), day0().plus_days(4));
        assert_eq!(early.due, Some(day0().plus_days(21)));
    }

    #[test]
    fn second_grade_on_the_same_day_is_a_redrill() {
        let first = review(&CardState::NEW, Quality::new(2).unwrap(), day0(), false);
        assert_eq!(first.0, ReviewKind::Scheduled);
        let again = review(&first.1, Quality::new(5).unwrap(), day0(), false);
        assert_eq!(again, (ReviewKind::Redrill, first.1));
        let next_day = review(
            &first.1,
            Quality::new(5).unwrap(),
            day0().plus_days(1),
            false,
        );
        assert_eq!(next_day.0, ReviewKind::Scheduled);
    }

    #[test]
    fn intervals_stop_at_a_hundred_years_and_due_days_stay_four_digit_years() {
        let mut state = CardState::NEW;
        let mut today = day0();
        for _ in 0..40 {
            state = schedule(&state, Quality::new(5).unwrap(), today);
            assert!(state.interval_days <= MAX_INTERVAL_DAYS);
            today = state.due.unwrap();
        }
        assert_eq!(state.interval_days, MAX_INTERVAL_DAYS);
        let due = state.due.unwrap().to_string();
        assert_eq!(due.len(), 10, "{due}");
        assert!(due.as_str() <= "9999-12-31", "{due}");
    }

    #[test]
    fn an_earlier_study_day_than_the_last_review_is_a_redrill() {
        let first = schedule(
            &CardState::NEW,
            Quality::new(4).unwrap(),
            day0().plus_days(1),
        );
        assert_eq!(kind_of_review(&first, day0()), ReviewKind::Redrill);
        assert_eq!(
            kind_of_review(&first, day0().plus_days(1)),
            ReviewKind::Redrill
        );
        assert_eq!(
            kind_of_review(&first, day0().plus_days(2)),
            ReviewKind::Scheduled
        );
    }

    #[test]
    fn cram_never_moves_the_schedule() {
        let (kind, state) = review(&CardState::NEW, Quality::new(0).unwrap(), day0(), true);
        assert_eq!((kind, state), (ReviewKind::Cram, CardState::NEW));
    }

    fn arb_log() -> impl Strategy<Value = Vec<(u8, u32)>> {
        prop::collection::vec((0u8..=5, 0u32..400), 1..60)
    }

    proptest! {
        #[test]
        fn invariants_hold_for_any_sequence(log in arb_log()) {
            let mut state = CardState::NEW;
            let mut today = day0();
            for (g, gap) in log {
                let q = Quality::new(g).unwrap();
                let before = state;
                today = today.plus_days(gap.max(1));
                state = schedule(&state, q, today);
                prop_assert!(state.easiness.hundredths() >= 130);
                prop_assert!(state.interval_days >= 1);
                if g < 3 {
                    prop_assert_eq!(state.interval_days, 1);
                    prop_assert_eq!(state.repetitions, 0);
                }
                if g == 4 {
                    prop_assert_eq!(state.easiness, before.easiness);
                }
                prop_assert_eq!(state.due, Some(today.plus_days(state.interval_days)));
            }
        }

        #[test]
        fn replay_equals_stepwise_state(log in arb_log()) {
            let mut state = CardState::NEW;
            let mut today = day0();
            let mut entries = Vec::new();
            for (g, gap) in log {
                today = today.plus_days(gap % 3);
                let q = Quality::new(g).unwrap();
                let (kind, next) = review(&state, q, today, false);
                entries.push((kind, q, today));
                state = next;
            }
            prop_assert_eq!(replay(&entries), state);
        }
    }
}
