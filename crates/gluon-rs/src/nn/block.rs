//! The [`Block`] trait: what every layer and container provides.

use super::summary::{self, Summary};
use super::{Parameter, ParameterDict};
use crate::error::Result;
use crate::init::Init;
use crate::nd::NDArray;
use std::any::Any;
use std::path::Path;

/// A layer or a container of layers, as Gluon's `Block` and `HybridBlock`.
///
/// Implementors provide [`Block::forward`], their naming and their own parameters and
/// children; collecting parameters, initializing, saving, loading and summaries come from
/// the provided methods.
pub trait Block: Send + Sync + 'static {
    /// Computes the output for input `x`. Recorded for autograd inside
    /// [`autograd::record`](crate::autograd::record).
    ///
    /// # Errors
    ///
    /// When the input does not fit the layer ([`Error::LayerInput`](crate::Error)) or a
    /// parameter is not initialized ([`Error::Parameter`](crate::Error)).
    fn forward(&self, x: &NDArray) -> Result<NDArray>;

    /// The prefix of every name in this block, e.g. `hybridsequential0_dense0_`.
    fn prefix(&self) -> &str;

    /// The block's name: the prefix without its final underscore.
    fn name(&self) -> &str {
        let prefix = self.prefix();
        prefix.strip_suffix('_').unwrap_or(prefix)
    }

    /// The type's name as MXNet prints it (`Dense`, `HybridSequential`).
    fn class_name(&self) -> &'static str;

    /// The block's own parameters, keyed by attribute name (`weight`, `bias`), in the
    /// order they were created.
    fn own_params(&self) -> Vec<(&'static str, Parameter)> {
        Vec::new()
    }

    /// The registered children with their keys (`"0"`, `"1"`, ... in containers).
    fn children(&self) -> Vec<(String, &dyn Block)> {
        Vec::new()
    }

    /// Whether the block only chains its children (containers get no summary row).
    fn is_container(&self) -> bool {
        false
    }

    /// Whether the block may be a child of a [`HybridSequential`](super::HybridSequential).
    fn is_hybrid(&self) -> bool {
        true
    }

    /// Whether [`HybridSequential::hybridize`](super::HybridSequential::hybridize) was
    /// called on this block.
    fn is_hybridized(&self) -> bool {
        false
    }

    /// The block as [`Any`], to downcast a child to its concrete type.
    fn as_any(&self) -> &dyn Any;

    /// This block's and all descendants' parameters by full name, own parameters first,
    /// then each child's in order, as `collect_params()`.
    fn collect_params(&self) -> ParameterDict {
        let mut params = ParameterDict::new(self.prefix());
        collect_into(self.as_dyn(), &mut params);
        params
    }

    /// The parameters whose full name matches `pattern` at its start, as
    /// `collect_params(select)`.
    ///
    /// # Errors
    ///
    /// [`Error::Config`](crate::Error) for an invalid regular expression.
    fn collect_params_select(&self, pattern: &str) -> Result<ParameterDict> {
        self.collect_params().select(pattern)
    }

    /// The parameters by structural name (`0.weight`, `0.bias`, `1.weight`, ...), as
    /// `save_parameters` writes them.
    fn structural_params(&self) -> Vec<(String, Parameter)> {
        let mut params = Vec::new();
        collect_structural(self.as_dyn(), "", &mut params);
        params
    }

    /// Initializes every parameter with `init` as the global initializer, as
    /// `Block.initialize`. Use `Init::default()` for MXNet's default, `Uniform(0.07)`.
    ///
    /// # Errors
    ///
    /// As [`ParameterDict::initialize`].
    fn initialize(&self, init: Init, force_reinit: bool) -> Result<()> {
        self.collect_params().initialize(&init, force_reinit)
    }

    /// Runs one forward pass on `x` and tabulates each layer's output shape and parameter
    /// count, as `summary` (the value displays as a table).
    ///
    /// # Errors
    ///
    /// [`Error::Config`](crate::Error) for a hybridized block; any forward error.
    fn summary(&self, x: &NDArray) -> Result<Summary> {
        summary::run(self.as_dyn(), x)
    }

    /// Writes the parameters to `path` in MXNet's `.params` format under their
    /// structural names, as `save_parameters`.
    ///
    /// # Errors
    ///
    /// When a parameter is not initialized or the file cannot be written.
    fn save_parameters(&self, path: &Path) -> Result<()> {
        super::serialization::save_parameters(self.as_dyn(), path)
    }

    /// Reads parameters written by `save_parameters` (or MXNet's), as `load_parameters`.
    /// Unknown dimensions are filled from the file, so the network needs no `initialize`.
    ///
    /// # Errors
    ///
    /// When the file cannot be read or parsed, when one of the block's parameters is not
    /// in the file (unless `allow_missing`), when the file has a name the block lacks
    /// (unless `ignore_extra`), or on a shape mismatch or a lossy dtype conversion.
    fn load_parameters(&self, path: &Path, allow_missing: bool, ignore_extra: bool) -> Result<()> {
        super::serialization::load_parameters(self.as_dyn(), path, allow_missing, ignore_extra)
    }

    /// The block as a trait object.
    fn as_dyn(&self) -> &dyn Block;
}

fn collect_into(block: &dyn Block, params: &mut ParameterDict) {
    for (_, param) in block.own_params() {
        params
            .insert(param)
            .expect("a block's parameters have distinct names");
    }
    for (_, child) in block.children() {
        // A parameter shared by two children appears once, under its name.
        for param in child.collect_params().values() {
            if !params.contains(param.name()) {
                params.insert(param.clone()).expect("checked absent");
            }
        }
    }
}

fn collect_structural(block: &dyn Block, path: &str, out: &mut Vec<(String, Parameter)>) {
    for (key, param) in block.own_params() {
        out.push((format!("{path}{key}"), param));
    }
    for (key, child) in block.children() {
        collect_structural(child, &format!("{path}{key}."), out);
    }
}
