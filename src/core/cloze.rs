//! Cloze texts in Anki's `{{c1::answer::hint}}` syntax: find the blanks, show the question, compare answers.

use crate::core::judge::normal::{tokens, Tok};
use crate::core::judge::synonyms::Synonyms;
use crate::core::text::fold;

/// One `{{cN::answer::hint}}` in a text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Blank {
    pub number: u32,
    pub answer: String,
    pub hint: Option<String>,
    /// Byte range of the whole `{{…}}` in the text.
    pub span: std::ops::Range<usize>,
}

/// Every blank of a text, in order. Linear in the text: each `{{c` either starts a blank (a
/// number and `::` right after it) or is passed over at once, and a blank's `}}` is searched for
/// only from where that blank starts, so no part of the text is read twice (a shared deck with
/// 300 KB of `{{c` once took 41 s here).
pub fn blanks(text: &str) -> Vec<Blank> {
    let mut found = Vec::new();
    let mut from = 0;
    while let Some(open) = text[from..].find("{{c").map(|i| i + from) {
        let after = open + 3;
        let digits = text[after..].bytes().take_while(u8::is_ascii_digit).count();
        let number = text[after..after + digits].parse::<u32>().ok();
        let body = after + digits + 2;
        let Some(number) = number.filter(|_| text[after + digits..].starts_with("::")) else {
            from = after;
            continue;
        };
        let Some(close) = text[body..].find("}}").map(|i| i + body) else {
            break;
        };
        let rest = &text[body..close];
        let (answer, hint) = match rest.split_once("::") {
            Some((a, h)) => (a, Some(h.to_string())),
            None => (rest, None),
        };
        found.push(Blank {
            number,
            answer: answer.to_string(),
            hint,
            span: open..close + 2,
        });
        from = close + 2;
    }
    found
}

/// Why a cloze text cannot be drilled, if it cannot.
pub fn check(text: &str) -> Result<(), String> {
    let all = blanks(text);
    if all.is_empty() {
        return Err("has no {{c1::…}} blank".into());
    }
    if let Some(b) = all.iter().find(|b| b.answer.trim().is_empty()) {
        return Err(format!("blank c{} has an empty answer", b.number));
    }
    Ok(())
}

/// The lowest cloze number of the text: the one its card asks for.
pub fn asked_number(text: &str) -> u32 {
    blanks(text).iter().map(|b| b.number).min().unwrap_or(1)
}

/// The text with blank `number` hidden as `[…]` (or `[hint]`) and every other blank filled in.
pub fn question(text: &str, number: u32) -> String {
    render(text, |b| {
        if b.number == number {
            format!("[{}]", b.hint.as_deref().unwrap_or("…"))
        } else {
            b.answer.clone()
        }
    })
}

/// The text with every blank filled in.
pub fn full(text: &str) -> String {
    render(text, |b| b.answer.clone())
}

/// The hidden answers of blank `number`, in order.
pub fn answers(text: &str, number: u32) -> Vec<String> {
    blanks(text)
        .into_iter()
        .filter(|b| b.number == number)
        .map(|b| b.answer)
        .collect()
}

fn render(text: &str, fill: impl Fn(&Blank) -> String) -> String {
    let mut out = String::with_capacity(text.len());
    let mut last = 0;
    for b in blanks(text) {
        out.push_str(&text[last..b.span.start]);
        out.push_str(&fill(&b));
        last = b.span.end;
    }
    out.push_str(&text[last..]);
    out
}

/// Whether a typed answer matches the hidden answers (several blanks: typed in order, any
/// separator): equal after folding, or after reading numbers as values and words through the
/// synonyms, as the judge of tellings reads them ("两千万" is "2000万", "十一点半" is "11点半").
pub fn is_correct(typed: &str, expected: &[String], synonyms: &Synonyms) -> bool {
    let want: String = expected.iter().map(|e| fold(e)).collect();
    if want.is_empty() {
        return false;
    }
    if fold(typed) == want {
        return true;
    }
    let read = |text: &str| -> Vec<Tok> {
        tokens(&synonyms.canonical(text))
            .into_iter()
            .filter(|t| *t != Tok::Break)
            .collect()
    };
    let typed = read(typed);
    let want = read(&expected.join(" "));
    typed.len() == want.len()
        && typed.iter().zip(&want).all(|(a, b)| match (a, b) {
            (Tok::Num(a), Tok::Num(b)) => a.agrees(b) && a.unit == b.unit,
            (a, b) => a == b,
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_and_synonyms_are_read_as_the_judge_reads_them() {
        let s = Synonyms::builtin();
        let want = |w: &str| vec![w.to_string()];
        assert!(is_correct("两千万", &want("2000万"), &s));
        assert!(is_correct("2000 万", &want("两千万"), &s));
        assert!(is_correct("十一点半", &want("11点半"), &s));
        assert!(is_correct("五分钟", &want("300 秒"), &s));
        assert!(is_correct("撤回", &want("回滚"), &s));
        assert!(!is_correct("两百万", &want("2000万"), &s));
        assert!(!is_correct("十点半", &want("11点半"), &s));
        assert!(!is_correct("", &want("回滚"), &s));
    }

    #[test]
    fn finds_blanks_with_hints() {
        let text = "把 user 表分拆为{{c1::256}}个，按{{c2::hash(username)::怎么分}}";
        let b = blanks(text);
        assert_eq!(b.len(), 2);
        assert_eq!((b[0].number, b[0].answer.as_str()), (1, "256"));
        assert_eq!(b[1].hint.as_deref(), Some("怎么分"));
        assert_eq!(question(text, 1), "把 user 表分拆为[…]个，按hash(username)");
        assert_eq!(question(text, 2), "把 user 表分拆为256个，按[怎么分]");
        assert_eq!(full(text), "把 user 表分拆为256个，按hash(username)");
    }

    #[test]
    fn malformed_markup_is_not_a_blank() {
        assert!(blanks("{{c::x}} {{cx::y}} {{c1::open").is_empty());
        assert!(check("no blank").is_err());
        assert!(check("{{c1::}}").is_err());
        assert!(check("{{c1::ok}}").is_ok());
    }

    #[test]
    fn blanks_are_found_in_linear_time() {
        // 1 MB of openings with a close at the end: quadratic work would take minutes here.
        let text = format!("{}}}}}", "{{c".repeat(350_000));
        assert!(blanks(&text).is_empty());
        let text = format!("{}{{{{c2::x}}}}", "{{c1:".repeat(200_000));
        assert_eq!(blanks(&text).len(), 1);
        let long_answer = format!("{{{{c1::{}}}}}", "答".repeat(300_000));
        assert_eq!(blanks(&long_answer)[0].answer.chars().count(), 300_000);
    }

    #[test]
    fn comparison_ignores_width_case_spaces_and_punctuation() {
        let want = vec!["Hash(username)".to_string()];
        assert!(is_correct("hash username", &want, &Synonyms::builtin()));
        assert!(is_correct(
            "ＨＡＳＨ（ｕｓｅｒｎａｍｅ）",
            &want,
            &Synonyms::builtin()
        ));
        assert!(!is_correct("hash(userid)", &want, &Synonyms::builtin()));
        assert!(is_correct(
            "网络 磁盘。",
            &["网络磁盘".to_string()],
            &Synonyms::builtin()
        ));
        assert!(!is_correct("", &["x".to_string()], &Synonyms::builtin()));
    }

    #[test]
    fn several_blanks_of_one_number_are_typed_in_order() {
        let text = "{{c1::京东}}开源，已成为{{c1::apache}}项目";
        let want = answers(text, 1);
        assert!(is_correct("京东 / Apache", &want, &Synonyms::builtin()));
        assert!(!is_correct("apache 京东", &want, &Synonyms::builtin()));
    }
}
