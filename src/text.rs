//! Terminal text: display width (Chinese is two columns), truncation, wrapping, and stripping control
//! characters so a shared deck can never move the cursor, retitle the terminal or hide text.

use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};

/// Removes escape sequences and control characters (keeps newlines; tabs become spaces).
pub fn sanitize(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\u{1b}' => skip_escape(&mut chars),
            '\u{9b}' => skip_csi(&mut chars),
            '\n' => out.push('\n'),
            '\t' => out.push_str("    "),
            '\r' => {}
            c if c.is_control() => {}
            // Bidi overrides can make text read differently from what it is.
            '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' => {}
            c => out.push(c),
        }
    }
    out
}

fn skip_escape(chars: &mut std::iter::Peekable<std::str::Chars<'_>>) {
    match chars.next() {
        Some('[') => skip_csi(chars),
        // OSC (title, hyperlinks…), DCS, SOS, PM, APC: up to BEL or ST.
        Some(']' | 'P' | 'X' | '^' | '_') => {
            while let Some(c) = chars.next() {
                if c == '\u{7}' || c == '\u{9c}' {
                    break;
                }
                if c == '\u{1b}' {
                    if chars.peek() == Some(&'\\') {
                        chars.next();
                    }
                    break;
                }
            }
        }
        _ => {}
    }
}

fn skip_csi(chars: &mut std::iter::Peekable<std::str::Chars<'_>>) {
    for c in chars.by_ref() {
        if ('\u{40}'..='\u{7e}').contains(&c) {
            break;
        }
    }
}

pub fn width(text: &str) -> usize {
    UnicodeWidthStr::width(text)
}

/// The first line of `text`, cut to `max` columns with "…" when longer.
pub fn truncate(text: &str, max: usize) -> String {
    let line = text
        .lines()
        .find(|l| !l.trim().is_empty())
        .unwrap_or("")
        .trim();
    if width(line) <= max {
        return line.to_string();
    }
    let mut out = String::new();
    let mut used = 0;
    for c in line.chars() {
        let w = c.width().unwrap_or(0);
        if used + w + 1 > max {
            break;
        }
        out.push(c);
        used += w;
    }
    let mut out = out.trim_end().to_string();
    out.push('…');
    out
}

/// Pads `text` with spaces to `columns` display columns.
pub fn pad(text: &str, columns: usize) -> String {
    let w = width(text);
    format!("{text}{}", " ".repeat(columns.saturating_sub(w)))
}

/// Wraps each line to `columns` display columns: at spaces for Latin text, anywhere between CJK characters.
pub fn wrap(text: &str, columns: usize) -> String {
    let columns = columns.max(10);
    let mut out = String::with_capacity(text.len() + text.len() / 20);
    for (i, line) in text.split('\n').enumerate() {
        if i > 0 {
            out.push('\n');
        }
        wrap_line(line, columns, &mut out);
    }
    out
}

fn wrap_line(line: &str, columns: usize, out: &mut String) {
    let indent: String = line.chars().take_while(|c| *c == ' ').collect();
    let mut used = 0;
    let mut word = String::new();
    let mut word_width = 0;
    let flush = |word: &mut String, word_width: &mut usize, used: &mut usize, out: &mut String| {
        if word.is_empty() {
            return;
        }
        if *used > 0 && *used + *word_width > columns {
            out.push('\n');
            out.push_str(&indent);
            *used = width(&indent);
            let trimmed = word.trim_start().to_string();
            *word_width = width(&trimmed);
            *word = trimmed;
        }
        out.push_str(word);
        *used += *word_width;
        word.clear();
        *word_width = 0;
    };
    for c in line.chars() {
        let w = c.width().unwrap_or(0);
        if c == ' ' {
            flush(&mut word, &mut word_width, &mut used, out);
            word.push(c);
            word_width += 1;
        } else if w == 2 {
            flush(&mut word, &mut word_width, &mut used, out);
            word.push(c);
            word_width = w;
            flush(&mut word, &mut word_width, &mut used, out);
        } else {
            word.push(c);
            word_width += w;
            if word_width >= columns {
                flush(&mut word, &mut word_width, &mut used, out);
            }
        }
    }
    flush(&mut word, &mut word_width, &mut used, out);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sanitize_strips_escapes_and_controls() {
        assert_eq!(
            sanitize("a\u{1b}[2Jb\u{1b}]0;title\u{7}c\u{8}d\ne\u{202e}f"),
            "abcd\nef"
        );
        assert_eq!(sanitize("x\u{1b}]8;;http://x\u{1b}\\link"), "xlink");
        assert_eq!(sanitize("正常的中文"), "正常的中文");
    }

    #[test]
    fn truncate_counts_chinese_as_two_columns() {
        assert_eq!(truncate("用 Redis 实现排行榜", 10), "用 Redis…");
        assert!(width(&truncate("我们业务的用户量大概2000万", 12)) <= 12);
        assert_eq!(truncate("short", 10), "short");
    }

    #[test]
    fn wrap_breaks_chinese_anywhere_and_latin_at_spaces() {
        let wrapped = wrap("我们业务的用户量大概两千万导致用户访问越来越慢", 20);
        assert!(wrapped.lines().all(|l| width(l) <= 20), "{wrapped}");
        assert_eq!(
            wrapped.replace('\n', ""),
            "我们业务的用户量大概两千万导致用户访问越来越慢"
        );
        let latin = wrap("hello world again and again", 12);
        assert!(latin.lines().all(|l| width(l) <= 12), "{latin}");
        assert!(latin.lines().all(|l| !l.starts_with(' ')), "{latin}");
    }
}
