//! Evaluation metrics, as `mx.metric`.
