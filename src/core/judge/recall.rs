//! Judging a telling against a story's key points by the facts it states.
//!
//! A point is covered when some stretch of the telling (one to three clauses) says most of its
//! words — compared as character pairs, so word order and segmentation may differ — and every fact
//! of the point agrees: its numbers (as values, "两千万" = "2000万"), its named technologies (Latin
//! words), and its polarity (a "没有" before the matched words, where the point has none, is the
//! opposite of the point). A point that is a formula ("日请求数=活跃用户×人均请求数") is covered
//! when the telling states numbers that satisfy it.
//!
//! Both sides are first rewritten with the synonym table, so "上线" covers "发布".

use std::collections::HashSet;
use std::fmt;

use super::normal::{is_han, starts_with_at, tokens, Number, Tok, Unit};
use super::synonyms::Synonyms;

/// The share of a point's words a stretch of the telling must say for the point to count.
pub const COVERED_SHARE: f64 = 0.3;

/// Clauses of a telling judged: far more than a ten-minute telling has.
const MAX_CLAUSES: usize = 400;

/// Clauses a point may be spread over.
const WINDOW: usize = 3;

/// Characters that carry no fact: they split a point's words but are not matched themselves.
const STOP_CHARS: &str = "的了是在我们和就也都这那有个一把被将对从到为与及或而且再还又很最";

/// Words that say "not". A marker followed by a character that the point itself has right after
/// the same marker ("不一致", "无感") is the point's own word, not a negation.
const NEGATIONS: &[&str] = &[
    "没有", "没", "不是", "不", "未", "无", "非", "别", "很少", "极少", "并非", "从未",
];

/// Words that hold a negation character but negate nothing.
const NOT_NEGATIONS: &[&str] = &[
    "不过",
    "不仅",
    "不断",
    "不少",
    "不同",
    "不管",
    "不错",
    "差不多",
    "非常",
    "无论",
    "别的",
    "别人",
    "未来",
    "无非",
    "要不",
    "不然",
    "不得不",
    "无数",
    // Names of things, not "not"s: 非处方药 is a kind of medicine (OTC), 无状态 a kind of service.
    "非处方",
    "无状态",
    "特别",
    "区别",
    "分别",
    "级别",
    "类别",
    "个别",
    "识别",
    "不停",
    "原封不动",
    "一成不变",
    "不知不觉",
    "忍不住",
    "恨不得",
];

/// What follows 不 after a verb to say it cannot be done: 撑不住, 解决不了, 查不到.
const COMPLEMENTS: &str = "了到住起出通成动完下懂清";

/// Verbs whose meaning is a "not" (防止超发 = 不会多发): they count toward the polarity of both
/// the point and the telling.
const NEGATIVE_VERBS: &[&str] = &["防止", "防", "避免", "去掉", "去除", "禁止", "拒绝"];

/// Latin words that name no technology (measures, placeholders): they count toward the words said
/// but a point does not need them.
const GENERIC_WORDS: &[&str] = &[
    "qps", "tps", "rt", "ok", "id", "ids", "key", "value", "code", "data", "gb", "mb", "kb", "tb",
    "ms", "the", "a", "an", "of", "to", "and", "or", "with",
];

/// The share of a point's technology names a stretch must name.
const NAMED_SHARE: f64 = 0.6;

/// Pairs of opposite words: a telling that says one where the point says the other reverses it.
const OPPOSITES: &[(&str, &str)] = &[
    ("降", "升"),
    ("降", "涨"),
    ("减少", "增加"),
    ("提高", "降低"),
    ("变快", "变慢"),
    ("成功", "失败"),
];

/// Why a point counts or does not.
#[derive(Debug, Clone, PartialEq)]
pub enum Reason {
    /// Its words and facts were said.
    Said,
    /// Its words were not said.
    NotSaid,
    /// Its words were said, but not this fact.
    Lacks(String),
    /// Its words were said after a negation.
    Negated(String),
    /// A number other than the point's.
    WrongNumber { said: String, want: String },
    /// A direction or result opposite to the point's.
    Reversed { said: String, want: String },
    /// The point's numbers in the opposite order ("8.0 → 5.7" for "5.7 → 8.0").
    WrongOrder { want: String },
    /// A formula point with no numbers that satisfy it.
    NoFormula,
    /// The user ticked or unticked it.
    ByYou,
}

impl Reason {
    /// A telling that says the opposite of the point, rather than leaving it out.
    pub fn contradicts(&self) -> bool {
        matches!(
            self,
            Reason::Negated(_)
                | Reason::WrongNumber { .. }
                | Reason::Reversed { .. }
                | Reason::WrongOrder { .. }
        )
    }
}

impl fmt::Display for Reason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Reason::Said => write!(f, "said"),
            Reason::NotSaid => write!(f, "not said"),
            Reason::Lacks(fact) => write!(f, "no {fact}"),
            Reason::Negated(said) => write!(f, "negated: said {said}"),
            Reason::WrongNumber { said, want } => write!(f, "said {said}, the story says {want}"),
            Reason::Reversed { said, want } => write!(f, "said {said}, the story says {want}"),
            Reason::WrongOrder { want } => write!(f, "the other way round: the story says {want}"),
            Reason::NoFormula => write!(f, "no numbers that satisfy the formula"),
            Reason::ByYou => write!(f, "your call"),
        }
    }
}

/// One key point, judged.
#[derive(Debug, Clone, PartialEq)]
pub struct Judged {
    pub covered: bool,
    pub reason: Reason,
    /// The share of the point's words the stretch that said most of them says (0 to 1).
    pub share: f64,
}

/// A telling as the judge reads it: its clauses, each a list of tokens.
pub struct Telling {
    clauses: Vec<Clause>,
}

struct Clause {
    toks: Vec<Tok>,
    /// The clause's Chinese text, a space for each word or number.
    han: String,
    /// What stands at each character of `han`.
    slots: Vec<Slot>,
    pairs: HashSet<(char, char)>,
    chars: HashSet<char>,
    words: HashSet<String>,
}

impl Telling {
    pub fn read(text: &str, synonyms: &Synonyms) -> Telling {
        let toks = tokens(&synonyms.canonical(text));
        let mut clauses = Vec::new();
        let mut current = Vec::new();
        for t in toks {
            if t == Tok::Break {
                if !current.is_empty() {
                    clauses.push(Clause::new(std::mem::take(&mut current)));
                }
            } else {
                current.push(t);
            }
        }
        if !current.is_empty() {
            clauses.push(Clause::new(current));
        }
        // A telling is judged on its first clauses: minutes of speech, and bounded work.
        clauses.truncate(MAX_CLAUSES);
        Telling { clauses }
    }

    /// The telling's numbers in order, each with how exactly it was said.
    fn numbers(&self) -> Vec<(&Number, Approx)> {
        let mut out = Vec::new();
        for c in &self.clauses {
            for (i, t) in c.toks.iter().enumerate() {
                if let Tok::Num(n) = t {
                    let approx = if matches!(c.toks.get(i + 1), Some(Tok::Han('多' | '余'))) {
                        Approx::Above
                    } else if i >= 2
                        && c.toks[i - 2] == Tok::Han('不')
                        && c.toks[i - 1] == Tok::Han('到')
                    {
                        Approx::Below
                    } else {
                        Approx::Round
                    };
                    out.push((n, approx));
                }
            }
        }
        out
    }
}

impl Clause {
    fn new(toks: Vec<Tok>) -> Clause {
        let mut han = String::new();
        let mut slots = Vec::new();
        let mut pairs = HashSet::new();
        let mut chars = HashSet::new();
        let mut words = HashSet::new();
        let mut prev: Option<char> = None;
        let mut prev_content: Option<char> = None;
        for t in &toks {
            match t {
                Tok::Han(c) => {
                    han.push(*c);
                    slots.push(Slot::Han(*c));
                    chars.insert(*c);
                    if let Some(p) = prev {
                        pairs.insert((p, *c));
                    }
                    // Pairs across a stop character too: "拖慢了数据库" has 慢数.
                    if !STOP_CHARS.contains(*c) {
                        if let Some(p) = prev_content {
                            pairs.insert((p, *c));
                        }
                        prev_content = Some(*c);
                    }
                    prev = Some(*c);
                }
                Tok::Word(w) => {
                    han.push(' ');
                    slots.push(Slot::Word(w.clone()));
                    words.insert(w.clone());
                    prev = None;
                    prev_content = None;
                }
                Tok::Num(n) => {
                    han.push(' ');
                    slots.push(Slot::Num(n.clone()));
                    prev = None;
                    prev_content = None;
                }
                Tok::Break => {
                    han.push(' ');
                    slots.push(Slot::Other);
                    prev = None;
                    prev_content = None;
                }
            }
        }
        Clause {
            toks,
            han,
            slots,
            pairs,
            chars,
            words,
        }
    }
}

#[derive(Debug, Clone)]
enum Slot {
    Han(char),
    Word(String),
    Num(Number),
    Other,
}

/// What a point asks for.
struct Need {
    /// Runs of content characters.
    runs: Vec<Vec<char>>,
    words: Vec<String>,
    numbers: Vec<Number>,
    /// The canonical text, for negation exemptions and opposites.
    text: String,
    /// Its character pairs, and the characters of its one-character runs.
    pairs: HashSet<(char, char)>,
    singles: HashSet<char>,
    /// Characters the point itself negates: the three after its own "not" (防止|超发, 无|重复),
    /// and the Latin words right after one ("去 join").
    scope: Vec<char>,
    scope_words: Vec<String>,
    formula: Option<Formula>,
}

impl Need {
    fn read(point: &str, synonyms: &Synonyms) -> Need {
        let text = synonyms.canonical(point);
        let mut runs = Vec::new();
        let mut run = Vec::new();
        let mut words = Vec::new();
        let mut numbers = Vec::new();
        for t in tokens(&text) {
            match t {
                Tok::Han(c) if !STOP_CHARS.contains(c) => run.push(c),
                Tok::Word(w) => {
                    words.push(w);
                    runs.push(std::mem::take(&mut run));
                }
                Tok::Num(n) => {
                    numbers.push(n);
                    runs.push(std::mem::take(&mut run));
                }
                _ => runs.push(std::mem::take(&mut run)),
            }
        }
        runs.push(run);
        runs.retain(|r| !r.is_empty());
        let (scope, scope_words) = negated_by_point(&text);
        let pairs = runs
            .iter()
            .flat_map(|r| r.windows(2).map(|w| (w[0], w[1])))
            .collect();
        let singles = runs.iter().filter(|r| r.len() == 1).map(|r| r[0]).collect();
        let formula = Formula::read(&text);
        Need {
            runs,
            words,
            numbers,
            text,
            pairs,
            singles,
            scope,
            scope_words,
            formula,
        }
    }

    /// Units to match: character pairs of each run, or the character of a one-character run.
    fn weight(&self) -> f64 {
        let han: usize = self
            .runs
            .iter()
            .map(|r| r.len().saturating_sub(1).max(1))
            .sum();
        han as f64 + 2.0 * (self.words.len() + self.numbers.len()) as f64
    }
}

/// A "not" at `at` of `chars`: its length, or None. Words that only hold a negation character
/// (不过, 特别) are none.
fn not_at(chars: &[char], at: usize) -> Option<usize> {
    // Every "not" starts with one of these: most characters are none, and cheaply.
    if !"没不未无非别很极并从防避去禁拒".contains(chars[at]) {
        return None;
    }
    // A question, not a "not": 用没用, 是不是, 有没有.
    if at >= 1
        && chars.get(at - 1).is_some_and(|c| is_han(*c))
        && chars.get(at - 1) == chars.get(at + 1)
    {
        return None;
    }
    // An amount, not a "not": 不到三百, 不超过 5 次.
    for w in ["不到", "不超过", "不足", "没到", "没超过"] {
        let n = w.chars().count();
        if starts_with_at(chars, at, w)
            && chars.get(at + n).is_some_and(|c| {
                *c == ' ' || c.is_ascii_digit() || "一二两三四五六七八九十百千万".contains(*c)
            })
        {
            return None;
        }
    }
    // A word of NOT_NEGATIONS that covers `at` ("差不多" at 不, "特别" at 别).
    for w in NOT_NEGATIONS {
        let n = w.chars().count();
        for back in 0..n {
            if at >= back && starts_with_at(chars, at - back, w) {
                return None;
            }
        }
    }
    for w in NEGATIVE_VERBS.iter().chain(NEGATIONS) {
        if starts_with_at(chars, at, w) {
            return Some(w.chars().count());
        }
    }
    // "去 join": 去 before a Latin word is "without".
    if chars[at] == '去'
        && chars
            .get(at + 1)
            .is_some_and(|c| *c == ' ' || c.is_ascii_alphabetic())
    {
        return Some(1);
    }
    None
}

/// What a point negates itself: the three characters after each "not" it says, and a Latin
/// word right after one.
fn negated_by_point(text: &str) -> (Vec<char>, Vec<String>) {
    let chars: Vec<char> = text.chars().collect();
    let mut scope = Vec::new();
    let mut words = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        match not_at(&chars, i) {
            Some(n) => {
                scope.extend(chars.iter().skip(i + n).take(3).filter(|c| is_han(**c)));
                let word: String = chars[i + n..]
                    .iter()
                    .skip_while(|c| **c == ' ')
                    .take_while(|c| c.is_ascii_alphanumeric() || **c == '_')
                    .collect();
                if !word.is_empty() {
                    words.push(word);
                }
                i += n;
            }
            None => i += 1,
        }
    }
    (scope, words)
}

/// How many "not"s a stretch says about the point: the ones right before a word of the point
/// (within three characters: "没有被拖慢"), or right after one of its named things ("upstream 没动").
fn polarity_near(window: &[Clause], need: &Need) -> (usize, String) {
    let mut count = 0;
    let mut first = String::new();
    for clause in window {
        let chars: Vec<char> = clause.han.chars().collect();
        // A character of the point's words: one of a pair of characters the point has (outside
        // what it negates itself), so that "没有回填" says nothing of a point on 回滚.
        let han_at = |j: usize| match clause.slots.get(j) {
            Some(Slot::Han(c)) => Some(*c),
            _ => None,
        };
        let pair = |a: Option<char>, b: Option<char>| matches!((a, b), (Some(a), Some(b)) if need.pairs.contains(&(a, b)));
        let in_pair = |j: usize| {
            let Some(c) = han_at(j) else { return false };
            !need.scope.contains(&c)
                && (need.singles.contains(&c)
                    || pair(Some(c), han_at(j + 1))
                    || pair(j.checked_sub(1).and_then(han_at), Some(c)))
        };
        let matched = |j: usize| match clause.slots.get(j) {
            Some(Slot::Han(_)) => in_pair(j),
            Some(Slot::Word(w)) => need.words.contains(w) && !need.scope_words.contains(w),
            Some(Slot::Num(n)) => need.numbers.iter().any(|m| m.agrees(n)),
            _ => false,
        };
        let named =
            |j: usize| matches!(clause.slots.get(j), Some(Slot::Word(w)) if need.words.contains(w));
        let mut i = 0;
        while i < chars.len() {
            let Some(n) = not_at(&chars, i) else {
                i += 1;
                continue;
            };
            // A verb like 防止 says what the telling does, not that it does not.
            if NEGATIVE_VERBS.iter().any(|w| starts_with_at(&chars, i, w)) || chars[i] == '去' {
                i += n;
                continue;
            }
            // The point's own "not" ("读不到" told "取不到") is judged by the count, as one.
            let own = chars.get(i + n).is_some_and(|next| {
                NEGATIONS
                    .iter()
                    .any(|w| need.text.contains(&format!("{w}{next}")))
            });
            if own {
                i += n;
                continue;
            }
            // "撑不住", "解决不了": a 不 between a verb and its complement negates that verb only.
            let complement_not = chars[i] == '不'
                && n == 1
                && i >= 1
                && chars.get(i + 1).is_some_and(|c| COMPLEMENTS.contains(*c));
            // The next three characters that carry meaning ("没有明确的目标" reaches 目).
            let before = !complement_not
                && (i + n..chars.len())
                .filter(|&j| !matches!(clause.slots.get(j), Some(Slot::Han(c)) if STOP_CHARS.contains(*c)))
                .take(3)
                .any(matched);
            // After a word of the point: "upstream 没动", "解决不了".
            let complement = chars[i] == '不'
                && chars
                    .get(i + 1)
                    .is_some_and(|c| "了到住起出通成动完下".contains(*c))
                && i >= 1
                && matched(i - 1);
            let after = complement
                || (i >= 1 && named(i - 1))
                || (i >= 2
                    && named(i - 2)
                    && matches!(clause.slots.get(i - 1), Some(Slot::Han(c)) if STOP_CHARS.contains(*c)));
            if before || after {
                count += 1;
                if first.is_empty() {
                    let end = (i + n + 4).min(chars.len());
                    first = chars[i..end].iter().collect::<String>().trim().to_string();
                }
            }
            i += n;
        }
    }
    (count, first)
}

/// Judges each point (a point may list other ways to say it after `||`; any one covers it).
pub fn judge(telling: &str, points: &[String], synonyms: &Synonyms) -> Vec<Judged> {
    let told = Telling::read(telling, synonyms);
    points
        .iter()
        .map(|p| judge_point(&told, p, synonyms))
        .collect()
}

impl Telling {
    /// How much of the story's vocabulary a telling uses at all: the share of the character pairs
    /// of all its key points (their first wording) that occur anywhere in the telling. A telling
    /// of another story shares a word or two; a telling of this one, even half of it, shares many.
    fn topic_share(&self, points: &[String], synonyms: &Synonyms) -> f64 {
        let mut wanted: HashSet<(char, char)> = HashSet::new();
        for p in points {
            wanted.extend(Need::read(shown(p), synonyms).pairs);
        }
        if wanted.is_empty() {
            return 0.0;
        }
        let said: HashSet<&(char, char)> = self.clauses.iter().flat_map(|c| &c.pairs).collect();
        wanted.iter().filter(|p| said.contains(p)).count() as f64 / wanted.len() as f64
    }
}

/// Judges each point, and the telling's share of the story's vocabulary (`topic_share`), reading
/// the telling once.
pub fn judge_with_topic(
    telling: &str,
    points: &[String],
    synonyms: &Synonyms,
) -> (Vec<Judged>, f64) {
    let told = Telling::read(telling, synonyms);
    let judged = points
        .iter()
        .map(|p| judge_point(&told, p, synonyms))
        .collect();
    (judged, told.topic_share(points, synonyms))
}

/// The ways a point may be said: its text and the alternatives after `||`.
pub fn alternatives(point: &str) -> impl Iterator<Item = &str> {
    point.split("||").map(str::trim).filter(|a| !a.is_empty())
}

/// A point as shown: without its alternatives.
pub fn shown(point: &str) -> &str {
    alternatives(point).next().unwrap_or("")
}

fn judge_point(told: &Telling, point: &str, synonyms: &Synonyms) -> Judged {
    let mut best: Option<Judged> = None;
    let mut covered: Option<Judged> = None;
    for alt in alternatives(point) {
        let j = judge_one(told, &Need::read(alt, synonyms));
        // A contradiction of any way of saying it decides, as within one.
        if matches!(j.reason, Reason::Negated(_) | Reason::Reversed { .. }) {
            return j;
        }
        if j.covered {
            covered.get_or_insert(j);
            continue;
        }
        let better = match &best {
            None => true,
            Some(b) => {
                (j.reason.contradicts() && !b.reason.contradicts())
                    || (j.share > b.share && j.reason.contradicts() == b.reason.contradicts())
            }
        };
        if better {
            best = Some(j);
        }
    }
    covered.or(best).unwrap_or(Judged {
        covered: false,
        reason: Reason::NotSaid,
        share: 0.0,
    })
}

fn judge_one(told: &Telling, need: &Need) -> Judged {
    if let Some(f) = &need.formula {
        let covered = f.holds(told);
        return Judged {
            covered,
            reason: if covered {
                Reason::Said
            } else {
                Reason::NoFormula
            },
            share: if covered { 1.0 } else { 0.0 },
        };
    }
    let total = need.weight();
    if total == 0.0 {
        return Judged {
            covered: false,
            reason: Reason::NotSaid,
            share: 0.0,
        };
    }
    // Stretches of one to WINDOW clauses, best first: the first that says enough of the point's
    // words and whose facts agree covers it; else the best one says why not.
    let mut stretches: Vec<(f64, usize, usize)> = Vec::new();
    // A stretch that starts or ends with a clause holding nothing of the point (none of its
    // characters, words or numbers) says no more than the one without it: only stretches from
    // and to clauses that hold something are scored.
    let says: Vec<bool> = told
        .clauses
        .iter()
        .map(|c| {
            need.runs.iter().flatten().any(|ch| c.chars.contains(ch))
                || need.words.iter().any(|w| c.words.contains(w))
                || c.toks
                    .iter()
                    .any(|t| matches!(t, Tok::Num(n) if need.numbers.iter().any(|m| m.agrees(n))))
        })
        .collect();
    let marked: Vec<Vec<u8>> = told
        .clauses
        .iter()
        .zip(&says)
        .map(|(c, says)| if *says { marks(c, need) } else { Vec::new() })
        .collect();
    for start in (0..told.clauses.len()).filter(|&i| says[i]) {
        for end in (start..(start + WINDOW).min(told.clauses.len())).filter(|&i| says[i]) {
            let window: Vec<&Vec<u8>> = marked[start..=end]
                .iter()
                .filter(|m| !m.is_empty())
                .collect();
            let said = stretch_score(&window, need);
            // One word of several is no telling of them.
            let score = if said + 1e-9 < total.min(2.0) {
                0.0
            } else {
                said / total
            };
            stretches.push((score, start, end));
        }
    }
    stretches.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
    let share = stretches.first().map_or(0.0, |s| s.0);
    // A stretch that says the point's words and then negates or reverses them decides: a telling
    // that says the opposite somewhere does not also cover the point elsewhere.
    let mut covered = false;
    let mut why: Option<Reason> = None;
    for (_, start, end) in stretches
        .iter()
        .take_while(|s| s.0 >= COVERED_SHARE)
        .take(MAX_STRETCHES)
    {
        match facts(told, &told.clauses[*start..=*end], need) {
            None => covered = true,
            Some(reason @ (Reason::Negated(_) | Reason::Reversed { .. })) => {
                return Judged {
                    covered: false,
                    reason,
                    share,
                }
            }
            Some(reason) => {
                if why.is_none()
                    || (reason.contradicts() && !why.as_ref().is_some_and(Reason::contradicts))
                {
                    why = Some(reason);
                }
            }
        }
    }
    Judged {
        covered,
        reason: if covered {
            Reason::Said
        } else {
            why.unwrap_or(Reason::NotSaid)
        },
        share,
    }
}

/// Stretches tried per point: enough for every place a point may be told.
const MAX_STRETCHES: usize = 12;

/// Why a stretch that says the point's words does not state its facts, or None when it does.
fn facts(told: &Telling, window: &[Clause], need: &Need) -> Option<Reason> {
    // Every number of the point: said in the stretch, or elsewhere in the telling when the stretch
    // says one of them ("两秒多" early, "降到三十毫秒" at the end).
    let said: Vec<&Number> = window
        .iter()
        .flat_map(|c| c.toks.iter())
        .filter_map(|t| match t {
            Tok::Num(n) => Some(n),
            _ => None,
        })
        .collect();
    let anchored = need
        .numbers
        .iter()
        .any(|w| said.iter().any(|n| n.agrees(w)));
    for want in &need.numbers {
        if said.iter().any(|n| n.agrees(want))
            || anchored && told.numbers().iter().any(|(n, _)| n.agrees(want))
        {
            continue;
        }
        let other = said
            .iter()
            .find(|n| n.unit == want.unit && n.unit != Unit::None)
            .or_else(|| {
                said.iter()
                    .find(|n| n.unit == Unit::None || want.unit == Unit::None)
            });
        return Some(match other {
            Some(n) => Reason::WrongNumber {
                said: n.said.clone(),
                want: want.said.clone(),
            },
            None => Reason::Lacks(want.said.clone()),
        });
    }
    // Numbers in the point's order ("5.7 迁到 8.0" is not "8.0 迁到 5.7").
    if need.numbers.len() >= 2 {
        let at = |want: &Number| said.iter().position(|n| n.agrees(want));
        let order: Vec<Option<usize>> = need.numbers.iter().map(at).collect();
        if order
            .windows(2)
            .any(|w| matches!((w[0], w[1]), (Some(a), Some(b)) if a > b))
        {
            let want: Vec<&str> = need.numbers.iter().map(|n| n.said.as_str()).collect();
            return Some(Reason::WrongOrder {
                want: want.join(" → "),
            });
        }
    }
    // Named technologies: most of them, and the only one when there is one.
    let named: Vec<&String> = need
        .words
        .iter()
        .filter(|w| !GENERIC_WORDS.contains(&w.as_str()) && !w.contains(':'))
        .collect();
    let missing: Vec<&&String> = named
        .iter()
        .filter(|w| !window.iter().any(|c| c.words.contains(**w)))
        .collect();
    if !named.is_empty()
        && (named.len() - missing.len()) as f64 / (named.len() as f64) < NAMED_SHARE
    {
        return missing.first().map(|w| Reason::Lacks(w.to_string()));
    }
    // Polarity: a "not" before the point's words. The words a point itself negates (无重复,
    // 防止超发) may be told with or without one, so they are left out of this.
    let (nots, said_not) = polarity_near(window, need);
    if nots % 2 == 1 {
        return Some(Reason::Negated(said_not));
    }
    let stretch: String = window.iter().map(|c| c.han.as_str()).collect();
    for (a, b) in OPPOSITES {
        for (want, said) in [(a, b), (b, a)] {
            if need.text.contains(want)
                && !need.text.contains(said)
                && stretch.contains(said)
                && !stretch.contains(want)
            {
                return Some(Reason::Reversed {
                    said: said.to_string(),
                    want: want.to_string(),
                });
            }
        }
    }
    None
}

/// What one clause holds of a point: a flag byte per unit of `Need::units`, so that a stretch of
/// clauses is scored by OR-ing its clauses' bytes rather than looking everything up again.
fn marks(clause: &Clause, need: &Need) -> Vec<u8> {
    need.units()
        .map(|unit| match unit {
            Part::Pair(a, b) => {
                (if clause.pairs.contains(&(a, b)) {
                    SAID
                } else {
                    0
                }) | (if clause.chars.contains(&a) { FIRST } else { 0 })
                    | (if clause.chars.contains(&b) { SECOND } else { 0 })
            }
            Part::Char(c) => u8::from(clause.chars.contains(&c)) * SAID,
            Part::Word(w) => u8::from(clause.words.contains(w)) * SAID,
            Part::Number(want) => {
                let said = clause
                    .toks
                    .iter()
                    .any(|t| matches!(t, Tok::Num(n) if n.agrees(want)));
                u8::from(said) * SAID
            }
        })
        .collect()
}

const SAID: u8 = 1;
const FIRST: u8 = 2;
const SECOND: u8 = 4;

/// How much of the point a stretch says, in the units of `Need::weight`, from its clauses' marks.
fn stretch_score(marks: &[&Vec<u8>], need: &Need) -> f64 {
    need.units()
        .enumerate()
        .map(|(i, unit)| {
            let flags = marks.iter().fold(0u8, |f, m| f | m[i]);
            match unit {
                Part::Pair(..) if flags & SAID != 0 => 1.0,
                // Both characters, apart: a reordered or split word says part of it.
                Part::Pair(..) if flags & (FIRST | SECOND) == FIRST | SECOND => 0.4,
                Part::Pair(..) => 0.0,
                Part::Char(_) => f64::from(flags & SAID),
                Part::Word(_) | Part::Number(_) => 2.0 * f64::from(flags & SAID),
            }
        })
        .sum()
}

/// One thing a point asks to be said: a pair of characters, a lone character, a word, a number.
enum Part<'a> {
    Pair(char, char),
    Char(char),
    Word(&'a String),
    Number(&'a Number),
}

impl Need {
    fn units(&self) -> impl Iterator<Item = Part<'_>> {
        let han = self.runs.iter().flat_map(|run| {
            let single = (run.len() == 1).then(|| Part::Char(run[0]));
            single
                .into_iter()
                .chain(run.windows(2).map(|w| Part::Pair(w[0], w[1])))
        });
        han.chain(self.words.iter().map(Part::Word))
            .chain(self.numbers.iter().map(Part::Number))
    }
}

/// How a number was said: "八百多" (at least), "不到三百" (at most), or a round figure.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Approx {
    Round,
    Above,
    Below,
}

/// A point that states a calculation: `result = a × b`, `result = a ÷ b`, `result = ceil(a ÷ b)`.
#[derive(Debug, Clone, PartialEq)]
struct Formula {
    op: Op,
    /// Operands the point gives as numbers (÷86400).
    given: [Option<f64>; 2],
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Op {
    Times,
    Divide,
    CeilDivide,
}

/// Numbers read from a telling for formulas: at most this many, so the search stays small.
const FORMULA_NUMBERS: usize = 80;

impl Formula {
    fn read(text: &str) -> Option<Formula> {
        let (_, right) = text.split_once('=')?;
        let ceil = right.contains("ceil") || right.contains("向上取整");
        let (op, sep) = if let Some(i) = right.find(['×', '*']) {
            (Op::Times, i)
        } else if let Some(i) = right.find(['÷', '/']) {
            (if ceil { Op::CeilDivide } else { Op::Divide }, i)
        } else {
            return None;
        };
        let (a, b) = right.split_at(sep);
        let b = b.chars().skip(1).collect::<String>();
        let given = |s: &str| -> Option<f64> {
            tokens(s).into_iter().find_map(|t| match t {
                Tok::Num(n) => Some(n.value),
                _ => None,
            })
        };
        Some(Formula {
            op,
            given: [given(a), given(&b)],
        })
    }

    fn apply(&self, a: f64, b: f64) -> Option<f64> {
        match self.op {
            Op::Times => Some(a * b),
            Op::Divide if b != 0.0 => Some(a / b),
            Op::CeilDivide if b != 0.0 => Some((a / b).ceil()),
            _ => None,
        }
    }

    /// Some three numbers of the telling satisfy it: two operands, and after them the result.
    fn holds(&self, told: &Telling) -> bool {
        let numbers: Vec<(&Number, Approx)> =
            told.numbers().into_iter().take(FORMULA_NUMBERS).collect();
        let fits =
            |given: Option<f64>, n: &Number| given.is_none_or(|g| (g - n.value).abs() < 1e-9);
        for (k, (result, more)) in numbers.iter().enumerate() {
            for (i, (a, _)) in numbers[..k].iter().enumerate() {
                for (j, (b, _)) in numbers[..k].iter().enumerate() {
                    if i == j || !fits(self.given[0], a) || !fits(self.given[1], b) {
                        continue;
                    }
                    if let Some(want) = self.apply(a.value, b.value) {
                        if close(result.value, *more, want, self.op == Op::CeilDivide) {
                            return true;
                        }
                    }
                }
            }
        }
        false
    }
}

/// A stated result agrees with the computed one: exactly for a count of machines, within 5 % for
/// a rounded figure ("差不多两百八" for 277.8), a little above it for "八百多", a little below it for
/// "不到三百".
fn close(said: f64, approx: Approx, want: f64, exact: bool) -> bool {
    if exact {
        return (said - want).abs() < 1e-9;
    }
    if want <= 0.0 {
        return false;
    }
    match approx {
        Approx::Above if want >= said && want < said * 1.25 => true,
        Approx::Below if want <= said && want > said * 0.8 => true,
        _ => (said - want).abs() <= want * 0.05,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn covered(telling: &str, point: &str) -> Judged {
        judge(telling, &[point.to_string()], &Synonyms::builtin()).remove(0)
    }

    #[test]
    fn a_point_said_in_other_words_is_covered() {
        assert!(
            covered(
                "我们改成先上线灰度，出了问题马上撤回",
                "灰度发布，出问题回滚"
            )
            .covered
        );
        assert!(covered("数据量大概两千万行", "数据量 2000 万").covered);
    }

    #[test]
    fn a_wrong_number_is_not_covered_and_says_why() {
        let j = covered("数据量大概两百万行", "数据量 2000 万");
        assert!(!j.covered);
        assert_eq!(
            j.reason.to_string(),
            "said 两百万行, the story says 2000 万"
        );
        assert!(j.reason.contradicts());
    }

    #[test]
    fn a_negated_point_is_not_covered() {
        let j = covered("上线以后没有回滚", "上线以后立即回滚");
        assert!(!j.covered);
        assert!(j.reason.contradicts(), "{:?}", j.reason);
        // The point's own negation words are no negation.
        assert!(covered("发现环境不一致", "环境不一致").covered);
        // A "not" that says the same as a negative verb.
        assert!(covered("条件更新扣库存，这样不会多发", "条件更新扣库存，防止多发").covered);
        // A name that starts with a "not" (非处方药, OTC medicine) is no negation of 处方药.
        let otc = "非处方药直接下单，处方药要上传处方，药师审方";
        assert!(covered(otc, "处方药上传处方，药师审方").covered);
        assert!(
            !covered(
                "处方药不用上传处方，药师也不审方",
                "处方药上传处方，药师审方"
            )
            .covered
        );
    }

    #[test]
    fn named_technologies_must_be_named() {
        let j = covered(
            "验证码存在 MySQL 里，五分钟过期",
            "验证码存 Redis，300 秒过期",
        );
        assert!(!j.covered);
        assert!(
            covered(
                "验证码存在 Redis 里，五分钟过期",
                "验证码存 Redis，300 秒过期"
            )
            .covered
        );
    }

    #[test]
    fn opposites_and_order_reverse_a_point() {
        let j = covered("接口耗时升到 1200 毫秒", "接口耗时降到 120 毫秒");
        assert!(!j.covered);
        let j = covered("从 8.0 迁到 5.7", "从 5.7 迁到 8.0");
        assert!(!j.covered);
        assert!(j.reason.contradicts());
    }

    #[test]
    fn a_formula_needs_numbers_that_satisfy_it() {
        let point = "日请求数=活跃用户×人均请求数";
        assert!(covered("日活五万，每人每天二十次，一天一百万次请求", point).covered);
        assert!(!covered("日活五万，每人每天二十次，一天十万次请求", point).covered);
        assert!(!covered("日活、人均请求数、日请求数", point).covered);
        for ceil in [
            "机器数=ceil(峰值÷单机能力)",
            "机器数=峰值÷单机能力，向上取整",
        ] {
            assert!(covered("峰值七百，单机两百，要四台", ceil).covered);
            assert!(!covered("峰值七百，单机两百，要三台", ceil).covered);
        }
    }

    #[test]
    fn alternatives_after_bars() {
        let point = "who：为什么人群提供服务 || 用户是 || 面向";
        assert_eq!(shown(point), "who：为什么人群提供服务");
        assert!(covered("这个产品面向中小学老师", point).covered);
    }

    #[test]
    fn nothing_said_covers_nothing() {
        assert!(!covered("", "数据量 2000 万").covered);
        assert!(!covered("完全无关的一段话", "数据量 2000 万").covered);
    }
}
