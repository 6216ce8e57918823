//! Deck files: TOML that people read and edit. This module holds what a deck is and its rules —
//! keys, numbers, what must not be empty, what must exist — once, in `validate`, which every deck
//! goes through: a file (`parse`, which turns a problem into `file:line:column`), and a deck built in
//! memory by `add`, `edit`, `fill` or a card-file import. `write` puts a deck back in one canonical
//! layout, so export → import → export is byte-identical.

mod cards;
mod parse;
mod write;

pub use cards::{cards, CardRow, Template};
pub use parse::{parse, DeckError};
pub use write::{to_toml, toml_string};

use std::collections::HashMap;

use crate::core::cloze;
use crate::core::text::quote;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Deck {
    pub name: String,
    pub title: String,
    pub stories: Vec<Story>,
    pub questions: Vec<Question>,
    pub clozes: Vec<Cloze>,
    pub cards: Vec<Basic>,
    /// Follow-up questions (追问) on the stories.
    pub followups: Vec<Followup>,
    /// Templates the user filled with their own facts (`storydrill fill`).
    pub filled: Vec<Filled>,
    /// Words the judge of this deck's tellings takes as equal (`[synonyms]`: a word and its
    /// equals). None when the file has no `[synonyms]` table: an import then keeps the deck's.
    pub synonyms: Option<Vec<(String, Vec<String>)>>,
}

impl Deck {
    /// A deck with a name and nothing in it.
    pub fn empty(name: &str) -> Deck {
        Deck {
            name: name.to_string(),
            title: String::new(),
            stories: vec![],
            questions: vec![],
            clozes: vec![],
            cards: vec![],
            followups: vec![],
            filled: vec![],
            synonyms: None,
        }
    }
}

/// Bounds on a deck's `[synonyms]`: every telling is read against them.
pub const MAX_SYNONYM_GROUPS: usize = 2_000;
pub const MAX_SYNONYMS_PER_WORD: usize = 50;
pub const MAX_SYNONYM_CHARS: usize = 40;

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
    /// A 30-second version (`review --short` drills it); written by storydrill in the built-in decks.
    pub short: Option<String>,
    pub points: Vec<String>,
    /// Where the key points come from: the document (paraphrased) or storydrill. In a deck file
    /// `points_source`, written only when it differs from `source` (which says where `text` is from).
    pub points_source: Source,
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

/// A follow-up question (追问) an interviewer asks after a story: drilled like a telling, judged by
/// its own key points, due only once the story has been told.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Followup {
    pub key: String,
    /// The story it follows.
    pub story: String,
    pub source: Source,
    /// As an interviewer asks it.
    pub question: String,
    /// The model answer, in the story's voice.
    pub answer: String,
    pub points: Vec<String>,
    /// What the interviewer probes ("" when not said).
    pub why: String,
    pub tags: Vec<String>,
}

/// Key points a follow-up is judged by, at most: a follow-up is answered in under a minute.
pub const MAX_FOLLOWUP_POINTS: usize = 8;

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

/// The filled template whose cards include `key` (its recall card or one of its `.c<N>` cards):
/// those cards are made from the answers, so they are not entries of their own.
pub fn filled_template_of<'a>(deck: &str, filled: &'a [Filled], key: &str) -> Option<&'a Filled> {
    filled.iter().find(|f| {
        key.strip_prefix(filled_key(deck, &f.template).as_str())
            .is_some_and(|rest| rest.is_empty() || rest.starts_with('.'))
    })
}

/// A story number people can type: 1 to `MAX_STORY_NUMBER`.
pub fn check_number(n: i64) -> Result<u32, String> {
    u32::try_from(n)
        .ok()
        .filter(|v| STORY_NUMBERS.contains(v))
        .ok_or_else(|| format!("story number must be 1 to {MAX_STORY_NUMBER}, got {n}"))
}

/// Where in a deck a problem is: an entry (by its place in its list) and a field of it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Site {
    Name,
    Story(usize, Field),
    Question(usize, Field),
    Cloze(usize, Field),
    Card(usize, Field),
    Followup(usize, Field),
    Filled(usize, Field),
    /// The `[synonyms]` table.
    Synonyms,
}

impl Site {
    /// The same entry, as a whole.
    pub fn entry(self) -> Site {
        match self {
            Site::Name => Site::Name,
            Site::Synonyms => Site::Synonyms,
            Site::Story(i, _) => Site::Story(i, Field::Entry),
            Site::Question(i, _) => Site::Question(i, Field::Entry),
            Site::Cloze(i, _) => Site::Cloze(i, Field::Entry),
            Site::Card(i, _) => Site::Card(i, Field::Entry),
            Site::Followup(i, _) => Site::Followup(i, Field::Entry),
            Site::Filled(i, _) => Site::Filled(i, Field::Entry),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Field {
    Entry,
    Key,
    Number,
    Title,
    Text,
    Prompt,
    Answers,
    /// One of a question's answers, by its place.
    Answer(usize),
    Story,
    Front,
    Template,
    /// A follow-up's model answer.
    Reply,
    Points,
}

/// A rule a deck breaks, and where.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub site: Site,
    pub message: String,
}

impl std::fmt::Display for Problem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

/// Every rule of a deck, in file order (the first problem is the one reported). `known_story`
/// answers whether a story key outside this deck exists (questions may name stories of other
/// decks).
/// A `[synonyms]` table: words and equals that say something, within bounds.
fn check_synonyms(groups: &[(String, Vec<String>)]) -> Result<(), String> {
    if groups.len() > MAX_SYNONYM_GROUPS {
        return Err(format!(
            "[synonyms] has {} words; at most {MAX_SYNONYM_GROUPS}",
            groups.len()
        ));
    }
    for (word, equals) in groups {
        let word_ok = |w: &str| !w.trim().is_empty() && w.chars().count() <= MAX_SYNONYM_CHARS;
        if !word_ok(word) {
            return Err(format!(
                "[synonyms]: {} must be a word of 1 to {MAX_SYNONYM_CHARS} characters",
                quote(word)
            ));
        }
        if equals.is_empty() || equals.len() > MAX_SYNONYMS_PER_WORD {
            return Err(format!(
                "[synonyms]: {} needs 1 to {MAX_SYNONYMS_PER_WORD} equals, like {} = [\"…\"]",
                quote(word),
                quote(word)
            ));
        }
        if let Some(bad) = equals.iter().find(|e| !word_ok(e)) {
            return Err(format!(
                "[synonyms]: {} has {}: each equal must be a word of 1 to {MAX_SYNONYM_CHARS} characters",
                quote(word),
                quote(bad)
            ));
        }
    }
    Ok(())
}

pub fn validate(deck: &Deck, known_story: &dyn Fn(&str) -> bool) -> Result<(), Problem> {
    let fail = |site: Site, message: String| Err(Problem { site, message });
    if let Err(m) = check_deck_name(&deck.name) {
        return fail(Site::Name, m);
    }
    if let Some(groups) = &deck.synonyms {
        if let Err(m) = check_synonyms(groups) {
            return fail(Site::Synonyms, m);
        }
    }
    let mut keys: HashMap<String, Site> = HashMap::new();
    let mut claim = |key: &str, what: &str, site: Site| -> Result<(), Problem> {
        check_key(key).map_err(|m| Problem {
            site,
            message: format!("{what} key {} {m}", quote(key)),
        })?;
        if keys.insert(key.to_string(), site).is_some() {
            return Err(Problem {
                site,
                message: format!("duplicate key {}", quote(key)),
            });
        }
        Ok(())
    };
    let mut numbers = std::collections::HashSet::new();
    for (i, s) in deck.stories.iter().enumerate() {
        claim(&s.key, "story", Site::Story(i, Field::Key))?;
        claim(&s.recall_key(), "recall card", Site::Story(i, Field::Key))?;
        if let Some(n) = s.number {
            let site = Site::Story(i, Field::Number);
            if let Err(m) = check_number(i64::from(n)) {
                return fail(site, m);
            }
            if !numbers.insert(n) {
                return fail(site, format!("duplicate story number {n}"));
            }
        }
        for (what, value, field) in [
            ("title", &s.title, Field::Title),
            ("text", &s.text, Field::Text),
            ("prompt", &s.prompt, Field::Prompt),
        ] {
            if value.trim().is_empty() {
                return fail(
                    Site::Story(i, field),
                    format!("story {}: {what} is empty", quote(&s.key)),
                );
            }
        }
    }
    let local: std::collections::HashSet<&str> =
        deck.stories.iter().map(|s| s.key.as_str()).collect();
    let exists = |k: &str| local.contains(k) || known_story(k);
    for (i, q) in deck.questions.iter().enumerate() {
        claim(&q.key, "question", Site::Question(i, Field::Key))?;
        if q.text.trim().is_empty() {
            return fail(
                Site::Question(i, Field::Text),
                format!("question {}: the question text is empty", quote(&q.key)),
            );
        }
        if q.answers.is_empty() {
            return fail(
                Site::Question(i, Field::Answers),
                format!("question {} names no story in answers", quote(&q.key)),
            );
        }
        if let Some((a, story)) = q.answers.iter().enumerate().find(|(_, a)| !exists(a)) {
            return fail(
                Site::Question(i, Field::Answer(a)),
                format!(
                    "question {} names unknown story {}",
                    quote(&q.key),
                    quote(story)
                ),
            );
        }
    }
    for (i, c) in deck.clozes.iter().enumerate() {
        claim(&c.key, "cloze", Site::Cloze(i, Field::Key))?;
        if c.text.trim().is_empty() {
            return fail(
                Site::Cloze(i, Field::Text),
                format!("cloze {}: cloze text is empty", quote(&c.key)),
            );
        }
        if let Err(problem) = cloze::check(&c.text) {
            return fail(
                Site::Cloze(i, Field::Text),
                format!("cloze {}: {problem}", quote(&c.key)),
            );
        }
        if let Some(s) = c.story.as_deref().filter(|s| !exists(s)) {
            return fail(
                Site::Cloze(i, Field::Story),
                format!("cloze {} names unknown story {}", quote(&c.key), quote(s)),
            );
        }
    }
    for (i, b) in deck.cards.iter().enumerate() {
        claim(&b.key, "card", Site::Card(i, Field::Key))?;
        if b.front.trim().is_empty() {
            return fail(
                Site::Card(i, Field::Front),
                format!("card {}: front is empty", quote(&b.key)),
            );
        }
    }
    for (i, f) in deck.followups.iter().enumerate() {
        claim(&f.key, "follow-up", Site::Followup(i, Field::Key))?;
        let what = |m: &str| format!("follow-up {}: {m}", quote(&f.key));
        if !exists(&f.story) {
            return fail(
                Site::Followup(i, Field::Story),
                what(&format!("names unknown story {}", quote(&f.story))),
            );
        }
        if f.question.trim().is_empty() {
            return fail(
                Site::Followup(i, Field::Text),
                what("the question is empty"),
            );
        }
        if f.answer.trim().is_empty() {
            return fail(
                Site::Followup(i, Field::Reply),
                what("the model answer is empty"),
            );
        }
        if f.points.is_empty() || f.points.len() > MAX_FOLLOWUP_POINTS {
            return fail(
                Site::Followup(i, Field::Points),
                what(&format!(
                    "needs 1 to {MAX_FOLLOWUP_POINTS} key points (it is judged by them), has {}",
                    f.points.len()
                )),
            );
        }
    }
    for (i, f) in deck.filled.iter().enumerate() {
        let site = Site::Filled(i, Field::Template);
        if !exists(&f.template) {
            return fail(
                site,
                format!(
                    "filled template {} is not a known template",
                    quote(&f.template)
                ),
            );
        }
        claim(
            &filled_key(&deck.name, &f.template),
            "filled template",
            site,
        )?;
    }
    // The cards of a filled template are made from it: no other entry may take their keys.
    let mut taken: Vec<(&String, &Site)> = keys.iter().collect();
    taken.sort_by_key(|(k, _)| k.as_str());
    for (key, site) in taken {
        if let Some(f) = filled_template_of(&deck.name, &deck.filled, key)
            .filter(|f| *key != filled_key(&deck.name, &f.template))
        {
            return fail(
                *site,
                format!(
                    "key {} is reserved for the cards of filled template {}",
                    quote(key),
                    quote(&f.template)
                ),
            );
        }
    }
    Ok(())
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
        assert!(validate(&bad, &known)
            .unwrap_err()
            .message
            .contains("reserved"));
        let mut unknown = deck.clone();
        unknown.filled[0].template = "nowhere".into();
        assert!(validate(&unknown, &known)
            .unwrap_err()
            .message
            .contains("not a known template"));
        let mut dup = deck;
        dup.questions[0].key = "b1".into();
        assert!(validate(&dup, &known)
            .unwrap_err()
            .message
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
