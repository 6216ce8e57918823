//! `storydrill search`: the FTS5 trigram index over cards and stories (migration 0002), best first.

use anyhow::bail;
use rusqlite::params_from_iter;
use rusqlite::types::Value;
use std::collections::HashMap;

use super::cards::{card_from_row, CARD_COLUMNS, CARD_COLUMN_COUNT, CARD_FROM};
use super::Store;
use crate::core::model::Card;

/// One card found, with its score (lower is better; see `Store::search`).
#[derive(Debug, Clone)]
pub struct SearchHit {
    pub card: Card,
    pub score: f64,
}

/// A term of 3+ characters is a phrase of the trigram index; a shorter one is looked up by the
/// trigrams that begin with it and checked with LIKE.
pub const MIN_INDEXED_CHARS: usize = 3;

/// Matches of a term read, at most, for each hit listed: the newest ones, placed by where their
/// terms are (see `Store::search`). Reading every match of a common term grows with the collection
/// (100,000 matches at 1,000,000 cards); the newest five times the hits listed (100 for the
/// default 20) take the same time at any size.
pub const RANKED_PER_HIT: usize = 5;

/// Most trigrams a one- or two-character term is looked up by; a term that begins more of them is
/// common, and a scan of the cards finds the limit of its matches soon.
pub const MAX_TRIGRAMS: usize = 256;

/// Most terms a query may have: each is a condition of the SQL, and thousands of them are no search.
pub const MAX_TERMS: usize = 16;

/// Splits a query into terms the index can find (3+ characters) and terms it cannot; a term
/// given twice counts once.
pub fn split_query(query: &str) -> (Vec<String>, Vec<String>) {
    let mut terms: Vec<String> = Vec::new();
    for t in query.split_whitespace() {
        if !terms.iter().any(|x| x == t) {
            terms.push(t.to_string());
        }
    }
    terms
        .into_iter()
        .partition(|t| t.chars().count() >= MIN_INDEXED_CHARS)
}

/// An FTS5 query that finds every term as a substring: each term quoted, joined with AND.
pub fn fts_query(terms: &[String]) -> String {
    quoted(terms, " AND ")
}

/// An FTS5 query for the cards that hold every trigram of every term: the card index keeps no
/// positions (migration 0011), so this finds each term's cards and some others, and the search
/// checks the term in their text.
pub fn trigram_query(terms: &[String]) -> String {
    let mut grams: Vec<String> = Vec::new();
    for t in terms {
        let chars: Vec<char> = t.chars().collect();
        for w in chars.windows(MIN_INDEXED_CHARS) {
            let gram: String = w.iter().collect();
            if !grams.contains(&gram) {
                grams.push(gram);
            }
        }
    }
    quoted(&grams, " AND ")
}

/// An FTS5 query that finds any of `grams` (trigrams of the index, quoted as terms).
pub fn fts_query_any(grams: &[String]) -> String {
    quoted(grams, " OR ")
}

/// Each text as an FTS5 string (so no text is FTS5 syntax), joined with `op`.
fn quoted(texts: &[String], op: &str) -> String {
    texts
        .iter()
        .map(|t| format!("\"{}\"", t.replace('"', "\"\"")))
        .collect::<Vec<_>>()
        .join(op)
}

/// A LIKE pattern for a substring, with `%`, `_` and `\` escaped (ESCAPE '\').
pub fn like_pattern(term: &str) -> String {
    let mut out = String::from("%");
    for c in term.chars() {
        if matches!(c, '%' | '_' | '\\') {
            out.push('\\');
        }
        out.push(c);
    }
    out.push('%');
    out
}

impl Store {
    /// Cards whose front, back or tags, or whose story's title, aliases or key points, contain every
    /// term of `query`; best matches first.
    pub fn search(
        &self,
        query: &str,
        deck: Option<&str>,
        limit: usize,
    ) -> anyhow::Result<Vec<SearchHit>> {
        let (long, short) = split_query(query);
        if long.is_empty() && short.is_empty() {
            return Ok(vec![]);
        }
        if long.len() + short.len() > MAX_TERMS {
            bail!(
                "the query has {} different terms; a search takes at most {MAX_TERMS}",
                long.len() + short.len()
            );
        }
        // Every term is quoted for FTS5 and escaped for LIKE, so no query is SQL or FTS5 syntax;
        // should SQLite still refuse one, the user sees what failed, not SQLite's words.
        self.search_terms(&long, &short, deck, limit).map_err(|_| {
            anyhow::anyhow!(
                "the search could not be run for this query; try fewer or simpler terms"
            )
        })
    }

    fn search_terms(
        &self,
        long: &[String],
        short: &[String],
        deck: Option<&str>,
        limit: usize,
    ) -> anyhow::Result<Vec<SearchHit>> {
        // Short terms filter the rows: on the card's own text, or its story's for a recall card.
        let mut like_sql = String::new();
        let mut like_args: Vec<Value> = Vec::new();
        for term in short {
            like_sql.push_str(
                " AND (c.front LIKE ? ESCAPE '\\' OR c.back LIKE ? ESCAPE '\\' OR c.tags LIKE ? ESCAPE '\\'
                  OR (c.kind = 'recall' AND (s.title LIKE ? ESCAPE '\\' OR s.aliases LIKE ? ESCAPE '\\'
                      OR s.points LIKE ? ESCAPE '\\')))",
            );
            let p = like_pattern(term);
            like_args.extend(std::iter::repeat_n(Value::Text(p), 6));
        }
        let deck_arg = Value::from(deck.map(str::to_string));
        let limit_arg = Value::Integer(limit as i64);
        let mut best: HashMap<i64, SearchHit> = HashMap::new();
        let mut keep = |hit: SearchHit| {
            let entry = best.entry(hit.card.id.0).or_insert_with(|| hit.clone());
            if hit.score < entry.score {
                *entry = hit;
            }
        };
        if long.is_empty() {
            // Short terms only. The index finds the cards that may hold them (those with a trigram
            // beginning with each term, migration 0011) and LIKE checks those cards; the recall
            // cards of stories holding a term are checked too, as a story's text is not in the
            // card index. A term the index cannot look up is scanned for as before: a scan that
            // stops at the limit (no ORDER BY).
            let first = like_pattern(&short[0]).replace('\'', "''");
            let score = format!(
                "CASE WHEN c.kind = 'recall' AND s.title LIKE '{first}' ESCAPE '\\' THEN -3.0
                      WHEN c.front LIKE '{first}' ESCAPE '\\' THEN -2.0 ELSE -1.0 END"
            );
            let mut filters = vec![deck_arg.clone()];
            filters.extend(like_args.iter().cloned());
            filters.push(limit_arg.clone());
            let looked_up: Option<Vec<Vec<String>>> = short
                .iter()
                .map(|t| self.trigrams_beginning(t))
                .collect::<anyhow::Result<_>>()?;
            let Some(grams) = looked_up else {
                let sql = format!(
                    "SELECT {CARD_COLUMNS}, {score} {CARD_FROM}
                     WHERE c.retired = 0 AND (?1 IS NULL OR d.name = ?1) {like_sql} LIMIT ?"
                );
                self.hits(&sql, filters)?.into_iter().for_each(&mut keep);
                return Ok(ranked(best, limit));
            };
            if grams.iter().all(|g| !g.is_empty()) {
                let any: Vec<String> = grams
                    .iter()
                    .map(|g| format!("({})", fts_query_any(g)))
                    .collect();
                let mut args = vec![Value::Text(any.join(" AND "))];
                args.extend(filters.iter().cloned());
                let sql = format!(
                    "SELECT {CARD_COLUMNS}, {score}
                     FROM (SELECT rowid AS id FROM card_fts WHERE card_fts MATCH ?1 ORDER BY rowid DESC) f
                     JOIN card c ON c.id = f.id JOIN deck d ON d.id = c.deck_id
                     LEFT JOIN story s ON s.id = c.story_id
                     WHERE c.retired = 0 AND (?2 IS NULL OR d.name = ?2) {like_sql} LIMIT ?"
                );
                self.hits(&sql, args)?.into_iter().for_each(&mut keep);
            }
            // Stories are few (tens to hundreds): their text is scanned.
            let mut args: Vec<Value> = short
                .iter()
                .flat_map(|t| std::iter::repeat_n(Value::Text(like_pattern(t)), 3))
                .collect();
            let deck_param = args.len() + 1;
            args.extend(filters);
            let any_story = vec!["s.title LIKE ? ESCAPE '\\' OR s.aliases LIKE ? ESCAPE '\\' OR s.points LIKE ? ESCAPE '\\'"; short.len()].join(" OR ");
            let sql = format!(
                "SELECT {CARD_COLUMNS}, {score}
                 FROM story s JOIN card c INDEXED BY card_recall ON c.story_id = s.id AND c.kind = 'recall'
                 JOIN deck d ON d.id = c.deck_id
                 WHERE s.retired = 0 AND c.retired = 0 AND ({any_story})
                   AND (?{deck_param} IS NULL OR d.name = ?{deck_param}) {like_sql} LIMIT ?"
            );
            self.hits(&sql, args)?.into_iter().for_each(&mut keep);
        } else {
            let mut args = vec![Value::Text(trigram_query(long)), deck_arg];
            args.extend(like_args.iter().cloned());
            args.push(limit_arg);
            // A story's title, alias or key point is the best hit; then the cards by where the
            // terms are: each term found in the front counts 4, in the tags 2, in the back 1.
            //
            // Cards are ranked without bm25: bm25 weighs each term by how many rows hold it, which
            // FTS5 counts by reading every match (100,000 of a common term at 1,000,000 cards)
            // whatever the LIMIT. The index gives the newest RANKED_PER_HIT × limit matches, and
            // only those are read, filtered (retired, deck, short terms) and placed. When that
            // leaves fewer than the limit (few matches, or a small deck), every match is.
            let ranked = limit.saturating_mul(RANKED_PER_HIT);
            let newest = format!(
                "SELECT rowid AS id FROM card_fts WHERE card_fts MATCH ?1 ORDER BY rowid DESC LIMIT {ranked}"
            );
            let every = "SELECT rowid AS id FROM card_fts WHERE card_fts MATCH ?1".to_string();
            let mut placed: Vec<String> = Vec::new();
            let mut contains = String::new();
            for t in long {
                let t = t.to_lowercase().replace('\'', "''");
                let (front, tags, back) = (
                    format!("instr(lower(c.front), '{t}') > 0"),
                    format!("instr(lower(c.tags), '{t}') > 0"),
                    format!("instr(lower(c.back), '{t}') > 0"),
                );
                contains.push_str(&format!(" AND ({front} OR {tags} OR {back})"));
                placed.push(format!("4 * ({front}) + 2 * ({tags}) + ({back})"));
            }
            let score = format!("-1.0 * ({})", placed.join(" + "));
            let cards_sql = |ids: &str| {
                format!(
                    "SELECT {CARD_COLUMNS}, {score} AS score
                     FROM ({ids}) f
                     JOIN card c ON c.id = f.id JOIN deck d ON d.id = c.deck_id
                     LEFT JOIN story s ON s.id = c.story_id
                     WHERE c.retired = 0 AND (?2 IS NULL OR d.name = ?2) {contains} {like_sql}
                     ORDER BY score, c.id LIMIT ?"
                )
            };
            let mut query = |sql: &str, args: &[Value]| -> anyhow::Result<usize> {
                let mut stmt = self.conn.prepare(sql)?;
                let rows = stmt.query_map(params_from_iter(args.iter()), |r| {
                    Ok(SearchHit {
                        card: card_from_row(r)?,
                        score: r.get(CARD_COLUMN_COUNT)?,
                    })
                })?;
                let mut found = 0;
                for hit in rows {
                    keep(hit?);
                    found += 1;
                }
                Ok(found)
            };
            if query(&cards_sql(&newest), &args)? < limit {
                query(&cards_sql(&every), &args)?;
            }
            // A story's recall card through `card_recall`: `card_story` holds every card of the
            // story (thousands in a large collection), each read to find the one recall card.
            // Stories by bm25 (the catalog is hundreds of rows, not a million), ahead of every
            // card (a card scores -7 a term at most).
            let stories_sql = format!(
                "SELECT {CARD_COLUMNS}, f.score
                 FROM (SELECT rowid AS id, bm25(story_fts, 8.0, 6.0, 2.0) - 1000.0 AS score
                       FROM story_fts WHERE story_fts MATCH ?1) f
                 JOIN story s ON s.id = f.id
                 JOIN card c INDEXED BY card_recall ON c.story_id = s.id AND c.kind = 'recall'
                 JOIN deck d ON d.id = c.deck_id
                 WHERE s.retired = 0 AND c.retired = 0 AND (?2 IS NULL OR d.name = ?2)
                 {like_sql}
                 ORDER BY f.score LIMIT ?"
            );
            // The story index keeps positions: the terms are phrases there.
            args[0] = Value::Text(fts_query(long));
            query(&stories_sql, &args)?;
        }
        Ok(ranked(best, limit))
    }

    /// The cards of a query selecting `CARD_COLUMNS` and then a score.
    fn hits(&self, sql: &str, args: Vec<Value>) -> anyhow::Result<Vec<SearchHit>> {
        let mut stmt = self.conn.prepare(sql)?;
        let rows = stmt.query_map(params_from_iter(args), |r| {
            Ok(SearchHit {
                card: card_from_row(r)?,
                score: r.get(CARD_COLUMN_COUNT)?,
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// The card index's trigrams that begin with `term` (one or two characters), read from the
    /// sorted terms (fts5vocab); `None` when the index cannot answer for it: a cased letter
    /// beyond ASCII (SQLite and Rust may fold it apart), or more than `MAX_TRIGRAMS` trigrams
    /// (a common term, which a scan finds soon enough).
    fn trigrams_beginning(&self, term: &str) -> anyhow::Result<Option<Vec<String>>> {
        if term
            .chars()
            .any(|c| !c.is_ascii() && c.to_lowercase().ne([c]))
        {
            return Ok(None);
        }
        let prefix = term.to_ascii_lowercase();
        self.conn.execute_batch(
            "CREATE VIRTUAL TABLE IF NOT EXISTS temp.card_vocab USING fts5vocab(main, card_fts, row)",
        )?;
        let mut stmt = self.conn.prepare_cached(
            "SELECT term FROM temp.card_vocab WHERE term >= ?1 AND term < ?1 || char(1114111) LIMIT ?2",
        )?;
        let grams: Vec<String> = stmt
            .query_map(rusqlite::params![prefix, MAX_TRIGRAMS as i64 + 1], |r| {
                r.get(0)
            })?
            .collect::<Result<_, _>>()?;
        Ok((grams.len() <= MAX_TRIGRAMS).then_some(grams))
    }
}

/// The best `limit` of the hits, best first.
fn ranked(best: HashMap<i64, SearchHit>, limit: usize) -> Vec<SearchHit> {
    let mut hits: Vec<SearchHit> = best.into_values().collect();
    hits.sort_by(|a, b| a.score.total_cmp(&b.score).then(a.card.id.cmp(&b.card.id)));
    hits.truncate(limit);
    hits
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn queries_split_by_length_and_quote_safely() {
        let (long, short) = split_query("redis 排行榜 限流 a\"b\"");
        assert_eq!(long, vec!["redis", "排行榜", "a\"b\""]);
        assert_eq!(short, vec!["限流"]);
        assert_eq!(
            fts_query(&long),
            "\"redis\" AND \"排行榜\" AND \"a\"\"b\"\"\""
        );
        assert_eq!(like_pattern("5%_\\"), "%5\\%\\_\\\\%");
        assert_eq!(
            trigram_query(&["消息队列".into(), "a\"bc".into(), "消息队".into()]),
            "\"消息队\" AND \"息队列\" AND \"a\"\"b\" AND \"\"\"bc\""
        );
    }
}
