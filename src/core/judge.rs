//! Grading answers: which story an answer names, how much of a telling covers the key points,
//! and the grade to suggest. Pure functions over plain data.

use std::collections::HashSet;

use crate::core::text::fold;

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
    /// Nothing matches: ask again, ungraded.
    Unknown,
    /// An empty answer: "I don't know".
    DontKnow,
}

/// Resolves an answer: a story number ("8", or "8 用 Redis…" as Tab completion leaves it), a key,
/// or fragments of a title or alias, Chinese or Latin ("排行榜", "redis zset"), every word matching.
pub fn resolve(answer: &str, catalog: &[CatalogEntry]) -> Resolution {
    let mut answer = answer.trim();
    if answer.is_empty() {
        return Resolution::DontKnow;
    }
    // Leading numbers no story has are passed over ("0 0 0 …" once recursed once per number).
    loop {
        let digits = answer.bytes().take_while(u8::is_ascii_digit).count();
        if digits == 0 {
            break;
        }
        let rest = &answer[digits..];
        if !(rest.is_empty() || rest.starts_with(' ')) {
            break;
        }
        if let Some(e) = answer[..digits]
            .parse::<u32>()
            .ok()
            .and_then(|n| catalog.iter().find(|e| e.number == n))
        {
            return Resolution::Story(e.key.clone());
        }
        answer = rest.trim_start();
        if answer.is_empty() {
            return Resolution::Unknown;
        }
    }
    let whole = fold(answer);
    if whole.is_empty() {
        return Resolution::Unknown;
    }
    let exact: Vec<&CatalogEntry> = catalog
        .iter()
        .filter(|e| {
            fold(&e.key) == whole
                || fold(&e.title) == whole
                || e.aliases.iter().any(|a| fold(a) == whole)
        })
        .collect();
    if exact.len() == 1 {
        return Resolution::Story(exact[0].key.clone());
    }
    let words: Vec<String> = answer
        .split_whitespace()
        .map(fold)
        .filter(|w| !w.is_empty())
        .collect();
    let matches: Vec<String> = catalog
        .iter()
        .filter(|e| {
            let haystacks: Vec<String> = std::iter::once(fold(&e.title))
                .chain(std::iter::once(fold(&e.key)))
                .chain(e.aliases.iter().map(|a| fold(a)))
                .collect();
            words
                .iter()
                .all(|w| haystacks.iter().any(|h| h.contains(w.as_str())))
        })
        .map(|e| e.key.clone())
        .collect();
    match matches.len() {
        0 => Resolution::Unknown,
        1 => Resolution::Story(matches.into_iter().next().unwrap_or_default()),
        _ => Resolution::Ambiguous(matches),
    }
}

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

/// The grade suggested for a telling that covered `covered` of `total` key points.
pub fn suggest_recall(covered: usize, total: usize) -> u8 {
    if total == 0 {
        return 3;
    }
    let share = covered as f64 / total as f64;
    match share {
        s if s >= 0.9 => 5,
        s if s >= 0.7 => 4,
        s if s >= 0.5 => 3,
        s if s >= 0.3 => 2,
        s if s > 0.0 => 1,
        _ => 0,
    }
}

/// Share of a key point's tokens that must appear in the telling for it to count as covered.
pub const COVERED_SHARE: f64 = 0.6;

/// Characters too common in Chinese to say anything about what was told.
const STOP_CHARS: &str = "的了是在我们和就也都这那有个一";

/// Tokens for CJK-aware matching: Latin words and numbers whole, Chinese character by character
/// (word order and segmentation differ between tellings; the characters of the facts do not).
pub fn tokens(text: &str) -> HashSet<String> {
    let mut out = HashSet::new();
    let mut word = String::new();
    for c in text.chars().flat_map(char::to_lowercase) {
        if is_cjk(c) {
            if !word.is_empty() {
                out.insert(std::mem::take(&mut word));
            }
            if !STOP_CHARS.contains(c) {
                out.insert(c.to_string());
            }
        } else if c.is_alphanumeric() {
            word.push(c);
        } else if !word.is_empty() {
            out.insert(std::mem::take(&mut word));
        }
    }
    if !word.is_empty() {
        out.insert(word);
    }
    out
}

fn is_cjk(c: char) -> bool {
    matches!(c, '\u{4E00}'..='\u{9FFF}' | '\u{3400}'..='\u{4DBF}' | '\u{F900}'..='\u{FAFF}' | '\u{20000}'..='\u{2FFFF}')
}

/// Which key points a telling covers, in order.
pub fn coverage(telling: &str, points: &[String]) -> Vec<bool> {
    let told = tokens(telling);
    points
        .iter()
        .map(|p| {
            let wanted = tokens(p);
            if wanted.is_empty() {
                return false;
            }
            let hit = wanted.iter().filter(|t| told.contains(*t)).count();
            hit as f64 / wanted.len() as f64 >= COVERED_SHARE
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn catalog() -> Vec<CatalogEntry> {
        let e = |key: &str, number, title: &str, aliases: &[&str]| CatalogEntry {
            key: key.into(),
            number,
            title: title.into(),
            aliases: aliases.iter().map(|a| a.to_string()).collect(),
        };
        vec![
            e("sharding", 3, "数据库 Sharding", &["分库分表", "sharding"]),
            e(
                "db-proxy",
                7,
                "采用数据库代理方案，提升数据库性能",
                &["读写分离", "proxy"],
            ),
            e(
                "redis-leaderboard",
                8,
                "用 Redis 实现排行榜",
                &["排行榜", "zset", "leaderboard"],
            ),
            e(
                "redis-rate-limit",
                9,
                "用 Redis 做限流、抢号",
                &["限流", "decr"],
            ),
            e("redis-id", 10, "用 Redis 做发号器", &["发号器", "incr"]),
        ]
    }

    fn story(key: &str) -> Resolution {
        Resolution::Story(key.into())
    }

    #[test]
    fn numbers_resolve_to_their_story() {
        assert_eq!(resolve("8", &catalog()), story("redis-leaderboard"));
        assert_eq!(resolve(" 3 ", &catalog()), story("sharding"));
        assert_eq!(
            resolve("8 用 Redis 实现排行榜", &catalog()),
            story("redis-leaderboard")
        );
        assert_eq!(resolve("99", &catalog()), Resolution::Unknown);
        assert_eq!(resolve("99 排行榜", &catalog()), story("redis-leaderboard"));
    }

    #[test]
    fn many_leading_numbers_do_not_overflow_the_stack() {
        let answer = "0 ".repeat(40_000);
        assert_eq!(resolve(&answer, &catalog()), Resolution::Unknown);
        let answer = format!("{}排行榜", "0 ".repeat(40_000));
        assert_eq!(resolve(&answer, &catalog()), story("redis-leaderboard"));
    }

    #[test]
    fn title_fragments_and_aliases_in_chinese_and_latin() {
        assert_eq!(resolve("排行榜", &catalog()), story("redis-leaderboard"));
        assert_eq!(
            resolve("redis zset", &catalog()),
            story("redis-leaderboard")
        );
        assert_eq!(resolve("ZSET", &catalog()), story("redis-leaderboard"));
        assert_eq!(resolve("发号", &catalog()), story("redis-id"));
        assert_eq!(resolve("读写 分离", &catalog()), story("db-proxy"));
        assert_eq!(resolve("db-proxy", &catalog()), story("db-proxy"));
        assert_eq!(resolve("Sharding", &catalog()), story("sharding"));
    }

    #[test]
    fn ambiguity_unknowns_and_dont_know() {
        assert_eq!(
            resolve("redis", &catalog()),
            Resolution::Ambiguous(vec![
                "redis-leaderboard".into(),
                "redis-rate-limit".into(),
                "redis-id".into()
            ])
        );
        assert_eq!(
            resolve("数据库", &catalog()),
            Resolution::Ambiguous(vec!["sharding".into(), "db-proxy".into()])
        );
        assert_eq!(resolve("kafka", &catalog()), Resolution::Unknown);
        assert_eq!(resolve("   ", &catalog()), Resolution::DontKnow);
        assert_eq!(resolve("？！", &catalog()), Resolution::Unknown);
    }

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
        assert_eq!(suggest_recall(6, 6), 5);
        assert_eq!(suggest_recall(5, 7), 4);
        assert_eq!(suggest_recall(3, 6), 3);
        assert_eq!(suggest_recall(2, 6), 2);
        assert_eq!(suggest_recall(1, 6), 1);
        assert_eq!(suggest_recall(0, 6), 0);
    }

    #[test]
    fn tokens_split_chinese_by_character_and_keep_latin_words() {
        let t = tokens("用 Redis 的zset存榜单2000万");
        for want in ["redis", "zset", "榜", "单", "用", "2000", "万"] {
            assert!(t.contains(want), "{want} missing from {t:?}");
        }
        assert!(!t.contains("的"), "stop characters are dropped");
        assert!(!t.contains("zset存"));
    }

    #[test]
    fn coverage_counts_points_mostly_present() {
        let points = vec![
            "每人一个榜单，用 zset 存".to_string(),
            "分数变化时写入每个好友的榜单".to_string(),
            "倒序取出最高的几个人的 id".to_string(),
        ];
        let telling = "我们给每个人建一个zset榜单，分数一变就写到每个好友的榜单里";
        assert_eq!(coverage(telling, &points), vec![true, true, false]);
        assert_eq!(coverage("", &points), vec![false, false, false]);
        assert!(coverage("倒序取最高的几个人id，再拼装用户数据", &points)[2]);
    }
}
