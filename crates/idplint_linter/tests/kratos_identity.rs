//! Kratos identity schemas end to end: extraction (files, ConfigMap block scalars), the
//! schema rules, the config-side checks, the cross-file run of `engine::lint_files`, and fixes
//! in host coordinates. Fixtures are ours, in testdata/kratos/identity/ and the seed-001
//! deployment; the corpus run over ../shared/corpus/kratos-identity-schema is skipped when
//! ../shared is not there.

use idplint_diagnostics::{Applicability, Diagnostic, LineIndex, Severity};
use idplint_linter::{
    FileReport, LintOptions, Product, ProductVersion, fix, lint, lint_files, registry,
};
use std::collections::BTreeMap;
use std::path::PathBuf;

fn testdata(path: &str) -> (String, String) {
    let full = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../testdata")
        .join(path);
    let text = std::fs::read_to_string(&full).unwrap_or_else(|e| panic!("{}: {e}", full.display()));
    (full.display().to_string(), text)
}

fn registry_or_panic() -> &'static idplint_linter::Registry {
    match registry() {
        Ok(r) => r,
        Err(errors) => panic!("rule files do not load:\n{}", errors.join("\n")),
    }
}

fn version(text: &str) -> ProductVersion {
    ProductVersion::parse(text).unwrap_or_else(|| panic!("bad version {text}"))
}

/// Options checking only the identity-schema rules (and the config-side ones).
fn identity_options() -> LintOptions {
    LintOptions {
        select: vec![
            "kratos/identity-schema-".into(),
            "kratos/default-schema-id-unknown".into(),
        ],
        ..LintOptions::default()
    }
}

fn on(current: &str, target: &str) -> LintOptions {
    let mut options = identity_options();
    options.currents.insert(Product::Kratos, version(current));
    options.targets.insert(Product::Kratos, version(target));
    options
}

/// (code, 1-based row, severity) of every diagnostic.
fn rows(text: &str, diagnostics: &[Diagnostic]) -> Vec<(String, u32, Severity)> {
    let index = LineIndex::new(text);
    diagnostics
        .iter()
        .map(|d| {
            (
                d.code.clone(),
                index.line_col(d.range.start, text).row,
                d.severity,
            )
        })
        .collect()
}

fn row(code: &str, line: u32, severity: Severity) -> (String, u32, Severity) {
    (code.to_string(), line, severity)
}

#[test]
fn seed_001_schema_is_found_in_its_config_map_and_is_clean() {
    let registry = registry_or_panic();
    let files = [
        testdata("kratos/seed-001-kubernetes/kratos-identity-schema.yml"),
        testdata("kratos/seed-001-kubernetes/kratos-config.yml"),
        testdata("kratos/seed-001-kubernetes/kratos-deployment.yml"),
    ];
    let (path, text) = &files[0];
    let report = lint(registry, path, text, &identity_options());
    assert_eq!(
        report.units,
        ["ConfigMap identity-schema-config, key identity.schema.json"]
    );
    assert!(report.diagnostics.is_empty(), "{:#?}", report.diagnostics);
    // Together: the config's `file:///etc/config/kratos/identity.schema.json` is the
    // ConfigMap key `identity.schema.json`.
    let pairs: Vec<(&str, &str)> = files
        .iter()
        .map(|(p, t)| (p.as_str(), t.as_str()))
        .collect();
    for report in lint_files(registry, &pairs, &identity_options()) {
        assert!(report.diagnostics.is_empty(), "{:#?}", report.diagnostics);
    }
}

/// Findings inside the ConfigMap's literal block point at host bytes, and the fix rewrites
/// the host with the block's indentation and the host's newlines.
#[test]
fn embedded_schema_findings_and_fixes_use_host_coordinates() {
    let registry = registry_or_panic();
    let (path, seed) = testdata("kratos/seed-001-kubernetes/kratos-identity-schema.yml");
    let with_phone = seed.replace(
        r#""verification": { "via": "email" }"#,
        r#""verification": { "via": "phone" }"#,
    );
    assert_ne!(with_phone, seed, "the seed changed; update this test");
    for newline in ["\n", "\r\n"] {
        let text = with_phone.replace('\n', newline);
        let options = on("v1.1.0", "v1.1.0");
        let report = lint(registry, &path, &text, &options);
        // `phone` on an e-mail trait is also a mismatch of `via` and `format` (a warning
        // that stays after the rename).
        assert_eq!(
            rows(&text, &report.diagnostics),
            [
                row(
                    "kratos/identity-schema-verification-format",
                    24,
                    Severity::Warning
                ),
                row("kratos/identity-schema-via-phone", 24, Severity::Error)
            ],
            "{newline:?}"
        );
        let d = &report.diagnostics[1];
        assert_eq!(&text[d.range.as_usize()], "\"phone\"");
        let outcome = fix(registry, &path, &text, &options, Applicability::Safe);
        assert!(outcome.failure.is_none(), "{:?}", outcome.failure);
        let fixed = outcome.fixed.unwrap_or_default();
        assert_eq!(
            fixed,
            seed.replace('\n', newline).replace(
                r#""verification": { "via": "email" }"#,
                r#""verification": { "via": "sms" }"#,
            )
        );
        assert_eq!(
            rows(&fixed, &outcome.remaining.diagnostics),
            [row(
                "kratos/identity-schema-verification-format",
                24,
                Severity::Warning
            )]
        );
        let again = fix(registry, &path, &fixed, &options, Applicability::Safe);
        assert!(again.fixed.is_none());
    }
}

fn project() -> Vec<(String, String)> {
    vec![
        testdata("kratos/identity/project/kratos.yml"),
        testdata("kratos/identity/project/identity.schema.json"),
        testdata("kratos/identity/project/customer.schema.json"),
    ]
}

fn lint_project(files: &[(String, String)], options: &LintOptions) -> Vec<FileReport> {
    let pairs: Vec<(&str, &str)> = files
        .iter()
        .map(|(p, t)| (p.as_str(), t.as_str()))
        .collect();
    lint_files(registry_or_panic(), &pairs, options)
}

/// Linted together, the schemas take the config's `version: v1.1.0`: `via: phone` is an
/// error, not the warning of an unknown version; the missing `admin.schema.json` is
/// reported; the relative `file://./customer.schema.json` is resolved.
#[test]
fn a_project_run_checks_schemas_with_the_config_version() {
    let files = project();
    let reports = lint_project(&files, &identity_options());
    let got: Vec<Vec<(String, u32, Severity)>> = files
        .iter()
        .zip(&reports)
        .map(|((_, text), report)| rows(text, &report.diagnostics))
        .collect();
    assert_eq!(
        got,
        [
            vec![row(
                "kratos/identity-schema-not-found",
                21,
                Severity::Warning
            )],
            vec![],
            vec![
                row(
                    "kratos/identity-schema-extension-invalid",
                    13,
                    Severity::Error
                ),
                row("kratos/identity-schema-via-phone", 14, Severity::Error),
                row(
                    "kratos/identity-schema-identifier-not-string",
                    18,
                    Severity::Warning
                ),
            ],
        ]
    );
    let missing = &reports[0].diagnostics[0];
    assert!(
        missing.message.contains("admin.schema.json"),
        "{}",
        missing.message
    );
    // The config's other rules still run on it (not selected here, so nothing else).
    assert_eq!(reports[0].units, ["kratos.yml"]);
}

#[test]
fn alone_a_schema_is_checked_against_the_newest_release_and_a_config_names_nothing_missing() {
    let registry = registry_or_panic();
    let files = project();
    let (path, text) = &files[2];
    let report = lint(registry, path, text, &identity_options());
    let phone = report
        .diagnostics
        .iter()
        .find(|d| d.code == "kratos/identity-schema-via-phone")
        .unwrap_or_else(|| panic!("{:#?}", report.diagnostics));
    assert_eq!(phone.severity, Severity::Warning);
    assert!(phone.message.contains("no version is known"));
    // Without any identity schema in the run there is nothing to compare the URLs with.
    let (path, text) = &files[0];
    let report = lint(registry, path, text, &identity_options());
    assert!(report.diagnostics.is_empty(), "{:#?}", report.diagnostics);
}

#[test]
fn safe_fixes_repair_the_customer_schema() {
    let registry = registry_or_panic();
    let files = project();
    let (path, text) = &files[2];
    let options = on("v1.1.0", "v1.1.0");
    let outcome = fix(registry, path, text, &options, Applicability::Safe);
    let fixed = outcome
        .fixed
        .unwrap_or_else(|| panic!("{:?}", outcome.failure));
    assert!(fixed.contains(r#""password": { "identifier": true }"#));
    assert!(fixed.contains(r#""verification": { "via": "sms" }"#));
    // The integer identifier needs a person: it is still reported.
    assert_eq!(
        outcome
            .remaining
            .diagnostics
            .iter()
            .map(|d| d.code.as_str())
            .collect::<Vec<_>>(),
        ["kratos/identity-schema-identifier-not-string"]
    );
    // During an upgrade from v1.0 the rename only works on the target: not a safe fix.
    let upgrade = fix(
        registry,
        path,
        text,
        &on("v1.0.0", "v1.1.0"),
        Applicability::Safe,
    );
    assert!(
        upgrade
            .fixed
            .is_some_and(|f| f.contains(r#""via": "phone""#))
    );
}

#[test]
fn schemas_kratos_rejects_at_startup() {
    let registry = registry_or_panic();
    let (path, text) = testdata("kratos/identity/broken/draft04.schema.json");
    let report = lint(registry, &path, &text, &identity_options());
    assert_eq!(
        rows(&text, &report.diagnostics),
        [
            row(
                "kratos/identity-schema-invalid-json-schema",
                11,
                Severity::Error
            ),
            row(
                "kratos/identity-schema-invalid-json-schema",
                16,
                Severity::Error
            ),
            row(
                "kratos/identity-schema-invalid-json-schema",
                16,
                Severity::Error
            ),
        ]
    );
    let (path, text) = testdata("kratos/identity/broken/no-traits.identity.schema.json");
    let report = lint(registry, &path, &text, &identity_options());
    assert_eq!(
        rows(&text, &report.diagnostics),
        [row(
            "kratos/identity-schema-traits-missing",
            4,
            Severity::Error
        )]
    );
}

/// A config and a schema in one multi-document file: the schema takes the config's version
/// (errors, not warnings) and the mount-name mismatch is found within the file.
#[test]
fn one_file_with_config_and_schema() {
    let registry = registry_or_panic();
    let (path, text) = testdata("kratos/identity/bundle.yaml");
    let report = lint(registry, &path, &text, &identity_options());
    assert_eq!(
        report.units,
        [
            "ConfigMap kratos-config, key kratos.yml",
            "ConfigMap kratos-identity, key user.schema.json"
        ]
    );
    assert_eq!(
        rows(&text, &report.diagnostics),
        [
            row("kratos/identity-schema-not-found", 12, Severity::Warning),
            // SMS verification needs a `format` from v1.1 (`phone` is v1.0's `sms`).
            row(
                "kratos/identity-schema-verification-format",
                28,
                Severity::Warning
            ),
            row("kratos/identity-schema-via-phone", 28, Severity::Error),
            row(
                "kratos/identity-schema-code-identifier",
                29,
                Severity::Error
            ),
        ]
    );
}

/// Every identity schema of the corpus is found, linted and fixed without a panic; fixes
/// re-parse and converge. Prints the findings per rule
/// (`cargo test -p idplint_linter --test kratos_identity -- --nocapture`).
#[test]
fn corpus_identity_schemas() {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared/corpus/kratos-identity-schema");
    let Ok(entries) = std::fs::read_dir(&dir) else {
        eprintln!("../shared/corpus/kratos-identity-schema not found; skipping");
        return;
    };
    let mut files: Vec<(String, String)> = entries
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.file_name().is_some_and(|n| n != "PROVENANCE.md"))
        .filter_map(|p| {
            let text = std::fs::read_to_string(&p).ok()?;
            Some((p.display().to_string(), text))
        })
        .collect();
    files.sort();
    let registry = registry_or_panic();
    let options = LintOptions::default();
    let reports = lint_project(&files, &options);
    let mut per_rule: BTreeMap<String, usize> = BTreeMap::new();
    let mut problems = Vec::new();
    for ((path, text), report) in files.iter().zip(&reports) {
        if report.units.is_empty() {
            problems.push(format!("{path}: no identity schema found"));
        }
        for d in &report.diagnostics {
            *per_rule.entry(d.code.clone()).or_default() += 1;
            if text.get(d.range.as_usize()).is_none() {
                problems.push(format!("{path}: {} has a range outside the text", d.code));
            }
        }
        let outcome = fix(registry, path, text, &options, Applicability::Unsafe);
        if let Some(failure) = &outcome.failure {
            problems.push(format!("{path}: fix failed: {failure}"));
        }
        if let Some(fixed) = &outcome.fixed {
            if outcome.remaining.parse_failed {
                problems.push(format!("{path}: fixed output does not parse"));
            }
            if fix(registry, path, fixed, &options, Applicability::Unsafe)
                .fixed
                .is_some()
            {
                problems.push(format!("{path}: a second fix changed the file again"));
            }
        }
    }
    eprintln!("identity corpus: {} files", files.len());
    for (code, count) in &per_rule {
        eprintln!("{count:>5}  {code}");
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}
