//! Datasets, data loaders, samplers and CSV input, as `mx.gluon.data`.
