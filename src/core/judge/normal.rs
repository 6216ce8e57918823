//! Text as the grader reads it: full width folded, letters lowercased, and every number — Arabic
//! or Chinese, with 万/千/亿, percentages and time units — turned into one value, so that
//! "两千万", "2000万" and "2000 万" are the same fact, and "五分钟" is "300 秒".
//!
//! The result is a list of tokens in clause order: Chinese characters one by one, Latin words
//! whole, numbers as values, and clause breaks at sentence punctuation.

/// What a number counts.
#[derive(Debug, Clone, PartialEq)]
pub enum Unit {
    /// A bare number: a count, a version, a value with its unit left unsaid.
    None,
    /// A duration, in seconds (毫秒, 秒, 分钟, 小时, 天 and ms, s, min, h).
    Seconds,
    /// A share, in percent (%, 百分之, 成).
    Percent,
    /// A measure word or unit kept as it is said: 次, 个, 台, 位, 倍, 点, 张, 条, qps …
    Word(String),
}

/// A number as said.
#[derive(Debug, Clone, PartialEq)]
pub struct Number {
    pub value: f64,
    pub unit: Unit,
    /// The words it was said in, for reasons ("said 200 万").
    pub said: String,
}

impl Number {
    /// The same fact: equal values, and units that agree (a bare number agrees with any unit,
    /// as "5 倍" may be told "五"; two stated units must be the same).
    pub fn agrees(&self, other: &Number) -> bool {
        let scale = self.value.abs().max(other.value.abs()).max(1.0);
        (self.value - other.value).abs() <= scale * 1e-9
            && (self.unit == other.unit || self.unit == Unit::None || other.unit == Unit::None)
    }
}

#[derive(Debug, Clone, PartialEq)]
pub enum Tok {
    Han(char),
    Word(String),
    Num(Number),
    /// Sentence punctuation: where one clause ends.
    Break,
}

pub use crate::core::text::fold_width;

/// Length in characters, a run of ASCII letters and digits counting as one ("promotion_rule" is
/// three: promotion, _, rule).
pub fn units(text: &str) -> usize {
    let mut n = 0;
    let mut in_word = false;
    for c in text.chars() {
        let latin = c.is_ascii_alphanumeric();
        if !latin || !in_word {
            n += 1;
        }
        in_word = latin;
    }
    n
}

pub fn is_han(c: char) -> bool {
    matches!(c, '\u{4E00}'..='\u{9FFF}' | '\u{3400}'..='\u{4DBF}' | '\u{F900}'..='\u{FAFF}' | '\u{20000}'..='\u{2FFFF}')
}

fn is_break(c: char) -> bool {
    matches!(
        c,
        '。' | '！' | '？' | '!' | '?' | '；' | ';' | '，' | ',' | '\n' | '：' | ':' | '…'
    )
}

fn cn_digit(c: char) -> Option<u32> {
    Some(match c {
        '零' | '〇' => 0,
        '一' => 1,
        '二' | '两' => 2,
        '三' => 3,
        '四' => 4,
        '五' => 5,
        '六' => 6,
        '七' => 7,
        '八' => 8,
        '九' => 9,
        _ => return None,
    })
}

fn cn_power(c: char) -> Option<f64> {
    Some(match c {
        '十' => 10.0,
        '百' => 100.0,
        '千' => 1_000.0,
        '万' => 10_000.0,
        '亿' => 100_000_000.0,
        _ => return None,
    })
}

/// The value of a run of Chinese numerals ("两千四百万", "一万五千", "十一", "三十"), or None
/// when the run is no number ("万" alone). A digit right after a power is the next place down,
/// as people say it (一万五 = 15000, 三百五 = 350, but 一千零五 = 1005).
fn cn_value(run: &[char]) -> Option<f64> {
    // A number starts with a digit or 十: 万一, 千万 (adverbs) are none.
    if run.is_empty() || matches!(run[0], '百' | '千' | '万' | '亿') {
        return None;
    }
    // Plain digit strings: 二〇二七 = 2027.
    if run.len() > 1 && run.iter().all(|c| cn_digit(*c).is_some()) {
        return run
            .iter()
            .try_fold(0.0, |v, c| cn_digit(*c).map(|d| v * 10.0 + f64::from(d)));
    }
    let (mut total, mut section, mut number) = (0.0, 0.0, 0.0);
    for (i, &c) in run.iter().enumerate() {
        if let Some(d) = cn_digit(c) {
            number = f64::from(d);
            let last = i + 1 == run.len();
            if let (true, Some(p)) = (
                last && i > 0,
                run.get(i.wrapping_sub(1)).and_then(|c| cn_power(*c)),
            ) {
                return Some(total + section + number * p / 10.0);
            }
        } else if let Some(p) = cn_power(c) {
            match c {
                '万' => {
                    total += (section + number) * p;
                    section = 0.0;
                }
                '亿' => {
                    total = (total + section + number) * p;
                    section = 0.0;
                }
                // 十 alone at the start is one ten (十一 = 11).
                _ => section += if number == 0.0 { 1.0 } else { number } * p,
            }
            number = 0.0;
        }
    }
    Some(total + section + number)
}

/// Measure words and units that may follow a number, longest first, with what they make of it.
const UNITS: &[(&str, UnitOf)] = &[
    ("毫秒", UnitOf::Scale(0.001)),
    ("分钟", UnitOf::Scale(60.0)),
    ("小时", UnitOf::Scale(3_600.0)),
    ("个小时", UnitOf::Scale(3_600.0)),
    ("秒钟", UnitOf::Scale(1.0)),
    ("秒", UnitOf::Scale(1.0)),
    ("天", UnitOf::Scale(86_400.0)),
    ("ms", UnitOf::Scale(0.001)),
    ("min", UnitOf::Scale(60.0)),
    ("%", UnitOf::Percent),
    ("％", UnitOf::Percent),
    ("个", UnitOf::Word),
    ("次", UnitOf::Word),
    ("台", UnitOf::Word),
    ("位", UnitOf::Word),
    ("倍", UnitOf::Word),
    ("张", UnitOf::Word),
    ("条", UnitOf::Word),
    ("人", UnitOf::Word),
    ("年", UnitOf::Word),
    ("月", UnitOf::Word),
    ("号", UnitOf::Word),
    ("点", UnitOf::Word),
    ("行", UnitOf::Word),
    ("元", UnitOf::Word),
    ("块", UnitOf::Word),
    ("份", UnitOf::Word),
    ("家", UnitOf::Word),
    ("周", UnitOf::Word),
    ("期", UnitOf::Word),
    ("层", UnitOf::Word),
    ("步", UnitOf::Word),
    ("种", UnitOf::Word),
    ("套", UnitOf::Word),
];

#[derive(Debug, Clone, Copy, PartialEq)]
enum UnitOf {
    Scale(f64),
    Percent,
    Word,
}

/// `word` stands in `chars` at `at`.
pub(super) fn starts_with_at(chars: &[char], at: usize, word: &str) -> bool {
    let n = word.chars().count();
    chars
        .get(at..at + n)
        .is_some_and(|s| s.iter().copied().eq(word.chars()))
}

/// The unit at `at` (spaces skipped), and where it ends; a Latin unit must end its word.
fn unit_at(chars: &[char], mut at: usize) -> Option<(UnitOf, &'static str, usize)> {
    while chars.get(at) == Some(&' ') {
        at += 1;
    }
    for (word, of) in UNITS {
        if starts_with_at(chars, at, word) {
            let end = at + word.chars().count();
            let latin = word.chars().all(|c| c.is_ascii_alphabetic());
            if latin && chars.get(end).is_some_and(|c| c.is_ascii_alphanumeric()) {
                continue;
            }
            return Some((*of, word, end));
        }
    }
    // "s" and "h" as units only right after the digits ("3s", "24h").
    None
}

fn apply_unit(value: f64, unit: Option<(UnitOf, &'static str, usize)>) -> (f64, Unit) {
    match unit {
        Some((UnitOf::Scale(s), _, _)) => (value * s, Unit::Seconds),
        Some((UnitOf::Percent, _, _)) => (value, Unit::Percent),
        Some((UnitOf::Word, w, _)) => (value, Unit::Word(w.to_string())),
        None => (value, Unit::None),
    }
}

/// Tokens of `text` (already synonym-canonical, see `synonyms`).
pub fn tokens(text: &str) -> Vec<Tok> {
    let chars: Vec<char> = fold_width(text).chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c.is_ascii_alphanumeric() || c == '_' {
            i = latin_or_number(&chars, i, &mut out);
        } else if c == '百' && starts_with_at(&chars, i, "百分之") {
            // 百分之十 = 10 %.
            let start = i + 3;
            let mut end = start;
            while end < chars.len()
                && (cn_digit(chars[end]).is_some() || cn_power(chars[end]).is_some())
            {
                end += 1;
            }
            match cn_value(&chars[start..end]) {
                Some(v) => {
                    out.push(Tok::Num(Number {
                        value: v,
                        unit: Unit::Percent,
                        said: chars[i..end].iter().collect(),
                    }));
                    i = end;
                }
                None => {
                    out.push(Tok::Han(c));
                    i += 1;
                }
            }
        } else if cn_digit(c).is_some() || cn_power(c).is_some() {
            i = chinese_number(&chars, i, &mut out);
        } else if is_han(c) {
            out.push(Tok::Han(c));
            i += 1;
        } else {
            if is_break(c) && out.last().is_some_and(|t| *t != Tok::Break) {
                out.push(Tok::Break);
            }
            i += 1;
        }
    }
    out
}

/// A Latin word ("canal", "sms_log", "5w1h") or an Arabic number with what follows it
/// ("2000万", "1.5 万", "300ms", "10%"). Returns where it ends.
fn latin_or_number(chars: &[char], start: usize, out: &mut Vec<Tok>) -> usize {
    let mut end = start;
    while end < chars.len()
        && (chars[end].is_ascii_alphanumeric()
            || chars[end] == '_'
            // "5.7", and "sms:code" (a key name) as one word.
            || (chars[end] == '.' && chars.get(end + 1).is_some_and(|c| c.is_ascii_digit()) && end > start && chars[end - 1].is_ascii_digit())
            || (chars[end] == ':' && chars.get(end + 1).is_some_and(|c| c.is_ascii_alphabetic()) && end > start && chars[end - 1].is_ascii_alphabetic()))
    {
        end += 1;
    }
    let run: String = chars[start..end].iter().collect();
    let digits = run
        .chars()
        .take_while(|c| c.is_ascii_digit() || *c == '.')
        .count();
    if digits == 0 {
        out.push(Tok::Word(run));
        return end;
    }
    let (number, rest) = run.split_at(digits);
    let Ok(mut value) = number.parse::<f64>() else {
        out.push(Tok::Word(run));
        return end;
    };
    // Latin units glued to the digits.
    let glued = match rest {
        "" => None,
        "ms" => Some((0.001, Unit::Seconds)),
        "s" => Some((1.0, Unit::Seconds)),
        "min" => Some((60.0, Unit::Seconds)),
        "h" => Some((3_600.0, Unit::Seconds)),
        "k" => Some((1_000.0, Unit::None)),
        "w" => Some((10_000.0, Unit::None)),
        "qps" => {
            // "2000qps": the number and the word.
            out.push(Tok::Num(Number {
                value,
                unit: Unit::None,
                said: number.to_string(),
            }));
            out.push(Tok::Word(rest.to_string()));
            return end;
        }
        _ => {
            // "5w1h", "md5": a word.
            out.push(Tok::Word(run));
            return end;
        }
    };
    let mut at = end;
    let unit;
    if let Some((scale, u)) = glued {
        value *= scale;
        unit = u;
    } else {
        // 万/千/亿 after the digits ("2000万", "1.5 万").
        let mut j = at;
        while chars.get(j) == Some(&' ') {
            j += 1;
        }
        if let Some(p) = chars
            .get(j)
            .and_then(|c| cn_power(*c))
            .filter(|p| *p >= 1_000.0)
        {
            value *= p;
            at = j + 1;
        }
        let u = unit_at(chars, at);
        if let Some((_, _, e)) = u {
            at = e;
        }
        let (v, un) = apply_unit(value, u);
        value = v;
        unit = un;
    }
    out.push(Tok::Num(Number {
        value,
        unit,
        said: chars[start..at]
            .iter()
            .collect::<String>()
            .trim()
            .to_string(),
    }));
    at
}

/// A run of Chinese numerals: a number when it says one — it has a power (十百千万亿), a decimal
/// point between digits (五点七), several digits, or a unit after it ("一次", "五倍") — else
/// its characters are words ("一起", "统一").
fn chinese_number(chars: &[char], start: usize, out: &mut Vec<Tok>) -> usize {
    let mut end = start;
    while end < chars.len() && (cn_digit(chars[end]).is_some() || cn_power(chars[end]).is_some()) {
        end += 1;
    }
    let run = &chars[start..end];
    let mut value = cn_value(run);
    // 十分 (very) is no ten minutes; 十分钟 is.
    if run == ['十'] && chars.get(end) == Some(&'分') && chars.get(end + 1) != Some(&'钟') {
        value = None;
    }
    let mut decimal = false;
    // 五点七 = 5.7 (点 then digits).
    if value.is_some() && chars.get(end) == Some(&'点') {
        let mut frac_end = end + 1;
        while frac_end < chars.len() && cn_digit(chars[frac_end]).is_some() {
            frac_end += 1;
        }
        if frac_end > end + 1 && run.iter().all(|c| *c != '万' && *c != '亿') {
            let frac: String = chars[end + 1..frac_end]
                .iter()
                .filter_map(|c| cn_digit(*c).map(|d| char::from(b'0' + d as u8)))
                .collect();
            if let (Some(v), Ok(f)) = (value, format!("0.{frac}").parse::<f64>()) {
                value = Some(v + f);
                end = frac_end;
                decimal = true;
            }
        }
    }
    // 一成 … 九成 = 10 % … 90 %.
    if run.len() == 1 && cn_digit(run[0]).is_some_and(|d| d > 0) && chars.get(end) == Some(&'成') {
        let d = cn_digit(run[0]).unwrap_or(0);
        out.push(Tok::Num(Number {
            value: f64::from(d) * 10.0,
            unit: Unit::Percent,
            said: chars[start..end + 1].iter().collect(),
        }));
        return end + 1;
    }
    let has_power = run.iter().any(|c| cn_power(*c).is_some());
    // "一次性", "一体": a word, not an amount.
    let unit = unit_at(chars, end).filter(|(_, _, e)| chars.get(*e) != Some(&'性'));
    let is_number = value.is_some() && (has_power || run.len() > 1 || decimal || unit.is_some());
    match value {
        Some(v) if is_number => {
            let mut at = end;
            if let Some((_, _, e)) = unit {
                at = e;
            }
            let (value, unit) = apply_unit(v, unit);
            out.push(Tok::Num(Number {
                value,
                unit,
                said: chars[start..at].iter().collect(),
            }));
            at
        }
        _ => {
            out.extend(run.iter().map(|c| Tok::Han(*c)));
            end
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn nums(text: &str) -> Vec<(f64, Unit)> {
        tokens(text)
            .into_iter()
            .filter_map(|t| match t {
                Tok::Num(n) => Some((n.value, n.unit)),
                _ => None,
            })
            .collect()
    }

    #[test]
    fn chinese_and_arabic_numbers_are_one_value() {
        assert_eq!(nums("两千万"), nums("2000万"));
        assert_eq!(nums("2000 万"), vec![(20_000_000.0, Unit::None)]);
        assert_eq!(nums("两千四百万"), vec![(24_000_000.0, Unit::None)]);
        assert_eq!(nums("一万五千"), vec![(15_000.0, Unit::None)]);
        assert_eq!(nums("一万五"), vec![(15_000.0, Unit::None)]);
        assert_eq!(nums("1.5 万"), vec![(15_000.0, Unit::None)]);
        assert_eq!(nums("十一"), vec![(11.0, Unit::None)]);
        assert_eq!(nums("三十"), vec![(30.0, Unit::None)]);
        assert_eq!(nums("二百五十六"), vec![(256.0, Unit::None)]);
        assert_eq!(nums("五点七"), vec![(5.7, Unit::None)]);
        assert_eq!(nums("1万"), vec![(10_000.0, Unit::None)]);
        assert_eq!(nums("一亿"), vec![(100_000_000.0, Unit::None)]);
        assert_eq!(nums("40 万"), vec![(400_000.0, Unit::None)]);
        assert_eq!(nums("86400"), vec![(86_400.0, Unit::None)]);
    }

    #[test]
    fn units_are_normalized() {
        assert_eq!(nums("五分钟"), nums("300 秒"));
        assert_eq!(nums("一分钟"), nums("60秒"));
        assert_eq!(nums("百分之十"), vec![(10.0, Unit::Percent)]);
        assert_eq!(nums("一成"), nums("10%"));
        assert_eq!(nums("三十毫秒"), nums("30ms"));
        assert_eq!(nums("两秒多"), vec![(2.0, Unit::Seconds)]);
        assert_eq!(nums("6 位"), vec![(6.0, Unit::Word("位".into()))]);
        assert_eq!(nums("六位"), nums("6位"));
        assert_eq!(nums("1.5 万 QPS"), vec![(15_000.0, Unit::None)]);
        assert_eq!(tokens("2000qps")[1], Tok::Word("qps".into()));
    }

    #[test]
    fn words_that_hold_numerals_stay_words() {
        assert!(nums("一起值班，统一管理，一直很稳").is_empty());
        assert!(nums("5W1H").is_empty(), "{:?}", tokens("5W1H"));
        assert_eq!(
            tokens("sms_log 表"),
            vec![Tok::Word("sms_log".into()), Tok::Han('表')]
        );
    }

    #[test]
    fn clauses_break_at_sentence_punctuation() {
        let t = tokens("先灰度，再切写。好");
        assert_eq!(t.iter().filter(|t| **t == Tok::Break).count(), 2);
    }

    #[test]
    fn agreeing_numbers() {
        let n = |v, u| Number {
            value: v,
            unit: u,
            said: String::new(),
        };
        assert!(n(300.0, Unit::Seconds).agrees(&n(300.0, Unit::Seconds)));
        assert!(n(5.0, Unit::Word("倍".into())).agrees(&n(5.0, Unit::None)));
        assert!(!n(2_000_000.0, Unit::None).agrees(&n(20_000_000.0, Unit::None)));
        assert!(!n(6.0, Unit::Seconds).agrees(&n(6.0, Unit::Percent)));
    }
}
