//! `gluon-rs`: train, evaluate and apply binary classifiers on CSV files.

mod args;
mod commands;
mod csv_input;
mod evaluation;
mod logger;
mod model;
mod output;
mod plot;
mod training;

use clap::Parser;
use std::process::ExitCode;

fn main() -> ExitCode {
    let cli = args::Cli::parse();
    logger::init(cli.verbose);
    let missing_option = commands::has_missing_option(&cli.command);
    // A panic is a bug, but the user still gets one line and no backtrace.
    std::panic::set_hook(Box::new(|info| {
        logger::print_line(&format!("error: internal error: {info}"));
    }));
    match std::panic::catch_unwind(|| commands::run(cli.command)) {
        Ok(Ok(())) => ExitCode::SUCCESS,
        Ok(Err(error)) => {
            logger::print_line(&format!(
                "error: {}",
                commands::describe(&error, missing_option)
            ));
            ExitCode::from(commands::exit_code(&error))
        }
        Err(_) => ExitCode::FAILURE,
    }
}
