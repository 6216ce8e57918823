//! Grading answers: which story an answer names, how much of a telling covers the key points,
//! and the grade to suggest. Pure functions over plain data.

pub mod normal;
pub mod recall;
mod resolve;
pub mod synonyms;

/// A catalog entry as the answer matcher sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CatalogEntry {
    pub key: String,
    pub number: u32,
    pub title: String,
    pub aliases: Vec<String>,
}

/// What an answer to "which story fits?" names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Resolution {
    /// Exactly one story (its key).
    Story(String),
    /// Several stories match: ask again, ungraded.
    Ambiguous(Vec<String>),
    /// Nothing matches: ask again, ungraded, offering the closest stories.
    Unknown { suggestions: Vec<String> },
    /// An empty answer: "I don't know".
    DontKnow,
}

pub use resolve::{collisions, resolve, resolve_by_points, Collision, Matcher, StoryText};

/// The grade suggested for a "which story fits?" answer.
pub fn suggest_match(correct: Option<bool>, ms: u64, multiple_choice: bool) -> u8 {
    match correct {
        None => 0,
        Some(false) => 1,
        Some(true) if multiple_choice => 3,
        Some(true) if ms <= 10_000 => 5,
        Some(true) if ms <= 30_000 => 4,
        Some(true) => 3,
    }
}

/// The grade suggested for a cloze answer.
pub fn suggest_cloze(typed: &str, correct: bool, ms: u64) -> u8 {
    if typed.trim().is_empty() {
        0
    } else if !correct {
        1
    } else if ms <= 10_000 {
        5
    } else {
        4
    }
}

/// The grade suggested for a telling, from its judged points: the share covered, less one point
/// for each point it contradicts (a wrong fact is worse than a fact left out). A bare list of
/// keywords is never a pass above 3: it names the facts without telling the story.
pub fn suggest_recall(judged: &[bool], contradicted: usize, keyword_list: bool) -> u8 {
    let total = judged.len();
    if total == 0 {
        return 3;
    }
    let covered = judged.iter().filter(|c| **c).count();
    let share = covered.saturating_sub(contradicted) as f64 / total as f64;
    let grade = match share {
        s if s >= 0.9 => 5,
        s if s >= 0.7 => 4,
        s if s >= 0.5 => 3,
        s if s >= 0.3 => 2,
        s if s > 0.0 => 1,
        _ => 0,
    };
    if keyword_list {
        grade.min(3)
    } else {
        grade
    }
}

/// A telling that is a list of words rather than sentences: no sentence punctuation (。，!? …),
/// and several pieces between separators, each short (`normal::units`: a Latin word counts as one
/// character).
pub fn is_keyword_list(telling: &str) -> bool {
    if telling.contains(['。', '，', ',', '！', '？', '!', '?']) {
        return false;
    }
    let pieces: Vec<usize> = telling
        .split(|c: char| matches!(c, '、' | '；' | ';' | '/' | '|' | '\n') || c.is_whitespace())
        .map(normal::units)
        .filter(|n| *n > 0)
        .collect();
    pieces.len() >= 3 && pieces.iter().all(|n| *n <= 10)
}

/// Below this share of a story's key-point vocabulary a telling is of another story.
pub const OFF_TOPIC: f64 = 0.1;

/// A telling judged against a story's key points: what the session shows and `check` prints.
#[derive(Debug, Clone, PartialEq)]
pub struct Verdict {
    pub points: Vec<recall::Judged>,
    /// The share of the story's key-point vocabulary the telling uses (see `recall::judge_with_topic`).
    pub topic: f64,
    /// The telling is a bare list of words (its grade stops at 3).
    pub keyword_list: bool,
    /// Another story the telling tells instead (see `Verdict::against`): its key.
    pub instead: Option<String>,
}

/// The share of `true` in a list of ticks.
fn share(covered: &[bool]) -> f64 {
    covered.iter().filter(|c| **c).count() as f64 / covered.len().max(1) as f64
}

/// Stories a telling is compared with, at most (its own deck's first).
pub const RIVALS: usize = 200;

/// A telling that covers at most this share of its story's points is compared with other stories.
pub const INSTEAD_OWN: f64 = 0.2;
/// Another story whose points a telling covers this share of, at least, is the story it tells.
pub const INSTEAD_OTHER: f64 = 0.5;

impl Verdict {
    pub fn of(telling: &str, points: &[String], synonyms: &synonyms::Synonyms) -> Verdict {
        let (judged, topic) = recall::judge_with_topic(telling, points, synonyms);
        Verdict {
            points: judged,
            topic,
            keyword_list: is_keyword_list(telling),
            instead: None,
        }
    }

    /// Whether the telling says so little of its story (one of its points, or a fifth, in
    /// sentences) that it is worth comparing with other stories.
    pub fn may_tell_another(&self) -> bool {
        let covered = self.covered();
        let said = covered.iter().filter(|c| **c).count();
        !self.points.is_empty()
            && !self.keyword_list
            && (said <= 1 || share(&covered) <= INSTEAD_OWN)
    }

    /// Compares a telling that says little of its story with `others` (key, points): when it
    /// covers one of its own points or a fifth, and half of another story's or more, it is a
    /// telling of that story (the one it covers most), and `instead` names it.
    pub fn against(
        &mut self,
        telling: &str,
        others: &[(String, Vec<String>)],
        synonyms: &synonyms::Synonyms,
    ) {
        if !self.may_tell_another() {
            return;
        }
        let mut best: Option<(f64, &String)> = None;
        for (key, points) in others.iter().filter(|(_, p)| !p.is_empty()) {
            let covered: Vec<bool> = recall::judge(telling, points, synonyms)
                .iter()
                .map(|j| j.covered)
                .collect();
            let s = share(&covered);
            if s >= INSTEAD_OTHER && best.is_none_or(|(b, _)| s > b) {
                best = Some((s, key));
            }
        }
        self.instead = best.map(|(_, key)| key.clone());
    }

    /// A telling told aloud: nothing ticked until the user says which points they said.
    pub fn spoken(points: usize) -> Verdict {
        Verdict {
            points: vec![
                recall::Judged {
                    covered: false,
                    reason: recall::Reason::ByYou,
                    share: 0.0,
                };
                points
            ],
            topic: 1.0,
            keyword_list: false,
            instead: None,
        }
    }

    pub fn covered(&self) -> Vec<bool> {
        self.points.iter().map(|p| p.covered).collect()
    }

    /// Points the telling said the opposite of.
    pub fn contradicted(&self) -> usize {
        self.points
            .iter()
            .filter(|p| !p.covered && p.reason.contradicts())
            .count()
    }

    pub fn suggested(&self) -> u8 {
        if self.instead.is_some() {
            return 0;
        }
        let covered = self.covered();
        // One point said, and under a tenth of the story's words: a telling of another story that
        // happens to share a sentence with this one.
        if !self.keyword_list
            && covered.iter().filter(|c| **c).count() <= 1
            && self.topic < OFF_TOPIC
        {
            return 0;
        }
        suggest_recall(&covered, self.contradicted(), self.keyword_list)
    }

    /// The user's word on point `index` (from 0): its tick flips. False when there is no such point.
    pub fn toggle(&mut self, index: usize) -> bool {
        match self.points.get_mut(index) {
            Some(p) => {
                p.covered = !p.covered;
                p.reason = recall::Reason::ByYou;
                // Ticking says which story was told.
                self.instead = None;
                true
            }
            None => false,
        }
    }
}

/// Which key points a telling covers, in order, with the built-in synonyms.
pub fn coverage(telling: &str, points: &[String]) -> Vec<bool> {
    recall::judge(telling, points, &synonyms::Synonyms::builtin())
        .into_iter()
        .map(|j| j.covered)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn match_suggestions_follow_correctness_and_time() {
        assert_eq!(suggest_match(Some(true), 9_000, false), 5);
        assert_eq!(suggest_match(Some(true), 10_001, false), 4);
        assert_eq!(suggest_match(Some(true), 30_001, false), 3);
        assert_eq!(suggest_match(Some(true), 1_000, true), 3);
        assert_eq!(suggest_match(Some(false), 1_000, false), 1);
        assert_eq!(suggest_match(None, 1_000, false), 0);
    }

    #[test]
    fn cloze_and_recall_suggestions() {
        assert_eq!(suggest_cloze("", false, 0), 0);
        assert_eq!(suggest_cloze("x", false, 0), 1);
        assert_eq!(suggest_cloze("x", true, 100), 5);
        assert_eq!(suggest_cloze("x", true, 20_000), 4);
        let told = |n: usize, of: usize| (0..of).map(|i| i < n).collect::<Vec<bool>>();
        assert_eq!(suggest_recall(&told(6, 6), 0, false), 5);
        assert_eq!(suggest_recall(&told(5, 7), 0, false), 4);
        assert_eq!(suggest_recall(&told(3, 6), 0, false), 3);
        assert_eq!(suggest_recall(&told(2, 6), 0, false), 2);
        assert_eq!(suggest_recall(&told(1, 6), 0, false), 1);
        assert_eq!(suggest_recall(&told(0, 6), 0, false), 0);
        // A contradiction takes back a covered point; a keyword list stops at 3.
        assert_eq!(suggest_recall(&told(5, 6), 2, false), 3);
        assert_eq!(suggest_recall(&told(1, 6), 3, false), 0);
        assert_eq!(suggest_recall(&told(6, 6), 0, true), 3);
    }

    #[test]
    fn one_point_in_a_telling_of_something_else_is_no_telling_of_this_story() {
        let points: Vec<String> = [
            "订单表 2000 万行",
            "拆成 16 张表",
            "查询从 2 秒降到 30 毫秒",
            "发布出问题立即回滚",
        ]
        .iter()
        .map(|p| p.to_string())
        .collect();
        let s = synonyms::Synonyms::builtin();
        // Another story that happens to say one of the points: 0, not 1.
        let other = "我们做了一个排行榜，用 Redis 的有序集合存每个人的分数，榜单拆成 16 张表，每次打开页面倒序取前十名，后来加了缓存和限流，接口稳定在五十毫秒以内。";
        let v = Verdict::of(other, &points, &s);
        assert_eq!(v.covered(), [false, true, false, false]);
        assert!(v.topic < OFF_TOPIC, "{}", v.topic);
        assert_eq!(v.suggested(), 0);
        // A short telling of this story that says one point: 1.
        let short = "订单表有两千万行，后来查询慢，出了问题。";
        let v = Verdict::of(short, &points, &s);
        assert_eq!(v.covered(), [true, false, false, false]);
        assert!(v.topic >= OFF_TOPIC, "{}", v.topic);
        assert_eq!(v.suggested(), 1);
    }

    #[test]
    fn a_telling_of_another_story_is_named_and_graded_zero() {
        let s = synonyms::Synonyms::builtin();
        let mine: Vec<String> = vec![
            "订单表 2000 万行".into(),
            "拆成 16 张表".into(),
            "发布出问题立即回滚".into(),
            "建联合索引".into(),
            "慢查询日志".into(),
        ];
        let other: Vec<String> = vec![
            "排行榜用 Redis 有序集合".into(),
            "倒序取前十名".into(),
            "建联合索引".into(),
        ];
        let telling = "排行榜用 Redis 的有序集合做，每次倒序取前十名，表上也建了联合索引。";
        let mut v = Verdict::of(telling, &mine, &s);
        assert_eq!(v.covered(), [false, false, false, true, false]);
        v.against(telling, &[("board".into(), other.clone())], &s);
        assert_eq!(v.instead.as_deref(), Some("board"));
        assert_eq!(v.suggested(), 0);
        // A telling of its own story is not compared.
        let own = "订单表有两千万行，拆成十六张表，建了联合索引。";
        let mut v = Verdict::of(own, &mine, &s);
        v.against(own, &[("board".into(), other)], &s);
        assert_eq!(v.instead, None);
    }

    #[test]
    fn keyword_lists_are_told_from_sentences() {
        assert!(is_keyword_list("浏览次数、转化率、Nginx 日志、脚本统计"));
        assert!(!is_keyword_list(
            "我们先用 Nginx 记日志，然后用脚本统计浏览次数，最后写回数据库"
        ));
    }
}
