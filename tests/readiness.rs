//! Issue 10 through the real binary: weeks of `review --json` sessions driven like an editor plugin
//! would drive them — read an event, answer it — by a simulated user who always fails one story
//! and confuses it with another; an interview date; the drills of the last evening; `plan`.

use crate::util::{stderr, Env};
use serde_json::Value;
use std::collections::HashMap;
use std::io::{BufRead, BufReader, Write};
use std::process::Stdio;

/// The simulated user: the weak story is always failed and confused with `confused_with`.
struct User {
    weak: &'static str,
    confused_with: &'static str,
}

impl User {
    /// The line answering a shown card, and the grade to give after it is judged.
    fn answer(&self, card: &Value) -> (String, u8) {
        let story = card["story"].as_str().unwrap_or("");
        let weak = story == self.weak;
        match card["kind"].as_str().unwrap() {
            "match" if weak => (self.confused_with.to_string(), 1),
            "match" => (story.to_string(), 5),
            _ if weak => (String::new(), 1),
            _ => (String::new(), 5),
        }
    }
}

/// Runs one `review --json` session to its end, answering each card as `user` would; returns
/// every event.
fn session(env: &Env, args: &[&str], user: &User) -> Vec<Value> {
    let mut full = vec!["review", "--json"];
    full.extend_from_slice(args);
    let mut child = env
        .process(&full)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let stdout = BufReader::new(child.stdout.take().unwrap());
    let mut events = Vec::new();
    let mut grade = 0;
    for line in stdout.lines() {
        let line = line.unwrap();
        let event: Value = serde_json::from_str(&line).unwrap_or_else(|e| panic!("{e}: {line}"));
        match event["event"].as_str().unwrap() {
            "card" if event["present"] == true => writeln!(stdin).unwrap(),
            "card" => {
                let (answer, g) = user.answer(&event);
                grade = g;
                writeln!(stdin, "{answer}").unwrap();
            }
            // Told aloud: the user says which points (none here: the grade is given below).
            "checklist" => writeln!(stdin).unwrap(),
            "judged" => writeln!(stdin, "{grade}").unwrap(),
            _ => {}
        }
        let _ = stdin.flush();
        let end = event["event"] == "summary";
        events.push(event);
        if end {
            break;
        }
        if events.len() > 3_000 {
            let _ = child.kill();
            panic!(
                "the session does not end: {:?}",
                &events[events.len() - 10..]
            );
        }
    }
    drop(stdin);
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    events
}

fn at(day: chrono::NaiveDate) -> String {
    format!("{day}T09:30:00+08:00")
}

fn start() -> chrono::NaiveDate {
    chrono::NaiveDate::from_ymd_opt(2027, 1, 4).unwrap()
}

/// (card key, story key, kind, day, review kind) of every logged answer.
fn log(env: &Env) -> Vec<(String, Option<String>, String, String, String)> {
    let conn = env.sql();
    let mut stmt = conn
        .prepare(
            "SELECT c.key, s.key, c.kind, r.day, r.kind FROM review r JOIN card c ON c.id = r.card_id
             LEFT JOIN story s ON s.id = c.story_id ORDER BY r.id",
        )
        .unwrap();
    stmt.query_map([], |r| {
        Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?))
    })
    .unwrap()
    .map(Result::unwrap)
    .collect()
}

const USER: User = User {
    weak: "db-proxy",
    confused_with: "sharding",
};

#[test]
fn three_weeks_of_sessions_serve_the_weakest_story_and_never_say_nothing_is_due_wrongly() {
    let mut env = Env::new();
    // Day 1: the user also fills a template with their own facts.
    env.at(&at(start()));
    let filled = env.run_stdin(
        &["fill", "self-intro"],
        "张三\n北京\n28\n清华\n计算机\n\n\n甲公司\n后端\n订单系统\n",
    );
    assert!(filled.status.success(), "{}", stderr(&filled));
    let facts: Vec<String> = env
        .json(&["list", "--deck", "mine", "--json"])
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["key"].as_str().unwrap().to_string())
        .filter(|k| k.starts_with("mine.fill.self-intro.c"))
        .collect();
    assert!(facts.len() >= 6, "{facts:?}");

    let mut first_day_kinds = Vec::new();
    for d in 0..21u64 {
        let day = start() + chrono::Days::new(d);
        env.at(&at(day));
        let due = env.json(&["list", "--due", "--json"]);
        let events = session(&env, &[], &USER);
        let empty = events.iter().any(|e| e["event"] == "empty");
        assert!(
            !empty || due.as_array().unwrap().is_empty(),
            "day {day}: 'nothing' while list --due shows {} cards: {:?}",
            due.as_array().unwrap().len(),
            events.iter().find(|e| e["event"] == "empty")
        );
        if d == 0 {
            first_day_kinds = events
                .iter()
                .filter(|e| e["event"] == "card")
                .map(|e| e["kind"].as_str().unwrap().to_string())
                .collect();
        }
        if d == 4 {
            let shown: Vec<String> = log(&env).into_iter().map(|r| r.0).collect();
            for fact in &facts {
                assert!(
                    shown.contains(fact),
                    "fact card {fact} not shown within 5 days"
                );
            }
        }
    }
    assert!(
        first_day_kinds.iter().any(|k| k == "match"),
        "the first session shows match cards: {first_day_kinds:?}"
    );

    // The failed story got at least as many reviews as the mean of the others, and every one
    // of its cards was shown.
    let entries = log(&env);
    let mut per_story: HashMap<String, u32> = HashMap::new();
    for (_, story, _, _, kind) in &entries {
        if let (Some(story), "scheduled" | "redrill") = (story, kind.as_str()) {
            *per_story.entry(story.clone()).or_default() += 1;
        }
    }
    let weak = per_story.get(USER.weak).copied().unwrap_or(0);
    let others: Vec<u32> = per_story
        .iter()
        .filter(|(k, _)| k.as_str() != USER.weak)
        .map(|(_, n)| *n)
        .collect();
    let mean = others.iter().sum::<u32>() as f64 / others.len() as f64;
    assert!(
        f64::from(weak) >= mean,
        "the weak story got {weak} reviews, the others {mean:.1} on average"
    );
    let cards: Vec<Value> = env.json(&["list", "--json"]).as_array().unwrap().clone();
    let presented: Vec<String> = {
        let conn = env.sql();
        let mut stmt = conn
            .prepare("SELECT s.key FROM presented p JOIN story s ON s.id = p.story_id")
            .unwrap();
        stmt.query_map([], |r| r.get(0))
            .unwrap()
            .map(Result::unwrap)
            .collect()
    };
    for c in cards.iter().filter(|c| c["story"] == USER.weak) {
        let key = c["key"].as_str().unwrap();
        let shown = entries.iter().any(|r| r.0 == key)
            || (c["kind"] == "recall" && presented.iter().any(|p| p == USER.weak));
        assert!(shown, "card {key} of the weak story was never shown");
    }
    // It is the weakest story in `stats` and `plan`, and the confusion is known.
    let stats = env.json(&["stats", "--json"]);
    assert_eq!(
        stats["stories"][0]["key"], USER.weak,
        "{}",
        stats["stories"][0]
    );
    let plan = env.json(&["plan", "--json"]);
    assert_eq!(plan["weakest"][0]["key"], USER.weak);
    assert_eq!(plan["confused"][0]["a"], "db-proxy");
    assert_eq!(plan["confused"][0]["b"], "sharding");
}

#[test]
fn with_an_interview_in_two_weeks_every_story_is_told_in_its_last_five_days_without_spikes() {
    let mut env = Env::new();
    let interview = start() + chrono::Days::new(14);
    env.ok(&["config", "set", "interview-date", &interview.to_string()]);
    let everyone = User {
        weak: "none",
        confused_with: "none",
    };
    let mut load = Vec::new();
    for d in 0..14u64 {
        let day = start() + chrono::Days::new(d);
        env.at(&at(day));
        let events = session(&env, &[], &everyone);
        let answered = events.iter().filter(|e| e["event"] == "graded").count();
        load.push(answered);
        if d == 0 {
            let stats = env.json(&["stats", "--json"]);
            assert_eq!(stats["interview"]["date"], interview.to_string());
            assert_eq!(stats["interview"]["days_left"], 14);
        }
    }
    let window_start = (interview - chrono::Days::new(5)).to_string();
    let last_day = (interview - chrono::Days::new(1)).to_string();
    let entries = log(&env);
    let stories = env.json(&["stories", "--json"]);
    for s in stories.as_array().unwrap() {
        let recall = format!("{}.recall", s["key"].as_str().unwrap());
        let told = entries.iter().any(|(key, _, _, day, kind)| {
            *key == recall && kind == "scheduled" && *day >= window_start && *day <= last_day
        });
        assert!(
            told,
            "{recall} was not told in the five days before the interview"
        );
    }
    let mean = load.iter().sum::<usize>() as f64 / load.len() as f64;
    let max = *load.iter().max().unwrap();
    assert!(
        (max as f64) <= 2.0 * mean,
        "daily answers {load:?}: the busiest day is more than twice the mean {mean:.1}"
    );
}

#[test]
fn the_last_evening_drills_one_story_the_weakest_and_the_confused_pairs() {
    let mut env = Env::new();
    // A few days of practice that fail and confuse db-proxy.
    for d in 0..4u64 {
        env.at(&at(start() + chrono::Days::new(d)));
        session(&env, &[], &USER);
    }
    let story_cards = |events: &[Value]| -> Vec<String> {
        events
            .iter()
            .filter(|e| e["event"] == "card")
            .map(|e| e["story"].as_str().unwrap_or("").to_string())
            .collect()
    };
    let one = session(&env, &["--story", "7", "--cram"], &USER);
    let shown = story_cards(&one);
    assert!(
        !shown.is_empty() && shown.iter().all(|s| s == "db-proxy"),
        "{shown:?}"
    );
    let weakest = session(&env, &["--weakest", "1", "--cram"], &USER);
    let shown = story_cards(&weakest);
    assert!(
        !shown.is_empty() && shown.iter().all(|s| s == "db-proxy"),
        "{shown:?}"
    );
    let confused = session(&env, &["--confused", "--cram"], &USER);
    let shown = story_cards(&confused);
    assert!(
        shown.iter().any(|s| s == "db-proxy") && shown.iter().any(|s| s == "sharding"),
        "{shown:?}"
    );
    assert!(
        confused
            .iter()
            .filter(|e| e["event"] == "card")
            .all(|e| e["kind"] == "match"),
        "--confused drills questions"
    );
    // Interleaved: never the same story twice running while the other one waits.
    for (i, pair) in shown.windows(2).enumerate() {
        if pair[0] == pair[1] {
            assert!(
                shown[i + 1..].iter().all(|s| *s == pair[0]),
                "{shown:?} at {i}"
            );
        }
    }
    // The screen (not --json) says how to tell them apart.
    let out = env.run_stdin(
        &["review", "--confused", "--cram", "--limit", "1"],
        "sharding\n\n",
    );
    assert!(
        crate::util::stdout(&out).contains("tell apart:"),
        "{}",
        crate::util::stdout(&out)
    );
}

#[test]
fn siblings_are_never_back_to_back_while_other_cards_wait() {
    let mut env = Env::new();
    env.at(&at(start()));
    let events = session(&env, &["--new", "30"], &USER);
    let stories: Vec<String> = events
        .iter()
        .filter(|e| e["event"] == "card")
        .map(|e| e["story"].as_str().unwrap_or("").to_string())
        .collect();
    assert!(stories.len() >= 20, "{stories:?}");
    let left: Vec<usize> = events
        .iter()
        .filter(|e| e["event"] == "card")
        .map(|e| e["left"].as_u64().unwrap() as usize)
        .collect();
    for (i, pair) in stories.windows(2).enumerate() {
        // Back to back only when nothing else was waiting (the last cards of one story).
        if !pair[0].is_empty() && pair[0] == pair[1] {
            let rest: std::collections::HashSet<&String> = stories[i + 1..].iter().collect();
            assert!(rest.len() == 1 || left[i + 1] <= 2, "{stories:?} at {i}");
        }
    }
}

#[test]
fn a_card_failed_again_and_again_is_redrilled_at_most_three_times_a_day() {
    let mut env = Env::new();
    env.at(&at(start()));
    let always_wrong = User {
        weak: "perf-tuning",
        confused_with: "nginx-lb",
    };
    session(&env, &["--kind", "recall", "--story", "1"], &always_wrong);
    let entries = log(&env);
    let redrills = entries
        .iter()
        .filter(|r| r.0 == "perf-tuning.recall" && r.4 == "redrill")
        .count();
    assert_eq!(redrills, 3, "{entries:?}");
    // A restart the same day owes no more.
    let again = session(&env, &["--kind", "recall", "--story", "1"], &always_wrong);
    assert!(again.iter().any(|e| e["event"] == "empty"), "{again:?}");
}

#[test]
fn json_events_have_the_documented_shape() {
    let env = Env::new();
    let events = session(&env, &["--kind", "recall", "--limit", "1"], &USER);
    let kinds: Vec<&str> = events
        .iter()
        .map(|e| e["event"].as_str().unwrap())
        .collect();
    // Told aloud: the checklist of key points comes before the judgement.
    assert_eq!(
        kinds,
        ["card", "checklist", "judged", "graded", "summary"],
        "{events:?}"
    );
    let card = &events[0];
    for field in [
        "id", "key", "kind", "story", "front", "present", "redrill", "left",
    ] {
        assert!(card.get(field).is_some(), "card has no {field}: {card}");
    }
    assert!(events[1]["points"]
        .as_array()
        .is_some_and(|p| !p.is_empty() && p[0].is_string()));
    for field in ["id", "correct", "answered_story", "points", "suggested"] {
        assert!(events[2].get(field).is_some(), "judged has no {field}");
    }
    let point = &events[2]["points"][0];
    for field in ["text", "covered", "reason"] {
        assert!(
            point.get(field).is_some(),
            "a judged point has no {field}: {point}"
        );
    }
    assert_eq!(events[3]["quality"], 5);
    assert_eq!(events[3]["kind"], "scheduled");
    assert!(events[3]["due"].is_string());
    assert_eq!(events[4]["cards"], 1);
}

#[test]
fn an_empty_session_says_why_and_what_shows_the_waiting_cards() {
    let mut env = Env::new();
    env.at(&at(start()));
    // Grade every recall card of the stories deck today: tomorrow they are all due.
    for s in env.json(&["stories", "--json"]).as_array().unwrap() {
        env.ok(&["grade", s["key"].as_str().unwrap(), "4"]);
    }
    env.at(&at(start() + chrono::Days::new(1)));
    env.ok(&["config", "set", "reviews-per-day", "3"]);
    env.ok(&["config", "set", "new-per-day", "0"]);
    let first = session(&env, &["--kind", "recall"], &USER);
    // Three scheduled reviews (a failed one's re-drills come on top of the limit).
    let scheduled = |e: &&Value| e["event"] == "graded" && e["kind"] == "scheduled";
    assert_eq!(first.iter().filter(scheduled).count(), 3);
    let out = env.run_stdin(&["review", "--kind", "recall"], "");
    let text = crate::util::stdout(&out);
    assert!(text.contains("reviews are done"), "{text}");
    let waiting = env
        .json(&["list", "--due", "--json"])
        .as_array()
        .unwrap()
        .len();
    assert!(text.contains(&format!("--reviews {waiting}")), "{text}");
    // The suggested command really shows them.
    let more = session(
        &env,
        &["--kind", "recall", "--reviews", &waiting.to_string()],
        &USER,
    );
    assert_eq!(more.iter().filter(scheduled).count(), waiting);
    // A narrowed session with nothing due says so and points outside it.
    env.ok(&["config", "unset", "reviews-per-day"]);
    env.at(&at(start() + chrono::Days::new(2)));
    let out = env.run_stdin(&["review", "--deck", "mine"], "");
    assert_eq!(out.status.code(), Some(1), "no deck named mine yet");
    let out = env.run_stdin(&["review", "--tag", "nothing-has-it"], "");
    let text = crate::util::stdout(&out);
    assert!(text.contains("outside it: `storydrill review`"), "{text}");
}

#[test]
fn interview_dates_are_kept_and_the_next_one_counts() {
    let env = Env::new();
    env.ok(&["config", "set", "interview-date", "2027-02-01"]);
    assert_eq!(env.ok(&["config", "get", "interview-date"]), "2027-02-01\n");
    env.ok(&["dates", "add", "2027-01-20", "--company", "某公司"]);
    let dates = env.json(&["dates", "list", "--json"]);
    assert_eq!(dates.as_array().unwrap().len(), 2);
    assert_eq!(dates[0]["day"], "2027-01-20");
    assert_eq!(dates[0]["company"], "某公司");
    let plan = env.json(&["plan", "--json"]);
    assert_eq!(plan["interview"]["date"], "2027-01-20");
    assert_eq!(plan["interview"]["days_left"], 16);
    let out = env.run_stdin(&["review", "--kind", "recall", "--limit", "1"], "\n5\n");
    assert!(crate::util::stdout(&out).contains("interview in 16 days"));
    let err = env.fails(&["config", "set", "interview-date", "soon"], 1);
    assert!(err.contains("must be a date"), "{err}");
    env.ok(&["config", "unset", "interview-date"]);
    assert_eq!(env.ok(&["config", "get", "interview-date"]), "(not set)\n");
    let id = dates[0]["id"].as_i64().unwrap().to_string();
    env.ok(&["dates", "remove", &id]);
    assert_eq!(env.json(&["plan", "--json"])["interview"], Value::Null);
    env.fails(&["dates", "remove", "999"], 1);
}

#[test]
fn a_first_session_of_questions_only_presents_their_stories_and_asks_them() {
    let mut env = Env::new();
    env.at(&at(start()));
    let events = session(&env, &["--kind", "match"], &USER);
    let cards: Vec<&Value> = events.iter().filter(|e| e["event"] == "card").collect();
    assert!(cards.iter().any(|e| e["kind"] == "match"), "{cards:?}");
    // Every recall card shown is a presentation, and it comes before its story's questions.
    for (i, card) in cards.iter().enumerate() {
        if card["kind"] == "recall" {
            assert_eq!(card["present"], true, "{card}");
        } else {
            let presented = cards[..i]
                .iter()
                .any(|c| c["present"] == true && c["story"] == card["story"]);
            assert!(presented, "{card} before its story was presented");
        }
    }
}

#[test]
fn stats_plan_and_the_session_agree_on_the_new_cards_left_today() {
    let mut env = Env::new();
    env.at(&at(start()));
    env.ok(&[
        "config",
        "set",
        "interview-date",
        &(start() + chrono::Days::new(10)).to_string(),
    ]);
    let new_left = |env: &Env| {
        let stats = env.json(&["stats", "--json"])["today"]["new"]
            .as_u64()
            .unwrap();
        let plan = env.json(&["plan", "--json"])["today"]["new"]
            .as_u64()
            .unwrap();
        assert_eq!(stats, plan);
        stats
    };
    let before = new_left(&env);
    assert!(
        before > 20,
        "raised above new-per-day before the interview: {before}"
    );
    // On a fresh database every card a session shows is new: presented, or graded the first time.
    let events = session(&env, &["--limit", "7"], &USER);
    let introduced = events
        .iter()
        .filter(|e| {
            e["event"] == "presented" || (e["event"] == "graded" && e["kind"] == "scheduled")
        })
        .count() as u64;
    assert!(introduced > 0);
    assert_eq!(new_left(&env), before - introduced);
    let rest = session(&env, &[], &USER);
    assert!(rest.iter().any(|e| e["event"] == "card"));
    assert_eq!(new_left(&env), 0);
}

#[test]
fn the_points_a_typed_telling_missed_show_in_stats_and_plan_and_an_undo_takes_them_back() {
    let mut env = Env::new();
    env.at(&at(start()));
    let missed = |env: &Env| -> Vec<(String, u64)> {
        let stats = env.json(&["stats", "--json"]);
        let plan = env.json(&["plan", "--json"]);
        assert_eq!(stats["missed_points"], plan["missed_points"]);
        stats["missed_points"]
            .as_array()
            .unwrap()
            .iter()
            .map(|m| {
                (
                    m["story"].as_str().unwrap().to_string(),
                    m["tellings"].as_u64().unwrap(),
                )
            })
            .collect()
    };
    assert!(missed(&env).is_empty());
    // A short telling of one story: most of its points are missed.
    let args = [
        "review", "--kind", "recall", "--story", "sharding", "--story", "nginx-lb",
    ];
    let out = env.run_stdin(&args, "我们做过分库分表\n\n1\n:q\n");
    assert!(out.status.success(), "{}", stderr(&out));
    let after_one = missed(&env);
    assert_eq!(after_one.len(), 1, "{after_one:?}");
    assert_eq!(after_one[0].1, 1);
    // Tomorrow, another telling, then `:u` at the next card: it no longer counts.
    env.at(&at(start() + chrono::Days::new(1)));
    let out = env.run_stdin(&args, "分库分表\n\n3\n:u\n:q\n");
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(missed(&env), after_one);
    // Each card's last grade, kept for readiness, is its log's last scheduled grade.
    let drift: i64 = env
        .sql()
        .query_row(
            "SELECT count(*) FROM card c WHERE c.last_quality IS NOT (SELECT r.quality FROM review r
             WHERE r.card_id = c.id AND r.kind = 'scheduled' ORDER BY r.id DESC LIMIT 1)",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(drift, 0);
    let graded: i64 = env
        .sql()
        .query_row(
            "SELECT count(*) FROM card WHERE last_quality IS NOT NULL",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert!(graded > 0);
}
