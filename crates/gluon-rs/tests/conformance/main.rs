//! The MXNet conformance suite: runs every recorded case in the fixture folder and prints
//! one line per family, `<family>: N passed, M failed, K deviated`.
//!
//! The folder is `tests/fixtures/mxnet/` (a byte-identical copy of the recorded MXNet
//! 1.9.1 fixtures) or the one named by `GLUON_RS_FIXTURES`. Cases are dispatched on their
//! `op`, `attrs`, class names and arguments, never on their names, so the suite runs
//! unchanged over further recorded cases in the same format.

mod harness;

use std::process::ExitCode;

fn main() -> ExitCode {
    let dir = harness::fixture_dir();
    println!("fixtures: {}", dir.display());
    let mut total = harness::Report::default();
    for family in harness::FAMILIES {
        let report = harness::run_family(family, &dir);
        println!("{}", report.summary_line(family));
        for failure in &report.failures {
            println!("    FAILED {failure}");
        }
        for deviation in &report.deviations {
            println!("    deviated {deviation}");
        }
        total.absorb(&report);
    }
    println!(
        "conformance: {} passed, {} failed",
        total.passed, total.failed
    );
    if total.failed > 0 {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}
