//! A card file's fields into a card: its kind (from the notetype and storydrill's tags), its
//! story and accepted answers, its key (given, or made from the front so re-imports update it).

use super::{key_for, Row, ANSWER_MARK, TAG_PREFIX};
use crate::core::deck;
use crate::core::model::CardKind;

pub(crate) struct RowParts {
    pub line: usize,
    pub deck: String,
    pub key: Option<String>,
    pub front: String,
    pub back: String,
    pub tags: Vec<String>,
    pub is_cloze: bool,
    /// Given (CSV); else from the notetype and tags (Anki).
    pub kind: Option<CardKind>,
    pub story: Option<String>,
    pub answers: Vec<String>,
}

pub(crate) fn row_from_parts(p: RowParts) -> Result<Row, String> {
    deck::check_deck_name(&p.deck)?;
    let mut kind = p.kind.unwrap_or(if p.is_cloze {
        CardKind::Cloze
    } else {
        CardKind::Basic
    });
    let mut story = p.story.filter(|s| !s.trim().is_empty());
    let mut answers = p.answers;
    let mut tags = Vec::new();
    for tag in deck::clean_tags(&p.tags) {
        match tag.strip_prefix(TAG_PREFIX) {
            Some("recall") => kind = CardKind::Recall,
            Some("followup") => kind = CardKind::Followup,
            Some(rest) if rest.starts_with("answer::") => {
                answers.push(rest["answer::".len()..].to_string());
                kind = CardKind::Match;
            }
            Some(rest) if rest.starts_with("story::") => {
                story = Some(rest["story::".len()..].to_string())
            }
            _ if !tags.contains(&tag) => tags.push(tag),
            _ => {}
        }
    }
    let mut back = p.back;
    if kind == CardKind::Match {
        if let Some(rest) = back.strip_prefix(ANSWER_MARK) {
            back = rest
                .split_once('\n')
                .map_or(String::new(), |(_, b)| b.to_string());
        }
        if answers.is_empty() {
            return Err("a match card names no story it answers".into());
        }
    }
    let mut points = Vec::new();
    if kind == CardKind::Followup {
        (back, points) = super::split_points(&back);
        if story.is_none() {
            return Err(
                "a follow-up names no story (the story column, or a storydrill::story:: tag)"
                    .into(),
            );
        }
    }
    if p.front.trim().is_empty() {
        return Err("the front is empty".into());
    }
    if kind == CardKind::Cloze {
        crate::core::cloze::check(&p.front).map_err(|m| format!("cloze text {m}"))?;
    }
    let key = key_for(p.key.as_deref(), &p.deck, &p.front);
    if kind == CardKind::Recall && story.is_none() {
        story = key.strip_suffix(".recall").map(str::to_string);
    }
    Ok(Row {
        line: p.line,
        deck: p.deck,
        kind,
        key,
        front: p.front,
        back,
        tags,
        story,
        answers,
        points,
    })
}
