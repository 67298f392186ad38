use serde::Serialize;

/// A half-open byte range `[start, end)` into one text.
///
/// Byte offsets (not characters) so that slicing the source is exact and cheap; conversion to
/// rows, character columns and UTF-16 columns happens only at the edges (`LineIndex`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct TextRange {
    pub start: u32,
    pub end: u32,
}

impl TextRange {
    pub fn new(start: u32, end: u32) -> Self {
        debug_assert!(start <= end, "range start {start} after end {end}");
        Self { start, end }
    }

    pub fn from_usize(start: usize, end: usize) -> Self {
        Self::new(to_u32(start), to_u32(end))
    }

    pub fn empty(at: u32) -> Self {
        Self { start: at, end: at }
    }

    pub fn len(self) -> u32 {
        self.end - self.start
    }

    pub fn is_empty(self) -> bool {
        self.start == self.end
    }

    pub fn contains(self, offset: u32) -> bool {
        self.start <= offset && offset < self.end
    }

    pub fn contains_range(self, other: TextRange) -> bool {
        self.start <= other.start && other.end <= self.end
    }

    /// Whether the two ranges share at least one byte, or are both empty at the same place.
    pub fn overlaps(self, other: TextRange) -> bool {
        self.start < other.end && other.start < self.end
            || (self.start == other.start && (self.is_empty() || other.is_empty()))
    }

    pub fn cover(self, other: TextRange) -> TextRange {
        TextRange::new(self.start.min(other.start), self.end.max(other.end))
    }

    pub fn shift(self, by: u32) -> TextRange {
        TextRange::new(self.start + by, self.end + by)
    }

    pub fn as_usize(self) -> std::ops::Range<usize> {
        self.start as usize..self.end as usize
    }

    /// Slice `text` by this range; `None` when the range is out of bounds or not on a
    /// character boundary (never panics on user-controlled offsets).
    pub fn slice(self, text: &str) -> Option<&str> {
        text.get(self.as_usize())
    }
}

/// Files larger than 4 GiB are refused long before positions are computed (the CLI caps file
/// size), so saturating here only guards against misuse.
fn to_u32(value: usize) -> u32 {
    u32::try_from(value).unwrap_or(u32::MAX)
}
