//! Span trees for every format idplint reads.
//!
//! YAML, JSON, `.env` and `keycloak.conf`/`.properties` parse into one model ([`Document`]:
//! mappings, sequences and scalars, each with byte ranges, plus comments and the file's
//! [`SourceStyle`]). XML parses into its own small element tree ([`xml::XmlDocument`]) because
//! attributes and mixed content do not fit the mapping model. Rules never see raw parser
//! events or third-party types: only this crate knows which crates do the parsing.
//!
//! Every parser returns `Err(ParseError)` with a byte range for input it cannot read, and none
//! of them panics or runs unbounded on hostile input (alias bombs, deep nesting, entity tricks).

pub mod dockerfile;
pub mod env;
pub mod json;
mod model;
pub mod properties;
mod style;
pub mod xml;
pub mod yaml;

pub use model::{Comment, Document, Entry, Node, NodeKind, Scalar, ScalarStyle};
pub use style::{Newline, SourceStyle};

use idplint_diagnostics::TextRange;

/// Input a parser cannot read. `range` points at the offending bytes (possibly empty).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ParseError {
    pub message: String,
    pub range: TextRange,
}

impl ParseError {
    pub fn new(message: impl Into<String>, range: TextRange) -> Self {
        Self {
            message: message.into(),
            range,
        }
    }
}

impl std::fmt::Display for ParseError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for ParseError {}

/// Resource limits shared by the parsers. The defaults are far above any real config and far
/// below what would hang the linter.
#[derive(Clone, Copy, Debug)]
pub struct Limits {
    /// Maximum nesting depth of mappings/sequences/elements.
    pub max_depth: usize,
    /// Maximum number of nodes an alias expansion may produce (alias-bomb guard).
    pub max_alias_expansion: usize,
    /// Maximum number of nodes in one file.
    pub max_nodes: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            max_depth: 256,
            max_alias_expansion: 100_000,
            max_nodes: 2_000_000,
        }
    }
}
