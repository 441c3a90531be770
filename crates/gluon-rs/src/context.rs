//! Where arrays live: [`Context`], [`cpu`] and [`gpu`], as MXNet's `mx.cpu()` and `mx.gpu()`.

use crate::error::{Error, Result};
use std::fmt;

/// A device. This build computes on the CPU only.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct Context {
    device_id: usize,
}

impl Context {
    /// The device number (always 0 for the CPU).
    pub fn device_id(&self) -> usize {
        self.device_id
    }

    /// The device kind, `"cpu"`.
    pub fn device_type(&self) -> &'static str {
        "cpu"
    }
}

impl fmt::Display for Context {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "cpu({})", self.device_id)
    }
}

/// The CPU context, `cpu(0)`, where every array lives.
pub fn cpu() -> Context {
    Context { device_id: 0 }
}

/// A GPU context.
///
/// # Errors
///
/// Always [`Error::Unsupported`]: this build has no GPU support.
pub fn gpu(device_id: usize) -> Result<Context> {
    Err(Error::Unsupported(format!(
        "gpu({device_id}) was requested, but this build of gluon-rs has no GPU support; use cpu()"
    )))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gpu_is_a_clear_error() {
        let error = gpu(0).unwrap_err().to_string();

        assert!(error.contains("no GPU support"), "{error}");
    }

    #[test]
    fn cpu_displays_as_mxnet_does() {
        assert_eq!(cpu().to_string(), "cpu(0)");
    }
}
