//! Reading one CSV cell as a number, strictly.

/// What a feature cell holds.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Cell {
    /// A finite number that fits in `f32`.
    Number(f64),
    /// An empty cell or a missing-value marker.
    Missing,
}

/// Whether `text` (already trimmed) marks a missing value.
pub(crate) fn is_missing(text: &str) -> bool {
    const MARKERS: [&str; 7] = ["", "na", "n/a", "nan", "null", "none", "?"];
    MARKERS
        .iter()
        .any(|marker| text.eq_ignore_ascii_case(marker))
}

/// Reads a feature cell. The error says what was found and what was expected, without the
/// location, which the caller adds.
pub(crate) fn parse_number(text: &str) -> Result<Cell, String> {
    if is_missing(text) {
        return Ok(Cell::Missing);
    }
    let Ok(value) = text.parse::<f64>() else {
        return Err(format!("expected a number, found \"{text}\""));
    };
    if value.is_nan() {
        return Ok(Cell::Missing);
    }
    let spelled_infinite = text
        .trim_start_matches(['+', '-'])
        .to_ascii_lowercase()
        .starts_with("inf");
    if spelled_infinite {
        return Err(format!(
            "expected a finite number, found \"{text}\" (infinity is not allowed in a feature)"
        ));
    }
    if value.abs() > f64::from(f32::MAX) {
        return Err(format!(
            "\"{text}\" overflows f32; expected a number of magnitude at most {:e}",
            f32::MAX
        ));
    }
    Ok(Cell::Number(value))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ordinary_numbers_are_read() {
        let cells: Vec<Cell> = ["1", "-2.5", "+3", ".5", "1e3", "0.07871"]
            .iter()
            .map(|text| parse_number(text).unwrap())
            .collect();

        assert_eq!(
            cells,
            [1.0, -2.5, 3.0, 0.5, 1000.0, 0.07871]
                .map(Cell::Number)
                .to_vec()
        );
    }

    #[test]
    fn markers_and_nan_are_missing() {
        let all_missing = ["", "NA", "n/a", "NaN", "null", "None", "?"]
            .iter()
            .all(|text| parse_number(text) == Ok(Cell::Missing));

        assert!(all_missing);
    }

    #[test]
    fn overflow_and_infinity_are_errors() {
        let overflow = parse_number("1e400").unwrap_err();
        let just_over = parse_number("4e38").unwrap_err();
        let infinity = parse_number("-inf").unwrap_err();

        assert!(overflow.contains("overflows f32"), "{overflow}");
        assert!(just_over.contains("overflows f32"), "{just_over}");
        assert!(infinity.contains("infinity is not allowed"), "{infinity}");
    }

    #[test]
    fn misspelled_number_is_an_error() {
        let message = parse_number("3.O4").unwrap_err();

        assert_eq!(message, "expected a number, found \"3.O4\"");
    }
}
