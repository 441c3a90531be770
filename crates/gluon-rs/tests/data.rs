//! Datasets, loaders, samplers, CSV input, standardization and splits.

use gluon_rs::data::{
    ArrayDataset, BatchSampler, Batchify, DataLoader, Dataset, IntervalSampler, LastBatch,
    RandomSampler, Sampler, SequentialSampler, SimpleDataset,
};
use gluon_rs::nd::NDArray;
use gluon_rs::{random, Error, Result};
use proptest::prelude::*;
use std::time::Duration;

/// A dataset of `n` items whose label is the item's index.
fn indexed(n: usize, width: usize) -> ArrayDataset<(NDArray, NDArray)> {
    let x = NDArray::from_vec((0..n * width).map(|v| v as f32).collect(), &[n, width]);
    let y = NDArray::from_vec((0..n).map(|i| i as f32).collect(), &[n]);
    ArrayDataset::new((x, y)).expect("equal lengths")
}

fn epoch_sizes<D: Dataset + 'static>(loader: &DataLoader<D, (NDArray, NDArray)>) -> Vec<usize> {
    loader
        .into_iter()
        .map(|(data, _)| data.shape()[0])
        .collect()
}

fn epoch_indices<D: Dataset + 'static>(loader: &DataLoader<D, (NDArray, NDArray)>) -> Vec<usize> {
    loader
        .into_iter()
        .flat_map(|(_, label)| label.to_vec())
        .map(|v| v as usize)
        .collect()
}

fn loader(
    n: usize,
    batch_size: usize,
    last_batch: LastBatch,
) -> DataLoader<ArrayDataset<(NDArray, NDArray)>> {
    DataLoader::builder(indexed(n, 2))
        .with_batch_size(batch_size)
        .with_last_batch(last_batch)
        .build()
        .expect("valid settings")
}

// --- last batch handling: 5 items in batches of 2 (expected sizes by hand) ---

#[test]
fn keep_yields_the_short_batch() {
    let loader = loader(5, 2, LastBatch::Keep);

    let sizes = epoch_sizes(&loader);

    assert_eq!(sizes, vec![2, 2, 1]);
    assert_eq!(loader.len(), 3);
}

#[test]
fn discard_drops_the_short_batch() {
    let loader = loader(5, 2, LastBatch::Discard);

    let sizes = epoch_sizes(&loader);

    assert_eq!(sizes, vec![2, 2]);
    assert_eq!(loader.len(), 2);
}

#[test]
fn rollover_carries_the_remainder_to_the_next_epoch() {
    let loader = loader(5, 2, LastBatch::Rollover);

    let first_len = loader.len();
    let first = epoch_sizes(&loader);
    let second_len = loader.len();
    let second = epoch_indices(&loader);

    assert_eq!((first_len, first), (2, vec![2, 2]));
    assert_eq!(second_len, 3);
    // Item 4, left over from the first epoch, comes first.
    assert_eq!(second, vec![4, 0, 1, 2, 3, 4]);
}

// --- batch shapes ---

#[test]
fn flat_label_batches_to_a_vector_and_column_label_to_a_column() -> Result<()> {
    let x = NDArray::zeros(&[6, 3]);
    let flat = ArrayDataset::new((x.clone(), NDArray::zeros(&[6])))?;
    let column = ArrayDataset::new((x, NDArray::zeros(&[6, 1])))?;

    let (_, flat_label) = DataLoader::new(flat, 4, false)?.into_iter().next().unwrap();
    let (data, column_label) = DataLoader::new(column, 4, false)?
        .into_iter()
        .next()
        .unwrap();

    assert_eq!(data.shape(), &[4, 3]);
    assert_eq!(flat_label.shape(), &[4]);
    assert_eq!(column_label.shape(), &[4, 1]);
    Ok(())
}

#[test]
fn single_array_and_vec_datasets_batch_naturally() -> Result<()> {
    let single = ArrayDataset::new(NDArray::zeros(&[5, 2]))?;
    let several = ArrayDataset::new(vec![
        NDArray::zeros(&[5, 2]),
        NDArray::zeros(&[5]),
        NDArray::zeros(&[5, 3, 3]),
    ])?;

    let first: NDArray = DataLoader::new(single, 5, false)?
        .into_iter()
        .next()
        .unwrap();
    let parts: Vec<NDArray> = DataLoader::new(several, 5, false)?
        .into_iter()
        .next()
        .unwrap();

    assert_eq!(first.shape(), &[5, 2]);
    let shapes: Vec<&[usize]> = parts.iter().map(NDArray::shape).collect();
    assert_eq!(shapes, vec![&[5, 2][..], &[5][..], &[5, 3, 3][..]]);
    Ok(())
}

#[test]
fn simple_dataset_of_numbers_batches_to_f32() -> Result<()> {
    let dataset = SimpleDataset::new(vec![(1.5f64, 1i64), (2.5, 0), (3.5, 1)]);

    let batches: Vec<(NDArray, NDArray)> =
        DataLoader::new(dataset, 2, false)?.into_iter().collect();

    assert_eq!(batches[0].0.to_vec(), vec![1.5, 2.5]);
    assert_eq!(batches[1].1.to_vec(), vec![1.0]);
    Ok(())
}

#[test]
fn custom_batchify_receives_items_in_order() -> Result<()> {
    let loader = DataLoader::builder(SimpleDataset::new(vec![3, 1, 4, 1, 5]))
        .with_batch_size(2)
        .build_with(|items: Vec<i32>| items.iter().sum::<i32>())?;

    let sums: Vec<i32> = loader.into_iter().collect();

    assert_eq!(sums, vec![4, 5, 5]);
    Ok(())
}

#[test]
fn transformed_dataset_is_loaded_through_its_transform() -> Result<()> {
    let dataset = indexed(4, 2).transform_first(|row: NDArray| &row * 0.0 + 1.0);

    let (data, label) = DataLoader::new(dataset, 4, false)?
        .into_iter()
        .next()
        .unwrap();

    assert_eq!(data.to_vec(), vec![1.0; 8]);
    assert_eq!(label.to_vec(), vec![0.0, 1.0, 2.0, 3.0]);
    Ok(())
}

// --- settings checked at construction ---

fn config_error<T>(result: Result<T>) -> String {
    match result {
        Err(error @ Error::Config { .. }) => error.to_string(),
        Err(other) => panic!("expected a config error, got {other}"),
        Ok(_) => panic!("expected a config error, got a loader"),
    }
}

#[test]
fn zero_batch_size_is_rejected_at_construction() {
    let message = config_error(DataLoader::new(indexed(3, 1), 0, false));

    assert_eq!(message, "invalid batch_size: must be at least 1, got 0");
}

#[test]
fn missing_batch_size_is_rejected() {
    let message = config_error(DataLoader::builder(indexed(3, 1)).build());

    assert!(message.contains("batch_size is required"), "{message}");
}

#[test]
fn shuffle_with_sampler_is_rejected() {
    let builder = DataLoader::builder(indexed(3, 1))
        .with_batch_size(1)
        .with_shuffle(true)
        .with_sampler(SequentialSampler::new(3));

    let message = config_error(builder.build());

    assert!(message.contains("shuffle and a sampler"), "{message}");
}

#[test]
fn batch_sampler_with_batch_size_is_rejected() -> Result<()> {
    let batches = BatchSampler::new(SequentialSampler::new(3), 2, LastBatch::Keep)?;
    let builder = DataLoader::builder(indexed(3, 1))
        .with_batch_size(2)
        .with_batch_sampler(batches);

    let message = config_error(builder.build());

    assert!(message.contains("a batch sampler excludes"), "{message}");
    Ok(())
}

#[test]
fn seed_without_shuffle_is_rejected() {
    let builder = DataLoader::builder(indexed(3, 1))
        .with_batch_size(1)
        .with_seed(3);

    let message = config_error(builder.build());

    assert!(
        message.contains("seed applies only when shuffle"),
        "{message}"
    );
}

#[test]
fn zero_prefetch_with_workers_is_rejected() {
    let builder = DataLoader::builder(indexed(3, 1))
        .with_batch_size(1)
        .with_num_workers(2)
        .with_prefetch(0);

    let message = config_error(builder.build());

    assert!(message.contains("prefetch"), "{message}");
}

// --- samplers ---

#[test]
fn batch_sampler_drives_the_loader() -> Result<()> {
    let batches = BatchSampler::new(IntervalSampler::new(6, 2, true)?, 3, LastBatch::Keep)?;
    let loader = DataLoader::builder(indexed(6, 1))
        .with_batch_sampler(batches)
        .build()?;

    let order = epoch_indices(&loader);

    assert_eq!(order, vec![0, 2, 4, 1, 3, 5]);
    Ok(())
}

#[test]
#[should_panic(expected = "the sampler yielded index 3, but the dataset has 3 items")]
fn sampler_index_outside_the_dataset_panics_with_both_numbers() {
    let loader = DataLoader::builder(indexed(3, 1))
        .with_batch_size(2)
        .with_sampler(SequentialSampler::with_start(3, 1))
        .build()
        .unwrap();

    loader.into_iter().count();
}

#[test]
fn global_seed_makes_shuffled_epochs_repeatable() -> Result<()> {
    // The only test in this binary that draws from the global generator, so no other test
    // can interleave draws with it.
    let loader = DataLoader::new(indexed(30, 1), 7, true)?;

    random::seed(11);
    let first = (epoch_indices(&loader), epoch_indices(&loader));
    random::seed(11);
    let second = (epoch_indices(&loader), epoch_indices(&loader));

    assert_eq!(first, second);
    assert_ne!(first.0, first.1);
    assert_ne!(first.0, (0..30).collect::<Vec<_>>());
    Ok(())
}

#[test]
fn loader_seed_gives_its_own_repeatable_order() -> Result<()> {
    let make = || {
        DataLoader::builder(indexed(20, 1))
            .with_batch_size(6)
            .with_shuffle(true)
            .with_seed(5)
            .build()
    };

    let first = epoch_indices(&make()?);
    let second = epoch_indices(&make()?);

    assert_eq!(first, second);
    Ok(())
}

#[test]
fn random_sampler_with_seed_is_a_permutation() {
    let sampler = RandomSampler::with_seed(17, 2);

    let mut order = sampler.sample();

    order.sort_unstable();
    assert_eq!(order, (0..17).collect::<Vec<_>>());
}

// --- workers ---

/// A dataset whose items take time to read, finishing out of order.
struct Slow(usize);

impl Dataset for Slow {
    type Item = (NDArray, NDArray);

    fn len(&self) -> usize {
        self.0
    }

    fn get(&self, index: usize) -> (NDArray, NDArray) {
        std::thread::sleep(Duration::from_millis(((index * 7) % 5) as u64));
        (
            NDArray::full(&[2], index as f32),
            NDArray::from_vec(vec![index as f32], &[]),
        )
    }
}

#[test]
fn gathered_batches_equal_item_by_item_batches() -> Result<()> {
    // `build` copies rows straight into each batch; `build_with(batchify)` reads item by
    // item. Both must give the same bits, shuffled, with rollover, inline and on workers.
    let build = |gathered: bool, workers: usize| {
        let builder = DataLoader::builder(indexed(23, 3))
            .with_batch_size(4)
            .with_shuffle(true)
            .with_seed(5)
            .with_last_batch(LastBatch::Rollover)
            .with_num_workers(workers);
        if gathered {
            builder.build()
        } else {
            builder.build_with(<(NDArray, NDArray) as Batchify>::batchify)
        }
    };
    let epochs = |loader: &DataLoader<_, (NDArray, NDArray)>| -> Vec<Vec<(Vec<usize>, Vec<f32>)>> {
        (0..3)
            .map(|_| {
                loader
                    .into_iter()
                    .flat_map(|(data, label)| {
                        [
                            (data.shape().to_vec(), data.to_vec()),
                            (label.shape().to_vec(), label.to_vec()),
                        ]
                    })
                    .collect()
            })
            .collect()
    };

    let expected = epochs(&build(false, 0)?);

    assert_eq!(epochs(&build(true, 0)?), expected);
    assert_eq!(epochs(&build(true, 2)?), expected);
    Ok(())
}

#[test]
fn workers_give_the_same_batches_as_no_workers() -> Result<()> {
    let build = |workers: usize| {
        DataLoader::builder(Slow(23))
            .with_batch_size(4)
            .with_shuffle(true)
            .with_seed(9)
            .with_last_batch(LastBatch::Rollover)
            .with_num_workers(workers)
            .build()
    };
    let inline = build(0)?;
    let threaded = build(3)?;

    let expected: Vec<Vec<usize>> = (0..3).map(|_| epoch_indices(&inline)).collect();
    let got: Vec<Vec<usize>> = (0..3).map(|_| epoch_indices(&threaded)).collect();

    assert_eq!(got, expected);
    Ok(())
}

#[test]
fn stopping_an_epoch_early_with_workers_is_clean() -> Result<()> {
    let loader = DataLoader::builder(Slow(40))
        .with_batch_size(2)
        .with_num_workers(2)
        .build()?;

    let first_two = loader.into_iter().take(2).count();
    let full = loader.into_iter().count();

    assert_eq!((first_two, full), (2, 20));
    Ok(())
}

struct Faulty;

impl Dataset for Faulty {
    type Item = NDArray;

    fn len(&self) -> usize {
        4
    }

    fn get(&self, index: usize) -> NDArray {
        assert!(index != 2, "item 2 is broken");
        NDArray::zeros(&[1])
    }
}

#[test]
#[should_panic(expected = "item 2 is broken")]
fn a_panic_on_a_worker_reaches_the_caller() {
    let loader = DataLoader::builder(Faulty)
        .with_batch_size(1)
        .with_num_workers(2)
        .build()
        .unwrap();

    loader.into_iter().count();
}

// --- property: one shuffled epoch covers every index once ---

proptest! {
    #[test]
    fn one_shuffled_epoch_yields_every_index_once(
        n in 1usize..60,
        batch_size in 1usize..12,
        seed in any::<u64>(),
        workers in 0usize..3,
    ) {
        let loader = DataLoader::builder(indexed(n, 1))
            .with_batch_size(batch_size)
            .with_shuffle(true)
            .with_seed(seed)
            .with_num_workers(workers)
            .build()
            .unwrap();

        let mut order = epoch_indices(&loader);

        order.sort_unstable();
        prop_assert_eq!(order, (0..n).collect::<Vec<_>>());
    }
}

// --- CSV input ---

mod csv {
    use gluon_rs::data::{
        CsvDataset, CsvFeatures, CsvOptions, DataLoader, LabelColumn, MissingValues,
    };
    use gluon_rs::{Error, Result};
    use std::path::PathBuf;

    /// Writes `contents` to a file named `name` in a fresh temporary folder.
    fn file(name: &str, contents: &[u8]) -> (tempfile::TempDir, PathBuf) {
        let folder = tempfile::tempdir().expect("temporary folder");
        let path = folder.path().join(name);
        std::fs::write(&path, contents).expect("write the CSV");
        (folder, path)
    }

    fn load(contents: &str, options: &CsvOptions) -> (PathBuf, Result<CsvDataset>) {
        let (_folder, path) = file("input.csv", contents.as_bytes());
        let result = CsvDataset::load(&path, options);
        (path, result)
    }

    /// The parts of the `Error::Csv` that loading `contents` gives, and its message.
    fn csv_error(contents: &str, options: &CsvOptions) -> (Option<u64>, Option<String>, String) {
        let (path, result) = load(contents, options);
        match result {
            Err(error @ Error::Csv { .. }) => {
                let message = error.to_string();
                let shown = path.display().to_string();
                assert!(
                    message.starts_with(&shown),
                    "the message names the file: {message}"
                );
                let Error::Csv { line, column, .. } = error else {
                    unreachable!()
                };
                (line, column, message)
            }
            Err(other) => panic!("expected a CSV error, got {other}"),
            Ok(_) => panic!("expected a CSV error, the file loaded"),
        }
    }

    fn default_error(contents: &str) -> (Option<u64>, Option<String>, String) {
        csv_error(contents, &CsvOptions::new())
    }

    // Bad input: each names file, line and column and what was expected.

    #[test]
    fn empty_file_is_an_error() {
        let (line, _, message) = default_error("");

        assert_eq!(line, Some(1));
        assert!(message.ends_with(":1: the file is empty; expected a header row of column names"));
    }

    #[test]
    fn header_without_rows_is_an_error() {
        let (line, _, message) = default_error("a,b,y\n\n");

        assert_eq!(line, Some(2));
        assert!(message.contains("expected data rows after the header on line 1, found none"));
    }

    #[test]
    fn row_with_too_few_fields_is_an_error() {
        let (line, column, message) = default_error("a,b,y\n1,2,0\n3,4\n");

        assert_eq!((line, column.as_deref()), (Some(3), Some("3 (y)")));
        assert!(message.contains(":3: column 3 (y): the row has 2 fields, too few; expected 3"));
    }

    #[test]
    fn row_with_too_many_fields_is_an_error() {
        let (line, column, message) = default_error("a,b,y\n1,2,0,7\n");

        assert_eq!((line, column.as_deref()), (Some(2), Some("4")));
        assert!(message.contains("the row has 4 fields, too many; expected 3 as in the header"));
    }

    #[test]
    fn misspelled_number_is_an_error() {
        let (line, column, message) = default_error("a,b,y\n1,2,0\n3.O4,5,1\n");

        assert_eq!((line, column.as_deref()), (Some(3), Some("1 (a)")));
        assert!(message.ends_with(":3: column 1 (a): expected a number, found \"3.O4\""));
    }

    #[test]
    fn na_cell_is_an_error_by_default() {
        let (line, column, message) = default_error("a,b,y\n1,NA,0\n");

        assert_eq!((line, column.as_deref()), (Some(2), Some("2 (b)")));
        assert!(
            message.contains("missing value (\"NA\"); expected a number"),
            "{message}"
        );
    }

    #[test]
    fn empty_cell_is_an_error_by_default() {
        let (line, column, message) = default_error("a,b,y\n1,2,0\n1,,0\n");

        assert_eq!((line, column.as_deref()), (Some(3), Some("2 (b)")));
        assert!(message.contains("missing value (an empty cell); expected a number"));
    }

    #[test]
    fn value_overflowing_f32_is_an_error() {
        let (line, column, message) = default_error("a,b,y\n1e400,2,0\n");

        assert_eq!((line, column.as_deref()), (Some(2), Some("1 (a)")));
        assert!(message.contains("\"1e400\" overflows f32; expected a number of magnitude"));
    }

    #[test]
    fn nan_in_a_feature_is_an_error() {
        let (line, column, message) = default_error("a,b,y\n1,2,0\n3,NaN,1\n");

        assert_eq!((line, column.as_deref()), (Some(3), Some("2 (b)")));
        assert!(
            message.contains("missing value (\"NaN\"); expected a number"),
            "{message}"
        );
    }

    #[test]
    fn infinity_in_a_feature_is_an_error() {
        let (line, column, message) = default_error("a,b,y\n1,2,0\n3,-inf,1\n");

        assert_eq!((line, column.as_deref()), (Some(3), Some("2 (b)")));
        assert!(
            message.contains("infinity is not allowed in a feature"),
            "{message}"
        );
    }

    #[test]
    fn label_column_name_that_does_not_exist_is_an_error() {
        let options = CsvOptions::new().with_label(LabelColumn::Name("Grade".into()));

        let (line, column, message) = csv_error("GPA,GRADE\n3.1,1\n", &options);

        assert_eq!((line, column.as_deref()), (Some(1), Some("Grade")));
        assert!(message.contains(
            "no column named \"Grade\" (did you mean \"GRADE\"?); the columns are GPA, GRADE"
        ));
    }

    #[test]
    fn label_column_index_that_does_not_exist_is_an_error() {
        let options = CsvOptions::new().with_label(LabelColumn::Index(5));

        let (line, column, message) = csv_error("a,y\n3.1,1\n", &options);

        assert_eq!((line, column.as_deref()), (Some(1), Some("6")));
        assert!(message.contains("label column 6 does not exist; the file has 2 columns (a, y)"));
    }

    #[test]
    fn label_outside_the_two_classes_is_an_error() {
        let (line, column, message) = default_error("a,y\n1,0\n2,1\n3,2\n4,1\n");

        assert_eq!((line, column.as_deref()), (Some(4), Some("2 (y)")));
        assert!(message
            .contains("label \"2\" is neither 0 nor 1; expected one of the two classes 0 and 1"));
    }

    #[test]
    fn label_with_more_than_two_values_is_an_error() {
        let (line, column, message) = default_error("a,y\n1,cat\n2,dog\n3,cat\n4,fish\n");

        assert_eq!((line, column.as_deref()), (Some(5), Some("2 (y)")));
        assert!(message.contains(
            "the label column has 3 distinct values (\"cat\", \"dog\", \"fish\"); expected two \
             classes"
        ));
    }

    #[test]
    fn third_label_value_with_a_named_positive_is_an_error() {
        let options = CsvOptions::new().with_positive("yes");

        let (line, _, message) = csv_error("a,y\n1,yes\n2,no\n3,maybe\n", &options);

        assert_eq!(line, Some(4));
        assert!(message.contains("3 distinct values"), "{message}");
    }

    #[test]
    fn missing_label_is_an_error_by_default() {
        let (line, column, message) = default_error("a,y\n1,1\n2,\n");

        assert_eq!((line, column.as_deref()), (Some(3), Some("2 (y)")));
        assert!(message.contains("missing value (an empty cell); expected a label"));
    }

    #[test]
    fn line_numbers_count_crlf_blank_and_quoted_lines() {
        // Line 1 header, 2 blank, 3-4 a quoted cell spanning two lines, 5 blank, 6 bad.
        let text = "a,y\r\n\r\n\"1\r\n\",0\r\n\r\n3.O4,1\r\n";

        let (line, column, _) = default_error(text);

        assert_eq!((line, column.as_deref()), (Some(6), Some("1 (a)")));
    }

    #[test]
    fn missing_file_is_an_io_error_naming_it() {
        let result = CsvDataset::load("/nonexistent/folder/data.csv", &CsvOptions::new());

        let message = result.err().map(|e| e.to_string()).unwrap_or_default();

        assert!(
            message.starts_with("/nonexistent/folder/data.csv: "),
            "{message}"
        );
    }

    // Label encodings.

    #[test]
    fn minus_one_one_labels_need_a_named_positive() {
        let (line, column, message) = default_error("a,y\n1,-1\n2,1\n");

        assert_eq!((line, column.as_deref()), (None, Some("2 (y)")));
        assert!(message.contains(
            "the labels are \"-1\" and \"1\", not 0 and 1; name the positive value (for \
             example positive = \"-1\")"
        ));
    }

    #[test]
    fn named_positive_maps_and_reports() -> Result<()> {
        let options = CsvOptions::new().with_positive("M");

        let (_, dataset) = load("r,diagnosis\n1,M\n2,B\n3,B\n", &options);
        let dataset = dataset?;

        assert_eq!(dataset.label_values(), &[1.0, 0.0, 0.0]);
        let mapping = dataset.label_mapping();
        assert!(mapping.mapped);
        assert_eq!(
            (mapping.positive.as_str(), mapping.negative.as_deref()),
            ("M", Some("B"))
        );
        assert_eq!(
            mapping.to_string(),
            "label \"diagnosis\": \"M\" -> 1, \"B\" -> 0"
        );
        Ok(())
    }

    #[test]
    fn zero_one_written_as_floats_are_used_as_they_are() -> Result<()> {
        let (_, dataset) = load("a,y\n1,0.0\n2,1.0\n", &CsvOptions::new());
        let dataset = dataset?;

        assert_eq!(dataset.label_values(), &[0.0, 1.0]);
        assert!(!dataset.label_mapping().mapped);
        Ok(())
    }

    // Missing values dropped on request.

    #[test]
    fn drop_rows_reports_how_many_were_dropped() -> Result<()> {
        let options = CsvOptions::new().with_missing(MissingValues::DropRows);

        let (_, dataset) = load("a,b,y\n1,2,0\n,3,1\n4,NA,1\n5,6,\n7,8,1\n", &options);
        let dataset = dataset?;

        assert_eq!(dataset.len(), 2);
        assert_eq!(dataset.dropped_lines(), &[3, 4, 5]);
        assert_eq!(dataset.table().lines(), &[2, 6]);
        Ok(())
    }

    #[test]
    fn drop_rows_still_rejects_a_misspelled_number() {
        let options = CsvOptions::new().with_missing(MissingValues::DropRows);

        let (line, _, message) = csv_error("a,y\n,1\n3.O4,0\n", &options);

        assert_eq!(line, Some(3));
        assert!(message.contains("expected a number, found \"3.O4\""));
    }

    // File format variations.

    #[test]
    fn bom_crlf_quotes_spaces_and_trailing_blank_lines_are_read() -> Result<()> {
        let text = "\u{feff}\"x 1\", x2 ,label\r\n\"1.5\", 2, 1\r\n3,\"4\" ,0\r\n\r\n\r\n";
        let (_folder, path) = file("windows.csv", text.as_bytes());

        let dataset = CsvDataset::load(&path, &CsvOptions::new())?;

        assert_eq!(dataset.feature_names(), &["x 1", "x2"]);
        assert_eq!(dataset.label_name(), "label");
        assert_eq!(dataset.features().to_vec(), vec![1.5, 2.0, 3.0, 4.0]);
        assert_eq!(dataset.label_values(), &[1.0, 0.0]);
        Ok(())
    }

    #[test]
    fn delimiter_and_label_by_index_are_honoured() -> Result<()> {
        let options = CsvOptions::new()
            .with_delimiter(b';')
            .with_label(LabelColumn::Index(0));

        let (_, dataset) = load(
            "y;a;b\n1;2,5;3\n0;4;5\n",
            &options.clone().with_delimiter(b';'),
        );
        let message = dataset.err().map(|e| e.to_string()).unwrap_or_default();
        let (_, fixed) = load("y;a;b\n1;2.5;3\n0;4;5\n", &options);
        let fixed = fixed?;

        // A decimal comma is not a number: the error says so rather than reading 2 or 25.
        assert!(
            message.contains("expected a number, found \"2,5\""),
            "{message}"
        );
        assert_eq!(fixed.feature_names(), &["a", "b"]);
        assert_eq!(fixed.label_values(), &[1.0, 0.0]);
        Ok(())
    }

    #[test]
    fn named_features_are_read_in_the_given_order() -> Result<()> {
        let options = CsvOptions::new().with_features(vec!["c".into(), "a".into()]);
        let (_folder, path) = file("p.csv", b"a,b,c\n1,2,3\n4,5,6\n");

        let features = CsvFeatures::load(&path, &options)?;

        assert_eq!(features.feature_names(), &["c", "a"]);
        assert_eq!(features.values(), &[3.0, 1.0, 6.0, 4.0]);
        Ok(())
    }

    #[test]
    fn csv_dataset_batches_to_rows_and_flat_labels() -> Result<()> {
        let (_, dataset) = load("a,b,y\n1,2,0\n3,4,1\n5,6,1\n", &CsvOptions::new());

        let loader = DataLoader::new(dataset?, 2, false)?;
        let (data, label) = loader.into_iter().next().expect("a batch");

        assert_eq!(data.shape(), &[2, 2]);
        assert_eq!(label.shape(), &[2]);
        assert_eq!(label.to_vec(), vec![0.0, 1.0]);
        Ok(())
    }
}

// --- the real data sets, their splits and standardization ---

mod real_data {
    use gluon_rs::data::{CsvDataset, CsvOptions, LabelColumn, Split, Standardizer};
    use gluon_rs::Result;
    use std::path::PathBuf;

    fn data_dir() -> PathBuf {
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../data")
    }

    /// Figures from data/README.md.
    struct Expected {
        name: &'static str,
        rows: usize,
        features: usize,
        label: &'static str,
        positives: usize,
        negatives: usize,
        train: usize,
        validation: usize,
        validation_positives: usize,
    }

    const DATASETS: [Expected; 3] = [
        Expected {
            name: "spector",
            rows: 32,
            features: 3,
            label: "GRADE",
            positives: 11,
            negatives: 21,
            train: 24,
            validation: 8,
            validation_positives: 3,
        },
        Expected {
            name: "breast_cancer",
            rows: 569,
            features: 30,
            label: "malignant",
            positives: 212,
            negatives: 357,
            train: 455,
            validation: 114,
            validation_positives: 42,
        },
        Expected {
            name: "anes96",
            rows: 944,
            features: 9,
            label: "vote",
            positives: 393,
            negatives: 551,
            train: 755,
            validation: 189,
            validation_positives: 79,
        },
    ];

    #[test]
    fn datasets_load_with_the_readme_counts() -> Result<()> {
        for expected in DATASETS {
            let name = expected.name;
            let path = data_dir().join(format!("{name}.csv"));

            let dataset = CsvDataset::load(&path, &CsvOptions::new())?;

            assert_eq!(dataset.len(), expected.rows, "{name} rows");
            assert_eq!(dataset.num_features(), expected.features, "{name} features");
            assert_eq!(dataset.label_name(), expected.label, "{name} label");
            let classes = (expected.negatives, expected.positives);
            assert_eq!(dataset.class_counts(), classes, "{name} classes");
            assert!(!dataset.label_mapping().mapped);
        }
        Ok(())
    }

    #[test]
    fn split_files_and_train_standardization_match_the_record() -> Result<()> {
        for expected in DATASETS {
            let name = expected.name;
            let label = LabelColumn::Name(expected.label.to_string());
            let options = CsvOptions::new().with_label(label);
            let dataset = CsvDataset::load(data_dir().join(format!("{name}.csv")), &options)?;

            let split = Split::load(data_dir().join(format!("splits/{name}.json")))?;
            split.check_rows(dataset.len())?;
            let train_rows = dataset.select(&split.train)?;
            let validation_rows = dataset.select(&split.validation)?;
            let fitted = Standardizer::fit(train_rows.table())?;

            assert_eq!(split.n_rows, Some(expected.rows));
            let sizes = (train_rows.len(), validation_rows.len());
            assert_eq!(sizes, (expected.train, expected.validation), "{name}");
            let positives = validation_rows.class_counts().1;
            assert_eq!(positives, expected.validation_positives, "{name}");
            assert_eq!(
                split.feature_columns.as_deref(),
                Some(dataset.feature_names())
            );
            let recorded = split.recorded_standardizer().expect("recorded statistics");
            for (got, want) in fitted.mean.iter().zip(&recorded.mean) {
                assert!((got - want).abs() <= 1e-6, "{name} mean {got} vs {want}");
            }
            for (got, want) in fitted.std.iter().zip(&recorded.std) {
                assert!((got - want).abs() <= 1e-6, "{name} std {got} vs {want}");
            }
            assert_eq!(fitted.num_features(), recorded.num_features());
        }
        Ok(())
    }

    #[test]
    fn standardized_train_rows_have_zero_mean_and_unit_std() -> Result<()> {
        let dataset = CsvDataset::load(data_dir().join("breast_cancer.csv"), &CsvOptions::new())?;
        let split = Split::load(data_dir().join("splits/breast_cancer.json"))?;
        let train = dataset.select(&split.train)?;
        let standardizer = Standardizer::fit(train.table())?;

        let standardized = train.standardized(&standardizer)?;
        let again = Standardizer::fit(standardized.table())?;

        assert!(again.mean.iter().all(|mean| mean.abs() < 1e-9));
        assert!(again.std.iter().all(|std| (std - 1.0).abs() < 1e-9));
        Ok(())
    }

    #[test]
    fn stratified_split_keeps_the_class_balance() -> Result<()> {
        let dataset = CsvDataset::load(data_dir().join("anes96.csv"), &CsvOptions::new())?;

        let split = Split::stratified(dataset.label_values(), 0.2, 20240611)?;
        let validation = dataset.select(&split.validation)?;

        // 944 rows, 393 positive: ceil(188.8) = 189 validation rows, 78.67 -> 79 positive.
        assert_eq!((split.train.len(), split.validation.len()), (755, 189));
        assert_eq!(validation.class_counts(), (110, 79));
        assert_eq!(
            split,
            Split::stratified(dataset.label_values(), 0.2, 20240611)?
        );
        Ok(())
    }

    #[test]
    fn split_saves_and_loads_unchanged() -> Result<()> {
        let split = Split::load(data_dir().join("splits/spector.json"))?;
        let folder = tempfile::tempdir().expect("temporary folder");
        let path = folder.path().join("copy.json");

        split.save(&path)?;
        let back = Split::load(&path)?;

        assert_eq!(back, split);
        Ok(())
    }

    #[test]
    fn split_with_overlapping_sets_is_rejected() {
        let text = r#"{"train": [0, 1, 2], "validation": [2, 3]}"#;

        let message = Split::from_json("bad.json", text)
            .err()
            .map(|e| e.to_string());

        assert_eq!(
            message.as_deref(),
            Some("bad.json: row 2 is listed in train and again in validation")
        );
    }

    #[test]
    fn split_for_another_row_count_is_rejected() -> Result<()> {
        let split = Split::load(data_dir().join("splits/spector.json"))?;

        let message = split.check_rows(31).err().map(|e| e.to_string());

        assert_eq!(
            message.as_deref(),
            Some("the split was made for 32 rows, the data has 31")
        );
        Ok(())
    }
}
