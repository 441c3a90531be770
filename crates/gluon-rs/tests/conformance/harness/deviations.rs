//! The one table of places where gluon-rs deliberately differs from MXNet 1.9.1.
//!
//! Each rule says when it applies (a predicate over the case's JSON, never its name), how
//! the expected value is then derived, and why. A case a rule applies to counts as
//! deviated, and is still checked against the derived expectation.

use serde_json::Value;

/// How the expectation of a deviated case is derived.
pub enum Derivation {
    /// The recorded expectation is rewritten by a corrected formula.
    Corrected(fn(&mut Value)),
    /// The case runs in one of our compatibility modes, which reproduces MXNet's figure.
    CompatMode(&'static str),
    /// We return an error where MXNet returns a value; the text must appear in it.
    ExpectedError(&'static str),
}

/// One deliberate difference from MXNet 1.9.1.
pub struct Rule {
    pub id: &'static str,
    pub family: &'static str,
    pub applies: fn(&Value) -> bool,
    pub derivation: Derivation,
    pub reason: &'static str,
}

/// Every rule. Families look rules up with [`find`].
pub static RULES: &[Rule] = &[];

/// The rule of `family` that applies to `case`, if any.
pub fn find(family: &str, case: &Value) -> Option<&'static Rule> {
    RULES
        .iter()
        .find(|rule| rule.family == family && (rule.applies)(case))
}
