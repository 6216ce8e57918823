//! `storydrill interview`: a mock interview driven through a pipe, answering each question as
//! its header comes, and what it leaves behind (the report, the log, `interviews`, `stats`).

use std::io::{BufRead, BufReader, Read, Write};
use std::process::Stdio;

use serde_json::Value;

use crate::util::{stderr, Env};

/// What a user answers: a story to name (for a question) and the lines of the telling.
struct Answer {
    story: Option<String>,
    telling: String,
}

/// Runs `interview ARGS` with piped stdin, answering each step when its header ("── N/M · part")
/// and question ("面试官：…") have come, with `answer(part, question)`; None ends it with `:q`.
/// Returns the whole output (the report, with --json) and the parts in the order asked.
fn drive(
    env: &Env,
    args: &[&str],
    mut answer: impl FnMut(&str, &str) -> Option<Answer>,
) -> (String, Vec<String>) {
    let mut full = vec!["interview"];
    full.extend_from_slice(args);
    let mut child = env
        .process(&full)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take();
    // With --json the interview is on standard error and the report on standard output.
    let json = args.contains(&"--json");
    let stdout: Box<dyn Read> = Box::new(child.stdout.take().unwrap());
    let stderr: Box<dyn Read> = Box::new(child.stderr.take().unwrap());
    let (screen, mut other) = if json {
        (stderr, stdout)
    } else {
        (stdout, stderr)
    };
    let mut out = String::new();
    let mut parts = Vec::new();
    let mut part: Option<String> = None;
    for line in BufReader::new(screen).lines() {
        let line = line.unwrap();
        out.push_str(&line);
        out.push('\n');
        if let Some(header) = line.strip_prefix("── ") {
            part = header.split(" · ").nth(1).map(str::to_string);
            parts.push(part.clone().unwrap_or_default());
            continue;
        }
        let question = line
            .strip_prefix("面试官追问：")
            .or_else(|| line.strip_prefix("面试官："));
        if let (Some(question), Some(p), Some(input)) = (question, part.take(), stdin.as_mut()) {
            match answer(&p, question) {
                Some(a) => {
                    if let Some(story) = &a.story {
                        writeln!(input, "{story}").unwrap();
                    }
                    writeln!(input, "{}\n", a.telling).unwrap();
                }
                None => writeln!(input, ":q").unwrap(),
            }
            input.flush().unwrap();
        }
        if line.starts_with("The interview is over") {
            // Nothing more is asked: the end of input ends any ticking.
            stdin = None;
        }
    }
    drop(stdin);
    let mut rest = String::new();
    other.read_to_string(&mut rest).unwrap();
    let status = child.wait().unwrap();
    assert!(status.success(), "{rest}\n{out}");
    if json {
        (rest, parts)
    } else {
        (out, parts)
    }
}

/// The stories that fit a question card, from its text.
fn fits(env: &Env, question: &str) -> Vec<String> {
    let answers: String = env
        .sql()
        .query_row(
            "SELECT answers FROM card WHERE kind = 'match' AND front = ?1",
            [question],
            |r| r.get(0),
        )
        .unwrap_or_else(|e| panic!("no question card {question:?}: {e}"));
    serde_json::from_str(&answers).unwrap()
}

/// A story's text, as a telling that covers it.
fn text_of(env: &Env, story: &str) -> String {
    let text: String = env
        .sql()
        .query_row(
            "SELECT text || char(10) || coalesce(written, '') FROM story WHERE key = ?1",
            [story],
            |r| r.get(0),
        )
        .unwrap();
    // One line: an empty line would end the telling.
    text.lines()
        .filter(|l| !l.trim().is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

fn number_of(env: &Env, story: &str) -> u32 {
    env.sql()
        .query_row("SELECT number FROM story WHERE key = ?1", [story], |r| {
            r.get(0)
        })
        .unwrap()
}

#[test]
fn a_mock_interview_asks_in_order_shows_nothing_until_the_end_and_moves_no_schedule() {
    let env = Env::new();
    let mut first_question = true;
    let mut wrong_named: Option<(String, String)> = None;
    let (out, parts) = drive(
        &env,
        &["--seed", "7", "--minutes", "10"],
        |part, question| {
            Some(match part {
                "question" | "business / architecture" => {
                    let fits = fits(&env, question);
                    if first_question && part == "question" {
                        // The first question: a story that does not fit, told well.
                        first_question = false;
                        let wrong = if fits.iter().any(|f| f == "perf-tuning") {
                            "docker"
                        } else {
                            "perf-tuning"
                        };
                        wrong_named = Some((fits[0].clone(), wrong.to_string()));
                        Answer {
                            story: Some(number_of(&env, wrong).to_string()),
                            telling: text_of(&env, wrong),
                        }
                    } else {
                        Answer {
                            story: Some(number_of(&env, &fits[0]).to_string()),
                            telling: text_of(&env, &fits[0]),
                        }
                    }
                }
                "self-introduction" => Answer {
                    story: None,
                    telling: "我叫张三，今年二十八岁。".to_string(),
                },
                "project" => Answer {
                    story: None,
                    telling: text_of(&env, "project"),
                },
                _ => Answer {
                    story: None,
                    telling: "我会先看监控，再定位问题。".to_string(),
                },
            })
        },
    );
    // The order of a first round: the introductions, questions with a follow-up after some, one
    // business or architecture question, and the user's questions last.
    assert_eq!(parts[..2], ["self-introduction", "project"], "{out}");
    assert_eq!(
        parts.last().map(String::as_str),
        Some("your questions"),
        "{out}"
    );
    assert_eq!(
        parts
            .iter()
            .filter(|p| *p == "business / architecture")
            .count(),
        1
    );
    let followup = parts
        .iter()
        .position(|p| p == "follow-up")
        .expect("a follow-up");
    assert_eq!(parts[followup - 1], "question", "{parts:?}");
    assert_eq!(
        parts.iter().filter(|p| *p == "question").count(),
        3,
        "{parts:?}"
    );
    // Nothing is judged or shown before the end.
    let (during, report) = out.split_once("The interview is over.").expect("an end");
    for revealing in [
        "✓",
        "✗",
        "key points",
        "model answer",
        "missed:",
        "score",
        "it fits",
    ] {
        assert!(
            !during.contains(revealing),
            "{revealing:?} before the end:\n{during}"
        );
    }
    assert!(
        during.contains("you have 1:30"),
        "the self-introduction's time: {during}"
    );
    assert!(during.contains("tell 2:00 left> "), "{during}");
    // The report: every step, the story named against those that fit, the work to do.
    let (asked, named) = wrong_named.expect("a question was asked");
    assert!(
        report.contains("Report · mock interview #1 · 2027-01-04"),
        "{report}"
    );
    assert!(
        report.contains(&format!("all {} answers", parts.len())),
        "{report}"
    );
    assert!(report.contains("✗ you told"), "{report}");
    assert!(report.contains("storydrill review --confused"), "{report}");
    assert!(report.contains("key points"), "{report}");

    // Every answer is in the log as kind mock, and no card's schedule moved.
    let conn = env.sql();
    let count = |sql: &str| -> i64 { conn.query_row(sql, [], |r| r.get(0)).unwrap() };
    let questions = parts
        .iter()
        .filter(|p| *p == "question" || *p == "business / architecture")
        .count() as i64;
    assert_eq!(
        count("SELECT count(*) FROM review WHERE kind = 'mock'"),
        parts.len() as i64 + questions
    );
    assert_eq!(count("SELECT count(*) FROM review WHERE kind != 'mock'"), 0);
    assert_eq!(
        count("SELECT count(*) FROM card WHERE reviews > 0 OR due IS NOT NULL OR repetitions > 0"),
        0
    );
    // The wrong story counts as a confusion, and the told stories' grades count in readiness.
    let stats = env.json(&["stats", "--json"]);
    let confusions = stats["confusions"].as_array().unwrap();
    assert!(
        confusions
            .iter()
            .any(|c| c["asked"] == asked.as_str() && c["answered"] == named.as_str()),
        "{confusions:?}"
    );
    let project = stats["stories"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["key"] == "project")
        .unwrap()
        .clone();
    assert!(project["readiness"].is_number(), "{project}");

    // `interviews` lists it with the report's score; `stats` shows it in the trend.
    let listed = env.json(&["interviews", "--json"]);
    let m = &listed[0];
    assert_eq!(
        (m["id"].as_i64(), m["finished"].as_bool()),
        (Some(1), Some(true))
    );
    assert_eq!(m["answered"], parts.len());
    let score = m["score"].as_u64().unwrap();
    assert!(report.contains(&format!("score {score}/100")), "{report}");
    assert_eq!(stats["mock_interviews"]["recent"][0]["score"], score);
    assert!(env.ok(&["interviews"]).contains(&format!("{score}")));
}

#[test]
fn json_reports_a_company_warns_and_quitting_keeps_what_was_answered() {
    let env = Env::new();
    // Two interviews for the same company, each question answered with the same story.
    let always_perf = |part: &str, _: &str| {
        Some(Answer {
            story: (part == "question" || part == "business / architecture")
                .then(|| "1".to_string()),
            telling: "我们的接口变慢了，我查了日志。".to_string(),
        })
    };
    drive(
        &env,
        &["--seed", "1", "--minutes", "10", "--company", "ACME"],
        always_perf,
    );
    let (out, _) = drive(
        &env,
        &[
            "--seed",
            "2",
            "--minutes",
            "10",
            "--company",
            "ACME",
            "--json",
        ],
        always_perf,
    );
    let report: Value = serde_json::from_str(&out).unwrap_or_else(|e| panic!("{e}: {out}"));
    assert_eq!(report["id"], 2);
    assert_eq!(report["company"], "ACME");
    assert_eq!(report["finished"], true);
    let told: Vec<&str> = report["told_before"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["story"].as_str().unwrap())
        .collect();
    assert_eq!(told, ["perf-tuning"], "{report}");
    assert_eq!(report["told_before"][0]["mock_id"], 1);
    let steps = report["steps"].as_array().unwrap();
    assert_eq!(steps[0]["part"], "intro");
    assert!(steps
        .iter()
        .all(|s| s["ms"].is_i64() && s["points"].is_array()));
    assert!(report["advice"].as_array().unwrap().len() <= 3);

    // Ended at the first question: the two introductions are kept and reported.
    let (out, parts) = drive(&env, &["--seed", "3"], |part, _| {
        (part != "question").then(|| Answer {
            story: None,
            telling: "好的。".to_string(),
        })
    });
    assert_eq!(parts[..3], ["self-introduction", "project", "question"]);
    assert!(out.contains("ended early: 2 answers"), "{out}");
    let listed = env.json(&["interviews", "--json"]);
    assert_eq!(listed.as_array().unwrap().len(), 3);
    assert_eq!(listed[2]["finished"], false);
    assert_eq!(listed[2]["answered"], 2);
    let stats = env.json(&["stats", "--json"]);
    assert_eq!(
        stats["mock_interviews"]["recent"].as_array().unwrap().len(),
        3
    );
}

#[test]
fn bad_interview_arguments_are_refused_and_change_nothing() {
    let env = Env::new();
    let err = env.fails(&["interview", "--minutes", "5"], 2);
    assert!(err.contains("5 is not in 10..=90"), "{err}");
    let out = env.run_stdin(&["interview", "--seed", "x"], "");
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert_eq!(env.json(&["interviews", "--json"]), serde_json::json!([]));
}
