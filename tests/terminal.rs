//! The real binary at a pseudo-terminal (line editing, Tab completion, undo, Ctrl-D), and under
//! `kill -9` in the middle of a session.

use crate::util::Env;

use expectrl::{Eof, Expect, Regex};
use std::io::{Read, Write};
use std::process::Stdio;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

const DECK: &str = crate::fixture!("cache-questions.toml");

fn prepared() -> Env {
    let mut env = Env::new();
    let deck = env.write("mine.toml", DECK);
    env.ok(&["import", deck.to_str().unwrap()]);
    env.at("2027-01-03T09:00:00+08:00");
    env.ok(&["grade", "cache-bug", "5"]);
    env.ok(&["grade", "cache-storm", "5"]);
    env.at("2027-01-04T09:30:00+08:00");
    env
}

/// (fragment to type before Tab, completed line, number) of the story that answers the shown question.
fn answer_for(question: &str) -> (&'static str, &'static str, &'static str) {
    if question.contains("上线新功能") {
        ("回填", "40 缓存回填 bug", "40")
    } else {
        ("雪崩", "41 缓存雪崩", "41")
    }
}

#[test]
fn a_session_at_a_terminal_with_tab_completion_undo_and_ctrl_d() {
    let env = prepared();
    let mut p =
        expectrl::Session::spawn(env.process(&["review", "--deck", "mine", "--kind", "match"]))
            .unwrap();
    p.set_expect_timeout(Some(Duration::from_secs(20)));

    let first = p
        .expect(Regex("上线新功能后旧接口变慢|大量 key 同时过期会怎样"))
        .unwrap();
    let (fragment, completed, number) = answer_for(&String::from_utf8_lossy(first.get(0).unwrap()));
    p.expect("story> ").unwrap();
    p.send(fragment).unwrap();
    p.send("\t").unwrap();
    // Tab replaced the fragment with the whole "number title" line.
    p.expect(completed).unwrap();
    p.send("\r").unwrap();
    p.expect(format!("✓ right: {completed}").as_str()).unwrap();
    p.expect("grade [").unwrap();
    p.send("\r").unwrap();
    p.expect("next: in 1 day").unwrap();

    // Second card: undo the first grade; the first card is asked again.
    p.expect("story> ").unwrap();
    p.send(":u\r").unwrap();
    p.expect("undone: card #").unwrap();
    p.expect("story> ").unwrap();
    p.send(format!("{number}\r")).unwrap();
    p.expect(format!("✓ right: {completed}").as_str()).unwrap();
    p.expect("grade [").unwrap();
    p.send("4\r").unwrap();
    p.expect("next: in 1 day").unwrap();

    // Ctrl-C clears a typed line without quitting; Ctrl-D quits with the summary.
    p.expect("story> ").unwrap();
    p.send("something").unwrap();
    p.send("\x03").unwrap();
    p.send("\x04").unwrap();
    p.expect("session: 1 card · 1 right · 0 wrong").unwrap();
    p.expect(Eof).unwrap();

    let conn = env.sql();
    let log: Vec<(String, u8)> = conn
        .prepare("SELECT c.key, r.quality FROM review r JOIN card c ON c.id = r.card_id WHERE r.day = '2027-01-04'")
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    assert_eq!(log.len(), 1, "the undone grade is gone: {log:?}");
    assert_eq!(log[0].1, 4);
    let expected_key = if number == "40" {
        "cache-bug.q1"
    } else {
        "cache-storm.q1"
    };
    assert_eq!(log[0].0, expected_key);
}

#[test]
fn kill_9_mid_session_loses_no_graded_answer() {
    let env = Env::new();
    let mut child = env
        .process(&["review", "--kind", "recall", "--new", "5"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let screen = Arc::new(Mutex::new(String::new()));
    let mut stdout = child.stdout.take().unwrap();
    let reader = {
        let screen = Arc::clone(&screen);
        std::thread::spawn(move || {
            let mut buf = [0u8; 4096];
            while let Ok(n) = stdout.read(&mut buf) {
                if n == 0 {
                    break;
                }
                screen
                    .lock()
                    .unwrap()
                    .push_str(&String::from_utf8_lossy(&buf[..n]));
            }
        })
    };
    let mut stdin = child.stdin.take().unwrap();
    stdin.write_all(b"\n\n4\n\n\n2\n\n").unwrap();
    stdin.flush().unwrap();
    // Wait until the third card is on screen and its (empty) telling was read: two grades are in.
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let text = screen.lock().unwrap().clone();
        if text.matches("next: in").count() == 2
            && text.matches("── ").count() == 3
            && text.contains("model answer\n")
            && text.matches("model answer").count() == 3
        {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "session did not get to the third card: {text}"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    child.kill().unwrap(); // SIGKILL
    child.wait().unwrap();
    drop(stdin);
    reader.join().unwrap();

    let conn = env.sql();
    let grades: Vec<u8> = conn
        .prepare("SELECT quality FROM review ORDER BY id")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    assert_eq!(grades, vec![4, 2]);
    let ok: String = conn
        .query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .unwrap();
    assert_eq!(ok, "ok");
    let reviewed: i64 = conn
        .query_row("SELECT count(*) FROM card WHERE reviews > 0", [], |r| {
            r.get(0)
        })
        .unwrap();
    assert_eq!(
        reviewed, 2,
        "both cards' states were committed with their answers"
    );
}

#[test]
fn a_pasted_multi_line_telling_keeps_every_line() {
    let env = prepared();
    let mut p =
        expectrl::Session::spawn(env.process(&["review", "--deck", "mine", "--kind", "recall"]))
            .unwrap();
    p.set_expect_timeout(Some(Duration::from_secs(20)));
    p.expect("tell> ").unwrap();
    // All at once, as a paste arrives: the lines after the first must not be dropped.
    p.send("alpha\rbravo\rcharlie\r\r").unwrap();
    p.expect("charlie").unwrap();
    p.expect("model answer").unwrap();
    p.expect("grade").unwrap();
    p.send("\x04").unwrap();
    p.expect("session: 0 cards").unwrap();
    p.expect(Eof).unwrap();
}

#[test]
fn fill_architecture_at_a_terminal_offers_to_correct_numbers_before_saving() {
    let env = Env::new();
    let mut p = expectrl::Session::spawn(env.process(&["fill", "architecture"])).unwrap();
    p.set_expect_timeout(Some(Duration::from_secs(20)));
    // 8000万 requests a day where 100万 × 50 = 5000万, and 10 servers where 4 do.
    for line in [
        "电商", "1000", "500", "100", "50", "8000", "Nginx", "轮询", "1", "1", "500", "10", "1000",
        "2", "3", "",
    ] {
        p.expect(": ").unwrap();
        p.send(format!("{line}\r")).unwrap();
    }
    p.expect("check: requests per day").unwrap();
    p.expect("correct them now").unwrap();
    p.send("\r").unwrap();
    // Asked again, each answer in [brackets]: Enter keeps it.
    for line in [
        "", "", "", "", "", "5000", "", "", "", "", "", "4", "", "", "", "",
    ] {
        p.expect(": ").unwrap();
        p.send(format!("{line}\r")).unwrap();
    }
    p.expect("save").unwrap();
    p.send("\r").unwrap();
    p.expect("saved 15 of 16 answers").unwrap();
    p.expect(Eof).unwrap();
    let filled = env.json(&["show", "mine.fill.architecture", "--json"]);
    let back = filled["back"].as_str().unwrap();
    assert!(back.contains("5000") && !back.contains("8000"), "{back}");
}

#[test]
fn a_mock_interview_at_a_terminal_shows_its_timer_counting_down() {
    let env = Env::new();
    let mut p =
        expectrl::Session::spawn(env.process(&["interview", "--seed", "7", "--minutes", "10"]))
            .unwrap();
    p.set_expect_timeout(Some(Duration::from_secs(20)));
    p.expect("面试官：").unwrap();
    p.expect("you have 1:30").unwrap();
    p.expect("tell 1:30 left> ").unwrap();
    // A line typed after a second and more: the next prompt shows less time left.
    std::thread::sleep(Duration::from_millis(1_200));
    p.send("我叫张三，毕业于清华大学。\r").unwrap();
    p.expect(Regex(r"\.\. 1:2\d left> ")).unwrap();
    p.send("\r").unwrap();
    p.expect(Regex(r"answered in 0:0\d of 1:30")).unwrap();
    p.expect("tell 2:00 left> ").unwrap();
    // Ctrl-D ends it: the answer given is reported, the unanswered one is not.
    p.send("\x04").unwrap();
    p.expect("ended early: 1 answer").unwrap();
    p.expect("self-introduction").unwrap();
    p.expect(Eof).unwrap();
}
