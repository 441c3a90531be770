//! Block prefixes as MXNet 1.x assigns them.
//!
//! A block created outside any name scope gets `<alias><n>_` from a per-thread counter per
//! alias (MXNet's `NameManager`, which is thread-local too). A block created inside
//! `parent.name_scope(...)` gets `parent.prefix + <alias><k>_`, where `k` counts per alias
//! within that parent. An explicit prefix replaces the generated part and consumes no
//! counter.

use std::cell::RefCell;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

thread_local! {
    static GLOBAL_COUNTERS: RefCell<HashMap<String, usize>> = RefCell::new(HashMap::new());
    static ACTIVE_SCOPES: RefCell<Vec<Arc<NameScope>>> = const { RefCell::new(Vec::new()) };
}

/// The naming state of one block: its prefix and the counters of its children's aliases.
pub(crate) struct NameScope {
    prefix: String,
    counters: Mutex<HashMap<String, usize>>,
}

impl NameScope {
    /// The prefix of a new block with `alias` (e.g. `dense`), inside the active scope if any.
    pub(crate) fn create(alias: &str, explicit_prefix: Option<&str>) -> Arc<NameScope> {
        let parent = ACTIVE_SCOPES.with(|scopes| scopes.borrow().last().cloned());
        let prefix = match (parent, explicit_prefix) {
            (None, Some(explicit)) => explicit.to_string(),
            (None, None) => {
                let count =
                    GLOBAL_COUNTERS.with(|counters| next(&mut counters.borrow_mut(), alias));
                format!("{alias}{count}_")
            }
            (Some(parent), Some(explicit)) => format!("{}{explicit}", parent.prefix),
            (Some(parent), None) => {
                let mut counters = parent
                    .counters
                    .lock()
                    .unwrap_or_else(|poison| poison.into_inner());
                format!("{}{alias}{}_", parent.prefix, next(&mut counters, alias))
            }
        };
        Arc::new(NameScope {
            prefix,
            counters: Mutex::new(HashMap::new()),
        })
    }

    /// The block's prefix.
    pub(crate) fn prefix(&self) -> &str {
        &self.prefix
    }

    /// Runs `f` with this scope active, so blocks created in it are named as children.
    pub(crate) fn enter<R>(self: &Arc<Self>, f: impl FnOnce() -> R) -> R {
        struct Exit;
        impl Drop for Exit {
            fn drop(&mut self) {
                ACTIVE_SCOPES.with(|scopes| scopes.borrow_mut().pop());
            }
        }
        ACTIVE_SCOPES.with(|scopes| scopes.borrow_mut().push(Arc::clone(self)));
        let _exit = Exit;
        f()
    }
}

fn next(counters: &mut HashMap<String, usize>, alias: &str) -> usize {
    let counter = counters.entry(alias.to_string()).or_insert(0);
    let value = *counter;
    *counter += 1;
    value
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counters_are_global_outside_scopes_and_local_inside() {
        let first = NameScope::create("toy", None);
        let second = NameScope::create("toy", None);

        let (child, other, named) = first.enter(|| {
            (
                NameScope::create("leaf", None),
                NameScope::create("leaf", None),
                NameScope::create("leaf", Some("relu_")),
            )
        });
        let outside = NameScope::create("leaf", None);

        assert_eq!(first.prefix(), "toy0_");
        assert_eq!(second.prefix(), "toy1_");
        assert_eq!(child.prefix(), "toy0_leaf0_");
        assert_eq!(other.prefix(), "toy0_leaf1_");
        assert_eq!(named.prefix(), "toy0_relu_");
        assert_eq!(outside.prefix(), "leaf0_");
    }
}
