//! [`Split::stratified`]: a seeded train/validation split that keeps the class balance.

use super::split::Split;
use crate::random::Generator;
use crate::{Error, Result};

impl Split {
    /// A random split of `labels.len()` rows that puts `validation_fraction` of the rows
    /// (rounded up) in the validation set, with each class in the same proportion as in
    /// the whole, as far as whole rows allow.
    ///
    /// The rows of each class are shuffled by a generator seeded with `seed` (not the
    /// global one), so the same labels and seed give the same split on every run. Both
    /// lists are sorted.
    ///
    /// ```
    /// use gluon_rs::data::Split;
    ///
    /// let labels = [0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 1.0, 1.0, 1.0, 1.0];
    /// let split = Split::stratified(&labels, 0.5, 3)?;
    /// let positives = split.validation.iter().filter(|&&row| labels[row] == 1.0).count();
    /// assert_eq!((split.train.len(), split.validation.len(), positives), (5, 5, 2));
    /// # Ok::<(), gluon_rs::Error>(())
    /// ```
    ///
    /// # Errors
    ///
    /// [`Error::Config`] if the fraction is not strictly between 0 and 1, a label is not
    /// 0 or 1, or either set would be empty.
    pub fn stratified(labels: &[f32], validation_fraction: f64, seed: u64) -> Result<Split> {
        if !(validation_fraction > 0.0 && validation_fraction < 1.0) {
            return Err(Error::config(
                "validation fraction",
                format!("must be between 0 and 1 (exclusive), got {validation_fraction}"),
            ));
        }
        if let Some(bad) = labels.iter().find(|&&label| label != 0.0 && label != 1.0) {
            return Err(Error::config(
                "labels for a stratified split",
                format!("must be 0 or 1, found {bad}"),
            ));
        }
        let total = labels.len();
        let validation_count = (validation_fraction * total as f64).ceil() as usize;
        if validation_count == 0 || validation_count >= total {
            return Err(Error::config(
                "validation fraction",
                format!(
                    "{validation_fraction} of {total} rows leaves {validation_count} for \
                     validation and {} for training; both need at least one",
                    total.saturating_sub(validation_count)
                ),
            ));
        }

        let classes: [Vec<usize>; 2] =
            [0.0, 1.0].map(|class| (0..total).filter(|&row| labels[row] == class).collect());
        let shares = class_shares(
            validation_count,
            total,
            [classes[0].len(), classes[1].len()],
        );

        let mut generator = Generator::new(seed);
        let mut split = Split::default();
        for (mut rows, share) in classes.into_iter().zip(shares) {
            generator.shuffle(&mut rows);
            split.validation.extend_from_slice(&rows[..share]);
            split.train.extend_from_slice(&rows[share..]);
        }
        split.train.sort_unstable();
        split.validation.sort_unstable();
        split.n_rows = Some(total);
        split.n_train = Some(split.train.len());
        split.n_validation = Some(split.validation.len());
        split.method = Some(format!(
            "gluon-rs stratified split, validation fraction {validation_fraction}, seed {seed}"
        ));
        Ok(split)
    }
}

/// How many validation rows each class gets: proportional shares, rounded down, with the
/// rows left over going to the classes with the largest remainders (the larger class on a
/// tie).
fn class_shares(validation_count: usize, total: usize, class_sizes: [usize; 2]) -> [usize; 2] {
    let exact = class_sizes.map(|size| validation_count as f64 * size as f64 / total as f64);
    let mut shares = exact.map(|share| share.floor() as usize);
    let mut left = validation_count - shares.iter().sum::<usize>();
    let mut order = [0, 1];
    order.sort_by(|&a, &b| {
        let remainder = |class: usize| exact[class] - shares[class] as f64;
        remainder(b)
            .total_cmp(&remainder(a))
            .then(class_sizes[b].cmp(&class_sizes[a]))
    });
    for class in order {
        if left > 0 && shares[class] < class_sizes[class] {
            shares[class] += 1;
            left -= 1;
        }
    }
    shares
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shares_follow_the_class_balance() {
        // 944 rows with 393 positives and ceil(0.2 * 944) = 189 validation rows:
        // exact shares 110.33 and 78.67, so 110 + 79.
        let shares = class_shares(189, 944, [551, 393]);

        assert_eq!(shares, [110, 79]);
    }

    #[test]
    fn split_is_repeatable_and_disjoint() -> Result<()> {
        let labels: Vec<f32> = (0..50).map(|i| (i % 3 == 0) as u8 as f32).collect();

        let first = Split::stratified(&labels, 0.3, 8)?;
        let again = Split::stratified(&labels, 0.3, 8)?;

        assert_eq!(first, again);
        let mut all: Vec<usize> = first
            .train
            .iter()
            .chain(&first.validation)
            .copied()
            .collect();
        all.sort_unstable();
        assert_eq!(all, (0..50).collect::<Vec<_>>());
        Ok(())
    }

    #[test]
    fn labels_other_than_zero_and_one_are_rejected() {
        let result = Split::stratified(&[0.0, 2.0, 1.0], 0.5, 0);

        assert!(matches!(result, Err(Error::Config { .. })));
    }

    #[test]
    fn too_few_rows_for_both_sets_are_rejected() {
        let result = Split::stratified(&[1.0], 0.5, 0);

        assert!(matches!(result, Err(Error::Config { .. })));
    }

    #[test]
    fn fraction_outside_the_open_interval_is_rejected() {
        let result = Split::stratified(&[0.0, 1.0], 1.0, 0);

        assert!(matches!(result, Err(Error::Config { .. })));
    }
}
