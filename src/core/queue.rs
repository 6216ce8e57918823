//! What card comes next, every rule of it: due cards first (most overdue first), then new cards,
//! within the daily limits that count what was done today, one card per story per day (like Anki's
//! bury siblings), re-drills of cards graded below 4 at the end, and which cards a session may show
//! at all. Pure: plain data in, an ordered queue out. The store only fetches the rows.

use std::collections::{HashMap, HashSet, VecDeque};

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

/// What a session is narrowed to (`review --deck`, `--kind`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Filter {
    pub deck: Option<String>,
    pub kind: Option<CardKind>,
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

/// What today's log says was done: counts against the limits, stories shown, re-drills still owed.
pub fn done_today(answers: &[DayAnswer]) -> DoneToday {
    let mut done = DoneToday::default();
    let mut last_quality: HashMap<CardId, (Quality, Option<String>)> = HashMap::new();
    let mut order: Vec<CardId> = Vec::new();
    for a in answers {
        if let Some(story) = &a.story {
            done.stories.insert(story.clone());
        }
        if a.kind == ReviewKind::Cram {
            continue;
        }
        if a.kind == ReviewKind::Scheduled {
            if a.was_new {
                done.new_cards += 1;
            } else {
                done.reviews += 1;
            }
        }
        if !last_quality.contains_key(&a.card_id) {
            order.push(a.card_id);
        }
        last_quality.insert(a.card_id, (a.quality, a.story.clone()));
    }
    let mut seen = HashSet::new();
    for id in order {
        if let Some((q, story)) = last_quality.get(&id) {
            if needs_redrill(*q) && seen.insert(id) {
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

/// How many due and new candidates to read for `build`: more than the limits, as some wait for a
/// sibling or for their story's recall card.
pub fn candidates_to_read(limits: Limits, done: &DoneToday) -> (u32, u32) {
    let reviews_left = limits.reviews.saturating_sub(done.reviews);
    (
        reviews_left.saturating_mul(2).saturating_add(100),
        limits.new.saturating_mul(10).saturating_add(100),
    )
}

/// A card as the queue sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Candidate {
    pub id: CardId,
    pub kind: CardKind,
    pub story: Option<String>,
    /// None while new.
    pub due: Option<StudyDay>,
    /// For a new card of a story: whether the story's recall card has been seen at least once.
    pub recall_seen: bool,
}

/// What was already done today, from the review log, so a restart never hands out more.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DoneToday {
    pub new_cards: u32,
    pub reviews: u32,
    /// Stories one of whose cards was shown today.
    pub stories: HashSet<String>,
    /// Cards whose last scheduled answer today was below 4 and that have not scored 4 since.
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
}

/// The day's queue. `due` and `new` are the candidates (unordered); `seed` shuffles ties.
pub fn build(
    due: &[Candidate],
    new: &[Candidate],
    done: &DoneToday,
    limits: Limits,
    seed: u64,
) -> VecDeque<Queued> {
    let mut rng = Rng::new(seed);
    let mut shown: HashSet<String> = done.stories.clone();
    let mut queue = VecDeque::new();

    let mut due: Vec<&Candidate> = due.iter().collect();
    rng.shuffle(&mut due);
    // Stable sort after the shuffle: most overdue first, ties in shuffled order.
    due.sort_by_key(|c| c.due);
    let mut reviews_left = limits.reviews.saturating_sub(done.reviews);
    for card in due {
        if reviews_left == 0 {
            break;
        }
        if claim_story(&mut shown, card) {
            queue.push_back(Queued {
                id: card.id,
                story: card.story.clone(),
                redrill: false,
            });
            reviews_left -= 1;
        }
    }

    let mut new: Vec<&Candidate> = new.iter().collect();
    rng.shuffle(&mut new);
    let mut new_left = limits.new;
    for card in new {
        if new_left == 0 {
            break;
        }
        let waits_for_recall =
            card.kind != CardKind::Recall && card.story.is_some() && !card.recall_seen;
        if !waits_for_recall && claim_story(&mut shown, card) {
            queue.push_back(Queued {
                id: card.id,
                story: card.story.clone(),
                redrill: false,
            });
            new_left -= 1;
        }
    }

    for (id, story) in &done.pending_redrills {
        if !queue.iter().any(|e| e.id == *id) {
            queue.push_back(Queued {
                id: *id,
                story: story.clone(),
                redrill: true,
            });
        }
    }
    queue
}

/// Cram: every card given, shuffled; nothing is held back.
pub fn cram(cards: &[Candidate], seed: u64) -> VecDeque<Queued> {
    let mut cards: Vec<&Candidate> = cards.iter().collect();
    Rng::new(seed).shuffle(&mut cards);
    cards
        .into_iter()
        .map(|c| Queued {
            id: c.id,
            story: c.story.clone(),
            redrill: false,
        })
        .collect()
}

fn claim_story(shown: &mut HashSet<String>, card: &Candidate) -> bool {
    match &card.story {
        None => true,
        Some(story) => shown.insert(story.clone()),
    }
}

/// Takes the next entry, avoiding two cards of the same story back to back when another is waiting.
pub fn next(queue: &mut VecDeque<Queued>, last_story: Option<&str>) -> Option<Queued> {
    let index = queue
        .iter()
        .position(|e| e.story.is_none() || e.story.as_deref() != last_story)
        .unwrap_or(0);
    queue.remove(index)
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
    fn done_today_counts_limits_stories_and_owed_redrills() {
        let log = vec![
            answer(1, Some("a"), 2, ReviewKind::Scheduled, true),
            answer(2, Some("b"), 5, ReviewKind::Scheduled, false),
            answer(3, None, 3, ReviewKind::Scheduled, false),
            answer(1, Some("a"), 3, ReviewKind::Redrill, false),
            answer(3, None, 4, ReviewKind::Redrill, false),
            answer(4, Some("c"), 0, ReviewKind::Cram, false),
        ];
        let done = done_today(&log);
        assert_eq!((done.new_cards, done.reviews), (1, 2));
        assert_eq!(
            done.stories,
            ["a", "b", "c"].iter().map(|s| s.to_string()).collect()
        );
        // Card 1 still below 4 after its re-drill; card 3 reached 4; cram answers owe nothing.
        assert_eq!(
            done.pending_redrills,
            vec![(CardId(1), Some("a".to_string()))]
        );
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
            (200, 150)
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
            kind: None,
        };
        assert!(!may_show(&card, day(4), &other_deck));
        let recall = Filter {
            deck: None,
            kind: Some(CardKind::Recall),
        };
        assert!(!may_show(&card, day(4), &recall));
    }

    #[test]
    fn due_cards_come_first_most_overdue_first() {
        let due = vec![
            card(1, CardKind::Basic, None, Some(9), false),
            card(2, CardKind::Basic, None, Some(3), false),
            card(3, CardKind::Basic, None, Some(5), false),
        ];
        let new = vec![card(4, CardKind::Basic, None, None, false)];
        let q = build(&due, &new, &DoneToday::default(), LIMITS, 1);
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
            1,
        );
        assert!(q.is_empty());
    }

    #[test]
    fn one_card_per_story_per_day() {
        let due = vec![
            card(1, CardKind::Recall, Some("a"), Some(1), true),
            card(2, CardKind::Match, Some("a"), Some(1), true),
            card(3, CardKind::Match, Some("b"), Some(2), true),
        ];
        let q = build(&due, &[], &DoneToday::default(), LIMITS, 3);
        assert_eq!(q.len(), 2);
        assert_eq!(
            q.iter().filter(|e| e.story.as_deref() == Some("a")).count(),
            1
        );
        let done = DoneToday {
            stories: ["b".to_string()].into(),
            ..Default::default()
        };
        let q = build(&due, &[], &done, LIMITS, 3);
        assert_eq!(
            q.iter().filter(|e| e.story.as_deref() == Some("b")).count(),
            0
        );
    }

    #[test]
    fn new_questions_wait_until_the_recall_card_was_seen() {
        let new = vec![
            card(1, CardKind::Match, Some("a"), None, false),
            card(2, CardKind::Cloze, Some("a"), None, false),
            card(3, CardKind::Recall, Some("a"), None, false),
            card(4, CardKind::Match, Some("b"), None, true),
        ];
        let q = build(&[], &new, &DoneToday::default(), LIMITS, 5);
        let mut got = ids(&q);
        got.sort();
        assert_eq!(got, vec![3, 4]);
    }

    #[test]
    fn pending_redrills_come_back_at_the_end() {
        let due = vec![card(1, CardKind::Basic, None, Some(1), false)];
        let done = DoneToday {
            pending_redrills: vec![(CardId(9), Some("x".into()))],
            ..Default::default()
        };
        let q = build(&due, &[], &done, LIMITS, 1);
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
            build(&[], &new, &DoneToday::default(), all, seed)
        };
        let (a, b, c) = (shuffled(42), shuffled(42), shuffled(43));
        assert_eq!(ids(&a), ids(&b));
        assert_ne!(ids(&a), ids(&c));
        let mut sorted = ids(&a);
        sorted.sort();
        assert_eq!(sorted, (1..=30).collect::<Vec<_>>());
    }

    #[test]
    fn next_avoids_the_same_story_back_to_back() {
        let mut q: VecDeque<Queued> = [("a", 1), ("a", 2), ("b", 3)]
            .iter()
            .map(|(s, i)| Queued {
                id: CardId(*i),
                story: Some(s.to_string()),
                redrill: true,
            })
            .collect();
        assert_eq!(next(&mut q, Some("a")).unwrap().id, CardId(3));
        assert_eq!(next(&mut q, Some("b")).unwrap().id, CardId(1));
        // Only the same story left: it still comes.
        assert_eq!(next(&mut q, Some("a")).unwrap().id, CardId(2));
        assert!(next(&mut q, None).is_none());
    }
}
