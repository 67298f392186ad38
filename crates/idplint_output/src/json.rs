//! The JSON format: one array of findings, field names compatible with Ruff's (DESIGN.md §5).
//!
//! ```json
//! [{"code": "...", "severity": "error", "message": "...", "filename": "deploy/kratos.yml",
//!   "location": {"row": 12, "column": 5}, "end_location": {"row": 12, "column": 16},
//!   "url": "docs/rules/....md",
//!   "fix": {"applicability": "safe", "message": "...",
//!           "edits": [{"content": "...", "location": {...}, "end_location": {...}}]},
//!   "help": "...", "labels": [{"message": "...", "location": {...}, "end_location": {...}}]}]
//! ```
//!
//! Rows and columns are 1-based, columns count characters. `fix` is `null` when there is none
//! and is present whatever its applicability. `help` (string or null) and `labels` are
//! additions beyond the contract.

use crate::position::Positions;
use crate::redact::Redactor;
use crate::{FileResult, RuleIndex};
use idplint_diagnostics::{Diagnostic, LineCol, TextRange};
use serde::Serialize;
use std::io::{self, Write};

#[derive(Clone, Copy, Debug, Serialize, PartialEq, Eq)]
pub struct Location {
    pub row: u32,
    pub column: u32,
}

impl From<LineCol> for Location {
    fn from(value: LineCol) -> Self {
        Self {
            row: value.row,
            column: value.column,
        }
    }
}

#[derive(Debug, Serialize)]
pub struct JsonDiagnostic<'a> {
    pub code: &'a str,
    pub severity: &'static str,
    pub message: String,
    pub filename: &'a str,
    pub location: Location,
    pub end_location: Location,
    pub url: Option<String>,
    pub fix: Option<JsonFix>,
    pub help: Option<String>,
    pub labels: Vec<JsonLabel>,
}

#[derive(Debug, Serialize)]
pub struct JsonFix {
    pub applicability: &'static str,
    pub message: String,
    pub edits: Vec<JsonEdit>,
}

#[derive(Debug, Serialize)]
pub struct JsonEdit {
    pub content: String,
    pub location: Location,
    pub end_location: Location,
}

#[derive(Debug, Serialize)]
pub struct JsonLabel {
    pub message: String,
    pub location: Location,
    pub end_location: Location,
}

/// Convert the findings of `files` to the JSON model (in file order, then diagnostic order).
pub fn diagnostics<'a>(files: &[FileResult<'a>], rules: &RuleIndex<'_>) -> Vec<JsonDiagnostic<'a>> {
    let mut out = Vec::new();
    for file in files {
        if file.report.diagnostics.is_empty() {
            continue;
        }
        let positions = Positions::new(file.text);
        let redactor = Redactor::new(file.text, &file.report.secrets);
        for diagnostic in &file.report.diagnostics {
            out.push(convert(file, &positions, &redactor, diagnostic, rules));
        }
    }
    out
}

fn convert<'a>(
    file: &FileResult<'a>,
    positions: &Positions<'_>,
    redactor: &Redactor,
    diagnostic: &'a Diagnostic,
    rules: &RuleIndex<'_>,
) -> JsonDiagnostic<'a> {
    let (location, end_location) = locations(positions, diagnostic.range);
    JsonDiagnostic {
        code: &diagnostic.code,
        severity: diagnostic.severity.as_str(),
        message: redactor.redact(&diagnostic.message),
        filename: file.path,
        location,
        end_location,
        url: rules.url(&diagnostic.code),
        fix: diagnostic.fix.as_ref().map(|fix| JsonFix {
            applicability: fix.applicability.as_str(),
            message: redactor.redact(&fix.message),
            edits: fix
                .edits
                .iter()
                .map(|edit| {
                    let (location, end_location) = locations(positions, edit.range);
                    JsonEdit {
                        content: redactor.redact(&edit.content),
                        location,
                        end_location,
                    }
                })
                .collect(),
        }),
        help: diagnostic.help.as_deref().map(|h| redactor.redact(h)),
        labels: diagnostic
            .labels
            .iter()
            .map(|label| {
                let (location, end_location) = locations(positions, label.range);
                JsonLabel {
                    message: redactor.redact(&label.message),
                    location,
                    end_location,
                }
            })
            .collect(),
    }
}

fn locations(positions: &Positions<'_>, range: TextRange) -> (Location, Location) {
    let (start, end) = positions.range(range);
    (start.into(), end.into())
}

/// Write the array, pretty-printed, followed by a newline.
pub fn write(
    out: &mut dyn Write,
    files: &[FileResult<'_>],
    rules: &RuleIndex<'_>,
) -> io::Result<()> {
    serde_json::to_writer_pretty(&mut *out, &diagnostics(files, rules))?;
    writeln!(out)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use crate::fixtures::{self, Fixture};

    fn render(fixture: &Fixture) -> String {
        let mut out = Vec::new();
        write(&mut out, &fixture.files(), &fixture.rules()).unwrap();
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn contract_fields() {
        let fixture = Fixture::new();
        let output = render(&fixture);
        insta::assert_snapshot!(output);
        let value: serde_json::Value = serde_json::from_str(&output).unwrap();
        let items = value.as_array().unwrap();
        assert_eq!(items.len(), 6);
        for item in items {
            for field in [
                "code",
                "severity",
                "message",
                "filename",
                "location",
                "end_location",
                "url",
                "fix",
            ] {
                assert!(item.get(field).is_some(), "{field} missing in {item}");
            }
        }
        let ttl = items
            .iter()
            .find(|i| i["code"] == "kratos/courier-message-ttl-removed")
            .unwrap();
        assert_eq!(ttl["location"], serde_json::json!({"row": 3, "column": 3}));
        assert_eq!(
            ttl["end_location"],
            serde_json::json!({"row": 3, "column": 14})
        );
        assert_eq!(
            ttl["url"],
            "docs/rules/kratos/courier-message-ttl-removed.md"
        );
        // The CRLF line is deleted whole: the edit ends at the start of the next row.
        assert_eq!(
            ttl["fix"]["edits"][0]["end_location"],
            serde_json::json!({"row": 4, "column": 1})
        );
        let name = items
            .iter()
            .find(|i| i["code"] == "kratos/display-name")
            .unwrap();
        // `  表示名: ` is 7 characters (21 bytes): the value starts in column 8.
        assert_eq!(name["location"], serde_json::json!({"row": 5, "column": 8}));
        assert_eq!(
            name["end_location"],
            serde_json::json!({"row": 5, "column": 12})
        );
        assert_eq!(name["fix"]["applicability"], "unsafe");
        assert!(items.iter().any(|i| i["url"].is_null()));
    }

    #[test]
    fn secrets_never_appear() {
        let output = render(&Fixture::new());
        assert!(!output.contains(fixtures::SECRET), "{output}");
        assert!(output.contains("# was ****"), "{output}");
    }
}
