//! The MXNet tutorial "Logistic regression using Gluon API explained", in Rust.
//!
//! Read it side by side with the Python program: the same data, network, loss, trainer,
//! metrics and printed line, with the calls spelled the gluon-rs way. Run it with
//! `cargo run --release --example logistic_regression`, or `gluon-rs demo`.
//!
//! As in the tutorial, `f1` is never reset, so each printed F1 covers every validation
//! batch seen so far. gluon-rs's `F1` pools true and false positives over those batches
//! (MXNet 2.0's definition); MXNet 1.x's tutorial prints a lower F1 because its `F1`
//! averages one score per batch, and a batch of 10 rows with no positive scores 0.
//! `F1::with_average(Average::PerBatchMean)` reproduces MXNet 1.x's figure.

use gluon_rs::autograd;
use gluon_rs::data::{ArrayDataset, DataLoader};
use gluon_rs::init::Xavier;
use gluon_rs::loss::{Loss, SigmoidBinaryCrossEntropyLoss};
use gluon_rs::metric::{Accuracy, EvalMetric, F1};
use gluon_rs::nd::{self, NDArray};
use gluon_rs::nn::{Block, Dense, HybridSequential};
use gluon_rs::{cpu, optim, random, Context, Result, Trainer};

type Loader = DataLoader<ArrayDataset<(NDArray, NDArray)>>;

fn get_random_data(size: usize, _ctx: Context) -> (NDArray, NDArray) {
    let x = random::normal(0.0, 1.0, &[size, 10]);
    let y = x.sum_axis(1, false).greater_scalar(3.0);
    (x, y)
}

// Python's train_model and validate_model read module-level globals; Rust passes the net,
// loss, trainer, loaders and metrics as arguments instead.
fn train_model(
    net: &HybridSequential,
    loss: &SigmoidBinaryCrossEntropyLoss,
    trainer: &mut Trainer,
    train_dataloader: &Loader,
    batch_size: usize,
) -> Result<f32> {
    let mut cumulative_train_loss = 0.0;
    for (data, label) in train_dataloader {
        let loss_result = autograd::record(|| -> Result<NDArray> {
            // Do forward pass on a batch of training data
            let output = net.forward(&data)?;
            // Calculate loss for the training data batch
            loss.forward(&output, &label)
        })?;
        // Calculate gradients
        loss_result.backward()?;
        // Update parameters of the network
        trainer.step(batch_size)?;
        // sum losses of every batch
        cumulative_train_loss += nd::sum(&loss_result).asscalar();
    }
    Ok(cumulative_train_loss)
}

fn validate_model(
    net: &HybridSequential,
    loss: &SigmoidBinaryCrossEntropyLoss,
    val_dataloader: &Loader,
    threshold: f32,
    accuracy: &mut Accuracy,
    f1: &mut F1,
) -> Result<f32> {
    let mut cumulative_val_loss = 0.0;
    for (val_data, val_ground_truth_class) in val_dataloader {
        // Do forward pass on a batch of validation data
        let output = net.forward(&val_data)?;
        // Similar to cumulative training loss, calculate cumulative validation loss
        cumulative_val_loss += nd::sum(&loss.forward(&output, &val_ground_truth_class)?).asscalar();
        // getting prediction as a sigmoid
        let prediction = net.forward(&val_data)?.sigmoid();
        // Converting neuron outputs to classes
        let predicted_classes = nd::ceil(&(&prediction - threshold));
        // Update validation accuracy
        accuracy.update(&val_ground_truth_class, &predicted_classes.reshape(&[-1]))?;
        // calculate probabilities of belonging to different classes
        let prediction = prediction.reshape(&[-1]);
        let probabilities = nd::stack(&[&(1.0 - &prediction), &prediction], 1);
        f1.update(&val_ground_truth_class, &probabilities)?;
    }
    Ok(cumulative_val_loss)
}

/// `pub` because `gluon-rs demo` compiles this very file as a module and calls it.
pub fn main() -> Result<()> {
    random::seed(12345);

    let ctx = cpu();
    let train_data_size = 1000;
    let val_data_size = 100;
    let batch_size = 10;

    let (train_x, train_ground_truth_class) = get_random_data(train_data_size, ctx);
    let train_dataset = ArrayDataset::new((train_x, train_ground_truth_class))?;
    let train_dataloader = DataLoader::new(train_dataset, batch_size, true)?;
    let (val_x, val_ground_truth_class) = get_random_data(val_data_size, ctx);
    let val_dataset = ArrayDataset::new((val_x, val_ground_truth_class))?;
    let val_dataloader = DataLoader::new(val_dataset, batch_size, true)?;

    let mut net = HybridSequential::new();
    net.name_scope(|net| -> Result<()> {
        net.add(Dense::builder(10).activation("relu").build()?)?; // input layer
        net.add(Dense::builder(10).activation("relu").build()?)?; // inner layer 1
        net.add(Dense::builder(10).activation("relu").build()?)?; // inner layer 2
        net.add(Dense::new(1)?)?; // output layer: notice, it must have only 1 neuron
        Ok(())
    })?;
    net.initialize(Xavier::default().into(), false)?;

    let loss = SigmoidBinaryCrossEntropyLoss::new();
    let mut trainer = Trainer::new(
        net.collect_params(),
        "sgd",
        optim::params([("learning_rate", 0.1)]),
    )?;
    let mut accuracy = Accuracy::new();
    let mut f1 = F1::new();

    let epochs = 10;
    let threshold = 0.5;
    for e in 0..epochs {
        let avg_train_loss = train_model(&net, &loss, &mut trainer, &train_dataloader, batch_size)?
            / train_data_size as f32;
        let avg_val_loss = validate_model(
            &net,
            &loss,
            &val_dataloader,
            threshold,
            &mut accuracy,
            &mut f1,
        )? / val_data_size as f32;
        println!(
            "Epoch: {}, Training loss: {:.2}, Validation loss: {:.2}, Validation accuracy: {:.2}, F1 score: {:.2}",
            e,
            avg_train_loss,
            avg_val_loss,
            accuracy.get().1,
            f1.get().1
        );
        // we reset accuracy, so the new epoch's accuracy would be calculated from the blank state
        accuracy.reset();
    }
    Ok(())
}
