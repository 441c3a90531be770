//! Reverse-mode automatic differentiation, as MXNet's `mx.autograd`.
//!
//! Operations are recorded only inside [`record`]; [`pause`] stops recording for a scope.
//! Training mode, which [`Dropout`](crate::nn::Dropout) consults, is a separate flag set by
//! [`record`] (on by default), [`train_mode`] and [`predict_mode`]. Both flags are per
//! thread, as in MXNet.
//!
//! ```
//! use gluon_rs::{autograd, nd::NDArray};
//!
//! let x = NDArray::from_vec(vec![1.0, 2.0, 3.0], &[3]);
//! x.attach_grad();
//! let y = autograd::record(|| &x * &x);
//! y.backward()?;
//! assert_eq!(x.grad().unwrap().to_vec(), vec![2.0, 4.0, 6.0]);
//! # Ok::<(), gluon_rs::Error>(())
//! ```

mod gradcheck;
mod scope;
pub(crate) mod tape;

pub use gradcheck::{check_gradients, numeric_gradient, GradCheck};
pub use scope::{
    is_recording, is_training, pause, pause_scope, predict_mode, record, record_scope, record_with,
    set_recording, set_training, train_mode, Scope,
};
pub use tape::{backward, live_nodes, GradReq};
