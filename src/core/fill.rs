//! Filling a template with the user's own facts: find its blanks, show each one in its sentence,
//! and make the cards that drill the answers. Pure: text in, text out.
//!
//! A blank is a run of `_` (`我叫______`), a marker between single underscores (`_who_`, `_初级_`), or,
//! in a template with neither (the 5 steps of the SMS templates, the business outline), each leaf line
//! of its numbered outline, answered after the line.

use std::ops::Range;

/// Where an answer goes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SlotKind {
    /// A run of underscores.
    Run,
    /// `_label_`: the label is a hint (`初级`) or the question (`who`).
    Marker(String),
    /// An outline line; the answer is written after it.
    Line,
    /// Asked, stored, never written into the text (the architecture check's peak factor).
    Extra,
}

/// A blank of a template to fill (`cloze::Blank` is a blank of a cloze card).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Slot {
    pub kind: SlotKind,
    /// The bytes the answer replaces (`Run`, `Marker`), or an empty range at the end of the line (`Line`).
    pub span: Option<Range<usize>>,
    /// The clause around the blank (between `，。；` or line breaks): the part before it and after it.
    /// For a line: the parent's label and the line's own label.
    pub before: String,
    pub after: String,
}

/// The most characters an answer may have to be drilled as a cloze; longer ones become basic cards.
pub const CLOZE_MAX_CHARS: usize = 40;

const CLAUSE_ENDS: &[char] = &['，', '。', '；', ';', '\n', '！', '？'];

/// Every blank of a template's text, in order. `template` is the template's key (the architecture
/// template gets one extra question, its peak factor).
pub fn blanks(template: &str, text: &str) -> Vec<Slot> {
    let mut found = underscore_blanks(text);
    if found.is_empty() {
        found = line_blanks(text);
    }
    if template == "architecture" && !found.is_empty() {
        found.push(Slot {
            kind: SlotKind::Extra,
            span: None,
            before: "峰值系数（峰值 QPS ÷ 平均 QPS，空着就是 3）".into(),
            after: String::new(),
        });
    }
    found
}

fn underscore_blanks(text: &str) -> Vec<Slot> {
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    let byte_at = |i: usize| chars.get(i).map_or(text.len(), |c| c.0);
    let mut spans: Vec<(Range<usize>, SlotKind)> = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        if chars[i].1 != '_' {
            i += 1;
            continue;
        }
        let run = chars[i..].iter().take_while(|c| c.1 == '_').count();
        if run >= 2 {
            spans.push((byte_at(i)..byte_at(i + run), SlotKind::Run));
            i += run;
            continue;
        }
        // `_label_`: not inside an identifier like get_client_ip.
        let prev_ok = i == 0 || !chars[i - 1].1.is_ascii_alphanumeric();
        let label_len = chars[i + 1..]
            .iter()
            .take_while(|c| c.1 != '_' && !c.1.is_whitespace() && !CLAUSE_ENDS.contains(&c.1))
            .count();
        let close = i + 1 + label_len;
        let closes = chars.get(close).is_some_and(|c| c.1 == '_')
            && chars
                .get(close + 1)
                .is_none_or(|c| c.1 != '_' && !c.1.is_ascii_alphanumeric());
        if prev_ok && closes && (1..=12).contains(&label_len) {
            let label = text[byte_at(i + 1)..byte_at(close)].to_string();
            spans.push((byte_at(i)..byte_at(close + 1), SlotKind::Marker(label)));
            i = close + 1;
        } else {
            i += 1;
        }
    }
    spans
        .into_iter()
        .map(|(span, kind)| {
            let start = text[..span.start]
                .rfind(CLAUSE_ENDS)
                .map(|p| p + text[p..].chars().next().map_or(1, char::len_utf8))
                .unwrap_or(0);
            let end = text[span.end..]
                .find(CLAUSE_ENDS)
                .map(|p| p + span.end)
                .unwrap_or(text.len());
            Slot {
                kind,
                before: text[start..span.start].trim_start().to_string(),
                after: text[span.end..end].trim_end().to_string(),
                span: Some(span),
            }
        })
        .collect()
}

/// An outline line: its indent, its label without the list marker, and where the line ends.
struct OutlineLine {
    indent: usize,
    label: String,
    end: usize,
}

fn outline(text: &str) -> Vec<OutlineLine> {
    let mut lines = Vec::new();
    let mut offset = 0;
    for line in text.split('\n') {
        let end = offset + line.len();
        offset = end + 1;
        let trimmed = line.trim_start();
        let indent = line.len() - trimmed.len();
        let digits = trimmed.chars().take_while(char::is_ascii_digit).count();
        let label = if digits > 0 && trimmed[digits..].starts_with('.') {
            trimmed[digits + 1..].trim()
        } else if let Some(rest) = trimmed.strip_prefix("- ") {
            rest.trim()
        } else {
            continue;
        };
        if label.is_empty() {
            continue;
        }
        lines.push(OutlineLine {
            indent,
            label: label.to_string(),
            end: end - (line.len() - line.trim_end().len()),
        });
    }
    lines
}

fn line_blanks(text: &str) -> Vec<Slot> {
    let lines = outline(text);
    let mut found = Vec::new();
    for (i, line) in lines.iter().enumerate() {
        let is_leaf = lines
            .get(i + 1)
            .is_none_or(|next| next.indent <= line.indent);
        if !is_leaf {
            continue;
        }
        let parent = lines[..i]
            .iter()
            .rev()
            .find(|l| l.indent < line.indent)
            .map(|l| l.label.trim_end_matches(['：', ':']).to_string())
            .unwrap_or_default();
        found.push(Slot {
            kind: SlotKind::Line,
            span: Some(line.end..line.end),
            before: parent,
            after: line.label.trim_end_matches(['：', ':']).to_string(),
        });
    }
    found
}

/// What the user is asked for blank `index`: the sentence around it, the blank as `____`, other blanks
/// of the sentence with the answers given so far ("我叫____，我来自____" → "我叫").
pub fn question(blanks: &[Slot], answers: &[String], index: usize) -> String {
    let blank = &blanks[index];
    match &blank.kind {
        SlotKind::Extra => blank.before.clone(),
        SlotKind::Line if blank.before.is_empty() => blank.after.clone(),
        SlotKind::Line => format!("{} › {}", blank.before, blank.after),
        SlotKind::Run | SlotKind::Marker(_) => {
            let (before, after) = clause_parts(blanks, index, &|i| match answers
                .get(i)
                .filter(|a| !a.is_empty())
            {
                Some(a) => a.clone(),
                None => "__".into(),
            });
            let hint = match &blank.kind {
                SlotKind::Marker(label) => format!(" ({label})"),
                _ => String::new(),
            };
            if after.is_empty() {
                format!("{before}{hint}")
            } else {
                format!("{before}____{after}{hint}")
            }
        }
    }
}

/// The clause of blank `index` before and after it, other blanks in it written by `show`.
fn clause_parts(blanks: &[Slot], index: usize, show: &dyn Fn(usize) -> String) -> (String, String) {
    let blank = &blanks[index];
    let span = blank.span.clone().unwrap_or_default();
    let clause_start = span.start - blank.before.len();
    let clause_end = span.end + blank.after.len();
    let mut before = blank.before.clone();
    let mut after = blank.after.clone();
    // From the end, so the offsets of earlier blanks stay right.
    for (i, other) in blanks.iter().enumerate().rev() {
        let Some(o) = other.span.clone() else {
            continue;
        };
        if i == index || o.start < clause_start || o.end > clause_end || o.is_empty() {
            continue;
        }
        if o.end <= span.start {
            before.replace_range(o.start - clause_start..o.end - clause_start, &show(i));
        } else if o.start >= span.end {
            after.replace_range(o.start - span.end..o.end - span.end, &show(i));
        }
    }
    (before, after)
}

/// The template text with the answers written in; a blank without an answer stays as it was.
pub fn render(text: &str, blanks: &[Slot], answers: &[String]) -> String {
    let mut out = String::with_capacity(text.len() + 64);
    let mut last = 0;
    for (blank, answer) in blanks
        .iter()
        .zip(answers.iter().chain(std::iter::repeat(&String::new())))
    {
        let Some(span) = &blank.span else { continue };
        out.push_str(&text[last..span.start]);
        match (&blank.kind, answer.is_empty()) {
            (_, true) => out.push_str(&text[span.clone()]),
            (SlotKind::Line, false) => {
                if !text[..span.start].ends_with(['：', ':']) {
                    out.push('：');
                }
                out.push_str(answer);
            }
            (_, false) => out.push_str(answer),
        }
        last = span.end;
    }
    out.push_str(&text[last..]);
    out
}

/// One card made from a filled template.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FillCard {
    /// `None` for the recall card, else the blank's 1-based number (the key's `.c<N>`).
    pub blank: Option<usize>,
    pub cloze: bool,
    pub front: String,
    pub back: String,
}

/// The cards of a filled template: the whole text with the answers in it to tell, and one card per
/// answered blank: a cloze hiding the answer in its sentence, or for a long answer (a step of the SMS
/// templates) a basic card asking for it.
pub fn cards(
    title: &str,
    prompt: &str,
    text: &str,
    blanks: &[Slot],
    answers: &[String],
) -> Vec<FillCard> {
    let mut out = vec![FillCard {
        blank: None,
        cloze: false,
        front: format!("用你自己的事实讲一遍「{title}」\n{prompt}"),
        back: render(text, blanks, answers),
    }];
    for (i, (blank, answer)) in blanks.iter().zip(answers).enumerate() {
        let answer = answer.trim();
        if answer.is_empty() || blank.kind == SlotKind::Extra {
            continue;
        }
        let short = answer.chars().count() <= CLOZE_MAX_CHARS
            && !answer.contains('\n')
            && !answer.contains("}}")
            && !answer.contains("::");
        let card = match &blank.kind {
            SlotKind::Run | SlotKind::Marker(_) if short => {
                let sentence = sentence_with(blanks, answers, i, &format!("{{{{c1::{answer}}}}}"));
                FillCard {
                    blank: Some(i + 1),
                    cloze: true,
                    front: sentence.clone(),
                    back: crate::core::cloze::full(&sentence),
                }
            }
            _ => FillCard {
                blank: Some(i + 1),
                cloze: false,
                front: format!("{title} · {}", question(blanks, answers, i)),
                back: answer.to_string(),
            },
        };
        out.push(card);
    }
    disambiguate(&mut out, text, blanks, answers);
    out
}

/// Clauses of context added, at most, to make a fact's cloze tell which fact it asks.
const MAX_CONTEXT: usize = 3;

/// Two clozes asking the same sentence ("这个项目主要是为[…]人群", once per job) cannot both be
/// answered: each gets the clauses before it, one more at a time, until it reads differently from
/// every other card ("主要完成了商城项目，这个项目主要是为[…]人群").
fn disambiguate(cards: &mut [FillCard], text: &str, blanks: &[Slot], answers: &[String]) {
    let asked = |c: &FillCard| crate::core::cloze::question(&c.front, 1);
    for widen in 1..=MAX_CONTEXT {
        let fronts: Vec<String> = cards.iter().map(asked).collect();
        let mut changed = false;
        for (k, card) in cards.iter_mut().enumerate() {
            let (Some(n), true) = (card.blank, card.cloze) else {
                continue;
            };
            if fronts.iter().filter(|f| **f == fronts[k]).count() < 2 {
                continue;
            }
            let answer = answers.get(n - 1).map(|a| a.trim()).unwrap_or_default();
            if let Some(front) = context_with(
                text,
                blanks,
                answers,
                n - 1,
                &format!("{{{{c1::{answer}}}}}"),
                widen,
            ) {
                card.back = crate::core::cloze::full(&front);
                card.front = front;
                changed = true;
            }
        }
        if !changed {
            break;
        }
    }
}

/// Blank `index` in its clause and the `widen` clauses before it, `this` in the blank and the other
/// blanks answered (or as they read in the template).
fn context_with(
    text: &str,
    blanks: &[Slot],
    answers: &[String],
    index: usize,
    this: &str,
    widen: usize,
) -> Option<String> {
    let blank = blanks.get(index)?;
    let span = blank.span.clone()?;
    let end = span.end + blank.after.len();
    let mut start = span.start.checked_sub(blank.before.len())?;
    for _ in 0..widen {
        let head = text.get(..start)?.trim_end_matches(CLAUSE_ENDS);
        start = head
            .char_indices()
            .rev()
            .find(|(_, c)| CLAUSE_ENDS.contains(c))
            .map_or(0, |(i, c)| i + c.len_utf8());
    }
    let mut region = text.get(start..end)?.to_string();
    for (i, other) in blanks.iter().enumerate().rev() {
        let Some(o) = other.span.clone() else {
            continue;
        };
        if o.start < start || o.end > end || o.is_empty() {
            continue;
        }
        let fill = if i == index {
            this.to_string()
        } else {
            match (answers.get(i).filter(|a| !a.is_empty()), &other.kind) {
                (Some(a), _) => a.clone(),
                (None, SlotKind::Marker(label)) => label.clone(),
                (None, _) => "____".into(),
            }
        };
        region.replace_range(o.start - start..o.end - start, &fill);
    }
    Some(region.replace('\n', "，"))
}

/// The clause of blank `index` with `this` in the blank and the other blanks answered (or as they
/// read in the template).
fn sentence_with(blanks: &[Slot], answers: &[String], index: usize, this: &str) -> String {
    let (before, after) = clause_parts(blanks, index, &|i| match (
        answers.get(i).filter(|a| !a.is_empty()),
        &blanks[i].kind,
    ) {
        (Some(a), _) => a.clone(),
        (None, SlotKind::Marker(label)) => label.clone(),
        (None, _) => "____".into(),
    });
    format!("{before}{this}{after}")
}

#[cfg(test)]
mod tests {
    use super::*;

    const INTRO: &str =
        "我叫______，我来自______，今年____岁；\n作为一名_初级_开发人员，负责______工作";

    fn strings(v: &[&str]) -> Vec<String> {
        v.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn runs_and_markers_are_blanks_with_their_clause() {
        let b = blanks("self-intro", INTRO);
        assert_eq!(b.len(), 5);
        assert_eq!((b[0].before.as_str(), b[0].after.as_str()), ("我叫", ""));
        assert_eq!((b[2].before.as_str(), b[2].after.as_str()), ("今年", "岁"));
        assert_eq!(b[3].kind, SlotKind::Marker("初级".into()));
        let none = vec![String::new(); 5];
        assert_eq!(question(&b, &none, 0), "我叫");
        assert_eq!(question(&b, &none, 2), "今年____岁");
        assert_eq!(question(&b, &none, 3), "作为一名____开发人员 (初级)");
    }

    #[test]
    fn markers_need_their_own_underscores() {
        let b = blanks(
            "project",
            "为_who_人群，场景是_when_和_where_，get_client_ip 不算",
        );
        let labels: Vec<_> = b
            .iter()
            .map(|b| match &b.kind {
                SlotKind::Marker(l) => l.as_str(),
                _ => "run",
            })
            .collect();
        assert_eq!(labels, vec!["who", "when", "where"]);
    }

    #[test]
    fn other_blanks_of_the_clause_show_their_answers() {
        let text = "这个项目主要采用的技术是______+______和______等。";
        let b = blanks("project", text);
        let answers = strings(&["Django", "", ""]);
        assert_eq!(
            question(&b, &answers, 1),
            "这个项目主要采用的技术是Django+____和__等"
        );
    }

    #[test]
    fn render_fills_answers_and_keeps_unanswered_blanks() {
        let b = blanks("self-intro", INTRO);
        let answers = strings(&["张三", "", "28", "", "支付"]);
        assert_eq!(
            render(INTRO, &b, &answers),
            "我叫张三，我来自______，今年28岁；\n作为一名_初级_开发人员，负责支付工作"
        );
    }

    #[test]
    fn outline_templates_have_one_blank_per_leaf_line() {
        let steps = "1. 需求分析：\n2. 概要设计\n3. 测试验证";
        let b = blanks("sms", steps);
        assert_eq!(b.len(), 3);
        assert_eq!(question(&b, &[], 0), "需求分析");
        let filled = render(steps, &b, &strings(&["防刷", "Redis", ""]));
        assert_eq!(filled, "1. 需求分析：防刷\n2. 概要设计：Redis\n3. 测试验证");

        let business = "1. 卖书：多抓鱼\n    1. 用户：\n        1. 扫码：1个接口\n        2. 卖书规则\n    2. 平台：\n        1. 收到书\n            1. 书籍验收\n        2. 用户提现";
        let b = blanks("business", business);
        let asked: Vec<_> = (0..b.len()).map(|i| question(&b, &[], i)).collect();
        assert_eq!(
            asked,
            vec![
                "用户 › 扫码：1个接口",
                "用户 › 卖书规则",
                "收到书 › 书籍验收",
                "平台 › 用户提现"
            ]
        );
    }

    #[test]
    fn architecture_gets_a_peak_factor_question() {
        let b = blanks("architecture", "我们有____万下载");
        assert_eq!(b.len(), 2);
        assert_eq!(b[1].kind, SlotKind::Extra);
        assert_eq!(
            render("我们有____万下载", &b, &strings(&["100", "3"])),
            "我们有100万下载"
        );
    }

    #[test]
    fn cards_hide_each_fact_in_its_sentence() {
        let b = blanks("self-intro", INTRO);
        let answers = strings(&["张三", "", "28", "", "一段很长的回答".repeat(10).as_str()]);
        let cards = cards("自我介绍模板", "先做个自我介绍吧。", INTRO, &b, &answers);
        assert_eq!(cards.len(), 4);
        assert!(cards[0].back.contains("我叫张三"));
        assert_eq!((cards[1].blank, cards[1].cloze), (Some(1), true));
        assert_eq!(cards[1].front, "我叫{{c1::张三}}");
        assert_eq!(cards[2].front, "今年{{c1::28}}岁");
        assert_eq!(cards[2].back, "今年28岁");
        assert_eq!((cards[3].blank, cards[3].cloze), (Some(5), false));
        assert!(
            cards[3].front.contains("负责____工作"),
            "{}",
            cards[3].front
        );
        for c in cards.iter().filter(|c| c.cloze) {
            crate::core::cloze::check(&c.front).unwrap();
        }
    }

    #[test]
    fn two_facts_in_the_same_sentence_get_the_context_that_tells_them_apart() {
        let text = "主要完成了______项目，这个项目主要是为______人群；\n后来主要完成了______项目，这个项目主要是为______人群。";
        let b = blanks("self-intro", text);
        let answers = strings(&["商城", "学生", "题库", "老师"]);
        let cards = cards("自我介绍模板", "先做个自我介绍吧。", text, &b, &answers);
        let asked: Vec<String> = cards[1..]
            .iter()
            .map(|c| crate::core::cloze::question(&c.front, 1))
            .collect();
        assert_eq!(asked[0], "主要完成了[…]项目");
        assert_eq!(asked[1], "主要完成了商城项目，这个项目主要是为[…]人群");
        assert_eq!(asked[3], "后来主要完成了题库项目，这个项目主要是为[…]人群");
        assert_eq!(
            cards[2].back,
            "主要完成了商城项目，这个项目主要是为学生人群"
        );
        for c in &cards[1..] {
            crate::core::cloze::check(&c.front).unwrap();
        }
    }
}

#[cfg(test)]
mod builtin_tests {
    use super::*;

    #[test]
    fn every_built_in_template_but_the_advice_has_blanks() {
        let decks = crate::core::builtin::parse_all().unwrap();
        let counts: Vec<(String, usize)> = decks
            .iter()
            .flat_map(|d| &d.stories)
            .filter(|s| s.kind == crate::core::deck::StoryKind::Template)
            .map(|s| (s.key.clone(), blanks(&s.key, &s.text).len()))
            .collect();
        let get = |k: &str| counts.iter().find(|c| c.0 == k).map(|c| c.1);
        assert_eq!(get("sms"), Some(5));
        assert_eq!(get("verify-code"), Some(5));
        assert_eq!(get("business"), Some(10));
        assert_eq!(get("architecture"), Some(16));
        assert_eq!(get("hardest-advice"), Some(0));
        assert!(get("self-intro").unwrap() > 20);
        assert!(get("project").unwrap() > 15);
    }
}
