//! `storydrill stats` end to end: a history built with `grade` across days (a skipped day, lapses,
//! a mature card, a leech, a review after midnight), every figure of `--json` checked by hand, and
//! the rendered screen snapshotted with `insta` (NO_COLOR).

use crate::util::Env;
use serde_json::Value;

/// Grades `key` with `q` at `now` (RFC 3339, Asia/Shanghai in the harness).
fn grade(env: &mut Env, now: &str, key: &str, q: u8) {
    env.at(now);
    env.ok(&["grade", key, &q.to_string()]);
}

fn at(day: &str) -> String {
    format!("{day}T09:00:00+08:00")
}

/// The history every test below starts from. Study days with answers:
/// 2026-08-01…08-23 (a leech: pass, fail, one day off, eight times), 11-01, 11-02, 12-20…12-24,
/// 2027-01-01, 01-02, (01-03 skipped), 01-04…01-07. "Today" is 2027-01-08.
fn build_history(env: &mut Env) {
    // self-intro becomes a leech: 8 lapses, easiness at the 1.30 floor. Never two days in a row
    // after a fail, so these do not make a long streak.
    for k in 0..8u32 {
        let pass = chrono::NaiveDate::from_ymd_opt(2026, 8, 1).unwrap()
            + chrono::Days::new(u64::from(3 * k));
        let fail = pass + chrono::Days::new(1);
        grade(env, &at(&pass.to_string()), "self-intro", 5);
        grade(env, &at(&fail.to_string()), "self-intro", 1);
    }
    // db-proxy: new, a lapse (young, wrong), relearned, then a young right answer in the last 30 days.
    grade(env, &at("2026-11-01"), "db-proxy", 5);
    grade(env, &at("2026-11-02"), "db-proxy", 1);
    grade(env, &at("2026-12-20"), "db-proxy", 5);
    grade(env, &at("2026-12-21"), "db-proxy", 5);
    // Three new cards on three more days: the longest streak, 12-20…12-24, is 5 days.
    grade(env, &at("2026-12-22"), "mq-decoupling", 4);
    grade(env, &at("2026-12-23"), "docker", 4);
    grade(env, &at("2026-12-24"), "redis-id", 4);

    // 2027-01-01
    grade(env, &at("2027-01-01"), "sharding", 5); // n1, I 1
    grade(env, &at("2027-01-01"), "nginx-lb", 5);
    grade(env, &at("2027-01-01"), "perf-tuning", 2); // a new card failed: no lapse
    grade(env, &at("2027-01-01"), "perf-tuning", 5); // re-drill
                                                     // 2027-01-02
    grade(env, &at("2027-01-02"), "sharding", 5); // young, right; I 6
    grade(env, &at("2027-01-02"), "nginx-lb", 5); // young, right
    grade(env, &at("2027-01-02"), "perf-tuning", 4); // n was 0: not in retention
                                                     // 2027-01-03 skipped.
                                                     // 2027-01-04
    grade(env, &at("2027-01-04"), "sharding", 5); // young, right; I ⌈6 × 2.7⌉ = 17
    grade(env, &at("2027-01-04"), "nginx-lb", 1); // young, wrong: a lapse
    grade(env, &at("2027-01-04"), "perf-tuning", 3); // young, right; I 6, due 01-10
                                                     // 2027-01-05
    grade(env, &at("2027-01-05"), "sharding", 5); // young, right; I ⌈17 × 2.8⌉ = 48: mature now
    grade(env, &at("2027-01-05"), "nginx-lb", 4);
    // 2027-01-06
    grade(env, &at("2027-01-06"), "sharding", 3); // mature, right; I ⌈48 × 2.9⌉ = 140
    grade(env, &at("2027-01-06"), "nginx-lb", 2); // young, wrong
    grade(env, &at("2027-01-06"), "nginx-lb", 4); // re-drill
                                                  // 2027-01-07, and once at 01:30 on the 8th, which still counts for the 7th.
    grade(env, &at("2027-01-07"), "nginx-lb", 5);
    grade(env, &at("2027-01-07"), "flash-sale", 0);
    grade(env, "2027-01-08T01:30:00+08:00", "weird-bug", 4);

    // A deck of the user's own: one of its cards retired by importing it again without it.
    let deck = r#"[deck]
name = "mine"
title = "我的故事"

[[story]]
key = "cache-stampede"
title = "缓存击穿"
text = "我们用互斥锁和逻辑过期解决了缓存击穿。"

[[question]]
key = "mine.q1"
text = "缓存突然失效，数据库被打挂怎么办？"
answers = ["cache-stampede"]
"#;
    let file = env.write(
        "mine.toml",
        &format!(
            "{deck}\n[[card]]\nkey = \"mine.b1\"\nfront = \"Redis 默认端口？\"\nback = \"6379\"\n"
        ),
    );
    env.ok(&["import", file.to_str().unwrap()]);
    let file = env.write("mine.toml", deck);
    env.ok(&["import", file.to_str().unwrap(), "--replace"]);
    // No command suspends a card yet: set the flag directly.
    env.sql()
        .execute(
            "UPDATE card SET suspended = 1 WHERE key = 'sharding.c1'",
            [],
        )
        .unwrap();
    env.at(&at("2027-01-08"));
}

/// Logs a match answer directly in the review log. The interactive review session that records
/// which story was picked (`answered_story`, `correct`) is being written in parallel; until it
/// lands, these rows stand in for it. The card's state is left as it is (stats does not read it
/// from the log); the triggers count the row like any other.
fn match_answer(env: &Env, key: &str, day: &str, kind: &str, answered: &str, ms: i64) {
    let conn = env.sql();
    let (id, answers): (i64, String) = conn
        .query_row("SELECT id, answers FROM card WHERE key = ?1", [key], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })
        .unwrap();
    let accepted: Vec<String> = serde_json::from_str(&answers).unwrap();
    let correct = accepted.iter().any(|a| a == answered);
    conn.execute(
        "INSERT INTO review (card_id, reviewed_at, day, quality, kind, answer, answered_story, correct, ms,
            before_repetitions, before_easiness, before_interval, before_due, before_lapses, before_reviews, before_last_review,
            after_repetitions, after_easiness, after_interval, after_due, after_lapses, after_reviews, after_last_review)
         VALUES (?1, ?2 || 'T01:00:00.000Z', ?2, ?3, ?4, ?5, ?5, ?6, ?7, 0, 250, 0, NULL, 0, 1, NULL, 0, 250, 0, NULL, 0, 1, NULL)",
        rusqlite::params![id, day, if correct { 5 } else { 1 }, kind, answered, correct, ms],
    )
    .unwrap();
}

/// Wrong and right picks for the confusion figures: sharding was asked 8 times in the last 30
/// days (a re-drill and an older answer left out), db-proxy picked instead 5 times.
fn add_match_answers(env: &Env) {
    for _ in 0..4 {
        match_answer(
            env,
            "sharding.q2",
            "2027-01-07",
            "scheduled",
            "db-proxy",
            2000,
        );
    }
    for _ in 0..2 {
        match_answer(
            env,
            "sharding.q2",
            "2027-01-07",
            "scheduled",
            "sharding",
            2000,
        );
    }
    match_answer(
        env,
        "sharding.q2",
        "2027-01-07",
        "redrill",
        "db-proxy",
        2000,
    );
    match_answer(
        env,
        "sharding.q3",
        "2027-01-06",
        "scheduled",
        "table-design",
        2000,
    );
    match_answer(
        env,
        "nginx-lb.q1",
        "2027-01-06",
        "scheduled",
        "weird-bug",
        2000,
    );
    match_answer(
        env,
        "nginx-lb.q1",
        "2027-01-06",
        "scheduled",
        "scale-out-overtime",
        2000,
    );
    match_answer(
        env,
        "sharding.q2",
        "2026-11-01",
        "scheduled",
        "docker",
        2000,
    );
    match_answer(
        env,
        "sharding.q2",
        "2027-01-08",
        "scheduled",
        "db-proxy",
        5000,
    );
}

fn story<'a>(stats: &'a Value, key: &str) -> &'a Value {
    stats["stories"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["key"] == key)
        .unwrap_or_else(|| panic!("no story {key}"))
}

fn approx(value: &Value, expected: f64) {
    let got = value
        .as_f64()
        .unwrap_or_else(|| panic!("{value} is not a number"));
    assert!(
        (got - expected).abs() < 1e-9,
        "expected {expected}, got {got}"
    );
}

#[test]
fn json_figures_follow_a_history_built_with_grade() {
    let mut env = Env::new();
    build_history(&mut env);
    let s = env.json(&["stats", "--json"]);

    assert_eq!(s["date"], "2027-01-08");
    assert_eq!(s["deck"], Value::Null);
    assert_eq!(s["days"], 30);

    // Today, before any answer: due = 5 overdue (db-proxy, mq-decoupling, docker, redis-id,
    // self-intro) + 3 due today (nginx-lb, flash-sale, weird-bug: its 01:30 answer was for the 7th).
    assert_eq!(s["today"]["reviewed"], 0);
    assert_eq!(s["today"]["due"], 8);
    assert_eq!(s["today"]["new"], 20);
    assert_eq!(s["today"]["time_ms"], 0);
    // Today without answers yet does not break the streak 01-04…01-07; 12-20…12-24 was longer.
    assert_eq!(s["streak"]["current"], 4);
    assert_eq!(s["streak"]["longest"], 5);

    // Retention: young right/total 5/7 in Jan, +1/1 on 12-21 (d30), +0/1 on 11-02 and the leech's
    // 0/8 (all time); mature 1/1 (sharding on 01-06, interval 48 before).
    let r = &s["retention"];
    approx(&r["d7"], 6.0 / 8.0);
    approx(&r["young"]["d7"], 5.0 / 7.0);
    approx(&r["mature"]["d7"], 1.0);
    approx(&r["d30"], 7.0 / 9.0);
    approx(&r["young"]["d30"], 6.0 / 8.0);
    approx(&r["all"], 7.0 / 18.0);
    approx(&r["young"]["all"], 6.0 / 17.0);
    approx(&r["mature"]["all"], 1.0);
    assert_eq!(
        r["counts"]["all"],
        serde_json::json!({"young": 17, "young_right": 6, "mature": 1, "mature_right": 1})
    );

    // Forecast: today (with overdue cards) and perf-tuning on 01-10.
    let forecast = s["forecast"].as_array().unwrap();
    assert_eq!(forecast.len(), 14);
    assert_eq!(
        forecast[0],
        serde_json::json!({"date": "2027-01-08", "due": 8})
    );
    assert_eq!(
        forecast[2],
        serde_json::json!({"date": "2027-01-10", "due": 1})
    );
    assert_eq!(forecast[13]["date"], "2027-01-21");
    assert_eq!(
        forecast
            .iter()
            .map(|f| f["due"].as_u64().unwrap())
            .sum::<u64>(),
        9
    );

    // History, 12-10…01-08.
    let history = s["history"].as_array().unwrap();
    assert_eq!(history.len(), 30);
    assert_eq!(history[0]["date"], "2026-12-10");
    let on = |date: &str| {
        let h = history.iter().find(|h| h["date"] == date).unwrap();
        (h["reviews"].as_u64().unwrap(), h["right"].as_u64().unwrap())
    };
    assert_eq!(on("2027-01-01"), (4, 3)); // re-drills are answers too
    assert_eq!(on("2027-01-03"), (0, 0));
    assert_eq!(on("2027-01-04"), (3, 2));
    assert_eq!(on("2027-01-06"), (3, 2));
    assert_eq!(on("2027-01-07"), (3, 2));
    assert_eq!(on("2027-01-08"), (0, 0));
    assert_eq!(
        history
            .iter()
            .map(|h| h["reviews"].as_u64().unwrap())
            .sum::<u64>(),
        23
    );

    // Heatmap: Monday 2026-07-13 to Friday 2027-01-08, the leech's August days at level 1.
    let heat = s["heatmap"].as_array().unwrap();
    assert_eq!(heat.len(), 25 * 7 + 5);
    assert_eq!(heat[0]["date"], "2026-07-13");
    let cell = |date: &str| heat.iter().find(|h| h["date"] == date).unwrap().clone();
    assert_eq!(
        cell("2027-01-01"),
        serde_json::json!({"date": "2027-01-01", "reviews": 4, "level": 4})
    );
    assert_eq!(cell("2026-08-02")["level"], 1);
    assert_eq!(cell("2026-08-03")["level"], 0);

    // Cards: 10 reviewed (7 learning, 2 young, 1 mature), 1 suspended, 1 retired, the rest new.
    let total = env
        .json(&["list", "--retired", "--json"])
        .as_array()
        .unwrap()
        .len() as u64;
    let cards = &s["cards"];
    assert_eq!(cards["total"], total);
    assert_eq!(cards["learning"], 7);
    assert_eq!(cards["young"], 2);
    assert_eq!(cards["mature"], 1);
    assert_eq!(cards["suspended"], 1);
    assert_eq!(cards["retired"], 1);
    assert_eq!(cards["new"], total - 12);

    // Easiness: 1.30 self-intro; 1.70 flash-sale; 1.94 nginx-lb and 2.04 perf-tuning; 2.26
    // db-proxy; 2.50 ×4; 2.76 sharding.
    let buckets: Vec<u64> = s["easiness"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| b["cards"].as_u64().unwrap())
        .collect();
    assert_eq!(buckets, [1, 0, 1, 2, 1, 0, 4, 1, 0]);
    assert_eq!(s["easiness"][0]["from"], 1.3);
    assert_eq!(s["easiness"][8]["to"], Value::Null);

    assert_eq!(s["leeches"]["total"], 1);
    let leech = &s["leeches"]["cards"][0];
    assert_eq!(leech["key"], "self-intro.recall");
    assert_eq!(leech["lapses"], 8);
    assert_eq!(leech["easiness"], 1.3);
    assert_eq!(leech["title"], "自我介绍模板");
    let lowest: Vec<&str> = s["lowest_easiness"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["key"].as_str().unwrap())
        .collect();
    // Only the cards below the starting 2.50, lowest first (those at 2.50 and above are not listed).
    assert_eq!(
        lowest,
        [
            "self-intro.recall",
            "flash-sale.recall",
            "nginx-lb.recall",
            "perf-tuning.recall",
            "db-proxy.recall"
        ]
    );

    // Readiness: mean recall grades in the window (re-drills left out), mean easiness, next due.
    let nginx = story(&s, "nginx-lb");
    assert_eq!(nginx["number"], 2);
    assert_eq!(nginx["title"], "用 NginX 实现负载均衡");
    approx(&nginx["mean_recall_grade"], 22.0 / 6.0);
    assert_eq!(nginx["recall_reviews"], 6);
    assert_eq!(nginx["easiness"], 1.94);
    assert_eq!(nginx["due"], "2027-01-08");
    assert_eq!(nginx["match_accuracy"], Value::Null);
    let sharding = story(&s, "sharding");
    approx(&sharding["mean_recall_grade"], 4.6);
    assert_eq!(sharding["easiness"], 2.76);
    assert_eq!(sharding["due"], "2027-05-26"); // 01-06 + 140 days
    let intro = story(&s, "self-intro");
    assert_eq!(intro["mean_recall_grade"], Value::Null); // only answers in August
    assert_eq!(intro["easiness"], 1.3);
    let mine = story(&s, "cache-stampede");
    assert_eq!(mine["number"], 33);
    assert_eq!(mine["readiness"], Value::Null);
    let order: Vec<&str> = s["stories"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["key"].as_str().unwrap())
        .collect();
    // Readiness scores (core::readiness): last grade / 5 × (½ + ½ × freshness), no match answers.
    assert_eq!(
        order[..11],
        [
            "flash-sale", // 0 yesterday: 0
            "self-intro", // 1 in August: 0.1
            "redis-id",   // 4, 15+ days ago: 0.4 each, by number
            "docker",
            "mq-decoupling",
            "db-proxy",    // 5 on 12-21: 0.5
            "perf-tuning", // 3 on 01-04
            "sharding",    // 3 on 01-06
            "weird-bug",   // 4 on 01-07
            "nginx-lb",    // 5 on 01-07
            "window-sql",  // never told, by number
        ]
    );
    assert_eq!(s["stories_ready"], 0, "no story's questions were answered");
    assert_eq!(s["interview"], Value::Null);
    assert_eq!(order.len(), 33);
    assert_eq!(s["confusions"], serde_json::json!([]));

    // --days 7: the window figures shrink with it.
    let week = env.json(&["stats", "--json", "--days", "7"]);
    assert_eq!(week["history"].as_array().unwrap().len(), 7);
    approx(&story(&week, "nginx-lb")["mean_recall_grade"], 17.0 / 5.0);

    // Three answers today: the streak goes on, the counts move.
    grade(&mut env, "2027-01-08T09:30:00+08:00", "nginx-lb", 4); // young, right
    grade(&mut env, "2027-01-08T09:31:00+08:00", "flash-sale", 1); // n was 0
    grade(&mut env, "2027-01-08T09:32:00+08:00", "architecture", 5); // a new card
    env.at("2027-01-08T09:40:00+08:00");
    let s = env.json(&["stats", "--json"]);
    assert_eq!(s["today"]["reviewed"], 3);
    assert_eq!(s["today"]["right"], 2);
    assert_eq!(s["today"]["due"], 6);
    assert_eq!(s["today"]["new"], 19);
    assert_eq!(s["streak"]["current"], 5);
    assert_eq!(s["streak"]["longest"], 5);
    approx(&s["retention"]["d7"], 7.0 / 9.0);

    // The next day, still without answers: the streak holds; two days later it is broken.
    env.at("2027-01-09T09:00:00+08:00");
    assert_eq!(env.json(&["stats", "--json"])["streak"]["current"], 5);
    env.at("2027-01-10T09:00:00+08:00");
    assert_eq!(env.json(&["stats", "--json"])["streak"]["current"], 0);
}

#[test]
fn confusions_come_from_wrong_match_answers() {
    let mut env = Env::new();
    env.at(&at("2027-01-08"));
    env.ok(&["stats"]); // creates the database
    add_match_answers(&env);
    let s = env.json(&["stats", "--json"]);

    assert_eq!(
        s["confusions"],
        serde_json::json!([
            {"asked": "sharding", "asked_number": 3, "asked_title": "数据库 Sharding",
             "answered": "db-proxy", "answered_number": 7, "answered_title": "采用数据库代理方案，提升数据库性能",
             "times": 5, "of": 8},
            {"asked": "sharding", "asked_number": 3, "asked_title": "数据库 Sharding",
             "answered": "table-design", "answered_number": 16, "answered_title": "根据业务如何优化数据库表设计",
             "times": 1, "of": 8},
            {"asked": "nginx-lb", "asked_number": 2, "asked_title": "用 NginX 实现负载均衡",
             "answered": "weird-bug", "answered_number": 5, "answered_title": "解决了一个诡异的bug",
             "times": 1, "of": 2},
        ])
    );
    approx(&story(&s, "sharding")["match_accuracy"], 2.0 / 8.0);
    assert_eq!(story(&s, "sharding")["match_answers"], 8);
    approx(&story(&s, "nginx-lb")["match_accuracy"], 0.5);
    assert_eq!(s["today"]["reviewed"], 1);
    assert_eq!(s["today"]["time_ms"], 5000);

    let screen = env.ok(&["stats"]);
    assert!(
        screen.contains(
            "  asked for 3 数据库 Sharding,\n      you answered 7 采用数据库代理方案，提升数据库性能: 5 of 8 times\n"
        ),
        "{screen}"
    );

    // A longer window reaches the answer from November.
    let s90 = env.json(&["stats", "--json", "--days", "90"]);
    assert_eq!(s90["confusions"].as_array().unwrap().len(), 4);
    assert_eq!(s90["confusions"][0]["of"], 9);

    // Undo deletes the log row: the triggers take it back out of every figure.
    env.sql()
        .execute("DELETE FROM review WHERE day = '2027-01-08'", [])
        .unwrap();
    let s = env.json(&["stats", "--json"]);
    assert_eq!(
        (
            s["confusions"][0]["times"].as_u64(),
            s["confusions"][0]["of"].as_u64()
        ),
        (Some(4), Some(7))
    );
    assert_eq!(s["today"]["reviewed"], 0);
    assert_eq!(s["today"]["time_ms"], 0);
}

#[test]
fn deck_filter_and_bad_arguments() {
    let mut env = Env::new();
    grade(&mut env, &at("2027-01-07"), "self-intro", 2);
    grade(&mut env, &at("2027-01-07"), "sharding", 5);
    env.at(&at("2027-01-08"));
    let s = env.json(&["stats", "--json", "--deck", "templates"]);
    assert_eq!(s["deck"], "templates");
    assert_eq!(s["history"][29]["reviews"], 0);
    assert_eq!(s["history"][28]["reviews"], 1);
    let keys: Vec<&str> = s["stories"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["key"].as_str().unwrap())
        .collect();
    assert_eq!(keys.len(), 14);
    assert_eq!(keys[0], "self-intro");
    assert_eq!(s["today"]["due"], 1);

    let err = env.fails(&["stats", "--deck", "nope"], 1);
    assert!(err.contains("no deck named \"nope\""), "{err}");
    let err = env.fails(&["stats", "--days", "0"], 2);
    assert!(err.contains("--days"), "{err}");
}

fn assert_fits_80_columns(screen: &str) {
    for line in screen.lines() {
        let w = unicode_width::UnicodeWidthStr::width(line);
        assert!(w <= 80, "{w} columns: {line}");
    }
}

#[test]
fn screen_snapshot_of_a_history() {
    let mut env = Env::new();
    build_history(&mut env);
    add_match_answers(&env);
    let screen = env.ok(&["stats"]);
    assert_fits_80_columns(&screen);
    assert!(!screen.contains('\u{1b}'), "NO_COLOR: no escape codes");
    insta::assert_snapshot!("stats_history", screen);
    let screen = env.ok(&["stats", "--deck", "templates", "--days", "7"]);
    assert_fits_80_columns(&screen);
    insta::assert_snapshot!("stats_templates_7_days", screen);
    // Long windows group days into columns; every width still fits.
    for days in ["1", "72", "73", "365"] {
        let screen = env.ok(&["stats", "--days", days]);
        assert_fits_80_columns(&screen);
    }
    assert!(env
        .ok(&["stats", "--days", "365"])
        .contains("Answers, last 365 days, 6 days a column"));
}

#[test]
fn screen_snapshot_of_a_new_database() {
    let env = Env::new();
    let screen = env.ok(&["stats"]);
    assert_fits_80_columns(&screen);
    insta::assert_snapshot!("stats_new_database", screen);
}
