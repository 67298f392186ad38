//! The idplint engine: units, versions, rules, suppression and the fix loop.
//!
//! Data flow (see docs/ARCHITECTURE.md): `source` sniffs and parses a file, each product
//! module in `products` extracts its `unit`s, `engine` resolves versions per unit and runs the
//! rules from `registry` (data rules from `rules/*.yaml`, native rules in Rust), maps embedded
//! ranges back to host bytes, applies `suppression` and `options`, and, for `fix`, loops to a
//! fixed point and verifies the result.

pub mod data;
pub mod docs;
pub mod engine;
pub mod options;
pub mod products;
pub mod registry;
pub mod rule;
pub mod settings;
pub mod source;
pub mod suggest;
pub mod suppression;
pub mod unit;
pub mod version;

pub use engine::{
    FileReport, FixReport, agreed_versions, checked_versions, fix, lint, lint_as, lint_files,
    lint_files_each, lint_in_context,
};
pub use options::LintOptions;
pub use registry::{Registry, registry};
pub use rule::{Rule, RuleContext, RuleMeta};
pub use version::{Product, ProductVersion, Versions};
