//! Follow-up cards (追问) and 30-second versions: the deck format, when a follow-up comes, how it
//! is judged, what readiness makes of it, and that every exchange format keeps it.

use crate::util::{stdout, Env};

const DECK: &str = r#"
[deck]
name = "mine"

[[story]]
key = "lb"
title = "负载均衡"
text = "我们用 Nginx 的 upstream 把请求按权重分到两台 python 服务器。"
points = ["Nginx upstream 转发", "按权重分发"]
short = "我用 Nginx upstream 按权重把请求分到两台服务器。"

[[followup]]
key = "lb.f1"
story = "lb"
source = "written"
question = "Nginx 挂了怎么办？"
answer = "我们用 keepalived 做 VIP 主备切换，主机挂了备机几秒内接管 VIP。"
points = ["keepalived 做 VIP 主备切换", "备机几秒内接管"]
why = "单点故障意识"
"#;

fn with_deck() -> Env {
    let env = Env::new();
    let deck = env.write("mine.toml", DECK);
    env.ok(&["import", deck.to_str().unwrap()]);
    env
}

fn card_ids(env: &Env, args: &[&str], stdin: &str) -> Vec<String> {
    let mut full = vec!["review", "--json"];
    full.extend_from_slice(args);
    let out = env.run_stdin(&full, stdin);
    stdout(&out)
        .lines()
        .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
        .filter(|e| e["event"] == "card")
        .map(|e| {
            format!(
                "{}:{}",
                e["kind"].as_str().unwrap_or(""),
                e["key"].as_str().unwrap_or("")
            )
        })
        .collect()
}

#[test]
fn a_follow_up_comes_only_after_its_story_was_told_and_is_judged_by_its_own_points() {
    let mut env = with_deck();
    // Never told: the follow-up waits.
    let first = card_ids(&env, &["--deck", "mine", "--kind", "followup"], "");
    assert!(first.is_empty(), "{first:?}");
    // Tell the story (typed), grade it.
    let told = card_ids(
        &env,
        &["--deck", "mine", "--kind", "recall"],
        "Nginx upstream 转发，按权重分发\n\n4\n",
    );
    assert_eq!(told, vec!["recall:lb.recall"]);
    env.at("2027-01-05T09:30:00+08:00");
    let out = env.run_stdin(
        &["review", "--deck", "mine", "--kind", "followup"],
        "我会上 keepalived 做 VIP 主备切换\n\n4\n",
    );
    let text = stdout(&out);
    assert!(text.contains("Follow-up (追问) on"), "{text}");
    assert!(text.contains("Nginx 挂了怎么办？"), "{text}");
    assert!(text.contains("what it probes: 单点故障意识"), "{text}");
    assert!(text.contains("covered 1 of 2 key points"), "{text}");
    // The answer is logged against the follow-up card.
    let show = env.json(&["show", "--json", "lb.f1"]);
    assert_eq!(show["kind"], "followup");
    assert_eq!(show["points"][0], "keepalived 做 VIP 主备切换");
    assert_eq!(show["why"], "单点故障意识");
    assert_eq!(
        show["history"][0]["answer"],
        "我会上 keepalived 做 VIP 主备切换"
    );
}

#[test]
fn a_story_whose_follow_ups_are_unanswered_or_failed_is_not_ready() {
    let mut env = with_deck();
    env.run_stdin(
        &["review", "--deck", "mine", "--kind", "recall"],
        "Nginx upstream 转发，按权重分发\n\n5\n",
    );
    let missing = |env: &Env| -> Vec<String> {
        let stats = env.json(&["stats", "--json", "--deck", "mine"]);
        let story = stats["stories"]
            .as_array()
            .unwrap()
            .iter()
            .find(|s| s["key"] == "lb")
            .cloned()
            .unwrap();
        story["missing"]
            .as_array()
            .unwrap()
            .iter()
            .map(|m| m.as_str().unwrap().to_string())
            .collect()
    };
    assert!(
        missing(&env).contains(&"1 of 1 follow-ups never answered".to_string()),
        "{:?}",
        missing(&env)
    );
    env.at("2027-01-05T09:30:00+08:00");
    env.run_stdin(
        &["review", "--deck", "mine", "--kind", "followup"],
        "不知道\n\n1\n",
    );
    assert!(
        missing(&env).contains(&"1 of 1 follow-ups failed last time".to_string()),
        "{:?}",
        missing(&env)
    );
}

#[test]
fn follow_ups_and_short_versions_survive_every_exchange_format() {
    let env = with_deck();
    let toml = env.ok(&["export", "mine"]);
    assert!(
        toml.contains("[[followup]]") && toml.contains("short = "),
        "{toml}"
    );
    let again = env.write("again.toml", &toml);
    let dry = env.ok(&["import", "--dry-run", again.to_str().unwrap()]);
    assert!(
        dry.contains("0 added, 0 updated") && dry.contains("0 retired"),
        "{dry}"
    );
    // Anki and CSV carry the key points after the answer; a re-import changes nothing.
    for format in ["anki", "csv"] {
        let text = env.ok(&["export", "mine", "--format", format]);
        assert!(text.contains("[key points]"), "{format}: {text}");
        let file = env.write(&format!("mine.{format}"), &text);
        let out = env.ok(&["import", "--dry-run", file.to_str().unwrap()]);
        assert!(out.contains("0 added, 0 updated"), "{format}: {out}");
    }
    // A fresh database takes the follow-up from the Anki file, key points included.
    let fresh = Env::new();
    let story_only = DECK.split("[[followup]]").next().unwrap();
    let deck = fresh.write("mine.toml", story_only);
    fresh.ok(&["import", deck.to_str().unwrap()]);
    let anki = fresh.write("mine.txt", &env.ok(&["export", "mine", "--format", "anki"]));
    fresh.ok(&["import", anki.to_str().unwrap()]);
    let show = fresh.json(&["show", "--json", "lb.f1"]);
    assert_eq!(show["kind"], "followup");
    assert_eq!(
        show["points"],
        serde_json::json!(["keepalived 做 VIP 主备切换", "备机几秒内接管"])
    );
}

#[test]
fn a_follow_up_without_points_or_story_is_an_error_at_its_line() {
    let env = Env::new();
    let no_points = DECK.replace(
        "points = [\"keepalived 做 VIP 主备切换\", \"备机几秒内接管\"]",
        "points = []",
    );
    let file = env.write("bad.toml", &no_points);
    let err = env.fails(&["import", file.to_str().unwrap()], 1);
    let line = no_points.lines().position(|l| l == "points = []").unwrap() + 1;
    assert!(err.contains(&format!("bad.toml:{line}:")), "{err}");
    assert!(err.contains("key points"), "{err}");
    let unknown = DECK.replace("story = \"lb\"", "story = \"nowhere\"");
    let file = env.write("bad2.toml", &unknown);
    let err = env.fails(&["import", file.to_str().unwrap()], 1);
    assert!(err.contains("unknown story \"nowhere\""), "{err}");
    assert!(
        env.fails(&["show", "lb.f1"], 1).contains("no card"),
        "nothing was imported"
    );
}

#[test]
fn review_short_tells_the_30_second_versions_without_moving_schedules() {
    let env = with_deck();
    let out = env.run_stdin(&["review", "--short", "--deck", "mine"], "\n\n4\n");
    let text = stdout(&out);
    assert!(text.contains("Tell it in 30 seconds:"), "{text}");
    assert!(text.contains("you have 0:30"), "{text}");
    assert!(
        text.contains("我用 Nginx upstream 按权重把请求分到两台服务器。"),
        "{text}"
    );
    let show = env.json(&["show", "--json", "lb"]);
    assert_eq!(
        show["state"]["reviews"], 0,
        "a short telling moves no schedule"
    );
    assert_eq!(show["history"][0]["kind"], "cram");
    // A selection with no short version says so.
    let plain = DECK.replace(
        "short = \"我用 Nginx upstream 按权重把请求分到两台服务器。\"\n",
        "",
    );
    let env = Env::new();
    let deck = env.write("mine.toml", &plain);
    env.ok(&["import", deck.to_str().unwrap()]);
    let err = env.fails(&["review", "--short", "--deck", "mine", "--story", "lb"], 1);
    assert!(err.contains("30-second version"), "{err}");
}

#[test]
fn key_points_storydrill_wrote_for_a_documents_story_say_so_and_round_trip() {
    let env = Env::new();
    let deck = DECK.replace(
        "points = [\"Nginx upstream 转发\", \"按权重分发\"]\n",
        "source = \"seed\"\npoints = [\"Nginx upstream 转发\", \"按权重分发\"]\npoints_source = \"written\"\n",
    );
    let file = env.write("mine.toml", &deck);
    env.ok(&["import", file.to_str().unwrap()]);
    let out = env.run_stdin(
        &["review", "--deck", "mine", "--kind", "recall"],
        "Nginx upstream 转发\n\n4\n",
    );
    let text = stdout(&out);
    assert!(
        text.contains("key points (written by storydrill)"),
        "{text}"
    );
    let exported = env.ok(&["export", "mine"]);
    assert!(
        exported.contains("points_source = \"written\""),
        "{exported}"
    );
    let bad = deck.replace("points_source = \"written\"", "points_source = \"mine\"");
    let file = env.write("bad.toml", &bad);
    let err = env.fails(&["import", file.to_str().unwrap()], 1);
    let line = bad
        .lines()
        .position(|l| l.starts_with("points_source"))
        .unwrap()
        + 1;
    assert!(err.contains(&format!("bad.toml:{line}:")), "{err}");
}
