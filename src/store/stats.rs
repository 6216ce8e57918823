//! The few queries behind `storydrill stats`: aggregates kept up to date by triggers (see the
//! `daily_stats` migration) and a few indexed lookups; never the whole review log or card table.

use rusqlite::{params_from_iter, types::Value, Row};

use super::readiness::{window_sum, STORY_WINDOW_JOINS};
use super::Store;
use crate::core::stats::{
    CardGroup, CardLine, ConfusionRow, DayCounts, DayRow, DueRow, StatsInput, StoryRow,
    CONFUSIONS_LISTED, FORECAST_DAYS, LEECHES_LISTED, LEECH_LAPSES, LOWEST_EASINESS,
};
use crate::core::types::{Easiness, StudyDay};

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

/// Typed tellings the grader's agreement is counted over: the latest.
pub const JUDGEMENTS_COUNTED: usize = 500;

impl Store {
    /// Stories picked in place of others from `from` to `to`: (asked, answered, times), most first.
    pub fn confusions(
        &self,
        from: StudyDay,
        to: StudyDay,
    ) -> anyhow::Result<Vec<(String, String, u32)>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT s.key, c.answered, sum(c.times) FROM stats_confusion c JOIN story s ON s.id = c.asked
             WHERE c.day >= ?1 AND c.day <= ?2 GROUP BY c.asked, c.answered
             ORDER BY 3 DESC, 1, 2",
        )?;
        let rows = stmt.query_map(rusqlite::params![from, to], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?))
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

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

        // Deck 0 holds every deck's answers.
        let days = self.query(
            "SELECT day, reviews, right, ms, new_cards, young, young_right, mature, mature_right
             FROM stats_day WHERE deck_id = ?1 AND day <= ?2 ORDER BY day",
            vec![Value::Integer(deck.id.unwrap_or(0)), day_value(today)],
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

        // Deck 0 holds every deck's counts (migration 0015).
        let cards = self.query(
            "SELECT retired, suspended, reviewed, repetitions, interval_days, easiness, cards
             FROM stats_card WHERE deck_id = ?1 AND cards > 0",
            vec![Value::Integer(deck.id.unwrap_or(0))],
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
                // From the aggregate (a row per deck and due day), not a count of the cards.
                "SELECT due, sum(cards) FROM stats_due WHERE due <= ?1{} GROUP BY due",
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

        // Per story: its cards' state from `story_state` (a row each), its window's answers from
        // two rows of its running totals in `stats_story`.
        let stories = self.query(
            &format!(
                "SELECT s.key, s.number, s.title, d.name,
                        {}, {}, {}, {},
                        CASE WHEN st.recall_reviews > 0 THEN st.recall_easiness END,
                        CASE WHEN st.recall_suspended = 0 THEN st.recall_due END,
                        st.recall_last_quality,
                        st.recall_last_review,
                        st.has_questions,
                        st.followups
                 FROM story s
                 JOIN deck d ON d.id = s.deck_id
                 JOIN story_state st ON st.story_id = s.id
                 {STORY_WINDOW_JOINS}
                 WHERE s.retired = 0{}
                 ORDER BY s.number",
                window_sum("match_answers"),
                window_sum("match_right"),
                window_sum("recall_reviews"),
                window_sum("recall_grades"),
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
                    easiness: r.get(8)?,
                    due: r.get(9)?,
                    last_grade: r.get(10)?,
                    last_review: r.get(11)?,
                    has_questions: r.get(12)?,
                    followups: super::readiness::followup_grades(r, 13)?,
                })
            },
        )?;

        // Every pair at least as frequent as the 10th most frequent one: all `compute` can list.
        let confusions = self.query(
            &format!(
                "WITH pairs AS MATERIALIZED (
                     SELECT asked, answered, sum(times) AS times FROM stats_confusion
                     WHERE day >= ?1 AND day <= ?2
                       AND asked IN (SELECT id FROM story WHERE retired = 0{})
                     GROUP BY asked, answered HAVING sum(times) > 0)
                 SELECT a.key, a.number, a.title, x.answered, b.number, b.title, x.times
                 FROM pairs x
                 JOIN story a ON a.id = x.asked
                 LEFT JOIN story b ON b.key = x.answered
                 WHERE x.times >= coalesce(
                     (SELECT times FROM pairs ORDER BY times DESC LIMIT 1 OFFSET {}), 0)",
                deck.clause("deck_id", 3),
                CONFUSIONS_LISTED - 1
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
                "SELECT {line_columns} WHERE c.easiness < {} AND c.retired = 0{}
                 ORDER BY c.easiness, c.lapses DESC, c.id LIMIT {LOWEST_EASINESS}",
                Easiness::INITIAL.hundredths(),
                deck.clause("c.deck_id", 1)
            ),
            deck.params(vec![]),
            card_line,
        )?;

        let tellings = self.told_stories(window_start, stories.iter().map(|s| s.key.as_str()))?;
        // The latest typed tellings the judge ticked, with the user's ticks: a bounded read.
        let judgements = self
            .query(
                "SELECT j.judged, j.kept FROM review_judgement j
             JOIN review r ON r.id = j.review_id JOIN card c ON c.id = r.card_id
             WHERE j.judged IS NOT NULL AND (?1 IS NULL OR c.deck_id = ?1)
             ORDER BY j.review_id DESC LIMIT ?2",
                vec![
                    deck.id.map_or(Value::Null, Value::Integer),
                    Value::Integer(JUDGEMENTS_COUNTED as i64),
                ],
                |r| {
                    let judged: String = r.get(0)?;
                    let kept: String = r.get(1)?;
                    Ok((judged, kept))
                },
            )?
            .into_iter()
            .filter_map(|(j, k)| {
                Some((
                    serde_json::from_str(&j).ok()?,
                    serde_json::from_str(&k).ok()?,
                ))
            })
            .collect();
        let mocks = self
            .mocks(Some(crate::core::mock::TREND_LISTED * 4))?
            .into_iter()
            .filter_map(|m| {
                Some(crate::core::mock::MockScore {
                    id: m.id,
                    day: m.day,
                    score: m.score?,
                })
            })
            .collect();
        Ok(StatsInput {
            mocks,
            tellings,
            judgements,
            days,
            cards,
            due,
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
    use crate::core::sm2::{self, CardState};
    use crate::core::types::Quality;
    use crate::store::NewReview;
    use chrono::Utc;

    /// The aggregates recounted from the whole log, the way the migration backfills them.
    fn recount(store: &mut Store) -> Vec<String> {
        let conn = store.connection();
        let mut out = Vec::new();
        for sql in [
            "SELECT k.deck_id, r.day, count(*), sum(r.quality >= 3), sum(r.ms),
                    sum(r.kind = 'scheduled' AND r.before_reviews = 0),
                    sum(r.kind = 'scheduled' AND r.before_repetitions >= 1 AND r.before_interval < 21),
                    sum(r.kind = 'scheduled' AND r.before_repetitions >= 1 AND r.before_interval < 21 AND r.quality >= 3),
                    sum(r.kind = 'scheduled' AND r.before_repetitions >= 1 AND r.before_interval >= 21),
                    sum(r.kind = 'scheduled' AND r.before_repetitions >= 1 AND r.before_interval >= 21 AND r.quality >= 3)
             FROM review r JOIN (SELECT id, deck_id FROM card UNION ALL SELECT id, 0 FROM card) k ON k.id = r.card_id
             GROUP BY 1, 2 ORDER BY 1, 2",
            // Running totals per story (migration 0017).
            "SELECT story_id, day, sum(a) OVER t, sum(b) OVER t, sum(c) OVER t, sum(d) OVER t
             FROM (SELECT c.story_id, r.day, sum(c.kind = 'match' AND r.correct IS NOT NULL) AS a,
                          sum(c.kind = 'match' AND r.correct = 1) AS b, sum(c.kind = 'recall') AS c,
                          sum(CASE WHEN c.kind = 'recall' THEN r.quality ELSE 0 END) AS d
                   FROM review r JOIN card c ON c.id = r.card_id
                   WHERE c.story_id IS NOT NULL AND r.kind != 'redrill'
                     AND (c.kind = 'recall' OR (c.kind = 'match' AND r.correct IS NOT NULL))
                   GROUP BY 1, 2)
             WINDOW t AS (PARTITION BY story_id ORDER BY day) ORDER BY 1, 2",
            "SELECT r.day, c.story_id, r.answered_story, count(*)
             FROM review r JOIN card c ON c.id = r.card_id
             WHERE c.kind = 'match' AND c.story_id IS NOT NULL AND r.kind != 'redrill'
               AND r.correct = 0 AND r.answered_story IS NOT NULL
             GROUP BY 1, 2, 3 ORDER BY 1, 2, 3",
            "SELECT k.deck_id, retired != 0, suspended != 0, reviews > 0,
                    CASE WHEN repetitions >= 2 THEN 2 ELSE 0 END,
                    CASE WHEN interval_days >= 21 THEN 21 ELSE 0 END,
                    easiness_bucket, count(*)
             FROM card c JOIN (SELECT id, deck_id FROM card UNION ALL SELECT id, 0 FROM card) k
                  ON k.id = c.id
             GROUP BY 1, 2, 3, 4, 5, 6, 7 ORDER BY 1, 2, 3, 4, 5, 6, 7",
            "SELECT due, deck_id, count(*) FROM card
             WHERE due IS NOT NULL AND retired = 0 AND suspended = 0 GROUP BY 1, 2 ORDER BY 1, 2",
            "SELECT * FROM story_state_now ORDER BY 1",
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
            "SELECT * FROM stats_card WHERE cards > 0 ORDER BY 1, 2, 3, 4, 5, 6, 7",
            "SELECT * FROM stats_due WHERE cards > 0 ORDER BY 1, 2",
            "SELECT * FROM story_state ORDER BY 1",
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

    fn delete_review(store: &mut Store, id: i64) {
        store
            .connection()
            .execute("DELETE FROM review WHERE id = ?1", [id])
            .unwrap();
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
        // A follow-up graded, and a recall card and a follow-up suspended and back: each moves
        // its story's state (`story_state`).
        let state = |store: &mut Store| -> String {
            dump(
                store.connection(),
                "SELECT st.followups, st.recall_last_quality FROM story_state st
                 JOIN story s ON s.id = st.story_id WHERE s.key = 'perf-tuning'",
            )
        };
        answer(&mut store, "perf-tuning.f1", 2, d0, None);
        assert_eq!(aggregates(&mut store), recount(&mut store));
        // Answers dated before days already answered (a clock set back): the running totals of
        // the later days take them in, and a day before the first starts the story's totals.
        // (New cards, so the answers are scheduled reviews, not re-drills: those do not count.)
        answer(
            &mut store,
            "nginx-lb.q2",
            4,
            d0.plus_days(1),
            Some("nginx-lb"),
        );
        undo.push(answer(
            &mut store,
            "nginx-lb.q3",
            2,
            d0.minus_days(1),
            Some("weird-bug"),
        ));
        assert_eq!(aggregates(&mut store), recount(&mut store));
        assert!(state(&mut store).contains(",2]"), "{}", state(&mut store));
        for (key, on) in [
            ("perf-tuning.f1", 1),
            ("sharding.recall", 1),
            ("sharding.recall", 0),
        ] {
            let changed = store
                .connection()
                .execute(
                    "UPDATE card SET suspended = ?2 WHERE key = ?1",
                    rusqlite::params![key, on],
                )
                .unwrap();
            assert_eq!(changed, 1);
            assert_eq!(aggregates(&mut store), recount(&mut store), "{key} {on}");
        }
        assert!(
            !state(&mut store).contains('2'),
            "the suspended follow-up is left out: {}",
            state(&mut store)
        );
        assert_eq!(aggregates(&mut store), recount(&mut store));
        // Rows taken out of the middle of the log (undo itself only takes back a card's latest
        // answer): the DELETE trigger is what is under test.
        for id in undo.iter().step_by(2) {
            delete_review(&mut store, *id);
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
            // sharding.q2 lost rows from the middle of its log above, so undo refuses its older
            // answers (the card no longer matches them): those rows go by hand.
            if store.undo_review(id).is_err() {
                delete_review(&mut store, id);
            }
        }
        assert_eq!(aggregates(&mut store)[..3], ["", "", ""]);
        assert_eq!(
            store.card("sharding").unwrap().state,
            CardState::NEW,
            "undo restored the card"
        );
    }

    #[test]
    fn the_aggregate_rounds_easiness_into_the_buckets_stats_shows() {
        let dir = tempfile::tempdir().unwrap();
        let mut store = Store::open(&dir.path().join("t.db")).unwrap();
        let conn = store.connection();
        for h in 100..=450u16 {
            let bucket: u16 = conn
                .query_row(
                    "UPDATE card SET easiness = ?1 WHERE id = (SELECT min(id) FROM card)
                     RETURNING easiness_bucket",
                    [h],
                    |r| r.get(0),
                )
                .unwrap();
            let core = crate::core::stats::easiness_bucket;
            assert_eq!(
                core(Easiness::from_hundredths(bucket)),
                core(Easiness::from_hundredths(h)),
                "easiness {h} kept as {bucket}"
            );
        }
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
                "DROP TRIGGER story_state_story_insert; DROP TRIGGER story_state_story_delete;
                 DROP TRIGGER story_state_card_insert; DROP TRIGGER story_state_card_delete;
                 DROP TRIGGER story_state_card_update; DROP TABLE story_state; DROP VIEW story_state_now;
                 DROP VIEW stats_card_change;
                 DROP TRIGGER stats_review_insert; DROP TRIGGER stats_review_delete;
                 DROP TRIGGER stats_story_review_insert; DROP TRIGGER stats_story_review_delete;
                 DROP TRIGGER stats_card_insert; DROP TRIGGER stats_card_update; DROP TRIGGER stats_card_delete;
                 DROP TABLE stats_day; DROP TABLE stats_story; DROP TABLE stats_confusion; DROP TABLE stats_card; DROP TRIGGER stats_due_insert; DROP TRIGGER stats_due_update; DROP TRIGGER stats_due_delete; DROP TABLE stats_due;
                 ALTER TABLE card DROP COLUMN easiness_bucket;
                 DROP INDEX card_recall; DROP INDEX card_easiness; DROP INDEX card_leech;
                 DROP TRIGGER last_quality_insert; DROP TRIGGER last_quality_delete;
                 DROP INDEX card_followups; DROP TRIGGER card_revision;
                 ALTER TABLE card DROP COLUMN points; ALTER TABLE card DROP COLUMN why;
                 ALTER TABLE card DROP COLUMN source; ALTER TABLE story DROP COLUMN short; ALTER TABLE story DROP COLUMN points_source;
                 ALTER TABLE card DROP COLUMN last_quality;
                 DROP TRIGGER review_judgement_review_delete; DROP TABLE review_judgement;
                 ALTER TABLE deck DROP COLUMN synonyms; DROP VIEW card_fts_text; DROP TABLE mock_step; DROP TABLE mock_interview;
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
        // The window's answers are two seeks a story in its running totals (migration 0017),
        // never a range of its days.
        let stories = plan(&format!(
            "SELECT s.key, s.number, s.title, d.name, {}, st.recall_easiness
             FROM story s
             JOIN deck d ON d.id = s.deck_id
             JOIN story_state st ON st.story_id = s.id
             {}
             WHERE s.retired = 0 ORDER BY s.number",
            window_sum("match_answers"),
            STORY_WINDOW_JOINS
                .replace("?1", "'2027-01-01'")
                .replace("?2", "'2027-01-30'")
        ));
        assert!(
            stories.contains("SCAN s USING COVERING INDEX story_catalog")
                && stories.contains("SEARCH st USING INTEGER PRIMARY KEY (rowid=?)")
                && stories.contains("SEARCH wa USING PRIMARY KEY (story_id=? AND day=?)")
                && stories.contains("SEARCH wb USING PRIMARY KEY (story_id=? AND day=?)")
                && stories.contains("SEARCH stats_story USING PRIMARY KEY (story_id=? AND day<?)")
                && !stories.contains("TEMP B-TREE"),
            "{stories}"
        );
        // A story's state is refreshed (on each change of its cards) by index: its last grade,
        // last review, question cards and follow-ups' grades, never a scan of the cards.
        let refresh = plan("SELECT * FROM story_state_now WHERE story_id = 1");
        for index in [
            "SEARCH s USING INTEGER PRIMARY KEY (rowid=?)",
            "COVERING INDEX card_recall",
            "COVERING INDEX card_questions",
            "COVERING INDEX card_followups",
        ] {
            assert!(refresh.contains(index), "{refresh}");
        }
        assert!(!refresh.contains("SCAN"), "{refresh}");
        let cards = plan(
            "SELECT retired, suspended, reviewed, repetitions, interval_days, easiness, cards
             FROM stats_card WHERE deck_id = 0 AND cards > 0",
        );
        assert!(
            cards.contains("SEARCH stats_card USING PRIMARY KEY (deck_id=?)"),
            "{cards}"
        );
        // The partial index's WHERE (migration 0012) is the query's: the same starting easiness.
        let lowest = plan(&format!(
            "SELECT c.id FROM card c LEFT JOIN story s ON s.id = c.story_id
             WHERE c.easiness < {} AND c.retired = 0 ORDER BY c.easiness, c.lapses DESC, c.id LIMIT 10",
            Easiness::INITIAL.hundredths()
        ));
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
