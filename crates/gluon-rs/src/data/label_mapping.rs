//! [`LabelMapping`]: how a label column's values became 0 and 1.

use super::csv_reader::csv_error;
use crate::Result;
use serde::{Deserialize, Serialize};
use std::fmt;
use std::path::Path;

/// How the values of a binary label column were read as 0 and 1.
///
/// Labels written `0`/`1` (or `0.0`/`1.0`) are used as they are (`mapped` is false). Any
/// other two values are mapped only when the caller names the positive one: it becomes 1
/// and the other value 0. Saved next to a model, the mapping lets later files be read the
/// same way (pass [`positive`](LabelMapping::positive) to
/// [`CsvOptions::with_positive`](super::CsvOptions::with_positive)).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LabelMapping {
    /// The label column's header name.
    pub column: String,
    /// The value read as 1, as first written in the file (`"1"` when not mapped).
    pub positive: String,
    /// The value read as 0, or `None` when the column held only the positive value.
    pub negative: Option<String>,
    /// Whether the values were mapped (false: they were already 0 and 1).
    pub mapped: bool,
}

impl fmt::Display for LabelMapping {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        if !self.mapped {
            return write!(
                formatter,
                "label \"{}\": 0 and 1 used as they are",
                self.column
            );
        }
        write!(
            formatter,
            "label \"{}\": \"{}\" -> 1",
            self.column, self.positive
        )?;
        match &self.negative {
            Some(negative) => write!(formatter, ", \"{negative}\" -> 0"),
            None => write!(formatter, " (no other value present)"),
        }
    }
}

/// A label value, compared as a number when it reads as one (`1` equals `1.0`).
#[derive(Debug, Clone, PartialEq)]
enum Key {
    Number(f64),
    Text(String),
}

impl Key {
    fn of(text: &str) -> Key {
        match text.parse::<f64>() {
            // Adding 0.0 turns -0.0 into 0.0, so both spellings are one class.
            Ok(number) if number.is_finite() => Key::Number(number + 0.0),
            _ => Key::Text(text.to_string()),
        }
    }

    fn is_binary_number(&self) -> bool {
        matches!(self, Key::Number(number) if *number == 0.0 || *number == 1.0)
    }
}

/// One distinct value of the column: its key, its first spelling and the line it is on.
struct Distinct {
    key: Key,
    text: String,
    line: u64,
}

/// The label column being encoded: where it is, for messages.
pub(crate) struct LabelColumnRef<'a> {
    pub(crate) path: &'a Path,
    /// The column as messages name it (number and header name).
    pub(crate) label: String,
    pub(crate) name: &'a str,
}

/// Turns the label cells (line, text; none missing) into 0/1 values.
///
/// # Errors
///
/// [`crate::Error::Csv`] when the column is not binary, or not 0/1 and no positive value
/// is named, or the named positive value does not occur.
pub(crate) fn encode_labels(
    column: &LabelColumnRef<'_>,
    cells: &[(u64, &str)],
    positive: Option<&str>,
) -> Result<(Vec<f32>, LabelMapping)> {
    let keys: Vec<Key> = cells.iter().map(|(_, text)| Key::of(text)).collect();
    let mut distinct: Vec<Distinct> = Vec::new();
    for (key, (line, text)) in keys.iter().zip(cells) {
        if !distinct.iter().any(|seen| &seen.key == key) {
            distinct.push(Distinct {
                key: key.clone(),
                text: text.to_string(),
                line: *line,
            });
        }
    }

    let (positive_key, mapping) = match positive {
        None => identity_mapping(column, &distinct)?,
        Some(positive) => named_mapping(column, &distinct, positive)?,
    };
    let labels = keys
        .iter()
        .map(|key| if *key == positive_key { 1.0 } else { 0.0 })
        .collect();
    Ok((labels, mapping))
}

fn identity_mapping(
    column: &LabelColumnRef<'_>,
    distinct: &[Distinct],
) -> Result<(Key, LabelMapping)> {
    let error = |line: Option<u64>, message: String| {
        Err(csv_error(
            column.path,
            line,
            Some(column.label.clone()),
            message,
        ))
    };
    let odd: Vec<&Distinct> = distinct
        .iter()
        .filter(|d| !d.key.is_binary_number())
        .collect();

    if let Some(first_odd) = odd.first() {
        let has_both = distinct.iter().filter(|d| d.key.is_binary_number()).count() == 2;
        if has_both {
            return error(
                Some(first_odd.line),
                format!(
                    "label \"{}\" is neither 0 nor 1; expected one of the two classes 0 and 1",
                    first_odd.text
                ),
            );
        }
        if distinct.len() > 2 {
            return error(Some(distinct[2].line), too_many_values(distinct));
        }
        let example = &distinct[0].text;
        let found = match distinct {
            [only] => format!("every label is \"{}\"", only.text),
            [first, second, ..] => {
                format!("the labels are \"{}\" and \"{}\"", first.text, second.text)
            }
            [] => String::from("there are no labels"),
        };
        return error(
            None,
            format!(
                "{found}, not 0 and 1; name the positive value (for example positive = \
                 \"{example}\") to read it as 1 and the other value as 0"
            ),
        );
    }

    let mapping = LabelMapping {
        column: column.name.to_string(),
        positive: "1".to_string(),
        negative: Some("0".to_string()),
        mapped: false,
    };
    Ok((Key::Number(1.0), mapping))
}

fn named_mapping(
    column: &LabelColumnRef<'_>,
    distinct: &[Distinct],
    positive: &str,
) -> Result<(Key, LabelMapping)> {
    let error = |line: Option<u64>, message: String| {
        Err(csv_error(
            column.path,
            line,
            Some(column.label.clone()),
            message,
        ))
    };
    if distinct.len() > 2 {
        return error(Some(distinct[2].line), too_many_values(distinct));
    }
    let positive_key = Key::of(positive);
    let Some(found) = distinct.iter().find(|d| d.key == positive_key) else {
        let values: Vec<String> = distinct.iter().map(|d| format!("\"{}\"", d.text)).collect();
        return error(
            None,
            format!(
                "the positive value \"{positive}\" does not occur; the label values are {}",
                values.join(" and ")
            ),
        );
    };

    let negative = distinct
        .iter()
        .find(|d| d.key != positive_key)
        .map(|d| d.text.clone());
    let mapped =
        !(found.key == Key::Number(1.0) && distinct.iter().all(|d| d.key.is_binary_number()));
    let mapping = LabelMapping {
        column: column.name.to_string(),
        positive: found.text.clone(),
        negative,
        mapped,
    };
    Ok((positive_key, mapping))
}

fn too_many_values(distinct: &[Distinct]) -> String {
    const SHOWN: usize = 6;
    let mut values: Vec<String> = distinct
        .iter()
        .take(SHOWN)
        .map(|d| format!("\"{}\"", d.text))
        .collect();
    if distinct.len() > SHOWN {
        values.push("...".to_string());
    }
    format!(
        "the label column has {} distinct values ({}); expected two classes for binary \
         classification",
        distinct.len(),
        values.join(", ")
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn encode(values: &[&str], positive: Option<&str>) -> Result<(Vec<f32>, LabelMapping)> {
        let column = LabelColumnRef {
            path: Path::new("l.csv"),
            label: "3 (y)".to_string(),
            name: "y",
        };
        let cells: Vec<(u64, &str)> = values
            .iter()
            .enumerate()
            .map(|(i, text)| (i as u64 + 2, *text))
            .collect();
        encode_labels(&column, &cells, positive)
    }

    #[test]
    fn zero_one_spellings_are_used_as_they_are() -> Result<()> {
        let (labels, mapping) = encode(&["0", "1.0", "1", "0.0", "-0"], None)?;

        assert_eq!(labels, vec![0.0, 1.0, 1.0, 0.0, 0.0]);
        assert!(!mapping.mapped);
        Ok(())
    }

    #[test]
    fn named_positive_maps_the_other_value_to_zero() -> Result<()> {
        let (labels, mapping) = encode(&["-1", "1", "-1"], Some("-1"))?;

        assert_eq!(labels, vec![1.0, 0.0, 1.0]);
        assert_eq!(mapping.to_string(), "label \"y\": \"-1\" -> 1, \"1\" -> 0");
        Ok(())
    }

    #[test]
    fn positive_one_on_zero_one_labels_is_not_a_mapping() -> Result<()> {
        let (_, mapping) = encode(&["0", "1"], Some("1"))?;

        assert!(!mapping.mapped);
        Ok(())
    }

    #[test]
    fn unnamed_text_labels_explain_how_to_name_the_positive_one() {
        let message = encode(&["M", "B", "M"], None).unwrap_err().to_string();

        assert_eq!(
            message,
            "l.csv: column 3 (y): the labels are \"M\" and \"B\", not 0 and 1; name the \
             positive value (for example positive = \"M\") to read it as 1 and the other \
             value as 0"
        );
    }

    #[test]
    fn positive_value_that_does_not_occur_lists_the_values() {
        let message = encode(&["yes", "no"], Some("Yes")).unwrap_err().to_string();

        assert!(message.contains("\"Yes\" does not occur"), "{message}");
        assert!(message.contains("\"yes\" and \"no\""), "{message}");
    }
}
