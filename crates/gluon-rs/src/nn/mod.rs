//! Layers and parameters, as `mx.gluon.nn` (with 1.x's `Parameter` and `ParameterDict`).

mod parameter;
mod parameter_dict;

pub use parameter::Parameter;
pub use parameter_dict::ParameterDict;
