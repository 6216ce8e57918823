//! `grade` through the real binary: SM-2 across days, lapses, same-day re-drills, the rollover
//! hour, early reviews, replaying the log, and two processes grading one database at once.

use crate::util::{stderr, Env};
use serde_json::{json, Value};

use storydrill::core::sm2::{self, CardState, ReviewKind};
use storydrill::core::types::{CardId, Quality, StudyDay};

/// Grades `card` with `quality` at `now` (RFC 3339) and returns `grade --json`.
fn grade(env: &mut Env, now: &str, card: &str, quality: u8) -> Value {
    env.at(now);
    env.json(&["grade", card, &quality.to_string(), "--json"])
}

fn state(card: &Value) -> Value {
    card["state"].clone()
}

#[test]
fn all_fives_follow_sm2_across_days() {
    let mut env = Env::new();
    // (day graded, n, EF, I, due), written out by hand: I = 1, 6, ⌈6×2.7⌉ = 17, ⌈17×2.8⌉ = 48.
    let steps = [
        ("2027-01-04", 1, 2.6, 1, "2027-01-05"),
        ("2027-01-05", 2, 2.7, 6, "2027-01-11"),
        ("2027-01-11", 3, 2.8, 17, "2027-01-28"),
        ("2027-01-28", 4, 2.9, 48, "2027-03-17"),
    ];
    for (i, (day, n, ef, interval, due)) in steps.into_iter().enumerate() {
        let card = grade(&mut env, &format!("{day}T20:00:00+08:00"), "sharding", 5);
        let expected = json!({
            "repetitions": n, "easiness": ef, "interval_days": interval, "due": due,
            "lapses": 0, "reviews": i + 1,
        });
        assert_eq!(state(&card), expected, "after grade {} on {day}", i + 1);
        // `show --json` agrees with what `grade --json` printed.
        assert_eq!(state(&env.json(&["show", "sharding", "--json"])), expected);
        assert_eq!(card["history"].as_array().unwrap().len(), i + 1);
    }
}

#[test]
fn a_lapse_resets_n_counts_a_lapse_and_lowers_ef() {
    let mut env = Env::new();
    grade(&mut env, "2027-01-04T09:30:00+08:00", "db-proxy", 5); // n1 EF2.6 I1
    grade(&mut env, "2027-01-05T09:30:00+08:00", "db-proxy", 5); // n2 EF2.7 I6
    let card = grade(&mut env, "2027-01-11T09:30:00+08:00", "db-proxy", 2);
    assert_eq!(
        state(&card),
        json!({"repetitions": 0, "easiness": 2.38, "interval_days": 1, "due": "2027-01-12",
               "lapses": 1, "reviews": 3})
    );
    // n = 0 again: the next passes give 1, then 6, then ⌈6 × EF⌉ with the EF before the grade.
    let card = grade(&mut env, "2027-01-12T09:30:00+08:00", "db-proxy", 4);
    assert_eq!(
        state(&card),
        json!({"repetitions": 1, "easiness": 2.38, "interval_days": 1, "due": "2027-01-13",
               "lapses": 1, "reviews": 4})
    );
    let card = grade(&mut env, "2027-01-13T09:30:00+08:00", "db-proxy", 3);
    assert_eq!(
        state(&card),
        json!({"repetitions": 2, "easiness": 2.24, "interval_days": 6, "due": "2027-01-19",
               "lapses": 1, "reviews": 5})
    );
    // ⌈6 × 2.24⌉ = ⌈13.44⌉ = 14.
    let card = grade(&mut env, "2027-01-19T09:30:00+08:00", "db-proxy", 4);
    assert_eq!(
        state(&card),
        json!({"repetitions": 3, "easiness": 2.24, "interval_days": 14, "due": "2027-02-02",
               "lapses": 1, "reviews": 6})
    );
    // A failure on a card with n = 0 is not a lapse (nothing was learnt to lapse from).
    let card = grade(&mut env, "2027-01-19T09:30:00+08:00", "weird-bug", 0);
    assert_eq!(
        state(&card),
        json!({"repetitions": 0, "easiness": 1.7, "interval_days": 1, "due": "2027-01-20",
               "lapses": 0, "reviews": 1})
    );
    // EF never drops below 1.3.
    grade(&mut env, "2027-01-20T09:30:00+08:00", "weird-bug", 0);
    let card = grade(&mut env, "2027-01-21T09:30:00+08:00", "weird-bug", 1);
    assert_eq!(card["state"]["easiness"], json!(1.3));
}

#[test]
fn a_second_grade_the_same_study_day_is_a_redrill() {
    let mut env = Env::new();
    let first = grade(&mut env, "2027-01-04T09:30:00+08:00", "redis-id", 2);
    assert_eq!(first["state"]["due"], "2027-01-05");
    for (now, q) in [
        ("2027-01-04T09:35:00+08:00", 3),
        ("2027-01-04T23:59:00+08:00", 5),
        // 03:59 the next morning is still study day 2027-01-04 (rollover 04:00).
        ("2027-01-05T03:59:00+08:00", 0),
    ] {
        let again = grade(&mut env, now, "redis-id", q);
        assert_eq!(state(&again), state(&first), "{now}: schedule unchanged");
    }
    let history = env.json(&["show", "redis-id", "--json"])["history"].clone();
    let kinds: Vec<&str> = history
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["kind"].as_str().unwrap())
        .collect();
    assert_eq!(kinds, ["scheduled", "redrill", "redrill", "redrill"]);
    let days: Vec<&str> = history
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["day"].as_str().unwrap())
        .collect();
    assert_eq!(days, ["2027-01-04"; 4]);
    let qualities: Vec<u64> = history
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["quality"].as_u64().unwrap())
        .collect();
    assert_eq!(qualities, [2, 3, 5, 0]);

    let logged: Vec<(String, i64)> = env
        .sql()
        .prepare("SELECT kind, quality FROM review ORDER BY id")
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(logged[1], ("redrill".to_string(), 3));

    // At 04:00 a new study day starts: the card is due and this grade is scheduled.
    let next = grade(&mut env, "2027-01-05T04:00:00+08:00", "redis-id", 5);
    assert_eq!(next["state"]["repetitions"], 1);
    assert_eq!(next["state"]["due"], "2027-01-06");
}

#[test]
fn a_grade_before_the_rollover_hour_counts_for_the_day_before() {
    let mut env = Env::new();
    let card = grade(&mut env, "2027-01-05T01:30:00+08:00", "teamwork", 5);
    assert_eq!(card["history"][0]["day"], "2027-01-04");
    assert_eq!(card["history"][0]["at"], "2027-01-04T17:30:00.000Z");
    assert_eq!(card["state"]["due"], "2027-01-05");

    env.ok(&["config", "set", "rollover-hour", "0"]);
    let card = grade(&mut env, "2027-01-05T01:30:00+08:00", "docker", 5);
    assert_eq!(card["history"][0]["day"], "2027-01-05");
    assert_eq!(card["state"]["due"], "2027-01-06");
    // And 23:59 belongs to its own calendar day.
    let card = grade(&mut env, "2027-01-05T23:59:00+08:00", "log-stats", 5);
    assert_eq!(card["history"][0]["day"], "2027-01-05");

    env.ok(&["config", "set", "rollover-hour", "6"]);
    let card = grade(
        &mut env,
        "2027-01-05T05:59:00+08:00",
        "redis-leaderboard",
        5,
    );
    assert_eq!(card["history"][0]["day"], "2027-01-04");
}

#[test]
fn a_grade_before_the_due_day_counts_from_the_day_graded() {
    let mut env = Env::new();
    grade(&mut env, "2027-01-04T09:30:00+08:00", "window-sql", 5);
    let card = grade(&mut env, "2027-01-05T09:30:00+08:00", "window-sql", 5);
    assert_eq!(card["state"]["due"], "2027-01-11");
    // Three days early: I = ⌈6 × 2.7⌉ = 17 from 2027-01-08, not from the due day.
    let card = grade(&mut env, "2027-01-08T09:30:00+08:00", "window-sql", 5);
    assert_eq!(
        state(&card),
        json!({"repetitions": 3, "easiness": 2.8, "interval_days": 17, "due": "2027-01-25",
               "lapses": 0, "reviews": 3})
    );
    // Late works the same way: I counts from the day graded.
    let card = grade(&mut env, "2027-03-01T09:30:00+08:00", "window-sql", 4);
    assert_eq!(card["state"]["interval_days"], 48);
    assert_eq!(card["state"]["due"], "2027-04-18");
}

/// A deterministic pseudo-random sequence (the tests must not depend on a random seed).
struct Lcg(u64);

impl Lcg {
    fn next(&mut self, below: u64) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        (self.0 >> 33) % below
    }
}

fn stored_state(conn: &rusqlite::Connection, card: CardId) -> CardState {
    conn.query_row(
        "SELECT repetitions, easiness, interval_days, due, lapses, reviews, last_review FROM card WHERE id = ?1",
        [card],
        |r| {
            Ok(CardState {
                repetitions: r.get(0)?,
                easiness: r.get(1)?,
                interval_days: r.get(2)?,
                due: r.get(3)?,
                lapses: r.get(4)?,
                reviews: r.get(5)?,
                last_review: r.get(6)?,
            })
        },
    )
    .unwrap()
}

/// Replays every card's log with `sm2::replay` and compares with the stored state; also checks
/// that each entry's "before" is the previous entry's "after". Returns the number of cards checked.
fn assert_log_replays(conn: &rusqlite::Connection) -> usize {
    let cards: Vec<CardId> = conn
        .prepare("SELECT DISTINCT card_id FROM review ORDER BY card_id")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    for &card in &cards {
        let mut stmt = conn
            .prepare(
                "SELECT kind, quality, day,
                        before_repetitions, before_easiness, before_interval, before_due, before_lapses, before_reviews, before_last_review,
                        after_repetitions, after_easiness, after_interval, after_due, after_lapses, after_reviews, after_last_review
                 FROM review WHERE card_id = ?1 ORDER BY id",
            )
            .unwrap();
        let rows: Vec<((ReviewKind, Quality, StudyDay), CardState, CardState)> = stmt
            .query_map([card], |r| {
                let state_at = |i: usize| -> rusqlite::Result<CardState> {
                    Ok(CardState {
                        repetitions: r.get(i)?,
                        easiness: r.get(i + 1)?,
                        interval_days: r.get(i + 2)?,
                        due: r.get(i + 3)?,
                        lapses: r.get(i + 4)?,
                        reviews: r.get(i + 5)?,
                        last_review: r.get(i + 6)?,
                    })
                };
                let kind: String = r.get(0)?;
                Ok((
                    (ReviewKind::parse(&kind).unwrap(), r.get(1)?, r.get(2)?),
                    state_at(3)?,
                    state_at(10)?,
                ))
            })
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap();
        let log: Vec<_> = rows.iter().map(|(entry, _, _)| *entry).collect();
        let stored = stored_state(conn, card);
        assert_eq!(
            sm2::replay(&log),
            stored,
            "card {card}: replay ≠ stored state"
        );
        let mut previous = CardState::NEW;
        for (i, (_, before, after)) in rows.iter().enumerate() {
            assert_eq!(*before, previous, "card {card}, review {i}: before");
            previous = *after;
        }
        assert_eq!(previous, stored, "card {card}: last after ≠ stored state");
    }
    cards.len()
}

#[test]
fn the_stored_state_equals_replaying_the_log() {
    use chrono::{Duration, NaiveDate, NaiveTime};

    let mut env = Env::new();
    let mut rng = Lcg(20_270_104);
    let cards = ["sharding", "self-intro.q2", "perf-tuning.c1", "nginx-lb"];
    // Local (Asia/Shanghai) time of the next grade of each card.
    let start = NaiveDate::from_ymd_opt(2027, 1, 4)
        .unwrap()
        .and_time(NaiveTime::from_hms_opt(9, 30, 0).unwrap());
    let mut clocks = [start; 4];
    let mut grades = 0;
    for _ in 0..72 {
        let which = rng.next(cards.len() as u64) as usize;
        let quality = [0, 1, 2, 3, 3, 4, 4, 5, 5, 5][rng.next(10) as usize];
        let now = clocks[which];
        let card = grade(
            &mut env,
            &format!("{}+08:00", now.format("%Y-%m-%dT%H:%M:%S")),
            cards[which],
            quality,
        );
        grades += 1;
        let due =
            NaiveDate::parse_from_str(card["state"]["due"].as_str().unwrap(), "%Y-%m-%d").unwrap();
        // Next time: the same day again (a re-drill), at 01:30 the next night (the same study
        // day), on the due day, before it, or late.
        clocks[which] = match rng.next(6) {
            0 => now + Duration::minutes(10),
            1 => (now.date() + Duration::days(1))
                .and_hms_opt(1, 30, 0)
                .unwrap(),
            2 | 3 => due.and_hms_opt(8, 0, 0).unwrap(),
            4 => (now.date() + Duration::days(1))
                .max(due - Duration::days(2))
                .and_hms_opt(21, 0, 0)
                .unwrap(),
            _ => (due + Duration::days(rng.next(9) as i64))
                .and_hms_opt(12, 0, 0)
                .unwrap(),
        }
        .max(now + Duration::minutes(1));
    }
    let conn = env.sql();
    let logged: i64 = conn
        .query_row("SELECT count(*) FROM review", [], |r| r.get(0))
        .unwrap();
    assert_eq!(logged, grades);
    let redrills: i64 = conn
        .query_row(
            "SELECT count(*) FROM review WHERE kind = 'redrill'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert!(redrills > 0, "the sequence exercises re-drills");
    let lapsed: i64 = conn
        .query_row("SELECT max(lapses) FROM card", [], |r| r.get(0))
        .unwrap();
    assert!(lapsed > 0, "the sequence exercises lapses");
    assert_eq!(assert_log_replays(&conn), 4);
}

#[test]
fn two_processes_grading_one_database_both_succeed() {
    let env = Env::new();
    // No database yet: both processes also race to create, migrate and load it.
    let results: Vec<Vec<std::process::Output>> = std::thread::scope(|scope| {
        let handles: Vec<_> = ["sharding", "docker"]
            .into_iter()
            .map(|own| {
                let env = &env;
                scope.spawn(move || {
                    (0..20)
                        .map(|i| {
                            // Every other grade is of a card both processes grade.
                            let card = if i % 2 == 0 { "teamwork" } else { own };
                            env.run(&["grade", card, &(i % 6).to_string()])
                        })
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    for out in results.iter().flatten() {
        assert!(out.status.success(), "{}", stderr(out));
        assert!(!stderr(out).contains("locked"), "{}", stderr(out));
    }
    let conn = env.sql();
    let count = |sql: &str| -> i64 { conn.query_row(sql, [], |r| r.get(0)).unwrap() };
    assert_eq!(count("SELECT count(*) FROM review"), 40);
    // One clock, one study day: each card had exactly one scheduled review, the rest re-drills,
    // even when both processes graded the same card at the same moment.
    assert_eq!(
        count("SELECT count(*) FROM review WHERE kind = 'scheduled'"),
        3
    );
    assert_eq!(count("SELECT count(*) FROM card WHERE reviews > 0"), 3);
    assert_eq!(count("SELECT max(reviews) FROM card"), 1);
    assert_eq!(
        count("SELECT count(*) FROM card"),
        crate::util::BUILTIN_CARDS as i64,
        "built-in decks loaded once"
    );
    assert_eq!(assert_log_replays(&conn), 3);
    assert_eq!(
        conn.query_row("PRAGMA integrity_check", [], |r| r.get::<_, String>(0))
            .unwrap(),
        "ok"
    );
}
