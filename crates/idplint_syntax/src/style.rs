/// The line ending a file uses; inserted lines must use the same one.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Newline {
    #[default]
    Lf,
    CrLf,
}

impl Newline {
    pub fn as_str(self) -> &'static str {
        match self {
            Newline::Lf => "\n",
            Newline::CrLf => "\r\n",
        }
    }
}

/// How a file is written, detected once so edits can match it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SourceStyle {
    pub newline: Newline,
    /// The indentation unit (spaces per level), when the file shows one.
    pub indent_unit: Option<usize>,
    /// Whether the text started with a UTF-8 byte-order mark (already stripped by the caller
    /// or present as U+FEFF at offset 0).
    pub bom: bool,
    /// Whether the last line ends with a newline.
    pub final_newline: bool,
}

impl SourceStyle {
    /// Detect newline style, indentation unit and final newline from raw text.
    pub fn detect(text: &str) -> Self {
        let newline = match text.find('\n') {
            Some(i) if i > 0 && text.as_bytes()[i - 1] == b'\r' => Newline::CrLf,
            _ => Newline::Lf,
        };
        let mut unit: Option<usize> = None;
        for line in text.lines() {
            let trimmed = line.trim_start_matches(' ');
            let indent = line.len() - trimmed.len();
            if indent == 0 || trimmed.is_empty() || trimmed.starts_with('#') {
                continue;
            }
            unit = Some(match unit {
                None => indent,
                Some(u) => gcd(u, indent),
            });
        }
        Self {
            newline,
            indent_unit: unit.filter(|u| *u > 0),
            bom: text.starts_with('\u{feff}'),
            final_newline: text.ends_with('\n'),
        }
    }

    pub fn indent_unit_or_default(&self) -> usize {
        self.indent_unit.unwrap_or(2)
    }
}

fn gcd(a: usize, b: usize) -> usize {
    if b == 0 { a } else { gcd(b, a % b) }
}
