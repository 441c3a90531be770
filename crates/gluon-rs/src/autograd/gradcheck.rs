//! A finite-difference gradient checker for any function of arrays.
//!
//! The checker compares the vector-Jacobian product that autograd computes for a fixed
//! pseudo-random head gradient with central differences of the same function, evaluated in
//! `f32` and accumulated in `f64`.

use crate::nd::NDArray;
use crate::random::Generator;

/// Settings of [`check_gradients`].
#[derive(Debug, Clone, Copy)]
pub struct GradCheck {
    /// The finite-difference step.
    pub step: f64,
    /// Relative tolerance.
    pub rtol: f64,
    /// Absolute tolerance.
    pub atol: f64,
}

impl Default for GradCheck {
    /// A step of 1e-3 with rtol 1e-2 and atol 1e-3, suited to `f32` inputs of order one.
    fn default() -> Self {
        GradCheck {
            step: 1e-3,
            rtol: 1e-2,
            atol: 1e-3,
        }
    }
}

/// `sum(f(inputs) * head)` in `f64`, evaluated without recording.
fn weighted_output(f: &dyn Fn(&[NDArray]) -> NDArray, inputs: &[NDArray], head: &[f32]) -> f64 {
    let output = crate::autograd::pause(|| f(inputs));
    let values = output.read();
    values
        .iter()
        .zip(head)
        .map(|(&y, &h)| y as f64 * h as f64)
        .sum()
}

/// Central-difference gradients of `sum(f(inputs) * head)` with respect to each input.
pub fn numeric_gradient(
    f: &dyn Fn(&[NDArray]) -> NDArray,
    inputs: &[NDArray],
    head: &NDArray,
    step: f64,
) -> Vec<Vec<f64>> {
    let head = head.to_vec();
    let probes: Vec<NDArray> = inputs.iter().map(NDArray::copy).collect();
    (0..inputs.len())
        .map(|i| {
            (0..inputs[i].size())
                .map(|j| {
                    let original = probes[i].read()[j];
                    probes[i].write()[j] = (original as f64 + step) as f32;
                    let plus = weighted_output(f, &probes, &head);
                    probes[i].write()[j] = (original as f64 - step) as f32;
                    let minus = weighted_output(f, &probes, &head);
                    probes[i].write()[j] = original;
                    // Divide by the step actually taken after rounding to f32.
                    let taken = (original as f64 + step) as f32 as f64
                        - (original as f64 - step) as f32 as f64;
                    (plus - minus) / taken
                })
                .collect()
        })
        .collect()
}

/// Checks autograd's gradients of `f` at `inputs` against central differences, with a
/// fixed pseudo-random head gradient in `[-1, 1]`.
///
/// # Errors
///
/// A message naming the input, the element and both values at the first disagreement.
pub fn check_gradients(
    f: impl Fn(&[NDArray]) -> NDArray,
    inputs: &[NDArray],
    check: &GradCheck,
) -> Result<(), String> {
    let variables: Vec<NDArray> = inputs.iter().map(NDArray::copy).collect();
    variables.iter().for_each(NDArray::attach_grad);
    let output = crate::autograd::record(|| f(&variables));
    let mut generator = Generator::new(0x6772_6164);
    let mut head = vec![0.0; output.size()];
    generator.fill_uniform(&mut head, -1.0, 1.0);
    let head = NDArray::from_vec(head, output.shape());
    output
        .backward_with(Some(&head), false)
        .map_err(|error| error.to_string())?;

    let numeric = numeric_gradient(&f, inputs, &head, check.step);
    for (i, (variable, expected)) in variables.iter().zip(&numeric).enumerate() {
        let analytic = variable.grad().expect("attached above").to_vec();
        for (j, (&got, &want)) in analytic.iter().zip(expected).enumerate() {
            if (got as f64 - want).abs() > check.atol + check.rtol * want.abs() {
                return Err(format!(
                    "input {i}, element {j}: autograd gives {got}, finite differences {want}"
                ));
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::autograd::tape::Backward;

    fn inputs() -> Vec<NDArray> {
        vec![NDArray::from_vec(vec![0.3, -1.2, 0.8, 2.0], &[2, 2])]
    }

    #[test]
    fn accepts_a_correct_rule() {
        let result = check_gradients(|x| x[0].tanh(), &inputs(), &GradCheck::default());

        assert!(result.is_ok(), "{result:?}");
    }

    #[test]
    fn rejects_a_planted_wrong_rule() {
        // tanh with the derivative of sigmoid: a plausible but wrong rule.
        let wrong_tanh = |x: &[NDArray]| {
            x[0].unary_op(f32::tanh, |c: &Backward| {
                smallvec::smallvec![Some(c.grad.zip_map(c.output, |g, y| g * y * (1.0 - y)))]
            })
        };

        let result = check_gradients(wrong_tanh, &inputs(), &GradCheck::default());

        assert!(result.unwrap_err().contains("input 0"));
    }
}
