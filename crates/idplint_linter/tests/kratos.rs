//! End-to-end checks of the Kratos v0.10.1 → v0.11.1 upgrade from seed 000 and the ConfigMap
//! deployment from seed 001, on our fixtures in testdata/kratos/.

use idplint_diagnostics::{Applicability, Diagnostic, LineIndex, apply_edits};
use idplint_linter::{LintOptions, Product, ProductVersion, fix, lint, registry};
use std::path::PathBuf;

#[path = "support/fixes.rs"]
mod fixes;

fn testdata(path: &str) -> (String, String) {
    let full = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../testdata")
        .join(path);
    let text = std::fs::read_to_string(&full).unwrap_or_else(|e| panic!("{}: {e}", full.display()));
    (full.display().to_string(), text)
}

fn target(version: &str) -> LintOptions {
    let mut options = LintOptions::default();
    options.targets.insert(
        Product::Kratos,
        ProductVersion::parse(version).unwrap_or_else(|| panic!("bad version {version}")),
    );
    options
}

/// (code, 1-based row) of every diagnostic.
fn rows(text: &str, diagnostics: &[Diagnostic]) -> Vec<(String, u32)> {
    let index = LineIndex::new(text);
    diagnostics
        .iter()
        .map(|d| (d.code.clone(), index.line_col(d.range.start, text).row))
        .collect()
}

fn registry_or_panic() -> &'static idplint_linter::Registry {
    match registry() {
        Ok(r) => r,
        Err(errors) => panic!("rule files do not load:\n{}", errors.join("\n")),
    }
}

#[test]
fn upgrade_hazards_are_reported_on_the_right_rows() {
    let registry = registry_or_panic();
    let (path, text) = testdata("kratos/seed-000-upgrade/kratos.yml");
    let report = lint(registry, &path, &text, &target("v0.11.1"));
    assert_eq!(
        rows(&text, &report.diagnostics),
        vec![
            ("kratos/recovery-strategy-default-changed".to_string(), 21),
            (
                "kratos/verification-strategy-default-changed".to_string(),
                24
            ),
            ("kratos/courier-message-ttl-removed".to_string(), 32),
        ]
    );
    let ttl = &report.diagnostics[2];
    assert_eq!(ttl.severity, idplint_diagnostics::Severity::Error);
    assert_eq!(&text[ttl.range.as_usize()], "message_ttl");
    // The DSN and SMTP URI are secrets: their ranges are reported for masking.
    let dsn_at = text.find("postgres://").unwrap_or(0) as u32;
    assert!(report.secrets.iter().any(|r| r.start == dsn_at));
}

#[test]
fn without_a_target_the_file_version_is_used() {
    let registry = registry_or_panic();
    let (path, text) = testdata("kratos/seed-000-upgrade/kratos.yml");
    let report = lint(registry, &path, &text, &LintOptions::default());
    assert!(report.diagnostics.is_empty(), "{:#?}", report.diagnostics);
}

#[test]
fn message_ttl_on_v0_11_is_an_error_without_any_flag() {
    let registry = registry_or_panic();
    let (path, text) = testdata("kratos/seed-000-upgrade/kratos-v0.11.yml");
    let report = lint(registry, &path, &text, &LintOptions::default());
    assert_eq!(
        rows(&text, &report.diagnostics),
        vec![("kratos/courier-message-ttl-removed".to_string(), 4)]
    );
}

fn check_fix(input: &str, expected: &str) {
    let registry = registry_or_panic();
    let (path, text) = testdata(input);
    let (_, expected) = testdata(expected);
    let options = target("v0.11.1");
    // Plain `fix` applies nothing: every fix here needs the target version or deletes config.
    let safe = fix(registry, &path, &text, &options, Applicability::Safe);
    assert_eq!(safe.fixed, None, "{:?}", safe.failure);
    let outcome = fix(registry, &path, &text, &options, Applicability::Unsafe);
    assert_eq!(outcome.failure, None);
    let fixed = outcome.fixed.unwrap_or_default();
    assert_eq!(fixed, expected);
    assert!(
        outcome.remaining.diagnostics.is_empty(),
        "{:#?}",
        outcome.remaining.diagnostics
    );
    let again = fix(registry, &path, &fixed, &options, Applicability::Unsafe);
    assert_eq!(again.fixed, None, "second fix changed the file");
}

#[test]
fn unsafe_fix_pins_link_and_removes_message_ttl() {
    check_fix(
        "kratos/seed-000-upgrade/kratos.yml",
        "kratos/seed-000-upgrade/kratos.yml.fixed",
    );
}

#[test]
fn fix_keeps_crlf_line_endings_and_comments() {
    check_fix(
        "kratos/seed-000-upgrade/crlf/kratos.yml",
        "kratos/seed-000-upgrade/crlf/kratos.yml.fixed",
    );
    let (_, fixed) = testdata("kratos/seed-000-upgrade/crlf/kratos.yml.fixed");
    assert!(
        !fixed.replace("\r\n", "").contains('\n'),
        "a bare LF slipped in"
    );
}

#[test]
fn configmap_embedded_config_reports_in_host_coordinates() {
    let registry = registry_or_panic();
    let (path, text) = testdata("kratos/seed-001-kubernetes/kratos-config.yml");
    let report = lint(registry, &path, &text, &target("v0.11.1"));
    let found = rows(&text, &report.diagnostics);
    assert!(
        found.contains(&("kratos/recovery-strategy-default-changed".to_string(), 37)),
        "{found:?}"
    );
    assert!(
        found.contains(&(
            "kratos/verification-strategy-default-changed".to_string(),
            40
        )),
        "{found:?}"
    );
    // The upgrade findings point at the flow keys (the production checks this seed also
    // trips are covered in kratos_production.rs).
    for d in report
        .diagnostics
        .iter()
        .filter(|d| d.code.ends_with("-strategy-default-changed"))
    {
        let key = &text[d.range.as_usize()];
        assert!(key == "recovery" || key == "verification", "{key}");
    }
    let outcome = fix(
        registry,
        &path,
        &text,
        &target("v0.11.1"),
        Applicability::Unsafe,
    );
    let fixed = outcome.fixed.unwrap_or_default();
    // Pins land inside the block scalar, indented like its other lines.
    assert!(fixed.contains("        recovery:\n          enabled: true\n          ui_url: http://app.example.com/recovery\n          use: link\n"), "{fixed}");
    assert!(
        fixed.contains(
            "        password:\n          enabled: true\n        link:\n          enabled: true\n"
        ),
        "{fixed}"
    );
    // Bytes before the first edit are untouched.
    let first = text.find("      flows:").unwrap_or(0);
    assert_eq!(&fixed[..first], &text[..first]);
    let again = fix(
        registry,
        &path,
        &fixed,
        &target("v0.11.1"),
        Applicability::Unsafe,
    );
    assert_eq!(again.fixed, None);
}

#[test]
fn every_fix_touches_only_its_declared_bytes() {
    let registry = registry_or_panic();
    for input in [
        "kratos/seed-000-upgrade/kratos.yml",
        "kratos/seed-000-upgrade/crlf/kratos.yml",
        "kratos/seed-001-kubernetes/kratos-config.yml",
    ] {
        let (path, text) = testdata(input);
        let report = lint(registry, &path, &text, &target("v0.11.1"));
        for d in &report.diagnostics {
            let Some(fix) = &d.fix else { continue };
            let fixed = apply_edits(&text, &fix.edits)
                .unwrap_or_else(|| panic!("{}: edits do not apply", d.code));
            fixes::assert_untouched_outside_edits(&text, &fixed, &fix.edits);
        }
    }
}
