//! JUnit XML, for CI systems that show test reports (Jenkins, GitLab `reports: junit:`, Azure).
//!
//! One `<testsuite>` per linted file, one failing `<testcase>` per finding (named after the
//! rule, with the file and line), and one passing `<testcase>` for a file without findings
//! so clean files show up as passed. Counts on `<testsuites>`/`<testsuite>` follow the
//! common JUnit schema (`tests`, `failures`, `errors`, `skipped`).

use crate::FileResult;
use crate::position::Positions;
use crate::redact::Redactor;
use std::fmt::Write as _;
use std::io::{self, Write};

pub fn write(out: &mut dyn Write, files: &[FileResult<'_>]) -> io::Result<()> {
    let mut xml = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    let tests: usize = files
        .iter()
        .map(|f| f.report.diagnostics.len().max(1))
        .sum();
    let failures: usize = files.iter().map(|f| f.report.diagnostics.len()).sum();
    let _ = writeln!(
        xml,
        "<testsuites name=\"idplint\" tests=\"{tests}\" failures=\"{failures}\" errors=\"0\">"
    );
    for file in files {
        let path = escape(&file.path.replace('\\', "/"));
        let count = file.report.diagnostics.len();
        let _ = writeln!(
            xml,
            "  <testsuite name=\"{path}\" tests=\"{}\" failures=\"{count}\" errors=\"0\" skipped=\"0\">",
            count.max(1)
        );
        if count == 0 {
            let _ = writeln!(
                xml,
                "    <testcase name=\"idplint\" classname=\"{path}\" file=\"{path}\"/>"
            );
        }
        let positions = Positions::new(file.text);
        let redactor = Redactor::new(file.text, &file.report.secrets);
        for diagnostic in &file.report.diagnostics {
            let (start, _) = positions.range(diagnostic.range);
            let message = redactor.redact(&diagnostic.message);
            let mut body = format!(
                "{}:{}:{}: {} [{}]",
                file.path, start.row, start.column, message, diagnostic.code
            );
            if let Some(help) = &diagnostic.help {
                body.push_str("\nhelp: ");
                body.push_str(&redactor.redact(help));
            }
            let _ = writeln!(
                xml,
                "    <testcase name=\"{code} ({path}:{row}:{column})\" classname=\"{path}\" file=\"{path}\" line=\"{row}\">",
                code = escape(&diagnostic.code),
                row = start.row,
                column = start.column,
            );
            let _ = writeln!(
                xml,
                "      <failure message=\"{}\" type=\"{}\">{}</failure>",
                escape(&message),
                diagnostic.severity.as_str(),
                escape(&body)
            );
            let _ = writeln!(xml, "    </testcase>");
        }
        let _ = writeln!(xml, "  </testsuite>");
    }
    xml.push_str("</testsuites>\n");
    out.write_all(xml.as_bytes())
}

/// Escape for XML 1.0 text and attribute values. Characters XML 1.0 cannot carry at all
/// (most C0 controls) become U+FFFD rather than making the report unreadable.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for ch in text.chars() {
        match ch {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\n' => out.push_str("&#10;"),
            '\r' => out.push_str("&#13;"),
            '\t' => out.push_str("&#9;"),
            c if (c as u32) < 0x20 || c == '\u{fffe}' || c == '\u{ffff}' => out.push('\u{fffd}'),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use crate::fixtures::{self, Fixture};

    #[test]
    fn well_formed_with_counts() {
        let fixture = Fixture::new();
        let mut out = Vec::new();
        write(&mut out, &fixture.files()).unwrap();
        let output = String::from_utf8(out).unwrap();
        assert!(!output.contains(fixtures::SECRET), "{output}");
        let doc = roxmltree::Document::parse(&output).unwrap();
        let root = doc.root_element();
        assert_eq!(root.tag_name().name(), "testsuites");
        assert_eq!(root.attribute("tests"), Some("7"));
        assert_eq!(root.attribute("failures"), Some("6"));
        let suites: Vec<_> = root.children().filter(|n| n.is_element()).collect();
        assert_eq!(suites.len(), 3);
        for suite in &suites {
            assert_eq!(suite.tag_name().name(), "testsuite");
            let cases: Vec<_> = suite
                .children()
                .filter(|n| n.has_tag_name("testcase"))
                .collect();
            assert_eq!(
                suite.attribute("tests").unwrap(),
                cases.len().to_string(),
                "tests count"
            );
            let failed = cases
                .iter()
                .filter(|c| c.children().any(|f| f.has_tag_name("failure")))
                .count();
            assert_eq!(suite.attribute("failures").unwrap(), failed.to_string());
            for case in cases {
                assert!(case.attribute("name").is_some() && case.attribute("classname").is_some());
            }
        }
        assert!(output.contains("line=\"3\""), "{output}");
    }

    #[test]
    fn escapes_markup_and_controls() {
        assert_eq!(
            escape("a<b & \"c\"\u{1}"),
            "a&lt;b &amp; &quot;c&quot;\u{fffd}"
        );
    }
}
