//! Reading the user's CSV files through the library's strict loader, with the options of
//! the command line.

use crate::args::{self, Missing};
use crate::commands::BadInput;
use anyhow::Result;
use gluon_rs::data::{CsvDataset, CsvOptions, LabelColumn, LabelMapping, MissingValues};

/// The library's options from the command line's.
///
/// `--label` is a column name, or a 1-based column number when it is a positive integer.
pub fn options(cli: &args::CsvOptions) -> Result<CsvOptions> {
    let mut options = CsvOptions::new()
        .with_delimiter(delimiter(cli.delimiter)?)
        .with_missing(missing_values(cli.missing));
    if let Some(label) = &cli.label {
        options = options.with_label(label_column(label)?);
    }
    if let Some(positive) = &cli.positive {
        options = options.with_positive(positive.clone());
    }
    Ok(options)
}

/// The library's handling of missing values for `--missing`.
pub fn missing_values(missing: Missing) -> MissingValues {
    match missing {
        Missing::Error => MissingValues::Error,
        Missing::Drop => MissingValues::DropRows,
    }
}

/// The line reporting rows dropped for missing values (the first ten line numbers), if any.
pub fn describe_dropped(data: &CsvDataset) -> Option<String> {
    let dropped = data.dropped_lines();
    if dropped.is_empty() {
        return None;
    }
    let shown: Vec<String> = dropped.iter().take(10).map(u64::to_string).collect();
    let more = if dropped.len() > 10 { ", ..." } else { "" };
    let (rows, lines) = if dropped.len() == 1 {
        ("row", "line")
    } else {
        ("rows", "lines")
    };
    Some(format!(
        "dropped {} {rows} with missing values ({lines} {}{more})",
        dropped.len(),
        shown.join(", ")
    ))
}

/// The options that read another file (validation or evaluation rows) exactly as the
/// training file was read: the same feature columns by name, the same label column and the
/// same positive value.
pub fn matching_options(
    delimiter_char: char,
    features: &[String],
    mapping: &LabelMapping,
) -> Result<CsvOptions> {
    let mut options = CsvOptions::new()
        .with_delimiter(delimiter(delimiter_char)?)
        .with_features(features.to_vec())
        .with_label(LabelColumn::Name(mapping.column.clone()));
    if mapping.mapped {
        options = options.with_positive(mapping.positive.clone());
    }
    Ok(options)
}

/// The delimiter as the one byte the reader needs.
pub fn delimiter(delimiter: char) -> Result<u8> {
    u8::try_from(delimiter)
        .ok()
        .filter(u8::is_ascii)
        .ok_or_else(|| {
            BadInput(format!(
                "--delimiter '{delimiter}' is not a single ASCII character"
            ))
            .into()
        })
}

fn label_column(label: &str) -> Result<LabelColumn> {
    match label.parse::<usize>() {
        Ok(0) => Err(BadInput("--label 0: column numbers start at 1".to_string()).into()),
        Ok(number) => Ok(LabelColumn::Index(number - 1)),
        Err(_) => Ok(LabelColumn::Name(label.to_string())),
    }
}

/// One line describing how the labels were read, for the training report.
pub fn describe_mapping(mapping: &LabelMapping) -> String {
    if mapping.mapped {
        let negative = mapping.negative.as_deref().unwrap_or("(absent)");
        format!(
            "label \"{}\": \"{}\" -> 1, \"{negative}\" -> 0",
            mapping.column, mapping.positive
        )
    } else {
        format!("label \"{}\" (0/1)", mapping.column)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numeric_label_is_a_one_based_column_number() -> Result<()> {
        assert_eq!(label_column("3")?, LabelColumn::Index(2));
        assert_eq!(label_column("vote")?, LabelColumn::Name("vote".into()));
        assert!(label_column("0").is_err());
        Ok(())
    }

    #[test]
    fn non_ascii_delimiter_is_refused() {
        assert!(delimiter('é').is_err());
        assert_eq!(delimiter(';').ok(), Some(b';'));
    }
}
