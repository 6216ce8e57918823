//! Card files for other programs: Anki's "Notes in Plain Text" (2.1.54+) and CSV for spreadsheets.
//! Pure: rows in, text out, and back, with `file:line: reason` for a row that cannot be used.
//!
//! These formats carry cards (kind, front, back, tags, key); the TOML deck format is the lossless one
//! (story numbers, aliases, key points and filled templates live only there). In Anki files the
//! storydrill-only facts ride in tags: `storydrill::recall`, `storydrill::story::KEY`,
//! `storydrill::answer::KEY` (the stories a question accepts).

use std::collections::HashMap;

use crate::core::deck::{self, Basic, Cloze, Deck, Question, Source, StoryKind};
use crate::core::model::CardKind;

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// storydrill's deck file (lossless)
    Toml,
    /// Anki "Notes in Plain Text" (File → Import in Anki 2.1.54+)
    Anki,
    /// A header row `deck,kind,front,back,tags,key,story,answers`, for spreadsheets
    Csv,
}

/// One card of a card file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Row {
    /// Where it came from (0 when made for export).
    pub line: usize,
    pub deck: String,
    pub kind: CardKind,
    pub key: String,
    pub front: String,
    pub back: String,
    pub tags: Vec<String>,
    pub story: Option<String>,
    /// The stories a question accepts (match cards).
    pub answers: Vec<String>,
}

/// Longest reason a row error gives: it may quote the file.
const MESSAGE_CHARS: usize = 300;

/// A row that cannot be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{file}:{line}: {reason}")]
pub struct RowError {
    pub file: String,
    pub line: usize,
    pub reason: String,
}

const TAG_PREFIX: &str = "storydrill::";
const ANKI_DECK_PREFIX: &str = "storydrill::";
/// The first line of a question's back in Anki: the accepted stories, for the learner to read.
const ANSWER_MARK: &str = "→ ";

/// Guesses the format of a card file from its first lines.
pub fn detect(text: &str) -> Format {
    const ANKI_HEADERS: &[&str] = &[
        "#separator:",
        "#html:",
        "#tags:",
        "#deck:",
        "#notetype:",
        "#columns:",
    ];
    let mut first = "";
    for line in text.lines().map(str::trim).filter(|l| !l.is_empty()) {
        if ANKI_HEADERS.iter().any(|h| line.starts_with(h))
            || (line.starts_with('#') && line.contains(" column:"))
        {
            return Format::Anki;
        }
        if !line.starts_with('#') {
            first = line;
            break;
        }
    }
    if first.starts_with('[') || (first.contains(" = ") && !first.contains('\t')) {
        return Format::Toml;
    }
    let header: Vec<String> = first
        .split(',')
        .map(|h| h.trim().trim_matches('"').to_lowercase())
        .collect();
    if header.iter().any(|h| h == "front") && !first.contains('\t') {
        return Format::Csv;
    }
    Format::Anki
}

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
fn anki_tag(tag: &str) -> String {
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
        let mut back = r.back.clone();
        match r.kind {
            CardKind::Recall => tags.push(format!("{TAG_PREFIX}recall")),
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

/// Writes rows as CSV with a header row.
pub fn to_csv(rows: &[Row]) -> String {
    let mut writer = csv::WriterBuilder::new().from_writer(Vec::new());
    let _ = writer.write_record([
        "deck", "kind", "front", "back", "tags", "key", "story", "answers",
    ]);
    for r in rows {
        let _ = writer.write_record([
            r.deck.as_str(),
            r.kind.as_str(),
            &r.front,
            &r.back,
            &r.tags
                .iter()
                .map(|t| anki_tag(t))
                .collect::<Vec<_>>()
                .join(" "),
            &r.key,
            r.story.as_deref().unwrap_or(""),
            &r.answers.join(" "),
        ]);
    }
    String::from_utf8_lossy(&writer.into_inner().unwrap_or_default()).into_owned()
}

/// A deck name storydrill accepts, from an Anki deck name ("storydrill::mine" → "mine",
/// "Japanese::Vocab 1" → "Japanese.Vocab-1").
pub fn deck_name(anki: &str) -> String {
    let name = anki.trim();
    let name = name.strip_prefix(ANKI_DECK_PREFIX).unwrap_or(name);
    let mut out = String::new();
    for part in name.split("::") {
        if !out.is_empty() {
            out.push('.');
        }
        let cleaned: String = part
            .trim()
            .chars()
            .map(|c| {
                if c.is_alphanumeric() || matches!(c, '-' | '_' | '.') {
                    c
                } else {
                    '-'
                }
            })
            .collect();
        out.push_str(&cleaned);
    }
    if out.is_empty() {
        "imported".into()
    } else {
        out
    }
}

/// FNV-1a, for keys of rows that come without one.
fn hash(text: &str) -> String {
    crate::core::text::fingerprint(text)
}

fn key_for(given: Option<&str>, deck: &str, front: &str) -> String {
    match given.map(str::trim).filter(|g| !g.is_empty()) {
        Some(g) if deck::check_key(g).is_ok() => g.to_string(),
        Some(g) => format!("{deck}.anki.{}", hash(g)),
        None => format!("{deck}.anki.{}", hash(front)),
    }
}

/// Reads Anki "Notes in Plain Text": storydrill's own export and Anki's (with or without the guid,
/// notetype and deck columns; `default_deck` names the deck when there is no deck column).
pub fn parse_anki(file: &str, text: &str, default_deck: &str) -> Result<Vec<Row>, RowError> {
    let err = |line: usize, reason: String| RowError {
        file: file.to_string(),
        line,
        reason: crate::core::text::clip(&reason, MESSAGE_CHARS),
    };
    let mut separator = b'\t';
    let mut html = false;
    let (mut guid_col, mut notetype_col, mut deck_col, mut tags_col) = (None, None, None, None);
    let mut fixed_notetype: Option<String> = None;
    let mut fixed_deck: Option<String> = None;
    let mut fixed_tags: Vec<String> = Vec::new();
    let mut header_lines = 0;
    let mut body_start = 0;
    for line in text.split_inclusive('\n') {
        let Some(header) = line.strip_prefix('#') else {
            break;
        };
        header_lines += 1;
        body_start += line.len();
        let Some((name, value)) = header.trim_end().split_once(':') else {
            continue;
        };
        let value = value.trim();
        let column = || -> Result<usize, RowError> {
            value
                .parse::<usize>()
                .ok()
                .filter(|c| *c >= 1)
                .map(|c| c - 1)
                .ok_or_else(|| {
                    err(
                        header_lines,
                        format!("#{name}: {value:?} is not a column number"),
                    )
                })
        };
        match name.trim() {
            "separator" => {
                separator = match value.to_lowercase().as_str() {
                    "tab" => b'\t',
                    "comma" => b',',
                    "semicolon" => b';',
                    "space" => b' ',
                    "pipe" => b'|',
                    "colon" => b':',
                    v if v.len() == 1 => v.as_bytes()[0],
                    _ => return Err(err(header_lines, format!("unknown separator {value:?}"))),
                }
            }
            "html" => html = value.eq_ignore_ascii_case("true"),
            "guid column" => guid_col = Some(column()?),
            "notetype column" => notetype_col = Some(column()?),
            "deck column" => deck_col = Some(column()?),
            "tags column" => tags_col = Some(column()?),
            "notetype" => fixed_notetype = Some(value.to_string()),
            "deck" => fixed_deck = Some(value.to_string()),
            "tags" => fixed_tags = value.split_whitespace().map(str::to_string).collect(),
            _ => {}
        }
    }
    let default_deck = fixed_deck
        .as_deref()
        .map(deck_name)
        .unwrap_or_else(|| default_deck.to_string());
    let body = &text[body_start..];
    if let Some(line) = unterminated_quote(body, separator) {
        return Err(err(
            line + header_lines,
            "a quoted field starts here and never ends (a \" is missing)".into(),
        ));
    }
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(separator)
        .has_headers(false)
        .flexible(true)
        .from_reader(body.as_bytes());
    let mut rows = Vec::new();
    for record in reader.records() {
        let record = record.map_err(|e| {
            let line = e.position().map_or(0, |p| p.line() as usize) + header_lines;
            err(line, format!("not a valid row ({e})"))
        })?;
        let line = record.position().map_or(0, |p| p.line() as usize) + header_lines;
        if record.iter().all(|f| f.trim().is_empty()) {
            continue;
        }
        let special = [guid_col, notetype_col, deck_col, tags_col];
        let cell = |c: Option<usize>| c.and_then(|c| record.get(c)).map(str::to_string);
        let fields: Vec<String> = record
            .iter()
            .enumerate()
            .filter(|(i, _)| !special.contains(&Some(*i)))
            .map(|(_, f)| if html { html_to_text(f) } else { f.to_string() })
            .collect();
        let front = fields.first().cloned().unwrap_or_default();
        let back = fields.get(1..).map(|f| f.join("\n")).unwrap_or_default();
        let deck = cell(deck_col)
            .map(|d| deck_name(&d))
            .unwrap_or_else(|| default_deck.clone());
        let notetype = cell(notetype_col).or_else(|| fixed_notetype.clone());
        let mut tags: Vec<String> = fixed_tags.clone();
        tags.extend(
            cell(tags_col)
                .unwrap_or_default()
                .split_whitespace()
                .map(str::to_string),
        );
        let is_cloze = match &notetype {
            Some(n) => n.to_lowercase().contains("cloze"),
            None => crate::core::cloze::check(&front).is_ok(),
        };
        let row = row_from_parts(RowParts {
            line,
            deck,
            key: cell(guid_col),
            front,
            back,
            tags,
            is_cloze,
            kind: None,
            story: None,
            answers: vec![],
        })
        .map_err(|reason| err(line, reason))?;
        rows.push(row);
    }
    check_unique(file, &rows)?;
    Ok(rows)
}

/// The line where a quoted field that never ends begins (the csv reader would take the rest of
/// the file as that one field). Quotes count as the reader counts them: a field that starts with
/// `"` is quoted, `""` inside it is a quote, and a `"` elsewhere is text.
fn unterminated_quote(text: &str, separator: u8) -> Option<usize> {
    let bytes = text.as_bytes();
    let mut line = 1;
    let mut at_field_start = true;
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        if at_field_start && b == b'"' {
            let start = line;
            i += 1;
            loop {
                match bytes.get(i) {
                    None => return Some(start),
                    Some(b'"') if bytes.get(i + 1) == Some(&b'"') => i += 2,
                    Some(b'"') => {
                        i += 1;
                        break;
                    }
                    Some(b'\n') => {
                        line += 1;
                        i += 1;
                    }
                    Some(_) => i += 1,
                }
            }
            at_field_start = false;
            continue;
        }
        match b {
            b'\n' => {
                line += 1;
                at_field_start = true;
            }
            b if b == separator => at_field_start = true,
            _ => at_field_start = false,
        }
        i += 1;
    }
    None
}

struct RowParts {
    line: usize,
    deck: String,
    key: Option<String>,
    front: String,
    back: String,
    tags: Vec<String>,
    is_cloze: bool,
    /// Given (CSV); else from the notetype and tags (Anki).
    kind: Option<CardKind>,
    story: Option<String>,
    answers: Vec<String>,
}

fn row_from_parts(p: RowParts) -> Result<Row, String> {
    deck::check_deck_name(&p.deck)?;
    let mut kind = p.kind.unwrap_or(if p.is_cloze {
        CardKind::Cloze
    } else {
        CardKind::Basic
    });
    let mut story = p.story.filter(|s| !s.trim().is_empty());
    let mut answers = p.answers;
    let mut tags = Vec::new();
    for tag in deck::clean_tags(&p.tags) {
        match tag.strip_prefix(TAG_PREFIX) {
            Some("recall") => kind = CardKind::Recall,
            Some(rest) if rest.starts_with("answer::") => {
                answers.push(rest["answer::".len()..].to_string());
                kind = CardKind::Match;
            }
            Some(rest) if rest.starts_with("story::") => {
                story = Some(rest["story::".len()..].to_string())
            }
            _ if !tags.contains(&tag) => tags.push(tag),
            _ => {}
        }
    }
    let mut back = p.back;
    if kind == CardKind::Match {
        if let Some(rest) = back.strip_prefix(ANSWER_MARK) {
            back = rest
                .split_once('\n')
                .map_or(String::new(), |(_, b)| b.to_string());
        }
        if answers.is_empty() {
            return Err("a match card names no story it answers".into());
        }
    }
    if p.front.trim().is_empty() {
        return Err("the front is empty".into());
    }
    if kind == CardKind::Cloze {
        crate::core::cloze::check(&p.front).map_err(|m| format!("cloze text {m}"))?;
    }
    let key = key_for(p.key.as_deref(), &p.deck, &p.front);
    if kind == CardKind::Recall && story.is_none() {
        story = key.strip_suffix(".recall").map(str::to_string);
    }
    Ok(Row {
        line: p.line,
        deck: p.deck,
        kind,
        key,
        front: p.front,
        back,
        tags,
        story,
        answers,
    })
}

fn check_unique(file: &str, rows: &[Row]) -> Result<(), RowError> {
    let mut seen: HashMap<&str, usize> = HashMap::new();
    for r in rows {
        if let Some(first) = seen.insert(&r.key, r.line) {
            return Err(RowError {
                file: file.to_string(),
                line: r.line,
                reason: format!("duplicate key {:?} (also on line {first})", r.key),
            });
        }
    }
    Ok(())
}

/// Reads CSV with a header row; `front` is required, the other columns (`deck`, `kind`, `back`,
/// `tags`, `key`, `story`, `answers`) are optional.
pub fn parse_csv(file: &str, text: &str, default_deck: &str) -> Result<Vec<Row>, RowError> {
    let err = |line: usize, reason: String| RowError {
        file: file.to_string(),
        line,
        reason: crate::core::text::clip(&reason, MESSAGE_CHARS),
    };
    if let Some(line) = unterminated_quote(text, b',') {
        return Err(err(
            line,
            "a quoted field starts here and never ends (a \" is missing)".into(),
        ));
    }
    let mut reader = csv::ReaderBuilder::new()
        .flexible(true)
        .from_reader(text.as_bytes());
    let headers: Vec<String> = reader
        .headers()
        .map_err(|e| err(1, format!("not a valid header row ({e})")))?
        .iter()
        .map(|h| h.trim().to_lowercase())
        .collect();
    let col = |name: &str| headers.iter().position(|h| h == name);
    let Some(front_col) = col("front") else {
        return Err(err(1, "the header row has no `front` column".into()));
    };
    let (deck_col, kind_col, back_col, tags_col, key_col, story_col, answers_col) = (
        col("deck"),
        col("kind"),
        col("back"),
        col("tags"),
        col("key"),
        col("story"),
        col("answers"),
    );
    let mut rows = Vec::new();
    for record in reader.records() {
        let record = record.map_err(|e| {
            let line = e.position().map_or(0, |p| p.line() as usize);
            err(line, format!("not a valid row ({e})"))
        })?;
        let line = record.position().map_or(0, |p| p.line() as usize);
        if record.iter().all(|f| f.trim().is_empty()) {
            continue;
        }
        let cell = |c: Option<usize>| c.and_then(|c| record.get(c)).unwrap_or("").to_string();
        let kind_text = cell(kind_col).trim().to_lowercase();
        let kind = if kind_text.is_empty() {
            None
        } else {
            Some(CardKind::parse(&kind_text).ok_or_else(|| {
                err(
                    line,
                    format!("kind must be match, recall, cloze or basic, got {kind_text:?}"),
                )
            })?)
        };
        let deck = match cell(deck_col).trim() {
            "" => default_deck.to_string(),
            d => d.to_string(),
        };
        let front = cell(Some(front_col));
        let row = row_from_parts(RowParts {
            line,
            deck,
            key: key_col.map(|_| cell(key_col)),
            is_cloze: kind.is_none() && crate::core::cloze::check(&front).is_ok(),
            front,
            back: cell(back_col),
            tags: cell(tags_col)
                .split_whitespace()
                .map(str::to_string)
                .collect(),
            kind,
            story: Some(cell(story_col)),
            answers: cell(answers_col)
                .split_whitespace()
                .map(str::to_string)
                .collect(),
        })
        .map_err(|reason| err(line, reason))?;
        rows.push(row);
    }
    check_unique(file, &rows)?;
    Ok(rows)
}

/// A story title from a recall card's prompt, for a story that arrives without one.
fn title_from_prompt(prompt: &str) -> String {
    let first = prompt.lines().next().unwrap_or("").trim();
    if let Some(inner) = first
        .strip_prefix("讲讲「")
        .and_then(|r| r.strip_suffix('」'))
    {
        return inner.to_string();
    }
    crate::core::text::truncate(first, 40)
}

/// Adds or updates the rows of one deck in `deck`, by key (nothing is removed: like Anki, an import
/// of cards only adds and updates). Rows of cards made by a filled template are skipped (they are
/// made from its answers). Returns how many rows were skipped.
pub fn merge(
    file: &str,
    deck: &mut Deck,
    rows: &[&Row],
    story_exists: &dyn Fn(&str) -> bool,
) -> Result<usize, RowError> {
    #[derive(Clone, Copy)]
    enum At {
        Question(usize),
        Cloze(usize),
        Basic(usize),
        Story(usize),
    }
    let mut index: HashMap<String, At> = HashMap::new();
    for (i, s) in deck.stories.iter().enumerate() {
        index.insert(s.recall_key(), At::Story(i));
    }
    for (i, q) in deck.questions.iter().enumerate() {
        index.insert(q.key.clone(), At::Question(i));
    }
    for (i, c) in deck.clozes.iter().enumerate() {
        index.insert(c.key.clone(), At::Cloze(i));
    }
    for (i, c) in deck.cards.iter().enumerate() {
        index.insert(c.key.clone(), At::Basic(i));
    }
    let mut removed: Vec<At> = Vec::new();
    let mut skipped = 0;
    for row in rows {
        let err = |reason: String| RowError {
            file: file.to_string(),
            line: row.line,
            reason,
        };
        if deck::filled_template_of(&deck.name, &deck.filled, &row.key).is_some() {
            skipped += 1;
            continue;
        }
        let local_story = |k: &str| deck_has_story(deck, k);
        let mut kind = row.kind;
        if kind == CardKind::Recall && !row.key.ends_with(".recall") {
            kind = CardKind::Basic;
        }
        let existing = index.get(&row.key).copied();
        let same_kind = matches!(
            (existing, kind),
            (Some(At::Question(_)), CardKind::Match)
                | (Some(At::Cloze(_)), CardKind::Cloze)
                | (Some(At::Basic(_)), CardKind::Basic)
                | (Some(At::Story(_)), CardKind::Recall)
        );
        if let (Some(at), false) = (existing, same_kind) {
            if let At::Story(_) = at {
                return Err(err(format!(
                    "{:?} is the recall card of a story; it cannot become a {} card",
                    row.key,
                    kind.as_str()
                )));
            }
            removed.push(at);
            index.remove(&row.key);
        }
        let at = if same_kind { existing } else { None };
        match kind {
            CardKind::Recall => {
                let story_key = row.key.trim_end_matches(".recall").to_string();
                if row.back.trim().is_empty() {
                    return Err(err(format!("story {story_key:?} has an empty text")));
                }
                match at {
                    Some(At::Story(i)) => {
                        let s = &mut deck.stories[i];
                        s.prompt = row.front.clone();
                        s.text = row.back.clone();
                        s.tags = row.tags.clone();
                    }
                    _ => {
                        if story_exists(&story_key) {
                            return Err(err(format!(
                                "story {story_key:?} belongs to another deck"
                            )));
                        }
                        deck.stories.push(deck::Story {
                            key: story_key,
                            number: None,
                            title: title_from_prompt(&row.front),
                            kind: StoryKind::Story,
                            source: Source::Written,
                            aliases: vec![],
                            prompt: row.front.clone(),
                            text: row.back.clone(),
                            written: None,
                            diagram: None,
                            points: vec![],
                            tags: row.tags.clone(),
                        });
                        index.insert(row.key.clone(), At::Story(deck.stories.len() - 1));
                    }
                }
            }
            CardKind::Match => {
                if let Some(a) = row
                    .answers
                    .iter()
                    .find(|a| !local_story(a) && !story_exists(a))
                {
                    return Err(err(format!("the question names unknown story {a:?}")));
                }
                let q = Question {
                    key: row.key.clone(),
                    text: row.front.clone(),
                    answers: row.answers.clone(),
                    why: row.back.clone(),
                    tags: row.tags.clone(),
                };
                match at {
                    Some(At::Question(i)) => deck.questions[i] = q,
                    _ => {
                        deck.questions.push(q);
                        index.insert(row.key.clone(), At::Question(deck.questions.len() - 1));
                    }
                }
            }
            CardKind::Cloze => {
                let story = row
                    .story
                    .clone()
                    .filter(|s| local_story(s) || story_exists(s));
                let c = Cloze {
                    key: row.key.clone(),
                    story,
                    text: row.front.clone(),
                    tags: row.tags.clone(),
                };
                match at {
                    Some(At::Cloze(i)) => deck.clozes[i] = c,
                    _ => {
                        deck.clozes.push(c);
                        index.insert(row.key.clone(), At::Cloze(deck.clozes.len() - 1));
                    }
                }
            }
            CardKind::Basic => {
                let b = Basic {
                    key: row.key.clone(),
                    front: row.front.clone(),
                    back: row.back.clone(),
                    tags: row.tags.clone(),
                };
                match at {
                    Some(At::Basic(i)) => deck.cards[i] = b,
                    _ => {
                        deck.cards.push(b);
                        index.insert(row.key.clone(), At::Basic(deck.cards.len() - 1));
                    }
                }
            }
        }
    }
    // Entries whose key moved to another kind: drop the old ones (by position, last first).
    let mut drop_q: Vec<usize> = Vec::new();
    let mut drop_c: Vec<usize> = Vec::new();
    let mut drop_b: Vec<usize> = Vec::new();
    for at in removed {
        match at {
            At::Question(i) => drop_q.push(i),
            At::Cloze(i) => drop_c.push(i),
            At::Basic(i) => drop_b.push(i),
            At::Story(_) => {}
        }
    }
    remove_at(&mut deck.questions, drop_q);
    remove_at(&mut deck.clozes, drop_c);
    remove_at(&mut deck.cards, drop_b);
    Ok(skipped)
}

fn deck_has_story(deck: &Deck, key: &str) -> bool {
    deck.stories.iter().any(|s| s.key == key)
}

fn remove_at<T>(list: &mut Vec<T>, mut positions: Vec<usize>) {
    positions.sort_unstable();
    positions.dedup();
    for i in positions.into_iter().rev() {
        list.remove(i);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(kind: CardKind, key: &str, front: &str, back: &str) -> Row {
        Row {
            line: 0,
            deck: "mine".into(),
            kind,
            key: key.into(),
            front: front.into(),
            back: back.into(),
            tags: vec![],
            story: None,
            answers: vec![],
        }
    }

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
        let e = parse_csv("d.csv", "front,key\na,k1\nb,k1\n", "d").unwrap_err();
        assert_eq!(
            e.to_string(),
            "d.csv:3: duplicate key \"k1\" (also on line 2)"
        );
        let e = parse_csv("d.csv", "deck,kind,front\nd,story,x\n", "d").unwrap_err();
        assert!(e.to_string().starts_with("d.csv:2: kind must be"), "{e}");
        let e = parse_csv("d.csv", "question,answer\nx,y\n", "d").unwrap_err();
        assert!(e.to_string().contains("no `front` column"), "{e}");
    }

    #[test]
    fn an_unterminated_quote_is_an_error_at_the_line_it_starts() {
        let text = "front,back\na,b\n\"never,ends\nc,d\ne,f\n";
        let e = parse_csv("d.csv", text, "d").unwrap_err();
        assert_eq!((e.line, e.file.as_str()), (3, "d.csv"), "{e}");
        assert!(e.reason.contains("never ends"), "{e}");
        // Quotes inside a field, and doubled quotes, are not openings.
        assert!(parse_csv("d.csv", "front,back\nsa\"id,\"x \"\"y\"\"\"\n", "d").is_ok());
        let anki = "#separator:tab\n#html:false\nok\tfine\n\"open\tfield\nmore\n";
        let e = parse_anki("d.txt", anki, "d").unwrap_err();
        assert_eq!(e.line, 4, "{e}");
    }

    #[test]
    fn csv_round_trips_with_quoting_and_newlines() {
        let mut q = row(CardKind::Match, "mine.q1", "a, \"b\"\nc", "why");
        q.answers = vec!["sharding".into()];
        q.story = Some("sharding".into());
        let mut b = row(CardKind::Basic, "mine.b1", "front", "");
        b.tags = vec!["x".into(), "y".into()];
        let rows = vec![q, b];
        let text = to_csv(&rows);
        assert!(text.starts_with("deck,kind,front,back,tags,key,story,answers\n"));
        let mut back = parse_csv("x.csv", &text, "d").unwrap();
        assert_eq!((back[0].line, back[1].line), (2, 4));
        for r in &mut back {
            r.line = 0;
        }
        assert_eq!(back, rows);
    }

    #[test]
    fn formats_are_detected_from_content() {
        assert_eq!(detect("#separator:tab\n#html:true\n"), Format::Anki);
        assert_eq!(
            detect("# storydrill deck\n[deck]\nname = \"x\"\n"),
            Format::Toml
        );
        assert_eq!(detect("deck,kind,front,back\n"), Format::Csv);
        assert_eq!(detect("front\tback\n"), Format::Anki);
    }

    #[test]
    fn deck_names_from_anki() {
        assert_eq!(deck_name("storydrill::mine"), "mine");
        assert_eq!(deck_name("Japanese::Vocab 1"), "Japanese.Vocab-1");
        assert_eq!(deck_name(""), "imported");
    }

    #[test]
    fn merge_adds_and_updates_by_key() {
        let mut deck = Deck {
            name: "mine".into(),
            title: String::new(),
            stories: vec![],
            questions: vec![],
            clozes: vec![],
            cards: vec![Basic {
                key: "mine.b1".into(),
                front: "old".into(),
                back: String::new(),
                tags: vec![],
            }],
            filled: vec![],
        };
        let b = row(CardKind::Basic, "mine.b1", "new", "");
        let r = row(
            CardKind::Recall,
            "mine-26.recall",
            "讲讲「缓存被删」",
            "我们…",
        );
        let c = row(CardKind::Cloze, "mine.b2", "{{c1::x}}", "");
        merge("f", &mut deck, &[&b, &r, &c], &|_| false).unwrap();
        assert_eq!(deck.cards[0].front, "new");
        assert_eq!(deck.stories[0].title, "缓存被删");
        assert_eq!(deck.stories[0].key, "mine-26");
        // The same key as another kind moves.
        let b2 = row(CardKind::Basic, "mine.b2", "plain now", "");
        merge("f", &mut deck, &[&b2], &|_| false).unwrap();
        assert!(deck.clozes.is_empty());
        assert_eq!(deck.cards.len(), 2);
        let mut q = row(CardKind::Match, "mine.q", "?", "");
        q.answers = vec!["nowhere".into()];
        q.line = 9;
        let e = merge("f", &mut deck, &[&q], &|_| false).unwrap_err();
        assert_eq!(
            e.to_string(),
            "f:9: the question names unknown story \"nowhere\""
        );
    }
}
