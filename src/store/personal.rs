//! Changing single cards: tags, deletion with history, the deck an edit or a new card goes into.

use anyhow::bail;
use rusqlite::{params, TransactionBehavior};
use std::collections::HashSet;

use super::decks::{export_in, import_in_pub, story_exists_in};
use super::Store;
use crate::core::deck::{self, Deck};
use crate::core::model::{Card, CardKind};
use crate::core::types::CardId;

/// An earlier text of a card, a story or a filled template, kept when it was replaced.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Revision {
    pub id: i64,
    /// When it was replaced (UTC, RFC 3339).
    pub at: String,
    /// "card", "story" or "filled".
    pub what: String,
    pub key: String,
    /// The fields as they were.
    pub content: serde_json::Value,
}

/// What `delete_card` removed.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct Deleted {
    /// Keys of the cards removed with their history.
    pub cards: Vec<String>,
    /// The story removed with its recall card, if it was one.
    pub story: Option<String>,
}

impl Store {
    /// Earlier texts kept under any of `keys`, newest first.
    pub fn revisions(&self, keys: &[String]) -> anyhow::Result<Vec<Revision>> {
        let mut stmt = self.conn.prepare(
            "SELECT id, at, what, key, content FROM revision
             WHERE key IN (SELECT value FROM json_each(?1)) ORDER BY id DESC",
        )?;
        let rows = stmt.query_map([serde_json::to_string(keys)?], |r| {
            let content: String = r.get(4)?;
            Ok(Revision {
                id: r.get(0)?,
                at: r.get(1)?,
                what: r.get(2)?,
                key: r.get(3)?,
                content: serde_json::from_str(&content).unwrap_or(serde_json::Value::Null),
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    pub fn set_tags(&self, card: CardId, tags: &[String]) -> anyhow::Result<()> {
        self.conn.execute(
            "UPDATE card SET tags = ?2 WHERE id = ?1",
            params![card, serde_json::to_string(tags)?],
        )?;
        Ok(())
    }

    /// Removes a card and its review log. A story's recall card takes the story with it (and its
    /// clozes; questions lose it as an answer, and go when it was their only one); the recall card of a
    /// filled template takes the filled answers and all their cards. One transaction.
    pub fn delete_card(&mut self, card: &Card) -> anyhow::Result<Deleted> {
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        let Some(mut deck) = export_in(&tx, &card.deck)? else {
            bail!("card {} has no deck", card.key);
        };
        let mut deleted = Deleted::default();
        let before = active_keys(&tx, &card.deck)?;
        if !card.retired {
            remove_entry(&tx, &mut deck, card, &mut deleted)?;
            let local: HashSet<String> = deck.stories.iter().map(|s| s.key.clone()).collect();
            deck::validate(&deck, &|k| {
                local.contains(k)
                    || (Some(k) != deleted.story.as_deref() && story_exists_in(&tx, k))
            })
            .map_err(|m| anyhow::anyhow!("deck {}: {m}", deck.name))?;
            import_in_pub(&tx, &deck)?;
        }
        let after = active_keys(&tx, &card.deck)?;
        let mut gone: Vec<String> = before.difference(&after).cloned().collect();
        if !gone.contains(&card.key) {
            gone.push(card.key.clone());
        }
        gone.sort();
        for key in &gone {
            tx.execute(
                "DELETE FROM review WHERE card_id = (SELECT id FROM card WHERE key = ?1)",
                [key],
            )?;
            tx.execute("DELETE FROM card WHERE key = ?1", [key])?;
        }
        if let Some(story) = &deleted.story {
            // Retired cards of older imports may still point at it: then it stays, retired
            // (and presented). Deleted, it takes its presentation along.
            let deletable =
                "key = ?1 AND NOT EXISTS (SELECT 1 FROM card WHERE story_id = story.id)";
            tx.execute(
                &format!("DELETE FROM presented WHERE story_id IN (SELECT id FROM story WHERE {deletable})"),
                [story],
            )?;
            tx.execute(&format!("DELETE FROM story WHERE {deletable}"), [story])?;
        }
        tx.commit()?;
        deleted.cards = gone;
        Ok(deleted)
    }
}

fn active_keys(conn: &rusqlite::Connection, deck: &str) -> anyhow::Result<HashSet<String>> {
    let mut stmt = conn.prepare(
        "SELECT c.key FROM card c JOIN deck d ON d.id = c.deck_id WHERE d.name = ?1 AND c.retired = 0",
    )?;
    let keys = stmt
        .query_map([deck], |r| r.get(0))?
        .collect::<Result<_, _>>()?;
    Ok(keys)
}

/// Takes the card's entry out of its deck.
fn remove_entry(
    conn: &rusqlite::Connection,
    deck: &mut Deck,
    card: &Card,
    deleted: &mut Deleted,
) -> anyhow::Result<()> {
    if let Some(f) = deck::filled_template_of(&deck.name, &deck.filled, &card.key) {
        let template = f.template.clone();
        let key = deck::filled_key(&deck.name, &template);
        if card.key != key {
            bail!(
                "card {} is made by `storydrill fill {template}`: answer `:-` for that blank there to drop it, \
                 or delete {key} to drop the whole filled template",
                card.key,
            );
        }
        deck.filled.retain(|f| f.template != template);
        return Ok(());
    }
    match card.kind {
        CardKind::Recall => {
            let Some(story) = deck.stories.iter().find(|s| s.recall_key() == card.key) else {
                bail!("card {} is not part of deck {}", card.key, deck.name);
            };
            let story = story.key.clone();
            let users: Vec<String> = conn
                .prepare(
                    "SELECT c.key FROM card c JOIN deck d ON d.id = c.deck_id
                     WHERE d.name != ?1 AND c.retired = 0
                       AND (c.story_id = (SELECT id FROM story WHERE key = ?2)
                            OR EXISTS (SELECT 1 FROM json_each(c.answers) WHERE value = ?2))
                     ORDER BY c.id LIMIT 5",
                )?
                .query_map(params![deck.name, story], |r| r.get(0))?
                .collect::<Result<_, _>>()?;
            if !users.is_empty() {
                bail!(
                    "story {story:?} is used by cards of other decks ({}); delete or edit those first",
                    users.join(", ")
                );
            }
            deck.stories.retain(|s| s.key != story);
            deck.clozes
                .retain(|c| c.story.as_deref() != Some(story.as_str()));
            deck.followups.retain(|f| f.story != story);
            for q in &mut deck.questions {
                q.answers.retain(|a| *a != story);
            }
            deck.questions.retain(|q| !q.answers.is_empty());
            deleted.story = Some(story);
        }
        CardKind::Match => deck.questions.retain(|q| q.key != card.key),
        CardKind::Cloze => deck.clozes.retain(|c| c.key != card.key),
        CardKind::Basic => deck.cards.retain(|c| c.key != card.key),
        CardKind::Followup => deck.followups.retain(|f| f.key != card.key),
    }
    Ok(())
}
