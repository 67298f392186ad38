//! The catalog rules of the Kratos config (`kratos/unknown-key`, `kratos/invalid-value`) beyond
//! their documented examples: JSON and ConfigMap hosts, the hand-over to version-keyed data
//! rules, stale `version:` markers, open objects, hook configurations, secret masking, and a
//! run over ../shared/corpus/kratos-config (skipped when ../shared is not there).

use idplint_diagnostics::{Applicability, Diagnostic, Severity};
use idplint_linter::{FileReport, LintOptions, Product, ProductVersion, fix, lint, registry};
use std::collections::BTreeMap;
use std::path::PathBuf;

const RULES: [&str; 2] = ["kratos/unknown-key", "kratos/invalid-value"];

fn registry_or_panic() -> &'static idplint_linter::Registry {
    match registry() {
        Ok(r) => r,
        Err(errors) => panic!("rule files do not load:\n{}", errors.join("\n")),
    }
}

fn options(target: Option<&str>, select: &[&str]) -> LintOptions {
    let mut options = LintOptions {
        select: select.iter().map(|s| s.to_string()).collect(),
        ..LintOptions::default()
    };
    if let Some(target) = target {
        let version = ProductVersion::parse(target).unwrap_or_else(|| panic!("{target}"));
        options.targets.insert(Product::Kratos, version);
    }
    options
}

fn run(path: &str, text: &str, options: &LintOptions) -> FileReport {
    lint(registry_or_panic(), path, text, options)
}

fn codes(report: &FileReport) -> Vec<(&str, Severity)> {
    report
        .diagnostics
        .iter()
        .map(|d| (d.code.as_str(), d.severity))
        .collect()
}

fn only<'a>(report: &'a FileReport, code: &str) -> &'a Diagnostic {
    let found: Vec<&Diagnostic> = report
        .diagnostics
        .iter()
        .filter(|d| d.code == code)
        .collect();
    assert_eq!(found.len(), 1, "{:#?}", report.diagnostics);
    found[0]
}

#[test]
fn json_configs_get_json_edits() {
    let text = "{\n  \"selfservice\": {\n    \"flows\": {\n      \"login\": { \"ui_ulr\": \"https://auth.example.com/login\" }\n    }\n  }\n}\n";
    let options = options(Some("v1.3.1"), &RULES);
    let report = run("kratos.json", text, &options);
    let d = only(&report, "kratos/unknown-key");
    assert_eq!(&text[d.range.as_usize()], "\"ui_ulr\"");
    let outcome = fix(
        registry_or_panic(),
        "kratos.json",
        text,
        &options,
        Applicability::Unsafe,
    );
    assert_eq!(
        outcome.fixed.as_deref(),
        Some(text.replace("ui_ulr", "ui_url").as_str())
    );
}

#[test]
fn configmap_findings_and_fixes_land_in_the_host() {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../testdata/kratos/seed-001-kubernetes/kratos-config.yml");
    let seed = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{e}"));
    let text = seed.replacen("default_schema_id:", "default_shema_id:", 1);
    assert_ne!(text, seed, "the seed changed; update this test");
    let options = options(Some("v1.3.1"), &RULES);
    let report = run("kratos-config.yml", &text, &options);
    let d = only(&report, "kratos/unknown-key");
    assert_eq!(&text[d.range.as_usize()], "default_shema_id");
    assert_eq!(d.help.as_deref(), Some("Did you mean `default_schema_id`?"));
    let outcome = fix(
        registry_or_panic(),
        "kratos-config.yml",
        &text,
        &options,
        Applicability::Unsafe,
    );
    assert_eq!(outcome.fixed.as_deref(), Some(seed.as_str()));
}

/// A removed key is the data rule's finding once it fires; without a version the data rule is
/// silent and the catalog rule says it, as a warning.
#[test]
fn removed_keys_are_left_to_the_version_keyed_rule() {
    let text = "courier:\n  message_ttl: 1h\n";
    let report = run("kratos.yml", text, &options(Some("v0.11.1"), &[]));
    assert_eq!(
        codes(&report),
        [("kratos/courier-message-ttl-removed", Severity::Error)]
    );
    let report = run("kratos.yml", text, &options(None, &RULES));
    let d = only(&report, "kratos/unknown-key");
    assert_eq!(d.severity, Severity::Warning);
    assert!(
        d.message.contains("removed in Kratos v0.11"),
        "{}",
        d.message
    );
}

/// Keys from later releases on a config checked against its own `version:` are one warning on
/// the marker; against an explicit target they are errors each.
#[test]
fn stale_version_markers() {
    let text = "version: v0.13.0\nselfservice:\n  methods:\n    passkey:\n      enabled: true\nfeature_flags:\n  use_continue_with_transitions: true\n";
    let report = run("kratos.yml", text, &options(None, &RULES));
    let d = only(&report, "kratos/unknown-key");
    assert_eq!(d.severity, Severity::Warning);
    assert_eq!(&text[d.range.as_usize()], "v0.13.0");
    assert!(d.message.contains("v1.2 or later"), "{}", d.message);
    let report = run("kratos.yml", text, &options(Some("v1.0.0"), &RULES));
    assert_eq!(
        codes(&report),
        [
            ("kratos/unknown-key", Severity::Error),
            ("kratos/unknown-key", Severity::Error)
        ]
    );
}

#[test]
fn open_objects_and_hook_configurations() {
    let options = options(Some("v26.2.0"), &RULES);
    // `identity.schemas[]` accepts unknown keys and ignores them: a warning.
    let text =
        "identity:\n  schemas:\n    - id: default\n      ur: file:///etc/identity.schema.json\n";
    let d = &run("kratos.yml", text, &options).diagnostics[0];
    assert_eq!(
        (d.code.as_str(), d.severity),
        ("kratos/unknown-key", Severity::Warning)
    );
    assert!(d.message.contains("ignores unknown keys"), "{}", d.message);
    // Only `web_hook` configurations have a known shape.
    let hooks = "selfservice:\n  flows:\n    login:\n      after:\n        hooks:\n          - hook: b2b_sso\n            config:\n              anything: 1\n          - hook: web_hook\n            config:\n              ur: https://hooks.example.com/\n";
    let report = run("kratos.yml", hooks, &options);
    let d = only(&report, "kratos/unknown-key");
    assert_eq!(&hooks[d.range.as_usize()], "ur");
}

#[test]
fn secret_values_stay_out_of_messages() {
    let text = "selfservice:\n  methods:\n    oidc:\n      config:\n        providers:\n          - id: google\n            provider: google\n            client_id: abc\n            client_secret: 918273645\n            mapper_url: file:///etc/mapper.jsonnet\n";
    let report = run("kratos.yml", text, &options(Some("v1.3.1"), &RULES));
    let d = only(&report, "kratos/invalid-value");
    let fix = d
        .fix
        .as_ref()
        .map(|f| f.message.clone())
        .unwrap_or_default();
    for said in [&d.message, d.help.as_ref().unwrap_or(&String::new()), &fix] {
        assert!(!said.contains("918273645"), "{said}");
    }
}

#[test]
fn string_typed_secure_flags() {
    let text = "cookies:\n  secure: true\n";
    let report = run("kratos.yml", text, &options(Some("v25.4.0"), &RULES));
    let d = only(&report, "kratos/invalid-value");
    assert!(
        d.help.as_deref().is_some_and(|h| h.contains("flag")),
        "{d:?}"
    );
    assert_eq!(
        d.fix.as_ref().map(|f| f.applicability),
        Some(Applicability::Unsafe)
    );
    // Before v25.4 the key does not exist at all.
    let report = run("kratos.yml", text, &options(Some("v1.3.1"), &RULES));
    assert_eq!(codes(&report), [("kratos/unknown-key", Severity::Error)]);
}

/// Every config of the corpus is linted by the two rules without a panic; prints the findings
/// and checks the ones we judged (see the notes below).
#[test]
fn corpus_configs() {
    let dir =
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/corpus/kratos-config");
    let Ok(entries) = std::fs::read_dir(&dir) else {
        eprintln!("../shared/corpus/kratos-config not found; skipping");
        return;
    };
    let mut paths: Vec<PathBuf> = entries
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.file_name().is_some_and(|n| n != "PROVENANCE.md"))
        .collect();
    paths.sort();
    let options = options(None, &RULES);
    let mut per_rule: BTreeMap<(String, Severity), usize> = BTreeMap::new();
    let mut by_file: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for path in &paths {
        let Ok(text) = std::fs::read_to_string(path) else {
            continue;
        };
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().to_string())
            .unwrap_or_default();
        let report = run(&name, &text, &options);
        for d in &report.diagnostics {
            *per_rule.entry((d.code.clone(), d.severity)).or_default() += 1;
            by_file
                .entry(name.clone())
                .or_default()
                .push(d.message.clone());
        }
        let outcome = fix(
            registry_or_panic(),
            &name,
            &text,
            &options,
            Applicability::Unsafe,
        );
        assert!(outcome.failure.is_none(), "{name}: {:?}", outcome.failure);
    }
    eprintln!("kratos-config corpus: {} files", paths.len());
    for ((code, severity), count) in &per_rule {
        eprintln!("{count:>5}  {code} ({})", severity.as_str());
    }
    let has = |file: &str, needle: &str| {
        by_file
            .get(file)
            .is_some_and(|messages| messages.iter().any(|m| m.contains(needle)))
    };
    // True positives we checked by hand: a lower-case enum value Kratos rejects, a hook
    // written as a bare string, and `dev` as a mapping.
    assert!(has("alewkinr__infra__kratos-kratos.yaml", "same_site: lax"));
    assert!(has(
        "bestbugwriter__outline-deploy__kratos-kratos.yml",
        "hooks[0]"
    ));
    assert!(has(
        "lac-hong-legacy__s29-be__kratos-kratos.yml",
        "`dev` must be a boolean"
    ));
    // The v1.2 quickstart still says `version: v0.13.0`: one warning on the marker, no errors.
    let quickstart = "ory__kratos__v1.2.0-quickstart-email-password-kratos.yml";
    assert!(has(quickstart, "only Kratos v1.1 or later accepts"));
    assert_eq!(by_file.get(quickstart).map(Vec::len), Some(1));
}
