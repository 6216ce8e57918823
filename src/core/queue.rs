//! Building a day's review queue: due cards first (most overdue first), then new cards, within the
//! daily limits, one card per story per day (like Anki's bury siblings), re-drills at the end.
//! Pure: plain data in, an ordered queue out.

use std::collections::{HashSet, VecDeque};

use crate::core::model::CardKind;
use crate::core::types::{CardId, StudyDay};

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

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
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
) -> VecDeque<Entry> {
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
            queue.push_back(Entry {
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
            queue.push_back(Entry {
                id: card.id,
                story: card.story.clone(),
                redrill: false,
            });
            new_left -= 1;
        }
    }

    for (id, story) in &done.pending_redrills {
        if !queue.iter().any(|e| e.id == *id) {
            queue.push_back(Entry {
                id: *id,
                story: story.clone(),
                redrill: true,
            });
        }
    }
    queue
}

/// Cram: every card given, shuffled; nothing is held back.
pub fn cram(cards: &[Candidate], seed: u64) -> VecDeque<Entry> {
    let mut cards: Vec<&Candidate> = cards.iter().collect();
    Rng::new(seed).shuffle(&mut cards);
    cards
        .into_iter()
        .map(|c| Entry {
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
pub fn next(queue: &mut VecDeque<Entry>, last_story: Option<&str>) -> Option<Entry> {
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

    fn ids(queue: &VecDeque<Entry>) -> Vec<i64> {
        queue.iter().map(|e| e.id.0).collect()
    }

    const LIMITS: Limits = Limits {
        new: 20,
        reviews: 200,
    };

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
        let a = build(
            &[],
            &new,
            &DoneToday::default(),
            Limits {
                new: 30,
                reviews: 0,
            },
            42,
        );
        let b = build(
            &[],
            &new,
            &DoneToday::default(),
            Limits {
                new: 30,
                reviews: 0,
            },
            42,
        );
        let c = build(
            &[],
            &new,
            &DoneToday::default(),
            Limits {
                new: 30,
                reviews: 0,
            },
            43,
        );
        assert_eq!(ids(&a), ids(&b));
        assert_ne!(ids(&a), ids(&c));
        let mut sorted = ids(&a);
        sorted.sort();
        assert_eq!(sorted, (1..=30).collect::<Vec<_>>());
    }

    #[test]
    fn next_avoids_the_same_story_back_to_back() {
        let mut q: VecDeque<Entry> = [("a", 1), ("a", 2), ("b", 3)]
            .iter()
            .map(|(s, i)| Entry {
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
