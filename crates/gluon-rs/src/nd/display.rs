//! Printing arrays as MXNet does: the values as NumPy shows them, then
//! `<NDArray 2x2 @cpu(0)>`.

use super::array::NDArray;
use std::fmt;

/// Formats every value with one shared number of decimals (at most 8, trailing zeros
/// dropped), NumPy-style: whole numbers print as `1.`.
fn format_values(values: &[f32]) -> Vec<String> {
    let decimals = values
        .iter()
        .filter(|v| v.is_finite())
        .map(|v| {
            let text = format!("{:.8}", v);
            let trimmed = text.trim_end_matches('0');
            trimmed.len() - trimmed.find('.').map_or(trimmed.len(), |dot| dot + 1)
        })
        .max()
        .unwrap_or(0);
    values
        .iter()
        .map(|v| {
            if v.is_nan() {
                "nan".to_string()
            } else if v.is_infinite() {
                if *v > 0.0 {
                    "inf".to_string()
                } else {
                    "-inf".to_string()
                }
            } else if decimals == 0 {
                format!("{v:.0}.")
            } else {
                format!("{v:.decimals$}")
            }
        })
        .collect()
}

fn write_nested(
    f: &mut fmt::Formatter<'_>,
    cells: &[String],
    shape: &[usize],
    width: usize,
    depth: usize,
) -> fmt::Result {
    if shape.is_empty() {
        return write!(f, "{:>width$}", cells[0]);
    }
    write!(f, "[")?;
    let step = cells.len() / shape[0].max(1);
    for i in 0..shape[0] {
        if i > 0 {
            if shape.len() == 1 {
                write!(f, " ")?;
            } else {
                write!(f, "{}", "\n".repeat(shape.len() - 1))?;
                write!(f, "{}", " ".repeat(depth + 1))?;
            }
        }
        write_nested(
            f,
            &cells[i * step..(i + 1) * step],
            &shape[1..],
            width,
            depth + 1,
        )?;
    }
    write!(f, "]")
}

impl fmt::Display for NDArray {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let cells = format_values(&self.read());
        let width = cells.iter().map(String::len).max().unwrap_or(0);
        writeln!(f)?;
        write_nested(f, &cells, self.shape(), width, 0)?;
        let dims: Vec<String> = self.shape().iter().map(ToString::to_string).collect();
        write!(f, "\n<NDArray {} @{}>", dims.join("x"), self.context())
    }
}

impl fmt::Debug for NDArray {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn displays_like_mxnet() {
        let x = NDArray::from_vec(vec![1.0, 2.0, 3.0, 4.0], &[2, 2]);

        assert_eq!(
            x.to_string(),
            "\n[[1. 2.]\n [3. 4.]]\n<NDArray 2x2 @cpu(0)>"
        );
    }

    #[test]
    fn fractions_share_decimals() {
        let x = NDArray::from_vec(vec![0.5, 0.25, -1.0], &[3]);

        assert_eq!(x.to_string(), "\n[ 0.50  0.25 -1.00]\n<NDArray 3 @cpu(0)>");
    }
}
