//! Serverless Framework product: the seed 004 rotation (every `serverless.yml` state of the
//! write-up, compared with the revision that was deployed), logical ids of usage-plan groups,
//! the single-revision API-key rules, secrets, and the real files in
//! `../shared/corpus/serverless/`.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use idplint_diagnostics::{LineIndex, Severity};
use idplint_linter::{FileReport, LintOptions, Registry, lint, registry};
use std::path::{Path, PathBuf};

const REPLACEMENT: &str = "serverless/apikey-replacement";
const LITERAL: &str = "serverless/apikey-literal-value";
const STAGE: &str = "serverless/apikey-stage-scope";
const REUSED: &str = "serverless/apikey-value-reused";

fn reg() -> &'static Registry {
    match registry() {
        Ok(registry) => registry,
        Err(errors) => panic!("rule files do not load:\n{}", errors.join("\n")),
    }
}

fn seed(step: &str) -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../testdata/serverless/seed-004")
        .join(format!("{step}.serverless.yml"));
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()))
}

fn check(text: &str, base: Option<&str>) -> FileReport {
    let options = LintOptions {
        base_text: base.map(str::to_string),
        ..LintOptions::default()
    };
    lint(reg(), "serverless.yml", text, &options)
}

/// `(row, flagged text, message)` of every finding of `code`.
fn of(report: &FileReport, text: &str, code: &str) -> Vec<(u32, String, String)> {
    let index = LineIndex::new(text);
    report
        .diagnostics
        .iter()
        .filter(|d| d.code == code)
        .map(|d| {
            (
                index.line_col(d.range.start, text).row,
                d.range.slice(text).unwrap_or("").to_string(),
                d.message.clone(),
            )
        })
        .collect()
}

#[test]
fn seed_004_rotation_in_one_deploy_is_an_error_on_the_changed_value() {
    let current = seed("2-rotation");
    let report = check(&current, Some(&seed("1-deployed")));
    let found = of(&report, &current, REPLACEMENT);
    assert_eq!(found.len(), 1, "{found:?}");
    let (row, flagged, message) = &found[0];
    assert_eq!(*row, 13);
    assert!(flagged.ends_with("/APIGW_API_KEY_OLD}"), "{flagged}");
    assert!(message.contains("`old-api_key` (ApiGatewayApiKey1) changes its `value`"));
    let diagnostic = report
        .diagnostics
        .iter()
        .find(|d| d.code == REPLACEMENT)
        .unwrap();
    assert_eq!(diagnostic.severity, Severity::Error);
    assert!(diagnostic.fix.is_none());
    assert!(diagnostic.help.as_deref().unwrap().contains("deploy twice"));
}

#[test]
fn seed_004_two_deploy_workaround_is_clean_at_each_step() {
    // First deploy: the keys are removed.
    let removed = seed("3-keys-removed");
    let report = check(&removed, Some(&seed("1-deployed")));
    assert!(of(&report, &removed, REPLACEMENT).is_empty());
    // Second deploy: both keys come back; the stack has none, so nothing is replaced.
    let restored = seed("2-rotation");
    let report = check(&restored, Some(&removed));
    assert!(of(&report, &restored, REPLACEMENT).is_empty());
}

#[test]
fn seed_004_alternatives_insertion_and_safe_append() {
    let inserted = seed("x-new-key-first");
    let found = of(
        &check(&inserted, Some(&seed("1-deployed"))),
        &inserted,
        REPLACEMENT,
    );
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0].1, "\"new-api_key\"");
    assert!(
        found[0].2.contains("moves to `ApiGatewayApiKey2`"),
        "{}",
        found[0].2
    );

    let appended = seed("x-safe-rotation");
    let report = check(&appended, Some(&seed("1-deployed")));
    assert!(of(&report, &appended, REPLACEMENT).is_empty());
}

#[test]
fn without_a_base_the_diff_rule_is_silent() {
    let current = seed("2-rotation");
    assert!(of(&check(&current, None), &current, REPLACEMENT).is_empty());
    // A base that does not parse, or is not a service, is no base.
    assert!(of(&check(&current, Some("a: [")), &current, REPLACEMENT).is_empty());
    assert!(
        of(
            &check(&current, Some("just: text\n")),
            &current,
            REPLACEMENT
        )
        .is_empty()
    );
}

#[test]
fn removal_from_the_middle_shifts_and_renames_are_reported() {
    let base = "service: s\nprovider:\n  name: aws\n  apiKeys:\n    - a\n    - b\n    - c\n";
    let removed = "service: s\nprovider:\n  name: aws\n  apiKeys:\n    - a\n    - c\n";
    let found = of(&check(removed, Some(base)), removed, REPLACEMENT);
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0].0, 6);
    assert!(
        found[0]
            .2
            .contains("moved from `ApiGatewayApiKey3` to `ApiGatewayApiKey2`")
    );

    let renamed = "service: s\nprovider:\n  name: aws\n  apiKeys:\n    - a\n    - b2\n    - c\n";
    let found = of(&check(renamed, Some(base)), renamed, REPLACEMENT);
    assert_eq!(found.len(), 1, "{found:?}");
    assert!(
        found[0].2.contains("renamed from `b` to `b2`"),
        "{}",
        found[0].2
    );

    let from_end = "service: s\nprovider:\n  name: aws\n  apiKeys:\n    - a\n    - b\n";
    assert!(of(&check(from_end, Some(base)), from_end, REPLACEMENT).is_empty());
    // Re-indenting or re-quoting is not a change.
    let restyled = "service: s\nprovider:\n    name: aws\n    apiKeys: ['a', \"b\", c]\n";
    assert!(of(&check(restyled, Some(base)), restyled, REPLACEMENT).is_empty());
}

#[test]
fn usage_plan_groups_number_their_keys_per_group() {
    let base = "\
service: s
provider:
  name: aws
  apiGateway:
    usagePlan:
      - free: {quota: {limit: 100}}
      - paid: {quota: {limit: 1000}}
    apiKeys:
      - free:
          - free-a
      - paid:
          - paid-a
";
    // A key appended to the free group keeps every other logical id.
    let appended = base.replace("- free-a\n", "- free-a\n          - free-b\n");
    assert!(of(&check(&appended, Some(base)), &appended, REPLACEMENT).is_empty());
    // A key inserted first in the paid group shifts `ApiGatewayApiKeyPaid1`.
    let inserted = base.replace("- paid-a\n", "- paid-0\n          - paid-a\n");
    let found = of(&check(&inserted, Some(base)), &inserted, REPLACEMENT);
    assert_eq!(found.len(), 1, "{found:?}");
    assert!(
        found[0].2.contains("`ApiGatewayApiKeyPaid1`"),
        "{}",
        found[0].2
    );
}

#[test]
fn single_revision_rules_and_secrets() {
    let text = "\
service: s
frameworkVersion: '>=3.0.0 <4'
custom:
  partnerKey: literal-partner-secret-0001
provider:
  name: aws
  apiGateway:
    apiKeys:
      - name: fixed
        value: literal-fixed-secret-0002
      - name: ${sls:stage}-partner
        value: ${self:custom.partnerKey}
      - name: ${sls:stage}-ssm
        value: ${ssm:/s/${sls:stage}/key}
      - name: ${sls:stage}-ssm-again
        value: ${ssm:/s/${sls:stage}/key}
      - name: named-from-env
        value: ${env:KEY}
";
    let report = check(text, None);
    let literal = of(&report, text, LITERAL);
    assert_eq!(
        literal.iter().map(|f| f.0).collect::<Vec<_>>(),
        vec![4, 10],
        "{literal:?}"
    );
    let stage = of(&report, text, STAGE);
    assert_eq!(
        stage.iter().map(|f| f.1.as_str()).collect::<Vec<_>>(),
        vec!["fixed", "named-from-env"]
    );
    let severities: Vec<Severity> = report
        .diagnostics
        .iter()
        .filter(|d| d.code == STAGE)
        .map(|d| d.severity)
        .collect();
    assert_eq!(severities, vec![Severity::Warning, Severity::Info]);
    let reused = of(&report, text, REUSED);
    assert_eq!(reused.len(), 1, "{reused:?}");
    assert_eq!(reused[0].0, 16);
    // Secret values: the literal value is a secret range, and no message carries a value.
    assert!(
        report
            .secrets
            .iter()
            .any(|r| r.slice(text) == Some("literal-fixed-secret-0002"))
    );
    assert!(
        report
            .secrets
            .iter()
            .any(|r| r.slice(text) == Some("literal-partner-secret-0001"))
    );
    for diagnostic in &report.diagnostics {
        assert!(!diagnostic.message.contains("secret-000"), "{diagnostic:?}");
        assert!(!diagnostic.message.contains("/s/"), "{diagnostic:?}");
    }
    assert!(report.units.iter().any(|u| u.contains("service s")));
}

#[test]
fn recognised_by_content_and_not_for_other_providers() {
    let aws =
        "service: s\nprovider:\n  name: aws\n  apiKeys:\n    - name: k\n      value: v-literal\n";
    let report = lint(reg(), "deploy/api.yml", aws, &LintOptions::default());
    assert_eq!(of(&report, aws, LITERAL).len(), 1);
    let google = aws.replace("aws", "google");
    let report = lint(reg(), "serverless.yml", &google, &LintOptions::default());
    assert!(report.units.is_empty(), "{:?}", report.units);
    // Not a service at all.
    let other = "provider:\n  name: aws\n";
    let report = lint(reg(), "values.yml", other, &LintOptions::default());
    assert!(report.units.is_empty());
}

fn corpus() -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/corpus/serverless");
    let Ok(entries) = std::fs::read_dir(&dir) else {
        return Vec::new();
    };
    let mut files: Vec<PathBuf> = entries
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "yml" || e == "yaml"))
        .collect();
    files.sort();
    files
}

#[test]
fn every_corpus_file_is_a_service_and_compares_with_itself_cleanly() {
    let files = corpus();
    if files.is_empty() {
        eprintln!("../shared/corpus/serverless not found; skipping");
        return;
    }
    let mut counts = std::collections::BTreeMap::<String, usize>::new();
    for path in &files {
        let text = std::fs::read_to_string(path).unwrap();
        let name = path.file_name().unwrap().to_string_lossy().to_string();
        // A file compared with itself has changed nothing.
        let report = check(&text, Some(&text));
        assert!(!report.parse_failed, "{name} does not parse");
        // PROVENANCE.md: the helsingborg file is a near miss, a shared fragment with no
        // `service:` or `provider:` whose `custom.apiKeys` feed a plugin.
        let fragment = name.ends_with("serverless.common.yml");
        assert_eq!(
            report.units.is_empty(),
            fragment,
            "{name}: recognised as a service: {:?}",
            report.units
        );
        assert!(of(&report, &text, REPLACEMENT).is_empty(), "{name}");
        for d in report
            .diagnostics
            .iter()
            .filter(|d| d.code.starts_with("serverless/"))
        {
            *counts.entry(d.code.clone()).or_default() += 1;
        }
    }
    eprintln!("serverless corpus: {} files; {counts:?}", files.len());
}
