//! The few queries behind `storydrill stats`: daily aggregates kept by triggers (see the
//! `daily_stats` migration) and grouped card counts read from a narrow index, never the whole log.

use rusqlite::{params_from_iter, types::Value, Row};

use super::Store;
use crate::stats::{
    CardGroup, CardLine, ConfusionRow, DayCounts, DayRow, DueRow, StatsInput, StoryRow,
    FORECAST_DAYS, LEECHES_LISTED, LEECH_LAPSES, LOWEST_EASINESS,
};
use crate::types::StudyDay;

/// `AND <column> = ?N` when a deck is asked for, with the deck id as the last parameter.
struct DeckFilter {
    id: Option<i64>,
}

impl DeckFilter {
    fn clause(&self, column: &str, param: usize) -> String {
        match self.id {
            Some(_) => format!(" AND {column} = ?{param}"),
            None => String::new(),
        }
    }

    fn params(&self, mut values: Vec<Value>) -> Vec<Value> {
        if let Some(id) = self.id {
            values.push(Value::Integer(id));
        }
        values
    }
}

fn day_value(day: StudyDay) -> Value {
    Value::Text(day.to_string())
}

fn card_line(row: &Row<'_>) -> rusqlite::Result<CardLine> {
    Ok(CardLine {
        id: row.get(0)?,
        key: row.get(1)?,
        kind: row.get(2)?,
        front: row.get(3)?,
        title: row.get(4)?,
        easiness: row.get(5)?,
        lapses: row.get(6)?,
    })
}

impl Store {
    /// The rows `stats::compute` works on, for study day `today`, optionally one deck, with
    /// per-story figures and confusions over the last `window_days` days.
    pub fn stats_input(
        &self,
        today: StudyDay,
        deck: Option<&str>,
        window_days: u32,
    ) -> anyhow::Result<StatsInput> {
        let deck = DeckFilter {
            id: match deck {
                Some(name) => Some(self.conn.query_row(
                    "SELECT id FROM deck WHERE name = ?1",
                    [name],
                    |r| r.get(0),
                )?),
                None => None,
            },
        };
        let window_start = today.minus_days(window_days.max(1) - 1);
        let forecast_end = today.plus_days(FORECAST_DAYS - 1);

        let days = self.query(
            &format!(
                "SELECT day, sum(reviews), sum(right), sum(ms), sum(new_cards), sum(young), sum(young_right),
                        sum(mature), sum(mature_right)
                 FROM stats_day WHERE day <= ?1{} GROUP BY day",
                deck.clause("deck_id", 2)
            ),
            deck.params(vec![day_value(today)]),
            |r| {
                Ok(DayRow {
                    day: r.get(0)?,
                    counts: DayCounts {
                        reviews: r.get(1)?,
                        right: r.get(2)?,
                        ms: r.get(3)?,
                        new_cards: r.get(4)?,
                        young: r.get(5)?,
                        young_right: r.get(6)?,
                        mature: r.get(7)?,
                        mature_right: r.get(8)?,
                    },
                })
            },
        )?;

        // Reads only the card_stats index: every column is in it.
        let cards = self.query(
            &format!(
                "SELECT retired, suspended, min(reviews, 1), min(repetitions, 2), min(interval_days, 21),
                        easiness, count(*)
                 FROM card WHERE 1{} GROUP BY 1, 2, 3, 4, 5, 6",
                deck.clause("deck_id", 1)
            ),
            deck.params(vec![]),
            |r| {
                Ok(CardGroup {
                    retired: r.get(0)?,
                    suspended: r.get(1)?,
                    reviews: r.get(2)?,
                    repetitions: r.get(3)?,
                    interval_days: r.get(4)?,
                    easiness: r.get(5)?,
                    cards: r.get(6)?,
                })
            },
        )?;

        let due = self.query(
            &format!(
                "SELECT due, count(*) FROM card
                 WHERE due IS NOT NULL AND due <= ?1 AND retired = 0 AND suspended = 0{}
                 GROUP BY due",
                deck.clause("deck_id", 2)
            ),
            deck.params(vec![day_value(forecast_end)]),
            |r| {
                Ok(DueRow {
                    day: r.get(0)?,
                    cards: r.get(1)?,
                })
            },
        )?;

        let new_available: u32 = self.conn.query_row(
            &format!(
                "SELECT count(*) FROM card WHERE reviews = 0 AND retired = 0 AND suspended = 0{}",
                deck.clause("deck_id", 1)
            ),
            params_from_iter(deck.params(vec![])),
            |r| r.get(0),
        )?;

        let stories = self.query(
            &format!(
                "SELECT s.key, s.number, s.title, d.name,
                        coalesce(w.match_answers, 0), coalesce(w.match_right, 0),
                        coalesce(w.recall_reviews, 0), coalesce(w.recall_grades, 0),
                        coalesce(c.reviewed, 0), coalesce(c.easiness_sum, 0), c.next_due
                 FROM story s
                 JOIN deck d ON d.id = s.deck_id
                 LEFT JOIN (SELECT story_id, sum(match_answers) AS match_answers, sum(match_right) AS match_right,
                                   sum(recall_reviews) AS recall_reviews, sum(recall_grades) AS recall_grades
                            FROM stats_story WHERE day >= ?1 AND day <= ?2 GROUP BY story_id) w
                        ON w.story_id = s.id
                 LEFT JOIN (SELECT story_id,
                                   count(*) FILTER (WHERE reviews > 0) AS reviewed,
                                   sum(easiness) FILTER (WHERE reviews > 0) AS easiness_sum,
                                   min(due) FILTER (WHERE suspended = 0) AS next_due
                            FROM card WHERE story_id IS NOT NULL AND retired = 0 GROUP BY story_id) c
                        ON c.story_id = s.id
                 WHERE s.retired = 0{}
                 ORDER BY s.number",
                deck.clause("s.deck_id", 3)
            ),
            deck.params(vec![day_value(window_start), day_value(today)]),
            |r| {
                Ok(StoryRow {
                    key: r.get(0)?,
                    number: r.get(1)?,
                    title: r.get(2)?,
                    deck: r.get(3)?,
                    match_answers: r.get(4)?,
                    match_right: r.get(5)?,
                    recall_reviews: r.get(6)?,
                    recall_grades: r.get(7)?,
                    reviewed_cards: r.get(8)?,
                    easiness_sum: r.get::<_, i64>(9)?.max(0) as u64,
                    next_due: r.get(10)?,
                })
            },
        )?;

        let confusions = self.query(
            &format!(
                "SELECT a.key, a.number, a.title, x.answered, b.number, b.title, sum(x.times)
                 FROM stats_confusion x
                 JOIN story a ON a.id = x.asked
                 LEFT JOIN story b ON b.key = x.answered
                 WHERE x.day >= ?1 AND x.day <= ?2 AND a.retired = 0{}
                 GROUP BY x.asked, x.answered
                 HAVING sum(x.times) > 0",
                deck.clause("a.deck_id", 3)
            ),
            deck.params(vec![day_value(window_start), day_value(today)]),
            |r| {
                Ok(ConfusionRow {
                    asked: r.get(0)?,
                    asked_number: r.get(1)?,
                    asked_title: r.get(2)?,
                    answered: r.get(3)?,
                    answered_number: r.get(4)?,
                    answered_title: r.get(5)?,
                    times: r.get(6)?,
                })
            },
        )?;

        let line_columns = "c.id, c.key, c.kind, c.front, s.title, c.easiness, c.lapses \
                            FROM card c LEFT JOIN story s ON s.id = c.story_id";
        let leech_total: u32 = self.conn.query_row(
            &format!(
                "SELECT count(*) FROM card WHERE lapses >= {LEECH_LAPSES} AND retired = 0{}",
                deck.clause("deck_id", 1)
            ),
            params_from_iter(deck.params(vec![])),
            |r| r.get(0),
        )?;
        let leeches = self.query(
            &format!(
                "SELECT {line_columns} WHERE c.lapses >= {LEECH_LAPSES} AND c.retired = 0{}
                 ORDER BY c.lapses DESC, c.easiness, c.id LIMIT {LEECHES_LISTED}",
                deck.clause("c.deck_id", 1)
            ),
            deck.params(vec![]),
            card_line,
        )?;
        let lowest = self.query(
            &format!(
                "SELECT {line_columns} WHERE c.reviews > 0 AND c.retired = 0{}
                 ORDER BY c.easiness, c.lapses DESC, c.id LIMIT {LOWEST_EASINESS}",
                deck.clause("c.deck_id", 1)
            ),
            deck.params(vec![]),
            card_line,
        )?;

        Ok(StatsInput {
            days,
            cards,
            due,
            new_available,
            stories,
            confusions,
            leeches,
            leech_total,
            lowest,
        })
    }

    fn query<T>(
        &self,
        sql: &str,
        params: Vec<Value>,
        map: impl FnMut(&Row<'_>) -> rusqlite::Result<T>,
    ) -> anyhow::Result<Vec<T>> {
        let mut stmt = self.conn.prepare(sql)?;
        let rows = stmt.query_map(params_from_iter(params), map)?;
        Ok(rows.collect::<Result<_, _>>()?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sm2::{self, CardState};
    use crate::store::NewReview;
    use crate::types::Quality;
    use chrono::Utc;

    /// The aggregates recounted from the whole log, the way the migration backfills them.
    fn recount(store: &mut Store) -> Vec<String> {
        let conn = store.connection();
        let mut out = Vec::new();
        for sql in [
            "SELECT r.day, c.deck_id, count(*), sum(r.quality >= 3), sum(r.ms),
                    sum(r.kind = 'scheduled' AND r.before_reviews = 0),
                    sum(r.kind = 'scheduled' AND r.before_repetitions >= 1 AND r.before_interval < 21),
                    sum(r.kind = 'scheduled' AND r.before_repetitions >= 1 AND r.before_interval < 21 AND r.quality >= 3),
                    sum(r.kind = 'scheduled' AND r.before_repetitions >= 1 AND r.before_interval >= 21),
                    sum(r.kind = 'scheduled' AND r.before_repetitions >= 1 AND r.before_interval >= 21 AND r.quality >= 3)
             FROM review r JOIN card c ON c.id = r.card_id GROUP BY 1, 2 ORDER BY 1, 2",
            "SELECT r.day, c.story_id, sum(c.kind = 'match' AND r.correct IS NOT NULL),
                    sum(c.kind = 'match' AND r.correct = 1), sum(c.kind = 'recall'),
                    sum(CASE WHEN c.kind = 'recall' THEN r.quality ELSE 0 END)
             FROM review r JOIN card c ON c.id = r.card_id
             WHERE c.story_id IS NOT NULL AND r.kind != 'redrill'
               AND (c.kind = 'recall' OR (c.kind = 'match' AND r.correct IS NOT NULL))
             GROUP BY 1, 2 ORDER BY 1, 2",
            "SELECT r.day, c.story_id, r.answered_story, count(*)
             FROM review r JOIN card c ON c.id = r.card_id
             WHERE c.kind = 'match' AND c.story_id IS NOT NULL AND r.kind != 'redrill'
               AND r.correct = 0 AND r.answered_story IS NOT NULL
             GROUP BY 1, 2, 3 ORDER BY 1, 2, 3",
        ] {
            out.push(dump(conn, sql));
        }
        out
    }

    fn aggregates(store: &mut Store) -> Vec<String> {
        let conn = store.connection();
        [
            "SELECT * FROM stats_day ORDER BY 1, 2",
            "SELECT * FROM stats_story ORDER BY 1, 2",
            "SELECT * FROM stats_confusion ORDER BY 1, 2, 3",
        ]
        .iter()
        .map(|sql| dump(conn, sql))
        .collect()
    }

    fn dump(conn: &rusqlite::Connection, sql: &str) -> String {
        let mut stmt = conn.prepare(sql).unwrap();
        let n = stmt.column_count();
        let rows = stmt
            .query_map([], |r| {
                Ok((0..n)
                    .map(|i| format!("{:?}", r.get::<_, Value>(i).unwrap()))
                    .collect::<Vec<_>>()
                    .join("|"))
            })
            .unwrap();
        rows.map(|r| r.unwrap()).collect::<Vec<_>>().join("\n")
    }

    fn answer(store: &mut Store, key: &str, q: u8, day: StudyDay, answered: Option<&str>) -> i64 {
        let card = store.card(key).unwrap();
        let q = Quality::new(q).unwrap();
        let (kind, after) = sm2::review(&card.state, q, day, false);
        let correct = answered.map(|a| card.answers.iter().any(|k| k == a));
        store
            .record_review(&NewReview {
                card_id: card.id,
                at: Utc::now(),
                day,
                quality: q,
                kind,
                answer: String::new(),
                answered_story: answered.map(str::to_string),
                correct,
                ms: 1500,
                before: card.state,
                after,
            })
            .unwrap()
    }

    #[test]
    fn triggers_keep_the_aggregates_equal_to_a_recount_through_answers_and_undos() {
        let dir = tempfile::tempdir().unwrap();
        let mut store = Store::open(&dir.path().join("t.db")).unwrap();
        let d0 = StudyDay::from_ymd(2027, 1, 1).unwrap();
        let mut undo = Vec::new();
        for i in 0..12u32 {
            let day = d0.plus_days(i / 3);
            answer(&mut store, "sharding", [5, 2, 4][i as usize % 3], day, None);
            undo.push(answer(&mut store, "sharding.q2", 1, day, Some("db-proxy")));
            answer(&mut store, "sharding.q2", 5, day, Some("sharding"));
            answer(
                &mut store,
                "nginx-lb.q1",
                [4, 1][i as usize % 2],
                day,
                Some("weird-bug"),
            );
        }
        assert_eq!(aggregates(&mut store), recount(&mut store));
        for id in undo.iter().step_by(2) {
            store.undo_review(*id).unwrap();
        }
        assert_eq!(aggregates(&mut store), recount(&mut store));
        assert_ne!(aggregates(&mut store)[2], "", "confusions are kept");
        // Undoing everything leaves no empty rows behind.
        let all: Vec<i64> = store
            .connection()
            .prepare("SELECT id FROM review ORDER BY id DESC")
            .unwrap()
            .query_map([], |r| r.get(0))
            .unwrap()
            .map(|r| r.unwrap())
            .collect();
        for id in all {
            store.undo_review(id).unwrap();
        }
        assert_eq!(aggregates(&mut store), vec!["", "", ""]);
        assert_eq!(
            store.card("sharding").unwrap().state,
            CardState::NEW,
            "undo restored the card"
        );
    }

    #[test]
    fn the_migration_backfills_reviews_logged_before_it() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("t.db");
        let mut store = Store::open(&path).unwrap();
        let d0 = StudyDay::from_ymd(2027, 1, 1).unwrap();
        for i in 0..6u32 {
            let day = d0.plus_days(i);
            answer(&mut store, "sharding", [5, 1][i as usize % 2], day, None);
            answer(&mut store, "sharding.q2", 2, day, Some("db-proxy"));
        }
        let expected = recount(&mut store);
        // Back to a database from before the migration, reviews kept.
        let version = crate::store::MIGRATIONS
            .iter()
            .find(|m| m.1.contains("daily_stats"))
            .unwrap()
            .0;
        store
            .connection()
            .execute_batch(&format!(
                "DROP TRIGGER stats_review_insert; DROP TRIGGER stats_review_delete;
                 DROP TABLE stats_day; DROP TABLE stats_story; DROP TABLE stats_confusion;
                 DROP INDEX card_stats; DROP INDEX card_easiness; DROP INDEX card_leech;
                 PRAGMA user_version = {};",
                version - 1
            ))
            .unwrap();
        drop(store);
        let mut store = Store::open(&path).unwrap();
        assert_eq!(aggregates(&mut store), expected);
    }

    #[test]
    fn the_stats_queries_read_indexes_not_the_card_texts() {
        let dir = tempfile::tempdir().unwrap();
        let mut store = Store::open(&dir.path().join("t.db")).unwrap();
        let conn = store.connection();
        let plan = |sql: &str| -> String {
            let mut stmt = conn.prepare(&format!("EXPLAIN QUERY PLAN {sql}")).unwrap();
            let rows = stmt.query_map([], |r| r.get::<_, String>(3)).unwrap();
            rows.map(|r| r.unwrap()).collect::<Vec<_>>().join("; ")
        };
        let groups = plan(
            "SELECT retired, suspended, min(reviews, 1), min(repetitions, 2), min(interval_days, 21),
                    easiness, count(*) FROM card WHERE 1 GROUP BY 1, 2, 3, 4, 5, 6",
        );
        assert!(groups.contains("COVERING INDEX"), "{groups}");
        let lowest = plan(
            "SELECT c.id FROM card c LEFT JOIN story s ON s.id = c.story_id
             WHERE c.reviews > 0 AND c.retired = 0 ORDER BY c.easiness, c.lapses DESC, c.id LIMIT 10",
        );
        assert!(
            lowest.contains("card_easiness") && !lowest.contains("TEMP B-TREE"),
            "{lowest}"
        );
        let leeches = plan(
            "SELECT c.id FROM card c LEFT JOIN story s ON s.id = c.story_id
             WHERE c.lapses >= 8 AND c.retired = 0 ORDER BY c.lapses DESC, c.easiness, c.id LIMIT 20",
        );
        assert!(
            leeches.contains("card_leech") && !leeches.contains("TEMP B-TREE"),
            "{leeches}"
        );
    }
}
