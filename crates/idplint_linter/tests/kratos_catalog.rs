//! Our Kratos key catalogs (`rules/kratos/keys/*.tsv`) against the upstream JSON schemas kept
//! as reference data in ../shared/reference/kratos/: for every release with a saved schema,
//! the flattened key paths, types, enum values, openness and (where the catalog states one)
//! defaults must agree. The reference files are read here only; the catalog is our own data.
//! Skips with a note when ../shared is not there.

use idplint_linter::products::kratos::catalog::{
    Catalog, KeyType, Release, config_catalog, identity_catalog,
};
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;

/// Releases with a saved config schema, tracing subschema and identity meta-schemas.
const TAGS: [&str; 8] = [
    "v0.10.1", "v0.11.1", "v0.13.0", "v1.0.0", "v1.1.0", "v1.2.0", "v1.3.1", "v26.2.0",
];

fn reference_dir() -> Option<PathBuf> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/reference/kratos");
    dir.is_dir().then_some(dir)
}

fn read_json(path: &PathBuf) -> Value {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn release(tag: &str) -> Release {
    let parts: Vec<u64> = tag
        .trim_start_matches('v')
        .split('.')
        .map(|p| p.parse().unwrap_or(0))
        .collect();
    Release(parts[0], parts[1], parts[2])
}

/// Whether an object lets unknown keys through.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Openness {
    Closed,
    /// `additionalProperties` absent or `true`: accepted and ignored.
    Lenient,
    /// `additionalProperties: {schema}` or `patternProperties`: free-form keys.
    Map,
}

/// One definition of a path met while walking the schema (a path can be defined by several
/// `oneOf`/`anyOf`/`allOf` branches).
#[derive(Debug, Default)]
struct Variant {
    types: BTreeSet<String>,
    enum_values: Option<BTreeSet<String>>,
    openness: Option<Openness>,
    default: Option<Value>,
}

#[derive(Debug, Default)]
struct Flat {
    paths: BTreeMap<String, Vec<Variant>>,
}

struct Docs<'a> {
    config: &'a Value,
    tracing: Option<&'a Value>,
}

fn value_text(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// Follow `$ref`s: `#/definitions/x` inside the current document, `ory://tracing-config` to the
/// tracing subschema. Returns the node and the document it lives in.
fn resolve<'a>(mut node: &'a Value, mut doc: &'a Value, docs: &Docs<'a>) -> (&'a Value, &'a Value) {
    for _ in 0..20 {
        let Some(reference) = node.get("$ref").and_then(Value::as_str) else {
            break;
        };
        if reference == "ory://tracing-config" {
            match docs.tracing {
                Some(tracing) => {
                    node = tracing;
                    doc = tracing;
                }
                None => break,
            }
        } else if let Some(pointer) = reference.strip_prefix('#') {
            match doc.pointer(pointer) {
                Some(target) => node = target,
                None => break,
            }
        } else {
            break;
        }
    }
    (node, doc)
}

fn join(parent: &str, segment: &str) -> String {
    if segment == "[]" {
        format!("{parent}[]")
    } else if parent.is_empty() {
        segment.to_string()
    } else {
        format!("{parent}.{segment}")
    }
}

/// `defines` is true when the node is reached as a property, item or map value (it defines
/// the path even when empty), false for `oneOf`/`anyOf`/`allOf`/`then`/`else` branches.
fn walk<'a>(
    node: &'a Value,
    doc: &'a Value,
    path: &str,
    docs: &Docs<'a>,
    flat: &mut Flat,
    depth: usize,
    defines: bool,
) {
    if depth > 40 {
        return;
    }
    let (node, doc) = resolve(node, doc, docs);
    let Some(object) = node.as_object() else {
        return;
    };
    let mut variant = Variant::default();
    match object.get("type") {
        Some(Value::String(t)) => {
            variant.types.insert(t.clone());
        }
        Some(Value::Array(ts)) => {
            variant
                .types
                .extend(ts.iter().filter_map(Value::as_str).map(str::to_string));
        }
        _ => {}
    }
    if let Some(values) = object.get("enum").and_then(Value::as_array) {
        variant.enum_values = Some(values.iter().map(value_text).collect());
    } else if let Some(value) = object.get("const") {
        variant.enum_values = Some(BTreeSet::from([value_text(value)]));
    }
    variant.default = object.get("default").cloned();
    let has_properties = object.contains_key("properties");
    let is_object = variant.types.contains("object") || has_properties;
    let pattern = object.get("patternProperties").and_then(Value::as_object);
    let additional = object.get("additionalProperties");
    let delegates = ["oneOf", "anyOf", "allOf"]
        .iter()
        .any(|k| object.contains_key(*k));
    // An object whose keys are all defined by its `oneOf`/`anyOf` branches (`auth`) is as
    // open as those branches; its own missing `additionalProperties` says nothing.
    let speaks_for_keys = has_properties || pattern.is_some() || additional.is_some() || !delegates;
    if is_object && speaks_for_keys {
        variant.openness = Some(
            if pattern.is_some() || additional.is_some_and(Value::is_object) {
                Openness::Map
            } else if additional == Some(&Value::Bool(false)) {
                Openness::Closed
            } else {
                Openness::Lenient
            },
        );
    }
    // A bare constraint (`{"properties": {"x": {"const": true}}}` inside an `anyOf`) says
    // nothing about the shape; only record nodes that define something.
    if defines || !variant.types.is_empty() || variant.enum_values.is_some() || is_object {
        flat.paths
            .entry(path.to_string())
            .or_default()
            .push(variant);
    }
    for key in ["oneOf", "anyOf", "allOf"] {
        for branch in object
            .get(key)
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            walk(branch, doc, path, docs, flat, depth + 1, false);
        }
    }
    for key in ["then", "else"] {
        if let Some(branch) = object.get(key) {
            walk(branch, doc, path, docs, flat, depth + 1, false);
        }
    }
    if let Some(properties) = object.get("properties").and_then(Value::as_object) {
        for (name, child) in properties {
            walk(child, doc, &join(path, name), docs, flat, depth + 1, true);
        }
    }
    for child in pattern.into_iter().flat_map(|p| p.values()) {
        walk(child, doc, &join(path, "*"), docs, flat, depth + 1, true);
    }
    if let Some(child) = additional.filter(|a| a.is_object()) {
        walk(child, doc, &join(path, "*"), docs, flat, depth + 1, true);
    }
    if let Some(items) = object.get("items").filter(|i| i.is_object()) {
        walk(items, doc, &join(path, "[]"), docs, flat, depth + 1, true);
    }
}

/// What upstream says about one path, merged over its variants.
#[derive(Debug, PartialEq)]
struct Merged {
    types: BTreeSet<String>,
    enum_values: Option<BTreeSet<String>>,
    openness: Option<Openness>,
    defaults: Vec<Value>,
}

fn merge(variants: &[Variant]) -> Merged {
    let mut types = BTreeSet::new();
    let mut enum_values: Option<BTreeSet<String>> = Some(BTreeSet::new());
    let mut openness = None;
    let mut defaults = Vec::new();
    for v in variants {
        types.extend(v.types.iter().cloned());
        // A typed variant without an enum lifts the restriction (`allowed_origins` items are
        // `"*"` or any URI); untyped constraint branches only narrow and are ignored.
        match (&v.enum_values, v.types.is_empty()) {
            (Some(values), _) => {
                if let Some(all) = &mut enum_values {
                    all.extend(values.iter().cloned());
                }
            }
            (None, false) => enum_values = None,
            (None, true) => {}
        }
        openness = match (openness, v.openness) {
            (None, o) | (o, None) => o,
            (Some(a), Some(b)) => Some(a.max(b)),
        };
        defaults.extend(v.default.clone());
    }
    // Variants that carried types but no enum at all: no enum restriction.
    if enum_values.as_ref().is_some_and(BTreeSet::is_empty) {
        enum_values = None;
    }
    // An enum on a typed key whose other typed definitions carry no enum was cleared above;
    // an enum that came only from untyped constraints next to a typed definition is not one.
    let typed_with_enum = variants
        .iter()
        .any(|v| !v.types.is_empty() && v.enum_values.is_some());
    let typed = variants.iter().any(|v| !v.types.is_empty());
    if typed && !typed_with_enum {
        enum_values = None;
    }
    Merged {
        types,
        enum_values,
        openness,
        defaults,
    }
}

/// Paths where the catalog deliberately differs from the flattened schema, and why.
fn tolerated(path: &str) -> bool {
    // The union of `web_hook` (closed) and `b2b_sso`/`organization` (free-form) hook
    // configurations; the catalog describes `web_hook` and the rules only check `config`
    // when `hook: web_hook`.
    path.ends_with("hooks[].config")
}

fn compare(catalog: &Catalog, flat: &Flat, at: Release, what: &str) -> Vec<String> {
    let mut problems = Vec::new();
    let ours: BTreeMap<&str, _> = catalog
        .rows()
        .iter()
        .filter(|r| r.window.contains(at))
        .map(|r| (r.path.as_str(), r))
        .collect();
    let theirs: BTreeMap<&str, Merged> = flat
        .paths
        .iter()
        .filter(|(p, _)| !p.is_empty())
        .map(|(p, v)| (p.as_str(), merge(v)))
        .collect();
    for path in theirs.keys() {
        if !ours.contains_key(path) {
            problems.push(format!(
                "{what}: `{path}` is in the schema, not in the catalog"
            ));
        }
    }
    for (path, row) in &ours {
        let Some(merged) = theirs.get(path) else {
            problems.push(format!(
                "{what}: `{path}` is in the catalog, not in the schema"
            ));
            continue;
        };
        let expected = match row.ty {
            KeyType::String => Some("string"),
            KeyType::Integer => Some("integer"),
            KeyType::Number => Some("number"),
            KeyType::Boolean => Some("boolean"),
            KeyType::Object | KeyType::Map => Some("object"),
            KeyType::Array => Some("array"),
            KeyType::Any => None,
        };
        match expected {
            // Untyped upstream nodes (a bare `enum`, a `$ref`-only union) accept our type.
            Some(t) if !merged.types.is_empty() => {
                if merged.types.len() != 1 || !merged.types.contains(t) {
                    problems.push(format!(
                        "{what}: `{path}` is {t} in the catalog, {:?} in the schema",
                        merged.types
                    ));
                }
            }
            Some(_) => {}
            None => {
                if merged.types.len() == 1 && merged.enum_values.is_none() {
                    problems.push(format!(
                        "{what}: `{path}` is `any` in the catalog, {:?} in the schema",
                        merged.types
                    ));
                }
            }
        }
        let our_enum: BTreeSet<String> = row.enum_at(at).into_iter().map(str::to_string).collect();
        let their_enum = merged.enum_values.clone().unwrap_or_default();
        if our_enum != their_enum {
            problems.push(format!(
                "{what}: `{path}` enum differs: catalog {our_enum:?}, schema {their_enum:?}"
            ));
        }
        if row.ty.is_object() && !tolerated(path) {
            let ours = match (row.ty, row.lenient) {
                (KeyType::Map, _) => Openness::Map,
                (_, true) => Openness::Lenient,
                _ => Openness::Closed,
            };
            let theirs = merged.openness.unwrap_or(Openness::Lenient);
            // A map whose values are untyped on this release (`courier.smtp.headers` before
            // v0.11) is a plain open object upstream.
            let untyped_map = ours == Openness::Map
                && theirs == Openness::Lenient
                && catalog.at(&format!("{path}.*"), at).is_none();
            if ours != theirs && !untyped_map {
                problems.push(format!(
                    "{what}: `{path}` is {ours:?} in the catalog, {theirs:?} in the schema"
                ));
            }
        }
        if let Some(default) = &row.default
            && !merged.defaults.is_empty()
            && !merged.defaults.iter().any(|d| &value_text(d) == default)
        {
            problems.push(format!(
                "{what}: `{path}` default is `{default}` in the catalog, {:?} in the schema",
                merged.defaults
            ));
        }
    }
    problems
}

#[test]
fn config_catalog_matches_upstream_schemas() {
    let Some(dir) = reference_dir() else {
        eprintln!("../shared/reference/kratos not found; skipping");
        return;
    };
    let catalog = config_catalog().unwrap_or_else(|e| panic!("{e}"));
    let mut problems = Vec::new();
    for tag in TAGS {
        let config = read_json(&dir.join(format!("config.schema.{tag}.json")));
        let tracing = read_json(&dir.join(format!("tracing-otelx.schema.{tag}.json")));
        let docs = Docs {
            config: &config,
            tracing: Some(&tracing),
        };
        let mut flat = Flat::default();
        walk(docs.config, docs.config, "", &docs, &mut flat, 0, true);
        // Guard against a walk that silently finds nothing (a moved `$ref`, a renamed file).
        assert!(
            flat.paths.len() > 500,
            "{tag}: only {} paths",
            flat.paths.len()
        );
        problems.extend(compare(catalog, &flat, release(tag), tag));
    }
    assert!(
        problems.is_empty(),
        "{} differences:\n{}",
        problems.len(),
        problems.join("\n")
    );
}

#[test]
fn identity_catalog_matches_upstream_meta_schemas() {
    let Some(dir) = reference_dir() else {
        eprintln!("../shared/reference/kratos not found; skipping");
        return;
    };
    let catalog = identity_catalog().unwrap_or_else(|e| panic!("{e}"));
    let mut problems = Vec::new();
    for tag in TAGS {
        let schema = read_json(&dir.join(format!("identity_extension.schema.{tag}.json")));
        let Some(extension) = schema.pointer("/allOf/0/properties/ory.sh~1kratos") else {
            problems.push(format!(
                "{tag}: no `ory.sh/kratos` object in the extension schema"
            ));
            continue;
        };
        let docs = Docs {
            config: &schema,
            tracing: None,
        };
        let mut flat = Flat::default();
        walk(extension, &schema, "", &docs, &mut flat, 0, true);
        assert!(
            flat.paths.len() > 8,
            "{tag}: only {} paths",
            flat.paths.len()
        );
        problems.extend(compare(catalog, &flat, release(tag), tag));
    }
    assert!(
        problems.is_empty(),
        "{} differences:\n{}",
        problems.len(),
        problems.join("\n")
    );
}

/// The catalog covers every release line from v0.5 on, including those without a reference
/// schema: spot checks of facts from the research notes' §2 diffs.
#[test]
fn older_release_lines_follow_the_research_diffs() {
    let catalog = config_catalog().unwrap_or_else(|e| panic!("{e}"));
    let valid = |path: &str, at: &str| catalog.at(path, release(at)).is_some();
    assert!(valid("selfservice.whitelisted_return_urls", "v0.8.2"));
    assert!(!valid("selfservice.whitelisted_return_urls", "v0.9.0"));
    assert!(valid("identity.default_schema_url", "v0.8.2"));
    assert!(valid("identity.schemas", "v0.9.0"));
    // Extra schemas next to `default_schema_url` before v0.9.
    assert!(valid("identity.schemas", "v0.5.0"));
    assert!(valid("password.max_breaches", "v0.5.5"));
    assert!(!valid("password.max_breaches", "v0.6.0"));
    assert!(valid("serve.public.domain_aliases", "v0.7.6"));
    assert!(!valid("serve.public.domain_aliases", "v0.8.3"));
    assert!(valid("cookies.same_site", "v0.7.0"));
    assert!(!valid("cookies", "v0.6.3"));
    assert!(valid("tracing.providers.jaeger.propagation", "v0.9.0"));
    assert!(!valid("tracing.providers.jaeger.propagation", "v0.10.0"));
    assert!(valid("selfservice.methods.recovery_token", "v0.5.1"));
    assert!(valid("selfservice.methods.link", "v0.5.2"));
    let memory_then = catalog.at("hashers.argon2.memory", release("v0.5.5"));
    assert_eq!(memory_then.map(|r| r.ty), Some(KeyType::Integer));
    let memory_now = catalog.at("hashers.argon2.memory", release("v0.6.0"));
    assert_eq!(memory_now.map(|r| r.ty), Some(KeyType::String));
    // v25.4 sits between two reference schemas: what §2.14 says v26.2 added is absent.
    assert!(valid("secrets.pagination", "v25.4.0"));
    assert!(!valid(
        "selfservice.methods.oidc.config.providers[].account_linking_mode",
        "v25.4.0"
    ));
    let provider = catalog
        .at(
            "selfservice.methods.oidc.config.providers[].provider",
            release("v25.4.0"),
        )
        .map(|r| r.enum_at(release("v25.4.0")))
        .unwrap_or_default();
    assert!(provider.contains(&"line") && !provider.contains(&"uaepass"));
}
