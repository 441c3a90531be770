//! The `data` family.

use super::common::{count_cases, Report};
use std::path::Path;

pub fn run(dir: &Path) -> Report {
    Report::not_implemented(count_cases(dir, "data", "cases"))
}
