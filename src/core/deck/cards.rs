//! What cards a deck makes: a recall card per story, a match card per question, its clozes and
//! basic cards, and the cards made from each filled template. The store writes these rows as they
//! are; which cards exist is decided here.

use std::borrow::Cow;

use super::{filled_key, Deck, Source, StoryKind};
use crate::core::model::CardKind;
use crate::core::text::quote;

/// One card of a deck, as the store writes it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CardRow<'a> {
    pub key: String,
    pub kind: CardKind,
    /// The story it belongs to (a match card: its best answer).
    pub story: Option<&'a str>,
    pub front: Cow<'a, str>,
    pub back: String,
    pub answers: &'a [String],
    pub tags: &'a [String],
    /// A follow-up's key points, what it probes and who wrote it.
    pub points: &'a [String],
    pub why: Option<&'a str>,
    pub source: Option<Source>,
}

impl CardRow<'_> {
    /// The fields only a follow-up has, empty; `..CardRow::plain()` fills them in other rows.
    fn plain() -> CardRow<'static> {
        CardRow {
            key: String::new(),
            kind: CardKind::Basic,
            story: None,
            front: "".into(),
            back: String::new(),
            answers: &[],
            tags: &[],
            points: &[],
            why: None,
            source: None,
        }
    }
}

/// A template story, as filling it needs it.
#[derive(Debug, Clone)]
pub struct Template {
    pub kind: StoryKind,
    pub title: String,
    pub prompt: String,
    pub text: String,
}

/// Every card of `deck`, in deck order. `template` finds a template story by key (it may be in
/// another deck); a filled entry naming no template, or more answers than blanks, is an error.
pub fn cards<'a>(
    deck: &'a Deck,
    template: &mut dyn FnMut(&str) -> anyhow::Result<Option<Template>>,
) -> anyhow::Result<Vec<CardRow<'a>>> {
    let mut rows = Vec::new();
    for s in &deck.stories {
        rows.push(CardRow {
            key: s.recall_key(),
            kind: CardKind::Recall,
            story: Some(&s.key),
            front: s.prompt.as_str().into(),
            back: s.text.clone(),
            answers: &[],
            tags: &s.tags,
            ..CardRow::plain()
        });
    }
    for q in &deck.questions {
        rows.push(CardRow {
            key: q.key.clone(),
            kind: CardKind::Match,
            story: q.answers.first().map(String::as_str),
            front: q.text.as_str().into(),
            back: q.why.clone(),
            answers: &q.answers,
            tags: &q.tags,
            ..CardRow::plain()
        });
    }
    for c in &deck.clozes {
        rows.push(CardRow {
            key: c.key.clone(),
            kind: CardKind::Cloze,
            story: c.story.as_deref(),
            front: c.text.as_str().into(),
            back: crate::core::cloze::full(&c.text),
            answers: &[],
            tags: &c.tags,
            ..CardRow::plain()
        });
    }
    for b in &deck.cards {
        rows.push(CardRow {
            key: b.key.clone(),
            kind: CardKind::Basic,
            story: None,
            front: b.front.as_str().into(),
            back: b.back.clone(),
            answers: &[],
            tags: &b.tags,
            ..CardRow::plain()
        });
    }
    for f in &deck.followups {
        rows.push(CardRow {
            key: f.key.clone(),
            kind: CardKind::Followup,
            story: Some(&f.story),
            front: f.question.as_str().into(),
            back: f.answer.clone(),
            answers: &[],
            tags: &f.tags,
            points: &f.points,
            why: Some(f.why.as_str()).filter(|w| !w.is_empty()),
            source: Some(f.source),
        });
    }
    for f in &deck.filled {
        let Some(t) = template(&f.template)? else {
            anyhow::bail!(
                "filled template {} is not a known template",
                quote(&f.template)
            );
        };
        let blanks = crate::core::fill::blanks(&f.template, &t.text);
        if t.kind != StoryKind::Template || blanks.is_empty() {
            anyhow::bail!(
                "{} is not a template with blanks to fill (see `storydrill fill`)",
                quote(&f.template)
            );
        }
        if f.answers.len() > blanks.len() {
            anyhow::bail!(
                "filled template {} has {} answers, but the template has {} blanks",
                quote(&f.template),
                f.answers.len(),
                blanks.len()
            );
        }
        let key = filled_key(&deck.name, &f.template);
        for card in crate::core::fill::cards(&t.title, &t.prompt, &t.text, &blanks, &f.answers) {
            let (key, kind, story) = match card.blank {
                None => (key.clone(), CardKind::Recall, None),
                Some(n) if card.cloze => (
                    format!("{key}.c{n}"),
                    CardKind::Cloze,
                    Some(f.template.as_str()),
                ),
                Some(n) => (
                    format!("{key}.c{n}"),
                    CardKind::Basic,
                    Some(f.template.as_str()),
                ),
            };
            rows.push(CardRow {
                key,
                kind,
                story,
                front: card.front.into(),
                back: card.back,
                answers: &[],
                tags: &[],
                ..CardRow::plain()
            });
        }
    }
    Ok(rows)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_deck_makes_a_recall_card_per_story_and_cards_for_filled_answers() {
        let text =
            "[deck]\nname = \"d\"\n\n[[story]]\nkey = \"s\"\ntitle = \"标题\"\ntext = \"正文\"\n\n\
                    [[question]]\nkey = \"s.q1\"\ntext = \"问题？\"\nanswers = [\"s\"]\n\n\
                    [[filled]]\ntemplate = \"t\"\nanswers = [\"张三\"]\n";
        let deck = crate::core::deck::parse("d.toml", text, &|k| k == "t").unwrap();
        let mut template = |key: &str| -> anyhow::Result<Option<Template>> {
            Ok((key == "t").then(|| Template {
                kind: StoryKind::Template,
                title: "模板".into(),
                prompt: "介绍一下".into(),
                text: "我叫______，来自______。".into(),
            }))
        };
        let rows = cards(&deck, &mut template).unwrap();
        let keys: Vec<(&str, CardKind)> = rows.iter().map(|r| (r.key.as_str(), r.kind)).collect();
        assert_eq!(
            keys,
            vec![
                ("s.recall", CardKind::Recall),
                ("s.q1", CardKind::Match),
                ("d.fill.t", CardKind::Recall),
                ("d.fill.t.c1", CardKind::Cloze),
            ]
        );
        assert_eq!(rows[1].story, Some("s"));
        let mut none = |_: &str| -> anyhow::Result<Option<Template>> { Ok(None) };
        let err = cards(&deck, &mut none).unwrap_err().to_string();
        assert!(err.contains("not a known template"), "{err}");
    }
}
