//! Metrics: the traps MXNet 1.9.1 falls into, and values computed by hand.
//!
//! Expected values are hand computations (the arithmetic is in the comments) unless a test
//! says otherwise.

use gluon_rs::metric::{
    self, Accuracy, Average, BinaryAccuracy, CompositeEvalMetric, CrossEntropy, EvalMetric, Loss,
    Precision, Recall, TopKAccuracy, AUC, F1, MAE, MCC, MSE, RMSE,
};
use gluon_rs::nd::{self, NDArray};
use gluon_rs::{Error, Result};

/// `|got - want| <= atol + rtol * |want|`, with a message naming what was compared.
fn assert_close(what: &str, got: f64, want: f64) {
    let (atol, rtol) = (1e-12, 1e-9);
    assert!(
        (got - want).abs() <= atol + rtol * want.abs(),
        "{what}: got {got}, expected {want}"
    );
}

fn array(values: &[f32], shape: &[usize]) -> NDArray {
    nd::array(values, shape)
}

/// The error's message, or a panic naming what succeeded instead.
fn error_text<T: std::fmt::Debug>(result: Result<T>) -> String {
    match result {
        Ok(value) => panic!("expected an error, got {value:?}"),
        Err(error) => error.to_string(),
    }
}

// --- Accuracy ---

#[test]
fn accuracy_rejects_probabilities_of_the_label_shape() {
    // MXNet 1.9.1 truncates them to integers and reports 0.4.
    let labels = array(&[0.0, 1.0, 1.0, 0.0, 1.0], &[5]);
    let probabilities = array(&[0.2, 0.9, 0.7, 0.4, 0.6], &[5]);
    let mut accuracy = Accuracy::new();

    let result = accuracy.update(&labels, &probabilities);

    assert!(matches!(result, Err(Error::MetricInput { .. })));
    let message = error_text(result);
    assert!(message.contains("threshold"), "{message}");
    assert!(message.contains("BinaryAccuracy"), "{message}");
    assert!(
        accuracy.get().1.is_nan(),
        "a rejected update must not count"
    );
}

#[test]
fn accuracy_rejects_probabilities_shaped_as_a_column() {
    // MXNet 1.9.1 argmaxes over the single column, always class 0, and reports 0.4.
    let labels = array(&[0.0, 1.0, 1.0, 0.0, 1.0], &[5]);
    let probabilities = array(&[0.2, 0.9, 0.7, 0.4, 0.6], &[5, 1]);
    let mut accuracy = Accuracy::new();

    let message = error_text(accuracy.update(&labels, &probabilities));

    assert!(message.contains("BinaryAccuracy"), "{message}");
    assert!(message.contains("[5, 1]"), "{message}");
}

#[test]
fn accuracy_reads_a_column_of_class_ids_as_the_same_samples() -> Result<()> {
    // 3 of 4 match, both ways round; an (N, N) comparison would give 8/16 instead.
    let vector = array(&[1.0, 0.0, 1.0, 1.0], &[4]);
    let column = array(&[1.0, 0.0, 0.0, 1.0], &[4, 1]);
    let mut column_preds = Accuracy::new();
    let mut column_labels = Accuracy::new();

    column_preds.update(&vector, &column)?;
    column_labels.update(&column, &vector)?;

    assert_close("column predictions", column_preds.get().1, 0.75);
    assert_close("column labels", column_labels.get().1, 0.75);
    Ok(())
}

#[test]
fn accuracy_rejects_different_sample_counts_naming_both_shapes() {
    let labels = array(&[1.0, 0.0, 1.0, 1.0, 0.0], &[5]);
    let preds = array(&[1.0, 0.0, 1.0, 1.0], &[4, 1]);
    let mut accuracy = Accuracy::new();

    let result = accuracy.update(&labels, &preds);

    assert!(matches!(result, Err(Error::ShapeMismatch { .. })));
    let message = error_text(result);
    assert!(
        message.contains("[4, 1]") && message.contains("[5]"),
        "{message}"
    );
}

#[test]
fn accuracy_takes_the_argmax_of_class_scores() -> Result<()> {
    // Rows pick classes 1, 0, 0, 1 against labels 1, 0, 1, 1: 3 of 4.
    let labels = array(&[1.0, 0.0, 1.0, 1.0], &[4, 1]);
    let scores = array(&[0.3, 0.7, 0.6, 0.4, 0.8, 0.2, 0.45, 0.55], &[4, 2]);
    let mut accuracy = Accuracy::new();

    accuracy.update(&labels, &scores)?;

    assert_close("accuracy", accuracy.get().1, 0.75);
    Ok(())
}

#[test]
fn accuracy_rejects_labels_that_are_not_class_ids() {
    let labels = array(&[0.5, 1.0], &[2]);
    let preds = array(&[0.0, 1.0], &[2]);
    let mut accuracy = Accuracy::new();

    let result = accuracy.update(&labels, &preds);

    assert!(matches!(result, Err(Error::LabelEncoding { .. })));
}

#[test]
fn accuracy_rejects_a_class_axis_beyond_the_predictions() {
    let labels = array(&[1.0, 0.0], &[2]);
    let preds = array(&[0.3, 0.7, 0.6, 0.4], &[2, 2]);
    let mut accuracy = Accuracy::new().with_axis(2);

    let result = accuracy.update(&labels, &preds);

    assert!(matches!(result, Err(Error::ShapeMismatch { .. })));
}

#[test]
fn binary_accuracy_thresholds_probabilities() -> Result<()> {
    // At 0.5 every sample is right; at 0.65 the 0.6 becomes class 0: 4 of 5.
    let labels = array(&[0.0, 1.0, 1.0, 0.0, 1.0], &[5]);
    let probabilities = array(&[0.2, 0.9, 0.7, 0.4, 0.6], &[5, 1]);
    let mut at_half = BinaryAccuracy::new();
    let mut strict = BinaryAccuracy::new().with_threshold(0.65)?;

    at_half.update(&labels, &probabilities)?;
    strict.update(&labels, &probabilities)?;

    assert_close("threshold 0.5", at_half.get().1, 1.0);
    assert_close("threshold 0.65", strict.get().1, 0.8);
    Ok(())
}

// --- F1 and the other counting metrics ---

#[test]
fn f1_reads_two_column_probabilities_against_column_labels() -> Result<()> {
    // Column 1 > 0.5 predicts [1, 0, 0, 1] for labels [1, 0, 1, 1]: tp 2, fp 0, fn 1, tn 1,
    // P = 1, R = 2/3, F1 = 0.8. MXNet 1.9.1 compares an outer product and says 0.6.
    let labels = array(&[1.0, 0.0, 1.0, 1.0], &[4, 1]);
    let probabilities = array(&[0.2, 0.8, 0.7, 0.3, 0.6, 0.4, 0.1, 0.9], &[4, 2]);
    let mut f1 = F1::new();

    f1.update(&labels, &probabilities)?;

    assert_close("f1", f1.get().1, 0.8);
    let counts = f1.confusion();
    assert_eq!(
        [
            counts.true_positives,
            counts.false_positives,
            counts.false_negatives,
            counts.true_negatives
        ],
        [2, 0, 1, 1]
    );
    Ok(())
}

/// Update 1: labels [0, 1, 1, 0], p [0.2, 0.7, 0.4, 0.9]: tp 1, fp 1, fn 1, tn 1, F1 0.5.
/// Update 2: labels [0, 0], p [0.1, 0.3]: tn 2 only, F1 0.
fn two_f1_updates(metric: &mut dyn EvalMetric) -> Result<()> {
    metric.update(
        &array(&[0.0, 1.0, 1.0, 0.0], &[4]),
        &array(&[0.2, 0.7, 0.4, 0.9], &[4]),
    )?;
    metric.update(&array(&[0.0, 0.0], &[2]), &array(&[0.1, 0.3], &[2]))
}

#[test]
fn f1_pools_counts_over_updates() -> Result<()> {
    // Pooled: tp 1, fp 1, fn 1, tn 3: F1 0.5.
    let mut f1 = F1::new();

    two_f1_updates(&mut f1)?;

    assert_close("pooled f1", f1.get().1, 0.5);
    Ok(())
}

#[test]
fn f1_per_batch_mean_reproduces_mxnet_1_9_1() -> Result<()> {
    // (0.5 + 0) / 2: the batch without positives pulls the mean down.
    let mut f1 = F1::new().with_average(Average::PerBatchMean);

    two_f1_updates(&mut f1)?;

    assert_close("per-batch-mean f1", f1.get().1, 0.25);
    assert_eq!(f1.confusion().total(), 6);
    Ok(())
}

#[test]
fn f1_and_mcc_reject_labels_with_more_than_two_classes() {
    let labels = array(&[0.0, 1.0, 2.0], &[3]);
    let probabilities = array(&[0.2, 0.7, 0.9], &[3]);
    let mut f1 = F1::new();
    let mut mcc = MCC::new();

    let f1_result = f1.update(&labels, &probabilities);
    let mcc_result = mcc.update(&labels, &probabilities);

    assert!(matches!(f1_result, Err(Error::LabelEncoding { .. })));
    assert!(matches!(mcc_result, Err(Error::LabelEncoding { .. })));
    assert!(error_text(f1_result).contains("label 2"));
}

#[test]
fn f1_rejects_logits() {
    let labels = array(&[0.0, 1.0], &[2]);
    let logits = array(&[-1.5, 2.0], &[2]);
    let mut f1 = F1::new();

    let message = error_text(f1.update(&labels, &logits));

    assert!(message.contains("sigmoid"), "{message}");
}

#[test]
fn f1_rejects_two_columns_that_are_not_probability_rows() {
    let labels = array(&[0.0, 1.0], &[2]);
    let scores = array(&[0.4, 0.3, 0.1, 0.2], &[2, 2]);
    let mut f1 = F1::new();

    let message = error_text(f1.update(&labels, &scores));

    assert!(message.contains("sums to"), "{message}");
}

#[test]
fn f1_rejects_predictions_that_fit_neither_layout() {
    let labels = array(&[0.0, 1.0, 1.0], &[3]);
    let three_columns = array(&[0.2, 0.3, 0.5, 0.1, 0.1, 0.8, 0.3, 0.3, 0.4], &[3, 3]);
    let mut f1 = F1::new();

    let result = f1.update(&labels, &three_columns);

    assert!(matches!(result, Err(Error::ShapeMismatch { .. })));
}

#[test]
fn threshold_outside_zero_one_is_rejected_at_construction() {
    let result = F1::new().with_threshold(1.5);

    assert!(matches!(result, Err(Error::Config { .. })));
}

#[test]
fn precision_recall_and_mcc_score_the_pooled_counts() -> Result<()> {
    // Labels [1, 1, 0, 0, 1], p [0.8, 0.7, 0.1, 0.2, 0.3]: tp 2, fn 1, tn 2, fp 0.
    // Precision 1, recall 2/3, MCC (2*2 - 0) / sqrt(2 * 3 * 2 * 3) = 2/3.
    let labels = array(&[1.0, 1.0, 0.0, 0.0, 1.0], &[5]);
    let probabilities = array(&[0.8, 0.7, 0.1, 0.2, 0.3], &[5]);
    let mut precision = Precision::new();
    let mut recall = Recall::new();
    let mut mcc = MCC::new();

    precision.update(&labels, &probabilities)?;
    recall.update(&labels, &probabilities)?;
    mcc.update(&labels, &probabilities)?;

    assert_close("precision", precision.get().1, 1.0);
    assert_close("recall", recall.get().1, 2.0 / 3.0);
    assert_close("mcc", mcc.get().1, 2.0 / 3.0);
    Ok(())
}

// --- values nobody has seen ---

#[test]
fn metrics_read_before_any_update_report_nan_with_their_name() -> Result<()> {
    let names = [
        "accuracy",
        "auc",
        "binary_accuracy",
        "ce",
        "f1",
        "loss",
        "mae",
        "mcc",
        "mse",
    ];
    let more = ["precision", "recall", "rmse", "top_k_accuracy_2"];

    for name in names.iter().chain(&more) {
        let metric = metric::create(name)?;

        let (reported_name, value) = metric.get();

        assert!(value.is_nan(), "{name}: {value}");
        assert_eq!(reported_name, metric.name());
    }
    Ok(())
}

#[test]
fn reset_brings_back_nan() -> Result<()> {
    let mut f1 = F1::new();
    two_f1_updates(&mut f1)?;

    f1.reset();

    assert_eq!(f1.get().0, "f1");
    assert!(f1.get().1.is_nan());
    assert!(f1.get_global().1.is_nan());
    Ok(())
}

#[test]
fn reset_local_keeps_the_global_value() -> Result<()> {
    let mut accuracy = Accuracy::new();
    accuracy.update(&array(&[1.0, 0.0], &[2]), &array(&[1.0, 1.0], &[2]))?;

    accuracy.reset_local();
    accuracy.update(&array(&[1.0, 0.0], &[2]), &array(&[1.0, 0.0], &[2]))?;

    assert_close("local", accuracy.get().1, 1.0);
    assert_close("global", accuracy.get_global().1, 0.75);
    Ok(())
}

// --- updates with several pairs ---

#[test]
fn a_rejected_pair_leaves_the_metric_unchanged() {
    let good = (array(&[1.0, 0.0], &[2]), array(&[1.0, 0.0], &[2]));
    let bad = (array(&[1.0, 0.0], &[2]), array(&[0.9, 0.1], &[2]));
    let mut accuracy = Accuracy::new();

    let result = accuracy.update_many(&[good.0, bad.0], &[good.1, bad.1]);

    assert!(result.is_err());
    assert!(accuracy.get().1.is_nan());
}

#[test]
fn update_many_rejects_lists_of_different_lengths() {
    let labels = [array(&[1.0], &[1]), array(&[0.0], &[1])];
    let preds = [array(&[1.0], &[1])];
    let mut accuracy = Accuracy::new();

    let result = accuracy.update_many(&labels, &preds);

    assert!(matches!(result, Err(Error::MetricInput { .. })));
}

#[test]
fn composite_checks_every_child_before_any_counts() {
    // Accuracy accepts the class ids, F1 rejects label 2: neither may count.
    let labels = array(&[0.0, 2.0], &[2]);
    let preds = array(&[0.0, 1.0], &[2]);
    let mut metrics = CompositeEvalMetric::new()
        .with(Accuracy::new())
        .with(F1::new());

    let result = metrics.update(&labels, &preds);

    assert!(result.is_err());
    assert!(metrics
        .get_name_value()
        .iter()
        .all(|(_, value)| value.is_nan()));
}

#[test]
fn composite_reports_one_value_per_child() -> Result<()> {
    let mut metrics = metric::create_composite(&["acc", "mae"])?;

    metrics.update(&array(&[1.0, 0.0], &[2]), &array(&[1.0, 1.0], &[2]))?;

    let (names, values) = metrics.get_lists();
    assert_eq!(names, ["accuracy", "mae"]);
    assert_close("accuracy", values[0], 0.5);
    assert_close("mae", values[1], 0.5);
    Ok(())
}

// --- ranking ---

#[test]
fn auc_averages_the_ranks_of_tied_scores() -> Result<()> {
    // Positives score 0.4, 0.8, 0.3; negatives 0.1, 0.4, 0.8, 0.4. Over the 12
    // positive-negative pairs, a win counts 1 and a tie 1/2:
    // 0.4 beats 0.1 and ties two 0.4s (2), 0.8 beats three and ties one (3.5),
    // 0.3 beats 0.1 (1): 6.5 / 12 = 13/24.
    let labels = array(&[0.0, 0.0, 1.0, 1.0, 0.0, 1.0, 0.0], &[7]);
    let scores = array(&[0.1, 0.4, 0.4, 0.8, 0.8, 0.3, 0.4], &[7]);
    let mut auc = AUC::new();

    auc.update(&labels, &scores)?;

    assert_close("auc", auc.get().1, 13.0 / 24.0);
    Ok(())
}

#[test]
fn auc_of_one_class_is_undefined() -> Result<()> {
    let mut auc = AUC::new();

    auc.update(&array(&[1.0, 1.0], &[2]), &array(&[0.3, 0.9], &[2]))?;

    assert!(auc.get().1.is_nan());
    Ok(())
}

#[test]
fn top_k_accuracy_counts_labels_among_the_best_k() -> Result<()> {
    // Row 0: label 2 scores highest; row 1: label 0 is third of three; row 2: label 1 is
    // second. Top-2: 2 of 3.
    let labels = array(&[2.0, 0.0, 1.0], &[3]);
    let scores = array(&[0.1, 0.3, 0.6, 0.1, 0.5, 0.4, 0.5, 0.3, 0.2], &[3, 3]);
    let mut top2 = TopKAccuracy::new(2)?;

    top2.update(&labels, &scores)?;

    assert_eq!(top2.name(), "top_k_accuracy_2");
    assert_close("top-2", top2.get().1, 2.0 / 3.0);
    Ok(())
}

#[test]
fn top_k_accuracy_needs_k_of_at_least_one() {
    let result = TopKAccuracy::new(0);

    assert!(matches!(result, Err(Error::Config { .. })));
}

// --- probabilistic and regression metrics ---

#[test]
fn cross_entropy_averages_the_log_loss_of_the_true_class() -> Result<()> {
    // -(ln 0.8 + ln 0.5) / 2.
    let labels = array(&[0.0, 2.0], &[2]);
    let probabilities = array(&[0.8, 0.1, 0.1, 0.25, 0.25, 0.5], &[2, 3]);
    let mut ce = CrossEntropy::new();

    ce.update(&labels, &probabilities)?;

    let want = -((0.8f32 as f64 + 1e-12).ln() + (0.5f64 + 1e-12).ln()) / 2.0;
    assert_close("cross-entropy", ce.get().1, want);
    Ok(())
}

#[test]
fn cross_entropy_rejects_logits_and_out_of_range_labels() {
    let mut ce = CrossEntropy::new();

    let logits = ce.update(&array(&[0.0], &[1]), &array(&[2.0, -1.0], &[1, 2]));
    let label = ce.update(&array(&[2.0], &[1]), &array(&[0.5, 0.5], &[1, 2]));

    assert!(matches!(logits, Err(Error::MetricInput { .. })));
    assert!(matches!(label, Err(Error::LabelEncoding { .. })));
}

#[test]
fn regression_metrics_weigh_every_sample_the_same() -> Result<()> {
    // Batch 1: one sample off by 4; batch 2: three exact samples. Per sample: MAE 4/4 = 1,
    // MSE 16/4 = 4, RMSE 2. MXNet 1.9.1's mean of batch means says MAE 2, MSE 8.
    let mut metrics: Vec<Box<dyn EvalMetric>> = vec![
        Box::new(MAE::new()),
        Box::new(MSE::new()),
        Box::new(RMSE::new()),
    ];

    for metric in &mut metrics {
        metric.update(&array(&[4.0], &[1]), &array(&[0.0], &[1]))?;
        metric.update(
            &array(&[1.0, 2.0, 3.0], &[3]),
            &array(&[1.0, 2.0, 3.0], &[3, 1]),
        )?;
    }

    assert_close("mae", metrics[0].get().1, 1.0);
    assert_close("mse", metrics[1].get().1, 4.0);
    assert_close("rmse", metrics[2].get().1, 2.0);
    Ok(())
}

#[test]
fn regression_metrics_never_broadcast_a_column_against_a_matrix() {
    let labels = array(&[1.0, 2.0, 3.0, 4.0], &[2, 2]);
    let preds = array(&[1.0, 2.0], &[2, 1]);
    let mut mse = MSE::new();

    let result = mse.update(&labels, &preds);

    assert!(matches!(result, Err(Error::ShapeMismatch { .. })));
}

#[test]
fn loss_metric_averages_every_element_and_ignores_labels() -> Result<()> {
    // (1 + 2 + 3 + 6) / 4.
    let mut loss = Loss::new();

    loss.update_many(&[], &[array(&[1.0, 2.0, 3.0], &[3])])?;
    loss.update(&array(&[9.0], &[1]), &array(&[6.0], &[1]))?;

    assert_close("loss", loss.get().1, 3.0);
    Ok(())
}

// --- the registry ---

#[test]
fn create_ignores_case() -> Result<()> {
    let accuracy = metric::create("ACC")?;
    let top3 = metric::create("Top_K_Accuracy_3")?;

    assert_eq!(accuracy.name(), "accuracy");
    assert_eq!(top3.name(), "top_k_accuracy_3");
    Ok(())
}

#[test]
fn create_lists_the_valid_names_for_an_unknown_one() {
    let message = error_text(metric::create("f2"));

    assert!(message.contains("\"f2\""), "{message}");
    assert!(
        message.contains("accuracy") && message.contains("rmse"),
        "{message}"
    );
}

#[test]
fn create_asks_for_the_k_of_a_top_k_accuracy() {
    let message = error_text(metric::create("top_k_accuracy"));

    assert!(message.contains("top_k_accuracy_<k>"), "{message}");
}

// --- against the recorded tutorial runs ---

/// Replays the validation pass of a trajectory fixture's last epoch from its recorded
/// `final_val_output` (the network's logits after the last epoch), batch by batch as the
/// tutorial does, and returns accuracy, per-batch-mean F1 and pooled F1.
fn last_epoch_validation(fixture: &serde_json::Value) -> Result<[f64; 3]> {
    let number = |value: &serde_json::Value| value.as_f64().expect("number") as f32;
    let logits: Vec<f32> = fixture["final_val_output"]["data"]
        .as_array()
        .expect("final_val_output")
        .iter()
        .map(number)
        .collect();
    let labels: Vec<f32> = fixture["val"]["y"]["data"]
        .as_array()
        .expect("val.y")
        .iter()
        .map(number)
        .collect();
    let batch_size = fixture["val_batch_size"].as_u64().expect("val_batch_size") as usize;

    let mut accuracy = BinaryAccuracy::new();
    let mut per_batch = F1::new().with_average(Average::PerBatchMean);
    let mut pooled = F1::new();
    for (batch_logits, batch_labels) in logits.chunks(batch_size).zip(labels.chunks(batch_size)) {
        let rows = batch_labels.len();
        let label = array(batch_labels, &[rows]);
        let probabilities = array(batch_logits, &[rows, 1]).sigmoid();
        let two_columns = nd::stack(&[&(1.0 - &probabilities), &probabilities], 1);

        accuracy.update(&label, &probabilities)?;
        per_batch.update(&label, &two_columns)?;
        pooled.update(&label, &probabilities)?;
    }
    Ok([accuracy.get().1, per_batch.get().1, pooled.get().1])
}

#[test]
fn f1_modes_reproduce_the_recorded_tutorial_validation_figures() -> Result<()> {
    // Expected values: MXNet 1.9.1, trajectory/*.json, last epoch (`val_accuracy`,
    // `val_f1_macro` = per-batch mean, `val_f1_micro` = pooled).
    let folder =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/mxnet/trajectory");
    for name in [
        "tutorial_sgd",
        "tutorial_sgd_momentum_wd",
        "tutorial_adam_partial_batch",
    ] {
        let text = std::fs::read_to_string(folder.join(format!("{name}.json"))).expect("fixture");
        let fixture: serde_json::Value = serde_json::from_str(&text).expect("json");
        let last = &fixture["epochs"][fixture["epochs"].as_array().expect("epochs").len() - 1];

        let [accuracy, per_batch, pooled] = last_epoch_validation(&fixture)?;

        let field = |key: &str| last[key].as_f64().expect(key);
        assert_close(&format!("{name} accuracy"), accuracy, field("val_accuracy"));
        assert_close(
            &format!("{name} per-batch F1"),
            per_batch,
            field("val_f1_macro"),
        );
        assert_close(&format!("{name} pooled F1"), pooled, field("val_f1_micro"));
    }
    Ok(())
}

#[test]
fn f1_reads_the_tutorials_stacked_columns() -> Result<()> {
    // stack([1 - p, p], axis=1) of (4, 1) probabilities is (4, 2, 1); same counts as the
    // two-column test above: F1 0.8.
    let labels = array(&[1.0, 0.0, 1.0, 1.0], &[4]);
    let probabilities = array(&[0.8, 0.3, 0.4, 0.9], &[4, 1]);
    let stacked = nd::stack(&[&(1.0 - &probabilities), &probabilities], 1);
    let mut f1 = F1::new();

    f1.update(&labels, &stacked)?;

    assert_eq!(stacked.shape(), &[4, 2, 1]);
    assert_close("f1", f1.get().1, 0.8);
    Ok(())
}
