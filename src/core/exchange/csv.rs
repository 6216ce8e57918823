//! CSV with a header row `deck,kind,front,back,tags,key,story,answers`, for spreadsheets.

use super::anki::anki_tag;
use super::rows::{row_from_parts, RowParts};
use super::{Row, RowError};
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

/// Reads CSV with a header row; `front` is required, the other columns (`deck`, `kind`, `back`,
/// `tags`, `key`, `story`, `answers`) are optional. This reads a text held in memory; the import
/// streams the file (`CardReader`).
pub fn parse_csv(file: &str, text: &str, default_deck: &str) -> Result<Vec<Row>, RowError> {
    super::reader::read_all(file, super::Format::Csv, text, default_deck)
}

/// Which column holds what, from the header row.
#[derive(Default)]
pub(crate) struct CsvColumns {
    front: usize,
    deck: Option<usize>,
    kind: Option<usize>,
    back: Option<usize>,
    tags: Option<usize>,
    key: Option<usize>,
    story: Option<usize>,
    answers: Option<usize>,
}

impl CsvColumns {
    pub(crate) fn from_header(header: &csv::StringRecord) -> Result<CsvColumns, String> {
        let headers: Vec<String> = header.iter().map(|h| h.trim().to_lowercase()).collect();
        let col = |name: &str| headers.iter().position(|h| h == name);
        let Some(front) = col("front") else {
            return Err("the header row has no `front` column".into());
        };
        Ok(CsvColumns {
            front,
            deck: col("deck"),
            kind: col("kind"),
            back: col("back"),
            tags: col("tags"),
            key: col("key"),
            story: col("story"),
            answers: col("answers"),
        })
    }
}

/// One record of a CSV file as a row.
pub(crate) fn csv_row(
    c: &CsvColumns,
    record: &csv::StringRecord,
    line: usize,
    default_deck: &str,
) -> Result<Row, String> {
    let cell = |c: Option<usize>| c.and_then(|c| record.get(c)).unwrap_or("").to_string();
    let kind_text = cell(c.kind).trim().to_lowercase();
    let kind = if kind_text.is_empty() {
        None
    } else {
        Some(CardKind::parse(&kind_text).ok_or_else(|| {
            format!("kind must be match, recall, cloze, basic or followup, got {kind_text:?}")
        })?)
    };
    let deck = match cell(c.deck).trim() {
        "" => default_deck.to_string(),
        d => d.to_string(),
    };
    let front = cell(Some(c.front));
    row_from_parts(RowParts {
        line,
        deck,
        key: c.key.map(|_| cell(c.key)),
        is_cloze: kind.is_none() && crate::core::cloze::check(&front).is_ok(),
        front,
        back: cell(c.back),
        tags: cell(c.tags)
            .split_whitespace()
            .map(str::to_string)
            .collect(),
        kind,
        story: Some(cell(c.story)),
        answers: cell(c.answers)
            .split_whitespace()
            .map(str::to_string)
            .collect(),
    })
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
