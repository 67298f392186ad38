//! Production and security checks, environment-variable overrides and Helm values for Kratos:
//! seed 001 (a Kubernetes deployment with placeholder secrets, `dsn: memory`, bcrypt cost 8
//! and a mix of http and https URLs), a Compose file with Kratos variables, a Helm values
//! file, and the Kratos configs of ../shared/corpus/kratos-config. Rows are host-file rows.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use idplint_diagnostics::{Diagnostic, LineIndex, Severity};
use idplint_linter::{FileReport, LintOptions, lint, registry};
use std::collections::BTreeMap;
use std::path::PathBuf;

/// The rules this file is about; other rules (version-keyed, key catalog) are filtered out
/// so these tests do not depend on them.
const RULES: &[&str] = &[
    "kratos/invalid-secret",
    "kratos/placeholder-secret",
    "kratos/plaintext-credential",
    "kratos/secrets-missing",
    "kratos/sqlite-in-production",
    "kratos/bcrypt-cost-below-minimum",
    "kratos/leak-sensitive-values",
    "kratos/smtp-tls-disabled",
    "kratos/insecure-url",
    "kratos/cors-wildcard-origin",
    "kratos/ineffective-return-url",
    "kratos/cookie-settings-conflict",
    "kratos/fallback-ui-url",
    "kratos/default-from-address",
    "kratos/private-ip-ranges-allowed",
    "kratos/unknown-env-variable",
    "kratos/invalid-env-value",
];

fn testdata(path: &str) -> (String, String) {
    let full = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../testdata")
        .join(path);
    let text = std::fs::read_to_string(&full).unwrap_or_else(|e| panic!("{}: {e}", full.display()));
    (full.display().to_string(), text)
}

fn lint_text(path: &str, text: &str) -> FileReport {
    let registry = match registry() {
        Ok(r) => r,
        Err(errors) => panic!("rule files do not load:\n{}", errors.join("\n")),
    };
    let options = LintOptions {
        select: RULES.iter().map(|s| s.to_string()).collect(),
        ..LintOptions::default()
    };
    lint(registry, path, text, &options)
}

/// (code, 1-based row) of every diagnostic, in report order.
fn rows(text: &str, diagnostics: &[Diagnostic]) -> Vec<(String, u32)> {
    let index = LineIndex::new(text);
    diagnostics
        .iter()
        .map(|d| (d.code.clone(), index.line_col(d.range.start, text).row))
        .collect()
}

fn expected(rows: &[(&str, u32)]) -> Vec<(String, u32)> {
    rows.iter().map(|(c, r)| (c.to_string(), *r)).collect()
}

/// No secret value (any secret range longer than a few characters) appears in the Debug
/// output of the diagnostics, fixes included.
fn assert_no_secret_in_output(text: &str, report: &FileReport) {
    let debug = format!("{:?}", report.diagnostics);
    for range in &report.secrets {
        let Some(secret) = range.slice(text) else {
            panic!("secret range {range:?} is outside the text");
        };
        // `memory` (the in-memory DSN) is a keyword, not a credential, and short values are
        // words messages may contain for other reasons.
        if secret.len() >= 12 {
            assert!(
                !debug.contains(secret),
                "a secret value appears in the diagnostics: {debug}"
            );
        }
    }
}

#[test]
fn seed_001_configmap_production_findings_in_host_rows() {
    let (path, text) = testdata("kratos/seed-001-kubernetes/kratos-config.yml");
    let report = lint_text(&path, &text);
    assert_eq!(
        rows(&text, &report.diagnostics),
        expected(&[
            ("kratos/sqlite-in-production", 11),
            ("kratos/insecure-url", 27),
            ("kratos/insecure-url", 33),
            ("kratos/insecure-url", 35),
            ("kratos/insecure-url", 39),
            ("kratos/insecure-url", 42),
            ("kratos/insecure-url", 44),
            ("kratos/insecure-url", 47),
            ("kratos/insecure-url", 49),
            ("kratos/insecure-url", 53),
            ("kratos/placeholder-secret", 65),
            ("kratos/invalid-secret", 67),
            ("kratos/placeholder-secret", 67),
            ("kratos/bcrypt-cost-below-minimum", 73),
            ("kratos/default-from-address", 81),
            ("kratos/plaintext-credential", 81),
            ("kratos/smtp-tls-disabled", 81),
        ]),
        "{:#?}",
        report.diagnostics
    );
    let by_code = |code: &str| {
        report
            .diagnostics
            .iter()
            .find(|d| d.code == code)
            .unwrap_or_else(|| panic!("no {code}"))
    };
    // `dsn: memory` is an error in production; the key is pointed at, not the value.
    let dsn = by_code("kratos/sqlite-in-production");
    assert_eq!(dsn.severity, Severity::Error);
    assert_eq!(&text[dsn.range.as_usize()], "dsn");
    // The cipher placeholder is 23 characters: the schema wants exactly 32.
    let cipher = by_code("kratos/invalid-secret");
    assert!(cipher.message.contains("`secrets.cipher[0]`"));
    assert!(cipher.message.contains("exactly 32"));
    // bcrypt 8 -> 12 is offered as a safe fix, in host coordinates.
    let bcrypt = by_code("kratos/bcrypt-cost-below-minimum");
    let fix = bcrypt.fix.as_ref().expect("bcrypt fix");
    assert_eq!(&text[fix.edits[0].range.as_usize()], "8");
    assert_eq!(fix.edits[0].content, "12");
    // The mix: the public base URL is https, the UI pages are not.
    let login = report
        .diagnostics
        .iter()
        .find(|d| d.message.contains("flows.login.ui_url"))
        .expect("login ui_url");
    assert!(login.message.contains("the public base URL is https://"));
    assert_eq!(
        &text[login.range.as_usize()],
        "http://app.example.com/login"
    );
    // The admin base URL (http, cluster-internal) is not reported.
    assert!(
        !report
            .diagnostics
            .iter()
            .any(|d| d.message.contains("serve.admin"))
    );
    // The placeholders, the DSN and the SMTP URI are secret ranges, never in messages.
    for needle in ["REPLACE_ME_WITH_A_TOKEN", "smtps://test:test@mailslurper"] {
        let at = text.find(needle).unwrap_or(0) as u32;
        assert!(report.secrets.iter().any(|r| r.start == at), "{needle}");
    }
    assert_no_secret_in_output(&text, &report);
    assert!(!format!("{:?}", report.diagnostics).contains("REPLACE_ME"));
}

#[test]
fn seed_001_in_dev_mode_keeps_only_what_breaks_startup() {
    let (path, text) = testdata("kratos/seed-001-kubernetes/kratos-config.yml");
    let dev = text.replace("    dev: false", "    dev: true");
    let report = lint_text(&path, &dev);
    assert_eq!(
        rows(&dev, &report.diagnostics),
        expected(&[("kratos/invalid-secret", 67)]),
        "{:#?}",
        report.diagnostics
    );
}

#[test]
fn compose_env_variables_are_mapped_to_keys() {
    let (path, text) = testdata("kratos/compose-env/docker-compose.yml");
    let report = lint_text(&path, &text);
    assert_eq!(
        report.units,
        vec![
            "Compose service `kratos-migrate`".to_string(),
            "Compose service `kratos`".to_string(),
        ],
        "the UI and postgres services are not Kratos"
    );
    let found = rows(&text, &report.diagnostics);
    assert_eq!(
        found,
        expected(&[
            // A production setup (https base URL, no `--dev`): the literal DSN of both
            // services and the SMTP password are credentials written into the file.
            ("kratos/plaintext-credential", 8),
            ("kratos/plaintext-credential", 14),
            ("kratos/unknown-env-variable", 19),
            ("kratos/invalid-env-value", 20),
            ("kratos/plaintext-credential", 21),
            ("kratos/invalid-env-value", 22),
        ]),
        "{:#?}",
        report.diagnostics
    );
    let credential = &report.diagnostics[0];
    assert!(
        credential
            .message
            .starts_with("`DSN` (`dsn`) carries a credential"),
        "{}",
        credential.message
    );
    let report_without_credentials: Vec<&Diagnostic> = report
        .diagnostics
        .iter()
        .filter(|d| d.code != "kratos/plaintext-credential")
        .collect();
    let typo = report_without_credentials[0];
    assert_eq!(
        &text[typo.range.as_usize()],
        "SELFSERVICE_FLOWS_REGISTRATON_UI_URL"
    );
    assert!(
        typo.message
            .contains("did you mean `SELFSERVICE_FLOWS_REGISTRATION_UI_URL` (`selfservice.flows.registration.ui_url`)"),
        "{}",
        typo.message
    );
    assert!(typo.message.contains("Kratos v1.1.0"), "{}", typo.message);
    let json = report_without_credentials[1];
    assert!(
        json.message.contains("is not valid JSON"),
        "{}",
        json.message
    );
    let boolean = report_without_credentials[2];
    assert!(
        boolean.message.contains("reads it as false"),
        "{}",
        boolean.message
    );
    // DSN, cookie secret, SMTP URI and the OIDC providers (client secrets) are masked.
    for needle in [
        "postgres://kratos:kratos-db-pw-1234",
        "3mVq9TzR7xLp2WcK8nYb5HdF1gJs6Qa4",
        "smtps://mailer:smtp-pw-5678",
        "'[{\"id\": \"google\"",
    ] {
        let at = text.find(needle).unwrap_or(0) as u32;
        assert!(
            report.secrets.iter().any(|r| r.start == at),
            "{needle} is not a secret range"
        );
    }
    assert_no_secret_in_output(&text, &report);
}

#[test]
fn kratos_env_file_reports_every_unknown_variable() {
    let (path, text) = testdata("kratos/compose-env/kratos.env");
    let report = lint_text(&path, &text);
    assert_eq!(
        rows(&text, &report.diagnostics),
        expected(&[
            ("kratos/unknown-env-variable", 5),
            ("kratos/unknown-env-variable", 6)
        ]),
        "{:#?}",
        report.diagnostics
    );
    assert!(
        report.diagnostics[0]
            .message
            .contains("`SELFSERVICE_FLOWS_RECOVERY_ENABLED`")
    );
    // Kratos reads no prefix: `KRATOS_LOG_LEVEL` is `LOG_LEVEL` misspelt.
    assert!(
        report.diagnostics[1]
            .message
            .contains("did you mean `LOG_LEVEL` (`log.level`)"),
        "{}",
        report.diagnostics[1].message
    );
    assert_no_secret_in_output(&text, &report);
}

#[test]
fn helm_values_config_is_a_unit_in_host_coordinates() {
    let (path, text) = testdata("kratos/helm-values/values.yaml");
    let report = lint_text(&path, &text);
    assert!(
        report
            .units
            .contains(&"Helm values `kratos.config`".to_string()),
        "{:?}",
        report.units
    );
    // `kratos.identitySchemas` entries are identity-schema units (found by the identity
    // module, which reads `*.json` block scalars in any YAML file).
    assert!(
        report
            .units
            .iter()
            .any(|u| u.ends_with("key identity.default.schema.json")),
        "{:?}",
        report.units
    );
    assert_eq!(
        rows(&text, &report.diagnostics),
        expected(&[
            ("kratos/sqlite-in-production", 12),
            ("kratos/cors-wildcard-origin", 17),
            ("kratos/placeholder-secret", 20),
            ("kratos/placeholder-secret", 22),
            ("kratos/plaintext-credential", 30),
            ("kratos/smtp-tls-disabled", 30),
        ]),
        "{:#?}",
        report.diagnostics
    );
    assert_no_secret_in_output(&text, &report);
    // `kratos.development: true` is the chart's `--dev`.
    let dev = text.replace("development: false", "development: true");
    let report = lint_text(&path, &dev);
    assert!(report.diagnostics.is_empty(), "{:#?}", report.diagnostics);
}

#[test]
fn helm_values_version_comes_from_the_chart_image() {
    let (path, text) = testdata("kratos/helm-values/values.yaml");
    // `courier.message_ttl` was removed in v0.11: with the chart's image at v1.1.0 the
    // version-keyed rule sees a v1.1.0 config without any --target.
    let with_ttl = text.replace("    courier:\n", "    courier:\n      message_ttl: 1h\n");
    let registry = match registry() {
        Ok(r) => r,
        Err(errors) => panic!("{}", errors.join("\n")),
    };
    let report = lint(registry, &path, &with_ttl, &LintOptions::default());
    assert!(
        !report
            .diagnostics
            .iter()
            .any(|d| d.code == "idplint/version-unknown"),
        "{:#?}",
        report.diagnostics
    );
    assert!(
        report
            .diagnostics
            .iter()
            .any(|d| d.code == "kratos/courier-message-ttl-removed"),
        "{:#?}",
        report.diagnostics
    );
}

/// Every Kratos config of the corpus: no panic, ranges inside the text, no secret in any
/// message; prints the count per rule (`-- --nocapture`) for review.
#[test]
fn corpus_counts_per_rule() {
    let dir =
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/corpus/kratos-config");
    let Ok(entries) = std::fs::read_dir(&dir) else {
        eprintln!("{} not found; skipping", dir.display());
        return;
    };
    let mut files: Vec<PathBuf> = entries.flatten().map(|e| e.path()).collect();
    files.sort();
    let mut counts: BTreeMap<String, usize> = BTreeMap::new();
    let mut per_file: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for file in files {
        if file.file_name().is_some_and(|n| n == "PROVENANCE.md") {
            continue;
        }
        let Ok(text) = std::fs::read_to_string(&file) else {
            continue;
        };
        let path = file.display().to_string();
        let report = lint_text(&path, &text);
        for d in &report.diagnostics {
            assert!(
                text.get(d.range.as_usize()).is_some(),
                "{path}: {} has a range outside the text",
                d.code
            );
            *counts.entry(d.code.clone()).or_default() += 1;
            per_file
                .entry(
                    file.file_name()
                        .map(|n| n.to_string_lossy().to_string())
                        .unwrap_or_default(),
                )
                .or_default()
                .push(d.code.trim_start_matches("kratos/").to_string());
        }
        assert_no_secret_in_output(&text, &report);
    }
    eprintln!("kratos-config corpus, findings per rule:");
    for (code, count) in &counts {
        eprintln!("{count:>5}  {code}");
    }
    for (file, codes) in &per_file {
        eprintln!("  {file}: {}", codes.join(" "));
    }
}

#[test]
fn variables_get_the_production_checks_unless_the_setup_is_a_development_one() {
    let (path, text) = testdata("kratos/compose-env/docker-compose.yml");
    let count = |text: &str, code: &str| {
        lint_text(&path, text)
            .diagnostics
            .iter()
            .filter(|d| d.code == code)
            .count()
    };
    assert_eq!(count(&text, "kratos/plaintext-credential"), 3);
    // `--dev` on the server marks the whole file as a development setup, migration job too.
    let dev = text.replace("--watch-courier", "--watch-courier --dev");
    assert_eq!(count(&dev, "kratos/plaintext-credential"), 0);
    // A public base URL on this machine marks that container only: the migration job next
    // to it says nothing about where it runs, so its DSN is still reported.
    let local = text.replace("https://auth.example.com/", "http://127.0.0.1:4433/");
    assert_eq!(count(&local, "kratos/plaintext-credential"), 1);

    // A `.env` for Kratos: credentials are what it is for, placeholders are still findings,
    // in every form Kratos reads a list from.
    let env = "DSN=postgres://kratos:kratos-db-pw-1234@postgres:5432/kratos\n\
               SERVE_PUBLIC_BASE_URL=https://auth.example.com/\n\
               SECRETS_COOKIE=Yq3v8sPzL2mK9tRwX5bN7cJ4hF6gD1aE,PLEASE-CHANGE-ME-I-AM-VERY-INSECURE\n\
               SECRETS_DEFAULT='[\"PLEASE-CHANGE-ME-I-AM-VERY-INSECURE\"]'\n\
               SECRETS_CIPHER_0=32-LONG-SECRET-NOT-SECURE-AT-ALL\n\
               SECRETS_PAGINATION=Yq3v8sPzL2mK9tRwX5bN7cJ4hF6gD1aE\n";
    let report = lint_text("kratos.env", env);
    assert_eq!(
        rows(env, &report.diagnostics)
            .into_iter()
            .filter(|(code, _)| code != "kratos/invalid-secret")
            .collect::<Vec<_>>(),
        expected(&[
            ("kratos/placeholder-secret", 3),
            ("kratos/placeholder-secret", 4),
            ("kratos/placeholder-secret", 5),
        ]),
        "{:#?}",
        report.diagnostics
    );
    assert_no_secret_in_output(env, &report);
}

#[test]
fn url_dsn_log_and_smtp_variables_get_the_production_checks() {
    let compose = "services:\n  kratos:\n    image: oryd/kratos:v1.3.1\n    command: serve -c /etc/config/kratos/kratos.yml\n    environment:\n      SERVE_PUBLIC_BASE_URL: https://auth.example.com/\n      SELFSERVICE_FLOWS_LOGIN_UI_URL: http://app.example.com/login\n      SELFSERVICE_ALLOWED_RETURN_URLS: https://app.example.com/,http://legacy.example.com/\n      SELFSERVICE_FLOWS_SETTINGS_UI_URL: http://kratos-ui:3000/settings\n      DSN: memory\n      LOG_LEAK_SENSITIVE_VALUES: \"true\"\n      COURIER_SMTP_CONNECTION_URI: smtps://mailer:${SMTP_PASSWORD}@smtp.example.com:465/?skip_ssl_verify=true\n";
    let report = lint_text("docker-compose.yml", compose);
    assert_eq!(
        rows(compose, &report.diagnostics),
        expected(&[
            ("kratos/insecure-url", 7),
            ("kratos/insecure-url", 8),
            ("kratos/sqlite-in-production", 10),
            ("kratos/leak-sensitive-values", 11),
            ("kratos/smtp-tls-disabled", 12),
        ]),
        "{:#?}",
        report.diagnostics
    );
    // The one-label host of the settings UI (row 9) is a Compose network name, not the internet.
    // The leak switch has an unsafe fix that turns it off in place.
    let leak = report
        .diagnostics
        .iter()
        .find(|d| d.code == "kratos/leak-sensitive-values")
        .unwrap();
    let fix = leak.fix.as_ref().unwrap();
    let fixed = idplint_diagnostics::apply_edits(compose, &fix.edits).unwrap();
    assert!(
        fixed.contains("LOG_LEAK_SENSITIVE_VALUES: \"false\""),
        "{fixed}"
    );
    assert_no_secret_in_output(compose, &report);
    // Started with `--dev`: a development setup, nothing to report.
    let dev = compose.replace("kratos.yml\n", "kratos.yml --dev\n");
    assert!(lint_text("docker-compose.yml", &dev).diagnostics.is_empty());
}
