//! `keycloak.conf` and Java `.properties` files into a mapping of their keys.

use crate::{Document, ParseError};
use idplint_diagnostics::TextRange;

/// Parse a properties-style file.
pub fn parse(text: &str) -> Result<Document, ParseError> {
    let _ = text;
    Err(ParseError::new("properties parser not implemented yet", TextRange::default()))
}
