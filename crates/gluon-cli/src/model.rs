//! The model directory that `train` writes and `predict` / `evaluate` read: `model.json`
//! (architecture, features, label mapping, standardization, threshold) next to
//! `model.params` (the weights, in MXNet's format).

use crate::commands::BadInput;
use crate::output;
use anyhow::{Context, Result};
use gluon_rs::data::{LabelMapping, Standardizer};
use gluon_rs::init::Xavier;
use gluon_rs::nd::NDArray;
use gluon_rs::nn::{Block, Dense, HybridSequential};
use serde::{Deserialize, Serialize};
use std::path::Path;

/// The name of the model description in a model directory.
pub const SPEC_FILE: &str = "model.json";
/// The name of the weights file in a model directory.
pub const PARAMS_FILE: &str = "model.params";
/// The `format` value of every `model.json` this tool writes.
const FORMAT: &str = "gluon-rs binary classifier";
/// The `version` of the `model.json` schema.
const VERSION: u32 = 1;

/// The layers of the network: `Dense(h, relu)` for each hidden size, then `Dense(1)`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Architecture {
    /// The container type (always `HybridSequential`).
    pub network: String,
    /// The number of input features.
    pub inputs: usize,
    /// The hidden layer sizes; empty for a logistic regression.
    pub hidden: Vec<usize>,
    /// The activation of every hidden layer.
    pub activation: String,
    /// The output: one logit, turned into a probability by a sigmoid.
    pub outputs: usize,
}

impl Architecture {
    /// An MLP with `inputs` features and the given hidden sizes.
    pub fn new(inputs: usize, hidden: &[usize]) -> Architecture {
        Architecture {
            network: "HybridSequential".to_string(),
            inputs,
            hidden: hidden.to_vec(),
            activation: "relu".to_string(),
            outputs: 1,
        }
    }

    /// Builds the network with known input widths, so every parameter has its shape.
    pub fn build(&self) -> Result<HybridSequential> {
        let mut net = HybridSequential::new();
        net.name_scope(|net| -> gluon_rs::Result<()> {
            let mut in_units = self.inputs;
            for &units in &self.hidden {
                let layer = Dense::builder(units)
                    .activation(&self.activation)
                    .in_units(in_units)
                    .build()?;
                net.add(layer)?;
                in_units = units;
            }
            net.add(Dense::builder(self.outputs).in_units(in_units).build()?)
        })?;
        Ok(net)
    }

    /// Builds the network and initializes it with Xavier (biases zero, as in Gluon).
    pub fn build_initialized(&self) -> Result<HybridSequential> {
        let net = self.build()?;
        net.initialize(Xavier::default().into(), false)?;
        Ok(net)
    }
}

/// The contents of `model.json`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ModelSpec {
    /// Always [`FORMAT`].
    pub format: String,
    /// The schema version.
    pub version: u32,
    /// The network's layers.
    pub architecture: Architecture,
    /// The feature columns, by name, in the order the network reads them.
    pub features: Vec<String>,
    /// The label column and how its values became 0 and 1.
    pub label: LabelMapping,
    /// The training rows' mean and std per feature, when inputs are standardized.
    pub standardization: Option<Standardizer>,
    /// A row is predicted positive when its probability is above this.
    pub threshold: f64,
}

impl ModelSpec {
    /// A description of a freshly trained model.
    pub fn new(
        architecture: Architecture,
        features: Vec<String>,
        label: LabelMapping,
        standardization: Option<Standardizer>,
        threshold: f64,
    ) -> ModelSpec {
        ModelSpec {
            format: FORMAT.to_string(),
            version: VERSION,
            architecture,
            features,
            label,
            standardization,
            threshold,
        }
    }

    /// Checks that the parts fit together, so a hand-edited file fails here, not later.
    fn check(&self) -> std::result::Result<(), String> {
        if self.format != FORMAT || self.version != VERSION {
            return Err(format!(
                "format \"{}\" version {}; expected \"{FORMAT}\" version {VERSION}",
                self.format, self.version
            ));
        }
        let inputs = self.architecture.inputs;
        if self.features.len() != inputs || inputs == 0 {
            return Err(format!(
                "{} feature names for a network of {inputs} inputs",
                self.features.len()
            ));
        }
        if self.architecture.outputs != 1 || self.architecture.hidden.contains(&0) {
            return Err("the architecture must have nonzero hidden sizes and 1 output".into());
        }
        if let Some(stats) = &self.standardization {
            let finite = stats.mean.iter().chain(&stats.std).all(|v| v.is_finite());
            if stats.mean.len() != inputs || stats.std.len() != inputs || !finite {
                return Err(format!(
                    "standardization needs {inputs} finite means and stds, found {} and {}",
                    stats.mean.len(),
                    stats.std.len()
                ));
            }
        }
        if !(0.0..=1.0).contains(&self.threshold) {
            return Err(format!("threshold {} is not in [0, 1]", self.threshold));
        }
        Ok(())
    }
}

/// A trained model: its description and its network with the weights loaded.
pub struct Model {
    /// The description from `model.json`.
    pub spec: ModelSpec,
    /// The network.
    pub net: HybridSequential,
}

impl Model {
    /// Reads a model directory written by `train`.
    pub fn load(directory: &Path) -> Result<Model> {
        if !directory.is_dir() {
            return Err(BadInput(format!(
                "{}: not a model directory (expected a directory written by `gluon-rs train`)",
                directory.display()
            ))
            .into());
        }
        let spec_path = directory.join(SPEC_FILE);
        let text = std::fs::read_to_string(&spec_path).map_err(|error| {
            let hint = if spec_path.exists() {
                String::new()
            } else {
                " (is this a directory written by `gluon-rs train`?)".to_string()
            };
            BadInput(format!(
                "{}: cannot read: {error}{hint}",
                spec_path.display()
            ))
        })?;
        let spec: ModelSpec = serde_json::from_str(&text).map_err(|error| {
            BadInput(format!(
                "{}: not a model description: {error}",
                spec_path.display()
            ))
        })?;
        spec.check()
            .map_err(|message| BadInput(format!("{}: {message}", spec_path.display())))?;

        let net = spec.architecture.build()?;
        let params_path = directory.join(PARAMS_FILE);
        net.load_parameters(&params_path, false, false)
            .with_context(|| format!("cannot load the weights of {}", directory.display()))?;
        Ok(Model { spec, net })
    }

    /// Writes `model.json` and `model.params` into `directory`, each atomically.
    pub fn save(&self, directory: &Path) -> Result<()> {
        let params_path = directory.join(PARAMS_FILE);
        self.net
            .save_parameters(&params_path)
            .with_context(|| format!("cannot write {}", params_path.display()))?;
        let text = serde_json::to_string_pretty(&self.spec)?;
        output::write_atomic(&directory.join(SPEC_FILE), format!("{text}\n").as_bytes())
    }

    /// The class-1 probability of each row of `features` (raw values, shape
    /// `(rows, features)`): standardized with the training statistics, then the network,
    /// then a sigmoid.
    pub fn probabilities(&self, features: &NDArray) -> Result<Vec<f32>> {
        let inputs = match &self.spec.standardization {
            Some(stats) => stats.transform_array(features)?,
            None => features.clone(),
        };
        Ok(self.net.forward(&inputs)?.sigmoid().to_vec())
    }
}
