//! [`Dropout`]: random zeroing during training.

use super::naming::NameScope;
use super::{summary, Block};
use crate::autograd;
use crate::error::{Error, Result};
use crate::nd::NDArray;
use crate::random;
use std::any::Any;
use std::sync::Arc;

/// Zeroes each element with probability `rate` and scales the kept ones by
/// `1 / (1 - rate)`, as `nn.Dropout`. It acts only in training mode
/// ([`autograd::is_training`], on inside [`autograd::record`]); otherwise it is the
/// identity. The mask is drawn from the global generator.
///
/// # Shapes
///
/// - input: any shape; output: the same shape
///
/// ```
/// use gluon_rs::nd::NDArray;
/// use gluon_rs::nn::{Block, Dropout};
///
/// let dropout = Dropout::new(0.5)?;
/// let x = NDArray::ones(&[2, 3]);
/// assert_eq!(dropout.forward(&x)?.to_vec(), x.to_vec()); // predict mode: identity
/// # Ok::<(), gluon_rs::Error>(())
/// ```
pub struct Dropout {
    scope: Arc<NameScope>,
    rate: f32,
    axes: Vec<usize>,
}

impl Dropout {
    /// A dropout layer with drop probability `rate`.
    ///
    /// # Errors
    ///
    /// [`Error::Config`] when `rate` is not in `[0, 1)`.
    pub fn new(rate: f32) -> Result<Dropout> {
        if !(0.0..1.0).contains(&rate) {
            return Err(Error::config(
                "dropout rate",
                format!("{rate} is not in [0, 1)"),
            ));
        }
        Ok(Dropout {
            scope: NameScope::create("dropout", None),
            rate,
            axes: Vec::new(),
        })
    }

    /// Shares one mask value along each of `axes`, as MXNet's `axes` argument.
    pub fn with_axes(mut self, axes: &[usize]) -> Dropout {
        self.axes = axes.to_vec();
        self
    }

    /// The drop probability.
    pub fn rate(&self) -> f32 {
        self.rate
    }
}

impl Block for Dropout {
    fn forward(&self, x: &NDArray) -> Result<NDArray> {
        if !autograd::is_training() || self.rate == 0.0 {
            summary::record_layer(self, x);
            return Ok(x.clone());
        }
        if let Some(&axis) = self.axes.iter().find(|&&axis| axis >= x.ndim()) {
            return Err(Error::LayerInput {
                layer: self.name().to_string(),
                message: format!(
                    "axis {axis} is out of range for input shape {:?}",
                    x.shape()
                ),
            });
        }

        let mask_shape: Vec<usize> = (0..x.ndim())
            .map(|axis| {
                if self.axes.contains(&axis) {
                    1
                } else {
                    x.shape()[axis]
                }
            })
            .collect();
        let keep = 1.0 - self.rate;
        let mut mask = vec![0.0; mask_shape.iter().product()];
        random::with_generator(|generator| generator.fill_uniform(&mut mask, 0.0, 1.0));
        mask.iter_mut()
            .for_each(|value| *value = if *value < keep { 1.0 / keep } else { 0.0 });
        let y = x * &NDArray::from_vec(mask, &mask_shape);

        summary::record_layer(self, &y);
        Ok(y)
    }

    fn prefix(&self) -> &str {
        self.scope.prefix()
    }

    fn class_name(&self) -> &'static str {
        "Dropout"
    }

    fn as_any(&self) -> &dyn Any {
        self
    }

    fn as_dyn(&self) -> &dyn Block {
        self
    }
}

impl std::fmt::Debug for Dropout {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Dropout(p = {}, axes={:?})", self.rate, self.axes)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rate_outside_the_unit_interval_is_rejected() {
        assert!(Dropout::new(1.0).is_err());
        assert!(Dropout::new(-0.1).is_err());
        assert!(Dropout::new(f32::NAN).is_err());
    }

    #[test]
    fn training_mode_keeps_scaled_values_only() {
        let dropout = Dropout::new(0.5).unwrap();
        let x = NDArray::ones(&[1000]);

        let y = autograd::train_mode(|| dropout.forward(&x))
            .unwrap()
            .to_vec();

        assert!(y.iter().all(|&v| v == 0.0 || v == 2.0));
        let kept = y.iter().filter(|&&v| v == 2.0).count();
        assert!((400..600).contains(&kept), "{kept}");
    }

    #[test]
    fn shared_axes_use_one_mask_value_per_row() {
        let dropout = Dropout::new(0.5).unwrap().with_axes(&[1]);
        let x = NDArray::ones(&[20, 4]);

        let y = autograd::train_mode(|| dropout.forward(&x))
            .unwrap()
            .to_vec();

        assert!(y.chunks(4).all(|row| row.iter().all(|&v| v == row[0])));
    }

    #[test]
    fn out_of_range_axis_is_an_error() {
        let dropout = Dropout::new(0.5).unwrap().with_axes(&[3]);

        let result = autograd::train_mode(|| dropout.forward(&NDArray::ones(&[2, 2])));

        assert!(result.is_err());
    }
}
