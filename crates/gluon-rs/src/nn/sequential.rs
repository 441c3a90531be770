//! [`Sequential`] and [`HybridSequential`]: containers that chain their children.

use super::container::Container;
use super::Block;
use crate::error::{Error, Result};
use crate::nd::NDArray;
use std::any::Any;
use std::ops::Index;

macro_rules! sequential_common {
    ($type:ident, $alias:literal) => {
        impl $type {
            /// An empty container named `<alias><n>_` from the active name scope.
            pub fn new() -> $type {
                $type::with_prefix(None)
            }

            /// An empty container with an explicit prefix (or a counted one for `None`).
            pub fn with_prefix(prefix: Option<&str>) -> $type {
                $type {
                    body: Container::new($alias, prefix),
                    hybridized: false,
                }
            }

            /// Runs `f` with this container's name scope active, so blocks created in it
            /// are named as its children (`hybridsequential0_dense0_`), as
            /// `with net.name_scope():`.
            pub fn name_scope<R>(&mut self, f: impl FnOnce(&mut Self) -> R) -> R {
                let scope = std::sync::Arc::clone(self.body.scope());
                scope.enter(|| f(self))
            }

            /// The number of children.
            pub fn len(&self) -> usize {
                self.body.len()
            }

            /// Whether there are no children.
            pub fn is_empty(&self) -> bool {
                self.body.len() == 0
            }

            /// The child at `index`.
            pub fn get(&self, index: usize) -> Option<&dyn Block> {
                self.body.get(index)
            }

            /// Marks the container as hybridized. Results are identical either way; only
            /// [`Block::summary`] refuses a hybridized block, as MXNet does.
            pub fn hybridize(&mut self, active: bool) {
                self.hybridized = active;
            }
        }

        impl Default for $type {
            fn default() -> Self {
                $type::new()
            }
        }

        impl Index<usize> for $type {
            type Output = dyn Block;

            /// # Panics
            ///
            /// If `index` is not below [`Self::len`].
            #[track_caller]
            fn index(&self, index: usize) -> &dyn Block {
                let len = self.len();
                self.body.get(index).unwrap_or_else(|| {
                    panic!(
                        concat!(stringify!($type), ": index {} out of range for {} children"),
                        index, len
                    )
                })
            }
        }

        impl Block for $type {
            fn forward(&self, x: &NDArray) -> Result<NDArray> {
                self.body.forward(x)
            }

            fn prefix(&self) -> &str {
                self.body.prefix()
            }

            fn class_name(&self) -> &'static str {
                stringify!($type)
            }

            fn children(&self) -> Vec<(String, &dyn Block)> {
                self.body.children()
            }

            fn is_container(&self) -> bool {
                true
            }

            fn is_hybrid(&self) -> bool {
                stringify!($type) == "HybridSequential"
            }

            fn is_hybridized(&self) -> bool {
                self.hybridized
            }

            fn as_any(&self) -> &dyn Any {
                self
            }

            fn as_dyn(&self) -> &dyn Block {
                self
            }
        }

        impl std::fmt::Debug for $type {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                self.body.describe(f, stringify!($type))
            }
        }
    };
}

/// Chains blocks in the order they were added, as `nn.Sequential`. Children are keyed
/// `"0"`, `"1"`, ... (their structural names in saved files).
///
/// ```
/// use gluon_rs::nn::{Dense, Sequential};
///
/// let mut net = Sequential::new();
/// net.name_scope(|net| -> gluon_rs::Result<()> {
///     net.add(Dense::new(4)?);
///     net.add(Dense::new(1)?);
///     Ok(())
/// })?;
/// assert_eq!(net.len(), 2);
/// assert!(net[1].prefix().ends_with("dense1_"));
/// # Ok::<(), gluon_rs::Error>(())
/// ```
pub struct Sequential {
    body: Container,
    hybridized: bool,
}

sequential_common!(Sequential, "sequential");

impl Sequential {
    /// Appends a child.
    pub fn add(&mut self, block: impl Block) {
        self.body.push(Box::new(block));
    }

    /// Appends a child chosen at run time.
    pub fn add_boxed(&mut self, block: Box<dyn Block>) {
        self.body.push(block);
    }
}

/// Chains hybridizable blocks in the order they were added, as `nn.HybridSequential`.
///
/// # Limitations
///
/// `hybridize` only sets a flag: the network always runs imperatively, which gives the same
/// results as MXNet's cached graph. Slicing a container (`net[a:b]`) is not supported.
///
/// ```
/// use gluon_rs::nn::{Block, Dense, HybridSequential};
///
/// let mut net = HybridSequential::new();
/// net.name_scope(|net| -> gluon_rs::Result<()> {
///     net.add(Dense::builder(10).activation("relu").build()?)?;
///     net.add(Dense::new(1)?)?;
///     Ok(())
/// })?;
/// let params = net.collect_params();
/// assert_eq!(params.keys()[0], "hybridsequential0_dense0_weight");
/// assert_eq!(params.keys()[3], "hybridsequential0_dense1_bias");
/// # Ok::<(), gluon_rs::Error>(())
/// ```
pub struct HybridSequential {
    body: Container,
    hybridized: bool,
}

sequential_common!(HybridSequential, "hybridsequential");

impl HybridSequential {
    /// Appends a child.
    ///
    /// # Errors
    ///
    /// [`Error::Config`] when the child is not hybridizable (a [`Sequential`]).
    pub fn add(&mut self, block: impl Block) -> Result<()> {
        self.add_boxed(Box::new(block))
    }

    /// Appends a child chosen at run time.
    ///
    /// # Errors
    ///
    /// As [`HybridSequential::add`].
    pub fn add_boxed(&mut self, block: Box<dyn Block>) -> Result<()> {
        if !block.is_hybrid() {
            return Err(Error::config(
                "HybridSequential child",
                format!(
                    "{} ({}) is not a hybrid block; use Sequential to hold it",
                    block.name(),
                    block.class_name()
                ),
            ));
        }
        self.body.push(block);
        Ok(())
    }
}
