//! The day's queue, in order: due cards (weakest story first, then most overdue), then new cards
//! (the user's own facts, first tellings of stories presented before, new stories presented with
//! their questions after them, the rest — a follow-up only once its story has been told), then
//! the re-drills owed from earlier today. Nothing is held back for being a sibling: `next` spaces
//! siblings apart.

use std::collections::{HashSet, VecDeque};

use super::{Candidate, DoneToday, Limits, Queued, Rng};
use crate::core::model::CardKind;
use crate::core::types::CardId;

/// A new story's question cards queued right after it is presented (the rest come on later days,
/// or after the day's other new cards): a few, so a day introduces several stories.
pub const QUESTIONS_AFTER_PRESENTING: usize = 2;

/// Whether a session presents new stories.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Present {
    /// A session of recall cards only: a new story's first showing is its graded telling.
    No,
    /// A new story is presented (read, not graded) so its question cards can come today.
    Yes,
    /// A session of one other kind only (`--kind match`, `--kind cloze`): the new cards include
    /// unseen stories' recall cards only to be presented, and a story is presented only when one
    /// of its cards follows. No recall card is told.
    ForQuestions,
}

/// Readiness for ordering: unknown (no story, never reviewed) sorts as fully ready, after the
/// stories known to be weak.
fn rank(c: &Candidate) -> f64 {
    c.readiness.unwrap_or(1.0)
}

/// The day's queue. `due` and `new` are the candidates (unordered); `seed` shuffles ties.
pub fn build(
    due: &[Candidate],
    new: &[Candidate],
    done: &DoneToday,
    limits: Limits,
    present: Present,
    seed: u64,
) -> VecDeque<Queued> {
    let mut rng = Rng::new(seed);
    let mut queue = VecDeque::new();

    let mut due: Vec<&Candidate> = due.iter().collect();
    rng.shuffle(&mut due);
    // Stable sort after the shuffle: weakest story first, then most overdue, ties shuffled.
    due.sort_by(|a, b| rank(a).total_cmp(&rank(b)).then(a.due.cmp(&b.due)));
    let reviews_left = limits.reviews.saturating_sub(done.reviews) as usize;
    for card in due.into_iter().take(reviews_left) {
        queue.push_back(queued(card, false));
    }

    // New cards, in this order: the user's own facts (a filled template's cards); the first
    // telling of each story presented on an earlier day; each story never seen, presented, with a
    // few of its question cards after it (the spacing of `next` puts other cards between); then the
    // other new cards, shuffled.
    let mut new: Vec<&Candidate> = new.iter().collect();
    rng.shuffle(&mut new);
    // Stable: the shuffle orders the cards within each group.
    new.sort_by_key(|c| !c.own);
    // A follow-up never follows a presentation: it waits for a telling.
    let asked: HashSet<&str> = new
        .iter()
        .filter(|c| !matches!(c.kind, CardKind::Recall | CardKind::Followup))
        .filter_map(|c| c.story.as_deref())
        .collect();
    // Presentations are remembered by story: a recall card of no story (a filled template's) is told.
    let unseen_recall = |c: &Candidate| {
        let presents = match present {
            Present::No => false,
            Present::Yes => true,
            Present::ForQuestions => c.story.as_deref().is_some_and(|s| asked.contains(s)),
        };
        presents && !c.own && c.kind == CardKind::Recall && c.story.is_some() && !c.recall_seen
    };
    // In a session of another kind, the recall cards are there to be presented, not told.
    let told = |c: &Candidate| present != Present::ForQuestions || c.kind != CardKind::Recall;
    let first_telling =
        |c: &Candidate| told(c) && c.kind == CardKind::Recall && c.story.is_some() && c.recall_seen;
    let mut taken: HashSet<CardId> = HashSet::new();
    let mut new_left = limits.new;
    let mut take =
        |card: &Candidate, present: bool, queue: &mut VecDeque<Queued>, left: &mut u32| {
            if *left > 0 && taken.insert(card.id) {
                queue.push_back(queued(card, present));
                *left -= 1;
            }
        };
    for card in new.iter().filter(|c| c.own || first_telling(c)) {
        take(card, false, &mut queue, &mut new_left);
    }
    for presentation in new.iter().filter(|c| unseen_recall(c)) {
        if new_left == 0 {
            break;
        }
        take(presentation, true, &mut queue, &mut new_left);
        let questions = new
            .iter()
            .filter(|c| c.kind == CardKind::Match && c.story == presentation.story)
            .take(QUESTIONS_AFTER_PRESENTING);
        for q in questions {
            take(q, false, &mut queue, &mut new_left);
        }
    }
    for card in &new {
        let story_presented =
            card.story.is_some() && queue.iter().any(|q| q.present && q.story == card.story);
        let waits_for_recall = !card.own
            && card.story.is_some()
            && card.kind != CardKind::Recall
            && !card.recall_seen
            && !story_presented;
        let waits_for_telling = card.kind == CardKind::Followup && !card.recall_told;
        if told(card) && !waits_for_recall && !waits_for_telling && !unseen_recall(card) {
            take(card, false, &mut queue, &mut new_left);
        }
    }

    for (id, story) in &done.pending_redrills {
        if !queue.iter().any(|e| e.id == *id) {
            queue.push_back(Queued {
                id: *id,
                story: story.clone(),
                redrill: true,
                present: false,
            });
        }
    }
    queue
}

fn queued(card: &Candidate, present: bool) -> Queued {
    Queued {
        id: card.id,
        story: card.story.clone(),
        redrill: false,
        present,
    }
}

/// Cram: every card given, shuffled; nothing is held back, nothing presented.
pub fn cram(cards: &[Candidate], seed: u64) -> VecDeque<Queued> {
    let mut cards: Vec<&Candidate> = cards.iter().collect();
    Rng::new(seed).shuffle(&mut cards);
    cards.into_iter().map(|c| queued(c, false)).collect()
}
