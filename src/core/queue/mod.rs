//! What card comes next, every rule of it. Pure: plain data in, an ordered queue out; the store
//! only fetches the rows.
//!
//! - which cards a session may show at all (`may_show`) and the day's limits, counting what was
//!   done today (`done_today`, `limits`);
//! - the order (`build`): due cards first, the weakest stories' first and then the most overdue,
//!   then new cards — a new story is first *presented* (read, not graded), and its question cards
//!   may follow the same day;
//! - the spacing (`next`): two cards of one story never back to back, a re-drill of a card graded
//!   below 4 only after a few other cards, at most `MAX_REDRILLS` times a day.

mod build;
mod next;

pub use build::{build, cram, Present};
pub use next::{next, Pick, Recent, REDRILL_GAP, SIBLING_GAP};

use std::collections::{HashMap, HashSet};

use crate::core::model::{Card, CardKind};
use crate::core::sm2::ReviewKind;
use crate::core::types::{CardId, Quality, StudyDay};

/// SM-2's step 7: after a day's reviews, the items that scored below 4 are repeated until they
/// score 4 or more.
pub const REDRILL_UNTIL: u8 = 4;

/// Whether a grade sends the card back for a re-drill today.
pub fn needs_redrill(q: Quality) -> bool {
    q.get() < REDRILL_UNTIL
}

/// Re-drills of one card in a study day, at most: a card that still fails after these comes back
/// tomorrow (a failed grade is due in a day anyway) rather than over and over in one sitting.
pub const MAX_REDRILLS: u32 = 3;

/// What a session is narrowed to (`review --deck`, `--kind`, `--story`, `--tag`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Filter {
    pub deck: Option<String>,
    pub kind: Option<CardKind>,
    /// Only the cards of these stories (empty: all).
    pub stories: Vec<String>,
    pub tag: Option<String>,
}

/// Whether a session on `today` may show the card: not retired, suspended or skipped until later,
/// and in the session's filter. (`Store::session_candidates` reads by the same rule, in SQL, so the
/// partial indexes serve it; a test there checks the two agree.)
pub fn may_show(card: &Card, today: StudyDay, filter: &Filter) -> bool {
    !card.retired
        && !card.suspended
        && card.buried_until.is_none_or(|until| until <= today)
        && filter.deck.as_deref().is_none_or(|d| d == card.deck)
        && filter.kind.is_none_or(|k| k == card.kind)
        && (filter.stories.is_empty()
            || card
                .story
                .as_ref()
                .is_some_and(|s| filter.stories.contains(s)))
        && filter.tag.as_ref().is_none_or(|t| card.tags.contains(t))
}

/// One answer of the day, as the queue needs it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DayAnswer {
    pub card_id: CardId,
    pub story: Option<String>,
    pub quality: Quality,
    pub kind: ReviewKind,
    pub was_new: bool,
}

/// What today's log says was done: counts against the limits, re-drills still owed. `presented`
/// is how many stories were presented today (each is a new card introduced).
pub fn done_today(answers: &[DayAnswer], presented: u32) -> DoneToday {
    let mut done = DoneToday {
        new_cards: presented,
        presented,
        ..Default::default()
    };
    let mut last_quality: HashMap<CardId, (Quality, Option<String>)> = HashMap::new();
    let mut order: Vec<CardId> = Vec::new();
    for a in answers {
        // Neither moved a schedule: they are not today's reviews, and no re-drill is owed.
        if matches!(a.kind, ReviewKind::Cram | ReviewKind::Mock) {
            continue;
        }
        match a.kind {
            ReviewKind::Scheduled if a.was_new => done.new_cards += 1,
            ReviewKind::Scheduled => done.reviews += 1,
            _ => *done.redrills.entry(a.card_id).or_default() += 1,
        }
        if !last_quality.contains_key(&a.card_id) {
            order.push(a.card_id);
        }
        last_quality.insert(a.card_id, (a.quality, a.story.clone()));
    }
    let mut seen = HashSet::new();
    for id in order {
        if let Some((q, story)) = last_quality.get(&id) {
            let redrilled = done.redrills.get(&id).copied().unwrap_or(0);
            if needs_redrill(*q) && redrilled < MAX_REDRILLS && seen.insert(id) {
                done.pending_redrills.push((id, story.clone()));
            }
        }
    }
    done
}

/// Today's limits: new cards as asked (`--new`) or what is left of the day's allowance, and the
/// day's reviews.
pub fn limits(
    asked_new: Option<u32>,
    new_per_day: u32,
    reviews_per_day: u32,
    done: &DoneToday,
) -> Limits {
    Limits {
        new: asked_new.unwrap_or_else(|| new_per_day.saturating_sub(done.new_cards)),
        reviews: reviews_per_day,
    }
}

/// How many due and new candidates to read for `build`. Due: the reviews left and a margin, the
/// most overdue first, so the weakest-first order works on the cards the day can take and the
/// session's start does not grow with a backlog. New: more than the limit, as new cards wait for
/// their story's presentation.
pub fn candidates_to_read(limits: Limits, done: &DoneToday) -> (u32, u32) {
    let reviews_left = limits.reviews.saturating_sub(done.reviews);
    (
        reviews_left.saturating_add(100),
        limits.new.saturating_mul(10).saturating_add(100),
    )
}

/// A card as the queue sees it.
#[derive(Debug, Clone, PartialEq)]
pub struct Candidate {
    pub id: CardId,
    pub kind: CardKind,
    pub story: Option<String>,
    /// None while new.
    pub due: Option<StudyDay>,
    /// For a new card of a story: whether the story's recall card has been seen (graded or
    /// presented) at least once.
    pub recall_seen: bool,
    /// For a follow-up: whether the story's recall card has been told (graded) at least once.
    /// A follow-up is asked after a telling, never before the first.
    pub recall_told: bool,
    /// The story's readiness score (0–1; see `core::readiness`), None when unknown or no story:
    /// due cards of weaker stories come first.
    pub readiness: Option<f64>,
    /// A card of the user's own filled template: their facts come first among new cards and
    /// never wait for the template's telling.
    pub own: bool,
}

/// What was already done today, from the review log, so a restart never hands out more.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DoneToday {
    /// New cards introduced today (first graded, or stories presented).
    pub new_cards: u32,
    /// Of those, stories presented (their recall cards are still new: told on a later day).
    pub presented: u32,
    pub reviews: u32,
    /// Re-drills done today, by card.
    pub redrills: HashMap<CardId, u32>,
    /// Cards whose last answer today was below 4, with re-drills left today.
    pub pending_redrills: Vec<(CardId, Option<String>)>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// New cards still allowed today.
    pub new: u32,
    /// Reviews of due cards allowed per day.
    pub reviews: u32,
}

/// A card waiting in the queue.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Queued {
    pub id: CardId,
    pub story: Option<String>,
    pub redrill: bool,
    /// A new story's recall card, shown to be read (its story presented), not graded.
    pub present: bool,
}

/// A small seeded generator (SplitMix64): shuffles only need to be repeatable, not strong.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in 0..n (n > 0).
    pub fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n.max(1) as u64) as usize
    }

    pub fn shuffle<T>(&mut self, items: &mut [T]) {
        for i in (1..items.len()).rev() {
            let j = self.below(i + 1);
            items.swap(i, j);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::VecDeque;

    fn day(d: u32) -> StudyDay {
        StudyDay::from_ymd(2027, 1, d).unwrap()
    }

    fn card(
        id: i64,
        kind: CardKind,
        story: Option<&str>,
        due: Option<u32>,
        recall_seen: bool,
    ) -> Candidate {
        Candidate {
            id: CardId(id),
            kind,
            story: story.map(String::from),
            due: due.map(day),
            recall_seen,
            recall_told: recall_seen,
            readiness: None,
            own: false,
        }
    }

    fn ids(queue: &VecDeque<Queued>) -> Vec<i64> {
        queue.iter().map(|e| e.id.0).collect()
    }

    const LIMITS: Limits = Limits {
        new: 20,
        reviews: 200,
    };

    fn answer(id: i64, story: Option<&str>, q: u8, kind: ReviewKind, was_new: bool) -> DayAnswer {
        DayAnswer {
            card_id: CardId(id),
            story: story.map(String::from),
            quality: Quality::new(q).unwrap(),
            kind,
            was_new,
        }
    }

    #[test]
    fn done_today_counts_limits_presentations_and_owed_redrills() {
        let log = vec![
            answer(1, Some("a"), 2, ReviewKind::Scheduled, true),
            answer(2, Some("b"), 5, ReviewKind::Scheduled, false),
            answer(3, None, 3, ReviewKind::Scheduled, false),
            answer(1, Some("a"), 3, ReviewKind::Redrill, false),
            answer(3, None, 4, ReviewKind::Redrill, false),
            answer(4, Some("c"), 0, ReviewKind::Cram, false),
        ];
        let done = done_today(&log, 2);
        assert_eq!(
            (done.new_cards, done.reviews),
            (3, 2),
            "2 presented + 1 new"
        );
        assert_eq!(done.redrills.get(&CardId(1)), Some(&1));
        // Card 1 still below 4 after its re-drill; card 3 reached 4; cram answers owe nothing.
        assert_eq!(
            done.pending_redrills,
            vec![(CardId(1), Some("a".to_string()))]
        );
    }

    #[test]
    fn a_card_failing_every_redrill_stops_being_owed_after_the_last() {
        let mut log = vec![answer(1, Some("a"), 1, ReviewKind::Scheduled, false)];
        for _ in 0..MAX_REDRILLS - 1 {
            log.push(answer(1, Some("a"), 2, ReviewKind::Redrill, false));
        }
        assert_eq!(done_today(&log, 0).pending_redrills.len(), 1);
        log.push(answer(1, Some("a"), 2, ReviewKind::Redrill, false));
        assert!(done_today(&log, 0).pending_redrills.is_empty());
    }

    #[test]
    fn below_four_is_redrilled() {
        let redrilled: Vec<u8> = (0..=5)
            .filter(|q| needs_redrill(Quality::new(*q).unwrap()))
            .collect();
        assert_eq!(redrilled, vec![0, 1, 2, 3]);
    }

    #[test]
    fn limits_count_new_cards_done_today_unless_asked() {
        let done = DoneToday {
            new_cards: 7,
            reviews: 150,
            ..Default::default()
        };
        assert_eq!(
            limits(None, 20, 200, &done),
            Limits {
                new: 13,
                reviews: 200
            }
        );
        assert_eq!(
            limits(Some(5), 20, 200, &done),
            Limits {
                new: 5,
                reviews: 200
            }
        );
        assert_eq!(limits(None, 5, 200, &done).new, 0);
        assert_eq!(
            candidates_to_read(
                Limits {
                    new: 5,
                    reviews: 200
                },
                &done
            ),
            (150, 150)
        );
    }

    #[test]
    fn may_show_follows_flags_skips_and_the_filter() {
        let card = Card {
            id: CardId(1),
            key: "k".into(),
            deck: "d".into(),
            kind: CardKind::Match,
            story: None,
            front: String::new(),
            back: String::new(),
            answers: vec![],
            tags: vec![],
            points: vec![],
            why: None,
            suspended: false,
            retired: false,
            buried_until: None,
            state: crate::core::sm2::CardState::NEW,
        };
        let all = Filter::default();
        assert!(may_show(&card, day(4), &all));
        assert!(!may_show(
            &Card {
                retired: true,
                ..card.clone()
            },
            day(4),
            &all
        ));
        assert!(!may_show(
            &Card {
                suspended: true,
                ..card.clone()
            },
            day(4),
            &all
        ));
        let skipped = Card {
            buried_until: Some(day(5)),
            ..card.clone()
        };
        assert!(!may_show(&skipped, day(4), &all));
        assert!(may_show(&skipped, day(5), &all));
        let other_deck = Filter {
            deck: Some("e".into()),
            ..Filter::default()
        };
        assert!(!may_show(&card, day(4), &other_deck));
        let recall = Filter {
            kind: Some(CardKind::Recall),
            ..Filter::default()
        };
        assert!(!may_show(&card, day(4), &recall));
        let story = Filter {
            stories: vec!["s".into()],
            ..Filter::default()
        };
        assert!(!may_show(&card, day(4), &story));
        assert!(may_show(
            &Card {
                story: Some("s".into()),
                ..card.clone()
            },
            day(4),
            &story
        ));
        let tagged = Filter {
            tag: Some("t".into()),
            ..Filter::default()
        };
        assert!(!may_show(&card, day(4), &tagged));
        assert!(may_show(
            &Card {
                tags: vec!["t".into()],
                ..card.clone()
            },
            day(4),
            &tagged
        ));
    }

    #[test]
    fn due_cards_come_first_most_overdue_first() {
        let due = vec![
            card(1, CardKind::Basic, None, Some(9), false),
            card(2, CardKind::Basic, None, Some(3), false),
            card(3, CardKind::Basic, None, Some(5), false),
        ];
        let new = vec![card(4, CardKind::Basic, None, None, false)];
        let q = build(&due, &new, &DoneToday::default(), LIMITS, Present::Yes, 1);
        assert_eq!(ids(&q), vec![2, 3, 1, 4]);
    }

    #[test]
    fn limits_count_what_was_done_today() {
        let due: Vec<_> = (1..=10)
            .map(|i| card(i, CardKind::Basic, None, Some(1), false))
            .collect();
        let new: Vec<_> = (11..=20)
            .map(|i| card(i, CardKind::Basic, None, None, false))
            .collect();
        let done = DoneToday {
            reviews: 7,
            ..Default::default()
        };
        let q = build(
            &due,
            &new,
            &done,
            Limits {
                new: 2,
                reviews: 10,
            },
            Present::Yes,
            1,
        );
        assert_eq!(q.iter().filter(|e| e.id.0 <= 10).count(), 3);
        assert_eq!(q.iter().filter(|e| e.id.0 > 10).count(), 2);
        let q = build(
            &due,
            &new,
            &DoneToday {
                reviews: 12,
                ..Default::default()
            },
            Limits {
                new: 0,
                reviews: 10,
            },
            Present::Yes,
            1,
        );
        assert!(q.is_empty());
    }

    #[test]
    fn every_due_card_of_a_story_is_queued_weakest_story_first() {
        let mut due = vec![
            card(1, CardKind::Recall, Some("strong"), Some(1), true),
            card(2, CardKind::Match, Some("weak"), Some(3), true),
            card(3, CardKind::Match, Some("weak"), Some(2), true),
            card(4, CardKind::Recall, Some("weak"), Some(4), true),
            card(5, CardKind::Basic, None, Some(1), false),
        ];
        for c in &mut due {
            c.readiness = match c.story.as_deref() {
                Some("weak") => Some(0.2),
                Some("strong") => Some(0.9),
                _ => None,
            };
        }
        let q = build(&due, &[], &DoneToday::default(), LIMITS, Present::Yes, 3);
        // All three of the weak story's cards, most overdue first, before the strong story's;
        // a card with no story comes with the fully ready.
        assert_eq!(ids(&q), vec![3, 2, 4, 1, 5]);
    }

    #[test]
    fn a_new_story_is_presented_and_its_questions_may_follow() {
        let new = vec![
            card(1, CardKind::Match, Some("a"), None, false),
            card(2, CardKind::Cloze, Some("a"), None, false),
            card(3, CardKind::Recall, Some("a"), None, false),
            card(4, CardKind::Match, Some("b"), None, true),
            card(5, CardKind::Match, Some("c"), None, false),
        ];
        let q = build(&[], &new, &DoneToday::default(), LIMITS, Present::Yes, 5);
        assert_eq!(q[0].id, CardId(3), "the presentation first");
        assert!(q[0].present);
        let mut got = ids(&q);
        got.sort();
        assert_eq!(
            got,
            vec![1, 2, 3, 4],
            "c was never presented: its question waits"
        );
        // Without presentations (a session of recall cards only) questions wait for the telling.
        let q = build(&[], &new, &DoneToday::default(), LIMITS, Present::No, 5);
        let mut got = ids(&q);
        got.sort();
        assert_eq!(got, vec![3, 4]);
        assert!(q.iter().all(|e| !e.present));
        // Questions only: a story is presented for its questions, and no recall card is told.
        let new = vec![
            card(1, CardKind::Match, Some("a"), None, false),
            card(3, CardKind::Recall, Some("a"), None, false),
            card(6, CardKind::Recall, Some("d"), None, false),
            card(7, CardKind::Recall, Some("e"), None, true),
        ];
        let q = build(
            &[],
            &new,
            &DoneToday::default(),
            LIMITS,
            Present::ForQuestions,
            5,
        );
        assert_eq!(ids(&q), vec![3, 1]);
        assert!(q[0].present);
    }

    #[test]
    fn a_follow_up_waits_until_its_story_has_been_told() {
        // Story a presented (seen) but never told; story b told.
        let mut presented_only = card(1, CardKind::Followup, Some("a"), None, true);
        presented_only.recall_told = false;
        let new = vec![
            presented_only,
            card(2, CardKind::Followup, Some("b"), None, true),
            card(3, CardKind::Recall, Some("c"), None, false),
            card(4, CardKind::Followup, Some("c"), None, false),
        ];
        for present in [Present::Yes, Present::No] {
            let q = build(&[], &new, &DoneToday::default(), LIMITS, present, 5);
            let got = ids(&q);
            assert!(got.contains(&2), "{present:?}: b was told, {got:?}");
            assert!(!got.contains(&1), "{present:?}: a was only read, {got:?}");
            assert!(
                !got.contains(&4),
                "{present:?}: c is being presented, {got:?}"
            );
        }
        // A session of follow-ups only presents no story for them: they wait for a telling.
        let q = build(
            &[],
            &new,
            &DoneToday::default(),
            LIMITS,
            Present::ForQuestions,
            5,
        );
        assert_eq!(ids(&q), vec![2]);
    }

    #[test]
    fn own_facts_then_first_tellings_then_presentations() {
        let mut fact = card(1, CardKind::Cloze, Some("self-intro"), None, false);
        fact.own = true;
        let new = vec![
            card(2, CardKind::Recall, Some("a"), None, false),
            card(3, CardKind::Recall, Some("b"), None, true),
            fact,
            card(4, CardKind::Match, Some("a"), None, false),
        ];
        let limits = Limits { new: 3, ..LIMITS };
        let q = build(&[], &new, &DoneToday::default(), limits, Present::Yes, 5);
        // The fact does not wait for its template's telling; the story presented on an earlier
        // day is told before a new one is presented.
        assert_eq!(ids(&q), vec![1, 3, 2]);
        assert_eq!(
            q.iter().map(|e| e.present).collect::<Vec<_>>(),
            [false, false, true]
        );
    }

    #[test]
    fn pending_redrills_come_back_at_the_end() {
        let due = vec![card(1, CardKind::Basic, None, Some(1), false)];
        let done = DoneToday {
            pending_redrills: vec![(CardId(9), Some("x".into()))],
            ..Default::default()
        };
        let q = build(&due, &[], &done, LIMITS, Present::Yes, 1);
        assert_eq!(ids(&q), vec![1, 9]);
        assert!(q[1].redrill);
    }

    #[test]
    fn shuffle_is_fixed_by_the_seed() {
        let new: Vec<_> = (1..=30)
            .map(|i| card(i, CardKind::Basic, None, None, false))
            .collect();
        let shuffled = |seed| {
            let all = Limits {
                new: 30,
                reviews: 0,
            };
            build(&[], &new, &DoneToday::default(), all, Present::Yes, seed)
        };
        let (a, b, c) = (shuffled(42), shuffled(42), shuffled(43));
        assert_eq!(ids(&a), ids(&b));
        assert_ne!(ids(&a), ids(&c));
        let mut sorted = ids(&a);
        sorted.sort();
        assert_eq!(sorted, (1..=30).collect::<Vec<_>>());
    }
}
