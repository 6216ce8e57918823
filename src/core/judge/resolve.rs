//! Which story an answer to "which story fits?" names, read the way people type: a number in any
//! form, a title or alias or a part of one, with or without spaces, in pinyin, with one typo.
//!
//! The tiers run from exact to loose, and the first that finds anything decides: an exact title or
//! alias, then a title or alias the answer contains (the longest, and at equal length the one
//! nearer the end: in "短信验证码校验" the head noun 校验 comes last), then a part of one; then the
//! same after synonyms; then in pinyin; then with one typo. A wrong story is worse than none, so
//! a tier that finds several stories asks again rather than pick one.

use pinyin::ToPinyinMulti;

use super::synonyms::Synonyms;
use super::{CatalogEntry, Resolution};
use crate::core::judge::normal::{fold_width, is_han, units};

/// Longest answer looked at: an answer names a story in a few words.
const MAX_ANSWER_CHARS: usize = 60;

/// Stories offered as "did you mean" when nothing matches.
const SUGGESTIONS: usize = 2;

pub fn resolve(answer: &str, catalog: &[CatalogEntry], synonyms: &Synonyms) -> Resolution {
    Matcher::default().resolve(answer, catalog, synonyms)
}

/// The catalog's titles and aliases read for matching (folded, after synonyms, in pinyin), each
/// form made the first time an answer needs it and kept for the next answers of a session.
/// Made for one catalog and one synonym table.
#[derive(Default)]
pub struct Matcher {
    literal: std::cell::OnceCell<Vec<Phrases>>,
    canonical: std::cell::OnceCell<Vec<Phrases>>,
    pinyin: std::cell::OnceCell<Vec<Phrases>>,
}

impl Matcher {
    pub fn resolve(
        &self,
        answer: &str,
        catalog: &[CatalogEntry],
        synonyms: &Synonyms,
    ) -> Resolution {
        let answer = fold_width(answer.trim());
        let answer = answer.trim();
        if answer.is_empty() {
            return Resolution::DontKnow;
        }
        let mut text = answer;
        // Numbers: "8", "#8", "8号", "第八个", "No.8", "8.", and "8 用 Redis…" as Tab completion leaves it.
        // Leading numbers no story has are passed over ("99 排行榜").
        while let Some((n, rest)) = leading_number(text) {
            if let Some(e) = catalog.iter().find(|e| e.number == n) {
                return Resolution::Story(e.key.clone());
            }
            text = rest.trim_start();
            if text.is_empty() {
                return unknown(Vec::new());
            }
        }
        // Past its numbers, an answer names a story in a few words.
        let text: String = text.chars().take(MAX_ANSWER_CHARS).collect();
        let text = text.as_str();
        let wanted = compact(text);
        if wanted.is_empty() {
            return unknown(Vec::new());
        }
        // An exact title or alias, as the deck spells it.
        let entries = self.literal.get_or_init(|| {
            catalog
                .iter()
                .map(|e| Phrases::of(e, &|s| compact(s)))
                .collect()
        });
        if let Some(r) = decide(exact(&wanted, entries), catalog) {
            return r;
        }
        // The same words after synonyms (分片 is 分库分表, 调优 is 优化).
        let canon = |s: &str| compact(&synonyms.canonical(s));
        let synonym_entries = self
            .canonical
            .get_or_init(|| catalog.iter().map(|e| Phrases::of(e, &canon)).collect());
        // A tie between stories that each say part of the answer is kept while the tiers below
        // look for one story that says all of it ("项木介绍" shares 介绍 with two, and sounds
        // like one).
        let mut tie = None;
        match match_tiers(&canon(text), synonym_entries, catalog) {
            Some(Found::Tie(r)) => tie = Some(r),
            Some(Found::Sure(r)) => return r,
            None => {}
        }
        // Pinyin: typed as such ("fenkufenbiao"), or Chinese typed with the wrong character of the
        // same sound, as an input method does (部属 for 部署).
        let sound = pinyin_of(&wanted);
        if sound.chars().all(|c| c.is_ascii_alphanumeric()) && sound.chars().count() >= 4 {
            let pinyin_entries = self
                .pinyin
                .get_or_init(|| catalog.iter().map(pinyin_phrases).collect());
            match match_tiers(&sound, pinyin_entries, catalog) {
                Some(Found::Tie(r)) => tie = tie.or(Some(r)),
                Some(Found::Sure(r)) => return r,
                None => {}
            }
        }
        // One typo.
        let typo: Vec<usize> = entries
            .iter()
            .enumerate()
            .filter(|(_, p)| p.phrases.iter().any(|ph| one_typo(&wanted, ph)))
            .map(|(i, _)| i)
            .collect();
        if typo.len() == 1 {
            return Resolution::Story(catalog[typo[0]].key.clone());
        }
        tie.unwrap_or_else(|| unknown(suggest(&wanted, entries, catalog)))
    }
}

/// An answer nothing in the catalog matched, looked for in the stories' key points: when exactly
/// one story's points say it ("filesort", "值班"), that story. The session asks this only after
/// `resolve` found nothing, as points are many and less exact than titles.
pub fn resolve_by_points(
    answer: &str,
    stories: &[StoryText],
    synonyms: &Synonyms,
) -> Option<String> {
    let canon = |s: &str| compact(&synonyms.canonical(s));
    let wanted = canon(answer.trim());
    // Two characters of Chinese or a word of four letters at least: less says nothing.
    let han = wanted.chars().filter(|c| is_han(*c)).count();
    if han < 2 && wanted.chars().count() < 4 {
        return None;
    }
    let found: Vec<&StoryText> = stories
        .iter()
        .filter(|s| s.points.iter().any(|p| canon(p).contains(&wanted)))
        .collect();
    let [one] = found.as_slice() else {
        return None;
    };
    // Words other stories tell too ("mysql") name none of them.
    let elsewhere = stories
        .iter()
        .any(|s| s.key != one.key && canon(&s.text).contains(&wanted));
    (!elsewhere).then(|| one.key.clone())
}

/// A story's key points and text, for `resolve_by_points`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoryText {
    pub key: String,
    pub points: Vec<String>,
    /// Its text and written telling.
    pub text: String,
}

/// An alias (or title) two stories share: answering it asks which one is meant.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Collision {
    /// The alias as the story of `keys[0]` has it.
    pub alias: String,
    /// The stories that have it, the one it was checked for first.
    pub keys: Vec<String>,
}

/// The aliases of `stories` that another story of `catalog` has too, as an alias or its title
/// (compared folded: "Redis" and "redis" collide). `catalog` holds the other stories; an entry
/// with a key of `stories` is taken as that story's earlier version and left out.
pub fn collisions(stories: &[CatalogEntry], catalog: &[CatalogEntry]) -> Vec<Collision> {
    use std::collections::{HashMap, HashSet};
    let mine: HashSet<&str> = stories.iter().map(|s| s.key.as_str()).collect();
    // Every folded title and alias, once, with the stories that have it (in catalog order, then
    // the new ones): one pass, so an import of 10,000 stories into 10,000 costs no more than
    // folding each name once.
    let mut names: HashMap<String, Vec<&str>> = HashMap::new();
    let others = catalog
        .iter()
        .filter(|e| !mine.contains(e.key.as_str()))
        .chain(stories);
    for e in others {
        let mut own: HashSet<String> = HashSet::new();
        for name in std::iter::once(&e.title).chain(&e.aliases) {
            let folded = compact(name);
            if !folded.is_empty() && own.insert(folded.clone()) {
                names.entry(folded).or_default().push(e.key.as_str());
            }
        }
    }
    let mut out: Vec<Collision> = Vec::new();
    let mut told: HashSet<(String, &str)> = HashSet::new();
    for s in stories {
        for alias in &s.aliases {
            let folded = compact(alias);
            let Some(holders) = names.get(&folded) else {
                continue;
            };
            let keys: Vec<String> = holders
                .iter()
                .filter(|k| **k != s.key)
                .map(|k| k.to_string())
                .collect();
            // Told once per name: B's alias is not reported again when A's report names B.
            if keys.is_empty() || told.contains(&(folded.clone(), s.key.as_str())) {
                continue;
            }
            told.insert((folded.clone(), s.key.as_str()));
            for k in holders {
                told.insert((folded.clone(), k));
            }
            out.push(Collision {
                alias: alias.clone(),
                keys: std::iter::once(s.key.clone()).chain(keys).collect(),
            });
        }
    }
    out
}

fn exact(wanted: &str, entries: &[Phrases]) -> Vec<usize> {
    (0..entries.len())
        .filter(|&i| entries[i].phrases.iter().any(|p| p == wanted))
        .collect()
}

fn decide(idx: Vec<usize>, catalog: &[CatalogEntry]) -> Option<Resolution> {
    match idx.len() {
        0 => None,
        1 => Some(Resolution::Story(catalog[idx[0]].key.clone())),
        _ => Some(Resolution::Ambiguous(
            idx.into_iter().map(|i| catalog[i].key.clone()).collect(),
        )),
    }
}

fn unknown(suggestions: Vec<String>) -> Resolution {
    Resolution::Unknown { suggestions }
}

/// A story's titles and aliases in one form (folded, synonym-canonical or pinyin).
struct Phrases {
    phrases: Vec<String>,
}

impl Phrases {
    fn of(e: &CatalogEntry, form: &dyn Fn(&str) -> String) -> Phrases {
        let phrases = std::iter::once(&e.title)
            .chain(std::iter::once(&e.key))
            .chain(&e.aliases)
            .map(|s| form(s))
            .filter(|s| !s.is_empty())
            .collect();
        Phrases { phrases }
    }
}

/// Exact, then a part of one phrase, then phrases contained, then pieces: the first tier that
/// finds a story decides.
/// What a tier found: a story, or stories that all fit as well (`Sure`), or stories that each
/// say part of the answer as much as the others (`Tie`), which a later tier may still decide.
enum Found {
    Sure(Resolution),
    Tie(Resolution),
}

fn match_tiers(wanted: &str, entries: &[Phrases], catalog: &[CatalogEntry]) -> Option<Found> {
    if let Some(r) = decide(exact(wanted, entries), catalog) {
        return Some(Found::Sure(r));
    }
    // A part of one title or alias ("排行榜", "做表设计"): two characters at least.
    if wanted.chars().count() >= 2 {
        let part: Vec<usize> = (0..entries.len())
            .filter(|&i| entries[i].phrases.iter().any(|p| p.contains(wanted)))
            .collect();
        if let Some(r) = decide(part, catalog) {
            return Some(Found::Sure(r));
        }
    }
    // Stretches of the answer in a story's phrases ("redis限流" has 限流, "促销表设计" both halves of
    // one title): the story that says most of it, then the one whose words end last (the head of a
    // Chinese compound comes last: "短信验证码校验" is a 校验).
    let units = units(wanted);
    let mut best: Vec<(usize, (usize, usize))> = Vec::new();
    for (i, e) in entries.iter().enumerate() {
        let (covered, end) = contained(wanted, &e.phrases);
        // Half of the answer at least (a Latin word counting as one character), or two fifths
        // when they end it: the last word of a Chinese compound names the thing ("双十一扩容" is
        // an 扩容). A shared syllable of a longer answer ("服务" of "微服务网关") names nothing.
        let ends = end == wanted.chars().count();
        if covered > 0 && (covered * 2 >= units || ends && covered * 5 >= units * 2) {
            best.push((i, (covered, end)));
        }
    }
    let top = best.iter().map(|b| b.1).max()?;
    match decide(
        best.iter().filter(|b| b.1 == top).map(|b| b.0).collect(),
        catalog,
    )? {
        one @ Resolution::Story(_) => Some(Found::Sure(one)),
        several => Some(Found::Tie(several)),
    }
}

/// Covered characters, a Latin word counting as one.
fn covered_units(chars: &[char], covered: &[bool]) -> usize {
    let mut n = 0;
    for (i, c) in chars.iter().enumerate() {
        let word_start =
            !(c.is_ascii_alphanumeric() && i > 0 && chars[i - 1].is_ascii_alphanumeric());
        if covered[i] && word_start {
            n += 1;
        }
    }
    n
}

/// How many characters of `wanted` a story's phrases say, and where the last of them ends: each
/// stretch of two characters or more that one of its titles or aliases holds. A Latin stretch must
/// be whole words of the answer ("sql" is not in "mysql").
fn contained(wanted: &str, phrases: &[String]) -> (usize, usize) {
    let chars: Vec<char> = wanted.chars().collect();
    let latin = |i: usize| chars.get(i).is_some_and(|c| c.is_ascii_alphanumeric());
    let mut covered = vec![false; chars.len()];
    let mut end = 0;
    let longest = phrases.iter().map(|p| p.chars().count()).max().unwrap_or(0);
    for start in 0..chars.len() {
        if latin(start) && start > 0 && latin(start - 1) {
            continue;
        }
        // The longest stretch from here that a phrase holds.
        let mut best = 0;
        for len in 2..=(chars.len() - start).min(longest) {
            let stop = start + len;
            if latin(stop - 1) && latin(stop) {
                continue;
            }
            let piece: String = chars[start..stop].iter().collect();
            if piece == wanted {
                break;
            }
            if phrases.iter().any(|p| p.contains(&piece)) {
                best = len;
            }
        }
        if best > 0 {
            covered[start..start + best]
                .iter_mut()
                .for_each(|c| *c = true);
            end = end.max(start + best);
        }
    }
    (covered_units(&chars, &covered), end)
}

/// Lowercase, full width folded, without spaces or punctuation.
fn compact(text: &str) -> String {
    crate::core::text::fold(text)
}

/// The toneless pinyin of an answer (its first reading), Latin kept: 部属 → bushu.
fn pinyin_of(text: &str) -> String {
    use pinyin::ToPinyin;
    let mut out = String::new();
    for (c, p) in text.chars().zip(text.to_pinyin()) {
        match p {
            Some(p) => out.push_str(p.plain()),
            None => out.push(c),
        }
    }
    out
}

/// Most readings of one phrase tried: a phrase of many characters with two readings each would
/// otherwise have thousands.
const MAX_READINGS: usize = 16;

/// A story's titles and aliases in toneless pinyin, every reading of a character with several
/// (排行榜 is paihangbang, not only paixingbang): "用 Redis 做限流" → "yongrediszuoxianliu".
fn pinyin_phrases(e: &CatalogEntry) -> Phrases {
    let mut phrases = Vec::new();
    for s in std::iter::once(&e.title).chain(&e.aliases) {
        let text = compact(s);
        let mut readings = vec![String::new()];
        for (c, multi) in text.chars().zip(text.as_str().to_pinyin_multi()) {
            let options: Vec<&str> = match multi {
                Some(m) => m.into_iter().map(|p| p.plain()).take(3).collect(),
                None => Vec::new(),
            };
            if options.is_empty() {
                readings.iter_mut().for_each(|r| r.push(c));
                continue;
            }
            let mut next = Vec::new();
            for r in &readings {
                for o in &options {
                    if next.len() < MAX_READINGS {
                        next.push(format!("{r}{o}"));
                    }
                }
            }
            readings = next;
        }
        phrases.extend(readings.into_iter().filter(|r| !r.is_empty()));
    }
    Phrases { phrases }
}

/// `wanted` is `phrase` (or a part of it, or contains it) but for one typo: one wrong character in
/// a Chinese stretch of at least 3, or one letter wrong, missing, extra or swapped in a Latin word
/// of at least 5.
fn one_typo(wanted: &str, phrase: &str) -> bool {
    let w: Vec<char> = wanted.chars().collect();
    let p: Vec<char> = phrase.chars().collect();
    let han = |s: &[char]| s.iter().all(|c| is_han(*c));
    // Chinese: equal-length stretches differing in one character.
    let near = |a: &[char], b: &[char]| a.iter().zip(b).filter(|(x, y)| x != y).count() == 1;
    let fits = |short: &[char], long: &[char]| {
        short.len() >= 3 && han(short) && long.windows(short.len()).any(|win| near(short, win))
    };
    if w.len() <= p.len() && fits(&w, &p) || p.len() <= w.len() && fits(&p, &w) {
        return true;
    }
    // Latin: the answer's words against the phrase's.
    let words = |s: &str| -> Vec<String> {
        s.split(|c: char| !c.is_ascii_alphanumeric())
            .filter(|x| !x.is_empty())
            .map(str::to_string)
            .collect()
    };
    let (ws, ps) = (words(wanted), words(phrase));
    !ws.is_empty()
        && ws.iter().all(|a| {
            ps.iter().any(|b| {
                a == b || (a.len() >= 5 && b.len() >= 5 && strsim::damerau_levenshtein(a, b) == 1)
            })
        })
        && ws.iter().any(|a| a.len() >= 5)
        && wanted.chars().all(|c| c.is_ascii_alphanumeric())
}

/// The stories whose titles and aliases share most character pairs with the answer.
fn suggest(wanted: &str, entries: &[Phrases], catalog: &[CatalogEntry]) -> Vec<String> {
    let pairs = |s: &str| -> Vec<(char, char)> {
        let c: Vec<char> = s.chars().collect();
        c.windows(2).map(|w| (w[0], w[1])).collect()
    };
    let want = pairs(wanted);
    if want.is_empty() {
        return Vec::new();
    }
    let mut scored: Vec<(f64, usize)> = entries
        .iter()
        .enumerate()
        .map(|(i, e)| {
            let best = e
                .phrases
                .iter()
                .map(|p| {
                    let have = pairs(p);
                    let shared = want.iter().filter(|x| have.contains(x)).count();
                    2.0 * shared as f64 / (want.len() + have.len()).max(1) as f64
                })
                .fold(0.0, f64::max);
            (best, i)
        })
        .filter(|(s, _)| *s >= 0.3)
        .collect();
    scored.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
    scored
        .into_iter()
        .take(SUGGESTIONS)
        .map(|(_, i)| catalog[i].key.clone())
        .collect()
}

/// A number at the start of the answer in any of its forms, and what follows it. A number must
/// end the answer or be followed by a space ("5.7升8.0" and "5W1H" are no numbers).
fn leading_number(text: &str) -> Option<(u32, &str)> {
    let mut rest = text;
    for prefix in ["no.", "no", "#", "第"] {
        if let Some(r) = rest.strip_prefix(prefix) {
            rest = r.trim_start();
            break;
        }
    }
    let digits: usize = rest
        .chars()
        .take_while(char::is_ascii_digit)
        .map(char::len_utf8)
        .sum();
    let (value, mut after) = if digits > 0 {
        (rest[..digits].parse::<u32>().ok()?, &rest[digits..])
    } else {
        let len: usize = rest
            .chars()
            .take_while(|c| "零〇一二两三四五六七八九十百".contains(*c))
            .map(char::len_utf8)
            .sum();
        if len == 0 {
            return None;
        }
        let value = chinese_count(&rest[..len])?;
        (value, &rest[len..])
    };
    for suffix in ["号", "个", ".", "、", ")", "）"] {
        if let Some(r) = after.strip_prefix(suffix) {
            after = r;
            break;
        }
    }
    if after.is_empty() {
        return Some((value, after));
    }
    // "8 用 Redis…": a number then a space. A Chinese numeral must stand alone (三台 is no answer).
    (digits > 0 && after.starts_with(' ')).then_some((value, after))
}

/// A Chinese count up to 999 ("十一", "二十三", "一百零八").
fn chinese_count(s: &str) -> Option<u32> {
    let digit = |c: char| {
        "零一二三四五六七八九"
            .find(c)
            .map(|i| (i / 3) as u32)
            .or(match c {
                '〇' => Some(0),
                '两' => Some(2),
                _ => None,
            })
    };
    let (mut total, mut current) = (0u32, None::<u32>);
    for c in s.chars() {
        match c {
            '十' => {
                total += current.unwrap_or(1) * 10;
                current = None;
            }
            '百' => {
                total += current? * 100;
                current = None;
            }
            c => {
                if current.is_some() && !s.contains('十') && !s.contains('百') {
                    return None;
                }
                current = Some(digit(c)?);
            }
        }
    }
    Some(total + current.unwrap_or(0))
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
            e(
                "nginx-lb",
                2,
                "用 NginX 实现负载均衡",
                &["负载均衡", "Nginx"],
            ),
            e("docker", 13, "用 Docker 部署", &["Docker", "容器"]),
            e(
                "window-sql",
                6,
                "一个业务里的复杂 SQL",
                &["SQL", "窗口函数"],
            ),
            e("send", 21, "如何实现发短信接口", &["发短信", "短信验证码"]),
            e(
                "verify",
                22,
                "如何实现验证验证码接口",
                &["验证码校验", "校验验证码"],
            ),
        ]
    }

    fn which(answer: &str) -> Resolution {
        resolve(answer, &catalog(), &Synonyms::builtin())
    }

    fn story(key: &str) -> Resolution {
        Resolution::Story(key.into())
    }

    #[test]
    fn numbers_in_every_form() {
        for answer in [
            "8",
            " 8 ",
            "#8",
            "８",
            "＃８",
            "8号",
            "第8个",
            "第八个",
            "八",
            "No.8",
            "no 8",
            "8.",
            "8 用 Redis 实现排行榜",
        ] {
            assert_eq!(which(answer), story("redis-leaderboard"), "{answer}");
        }
        assert_eq!(which("99"), unknown(vec![]));
        assert_eq!(which("第三十个"), unknown(vec![]));
        assert_eq!(which("99 排行榜"), story("redis-leaderboard"));
    }

    #[test]
    fn many_leading_numbers_do_not_overflow_or_hang() {
        assert_eq!(which(&"0 ".repeat(40_000)), unknown(vec![]));
        assert_eq!(
            which(&format!("{}排行榜", "0 ".repeat(90))),
            story("redis-leaderboard")
        );
    }

    #[test]
    fn titles_aliases_and_parts_with_or_without_spaces() {
        assert_eq!(which("排行榜"), story("redis-leaderboard"));
        assert_eq!(which("ZSET"), story("redis-leaderboard"));
        assert_eq!(which("redis zset"), story("redis-leaderboard"));
        assert_eq!(which("发号"), story("redis-id"));
        assert_eq!(which("redis限流"), story("redis-rate-limit"));
        assert_eq!(which("Nginx负载均衡"), story("nginx-lb"));
        assert_eq!(which("分库分表方案"), story("sharding"));
        assert_eq!(which("db-proxy"), story("db-proxy"));
    }

    #[test]
    fn the_last_word_of_a_compound_names_the_story() {
        // 限流 is two of five characters: enough at the end, where Chinese puts the head noun.
        assert_eq!(which("双十一限流"), story("redis-rate-limit"));
        assert!(matches!(which("限流双十一"), Resolution::Unknown { .. }));
    }

    #[test]
    fn a_tie_of_parts_waits_for_a_later_tier() {
        // 介绍 is half of both titles; 项木介绍 sounds like the second whole.
        let mut c = catalog();
        c.push(CatalogEntry {
            key: "intro".into(),
            number: 30,
            title: "自我介绍".into(),
            aliases: vec![],
        });
        c.push(CatalogEntry {
            key: "project".into(),
            number: 31,
            title: "项目介绍".into(),
            aliases: vec![],
        });
        let s = Synonyms::builtin();
        assert_eq!(resolve("项木介绍", &c, &s), story("project"));
        assert!(matches!(
            resolve("介绍一下", &c, &s),
            Resolution::Ambiguous(_)
        ));
    }

    #[test]
    fn the_head_noun_decides_between_two_contained_aliases() {
        assert_eq!(which("短信验证码校验"), story("verify"));
    }

    #[test]
    fn a_latin_alias_counts_only_as_a_whole_word() {
        assert_ne!(which("mysql上云"), story("window-sql"));
    }

    #[test]
    fn synonyms_pinyin_and_one_typo() {
        assert_eq!(which("分片"), story("sharding"));
        assert_eq!(which("有序集合"), story("redis-leaderboard"));
        assert_eq!(which("fenkufenbiao"), story("sharding"));
        assert_eq!(which("paihangbang"), story("redis-leaderboard"));
        assert_eq!(which("分库分彪"), story("sharding"));
        assert_eq!(which("nignx"), story("nginx-lb"));
        assert_eq!(which("dokcer"), story("docker"));
    }

    #[test]
    fn ambiguous_and_unknown_answers_ask_again() {
        assert_eq!(
            which("redis"),
            Resolution::Ambiguous(vec![
                "redis-leaderboard".into(),
                "redis-rate-limit".into(),
                "redis-id".into()
            ])
        );
        assert!(matches!(which("数据库"), Resolution::Ambiguous(_)));
        assert!(matches!(which("kafka"), Resolution::Unknown { .. }));
        assert_eq!(which("   "), Resolution::DontKnow);
        assert!(matches!(which("？！"), Resolution::Unknown { .. }));
    }

    #[test]
    fn aliases_two_stories_share_are_found() {
        let mine = vec![CatalogEntry {
            key: "mine".into(),
            number: 40,
            title: "我的限流".into(),
            aliases: vec!["限流".into(), "令牌桶".into(), "NGINX".into()],
        }];
        let found = collisions(&mine, &catalog());
        assert_eq!(
            found,
            vec![
                Collision {
                    alias: "限流".into(),
                    keys: vec!["mine".into(), "redis-rate-limit".into()]
                },
                Collision {
                    alias: "NGINX".into(),
                    keys: vec!["mine".into(), "nginx-lb".into()]
                },
            ]
        );
        // A story's earlier version in the catalog is no collision with itself.
        assert!(collisions(&catalog()[..1], &catalog()).is_empty());
    }

    #[test]
    fn an_answer_mostly_unmatched_is_refused_with_the_nearest_story_offered() {
        // 负载均衡 is four of its ten characters: too little to decide, enough to suggest.
        assert_eq!(
            which("负载均衡器的配置文件"),
            unknown(vec!["nginx-lb".into()])
        );
        assert_eq!(which("负载均衡器配置"), story("nginx-lb"));
        assert_eq!(which("微服务网关"), unknown(vec![]));
    }
}
