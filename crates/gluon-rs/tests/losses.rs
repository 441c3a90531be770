//! Loss behaviour where a naive implementation goes wrong, and every bad input the losses
//! reject. Expected values are hand computations (the math is in each comment) or MXNet
//! 1.9.1 figures quoted from the spec, section 8.

use gluon_rs::loss::{
    L1Loss, L2Loss, LabelFormat, LogisticLoss, Loss, SigmoidBinaryCrossEntropyLoss,
    SoftmaxCrossEntropyLoss,
};
use gluon_rs::nd::NDArray;
use gluon_rs::{autograd, Error, Result};

fn assert_close(got: &[f32], want: &[f32], atol: f32) {
    assert_eq!(got.len(), want.len(), "lengths: got {got:?}, want {want:?}");
    for (i, (&g, &w)) in got.iter().zip(want).enumerate() {
        assert!(g.is_finite(), "element {i} is not finite: {got:?}");
        assert!(
            (g - w).abs() <= atol,
            "element {i}: got {g}, want {w} ({got:?})"
        );
    }
}

/// The loss and the gradient of its sum with respect to `pred`.
fn loss_and_grad(
    loss: &dyn Loss,
    pred: &NDArray,
    label: &NDArray,
    sample_weight: Option<&NDArray>,
) -> Result<(NDArray, NDArray)> {
    pred.attach_grad();
    let value = autograd::record(|| loss.forward_weighted(pred, label, sample_weight))?;
    value.backward()?;
    Ok((value, pred.grad().expect("attached")))
}

#[test]
fn extreme_logits_give_finite_exact_losses_and_gradients() -> Result<()> {
    // loss = max(x,0) - x z + log(1 + e^-|x|); grad = sigmoid(x) - z.
    let pred = NDArray::from_vec(
        vec![100.0, -100.0, 10000.0, -10000.0, 100.0, -100.0, 30.0, -30.0],
        &[8, 1],
    );
    let label = NDArray::from_vec(vec![0.0, 1.0, 0.0, 1.0, 1.0, 0.0, 1.0, 0.0], &[8]);

    let (loss, grad) = loss_and_grad(&SigmoidBinaryCrossEntropyLoss::new(), &pred, &label, None)?;

    assert_close(
        &loss.to_vec(),
        &[100.0, 100.0, 10000.0, 10000.0, 0.0, 0.0, 0.0, 0.0],
        1e-5,
    );
    assert_close(
        &grad.to_vec(),
        &[1.0, -1.0, 1.0, -1.0, 0.0, 0.0, 0.0, 0.0],
        1e-5,
    );
    Ok(())
}

#[test]
fn zero_logit_gradient_is_half_minus_label() -> Result<()> {
    // sigmoid(0) - z = 0.5 - z; MXNet 1.9.1 returns -z here.
    let label = NDArray::from_vec(vec![0.0, 1.0], &[2]);
    let loss = SigmoidBinaryCrossEntropyLoss::new();

    let (_, plain) = loss_and_grad(&loss, &NDArray::zeros(&[2]), &label, None)?;
    let pred = NDArray::zeros(&[2]);
    pred.attach_grad();
    let weighted = autograd::record(|| {
        loss.forward_with_pos_weight(&pred, &label, None, Some(&NDArray::ones(&[1])))
    })?;
    weighted.backward()?;

    assert_close(&plain.to_vec(), &[0.5, -0.5], 1e-7);
    assert_close(&pred.grad().expect("attached").to_vec(), &[0.5, -0.5], 1e-7);
    Ok(())
}

#[test]
fn zero_logit_gradient_is_half_minus_label_for_logistic_loss() -> Result<()> {
    // Signed labels -1, 1 map to z = 0, 1.
    let label = NDArray::from_vec(vec![-1.0, 1.0], &[2]);

    let (_, grad) = loss_and_grad(
        &LogisticLoss::new(LabelFormat::Signed),
        &NDArray::zeros(&[2]),
        &label,
        None,
    )?;

    assert_close(&grad.to_vec(), &[0.5, -0.5], 1e-7);
    Ok(())
}

#[test]
fn label_of_shape_n_is_reshaped_to_pred_n1_and_never_broadcast() -> Result<()> {
    // Per-sample losses softplus(-2), softplus(-1), softplus(-0.5), softplus(-3); their mean
    // is 0.24071. Broadcasting to (4, 4) would give a mean of 1.0532.
    let pred = NDArray::from_vec(vec![2.0, -1.0, 0.5, -3.0], &[4, 1]);
    let label = NDArray::from_vec(vec![1.0, 0.0, 1.0, 0.0], &[4]);

    let loss = SigmoidBinaryCrossEntropyLoss::new().forward(&pred, &label)?;

    assert_eq!(loss.shape(), &[4]);
    assert_close(&loss.mean().to_vec(), &[0.24071], 1e-5);
    Ok(())
}

#[test]
fn same_element_count_labels_take_the_pred_shape() -> Result<()> {
    // Spec 8.2 two-column case: rows are means of their two element losses.
    let pred = NDArray::from_vec(vec![1.0, -1.0, 2.0, 0.0], &[2, 2]);
    let label = NDArray::from_vec(vec![1.0, 0.0, 0.0, 1.0], &[4]);

    let loss = SigmoidBinaryCrossEntropyLoss::new().forward(&pred, &label)?;
    let wide = SigmoidBinaryCrossEntropyLoss::new()
        .forward(&NDArray::zeros(&[4, 3]), &NDArray::zeros(&[4, 3]))?;

    assert_close(&loss.to_vec(), &[0.3132617, 1.4100376], 1e-6);
    assert_eq!(wide.shape(), &[4]);
    Ok(())
}

#[test]
fn element_count_mismatch_names_both_shapes() {
    let pred = NDArray::zeros(&[4, 1]);
    let label = NDArray::zeros(&[5]);

    let error = L2Loss::new().forward(&pred, &label).unwrap_err();

    assert!(matches!(error, Error::ShapeMismatch { .. }));
    let message = error.to_string();
    assert!(
        message.contains("[4, 1]") && message.contains("[5]"),
        "{message}"
    );
}

#[test]
fn per_sample_weight_of_shape_n_weights_each_sample() -> Result<()> {
    // Spec 8.2 worked example: losses 0.1269281, 0.4740770, 3.0485873, 0.6931472 weighted
    // by 1, 0, 2, 1 each. MXNet would scale all four by mean(weights) = 1.
    let pred = NDArray::from_vec(vec![-2.0, 0.5, 3.0, 0.0], &[4, 1]);
    let label = NDArray::from_vec(vec![0.0, 1.0, 0.0, 1.0], &[4]);
    let weight = NDArray::from_vec(vec![1.0, 0.0, 2.0, 1.0], &[4]);

    let (loss, grad) = loss_and_grad(
        &SigmoidBinaryCrossEntropyLoss::new(),
        &pred,
        &label,
        Some(&weight),
    )?;

    assert_close(
        &loss.to_vec(),
        &[0.1269281, 0.0, 6.0971746, std::f32::consts::LN_2],
        1e-6,
    );
    assert_eq!(grad.shape(), &[4, 1]);
    // d/dx = w (sigmoid(x) - z): the second sample's weight 0 removes its gradient.
    assert_close(
        &grad.to_vec(),
        &[0.11920292, 0.0, 2.0 * 0.95257413, -0.5],
        1e-6,
    );
    Ok(())
}

#[test]
fn pos_weight_up_weights_positive_labels() -> Result<()> {
    // Spec 8.2 worked example, pos_weight [2].
    let pred = NDArray::from_vec(vec![-2.0, 0.5, 3.0, 0.0], &[4, 1]);
    let label = NDArray::from_vec(vec![0.0, 1.0, 0.0, 1.0], &[4]);

    let loss = SigmoidBinaryCrossEntropyLoss::new().forward_with_pos_weight(
        &pred,
        &label,
        None,
        Some(&NDArray::from_vec(vec![2.0], &[1])),
    )?;

    assert_close(
        &loss.to_vec(),
        &[0.1269281, 0.948154, 3.0485873, 1.3862945],
        1e-6,
    );
    Ok(())
}

#[test]
fn signed_labels_into_sigmoid_bce_are_rejected_with_a_fix() {
    let pred = NDArray::zeros(&[4, 1]);
    let label = NDArray::from_vec(vec![-1.0, 1.0, 1.0, -1.0], &[4]);

    let error = SigmoidBinaryCrossEntropyLoss::new()
        .forward(&pred, &label)
        .unwrap_err();

    assert!(matches!(error, Error::LabelEncoding { .. }));
    let message = error.to_string();
    assert!(
        message.contains("0/1") && message.contains("LogisticLoss"),
        "{message}"
    );
}

#[test]
fn one_column_per_class_into_sigmoid_bce_says_one_unit() {
    let pred = NDArray::zeros(&[4, 2]);
    let label = NDArray::from_vec(vec![0.0, 1.0, 1.0, 0.0], &[4]);

    let error = SigmoidBinaryCrossEntropyLoss::new()
        .forward(&pred, &label)
        .unwrap_err();

    let message = error.to_string();
    assert!(message.contains("one unit"), "{message}");
    assert!(
        message.contains("[4, 2]") && message.contains("[4]"),
        "{message}"
    );
}

#[test]
fn logistic_signed_and_binary_agree_with_sigmoid_bce() -> Result<()> {
    let pred = NDArray::from_vec(vec![-2.0, 0.5, 3.0, 0.0], &[4]);
    let binary = NDArray::from_vec(vec![0.0, 1.0, 0.0, 1.0], &[4]);
    let signed = NDArray::from_vec(vec![-1.0, 1.0, -1.0, 1.0], &[4]);

    let reference = SigmoidBinaryCrossEntropyLoss::new().forward(&pred, &binary)?;
    let from_signed = LogisticLoss::new(LabelFormat::Signed).forward(&pred, &signed)?;
    let from_binary = LogisticLoss::new(LabelFormat::Binary).forward(&pred, &binary)?;

    assert_close(&from_signed.to_vec(), &reference.to_vec(), 1e-7);
    assert_close(&from_binary.to_vec(), &reference.to_vec(), 1e-7);
    Ok(())
}

#[test]
fn logistic_rejects_labels_outside_its_format() {
    let pred = NDArray::zeros(&[2]);

    let signed = LogisticLoss::new(LabelFormat::Signed)
        .forward(&pred, &NDArray::from_vec(vec![2.0, 1.0], &[2]));
    let binary = LogisticLoss::new(LabelFormat::Binary)
        .forward(&pred, &NDArray::from_vec(vec![-1.0, 1.0], &[2]));

    assert!(matches!(signed, Err(Error::LabelEncoding { .. })));
    assert!(matches!(binary, Err(Error::LabelEncoding { .. })));
}

#[test]
fn unknown_label_format_lists_the_valid_ones() {
    let error = LabelFormat::parse("onehot").unwrap_err();

    assert!(error.to_string().contains("signed, binary"), "{error}");
}

#[test]
fn l1_and_l2_match_the_spec_figures() -> Result<()> {
    // L2: (z - x)^2 / 2 averaged per row; L1: |z - x| averaged per row.
    let pred = NDArray::from_vec(vec![1.0, 2.0, 3.0, 5.0], &[2, 2]);
    let label = NDArray::from_vec(vec![0.0, 2.0, 1.0, 1.0], &[2, 2]);

    let l2 = L2Loss::new().forward(&pred, &label)?;
    let l1 = L1Loss::new().forward(&pred, &label)?;

    assert_close(&l2.to_vec(), &[0.25, 5.0], 1e-7);
    assert_close(&l1.to_vec(), &[0.5, 3.0], 1e-7);
    Ok(())
}

#[test]
fn softmax_cross_entropy_sparse_and_dense_agree() -> Result<()> {
    // -log_softmax([1,2,3])[2] = ln(1 + e^-1 + e^-2) = 0.40760596; uniform logits give ln 3.
    let pred = NDArray::from_vec(vec![1.0, 2.0, 3.0, 1.0, 1.0, 1.0], &[2, 3]);
    let sparse = NDArray::from_vec(vec![2.0, 0.0], &[2]);
    let dense = NDArray::from_vec(vec![0.0, 0.0, 1.0, 1.0, 0.0, 0.0], &[2, 3]);

    let from_sparse = SoftmaxCrossEntropyLoss::new().forward(&pred, &sparse)?;
    let from_dense = SoftmaxCrossEntropyLoss::new()
        .with_sparse_label(false)
        .forward(&pred, &dense)?;

    assert_close(&from_sparse.to_vec(), &[0.40760596, 1.0986123], 1e-6);
    assert_close(&from_dense.to_vec(), &from_sparse.to_vec(), 1e-6);
    Ok(())
}

#[test]
fn softmax_cross_entropy_rejects_out_of_range_classes() {
    let pred = NDArray::zeros(&[2, 3]);

    let too_big =
        SoftmaxCrossEntropyLoss::new().forward(&pred, &NDArray::from_vec(vec![5.0, 0.0], &[2]));
    let negative =
        SoftmaxCrossEntropyLoss::new().forward(&pred, &NDArray::from_vec(vec![-1.0, 0.0], &[2]));

    assert!(matches!(too_big, Err(Error::LabelEncoding { .. })));
    assert!(matches!(negative, Err(Error::LabelEncoding { .. })));
}

#[test]
fn softmax_cross_entropy_rejects_sparse_labels_of_the_wrong_size() {
    let pred = NDArray::zeros(&[2, 3]);

    let error = SoftmaxCrossEntropyLoss::new()
        .forward(&pred, &NDArray::zeros(&[3]))
        .unwrap_err();

    assert!(error.to_string().contains("sparse_label"), "{error}");
}

#[test]
fn softmax_cross_entropy_rejects_a_missing_axis() {
    let error = SoftmaxCrossEntropyLoss::new()
        .with_axis(2)
        .forward(&NDArray::zeros(&[2, 3]), &NDArray::zeros(&[2]))
        .unwrap_err();

    assert!(matches!(error, Error::Config { .. }), "{error}");
}

#[test]
fn sample_weight_that_does_not_fit_is_an_error() {
    let pred = NDArray::zeros(&[4, 2]);
    let label = NDArray::zeros(&[4, 2]);

    let error = L1Loss::new()
        .forward_weighted(&pred, &label, Some(&NDArray::ones(&[3])))
        .unwrap_err();

    assert!(error.to_string().contains("[3]"), "{error}");
}

#[test]
fn batch_axis_beyond_the_prediction_is_an_error() {
    let error = L2Loss::new()
        .with_batch_axis(2)
        .forward(&NDArray::zeros(&[4, 1]), &NDArray::zeros(&[4, 1]))
        .unwrap_err();

    assert!(matches!(error, Error::Config { .. }), "{error}");
}

#[test]
fn probabilities_at_zero_and_one_stay_finite() -> Result<()> {
    // -ln(1e-12) = 27.631 when p = 1 meets z = 0.
    let pred = NDArray::from_vec(vec![1.0, 0.0], &[2, 1]);
    let label = NDArray::from_vec(vec![0.0, 1.0], &[2]);

    let loss = SigmoidBinaryCrossEntropyLoss::new()
        .with_from_sigmoid(true)
        .forward(&pred, &label)?;

    assert_close(&loss.to_vec(), &[27.631021, 27.631021], 1e-4);
    Ok(())
}

#[test]
fn pos_weight_that_does_not_fit_is_an_error_for_probabilities_too() {
    let pred = NDArray::full(&[4, 3], 0.5);
    let label = NDArray::zeros(&[4, 3]);

    let error = SigmoidBinaryCrossEntropyLoss::new()
        .with_from_sigmoid(true)
        .forward_with_pos_weight(&pred, &label, None, Some(&NDArray::ones(&[2])))
        .unwrap_err();

    assert!(error.to_string().contains("pos_weight"), "{error}");
}

#[test]
fn every_loss_gradient_matches_finite_differences() {
    // Inputs away from the kinks of |x| (L1) and from probabilities 0 and 1.
    let pred = NDArray::from_vec(vec![0.3, 0.6, 0.2, 0.7, 0.45, 0.8], &[3, 2]);
    let label = NDArray::from_vec(vec![0.0, 1.0, 1.0, 0.0, 1.0, 0.5], &[3, 2]);
    let classes = NDArray::from_vec(vec![1.0, 0.0, 1.0], &[3]);
    let weight = NDArray::from_vec(vec![1.0, 0.5, 2.0], &[3]);
    let losses: Vec<(Box<dyn Loss>, &NDArray)> = vec![
        (Box::new(SigmoidBinaryCrossEntropyLoss::new()), &label),
        (
            Box::new(SigmoidBinaryCrossEntropyLoss::new().with_from_sigmoid(true)),
            &label,
        ),
        (
            Box::new(LogisticLoss::new(LabelFormat::Binary).with_weight(0.5)),
            &label,
        ),
        (Box::new(L1Loss::new()), &label),
        (Box::new(L2Loss::new()), &label),
        (Box::new(SoftmaxCrossEntropyLoss::new()), &classes),
    ];

    for (loss, target) in &losses {
        let result = autograd::check_gradients(
            |inputs| {
                loss.forward_weighted(&inputs[0], target, Some(&weight))
                    .expect("valid inputs")
            },
            std::slice::from_ref(&pred),
            &autograd::GradCheck::default(),
        );

        assert!(result.is_ok(), "{}: {result:?}", loss.name());
    }
}
