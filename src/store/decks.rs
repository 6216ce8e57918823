//! Loading a deck into the database by stable keys, and reading it back as a deck.

use anyhow::bail;
use rusqlite::{params, Connection, OptionalExtension, Transaction, TransactionBehavior};
use std::collections::HashSet;

use super::cards::json_list;
use super::Store;
use crate::deck::{self, Basic, Cloze, Deck, Filled, Question, Source, StoryKind};
use crate::model::CardKind;

/// Told how many cards of a deck have been written so far, and of how many.
pub type Progress<'a> = &'a mut dyn FnMut(usize, usize);

/// What an import changed.
#[derive(Debug, Default, Clone, PartialEq, Eq, serde::Serialize)]
pub struct ImportReport {
    pub deck: String,
    pub added: u32,
    pub updated: u32,
    pub unchanged: u32,
    pub retired: u32,
}

struct CardRow<'a> {
    key: String,
    kind: CardKind,
    story: Option<&'a str>,
    front: std::borrow::Cow<'a, str>,
    back: String,
    answers: &'a [String],
    tags: &'a [String],
}

impl Store {
    /// Adds or updates a deck by stable keys, in one transaction: texts update, history stays, and
    /// a card missing from the deck is retired (hidden, history kept).
    pub fn import_deck(&mut self, deck: &Deck) -> anyhow::Result<ImportReport> {
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        let report = import_in(&tx, deck, &mut |_, _| {})?;
        tx.commit()?;
        Ok(report)
    }

    /// What `import_deck` would change, changing nothing.
    pub fn preview_import(&mut self, deck: &Deck) -> anyhow::Result<ImportReport> {
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        let report = import_in(&tx, deck, &mut |_, _| {})?;
        tx.rollback()?;
        Ok(report)
    }

    /// Changes decks in one transaction: reads each named deck as it is (an empty one if it does not
    /// exist yet), lets `change` edit them, checks them with the deck file's rules and writes them back
    /// by stable keys (history kept; cards no longer in a deck retired). `preview` rolls back.
    pub fn update_decks<T>(
        &mut self,
        names: &[String],
        preview: bool,
        progress: Progress<'_>,
        change: impl FnOnce(&mut Vec<Deck>, &Connection) -> anyhow::Result<T>,
    ) -> anyhow::Result<(T, Vec<ImportReport>)> {
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        let mut decks = Vec::new();
        for name in names {
            decks.push(match export_in(&tx, name)? {
                Some(d) => d,
                None => Deck {
                    name: name.clone(),
                    title: String::new(),
                    stories: vec![],
                    questions: vec![],
                    clozes: vec![],
                    cards: vec![],
                    filled: vec![],
                },
            });
        }
        let value = change(&mut decks, &tx)?;
        let mut reports = Vec::new();
        for d in &decks {
            let local: HashSet<&str> = decks
                .iter()
                .flat_map(|d| d.stories.iter().map(|s| s.key.as_str()))
                .collect();
            deck::validate(d, &|k| local.contains(k) || story_exists_in(&tx, k))
                .map_err(|m| anyhow::anyhow!("deck {}: {m}", d.name))?;
            reports.push(import_in(&tx, d, progress)?);
        }
        if preview {
            tx.rollback()?;
        } else {
            tx.commit()?;
        }
        Ok((value, reports))
    }

    /// Reads a deck back in file form.
    pub fn export_deck(&self, name: &str) -> anyhow::Result<Deck> {
        match export_in(&self.conn, name)? {
            Some(deck) => Ok(deck),
            None => bail!("no deck named {name:?} (see `storydrill decks`)"),
        }
    }
}

/// Reads a deck back in file form; None when there is no such deck.
pub(super) fn export_in(conn: &Connection, name: &str) -> anyhow::Result<Option<Deck>> {
    let Some((deck_id, title)) = conn
        .query_row("SELECT id, title FROM deck WHERE name = ?1", [name], |r| {
            Ok((r.get::<_, i64>(0)?, r.get(1)?))
        })
        .optional()?
    else {
        return Ok(None);
    };
    let mut stmt = conn.prepare(
        "SELECT s.key, s.number, s.title, s.kind, s.source, s.aliases, s.prompt, s.text, s.written, s.diagram,
                s.points, coalesce(c.tags, '[]')
         FROM story s LEFT JOIN card c ON c.key = s.key || '.recall'
         WHERE s.deck_id = ?1 AND s.retired = 0 ORDER BY s.position, s.id",
    )?;
    let stories = stmt
        .query_map([deck_id], |r| {
            Ok(deck::Story {
                key: r.get(0)?,
                number: Some(r.get(1)?),
                title: r.get(2)?,
                kind: StoryKind::parse(&r.get::<_, String>(3)?).unwrap_or(StoryKind::Story),
                source: Source::parse(&r.get::<_, String>(4)?).unwrap_or(Source::Written),
                aliases: json_list(&r.get::<_, String>(5)?),
                prompt: r.get(6)?,
                text: r.get(7)?,
                written: r.get(8)?,
                diagram: r.get(9)?,
                points: json_list(&r.get::<_, String>(10)?),
                tags: json_list(&r.get::<_, String>(11)?),
            })
        })?
        .collect::<Result<Vec<_>, _>>()?;
    let mut stmt = conn
        .prepare("SELECT template, answers FROM filled WHERE deck_id = ?1 ORDER BY position, id")?;
    let filled = stmt
        .query_map([deck_id], |r| {
            Ok(Filled {
                template: r.get(0)?,
                answers: json_list(&r.get::<_, String>(1)?),
            })
        })?
        .collect::<Result<Vec<_>, _>>()?;
    // The cards of filled templates are made from them, not written out.
    let generated: Vec<String> = filled
        .iter()
        .map(|f| deck::filled_key(name, &f.template))
        .collect();
    let is_generated = |key: &str| {
        generated.iter().any(|g| {
            key.strip_prefix(g.as_str())
                .is_some_and(|rest| rest.is_empty() || rest.starts_with('.'))
        })
    };
    let mut stmt = conn.prepare(
        "SELECT c.kind, c.key, s.key, c.front, c.back, c.answers, c.tags
         FROM card c LEFT JOIN story s ON s.id = c.story_id
         WHERE c.deck_id = ?1 AND c.retired = 0 AND c.kind != 'recall' ORDER BY c.position, c.id",
    )?;
    let mut out = Deck {
        name: name.to_string(),
        title,
        stories,
        questions: vec![],
        clozes: vec![],
        cards: vec![],
        filled,
    };
    let mut rows = stmt.query([deck_id])?;
    while let Some(r) = rows.next()? {
        let kind: String = r.get(0)?;
        let key: String = r.get(1)?;
        if is_generated(&key) {
            continue;
        }
        let story: Option<String> = r.get(2)?;
        let front: String = r.get(3)?;
        let back: String = r.get(4)?;
        let tags = json_list(&r.get::<_, String>(6)?);
        match CardKind::parse(&kind) {
            Some(CardKind::Match) => out.questions.push(Question {
                key,
                text: front,
                answers: json_list(&r.get::<_, String>(5)?),
                why: back,
                tags,
            }),
            Some(CardKind::Cloze) => out.clozes.push(Cloze {
                key,
                story,
                text: front,
                tags,
            }),
            _ => out.cards.push(Basic {
                key,
                front,
                back,
                tags,
            }),
        }
    }
    Ok(Some(out))
}

/// deck id, kind, front, back, answers, tags, story key, position, retired
type ExistingCard = (
    i64,
    String,
    String,
    String,
    String,
    String,
    Option<String>,
    i64,
    bool,
);

fn import_in(
    tx: &Transaction<'_>,
    deck: &Deck,
    progress: Progress<'_>,
) -> anyhow::Result<ImportReport> {
    tx.execute(
        "INSERT INTO deck (name, title) VALUES (?1, ?2) ON CONFLICT (name) DO UPDATE SET title = excluded.title",
        params![deck.name, deck.title],
    )?;
    let deck_id: i64 = tx.query_row("SELECT id FROM deck WHERE name = ?1", [&deck.name], |r| {
        r.get(0)
    })?;
    let mut report = ImportReport {
        deck: deck.name.clone(),
        ..Default::default()
    };

    for (position, story) in deck.stories.iter().enumerate() {
        let existing: Option<(i64, u32)> = tx
            .prepare_cached("SELECT deck_id, number FROM story WHERE key = ?1")?
            .query_row([&story.key], |r| Ok((r.get(0)?, r.get(1)?)))
            .optional()?;
        if let Some((other, _)) = existing.filter(|(d, _)| *d != deck_id) {
            bail!(
                "story key {:?} already belongs to deck {:?}",
                story.key,
                deck_name(tx, other)?
            );
        }
        let number = match (story.number, existing) {
            (Some(n), _) => {
                let holder: Option<String> = tx
                    .prepare_cached("SELECT key FROM story WHERE number = ?1 AND key != ?2")?
                    .query_row(params![n, story.key], |r| r.get(0))
                    .optional()?;
                if let Some(holder) = holder {
                    bail!(
                        "story {:?}: number {n} is already taken by story {holder:?}",
                        story.key
                    );
                }
                n
            }
            (None, Some((_, n))) => n,
            (None, None) => tx
                .prepare_cached("SELECT coalesce(max(number), 0) + 1 FROM story")?
                .query_row([], |r| r.get(0))?,
        };
        tx.prepare_cached(
            "INSERT INTO story (key, deck_id, number, title, kind, source, aliases, prompt, text, written, diagram, points, position, retired)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, 0)
             ON CONFLICT (key) DO UPDATE SET number = excluded.number, title = excluded.title, kind = excluded.kind,
                source = excluded.source, aliases = excluded.aliases, prompt = excluded.prompt, text = excluded.text,
                written = excluded.written, diagram = excluded.diagram, points = excluded.points,
                position = excluded.position, retired = 0",
        )?
        .execute(params![
                story.key,
                deck_id,
                number,
                story.title,
                story.kind.as_str(),
                story.source.as_str(),
                to_json(&story.aliases),
                story.prompt,
                story.text,
                story.written,
                story.diagram,
                to_json(&story.points),
                position as i64,
            ])?;
    }
    tx.execute(
        "UPDATE story SET retired = 1 WHERE deck_id = ?1 AND retired = 0 AND key NOT IN (SELECT value FROM json_each(?2))",
        params![deck_id, to_json(&deck.stories.iter().map(|s| s.key.clone()).collect::<Vec<_>>())],
    )?;

    let mut rows: Vec<CardRow<'_>> = Vec::new();
    for s in &deck.stories {
        rows.push(CardRow {
            key: s.recall_key(),
            kind: CardKind::Recall,
            story: Some(&s.key),
            front: s.prompt.as_str().into(),
            back: s.text.clone(),
            answers: &[],
            tags: &s.tags,
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
        });
    }
    for c in &deck.clozes {
        rows.push(CardRow {
            key: c.key.clone(),
            kind: CardKind::Cloze,
            story: c.story.as_deref(),
            front: c.text.as_str().into(),
            back: crate::cloze::full(&c.text),
            answers: &[],
            tags: &c.tags,
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
        });
    }
    write_filled(tx, deck_id, deck, &mut rows)?;

    let mut keys = HashSet::new();
    let mut find = tx.prepare_cached(
        "SELECT c.deck_id, c.kind, c.front, c.back, c.answers, c.tags, s.key, c.position, c.retired
         FROM card c LEFT JOIN story s ON s.id = c.story_id WHERE c.key = ?1",
    )?;
    let mut upsert = tx.prepare_cached(
        "INSERT INTO card (key, deck_id, kind, story_id, front, back, answers, tags, position, retired)
         VALUES (?1, ?2, ?3, (SELECT id FROM story WHERE key = ?4), ?5, ?6, ?7, ?8, ?9, 0)
         ON CONFLICT (key) DO UPDATE SET kind = excluded.kind, story_id = excluded.story_id, front = excluded.front,
            back = excluded.back, answers = excluded.answers, tags = excluded.tags, position = excluded.position,
            retired = 0",
    )?;
    let total = rows.len();
    for (position, row) in rows.iter().enumerate() {
        if position % 1000 == 0 {
            progress(position, total);
        }
        keys.insert(row.key.clone());
        let existing: Option<ExistingCard> = find
            .query_row([&row.key], |r| {
                Ok((
                    r.get(0)?,
                    r.get(1)?,
                    r.get(2)?,
                    r.get(3)?,
                    r.get(4)?,
                    r.get(5)?,
                    r.get(6)?,
                    r.get(7)?,
                    r.get(8)?,
                ))
            })
            .optional()?;
        let answers = to_json(row.answers);
        let tags = to_json(row.tags);
        match existing {
            Some((other, ..)) if other != deck_id => {
                bail!(
                    "card key {:?} already belongs to deck {:?}",
                    row.key,
                    deck_name(tx, other)?
                )
            }
            Some((_, kind, front, back, old_answers, old_tags, story, old_position, retired)) => {
                let same = kind == row.kind.as_str()
                    && front == *row.front
                    && back == row.back
                    && old_answers == answers
                    && old_tags == tags
                    && story.as_deref() == row.story
                    && old_position == position as i64
                    && !retired;
                if same {
                    report.unchanged += 1;
                    continue;
                }
                report.updated += 1;
            }
            None => report.added += 1,
        }
        upsert.execute(params![
            row.key,
            deck_id,
            row.kind.as_str(),
            row.story,
            row.front,
            &row.back,
            answers,
            tags,
            position as i64
        ])?;
    }
    progress(total, total);
    report.retired = tx.execute(
        "UPDATE card SET retired = 1 WHERE deck_id = ?1 AND retired = 0 AND key NOT IN (SELECT value FROM json_each(?2))",
        params![deck_id, to_json(&keys.into_iter().collect::<Vec<_>>())],
    )? as u32;
    Ok(report)
}

/// Stores the deck's filled templates and adds the cards made from them to `rows`.
fn write_filled<'a>(
    tx: &Transaction<'_>,
    deck_id: i64,
    deck: &'a Deck,
    rows: &mut Vec<CardRow<'a>>,
) -> anyhow::Result<()> {
    tx.execute(
        "DELETE FROM filled WHERE deck_id = ?1 AND template NOT IN (SELECT value FROM json_each(?2))",
        params![
            deck_id,
            to_json(&deck.filled.iter().map(|f| f.template.clone()).collect::<Vec<_>>())
        ],
    )?;
    for (position, f) in deck.filled.iter().enumerate() {
        let template: Option<(String, String, String, String)> = tx
            .query_row(
                "SELECT kind, title, prompt, text FROM story WHERE key = ?1 AND retired = 0",
                [&f.template],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
            )
            .optional()?;
        let Some((kind, title, prompt, text)) = template else {
            bail!("filled template {:?} is not a known template", f.template);
        };
        let blanks = crate::fill::blanks(&f.template, &text);
        if kind != StoryKind::Template.as_str() || blanks.is_empty() {
            bail!(
                "{:?} is not a template with blanks to fill (see `storydrill fill`)",
                f.template
            );
        }
        if f.answers.len() > blanks.len() {
            bail!(
                "filled template {:?} has {} answers, but the template has {} blanks",
                f.template,
                f.answers.len(),
                blanks.len()
            );
        }
        tx.execute(
            "INSERT INTO filled (deck_id, template, answers, position) VALUES (?1, ?2, ?3, ?4)
             ON CONFLICT (deck_id, template) DO UPDATE SET answers = excluded.answers, position = excluded.position",
            params![deck_id, f.template, to_json(&f.answers), position as i64],
        )?;
        let key = deck::filled_key(&deck.name, &f.template);
        for card in crate::fill::cards(&title, &prompt, &text, &blanks, &f.answers) {
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
            });
        }
    }
    Ok(())
}

/// `import_in` for the other store modules, without progress.
pub(super) fn import_in_pub(tx: &Transaction<'_>, deck: &Deck) -> anyhow::Result<ImportReport> {
    import_in(tx, deck, &mut |_, _| {})
}

pub(super) fn story_exists_in(conn: &Connection, key: &str) -> bool {
    conn.prepare_cached("SELECT EXISTS (SELECT 1 FROM story WHERE key = ?1 AND retired = 0)")
        .and_then(|mut s| s.query_row([key], |r| r.get(0)))
        .unwrap_or(false)
}

fn deck_name(tx: &Transaction<'_>, id: i64) -> anyhow::Result<String> {
    Ok(tx.query_row("SELECT name FROM deck WHERE id = ?1", [id], |r| r.get(0))?)
}

fn to_json(values: &[String]) -> String {
    serde_json::to_string(values).unwrap_or_else(|_| "[]".into())
}
