//! GitHub Actions workflow commands, one annotation per finding:
//!
//! ```text
//! ::error file=deploy/kratos.yml,line=3,col=3,endLine=3,endColumn=14,title=kratos/x::message
//! ```
//!
//! Like Ruff, `col`/`endColumn` are only given when the finding starts and ends on the same
//! line (GitHub ignores or misplaces them otherwise). Values are escaped per the Actions
//! toolkit: `%`, CR and LF in the message; additionally `:` and `,` in properties.

use crate::FileResult;
use crate::position::Positions;
use crate::redact::Redactor;
use idplint_diagnostics::Severity;
use std::io::{self, Write};

pub fn command(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "notice",
    }
}

pub fn write(out: &mut dyn Write, files: &[FileResult<'_>]) -> io::Result<()> {
    for file in files {
        if file.report.diagnostics.is_empty() {
            continue;
        }
        let positions = Positions::new(file.text);
        let redactor = Redactor::new(file.text, &file.report.secrets);
        for diagnostic in &file.report.diagnostics {
            let (start, end) = positions.range(diagnostic.range);
            let mut properties = format!("file={},line={}", escape_property(file.path), start.row);
            if start.row == end.row {
                properties.push_str(&format!(",col={}", start.column));
            }
            properties.push_str(&format!(",endLine={}", end.row));
            if start.row == end.row {
                properties.push_str(&format!(",endColumn={}", end.column));
            }
            properties.push_str(&format!(",title={}", escape_property(&diagnostic.code)));
            let mut message = redactor.redact(&diagnostic.message);
            if let Some(help) = &diagnostic.help {
                message.push_str("\nhelp: ");
                message.push_str(&redactor.redact(help));
            }
            writeln!(
                out,
                "::{} {properties}::{}",
                command(diagnostic.severity),
                escape_data(&message)
            )?;
        }
    }
    Ok(())
}

/// Escape a command's message (`escapeData` in @actions/core).
pub fn escape_data(text: &str) -> String {
    text.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// Escape a property value (`escapeProperty` in @actions/core).
pub fn escape_property(text: &str) -> String {
    escape_data(text).replace(':', "%3A").replace(',', "%2C")
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use crate::fixtures::{self, Fixture};

    #[test]
    fn annotations() {
        let fixture = Fixture::new();
        let mut out = Vec::new();
        write(&mut out, &fixture.files()).unwrap();
        let output = String::from_utf8(out).unwrap();
        assert!(!output.contains(fixtures::SECRET), "{output}");
        insta::assert_snapshot!(output);
    }

    #[test]
    fn escaping() {
        assert_eq!(escape_data("100%\r\nok: a,b"), "100%25%0D%0Aok: a,b");
        assert_eq!(escape_property("a:b,c%"), "a%3Ab%2Cc%25");
    }
}
