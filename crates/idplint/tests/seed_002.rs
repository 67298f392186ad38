//! Issue 4's end-to-end case: the seed 002 ECS task definition (Keycloak on Fargate with
//! `KC_PROXY=edge`, hostname v1, `KEYCLOAK_ADMIN`, `KC_ADMIN_HOSTNAME`, `KC_DB_URL` beside its
//! parts and `command: ["--verbose start"]`), checked for Keycloak 26 and upgraded to 26.4.0.
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "support/cli.rs"]
mod support_cli;
use serde_json::Value;
use std::path::Path;
use std::process::Output;
use support_cli::{row_of, run};

const FIXTURE: &str = "testdata/keycloak/seed-002-ecs/task-definition.json";
/// The literal passwords of the fixture (`KC_DB_PASSWORD`, `KEYCLOAK_ADMIN_PASSWORD`).
const PASSWORDS: [&str; 2] = ["change-me", "change-me-too"];

fn fixture() -> String {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    std::fs::read_to_string(root.join(FIXTURE)).unwrap()
}

fn setup() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("task-definition.json"), fixture()).unwrap();
    dir
}

/// `(code, severity, row)` of every finding, from `--format json`.
fn findings(output: &Output) -> Vec<(String, String, u64)> {
    let items: Value = serde_json::from_slice(&output.stdout).unwrap_or_else(|e| {
        panic!(
            "not JSON ({e}): {}",
            String::from_utf8_lossy(&output.stdout)
        )
    });
    items
        .as_array()
        .unwrap()
        .iter()
        .map(|item| {
            (
                item["code"].as_str().unwrap().to_string(),
                item["severity"].as_str().unwrap().to_string(),
                item["location"]["row"].as_u64().unwrap(),
            )
        })
        .collect()
}

#[test]
fn checked_for_26_every_hazard_is_on_its_row_and_no_password_leaks() {
    let dir = setup();
    let text = fixture();
    let output = run(
        dir.path(),
        &["check", "--target", "keycloak=26.0.0", "--format", "json"],
    );
    assert_eq!(output.status.code(), Some(1));
    let found = findings(&output);
    let has = |code: &str, needle: &str| {
        let row = row_of(&text, needle);
        assert!(
            found.iter().any(|(c, _, r)| c == code && *r == row),
            "{code} expected on row {row} ({needle}); found {found:?}"
        );
    };
    has("keycloak/command-in-one-element", "\"--verbose start\"");
    has("keycloak/proxy-option-removed", "\"KC_PROXY\"");
    has("keycloak/unknown-option", "\"KC_ADMIN_HOSTNAME\"");
    has("keycloak/bootstrap-admin-renamed", "\"KEYCLOAK_ADMIN\"");
    has(
        "keycloak/bootstrap-admin-renamed",
        "\"KEYCLOAK_ADMIN_PASSWORD\"",
    );
    has(
        "keycloak/hostname-v1-option-removed",
        "\"KC_HOSTNAME_STRICT_HTTPS\"",
    );
    has(
        "keycloak/hostname-v1-option-removed",
        "\"KC_HOSTNAME_STRICT_BACKCHANNEL\"",
    );
    has("keycloak/db-url-with-parts", "\"KC_DB_URL\"");
    // Secrets are reported on the value, the line after the name.
    let password_value_row = row_of(&text, "\"KC_DB_PASSWORD\"") + 1;
    assert!(
        found
            .iter()
            .any(|(c, _, r)| c == "keycloak/literal-secret" && *r == password_value_row),
        "{found:?}"
    );
    let json = String::from_utf8_lossy(&output.stdout);
    assert!(json.contains("did you mean `KC_HOSTNAME_ADMIN`"), "{json}");

    for format in ["text", "json", "sarif", "github", "gitlab", "junit"] {
        let output = run(
            dir.path(),
            &["check", "--target", "keycloak=26.0.0", "--format", format],
        );
        let all = format!(
            "{}{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        );
        for password in PASSWORDS {
            // Quoted, as the value would appear if it were printed.
            assert!(
                !all.contains(&format!("\"{password}\"")) && !all.contains(&format!("={password}")),
                "{format} prints a password"
            );
        }
    }
}

#[test]
fn upgraded_to_26_4_raises_no_error_and_keeps_the_json_layout() {
    let dir = setup();
    let before = fixture();
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
    let after = std::fs::read_to_string(dir.path().join("task-definition.json")).unwrap();
    assert_ne!(before, after);
    serde_json::from_str::<Value>(&after).expect("still JSON");

    // No error for 26.4 remains in the env set.
    let output = run(
        dir.path(),
        &["check", "--target", "keycloak=26.4.0", "--format", "json"],
    );
    let errors: Vec<_> = findings(&output)
        .into_iter()
        .filter(|(_, severity, _)| severity == "error")
        .collect();
    assert!(errors.is_empty(), "{errors:?}\n{after}");

    // Formatting: every line the upgrade did not rewrite is still there, byte for byte and in
    // order (indentation, key order, spacing), and no line was re-indented.
    let kept: Vec<&str> = after.lines().collect();
    let original: Vec<&str> = before.lines().collect();
    let unchanged = longest_common_subsequence(&original, &kept);
    // 5 entries are rewritten in place and 3 removed (4 lines each): at most 17 of 168 lines.
    assert!(
        unchanged + 20 >= original.len(),
        "only {unchanged} of {} lines kept:\n{after}",
        original.len()
    );
    for line in &kept {
        let indent = line.len() - line.trim_start().len();
        assert_eq!(indent % 4, 0, "re-indented line: {line:?}");
    }
    assert_eq!(after.ends_with('\n'), before.ends_with('\n'));
    // A private ECR image carries no Keycloak version: its tag is left alone.
    assert!(after.contains("keycloak-test:v1\""), "{after}");
}

/// The seed's ECS service registers container `keycloak-test` (port 8080) of task definition
/// `keycloak-test` in target group `keycloak-http`; its health check (`target-group.json`,
/// `describe-target-groups` output: `/health/ready` on `traffic-port`) is then aimed at the
/// main port, while 25+ serves health on 9000.
#[test]
fn load_balancer_health_check_follows_service_to_task_definition() {
    const CODE: &str = "keycloak/load-balancer-health-check-on-main-port";
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../testdata/keycloak/seed-002-ecs");
    let read = |name: &str| std::fs::read_to_string(root.join(name)).unwrap();
    let dir = setup();
    for name in ["service-definition.json", "target-group.json"] {
        std::fs::write(dir.path().join(name), read(name)).unwrap();
    }
    let hits = |target: &str| -> Vec<(String, u64, String)> {
        let output = run(
            dir.path(),
            &[
                "check",
                "--target",
                target,
                "--format",
                "json",
                "--exit-zero",
            ],
        );
        let items: Value = serde_json::from_slice(&output.stdout).unwrap();
        items
            .as_array()
            .unwrap()
            .iter()
            .filter(|item| item["code"] == CODE)
            .map(|item| {
                (
                    item["filename"].as_str().unwrap().to_string(),
                    item["location"]["row"].as_u64().unwrap(),
                    item["message"].as_str().unwrap().to_string(),
                )
            })
            .collect()
    };
    let group = read("target-group.json");
    let found = hits("keycloak=26.0.0");
    assert_eq!(found.len(), 1, "{found:?}");
    assert!(found[0].0.ends_with("target-group.json"), "{found:?}");
    assert_eq!(found[0].1, row_of(&group, "\"HealthCheckPort\""));
    assert!(
        found[0].2.contains("`keycloak-http`") && found[0].2.contains("container port 8080"),
        "{}",
        found[0].2
    );
    // 24 still serves health on 8080; a check on 9000 is right for 25+.
    assert!(hits("keycloak=24.0.5").is_empty());
    std::fs::write(
        dir.path().join("target-group.json"),
        read("target-group-clean.json"),
    )
    .unwrap();
    assert!(hits("keycloak=26.0.0").is_empty());
    // Without the task definition nothing says the targets run Keycloak.
    std::fs::write(dir.path().join("target-group.json"), &group).unwrap();
    std::fs::remove_file(dir.path().join("task-definition.json")).unwrap();
    assert!(hits("keycloak=26.0.0").is_empty());
}

fn longest_common_subsequence(a: &[&str], b: &[&str]) -> usize {
    let mut row = vec![0usize; b.len() + 1];
    for x in a {
        let mut diagonal = 0;
        for (j, y) in b.iter().enumerate() {
            let above = row[j + 1];
            row[j + 1] = if x == y {
                diagonal + 1
            } else {
                row[j + 1].max(row[j])
            };
            diagonal = above;
        }
    }
    row[b.len()]
}
