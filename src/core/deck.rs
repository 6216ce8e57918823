//! Deck files: TOML that people read and edit, checked with a line and column for every error,
//! and written back in one canonical layout so export → import → export is byte-identical.

use serde::Deserialize;
use std::collections::{HashMap, HashSet};
use toml::Spanned;

use crate::core::cloze;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Deck {
    pub name: String,
    pub title: String,
    pub stories: Vec<Story>,
    pub questions: Vec<Question>,
    pub clozes: Vec<Cloze>,
    pub cards: Vec<Basic>,
    /// Templates the user filled with their own facts (`storydrill fill`).
    pub filled: Vec<Filled>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StoryKind {
    Story,
    Template,
}

impl StoryKind {
    pub fn as_str(self) -> &'static str {
        match self {
            StoryKind::Story => "story",
            StoryKind::Template => "template",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "story" => Some(StoryKind::Story),
            "template" => Some(StoryKind::Template),
            _ => None,
        }
    }
}

/// Where a story's text comes from: the user's document verbatim, or written by storydrill.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    Seed,
    Written,
}

impl Source {
    pub fn as_str(self) -> &'static str {
        match self {
            Source::Seed => "seed",
            Source::Written => "written",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "seed" => Some(Source::Seed),
            "written" => Some(Source::Written),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Story {
    pub key: String,
    /// None in a hand-written deck: the store gives the next free number.
    pub number: Option<u32>,
    pub title: String,
    pub kind: StoryKind,
    pub source: Source,
    pub aliases: Vec<String>,
    pub prompt: String,
    pub text: String,
    pub written: Option<String>,
    pub diagram: Option<String>,
    pub points: Vec<String>,
    /// Tags of the story's recall card.
    pub tags: Vec<String>,
}

impl Story {
    /// The key of the recall card every story has.
    pub fn recall_key(&self) -> String {
        recall_key(&self.key)
    }
}

/// The highest story number: numbers are what people type to answer "which story fits", and a
/// bound keeps "the next free number" from ever overflowing.
pub const MAX_STORY_NUMBER: u32 = 99_999;
pub const STORY_NUMBERS: std::ops::RangeInclusive<u32> = 1..=MAX_STORY_NUMBER;

/// The number a new story gets: one above the highest in use, or the lowest free one once the
/// highest is taken. None when every number is taken.
pub fn next_story_number(taken: &std::collections::BTreeSet<u32>) -> Option<u32> {
    match taken.last() {
        None => Some(1),
        Some(&last) if last < MAX_STORY_NUMBER => Some(last + 1),
        Some(_) => (1..=MAX_STORY_NUMBER).find(|n| !taken.contains(n)),
    }
}

pub fn recall_key(story_key: &str) -> String {
    format!("{story_key}.recall")
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Question {
    pub key: String,
    pub text: String,
    /// Accepted story keys, best fit first.
    pub answers: Vec<String>,
    pub why: String,
    pub tags: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cloze {
    pub key: String,
    pub story: Option<String>,
    pub text: String,
    pub tags: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Basic {
    pub key: String,
    pub front: String,
    pub back: String,
    pub tags: Vec<String>,
}

/// A template filled with the user's own facts: one answer per blank, in order ("" = not answered).
/// Its cards (a recall card with the answers in the text, a cloze per fact) are made from it on import,
/// keyed `<deck>.fill.<template>` and `<deck>.fill.<template>.c<N>`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Filled {
    pub template: String,
    pub answers: Vec<String>,
}

/// The key of the recall card made from a filled template; its cloze cards add `.c<N>`.
pub fn filled_key(deck: &str, template: &str) -> String {
    format!("{deck}.fill.{template}")
}

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
    filled: Vec<Spanned<RawFilled>>,
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
    #[serde(default)]
    points: Vec<String>,
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

    let mut seen_keys: HashMap<String, usize> = HashMap::new();
    let mut claim = |key: &Spanned<String>, what: &str| -> Result<String, DeckError> {
        let k = key.get_ref().trim().to_string();
        check_key(&k).map_err(|m| at(key.span().start, format!("{what} key {k:?} {m}")))?;
        if seen_keys.insert(k.clone(), key.span().start).is_some() {
            return Err(at(key.span().start, format!("duplicate key {k:?}")));
        }
        Ok(k)
    };
    let non_empty =
        |value: &Spanned<String>, what: &str, fallback: usize| -> Result<String, DeckError> {
            let text = value.get_ref();
            if text.trim().is_empty() {
                let offset = if value.span().is_empty() {
                    fallback
                } else {
                    value.span().start
                };
                return Err(at(offset, format!("{what} is empty")));
            }
            Ok(text.clone())
        };

    let header = raw.deck.get_ref();
    let name = header.name.get_ref().trim().to_string();
    check_deck_name(&name).map_err(|m| at(header.name.span().start, m))?;

    let mut stories = Vec::new();
    let mut numbers: HashSet<u32> = HashSet::new();
    for entry in &raw.story {
        let s = entry.get_ref();
        let start = entry.span().start;
        let key = claim(&s.key, "story")?;
        claim(&Spanned::new(s.key.span(), recall_key(&key)), "recall card")?;
        let number = match &s.number {
            None => None,
            Some(n) => {
                let value = u32::try_from(*n.get_ref())
                    .ok()
                    .filter(|v| STORY_NUMBERS.contains(v))
                    .ok_or_else(|| {
                        at(
                            n.span().start,
                            format!(
                                "story number must be 1 to {MAX_STORY_NUMBER}, got {}",
                                n.get_ref()
                            ),
                        )
                    })?;
                if !numbers.insert(value) {
                    return Err(at(
                        n.span().start,
                        format!("duplicate story number {value}"),
                    ));
                }
                Some(value)
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
        let source_kind = Source::parse(s.source.get_ref()).ok_or_else(|| {
            at(
                s.source.span().start,
                format!(
                    "source must be \"seed\" or \"written\", got {:?}",
                    s.source.get_ref()
                ),
            )
        })?;
        let title = non_empty(&s.title, "title", start)?;
        let text = non_empty(&s.text, "text", start)?;
        let prompt = match &s.prompt {
            Some(p) => non_empty(p, "prompt", start)?,
            None => format!("讲讲「{}」", title.trim()),
        };
        stories.push(Story {
            key,
            number,
            title: title.trim().to_string(),
            kind,
            source: source_kind,
            aliases: s
                .aliases
                .iter()
                .map(|a| a.trim().to_string())
                .filter(|a| !a.is_empty())
                .collect(),
            prompt,
            text,
            written: s.written.clone().filter(|w| !w.trim().is_empty()),
            diagram: s.diagram.clone().filter(|d| !d.trim().is_empty()),
            points: s
                .points
                .iter()
                .map(|p| p.trim().to_string())
                .filter(|p| !p.is_empty())
                .collect(),
            tags: clean_tags(&s.tags),
        });
    }
    let local_stories: HashSet<&str> = stories.iter().map(|s| s.key.as_str()).collect();
    let story_exists = |key: &str| local_stories.contains(key) || known_story(key);

    let mut questions = Vec::new();
    for entry in &raw.question {
        let q = entry.get_ref();
        let key = claim(&q.key, "question")?;
        let text = non_empty(&q.text, "question text", entry.span().start)?;
        if q.answers.get_ref().is_empty() {
            return Err(at(
                q.answers.span().start,
                format!("question {key:?} names no story in answers"),
            ));
        }
        let mut answers = Vec::new();
        for answer in q.answers.get_ref() {
            let story = answer.get_ref().trim();
            if !story_exists(story) {
                return Err(at(
                    answer.span().start,
                    format!("question {key:?} names unknown story {story:?}"),
                ));
            }
            if !answers.iter().any(|a| a == story) {
                answers.push(story.to_string());
            }
        }
        questions.push(Question {
            key,
            text,
            answers,
            why: q.why.trim().to_string(),
            tags: clean_tags(&q.tags),
        });
    }

    let mut clozes = Vec::new();
    for entry in &raw.cloze {
        let c = entry.get_ref();
        let key = claim(&c.key, "cloze")?;
        let text = non_empty(&c.text, "cloze text", entry.span().start)?;
        if let Err(problem) = cloze::check(&text) {
            return Err(at(c.text.span().start, format!("cloze {key:?}: {problem}")));
        }
        let story = match &c.story {
            None => None,
            Some(s) => {
                let story = s.get_ref().trim();
                if !story_exists(story) {
                    return Err(at(
                        s.span().start,
                        format!("cloze {key:?} names unknown story {story:?}"),
                    ));
                }
                Some(story.to_string())
            }
        };
        clozes.push(Cloze {
            key,
            story,
            text,
            tags: clean_tags(&c.tags),
        });
    }

    let mut cards = Vec::new();
    for entry in &raw.card {
        let b = entry.get_ref();
        let key = claim(&b.key, "card")?;
        let front = non_empty(&b.front, "front", entry.span().start)?;
        cards.push(Basic {
            key,
            front,
            back: b.back.clone(),
            tags: clean_tags(&b.tags),
        });
    }

    let mut filled = Vec::new();
    for entry in &raw.filled {
        let f = entry.get_ref();
        let template = f.template.get_ref().trim().to_string();
        if !story_exists(&template) {
            return Err(at(
                f.template.span().start,
                format!("filled template {template:?} is not a known template"),
            ));
        }
        claim(
            &Spanned::new(f.template.span(), filled_key(&name, &template)),
            "filled template",
        )?;
        filled.push(Filled {
            template,
            answers: f.answers.iter().map(|a| a.trim().to_string()).collect(),
        });
    }
    // The cards of a filled template are made from it: no other entry may take their keys.
    for f in &filled {
        let prefix = format!("{}.", filled_key(&name, &f.template));
        if let Some((key, offset)) = seen_keys.iter().find(|(k, _)| k.starts_with(&prefix)) {
            return Err(at(
                *offset,
                format!(
                    "key {key:?} is reserved for the cards of filled template {:?}",
                    f.template
                ),
            ));
        }
    }

    Ok(Deck {
        name,
        title: header.title.trim().to_string(),
        stories,
        questions,
        clozes,
        cards,
        filled,
    })
}

/// Tags as kept: trimmed, without controls (a tag is a label, and Anki files carry tags as they
/// are), empty ones and repeats left out.
pub fn clean_tags(tags: &[String]) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for tag in tags {
        let t: String = tag
            .chars()
            .filter(|c| !crate::core::text::is_hidden_control(*c))
            .collect();
        let t = t.trim();
        if !t.is_empty() && !out.iter().any(|o| o == t) {
            out.push(t.to_string());
        }
    }
    out
}

/// Checks a deck built in memory (by `add`, `edit`, `fill` or a card-file import) with the same rules
/// `parse` applies to a file; the message names the entry.
pub fn validate(deck: &Deck, known_story: &dyn Fn(&str) -> bool) -> Result<(), String> {
    check_deck_name(&deck.name)?;
    let mut keys: HashSet<String> = HashSet::new();
    let mut claim = |key: &str, what: &str| -> Result<(), String> {
        check_key(key).map_err(|m| format!("{what} key {key:?} {m}"))?;
        if !keys.insert(key.to_string()) {
            return Err(format!("duplicate key {key:?}"));
        }
        Ok(())
    };
    let mut numbers = HashSet::new();
    for s in &deck.stories {
        claim(&s.key, "story")?;
        claim(&s.recall_key(), "recall card")?;
        if let Some(n) = s.number {
            if !STORY_NUMBERS.contains(&n) || !numbers.insert(n) {
                return Err(format!(
                    "story {:?}: bad or duplicate number {n} (numbers are 1 to {MAX_STORY_NUMBER}, one per story)",
                    s.key
                ));
            }
        }
        for (what, value) in [
            ("title", &s.title),
            ("text", &s.text),
            ("prompt", &s.prompt),
        ] {
            if value.trim().is_empty() {
                return Err(format!("story {:?}: {what} is empty", s.key));
            }
        }
    }
    let local: HashSet<&str> = deck.stories.iter().map(|s| s.key.as_str()).collect();
    let exists = |k: &str| local.contains(k) || known_story(k);
    for q in &deck.questions {
        claim(&q.key, "question")?;
        if q.text.trim().is_empty() {
            return Err(format!("question {:?}: text is empty", q.key));
        }
        if q.answers.is_empty() {
            return Err(format!("question {:?} names no story in answers", q.key));
        }
        if let Some(a) = q.answers.iter().find(|a| !exists(a)) {
            return Err(format!("question {:?} names unknown story {a:?}", q.key));
        }
    }
    for c in &deck.clozes {
        claim(&c.key, "cloze")?;
        cloze::check(&c.text).map_err(|p| format!("cloze {:?}: {p}", c.key))?;
        if let Some(s) = c.story.as_deref().filter(|s| !exists(s)) {
            return Err(format!("cloze {:?} names unknown story {s:?}", c.key));
        }
    }
    for b in &deck.cards {
        claim(&b.key, "card")?;
        if b.front.trim().is_empty() {
            return Err(format!("card {:?}: front is empty", b.key));
        }
    }
    for f in &deck.filled {
        if !exists(&f.template) {
            return Err(format!(
                "filled template {:?} is not a known template",
                f.template
            ));
        }
        claim(&filled_key(&deck.name, &f.template), "filled template")?;
    }
    for f in &deck.filled {
        let prefix = format!("{}.", filled_key(&deck.name, &f.template));
        if let Some(k) = keys.iter().find(|k| k.starts_with(&prefix)) {
            return Err(format!(
                "key {k:?} is reserved for the cards of filled template {:?}",
                f.template
            ));
        }
    }
    Ok(())
}

/// A key is how a card keeps its history across edits: printable, no spaces, not a bare number.
pub fn check_key(key: &str) -> Result<(), String> {
    if key.is_empty() {
        return Err("is empty".into());
    }
    if key.chars().count() > 120 {
        return Err("is longer than 120 characters".into());
    }
    if key.chars().all(|c| c.is_ascii_digit()) {
        return Err("is a bare number, which would read as a card id".into());
    }
    if let Some(c) = key
        .chars()
        .find(|c| c.is_whitespace() || c.is_control() || matches!(c, '"' | '\'' | '\\'))
    {
        return Err(format!(
            "contains {c:?}; use letters, digits, '.', '-', '_' or ':'"
        ));
    }
    Ok(())
}

pub fn check_deck_name(name: &str) -> Result<(), String> {
    if name.is_empty() {
        return Err("deck name is empty".into());
    }
    if !name
        .chars()
        .all(|c| c.is_alphanumeric() || matches!(c, '-' | '_' | '.'))
    {
        return Err(format!(
            "deck name {name:?} may hold only letters, digits, '-', '_' and '.'"
        ));
    }
    Ok(())
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

/// Writes a deck in the canonical layout.
pub fn to_toml(deck: &Deck) -> String {
    let mut out = String::new();
    out.push_str(
        "# storydrill deck: edit freely, keep the keys (they carry the review history).\n",
    );
    out.push_str("[deck]\n");
    field(&mut out, "name", &deck.name);
    field(&mut out, "title", &deck.title);
    for s in &deck.stories {
        out.push_str("\n[[story]]\n");
        field(&mut out, "key", &s.key);
        if let Some(n) = s.number {
            out.push_str(&format!("number = {n}\n"));
        }
        field(&mut out, "title", &s.title);
        field(&mut out, "kind", s.kind.as_str());
        field(&mut out, "source", s.source.as_str());
        list(&mut out, "aliases", &s.aliases);
        field(&mut out, "prompt", &s.prompt);
        field(&mut out, "text", &s.text);
        if let Some(w) = &s.written {
            field(&mut out, "written", w);
        }
        if let Some(d) = &s.diagram {
            field(&mut out, "diagram", d);
        }
        list(&mut out, "points", &s.points);
        tags(&mut out, &s.tags);
    }
    for q in &deck.questions {
        out.push_str("\n[[question]]\n");
        field(&mut out, "key", &q.key);
        field(&mut out, "text", &q.text);
        list(&mut out, "answers", &q.answers);
        if !q.why.is_empty() {
            field(&mut out, "why", &q.why);
        }
        tags(&mut out, &q.tags);
    }
    for c in &deck.clozes {
        out.push_str("\n[[cloze]]\n");
        field(&mut out, "key", &c.key);
        if let Some(s) = &c.story {
            field(&mut out, "story", s);
        }
        field(&mut out, "text", &c.text);
        tags(&mut out, &c.tags);
    }
    for b in &deck.cards {
        out.push_str("\n[[card]]\n");
        field(&mut out, "key", &b.key);
        field(&mut out, "front", &b.front);
        field(&mut out, "back", &b.back);
        tags(&mut out, &b.tags);
    }
    for f in &deck.filled {
        out.push_str("\n[[filled]]\n");
        field(&mut out, "template", &f.template);
        list(&mut out, "answers", &f.answers);
    }
    out
}

fn tags(out: &mut String, tags: &[String]) {
    if !tags.is_empty() {
        list(out, "tags", tags);
    }
}

fn field(out: &mut String, name: &str, value: &str) {
    out.push_str(name);
    out.push_str(" = ");
    out.push_str(&toml_string(value));
    out.push('\n');
}

fn list(out: &mut String, name: &str, values: &[String]) {
    out.push_str(name);
    out.push_str(" = [");
    if values.is_empty() {
        out.push_str("]\n");
        return;
    }
    out.push('\n');
    for v in values {
        out.push_str("  ");
        out.push_str(&toml_string(v));
        out.push_str(",\n");
    }
    out.push_str("]\n");
}

/// A TOML basic string; a multi-line one when the text has line breaks, so it stays readable.
pub fn toml_string(value: &str) -> String {
    let multiline = value.contains('\n');
    let mut out = String::with_capacity(value.len() + 8);
    out.push_str(if multiline { "\"\"\"\n" } else { "\"" });
    for c in value.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '"' => out.push_str("\\\""),
            '\n' if multiline => out.push('\n'),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            c if crate::core::text::is_hidden_control(c) => {
                out.push_str(&format!("\\u{:04X}", c as u32))
            }
            c => out.push(c),
        }
    }
    out.push_str(if multiline { "\"\"\"" } else { "\"" });
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const GOOD: &str = r#"
[deck]
name = "mine"
title = "My stories"

[[story]]
key = "cache-bug"
number = 30
title = "缓存被删"
kind = "story"
source = "written"
aliases = ["cache"]
prompt = "讲一次线上变慢"
text = """
第一行
第二行 "quoted" \\ back"""
points = ["回滚"]

[[question]]
key = "cache-bug.q1"
text = "接口突然变慢怎么办？"
answers = ["cache-bug", "elsewhere"]
why = "缓存"

[[cloze]]
key = "cache-bug.c1"
story = "cache-bug"
text = "我们立即{{c1::回滚}}了新功能"

[[card]]
key = "b1"
front = "front"
back = "back"
tags = ["t"]

[[filled]]
template = "cache-bug"
answers = [
  "张三",
  "",
]
"#;

    fn known(key: &str) -> bool {
        key == "elsewhere"
    }

    #[test]
    fn parses_every_entry() {
        let deck = parse("mine.toml", GOOD, &known).unwrap();
        assert_eq!(deck.name, "mine");
        assert_eq!(deck.stories[0].text, "第一行\n第二行 \"quoted\" \\ back");
        assert_eq!(deck.stories[0].number, Some(30));
        assert_eq!(deck.questions[0].answers, vec!["cache-bug", "elsewhere"]);
        assert_eq!(deck.clozes[0].story.as_deref(), Some("cache-bug"));
        assert_eq!(deck.cards[0].tags, vec!["t"]);
        assert_eq!(deck.filled[0].answers, vec!["张三", ""]);
        assert_eq!(validate(&deck, &known), Ok(()));
    }

    #[test]
    fn tags_on_every_kind_round_trip_and_filled_keys_are_reserved() {
        let mut deck = parse("mine.toml", GOOD, &known).unwrap();
        deck.stories[0].tags = vec!["s".into()];
        deck.questions[0].tags = vec!["q".into()];
        deck.clozes[0].tags = vec!["c".into()];
        let text = to_toml(&deck);
        assert_eq!(parse("x", &text, &known).unwrap(), deck);

        let clash = GOOD.replace("key = \"b1\"", "key = \"mine.fill.cache-bug.c1\"");
        assert!(
            error_of(&clash).message.contains("reserved"),
            "{}",
            error_of(&clash)
        );
        let mut bad = deck.clone();
        bad.cards[0].key = "mine.fill.cache-bug.c2".into();
        assert!(validate(&bad, &known).unwrap_err().contains("reserved"));
        let mut unknown = deck.clone();
        unknown.filled[0].template = "nowhere".into();
        assert!(validate(&unknown, &known)
            .unwrap_err()
            .contains("not a known template"));
        let mut dup = deck;
        dup.questions[0].key = "b1".into();
        assert!(validate(&dup, &known)
            .unwrap_err()
            .contains("duplicate key"));
    }

    #[test]
    fn canonical_form_round_trips() {
        let deck = parse("mine.toml", GOOD, &known).unwrap();
        let once = to_toml(&deck);
        let again = parse("x.toml", &once, &known).unwrap();
        assert_eq!(again, deck);
        assert_eq!(to_toml(&again), once);
    }

    #[test]
    fn strings_with_every_awkward_character_round_trip() {
        for text in [
            "a\"\"\"b",
            "tab\there",
            "\u{1b}[2J",
            "ends with quote\"",
            "\n\nleading",
            "back\\slash\n",
        ] {
            let toml_text = format!("v = {}\n", toml_string(text));
            let table: toml::Table = toml::from_str(&toml_text).unwrap();
            assert_eq!(table["v"].as_str(), Some(text), "{toml_text}");
        }
    }

    fn error_of(source: &str) -> DeckError {
        parse("d.toml", source, &known).unwrap_err()
    }

    #[test]
    fn syntax_errors_name_line_and_column() {
        let err = error_of("[deck]\nname = \"x\"\n[[story]]\nkey = \"a\"\ntitle = \n");
        assert_eq!((err.line, err.file.as_str()), (5, "d.toml"), "{err}");
        assert!(err.to_string().starts_with("d.toml:5:"), "{err}");
    }

    #[test]
    fn unknown_story_is_an_error_at_its_position() {
        let src = GOOD.replace("\"elsewhere\"", "\"nowhere\"");
        let err = error_of(&src);
        assert!(err.message.contains("unknown story \"nowhere\""), "{err}");
        let line = src.lines().position(|l| l.contains("nowhere")).unwrap() + 1;
        assert_eq!(err.line, line);
    }

    #[test]
    fn duplicate_keys_empty_texts_and_bad_clozes_are_errors() {
        let dup = GOOD.replace("key = \"b1\"", "key = \"cache-bug.q1\"");
        assert!(error_of(&dup).message.contains("duplicate key"));
        let recall_clash = GOOD.replace("key = \"b1\"", "key = \"cache-bug.recall\"");
        assert!(error_of(&recall_clash).message.contains("duplicate key"));
        let empty = GOOD.replace("front = \"front\"", "front = \"  \"");
        assert!(error_of(&empty).message.contains("front is empty"));
        let no_blank = GOOD.replace("{{c1::回滚}}", "回滚");
        assert!(error_of(&no_blank).message.contains("cloze"));
        let numeric = GOOD.replace("key = \"b1\"", "key = \"12\"");
        assert!(error_of(&numeric).message.contains("bare number"));
        let dup_number = GOOD.replace(
            "[[question]]",
            "[[story]]\nkey = \"other\"\nnumber = 30\ntitle = \"t\"\ntext = \"x\"\n\n[[question]]",
        );
        assert!(error_of(&dup_number)
            .message
            .contains("duplicate story number 30"));
        let unknown_field = GOOD.replace("why = \"缓存\"", "whyy = \"缓存\"");
        assert!(error_of(&unknown_field).message.contains("whyy"));
    }
}
