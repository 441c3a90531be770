//! The CLI's logger: library log records on stderr, routed around the progress bar so
//! neither garbles the other.

use indicatif::ProgressBar;
use std::sync::{Mutex, OnceLock};

/// The progress bar that is currently drawn, if any.
static ACTIVE_BAR: OnceLock<Mutex<Option<ProgressBar>>> = OnceLock::new();

fn active_bar() -> &'static Mutex<Option<ProgressBar>> {
    ACTIVE_BAR.get_or_init(|| Mutex::new(None))
}

struct Logger {
    level: log::LevelFilter,
}

impl log::Log for Logger {
    fn enabled(&self, metadata: &log::Metadata) -> bool {
        metadata.level() <= self.level
    }

    fn log(&self, record: &log::Record) {
        if self.enabled(record.metadata()) {
            let line = format!(
                "{}: {}",
                record.level().as_str().to_lowercase(),
                record.args()
            );
            print_line(&line);
        }
    }

    fn flush(&self) {}
}

/// Installs the logger: warnings by default, debug with `--verbose`.
pub fn init(verbose: bool) {
    let level = if verbose {
        log::LevelFilter::Debug
    } else {
        log::LevelFilter::Warn
    };
    // A second call would only fail because a logger exists; keeping the first is right.
    if log::set_boxed_logger(Box::new(Logger { level })).is_ok() {
        log::set_max_level(level);
    }
}

/// Prints one line to stderr, above the progress bar when one is drawn.
#[allow(clippy::print_stderr)]
pub fn print_line(line: &str) {
    let guard = active_bar()
        .lock()
        .unwrap_or_else(|poison| poison.into_inner());
    match guard.as_ref() {
        Some(bar) if !bar.is_hidden() => bar.println(line),
        _ => eprintln!("{line}"),
    }
}

/// Registers the bar that log lines must be printed around (None when it is finished).
pub fn set_active_bar(bar: Option<ProgressBar>) {
    *active_bar()
        .lock()
        .unwrap_or_else(|poison| poison.into_inner()) = bar;
}
