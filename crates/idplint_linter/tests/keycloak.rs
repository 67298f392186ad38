//! End-to-end Keycloak (Quarkus) checks on the seed 002 fixtures in `testdata/keycloak`: which
//! rule fires on which row, versions from image tags, secrets never shown, and the unsafe
//! fix output (expected bytes in `*.fixed`), re-linted and idempotent. Also the option sources
//! beyond environment lists: the Keycloak Operator CR (`operator/`) and keycloak.conf
//! `${ENV:default}` expressions (`conf-defaults/`), each with a failing and a clean fixture.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use idplint_diagnostics::{Applicability, LineIndex};
use idplint_linter::{FileReport, LintOptions, Product, ProductVersion, fix, lint, registry};
use std::path::PathBuf;

#[path = "support/fixes.rs"]
mod fixes;

fn fixture(path: &str) -> (String, String) {
    let full = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../testdata/keycloak")
        .join(path);
    let text = std::fs::read_to_string(&full).unwrap_or_else(|e| panic!("{}: {e}", full.display()));
    (full.to_string_lossy().into_owned(), text)
}

fn target(version: &str) -> LintOptions {
    let mut options = LintOptions::default();
    options
        .targets
        .insert(Product::Keycloak, ProductVersion::parse(version).unwrap());
    options
}

/// `(row, code)` of every Keycloak finding, in order.
fn rows(report: &FileReport, text: &str) -> Vec<(u32, String)> {
    let index = LineIndex::new(text);
    report
        .diagnostics
        .iter()
        .filter(|d| d.code.starts_with("keycloak/"))
        .map(|d| (index.line_col(d.range.start, text).row, d.code.clone()))
        .collect()
}

fn expect_rows(report: &FileReport, text: &str, expected: &[(u32, &str)]) {
    let got = rows(report, text);
    let expected: Vec<(u32, String)> = expected.iter().map(|(r, c)| (*r, c.to_string())).collect();
    assert_eq!(got, expected, "{:#?}", report.diagnostics);
}

fn message_at<'a>(report: &'a FileReport, code: &str, text: &str, row: u32) -> &'a str {
    let index = LineIndex::new(text);
    report
        .diagnostics
        .iter()
        .find(|d| d.code == code && index.line_col(d.range.start, text).row == row)
        .map(|d| d.message.as_str())
        .unwrap_or_else(|| panic!("no {code} on row {row}"))
}

#[test]
fn seed_002_task_definition() {
    let registry = registry().unwrap();
    let (path, text) = fixture("seed-002-ecs/task-definition.json");
    let report = lint(registry, &path, &text, &target("26.4.0"));
    assert_eq!(
        report.units,
        ["ECS container `keycloak-test` of task definition `keycloak-test`"]
    );
    expect_rows(
        &report,
        &text,
        &[
            (26, "keycloak/command-in-one-element"),
            (31, "keycloak/literal-secret"),
            (34, "keycloak/bootstrap-admin-renamed"),
            (35, "keycloak/literal-secret"),
            (38, "keycloak/unknown-option"),
            (46, "keycloak/proxy-option-removed"),
            (54, "keycloak/bootstrap-admin-renamed"),
            (58, "keycloak/hostname-v1-option-removed"),
            (74, "keycloak/hostname-v1-option-removed"),
            (83, "keycloak/deprecated-option-value"),
            (86, "keycloak/db-url-with-parts"),
        ],
    );
    let unknown = message_at(&report, "keycloak/unknown-option", &text, 38);
    assert!(
        unknown.contains("did you mean `KC_HOSTNAME_ADMIN`?"),
        "{unknown}"
    );
    let proxy = report
        .diagnostics
        .iter()
        .find(|d| d.code == "keycloak/proxy-option-removed")
        .unwrap();
    assert_eq!(proxy.severity, idplint_diagnostics::Severity::Error);
    let proxy_fix = proxy.fix.as_ref().unwrap();
    assert_eq!(proxy_fix.applicability, Applicability::Unsafe);
    // KC_HTTP_ENABLED is already set: only the rename to proxy-headers remains.
    assert_eq!(
        proxy_fix.message,
        "Replace `KC_PROXY` with `KC_PROXY_HEADERS=xforwarded`"
    );
    assert!(proxy.help.as_deref().unwrap().contains("trusts one family"));
    // The ignored port is labelled.
    let db = report
        .diagnostics
        .iter()
        .find(|d| d.code == "keycloak/db-url-with-parts")
        .unwrap();
    assert_eq!(db.labels.len(), 1);
    assert_eq!(
        &text[db.labels[0].range.start as usize..db.labels[0].range.end as usize],
        "KC_DB_URL_PORT"
    );
}

#[test]
fn seed_002_other_formats_report_the_same_hazards() {
    let registry = registry().unwrap();
    let (path, text) = fixture("seed-002-ecs/docker-compose.yml");
    let report = lint(registry, &path, &text, &target("26.4.0"));
    expect_rows(
        &report,
        &text,
        &[
            (11, "keycloak/command-in-one-element"),
            (16, "keycloak/db-url-with-parts"),
            (19, "keycloak/literal-secret"),
            (20, "keycloak/bootstrap-admin-renamed"),
            (21, "keycloak/bootstrap-admin-renamed"),
            (21, "keycloak/literal-secret"),
            (22, "keycloak/proxy-option-removed"),
            (26, "keycloak/unknown-option"),
            (27, "keycloak/hostname-v1-option-removed"),
            (28, "keycloak/hostname-v1-option-removed"),
            (31, "keycloak/deprecated-option-value"),
        ],
    );
    // The CRLF twin reports the same rows.
    let (crlf_path, crlf) = fixture("seed-002-ecs/docker-compose.crlf.yml");
    assert!(crlf.contains("\r\n"));
    let crlf_report = lint(registry, &crlf_path, &crlf, &target("26.4.0"));
    assert_eq!(rows(&crlf_report, &crlf), rows(&report, &text));

    let (path, text) = fixture("seed-002-ecs/keycloak.env");
    let report = lint(registry, &path, &text, &target("26.4.0"));
    assert!(
        message_at(&report, "keycloak/unknown-option", &text, 6).contains("`KC_HOSTNAME_ADMIN`")
    );
    assert!(rows(&report, &text).contains(&(2, "keycloak/proxy-option-removed".to_string())));
    // Literal secrets in a .env file are information only.
    assert!(
        report
            .diagnostics
            .iter()
            .filter(|d| d.code == "keycloak/literal-secret")
            .all(|d| d.severity == idplint_diagnostics::Severity::Info)
    );

    let (path, text) = fixture("seed-002-ecs/keycloak.conf");
    let report = lint(registry, &path, &text, &target("26.4.0"));
    expect_rows(
        &report,
        &text,
        &[
            (3, "keycloak/db-url-with-parts"),
            (6, "keycloak/literal-secret"),
            (7, "keycloak/proxy-option-removed"),
            (11, "keycloak/unknown-option"),
            (12, "keycloak/hostname-v1-option-removed"),
            (13, "keycloak/hostname-v1-option-removed"),
            (16, "keycloak/deprecated-option-value"),
        ],
    );
    assert!(
        message_at(&report, "keycloak/unknown-option", &text, 11)
            .contains("did you mean `hostname-admin`?")
    );
}

#[test]
fn version_comes_from_the_image_tag_without_a_target() {
    let registry = registry().unwrap();
    let (path, text) = fixture("kubernetes/keycloak.yaml");
    let report = lint(registry, &path, &text, &LintOptions::default());
    assert_eq!(
        report.units,
        ["container `keycloak` of Deployment `keycloak`"]
    );
    assert!(
        !report
            .diagnostics
            .iter()
            .any(|d| d.code == "idplint/version-unknown")
    );
    // 24.0.5 from the image: `--proxy` is deprecated (warning), not yet removed, and the
    // 26.0 renames and hostname v1 removal do not apply yet.
    expect_rows(
        &report,
        &text,
        &[
            (30, "keycloak/proxy-option-removed"),
            (42, "keycloak/literal-secret"),
        ],
    );
    let proxy = &report
        .diagnostics
        .iter()
        .find(|d| d.code == "keycloak/proxy-option-removed")
        .unwrap();
    assert_eq!(proxy.severity, idplint_diagnostics::Severity::Warning);
    assert!(
        proxy.message.contains("deprecated since Keycloak 24.0.0"),
        "{}",
        proxy.message
    );

    // The seed's own image (`keycloak-test:v1`) names no release: version-keyed rules stay
    // quiet, the version-independent ones still run, and one note says how to set a version.
    let (path, text) = fixture("seed-002-ecs/task-definition.json");
    let report = lint(registry, &path, &text, &LintOptions::default());
    let codes: Vec<&str> = report.diagnostics.iter().map(|d| d.code.as_str()).collect();
    assert!(codes.contains(&"idplint/version-unknown"), "{codes:?}");
    assert!(codes.contains(&"keycloak/unknown-option"));
    assert!(codes.contains(&"keycloak/literal-secret"));
    assert!(!codes.contains(&"keycloak/proxy-option-removed"));
}

#[test]
fn secret_values_never_appear_in_findings() {
    let registry = registry().unwrap();
    for path in [
        "seed-002-ecs/task-definition.json",
        "seed-002-ecs/docker-compose.yml",
        "seed-002-ecs/keycloak.env",
        "seed-002-ecs/keycloak.conf",
        "kubernetes/keycloak.yaml",
    ] {
        let (full, text) = fixture(path);
        for options in [LintOptions::default(), target("26.4.0")] {
            let report = lint(registry, &full, &text, &options);
            let shown = format!("{:?}", report.diagnostics);
            assert!(!shown.contains("change-me"), "{path}: {shown}");
            // Every literal password is registered for masking.
            for secret in &report.secrets {
                let value = &text[secret.start as usize..secret.end as usize];
                assert!(
                    value.contains("change-me"),
                    "{path}: unexpected secret range {value:?}"
                );
            }
            assert!(!report.secrets.is_empty(), "{path}: no secret ranges");
        }
    }
}

#[test]
fn unsafe_fixes_match_the_expected_files_and_are_idempotent() {
    let registry = registry().unwrap();
    let options = target("26.4.0");
    let fixed_codes = [
        "keycloak/proxy-option-removed",
        "keycloak/bootstrap-admin-renamed",
        "keycloak/hostname-v1-option-removed",
        "keycloak/command-in-one-element",
        "keycloak/deprecated-option-value",
    ];
    for path in [
        "seed-002-ecs/task-definition.json",
        "seed-002-ecs/docker-compose.yml",
        "seed-002-ecs/docker-compose.crlf.yml",
        "seed-002-ecs/keycloak.env",
        "seed-002-ecs/keycloak.conf",
        "kubernetes/keycloak.yaml",
    ] {
        let (full, text) = fixture(path);
        let (_, expected) = fixture(&format!("{path}.fixed"));
        let outcome = fix(registry, &full, &text, &options, Applicability::Unsafe);
        assert_eq!(outcome.failure, None, "{path}");
        let fixed = outcome
            .fixed
            .clone()
            .unwrap_or_else(|| panic!("{path}: nothing fixed"));
        assert_eq!(fixed, expected, "{path}");
        // Re-lint: none of the fixed rules is left, and nothing new appeared.
        let again = lint(registry, &full, &fixed, &options);
        assert!(!again.parse_failed, "{path}");
        let left: Vec<&str> = again
            .diagnostics
            .iter()
            .map(|d| d.code.as_str())
            .filter(|c| fixed_codes.contains(c))
            .collect();
        assert!(
            left.is_empty(),
            "{path}: still reported after fixing: {left:?}"
        );
        // A second fix changes nothing.
        let second = fix(registry, &full, &fixed, &options, Applicability::Unsafe);
        assert_eq!(second.fixed, None, "{path}: second fix changed the file");
        assert_eq!(second.failure, None);
    }
}

#[test]
fn safe_fixes_alone_leave_unsafe_rewrites_alone() {
    let registry = registry().unwrap();
    let (path, text) = fixture("seed-002-ecs/task-definition.json");
    let outcome = fix(
        registry,
        &path,
        &text,
        &target("26.4.0"),
        Applicability::Safe,
    );
    // Without a known current version every fix here needs the target: nothing is safe.
    assert_eq!(outcome.fixed, None);
    // On 26 already, the bootstrap-admin rename keeps meaning and is safe.
    let mut options = target("26.4.0");
    options
        .currents
        .insert(Product::Keycloak, ProductVersion::parse("26.0.0").unwrap());
    let outcome = fix(registry, &path, &text, &options, Applicability::Safe);
    let fixed = outcome.fixed.unwrap();
    assert!(fixed.contains("\"KC_BOOTSTRAP_ADMIN_USERNAME\""));
    assert!(
        fixed.contains("\"KC_PROXY\""),
        "the proxy rewrite is unsafe"
    );
    assert_eq!(
        outcome.applied.get("keycloak/bootstrap-admin-renamed"),
        Some(&2)
    );
}

#[test]
fn truncated_files_never_panic() {
    let registry = registry().unwrap();
    let options = target("26.4.0");
    for path in [
        "seed-002-ecs/task-definition.json",
        "seed-002-ecs/docker-compose.yml",
        "seed-002-ecs/docker-compose.crlf.yml",
        "seed-002-ecs/keycloak.env",
        "seed-002-ecs/keycloak.conf",
        "kubernetes/keycloak.yaml",
        "dockerfile/Dockerfile",
        "dockerfile/broken.Dockerfile",
    ] {
        let (full, text) = fixture(path);
        for end in (0..text.len())
            .step_by(5)
            .filter(|&i| text.is_char_boundary(i))
        {
            let cut = &text[..end];
            let report = lint(registry, &full, cut, &options);
            // Every fix offered on a partial file still applies cleanly.
            for diagnostic in &report.diagnostics {
                if let Some(fix) = &diagnostic.fix {
                    assert!(
                        idplint_diagnostics::apply_edits(cut, &fix.edits).is_some(),
                        "{path} cut at {end}: {diagnostic:?}"
                    );
                }
            }
        }
    }
}

// Option sources beyond environment lists.

#[test]
fn operator_cr_options_are_checked() {
    let registry = registry().unwrap();
    let (path, text) = fixture("operator/keycloak.yaml");
    // No target: the release comes from `spec.image`.
    let report = lint(registry, &path, &text, &LintOptions::default());
    assert_eq!(report.units, vec!["Keycloak CR `example-kc`".to_string()]);
    let expected: Vec<(u32, String)> = [
        (23, "keycloak/hostname-v1-option-removed"),
        (25, "keycloak/unknown-option"),
        (28, "keycloak/literal-secret"),
    ]
    .iter()
    .map(|(r, c)| (*r, c.to_string()))
    .collect();
    assert_eq!(rows(&report, &text), expected, "{:#?}", report.diagnostics);
    let unknown = report
        .diagnostics
        .iter()
        .find(|d| d.code == "keycloak/unknown-option")
        .unwrap();
    assert!(
        unknown.message.contains("db-pool-max-size"),
        "{}",
        unknown.message
    );
    // The password is registered for masking and never shown.
    assert!(!format!("{:?}", report.diagnostics).contains("change-me"));
    assert_eq!(report.secrets.len(), 1);
    let secret = report.secrets[0];
    assert_eq!(
        &text[secret.start as usize..secret.end as usize],
        "change-me"
    );
}

#[test]
fn operator_cr_first_class_fields_count_as_options() {
    let registry = registry().unwrap();
    // `spec.httpManagement.port` sets `http-management-port`, which 24.0 does not have yet.
    let (path, text) = fixture("operator/keycloak-clean.yaml");
    let report = lint(registry, &path, &text, &target("24.0.0"));
    let found = rows(&report, &text);
    assert!(
        found.contains(&(23, "keycloak/unknown-option".to_string())),
        "{found:?}"
    );
}

#[test]
fn clean_operator_cr_passes() {
    let registry = registry().unwrap();
    let (path, text) = fixture("operator/keycloak-clean.yaml");
    let report = lint(registry, &path, &text, &target("26.4.0"));
    assert_eq!(report.units.len(), 1);
    assert_eq!(
        rows(&report, &text),
        Vec::new(),
        "{:#?}",
        report.diagnostics
    );
}

#[test]
fn operator_cr_fix_renames_the_option_in_place() {
    let registry = registry().unwrap();
    let options = target("26.4.0");
    let (path, text) = fixture("operator/keycloak.yaml");
    let (_, expected) = fixture("operator/keycloak.yaml.fixed");
    let outcome = fix(registry, &path, &text, &options, Applicability::Unsafe);
    assert_eq!(outcome.failure, None);
    assert_eq!(outcome.fixed.as_deref(), Some(expected.as_str()));
    let again = lint(registry, &path, &expected, &options);
    assert!(!again.parse_failed);
    assert!(
        !again
            .diagnostics
            .iter()
            .any(|d| d.code == "keycloak/hostname-v1-option-removed")
    );
    let second = fix(registry, &path, &expected, &options, Applicability::Unsafe);
    assert_eq!(second.fixed, None, "second fix changed the file");
}

#[test]
fn other_keycloak_crs_are_not_servers() {
    let registry = registry().unwrap();
    let text = "apiVersion: k8s.keycloak.org/v2alpha1\nkind: KeycloakRealmImport\nmetadata:\n  name: r\nspec:\n  keycloakCRName: example-kc\n  realm:\n    realm: demo\n";
    let report = lint(registry, "realm.yaml", text, &target("26.4.0"));
    assert!(report.units.is_empty(), "{:?}", report.units);
    // A CR without `spec` and a non-mapping `additionalOptions` never panic.
    for text in [
        "apiVersion: k8s.keycloak.org/v2alpha1\nkind: Keycloak\n",
        "apiVersion: k8s.keycloak.org/v2alpha1\nkind: Keycloak\nspec:\n  additionalOptions: x\n  db: [1]\n",
        "apiVersion: k8s.keycloak.org/v2alpha1\nkind: Keycloak\nspec:\n  additionalOptions:\n    - name: [a]\n    - value: b\n    - 3\n",
    ] {
        let _ = lint(registry, "kc.yaml", text, &target("26.4.0"));
    }
}

#[test]
fn conf_default_password_is_a_literal_secret() {
    let registry = registry().unwrap();
    let (path, text) = fixture("conf-defaults/keycloak.conf");
    let report = lint(registry, &path, &text, &target("26.4.0"));
    let secrets: Vec<_> = report
        .diagnostics
        .iter()
        .filter(|d| d.code == "keycloak/literal-secret")
        .collect();
    assert_eq!(secrets.len(), 1, "{:#?}", report.diagnostics);
    // Reported on the default alone, on row 4, without showing it.
    let range = secrets[0].range;
    assert_eq!(&text[range.start as usize..range.end as usize], "change-me");
    let index = LineIndex::new(&text);
    assert_eq!(index.line_col(range.start, &text).row, 4);
    assert!(!format!("{:?}", report.diagnostics).contains("change-me"));

    // Compose `${VAR:-default}` likewise; `${VAR:?message}` has no default.
    let (path, compose) = fixture("conf-defaults/docker-compose.yml");
    let report = lint(registry, &path, &compose, &target("26.4.0"));
    let found: Vec<_> = report
        .diagnostics
        .iter()
        .filter(|d| d.code == "keycloak/literal-secret")
        .map(|d| &compose[d.range.start as usize..d.range.end as usize])
        .collect();
    assert_eq!(found, ["change-me"], "{:#?}", report.diagnostics);
    assert!(!format!("{:?}", report.diagnostics).contains("change-me"));

    let (path, text) = fixture("conf-defaults/keycloak-clean.conf");
    let report = lint(registry, &path, &text, &target("26.4.0"));
    assert_eq!(
        rows(&report, &text),
        Vec::new(),
        "{:#?}",
        report.diagnostics
    );
}

#[test]
fn command_line_wins_over_the_environment_of_one_container() {
    let registry = registry().unwrap();
    let (path, text) = fixture("env-file/docker-compose.yml");
    let report = lint(registry, &path, &text, &target("26.4.0"));
    // Alone, the Compose file shows nothing overridden: `--hostname` is its only hostname.
    assert!(
        !report
            .diagnostics
            .iter()
            .any(|d| d.code == "keycloak/option-precedence"),
        "{:#?}",
        report.diagnostics
    );
    let text = "services:\n  keycloak:\n    image: quay.io/keycloak/keycloak:26.4.0\n    command: start --hostname=https://auth.example.com\n    environment:\n      - KC_HOSTNAME=https://login.example.com\n      - KC_DB=postgres\n";
    let report = lint(registry, "docker-compose.yml", text, &target("26.4.0"));
    let found: Vec<_> = report
        .diagnostics
        .iter()
        .filter(|d| d.code == "keycloak/option-precedence")
        .collect();
    assert_eq!(found.len(), 1, "{:#?}", report.diagnostics);
    let finding = found[0];
    assert_eq!(
        &text[finding.range.start as usize..finding.range.end as usize],
        "--hostname"
    );
    assert!(
        finding.message.contains("command line wins"),
        "{}",
        finding.message
    );
    assert_eq!(finding.labels.len(), 1);
    let label = finding.labels[0].range;
    assert_eq!(
        &text[label.start as usize..label.end as usize],
        "KC_HOSTNAME"
    );
    // A command line that reads the variable it competes with agrees with it.
    let reading = text.replace("=https://auth.example.com", "=${KC_HOSTNAME}");
    let report = lint(registry, "docker-compose.yml", &reading, &target("26.4.0"));
    assert!(
        !report
            .diagnostics
            .iter()
            .any(|d| d.code == "keycloak/option-precedence")
    );
    // The same value twice is repetition, not a conflict.
    let same = text.replace("login.example.com", "auth.example.com");
    let report = lint(registry, "docker-compose.yml", &same, &target("26.4.0"));
    assert!(
        !report
            .diagnostics
            .iter()
            .any(|d| d.code == "keycloak/option-precedence")
    );
}

#[test]
fn compose_env_file_variables_overridden_by_the_service() {
    let registry = registry().unwrap();
    let (compose_path, compose) = fixture("env-file/docker-compose.yml");
    let (env_path, env) = fixture("env-file/keycloak.env");
    let reports = idplint_linter::lint_files(
        registry,
        &[(&compose_path, &compose), (&env_path, &env)],
        &target("26.4.0"),
    );
    let found: Vec<(u32, &str)> = {
        let index = LineIndex::new(&env);
        reports[1]
            .diagnostics
            .iter()
            .filter(|d| d.code == "keycloak/option-precedence")
            .map(|d| (index.line_col(d.range.start, &env).row, d.message.as_str()))
            .collect()
    };
    // `KC_HOSTNAME` loses to `--hostname` (command, line 5), `KC_LOG_LEVEL` to the
    // `environment` (line 9); `KC_PROXY_HEADERS` is only in the env file, and the service's
    // `KC_DB: ${KC_DB}` reads the env file's own value.
    assert_eq!(found.len(), 2, "{found:#?}");
    assert_eq!(found[0].0, 2);
    assert!(
        found[0].1.contains("`--hostname`") && found[0].1.contains("line 5"),
        "{}",
        found[0].1
    );
    assert_eq!(found[1].0, 3);
    assert!(
        found[1].1.contains("Compose `environment`") && found[1].1.contains("line 9"),
        "{}",
        found[1].1
    );
    assert!(
        !reports[0]
            .diagnostics
            .iter()
            .any(|d| d.code == "keycloak/option-precedence")
    );

    // A service that overrides nothing, and an env file the service does not name.
    let (clean_path, clean) = fixture("env-file/docker-compose.clean.yml");
    let elsewhere = env_path.replace("env-file/keycloak.env", "other/keycloak.env");
    for run in [
        [(&clean_path, &clean), (&env_path, &env)],
        [(&compose_path, &compose), (&elsewhere, &env)],
    ] {
        let run = run.map(|(p, t)| (p.as_str(), t.as_str()));
        let reports = idplint_linter::lint_files(registry, &run, &target("26.4.0"));
        assert!(
            reports
                .iter()
                .flat_map(|r| &r.diagnostics)
                .all(|d| d.code != "keycloak/option-precedence")
        );
    }
}

#[test]
fn terraform_json_templates_are_checked_and_fixed_in_place() {
    let registry = registry().unwrap();
    let options = target("26.4.0");
    let (path, text) = fixture("ecs-template/container-definitions.json.tpl");
    let report = lint(registry, &path, &text, &options);
    assert!(!report.parse_failed);
    assert_eq!(
        rows(&report, &text),
        [
            (6, "keycloak/start-without-hostname-or-tls"),
            (10, "keycloak/proxy-option-removed"),
            (12, "keycloak/literal-secret"),
        ]
        .map(|(r, c)| (r, c.to_string()))
    );
    // The fix rewrites JSON strings only; `${port}` and `%{ if }` stay as they were.
    let (_, expected) = fixture("ecs-template/container-definitions.json.tpl.fixed");
    let outcome = fix(registry, &path, &text, &options, Applicability::Unsafe);
    assert_eq!(outcome.failure, None);
    assert_eq!(outcome.fixed.as_deref(), Some(expected.as_str()));
    let second = fix(registry, &path, &expected, &options, Applicability::Unsafe);
    assert_eq!(second.fixed, None);

    let (path, text) = fixture("ecs-template/container-definitions-clean.json.tpl");
    let report = lint(registry, &path, &text, &options);
    assert_eq!(
        rows(&report, &text),
        Vec::new(),
        "{:#?}",
        report.diagnostics
    );

    // A template that is not JSON even masked gets one information finding, not an error.
    let text = "[{\"name\": \"keycloak\", \"environment\": [%{ if a }{\"name\": \"KC_DB\"}%{ else }{\"name\": \"KC_DB\"}%{ endif }]}]";
    let report = lint(registry, "keycloak.json.tpl", text, &options);
    assert!(report.parse_failed);
    assert_eq!(report.diagnostics.len(), 1);
    assert_eq!(
        report.diagnostics[0].severity,
        idplint_diagnostics::Severity::Info
    );
    // The same text as plain JSON is an error.
    let report = lint(registry, "keycloak.json", text, &options);
    assert_eq!(
        report.diagnostics[0].severity,
        idplint_diagnostics::Severity::Error
    );
}

#[test]
fn tls_hostname_verifier_any_only_in_the_insecure_fixture() {
    let registry = registry().unwrap();
    let (path, text) = fixture("tls/insecure.conf");
    let report = lint(registry, &path, &text, &target("26.6.0"));
    let hits: Vec<_> = rows(&report, &text)
        .into_iter()
        .filter(|(_, code)| code == "keycloak/tls-hostname-verifier-any")
        .collect();
    assert_eq!(
        hits,
        vec![(4, "keycloak/tls-hostname-verifier-any".to_string())]
    );
    let (path, text) = fixture("tls/secure.conf");
    let report = lint(registry, &path, &text, &target("26.6.0"));
    assert!(
        !rows(&report, &text)
            .iter()
            .any(|(_, code)| code == "keycloak/tls-hostname-verifier-any"),
        "{:#?}",
        report.diagnostics
    );
}

/// The single-dash SPI options of `spi/`: reported only for a 26.3+ target, the
/// `-provider[-default]` ones renamed in their own spelling, `-enabled` and profile-prefixed
/// keys reported without a fix; the fix is idempotent.

#[test]
fn spi_legacy_syntax_in_every_source() {
    const CODE: &str = "keycloak/spi-option-legacy-syntax";
    let registry = registry().unwrap();
    let spi_rows = |report: &FileReport, text: &str| -> Vec<u32> {
        rows(report, text)
            .into_iter()
            .filter(|(_, c)| c == CODE)
            .map(|(r, _)| r)
            .collect()
    };
    for (path, expected_rows) in [
        ("spi/docker-compose.yml", vec![7, 11, 12]),
        ("spi/keycloak.conf", vec![3, 5]),
    ] {
        let (full, text) = fixture(path);
        let before = lint(registry, &full, &text, &target("26.2.5"));
        assert!(spi_rows(&before, &text).is_empty(), "{path}");
        let options = target("26.6.0");
        let report = lint(registry, &full, &text, &options);
        assert_eq!(spi_rows(&report, &text), expected_rows, "{path}");

        let (_, expected) = fixture(&format!("{path}.fixed"));
        let outcome = fix(registry, &full, &text, &options, Applicability::Unsafe);
        assert_eq!(outcome.failure, None, "{path}");
        assert_eq!(outcome.fixed.as_deref(), Some(expected.as_str()), "{path}");
        let second = fix(registry, &full, &expected, &options, Applicability::Unsafe);
        assert_eq!(second.fixed, None, "{path}: second fix changed the file");
        let again = lint(registry, &full, &expected, &options);
        assert!(!again.parse_failed, "{path}");
    }
}

/// Bitnami variables are reported on Keycloak's own image only, never on Bitnami's.

#[test]
fn bitnami_variables_after_an_image_stream_switch() {
    const CODE: &str = "keycloak/bitnami-variable-on-upstream-image";
    let registry = registry().unwrap();
    for (path, expected) in [
        ("image-stream/switched.yaml", vec![21, 23]),
        ("image-stream/bitnami.yaml", vec![]),
    ] {
        let (full, text) = fixture(path);
        let report = lint(registry, &full, &text, &LintOptions::default());
        let got: Vec<u32> = rows(&report, &text)
            .into_iter()
            .filter(|(_, c)| c == CODE)
            .map(|(r, _)| r)
            .collect();
        assert_eq!(got, expected, "{path}: {:#?}", report.diagnostics);
    }
}

// Dockerfiles: the multi-stage optimized build of the container guide (`dockerfile/Dockerfile`)
// and a broken runtime stage (`dockerfile/broken.Dockerfile`).

#[test]
fn dockerfile_findings_by_row() {
    let registry = registry().unwrap();
    let (path, text) = fixture("dockerfile/broken.Dockerfile");
    let report = lint(registry, &path, &text, &target("26.4.0"));
    expect_rows(
        &report,
        &text,
        &[
            (11, "keycloak/proxy-option-removed"),
            (13, "keycloak/bootstrap-admin-renamed"),
            (15, "keycloak/optimized-build-time-option"),
            (16, "keycloak/optimized-build-time-option"),
        ],
    );
    assert!(
        message_at(&report, "keycloak/optimized-build-time-option", &text, 15)
            .contains("built without it (default `false`)")
    );
    assert!(
        message_at(&report, "keycloak/optimized-build-time-option", &text, 16)
            .contains("built without it")
    );
    // Without a target, the version is the `ARG` default in the `FROM` line.
    let report = lint(registry, &path, &text, &LintOptions::default());
    assert!(
        message_at(&report, "keycloak/proxy-option-removed", &text, 11).contains("26.0.5"),
        "{:#?}",
        report.diagnostics
    );
}

#[test]
fn dockerfile_optimized_build_passes() {
    let registry = registry().unwrap();
    let (path, text) = fixture("dockerfile/Dockerfile");
    for version in ["24.0.5", "26.0.5", "26.4.0"] {
        let report = lint(registry, &path, &text, &target(version));
        expect_rows(&report, &text, &[]);
    }
    // The same runtime stage without the `COPY --from=builder` runs the stock build.
    let without_copy = text.replace("COPY --from=builder /opt/keycloak/ /opt/keycloak/\n", "");
    let report = lint(registry, &path, &without_copy, &target("26.4.0"));
    let codes: Vec<&str> = report.diagnostics.iter().map(|d| d.code.as_str()).collect();
    assert_eq!(
        codes,
        [
            "keycloak/optimized-build-time-option",
            "keycloak/optimized-build-time-option"
        ],
        "{:#?}",
        report.diagnostics
    );
    // A value changed after the build is a mismatch even though the build set it.
    let changed = text.replace(
        "ENV KC_DB=postgres\nENV KC_HTTP",
        "ENV KC_DB=mariadb\nENV KC_HTTP",
    );
    let report = lint(registry, &path, &changed, &target("26.4.0"));
    let message = report
        .diagnostics
        .iter()
        .find(|d| d.code == "keycloak/optimized-build-time-option")
        .map(|d| d.message.as_str())
        .unwrap_or_default();
    assert!(message.contains("built with `postgres`"), "{message}");
}

#[test]
fn dockerfile_unsafe_fix_matches_the_expected_file_lf_and_crlf() {
    let registry = registry().unwrap();
    let (path, text) = fixture("dockerfile/broken.Dockerfile");
    let (_, expected) = fixture("dockerfile/broken.Dockerfile.fixed");
    let options = target("26.4.0");
    for (text, expected) in [
        (text.clone(), expected.clone()),
        (text.replace('\n', "\r\n"), expected.replace('\n', "\r\n")),
    ] {
        let outcome = fix(registry, &path, &text, &options, Applicability::Unsafe);
        assert_eq!(outcome.failure, None);
        let fixed = outcome.fixed.clone().expect("fixed");
        assert_eq!(fixed, expected);
        let again = lint(registry, &path, &fixed, &options);
        assert!(!again.parse_failed);
        expect_rows(&again, &fixed, &[]);
        let second = fix(registry, &path, &fixed, &options, Applicability::Unsafe);
        assert_eq!(second.fixed, None, "second fix changed the file");
    }
}

/// Each fix on its own, as an editor applies it: the result parses, and every byte outside
/// the declared edits is unchanged.
#[test]
fn dockerfile_each_fix_touches_only_its_edits() {
    let registry = registry().unwrap();
    let (path, text) = fixture("dockerfile/broken.Dockerfile");
    let report = lint(registry, &path, &text, &target("26.4.0"));
    let mut fixes = 0;
    let mut snapshots = Vec::new();
    for diagnostic in &report.diagnostics {
        let Some(fix) = &diagnostic.fix else { continue };
        fixes += 1;
        let fixed = idplint_diagnostics::apply_edits(&text, &fix.edits).expect("applies");
        fixes::assert_untouched_outside_edits(&text, &fixed, &fix.edits);
        assert!(!lint(registry, &path, &fixed, &target("26.4.0")).parse_failed);
        if matches!(
            diagnostic.code.as_str(),
            "keycloak/proxy-option-removed" | "keycloak/bootstrap-admin-renamed"
        ) {
            snapshots.push((diagnostic.code.replace('/', "__"), fixed));
        }
    }
    assert_eq!(fixes, 4);
    for (name, fixed) in snapshots {
        insta::assert_snapshot!(format!("dockerfile_{name}"), fixed);
    }
}

fn unsafe_dockerfile_fix(text: &str, options: &LintOptions) -> idplint_linter::FixReport {
    fix(
        registry().unwrap(),
        "Dockerfile",
        text,
        options,
        Applicability::Unsafe,
    )
}

/// The proxy rewrite in the other shapes an `ENV` takes: removal from a multi-pair `ENV` whose
/// replacement is already set, and the legacy `ENV KEY value` form (a sibling is a new line).
#[test]
fn dockerfile_proxy_removal_and_legacy_form() {
    let options = target("26.4.0");
    for (name, text) in [
        (
            "dockerfile_proxy_removed_from_multi_pair_env",
            "FROM quay.io/keycloak/keycloak:26.0.5\nENV KC_HTTP_ENABLED=true \\\n    KC_PROXY=edge \\\n    KC_PROXY_HEADERS=xforwarded\nCMD [\"start\"]\n",
        ),
        (
            "dockerfile_proxy_legacy_env_form",
            "FROM quay.io/keycloak/keycloak:26.0.5\r\nENV KC_PROXY edge\r\nCMD [\"start\"]\r\n",
        ),
    ] {
        let outcome = unsafe_dockerfile_fix(text, &options);
        assert_eq!(outcome.failure, None, "{name}");
        let fixed = outcome.fixed.expect("fixed");
        assert!(
            !fixed.contains("KC_PROXY=") && !fixed.contains("KC_PROXY "),
            "{fixed}"
        );
        assert_eq!(unsafe_dockerfile_fix(&fixed, &options).fixed, None);
        insta::assert_snapshot!(name, fixed.replace('\r', "␍"));
    }
}

/// A Dockerfile `HEALTHCHECK` is the stage's probe; health and the relative path the image
/// was built with (`kc.sh build` in the builder stage) count although the runtime stage does
/// not set them.
#[test]
fn dockerfile_healthcheck_against_the_build() {
    let registry = registry().unwrap();
    let options = target("26.0.5");
    let text = "FROM quay.io/keycloak/keycloak:26.0.5 AS builder\nENV KC_DB=postgres KC_HEALTH_ENABLED=true\nRUN /opt/keycloak/bin/kc.sh build --http-relative-path=/auth\n\nFROM quay.io/keycloak/keycloak:26.0.5\nCOPY --from=builder /opt/keycloak/ /opt/keycloak/\nHEALTHCHECK --interval=30s CMD exec 3<>/dev/tcp/127.0.0.1/8080 && \\\n    echo -e \"GET /health/ready HTTP/1.1\\r\\n\\r\\n\" >&3 && grep -q 200 <&3\nCMD [\"start\", \"--optimized\"]\n";
    let report = lint(registry, "Dockerfile", text, &options);
    expect_rows(&report, text, &[(7, "keycloak/health-check-on-main-port")]);
    let outcome = unsafe_dockerfile_fix(text, &options);
    let fixed = outcome.fixed.expect("fixed");
    assert!(
        fixed.contains(
            "/dev/tcp/127.0.0.1/9000 && \\\n    echo -e \"GET /auth/health/ready HTTP/1.1"
        ),
        "{fixed}"
    );
    assert_eq!(
        outcome.applied.values().sum::<usize>(),
        2,
        "{:?}",
        outcome.applied
    );
    // Right port and path: clean. `HEALTHCHECK NONE` in a later stage removes the check.
    let good = fixed.clone();
    expect_rows(&lint(registry, "Dockerfile", &good, &options), &good, &[]);
    let none = text.replace("CMD [\"start\"", "HEALTHCHECK NONE\nCMD [\"start\"");
    expect_rows(&lint(registry, "Dockerfile", &none, &options), &none, &[]);
    // Without the build in the chain, health is off in the stock image: nothing to check.
    let stock = text.replace("COPY --from=builder /opt/keycloak/ /opt/keycloak/\n", "");
    expect_rows(&lint(registry, "Dockerfile", &stock, &options), &stock, &[]);
}

#[test]
fn copied_cache_xml_redefining_default_caches_on_26_4() {
    let registry = registry().unwrap();
    let (compose_path, compose) = fixture("cache-xml/docker-compose.yml");
    let (xml_path, xml) = fixture("cache-xml/conf/cache-ispn.xml");
    // No `--target`: the release comes from the Compose image in the parent directory.
    let no_target = LintOptions::default();
    let run = |compose: &str, xml_path: &str| {
        let reports = idplint_linter::lint_files(
            registry,
            &[(&compose_path, compose), (xml_path, &xml)],
            &no_target,
        );
        let index = LineIndex::new(&xml);
        reports[1]
            .diagnostics
            .iter()
            .filter(|d| d.code == "keycloak/cache-config-redefines-default-cache")
            .map(|d| index.line_col(d.range.start, &xml).row)
            .collect::<Vec<u32>>()
    };
    // `realms`, `work` and `sessions` are Keycloak's; `invoice-locks` is the team's own.
    assert_eq!(run(&compose, &xml_path), [8, 15, 16]);
    // `cache-config-mutate=true` is the documented way to keep the definitions.
    let mutate = compose.replace(r#""start", "#, r#""start", "--cache-config-mutate=true", "#);
    assert_eq!(run(&mutate, &xml_path), Vec::<u32>::new());
    // Before 26.4 the file is how caches are tuned.
    let older = compose.replace("26.4.2", "26.3.5");
    assert_eq!(run(&older, &xml_path), Vec::<u32>::new());
    // A server configured in an unrelated directory does not silence the file (the release
    // is still the one the whole run agrees on).
    let elsewhere = xml_path.replace("cache-xml/conf", "other-project/conf");
    assert_eq!(run(&mutate, &elsewhere), [8, 15, 16]);
}

/// `(file index, row, message)` of every finding of `code` in a run.
fn run_findings(
    files: &[(&str, &str)],
    options: &LintOptions,
    code: &str,
) -> Vec<(usize, u32, String)> {
    let registry = registry().unwrap();
    let reports = idplint_linter::lint_files(registry, files, options);
    let mut out = Vec::new();
    for (index, (report, (_, text))) in reports.iter().zip(files).enumerate() {
        let lines = LineIndex::new(text);
        for d in report.diagnostics.iter().filter(|d| d.code == code) {
            let row = lines.line_col(d.range.start, text).row;
            out.push((index, row, d.message.clone()));
        }
    }
    out
}

/// The 1-based row of the first line of `text` that contains `needle`.
fn row_containing(text: &str, needle: &str) -> u32 {
    let index = text.lines().position(|l| l.contains(needle));
    index
        .map(|i| i as u32 + 1)
        .unwrap_or_else(|| panic!("{needle} not in the fixture"))
}

/// The rows of `found`, which must be exactly `[row]`.
fn assert_only_row(found: &[(usize, u32, String)], row: u32) {
    let rows: Vec<u32> = found.iter().map(|f| f.1).collect();
    assert_eq!(rows, vec![row], "{found:#?}");
}

#[test]
fn dns_query_naming_a_service_with_a_cluster_ip() {
    const CODE: &str = "keycloak/dns-query-not-headless-service";
    let service = fixture("cluster/service.yaml");
    let discovery = fixture("cluster/discovery-service.yaml");
    let broken = fixture("cluster/statefulset.yaml");
    let clean = fixture("cluster/statefulset-clean.yaml");
    let typo = fixture("cluster/statefulset-typo.yaml");
    let options = LintOptions::default();
    // The StatefulSet queries `keycloak.auth.svc.cluster.local`, the Service of the other file.
    let run = [
        (service.0.as_str(), service.1.as_str()),
        (broken.0.as_str(), broken.1.as_str()),
    ];
    let found = run_findings(&run, &options, CODE);
    let query_row = row_containing(&broken.1, "jgroups.dns.query");
    assert_eq!(found.len(), 1, "{found:#?}");
    assert_eq!((found[0].0, found[0].1), (1, query_row));
    assert!(
        found[0].2.contains("Service `keycloak`") && found[0].2.contains("service.yaml"),
        "{}",
        found[0].2
    );

    // The headless discovery Service is what the clean StatefulSet queries.
    let run = [
        (service.0.as_str(), service.1.as_str()),
        (discovery.0.as_str(), discovery.1.as_str()),
        (clean.0.as_str(), clean.1.as_str()),
    ];
    assert!(run_findings(&run, &options, CODE).is_empty());

    // A misspelt name next to Services of the same namespace...
    let run = [
        (service.0.as_str(), service.1.as_str()),
        (discovery.0.as_str(), discovery.1.as_str()),
        (typo.0.as_str(), typo.1.as_str()),
    ];
    let found = run_findings(&run, &options, CODE);
    assert_eq!(found.len(), 1, "{found:#?}");
    assert_eq!((found[0].0, found[0].1), (2, query_row));
    assert!(found[0].2.contains("`keycloak-discovry`"), "{}", found[0].2);
    // ...but not alone (the Services may live elsewhere), nor when Kustomize renames them.
    let alone = [(typo.0.as_str(), typo.1.as_str())];
    assert!(run_findings(&alone, &options, CODE).is_empty());
    let kustomization_path = typo
        .0
        .replace("statefulset-typo.yaml", "kustomization.yaml");
    let renamed = [
        (service.0.as_str(), service.1.as_str()),
        (typo.0.as_str(), typo.1.as_str()),
        (
            kustomization_path.as_str(),
            "resources: [service.yaml, statefulset-typo.yaml]\nnamePrefix: prod-\n",
        ),
    ];
    assert!(run_findings(&renamed, &options, CODE).is_empty());

    // Another environment's headless Service of the same name does not fix this one.
    let other_environment = service
        .0
        .replace("cluster/service.yaml", "staging/service.yaml");
    let headless = service.1.replace("spec:\n", "spec:\n  clusterIP: None\n");
    let run = [
        (service.0.as_str(), service.1.as_str()),
        (other_environment.as_str(), headless.as_str()),
        (broken.0.as_str(), broken.1.as_str()),
    ];
    assert_eq!(run_findings(&run, &options, CODE).len(), 1);

    // One replica has nobody to find; the Service in another namespace is another Service.
    let single = broken.1.replace("replicas: 3", "replicas: 1");
    let run = [
        (service.0.as_str(), service.1.as_str()),
        (broken.0.as_str(), single.as_str()),
    ];
    assert!(run_findings(&run, &options, CODE).is_empty());
    let elsewhere = service.1.replace("namespace: auth", "namespace: web");
    let run = [
        (service.0.as_str(), elsewhere.as_str()),
        (broken.0.as_str(), broken.1.as_str()),
    ];
    assert!(run_findings(&run, &options, CODE).is_empty());
}

#[test]
fn custom_cache_file_across_26_2_needs_an_explicit_mtls_setting() {
    const CODE: &str = "keycloak/cache-mtls-default-on-custom-stack";
    let broken = fixture("cluster/docker-compose.yml");
    let clean = fixture("cluster/docker-compose.clean.yml");
    // The image says 26.1.4 (current); the target is 26.2.5.
    let found = run_findings(&[(&broken.0, &broken.1)], &target("26.2.5"), CODE);
    assert_only_row(&found, row_containing(&broken.1, "KC_CACHE_CONFIG_FILE"));
    assert!(run_findings(&[(&clean.0, &clean.1)], &target("26.2.5"), CODE).is_empty());
    // Not an upgrade across 26.2: staying on 26.1, or already on 26.2.
    assert!(run_findings(&[(&broken.0, &broken.1)], &target("26.1.4"), CODE).is_empty());
    let on_26_2 = broken.1.replace("keycloak:26.1.4", "keycloak:26.2.5");
    assert!(run_findings(&[(&broken.0, &on_26_2)], &target("26.4.0"), CODE).is_empty());
}

#[test]
fn operator_instances_count_as_replicas() {
    let registry = registry().unwrap();
    let text = "apiVersion: k8s.keycloak.org/v2alpha1\nkind: Keycloak\nmetadata:\n  name: kc\nspec:\n  instances: 2\n  image: quay.io/keycloak/keycloak:26.2.5\n  additionalOptions:\n    - name: cache\n      value: local\n";
    let report = lint(registry, "keycloak.yaml", text, &LintOptions::default());
    assert!(
        report
            .diagnostics
            .iter()
            .any(|d| d.code == "keycloak/replicas-with-local-cache"
                && d.message.starts_with("2 replicas")),
        "{:#?}",
        report.diagnostics
    );
    let single = text.replace("instances: 2", "instances: 1");
    let report = lint(registry, "keycloak.yaml", &single, &LintOptions::default());
    assert!(
        !report
            .diagnostics
            .iter()
            .any(|d| d.code == "keycloak/replicas-with-local-cache")
    );
}

#[test]
fn cache_options_given_only_to_build_are_lost_from_25() {
    const CODE: &str = "keycloak/runtime-option-only-at-build";
    let (path, text) = fixture("cluster/build-script.yaml");
    let (clean_path, clean) = fixture("cluster/build-script-clean.yaml");
    // The image says 25.0.6; every other finding of the fixture is someone else's.
    let found = run_findings(&[(&path, &text)], &LintOptions::default(), CODE);
    let row = row_containing(&text, "--cache-stack");
    let messages: Vec<&str> = found.iter().map(|f| f.2.as_str()).collect();
    assert_eq!(found.len(), 2, "{found:#?}");
    assert!(found.iter().all(|f| f.1 == row), "{found:#?}");
    assert!(messages[0].contains("`--cache`") && messages[1].contains("`--cache-stack`"));
    // `--db` and `--health-enabled` are build-time options: right where they are.
    assert!(
        !messages
            .iter()
            .any(|m| m.contains("--db") || m.contains("--health"))
    );
    assert!(run_findings(&[(&clean_path, &clean)], &LintOptions::default(), CODE).is_empty());
    // Up to 24 the cache options were build-time.
    assert!(run_findings(&[(&path, &text)], &target("24.0.5"), CODE).is_empty());
    // Set for `start` through the environment as well: nothing is lost.
    let with_env = text.replace(
        "          env:\n",
        "          env:\n            - name: KC_CACHE\n              value: ispn\n            - name: KC_CACHE_STACK\n              value: kubernetes\n",
    );
    assert!(run_findings(&[(&path, &with_env)], &LintOptions::default(), CODE).is_empty());
}

#[test]
fn at_most_one_non_xa_datasource() {
    const CODE: &str = "keycloak/several-non-xa-datasources";
    let (path, text) = fixture("datasources/keycloak.conf");
    let (clean_path, clean) = fixture("datasources/keycloak-clean.conf");
    let found = run_findings(&[(&path, &text)], &target("26.4.0"), CODE);
    assert_only_row(
        &found,
        row_containing(&text, "transaction-xa-enabled-legacy-users"),
    );
    assert!(
        found[0].2.contains("the default datasource"),
        "{}",
        found[0].2
    );
    assert!(run_findings(&[(&clean_path, &clean)], &target("26.4.0"), CODE).is_empty());
    // 25 did not have the rule yet; an XA default datasource leaves room for one non-XA.
    assert!(run_findings(&[(&path, &text)], &target("25.0.6"), CODE).is_empty());
    let xa = text.replace(
        "transaction-xa-enabled=false",
        "transaction-xa-enabled=true",
    );
    assert!(run_findings(&[(&path, &xa)], &target("26.4.0"), CODE).is_empty());
    // An unset default is non-XA only where the server builds with these options: a Compose
    // service starting the stock image without `--optimized`, not keycloak.conf alone.
    let unset = text.replace("transaction-xa-enabled=false\n", "");
    assert!(run_findings(&[(&path, &unset)], &target("26.4.0"), CODE).is_empty());
    let compose = "services:\n  keycloak:\n    image: quay.io/keycloak/keycloak:26.4.0\n    command: [start]\n    environment:\n      KC_DB_KIND_LEGACY: mariadb\n      KC_TRANSACTION_XA_ENABLED_LEGACY: \"false\"\n";
    let found = run_findings(
        &[("docker-compose.yml", compose)],
        &LintOptions::default(),
        CODE,
    );
    assert_eq!(found.len(), 1, "{found:#?}");
    let custom = compose
        .replace(
            "quay.io/keycloak/keycloak:26.4.0",
            "registry.example.com/kc:26.4.0",
        )
        .replace("[start]", "[start, --optimized]");
    assert!(run_findings(&[("docker-compose.yml", &custom)], &target("26.4.0"), CODE).is_empty());
}

#[test]
fn network_policy_that_cuts_the_cluster_ports() {
    const CODE: &str = "keycloak/network-policy-blocks-jgroups";
    let workload = fixture("cluster/statefulset-clean.yaml");
    let discovery = fixture("cluster/discovery-service.yaml");
    let policy = fixture("cluster/network-policy.yaml");
    let clean = fixture("cluster/network-policy-clean.yaml");
    let options = LintOptions::default();
    let run_with = |policy_text: &str| {
        let run = [
            (workload.0.as_str(), workload.1.as_str()),
            (discovery.0.as_str(), discovery.1.as_str()),
            (policy.0.as_str(), policy_text),
        ];
        run_findings(&run, &options, CODE)
    };
    // The policy file holds no Keycloak unit; the finding is on its `ingress:`.
    let found = run_with(&policy.1);
    assert_eq!(found.len(), 1, "{found:#?}");
    assert_eq!(found[0].0, 2);
    assert_eq!(found[0].1, row_containing(&policy.1, "  ingress:"));
    assert!(
        found[0].2.contains("TCP 7800 and TCP 57800") && found[0].2.contains("`keycloak`"),
        "{}",
        found[0].2
    );
    assert!(run_with(&clean.1).is_empty());
    // Another namespace's policy, or a selector idplint does not evaluate: not reported.
    assert!(run_with(&policy.1.replace("namespace: auth", "namespace: web")).is_empty());
    let expressions = policy.1.replace(
        "    matchLabels:\n      app: keycloak\n",
        "    matchExpressions:\n      - {key: app, operator: In, values: [keycloak]}\n",
    );
    assert!(run_with(&expressions).is_empty());
    // A rule open to every source on every port admits the cluster traffic too.
    let open = policy.1.replace(
        "      ports:\n        - protocol: TCP\n          port: 8080\n",
        "",
    );
    let open = open.replace(
        "    - from:\n        - namespaceSelector:\n            matchLabels:\n              kubernetes.io/metadata.name: ingress-nginx\n",
        "    - {}\n",
    );
    assert!(run_with(&open).is_empty(), "{open}");
}

#[test]
fn compose_service_built_from_a_dockerfile_of_the_run_is_judged_against_that_build() {
    let registry = registry().unwrap();
    let (compose_path, compose) = fixture("compose-build/docker-compose.yml");
    let (dockerfile_path, dockerfile) = fixture("compose-build/keycloak/Dockerfile.prod");
    let found = |compose: &str, files: &[(&str, &str)]| {
        let mut run = vec![(compose_path.as_str(), compose)];
        run.extend_from_slice(files);
        let reports = idplint_linter::lint_files(registry, &run, &target("26.4.0"));
        let index = LineIndex::new(compose);
        reports[0]
            .diagnostics
            .iter()
            .filter(|d| d.code == "keycloak/optimized-build-time-option")
            .map(|d| {
                (
                    index.line_col(d.range.start, compose).row,
                    d.message.clone(),
                )
            })
            .collect::<Vec<_>>()
    };
    let with_dockerfile = [(dockerfile_path.as_str(), dockerfile.as_str())];
    let findings = found(&compose, &with_dockerfile);
    // `KC_DB=mysql` against a PostgreSQL build, metrics the build did not enable; health was
    // built in, so `KC_HEALTH_ENABLED=true` matches.
    assert_eq!(
        findings.iter().map(|(row, _)| *row).collect::<Vec<_>>(),
        [12, 17],
        "{findings:#?}"
    );
    assert!(
        findings[0].1.contains("built with `postgres`")
            && findings[0].1.contains("Dockerfile.prod"),
        "{}",
        findings[0].1
    );
    // The editor's entry point: the Dockerfile only as context gives the same findings on the
    // Compose file, and none of the Dockerfile's own.
    let in_context = idplint_linter::lint_in_context(
        registry,
        &compose_path,
        &compose,
        &target("26.4.0"),
        &with_dockerfile,
    );
    let index = LineIndex::new(&compose);
    let rows: Vec<u32> = in_context
        .diagnostics
        .iter()
        .filter(|d| d.code == "keycloak/optimized-build-time-option")
        .map(|d| index.line_col(d.range.start, &compose).row)
        .collect();
    assert_eq!(rows, [12, 17], "{:#?}", in_context.diagnostics);
    // The values the build used: nothing to report.
    let matching = compose
        .replace("KC_DB: mysql", "KC_DB: postgres")
        .replace("      KC_METRICS_ENABLED: \"true\"\n", "");
    assert!(found(&matching, &with_dockerfile).is_empty());
    // Without the Dockerfile in the run the build is unknown: silent, not guessed.
    assert!(found(&compose, &[]).is_empty());
    // `target:` picks the stage; a stage without the build knows nothing of it.
    let builder = compose.replace("target: runtime", "target: missing");
    assert!(found(&builder, &with_dockerfile).is_empty());
}
