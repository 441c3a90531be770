//! Loss functions, as `mx.gluon.loss`.
//!
//! Every loss implements [`Loss`]: it takes a prediction, a label and an optional
//! per-sample weight, and returns one value per sample.

mod base;
mod l1;
mod l2;
mod logistic;
mod sigmoid_bce;
mod sigmoid_cross_entropy;
mod softmax_cross_entropy;

pub use base::Loss;
pub use l1::L1Loss;
pub use l2::L2Loss;
pub use logistic::{LabelFormat, LogisticLoss};
pub use sigmoid_bce::{SigmoidBCELoss, SigmoidBinaryCrossEntropyLoss};
pub use softmax_cross_entropy::{SoftmaxCELoss, SoftmaxCrossEntropyLoss};
