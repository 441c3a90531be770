//! [`Summary`]: the table `Block::summary` returns.

use super::{Block, Parameter};
use crate::autograd;
use crate::error::{Error, Result};
use crate::nd::NDArray;
use std::cell::RefCell;
use std::fmt;

/// A finished layer's row and the parameters it counted.
type Entry = (SummaryRow, Vec<Parameter>);

thread_local! {
    /// The summary being collected on this thread, if any: one entry per finished layer.
    static RECORDER: RefCell<Option<Vec<Entry>>> = const { RefCell::new(None) };
}

/// One row of a [`Summary`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SummaryRow {
    /// `Input`, or the layer's class and its position, e.g. `Dense-2`.
    pub layer: String,
    /// The layer's output shape.
    pub output_shape: Vec<usize>,
    /// The number of elements in the layer's own parameters.
    pub params: usize,
}

/// The layers of a network in the order their forward passes finished, with output shapes
/// and parameter counts, as MXNet's `summary` prints it. Display it to get the table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Summary {
    /// The input row, then one row per layer (containers have none).
    pub rows: Vec<SummaryRow>,
    /// The parameter elements of every row, a shared parameter counted each time.
    pub total_params: usize,
    /// The part of `total_params` whose grad_req is not `null`.
    pub trainable_params: usize,
    /// The part of `total_params` whose grad_req is `null`.
    pub non_trainable_params: usize,
    /// The elements counted more than once because a parameter is shared.
    pub shared_params: usize,
    /// The elements of distinct parameters.
    pub unique_params: usize,
}

/// Adds a row for `block` when a summary is being collected; layers call this as their
/// forward finishes.
pub(crate) fn record_layer(block: &dyn Block, output: &NDArray) {
    RECORDER.with(|recorder| {
        if let Some(rows) = recorder.borrow_mut().as_mut() {
            let params: Vec<Parameter> = block.own_params().into_iter().map(|(_, p)| p).collect();
            let row = SummaryRow {
                layer: format!("{}-{}", block.class_name(), rows.len()),
                output_shape: output.shape().to_vec(),
                params: params.iter().map(Parameter::size).sum(),
            };
            rows.push((row, params));
        }
    });
}

/// Runs `block` on `x` without recording and collects its summary.
pub(crate) fn run(block: &dyn Block, x: &NDArray) -> Result<Summary> {
    if block.is_hybridized() {
        return Err(Error::config(
            "summary",
            format!(
                "{} is hybridized; call summary before hybridize",
                block.name()
            ),
        ));
    }
    let input = SummaryRow {
        layer: "Input".to_string(),
        output_shape: x.shape().to_vec(),
        params: 0,
    };
    let previous = RECORDER.with(|recorder| recorder.replace(Some(vec![(input, Vec::new())])));
    let output = autograd::pause(|| block.forward(x));
    let rows = RECORDER
        .with(|recorder| recorder.replace(previous))
        .expect("installed above");
    output?;
    Ok(tally(rows))
}

fn tally(rows: Vec<Entry>) -> Summary {
    let mut seen: Vec<Parameter> = Vec::new();
    let (mut total, mut trainable, mut unique) = (0, 0, 0);
    for param in rows.iter().flat_map(|(_, params)| params) {
        let size = param.size();
        total += size;
        if param.grad_req() != autograd::GradReq::Null {
            trainable += size;
        }
        if !seen.iter().any(|other| other.same(param)) {
            unique += size;
            seen.push(param.clone());
        }
    }
    Summary {
        rows: rows.into_iter().map(|(row, _)| row).collect(),
        total_params: total,
        trainable_params: trainable,
        non_trainable_params: total - trainable,
        shared_params: total - unique,
        unique_params: unique,
    }
}

fn shape_text(shape: &[usize]) -> String {
    let dims: Vec<String> = shape.iter().map(usize::to_string).collect();
    match dims.len() {
        1 => format!("({},)", dims[0]),
        _ => format!("({})", dims.join(", ")),
    }
}

impl fmt::Display for Summary {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let rule = "-".repeat(72);
        writeln!(f, "{rule}")?;
        writeln!(
            f,
            "{:>24}{:>32}{:>16}",
            "Layer (type)", "Output Shape", "Param #"
        )?;
        writeln!(f, "{}", "=".repeat(72))?;
        for row in &self.rows {
            writeln!(
                f,
                "{:>24}{:>32}{:>16}",
                row.layer,
                shape_text(&row.output_shape),
                row.params
            )?;
        }
        writeln!(f, "{}", "=".repeat(72))?;
        writeln!(f, "Total params: {}", self.total_params)?;
        writeln!(f, "Trainable params: {}", self.trainable_params)?;
        writeln!(f, "Non-trainable params: {}", self.non_trainable_params)?;
        writeln!(f, "Shared params: {}", self.shared_params)?;
        writeln!(f, "Unique params: {}", self.unique_params)?;
        write!(f, "{rule}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shapes_print_as_python_tuples() {
        assert_eq!(shape_text(&[4, 5]), "(4, 5)");
        assert_eq!(shape_text(&[3]), "(3,)");
    }
}
