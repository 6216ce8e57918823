//! Which queued card to show next: the first one in queue order that is not a sibling of the last
//! few cards shown, whose story has been presented if it was to be, and — for a re-drill — that
//! was shown at least a few cards ago.

use std::collections::{HashMap, VecDeque};

use super::Queued;
use crate::core::types::CardId;

/// Two cards of one story have at least this many other cards between them, while others wait.
pub const SIBLING_GAP: usize = 3;
/// A re-drilled card comes back after at least this many other cards.
pub const REDRILL_GAP: usize = 3;

/// What this session has shown, for spacing.
#[derive(Debug, Clone, Default)]
pub struct Recent {
    turn: usize,
    stories: VecDeque<Option<String>>,
    shown_at: HashMap<CardId, usize>,
    story_at: HashMap<String, usize>,
}

impl Recent {
    /// A card was shown (and answered).
    pub fn shown(&mut self, card: &Queued) {
        self.turn += 1;
        self.shown_at.insert(card.id, self.turn);
        self.stories.push_back(card.story.clone());
        if let Some(story) = &card.story {
            self.story_at.insert(story.clone(), self.turn);
        }
        while self.stories.len() > SIBLING_GAP {
            self.stories.pop_front();
        }
    }

    /// Forget the order (after an undo the card comes again at once).
    pub fn clear(&mut self) {
        self.stories.clear();
        self.shown_at.clear();
        self.story_at.clear();
    }

    /// The turn a card of `card`'s story was last shown (0: not in this session, or no story).
    fn story_last_shown(&self, card: &Queued) -> usize {
        card.story
            .as_ref()
            .and_then(|s| self.story_at.get(s))
            .copied()
            .unwrap_or(0)
    }

    fn is_sibling(&self, card: &Queued) -> bool {
        card.story.is_some() && self.stories.iter().any(|s| *s == card.story)
    }

    /// Cards shown since `card` was last shown; None if it was not shown in this session.
    fn since(&self, card: &Queued) -> Option<usize> {
        self.shown_at.get(&card.id).map(|at| self.turn - at)
    }
}

/// The next card.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Pick {
    Card(Queued),
    /// Only re-drills are left, and the first was shown fewer than `REDRILL_GAP` cards ago: it
    /// comes now, but a person may want a minute first.
    Soon(Queued),
}

/// Takes the next card from the queue.
pub fn next(queue: &mut VecDeque<Queued>, recent: &Recent) -> Option<Pick> {
    let presented_yet = |card: &Queued| {
        card.present
            || !queue
                .iter()
                .any(|q| q.present && q.story.is_some() && q.story == card.story)
    };
    let rested =
        |card: &Queued| !card.redrill || recent.since(card).is_none_or(|n| n >= REDRILL_GAP);
    let spaced = queue
        .iter()
        .position(|q| presented_yet(q) && rested(q) && !recent.is_sibling(q));
    // Nothing spaced: the story shown longest ago comes (two stories left alternate), rather
    // than nothing coming at all. `min_by_key` keeps the first of equals, so queue order holds.
    let any = || {
        queue
            .iter()
            .enumerate()
            .filter(|(_, q)| presented_yet(q) && rested(q))
            .min_by_key(|(_, q)| recent.story_last_shown(q))
            .map(|(i, _)| i)
    };
    if let Some(i) = spaced.or_else(any) {
        return queue.remove(i).map(Pick::Card);
    }
    let i = queue.iter().position(presented_yet)?;
    queue.remove(i).map(Pick::Soon)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn q(id: i64, story: &str) -> Queued {
        Queued {
            id: CardId(id),
            story: (!story.is_empty()).then(|| story.to_string()),
            redrill: false,
            present: false,
        }
    }

    fn take_all(mut queue: VecDeque<Queued>) -> Vec<(i64, bool)> {
        let mut recent = Recent::default();
        let mut out = Vec::new();
        while let Some(pick) = next(&mut queue, &recent) {
            let (card, soon) = match pick {
                Pick::Card(c) => (c, false),
                Pick::Soon(c) => (c, true),
            };
            recent.shown(&card);
            out.push((card.id.0, soon));
        }
        out
    }

    #[test]
    fn siblings_are_spaced_while_other_cards_wait_and_then_still_come() {
        let queue: VecDeque<Queued> = [
            q(1, "a"),
            q(2, "a"),
            q(3, "a"),
            q(4, "b"),
            q(5, "c"),
            q(6, "d"),
            q(7, ""),
        ]
        .into();
        let order: Vec<i64> = take_all(queue).into_iter().map(|(id, _)| id).collect();
        assert_eq!(order, vec![1, 4, 5, 6, 2, 7, 3]);
    }

    #[test]
    fn when_only_two_stories_are_left_they_alternate() {
        let queue: VecDeque<Queued> = [
            q(1, "a"),
            q(2, "a"),
            q(3, "a"),
            q(4, "b"),
            q(5, "b"),
            q(6, "b"),
        ]
        .into();
        let order: Vec<i64> = take_all(queue).into_iter().map(|(id, _)| id).collect();
        assert_eq!(order, vec![1, 4, 2, 5, 3, 6]);
    }

    #[test]
    fn a_question_waits_for_its_story_to_be_presented() {
        let mut question = q(2, "a");
        question.present = false;
        let mut presentation = q(1, "a");
        presentation.present = true;
        let queue: VecDeque<Queued> =
            [question, q(3, "b"), presentation, q(4, "c"), q(5, "d")].into();
        let order: Vec<i64> = take_all(queue).into_iter().map(|(id, _)| id).collect();
        // 3 first (2 waits for 1); 1 next; then 2 only after SIBLING_GAP others.
        assert_eq!(order, vec![3, 1, 4, 5, 2]);
    }

    #[test]
    fn a_redrill_comes_back_after_a_few_cards_or_as_soon_when_alone() {
        let mut redrill = q(1, "a");
        redrill.redrill = true;
        let mut recent = Recent::default();
        recent.shown(&q(1, "a"));
        let mut queue: VecDeque<Queued> = [redrill.clone(), q(2, "b"), q(3, "c"), q(4, "d")].into();
        let mut order = Vec::new();
        while let Some(Pick::Card(card)) = next(&mut queue, &recent) {
            recent.shown(&card);
            order.push(card.id.0);
        }
        assert_eq!(order, vec![2, 3, 4, 1]);
        // Alone right after being shown: it comes, marked Soon.
        let mut queue: VecDeque<Queued> = [redrill].into();
        let mut recent = Recent::default();
        recent.shown(&q(1, "a"));
        assert!(matches!(next(&mut queue, &recent), Some(Pick::Soon(c)) if c.id == CardId(1)));
        assert!(next(&mut queue, &recent).is_none());
    }
}
