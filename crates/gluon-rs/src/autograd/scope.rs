//! The recording and training flags and the scopes that set them.

use std::cell::Cell;

thread_local! {
    static RECORDING: Cell<bool> = const { Cell::new(false) };
    static TRAINING: Cell<bool> = const { Cell::new(false) };
}

/// Whether operations are being recorded on this thread.
pub fn is_recording() -> bool {
    RECORDING.with(Cell::get)
}

/// Whether training mode is on for this thread.
pub fn is_training() -> bool {
    TRAINING.with(Cell::get)
}

/// Turns recording on or off and returns the previous value, as `set_recording`.
pub fn set_recording(recording: bool) -> bool {
    RECORDING.with(|flag| flag.replace(recording))
}

/// Turns training mode on or off and returns the previous value, as `set_training`.
pub fn set_training(training: bool) -> bool {
    TRAINING.with(|flag| flag.replace(training))
}

/// A guard that restores the recording and training flags when dropped: the guard form of
/// MXNet's `with autograd.record():` and friends.
#[must_use = "the scope ends when the guard is dropped"]
pub struct Scope {
    previous_recording: Option<bool>,
    previous_training: Option<bool>,
}

impl Scope {
    fn set(recording: Option<bool>, training: Option<bool>) -> Scope {
        Scope {
            previous_recording: recording.map(set_recording),
            previous_training: training.map(set_training),
        }
    }
}

impl Drop for Scope {
    fn drop(&mut self) {
        if let Some(recording) = self.previous_recording {
            set_recording(recording);
        }
        if let Some(training) = self.previous_training {
            set_training(training);
        }
    }
}

/// Starts recording with training mode on until the guard drops.
pub fn record_scope(train_mode: bool) -> Scope {
    Scope::set(Some(true), Some(train_mode))
}

/// Stops recording, with training mode off (MXNet's default for `pause`), until the guard
/// drops.
pub fn pause_scope(train_mode: bool) -> Scope {
    Scope::set(Some(false), Some(train_mode))
}

/// Runs `f` while recording, in training mode, and returns its value: `with
/// autograd.record():`.
pub fn record<R>(f: impl FnOnce() -> R) -> R {
    record_with(true, f)
}

/// Runs `f` while recording, with training mode set to `train_mode`.
pub fn record_with<R>(train_mode: bool, f: impl FnOnce() -> R) -> R {
    let _scope = record_scope(train_mode);
    f()
}

/// Runs `f` without recording, in predict mode: `with autograd.pause():`.
pub fn pause<R>(f: impl FnOnce() -> R) -> R {
    let _scope = pause_scope(false);
    f()
}

/// Runs `f` in training mode, leaving recording as it is.
pub fn train_mode<R>(f: impl FnOnce() -> R) -> R {
    let _scope = Scope::set(None, Some(true));
    f()
}

/// Runs `f` in predict mode, leaving recording as it is.
pub fn predict_mode<R>(f: impl FnOnce() -> R) -> R {
    let _scope = Scope::set(None, Some(false));
    f()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scopes_nest_and_restore() {
        assert!(!is_recording() && !is_training());

        record(|| {
            assert!(is_recording() && is_training());
            pause(|| assert!(!is_recording() && !is_training()));
            predict_mode(|| assert!(is_recording() && !is_training()));
            assert!(is_recording() && is_training());
        });
        record_with(false, || assert!(is_recording() && !is_training()));

        assert!(!is_recording() && !is_training());
    }

    #[test]
    fn set_functions_return_the_previous_value() {
        assert!(!set_recording(true));
        assert!(set_recording(false));
        assert!(!set_training(true));
        assert!(set_training(false));
    }
}
