//! The shared body of [`Sequential`](super::Sequential) and
//! [`HybridSequential`](super::HybridSequential).

use super::naming::NameScope;
use super::Block;
use crate::error::Result;
use crate::nd::NDArray;
use std::sync::Arc;

/// A named list of children that runs them in order.
pub(crate) struct Container {
    scope: Arc<NameScope>,
    children: Vec<Box<dyn Block>>,
}

impl Container {
    pub(crate) fn new(alias: &str, prefix: Option<&str>) -> Container {
        Container {
            scope: NameScope::create(alias, prefix),
            children: Vec::new(),
        }
    }

    pub(crate) fn scope(&self) -> &Arc<NameScope> {
        &self.scope
    }

    pub(crate) fn prefix(&self) -> &str {
        self.scope.prefix()
    }

    pub(crate) fn push(&mut self, block: Box<dyn Block>) {
        self.children.push(block);
    }

    pub(crate) fn len(&self) -> usize {
        self.children.len()
    }

    pub(crate) fn get(&self, index: usize) -> Option<&dyn Block> {
        self.children.get(index).map(|child| child.as_ref())
    }

    pub(crate) fn forward(&self, x: &NDArray) -> Result<NDArray> {
        let mut y = x.clone();
        for child in &self.children {
            y = child.forward(&y)?;
        }
        Ok(y)
    }

    pub(crate) fn children(&self) -> Vec<(String, &dyn Block)> {
        self.children
            .iter()
            .enumerate()
            .map(|(index, child)| (index.to_string(), child.as_ref()))
            .collect()
    }

    pub(crate) fn describe(
        &self,
        f: &mut std::fmt::Formatter<'_>,
        class: &str,
    ) -> std::fmt::Result {
        writeln!(f, "{class}(")?;
        for (index, child) in self.children.iter().enumerate() {
            writeln!(f, "  ({index}): {}", child.class_name())?;
        }
        write!(f, ")")
    }
}
