//! The built-in decks, compiled into the binary so a fresh install needs no files.

use anyhow::Context;
use std::collections::HashSet;

use crate::core::deck::{self, Deck};

pub struct BuiltinDeck {
    pub name: &'static str,
    pub file: &'static str,
    pub text: &'static str,
}

/// In load order: templates are answers too, so stories' questions may name them and the other way round.
pub const DECKS: &[BuiltinDeck] = &[
    BuiltinDeck {
        name: "stories",
        file: "decks/stories.toml",
        text: include_str!("../../decks/stories.toml"),
    },
    BuiltinDeck {
        name: "templates",
        file: "decks/templates.toml",
        text: include_str!("../../decks/templates.toml"),
    },
];

/// Parses every built-in deck; questions may name stories of any built-in deck.
pub fn parse_all() -> anyhow::Result<Vec<Deck>> {
    let mut story_keys = HashSet::new();
    for d in DECKS {
        let loose = deck::parse(d.file, d.text, &|_| true)
            .with_context(|| format!("built-in deck {} is broken", d.file))?;
        story_keys.extend(loose.stories.into_iter().map(|s| s.key));
    }
    DECKS
        .iter()
        .map(|d| {
            deck::parse(d.file, d.text, &|k| story_keys.contains(k))
                .with_context(|| format!("built-in deck {} is broken", d.file))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::deck::{Source, StoryKind};

    /// The document the built-in decks come from (a copy, so the check needs nothing outside the repo).
    const SOURCE: &str = include_str!("../../decks/source.txt");

    fn cjk(text: &str) -> usize {
        text.chars()
            .filter(|c| ('\u{4e00}'..='\u{9fff}').contains(c))
            .count()
    }

    /// The content rules of the built-in decks, beyond the deck format's: what comes from the
    /// source document is verbatim, every entry can be found and drilled.
    #[test]
    fn built_in_decks_follow_their_content_rules() {
        let decks = parse_all().unwrap();
        let mut problems = Vec::new();
        let mut accepted: std::collections::HashMap<&str, usize> = Default::default();
        for q in decks.iter().flat_map(|d| &d.questions) {
            for a in &q.answers {
                *accepted.entry(a.as_str()).or_default() += 1;
            }
            if q.why.trim().is_empty() {
                problems.push(format!("question {}: no why", q.key));
            }
            if !decks
                .iter()
                .flat_map(|d| &d.stories)
                .any(|s| q.key.starts_with(&format!("{}.q", s.key)))
            {
                problems.push(format!("question {}: key is not <story>.qN", q.key));
            }
        }
        for (d, s) in decks
            .iter()
            .flat_map(|d| d.stories.iter().map(move |s| (d, s)))
        {
            let what = format!("{} story {}", d.name, s.key);
            let expected_kind = if d.name == "stories" {
                StoryKind::Story
            } else {
                StoryKind::Template
            };
            if s.kind != expected_kind {
                problems.push(format!("{what}: kind"));
            }
            if s.number.is_none() {
                problems.push(format!("{what}: built-in stories have fixed numbers"));
            }
            if s.source == Source::Seed {
                for (i, line) in s.text.lines().enumerate() {
                    let line = line.trim();
                    if !line.is_empty() && !SOURCE.contains(line) {
                        problems.push(format!(
                            "{what}: text line {} is not verbatim from the source",
                            i + 1
                        ));
                    }
                }
            } else if s.kind == StoryKind::Story && !(150..=330).contains(&cjk(&s.text)) {
                problems.push(format!(
                    "{what}: a written story of {} Chinese characters",
                    cjk(&s.text)
                ));
            }
            if let Some(diagram) = &s.diagram {
                for line in diagram.lines() {
                    if !SOURCE.lines().any(|l| l.trim_end() == line.trim_end()) {
                        problems.push(format!("{what}: diagram line {line:?} is not verbatim"));
                    }
                }
            }
            if !(3..=6).contains(&s.aliases.len())
                || !s.aliases.iter().any(|a| cjk(a) > 0)
                || !s
                    .aliases
                    .iter()
                    .any(|a| a.chars().any(|c| c.is_ascii_alphabetic()))
            {
                problems.push(format!("{what}: 3-6 aliases, Chinese and Latin"));
            }
            // Key points marked as the document's say nothing it does not: every number and
            // Latin word of them is in the story's text.
            if s.source == Source::Seed && s.points_source == Source::Seed {
                let text = s.text.to_lowercase();
                let foreign = s.points.iter().flat_map(|p| {
                    p.to_lowercase()
                        .split(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
                        .filter(|w| {
                            !w.is_empty() && (w.len() >= 2 || w.chars().all(|c| c.is_ascii_digit()))
                        })
                        .map(String::from)
                        .collect::<Vec<_>>()
                });
                for w in foreign.filter(|w| !text.contains(w.as_str())) {
                    problems.push(format!("{what}: key points say {w:?}, which its text does not: mark them points_source = \"written\""));
                }
            }
            if !(5..=8).contains(&s.points.len()) {
                problems.push(format!("{what}: {} key points", s.points.len()));
            }
            if accepted.get(s.key.as_str()).copied().unwrap_or(0) < 3 {
                problems.push(format!("{what}: fewer than 3 questions accept it"));
            }
        }
        // Follow-ups (追问): at least 4 for every story and template, written by storydrill,
        // speakable in under a minute, each key point a short phrase its own model answer covers
        // (so a telling that says what the answer says is judged to cover it).
        let synonyms = crate::core::judge::synonyms::Synonyms::builtin();
        let mut followups: std::collections::HashMap<&str, usize> = Default::default();
        for f in decks.iter().flat_map(|d| &d.followups) {
            let what = format!("follow-up {}", f.key);
            *followups.entry(f.story.as_str()).or_default() += 1;
            if !f.key.starts_with(&format!("{}.f", f.story)) {
                problems.push(format!("{what}: key is not <story>.fN"));
            }
            if f.source != Source::Written || f.why.is_empty() {
                problems.push(format!("{what}: written, with a why"));
            }
            if !(100..=320).contains(&cjk(&f.answer)) {
                problems.push(format!(
                    "{what}: an answer of {} Chinese characters",
                    cjk(&f.answer)
                ));
            }
            if !(2..=4).contains(&f.points.len()) {
                problems.push(format!("{what}: {} key points", f.points.len()));
            }
            if let Some(p) = f.points.iter().find(|p| p.chars().count() > 30) {
                problems.push(format!("{what}: point {p:?} is longer than 30 characters"));
            }
            let verdict = crate::core::judge::Verdict::of(&f.answer, &f.points, &synonyms);
            for (p, covered) in f.points.iter().zip(verdict.covered()) {
                if !covered {
                    problems.push(format!("{what}: its answer does not cover {p:?}"));
                }
            }
        }
        for s in decks.iter().flat_map(|d| &d.stories) {
            if followups.get(s.key.as_str()).copied().unwrap_or(0) < 4 {
                problems.push(format!("story {}: fewer than 4 follow-ups", s.key));
            }
            // A 30-second version for every story of the document: about 4 characters a second.
            match &s.short {
                Some(short) if !(60..=130).contains(&cjk(short)) => problems.push(format!(
                    "story {}: a 30-second version of {} Chinese characters",
                    s.key,
                    cjk(short)
                )),
                None if s.kind == StoryKind::Story => {
                    problems.push(format!("story {}: no 30-second version", s.key))
                }
                _ => {}
            }
        }
        for c in decks.iter().flat_map(|d| &d.clozes) {
            let story = c.story.as_deref().unwrap_or("");
            if !c.key.starts_with(&format!("{story}.c")) {
                problems.push(format!("cloze {}: key is not <story>.cN", c.key));
            }
        }
        assert!(problems.is_empty(), "{}", problems.join("\n"));
    }

    #[test]
    fn built_in_decks_parse_and_export_canonically() {
        let decks = parse_all().unwrap();
        for d in &decks {
            let text = deck::to_toml(d);
            let again = deck::parse("x", &text, &|_| true).unwrap();
            assert_eq!(&again, d);
        }
    }
}
