//! Text helpers, in one place: folding for lenient comparison, fingerprints, display width (Chinese
//! is two columns), truncation, wrapping, and stripping control characters so a shared deck can
//! never move the cursor, retitle the terminal or hide text.

use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};

/// Folds text for lenient comparison: full-width to half-width, lowercase, no spaces or punctuation.
pub fn fold(text: &str) -> String {
    fold_width(text)
        .chars()
        .filter(|c| !c.is_whitespace() && !is_punctuation(*c))
        .collect()
}

/// Full-width forms folded to ASCII, the ideographic space to a space, letters lowercased.
pub fn fold_width(text: &str) -> String {
    text.chars()
        .map(|c| match c {
            '\u{3000}' => ' ',
            '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
            c => c,
        })
        .flat_map(char::to_lowercase)
        .collect()
}

fn is_punctuation(c: char) -> bool {
    c.is_ascii_punctuation()
        || matches!(c, '\u{3000}'..='\u{303F}' | '\u{2010}'..='\u{206F}' | '\u{FE30}'..='\u{FE4F}' | '·')
}

/// A stable fingerprint of a deck text (FNV-1a, 64 bits), to notice when a newer storydrill ships changes.
pub fn fingerprint(text: &str) -> String {
    let hash = text.bytes().fold(0xcbf2_9ce4_8422_2325_u64, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    });
    format!("{hash:016x}")
}

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
            c if is_hidden_control(c) => {}
            c => out.push(c),
        }
    }
    out
}

/// Characters that must never reach a terminal as they are: C0 and C1 controls (ESC, BEL, CSI…),
/// DEL, and bidi controls, which can make text read differently from what it is.
pub fn is_hidden_control(c: char) -> bool {
    c.is_control()
        || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' | '\u{200e}' | '\u{200f}' | '\u{061c}')
}

/// A text file as every reader here wants it: no byte-order mark, and a lone CR (old Mac line
/// ends) read as a line end; CRLF stays as it is.
pub fn normalize_file_text(text: String) -> String {
    if !text.starts_with('\u{feff}') && !text.contains('\r') {
        return text;
    }
    let mut out = Vec::with_capacity(text.len());
    // Reading from a slice cannot fail, and the adapter only drops a BOM and turns CR into LF, so
    // the bytes stay UTF-8.
    let _ = std::io::Read::read_to_end(&mut Normalized::new(text.as_bytes()), &mut out);
    String::from_utf8(out).unwrap_or(text)
}

/// `normalize_file_text` as a stream, for files read a buffer at a time (card files).
pub struct Normalized<R> {
    inner: R,
    started: bool,
    /// A CR ended the last buffer: what it is depends on the next byte.
    pending_cr: bool,
}

impl<R: std::io::BufRead> Normalized<R> {
    pub fn new(inner: R) -> Normalized<R> {
        Normalized {
            inner,
            started: false,
            pending_cr: false,
        }
    }
}

impl<R: std::io::BufRead> std::io::Read for Normalized<R> {
    fn read(&mut self, out: &mut [u8]) -> std::io::Result<usize> {
        if out.is_empty() {
            return Ok(0);
        }
        if !self.started {
            self.started = true;
            if self.inner.fill_buf()?.starts_with("\u{feff}".as_bytes()) {
                self.inner.consume(3);
            }
        }
        let mut n = 0;
        if self.pending_cr {
            self.pending_cr = false;
            let next = self.inner.fill_buf()?.first().copied();
            out[0] = if next == Some(b'\n') { b'\r' } else { b'\n' };
            n = 1;
        }
        let buf = self.inner.fill_buf()?;
        let take = buf.len().min(out.len() - n);
        let mut used = 0;
        while used < take {
            // Runs without a CR are copied whole.
            let run = buf[used..take]
                .iter()
                .position(|b| *b == b'\r')
                .unwrap_or(take - used);
            out[n..n + run].copy_from_slice(&buf[used..used + run]);
            n += run;
            used += run;
            if used == take {
                break;
            }
            match buf.get(used + 1) {
                Some(next) => out[n] = if *next == b'\n' { b'\r' } else { b'\n' },
                None => {
                    // The buffer ends on the CR: decide with the next read.
                    self.pending_cr = true;
                    used += 1;
                    break;
                }
            }
            n += 1;
            used += 1;
        }
        self.inner.consume(used);
        if n == 0 && self.pending_cr {
            // Only the CR was read: read on, so 0 still means the end of the file.
            return self.read(out);
        }
        Ok(n)
    }
}

/// Longest piece of untrusted text an error message quotes.
pub const QUOTE_CHARS: usize = 200;

/// `text` quoted for a message: Rust string escaping (controls visible), at most `QUOTE_CHARS`
/// characters of it.
pub fn quote(text: &str) -> String {
    let mut chars = text.chars();
    let head: String = chars.by_ref().take(QUOTE_CHARS).collect();
    let quoted = escape_controls(&format!("{head:?}"));
    if chars.next().is_some() {
        format!("{quoted}…")
    } else {
        quoted
    }
}

/// At most `max` characters of `text`, with "…" when it was longer.
pub fn clip(text: &str, max: usize) -> String {
    let mut chars = text.chars();
    let head: String = chars.by_ref().take(max).collect();
    if chars.next().is_some() {
        format!("{head}…")
    } else {
        head
    }
}

/// Shows hidden controls as `\u{1b}` (newlines and tabs stay): for messages, which may quote
/// untrusted text and must still say what is there.
pub fn escape_controls(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\n' | '\t' => out.push(c),
            c if is_hidden_control(c) => out.push_str(&format!("\\u{{{:x}}}", c as u32)),
            c => out.push(c),
        }
    }
    out
}

/// JSON text with the hidden controls serde_json leaves as they are (C1, DEL, bidi controls)
/// escaped as `\uXXXX`. They can only occur inside JSON strings, where the escape means the same.
pub fn escape_json(json: String) -> String {
    // C0 controls are escaped by serde_json already; outside strings only its own newlines occur.
    let raw = |c: char| c >= '\u{7f}' && is_hidden_control(c);
    if !json.chars().any(raw) {
        return json;
    }
    let mut out = String::with_capacity(json.len() + 16);
    for c in json.chars() {
        if raw(c) {
            out.push_str(&format!("\\u{:04x}", c as u32));
        } else {
            out.push(c);
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
    fn fingerprint_changes_with_the_text() {
        assert_eq!(fingerprint("a"), fingerprint("a"));
        assert_ne!(fingerprint("a"), fingerprint("b"));
    }

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
    fn c1_controls_and_bidi_marks_are_hidden_controls() {
        assert_eq!(sanitize("a\u{9b}2Jb\u{85}c\u{200f}d\u{7f}"), "abcd");
        assert_eq!(
            escape_controls("x\u{1b}]0;t\u{7}\n"),
            "x\\u{1b}]0;t\\u{7}\n"
        );
        let json = escape_json(serde_json::to_string_pretty(&["a\u{9b}b\u{202e}c\u{1b}"]).unwrap());
        assert_eq!(json, "[\n  \"a\\u009bb\\u202ec\\u001b\"\n]");
        let back: Vec<String> = serde_json::from_str(&json).unwrap();
        assert_eq!(back, ["a\u{9b}b\u{202e}c\u{1b}"]);
    }

    /// `escape_json` finds every hidden control, wherever it stands, and leaves everything else
    /// (Chinese, `…`, `·`, `→`) as it is.
    #[test]
    fn escape_json_escapes_every_hidden_control_and_nothing_else() {
        for code in 0x7f..0x3000u32 {
            let Some(c) = char::from_u32(code) else {
                continue;
            };
            for text in [format!("{c}"), format!("分库{c}"), format!("a…{c}·→")] {
                let json = serde_json::to_string(&text).unwrap();
                let escaped = escape_json(json.clone());
                let back: String = serde_json::from_str(&escaped).unwrap();
                assert_eq!(back, text, "U+{code:04X}");
                assert_eq!(escaped.contains(c), !is_hidden_control(c), "U+{code:04X}");
            }
        }
    }

    #[test]
    fn file_text_loses_its_bom_and_lone_carriage_returns() {
        assert_eq!(
            normalize_file_text("\u{feff}[deck]\rname".into()),
            "[deck]\nname"
        );
        assert_eq!(normalize_file_text("a\r\nb\rc".into()), "a\r\nb\nc");
        assert_eq!(normalize_file_text("plain".into()), "plain");
        assert_eq!(normalize_file_text("\r".into()), "\n");
        assert_eq!(normalize_file_text("a\r\r\n".into()), "a\n\r\n");
    }

    #[test]
    fn the_stream_normalizes_as_the_whole_text_does_in_any_pieces() {
        use std::io::{BufReader, Read};
        let text = "\u{feff}a\r\nb\rc\r\r\nd\r";
        let whole = normalize_file_text(text.into());
        for capacity in 1..=text.len() {
            let mut out = String::new();
            let mut stream = Normalized::new(BufReader::with_capacity(capacity, text.as_bytes()));
            stream.read_to_string(&mut out).unwrap();
            // A buffer too small for the whole BOM keeps it: files are read with 64 KiB buffers.
            if capacity >= 3 {
                assert_eq!(out, whole, "capacity {capacity}");
            }
        }
    }

    #[test]
    fn quotes_are_clipped_and_escaped() {
        let long = "键".repeat(5000);
        let q = quote(&long);
        assert!(
            q.chars().count() <= QUOTE_CHARS + 3,
            "{}",
            q.chars().count()
        );
        assert!(q.ends_with('…'));
        assert_eq!(quote("a\u{1b}b"), "\"a\\u{1b}b\"");
        assert_eq!(clip("abcdef", 3), "abc…");
        assert_eq!(clip("abc", 3), "abc");
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
