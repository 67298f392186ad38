//! Multi-release Kratos upgrades with the catalog rules (`rules/kratos/v*.yaml`):
//! - chained changes land on the final form after `fix` (the engine's loop to a fixed point);
//! - every upstream quickstart config of the corpus is clean on the release it was taken from,
//!   and once fixed for v26.2.0 (unsafe fixes included) validates against the v26.2.0 config
//!   schema.
//!
//! The corpus and the upstream schemas live in `../shared` (reference data, not part of the
//! project): those tests skip with a note when it is missing.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use idplint_diagnostics::{Applicability, Severity};
use idplint_linter::{LintOptions, Product, ProductVersion, Registry, fix, lint, registry};
use idplint_syntax::{Node, NodeKind, ScalarStyle};
use std::path::{Path, PathBuf};

fn v(text: &str) -> ProductVersion {
    ProductVersion::parse(text).unwrap_or_else(|| panic!("bad version {text}"))
}

fn registry_or_panic() -> &'static Registry {
    match registry() {
        Ok(r) => r,
        Err(errors) => panic!("rule files do not load:\n{}", errors.join("\n")),
    }
}

/// The version-keyed catalog rules only: production checks and other native rules have their
/// own tests (the quickstarts use insecure demo secrets on purpose).
fn catalog_options(registry: &Registry, current: &str, target: &str) -> LintOptions {
    let mut options = LintOptions {
        select: registry
            .metas()
            .iter()
            .filter(|m| m.defined_in.starts_with("rules/kratos/v"))
            .map(|m| m.id.clone())
            .collect(),
        ..LintOptions::default()
    };
    options.currents.insert(Product::Kratos, v(current));
    options.targets.insert(Product::Kratos, v(target));
    options
}

fn fixed(registry: &Registry, text: &str, options: &LintOptions, minimum: Applicability) -> String {
    let outcome = fix(registry, "kratos.yml", text, options, minimum);
    assert!(
        outcome.failure.is_none(),
        "fix failed: {:?}",
        outcome.failure
    );
    outcome.fixed.unwrap_or_else(|| text.to_string())
}

// ---------------------------------------------------------------------------------------------
// Chains

/// A key renamed a → b in one release and b → c in a later one ends as c. The later rule lists
/// the older spelling too (`a|b`), which is how rule files express chains: the original file
/// already carries the later rule's finding, so a partial (safe-only) fix never "gains" one.
#[test]
fn chained_renames_land_on_the_final_name() {
    let rules = r#"
product: kratos
rules:
  - id: kratos/test-a-renamed
    summary: a to b
    severity: error
    sources: [test]
    docs: test
    fix: safe
    change: { kind: renamed-key, from: [x, a], to: [x, b], renamed_in: "v1.0.0" }
    examples:
      - { target: "v1.0.0", fails: "x:\n  a: 1\n", fixed: "x:\n  b: 1\n" }
      - { target: "v1.0.0", passes: "x:\n  b: 1\n" }
  - id: kratos/test-b-renamed
    summary: b to c
    severity: error
    sources: [test]
    docs: test
    fix: safe
    change: { kind: renamed-key, from: [x, "a|b"], to: [x, c], renamed_in: "v2.0.0" }
    examples:
      - { target: "v2.0.0", fails: "x:\n  b: 1\n", fixed: "x:\n  c: 1\n" }
      - { target: "v2.0.0", passes: "x:\n  c: 1\n" }
"#;
    // The built-in rule files too: the registry insists that every native rule has its entry.
    let files = idplint_linter::registry::RULE_FILES
        .iter()
        .map(|(p, t)| (p.to_string(), t.to_string()))
        .chain([("kratos/test-chain.yaml".to_string(), rules.to_string())]);
    let registry = match Registry::from_files(files) {
        Ok(r) => r,
        Err(errors) => panic!("{errors:?}"),
    };
    let text = "dsn: memory\nselfservice:\n  flows: {}\nx:\n  # the old name\n  a: 1\n";
    for current in ["v0.9.0", "v1.5.0", "v2.0.0"] {
        let mut options = LintOptions {
            select: vec![
                "kratos/test-a-renamed".into(),
                "kratos/test-b-renamed".into(),
            ],
            ..LintOptions::default()
        };
        options.currents.insert(Product::Kratos, v(current));
        options.targets.insert(Product::Kratos, v("v2.0.0"));
        let got = fixed(&registry, text, &options, Applicability::Unsafe);
        assert_eq!(
            got, "dsn: memory\nselfservice:\n  flows: {}\nx:\n  # the old name\n  c: 1\n",
            "from {current}"
        );
        // Safe fixes only: whatever is applied, verification must pass and nothing is lost.
        let safe = fix(&registry, "kratos.yml", text, &options, Applicability::Safe);
        assert!(safe.failure.is_none(), "from {current}: {:?}", safe.failure);
    }
}

/// The catalog's own chain: v0.4 `selfservice.strategies.recovery_token` becomes
/// `selfservice.methods.link` (parent renamed in v0.5.0, child in v0.5.2).
#[test]
fn v0_4_recovery_token_ends_as_methods_link() {
    let registry = registry_or_panic();
    let text = "version: v0.4.6-alpha.1\nselfservice:\n  strategies:\n    password:\n      enabled: true\n    recovery_token:\n      enabled: true\n";
    let options = catalog_options(registry, "v0.4.6-alpha.1", "v26.2.0");
    let got = fixed(registry, text, &options, Applicability::Unsafe);
    let doc = idplint_syntax::yaml::parse(&got, &idplint_syntax::Limits::default()).unwrap();
    let root = doc.root().unwrap();
    assert!(
        root.get_path(&["selfservice", "methods", "link", "enabled"])
            .is_some(),
        "{got}"
    );
    assert!(
        root.get_path(&["selfservice", "strategies"]).is_none(),
        "{got}"
    );
    // Nothing version-keyed is left to fix, and a second run changes nothing.
    let again = fix(
        registry,
        "kratos.yml",
        &got,
        &options,
        Applicability::Unsafe,
    );
    assert!(again.fixed.is_none(), "not idempotent: {:?}", again.fixed);
}

/// v1.1 → v26.2 crosses both v1.2 (two-step registration) and v25.4 (its key deprecated): the
/// pin goes straight to the v25.4 form and nothing deprecated is written.
#[test]
fn registration_pin_uses_the_form_the_target_accepts() {
    let registry = registry_or_panic();
    let text = "selfservice:\n  flows:\n    registration:\n      ui_url: https://app.example.com/registration\n";
    let options = catalog_options(registry, "v1.1.0", "v26.2.0");
    let got = fixed(registry, text, &options, Applicability::Unsafe);
    assert!(got.contains("style: unified"), "{got}");
    assert!(!got.contains("enable_legacy_one_step"), "{got}");
}

/// Safe-only fixes of a long upgrade: every safe fix is applied, nothing fails verification.
#[test]
fn safe_only_fix_of_a_long_upgrade_verifies() {
    let registry = registry_or_panic();
    let text = "version: v0.8.2-alpha.1\nselfservice:\n  whitelisted_return_urls:\n    - https://app.example.com\n  methods:\n    oidc:\n      enabled: true\n      config:\n        providers:\n          - id: ms\n            provider: microsoft\n            tenant: common\n            client_id: a\n            client_secret: b\n            mapper_url: file:///m.jsonnet\nidentity:\n  default_schema_url: file:///etc/kratos/id.json\n";
    for current in ["v0.8.2-alpha.1", "v0.9.0-alpha.3", "v0.10.1"] {
        let options = catalog_options(registry, current, "v26.2.0");
        let outcome = fix(registry, "kratos.yml", text, &options, Applicability::Safe);
        assert!(
            outcome.failure.is_none(),
            "from {current}: {:?}",
            outcome.failure
        );
        let all = fixed(registry, text, &options, Applicability::Unsafe);
        assert!(all.contains("allowed_return_urls"), "{all}");
        assert!(all.contains("microsoft_tenant: common"), "{all}");
        assert!(all.contains("default_schema_id: default"), "{all}");
    }
}

// ---------------------------------------------------------------------------------------------
// Upstream quickstarts

fn shared() -> Option<PathBuf> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared");
    if dir.join("corpus/kratos-config").is_dir() && dir.join("reference/kratos").is_dir() {
        Some(dir)
    } else {
        eprintln!(
            "skipped: {} is missing (the shared corpus and reference schemas)",
            dir.display()
        );
        None
    }
}

/// `ory__kratos__<tag>-quickstart-<name>-kratos.yml` → (tag, path).
fn quickstarts(shared: &Path) -> Vec<(String, PathBuf)> {
    let mut found = Vec::new();
    let dir = shared.join("corpus/kratos-config");
    for entry in std::fs::read_dir(&dir).unwrap().flatten() {
        let name = entry.file_name().to_string_lossy().to_string();
        let Some(rest) = name.strip_prefix("ory__kratos__") else {
            continue;
        };
        let Some((tag, tail)) = rest.split_once("-quickstart-") else {
            continue;
        };
        if tail.ends_with(".yml") || tail.ends_with(".yaml") {
            found.push((tag.to_string(), entry.path()));
        }
    }
    found.sort();
    found
}

#[test]
fn quickstarts_are_clean_on_their_own_release() {
    let Some(shared) = shared() else { return };
    let registry = registry_or_panic();
    let files = quickstarts(&shared);
    assert!(
        files.len() >= 10,
        "expected the upstream quickstarts, found {files:?}"
    );
    let mut problems = Vec::new();
    for (tag, path) in &files {
        let text = std::fs::read_to_string(path).unwrap();
        let options = catalog_options(registry, tag, tag);
        let report = lint(registry, "kratos.yml", &text, &options);
        for d in report
            .diagnostics
            .iter()
            .filter(|d| d.severity == Severity::Error)
        {
            problems.push(format!("{}: {} {}", path.display(), d.code, d.message));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// Schema errors that are about the quickstart itself, not about a catalogued change: each is
/// (file name part, instance path, text in the message).
const KNOWN_NOT_CATALOGUED: &[(&str, &str, &str)] = &[
    // The v0.9.0-alpha.1 quickstart lists its schema as `schema:` instead of `url:`; it does not
    // validate on v0.9/v0.10 either (a bug in that quickstart, fixed in later tags).
    (
        "v0.9.0-alpha.1-quickstart-email-password",
        "/identity/schemas/0",
        "\"url\" is a required property",
    ),
    // The passkey quickstart takes its DSN from the `DSN` environment variable of its compose
    // file, a value the user supplies.
    (
        "v26.2.0-quickstart-passkey",
        "",
        "\"dsn\" is a required property",
    ),
];

#[test]
fn quickstarts_fixed_for_v26_2_validate_against_its_schema() {
    let Some(shared) = shared() else { return };
    let registry = registry_or_panic();
    let reference = shared.join("reference/kratos");
    let read_json = |name: &str| -> serde_json::Value {
        serde_json::from_str(&std::fs::read_to_string(reference.join(name)).unwrap()).unwrap()
    };
    let schema = read_json("config.schema.v26.2.0.json");
    let tracing = read_json("tracing-otelx.schema.v26.2.0.json");
    let resources = jsonschema::Registry::new()
        .add("ory://tracing-config", tracing)
        .unwrap()
        .prepare()
        .unwrap();
    let validator = jsonschema::options()
        .with_draft(jsonschema::Draft::Draft7)
        .with_registry(&resources)
        .build(&schema)
        .unwrap();
    let mut problems = Vec::new();
    let mut used_exceptions = Vec::new();
    let mut errors_before_fix = 0;
    for (tag, path) in quickstarts(&shared) {
        let name = path.file_name().unwrap().to_string_lossy().to_string();
        let text = std::fs::read_to_string(&path).unwrap();
        let original = idplint_syntax::yaml::parse(&text, &idplint_syntax::Limits::default())
            .unwrap_or_else(|e| panic!("{name}: does not parse: {e:?}"));
        errors_before_fix += validator
            .iter_errors(&go_yaml_to_json(original.root().unwrap()))
            .count();
        let options = catalog_options(registry, &tag, "v26.2.0");
        let outcome = fix(
            registry,
            "kratos.yml",
            &text,
            &options,
            Applicability::Unsafe,
        );
        if let Some(failure) = outcome.failure {
            problems.push(format!("{name}: fix failed: {failure}"));
            continue;
        }
        let fixed = outcome.fixed.unwrap_or(text);
        let doc = idplint_syntax::yaml::parse(&fixed, &idplint_syntax::Limits::default())
            .unwrap_or_else(|e| panic!("{name}: fixed output does not parse: {e:?}"));
        let instance = go_yaml_to_json(doc.root().unwrap());
        for error in validator.iter_errors(&instance) {
            let at = error.instance_path().to_string();
            let message = error.to_string();
            let known = KNOWN_NOT_CATALOGUED.iter().position(|(file, path, text)| {
                name.contains(file) && at == *path && message.contains(text)
            });
            match known {
                Some(i) => used_exceptions.push(i),
                None => problems.push(format!("{name}: at `{at}`: {message}\n--- fixed:\n{fixed}")),
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n\n"));
    // The old quickstarts do not validate unfixed: the check has teeth.
    assert!(
        errors_before_fix > 10,
        "only {errors_before_fix} errors before fixing"
    );
    // Every exception still matches something: stale ones must go.
    for (i, exception) in KNOWN_NOT_CATALOGUED.iter().enumerate() {
        assert!(
            used_exceptions.contains(&i),
            "unused exception {exception:?}"
        );
    }
}

/// A YAML span tree as the JSON value Kratos (Go, `yaml.v3`) reads: plain scalars resolve to
/// null, booleans (`true`/`True`/`TRUE`...), integers (decimal, `0x`, `0o`) and floats; quoted
/// and block scalars are strings.
fn go_yaml_to_json(node: &Node) -> serde_json::Value {
    use serde_json::Value;
    match &node.kind {
        NodeKind::Mapping(entries) => Value::Object(
            entries
                .iter()
                .map(|e| (e.key_str().to_string(), go_yaml_to_json(&e.value)))
                .collect(),
        ),
        NodeKind::Sequence(items) => Value::Array(items.iter().map(go_yaml_to_json).collect()),
        NodeKind::Scalar(scalar) => {
            if scalar.style != ScalarStyle::Plain || node.tag.as_deref() == Some("!!str") {
                return Value::String(scalar.value.clone());
            }
            let text = scalar.value.as_str();
            match text {
                "" | "~" | "null" | "Null" | "NULL" => return Value::Null,
                "true" | "True" | "TRUE" => return Value::Bool(true),
                "false" | "False" | "FALSE" => return Value::Bool(false),
                _ => {}
            }
            let unsigned = text.trim_start_matches(['-', '+']);
            let negative = text.starts_with('-');
            let int = if let Some(hex) = unsigned.strip_prefix("0x") {
                i64::from_str_radix(hex, 16).ok()
            } else if let Some(octal) = unsigned.strip_prefix("0o") {
                i64::from_str_radix(octal, 8).ok()
            } else if unsigned.bytes().all(|b| b.is_ascii_digit()) && !unsigned.is_empty() {
                unsigned.parse::<i64>().ok()
            } else {
                None
            };
            if let Some(int) = int {
                return Value::from(if negative { -int } else { int });
            }
            let looks_float = unsigned.bytes().any(|b| b.is_ascii_digit())
                && unsigned
                    .bytes()
                    .all(|b| b.is_ascii_digit() || matches!(b, b'.' | b'e' | b'E' | b'-' | b'+'));
            if looks_float && let Ok(float) = text.parse::<f64>() {
                return serde_json::Number::from_f64(float).map_or(Value::Null, Value::Number);
            }
            Value::String(text.to_string())
        }
        NodeKind::Alias { resolved, .. } => {
            resolved.as_deref().map_or(Value::Null, go_yaml_to_json)
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Catalog coverage

/// Catalogued changes that are config changes but live outside `kratos.yml`.
const COVERED_ELSEWHERE: &[(&str, &str)] = &[(
    "K-110-03",
    "`via: phone` is an identity-schema value; the identity-schema checks own it",
)];

/// Every change of the research catalog §2 that is neither NON-CONFIG nor INFO is cited by a
/// rule (`catalog: [K-...]`) in `rules/kratos/v*.yaml`.
#[test]
fn every_catalogued_config_change_has_a_rule() {
    let Some(shared) = shared() else { return };
    let Ok(research) = std::fs::read_to_string(shared.join("research/kratos.md")) else {
        eprintln!("skipped: research/kratos.md is missing");
        return;
    };
    let section = research
        .split("\n## 2.")
        .nth(1)
        .and_then(|rest| rest.split("\n## 3.").next())
        .unwrap_or_default();
    let mut required = Vec::new();
    for block in section.split("\n- **K-").skip(1) {
        let Some((id, body)) = block.split_once("**") else {
            continue;
        };
        // The entry runs until the next top-level bullet or heading.
        let body: String = body
            .lines()
            .take_while(|l| !l.starts_with("- ") && !l.starts_with('#'))
            .collect::<Vec<_>>()
            .join("\n");
        let labelled = |label: &str| body.contains(&format!("**{label}")) || body.contains(label);
        let actionable = ["AUTO-SAFE", "AUTO-PIN", "HUMAN", "IMPOSSIBLE"]
            .iter()
            .any(|l| labelled(l));
        if body.contains("NON-CONFIG") || !actionable {
            continue;
        }
        required.push(format!("K-{id}"));
    }
    assert!(required.len() > 50, "parsed only {required:?}");
    let registry = registry_or_panic();
    let cited: Vec<&str> = registry
        .metas()
        .iter()
        .filter(|m| m.defined_in.starts_with("rules/kratos/v"))
        .flat_map(|m| m.catalog.iter().map(String::as_str))
        .collect();
    let missing: Vec<&String> = required
        .iter()
        .filter(|id| !cited.contains(&id.as_str()))
        .filter(|id| !COVERED_ELSEWHERE.iter().any(|(c, _)| c == id))
        .collect();
    assert!(
        missing.is_empty(),
        "catalogued changes without a rule: {missing:?}"
    );
}

// ---------------------------------------------------------------------------------------------
// Edits in the formats and places configs come in

fn only(registry: &Registry, id: &str, current: &str, target: &str) -> LintOptions {
    let mut options = catalog_options(registry, current, target);
    options.select = vec![id.to_string()];
    options
}

/// A move that would drop a comment is offered, but only as an unsafe fix.
#[test]
fn a_move_that_loses_a_comment_is_unsafe() {
    let registry = registry_or_panic();
    let text = "session:\n  cookie_same_site: Lax # SSO needs Lax\n";
    let options = only(
        registry,
        "kratos/session-cookie-same-site-moved",
        "v0.5.5-alpha.1",
        "v0.5.5-alpha.1",
    );
    let report = lint(registry, "kratos.yml", text, &options);
    let fix_of = report.diagnostics[0].fix.as_ref().expect("a fix");
    assert_eq!(fix_of.applicability, Applicability::Unsafe);
    assert_eq!(
        fixed(registry, text, &options, Applicability::Safe),
        text,
        "a safe-only fix must leave it"
    );
}

/// Flow collections cannot take a new block entry: the finding stays, without a fix.
#[test]
fn flow_mappings_get_the_finding_without_a_broken_fix() {
    let registry = registry_or_panic();
    let text = "session: {cookie_same_site: Lax}\n";
    let options = only(
        registry,
        "kratos/session-cookie-same-site-moved",
        "v0.5.5-alpha.1",
        "v0.5.5-alpha.1",
    );
    let report = lint(registry, "kratos.yml", text, &options);
    assert_eq!(report.diagnostics.len(), 1, "{:?}", report.diagnostics);
    assert!(report.diagnostics[0].fix.is_none());
}

/// Inside a ConfigMap block scalar the edits land in host coordinates, indented like the block.
#[test]
fn configmap_embedded_config_is_fixed_in_place() {
    let registry = registry_or_panic();
    let text = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: kratos-config\ndata:\n  kratos.yml: |\n    version: v0.8.2-alpha.1\n    selfservice:\n      whitelisted_return_urls:\n        - https://app.example.com\n    identity:\n      default_schema_url: file:///etc/kratos/id.json\n";
    let options = catalog_options(registry, "v0.9.0-alpha.3", "v0.9.0-alpha.3");
    let got = fix(
        registry,
        "configmap.yaml",
        text,
        &options,
        Applicability::Safe,
    );
    assert!(got.failure.is_none(), "{:?}", got.failure);
    assert_eq!(
        got.fixed.as_deref(),
        Some(
            "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: kratos-config\ndata:\n  kratos.yml: |\n    version: v0.8.2-alpha.1\n    selfservice:\n      allowed_return_urls:\n        - https://app.example.com\n    identity:\n      default_schema_id: default\n      schemas:\n        - id: default\n          url: file:///etc/kratos/id.json\n"
        )
    );
}

/// JSON configs get the same renames and value rewrites, written as JSON.
#[test]
fn json_configs_are_fixed_as_json() {
    let registry = registry_or_panic();
    let text = "{\n  \"dsn\": \"memory\",\n  \"selfservice\": {\n    \"whitelisted_return_urls\": [\"https://app.example.com\"],\n    \"methods\": {\"oidc\": {\"config\": {\"providers\": [{\"id\": \"gh\", \"provider\": \"gitlab-app\", \"tenant\": \"x\"}]}}}\n  },\n  \"hashers\": {\"argon2\": {\"memory\": 131072}}\n}\n";
    let options = catalog_options(registry, "v0.10.1", "v0.10.1");
    let outcome = fix(registry, "kratos.json", text, &options, Applicability::Safe);
    assert!(outcome.failure.is_none(), "{:?}", outcome.failure);
    let got = outcome.fixed.expect("fixed");
    let value: serde_json::Value = serde_json::from_str(&got).expect("still JSON");
    assert_eq!(
        value["selfservice"]["allowed_return_urls"][0],
        "https://app.example.com"
    );
    let provider = &value["selfservice"]["methods"]["oidc"]["config"]["providers"][0];
    assert_eq!(provider["provider"], "github-app");
    assert_eq!(provider["microsoft_tenant"], "x");
    assert_eq!(value["hashers"]["argon2"]["memory"], "131072KB");
}

/// Messages never repeat the SMTP URI (it carries credentials), and the edits only touch the
/// scheme or the query parameter.
#[test]
fn smtp_uri_secrets_stay_out_of_messages_and_edits() {
    let registry = registry_or_panic();
    let text =
        "courier:\n  smtp:\n    connection_uri: smtps://user:hunter2@mail.example.com:587/\n";
    let options = only(
        registry,
        "kratos/smtp-tls-schemes-redefined",
        "v0.7.6-alpha.1",
        "v0.8.2-alpha.1",
    );
    let report = lint(registry, "kratos.yml", text, &options);
    assert_eq!(report.diagnostics.len(), 1);
    let d = &report.diagnostics[0];
    assert!(!d.message.contains("hunter2"), "{}", d.message);
    for edit in &d.fix.as_ref().expect("a fix").edits {
        assert!(!edit.content.contains("hunter2"), "{edit:?}");
    }
}
