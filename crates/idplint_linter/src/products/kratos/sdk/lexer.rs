//! A small lexer for the source languages the SDK rules read (Go, TypeScript/JavaScript,
//! Python, Java). It only needs identifiers, string literals and punctuation with exact byte
//! ranges; comments are dropped and string contents are opaque, so a rename can never touch
//! a comment or a string. It never fails: unterminated literals end at the end of the file.

use crate::source::CodeLanguage;
use idplint_diagnostics::TextRange;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TokenKind {
    /// A name: letters, digits, `_`, `$` (JavaScript), not starting with a digit.
    Ident,
    /// A string, character or template literal, quotes included.
    Str,
    /// One byte of punctuation (`.`, `(`, `{`), or a number.
    Other,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Token {
    pub kind: TokenKind,
    pub range: TextRange,
}

impl Token {
    pub fn text<'a>(&self, source: &'a str) -> &'a str {
        self.range.slice(source).unwrap_or("")
    }

    /// The contents of a string literal without its quotes (no unescaping: SDK import paths
    /// contain no escapes).
    pub fn string_contents<'a>(&self, source: &'a str) -> &'a str {
        let text = self.text(source);
        let quote_len = if text.starts_with("\"\"\"") || text.starts_with("'''") {
            3
        } else {
            1
        };
        let inner = text.get(quote_len..).unwrap_or("");
        let end = inner.len().saturating_sub(quote_len);
        inner.get(..end).unwrap_or(inner)
    }
}

pub fn lex(text: &str, language: CodeLanguage) -> Vec<Token> {
    let bytes = text.as_bytes();
    let mut tokens = Vec::new();
    let mut at = 0usize;
    let hash_comments = language == CodeLanguage::Python;
    while at < bytes.len() {
        let byte = bytes[at];
        let start = at;
        if byte.is_ascii_whitespace() {
            at += 1;
            continue;
        }
        if hash_comments && byte == b'#' || !hash_comments && bytes[at..].starts_with(b"//") {
            at = line_end(bytes, at);
            continue;
        }
        if !hash_comments && bytes[at..].starts_with(b"/*") {
            at = find(bytes, at + 2, b"*/").map_or(bytes.len(), |end| end + 2);
            continue;
        }
        let triple_quotes = matches!(language, CodeLanguage::Python | CodeLanguage::Java);
        if triple_quotes && (bytes[at..].starts_with(b"\"\"\"") || bytes[at..].starts_with(b"'''"))
        {
            let quote = &bytes[at..at + 3];
            at = find(bytes, at + 3, quote).map_or(bytes.len(), |end| end + 3);
            tokens.push(token(TokenKind::Str, start, at));
            continue;
        }
        match byte {
            b'"' | b'\'' => {
                at = quoted_end(bytes, at, byte);
                tokens.push(token(TokenKind::Str, start, at));
            }
            b'`' if matches!(language, CodeLanguage::Go | CodeLanguage::TypeScript) => {
                // Go raw strings have no escapes; JavaScript templates do. Interpolations
                // (`${...}`) are part of the literal here, which only makes us more careful.
                at = if language == CodeLanguage::Go {
                    find(bytes, at + 1, b"`").map_or(bytes.len(), |end| end + 1)
                } else {
                    quoted_end(bytes, at, b'`')
                };
                tokens.push(token(TokenKind::Str, start, at));
            }
            _ if is_ident_start(byte) => {
                while at < bytes.len() && is_ident_continue(bytes[at]) {
                    at += 1;
                }
                tokens.push(token(TokenKind::Ident, start, at));
            }
            _ if byte.is_ascii_digit() => {
                while at < bytes.len() && (bytes[at].is_ascii_alphanumeric() || bytes[at] == b'_') {
                    at += 1;
                }
                tokens.push(token(TokenKind::Other, start, at));
            }
            _ => {
                // Whole UTF-8 characters, so ranges stay on char boundaries.
                at += 1;
                while at < bytes.len() && !text.is_char_boundary(at) {
                    at += 1;
                }
                tokens.push(token(TokenKind::Other, start, at));
            }
        }
    }
    tokens
}

fn token(kind: TokenKind, start: usize, end: usize) -> Token {
    Token {
        kind,
        range: TextRange::from_usize(start, end),
    }
}

fn is_ident_start(byte: u8) -> bool {
    byte.is_ascii_alphabetic() || byte == b'_' || byte == b'$' || byte >= 0x80
}

fn is_ident_continue(byte: u8) -> bool {
    is_ident_start(byte) || byte.is_ascii_digit()
}

fn line_end(bytes: &[u8], from: usize) -> usize {
    bytes[from..]
        .iter()
        .position(|&b| b == b'\n')
        .map_or(bytes.len(), |i| from + i)
}

fn find(bytes: &[u8], from: usize, needle: &[u8]) -> Option<usize> {
    bytes
        .get(from..)?
        .windows(needle.len())
        .position(|w| w == needle)
        .map(|i| from + i)
}

/// The end (exclusive) of a literal opened by `quote` at `start`, honouring backslash escapes.
/// Single and double quoted strings also end at a newline (an unterminated literal).
fn quoted_end(bytes: &[u8], start: usize, quote: u8) -> usize {
    let mut at = start + 1;
    while at < bytes.len() {
        match bytes[at] {
            b'\\' => at += 2,
            b'\n' if quote != b'`' => return at,
            b if b == quote => return at + 1,
            _ => at += 1,
        }
    }
    bytes.len()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn idents(text: &str, language: CodeLanguage) -> Vec<&str> {
        lex(text, language)
            .into_iter()
            .filter(|t| t.kind == TokenKind::Ident)
            .map(|t| t.text(text))
            .collect()
    }

    #[test]
    fn comments_and_strings_hide_names() {
        let go = "// GetJsonSchema\nx := \"GetJsonSchema\" /* GetJsonSchema */ + `GetJsonSchema`\nc.GetJsonSchema()";
        assert_eq!(idents(go, CodeLanguage::Go), ["x", "c", "GetJsonSchema"]);
        let py = "# get_json_schema\n'''get_json_schema'''\napi.get_json_schema(r'x\\'y')";
        assert_eq!(
            idents(py, CodeLanguage::Python),
            ["api", "get_json_schema", "r"]
        );
        let ts = "const s = `${api.getJsonSchema()}`; api.toSession('a\\'b')";
        assert_eq!(
            idents(ts, CodeLanguage::TypeScript),
            ["const", "s", "api", "toSession"]
        );
    }

    #[test]
    fn unterminated_and_non_ascii_input_does_not_panic() {
        for text in ["\"abc", "/* x", "`x", "'''x", "ä.ö(\"", "\\", "'\\"] {
            for language in [
                CodeLanguage::Go,
                CodeLanguage::TypeScript,
                CodeLanguage::Python,
                CodeLanguage::Java,
            ] {
                for t in lex(text, language) {
                    assert!(t.range.slice(text).is_some());
                }
            }
        }
    }
}
