//! Initializers, as `mx.init`: Xavier, Uniform, Normal, Constant, Zero, One.
