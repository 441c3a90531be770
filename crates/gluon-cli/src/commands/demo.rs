//! `gluon-rs demo`: the MXNet tutorial "Logistic regression using Gluon API explained",
//! run from the library's own example file, so both print the same lines.

use anyhow::Result;

#[path = "../../../gluon-rs/examples/logistic_regression.rs"]
mod tutorial;

/// Runs the tutorial program: ten lines, one per epoch, on stdout.
pub fn run() -> Result<()> {
    tutorial::main()?;
    Ok(())
}
