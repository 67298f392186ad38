//! Kratos SDK code rules at the engine level: the SDK version arrives as
//! `LintOptions::manifest_versions` (what the CLI reads from go.mod), names in comments and
//! strings are never touched, fixes converge, and odd input never panics.

use idplint_diagnostics::Applicability;
use idplint_linter::{LintOptions, Product, ProductVersion, fix, lint, registry};

fn registry_or_panic() -> &'static idplint_linter::Registry {
    match registry() {
        Ok(r) => r,
        Err(errors) => panic!("rule files do not load: {errors:?}"),
    }
}

fn manifest(version: &str) -> LintOptions {
    let mut options = LintOptions::default();
    if let Some(version) = ProductVersion::parse(version) {
        options.manifest_versions.insert(Product::Kratos, version);
    }
    options
}

const GO: &str = "package main\n\nimport (\n\tclient \"github.com/ory/kratos-client-go\"\n)\n\n// c.V0alpha2Api.GetJsonSchema(ctx, id) in a comment\n/* V0alpha2Api.GetJsonSchema */\nfunc f(c *client.APIClient) {\n\tlog(\"c.V0alpha2Api.GetJsonSchema(ctx)\", `V0alpha2Api.GetJsonSchema`)\n\tc.V0alpha2Api.GetJsonSchema(ctx, \"default\").Execute()\n}\n";

fn codes(text: &str, path: &str, options: &LintOptions) -> Vec<String> {
    lint(registry_or_panic(), path, text, options)
        .diagnostics
        .into_iter()
        .map(|d| d.code)
        .collect()
}

#[test]
fn only_the_call_is_rewritten_never_comments_or_strings() {
    let registry = registry_or_panic();
    let options = manifest("v0.11.1");
    let outcome = fix(registry, "main.go", GO, &options, Applicability::Safe);
    let fixed = outcome.fixed.unwrap_or_default();
    let expected = GO.replace(
        "\tc.V0alpha2Api.GetJsonSchema(ctx, \"default\")",
        "\tc.IdentityApi.GetIdentitySchema(ctx, \"default\")",
    );
    assert_ne!(expected, GO);
    assert_eq!(fixed, expected);
    assert_eq!(outcome.remaining.diagnostics, Vec::new());
    let again = fix(registry, "main.go", &fixed, &options, Applicability::Safe);
    assert_eq!(again.fixed, None, "second fix changed the file");
}

#[test]
fn the_manifest_version_decides_and_the_command_line_wins() {
    assert_eq!(
        codes(GO, "main.go", &manifest("v0.10.1")),
        Vec::<String>::new()
    );
    assert_eq!(
        codes(GO, "main.go", &manifest("v0.11.1")),
        ["kratos/sdk-renamed-symbol"]
    );
    let mut pinned = manifest("v0.11.1");
    if let Some(v) = ProductVersion::parse("v0.10.1") {
        pinned.targets.insert(Product::Kratos, v.clone());
        pinned.currents.insert(Product::Kratos, v);
    }
    assert_eq!(codes(GO, "main.go", &pinned), Vec::<String>::new());
    // Without any version the rules stay quiet and say why.
    assert_eq!(
        codes(GO, "main.go", &LintOptions::default()),
        ["idplint/version-unknown"]
    );
}

#[test]
fn list_sessions_is_reported_only_across_the_change() {
    let ts = "import { FrontendApi } from \"@ory/kratos-client\"\nawait api.listSessions()\n";
    assert_eq!(
        codes(ts, "a.ts", &manifest("v0.11.1")),
        Vec::<String>::new()
    );
    let mut upgrade = LintOptions::default();
    for (map, v) in [
        (&mut upgrade.currents, "v0.10.1"),
        (&mut upgrade.targets, "v0.11.1"),
    ] {
        if let Some(v) = ProductVersion::parse(v) {
            map.insert(Product::Kratos, v);
        }
    }
    let report = lint(registry_or_panic(), "a.ts", ts, &upgrade);
    let found: Vec<_> = report.diagnostics.iter().map(|d| d.code.as_str()).collect();
    assert_eq!(found, ["kratos/sdk-ambiguous-symbol"]);
    assert!(report.diagnostics[0].fix.is_none());
    assert!(
        report.diagnostics[0]
            .help
            .as_deref()
            .is_some_and(|h| h.contains("listMySessions"))
    );
}

#[test]
fn inline_suppressions_use_the_language_comment() {
    let go = GO.replace(
        "\tc.V0alpha2Api.GetJsonSchema(ctx, \"default\")",
        "\t// idplint: ignore[kratos/sdk-renamed-symbol]\n\tc.V0alpha2Api.GetJsonSchema(ctx, \"default\")",
    );
    assert_eq!(
        codes(&go, "main.go", &manifest("v0.11.1")),
        Vec::<String>::new()
    );
    let py = "import ory_kratos_client\napi.get_json_schema(\"x\")  # idplint: ignore[kratos/sdk-renamed-symbol]\n";
    assert_eq!(
        codes(py, "app.py", &manifest("v0.11.1")),
        Vec::<String>::new()
    );
}

#[test]
fn broken_source_never_panics() {
    let options = manifest("v25.4.0");
    for text in [
        "import \"github.com/ory/kratos-client-go",
        "import \"github.com/ory/kratos-client-go\"\nx.V0alpha2Api.",
        "import \"github.com/ory/kratos-client-go/v\"\n`",
        "import ory_kratos_client\n'''",
        "import \"@ory/kratos-client\"\n/* ä",
        "import sh.ory.kratos.X;\n\"\\",
    ] {
        for path in ["a.go", "a.py", "a.ts", "A.java"] {
            let _ = lint(registry_or_panic(), path, text, &options);
            let _ = fix(
                registry_or_panic(),
                path,
                text,
                &options,
                Applicability::Unsafe,
            );
        }
    }
}

const PY_V0ALPHA1: &str = "import ory_kratos_client\nfrom ory_kratos_client.api import v0alpha1_api\n\napi = v0alpha1_api.V0alpha1Api(client)\napi.admin_list_identities(per_page=100)\n";

#[test]
fn v0alpha1_becomes_v0alpha2_up_to_v0_10() {
    let registry = registry_or_panic();
    let outcome = fix(
        registry,
        "app.py",
        PY_V0ALPHA1,
        &manifest("v0.10.1"),
        Applicability::Safe,
    );
    assert_eq!(
        outcome.fixed.as_deref(),
        Some(
            PY_V0ALPHA1
                .replace("v0alpha1_api", "v0alpha2_api")
                .replace("V0alpha1Api", "V0alpha2Api")
                .as_str()
        )
    );
}

#[test]
fn v0alpha1_is_ambiguous_once_v0alpha2_is_gone_too() {
    let registry = registry_or_panic();
    let outcome = fix(
        registry,
        "app.py",
        PY_V0ALPHA1,
        &manifest("v0.11.1"),
        Applicability::Safe,
    );
    assert_eq!(outcome.failure, None);
    assert_eq!(
        outcome.fixed.as_deref(),
        Some(
            PY_V0ALPHA1
                .replace("admin_list_identities", "list_identities")
                .as_str()
        )
    );
    let left: Vec<_> = outcome
        .remaining
        .diagnostics
        .iter()
        .map(|d| (d.code.as_str(), d.fix.is_some()))
        .collect();
    assert_eq!(
        left,
        [("kratos/sdk-ambiguous-symbol", false); 3],
        "{:#?}",
        outcome.remaining.diagnostics
    );
}
