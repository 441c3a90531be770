//! Reading a CSV file into a header and rows of text fields, with the line of each row.

use crate::{Error, Result};
use std::path::{Path, PathBuf};

/// The text of a CSV file: a header and data rows of the header's width.
pub(crate) struct RawTable {
    pub(crate) path: PathBuf,
    pub(crate) header: Vec<String>,
    pub(crate) header_line: u64,
    /// Data rows, blank lines left out.
    pub(crate) rows: Vec<RawRow>,
}

/// One data row and the 1-based line it starts on.
pub(crate) struct RawRow {
    pub(crate) line: u64,
    pub(crate) fields: Vec<String>,
}

/// An [`Error::Csv`].
pub(crate) fn csv_error(
    path: &Path,
    line: Option<u64>,
    column: Option<String>,
    message: impl Into<String>,
) -> Error {
    Error::Csv {
        path: path.to_path_buf(),
        line,
        column,
        message: message.into(),
    }
}

/// How a column is named in messages: its 1-based number and its header name.
pub(crate) fn column_label(index: usize, name: &str) -> String {
    format!("{} ({name})", index + 1)
}

/// Reads the file at `path` whole.
///
/// # Errors
///
/// [`Error::Io`] if the file cannot be read (missing, a directory, no permission).
pub(crate) fn read_file(path: &Path) -> Result<Vec<u8>> {
    // Limitation: the whole file is read into memory before parsing; CSV input is not
    // streamed, so a file must fit in RAM.
    std::fs::read(path).map_err(|source| Error::io(path, source))
}

/// Splits `bytes` (the contents of `path`) into a header and data rows.
///
/// # Errors
///
/// [`Error::Csv`] for an empty file, a header without rows, an empty or repeated column
/// name, a row of another width than the header, text that is not UTF-8, and malformed CSV.
pub(crate) fn read_table(path: &Path, bytes: &[u8], delimiter: u8) -> Result<RawTable> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let mut reader = ::csv::ReaderBuilder::new()
        .has_headers(false)
        .delimiter(delimiter)
        .flexible(true)
        .from_reader(bytes);

    let mut header: Option<(u64, Vec<String>)> = None;
    let mut rows = Vec::new();
    let mut record = ::csv::ByteRecord::new();
    let mut lines = LineCounter::new(bytes);
    loop {
        // The csv crate's own record positions miscount lines after CRLF endings and blank
        // lines, so the line is found from where the previous record ended instead.
        let line = lines.line_of_next_record(reader.position().byte());
        match reader.read_byte_record(&mut record) {
            Ok(false) => break,
            Ok(true) => {}
            Err(error) => {
                return Err(csv_error(
                    path,
                    Some(line),
                    None,
                    format!("malformed CSV: {error}"),
                ));
            }
        }
        if record.len() <= 1 && record.iter().all(|field| field.trim_ascii().is_empty()) {
            continue;
        }
        match &header {
            None => header = Some((line, read_header(path, line, &record)?)),
            Some((_, names)) => rows.push(read_row(path, line, &record, names)?),
        }
    }

    let Some((header_line, header)) = header else {
        return Err(csv_error(
            path,
            Some(1),
            None,
            "the file is empty; expected a header row of column names",
        ));
    };
    if rows.is_empty() {
        return Err(csv_error(
            path,
            Some(header_line + 1),
            None,
            format!("expected data rows after the header on line {header_line}, found none"),
        ));
    }
    Ok(RawTable {
        path: path.to_path_buf(),
        header,
        header_line,
        rows,
    })
}

/// Finds 1-based line numbers from byte offsets, counting newlines incrementally.
struct LineCounter<'a> {
    bytes: &'a [u8],
    counted_to: usize,
    newlines: u64,
}

impl<'a> LineCounter<'a> {
    fn new(bytes: &'a [u8]) -> Self {
        LineCounter {
            bytes,
            counted_to: 0,
            newlines: 0,
        }
    }

    /// The line of the record that starts at the first byte at or after `end_of_previous`
    /// that is not a line ending (the parser skips empty lines).
    fn line_of_next_record(&mut self, end_of_previous: u64) -> u64 {
        let mut start = (end_of_previous as usize).min(self.bytes.len());
        while start < self.bytes.len() && matches!(self.bytes[start], b'\r' | b'\n') {
            start += 1;
        }
        let start = start.max(self.counted_to);
        self.newlines += self.bytes[self.counted_to..start]
            .iter()
            .filter(|&&byte| byte == b'\n')
            .count() as u64;
        self.counted_to = start;
        self.newlines + 1
    }
}

/// The text of a field: UTF-8, with surrounding spaces removed. A field that starts with
/// spaces and then a quote (`a, "b"`) is not seen as quoted by the CSV parser, which only
/// honours a quote at the very start of a field, so its quotes are removed here.
fn text(path: &Path, line: u64, column: Option<String>, field: &[u8]) -> Result<String> {
    let raw = std::str::from_utf8(field).map_err(|_| {
        csv_error(
            path,
            Some(line),
            column,
            "the text is not valid UTF-8; expected a UTF-8 file",
        )
    })?;
    let trimmed = raw.trim();
    let spaced_quote = raw.len() != raw.trim_start().len()
        && trimmed.len() >= 2
        && trimmed.starts_with('"')
        && trimmed.ends_with('"');
    if spaced_quote {
        Ok(trimmed[1..trimmed.len() - 1].replace("\"\"", "\""))
    } else {
        Ok(trimmed.to_string())
    }
}

fn read_header(path: &Path, line: u64, record: &::csv::ByteRecord) -> Result<Vec<String>> {
    let mut names: Vec<String> = Vec::with_capacity(record.len());
    for (index, field) in record.iter().enumerate() {
        let number = (index + 1).to_string();
        let name = text(path, line, Some(number.clone()), field)?;
        let name = name.as_str();
        if name.is_empty() {
            return Err(csv_error(
                path,
                Some(line),
                Some(number),
                "the header has an empty column name; expected a name for every column \
                 (an unnamed index column should be removed)",
            ));
        }
        if let Some(first) = names.iter().position(|seen| seen == name) {
            return Err(csv_error(
                path,
                Some(line),
                Some(column_label(index, name)),
                format!(
                    "column name \"{name}\" repeats column {}; expected unique names",
                    first + 1
                ),
            ));
        }
        names.push(name.to_string());
    }
    Ok(names)
}

fn read_row(
    path: &Path,
    line: u64,
    record: &::csv::ByteRecord,
    header: &[String],
) -> Result<RawRow> {
    let width = header.len();
    if record.len() != width {
        let first_odd = record.len().min(width);
        let column = match header.get(first_odd) {
            Some(name) => column_label(first_odd, name),
            None => (first_odd + 1).to_string(),
        };
        let problem = if record.len() < width {
            "too few"
        } else {
            "too many"
        };
        return Err(csv_error(
            path,
            Some(line),
            Some(column),
            format!(
                "the row has {} fields, {problem}; expected {width} as in the header",
                record.len()
            ),
        ));
    }

    let fields = record
        .iter()
        .zip(header)
        .enumerate()
        .map(|(index, (field, name))| text(path, line, Some(column_label(index, name)), field))
        .collect::<Result<_>>()?;
    Ok(RawRow { line, fields })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table(text: &str) -> Result<RawTable> {
        read_table(Path::new("t.csv"), text.as_bytes(), b',')
    }

    #[test]
    fn bom_crlf_quotes_spaces_and_blank_lines_are_accepted() -> Result<()> {
        let text = "\u{feff}a, \"b\",c\r\n1, 2,\"3\"\r\n\r\n4,5 ,6\r\n  \r\n\r\n";

        let parsed = table(text)?;

        assert_eq!(parsed.header, vec!["a", "b", "c"]);
        let lines: Vec<u64> = parsed.rows.iter().map(|row| row.line).collect();
        assert_eq!(lines, vec![2, 4]);
        assert_eq!(parsed.rows[1].fields, vec!["4", "5", "6"]);
        Ok(())
    }

    #[test]
    fn empty_column_name_is_rejected() {
        let error = table("a,,y\n1,2,3\n").err().map(|e| e.to_string());

        assert!(error
            .is_some_and(|message| message
                .starts_with("t.csv:1: column 2: the header has an empty column name")));
    }

    #[test]
    fn whitespace_only_file_is_empty() {
        let error = table("\n  \n\r\n").err().map(|e| e.to_string());

        assert_eq!(
            error.as_deref(),
            Some("t.csv:1: the file is empty; expected a header row of column names")
        );
    }

    #[test]
    fn repeated_column_name_is_rejected() {
        let error = table("a,b,a\n1,2,3\n").err().map(|e| e.to_string());

        assert_eq!(
            error.as_deref(),
            Some(
                "t.csv:1: column 3 (a): column name \"a\" repeats column 1; expected unique names"
            )
        );
    }

    #[test]
    fn invalid_utf8_is_rejected_with_its_place() {
        let bytes = b"a,b\n1,\xff\n";

        let error = read_table(Path::new("t.csv"), bytes, b',')
            .err()
            .map(|e| e.to_string());

        assert_eq!(
            error.as_deref(),
            Some("t.csv:2: column 2 (b): the text is not valid UTF-8; expected a UTF-8 file")
        );
    }
}
