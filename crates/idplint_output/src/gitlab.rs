//! GitLab Code Quality report (a subset of the Code Climate issue format), for
//! `artifacts: reports: codequality:`.
//!
//! ```json
//! [{"type": "issue", "check_name": "kratos/courier-message-ttl-removed",
//!   "description": "...", "categories": ["Compatibility"], "severity": "critical",
//!   "fingerprint": "5e0c...", "location": {"path": "deploy/kratos.yml", "lines": {"begin": 4, "end": 4}}}]
//! ```
//!
//! GitLab compares reports of two pipelines by `fingerprint` to tell new findings from fixed
//! ones, so a fingerprint must not change when unrelated lines are added above a finding. It
//! is a hash of the path, the rule id and the finding's logical key — its message (which names
//! the key, option or variable) and the flagged source text — never its line or column. Two
//! findings with the same key in one file are told apart by their order, which also does not
//! depend on line numbers.

use crate::position::Positions;
use crate::redact::Redactor;
use crate::{FileResult, RuleIndex};
use idplint_diagnostics::{Diagnostic, Severity, TextRange};
use serde::Serialize;
use std::collections::HashMap;
use std::io::{self, Write};

#[derive(Debug, Serialize)]
pub struct Issue {
    #[serde(rename = "type")]
    pub kind: &'static str,
    pub check_name: String,
    pub description: String,
    pub categories: Vec<&'static str>,
    pub severity: &'static str,
    pub fingerprint: String,
    pub location: Location,
}

#[derive(Debug, Serialize)]
pub struct Location {
    pub path: String,
    pub lines: Lines,
}

#[derive(Debug, Serialize)]
pub struct Lines {
    pub begin: u32,
    pub end: u32,
}

/// Code Climate severities: `info`, `minor`, `major`, `critical`, `blocker`. An idplint error
/// means the service refuses to start or misbehaves after an upgrade.
pub fn severity(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "critical",
        Severity::Warning => "minor",
        Severity::Info => "info",
    }
}

pub fn issues(files: &[FileResult<'_>], rules: &RuleIndex<'_>) -> Vec<Issue> {
    let mut out = Vec::new();
    for file in files {
        if file.report.diagnostics.is_empty() {
            continue;
        }
        let positions = Positions::new(file.text);
        let redactor = Redactor::new(file.text, &file.report.secrets);
        let mut seen: HashMap<String, usize> = HashMap::new();
        for diagnostic in &file.report.diagnostics {
            let (start, end) = positions.range(diagnostic.range);
            let message = redactor.redact(&diagnostic.message);
            let key = logical_key(file, diagnostic, &message);
            let occurrence = seen.entry(key.clone()).or_insert(0);
            let fingerprint = fingerprint(&key, *occurrence);
            *occurrence += 1;
            let category = match rules.get(&diagnostic.code) {
                Some(meta) if meta.release.is_some() => "Compatibility",
                _ => "Bug Risk",
            };
            out.push(Issue {
                kind: "issue",
                check_name: diagnostic.code.clone(),
                description: message,
                categories: vec![category],
                severity: severity(diagnostic.severity),
                fingerprint,
                location: Location {
                    path: file.path.replace('\\', "/"),
                    lines: Lines {
                        begin: start.row,
                        end: end.row.max(start.row),
                    },
                },
            });
        }
    }
    out
}

/// Path, rule id, message and the flagged text with its whitespace squeezed (so re-indenting
/// a block does not count as a new finding). Flagged text that overlaps a secret is left out:
/// a hash of a short secret can be reversed by guessing.
fn logical_key(file: &FileResult<'_>, diagnostic: &Diagnostic, message: &str) -> String {
    let overlaps_secret = file
        .report
        .secrets
        .iter()
        .any(|s| s.overlaps(diagnostic.range) || diagnostic.range.contains_range(*s));
    let flagged = if overlaps_secret {
        String::new()
    } else {
        TextRange::new(
            diagnostic.range.start,
            diagnostic.range.end.max(diagnostic.range.start),
        )
        .slice(file.text)
        .unwrap_or("")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
    };
    format!(
        "{}\0{}\0{}\0{}",
        file.path.replace('\\', "/"),
        diagnostic.code,
        message,
        flagged
    )
}

/// 128-bit FNV-1a, hex: stable across Rust versions and platforms (unlike `DefaultHasher`),
/// and GitLab only needs uniqueness, not secrecy.
fn fingerprint(key: &str, occurrence: usize) -> String {
    const OFFSET: u128 = 0x6c62272e07bb014262b821756295c58d;
    const PRIME: u128 = 0x0000000001000000000000000000013B;
    let mut hash = OFFSET;
    let salt = if occurrence == 0 {
        String::new()
    } else {
        format!("\0#{occurrence}")
    };
    for byte in key.bytes().chain(salt.bytes()) {
        hash ^= u128::from(byte);
        hash = hash.wrapping_mul(PRIME);
    }
    format!("{hash:032x}")
}

pub fn write(
    out: &mut dyn Write,
    files: &[FileResult<'_>],
    rules: &RuleIndex<'_>,
) -> io::Result<()> {
    serde_json::to_writer_pretty(&mut *out, &issues(files, rules))?;
    writeln!(out)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use crate::fixtures::{self, Fixture};
    use idplint_linter::FileReport;
    use serde_json::Value;

    #[test]
    fn report_shape() {
        let fixture = Fixture::new();
        let mut out = Vec::new();
        write(&mut out, &fixture.files(), &fixture.rules()).unwrap();
        let output = String::from_utf8(out).unwrap();
        assert!(!output.contains(fixtures::SECRET), "{output}");
        let value: Value = serde_json::from_str(&output).unwrap();
        let issues = value.as_array().unwrap();
        assert_eq!(issues.len(), 6);
        let mut fingerprints = std::collections::BTreeSet::new();
        for issue in issues {
            for field in ["description", "check_name", "fingerprint", "severity"] {
                assert!(issue[field].is_string(), "{field} in {issue}");
            }
            assert!(
                ["info", "minor", "major", "critical", "blocker"]
                    .contains(&issue["severity"].as_str().unwrap())
            );
            assert!(issue["location"]["path"].is_string());
            assert!(issue["location"]["lines"]["begin"].as_u64().unwrap() >= 1);
            assert!(fingerprints.insert(issue["fingerprint"].as_str().unwrap().to_string()));
        }
        let ttl = issues
            .iter()
            .find(|i| i["check_name"] == "kratos/courier-message-ttl-removed")
            .unwrap();
        assert_eq!(ttl["location"]["lines"]["begin"], 3);
        assert_eq!(ttl["categories"][0], "Compatibility");
    }

    #[test]
    fn fingerprints_survive_lines_inserted_above() {
        let fixture = Fixture::new();
        let before = issues(&fixture.files(), &fixture.rules());
        // The same findings, three lines further down.
        let prefix = "# a\r\n# b\r\n# c\r\n";
        let shifted_text = format!("{prefix}{}", fixtures::KRATOS);
        let by = u32::try_from(prefix.len()).unwrap();
        let mut shifted = fixture.kratos.clone();
        for d in &mut shifted.diagnostics {
            d.range = d.range.shift(by);
        }
        let files = vec![FileResult {
            path: "deploy/kratos.yml",
            text: &shifted_text,
            report: &shifted,
        }];
        let after = issues(&files, &fixture.rules());
        let before: Vec<&Issue> = before
            .iter()
            .filter(|i| i.location.path == "deploy/kratos.yml")
            .collect();
        assert_eq!(before.len(), after.len());
        for (b, a) in before.iter().zip(&after) {
            assert_eq!(b.fingerprint, a.fingerprint, "{}", a.check_name);
            assert_eq!(b.location.lines.begin + 3, a.location.lines.begin);
        }
    }

    #[test]
    fn duplicates_get_distinct_fingerprints() {
        let text = "a: 1\na: 1\n";
        let report = FileReport {
            diagnostics: vec![
                Diagnostic::new("x/y", Severity::Warning, "dup", TextRange::new(0, 4)),
                Diagnostic::new("x/y", Severity::Warning, "dup", TextRange::new(5, 9)),
            ],
            ..FileReport::default()
        };
        let files = [FileResult {
            path: "a.yml",
            text,
            report: &report,
        }];
        let out = issues(&files, &RuleIndex::default());
        assert_ne!(out[0].fingerprint, out[1].fingerprint);
    }
}
