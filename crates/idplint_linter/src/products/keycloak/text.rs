//! Byte-range arithmetic on host text: where lines start and end, what to delete to remove a
//! list item or a mapping entry cleanly, and what to write before a cloned sibling.
//!
//! Everything here works on the raw host text so that edits keep the file's own newline
//! style and indentation, whatever the parser normalised.

use idplint_diagnostics::TextRange;
use idplint_syntax::{Node, ScalarStyle};

/// Offset of the first byte of the line holding `offset`.
pub fn line_start(text: &str, offset: u32) -> u32 {
    let bytes = text.as_bytes();
    let mut at = (offset as usize).min(bytes.len());
    while at > 0 && bytes[at - 1] != b'\n' {
        at -= 1;
    }
    to_u32(at)
}

/// Offset just past the line ending of the line holding `offset` (or the end of the text).
pub fn line_end_inclusive(text: &str, offset: u32) -> u32 {
    let bytes = text.as_bytes();
    let mut at = (offset as usize).min(bytes.len());
    while at < bytes.len() && bytes[at] != b'\n' {
        at += 1;
    }
    if at < bytes.len() {
        at += 1;
    }
    to_u32(at)
}

/// Whether `offset` is the first byte of a line.
pub fn at_line_start(text: &str, offset: u32) -> bool {
    offset == 0 || text.as_bytes().get(offset as usize - 1) == Some(&b'\n')
}

/// The text between the start of `offset`'s line and `offset`.
pub fn line_prefix(text: &str, offset: u32) -> &str {
    TextRange::new(line_start(text, offset), offset)
        .slice(text)
        .unwrap_or("")
}

/// The leading spaces and tabs of the line holding `offset`.
pub fn line_indent(text: &str, offset: u32) -> &str {
    let prefix = line_prefix(text, offset);
    let trimmed = prefix.trim_start_matches([' ', '\t']);
    prefix.get(..prefix.len() - trimmed.len()).unwrap_or("")
}

/// Whole lines covering `range`: from the start of its first line through the line ending of
/// its last line. A range that already ends at a line start (a block scalar that swallowed
/// its newline) does not take the following line with it.
pub fn whole_lines(text: &str, range: TextRange) -> TextRange {
    let start = line_start(text, range.start);
    let end = if range.end > range.start && at_line_start(text, range.end) {
        range.end
    } else {
        line_end_inclusive(text, range.end)
    };
    TextRange::new(start, end.max(start))
}

/// Whether the node is an item of a block sequence (`- item` with only indentation and
/// dashes before it on its line), as opposed to a flow/JSON sequence element.
pub fn is_block_item(text: &str, range: TextRange) -> bool {
    let prefix = line_prefix(text, range.start).trim_end();
    !prefix.is_empty() && prefix.trim_start().bytes().all(|b| b == b'-' || b == b' ')
}

/// Whether the node starts its line (only whitespace before it).
pub fn starts_line(text: &str, offset: u32) -> bool {
    line_prefix(text, offset).trim().is_empty()
}

/// What to write between a sequence item and a new sibling inserted right after it.
pub fn sequence_separator(text: &str, item: TextRange, newline: &str) -> String {
    if is_block_item(text, item) {
        // `      - ` in front of the first line of the item; a nested `- - x` keeps only the
        // innermost dash.
        let prefix = line_prefix(text, item.start);
        let mut normalised: String = prefix.chars().map(|_| ' ').collect();
        if let Some(dash) = prefix.rfind('-') {
            normalised.replace_range(dash..dash + 1, "-");
        }
        format!("{newline}{normalised}")
    } else if starts_line(text, item.start) {
        format!(",{newline}{}", line_indent(text, item.start))
    } else {
        ", ".to_string()
    }
}

/// What to write between a mapping entry and a new sibling entry inserted right after it.
pub fn mapping_separator(text: &str, entry: TextRange, newline: &str) -> String {
    if starts_line(text, entry.start) || is_block_item(text, entry.start_range()) {
        // Block mapping: same column as this key. For the first key of a mapping that is
        // itself a sequence item (`- KEY: v`), the column is after the dash.
        let width = line_prefix(text, entry.start).chars().count();
        format!("{newline}{}", " ".repeat(width))
    } else {
        ", ".to_string()
    }
}

/// The bytes to delete to remove `items[first..=last]` of a sequence, separators included.
pub fn sequence_removal(text: &str, items: &[TextRange], first: usize, last: usize) -> TextRange {
    let (Some(start), Some(end)) = (items.get(first), items.get(last)) else {
        return TextRange::default();
    };
    let span = TextRange::new(start.start, end.end.max(start.start));
    if is_block_item(text, *start) {
        return whole_lines(text, span);
    }
    if let Some(next) = items.get(last + 1) {
        TextRange::new(span.start, next.start.max(span.start))
    } else if let Some(prev) = first.checked_sub(1).and_then(|i| items.get(i)) {
        TextRange::new(prev.end.min(span.start), span.end)
    } else {
        span
    }
}

/// The bytes to delete to remove a mapping entry (block: its whole lines).
pub fn mapping_entry_removal(text: &str, entries: &[TextRange], index: usize) -> TextRange {
    let Some(entry) = entries.get(index) else {
        return TextRange::default();
    };
    if starts_line(text, entry.start) {
        return whole_lines(text, *entry);
    }
    sequence_removal(text, entries, index, index)
}

/// The scalar's text as written, without quotes, and whether that text is exactly the decoded
/// value (so sub-ranges of it can be rewritten in place).
pub fn scalar_inner(node: &Node, text: &str) -> Option<(TextRange, bool)> {
    let scalar = node.as_scalar()?;
    let range = node.range;
    let inner = match scalar.style {
        ScalarStyle::Plain => range,
        ScalarStyle::SingleQuoted | ScalarStyle::DoubleQuoted => {
            if range.len() < 2 {
                return Some((range, false));
            }
            TextRange::new(range.start + 1, range.end - 1)
        }
        ScalarStyle::Literal | ScalarStyle::Folded => {
            return Some((scalar.content_range.unwrap_or(range), false));
        }
    };
    let exact = inner.slice(text) == Some(scalar.value.as_str());
    Some((inner, exact))
}

/// The quote character a scalar was written with (`"`, `'`), or a space for none.
pub fn scalar_style_of(raw: &str) -> char {
    raw.chars()
        .next()
        .filter(|c| matches!(c, '"' | '\''))
        .unwrap_or(' ')
}

pub fn to_u32(value: usize) -> u32 {
    u32::try_from(value).unwrap_or(u32::MAX)
}

trait StartRange {
    fn start_range(self) -> TextRange;
}

impl StartRange for TextRange {
    fn start_range(self) -> TextRange {
        TextRange::empty(self.start)
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn range_of(text: &str, needle: &str) -> TextRange {
        let start = text.find(needle).unwrap();
        TextRange::from_usize(start, start + needle.len())
    }

    #[test]
    fn block_sequence_items() {
        let text = "env:\r\n  - A=1\r\n  - B=2\r\n";
        let a = range_of(text, "A=1");
        let b = range_of(text, "B=2");
        assert!(is_block_item(text, a));
        assert_eq!(sequence_separator(text, a, "\r\n"), "\r\n  - ");
        let removal = sequence_removal(text, &[a, b], 0, 0);
        assert_eq!(removal.slice(text), Some("  - A=1\r\n"));
    }

    #[test]
    fn flow_sequence_items() {
        let text = r#"["start", "--proxy=edge"]"#;
        let a = range_of(text, r#""start""#);
        let b = range_of(text, r#""--proxy=edge""#);
        assert!(!is_block_item(text, b));
        assert_eq!(sequence_separator(text, b, "\n"), ", ");
        assert_eq!(
            sequence_removal(text, &[a, b], 1, 1).slice(text),
            Some(r#", "--proxy=edge""#)
        );
        assert_eq!(
            sequence_removal(text, &[a, b], 0, 0).slice(text),
            Some(r#""start", "#)
        );
    }

    #[test]
    fn json_multiline_items() {
        let text = "[\n    {\"a\": 1},\n    {\"b\": 2}\n]";
        let b = range_of(text, "{\"b\": 2}");
        assert_eq!(sequence_separator(text, b, "\n"), ",\n    ");
    }
}
