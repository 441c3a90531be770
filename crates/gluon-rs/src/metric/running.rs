//! Local and global statistics, shared by every metric.

/// Statistics that can absorb those of a further update.
pub(crate) trait Merge {
    /// Adds `other` into `self`.
    fn merge(&mut self, other: &Self);
}

/// A metric's statistics twice over: since the last `reset_local` (local) and since the
/// last `reset` (global), as MXNet 1.x keeps them.
#[derive(Debug, Clone, Default)]
pub(crate) struct Running<S> {
    /// Since the last `reset` or `reset_local`.
    pub(crate) local: S,
    /// Since the last `reset`.
    pub(crate) global: S,
}

impl<S: Default + Merge> Running<S> {
    /// Counts one update's statistics in both sets.
    pub(crate) fn add(&mut self, delta: &S) {
        self.local.merge(delta);
        self.global.merge(delta);
    }

    /// Clears both sets.
    pub(crate) fn reset(&mut self) {
        self.local = S::default();
        self.global = S::default();
    }

    /// Clears the local set.
    pub(crate) fn reset_local(&mut self) {
        self.local = S::default();
    }
}

/// A sum and the number of things summed; the value is their ratio.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub(crate) struct SumCount {
    /// The sum of the per-sample (or per-update) values.
    pub(crate) sum: f64,
    /// How many values were summed.
    pub(crate) count: f64,
}

impl SumCount {
    /// `sum / count`, or NaN when nothing was counted.
    pub(crate) fn mean(&self) -> f64 {
        if self.count == 0.0 {
            f64::NAN
        } else {
            self.sum / self.count
        }
    }
}

impl Merge for SumCount {
    fn merge(&mut self, other: &Self) {
        self.sum += other.sum;
        self.count += other.count;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reset_local_keeps_the_global_statistics() {
        let mut running = Running::<SumCount>::default();
        running.add(&SumCount {
            sum: 3.0,
            count: 4.0,
        });

        running.reset_local();

        assert!(running.local.mean().is_nan());
        assert_eq!(running.global.mean(), 0.75);
    }
}
