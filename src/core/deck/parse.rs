//! Reading a deck file: TOML into a `Deck`, with where each entry and field is, so that a problem
//! `validate` finds — or the TOML reader finds first — is reported as `file:line:column`.

use serde::Deserialize;
use std::collections::HashMap;
use toml::Spanned;

use super::{
    check_number, clean_tags, validate, Basic, Cloze, Deck, Field, Filled, Followup, Question,
    Site, Source, Story, StoryKind,
};

/// Longest message a deck error gives after its file:line:column.
const MESSAGE_CHARS: usize = 300;

/// A deck file that cannot be used, with where the problem is.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{file}:{line}:{column}: {message}")]
pub struct DeckError {
    pub file: String,
    pub line: usize,
    pub column: usize,
    pub message: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawDeck {
    deck: Spanned<RawHeader>,
    #[serde(default)]
    story: Vec<Spanned<RawStory>>,
    #[serde(default)]
    question: Vec<Spanned<RawQuestion>>,
    #[serde(default)]
    cloze: Vec<Spanned<RawCloze>>,
    #[serde(default)]
    card: Vec<Spanned<RawBasic>>,
    #[serde(default)]
    followup: Vec<Spanned<RawFollowup>>,
    #[serde(default)]
    filled: Vec<Spanned<RawFilled>>,
    synonyms: Option<Spanned<std::collections::BTreeMap<String, Vec<String>>>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFilled {
    template: Spanned<String>,
    #[serde(default)]
    answers: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawHeader {
    name: Spanned<String>,
    #[serde(default)]
    title: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawStory {
    key: Spanned<String>,
    number: Option<Spanned<i64>>,
    title: Spanned<String>,
    #[serde(default = "default_kind")]
    kind: Spanned<String>,
    #[serde(default = "default_source")]
    source: Spanned<String>,
    #[serde(default)]
    aliases: Vec<String>,
    prompt: Option<Spanned<String>>,
    text: Spanned<String>,
    written: Option<String>,
    diagram: Option<String>,
    short: Option<String>,
    #[serde(default)]
    points: Vec<String>,
    points_source: Option<Spanned<String>>,
    #[serde(default)]
    tags: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFollowup {
    key: Spanned<String>,
    story: Spanned<String>,
    #[serde(default = "default_source")]
    source: Spanned<String>,
    question: Spanned<String>,
    answer: Spanned<String>,
    points: Spanned<Vec<String>>,
    #[serde(default)]
    why: String,
    #[serde(default)]
    tags: Vec<String>,
}

fn default_kind() -> Spanned<String> {
    Spanned::new(0..0, "story".into())
}
fn default_source() -> Spanned<String> {
    Spanned::new(0..0, "written".into())
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawQuestion {
    key: Spanned<String>,
    text: Spanned<String>,
    answers: Spanned<Vec<Spanned<String>>>,
    #[serde(default)]
    why: String,
    #[serde(default)]
    tags: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCloze {
    key: Spanned<String>,
    story: Option<Spanned<String>>,
    text: Spanned<String>,
    #[serde(default)]
    tags: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawBasic {
    key: Spanned<String>,
    front: Spanned<String>,
    #[serde(default)]
    back: String,
    #[serde(default)]
    tags: Vec<String>,
}

/// Byte offsets of the entries and fields of a file.
#[derive(Default)]
struct Spans(HashMap<Site, usize>);

impl Spans {
    fn put<T>(&mut self, site: Site, value: &Spanned<T>) {
        // A default filled in by serde has an empty span: it is not in the file.
        if !value.span().is_empty() {
            self.0.insert(site, value.span().start);
        }
    }

    /// Where a site is: the field, else its entry, else the start of the file.
    fn offset(&self, site: Site) -> usize {
        self.0
            .get(&site)
            .or_else(|| self.0.get(&site.entry()))
            .copied()
            .unwrap_or(0)
    }
}

/// Parses and checks a deck file. `known_story` answers whether a story key outside this file exists
/// (questions may name stories of other decks).
pub fn parse(
    file: &str,
    source: &str,
    known_story: &dyn Fn(&str) -> bool,
) -> Result<Deck, DeckError> {
    let at = |offset: usize, message: String| {
        let (line, column) = line_column(source, offset);
        DeckError {
            file: file.to_string(),
            line,
            column,
            // Messages quote the file (a key, a value the TOML reader did not expect): a bounded part.
            message: crate::core::text::clip(&message, MESSAGE_CHARS),
        }
    };
    let raw: RawDeck = toml::from_str(source).map_err(|e| {
        let offset = e.span().map(|s| s.start).unwrap_or(0);
        at(offset, e.message().trim().to_string())
    })?;
    let mut spans = Spans::default();
    let header = raw.deck.get_ref();
    spans.put(Site::Name, &header.name);
    let name = header.name.get_ref().trim().to_string();

    let mut stories = Vec::new();
    for (i, entry) in raw.story.iter().enumerate() {
        let s = entry.get_ref();
        spans.put(Site::Story(i, Field::Entry), entry);
        spans.put(Site::Story(i, Field::Key), &s.key);
        spans.put(Site::Story(i, Field::Title), &s.title);
        spans.put(Site::Story(i, Field::Text), &s.text);
        let number = match &s.number {
            None => None,
            Some(n) => {
                spans.put(Site::Story(i, Field::Number), n);
                Some(check_number(*n.get_ref()).map_err(|m| at(n.span().start, m))?)
            }
        };
        let kind = StoryKind::parse(s.kind.get_ref()).ok_or_else(|| {
            at(
                s.kind.span().start,
                format!(
                    "kind must be \"story\" or \"template\", got {:?}",
                    s.kind.get_ref()
                ),
            )
        })?;
        let source_kind = source_of(&s.source).map_err(|(o, m)| at(o, m))?;
        let title = s.title.get_ref().trim().to_string();
        let prompt = match &s.prompt {
            Some(p) => {
                spans.put(Site::Story(i, Field::Prompt), p);
                p.get_ref().clone()
            }
            None if title.is_empty() => String::new(),
            None => format!("讲讲「{title}」"),
        };
        stories.push(Story {
            key: s.key.get_ref().trim().to_string(),
            number,
            title,
            kind,
            source: source_kind,
            aliases: s
                .aliases
                .iter()
                .map(|a| a.trim().to_string())
                .filter(|a| !a.is_empty())
                .collect(),
            prompt,
            text: s.text.get_ref().clone(),
            written: s.written.clone().filter(|w| !w.trim().is_empty()),
            diagram: s.diagram.clone().filter(|d| !d.trim().is_empty()),
            short: s.short.clone().filter(|d| !d.trim().is_empty()),
            points: clean_points(&s.points),
            points_source: match &s.points_source {
                Some(p) => source_of(p).map_err(|(o, m)| at(o, m))?,
                None => source_kind,
            },
            tags: clean_tags(&s.tags),
        });
    }

    let mut questions = Vec::new();
    for (i, entry) in raw.question.iter().enumerate() {
        let q = entry.get_ref();
        spans.put(Site::Question(i, Field::Entry), entry);
        spans.put(Site::Question(i, Field::Key), &q.key);
        spans.put(Site::Question(i, Field::Text), &q.text);
        spans.put(Site::Question(i, Field::Answers), &q.answers);
        let mut answers: Vec<String> = Vec::new();
        for answer in q.answers.get_ref() {
            let story = answer.get_ref().trim();
            if !answers.iter().any(|a| a == story) {
                spans.put(Site::Question(i, Field::Answer(answers.len())), answer);
                answers.push(story.to_string());
            }
        }
        questions.push(Question {
            key: q.key.get_ref().trim().to_string(),
            text: q.text.get_ref().clone(),
            answers,
            why: q.why.trim().to_string(),
            tags: clean_tags(&q.tags),
        });
    }

    let mut clozes = Vec::new();
    for (i, entry) in raw.cloze.iter().enumerate() {
        let c = entry.get_ref();
        spans.put(Site::Cloze(i, Field::Entry), entry);
        spans.put(Site::Cloze(i, Field::Key), &c.key);
        spans.put(Site::Cloze(i, Field::Text), &c.text);
        if let Some(s) = &c.story {
            spans.put(Site::Cloze(i, Field::Story), s);
        }
        clozes.push(Cloze {
            key: c.key.get_ref().trim().to_string(),
            story: c.story.as_ref().map(|s| s.get_ref().trim().to_string()),
            text: c.text.get_ref().clone(),
            tags: clean_tags(&c.tags),
        });
    }

    let mut cards = Vec::new();
    for (i, entry) in raw.card.iter().enumerate() {
        let b = entry.get_ref();
        spans.put(Site::Card(i, Field::Entry), entry);
        spans.put(Site::Card(i, Field::Key), &b.key);
        spans.put(Site::Card(i, Field::Front), &b.front);
        cards.push(Basic {
            key: b.key.get_ref().trim().to_string(),
            front: b.front.get_ref().clone(),
            back: b.back.clone(),
            tags: clean_tags(&b.tags),
        });
    }

    let mut followups = Vec::new();
    for (i, entry) in raw.followup.iter().enumerate() {
        let f = entry.get_ref();
        spans.put(Site::Followup(i, Field::Entry), entry);
        spans.put(Site::Followup(i, Field::Key), &f.key);
        spans.put(Site::Followup(i, Field::Story), &f.story);
        spans.put(Site::Followup(i, Field::Text), &f.question);
        spans.put(Site::Followup(i, Field::Reply), &f.answer);
        spans.put(Site::Followup(i, Field::Points), &f.points);
        followups.push(Followup {
            key: f.key.get_ref().trim().to_string(),
            story: f.story.get_ref().trim().to_string(),
            source: source_of(&f.source).map_err(|(o, m)| at(o, m))?,
            question: f.question.get_ref().clone(),
            answer: f.answer.get_ref().clone(),
            points: clean_points(f.points.get_ref()),
            why: f.why.trim().to_string(),
            tags: clean_tags(&f.tags),
        });
    }

    let mut filled = Vec::new();
    for (i, entry) in raw.filled.iter().enumerate() {
        let f = entry.get_ref();
        spans.put(Site::Filled(i, Field::Entry), entry);
        spans.put(Site::Filled(i, Field::Template), &f.template);
        filled.push(Filled {
            template: f.template.get_ref().trim().to_string(),
            answers: f.answers.iter().map(|a| a.trim().to_string()).collect(),
        });
    }

    let synonyms = raw.synonyms.as_ref().map(|table| {
        spans.put(Site::Synonyms, table);
        table
            .get_ref()
            .iter()
            .map(|(word, equals)| {
                (
                    word.trim().to_string(),
                    equals.iter().map(|e| e.trim().to_string()).collect(),
                )
            })
            .collect()
    });
    let deck = Deck {
        name,
        title: header.title.trim().to_string(),
        stories,
        questions,
        clozes,
        cards,
        followups,
        filled,
        synonyms,
    };
    validate(&deck, known_story).map_err(|p| at(spans.offset(p.site), p.message))?;
    Ok(deck)
}

/// `source = "seed" | "written"`, or where it says something else.
fn source_of(source: &Spanned<String>) -> Result<Source, (usize, String)> {
    Source::parse(source.get_ref()).ok_or_else(|| {
        (
            source.span().start,
            format!(
                "source must be \"seed\" or \"written\", got {:?}",
                source.get_ref()
            ),
        )
    })
}

/// Key points as kept: trimmed, empty ones left out.
fn clean_points(points: &[String]) -> Vec<String> {
    points
        .iter()
        .map(|p| p.trim().to_string())
        .filter(|p| !p.is_empty())
        .collect()
}

fn line_column(source: &str, offset: usize) -> (usize, usize) {
    let offset = offset.min(source.len());
    let before = source.get(..offset).unwrap_or(source);
    let line = before.matches('\n').count() + 1;
    let column = before
        .rsplit('\n')
        .next()
        .map(|l| l.chars().count())
        .unwrap_or(0)
        + 1;
    (line, column)
}
