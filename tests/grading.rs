//! Grading (issue 11): tellings judged by their facts (`check`, the session's ✓/✗ and `:p`, the
//! checklist of a telling told aloud), answers read as typed (`which`), clozes, and a deck's
//! own synonyms.

use crate::util::{stderr, stdout, Env};

const FACTS: &str = crate::fixture!("facts.toml");

fn with_facts() -> Env {
    let env = Env::new();
    let deck = env.write("facts.toml", FACTS);
    env.ok(&["import", deck.to_str().unwrap()]);
    env
}

fn check(env: &Env, telling: &str) -> serde_json::Value {
    let out = env.run_stdin(&["check", "big-table", "-", "--json"], telling);
    assert!(out.status.success(), "{}", stderr(&out));
    serde_json::from_str(&stdout(&out)).unwrap()
}

fn covered(judged: &serde_json::Value) -> Vec<bool> {
    judged["points"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["covered"].as_bool().unwrap())
        .collect()
}

#[test]
fn a_paraphrase_with_the_facts_right_covers_every_point() {
    let env = with_facts();
    // Chinese numerals, other units, built-in synonyms (上线/发布, 马上/立即) and the deck's own
    // (退回去/回滚).
    let judged = check(
        &env,
        "我们的订单表有两千万行，查一次要两秒。后来拆成了十六张表，查询降到三十毫秒。上线以后出了问题就马上退回去。",
    );
    assert_eq!(covered(&judged), [true, true, true, true], "{judged}");
    assert_eq!(judged["suggested"], 5);
    assert_eq!(judged["story"], "big-table");
    assert_eq!(
        (judged["covered"].as_u64(), judged["total"].as_u64()),
        (Some(4), Some(4))
    );
    assert_eq!(judged["points"][0]["text"], "订单表 2000 万行");
    assert_eq!(judged["points"][0]["reason"], "said");
}

#[test]
fn wrong_numbers_negations_and_reversals_are_not_covered_and_say_why() {
    let env = with_facts();
    let telling =
        "订单表有 200 万行，拆成 16 张表，查询从 2 秒升到 30 毫秒，发布出问题也没有回滚。";
    let judged = check(&env, telling);
    assert_eq!(covered(&judged), [false, true, false, false], "{judged}");
    assert_eq!(
        judged["points"][0]["reason"],
        "said 200 万行, the story says 2000 万行"
    );
    assert!(judged["suggested"].as_u64().unwrap() <= 1, "{judged}");
    assert_eq!(judged["contradicted"], 3);
    // The same as text: each point numbered, ✓ or ✗, with the reason.
    let out = env.run_stdin(&["check", "50"], telling);
    let text = stdout(&out);
    assert!(
        text.contains(" 1 ✗ 订单表 2000 万行 — said 200 万行, the story says 2000 万行"),
        "{text}"
    );
    assert!(text.contains(" 2 ✓ 拆成 16 张表"), "{text}");
    assert!(text.contains("suggested grade 0"), "{text}");
}

#[test]
fn check_reads_a_file_or_given_points_and_refuses_bad_input() {
    let env = with_facts();
    let file = env.write("telling.txt", "数据有两千万行");
    let judged = env.json(&[
        "check",
        "big-table",
        file.to_str().unwrap(),
        "--point",
        "数据 2000 万行",
        "--json",
    ]);
    assert_eq!(covered(&judged), [true]);
    let err = env.fails(&["check", "no-such-story", "-"], 1);
    assert!(err.contains("no-such-story"), "{err}");
    let err = env.fails(&["check", "big-table", "/nonexistent/telling.txt"], 1);
    assert!(err.contains("/nonexistent/telling.txt"), "{err}");
    // Nothing is recorded.
    let reviews: i64 = env
        .sql()
        .query_row("SELECT count(*) FROM review", [], |r| r.get(0))
        .unwrap();
    assert_eq!(reviews, 0);
}

fn which(env: &Env, answer: &str) -> serde_json::Value {
    env.json(&["which", answer, "--json"])
}

#[test]
fn which_reads_answers_as_people_type_them() {
    let env = with_facts();
    for answer in [
        "50",
        "#50",
        "５０",
        "50号",
        "第五十个",
        "No.50",
        "大表",
        "大表拆分方案",
        "dabiao",
        "大表差分",
    ] {
        assert_eq!(which(&env, answer)["resolved"], "big-table", "{answer}");
    }
    // The built-in decks: unspaced, synonyms, pinyin, an input-method typo.
    for (answer, key) in [
        ("redis限流", "redis-rate-limit"),
        ("Nginx负载均衡", "nginx-lb"),
        ("分片", "sharding"),
        ("fenkufenbiao", "sharding"),
        ("分库分彪", "sharding"),
        ("nignx", "nginx-lb"),
        ("dokcer", "docker"),
    ] {
        assert_eq!(which(&env, answer)["resolved"], key, "{answer}");
    }
    let redis = which(&env, "redis");
    assert!(redis["resolved"].is_null());
    assert!(redis["ambiguous"].as_array().unwrap().len() >= 3, "{redis}");
    let none = which(&env, "99");
    assert!(none["resolved"].is_null() && none["ambiguous"].as_array().unwrap().is_empty());
    let near = env.ok(&["which", "负载均衡器的配置文件"]);
    assert!(
        near.contains("did you mean 2 用 NginX 实现负载均衡 (nginx-lb)?"),
        "{near}"
    );
}

fn judgements(env: &Env) -> Vec<(i64, i64, Option<String>, String)> {
    let conn = env.sql();
    let mut stmt = conn
        .prepare("SELECT spoken, suggested, judged, kept FROM review_judgement ORDER BY review_id")
        .unwrap();
    stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))
        .unwrap()
        .map(Result::unwrap)
        .collect()
}

fn quality(env: &Env) -> Vec<i64> {
    let conn = env.sql();
    let mut stmt = conn
        .prepare("SELECT quality FROM review ORDER BY id")
        .unwrap();
    stmt.query_map([], |r| r.get(0))
        .unwrap()
        .map(Result::unwrap)
        .collect()
}

#[test]
fn the_user_ticks_a_point_and_the_suggestion_and_the_log_follow() {
    let env = with_facts();
    // One point told; the user says the second was told too; Enter takes the new suggestion.
    let out = env.run_stdin(
        &[
            "review", "--deck", "facts", "--kind", "recall", "--limit", "1",
        ],
        "订单表有两千万行\n\n:p 2\n:p 9\n\n",
    );
    let text = stdout(&out);
    assert!(text.contains("covered 1 of 4 key points"), "{text}");
    assert!(text.contains(" 2 ✓ 拆成 16 张表 — your call"), "{text}");
    assert!(text.contains("suggested grade now 3"), "{text}");
    assert!(text.contains("there is no key point 9"), "{text}");
    assert_eq!(quality(&env), [3]);
    assert_eq!(
        judgements(&env),
        [(
            0,
            3,
            Some("[true,false,false,false]".into()),
            "[true,true,false,false]".into()
        )]
    );
    // stats counts how often the user changed the judge's ticks.
    let stats = env.json(&["stats", "--json"]);
    assert_eq!(
        stats["grader"],
        serde_json::json!({"tellings": 1, "points": 4, "changed": 1})
    );
    let text = env.ok(&["stats"]);
    assert!(
        text.contains("Grader: you changed 1 of 4 key points the judge ticked, over your last 1 typed telling (agreement 75 %)"),
        "{text}"
    );
}

#[test]
fn a_telling_told_aloud_is_graded_from_its_checklist() {
    let env = with_facts();
    // Told aloud, two points said: 3, so it comes back as a re-drill; there the grade is undone
    // (its judgement goes with it) and told again with every point.
    let out = env.run_stdin(
        &["review", "--deck", "facts", "--kind", "recall"],
        "\n1 5\n1, 3\n\n:u\n\nall\n\n",
    );
    let text = stdout(&out);
    assert!(text.contains(" 3 ☐ 查询从 2 秒降到 30 毫秒"), "{text}");
    assert!(text.contains("“5” is not a key point"), "{text}");
    assert!(text.contains("said 2 of 4 key points"), "{text}");
    assert!(text.contains("grade [3]>"), "{text}");
    assert!(text.contains("undone: card #"), "{text}");
    assert_eq!(quality(&env), [5]);
    assert_eq!(
        judgements(&env),
        [(1, 5, None, "[true,true,true,true]".into())]
    );
}

#[test]
fn cloze_answers_are_compared_as_values() {
    let mut env = with_facts();
    env.ok(&["grade", "big-table", "5"]);
    env.at("2027-01-05T09:00:00+08:00");
    let out = env.run_stdin(
        &["review", "--deck", "facts", "--kind", "cloze"],
        "两千万\n\n",
    );
    assert!(stdout(&out).contains("✓ right"), "{}", stdout(&out));
}

#[test]
fn a_deck_keeps_its_synonyms_through_export_and_an_import_without_them() {
    let env = with_facts();
    let exported = env.ok(&["export", "facts"]);
    assert!(
        exported.contains("[synonyms]\n\"回滚\" = [\n  \"退回去\",\n]"),
        "{exported}"
    );
    // A file without [synonyms] changes the deck's entries and keeps its synonyms.
    let without = FACTS.replace("[synonyms]\n\"回滚\" = [\"退回去\"]\n", "");
    let file = env.write("without.toml", &without);
    env.ok(&["import", file.to_str().unwrap()]);
    let judged = check(&env, "发布出问题立即退回去");
    assert!(covered(&judged)[3], "{judged}");
    // A bad table is refused where it is, and nothing changes.
    let bad = FACTS.replace("[\"退回去\"]", "[]");
    let file = env.write("bad.toml", &bad);
    let before = env.dump();
    let err = env.fails(&["import", file.to_str().unwrap()], 1);
    assert!(
        err.contains("bad.toml:5:") && err.contains("needs 1 to 50 equals"),
        "{err}"
    );
    assert_eq!(env.dump(), before);
}

#[test]
fn an_alias_another_story_has_is_a_warning_on_import_and_add() {
    let env = with_facts();
    let deck = FACTS.replace("aliases = [\"大表\"]", "aliases = [\"大表\", \"分库分表\"]");
    let file = env.write("shared.toml", &deck);
    let out = env.run(&["import", file.to_str().unwrap(), "--dry-run"]);
    assert!(out.status.success());
    let warning = "warning: alias \"分库分表\" of big-table is also sharding";
    assert!(stderr(&out).contains(warning), "{}", stderr(&out));
    let report = env.json(&["import", file.to_str().unwrap(), "--json"]);
    assert!(
        report["warnings"][0].as_str().unwrap().contains("sharding"),
        "{report}"
    );
    let text = env.write("story.txt", "令牌桶限流");
    let out = env.run(&[
        "add",
        "story",
        "--title",
        "我的限流",
        "--text-file",
        text.to_str().unwrap(),
        "--point",
        "令牌桶",
        "--question",
        "怎么限流？",
        "--alias",
        "限流",
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("alias \"限流\" of ")
            && stderr(&out).contains("is also redis-rate-limit"),
        "{}",
        stderr(&out)
    );
}

/// A telling of the built-in docker story with one fact of big-table in it.
const DOCKER_TOLD: &str = "订单表有两千万行。我印象最深的是用 Docker 部署。以前不同环境要一遍遍检查测试，很多 bug 最后是环境不一致。后来学会用 docker 管理容器，打包镜像，测试 ok 再发布，发到哪里都能顺利工作。";

#[test]
fn a_telling_of_another_story_is_named_and_suggested_zero() {
    let env = with_facts();
    let judged = check(&env, DOCKER_TOLD);
    assert_eq!(covered(&judged), [true, false, false, false], "{judged}");
    assert_eq!(judged["instead"], "docker");
    assert_eq!(judged["suggested"], 0);
    let text = stdout(&env.run_stdin(&["check", "big-table"], DOCKER_TOLD));
    assert!(
        text.contains("this sounds like a telling of 13 用 Docker 部署 (docker): suggested 0"),
        "{text}"
    );
    // In the session the user may still say it was this story: a tick takes the verdict back.
    let out = env.run_stdin(
        &[
            "review", "--deck", "facts", "--kind", "recall", "--limit", "1",
        ],
        &format!("{DOCKER_TOLD}\n\n:p 2\n\n"),
    );
    let text = stdout(&out);
    assert!(
        text.contains("this sounds like a telling of 13 用 Docker 部署"),
        "{text}"
    );
    assert!(text.contains("grade [0]>"), "{text}");
    assert!(text.contains("suggested grade now 3"), "{text}");
    assert_eq!(quality(&env), [3]);
}

#[test]
fn a_right_answer_that_is_not_the_best_fit_shows_the_best_fit() {
    let mut env = with_facts();
    env.ok(&["grade", "big-table", "5"]);
    env.at("2027-01-05T09:00:00+08:00");
    let out = env.run_stdin(
        &[
            "review", "--deck", "facts", "--kind", "match", "--limit", "1",
        ],
        "分库分表\n\n",
    );
    let text = stdout(&out);
    assert!(text.contains("✓ right: 3 数据库 Sharding"), "{text}");
    assert!(text.contains("best fit: 50 大表拆分"), "{text}");
    assert!(!text.contains("also fits"), "{text}");
    // Named the best fit: the other accepted story is shown as also fitting.
    env.at("2027-01-06T09:00:00+08:00");
    let out = env.run_stdin(
        &[
            "review", "--deck", "facts", "--kind", "match", "--cram", "--limit", "1",
        ],
        "大表\n\n",
    );
    let text = stdout(&out);
    assert!(text.contains("✓ right: 50 大表拆分"), "{text}");
    assert!(text.contains("also fits: 3 数据库 Sharding"), "{text}");
    assert!(!text.contains("best fit"), "{text}");
}
