//! The official Keycloak quickstart examples in `../shared/corpus/keycloak-env/`
//! (`keycloak__keycloak-quickstarts__kc-<version>-...`, 16.1.1 to 26.6.4): each one, checked
//! against its own release, raises no error; checked against 26.6 it raises the migration
//! findings an upgrade needs. Skipped when `../shared` is not there.
//! `cargo test -p idplint_linter --test keycloak_quickstarts -- --nocapture` prints every
//! finding.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use idplint_diagnostics::{LineIndex, Severity};
use idplint_linter::{FileReport, LintOptions, Product, ProductVersion, lint, registry};
use std::path::PathBuf;

const PREFIX: &str = "keycloak__keycloak-quickstarts__kc-";

/// `(file name, version from the name, text)` of every official example, oldest first.
fn examples() -> Vec<(String, String, String)> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/corpus/keycloak-env");
    let Ok(entries) = std::fs::read_dir(&dir) else {
        return Vec::new();
    };
    let mut out: Vec<(String, String, String)> = entries
        .flatten()
        .filter_map(|e| {
            let name = e.file_name().to_string_lossy().into_owned();
            let rest = name.strip_prefix(PREFIX)?;
            let version = rest.split('-').next()?.to_string();
            let text = std::fs::read_to_string(e.path()).ok()?;
            Some((name, version, text))
        })
        .collect();
    out.sort_by_key(|(name, version, _)| {
        (
            ProductVersion::parse(version).map(|v| (v.major(), v.minor(), v.patch())),
            name.clone(),
        )
    });
    out
}

/// Lint with both Keycloak distributions pinned to `version` (the 16.x examples run the
/// WildFly distribution).
fn options(current: Option<&str>, target: &str) -> LintOptions {
    let mut options = LintOptions::default();
    let target = ProductVersion::parse(target).unwrap();
    options.targets.insert(Product::Keycloak, target.clone());
    options.targets.insert(Product::KeycloakWildfly, target);
    if let Some(current) = current {
        let current = ProductVersion::parse(current).unwrap();
        options.currents.insert(Product::Keycloak, current.clone());
        options.currents.insert(Product::KeycloakWildfly, current);
    }
    options
}

fn describe(report: &FileReport, text: &str) -> Vec<String> {
    let index = LineIndex::new(text);
    report
        .diagnostics
        .iter()
        .map(|d| {
            format!(
                "{:>4} {:?} {} {}",
                index.line_col(d.range.start, text).row,
                d.severity,
                d.code,
                d.message
            )
        })
        .collect()
}

/// Rows (1-based, as LineIndex counts) at which `code` fires.
fn rows_of(report: &FileReport, text: &str, code: &str) -> Vec<u32> {
    let index = LineIndex::new(text);
    report
        .diagnostics
        .iter()
        .filter(|d| d.code == code)
        .map(|d| index.line_col(d.range.start, text).row)
        .collect()
}

#[test]
fn official_examples_are_clean_on_their_own_version() {
    let registry = registry().unwrap();
    let examples = examples();
    if examples.is_empty() {
        eprintln!("../shared/corpus/keycloak-env not found; skipping");
        return;
    }
    let mut errors = Vec::new();
    for (name, version, text) in &examples {
        let report = lint(registry, name, text, &options(None, version));
        assert!(!report.parse_failed, "{name} does not parse");
        eprintln!("== {name} (own version {version})");
        for line in describe(&report, text) {
            eprintln!("{line}");
        }
        for d in &report.diagnostics {
            if d.severity == Severity::Error {
                errors.push(format!("{name}: {} {}", d.code, d.message));
            }
        }
    }
    assert!(
        errors.is_empty(),
        "errors on the official examples:\n{}",
        errors.join("\n")
    );
}

#[test]
fn official_examples_get_their_migration_findings_for_26_6() {
    let registry = registry().unwrap();
    let examples = examples();
    if examples.is_empty() {
        eprintln!("../shared/corpus/keycloak-env not found; skipping");
        return;
    }
    let mut reports = Vec::new();
    for (name, version, text) in &examples {
        let report = lint(registry, name, text, &options(Some(version), "26.6.4"));
        eprintln!("== {name} ({version} -> 26.6.4)");
        for line in describe(&report, text) {
            eprintln!("{line}");
        }
        reports.push((name.as_str(), version.as_str(), text.as_str(), report));
    }
    let find = |prefix: &str| {
        reports
            .iter()
            .find(|(name, ..)| name.starts_with(&format!("{PREFIX}{prefix}")))
            .map(|(_, _, text, report)| (*text, report))
    };
    // 17.0 to 26.1 set `KC_PROXY=edge` (row 41) and the pre-26 admin variables (rows 37, 39).
    for version in ["17.0.0", "19.0.3", "22.0.3", "24.0.5", "25.0.6", "26.1.3"] {
        let Some((text, report)) = find(version) else {
            panic!("no official example for {version}");
        };
        assert_eq!(
            rows_of(report, text, "keycloak/proxy-option-removed"),
            [41],
            "{version}"
        );
        assert_eq!(
            rows_of(report, text, "keycloak/bootstrap-admin-renamed"),
            [37, 39],
            "{version}"
        );
    }
    // 26.2.5 uses `KC_CACHE_STACK=kubernetes`, deprecated in 26.3, and passes the pod IP as
    // `-Djgroups.bind.address`, an option (`cache-embedded-network-bind-address`) since 26.4.
    let (text, report) = find("26.2.5").unwrap();
    assert_eq!(
        rows_of(report, text, "keycloak/deprecated-option-value"),
        [80]
    );
    assert_eq!(
        rows_of(report, text, "keycloak/legacy-system-property"),
        [89]
    );
    // The current example needs nothing but its demo credentials replaced: `admin`/`admin`
    // in a `start` server is a warning, the literal passwords go to a Secret.
    let (text, report) = find("26.6.4-kubernetes").unwrap();
    assert!(
        report.diagnostics.iter().all(|d| matches!(
            d.code.as_str(),
            "keycloak/literal-secret" | "keycloak/guessable-bootstrap-admin"
        )),
        "{:#?}",
        report.diagnostics
    );
    assert_eq!(
        rows_of(report, text, "keycloak/guessable-bootstrap-admin").len(),
        1
    );
    // In the `start-dev` examples the same credentials are information only.
    let (_, report) = find("24.0.5").unwrap();
    assert!(
        report
            .diagnostics
            .iter()
            .filter(|d| d.code == "keycloak/guessable-bootstrap-admin")
            .all(|d| d.severity == Severity::Info)
    );
    // Every example with health enabled (26.1 on) already probes port 9000, and the older
    // ones probe a realm URL, which stays on the main port.
    for (name, _, text, report) in &reports {
        assert!(
            rows_of(report, text, "keycloak/health-check-on-main-port").is_empty(),
            "{name}"
        );
    }
    // 16.1.1 runs the WildFly distribution: no Keycloak (Quarkus) process to check.
    let (_, report) = find("16.1.1").unwrap();
    assert!(
        report
            .diagnostics
            .iter()
            .all(|d| !d.code.starts_with("keycloak/")),
        "{:#?}",
        report.diagnostics
    );
}

/// The 24.0.5 example with health enabled, as people write it before moving to 25: the
/// probe on 8080 is reported for 26.6 at its port, and the unsafe fix moves it to 9000.
#[test]
fn official_example_with_health_on_the_main_port() {
    let registry = registry().unwrap();
    let Some((name, _, text)) = examples()
        .into_iter()
        .find(|(name, ..)| name.contains("kc-24.0.5-kubernetes"))
    else {
        eprintln!("../shared/corpus/keycloak-env not found; skipping");
        return;
    };
    let text = text
        .replace(
            "            - name: KC_PROXY\n",
            "            - name: KC_HEALTH_ENABLED\n              value: \"true\"\n            - name: KC_PROXY\n",
        )
        .replace("path: /realms/master", "path: /health/ready");
    assert!(text.contains("KC_HEALTH_ENABLED"));
    let report = lint(registry, &name, &text, &options(Some("24.0.5"), "24.0.5"));
    assert!(rows_of(&report, &text, "keycloak/health-check-on-main-port").is_empty());
    let report = lint(registry, &name, &text, &options(Some("24.0.5"), "26.6.4"));
    let rows = rows_of(&report, &text, "keycloak/health-check-on-main-port");
    assert_eq!(rows.len(), 1, "{:#?}", report.diagnostics);
    let row = rows[0] as usize;
    assert!(
        text.lines()
            .nth(row - 1)
            .is_some_and(|l| l.trim() == "port: 8080"),
        "row {row}"
    );
    let outcome = idplint_linter::fix(
        registry,
        &name,
        &text,
        &options(Some("24.0.5"), "26.6.4"),
        idplint_diagnostics::Applicability::Unsafe,
    );
    let fixed = outcome.fixed.unwrap();
    assert!(fixed.contains("path: /health/ready\n              port: 9000"));
}
