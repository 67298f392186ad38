//! End-to-end tests of `idplint upgrade` in temporary directories.
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "support/cli.rs"]
mod support_cli;
use serde_json::Value;
use std::path::Path;
use std::process::Output;
use support_cli::run;

fn testdata(path: &str) -> String {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../testdata");
    std::fs::read_to_string(root.join(path)).unwrap()
}

fn document(output: &Output) -> Value {
    serde_json::from_slice(&output.stdout).unwrap_or_else(|e| {
        panic!(
            "not JSON ({e}): {}\n{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        )
    })
}

fn upgrade_to_v0_11_1_json(dir: &Path) -> Output {
    run(
        dir,
        &[
            "upgrade",
            "--to",
            "kratos=v0.11.1",
            "--format",
            "json",
            "--exit-zero",
        ],
    )
}

fn step_kinds(plan: &Value) -> Vec<String> {
    plan["steps"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["kind"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn kratos_seed_000_upgrades_to_v0_11_1() {
    let dir = tempfile::tempdir().unwrap();
    let original = testdata("kratos/seed-000-upgrade/kratos.yml");
    std::fs::write(dir.path().join("kratos.yml"), &original).unwrap();
    let output = upgrade_to_v0_11_1_json(dir.path());
    assert_eq!(
        output.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let fixed = std::fs::read_to_string(dir.path().join("kratos.yml")).unwrap();
    assert!(fixed.contains("version: v0.11.1\n"), "{fixed}");
    assert!(!fixed.contains("message_ttl"), "{fixed}");
    // The v0.11 default changes are pinned (the fixture's expected output carries them).
    let expected = testdata("kratos/seed-000-upgrade/kratos.yml.fixed");
    assert_eq!(
        fixed.replace("version: v0.11.1", "version: v0.10.1"),
        expected.replace("version: v0.11.1", "version: v0.10.1")
    );
    let json = document(&output);
    assert_eq!(json["changed"], serde_json::json!(["kratos.yml"]));
    let plan = &json["plan"][0];
    assert_eq!(plan["product"], "kratos");
    assert_eq!(plan["from"], "v0.10.1");
    assert_eq!(plan["to"], "v0.11.1");
    let kinds = step_kinds(plan);
    let at = |k: &str| kinds.iter().position(|x| x == k).unwrap();
    assert!(at("backup") < at("migrate"), "{kinds:?}");
    assert!(at("migrate") < at("deploy"), "{kinds:?}");
    assert!(kinds.iter().any(|k| k == "breaking-change"), "{kinds:?}");
    assert!(json["findings"].is_array());

    // A second upgrade changes nothing.
    let output = run(
        dir.path(),
        &[
            "upgrade",
            "--to",
            "kratos=v0.11.1",
            "--check",
            "--exit-zero",
        ],
    );
    assert_eq!(
        output.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert_eq!(
        std::fs::read_to_string(dir.path().join("kratos.yml")).unwrap(),
        fixed
    );
}

#[test]
fn compose_keycloak_24_to_26_4() {
    let dir = tempfile::tempdir().unwrap();
    let compose = "services:\n  keycloak:\n    image: quay.io/keycloak/keycloak:24.0\n    command: start\n    environment:\n      KC_PROXY: edge\n      KC_HOSTNAME: auth.example.com\n";
    std::fs::write(dir.path().join("compose.yaml"), compose).unwrap();
    // --diff writes nothing and shows the change.
    let output = run(
        dir.path(),
        &["upgrade", "--to", "keycloak=26.4.0", "--diff"],
    );
    assert_eq!(output.status.code(), Some(1));
    let diff = String::from_utf8_lossy(&output.stdout);
    assert!(
        diff.contains("+    image: quay.io/keycloak/keycloak:26.4.0"),
        "{diff}"
    );
    assert_eq!(
        std::fs::read_to_string(dir.path().join("compose.yaml")).unwrap(),
        compose
    );

    let output = run(
        dir.path(),
        &["upgrade", "--to", "keycloak=26.4.0", "--exit-zero"],
    );
    assert_eq!(
        output.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let upgraded = std::fs::read_to_string(dir.path().join("compose.yaml")).unwrap();
    assert!(
        upgraded.contains("image: quay.io/keycloak/keycloak:26.4.0\n"),
        "{upgraded}"
    );
    assert!(!upgraded.contains("KC_PROXY: edge"), "{upgraded}");
    let text = String::from_utf8_lossy(&output.stdout);
    assert!(
        text.contains("Upgrade plan for keycloak (24.0 -> 26.4.0)"),
        "{text}"
    );
    assert!(text.contains("9000"), "{text}");
}

/// Seed 001 done-when: the v0.10.1 Kubernetes deployment (ConfigMaps + migration Job +
/// Deployment) gets its production findings in host-file rows, and `upgrade --to
/// kratos=v0.11.1` pins the recovery/verification/link defaults and plans backup, then the
/// named migration Job, then the named Deployment.
#[test]
fn kratos_seed_001_kubernetes_findings_and_upgrade_plan() {
    let dir = tempfile::tempdir().unwrap();
    for name in [
        "kratos-config.yml",
        "kratos-deployment.yml",
        "kratos-identity-schema.yml",
    ] {
        let text = testdata(&format!("kratos/seed-001-kubernetes/{name}"));
        std::fs::write(dir.path().join(name), text).unwrap();
    }
    let config_before = testdata("kratos/seed-001-kubernetes/kratos-config.yml");
    let row_of = |needle: &str| {
        config_before
            .lines()
            .position(|line| line.contains(needle))
            .map(|index| index as u64 + 1)
            .unwrap_or_else(|| panic!("{needle} not in the fixture"))
    };
    let output = run(
        dir.path(),
        &["check", "--format", "json", "--exit-zero", "."],
    );
    let findings = document(&output);
    let rows: Vec<(String, String, u64)> = findings
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["code"].as_str().unwrap().to_string(),
                f["filename"].as_str().unwrap_or_default().to_string(),
                f["location"]["row"].as_u64().unwrap(),
            )
        })
        .collect();
    let has = |code: &str, row: u64| {
        rows.iter()
            .any(|(c, file, r)| c == code && file.ends_with("kratos-config.yml") && *r == row)
    };
    assert!(
        has("kratos/sqlite-in-production", row_of("dsn: memory")),
        "{rows:?}"
    );
    assert!(
        has("kratos/bcrypt-cost-below-minimum", row_of("cost: 8")),
        "{rows:?}"
    );
    let placeholders = rows
        .iter()
        .filter(|(c, _, _)| c == "kratos/placeholder-secret")
        .count();
    assert!(placeholders >= 2, "{rows:?}");
    let insecure = rows
        .iter()
        .filter(|(c, _, _)| c == "kratos/insecure-url")
        .count();
    assert!(insecure >= 5, "{rows:?}");
    // Secret values never reach the report.
    let raw = String::from_utf8_lossy(&output.stdout);
    assert!(!raw.contains("REPLACE_ME_WITH_A_TOKEN"), "{raw}");

    let output = upgrade_to_v0_11_1_json(dir.path());
    let json = document(&output);
    let config = std::fs::read_to_string(dir.path().join("kratos-config.yml")).unwrap();
    assert_eq!(config.matches("use: link").count(), 2, "{config}");
    assert!(
        config.contains("link:\n          enabled: true"),
        "{config}"
    );
    let manifests = std::fs::read_to_string(dir.path().join("kratos-deployment.yml")).unwrap();
    assert_eq!(manifests.matches("oryd/kratos:v0.11.1").count(), 2);
    let plan = &json["plan"][0];
    let kinds = step_kinds(plan);
    let at = |k: &str| kinds.iter().position(|x| x == k).unwrap();
    assert_eq!(at("backup"), 0, "{kinds:?}");
    assert!(at("migrate") < at("deploy"), "{kinds:?}");
    let steps = plan["steps"].as_array().unwrap();
    let migrate = &steps[at("migrate")];
    assert_eq!(
        migrate["workloads"],
        serde_json::json!([{"file": "kratos-deployment.yml", "line": 1, "kind": "Job",
            "name": "kratos-migration", "migrates": true}])
    );
    let text = migrate["text"].as_str().unwrap();
    let job = text.find("Job `kratos-migration`").unwrap();
    let deployment = text.find("Deployment `kratos`").unwrap();
    assert!(job < deployment, "{text}");
    assert!(text.contains("503") && text.contains("migrations have not yet been fully applied"));
    let deploy = &steps[at("deploy")];
    assert_eq!(deploy["workloads"][0]["kind"], "Deployment");
    assert_eq!(deploy["workloads"][0]["name"], "kratos");
}
