//! Positions in the encoding negotiated with the client.
//!
//! The engine speaks byte offsets. LSP positions are a 0-based line and a column whose unit
//! the client and the server agree on at `initialize`: UTF-16 code units unless both sides
//! support something else. We take UTF-8 when the client offers it (the column is then a byte
//! count and needs no scan of the line) and fall back to UTF-16, which every client supports.

use gen_lsp_types::{Position, PositionEncodingKind, Range};
use idplint_diagnostics::{LineIndex, TextRange};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Encoding {
    Utf8,
    Utf16,
}

impl Encoding {
    /// Pick the encoding from the client's `general.positionEncodings` (in its order of
    /// preference, which we do not need to honour: UTF-8 is cheapest for us).
    pub fn negotiate(offered: &[String]) -> Self {
        if offered
            .iter()
            .any(|kind| kind.eq_ignore_ascii_case("utf-8"))
        {
            Encoding::Utf8
        } else {
            Encoding::Utf16
        }
    }

    pub fn kind(self) -> PositionEncodingKind {
        match self {
            Encoding::Utf8 => PositionEncodingKind::UTF8,
            Encoding::Utf16 => PositionEncodingKind::UTF16,
        }
    }
}

/// Converts between byte offsets into one text and LSP positions.
#[derive(Clone, Copy, Debug)]
pub struct Positions<'a> {
    pub text: &'a str,
    pub index: &'a LineIndex,
    pub encoding: Encoding,
}

impl<'a> Positions<'a> {
    pub fn new(text: &'a str, index: &'a LineIndex, encoding: Encoding) -> Self {
        Self {
            text,
            index,
            encoding,
        }
    }

    /// The LSP position of `offset`. An offset inside a character (a broken range) is moved
    /// back to the character's start so the column is still one the client can show.
    pub fn position(&self, offset: u32) -> Position {
        let mut offset = offset.min(u32::try_from(self.text.len()).unwrap_or(u32::MAX));
        while offset > 0 && !self.text.is_char_boundary(offset as usize) {
            offset -= 1;
        }
        let (line, character) = match self.encoding {
            Encoding::Utf8 => self.index.line_col_utf8(offset),
            Encoding::Utf16 => self.index.line_col_utf16(offset, self.text),
        };
        Position { line, character }
    }

    pub fn range(&self, range: TextRange) -> Range {
        Range {
            start: self.position(range.start),
            end: self.position(range.end.max(range.start)),
        }
    }

    /// The byte offset of an LSP position. Columns past the end of a line clamp to the line's
    /// end (before its line ending), lines past the end clamp to the end of the text, as the
    /// protocol asks.
    pub fn offset(&self, position: Position) -> u32 {
        match self.encoding {
            Encoding::Utf8 => self
                .index
                .offset_utf8(position.line, position.character, self.text),
            Encoding::Utf16 => {
                self.index
                    .offset_utf16(position.line, position.character, self.text)
            }
        }
    }

    /// The byte range of an LSP range (start and end swapped if the client sent them reversed).
    pub fn text_range(&self, range: Range) -> TextRange {
        let start = self.offset(range.start);
        let end = self.offset(range.end);
        TextRange::new(start.min(end), start.max(end))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn negotiation_prefers_utf8() {
        let offered = ["utf-16".to_string(), "utf-8".to_string()];
        assert_eq!(Encoding::negotiate(&offered), Encoding::Utf8);
        assert_eq!(Encoding::negotiate(&offered[..1]), Encoding::Utf16);
        assert_eq!(Encoding::negotiate(&[]), Encoding::Utf16);
    }

    #[test]
    fn japanese_columns() {
        // "  # 設定" then "key" on the next line; 設 and 定 are 3 bytes and 1 UTF-16 unit each.
        let text = "a: 1 # 設定\nb: 日本\n";
        let index = LineIndex::new(text);
        let at = text.find("日本").map_or(0, |i| i as u32) + 3; // between 日 and 本
        let utf16 = Positions::new(text, &index, Encoding::Utf16);
        let utf8 = Positions::new(text, &index, Encoding::Utf8);
        assert_eq!(
            utf16.position(at),
            Position {
                line: 1,
                character: 4
            }
        );
        assert_eq!(
            utf8.position(at),
            Position {
                line: 1,
                character: 6
            }
        );
        assert_eq!(utf16.offset(utf16.position(at)), at);
        assert_eq!(utf8.offset(utf8.position(at)), at);
        // Past the end of the line: clamps before the newline.
        let end_of_first = text.find('\n').map_or(0, |i| i as u32);
        assert_eq!(
            utf16.offset(Position {
                line: 0,
                character: 99
            }),
            end_of_first
        );
        // A byte offset inside 日 is shown at 日.
        assert_eq!(utf16.position(at - 1).character, 3);
    }
}
