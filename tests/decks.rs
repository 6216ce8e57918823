//! `import` and `export` through the real binary: byte-identical round trips, updates by stable key
//! that keep history, retiring, and bad files rejected whole with their line and column.

use crate::util::{stderr, stdout, Env};
use serde_json::Value;

const MINE: &str = crate::fixture!("mine.toml");

fn list(env: &Env, args: &[&str]) -> Vec<String> {
    let mut all = vec!["list", "--json"];
    all.extend_from_slice(args);
    env.json(&all)
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["key"].as_str().unwrap().to_string())
        .collect()
}

/// Everything a failed import must leave as it was.
fn snapshot(env: &Env) -> (Value, Value, Value, Value) {
    (
        env.json(&["list", "--json", "--retired"]),
        env.json(&["decks", "--json"]),
        env.json(&["stories", "--json"]),
        env.json(&["show", "sharding", "--json"]),
    )
}

#[test]
fn builtin_decks_export_import_export_byte_identically() {
    let env = Env::new();
    for deck in ["stories", "templates"] {
        let first = env.ok(&["export", deck]);
        assert!(first.contains(&format!("name = \"{deck}\"")));
        let file = env.path(&format!("{deck}.toml"));
        env.ok(&["export", deck, "-o", file.to_str().unwrap()]);
        assert_eq!(
            std::fs::read_to_string(&file).unwrap(),
            first,
            "-o writes the same text"
        );
        let report = env.json(&["import", file.to_str().unwrap(), "--json"]);
        assert_eq!(report["added"], 0, "{report}");
        assert_eq!(report["updated"], 0, "{report}");
        assert_eq!(report["retired"], 0, "{report}");
        let second = env.ok(&["export", deck]);
        assert!(first == second, "{deck}: export → import → export differs");
    }
    assert_eq!(list(&env, &[]).len(), crate::util::BUILTIN_CARDS);
}

#[test]
fn a_user_deck_round_trips_byte_identically_and_names_builtin_stories() {
    let env = Env::new();
    env.write("mine.toml", MINE);
    let report = env.json(&["import", "mine.toml", "--json"]);
    assert_eq!(
        report,
        serde_json::json!({"deck": "mine", "added": 5, "updated": 0, "unchanged": 0, "retired": 0,
                           "retired_keys": [], "filled_deleted": [], "warnings": ["alias \"缓存\" of cache-bug is also perf-tuning: answering it asks which one is meant"]})
    );
    let first = env.ok(&["export", "mine"]);
    env.write("mine-exported.toml", &first);
    let report = env.json(&["import", "mine-exported.toml", "--json"]);
    assert_eq!(report["unchanged"], 5, "{report}");
    let second = env.ok(&["export", "mine"]);
    assert!(
        first == second,
        "export → import → export differs:\n{first}\n---\n{second}"
    );
    // The export reads back as the same deck.
    assert!(
        first.contains("number = 33"),
        "the next free story number: {first}"
    );
    assert!(first.contains("answers = [\n  \"cache-bug\",\n  \"perf-tuning\",\n]"));

    assert_eq!(
        list(&env, &["--deck", "mine"]),
        [
            "cache-bug.recall",
            "cache-bug.q1",
            "cache-bug.q2",
            "cache-bug.c1",
            "tip.1"
        ]
    );
    let q1 = env.json(&["show", "cache-bug.q1", "--json"]);
    assert_eq!(
        q1["answers"],
        serde_json::json!(["cache-bug", "perf-tuning"])
    );
    let recall = env.json(&["show", "cache-bug", "--json"]);
    assert_eq!(recall["front"], "讲讲「缓存被删」");
    assert!(recall["back"].as_str().unwrap().contains("缓存被删了"));
    let stories = env.json(&["stories", "--json"]);
    assert_eq!(stories[32]["key"], "cache-bug");
    assert_eq!(stories[32]["source"], "written");
}

#[test]
fn importing_a_changed_file_updates_texts_retires_missing_cards_and_keeps_history() {
    let mut env = Env::new();
    env.write("mine.toml", MINE);
    env.ok(&["import", "mine.toml"]);
    env.ok(&["grade", "cache-bug.q1", "5"]);
    env.ok(&["grade", "cache-bug.q2", "3"]);
    env.at("2027-01-05T09:30:00+08:00");
    env.ok(&["grade", "cache-bug.q1", "4"]);
    let before_q1 = env.json(&["show", "cache-bug.q1", "--json"]);
    let before_q2 = env.json(&["show", "cache-bug.q2", "--json"]);

    // q1 reworded, q2 dropped, a new basic card.
    let changed = MINE
        .replace("接口突然变慢怎么办？", "线上接口突然变慢了，你怎么排查？")
        .replace(
            "[[question]]\nkey = \"cache-bug.q2\"\ntext = \"上线出过什么事故？\"\nanswers = [\"cache-bug\"]\n",
            "",
        )
        + "\n[[card]]\nkey = \"tip.2\"\nfront = \"new\"\nback = \"card\"\n";
    env.write("mine.toml", &changed);
    let preview = env.json(&["import", "mine.toml", "--dry-run", "--json"]);
    let expected = serde_json::json!({"deck": "mine", "added": 1, "updated": 3, "unchanged": 1, "retired": 1,
                                      "retired_keys": ["cache-bug.q2"], "filled_deleted": [],
                                      "warnings": ["alias \"缓存\" of cache-bug is also perf-tuning: answering it asks which one is meant"]});
    // updated: q1 (text) and the cloze and tip.1 (positions moved up).
    assert_eq!(preview, expected);
    assert_eq!(
        env.json(&["show", "cache-bug.q1", "--json"]),
        before_q1,
        "--dry-run changed nothing"
    );
    assert_eq!(list(&env, &["--deck", "mine"]).len(), 5);

    // Retiring what the user wrote needs --replace (issue 8).
    assert_eq!(
        env.json(&["import", "mine.toml", "--replace", "--json"]),
        expected
    );
    let q1 = env.json(&["show", "cache-bug.q1", "--json"]);
    assert_eq!(q1["front"], "线上接口突然变慢了，你怎么排查？");
    assert_eq!(q1["id"], before_q1["id"], "same card, by key");
    assert_eq!(q1["state"], before_q1["state"], "scheduling kept");
    assert_eq!(q1["history"], before_q1["history"], "history kept");
    assert_eq!(q1["history"].as_array().unwrap().len(), 2);

    // The dropped card is retired: hidden, still there with its history.
    assert_eq!(
        list(&env, &["--deck", "mine"]),
        [
            "cache-bug.recall",
            "cache-bug.q1",
            "cache-bug.c1",
            "tip.1",
            "tip.2"
        ]
    );
    assert!(list(&env, &["--deck", "mine", "--retired"]).contains(&"cache-bug.q2".to_string()));
    let q2 = env.json(&["show", "cache-bug.q2", "--json"]);
    assert_eq!(q2["retired"], true);
    assert_eq!(q2["history"], before_q2["history"]);
    assert_eq!(q2["state"], before_q2["state"]);
    assert!(!env.ok(&["export", "mine"]).contains("cache-bug.q2"));
    assert!(!env.ok(&["list", "--due"]).contains("cache-bug.q2"));
    let err = env.fails(&["grade", "cache-bug.q2", "4"], 1);
    assert!(err.contains("retired"), "{err}");
    let decks = env.json(&["decks", "--json"]);
    assert_eq!(decks[2]["total"], 5, "{decks}");

    // Back in the file, it comes back with its history.
    env.write("mine.toml", MINE);
    let report = env.json(&["import", "mine.toml", "--replace", "--json"]);
    assert_eq!(report["retired"], 1, "tip.2 now: {report}");
    let q2 = env.json(&["show", "cache-bug.q2", "--json"]);
    assert_eq!(q2["retired"], false);
    assert_eq!(q2["history"], before_q2["history"]);
}

#[test]
fn dropping_a_story_retires_it_and_its_recall_card() {
    let env = Env::new();
    env.write("mine.toml", MINE);
    env.ok(&["import", "mine.toml"]);
    env.ok(&["grade", "cache-bug", "4"]);
    let only_card = "[deck]\nname = \"mine\"\n\n[[card]]\nkey = \"tip.1\"\nfront = \"STAR 是什么？\"\nback = \"\"\n";
    env.write("mine.toml", only_card);
    let report = env.json(&["import", "mine.toml", "--replace", "--json"]);
    assert_eq!(report["retired"], 4, "{report}");
    assert_eq!(list(&env, &["--deck", "mine"]), ["tip.1"]);
    let stories = env.json(&["stories", "--json"]);
    assert_eq!(
        stories.as_array().unwrap().len(),
        32,
        "the retired story left the catalog"
    );
    let recall = env.json(&["show", "cache-bug.recall", "--json"]);
    assert_eq!(recall["retired"], true);
    assert_eq!(recall["history"].as_array().unwrap().len(), 1);
}

/// Imports `text` as `name` and expects it refused with `name:line:column: …` naming `reason`,
/// leaving the database as it was.
fn assert_rejected(env: &Env, name: &str, text: &str, line: usize, reason: &str) {
    let before = snapshot(env);
    env.write(name, text);
    for dry_run in [false, true] {
        let mut args = vec!["import", name, "--json"];
        if dry_run {
            args.push("--dry-run");
        }
        let out = env.run(&args);
        assert_eq!(out.status.code(), Some(1), "{name} was accepted");
        assert_eq!(stdout(&out), "", "errors never go to stdout");
        let err = stderr(&out);
        let prefix = format!("storydrill: error: {name}:{line}:");
        assert!(err.starts_with(&prefix), "expected {prefix}…, got {err}");
        let column = err[prefix.len()..].split(':').next().unwrap();
        assert!(column.parse::<usize>().unwrap() >= 1, "no column: {err}");
        assert!(err.contains(reason), "expected {reason:?} in {err}");
    }
    assert_eq!(snapshot(env), before, "{name}: the database changed");
}

#[test]
fn malformed_files_are_rejected_whole_with_line_and_column() {
    let env = Env::new();
    env.write("mine.toml", MINE);
    env.ok(&["import", "mine.toml"]);
    env.ok(&["grade", "sharding", "4"]);

    // The first entries are fine; the file is still rejected whole.
    let unclosed = MINE.replace("[[card]]", "[[card]");
    let line = line_of(&unclosed, "[[card]");
    assert_rejected(&env, "unclosed.toml", &unclosed, line, "expected `]`");

    let bad_value = MINE.replace("why = \"缓存被删\"", "why = 缓存被删");
    assert_rejected(
        &env,
        "value.toml",
        &bad_value,
        line_of(&bad_value, "why ="),
        "string",
    );

    let unknown_field = MINE.replace("why = \"缓存被删\"", "reason = \"缓存被删\"");
    assert_rejected(
        &env,
        "field.toml",
        &unknown_field,
        line_of(&unknown_field, "reason ="),
        "reason",
    );
}

fn line_of(text: &str, start: &str) -> usize {
    text.lines().position(|l| l.starts_with(start)).unwrap() + 1
}

#[test]
fn duplicate_keys_unknown_stories_and_empty_texts_are_errors_with_line_numbers() {
    let env = Env::new();
    env.write("mine.toml", MINE);
    env.ok(&["import", "mine.toml"]);

    let duplicate = MINE.replace("key = \"tip.1\"", "key = \"cache-bug.q1\"");
    let line = duplicate
        .lines()
        .enumerate()
        .filter(|(_, l)| *l == "key = \"cache-bug.q1\"")
        .map(|(i, _)| i + 1)
        .last()
        .unwrap();
    assert_rejected(
        &env,
        "dup.toml",
        &duplicate,
        line,
        "duplicate key \"cache-bug.q1\"",
    );

    let unknown = MINE.replace(
        "answers = [\"cache-bug\"]",
        "answers = [\"cache-bug\", \"no-such-story\"]",
    );
    assert_rejected(
        &env,
        "unknown.toml",
        &unknown,
        line_of(&unknown, "answers = [\"cache-bug\", \"no-such"),
        "question \"cache-bug.q2\" names unknown story \"no-such-story\"",
    );

    let unknown_cloze = MINE.replace("story = \"cache-bug\"", "story = \"nope\"");
    assert_rejected(
        &env,
        "cloze.toml",
        &unknown_cloze,
        line_of(&unknown_cloze, "story = \"nope\""),
        "unknown story \"nope\"",
    );

    let empty_question = MINE.replace("text = \"上线出过什么事故？\"", "text = \"  \"");
    assert_rejected(
        &env,
        "empty.toml",
        &empty_question,
        line_of(&empty_question, "text = \"  \""),
        "question text is empty",
    );

    let empty_front = MINE.replace("front = \"STAR 是什么？\"", "front = \"\"");
    assert_rejected(
        &env,
        "front.toml",
        &empty_front,
        line_of(&empty_front, "front = "),
        "front is empty",
    );

    let empty_story = MINE.replace(
        "text = \"\"\"\n新功能上线后，一个旧接口变慢了。\n我们查日志，发现缓存被删了。\"\"\"",
        "text = \"\"",
    );
    assert_rejected(
        &env,
        "story.toml",
        &empty_story,
        line_of(&empty_story, "text = \"\""),
        "text is empty",
    );

    let no_answers = MINE.replace("answers = [\"cache-bug\"]", "answers = []");
    assert_rejected(
        &env,
        "answers.toml",
        &no_answers,
        line_of(&no_answers, "answers = []"),
        "names no story",
    );

    // A key taken by another deck.
    let stolen = MINE.replace("key = \"tip.1\"", "key = \"sharding.q1\"");
    let before = snapshot(&env);
    env.write("stolen.toml", &stolen);
    let err = env.fails(&["import", "stolen.toml"], 1);
    assert!(
        err.contains("card key \"sharding.q1\" already belongs to deck \"stories\""),
        "{err}"
    );
    assert_eq!(snapshot(&env), before);
}

#[test]
fn a_file_that_is_not_utf8_is_an_error() {
    let env = Env::new();
    let before = snapshot(&env);
    let mut bytes = MINE.as_bytes().to_vec();
    let at = MINE.find("缓存被删").unwrap();
    bytes[at] = 0xff;
    std::fs::write(env.path("latin.toml"), &bytes).unwrap();
    let out = env.run(&["import", "latin.toml"]);
    assert_eq!(out.status.code(), Some(1));
    let line = MINE[..at].matches('\n').count() + 1;
    let err = stderr(&out);
    assert!(err.contains(&format!("latin.toml:{line}:")), "{err}");
    assert!(err.contains("not UTF-8"), "{err}");
    assert_eq!(snapshot(&env), before);

    let err = env.fails(&["import", "missing.toml"], 1);
    assert!(err.contains("could not read missing.toml"), "{err}");
}

#[test]
fn dry_run_changes_nothing() {
    let env = Env::new();
    let before = snapshot(&env);
    env.write("mine.toml", MINE);
    let text = env.ok(&["import", "mine.toml", "--dry-run"]);
    assert_eq!(
        text,
        "would import deck mine: 5 added, 0 updated, 0 unchanged, 0 retired\n"
    );
    assert_eq!(snapshot(&env), before);
    let err = env.fails(&["export", "mine"], 1);
    assert!(err.contains("no deck named \"mine\""), "{err}");
    let text = env.ok(&["import", "mine.toml"]);
    assert_eq!(
        text,
        "imported deck mine: 5 added, 0 updated, 0 unchanged, 0 retired\n"
    );
}

#[test]
fn the_deck_example_in_the_readme_imports() {
    let readme =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap();
    let section = &readme[readme.find("## Deck files").expect("deck section")..];
    let start = section.find("```toml\n").expect("toml block") + "```toml\n".len();
    let end = start + section[start..].find("```").unwrap();
    let env = crate::util::Env::new();
    let file = env.write("readme.toml", &section[start..end]);
    let out = env.ok(&["import", file.to_str().unwrap()]);
    assert!(out.contains("imported deck mine"), "{out}");
    assert_eq!(
        env.json(&["show", "cache-bug.q1", "--json"])["answers"][0],
        "cache-bug"
    );
}

/// A deck "mine" of stories given as (key, number), each with a recall card only.
fn numbered(stories: &[(&str, Option<u32>)]) -> String {
    let mut text = String::from("[deck]\nname = \"mine\"\n");
    for (key, number) in stories {
        text.push_str(&format!("\n[[story]]\nkey = \"{key}\"\n"));
        if let Some(n) = number {
            text.push_str(&format!("number = {n}\n"));
        }
        text.push_str(&format!("title = \"故事 {key}\"\ntext = \"讲 {key}\"\n"));
    }
    text
}

fn numbers(env: &Env) -> Vec<(String, u64)> {
    env.json(&["stories", "--json"])
        .as_array()
        .unwrap()
        .iter()
        .filter(|s| s["deck"] == "mine")
        .map(|s| {
            (
                s["key"].as_str().unwrap().to_string(),
                s["number"].as_u64().unwrap(),
            )
        })
        .collect()
}

#[test]
fn story_numbers_and_keys_are_checked_against_every_deck() {
    let env = Env::new();
    env.write("a.toml", &numbered(&[("one", Some(40)), ("two", None)]));
    env.ok(&["import", "a.toml"]);
    assert_eq!(numbers(&env), [("one".into(), 40), ("two".into(), 41)]);

    // A story moves to a free number; a new one takes the next after the highest in use.
    env.write(
        "b.toml",
        &numbered(&[("one", Some(50)), ("two", None), ("three", None)]),
    );
    env.ok(&["import", "b.toml"]);
    assert_eq!(
        numbers(&env),
        [("two".into(), 41), ("one".into(), 50), ("three".into(), 51)]
    );
    // The number it left is free again.
    env.write(
        "c.toml",
        &numbered(&[("one", Some(50)), ("two", Some(40)), ("three", None)]),
    );
    env.ok(&["import", "c.toml"]);
    assert_eq!(
        numbers(&env),
        [("two".into(), 40), ("one".into(), 50), ("three".into(), 51)]
    );

    let before = snapshot(&env);
    env.write(
        "taken.toml",
        &numbered(&[("one", Some(50)), ("two", Some(51)), ("three", None)]),
    );
    let err = env.fails(&["import", "taken.toml"], 1);
    assert!(
        err.contains("story \"two\": number 51 is already taken by story \"three\""),
        "{err}"
    );
    env.write("builtin.toml", &numbered(&[("one", Some(1))]));
    let err = env.fails(&["import", "builtin.toml"], 1);
    assert!(
        err.contains("story \"one\": number 1 is already taken by story \"perf-tuning\""),
        "{err}"
    );
    env.write(
        "stolen.toml",
        &numbered(&[("one", Some(50)), ("sharding", None)]),
    );
    let err = env.fails(&["import", "stolen.toml"], 1);
    assert!(
        err.contains("story key \"sharding\" already belongs to deck \"stories\""),
        "{err}"
    );
    assert_eq!(snapshot(&env), before);
}
