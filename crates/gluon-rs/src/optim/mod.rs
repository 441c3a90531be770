//! Optimizers, learning-rate schedulers and the Trainer, as `mx.optimizer` and `gluon.Trainer`.
