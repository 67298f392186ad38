//! Issue 3's end-to-end case: the Kratos v0.10.1 Kubernetes deployment of seed 001
//! (ConfigMaps holding kratos.yml and the identity schema, a migration Job, the Deployment):
//! the production hazards on their exact rows. The upgrade half is
//! `tests/upgrade.rs::kratos_seed_001_kubernetes_findings_and_upgrade_plan`.
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "support/cli.rs"]
mod support_cli;
use serde_json::Value;
use std::path::Path;
use support_cli::{row_of, run};

const FIXTURE: &str = "testdata/kratos/seed-001-kubernetes";

fn setup() -> tempfile::TempDir {
    let source = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .join(FIXTURE);
    let dir = tempfile::tempdir().unwrap();
    for entry in std::fs::read_dir(source).unwrap() {
        let path = entry.unwrap().path();
        std::fs::copy(&path, dir.path().join(path.file_name().unwrap())).unwrap();
    }
    dir
}

#[test]
fn production_hazards_are_reported_in_host_coordinates() {
    let dir = setup();
    let config = std::fs::read_to_string(dir.path().join("kratos-config.yml")).unwrap();
    let output = run(dir.path(), &["check", ".", "--format", "json"]);
    assert_eq!(output.status.code(), Some(1));
    let items: Value = serde_json::from_slice(&output.stdout).unwrap();
    let found: Vec<(String, String, u64)> = items
        .as_array()
        .unwrap()
        .iter()
        .map(|i| {
            (
                i["code"].as_str().unwrap().to_string(),
                i["filename"].as_str().unwrap().to_string(),
                i["location"]["row"].as_u64().unwrap(),
            )
        })
        .collect();
    let has = |code: &str, row: u64| {
        assert!(
            found
                .iter()
                .any(|(c, f, r)| c == code && f.ends_with("kratos-config.yml") && *r == row),
            "{code} expected on kratos-config.yml:{row}; found {found:?}"
        );
    };
    has(
        "kratos/sqlite-in-production",
        row_of(&config, "dsn: memory"),
    );
    has(
        "kratos/bcrypt-cost-below-minimum",
        row_of(&config, "cost: 8"),
    );
    has("kratos/placeholder-secret", row_of(&config, "cookie:") + 1);
    has("kratos/placeholder-secret", row_of(&config, "cipher:") + 1);
    has(
        "kratos/insecure-url",
        row_of(&config, "ui_url: http://app.example.com/recovery"),
    );
    // The placeholder values themselves are never printed.
    let text = String::from_utf8_lossy(&output.stdout);
    let secret_line = config
        .lines()
        .nth(row_of(&config, "cookie:") as usize)
        .unwrap();
    let secret = secret_line
        .trim()
        .trim_start_matches("- ")
        .trim_matches('"');
    assert!(!text.contains(secret), "secret printed");
}
