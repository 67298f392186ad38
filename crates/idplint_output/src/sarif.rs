//! SARIF 2.1.0 for code-scanning uploads: one run, every known rule as a reporting
//! descriptor, one result per finding with its region and fixes.
//!
//! Columns are Unicode code points (declared with `columnKind`), matching the JSON format;
//! the SARIF default would be UTF-16 code units. Artifact URIs are the display paths
//! (relative to the working directory, forward slashes), percent-encoded.

use crate::position::Positions;
use crate::redact::Redactor;
use crate::{FileResult, RuleIndex};
use idplint_diagnostics::{Diagnostic, Severity, TextRange};
use idplint_linter::RuleMeta;
use serde::Serialize;
use std::collections::BTreeMap;
use std::io::{self, Write};

pub const SCHEMA: &str = "https://json.schemastore.org/sarif-2.1.0.json";
pub const INFORMATION_URI: &str = env!("CARGO_PKG_REPOSITORY");

#[derive(Debug, Serialize)]
pub struct Log {
    #[serde(rename = "$schema")]
    pub schema: &'static str,
    pub version: &'static str,
    pub runs: Vec<Run>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Run {
    pub tool: Tool,
    pub column_kind: &'static str,
    pub results: Vec<SarifResult>,
}

#[derive(Debug, Serialize)]
pub struct Tool {
    pub driver: Driver,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Driver {
    pub name: &'static str,
    pub version: String,
    pub information_uri: &'static str,
    pub rules: Vec<ReportingDescriptor>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ReportingDescriptor {
    pub id: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub short_description: Option<MultiformatMessage>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub full_description: Option<MultiformatMessage>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub help_uri: Option<String>,
    pub default_configuration: Configuration,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub properties: Option<Properties>,
}

#[derive(Debug, Serialize)]
pub struct MultiformatMessage {
    pub text: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub markdown: Option<String>,
}

#[derive(Debug, Serialize)]
pub struct Configuration {
    pub level: &'static str,
}

#[derive(Debug, Serialize)]
pub struct Properties {
    pub tags: Vec<String>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SarifResult {
    pub rule_id: String,
    pub rule_index: usize,
    pub level: &'static str,
    pub message: Message,
    pub locations: Vec<Location>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub related_locations: Vec<Location>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub fixes: Vec<SarifFix>,
}

#[derive(Debug, Serialize)]
pub struct Message {
    pub text: String,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Location {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<usize>,
    pub physical_location: PhysicalLocation,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub message: Option<Message>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PhysicalLocation {
    pub artifact_location: ArtifactLocation,
    pub region: Region,
}

#[derive(Debug, Clone, Serialize)]
pub struct ArtifactLocation {
    pub uri: String,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Region {
    pub start_line: u32,
    pub start_column: u32,
    pub end_line: u32,
    pub end_column: u32,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SarifFix {
    pub description: Message,
    pub artifact_changes: Vec<ArtifactChange>,
    pub properties: FixProperties,
}

#[derive(Debug, Serialize)]
pub struct FixProperties {
    /// `safe`, `unsafe` or `display-only` (SARIF has no notion of it).
    pub applicability: &'static str,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ArtifactChange {
    pub artifact_location: ArtifactLocation,
    pub replacements: Vec<Replacement>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Replacement {
    pub deleted_region: Region,
    pub inserted_content: InsertedContent,
}

#[derive(Debug, Serialize)]
pub struct InsertedContent {
    pub text: String,
}

pub fn level(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "note",
    }
}

/// Build the SARIF log of `files`.
pub fn log(files: &[FileResult<'_>], rules: &RuleIndex<'_>, tool_version: &str) -> Log {
    // Every known rule, plus a bare descriptor for any code without metadata, so `ruleIndex`
    // always points somewhere.
    let mut descriptors: Vec<ReportingDescriptor> = rules.all().map(descriptor).collect();
    let mut index: BTreeMap<String, usize> = descriptors
        .iter()
        .enumerate()
        .map(|(i, d)| (d.id.clone(), i))
        .collect();
    for diagnostic in files.iter().flat_map(|f| &f.report.diagnostics) {
        if !index.contains_key(&diagnostic.code) {
            index.insert(diagnostic.code.clone(), descriptors.len());
            descriptors.push(ReportingDescriptor {
                id: diagnostic.code.clone(),
                short_description: None,
                full_description: None,
                help_uri: None,
                default_configuration: Configuration {
                    level: level(diagnostic.severity),
                },
                properties: None,
            });
        }
    }
    let mut results = Vec::new();
    for file in files {
        if file.report.diagnostics.is_empty() {
            continue;
        }
        let positions = Positions::new(file.text);
        let redactor = Redactor::new(file.text, &file.report.secrets);
        let artifact = ArtifactLocation {
            uri: encode_uri(file.path),
        };
        for diagnostic in &file.report.diagnostics {
            let rule_index = index.get(&diagnostic.code).copied().unwrap_or(0);
            results.push(result(
                diagnostic, rule_index, &positions, &redactor, &artifact,
            ));
        }
    }
    Log {
        schema: SCHEMA,
        version: "2.1.0",
        runs: vec![Run {
            tool: Tool {
                driver: Driver {
                    name: "idplint",
                    version: tool_version.to_string(),
                    information_uri: INFORMATION_URI,
                    rules: descriptors,
                },
            },
            column_kind: "unicodeCodePoints",
            results,
        }],
    }
}

fn descriptor(meta: &RuleMeta) -> ReportingDescriptor {
    let full = if meta.docs.trim().is_empty() {
        meta.summary.clone()
    } else {
        meta.docs.trim().to_string()
    };
    ReportingDescriptor {
        id: meta.id.clone(),
        short_description: Some(MultiformatMessage {
            text: meta.summary.clone(),
            markdown: None,
        }),
        full_description: Some(MultiformatMessage {
            text: full.clone(),
            markdown: Some(full),
        }),
        // SARIF wants an absolute URI here; the docs live in the repository.
        help_uri: Some(format!(
            "{}/{}",
            INFORMATION_URI.trim_end_matches('/'),
            meta.doc_url()
        )),
        default_configuration: Configuration {
            level: level(meta.severity),
        },
        properties: Some(Properties {
            tags: vec![meta.product.as_str().to_string()],
        }),
    }
}

fn result(
    diagnostic: &Diagnostic,
    rule_index: usize,
    positions: &Positions<'_>,
    redactor: &Redactor,
    artifact: &ArtifactLocation,
) -> SarifResult {
    let mut text = redactor.redact(&diagnostic.message);
    if let Some(help) = &diagnostic.help {
        text.push_str("\n\n");
        text.push_str(&redactor.redact(help));
    }
    SarifResult {
        rule_id: diagnostic.code.clone(),
        rule_index,
        level: level(diagnostic.severity),
        message: Message { text },
        locations: vec![Location {
            id: None,
            physical_location: PhysicalLocation {
                artifact_location: artifact.clone(),
                region: region(positions, diagnostic.range),
            },
            message: None,
        }],
        related_locations: diagnostic
            .labels
            .iter()
            .enumerate()
            .map(|(i, label)| Location {
                id: Some(i + 1),
                physical_location: PhysicalLocation {
                    artifact_location: artifact.clone(),
                    region: region(positions, label.range),
                },
                message: Some(Message {
                    text: redactor.redact(&label.message),
                }),
            })
            .collect(),
        fixes: diagnostic
            .fix
            .iter()
            .map(|fix| SarifFix {
                description: Message {
                    text: redactor.redact(&fix.message),
                },
                artifact_changes: vec![ArtifactChange {
                    artifact_location: artifact.clone(),
                    replacements: fix
                        .edits
                        .iter()
                        .map(|edit| Replacement {
                            deleted_region: region(positions, edit.range),
                            inserted_content: InsertedContent {
                                text: redactor.redact(&edit.content),
                            },
                        })
                        .collect(),
                }],
                properties: FixProperties {
                    applicability: fix.applicability.as_str(),
                },
            })
            .collect(),
    }
}

fn region(positions: &Positions<'_>, range: TextRange) -> Region {
    let (start, end) = positions.range(range);
    Region {
        start_line: start.row,
        start_column: start.column,
        end_line: end.row,
        end_column: end.column,
    }
}

/// Percent-encode a relative path for a URI reference, keeping `/` as the separator.
pub fn encode_uri(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for part in path.replace('\\', "/").bytes() {
        match part {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' | b'/' => {
                out.push(part as char);
            }
            _ => out.push_str(&format!("%{part:02X}")),
        }
    }
    out
}

pub fn write(
    out: &mut dyn Write,
    files: &[FileResult<'_>],
    rules: &RuleIndex<'_>,
    tool_version: &str,
) -> io::Result<()> {
    serde_json::to_writer_pretty(&mut *out, &log(files, rules, tool_version))?;
    writeln!(out)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use crate::fixtures::{self, Fixture};
    use serde_json::Value;

    fn render(fixture: &Fixture) -> String {
        let mut out = Vec::new();
        write(&mut out, &fixture.files(), &fixture.rules(), "0.1.0").unwrap();
        String::from_utf8(out).unwrap()
    }

    fn require(value: &Value, path: &str, fields: &[&str]) {
        assert!(value.is_object(), "{path} must be an object: {value}");
        for field in fields {
            assert!(
                value.get(field).is_some(),
                "{path}.{field} is required: {value}"
            );
        }
    }

    fn check_region(region: &Value, path: &str) {
        require(region, path, &["startLine"]);
        for field in ["startLine", "startColumn", "endLine", "endColumn"] {
            if let Some(n) = region.get(field) {
                assert!(
                    n.as_u64().is_some_and(|n| n >= 1),
                    "{path}.{field} >= 1: {region}"
                );
            }
        }
    }

    fn check_message(message: &Value, path: &str) {
        require(message, path, &["text"]);
        assert!(message["text"].is_string(), "{path}.text: {message}");
    }

    fn check_physical(location: &Value, path: &str) {
        let physical = &location["physicalLocation"];
        require(physical, path, &["artifactLocation", "region"]);
        let uri = physical["artifactLocation"]["uri"].as_str().unwrap();
        assert!(!uri.contains('\\') && !uri.starts_with('/'), "{uri}");
        check_region(&physical["region"], path);
    }

    /// The required properties and value constraints of SARIF 2.1.0 (sarif-schema-2.1.0.json)
    /// for every object this renderer emits.
    fn assert_valid_sarif(log: &Value) {
        require(log, "sarifLog", &["version", "runs"]);
        assert_eq!(log["version"], "2.1.0");
        assert!(log["$schema"].as_str().unwrap().starts_with("https://"));
        let runs = log["runs"].as_array().unwrap();
        assert_eq!(runs.len(), 1);
        let run = &runs[0];
        require(run, "run", &["tool"]);
        assert!(
            ["utf16CodeUnits", "unicodeCodePoints"].contains(&run["columnKind"].as_str().unwrap())
        );
        let driver = &run["tool"]["driver"];
        require(driver, "driver", &["name"]);
        let rules = driver["rules"].as_array().unwrap();
        let mut ids = std::collections::BTreeSet::new();
        for rule in rules {
            require(rule, "rule", &["id"]);
            assert!(
                ids.insert(rule["id"].as_str().unwrap()),
                "duplicate rule id"
            );
            for field in ["shortDescription", "fullDescription"] {
                if let Some(message) = rule.get(field) {
                    check_message(message, field);
                }
            }
            if let Some(uri) = rule.get("helpUri") {
                assert!(
                    uri.as_str().unwrap().contains("://"),
                    "helpUri must be absolute"
                );
            }
            let level = rule["defaultConfiguration"]["level"].as_str().unwrap();
            assert!(["none", "note", "warning", "error"].contains(&level));
        }
        for result in run["results"].as_array().unwrap() {
            require(result, "result", &["message"]);
            check_message(&result["message"], "result.message");
            let index = result["ruleIndex"].as_u64().unwrap() as usize;
            assert_eq!(
                rules[index]["id"], result["ruleId"],
                "ruleIndex points at ruleId"
            );
            assert!(
                ["none", "note", "warning", "error"].contains(&result["level"].as_str().unwrap())
            );
            for location in result["locations"].as_array().unwrap() {
                check_physical(location, "result.locations[]");
            }
            if let Some(related) = result.get("relatedLocations") {
                for location in related.as_array().unwrap() {
                    check_physical(location, "result.relatedLocations[]");
                    assert!(location["id"].as_u64().is_some());
                }
            }
            for fix in result
                .get("fixes")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
            {
                require(fix, "fix", &["artifactChanges"]);
                check_message(&fix["description"], "fix.description");
                let changes = fix["artifactChanges"].as_array().unwrap();
                assert!(!changes.is_empty());
                for change in changes {
                    require(
                        change,
                        "artifactChange",
                        &["artifactLocation", "replacements"],
                    );
                    for replacement in change["replacements"].as_array().unwrap() {
                        require(replacement, "replacement", &["deletedRegion"]);
                        check_region(&replacement["deletedRegion"], "deletedRegion");
                        assert!(replacement["insertedContent"]["text"].is_string());
                    }
                }
            }
        }
    }

    #[test]
    fn structurally_valid_sarif() {
        let fixture = Fixture::new();
        let output = render(&fixture);
        let value: Value = serde_json::from_str(&output).unwrap();
        assert_valid_sarif(&value);
        let results = value["runs"][0]["results"].as_array().unwrap();
        assert_eq!(results.len(), 6);
        insta::assert_snapshot!(output);
    }

    /// The official SARIF 2.1.0 schema (vendored; see tests/schemas/README.md).
    ///
    /// One `pattern` in it (`run.language`) ends in `]?$` with no opening bracket: ECMAScript
    /// reads the stray `]` as a literal, Rust's regex engines refuse it, and the meta-schema
    /// check would reject the whole schema. The bracket is escaped here, which is exactly how
    /// ECMAScript reads it; nothing else is touched.
    fn sarif_schema() -> Value {
        let text = include_str!("../tests/schemas/sarif-2.1.0-rtm.5.json").replace(
            r#""^[a-zA-Z]{2}|^[a-zA-Z]{2}-[a-zA-Z]{2}]?$""#,
            r#""^[a-zA-Z]{2}|^[a-zA-Z]{2}-[a-zA-Z]{2}\\]?$""#,
        );
        serde_json::from_str(&text).unwrap()
    }

    /// Validate `log` against the SARIF 2.1.0 schema.
    fn assert_schema_valid(log: &Value) {
        let schema = sarif_schema();
        let validator = jsonschema::validator_for(&schema).unwrap();
        let errors: Vec<String> = validator
            .iter_errors(log)
            .map(|e| format!("{} at {}", e, e.instance_path()))
            .collect();
        assert!(
            errors.is_empty(),
            "SARIF schema violations:\n{}",
            errors.join("\n")
        );
    }

    #[test]
    fn valid_against_the_sarif_schema() {
        let value: Value = serde_json::from_str(&render(&Fixture::new())).unwrap();
        assert_schema_valid(&value);
        // And the schema is really checked: a broken log is refused.
        let mut broken = value.clone();
        broken["runs"][0]["results"][0]["level"] = Value::from("fatal");
        assert!(!jsonschema::is_valid(&sarif_schema(), &broken));
    }

    #[test]
    fn secrets_never_appear() {
        let output = render(&Fixture::new());
        assert!(!output.contains(fixtures::SECRET), "{output}");
    }

    #[test]
    fn uris_are_encoded() {
        assert_eq!(
            encode_uri("deploy/my file#1.yml"),
            "deploy/my%20file%231.yml"
        );
        assert_eq!(encode_uri("設定/a.yml"), "%E8%A8%AD%E5%AE%9A/a.yml");
    }
}
