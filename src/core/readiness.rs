//! Whether a story is ready for the interview, defined once: the session orders due cards by it,
//! `stats` and `plan` show it.
//!
//! A story is **ready** when all of these hold:
//! 1. its recall card has been reviewed, and its last grade (scheduled, or in a mock interview)
//!    was 4 or 5;
//! 2. its question cards were answered right at least 80 % of the time over the last
//!    `EVIDENCE_DAYS` (30) days, when the story has question cards;
//! 3. its recall card was reviewed within the last 14 days;
//! 4. with an interview date ahead: its recall card is next due on or before the day before the
//!    interview (so it is told once more before it);
//! 5. when it has follow-up cards (追问, not suspended): each has been answered, and each one's
//!    last grade (scheduled or mock) was 4 or 5 — a story whose follow-ups fail is not ready.
//!
//! The **score** (0–1) orders stories, weakest first: what is known of the story — the mean of the
//! last recall grade / 5, the match accuracy and the answered follow-ups' mean last grade / 5,
//! where known — times ½ + ½ × freshness (freshness is 1 on the day of the last review and 0 at
//! 14 days), so a failed telling is weaker than a good one gone stale. A story only asked about so far (presented, its questions answered, never told)
//! scores by its questions, at half freshness; a story never reviewed at all has no score.

use serde::Serialize;

use crate::core::types::{Quality, StudyDay};

/// Days of answers that readiness (match accuracy) and confusions look at, up to today.
pub const EVIDENCE_DAYS: u32 = 30;
/// The last scheduled recall grade that counts as ready.
pub const READY_GRADE: u8 = 4;
/// Match accuracy that counts as ready.
pub const READY_MATCH_ACCURACY: f64 = 0.8;
/// A story is stale when its recall card was last reviewed longer ago than this.
pub const FRESH_DAYS: i64 = 14;

/// What is known about a story, as the store reads it.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Evidence {
    /// The grade of the recall card's last scheduled review.
    pub last_grade: Option<Quality>,
    /// The day of that review.
    pub last_review: Option<StudyDay>,
    /// When the recall card is next due.
    pub due: Option<StudyDay>,
    /// Whether the story has question cards at all.
    pub has_questions: bool,
    /// Question answers judged in the window, and how many were right.
    pub match_answers: u32,
    pub match_right: u32,
    /// The last grade (scheduled or mock) of each of its follow-up cards (not suspended); None: never
    /// answered.
    pub followups: Vec<Option<u8>>,
}

/// One thing that keeps a story from being ready; shown and serialized as words.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Missing {
    NeverTold,
    LastGrade(u8),
    NoQuestionAnswered,
    /// Question accuracy, 0–1.
    Accuracy(f64),
    /// Days since the last telling.
    Stale(i64),
    /// The day the recall card is due, on or after the interview.
    DueAfterInterview(StudyDay),
    /// Follow-ups never answered, of how many.
    FollowupsUnanswered(u32, u32),
    /// Follow-ups whose last grade was below 4, of how many.
    FollowupsFailing(u32, u32),
}

impl std::fmt::Display for Missing {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Missing::NeverTold => f.write_str("never told"),
            Missing::LastGrade(q) => write!(f, "last telling graded {q}"),
            Missing::NoQuestionAnswered => f.write_str("no question answered lately"),
            Missing::Accuracy(a) => write!(f, "questions {:.0} % right", a * 100.0),
            Missing::Stale(days) => write!(f, "last told {days} days ago"),
            Missing::DueAfterInterview(due) => {
                write!(f, "not due again before the interview ({due})")
            }
            Missing::FollowupsUnanswered(n, of) => {
                write!(f, "{n} of {of} follow-ups never answered")
            }
            Missing::FollowupsFailing(n, of) => {
                write!(f, "{n} of {of} follow-ups failed last time")
            }
        }
    }
}

impl Serialize for Missing {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

/// A story's readiness and why it is not ready.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Readiness {
    pub ready: bool,
    /// 0–1, None while never reviewed.
    pub score: Option<f64>,
    /// What keeps it from being ready, in words (empty when ready).
    pub missing: Vec<Missing>,
}

/// The one definition (see the module's documentation).
pub fn assess(e: &Evidence, today: StudyDay, interview: Option<StudyDay>) -> Readiness {
    let mut missing = Vec::new();
    match e.last_grade {
        None => missing.push(Missing::NeverTold),
        Some(q) if q.get() < READY_GRADE => missing.push(Missing::LastGrade(q.get())),
        Some(_) => {}
    }
    let accuracy =
        (e.match_answers > 0).then(|| f64::from(e.match_right) / f64::from(e.match_answers));
    if e.has_questions {
        match accuracy {
            None => missing.push(Missing::NoQuestionAnswered),
            Some(a) if a < READY_MATCH_ACCURACY => missing.push(Missing::Accuracy(a)),
            Some(_) => {}
        }
    }
    let age = e.last_review.map(|d| d.days_until(today));
    if let Some(days) = age.filter(|d| *d > FRESH_DAYS) {
        missing.push(Missing::Stale(days));
    }
    if let (Some(day), Some(due)) = (interview.filter(|d| *d > today), e.due) {
        if due >= day {
            missing.push(Missing::DueAfterInterview(due));
        }
    }
    let of = e.followups.len() as u32;
    let answered: Vec<u8> = e.followups.iter().flatten().copied().collect();
    let unanswered = of - answered.len() as u32;
    if unanswered > 0 {
        missing.push(Missing::FollowupsUnanswered(unanswered, of));
    }
    let failing = answered.iter().filter(|g| **g < READY_GRADE).count() as u32;
    if failing > 0 {
        missing.push(Missing::FollowupsFailing(failing, of));
    }
    let followup_knowledge = (!answered.is_empty()).then(|| {
        answered.iter().map(|g| f64::from(*g)).sum::<f64>() / (5.0 * answered.len() as f64)
    });
    let freshness = age.map_or(0.0, |d| {
        1.0 - (d.max(0) as f64 / FRESH_DAYS as f64).min(1.0)
    });
    let known: Vec<f64> = [
        e.last_grade.map(|q| f64::from(q.get()) / 5.0),
        accuracy,
        followup_knowledge,
    ]
    .into_iter()
    .flatten()
    .collect();
    // Rounded to thousandths so equal scores tie exactly. Questions answered before the first
    // telling already say something: a story whose questions all fail is weak, told or not.
    let score = (!known.is_empty()).then(|| {
        let knowledge = known.iter().sum::<f64>() / known.len() as f64;
        (knowledge * (0.5 + 0.5 * freshness) * 1000.0).round() / 1000.0
    });
    Readiness {
        ready: missing.is_empty(),
        score,
        missing,
    }
}

/// The most confused pairs of stories, from (asked, answered, times) rows: a pair counts both ways
/// round, most confused first, at most `top`.
pub fn confused_pairs(rows: &[(String, String, u32)], top: usize) -> Vec<(String, String, u32)> {
    let mut pairs: Vec<(String, String, u32)> = Vec::new();
    for (asked, answered, times) in rows {
        let (a, b) = if asked <= answered {
            (asked, answered)
        } else {
            (answered, asked)
        };
        match pairs.iter_mut().find(|p| p.0 == *a && p.1 == *b) {
            Some(p) => p.2 += times,
            None => pairs.push((a.clone(), b.clone(), *times)),
        }
    }
    pairs.sort_by(|x, y| {
        y.2.cmp(&x.2)
            .then_with(|| x.0.cmp(&y.0))
            .then_with(|| x.1.cmp(&y.1))
    });
    pairs.truncate(top);
    pairs
}

/// The `k` weakest stories: scored ones lowest first, then the never reviewed.
pub fn weakest(scores: &[(String, Option<f64>)], k: usize) -> Vec<&str> {
    let mut scored: Vec<&(String, Option<f64>)> = scores.iter().collect();
    scored.sort_by(|a, b| match (a.1, b.1) {
        (Some(x), Some(y)) => x.total_cmp(&y),
        (Some(_), None) => std::cmp::Ordering::Less,
        (None, Some(_)) => std::cmp::Ordering::Greater,
        (None, None) => std::cmp::Ordering::Equal,
    });
    scored
        .into_iter()
        .take(k)
        .map(|(key, _)| key.as_str())
        .collect()
}

/// Tellings a story's missed points are counted over: its latest.
pub const TELLINGS_COUNTED: usize = 10;

/// The key points a story's tellings miss most: (point, times missed, tellings), most missed first,
/// points never missed left out.
pub fn missed_points(points: &[String], tellings: &[String]) -> Vec<(String, u32, u32)> {
    let told: Vec<&String> = tellings.iter().filter(|t| !t.trim().is_empty()).collect();
    let mut missed = vec![0u32; points.len()];
    for telling in &told {
        for (i, covered) in crate::core::judge::coverage(telling, points)
            .iter()
            .enumerate()
        {
            if !covered {
                missed[i] += 1;
            }
        }
    }
    let mut out: Vec<(String, u32, u32)> = points
        .iter()
        .zip(missed)
        .filter(|(_, m)| *m > 0)
        .map(|(p, m)| {
            let shown = crate::core::judge::recall::shown(p).to_string();
            (shown, m, told.len() as u32)
        })
        .collect();
    out.sort_by_key(|p| std::cmp::Reverse(p.1));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(r: &Readiness) -> Vec<String> {
        r.missing.iter().map(ToString::to_string).collect()
    }

    fn day(d: u32) -> StudyDay {
        StudyDay::from_ymd(2027, 1, d).unwrap()
    }

    fn told(grade: u8, on: u32, right: u32, of: u32) -> Evidence {
        Evidence {
            last_grade: Quality::new(grade),
            last_review: Some(day(on)),
            due: Some(day(on + 6)),
            has_questions: true,
            match_answers: of,
            match_right: right,
            followups: vec![],
        }
    }

    #[test]
    fn follow_ups_must_all_be_answered_and_pass() {
        let today = day(10);
        let mut e = told(5, 9, 5, 5);
        let without = assess(&e, today, None);
        assert!(without.ready);
        e.followups = vec![Some(5), None, Some(2), Some(4)];
        let with = assess(&e, today, None);
        assert_eq!(
            words(&with),
            vec![
                "1 of 4 follow-ups never answered",
                "1 of 4 follow-ups failed last time"
            ]
        );
        // The answered follow-ups' mean grade (11 / 15) joins what is known, lowering the score.
        assert!(with.score < without.score, "{with:?} {without:?}");
        e.followups = vec![Some(4), Some(5)];
        assert!(assess(&e, today, None).ready);
    }

    #[test]
    fn ready_needs_a_good_telling_right_answers_and_a_recent_review() {
        let today = day(10);
        let good = assess(&told(4, 9, 4, 5), today, None);
        assert!(good.ready, "{good:?}");
        assert_eq!(good.score, Some(0.771)); // (0.8 + 0.8) / 2 × (½ + ½ × 13/14)
        let weak_telling = assess(&told(3, 9, 5, 5), today, None);
        assert_eq!(words(&weak_telling), vec!["last telling graded 3"]);
        let confused = assess(&told(5, 9, 3, 5), today, None);
        assert_eq!(words(&confused), vec!["questions 60 % right"]);
        let no_answers = assess(&told(5, 9, 0, 0), today, None);
        assert_eq!(words(&no_answers), vec!["no question answered lately"]);
        let stale = assess(&told(5, 1, 5, 5), day(20), None);
        assert_eq!(words(&stale), vec!["last told 19 days ago"]);
        let never = assess(&Evidence::default(), today, None);
        assert_eq!((never.ready, never.score), (false, None));
        assert_eq!(words(&never), vec!["never told"]);
        // A story without question cards is judged by its telling alone.
        let lone = Evidence {
            has_questions: false,
            ..told(5, 9, 0, 0)
        };
        assert!(assess(&lone, today, None).ready);
    }

    #[test]
    fn with_an_interview_the_story_must_come_again_before_it() {
        let e = told(5, 9, 5, 5); // due on the 15th
        assert!(assess(&e, day(10), Some(day(16))).ready);
        let late = assess(&e, day(10), Some(day(15)));
        assert!(!late.ready);
        assert!(words(&late)[0].contains("before the interview"), "{late:?}");
        // On the interview day itself, nothing is still to come.
        assert!(assess(&e, day(15), Some(day(15))).ready);
    }

    #[test]
    fn confusions_pair_both_ways_and_the_weakest_come_first() {
        let rows = vec![
            ("a".to_string(), "b".to_string(), 2),
            ("c".to_string(), "a".to_string(), 2),
            ("b".to_string(), "a".to_string(), 3),
        ];
        assert_eq!(
            confused_pairs(&rows, 5),
            vec![("a".into(), "b".into(), 5), ("a".into(), "c".into(), 2)]
        );
        assert_eq!(confused_pairs(&rows, 1).len(), 1);
        let scores = vec![
            ("x".to_string(), Some(0.9)),
            ("y".to_string(), None),
            ("z".to_string(), Some(0.1)),
        ];
        assert_eq!(weakest(&scores, 2), vec!["z", "x"]);
        assert_eq!(weakest(&scores, 5), vec!["z", "x", "y"]);
    }

    #[test]
    fn the_points_missed_most_come_first() {
        let points = vec!["用 zset 存榜单".to_string(), "倒序取前几名".to_string()];
        let tellings = vec![
            "我们用 zset 存榜单".to_string(),
            "用 zset 存榜单，倒序取前几名".to_string(),
            "   ".to_string(),
        ];
        assert_eq!(
            missed_points(&points, &tellings),
            vec![("倒序取前几名".to_string(), 1, 2)]
        );
        assert!(missed_points(&points, &[]).is_empty());
    }

    #[test]
    fn weaker_stories_score_lower() {
        let today = day(10);
        let a = assess(&told(5, 10, 5, 5), today, None).score.unwrap();
        let b = assess(&told(3, 10, 5, 5), today, None).score.unwrap();
        let c = assess(&told(3, 10, 1, 5), today, None).score.unwrap();
        let d = assess(&told(3, 1, 1, 5), today, None).score.unwrap();
        assert!(a > b && b > c && c > d, "{a} {b} {c} {d}");
        // A failed telling yesterday is weaker than a perfect one three weeks ago.
        let failed = assess(&told(0, 9, 0, 5), today, None).score.unwrap();
        let stale = assess(&told(5, 1, 5, 5), day(22), None).score.unwrap();
        assert!(failed < stale, "{failed} {stale}");
        // Questions answered before the first telling already score; nothing known: no score.
        let asked = Evidence {
            has_questions: true,
            match_answers: 4,
            match_right: 1,
            ..Evidence::default()
        };
        let asked = assess(&asked, today, None);
        assert_eq!(asked.score, Some(0.125));
        assert!(asked.missing.contains(&Missing::NeverTold));
        assert_eq!(assess(&Evidence::default(), today, None).score, None);
    }
}
