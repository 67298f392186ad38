//! The CI formats end to end, on real rule output: SARIF validated against the SARIF 2.1.0
//! schema, GitLab fingerprints that survive lines inserted above, well-formed JUnit, GitHub
//! workflow commands, and `--output-file`.
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "support/cli.rs"]
mod support_cli;
use serde_json::Value;
use std::path::Path;
use support_cli::run;

const KRATOS: &str = "version: v0.11.1\n# 日本語のコメント\ncourier:\n  message_ttl: 1h\n  sms:\n    request_config:\n      header:\n        X-Trace: \"on\"\n";

fn project(text: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("kratos.yml"), text).unwrap();
    dir
}

/// The vendored official schema, with the one ECMAScript-only regex escaped (see
/// crates/idplint_output/tests/schemas/README.md and `sarif::tests::sarif_schema`).
fn sarif_schema() -> Value {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../idplint_output/tests/schemas/sarif-2.1.0-rtm.5.json");
    let text = std::fs::read_to_string(path).unwrap().replace(
        r#""^[a-zA-Z]{2}|^[a-zA-Z]{2}-[a-zA-Z]{2}]?$""#,
        r#""^[a-zA-Z]{2}|^[a-zA-Z]{2}-[a-zA-Z]{2}\\]?$""#,
    );
    serde_json::from_str(&text).unwrap()
}

#[test]
fn sarif_validates_against_the_2_1_0_schema() {
    let dir = project(KRATOS);
    let output = run(dir.path(), &["check", "--format", "sarif"]);
    assert_eq!(output.status.code(), Some(1));
    let log: Value = serde_json::from_slice(&output.stdout).unwrap();
    let validator = jsonschema::validator_for(&sarif_schema()).unwrap();
    let errors: Vec<String> = validator
        .iter_errors(&log)
        .map(|e| format!("{e} at {}", e.instance_path()))
        .collect();
    assert!(errors.is_empty(), "{}", errors.join("\n"));
    let results = log["runs"][0]["results"].as_array().unwrap();
    let ttl = results
        .iter()
        .find(|r| r["ruleId"] == "kratos/courier-message-ttl-removed")
        .unwrap();
    assert_eq!(
        ttl["locations"][0]["physicalLocation"]["region"]["startLine"],
        4
    );
    // Rule metadata with help URIs, and fixes.
    let rules = log["runs"][0]["tool"]["driver"]["rules"]
        .as_array()
        .unwrap();
    let meta = &rules[ttl["ruleIndex"].as_u64().unwrap() as usize];
    assert!(meta["helpUri"].as_str().unwrap().ends_with(".md"));
    assert!(!ttl["fixes"].as_array().unwrap().is_empty());
}

fn gitlab(text: &str) -> Vec<Value> {
    let dir = project(text);
    let output = run(dir.path(), &["check", "--format", "gitlab"]);
    assert_eq!(output.status.code(), Some(1));
    serde_json::from_slice::<Value>(&output.stdout)
        .unwrap()
        .as_array()
        .unwrap()
        .clone()
}

#[test]
fn gitlab_fingerprints_survive_lines_inserted_above() {
    let before = gitlab(KRATOS);
    let shifted = KRATOS.replacen(
        "courier:\n",
        "# a note\nserve:\n  public:\n    base_url: https://a.example/\ncourier:\n",
        1,
    );
    let after = gitlab(&shifted);
    assert_eq!(before.len(), after.len());
    assert!(before.len() >= 2);
    for (b, a) in before.iter().zip(&after) {
        assert_eq!(b["check_name"], a["check_name"]);
        assert_eq!(b["fingerprint"], a["fingerprint"], "{}", b["check_name"]);
        assert_eq!(
            b["location"]["lines"]["begin"].as_u64().unwrap() + 4,
            a["location"]["lines"]["begin"].as_u64().unwrap()
        );
        for field in ["description", "check_name", "fingerprint", "severity"] {
            assert!(a[field].is_string(), "{field}");
        }
        assert_eq!(a["location"]["path"], "kratos.yml");
    }
    // A different finding (another key) gets another fingerprint.
    let fingerprints: std::collections::BTreeSet<&str> = before
        .iter()
        .map(|i| i["fingerprint"].as_str().unwrap())
        .collect();
    assert_eq!(fingerprints.len(), before.len());
}

#[test]
fn junit_is_well_formed() {
    let dir = project(KRATOS);
    std::fs::write(dir.path().join("clean.yml"), "a: 1\n").unwrap();
    let output = run(dir.path(), &["check", "--format", "junit"]);
    assert_eq!(output.status.code(), Some(1));
    let xml = String::from_utf8(output.stdout).unwrap();
    let doc = roxmltree::Document::parse(&xml).unwrap();
    let root = doc.root_element();
    assert_eq!(root.tag_name().name(), "testsuites");
    let failures: usize = root.attribute("failures").unwrap().parse().unwrap();
    let cases = doc
        .descendants()
        .filter(|n| n.has_tag_name("testcase"))
        .count();
    let failed = doc
        .descendants()
        .filter(|n| n.has_tag_name("failure"))
        .count();
    assert_eq!(failures, failed);
    assert_eq!(root.attribute("tests").unwrap(), cases.to_string());
    assert!(xml.contains("kratos/courier-message-ttl-removed"), "{xml}");
}

#[test]
fn github_annotations_carry_positions_and_title() {
    let dir = project(KRATOS);
    let output = run(dir.path(), &["check", "--format", "github"]);
    let text = String::from_utf8(output.stdout).unwrap();
    assert!(
        text.contains(
            "::error file=kratos.yml,line=4,col=3,endLine=4,endColumn=14,title=kratos/courier-message-ttl-removed::"
        ),
        "{text}"
    );
}

#[test]
fn output_file_takes_the_report() {
    let dir = project(KRATOS);
    let output = run(
        dir.path(),
        &["check", "--format", "json", "--output-file", "report.json"],
    );
    assert_eq!(
        output.status.code(),
        Some(1),
        "exit code still says findings"
    );
    assert!(output.stdout.is_empty());
    let report: Value =
        serde_json::from_str(&std::fs::read_to_string(dir.path().join("report.json")).unwrap())
            .unwrap();
    assert!(!report.as_array().unwrap().is_empty());
    // The report file is not itself linted on the next run.
    let output = run(dir.path(), &["check", "--output-file", "report.txt"]);
    let text = std::fs::read_to_string(dir.path().join("report.txt")).unwrap();
    assert!(text.contains("kratos.yml:4:3"), "{text}");
    assert!(!text.contains("report.json"), "{text}");
    assert!(!text.contains("\u{1b}["), "no colour in files");
    assert!(output.stdout.is_empty());
    // With `fix --diff` the diff goes there.
    let output = run(dir.path(), &["fix", "--diff", "--output-file", "fix.diff"]);
    assert_eq!(output.status.code(), Some(1));
    let diff = std::fs::read_to_string(dir.path().join("fix.diff")).unwrap();
    assert!(diff.contains("+      headers:"), "{diff}");
    // An unwritable destination is a tool error.
    let output = run(
        dir.path(),
        &["check", "--output-file", "missing-dir/report.txt"],
    );
    assert_eq!(output.status.code(), Some(2));
}
