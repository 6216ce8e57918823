//! The real binary, end to end, on a temp database: catalog, listing, `show`, errors, config, paths.

use crate::util::{stderr, stdout, Env, BUILTIN_CARDS, STORY_DECK_CARDS, TEMPLATE_DECK_CARDS};
use serde_json::Value;

fn keys(cards: &Value) -> Vec<String> {
    cards
        .as_array()
        .expect("a JSON array")
        .iter()
        .map(|c| c["key"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn stories_lists_all_18_stories_and_the_templates() {
    let env = Env::new();
    let stories = env.json(&["stories", "--json"]);
    let rows = stories.as_array().unwrap();
    assert_eq!(rows.len(), 32);
    let numbers: Vec<u64> = rows.iter().map(|r| r["number"].as_u64().unwrap()).collect();
    assert_eq!(numbers, (1..=32).collect::<Vec<u64>>());
    assert_eq!(rows[2]["key"], "sharding");
    // 4 (秒杀) is the document's one line, with storydrill's written answer beside it.
    assert_eq!(rows[3]["source"], "seed");
    assert_eq!(rows[18]["key"], "self-intro");
    for row in rows {
        let number = row["number"].as_u64().unwrap();
        for field in ["key", "title", "deck", "source"] {
            assert!(row[field].is_string(), "{field} of story {number}: {row}");
        }
        let deck = if number <= 18 { "stories" } else { "templates" };
        assert_eq!(row["deck"], deck, "story {number}");
        let source = row["source"].as_str().unwrap();
        assert!(source == "seed" || source == "written", "{row}");
    }
    // 14–18 are titles only in the document: written by storydrill.
    let written: Vec<u64> = rows
        .iter()
        .filter(|r| r["number"].as_u64().unwrap() <= 18 && r["source"] == "written")
        .map(|r| r["number"].as_u64().unwrap())
        .collect();
    assert_eq!(written, vec![14, 15, 16, 17, 18]);
    let flash = env.json(&["show", "flash-sale", "--json"]);
    assert_eq!(flash["back"], "参考网上秒杀业务分析", "{flash}");

    let text = env.ok(&["stories"]);
    assert_eq!(text.lines().count(), 32, "{text}");
    assert!(text.contains("数据库 Sharding"), "{text}");
}

#[test]
fn decks_json_counts_new_due_and_total() {
    let mut env = Env::new();
    let decks = env.json(&["decks", "--json"]);
    assert_eq!(
        decks,
        serde_json::json!([
            {"name": "stories", "title": "最难的问题 · 18 个故事", "new": STORY_DECK_CARDS, "due": 0, "total": STORY_DECK_CARDS},
            {"name": "templates", "title": decks[1]["title"], "new": TEMPLATE_DECK_CARDS, "due": 0, "total": TEMPLATE_DECK_CARDS},
        ])
    );
    env.ok(&["grade", "sharding", "4"]);
    env.ok(&["grade", "self-intro", "4"]);
    let decks = env.json(&["decks", "--json"]);
    assert_eq!(
        (&decks[0]["new"], &decks[0]["due"]),
        (&(STORY_DECK_CARDS - 1).into(), &0.into())
    );
    assert_eq!(
        (&decks[1]["new"], &decks[1]["due"]),
        (&(TEMPLATE_DECK_CARDS - 1).into(), &0.into())
    );
    env.at("2027-01-05T09:30:00+08:00");
    let decks = env.json(&["decks", "--json"]);
    assert_eq!(decks[0]["due"], 1);
    assert_eq!(decks[1]["due"], 1);
    assert_eq!(decks[0]["total"], STORY_DECK_CARDS);
    let text = env.ok(&["decks"]);
    assert!(
        text.lines().nth(1).unwrap().starts_with("stories"),
        "{text}"
    );
}

#[test]
fn list_filters_by_deck_kind_and_due() {
    let mut env = Env::new();
    let all = env.json(&["list", "--json"]);
    assert_eq!(all.as_array().unwrap().len(), BUILTIN_CARDS);
    for card in all.as_array().unwrap() {
        assert!(card["id"].is_i64(), "{card}");
        assert!(card["state"].is_object(), "{card}");
    }

    let templates = env.json(&["list", "--deck", "templates", "--json"]);
    assert_eq!(templates.as_array().unwrap().len(), TEMPLATE_DECK_CARDS);
    assert!(templates
        .as_array()
        .unwrap()
        .iter()
        .all(|c| c["deck"] == "templates"));

    let matches = env.json(&["list", "--kind", "match", "--json"]);
    assert_eq!(matches.as_array().unwrap().len(), 114);
    for card in matches.as_array().unwrap() {
        assert_eq!(card["kind"], "match");
        assert!(!card["answers"].as_array().unwrap().is_empty(), "{card}");
        assert_eq!(card["story"], card["answers"][0], "{card}");
    }
    let recall_templates = env.json(&["list", "--deck", "templates", "--kind", "recall", "--json"]);
    assert_eq!(recall_templates.as_array().unwrap().len(), 14);
    assert_eq!(
        env.json(&["list", "--kind", "cloze", "--json"])
            .as_array()
            .unwrap()
            .len(),
        30
    );

    // Nothing is due before a first review.
    assert_eq!(
        env.json(&["list", "--due", "--json"]),
        serde_json::json!([])
    );
    env.ok(&["grade", "sharding", "5"]); // due 2027-01-05
    env.ok(&["grade", "nginx-lb.q1", "5"]);
    assert_eq!(
        env.json(&["list", "--due", "--json"]),
        serde_json::json!([])
    );
    env.at("2027-01-05T09:30:00+08:00");
    assert_eq!(
        keys(&env.json(&["list", "--due", "--json"])),
        vec!["sharding.recall", "nginx-lb.q1"]
    );
    assert_eq!(
        keys(&env.json(&["list", "--due", "--kind", "match", "--json"])),
        vec!["nginx-lb.q1"]
    );
    assert_eq!(
        env.json(&["list", "--due", "--deck", "templates", "--json"]),
        serde_json::json!([])
    );

    let text = env.ok(&["list", "--deck", "stories"]);
    assert_eq!(
        text.lines().count(),
        STORY_DECK_CARDS + 1,
        "a header and a line a card"
    );
    assert!(text.lines().next().unwrap().contains("front"));

    let err = env.fails(&["list", "--deck", "nope"], 1);
    assert!(err.contains("no deck named \"nope\""), "{err}");
    env.fails(&["list", "--kind", "bogus"], 2);
}

#[test]
fn show_json_has_the_documented_shape() {
    let env = Env::new();
    let card = env.json(&["show", "sharding.recall", "--json"]);
    let object = card.as_object().unwrap();
    for field in [
        "id", "key", "deck", "kind", "front", "back", "story", "answers", "state",
    ] {
        assert!(object.contains_key(field), "no {field}: {card}");
    }
    assert!(card["id"].is_i64());
    assert_eq!(card["key"], "sharding.recall");
    assert_eq!(card["deck"], "stories");
    assert_eq!(card["kind"], "recall");
    assert!(card["front"].as_str().unwrap().contains("分库分表"));
    assert!(card["back"].as_str().unwrap().contains("hash(username)"));
    assert_eq!(card["story"], "sharding");
    assert_eq!(card["answers"], serde_json::json!([]));
    assert_eq!(
        card["state"],
        serde_json::json!({
            "repetitions": 0, "easiness": 2.5, "interval_days": 0, "due": null, "lapses": 0, "reviews": 0
        })
    );
    assert!(card["state"]["easiness"].is_f64());

    let question = env.json(&["show", "self-intro.q2", "--json"]);
    assert_eq!(question["kind"], "match");
    assert_eq!(
        question["answers"],
        serde_json::json!(["self-intro", "project"])
    );
    assert_eq!(question["story"], "self-intro");

    let cloze = env.json(&["show", "perf-tuning.c1", "--json"]);
    assert_eq!(cloze["kind"], "cloze");
    assert_eq!(cloze["story"], "perf-tuning");
    assert_eq!(cloze["answers"], serde_json::json!([]));
}

#[test]
fn show_finds_a_card_by_id_key_or_story_key() {
    let env = Env::new();
    let by_key = env.json(&["show", "db-proxy.recall", "--json"]);
    let id = by_key["id"].as_i64().unwrap().to_string();
    let by_id = env.json(&["show", &id, "--json"]);
    let by_story = env.json(&["show", "db-proxy", "--json"]);
    assert_eq!(by_id, by_key);
    assert_eq!(by_story, by_key);
    let question = env.json(&["show", "db-proxy.q1", "--json"]);
    assert_ne!(question["id"], by_key["id"]);
    assert_eq!(question["key"], "db-proxy.q1");

    let text = env.ok(&["show", &id]);
    assert!(
        text.starts_with(&format!("#{id} db-proxy.recall")),
        "{text}"
    );
    assert!(text.contains("new · EF 2.50"), "{text}");
}

#[test]
fn unknown_cards_and_bad_grades_are_errors_on_stderr() {
    let env = Env::new();
    for args in [
        &["show", "no-such-card", "--json"][..],
        &["show", "99999", "--json"],
        &["grade", "no-such-card", "4", "--json"],
    ] {
        let out = env.run(args);
        assert_eq!(out.status.code(), Some(1), "{args:?}");
        assert_eq!(stdout(&out), "", "{args:?}: errors never go to stdout");
        assert!(stderr(&out).contains("no card with id or key"), "{args:?}");
    }
    for quality in ["6", "x", "-1"] {
        let out = env.run(&["grade", "sharding", quality, "--json"]);
        assert_eq!(
            out.status.code(),
            Some(2),
            "quality {quality}: a usage error"
        );
        assert_eq!(stdout(&out), "");
        assert!(stderr(&out).contains("Usage") || stderr(&out).contains("try '--help'"));
    }
    let err = env.fails(&["grade", "sharding", "6"], 2);
    assert!(err.contains("grade must be a whole number 0-5"), "{err}");
    // Nothing was logged by the failures.
    let reviews: i64 = env
        .sql()
        .query_row("SELECT count(*) FROM review", [], |r| r.get(0))
        .unwrap();
    assert_eq!(reviews, 0);
}

#[test]
fn an_unparsable_storydrill_now_is_an_error_not_ignored() {
    let mut env = Env::new();
    for bad in ["tomorrow", "2027-01-04 09:30", ""] {
        env.at(bad);
        for args in [
            &["list", "--json"][..],
            &["grade", "sharding", "4", "--json"],
        ] {
            let out = env.run(args);
            assert_eq!(out.status.code(), Some(1), "{bad:?} {args:?}");
            assert_eq!(stdout(&out), "", "{bad:?} {args:?}");
            assert!(
                stderr(&out).contains("STORYDRILL_NOW"),
                "{bad:?}: {}",
                stderr(&out)
            );
        }
    }
}

#[test]
fn config_get_set_unset_list_with_validation() {
    let env = Env::new();
    assert_eq!(env.ok(&["config", "get", "rollover-hour"]), "4\n");
    assert_eq!(env.ok(&["config", "get", "new-per-day"]), "20\n");
    assert_eq!(env.ok(&["config", "get", "reviews-per-day"]), "200\n");

    env.ok(&["config", "set", "new-per-day", "35"]);
    assert_eq!(env.ok(&["config", "get", "new-per-day"]), "35\n");
    let list = env.json(&["config", "list", "--json"]);
    let rows = list.as_array().unwrap();
    assert_eq!(rows.len(), 5, "four numbers and the interview date");
    let new = rows.iter().find(|r| r["key"] == "new-per-day").unwrap();
    let telling = rows.iter().find(|r| r["key"] == "telling-seconds").unwrap();
    assert_eq!(telling["default"], 120);
    assert_eq!((&new["value"], &new["default"]), (&35.into(), &20.into()));
    assert!(env.ok(&["config", "list"]).contains("new-per-day"));
    assert!(env.ok(&["config"]).contains("rollover-hour"));

    env.ok(&["config", "unset", "new-per-day"]);
    assert_eq!(env.ok(&["config", "get", "new-per-day"]), "20\n");

    for (args, message) in [
        (
            &["config", "set", "rollover-hour", "24"][..],
            "rollover-hour must be a whole number from 0 to 23",
        ),
        (
            &["config", "set", "rollover-hour", "--", "-1"],
            "from 0 to 23",
        ),
        (
            &["config", "set", "new-per-day", "many"],
            "new-per-day must be a whole number",
        ),
        (
            &["config", "set", "colour", "1"],
            "unknown setting \"colour\"",
        ),
        (
            &["config", "get", "colour"],
            "known settings: rollover-hour",
        ),
        (&["config", "unset", "colour"], "unknown setting"),
    ] {
        let out = env.run(args);
        assert_eq!(out.status.code(), Some(1), "{args:?}");
        assert!(stderr(&out).contains(message), "{args:?}: {}", stderr(&out));
    }
    // A refused value leaves the setting as it was.
    assert_eq!(env.ok(&["config", "get", "rollover-hour"]), "4\n");
    env.fails(&["config", "set", "rollover-hour"], 2);
}

#[test]
fn db_option_creates_missing_parent_folders() {
    let env = Env::new();
    let nested = env.path("a/b/c/deep.db");
    let out = env.ok(&["--db", nested.to_str().unwrap(), "decks", "--json"]);
    assert!(out.contains("stories"));
    assert!(nested.is_file());
    assert!(!env.db.exists(), "--db wins over STORYDRILL_DB");
}

#[test]
fn the_default_database_lives_under_xdg_data_home() {
    let env = Env::new();
    let data = env.path("xdg-data");
    let out = env
        .command()
        .env_remove("STORYDRILL_DB")
        .env("XDG_DATA_HOME", &data)
        .args(["grade", "sharding", "4"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let db = data.join("storydrill").join("storydrill.db");
    assert!(db.is_file(), "no database at {}", db.display());
    assert!(!env.db.exists());
    let conn = rusqlite::Connection::open(&db).unwrap();
    let reviews: i64 = conn
        .query_row("SELECT count(*) FROM review", [], |r| r.get(0))
        .unwrap();
    assert_eq!(reviews, 1);
}

#[test]
fn a_closed_pipe_exits_quietly() {
    let env = Env::new();
    // Enough cards that `list` outgrows the pipe buffer (64 KiB) and really hits the closed pipe.
    let mut deck = String::from("[deck]\nname = \"big\"\n");
    for i in 0..1500 {
        deck.push_str(&format!(
            "\n[[card]]\nkey = \"big-{i}\"\nfront = \"第 {i} 张卡片：一段足够长的中文正面文字，让列表的输出超过管道的缓冲区\"\nback = \"背面\"\n"
        ));
    }
    let file = env.write("big.toml", &deck);
    env.ok(&["import", file.to_str().unwrap()]);
    let bin = assert_cmd::cargo::cargo_bin("storydrill");
    let status = env.path("status");
    for command in ["list", "list --json", "export big", "show big-1"] {
        // `sh` has no pipefail: the status of storydrill itself is written to a file.
        let out = std::process::Command::new("sh")
            .arg("-c")
            .arg(format!(
                "{{ \"$BIN\" {command}; echo $? > \"$STATUS\"; }} | head -1"
            ))
            .env_clear()
            .env("BIN", &bin)
            .env("STATUS", &status)
            .env("PATH", std::env::var_os("PATH").unwrap_or_default())
            .env("TZ", "Asia/Shanghai")
            .env("STORYDRILL_DB", &env.db)
            .env("STORYDRILL_NOW", &env.now)
            .env("NO_COLOR", "1")
            .output()
            .unwrap();
        assert!(out.status.success(), "{command}: {}", stderr(&out));
        assert_eq!(stdout(&out).lines().count(), 1, "{command}");
        assert_eq!(stderr(&out), "", "{command}: no panic, no error");
        let code = std::fs::read_to_string(&status).unwrap();
        assert_eq!(code.trim(), "0", "{command}: storydrill's own exit status");
    }
}

#[test]
fn completions_and_the_man_page_are_printed_without_a_database() {
    let env = Env::new();
    for shell in ["bash", "zsh", "fish", "powershell"] {
        let script = env.ok(&["completions", shell]);
        assert!(script.contains("storydrill"), "{shell}");
        assert!(
            script.contains("review") && script.contains("import"),
            "{shell}: subcommands"
        );
    }
    let page = env.ok(&["man"]);
    assert!(
        page.starts_with(".ie") || page.contains(".TH storydrill"),
        "{page}"
    );
    assert!(
        page.contains(".TH storydrill 1"),
        "{}",
        &page[..200.min(page.len())]
    );
    assert!(!env.db.exists(), "no database was created for them");
    let err = env.fails(&["completions", "tcsh"], 2);
    assert!(err.contains("possible values"), "{err}");
}

#[test]
fn config_help_lists_the_settings_and_every_subcommand_has_help() {
    let env = Env::new();
    let help = env.ok(&["config", "set", "--help"]);
    for key in ["rollover-hour", "new-per-day", "reviews-per-day"] {
        assert!(help.contains(key), "{help}");
    }
    for sub in [
        "review",
        "decks",
        "stories",
        "list",
        "show",
        "grade",
        "import",
        "export",
        "add",
        "fill",
        "edit",
        "revisions",
        "suspend",
        "unsuspend",
        "tag",
        "delete",
        "search",
        "config",
        "stats",
        "completions",
        "man",
    ] {
        let text = env.ok(&[sub, "--help"]);
        assert!(text.contains("Usage: storydrill"), "{sub}: {text}");
    }
}

#[test]
fn show_json_carries_the_architecture_diagram() {
    let env = Env::new();
    let arch = env.json(&["show", "architecture", "--json"]);
    let diagram = arch["diagram"].as_str().unwrap();
    assert!(
        diagram.contains("NginX") && diagram.contains("存储层"),
        "{diagram}"
    );
    let text = env.ok(&["show", "architecture"]);
    assert!(
        text.contains("diagram\n") && text.contains("接入层"),
        "{text}"
    );
    // A story without one has no such field.
    assert!(env
        .json(&["show", "docker", "--json"])
        .get("diagram")
        .is_none());
}
