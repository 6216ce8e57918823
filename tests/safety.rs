//! Issue 8: nothing lost, nothing injected. Each test here failed before its fix.

use crate::util::{stderr, stdout, Env};

/// The user's own deck: a story, a question and filled answers of the self-introduction.
const MINE: &str = crate::fixture!("mine-filled.toml");

/// A stranger's deck file that happens to use the same deck name.
const STRANGER: &str =
    "[deck]\nname = \"mine\"\n\n[[card]]\nkey = \"hello\"\nfront = \"hi\"\nback = \"there\"\n";

fn with_mine() -> Env {
    let env = Env::new();
    env.write("mine.toml", MINE);
    env.ok(&["import", "mine.toml"]);
    env.ok(&["grade", "cache-bug", "4"]);
    env
}

fn filled_rows(env: &Env) -> Vec<(String, String)> {
    env.sql()
        .prepare("SELECT template, answers FROM filled ORDER BY id")
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .map(Result::unwrap)
        .collect()
}

// 1. A deck file named like yours does not replace yours.
#[test]
fn a_stranger_deck_named_like_yours_is_refused_without_replace() {
    let env = with_mine();
    let before = env.dump();
    env.write("stranger.toml", STRANGER);
    let err = env.fails(&["import", "stranger.toml"], 1);
    assert!(err.contains("would retire"), "{err}");
    assert!(err.contains("cache-bug.recall"), "says what: {err}");
    assert!(err.contains("--replace"), "says how: {err}");
    assert_eq!(env.dump(), before, "a refused import changes nothing");

    // --dry-run tells the same, changing nothing.
    let preview = env.json(&["import", "stranger.toml", "--dry-run", "--json"]);
    assert_eq!(
        preview["retired_keys"],
        serde_json::json!(["cache-bug.q1", "cache-bug.recall"]),
        "{preview}"
    );
    assert_eq!(
        preview["filled_deleted"],
        serde_json::json!([]),
        "{preview}"
    );
    assert_eq!(env.dump(), before);

    // Asked for: the cards retire (history kept), and the filled answers stay, as the file has
    // no [[filled]] entries.
    let filled = filled_rows(&env);
    let report = env.json(&["import", "stranger.toml", "--replace", "--json"]);
    assert_eq!(report["retired"], 2, "{report}");
    assert_eq!(
        filled_rows(&env),
        filled,
        "filled answers are never deleted by this file"
    );
    let recall = env.json(&["show", "cache-bug", "--json"]);
    assert_eq!(recall["retired"], true);
    assert_eq!(recall["history"].as_array().unwrap().len(), 1);
    let intro = env.json(&["show", "mine.fill.self-intro", "--json"]);
    assert_eq!(intro["retired"], false, "the filled template's cards stay");
}

#[test]
fn a_deck_file_dropping_filled_entries_needs_replace_and_keeps_a_revision() {
    let env = with_mine();
    let other = MINE.replace(
        "[[filled]]\ntemplate = \"self-intro\"\nanswers = [\"张三\", \"北京\", \"28\"]\n",
        "[[filled]]\ntemplate = \"project\"\nanswers = [\"程序员\"]\n",
    );
    env.write("other.toml", &other);
    let before = env.dump();
    let err = env.fails(&["import", "other.toml"], 1);
    assert!(err.contains("filled answers of self-intro"), "{err}");
    assert_eq!(env.dump(), before);
    env.ok(&["import", "other.toml", "--replace"]);
    let kept = env.json(&["revisions", "mine:self-intro", "--json"]);
    assert_eq!(
        kept[0]["content"]["answers"],
        serde_json::json!(["张三", "北京", "28"]),
        "{kept}"
    );
}

#[test]
fn a_card_file_row_overwriting_your_text_keeps_the_earlier_text() {
    let env = with_mine();
    env.write(
        "rows.csv",
        "deck,kind,front,key,answers\nmine,match,完全不同的问题,cache-bug.q1,cache-bug\n",
    );
    let out = env.ok(&["import", "rows.csv"]);
    assert!(out.contains("1 updated"), "{out}");
    assert!(
        out.contains("storydrill revisions"),
        "says where it went: {out}"
    );
    let q1 = env.json(&["show", "cache-bug.q1", "--json"]);
    assert_eq!(q1["front"], "完全不同的问题");
    let kept = env.json(&["revisions", "cache-bug.q1", "--json"]);
    assert_eq!(kept.as_array().unwrap().len(), 1, "{kept}");
    assert_eq!(
        kept[0]["content"]["front"],
        "上线新功能后，一个没改过的接口变慢了，你怎么查？"
    );
    let shown = env.ok(&["revisions", "cache-bug.q1"]);
    assert!(shown.contains("上线新功能后"), "{shown}");
}

// 2. Deleting or undoing a "don't know" answer (`correct` NULL) of a story with figures that day.
#[test]
fn a_match_card_graded_without_an_answer_can_be_deleted() {
    let env = Env::new();
    env.ok(&["grade", "sharding", "4"]);
    env.ok(&["grade", "sharding.q1", "3"]);
    let out = env.run(&["delete", "sharding.q1", "--yes"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let left: i64 = env
        .sql()
        .query_row("SELECT count(*) FROM review", [], |r| r.get(0))
        .unwrap();
    assert_eq!(left, 1, "the recall card's answer stays");
}

#[test]
fn undo_of_a_dont_know_answer_goes_on() {
    let env = with_mine();
    // cache-bug's recall card was graded today; now its question: Enter is "don't know", Enter
    // takes the suggested grade, then undo.
    let out = env.run_stdin(
        &["review", "--cram", "--kind", "match", "--deck", "mine"],
        "\n\n:u\n:q\n",
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(text.contains("undone: card #"), "{text}");
    assert!(text.contains("session: 0 cards"), "{text}");
    let stats = env.json(&["stats", "--json"]);
    assert!(stats.is_object());
}

// 4. No escape sequence from a deck reaches the terminal.
const EVIL: &str = crate::fixture!("hostile.toml");

fn assert_clean(what: &str, bytes: &[u8]) {
    let text = String::from_utf8_lossy(bytes);
    let bad: Vec<char> = text
        .chars()
        .filter(|c| {
            matches!(*c, '\u{1b}' | '\u{7}' | '\u{80}'..='\u{9f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
        })
        .collect();
    assert!(
        bad.is_empty(),
        "{what}: {bad:?} reached the terminal:\n{text}"
    );
}

#[test]
fn no_escape_sequence_of_a_deck_reaches_stdout_or_stderr() {
    let env = Env::new();
    env.write("evil.toml", EVIL);
    let out = env.run(&["import", "evil.toml"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_clean("import", &out.stdout);
    env.ok(&["grade", "evil-1", "4"]);
    let commands: &[&[&str]] = &[
        &["decks"],
        &["decks", "--json"],
        &["stories"],
        &["stories", "--json"],
        &["list", "--deck", "evil"],
        &["list", "--deck", "evil", "--json"],
        &["show", "evil-1"],
        &["show", "evil-1", "--json"],
        &["show", "evil.b1"],
        &["show", "evil.q1", "--json"],
        &["show", "evil-1.f1"],
        &["show", "evil-1.f1", "--json"],
        &["search", "正文"],
        &["search", "正文", "--json"],
        &["export", "evil"],
        &["export", "evil", "--format", "anki"],
        &["export", "evil", "--format", "csv"],
        &["tag", "evil.b1", "--add", "ok"],
        &["tag", "evil.b1", "--add", "ok2", "--json"],
        &["stats"],
        &["stats", "--json"],
        &["stats", "--deck", "evil"],
        &["revisions", "evil.b1"],
        &["suspend", "evil.b1"],
        &["unsuspend", "evil.b1"],
    ];
    for args in commands {
        let out = env.run(args);
        assert!(out.status.success(), "{args:?}: {}", stderr(&out));
        assert_clean(&format!("{args:?} stdout"), &out.stdout);
        assert_clean(&format!("{args:?} stderr"), &out.stderr);
    }
    // JSON keeps the text, escaped.
    let shown = env.json(&["show", "evil.b1", "--json"]);
    assert_eq!(shown["back"], "后\u{9b}2J");
    // A review session on the deck, piped.
    let out = env.run_stdin(&["review", "--deck", "evil", "--cram"], &"\n4\n".repeat(8));
    assert!(out.status.success(), "{}", stderr(&out));
    assert_clean("review stdout", &out.stdout);
    assert_clean("review stderr", &out.stderr);
    // Its follow-up and 30-second version too.
    for (args, shown) in [
        (
            &["review", "--deck", "evil", "--cram", "--kind", "followup"][..],
            "追",
        ),
        (&["review", "--deck", "evil", "--short"][..], "短"),
    ] {
        let out = env.run_stdin(args, "\n\n4\n");
        assert!(out.status.success(), "{args:?}: {}", stderr(&out));
        assert!(stdout(&out).contains(shown), "{args:?}: {}", stdout(&out));
        assert_clean(&format!("{args:?} stdout"), &out.stdout);
        assert_clean(&format!("{args:?} stderr"), &out.stderr);
    }
    // A mock interview telling the deck's story for every question (each step takes the three
    // lines: a question's name and telling, or another step's telling), and its report.
    let number = env
        .json(&["stories", "--json"])
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["key"] == "evil-1")
        .map(|s| s["number"].to_string())
        .unwrap();
    let out = env.run_stdin(
        &["interview", "--seed", "1", "--minutes", "10"],
        &format!("{number}\n正文\n\n").repeat(20),
    );
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stdout(&out).contains("Report"), "{}", stdout(&out));
    assert_clean("interview stdout", &out.stdout);
    assert_clean("interview stderr", &out.stderr);
    for args in [&["interviews"][..], &["interviews", "--json"][..]] {
        let out = env.run(args);
        assert_clean(&format!("{args:?}"), &out.stdout);
    }
    // An error that quotes a key of a rejected file.
    env.write(
        "bad.toml",
        "[deck]\nname = \"x\"\n\"\\u001b]0;pwn\\u0007\\u009b\" = 1\n",
    );
    let out = env.run(&["import", "bad.toml"]);
    assert_eq!(out.status.code(), Some(1));
    assert_clean("import error", &out.stderr);
    assert!(stderr(&out).contains("bad.toml:3:"), "{}", stderr(&out));
}

#[test]
fn anki_export_keeps_controls_as_entities_that_read_back_exactly() {
    let env = Env::new();
    env.write("evil.toml", EVIL);
    env.ok(&["import", "evil.toml"]);
    let file = env.path("evil.txt");
    env.ok(&[
        "export",
        "evil",
        "--format",
        "anki",
        "-o",
        file.to_str().unwrap(),
    ]);
    let text = std::fs::read_to_string(&file).unwrap();
    assert!(!text.contains('\u{1b}'), "{text}");
    assert!(text.contains("&#x1b;"), "{text}");
    let before = env.json(&["show", "evil.b1", "--json"])["front"].clone();
    let report = env.json(&["import", file.to_str().unwrap(), "--json"]);
    assert_eq!(report["updated"], 0, "{report}");
    assert_eq!(env.json(&["show", "evil.b1", "--json"])["front"], before);
}

// 5. A field of `{{c` openings imports in linear time.
#[test]
fn a_megabyte_of_cloze_openings_imports_and_lists() {
    let env = Env::new();
    let field = "{{c".repeat(350_000) + "}}";
    env.write("big.csv", &format!("front,back\n\"{field}\",x\n"));
    let out = env.run(&["import", "big.csv", "--deck", "big"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let listed = env.ok(&["list", "--deck", "big"]);
    assert_eq!(
        listed.lines().filter(|l| l.contains("big.anki")).count(),
        1,
        "{listed}"
    );
}

// 6. A huge match answer neither overflows the stack nor is taken.
#[test]
fn an_eighty_kilobyte_match_answer_is_refused_and_the_session_goes_on() {
    let mut env = Env::new();
    env.at("2027-01-03T09:00:00+08:00");
    env.ok(&["grade", "sharding", "5"]);
    env.at("2027-01-04T09:30:00+08:00");
    let zeros = "0 ".repeat(40_000);
    let out = env.run_stdin(
        &[
            "review", "--kind", "match", "--story", "sharding", "--limit", "1",
        ],
        &format!("{zeros}\n3\n4\n"),
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(
        text.contains("longer than 10000 characters"),
        "{}",
        &text[..text.len().min(2000)]
    );
    assert!(text.contains("session: 1 card"), "summary printed");
}

// 7. Story numbers are 1 to 99,999, checked with file:line.
#[test]
fn a_huge_story_number_is_an_error_at_its_line() {
    let env = Env::new();
    env.write(
        "n.toml",
        "[deck]\nname = \"n\"\n\n[[story]]\nkey = \"s\"\nnumber = 4294967295\ntitle = \"t\"\ntext = \"x\"\n",
    );
    env.ok(&["decks"]);
    let before = env.dump();
    let err = env.fails(&["import", "n.toml"], 1);
    assert!(err.contains("n.toml:6:"), "{err}");
    assert!(err.contains("1 to 99999"), "{err}");
    assert_eq!(env.dump(), before);
}

// 8. Intervals are capped; due days stay four-digit years.
#[test]
fn fifteen_perfect_grades_keep_the_due_day_a_real_date() {
    let mut env = Env::new();
    let mut now = "2027-01-04".to_string();
    for _ in 0..15 {
        env.at(&format!("{now}T09:30:00+08:00"));
        let card = env.json(&["grade", "sharding", "5", "--json"]);
        now = card["state"]["due"].as_str().unwrap().to_string();
        assert_eq!(now.len(), 10, "{now}");
    }
    assert!(now.as_str() <= "9999-12-31", "{now}");
    let card = env.json(&["show", "sharding", "--json"]);
    assert_eq!(card["state"]["interval_days"], 36_500);
    env.at("2030-01-01T09:30:00+08:00");
    assert!(!env.ok(&["list", "--due"]).contains("sharding.recall"));
}

// 9. A study day earlier than the last scheduled review is a re-drill.
#[test]
fn a_time_zone_change_back_a_day_makes_a_redrill_not_a_second_review() {
    let mut env = Env::new();
    env.at("2027-01-04T10:00:00+08:00");
    env.ok(&["grade", "sharding", "4"]);
    let after_first = env.json(&["show", "sharding", "--json"])["state"].clone();
    // 30 minutes later, in Los Angeles: the local day there is still 2027-01-03.
    env.at("2027-01-03T18:30:00-08:00");
    let out = env
        .command()
        .env("TZ", "America/Los_Angeles")
        .args(["grade", "sharding", "5", "--json"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let card: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(card["state"], after_first, "the schedule did not move");
    assert_eq!(card["history"][1]["kind"], "redrill");
}

// 10. Files that are not storydrill's are refused untouched.
#[test]
fn another_programs_sqlite_file_is_refused_byte_for_byte_untouched() {
    let env = Env::new();
    {
        let conn = rusqlite::Connection::open(&env.db).unwrap();
        conn.execute_batch("CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT); INSERT INTO notes (body) VALUES ('mine');")
            .unwrap();
    }
    let before = std::fs::read(&env.db).unwrap();
    let err = env.fails(&["list"], 1);
    assert!(err.contains("another program"), "{err}");
    assert!(err.contains("notes"), "{err}");
    assert_eq!(std::fs::read(&env.db).unwrap(), before);
    assert!(!env.path("test.db-wal").exists());
    // Marked by another program.
    {
        let conn = rusqlite::Connection::open(&env.db).unwrap();
        conn.pragma_update(None, "application_id", 42).unwrap();
    }
    let err = env.fails(&["list"], 1);
    assert!(err.contains("another program"), "{err}");
}

#[test]
fn memory_and_uri_databases_are_refused() {
    let env = Env::new();
    for db in [":memory:", "file:x.db?mode=memory"] {
        let out = env
            .command()
            .env("STORYDRILL_DB", db)
            .arg("list")
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(1));
        assert!(stderr(&out).contains("not a file path"), "{}", stderr(&out));
    }
}

#[test]
fn read_only_folders_truncated_files_and_negative_versions_each_say_what_they_are() {
    let env = Env::new();
    // A read-only folder.
    let folder = env.path("ro");
    std::fs::create_dir(&folder).unwrap();
    let mut perms = std::fs::metadata(&folder).unwrap().permissions();
    perms.set_readonly(true);
    std::fs::set_permissions(&folder, perms).unwrap();
    let out = env
        .command()
        .env("STORYDRILL_DB", folder.join("x.db"))
        .arg("list")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("read-only"), "{}", stderr(&out));

    // A truncated database: a real one cut in half.
    env.ok(&["list"]);
    let _ = env
        .sql()
        .query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()));
    let bytes = std::fs::read(&env.db).unwrap();
    let cut = env.path("cut.db");
    std::fs::write(&cut, &bytes[..bytes.len() / 2]).unwrap();
    let out = env
        .command()
        .env("STORYDRILL_DB", &cut)
        .arg("list")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("damaged"), "{}", stderr(&out));
    assert!(
        !stderr(&out).contains("not a storydrill database"),
        "{}",
        stderr(&out)
    );
    let head = env.path("head.db");
    std::fs::write(&head, &bytes[..10]).unwrap();
    let out = env
        .command()
        .env("STORYDRILL_DB", &head)
        .arg("list")
        .output()
        .unwrap();
    assert!(stderr(&out).contains("cut short"), "{}", stderr(&out));

    // A negative schema version.
    let negative = env.path("neg.db");
    {
        let conn = rusqlite::Connection::open(&negative).unwrap();
        conn.pragma_update(None, "user_version", -5).unwrap();
    }
    let out = env
        .command()
        .env("STORYDRILL_DB", &negative)
        .arg("list")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("schema version is -5"),
        "{}",
        stderr(&out)
    );
}

// 11. A byte-order mark, lone CRs and unterminated quotes.
#[test]
fn files_with_a_bom_or_lone_cr_read_like_plain_ones() {
    let env = Env::new();
    env.write(
        "notes.txt",
        "\u{feff}#separator:tab\n#html:false\n#tags column:3\nWhat is SM-2?\tAn algorithm\tsrs\n",
    );
    let report = env.json(&["import", "notes.txt", "--json"]);
    assert_eq!(report["deck"], "notes", "{report}");
    assert_eq!(report["added"], 1, "{report}");
    let listed = env.ok(&["list", "--deck", "notes"]);
    assert!(
        !listed.contains("#separator"),
        "no header lines as cards: {listed}"
    );

    let toml = "[deck]\nname = \"cr\"\n\n[[card]]\nkey = \"cr.1\"\nfront = \"前\"\nback = \"后\"\n";
    env.write("cr.toml", &toml.replace('\n', "\r"));
    let report = env.json(&["import", "cr.toml", "--json"]);
    assert_eq!(
        (report["deck"].as_str(), report["added"].as_u64()),
        (Some("cr"), Some(1))
    );
    env.write(
        "bom.toml",
        &format!("\u{feff}{}", toml.replace("cr", "bom")),
    );
    let report = env.json(&["import", "bom.toml", "--json"]);
    assert_eq!(report["deck"], "bom", "{report}");
    env.write("bom.csv", "\u{feff}front,back\nq,a\n");
    let report = env.json(&["import", "bom.csv", "--json"]);
    assert_eq!(report["added"], 1, "{report}");
}

#[test]
fn an_unterminated_csv_quote_is_an_error_and_changes_nothing() {
    let env = Env::new();
    env.ok(&["decks"]);
    let before = env.dump();
    env.write("q.csv", "front,back\na,b\n\"never,ends\nc,d\ne,f\n");
    let err = env.fails(&["import", "q.csv"], 1);
    assert!(err.contains("q.csv:3:"), "{err}");
    assert!(err.contains("never ends"), "{err}");
    assert_eq!(env.dump(), before);
}

// 12. Errors quote at most ~200 characters of the file.
#[test]
fn errors_quote_only_a_bounded_piece_of_the_file() {
    let env = Env::new();
    let long = "k".repeat(100_000);
    env.write(
        "long.toml",
        &format!("[deck]\nname = \"l\"\n\n[[card]]\nkey = \"{long}\"\nfront = \"x\"\n"),
    );
    let err = env.fails(&["import", "long.toml"], 1);
    assert!(
        err.contains("long.toml:5:"),
        "{}",
        &err[..err.len().min(500)]
    );
    assert!(
        err.chars().count() < 600,
        "{} characters",
        err.chars().count()
    );
    env.write(
        "type.toml",
        &format!("[deck]\nname = \"l\"\n\n[[story]]\nkey = \"s\"\nnumber = \"{long}\"\ntitle = \"t\"\ntext = \"x\"\n"),
    );
    let err = env.fails(&["import", "type.toml"], 1);
    assert!(
        err.chars().count() < 600,
        "{} characters",
        err.chars().count()
    );
}

// 13. Search queries are plain text.
#[test]
fn search_treats_any_query_as_text_and_never_shows_sqlite_errors() {
    let env = Env::new();
    let many = vec!["ab"; 3000].join(" ");
    let distinct: String = (0..3000).map(|i| format!("t{i} ")).collect();
    for query in [
        "\"",
        "NEAR(",
        "^",
        "a\"b\"c",
        "NEAR(a b)",
        "col:abc",
        "abc*",
        "-abc",
        "(((",
        "AND OR NOT",
        &many,
        &distinct,
    ] {
        let out = env.run(&["search", "--", query]);
        let err = stderr(&out).to_lowercase();
        assert!(
            !err.contains("sql") && !err.contains("fts5") && !err.contains("syntax"),
            "{}: {err}",
            &query[..query.len().min(40)]
        );
        assert!(out.status.code() == Some(0) || out.status.code() == Some(1));
    }
    let err = env.fails(&["search", "--", &distinct], 1);
    assert!(err.contains("at most 16"), "{err}");
}

// 14. Hygiene.
#[test]
fn a_failed_export_leaves_no_temporary_file_and_names_the_target() {
    let env = Env::new();
    let target = env.path("out");
    std::fs::create_dir(&target).unwrap();
    std::fs::write(target.join("inside"), "x").unwrap();
    let err = env.fails(&["export", "stories", "-o", target.to_str().unwrap()], 1);
    assert!(
        err.contains(&format!("could not write {}", target.display())),
        "{err}"
    );
    assert!(!err.contains("storydrill-tmp"), "{err}");
    let left: Vec<_> = std::fs::read_dir(env.dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains("storydrill-tmp"))
        .collect();
    assert!(left.is_empty(), "{left:?}");
}

#[test]
fn piped_review_does_not_echo_escape_sequences_from_its_input() {
    let env = Env::new();
    let out = env.run_stdin(
        &["review", "--limit", "1"],
        "\u{1b}]0;pwned\u{7}\u{1b}[2J\n4\n",
    );
    assert!(out.status.success(), "{}", stderr(&out));
    assert_clean("piped echo", &out.stdout);
}
