//! Loss functions, as `mx.gluon.loss`.
