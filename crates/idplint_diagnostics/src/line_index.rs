use crate::TextRange;

/// A 1-based row and a 1-based column counted in characters (Ruff's JSON convention).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct LineCol {
    pub row: u32,
    pub column: u32,
}

/// Maps byte offsets to rows and columns (characters, UTF-16 units or bytes) and back.
///
/// A line ends after `\n`; a `\r` before it belongs to the line ending, so a CRLF file gets the
/// same rows as its LF twin.
#[derive(Clone, Debug)]
pub struct LineIndex {
    line_starts: Vec<u32>,
    len: u32,
}

impl LineIndex {
    pub fn new(text: &str) -> Self {
        let mut line_starts = vec![0u32];
        for (i, b) in text.bytes().enumerate() {
            if b == b'\n' {
                line_starts.push(u32::try_from(i + 1).unwrap_or(u32::MAX));
            }
        }
        Self {
            line_starts,
            len: u32::try_from(text.len()).unwrap_or(u32::MAX),
        }
    }

    pub fn line_count(&self) -> usize {
        self.line_starts.len()
    }

    /// 0-based line number holding `offset` (an offset at the end of the text is on the last line).
    pub fn line_of(&self, offset: u32) -> usize {
        match self.line_starts.binary_search(&offset) {
            Ok(line) => line,
            Err(next) => next.saturating_sub(1),
        }
    }

    /// Byte range of 0-based `line` without its line ending.
    pub fn line_range(&self, line: usize, text: &str) -> TextRange {
        let start = self.line_starts.get(line).copied().unwrap_or(self.len);
        let mut end = self.line_starts.get(line + 1).copied().unwrap_or(self.len);
        let bytes = text.as_bytes();
        while end > start && matches!(bytes.get(end as usize - 1), Some(b'\n' | b'\r')) {
            end -= 1;
        }
        TextRange::new(start, end)
    }

    /// Byte range of 0-based `line` including its line ending.
    pub fn full_line_range(&self, line: usize) -> TextRange {
        let start = self.line_starts.get(line).copied().unwrap_or(self.len);
        let end = self.line_starts.get(line + 1).copied().unwrap_or(self.len);
        TextRange::new(start, end)
    }

    pub fn line_start(&self, line: usize) -> u32 {
        self.line_starts.get(line).copied().unwrap_or(self.len)
    }

    /// 1-based row and character column of `offset`.
    pub fn line_col(&self, offset: u32, text: &str) -> LineCol {
        let offset = offset.min(self.len);
        let line = self.line_of(offset);
        let start = self.line_starts[line.min(self.line_starts.len() - 1)];
        let prefix = text.get(start as usize..offset as usize).unwrap_or("");
        LineCol {
            row: u32::try_from(line + 1).unwrap_or(u32::MAX),
            column: u32::try_from(prefix.chars().count() + 1).unwrap_or(u32::MAX),
        }
    }

    /// 0-based line and UTF-16 code-unit column of `offset` (the LSP default encoding).
    pub fn line_col_utf16(&self, offset: u32, text: &str) -> (u32, u32) {
        let offset = offset.min(self.len);
        let line = self.line_of(offset);
        let start = self.line_starts[line.min(self.line_starts.len() - 1)];
        let prefix = text.get(start as usize..offset as usize).unwrap_or("");
        let units: usize = prefix.chars().map(char::len_utf16).sum();
        (
            u32::try_from(line).unwrap_or(u32::MAX),
            u32::try_from(units).unwrap_or(u32::MAX),
        )
    }

    /// 0-based line and byte column of `offset` (LSP's UTF-8 encoding).
    pub fn line_col_utf8(&self, offset: u32) -> (u32, u32) {
        let offset = offset.min(self.len);
        let line = self.line_of(offset);
        let start = self.line_starts[line.min(self.line_starts.len() - 1)];
        (u32::try_from(line).unwrap_or(u32::MAX), offset - start)
    }

    /// Byte offset of a 0-based line and a column in UTF-16 units (clamped to the line).
    pub fn offset_utf16(&self, line: u32, column: u32, text: &str) -> u32 {
        let Some(&start) = self.line_starts.get(line as usize) else {
            return self.len;
        };
        let line_range = self.line_range(line as usize, text);
        let Some(line_text) = line_range.slice(text) else {
            return start;
        };
        let mut units = 0u32;
        for (i, ch) in line_text.char_indices() {
            if units >= column {
                return start + u32::try_from(i).unwrap_or(0);
            }
            units += u32::try_from(ch.len_utf16()).unwrap_or(1);
        }
        line_range.end
    }

    /// Byte offset of a 0-based line and a byte column (clamped to the line).
    pub fn offset_utf8(&self, line: u32, column: u32, text: &str) -> u32 {
        let Some(&start) = self.line_starts.get(line as usize) else {
            return self.len;
        };
        let end = self.line_range(line as usize, text).end;
        let mut offset = (start + column).min(end);
        while offset > start && !text.is_char_boundary(offset as usize) {
            offset -= 1;
        }
        offset
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn rows_and_columns_count_characters() {
        let text = "a: 1\r\n# 日本語\nkey: value";
        let index = LineIndex::new(text);
        let key = text.find("key").unwrap() as u32;
        assert_eq!(index.line_col(key, text), LineCol { row: 3, column: 1 });
        let after_japanese = text.find("語").unwrap() as u32 + 3;
        assert_eq!(index.line_col(after_japanese, text).column, 6);
        assert_eq!(index.line_col_utf16(after_japanese, text), (1, 5));
        assert_eq!(index.line_range(0, text).slice(text), Some("a: 1"));
    }

    #[test]
    fn utf16_round_trip() {
        let text = "x: \"😀é\"\n";
        let index = LineIndex::new(text);
        let offset = text.find('é').unwrap() as u32;
        let (line, col) = index.line_col_utf16(offset, text);
        assert_eq!(index.offset_utf16(line, col, text), offset);
    }
}
