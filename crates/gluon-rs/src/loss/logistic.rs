//! [`LogisticLoss`]: the logistic loss on logits, with -1/1 or 0/1 labels.

use super::base::{label_like_pred, Loss, LossCommon};
use super::sigmoid_cross_entropy::sigmoid_cross_entropy;
use crate::error::{Error, Result};
use crate::nd::NDArray;

const NAME: &str = "LogisticLoss";

/// How [`LogisticLoss`] reads its labels, as MXNet's `label_format`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum LabelFormat {
    /// Labels are -1 or 1 (`'signed'`, MXNet's default); they are mapped to `(z + 1) / 2`.
    Signed,
    /// Labels are 0 or 1 (`'binary'`).
    Binary,
}

impl LabelFormat {
    /// Parses MXNet's names `"signed"` and `"binary"`.
    ///
    /// # Errors
    ///
    /// [`Error::Config`] for any other name.
    pub fn parse(name: &str) -> Result<LabelFormat> {
        match name {
            "signed" => Ok(LabelFormat::Signed),
            "binary" => Ok(LabelFormat::Binary),
            other => Err(Error::config(
                "label_format",
                format!("'{other}' is not one of signed, binary"),
            )),
        }
    }

    /// The range a label must lie in.
    fn range(self) -> (f32, f32) {
        match self {
            LabelFormat::Signed => (-1.0, 1.0),
            LabelFormat::Binary => (0.0, 1.0),
        }
    }
}

/// The logistic loss `log(1 + e^(-y x))` for signed labels `y`, as `gluon.loss.LogisticLoss`.
///
/// It is computed as the sigmoid cross-entropy of logit `x` and the 0/1 label
/// `z = (y + 1) / 2` (signed) or `z = y` (binary), so the numbers equal
/// [`SigmoidBinaryCrossEntropyLoss`](super::SigmoidBinaryCrossEntropyLoss)'s, through the
/// same fused, stable op with gradient `sigmoid(x) - z`.
///
/// # Shapes
///
/// - `pred`: `(N, ...)` logits;
/// - `label`: the same number of elements as `pred`, reshaped to its shape;
/// - output: `(N,)`.
///
/// ```
/// use gluon_rs::loss::{LabelFormat, LogisticLoss, Loss};
/// use gluon_rs::nd::NDArray;
///
/// let loss = LogisticLoss::new(LabelFormat::Signed);
/// let logits = NDArray::from_vec(vec![0.0, 0.0], &[2]);
/// let labels = NDArray::from_vec(vec![-1.0, 1.0], &[2]);
/// let values = loss.forward(&logits, &labels)?.to_vec();
/// assert!((values[0] - 2f32.ln()).abs() < 1e-6);
/// # Ok::<(), gluon_rs::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct LogisticLoss {
    common: LossCommon,
    label_format: LabelFormat,
}

impl Default for LogisticLoss {
    /// Signed labels, as MXNet's default.
    fn default() -> Self {
        LogisticLoss::new(LabelFormat::Signed)
    }
}

impl LogisticLoss {
    /// The loss for labels in `label_format`, with no weight and batch axis 0.
    ///
    /// ```
    /// use gluon_rs::loss::{LabelFormat, LogisticLoss};
    ///
    /// let loss = LogisticLoss::new(LabelFormat::parse("binary")?);
    /// assert_eq!(loss.label_format(), LabelFormat::Binary);
    /// # Ok::<(), gluon_rs::Error>(())
    /// ```
    pub fn new(label_format: LabelFormat) -> LogisticLoss {
        LogisticLoss {
            common: LossCommon::new(None),
            label_format,
        }
    }

    /// Scales every loss by `weight`.
    pub fn with_weight(mut self, weight: f32) -> Self {
        self.common.weight = Some(weight);
        self
    }

    /// The axis that indexes samples (default 0).
    pub fn with_batch_axis(mut self, batch_axis: usize) -> Self {
        self.common.batch_axis = batch_axis;
        self
    }

    /// How labels are read.
    pub fn label_format(&self) -> LabelFormat {
        self.label_format
    }

    /// Checks the label range, and warns about 0/1 labels given in signed mode, where MXNet
    /// silently reads 0 as the soft label 0.5.
    fn check_labels(&self, label: &NDArray) -> Result<()> {
        let (low, high) = self.label_format.range();
        let values = label.read();
        if let Some(&bad) = values.iter().find(|&&z| !(low..=high).contains(&z)) {
            let format = match self.label_format {
                LabelFormat::Signed => "signed",
                LabelFormat::Binary => "binary",
            };
            return Err(Error::LabelEncoding {
                context: NAME.to_string(),
                message: format!(
                    "label value {bad} is outside [{low}, {high}], the range of label_format \
                     {format}"
                ),
            });
        }
        let zero_one = values.iter().all(|&z| z == 0.0 || z == 1.0);
        if self.label_format == LabelFormat::Signed && zero_one && values.contains(&0.0) {
            log::warn!(
                "LogisticLoss with label_format signed got 0/1 labels: 0 is read as the soft \
                 label 0.5; use label_format binary for 0/1 labels"
            );
        }
        Ok(())
    }
}

impl Loss for LogisticLoss {
    fn name(&self) -> &'static str {
        NAME
    }

    /// # Errors
    ///
    /// As [`Loss::forward_weighted`], and [`Error::LabelEncoding`] when a label lies outside
    /// the range of the label format.
    fn forward_weighted(
        &self,
        pred: &NDArray,
        label: &NDArray,
        sample_weight: Option<&NDArray>,
    ) -> Result<NDArray> {
        self.common.check_batch_axis(NAME, pred)?;
        let label = label_like_pred(NAME, pred, label, "")?;
        self.check_labels(&label)?;

        let label = match self.label_format {
            LabelFormat::Signed => (label + 1.0) / 2.0,
            LabelFormat::Binary => label,
        };
        let loss = sigmoid_cross_entropy(NAME, pred, &label, None)?;
        self.common.finish(NAME, loss, sample_weight)
    }
}
