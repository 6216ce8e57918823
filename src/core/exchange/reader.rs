//! Reading a card file row by row from a stream, so an import holds one batch of rows, never the
//! whole file (issue 13: 100,000 notes of 400 characters are a 116 MB file). Two passes: `check`
//! reads the file once for what the csv reader cannot report (a quoted field that never ends would
//! make it take the rest of the file as one field), then `CardReader` yields its rows.

use std::io::{BufRead, Cursor, Read};

use super::anki::{anki_row, AnkiHeader};
use super::csv::{csv_row, CsvColumns};
use super::{Format, Row, RowError, MESSAGE_CHARS};

/// What a row error says when the bytes are not UTF-8 (as for every other file storydrill reads).
pub(crate) const NOT_UTF8: &str = "the file is not UTF-8 text";

pub(crate) fn row_error(file: &str, line: usize, reason: &str) -> RowError {
    RowError {
        file: file.to_string(),
        line,
        reason: crate::core::text::clip(reason, MESSAGE_CHARS),
    }
}

/// The first pass over a card file: a quoted field that never ends is an error at the line it
/// starts, before any row is used. Reads the file a buffer at a time.
pub fn check<R: BufRead>(file: &str, format: Format, mut reader: R) -> Result<(), RowError> {
    let (mut scan, lines_before) = match format {
        Format::Anki => {
            let (header, first) = AnkiHeader::read(file, &mut reader)?;
            let mut scan = QuoteScan::new(header.separator);
            scan.feed(&first);
            (scan, header.lines)
        }
        _ => (QuoteScan::new(b','), 0),
    };
    loop {
        let buf = reader
            .fill_buf()
            .map_err(|e| row_error(file, scan.line, &format!("could not read the file ({e})")))?;
        if buf.is_empty() {
            break;
        }
        let n = buf.len();
        scan.feed(buf);
        reader.consume(n);
    }
    match scan.finish() {
        Some(line) => Err(row_error(
            file,
            line + lines_before,
            "a quoted field starts here and never ends (a \" is missing)",
        )),
        None => Ok(()),
    }
}

/// Where a quoted field that never ends begins, fed the text a piece at a time. Quotes count as
/// the csv reader counts them: a field that starts with `"` is quoted, `""` inside it is a quote,
/// and a `"` elsewhere is text.
pub(crate) struct QuoteScan {
    separator: u8,
    line: usize,
    at_field_start: bool,
    /// The line of the quote that opened the field being read, while it is open.
    open: Option<usize>,
    /// A `"` inside a quoted field, not yet known to close it or to be the first of `""`.
    quote_pending: bool,
}

impl QuoteScan {
    pub(crate) fn new(separator: u8) -> QuoteScan {
        QuoteScan {
            separator,
            line: 1,
            at_field_start: true,
            open: None,
            quote_pending: false,
        }
    }

    pub(crate) fn feed(&mut self, bytes: &[u8]) {
        for &b in bytes {
            if self.open.is_some() {
                if !self.quote_pending {
                    match b {
                        b'"' => self.quote_pending = true,
                        b'\n' => self.line += 1,
                        _ => {}
                    }
                    continue;
                }
                self.quote_pending = false;
                if b == b'"' {
                    continue;
                }
                // The pending quote closed the field; this byte is outside it.
                self.open = None;
                self.at_field_start = false;
            }
            if self.at_field_start && b == b'"' {
                self.open = Some(self.line);
                continue;
            }
            match b {
                b'\n' => {
                    self.line += 1;
                    self.at_field_start = true;
                }
                b if b == self.separator => self.at_field_start = true,
                _ => self.at_field_start = false,
            }
        }
    }

    /// The line where the unterminated quoted field starts, if the text ended inside one.
    pub(crate) fn finish(&self) -> Option<usize> {
        if self.quote_pending {
            None
        } else {
            self.open
        }
    }
}

/// How the fields of a record become a row.
enum Shape {
    Anki(AnkiHeader),
    Csv(CsvColumns),
}

/// A card file's rows, one at a time. Keys are not checked for repeats here: a file may have more
/// rows than memory should hold keys, so the import checks them as it writes them.
pub struct CardReader<R: Read> {
    file: String,
    shape: Shape,
    default_deck: String,
    records: csv::Reader<std::io::Chain<Cursor<Vec<u8>>, R>>,
    record: csv::StringRecord,
    /// Lines before the csv reader's first (an Anki file's header lines).
    lines_before: usize,
    /// Bytes before the csv reader's first.
    bytes_before: u64,
}

impl<R: BufRead> CardReader<R> {
    /// Reads the header (Anki's `#` lines, or CSV's header row) and stands before the first row.
    pub fn new(
        file: &str,
        format: Format,
        mut reader: R,
        default_deck: &str,
    ) -> Result<CardReader<R>, RowError> {
        let (shape, first, lines_before, bytes_before, separator, default_deck) = match format {
            Format::Anki => {
                let (header, first) = AnkiHeader::read(file, &mut reader)?;
                let deck = header.default_deck(default_deck);
                let (lines, bytes, sep) = (header.lines, header.bytes, header.separator);
                (Shape::Anki(header), first, lines, bytes, sep, deck)
            }
            _ => (
                Shape::Csv(CsvColumns::default()),
                Vec::new(),
                0,
                0,
                b',',
                default_deck.to_string(),
            ),
        };
        let records = csv::ReaderBuilder::new()
            .delimiter(separator)
            .has_headers(false)
            .flexible(true)
            .from_reader(Cursor::new(first).chain(reader));
        let mut out = CardReader {
            file: file.to_string(),
            shape,
            default_deck,
            records,
            record: csv::StringRecord::new(),
            lines_before,
            bytes_before,
        };
        if let Shape::Csv(_) = out.shape {
            let got = out.read_record()?;
            if !got {
                return Err(row_error(file, 1, "the header row has no `front` column"));
            }
            let columns = CsvColumns::from_header(&out.record)
                .map_err(|reason| row_error(file, 1, &reason))?;
            out.shape = Shape::Csv(columns);
        }
        Ok(out)
    }

    /// How far into the file the rows read so far reach, in bytes (for a progress bar).
    pub fn bytes_read(&self) -> u64 {
        self.bytes_before + self.records.position().byte()
    }

    /// The next row, or None at the end of the file. Blank rows are skipped.
    pub fn next_row(&mut self) -> Result<Option<Row>, RowError> {
        loop {
            if !self.read_record()? {
                return Ok(None);
            }
            if self.record.iter().all(|f| f.trim().is_empty()) {
                continue;
            }
            let line = self.line();
            let row = match &self.shape {
                Shape::Anki(header) => anki_row(header, &self.record, line, &self.default_deck),
                Shape::Csv(columns) => csv_row(columns, &self.record, line, &self.default_deck),
            };
            return row.map(Some).map_err(|r| row_error(&self.file, line, &r));
        }
    }

    fn line(&self) -> usize {
        self.record.position().map_or(0, |p| p.line() as usize) + self.lines_before
    }

    fn read_record(&mut self) -> Result<bool, RowError> {
        self.records.read_record(&mut self.record).map_err(|e| {
            let line = e.position().map_or(0, |p| p.line() as usize) + self.lines_before;
            let reason = match e.kind() {
                csv::ErrorKind::Utf8 { .. } => NOT_UTF8.to_string(),
                csv::ErrorKind::Io(io) => format!("could not read the file ({io})"),
                _ => format!("not a valid row ({e})"),
            };
            row_error(&self.file, line, &reason)
        })
    }
}

/// All rows of a card file held in memory: its two passes, collected.
pub fn read_all(
    file: &str,
    format: Format,
    text: &str,
    default_deck: &str,
) -> Result<Vec<Row>, RowError> {
    check(file, format, text.as_bytes())?;
    let mut reader = CardReader::new(file, format, text.as_bytes(), default_deck)?;
    let mut rows = Vec::new();
    while let Some(row) = reader.next_row()? {
        rows.push(row);
    }
    Ok(rows)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn unterminated(text: &str, separator: u8) -> Option<usize> {
        let mut scan = QuoteScan::new(separator);
        scan.feed(text.as_bytes());
        scan.finish()
    }

    #[test]
    fn quotes_are_scanned_as_the_csv_reader_reads_them() {
        assert_eq!(unterminated("a,b\n\"never,ends\nc\n", b','), Some(2));
        assert_eq!(unterminated("sa\"id,\"x \"\"y\"\"\"\n", b','), None);
        assert_eq!(unterminated("\"ends at the end\"", b','), None);
        assert_eq!(unterminated("\"a\"\"", b','), Some(1));
        assert_eq!(unterminated("x\t\"two\nlines\"\t\"open", b'\t'), Some(2));
    }

    #[test]
    fn the_scan_is_the_same_in_any_pieces() {
        let text = "a,\"b \"\"c\"\"\nd\",e\n\"f\n\"\"\ng,h\n";
        let whole = unterminated(text, b',');
        for cut in 0..text.len() {
            let mut scan = QuoteScan::new(b',');
            scan.feed(&text.as_bytes()[..cut]);
            scan.feed(&text.as_bytes()[cut..]);
            assert_eq!(scan.finish(), whole, "cut at {cut}");
        }
    }

    #[test]
    fn rows_come_one_at_a_time_with_their_lines() {
        let text = "#separator:tab\n#html:false\nfront one\tback\n\t\nfront two\tback\n";
        let mut reader = CardReader::new("f.txt", Format::Anki, text.as_bytes(), "d").unwrap();
        let first = reader.next_row().unwrap().unwrap();
        assert_eq!((first.front.as_str(), first.line), ("front one", 3));
        let at = reader.bytes_read();
        assert!(at > 0 && at <= text.len() as u64, "{at}");
        let second = reader.next_row().unwrap().unwrap();
        assert_eq!((second.front.as_str(), second.line), ("front two", 5));
        assert_eq!(reader.next_row().unwrap(), None);
    }

    #[test]
    fn bytes_that_are_not_utf8_are_an_error_at_their_line() {
        let bytes = b"front,back\nok,fine\nbad \xff,x\n";
        let mut reader = CardReader::new("f.csv", Format::Csv, &bytes[..], "d").unwrap();
        assert!(reader.next_row().unwrap().is_some());
        let e = reader.next_row().unwrap_err();
        assert_eq!(e.to_string(), "f.csv:3: the file is not UTF-8 text");
        let e = CardReader::new("f.txt", Format::Anki, &b"#html:\xfe\n"[..], "d")
            .err()
            .unwrap();
        assert_eq!(e.to_string(), "f.txt:1: the file is not UTF-8 text");
    }
}
