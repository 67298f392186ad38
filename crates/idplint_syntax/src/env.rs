//! `.env` files (Compose `env_file:` semantics) into a mapping of their variables.

use crate::{Document, ParseError};
use idplint_diagnostics::TextRange;

/// Parse a `.env` file.
pub fn parse(text: &str) -> Result<Document, ParseError> {
    let _ = text;
    Err(ParseError::new(".env parser not implemented yet", TextRange::default()))
}
