//! Anki's "Notes in Plain Text": HTML fields, header lines, tags.

use std::collections::HashMap;

use std::io::BufRead;

use super::reader::{row_error, NOT_UTF8};
use super::rows::{row_from_parts, RowParts};
use super::{deck_name, Row, RowError, ANKI_DECK_PREFIX, ANSWER_MARK, TAG_PREFIX};
use crate::core::model::CardKind;

/// Text → Anki HTML: `<>&` escaped, newlines as `<br>`, hidden controls (ESC, C1, bidi) as numeric
/// entities, so the file never carries a raw escape sequence and still reads back exactly.
pub fn html_escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '\n' => out.push_str("<br>"),
            '\r' => {}
            '\t' => out.push('\t'),
            c if crate::core::text::is_hidden_control(c) => {
                out.push_str(&format!("&#x{:x};", c as u32))
            }
            c => out.push(c),
        }
    }
    out
}

/// Anki HTML → text: `<br>` and block ends become newlines, other tags go, entities are decoded.
pub fn html_to_text(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut rest = html;
    while let Some(i) = rest.find(['<', '&']) {
        out.push_str(&rest[..i]);
        rest = &rest[i..];
        if rest.starts_with('<') {
            let Some(end) = rest.find('>') else {
                out.push_str(rest);
                rest = "";
                break;
            };
            let tag = rest[1..end].trim().to_lowercase();
            let name = tag
                .trim_start_matches('/')
                .split(|c: char| c.is_whitespace() || c == '/')
                .next()
                .unwrap_or("");
            match (name, tag.starts_with('/')) {
                ("br", _) => out.push('\n'),
                ("div" | "p" | "li", false) if !out.is_empty() && !out.ends_with('\n') => {
                    out.push('\n')
                }
                _ => {}
            }
            rest = &rest[end + 1..];
        } else {
            let end = rest[1..].find(';').map(|e| e + 1).filter(|e| *e <= 10);
            let decoded = end.and_then(|e| entity(&rest[1..e]).map(|c| (c, e)));
            match decoded {
                Some((c, e)) => {
                    out.push(c);
                    rest = &rest[e + 1..];
                }
                None => {
                    out.push('&');
                    rest = &rest[1..];
                }
            }
        }
    }
    out.push_str(rest);
    out
}

fn entity(name: &str) -> Option<char> {
    match name {
        "amp" => Some('&'),
        "lt" => Some('<'),
        "gt" => Some('>'),
        "quot" => Some('"'),
        "apos" | "#39" => Some('\''),
        "nbsp" => Some(' '),
        _ => {
            let n = name.strip_prefix('#')?;
            let code = match n.strip_prefix(['x', 'X']) {
                Some(hex) => u32::from_str_radix(hex, 16).ok()?,
                None => n.parse().ok()?,
            };
            char::from_u32(code)
        }
    }
}

/// Anki tags cannot hold spaces.
pub(crate) fn anki_tag(tag: &str) -> String {
    tag.split_whitespace().collect::<Vec<_>>().join("_")
}

/// Writes rows as Anki "Notes in Plain Text".
pub fn to_anki(rows: &[Row], titles: &HashMap<String, String>) -> String {
    let mut out = String::from(
        "#separator:tab\n#html:true\n#guid column:1\n#notetype column:2\n#deck column:3\n#tags column:6\n",
    );
    let mut writer = csv::WriterBuilder::new()
        .delimiter(b'\t')
        .has_headers(false)
        .quote_style(csv::QuoteStyle::Necessary)
        .from_writer(Vec::new());
    for r in rows {
        let mut tags: Vec<String> = r.tags.iter().map(|t| anki_tag(t)).collect();
        let mut back = super::back_with_points(r).into_owned();
        match r.kind {
            CardKind::Recall => tags.push(format!("{TAG_PREFIX}recall")),
            CardKind::Followup => tags.push(format!("{TAG_PREFIX}followup")),
            CardKind::Match => {
                let names: Vec<String> = r
                    .answers
                    .iter()
                    .map(|a| titles.get(a).cloned().unwrap_or_else(|| a.clone()))
                    .collect();
                back = format!("{ANSWER_MARK}{}\n{}", names.join(" / "), r.back);
                tags.extend(r.answers.iter().map(|a| format!("{TAG_PREFIX}answer::{a}")));
            }
            _ => {}
        }
        if let Some(story) = &r.story {
            if r.kind != CardKind::Match {
                tags.push(format!("{TAG_PREFIX}story::{story}"));
            }
        }
        let notetype = if r.kind == CardKind::Cloze {
            "Cloze"
        } else {
            "Basic"
        };
        let back = if r.kind == CardKind::Cloze {
            String::new()
        } else {
            html_escape(&back)
        };
        let record = [
            r.key.clone(),
            notetype.to_string(),
            format!("{ANKI_DECK_PREFIX}{}", r.deck),
            html_escape(&r.front),
            back,
            tags.join(" "),
        ];
        // Writing to a Vec cannot fail.
        let _ = writer.write_record(&record);
    }
    out.push_str(&String::from_utf8_lossy(
        &writer.into_inner().unwrap_or_default(),
    ));
    out
}

/// Reads Anki "Notes in Plain Text": storydrill's own export and Anki's (with or without the guid,
/// notetype and deck columns; `default_deck` names the deck when there is no deck column). This
/// reads a text held in memory; the import streams the file (`CardReader`).
pub fn parse_anki(file: &str, text: &str, default_deck: &str) -> Result<Vec<Row>, RowError> {
    super::reader::read_all(file, super::Format::Anki, text, default_deck)
}

/// An Anki file's `#` header lines: the separator, which columns hold the guid, notetype, deck and
/// tags, and what applies to every row.
pub(crate) struct AnkiHeader {
    pub separator: u8,
    html: bool,
    guid_col: Option<usize>,
    notetype_col: Option<usize>,
    deck_col: Option<usize>,
    tags_col: Option<usize>,
    fixed_notetype: Option<String>,
    fixed_deck: Option<String>,
    fixed_tags: Vec<String>,
    /// How many lines and bytes the header takes.
    pub lines: usize,
    pub bytes: u64,
}

impl AnkiHeader {
    /// Reads the header lines; returns them and the first line after them (not yet read as a row).
    pub(crate) fn read<R: BufRead>(
        file: &str,
        reader: &mut R,
    ) -> Result<(AnkiHeader, Vec<u8>), RowError> {
        let mut h = AnkiHeader {
            separator: b'\t',
            html: false,
            guid_col: None,
            notetype_col: None,
            deck_col: None,
            tags_col: None,
            fixed_notetype: None,
            fixed_deck: None,
            fixed_tags: Vec::new(),
            lines: 0,
            bytes: 0,
        };
        let mut buf = Vec::new();
        loop {
            buf.clear();
            reader.read_until(b'\n', &mut buf).map_err(|e| {
                row_error(file, h.lines + 1, &format!("could not read the file ({e})"))
            })?;
            if !buf.starts_with(b"#") {
                return Ok((h, buf));
            }
            h.lines += 1;
            h.bytes += buf.len() as u64;
            let line = std::str::from_utf8(&buf).map_err(|_| row_error(file, h.lines, NOT_UTF8))?;
            h.header_line(&line[1..])
                .map_err(|reason| row_error(file, h.lines, &reason))?;
        }
    }

    fn header_line(&mut self, header: &str) -> Result<(), String> {
        let Some((name, value)) = header.trim_end().split_once(':') else {
            return Ok(());
        };
        let value = value.trim();
        let column = || -> Result<Option<usize>, String> {
            value
                .parse::<usize>()
                .ok()
                .filter(|c| *c >= 1)
                .map(|c| Some(c - 1))
                .ok_or_else(|| format!("#{name}: {value:?} is not a column number"))
        };
        match name.trim() {
            "separator" => {
                self.separator = match value.to_lowercase().as_str() {
                    "tab" => b'\t',
                    "comma" => b',',
                    "semicolon" => b';',
                    "space" => b' ',
                    "pipe" => b'|',
                    "colon" => b':',
                    v if v.len() == 1 => v.as_bytes()[0],
                    _ => return Err(format!("unknown separator {value:?}")),
                }
            }
            "html" => self.html = value.eq_ignore_ascii_case("true"),
            "guid column" => self.guid_col = column()?,
            "notetype column" => self.notetype_col = column()?,
            "deck column" => self.deck_col = column()?,
            "tags column" => self.tags_col = column()?,
            "notetype" => self.fixed_notetype = Some(value.to_string()),
            "deck" => self.fixed_deck = Some(value.to_string()),
            "tags" => self.fixed_tags = value.split_whitespace().map(str::to_string).collect(),
            _ => {}
        }
        Ok(())
    }

    /// The deck of rows without a deck column: the header's `#deck:`, else the given one.
    pub(crate) fn default_deck(&self, given: &str) -> String {
        self.fixed_deck
            .as_deref()
            .map(deck_name)
            .unwrap_or_else(|| given.to_string())
    }
}

/// One record of an Anki file as a row.
pub(crate) fn anki_row(
    h: &AnkiHeader,
    record: &csv::StringRecord,
    line: usize,
    default_deck: &str,
) -> Result<Row, String> {
    let special = [h.guid_col, h.notetype_col, h.deck_col, h.tags_col];
    let cell = |c: Option<usize>| c.and_then(|c| record.get(c)).map(str::to_string);
    let fields: Vec<String> = record
        .iter()
        .enumerate()
        .filter(|(i, _)| !special.contains(&Some(*i)))
        .map(|(_, f)| {
            if h.html {
                html_to_text(f)
            } else {
                f.to_string()
            }
        })
        .collect();
    let front = fields.first().cloned().unwrap_or_default();
    let back = fields.get(1..).map(|f| f.join("\n")).unwrap_or_default();
    let deck = cell(h.deck_col)
        .map(|d| deck_name(&d))
        .unwrap_or_else(|| default_deck.to_string());
    let notetype = cell(h.notetype_col).or_else(|| h.fixed_notetype.clone());
    let mut tags: Vec<String> = h.fixed_tags.clone();
    tags.extend(
        cell(h.tags_col)
            .unwrap_or_default()
            .split_whitespace()
            .map(str::to_string),
    );
    let is_cloze = match &notetype {
        Some(n) => n.to_lowercase().contains("cloze"),
        None => crate::core::cloze::check(&front).is_ok(),
    };
    row_from_parts(RowParts {
        line,
        deck,
        key: cell(h.guid_col),
        front,
        back,
        tags,
        is_cloze,
        kind: None,
        story: None,
        answers: vec![],
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::exchange::parse_csv;
    use crate::core::exchange::test_row as row;
    use std::collections::HashMap;

    #[test]
    fn html_escaping_round_trips() {
        let text = "a < b && c > d\n第二行\t\"quoted\"";
        let html = html_escape(text);
        assert_eq!(html, "a &lt; b &amp;&amp; c &gt; d<br>第二行\t\"quoted\"");
        assert_eq!(html_to_text(&html), text);
        assert_eq!(
            html_to_text("<div>one</div><div>two&nbsp;&#20320;&#x597D;</div><b>x</b>&bogus"),
            "one\ntwo 你好x&bogus"
        );
    }

    #[test]
    fn anki_export_has_the_headers_and_quotes_what_needs_it() {
        let mut q = row(CardKind::Match, "mine.q1", "慢查询怎么办？", "分库");
        q.answers = vec!["sharding".into()];
        let mut c = row(CardKind::Cloze, "mine.c1", "用 {{c1::Redis}} 做", "");
        c.tags = vec!["my tag".into()];
        let b = row(CardKind::Basic, "mine.b1", "tab\there \"q\"", "x\ny");
        let titles = HashMap::from([("sharding".to_string(), "数据库 Sharding".to_string())]);
        let text = to_anki(&[q, c, b], &titles);
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines[0], "#separator:tab");
        assert_eq!(lines[1], "#html:true");
        assert!(lines[2..6].iter().all(|l| l.contains("column:")));
        assert_eq!(
            lines[6],
            "mine.q1\tBasic\tstorydrill::mine\t慢查询怎么办？\t→ 数据库 Sharding<br>分库\tstorydrill::answer::sharding"
        );
        assert_eq!(
            lines[7],
            "mine.c1\tCloze\tstorydrill::mine\t用 {{c1::Redis}} 做\t\tmy_tag"
        );
        assert_eq!(
            lines[8],
            "mine.b1\tBasic\tstorydrill::mine\t\"tab\there \"\"q\"\"\"\tx<br>y\t"
        );
    }

    #[test]
    fn anki_import_reads_our_export_back() {
        let mut q = row(CardKind::Match, "mine.q1", "慢查询<怎么办>？", "分库\n分表");
        q.answers = vec!["sharding".into(), "db-proxy".into()];
        let mut r = row(CardKind::Recall, "mine-26.recall", "讲讲「缓存」", "text");
        r.story = Some("mine-26".into());
        let c = row(CardKind::Cloze, "mine.c1", "用 {{c1::Redis}} 做", "");
        let mut b = row(CardKind::Basic, "mine.b1", "tab\there \"q\"", "x\ny");
        b.tags = vec!["t1".into(), "t2".into()];
        let rows = vec![q, r, c, b];
        let text = to_anki(&rows, &HashMap::new());
        let mut back = parse_anki("x.txt", &text, "ignored").unwrap();
        for (i, r) in back.iter_mut().enumerate() {
            assert_eq!(r.line, i + 7);
            r.line = 0;
        }
        assert_eq!(back, rows);
    }

    #[test]
    fn anki_own_export_without_guid_or_deck_columns() {
        let text = "#separator:tab\n#html:true\n#tags column:3\nWhat is <b>SM-2</b>?\tAn algorithm<br>from 1990\tsrs algo\n{{c1::Paris}} is in France\t\t\n";
        let rows = parse_anki("notes.txt", text, "notes").unwrap();
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[0].front, "What is SM-2?");
        assert_eq!(rows[0].back, "An algorithm\nfrom 1990");
        assert_eq!(rows[0].tags, vec!["srs", "algo"]);
        assert_eq!(rows[0].deck, "notes");
        assert_eq!(rows[0].line, 4);
        assert_eq!(rows[1].kind, CardKind::Cloze);
        assert!(rows[1].key.starts_with("notes.anki."));
        let again = parse_anki("notes.txt", text, "notes").unwrap();
        assert_eq!(again[1].key, rows[1].key, "keys are stable across imports");
    }

    #[test]
    fn bad_rows_name_file_and_line() {
        let text = "#separator:tab\n#html:false\n#notetype column:1\nBasic\tok\tfine\nCloze\tno blank here\t\n";
        let e = parse_anki("d.txt", text, "d").unwrap_err();
        assert_eq!((e.file.as_str(), e.line), ("d.txt", 5));
        assert!(e.to_string().starts_with("d.txt:5: cloze text"), "{e}");
        let e = parse_anki("d.txt", "#separator:tab\n\tback\n", "d").unwrap_err();
        assert_eq!(e.to_string(), "d.txt:2: the front is empty");
        let e = parse_csv("d.csv", "deck,kind,front\nd,story,x\n", "d").unwrap_err();
        assert!(e.to_string().starts_with("d.csv:2: kind must be"), "{e}");
        let e = parse_csv("d.csv", "question,answer\nx,y\n", "d").unwrap_err();
        assert!(e.to_string().contains("no `front` column"), "{e}");
    }

    #[test]
    fn deck_names_from_anki() {
        assert_eq!(deck_name("storydrill::mine"), "mine");
        assert_eq!(deck_name("Japanese::Vocab 1"), "Japanese.Vocab-1");
        assert_eq!(deck_name(""), "imported");
    }
}
