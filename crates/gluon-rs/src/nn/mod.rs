//! Layers and parameters, as `mx.gluon.nn`.
