use crate::TextRange;
use serde::Serialize;

/// How sure we are that applying a fix is what the user wants.
///
/// Ordered `DisplayOnly < Unsafe < Safe` so "at least this applicable" is a comparison.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Applicability {
    /// Shown as a suggestion, never applied by `fix`.
    DisplayOnly,
    /// Applied only with `--unsafe-fixes`: it needs the target version, deletes content or
    /// comments, or needs judgement.
    Unsafe,
    /// Keeps the meaning on the version currently deployed; applied by plain `fix`.
    Safe,
}

impl Applicability {
    pub fn as_str(self) -> &'static str {
        match self {
            Applicability::DisplayOnly => "display-only",
            Applicability::Unsafe => "unsafe",
            Applicability::Safe => "safe",
        }
    }
}

/// Replace the bytes in `range` with `content` (deletion: empty content; insertion: empty range).
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct Edit {
    pub range: TextRange,
    pub content: String,
}

impl Edit {
    pub fn replace(range: TextRange, content: impl Into<String>) -> Self {
        Self {
            range,
            content: content.into(),
        }
    }

    pub fn delete(range: TextRange) -> Self {
        Self {
            range,
            content: String::new(),
        }
    }

    pub fn insert(at: u32, content: impl Into<String>) -> Self {
        Self {
            range: TextRange::empty(at),
            content: content.into(),
        }
    }
}

/// A set of non-overlapping edits that together repair one diagnostic.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Fix {
    pub message: String,
    pub applicability: Applicability,
    /// Sorted by range, non-overlapping.
    pub edits: Vec<Edit>,
}

impl Fix {
    pub fn new(
        message: impl Into<String>,
        applicability: Applicability,
        mut edits: Vec<Edit>,
    ) -> Self {
        edits.sort();
        edits.dedup();
        Self {
            message: message.into(),
            applicability,
            edits,
        }
    }

    pub fn safe(message: impl Into<String>, edits: Vec<Edit>) -> Self {
        Self::new(message, Applicability::Safe, edits)
    }

    pub fn unsafe_(message: impl Into<String>, edits: Vec<Edit>) -> Self {
        Self::new(message, Applicability::Unsafe, edits)
    }

    pub fn display_only(message: impl Into<String>, edits: Vec<Edit>) -> Self {
        Self::new(message, Applicability::DisplayOnly, edits)
    }

    /// The range covering every edit of this fix.
    pub fn range(&self) -> Option<TextRange> {
        let first = self.edits.first()?;
        Some(
            self.edits
                .iter()
                .fold(first.range, |acc, edit| acc.cover(edit.range)),
        )
    }
}

/// Apply sorted, non-overlapping edits to `text`. Returns `None` if the edits overlap, are out
/// of bounds or split a character, so a broken fix can never corrupt a file.
pub fn apply_edits(text: &str, edits: &[Edit]) -> Option<String> {
    let mut sorted: Vec<&Edit> = edits.iter().collect();
    sorted.sort_by_key(|edit| (edit.range.start, edit.range.end));
    let mut out = String::with_capacity(text.len());
    let mut last = 0usize;
    for edit in sorted {
        let range = edit.range.as_usize();
        if range.start < last || range.end > text.len() {
            return None;
        }
        out.push_str(text.get(last..range.start)?);
        text.get(range.clone())?;
        out.push_str(&edit.content);
        last = range.end;
    }
    out.push_str(text.get(last..)?);
    Some(out)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn applies_in_order_and_rejects_overlap() {
        let text = "abcdef";
        let edits = vec![
            Edit::replace(TextRange::new(4, 5), "E"),
            Edit::insert(0, ">"),
            Edit::delete(TextRange::new(1, 2)),
        ];
        assert_eq!(apply_edits(text, &edits).as_deref(), Some(">acdEf"));
        let overlapping = vec![
            Edit::delete(TextRange::new(1, 3)),
            Edit::delete(TextRange::new(2, 4)),
        ];
        assert_eq!(apply_edits(text, &overlapping), None);
        assert_eq!(
            apply_edits("é", &[Edit::delete(TextRange::new(0, 1))]),
            None
        );
    }
}
