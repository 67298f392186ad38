//! Keycloak env sets take their version from the image tag in the same file: a Compose file
//! and an ECS task definition on 26.0.5 that still carry 22-era settings are flagged without
//! any `--target`.

use idplint_diagnostics::LineIndex;
use idplint_linter::{LintOptions, lint, registry};
use std::path::PathBuf;

fn findings(path: &str) -> Vec<(String, u32, String)> {
    let registry = match registry() {
        Ok(r) => r,
        Err(errors) => panic!("rule files do not load:\n{}", errors.join("\n")),
    };
    let full = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../testdata/keycloak/image-26")
        .join(path);
    let text = std::fs::read_to_string(&full).unwrap_or_else(|e| panic!("{}: {e}", full.display()));
    let report = lint(
        registry,
        &full.display().to_string(),
        &text,
        &LintOptions::default(),
    );
    let index = LineIndex::new(&text);
    report
        .diagnostics
        .iter()
        .map(|d| {
            (
                d.code.clone(),
                index.line_col(d.range.start, &text).row,
                d.message.clone(),
            )
        })
        .collect()
}

fn assert_has(found: &[(String, u32, String)], code: &str, row: u32) {
    assert!(
        found.iter().any(|(c, r, _)| c == code && *r == row),
        "expected {code} on row {row}, got {found:#?}"
    );
}

#[test]
fn compose_on_26_gets_every_upgrade_hazard() {
    let found = findings("docker-compose.yml");
    assert_has(&found, "keycloak/proxy-option-removed", 8);
    assert_has(&found, "keycloak/db-url-with-parts", 10);
    assert_has(&found, "keycloak/bootstrap-admin-renamed", 14);
    assert_has(&found, "keycloak/bootstrap-admin-renamed", 15);
    assert_has(&found, "keycloak/unknown-option", 16);
    let unknown = found
        .iter()
        .find(|(c, _, _)| c == "keycloak/unknown-option")
        .map(|(_, _, m)| m.clone())
        .unwrap_or_default();
    assert!(unknown.contains("KC_HOSTNAME_ADMIN"), "{unknown}");
    assert!(
        found.iter().all(|(c, _, _)| c != "idplint/version-unknown"),
        "{found:#?}"
    );
}

#[test]
fn ecs_on_26_gets_every_upgrade_hazard() {
    let found = findings("task-definition.json");
    assert_has(&found, "keycloak/proxy-option-removed", 11);
    assert_has(&found, "keycloak/db-url-with-parts", 13);
    assert_has(&found, "keycloak/bootstrap-admin-renamed", 15);
    assert_has(&found, "keycloak/unknown-option", 16);
    // Secrets come from Secrets Manager: no literal-secret finding.
    assert!(
        found.iter().all(|(c, _, _)| c != "keycloak/literal-secret"),
        "{found:#?}"
    );
}
