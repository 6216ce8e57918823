//! The real binary, end to end, on a temp database.

mod common;
use common::Env;

#[test]
fn stories_lists_all_18_stories_and_the_templates() {
    let env = Env::new();
    let stories = env.json(&["stories", "--json"]);
    let rows = stories.as_array().unwrap();
    let numbers: Vec<u64> = rows.iter().map(|r| r["number"].as_u64().unwrap()).collect();
    assert_eq!(numbers, (1..=25).collect::<Vec<u64>>());
    assert_eq!(rows[2]["key"], "sharding");
    assert_eq!(rows[3]["source"], "written");
    assert_eq!(rows[18]["key"], "self-intro");
}
