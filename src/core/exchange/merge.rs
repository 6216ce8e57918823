//! The rows of a card file into a deck, by key.

use std::collections::HashMap;

use super::{Row, RowError};
use crate::core::deck::{self, Basic, Cloze, Deck, Followup, Question, Source, StoryKind};
use crate::core::model::CardKind;

/// A story title from a recall card's prompt, for a story that arrives without one.
fn title_from_prompt(prompt: &str) -> String {
    let first = prompt.lines().next().unwrap_or("").trim();
    if let Some(inner) = first
        .strip_prefix("讲讲「")
        .and_then(|r| r.strip_suffix('」'))
    {
        return inner.to_string();
    }
    crate::core::text::truncate(first, 40)
}

/// Adds or updates the rows of one deck in `deck`, by key (nothing is removed: like Anki, an import
/// of cards only adds and updates). Rows of cards made by a filled template are skipped (they are
/// made from its answers). Returns how many rows were skipped. The rows are consumed: their texts
/// move into the deck (an import of 100,000 notes held each text twice).
pub fn merge(
    file: &str,
    deck: &mut Deck,
    rows: Vec<Row>,
    story_exists: &dyn Fn(&str) -> bool,
) -> Result<usize, RowError> {
    #[derive(Clone, Copy)]
    enum At {
        Question(usize),
        Cloze(usize),
        Basic(usize),
        Followup(usize),
        Story(usize),
    }
    let mut index: HashMap<String, At> = HashMap::new();
    for (i, s) in deck.stories.iter().enumerate() {
        index.insert(s.recall_key(), At::Story(i));
    }
    for (i, q) in deck.questions.iter().enumerate() {
        index.insert(q.key.clone(), At::Question(i));
    }
    for (i, c) in deck.clozes.iter().enumerate() {
        index.insert(c.key.clone(), At::Cloze(i));
    }
    for (i, c) in deck.cards.iter().enumerate() {
        index.insert(c.key.clone(), At::Basic(i));
    }
    for (i, f) in deck.followups.iter().enumerate() {
        index.insert(f.key.clone(), At::Followup(i));
    }
    let mut removed: Vec<At> = Vec::new();
    let mut skipped = 0;
    for mut row in rows {
        let line = row.line;
        let err = |reason: String| RowError {
            file: file.to_string(),
            line,
            reason,
        };
        if deck::filled_template_of(&deck.name, &deck.filled, &row.key).is_some() {
            skipped += 1;
            continue;
        }
        let local_story = |k: &str| deck_has_story(deck, k);
        let mut kind = row.kind;
        if kind == CardKind::Recall && !row.key.ends_with(".recall") {
            kind = CardKind::Basic;
        }
        let existing = index.get(&row.key).copied();
        let same_kind = matches!(
            (existing, kind),
            (Some(At::Question(_)), CardKind::Match)
                | (Some(At::Cloze(_)), CardKind::Cloze)
                | (Some(At::Basic(_)), CardKind::Basic)
                | (Some(At::Followup(_)), CardKind::Followup)
                | (Some(At::Story(_)), CardKind::Recall)
        );
        if let (Some(at), false) = (existing, same_kind) {
            if let At::Story(_) = at {
                return Err(err(format!(
                    "{:?} is the recall card of a story; it cannot become a {} card",
                    row.key,
                    kind.as_str()
                )));
            }
            removed.push(at);
            index.remove(&row.key);
        }
        let at = if same_kind { existing } else { None };
        match kind {
            CardKind::Recall => {
                let story_key = row.key.trim_end_matches(".recall").to_string();
                if row.back.trim().is_empty() {
                    return Err(err(format!("story {story_key:?} has an empty text")));
                }
                match at {
                    Some(At::Story(i)) => {
                        let s = &mut deck.stories[i];
                        s.prompt = std::mem::take(&mut row.front);
                        s.text = std::mem::take(&mut row.back);
                        s.tags = std::mem::take(&mut row.tags);
                    }
                    _ => {
                        if story_exists(&story_key) {
                            return Err(err(format!(
                                "story {story_key:?} belongs to another deck"
                            )));
                        }
                        deck.stories.push(deck::Story {
                            key: story_key,
                            number: None,
                            title: title_from_prompt(&row.front),
                            kind: StoryKind::Story,
                            source: Source::Written,
                            aliases: vec![],
                            prompt: std::mem::take(&mut row.front),
                            text: std::mem::take(&mut row.back),
                            written: None,
                            diagram: None,
                            short: None,
                            points_source: Source::Written,
                            points: vec![],
                            tags: std::mem::take(&mut row.tags),
                        });
                        index.insert(row.key.clone(), At::Story(deck.stories.len() - 1));
                    }
                }
            }
            CardKind::Match => {
                if let Some(a) = row
                    .answers
                    .iter()
                    .find(|a| !local_story(a) && !story_exists(a))
                {
                    return Err(err(format!("the question names unknown story {a:?}")));
                }
                let q = Question {
                    key: row.key.clone(),
                    text: std::mem::take(&mut row.front),
                    answers: std::mem::take(&mut row.answers),
                    why: std::mem::take(&mut row.back),
                    tags: std::mem::take(&mut row.tags),
                };
                match at {
                    Some(At::Question(i)) => deck.questions[i] = q,
                    _ => {
                        deck.questions.push(q);
                        index.insert(row.key.clone(), At::Question(deck.questions.len() - 1));
                    }
                }
            }
            CardKind::Cloze => {
                let story = row
                    .story
                    .take()
                    .filter(|s| local_story(s) || story_exists(s));
                let c = Cloze {
                    key: row.key.clone(),
                    story,
                    text: std::mem::take(&mut row.front),
                    tags: std::mem::take(&mut row.tags),
                };
                match at {
                    Some(At::Cloze(i)) => deck.clozes[i] = c,
                    _ => {
                        deck.clozes.push(c);
                        index.insert(row.key.clone(), At::Cloze(deck.clozes.len() - 1));
                    }
                }
            }
            CardKind::Basic => {
                let b = Basic {
                    key: row.key.clone(),
                    front: std::mem::take(&mut row.front),
                    back: std::mem::take(&mut row.back),
                    tags: std::mem::take(&mut row.tags),
                };
                match at {
                    Some(At::Basic(i)) => deck.cards[i] = b,
                    _ => {
                        deck.cards.push(b);
                        index.insert(row.key.clone(), At::Basic(deck.cards.len() - 1));
                    }
                }
            }
            CardKind::Followup => {
                let story = row.story.take().unwrap_or_default();
                if !local_story(&story) && !story_exists(&story) {
                    return Err(err(format!("the follow-up names unknown story {story:?}")));
                }
                let existing = match at {
                    Some(At::Followup(i)) => Some(&deck.followups[i]),
                    _ => None,
                };
                // A file without the key points keeps the follow-up's (a spreadsheet may drop
                // them); what it probes lives only in deck files.
                let points = match (row.points.is_empty(), existing) {
                    (false, _) => std::mem::take(&mut row.points),
                    (true, Some(old)) => old.points.clone(),
                    (true, None) => {
                        return Err(err(
                            "a new follow-up needs its key points (after a \"[key points]\" line at the end of its back)"
                                .into(),
                        ))
                    }
                };
                let f = Followup {
                    key: row.key.clone(),
                    story,
                    source: existing.map_or(Source::Written, |o| o.source),
                    question: std::mem::take(&mut row.front),
                    answer: std::mem::take(&mut row.back),
                    points,
                    why: existing.map(|o| o.why.clone()).unwrap_or_default(),
                    tags: std::mem::take(&mut row.tags),
                };
                match at {
                    Some(At::Followup(i)) => deck.followups[i] = f,
                    _ => {
                        deck.followups.push(f);
                        index.insert(row.key.clone(), At::Followup(deck.followups.len() - 1));
                    }
                }
            }
        }
    }
    // Entries whose key moved to another kind: drop the old ones (by position, last first).
    let mut drop_q: Vec<usize> = Vec::new();
    let mut drop_c: Vec<usize> = Vec::new();
    let mut drop_b: Vec<usize> = Vec::new();
    let mut drop_f: Vec<usize> = Vec::new();
    for at in removed {
        match at {
            At::Question(i) => drop_q.push(i),
            At::Cloze(i) => drop_c.push(i),
            At::Basic(i) => drop_b.push(i),
            At::Followup(i) => drop_f.push(i),
            At::Story(_) => {}
        }
    }
    remove_at(&mut deck.questions, drop_q);
    remove_at(&mut deck.clozes, drop_c);
    remove_at(&mut deck.cards, drop_b);
    remove_at(&mut deck.followups, drop_f);
    Ok(skipped)
}

fn deck_has_story(deck: &Deck, key: &str) -> bool {
    deck.stories.iter().any(|s| s.key == key)
}

fn remove_at<T>(list: &mut Vec<T>, mut positions: Vec<usize>) {
    positions.sort_unstable();
    positions.dedup();
    for i in positions.into_iter().rev() {
        list.remove(i);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::exchange::test_row as row;

    #[test]
    fn merge_adds_and_updates_by_key() {
        let mut deck = Deck {
            name: "mine".into(),
            title: String::new(),
            stories: vec![],
            questions: vec![],
            clozes: vec![],
            cards: vec![Basic {
                key: "mine.b1".into(),
                front: "old".into(),
                back: String::new(),
                tags: vec![],
            }],
            followups: vec![],
            filled: vec![],
            synonyms: None,
        };
        let b = row(CardKind::Basic, "mine.b1", "new", "");
        let r = row(
            CardKind::Recall,
            "mine-26.recall",
            "讲讲「缓存被删」",
            "我们…",
        );
        let c = row(CardKind::Cloze, "mine.b2", "{{c1::x}}", "");
        merge("f", &mut deck, vec![b, r, c], &|_| false).unwrap();
        assert_eq!(deck.cards[0].front, "new");
        assert_eq!(deck.stories[0].title, "缓存被删");
        assert_eq!(deck.stories[0].key, "mine-26");
        // The same key as another kind moves.
        let b2 = row(CardKind::Basic, "mine.b2", "plain now", "");
        merge("f", &mut deck, vec![b2], &|_| false).unwrap();
        assert!(deck.clozes.is_empty());
        assert_eq!(deck.cards.len(), 2);
        let mut q = row(CardKind::Match, "mine.q", "?", "");
        q.answers = vec!["nowhere".into()];
        q.line = 9;
        let e = merge("f", &mut deck, vec![q], &|_| false).unwrap_err();
        assert_eq!(
            e.to_string(),
            "f:9: the question names unknown story \"nowhere\""
        );
    }
}
