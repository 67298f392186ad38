//! The smallest shared vocabulary of idplint: byte ranges, line/column positions, and the
//! `Diagnostic` / `Fix` / `Edit` / `Applicability` model.
//!
//! Everything above this crate (parsers, rules, the fix loop, the renderers, the language
//! server) speaks these types, so one diagnostic looks the same in the terminal, in JSON, in
//! SARIF and in an editor. Keep it dependency-light: it must not know about formats or products.

mod diagnostic;
mod fix;
mod line_index;
mod range;

pub use diagnostic::{Diagnostic, Label, Severity, Tag};
pub use fix::{Applicability, Edit, Fix, apply_edits};
pub use line_index::{LineCol, LineIndex};
pub use range::TextRange;

/// What a secret value is replaced with wherever idplint would otherwise show it.
pub const REDACTED: &str = "****";
