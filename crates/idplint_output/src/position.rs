//! Rows and columns as users count them.

use idplint_diagnostics::{LineCol, LineIndex, TextRange};

/// Rows and character columns of one file's text.
///
/// A leading UTF-8 byte-order mark is kept in the text (parsers tolerate it and `fix` preserves
/// it) but no editor counts it as a column, so positions on the first line are shifted back by
/// one character to match what users see.
#[derive(Debug)]
pub struct Positions<'a> {
    text: &'a str,
    index: LineIndex,
    bom: bool,
}

impl<'a> Positions<'a> {
    pub fn new(text: &'a str) -> Self {
        Self {
            text,
            index: LineIndex::new(text),
            bom: text.starts_with('\u{feff}'),
        }
    }

    pub fn text(&self) -> &'a str {
        self.text
    }

    pub fn index(&self) -> &LineIndex {
        &self.index
    }

    /// 1-based row and 1-based character column of `offset` (clamped to the text).
    pub fn line_col(&self, offset: u32) -> LineCol {
        let mut position = self.index.line_col(offset, self.text);
        if self.bom && position.row == 1 && position.column > 1 {
            position.column -= 1;
        }
        position
    }

    pub fn range(&self, range: TextRange) -> (LineCol, LineCol) {
        (self.line_col(range.start), self.line_col(range.end))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bom_is_not_a_column() {
        let text = "\u{feff}a: 1\nb: 2\n";
        let positions = Positions::new(text);
        assert_eq!(positions.line_col(3), LineCol { row: 1, column: 1 });
        assert_eq!(positions.line_col(4), LineCol { row: 1, column: 2 });
        assert_eq!(positions.line_col(8), LineCol { row: 2, column: 1 });
        assert_eq!(positions.line_col(0), LineCol { row: 1, column: 1 });
    }
}
