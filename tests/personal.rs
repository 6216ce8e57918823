//! Issue 4 through the real binary: adding, filling, editing, searching and exchanging your own cards.

use crate::util::{stderr, stdout, Env};

const STORY_STDIN: &str = "缓存被删导致接口变慢\n我们上线新功能后接口变慢。\n原来是缓存被新功能删掉了。\n\n立即回滚\n补上线下测试\n\n接口突然变慢怎么排查？\n上线后出了问题怎么处理？\n";

fn add_story(env: &Env) -> serde_json::Value {
    let out = env.run_stdin(&["add", "story", "--json"], STORY_STDIN);
    assert!(out.status.success(), "{}", stderr(&out));
    serde_json::from_slice(&out.stdout).unwrap()
}

#[test]
fn add_story_from_piped_stdin_joins_the_catalog_with_the_next_number() {
    let env = Env::new();
    let added = add_story(&env);
    assert_eq!(added["key"], "mine-33");
    assert_eq!(added["cards"].as_array().unwrap().len(), 3);
    let stories = env.json(&["stories", "--json"]);
    let last = stories.as_array().unwrap().last().unwrap().clone();
    assert_eq!(
        (
            last["number"].as_u64(),
            last["key"].as_str(),
            last["deck"].as_str()
        ),
        (Some(33), Some("mine-33"), Some("mine"))
    );
    let q = env.json(&["show", "mine-33.q1", "--json"]);
    assert_eq!(q["kind"], "match");
    assert_eq!(q["answers"], serde_json::json!(["mine-33"]));
    let recall = env.json(&["show", "mine-33", "--json"]);
    assert_eq!(
        recall["back"],
        "我们上线新功能后接口变慢。\n原来是缓存被新功能删掉了。"
    );
}

#[test]
fn add_with_flags_question_and_card() {
    let env = Env::new();
    let text = env.write("story.txt", "We scaled Nginx.\nIt worked.");
    let added = env.json(&[
        "add",
        "story",
        "--title",
        "Scaling Nginx!",
        "--text-file",
        text.to_str().unwrap(),
        "--point",
        "upstream",
        "--question",
        "How did you scale?",
        "--alias",
        "nginx",
        "--json",
    ]);
    assert_eq!(added["key"], "scaling-nginx");
    let again = env.json(&[
        "add",
        "story",
        "--title",
        "Scaling Nginx",
        "--text-file",
        text.to_str().unwrap(),
        "--json",
    ]);
    assert_eq!(again["key"], "scaling-nginx-2", "keys stay unique");
    let q = env.json(&[
        "add",
        "question",
        "数据库慢怎么办？",
        "--story",
        "3",
        "--story",
        "scaling-nginx",
        "--json",
    ]);
    assert_eq!(q["key"], "mine.sharding.q1");
    let shown = env.json(&["show", q["key"].as_str().unwrap(), "--json"]);
    assert_eq!(
        shown["answers"],
        serde_json::json!(["sharding", "scaling-nginx"])
    );
    let card = env.json(&[
        "add", "card", "--front", "F", "--back", "B", "--tag", "t", "--json",
    ]);
    let shown = env.json(&["show", &card["cards"][0].to_string(), "--json"]);
    assert_eq!(
        (shown["kind"].as_str(), shown["tags"][0].as_str()),
        (Some("basic"), Some("t"))
    );
}

#[test]
fn bad_input_is_refused_with_nothing_written() {
    let env = Env::new();
    let err = env.fails(&["add", "question", "Q?", "--story", "nowhere"], 1);
    assert!(
        err.contains("no story with key or number \"nowhere\""),
        "{err}"
    );
    env.fails(&["add", "question", "Q?"], 2);
    let empty = env.write("empty.txt", "  \n");
    let err = env.fails(
        &[
            "add",
            "story",
            "--title",
            "x",
            "--text-file",
            empty.to_str().unwrap(),
        ],
        1,
    );
    assert!(err.contains("text is empty"), "{err}");
    let out = env.run_stdin(&["add", "story"], "   \nsome text\n");
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("title is empty"));
    let latin1 = env.path("latin1.txt");
    std::fs::write(&latin1, b"ok\n\xe9t\xe9\n").unwrap();
    let err = env.fails(
        &[
            "add",
            "story",
            "--title",
            "x",
            "--text-file",
            latin1.to_str().unwrap(),
        ],
        1,
    );
    assert!(err.contains("latin1.txt:2: the file is not UTF-8"), "{err}");
    let err = env.fails(&["import", latin1.to_str().unwrap()], 1);
    assert!(err.contains("latin1.txt:2: the file is not UTF-8"), "{err}");
    let err = env.fails(&["fill", "nope"], 1);
    assert!(
        err.contains("unknown template \"nope\"") && err.contains("self-intro"),
        "{err}"
    );
    let decks = env.json(&["decks", "--json"]);
    assert!(
        decks
            .as_array()
            .unwrap()
            .iter()
            .all(|d| d["name"] != "mine"),
        "{decks}"
    );
}

#[test]
fn fill_saves_answers_prefills_them_and_keeps_history_when_refilled() {
    let env = Env::new();
    let out = env.run_stdin(&["fill", "self-intro", "--json"], "张三\n北京\n28\n:q\n");
    assert!(out.status.success(), "{}", stderr(&out));
    let first: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(first["answered"], 3);
    assert_eq!(first["key"], "mine.fill.self-intro");
    let recall = env.json(&["show", "mine.fill.self-intro", "--json"]);
    assert!(recall["back"]
        .as_str()
        .unwrap()
        .starts_with("我叫张三，我来自北京，今年28岁"));
    let cloze = env.json(&["show", "mine.fill.self-intro.c1", "--json"]);
    assert_eq!(cloze["front"], "我叫{{c1::张三}}");
    env.ok(&["grade", "mine.fill.self-intro.c3", "4"]);

    // Empty lines keep the earlier answers; a new answer replaces one; `:-` clears one.
    let out = env.run_stdin(&["fill", "self-intro", "--json"], "\n:-\n29\n清华\n");
    assert!(out.status.success(), "{}", stderr(&out));
    let recall = env.json(&["show", "mine.fill.self-intro", "--json"]);
    assert!(recall["back"]
        .as_str()
        .unwrap()
        .starts_with("我叫张三，我来自______，今年29岁，我毕业于清华大学"));
    let c3 = env.json(&["show", "mine.fill.self-intro.c3", "--json"]);
    assert_eq!(c3["front"], "今年{{c1::29}}岁");
    assert_eq!(c3["state"]["reviews"], 1, "history kept across re-filling");
    assert_eq!(c3["id"], cloze["id"].as_i64().unwrap() + 2);
    let list = env.json(&["list", "--deck", "mine", "--json"]);
    let keys: Vec<&str> = list
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["key"].as_str().unwrap())
        .collect();
    assert_eq!(
        keys,
        vec![
            "mine.fill.self-intro",
            "mine.fill.self-intro.c1",
            "mine.fill.self-intro.c3",
            "mine.fill.self-intro.c4"
        ]
    );
    let exported = env.ok(&["export", "mine"]);
    assert!(exported.contains("[[filled]]\ntemplate = \"self-intro\"\nanswers = [\n  \"张三\",\n  \"\",\n  \"29\",\n  \"清华\",\n]"), "{exported}");
}

#[test]
fn fill_steps_templates_line_by_line() {
    let env = Env::new();
    let out = env.run_stdin(
        &["fill", "sms"],
        "防刷：手机号 60 秒一次\nRedis 存验证码 5 分钟\n",
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let recall = env.json(&["show", "mine.fill.sms", "--json"]);
    assert!(recall["back"].as_str().unwrap().starts_with(
        "1. 需求分析：防刷：手机号 60 秒一次\n2. 概要设计：Redis 存验证码 5 分钟\n3. 任务分工"
    ));
}

/// 100万 active × 50 = 5000万/day; 578.7 QPS average, 1736.1 peak (×3): 1 Nginx of 1万, 4 app servers
/// of 500, 2 databases of 1000 QPS.
const ARCH_OK: &str = "电商\n1000\n500\n100\n50\n5000\nNginx\n轮询\n1\n1\n500\n4\n1000\n2\n3\n\n";

#[test]
fn architecture_numbers_that_add_up_give_no_warning() {
    let env = Env::new();
    let out = env.run_stdin(&["fill", "architecture", "--json"], ARCH_OK);
    assert!(out.status.success(), "{}", stderr(&out));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["warnings"], serde_json::json!([]));
    assert_eq!(v["answered"], 15);
}

#[test]
fn architecture_numbers_that_do_not_add_up_are_flagged_with_the_expected_ones() {
    let env = Env::new();
    let wrong = ARCH_OK
        .replace("\n5000\n", "\n8000\n")
        .replace("\n500\n4\n", "\n500\n10\n");
    let out = env.run_stdin(&["fill", "architecture"], &wrong);
    assert!(out.status.success(), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(err.contains("warning: requests per day (万): you said 8,000, but 100万 active users × 50 requests each = 5,000"), "{err}");
    assert!(
        err.contains("warning: application servers: you said 10, but"),
        "{err}"
    );
    assert!(err.contains("= 4\n"), "{err}");
    assert_eq!(err.matches("warning:").count(), 2, "{err}");
    // A peak factor of 6 doubles the machines needed.
    let six = ARCH_OK.replace("\n3\n\n", "\n3\n6\n");
    let v: serde_json::Value = serde_json::from_slice(
        &env.run_stdin(&["fill", "architecture", "--json"], &six)
            .stdout,
    )
    .unwrap();
    let warnings: Vec<&str> = v["warnings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| w.as_str().unwrap())
        .collect();
    assert_eq!(warnings.len(), 2, "{warnings:?}");
    assert!(
        warnings[0].starts_with("application servers: you said 4") && warnings[0].ends_with("= 7"),
        "{warnings:?}"
    );
}

fn editor_script(env: &Env, name: &str, body: &str) -> String {
    let path = env.path(name);
    std::fs::write(&path, format!("#!/bin/sh\n{body}\n")).unwrap();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
    path.to_str().unwrap().to_string()
}

#[test]
fn edit_with_a_scripted_editor_keeps_history() {
    let env = Env::new();
    env.ok(&["grade", "sharding.q1", "5"]);
    let sed = editor_script(
        &env,
        "ed.sh",
        "sed -i 's/^text = .*/text = \"改过的问题？\"/' \"$1\"",
    );
    let out = env
        .command()
        .env("EDITOR", &sed)
        .args(["edit", "sharding.q1"])
        .write_stdin("")
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stdout(&out).contains("saved sharding.q1"));
    let card = env.json(&["show", "sharding.q1", "--json"]);
    assert_eq!(card["front"], "改过的问题？");
    assert_eq!(card["history"].as_array().unwrap().len(), 1);

    // A story's recall card opens the whole story.
    let title = editor_script(&env, "title.sh", "grep -q '^\\[\\[story\\]\\]' \"$1\" && sed -i 's/^points = \\[/points = [\\n  \"新要点\",/' \"$1\"");
    let out = env
        .command()
        .env("VISUAL", &title)
        .args(["edit", "sharding"])
        .write_stdin("")
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(env.ok(&["export", "stories"]).contains("\"新要点\""));
}

#[test]
fn a_broken_edit_is_shown_and_abandoned_when_piped() {
    let env = Env::new();
    let before = env.json(&["show", "sharding.q1", "--json"]);
    let broken = editor_script(&env, "broken.sh", "printf '[deck]\\nname = \"stories\"\\n[[question]]\\nkey = \"sharding.q1\"\\ntext = \\n' > \"$1\"");
    let out = env
        .command()
        .env("EDITOR", &broken)
        .args(["edit", "sharding.q1"])
        .write_stdin("")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(err.contains("sharding.q1.toml:5:"), "{err}");
    assert!(err.contains("abandoned"), "{err}");
    assert_eq!(env.json(&["show", "sharding.q1", "--json"]), before);
}

#[test]
fn suspend_tag_and_delete() {
    let env = Env::new();
    add_story(&env);
    let s = env.ok(&["suspend", "mine-33.q1"]);
    assert!(s.starts_with("suspended #"), "{s}");
    assert_eq!(
        env.json(&["show", "mine-33.q1", "--json"])["suspended"],
        true
    );
    env.ok(&["unsuspend", "mine-33.q1"]);
    assert_eq!(
        env.json(&["show", "mine-33.q1", "--json"])["suspended"],
        false
    );

    let tags = env.json(&[
        "tag",
        "mine-33.q1",
        "--add",
        "redis",
        "--add",
        "perf",
        "--json",
    ]);
    assert_eq!(tags, serde_json::json!(["redis", "perf"]));
    let tags = env.json(&["tag", "mine-33.q1", "--remove", "redis", "--json"]);
    assert_eq!(tags, serde_json::json!(["perf"]));
    // Tags survive a rewrite of the deck (adding a card) and show in the export.
    env.ok(&["add", "card", "--front", "x"]);
    assert_eq!(
        env.json(&["show", "mine-33.q1", "--json"])["tags"],
        serde_json::json!(["perf"])
    );

    env.ok(&["grade", "mine-33.q2", "4"]);
    let err = env.fails(&["delete", "mine-33.q2"], 1);
    assert!(err.contains("pass --yes"), "{err}");
    env.ok(&["show", "mine-33.q2"]);
    let deleted = env.json(&["delete", "mine-33.q2", "--yes", "--json"]);
    assert_eq!(deleted["cards"], serde_json::json!(["mine-33.q2"]));
    env.fails(&["show", "mine-33.q2"], 1);
    let reviews: i64 = env
        .sql()
        .query_row("SELECT count(*) FROM review", [], |r| r.get(0))
        .unwrap();
    assert_eq!(reviews, 0);

    // The recall card takes its story and the questions only it answered, presented or not.
    let shown = env.run_stdin(
        &["review", "--story", "mine-33", "--limit", "1", "--json"],
        "\n",
    );
    assert!(
        stdout(&shown).contains(r#""event":"presented""#),
        "{}",
        stdout(&shown)
    );
    let deleted = env.json(&["delete", "mine-33", "--yes", "--json"]);
    assert_eq!(deleted["story"], "mine-33");
    assert_eq!(
        deleted["cards"],
        serde_json::json!(["mine-33.q1", "mine-33.recall"])
    );
    let stories = env.json(&["stories", "--json"]);
    assert!(stories
        .as_array()
        .unwrap()
        .iter()
        .all(|s| s["key"] != "mine-33"));
}

#[test]
fn search_finds_chinese_latin_and_short_queries_best_first() {
    let env = Env::new();
    add_story(&env);
    let hits = env.json(&["search", "排行榜", "--json"]);
    let first = &hits.as_array().unwrap()[0];
    assert_eq!(first["key"], "redis-leaderboard.recall", "{hits}");
    let hits = env.json(&["search", "redis", "zset", "--json"]);
    assert!(
        hits.as_array()
            .unwrap()
            .iter()
            .any(|h| h["key"] == "redis-leaderboard.recall"),
        "{hits}"
    );
    // Under 3 characters: LIKE.
    let hits = env.json(&["search", "限流", "--json"]);
    assert!(!hits.as_array().unwrap().is_empty());
    // Your own cards, by deck, found by a key point.
    let hits = env.json(&["search", "补上线下", "--deck", "mine", "--json"]);
    let keys: Vec<&str> = hits
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["key"].as_str().unwrap())
        .collect();
    assert_eq!(keys, vec!["mine-33.recall"]);
    env.ok(&["tag", "mine-33.q2", "--add", "slowdown"]);
    let hits = env.json(&["search", "slowdown", "--json"]);
    assert_eq!(hits[0]["key"], "mine-33.q2");
    assert!(env
        .ok(&["search", "没有这个词语"])
        .contains("nothing found"));
    env.fails(&["search", "x", "--deck", "nope"], 1);
}

#[test]
fn search_finds_one_and_two_character_terms_anywhere_in_a_field() {
    let env = Env::new();
    for (front, back) in [
        ("缓存怎么预热", "先灌热点键"),
        ("限流用什么", "令牌桶 Go"),
        ("一个字：锁", "x"),
        ("abc 与 xbcd", "y"),
    ] {
        env.ok(&[
            "add", "card", "--front", front, "--back", back, "--deck", "short",
        ]);
    }
    let fronts = |args: &[&str]| -> Vec<String> {
        let mut all = vec!["search", "--json", "--deck", "short"];
        all.extend_from_slice(args);
        let mut f: Vec<String> = env
            .json(&all)
            .as_array()
            .unwrap()
            .iter()
            .map(|h| h["front"].as_str().unwrap().to_string())
            .collect();
        f.sort();
        f
    };
    // The last two characters of a front, of a back, and the last one of a field.
    assert_eq!(fronts(&["预热"]), ["缓存怎么预热"]);
    assert_eq!(fronts(&["go"]), ["限流用什么"]);
    assert_eq!(fronts(&["锁"]), ["一个字：锁"]);
    assert_eq!(fronts(&["什么"]), ["限流用什么"]);
    // Two short terms must both be there; a term found nowhere finds nothing.
    assert_eq!(fronts(&["限流", "令牌"]), ["限流用什么"]);
    assert!(fronts(&["限流", "预热"]).is_empty());
    assert!(fronts(&["鲸"]).is_empty());
    // A longer term's trigrams in a text, apart, are not the term.
    assert!(fronts(&["abcd"]).is_empty());
    assert_eq!(fronts(&["xbcd"]), ["abc 与 xbcd"]);
    // A changed text is found by its new words and no longer by the old ones.
    let key = env.json(&["search", "预热", "--json"])[0]["key"]
        .as_str()
        .unwrap()
        .to_string();
    env.ok(&["tag", &key, "--add", "qz"]);
    assert_eq!(fronts(&["qz"]), ["缓存怎么预热"]);
    env.ok(&["tag", &key, "--remove", "qz"]);
    assert!(fronts(&["qz"]).is_empty());
    // A story's own text (a key point, in no card's text) finds its recall card.
    add_story(&env);
    let hits = env.json(&["search", "回滚", "--json"]);
    let keys: Vec<&str> = hits
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["key"].as_str().unwrap())
        .collect();
    assert!(keys.contains(&"mine-33.recall"), "{hits}");
    assert_search_index_in_sync(&env);
}

fn my_deck(env: &Env) {
    add_story(env);
    env.ok(&[
        "add",
        "question",
        "数据库慢怎么办？",
        "--story",
        "sharding",
        "--story",
        "mine-33",
    ]);
    env.ok(&[
        "add",
        "card",
        "--front",
        "a <b> & \"c\"\tt",
        "--back",
        "line1\nline2",
        "--tag",
        "t1",
    ]);
    env.ok(&["tag", "mine-33.q1", "--add", "perf"]);
    let out = env.run_stdin(&["fill", "self-intro"], "张三\n北京\n");
    assert!(out.status.success());
}

/// The same, with the filled template in its own deck: its cards are made from the answers, which
/// only the TOML deck file carries (in Anki or CSV its recall card comes back as a basic card).
fn my_cards(env: &Env) {
    add_story(env);
    env.ok(&[
        "add",
        "question",
        "数据库慢怎么办？",
        "--story",
        "sharding",
        "--story",
        "mine-33",
    ]);
    env.ok(&[
        "add",
        "card",
        "--front",
        "a <b> & \"c\"\tt",
        "--back",
        "line1\nline2",
        "--tag",
        "t1",
    ]);
    env.ok(&["tag", "mine-33.q1", "--add", "perf"]);
    let out = env.run_stdin(&["fill", "self-intro", "--deck", "facts"], "张三\n北京\n");
    assert!(out.status.success());
}

#[test]
fn toml_export_import_round_trip_is_lossless() {
    let env = Env::new();
    my_deck(&env);
    let file = env.path("mine.toml");
    env.ok(&["export", "mine", "-o", file.to_str().unwrap()]);
    let first = std::fs::read_to_string(&file).unwrap();
    let other = Env::new();
    other.ok(&["import", file.to_str().unwrap()]);
    assert_eq!(other.ok(&["export", "mine"]), first);
    assert_eq!(
        other.json(&["show", "mine.fill.self-intro.c2", "--json"])["front"],
        "我来自{{c1::北京}}"
    );
}

fn round_trip(format: &str, ext: &str) {
    let env = Env::new();
    my_cards(&env);
    let file = env.path(&format!("mine.{ext}"));
    env.ok(&[
        "export",
        "mine",
        "--format",
        format,
        "-o",
        file.to_str().unwrap(),
    ]);
    let first = std::fs::read_to_string(&file).unwrap();
    let other = Env::new();
    let report = other.json(&["import", file.to_str().unwrap(), "--json"]);
    assert_eq!(report["deck"], "mine");
    let again = other.ok(&["export", "mine", "--format", format]);
    assert_eq!(again, first);
    // Importing the same file again changes nothing.
    let report = other.json(&["import", file.to_str().unwrap(), "--json"]);
    assert_eq!(
        (report["added"].as_u64(), report["updated"].as_u64()),
        (Some(0), Some(0)),
        "{report}"
    );
    let card = other.json(&["show", "mine.card1", "--json"]);
    assert_eq!(card["front"], "a <b> & \"c\"\tt");
    assert_eq!(card["back"], "line1\nline2");
    let q = other.json(&["show", "mine.sharding.q1", "--json"]);
    assert_eq!(q["answers"], serde_json::json!(["sharding", "mine-33"]));
}

#[test]
fn anki_export_import_round_trip() {
    let env = Env::new();
    my_deck(&env);
    let text = env.ok(&["export", "mine", "--format", "anki"]);
    assert!(text.starts_with("#separator:tab\n#html:true\n#guid column:1\n#notetype column:2\n#deck column:3\n#tags column:6\n"), "{text}");
    assert!(text.contains("mine.card1\tBasic\tstorydrill::mine\t\"a &lt;b&gt; &amp; \"\"c\"\"\tt\"\tline1<br>line2\tt1\n"), "{text}");
    assert!(
        text.contains("mine.fill.self-intro.c1\tCloze\tstorydrill::mine\t我叫{{c1::张三}}\t"),
        "{text}"
    );
    assert!(
        text.contains("mine.fill.self-intro\tBasic\tstorydrill::mine\t用你自己的事实讲一遍"),
        "{text}"
    );
    round_trip("anki", "txt");
}

#[test]
fn csv_export_import_round_trip() {
    let env = Env::new();
    my_deck(&env);
    let text = env.ok(&["export", "mine", "--format", "csv"]);
    assert!(
        text.starts_with("deck,kind,front,back,tags,key,story,answers\n"),
        "{text}"
    );
    round_trip("csv", "csv");
}

#[test]
fn a_bad_row_fails_the_whole_import_with_file_and_line() {
    let env = Env::new();
    let file = env.write(
        "cards.txt",
        "#separator:tab\n#html:true\n#notetype column:1\nBasic\tfront one\tback\nCloze\tno blank\t\n",
    );
    let err = env.fails(&["import", file.to_str().unwrap()], 1);
    assert!(
        err.contains("cards.txt:5: cloze text has no {{c1::…}} blank"),
        "{err}"
    );
    let decks = env.json(&["decks", "--json"]);
    assert!(
        decks
            .as_array()
            .unwrap()
            .iter()
            .all(|d| d["name"] != "cards"),
        "{decks}"
    );

    // Anki's own export, no guid or deck column: the deck is the file's name (or --deck).
    let file = env.write(
        "vocab.txt",
        "#separator:tab\n#html:true\n#tags column:3\n<b>SM-2</b>?\t1990<br>Wozniak\tsrs\n",
    );
    let report = env.json(&[
        "import",
        file.to_str().unwrap(),
        "--deck",
        "words",
        "--json",
    ]);
    assert_eq!(
        (report["deck"].as_str(), report["added"].as_u64()),
        (Some("words"), Some(1))
    );
    let list = env.json(&["list", "--deck", "words", "--json"]);
    assert_eq!(list[0]["front"], "SM-2?");
    assert_eq!(list[0]["back"], "1990\nWozniak");
}

/// The search index against the card and story texts: FTS5 reads every row back and compares.
fn assert_search_index_in_sync(env: &Env) {
    let conn = env.sql();
    for table in ["card_fts", "story_fts"] {
        conn.execute(
            &format!("INSERT INTO {table} ({table}, rank) VALUES ('integrity-check', 1)"),
            [],
        )
        .unwrap_or_else(|e| panic!("{table} is out of step with its table: {e}"));
    }
}

fn search_keys(env: &Env, args: &[&str]) -> Vec<String> {
    let mut all = vec!["search", "--json"];
    all.extend_from_slice(args);
    env.json(&all)
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["key"].as_str().unwrap().to_string())
        .collect()
}

/// An Anki file of `n` cards; card i's front holds the word `w{i:05}{word}`.
fn bulk_anki(n: usize, word: &str) -> String {
    let mut text = String::from(
        "#separator:tab\n#html:true\n#guid column:1\n#notetype column:2\n#deck column:3\n#tags column:6\n",
    );
    for i in 0..n {
        text.push_str(&format!(
            "bulk.{i}\tBasic\tstorydrill::bulk\t第 {i} 张卡：w{i:05}{word} 的缓存怎么设计？\t用 Redis 做缓存，第 {i} 条。\tt{}\n",
            i % 7
        ));
    }
    text
}

#[test]
fn search_finds_cards_right_after_a_large_import_and_its_updates() {
    // More rows than the import writes per statement, so the index is built over several.
    const N: usize = 12_345;
    let env = Env::new();
    env.write("bulk.txt", &bulk_anki(N, "alpha"));
    let report = env.json(&["import", "bulk.txt", "--json"]);
    assert_eq!(report["added"], N, "{report}");
    for i in [0, 9_999, 10_000, N - 1] {
        assert_eq!(
            search_keys(&env, &[&format!("w{i:05}alpha")]),
            [format!("bulk.{i}")]
        );
    }
    assert_eq!(
        search_keys(&env, &["w12344alpha", "--deck", "bulk"]),
        ["bulk.12344"]
    );
    assert_search_index_in_sync(&env);

    // A card of a small deck that ranks below the best hundred matches of all decks is still the
    // best of its deck.
    let long_back = format!("{}后来才用上了 Redis。", "我们讨论了很久。".repeat(40));
    env.ok(&[
        "add",
        "card",
        "--front",
        "缓存选型",
        "--back",
        &long_back,
        "--deck",
        "mine",
    ]);
    let all = search_keys(&env, &["Redis", "--limit", "100"]);
    assert_eq!(all.len(), 100);
    assert!(!all.iter().any(|k| k.starts_with("mine.")), "{all:?}");
    let mine = search_keys(&env, &["Redis", "--deck", "mine"]);
    assert_eq!(mine.len(), 1, "{mine:?}");
    assert!(mine[0].starts_with("mine."), "{mine:?}");
    assert_eq!(search_keys(&env, &["Redis", "--deck", "bulk"]).len(), 20);

    // Every tenth card changes its text: the index forgets the old words and learns the new ones.
    let changed: String = bulk_anki(N, "alpha")
        .lines()
        .enumerate()
        .map(|(line, l)| {
            let i = line.wrapping_sub(6);
            if line >= 6 && i % 10 == 0 {
                format!("{}\n", l.replace("alpha", "omega"))
            } else {
                format!("{l}\n")
            }
        })
        .collect();
    env.write("bulk.txt", &changed);
    let report = env.json(&["import", "bulk.txt", "--dry-run", "--json"]);
    assert_eq!(report["updated"], N.div_ceil(10), "{report}");
    assert_eq!(search_keys(&env, &["w12340omega"]), Vec::<String>::new());
    let report = env.json(&["import", "bulk.txt", "--json"]);
    assert_eq!(
        (report["updated"].as_u64(), report["unchanged"].as_u64()),
        (
            Some(N.div_ceil(10) as u64),
            Some((N - N.div_ceil(10)) as u64)
        ),
        "{report}"
    );
    assert_eq!(search_keys(&env, &["w12340alpha"]), Vec::<String>::new());
    assert_eq!(search_keys(&env, &["w12340omega"]), ["bulk.12340"]);
    assert_eq!(search_keys(&env, &["w12341alpha"]), ["bulk.12341"]);
    assert_search_index_in_sync(&env);
}

#[test]
fn a_large_card_file_is_read_in_batches_and_checked_across_them() {
    // More rows than an import holds at a time, and more than 1 MiB (written with a rollback
    // journal, then back to the log).
    const N: usize = 10_050;
    let env = Env::new();
    let mut text = bulk_anki(N, "beta");
    assert!(text.len() > 1 << 20, "{}", text.len());
    text.push_str("bulk.0\tBasic\tstorydrill::bulk\tagain\tx\t\n");
    env.write("dup.txt", &text);
    let err = env.fails(&["import", "dup.txt"], 1);
    assert!(
        err.contains(&format!(
            "dup.txt:{}: duplicate key \"bulk.0\" (also on line 7)",
            N + 7
        )),
        "{err}"
    );
    let count = |env: &Env| -> i64 {
        env.sql()
            .query_row(
                "SELECT count(*) FROM card WHERE key LIKE 'bulk.%'",
                [],
                |r| r.get(0),
            )
            .unwrap()
    };
    assert_eq!(
        count(&env),
        0,
        "the rows before the duplicate were not kept"
    );
    let mode: String = env
        .sql()
        .query_row("PRAGMA journal_mode", [], |r| r.get(0))
        .unwrap();
    assert_eq!(mode, "wal");

    env.write("bulk.txt", &bulk_anki(N, "beta"));
    let report = env.json(&["import", "bulk.txt", "--json"]);
    assert_eq!(report["added"], N, "{report}");
    assert_eq!(count(&env), N as i64);
    // A later file adds to the deck: its new card goes after the deck's last, the changed one
    // keeps its place.
    env.write(
        "more.txt",
        "#separator:tab\n#guid column:1\n#deck column:2\nbulk.new\tstorydrill::bulk\tnew front\tb\nbulk.5\tstorydrill::bulk\tchanged front\tb\n",
    );
    let report = env.json(&["import", "more.txt", "--json"]);
    assert_eq!(
        (report["added"].as_u64(), report["updated"].as_u64()),
        (Some(1), Some(1)),
        "{report}"
    );
    let position = |key: &str| -> i64 {
        env.sql()
            .query_row("SELECT position FROM card WHERE key = ?1", [key], |r| {
                r.get(0)
            })
            .unwrap()
    };
    assert_eq!((position("bulk.new"), position("bulk.5")), (N as i64, 5));
    assert_eq!(
        env.json(&["show", "bulk.5", "--json"])["front"],
        "changed front"
    );
}
