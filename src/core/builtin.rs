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
