//! The `ops` family (forward values) and `ops.grad` (their gradients).

use super::common::{count_cases, Report};
use std::path::Path;

pub fn run(dir: &Path, _gradients: bool) -> Report {
    Report::not_implemented(count_cases(dir, "ops", "cases"))
}
