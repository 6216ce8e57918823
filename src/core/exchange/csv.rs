//! CSV with a header row `deck,kind,front,back,tags,key,story,answers`, for spreadsheets.

use super::anki::anki_tag;
use super::rows::{check_unique, row_from_parts, RowParts};
use super::{Row, RowError, MESSAGE_CHARS};
use crate::core::model::CardKind;

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
            &super::back_with_points(r),
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

/// The line where a quoted field that never ends begins (the csv reader would take the rest of
/// the file as that one field). Quotes count as the reader counts them: a field that starts with
/// `"` is quoted, `""` inside it is a quote, and a `"` elsewhere is text.
pub(crate) fn unterminated_quote(text: &str, separator: u8) -> Option<usize> {
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
                    format!(
                        "kind must be match, recall, cloze, basic or followup, got {kind_text:?}"
                    ),
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::exchange::parse_anki;
    use crate::core::exchange::test_row as row;

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
}
