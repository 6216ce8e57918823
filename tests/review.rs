//! The review session through piped stdin, on a temp database, across days.

use crate::util::{stdout, Env};

const MINE: &str = crate::fixture!("cache-stories.toml");

/// (card key, quality, kind, answered story, correct) of every logged answer.
type LoggedAnswer = (String, u8, String, Option<String>, Option<bool>);

fn reviews(env: &Env) -> Vec<LoggedAnswer> {
    let conn = env.sql();
    let mut stmt = conn
        .prepare("SELECT c.key, r.quality, r.kind, r.answered_story, r.correct FROM review r JOIN card c ON c.id = r.card_id ORDER BY r.id")
        .unwrap();
    stmt.query_map([], |r| {
        Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?))
    })
    .unwrap()
    .map(Result::unwrap)
    .collect()
}

fn state(env: &Env, key: &str) -> serde_json::Value {
    env.json(&["show", key, "--json"])["state"].clone()
}

/// A database with the `mine` deck whose recall card of cache-bug was seen yesterday.
fn mine_with_recall_seen() -> Env {
    let mut env = Env::new();
    let deck = env.write("mine.toml", MINE);
    env.ok(&["import", deck.to_str().unwrap()]);
    env.at("2027-01-03T09:00:00+08:00");
    env.ok(&["grade", "cache-bug", "5"]);
    env.at("2027-01-04T09:30:00+08:00");
    env
}

#[test]
fn piped_empty_answers_and_grades_grade_two_cards() {
    let env = Env::new();
    // Recall cards only: a new story is then told at once, not presented first.
    let out = env.run_stdin(&["review", "--kind", "recall"], "\n\n4\n\n\n4\n");
    assert!(out.status.success());
    let log = reviews(&env);
    assert_eq!(log.len(), 2, "{}", stdout(&out));
    assert!(log.iter().all(|r| r.1 == 4 && r.2 == "scheduled"));
    assert!(
        log.iter().all(|r| r.0.ends_with(".recall")),
        "new question cards wait for their recall card"
    );
    let text = stdout(&out);
    assert!(text.contains("next: in 1 day (2027-01-05)"), "{text}");
    assert!(
        text.contains("session: 2 cards · 2 right · 0 wrong"),
        "{text}"
    );
    assert!(!text.contains('\u{1b}'), "no colors when not a terminal");
}

#[test]
fn match_card_right_answer_by_fragment_is_suggested_five() {
    let env = mine_with_recall_seen();
    let out = env.run_stdin(&["review", "--deck", "mine", "--kind", "match"], "回填\n\n");
    let text = stdout(&out);
    assert!(text.contains("✓ right: 40 缓存回填 bug"), "{text}");
    assert!(text.contains("why: 缓存被新功能删掉没回填"), "{text}");
    let log = reviews(&env);
    assert_eq!(
        log.last().unwrap(),
        &(
            "cache-bug.q1".into(),
            5,
            "scheduled".into(),
            Some("cache-bug".into()),
            Some(true)
        )
    );
}

#[test]
fn ambiguous_and_unknown_answers_ask_again_ungraded() {
    let env = mine_with_recall_seen();
    let out = env.run_stdin(
        &["review", "--deck", "mine", "--kind", "match"],
        "cache\nkafka-nothing\n41\n\n",
    );
    let text = stdout(&out);
    assert!(
        text.contains("which one? 40 缓存回填 bug · 41 缓存雪崩"),
        "{text}"
    );
    assert!(text.contains("no story matches “kafka-nothing”"), "{text}");
    assert!(
        text.contains("✗ wrong: you said 41 缓存雪崩; it is 40 缓存回填 bug"),
        "{text}"
    );
    let log = reviews(&env);
    assert_eq!(log.len(), 2, "one grade for the card: {log:?}");
    assert_eq!(
        log[1],
        (
            "cache-bug.q1".into(),
            1,
            "scheduled".into(),
            Some("cache-storm".into()),
            Some(false)
        )
    );
}

#[test]
fn dont_know_is_zero_and_multiple_choice_is_at_best_three() {
    let env = mine_with_recall_seen();
    env.run_stdin(&["review", "--deck", "mine", "--kind", "match"], "\n\n");
    assert_eq!(reviews(&env)[1].1, 0);
    let env = mine_with_recall_seen();
    let out = env.run_stdin(
        &["review", "--deck", "mine", "--kind", "match"],
        "?\n40\n\n",
    );
    let text = stdout(&out);
    assert!(
        text.contains(") 40 缓存回填 bug"),
        "four choices listed: {text}"
    );
    assert_eq!(reviews(&env)[1].1, 3);
}

#[test]
fn cloze_is_compared_leniently() {
    let env = mine_with_recall_seen();
    let out = env.run_stdin(
        &["review", "--deck", "mine", "--kind", "cloze"],
        " 回滚。\n\n",
    );
    let text = stdout(&out);
    assert!(text.contains("发现问题后我们立即[…]了新功能代码"), "{text}");
    assert!(text.contains("✓ right"), "{text}");
    let log = reviews(&env);
    assert_eq!((log[1].1, log[1].4), (5, Some(true)));
}

#[test]
fn recall_telling_marks_key_points_and_suggests_from_coverage() {
    let mut env = Env::new();
    let deck = env.write("mine.toml", MINE);
    env.ok(&["import", deck.to_str().unwrap()]);
    env.at("2027-01-04T10:00:00+08:00");
    let telling = "新功能把缓存删了没有回填\n我们立即回滚了新功能\n\n\n";
    let out = env.run_stdin(
        &[
            "review", "--deck", "mine", "--kind", "recall", "--limit", "1",
        ],
        telling,
    );
    let text = stdout(&out);
    assert!(text.contains("covered 2 of 3 key points"), "{text}");
    assert!(text.contains("✓ 新功能删了缓存没回填"), "{text}");
    assert!(text.contains("✗ 线下认真测试后重新上线"), "{text}");
    // 2 of 3 covered is ≥ 50 % and < 70 %: suggestion 3, accepted with Enter.
    assert_eq!(reviews(&env)[0].1, 3);
}

#[test]
fn a_failed_card_comes_back_as_a_redrill_until_it_scores_four() {
    let env = Env::new();
    // Card 1 graded 2, card 2 graded 5, then card 1 again: 3 (still < 4), then 4.
    let out = env.run_stdin(
        &["review", "--kind", "recall", "--new", "2"],
        "\n\n2\n\n\n5\n\n\n3\n\n\n4\n\n\n5\n",
    );
    let log = reviews(&env);
    let kinds: Vec<(u8, &str)> = log.iter().map(|r| (r.1, r.2.as_str())).collect();
    assert_eq!(
        kinds,
        vec![
            (2, "scheduled"),
            (5, "scheduled"),
            (3, "redrill"),
            (4, "redrill")
        ],
        "{}",
        stdout(&out)
    );
    assert_eq!(log[0].0, log[2].0);
    assert_eq!(log[0].0, log[3].0);
    // The re-drills changed nothing: one scheduled review, due tomorrow, EF 2.5 − 0.32.
    let s = state(&env, &log[0].0);
    assert_eq!(
        (
            s["reviews"].as_u64(),
            s["easiness"].as_f64(),
            s["due"].as_str()
        ),
        (Some(1), Some(2.18), Some("2027-01-05"))
    );
}

#[test]
fn a_restart_the_same_day_still_owes_the_redrill_and_no_new_cards() {
    let env = Env::new();
    env.ok(&["config", "set", "new-per-day", "2"]);
    env.run_stdin(&["review", "--kind", "recall"], "\n\n1\n:q\n");
    let out = env.run_stdin(&["review", "--kind", "recall"], "\n\n5\n\n\n5\n\n\n5\n");
    let log = reviews(&env);
    let kinds: Vec<(u8, &str)> = log.iter().map(|r| (r.1, r.2.as_str())).collect();
    assert_eq!(
        kinds,
        vec![(1, "scheduled"), (5, "scheduled"), (5, "redrill")],
        "{}",
        stdout(&out)
    );
    let again = env.run_stdin(&["review", "--kind", "recall"], "");
    assert!(
        stdout(&again).contains("Nothing is due today."),
        "{}",
        stdout(&again)
    );
}

#[test]
fn undo_restores_the_state_exactly_and_asks_the_card_again() {
    let env = Env::new();
    let out = env.run_stdin(
        &["review", "--kind", "recall", "--new", "2"],
        "\n\n5\n:u\n\n\n3\n",
    );
    let text = stdout(&out);
    assert!(text.contains("undone: card #"), "{text}");
    let log = reviews(&env);
    assert_eq!(log.len(), 1, "{log:?}");
    assert_eq!(log[0].1, 3);
    let s = state(&env, &log[0].0);
    assert_eq!(
        (s["reviews"].as_u64(), s["easiness"].as_f64()),
        (Some(1), Some(2.36))
    );
}

#[test]
fn skip_buries_the_card_until_tomorrow() {
    let mut env = Env::new();
    let deck = env.write("mine.toml", MINE);
    env.ok(&["import", deck.to_str().unwrap()]);
    env.at("2027-01-04T10:00:00+08:00");
    // The deck has two new recall cards; skip the first one shown.
    let out = env.run_stdin(&["review", "--deck", "mine", "--new", "1"], ":s\n");
    assert!(stdout(&out).contains("skipped until tomorrow"));
    assert!(reviews(&env).is_empty());
    let buried: Vec<String> = {
        let conn = env.sql();
        let mut stmt = conn
            .prepare("SELECT key FROM card WHERE buried_until = '2027-01-05'")
            .unwrap();
        stmt.query_map([], |r| r.get(0))
            .unwrap()
            .map(Result::unwrap)
            .collect()
    };
    assert_eq!(buried.len(), 1);
    let again = env.run_stdin(&["review", "--deck", "mine", "--new", "5"], "\n4\n\n4\n");
    let today: Vec<String> = reviews(&env).into_iter().map(|r| r.0).collect();
    assert_eq!(today.len(), 1, "{}", stdout(&again));
    assert_ne!(today[0], buried[0]);
    env.at("2027-01-05T09:30:00+08:00");
    env.run_stdin(
        &["review", "--deck", "mine", "--kind", "recall", "--new", "5"],
        "\n\n4\n\n\n4\n",
    );
    assert!(
        reviews(&env).iter().any(|r| r.0 == buried[0]),
        "back the next day"
    );
}

#[test]
fn nothing_due_says_when_and_how_to_go_on() {
    let env = Env::new();
    env.ok(&["config", "set", "new-per-day", "1"]);
    env.run_stdin(&["review", "--kind", "recall"], "\n\n4\n");
    let out = env.run_stdin(&["review"], "");
    assert!(out.status.success());
    let text = stdout(&out);
    assert!(
        text.contains("The next card is due on 2027-01-05 (in 1 day)."),
        "{text}"
    );
    assert!(text.contains("--cram") && text.contains("--new"), "{text}");
}

#[test]
fn cram_logs_cram_and_keeps_the_schedule() {
    let env = mine_with_recall_seen();
    let before = state(&env, "cache-bug");
    env.run_stdin(
        &["review", "--deck", "mine", "--cram", "--kind", "recall"],
        "\n\n1\n",
    );
    let log = reviews(&env);
    assert_eq!(log.last().unwrap().2, "cram");
    assert_eq!(state(&env, "cache-bug"), before);
}

#[test]
fn whole_sessions_across_days_follow_sm2() {
    let mut env = Env::new();
    env.ok(&["config", "set", "new-per-day", "5"]);
    for (day, answers) in [("04", 5), ("05", 10), ("06", 10), ("08", 10), ("12", 12)] {
        env.at(&format!("2027-01-{day}T09:30:00+08:00"));
        let input = "\n\n4\n".repeat(answers);
        let out = env.run_stdin(&["review", "--kind", "recall"], &input);
        assert!(out.status.success(), "{}", stdout(&out));
    }
    let conn = env.sql();
    // Every card's stored state equals a replay of its log.
    let mut stmt = conn.prepare("SELECT DISTINCT card_id FROM review").unwrap();
    let ids: Vec<i64> = stmt
        .query_map([], |r| r.get(0))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    assert!(ids.len() >= 5);
    for id in ids {
        let mut log = conn
            .prepare("SELECT kind, quality, day FROM review WHERE card_id = ?1 ORDER BY id")
            .unwrap();
        let entries: Vec<(
            storydrill::core::sm2::ReviewKind,
            storydrill::core::types::Quality,
            storydrill::core::types::StudyDay,
        )> = log
            .query_map([id], |r| {
                let kind: String = r.get(0)?;
                Ok((
                    storydrill::core::sm2::ReviewKind::parse(&kind).unwrap(),
                    r.get(1)?,
                    r.get(2)?,
                ))
            })
            .unwrap()
            .map(Result::unwrap)
            .collect();
        let replayed = storydrill::core::sm2::replay(&entries);
        let stored: (u32, u16, u32, Option<String>) = conn
            .query_row(
                "SELECT repetitions, easiness, interval_days, due FROM card WHERE id = ?1",
                [id],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
            )
            .unwrap();
        assert_eq!(
            stored,
            (
                replayed.repetitions,
                replayed.easiness.hundredths(),
                replayed.interval_days,
                replayed.due.map(|d| d.to_string())
            )
        );
    }
    // Cards first seen on the 4th (graded 4: I = 1, 6) are due on the 11th and were reviewed on the 12th.
    let reviewed_12th: i64 = conn
        .query_row(
            "SELECT count(*) FROM review WHERE day = '2027-01-12'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert!(reviewed_12th >= 5);
}

#[test]
fn deck_text_cannot_send_escape_sequences_to_the_terminal() {
    let mut env = Env::new();
    let evil = MINE.replace(
        "讲一次上线后接口变慢",
        "讲一次\\u001b[2J\\u001b]0;pwned\\u0007变慢",
    );
    let deck = env.write("evil.toml", &evil);
    env.ok(&["import", deck.to_str().unwrap()]);
    env.at("2027-01-04T10:00:00+08:00");
    let out = env.run_stdin(
        &["review", "--deck", "mine", "--kind", "recall"],
        "\n4\n\n4\n",
    );
    let text = stdout(&out);
    assert!(text.contains("讲一次变慢"), "{text}");
    assert!(
        !text.contains('\u{1b}') && !text.contains('\u{7}'),
        "{text:?}"
    );
}

#[test]
fn bad_seed_and_unknown_deck_are_errors() {
    let env = Env::new();
    let out = env
        .command()
        .args(["review"])
        .env("STORYDRILL_SEED", "x")
        .write_stdin("")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(crate::util::stderr(&out).contains("STORYDRILL_SEED"));
    let err = env.fails(&["review", "--deck", "nope"], 1);
    assert!(err.contains("no deck named \"nope\""), "{err}");
}

#[test]
fn edit_in_the_session_saves_and_shows_the_card_again() {
    use std::os::unix::fs::PermissionsExt;
    let env = mine_with_recall_seen();
    let script = env.write(
        "ed.sh",
        "#!/bin/sh\nsed -i 's/^text = .*/text = \"改过以后的问题？\"/' \"$1\"\n",
    );
    std::fs::set_permissions(&script, std::fs::Permissions::from_mode(0o755)).unwrap();
    let out = env
        .command()
        .env("EDITOR", &script)
        .args(["review", "--deck", "mine", "--kind", "match"])
        .write_stdin(":e\n40\n\n")
        .output()
        .unwrap();
    let text = stdout(&out);
    assert!(text.contains("saved; here it is again"), "{text}");
    assert!(
        text.contains("改过以后的问题？"),
        "the edited card is shown: {text}"
    );
    assert_eq!(
        env.json(&["show", "cache-bug.q1", "--json"])["front"],
        "改过以后的问题？"
    );
    let log = reviews(&env);
    assert_eq!(log.last().unwrap().0, "cache-bug.q1");
    assert_eq!(log.last().unwrap().4, Some(true));
}

#[test]
fn a_confused_match_answer_in_a_session_shows_in_stats() {
    let env = mine_with_recall_seen();
    env.run_stdin(&["review", "--deck", "mine", "--kind", "match"], "41\n\n");
    let stats = env.json(&["stats", "--json"]);
    let confusions = stats["confusions"].as_array().unwrap();
    assert_eq!(confusions.len(), 1, "{stats}");
    assert_eq!(confusions[0]["asked"], "cache-bug");
    assert_eq!(confusions[0]["answered"], "cache-storm");
    assert_eq!(
        (
            confusions[0]["times"].as_u64(),
            confusions[0]["of"].as_u64()
        ),
        (Some(1), Some(1))
    );
    let story = stats["stories"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["key"] == "cache-bug")
        .unwrap()
        .clone();
    assert_eq!(story["match_accuracy"].as_f64(), Some(0.0));
    let text = env.ok(&["stats"]);
    assert!(text.contains("asked for 40 缓存回填 bug"), "{text}");
}

#[test]
fn owed_redrills_respect_deck_kind_and_skip() {
    let env = Env::new();
    let deck = env.write("mine.toml", MINE);
    env.ok(&["import", deck.to_str().unwrap()]);
    // A scheduled grade below 4 owes a re-drill today, of a recall card in deck `stories`.
    env.ok(&["grade", "sharding", "2"]);
    let out = env.run_stdin(&["review", "--kind", "cloze", "--new", "0"], "");
    assert!(
        stdout(&out).contains("Nothing is due today."),
        "--kind cloze shows no recall card: {}",
        stdout(&out)
    );
    let out = env.run_stdin(&["review", "--deck", "mine", "--new", "0"], "");
    assert!(
        !stdout(&out).contains("Tell the story"),
        "--deck mine shows no card of deck stories: {}",
        stdout(&out)
    );
    // Skipped until tomorrow: a restart the same day does not bring the re-drill back.
    let out = env.run_stdin(&["review", "--new", "0"], ":s\n");
    assert!(
        stdout(&out).contains("skipped until tomorrow"),
        "{}",
        stdout(&out)
    );
    let out = env.run_stdin(&["review", "--new", "0"], "");
    assert!(
        stdout(&out).contains("Nothing is due today."),
        "{}",
        stdout(&out)
    );
}

#[test]
fn the_summary_counts_overdue_cards_in_due_tomorrow() {
    let env = mine_with_recall_seen();
    // cache-bug.recall is due today and not shown (--kind match); the question is graded 1 today.
    let out = env.run_stdin(&["review", "--deck", "mine", "--kind", "match"], "41\n\n");
    let text = stdout(&out);
    assert!(
        text.contains("due tomorrow: 2"),
        "the overdue recall card and the failed question: {text}"
    );
}

#[test]
fn a_skipped_card_is_not_counted_due_in_decks() {
    let env = mine_with_recall_seen();
    let due = |env: &Env| {
        let decks = env.json(&["decks", "--json"]);
        decks
            .as_array()
            .unwrap()
            .iter()
            .find(|d| d["name"] == "mine")
            .unwrap()["due"]
            .as_u64()
    };
    assert_eq!(due(&env), Some(1));
    let out = env.run_stdin(
        &["review", "--deck", "mine", "--kind", "recall", "--new", "0"],
        ":s\n",
    );
    assert!(
        stdout(&out).contains("skipped until tomorrow"),
        "{}",
        stdout(&out)
    );
    assert_eq!(due(&env), Some(0));
}

#[test]
fn a_timed_telling_shows_the_time_left_and_the_pace() {
    let env = Env::new();
    let out = env.run_stdin(
        &[
            "review", "--kind", "recall", "--limit", "1", "--timed", "30",
        ],
        "我们的订单表有两千万行\n\n\n4\n",
    );
    let text = stdout(&out);
    assert!(text.contains("you have 0:30"), "{text}");
    assert!(text.contains("tell 0:30 left> "), "{text}");
    assert!(text.contains("told in 0:00 · "), "{text}");
    assert!(text.contains(" characters a minute"), "{text}");
    // Without SECONDS, the telling-seconds setting.
    env.ok(&["config", "set", "telling-seconds", "45"]);
    let out = env.run_stdin(
        &["review", "--kind", "recall", "--limit", "1", "--timed"],
        "\n\n4\n",
    );
    let text = stdout(&out);
    assert!(text.contains("you have 0:45"), "{text}");
    assert!(text.contains("told aloud in 0:00"), "{text}");
    let err = env.fails(&["review", "--timed", "99999"], 2);
    assert!(err.contains("--timed"), "{err}");
}
