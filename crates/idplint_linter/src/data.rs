//! The rule-file format (`rules/<product>/*.yaml`) and its loader.
//!
//! A rule file groups the rules one release introduced. Each entry carries the metadata every
//! rule has (id, summary, severity, docs, sources, examples) and either a `change` (a data
//! rule, interpreted by the product module) or `native: true` (the logic is Rust, the docs and
//! examples still live here). Unknown fields are errors, so a typo cannot leave a rule inert.

use crate::rule::{Example, ExampleExpect, RuleMeta};
use crate::version::{Product, ProductVersion};
use idplint_diagnostics::{Applicability, Severity};
use idplint_syntax::{Node, NodeKind, ScalarStyle};
use serde::Deserialize;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RuleFileSpec {
    product: String,
    /// The release whose changes this file describes (a default for version fields).
    #[serde(default)]
    release: Option<String>,
    rules: Vec<RuleSpec>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RuleSpec {
    id: String,
    summary: String,
    #[serde(default)]
    severity: Option<String>,
    #[serde(default)]
    catalog: Vec<String>,
    sources: Vec<String>,
    docs: String,
    #[serde(default)]
    native: bool,
    #[serde(default)]
    change: Option<serde_json::Value>,
    /// Best applicability of the rule's fixes: `safe`, `unsafe`, `display-only`.
    #[serde(default)]
    fix: Option<String>,
    examples: Vec<ExampleSpec>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ExampleSpec {
    #[serde(default)]
    file: Option<String>,
    #[serde(default)]
    current: Option<String>,
    #[serde(default)]
    target: Option<String>,
    #[serde(default)]
    fails: Option<String>,
    #[serde(default)]
    passes: Option<String>,
    #[serde(default)]
    fixed: Option<String>,
    #[serde(default)]
    unsafe_fixes: bool,
    /// The file at the comparison base, for diff rules (`check --base`).
    #[serde(default)]
    base: Option<String>,
}

/// One loaded rule entry: its metadata and, for data rules, the product-specific change.
#[derive(Debug)]
pub struct LoadedRule {
    pub meta: RuleMeta,
    pub change: Option<serde_json::Value>,
}

/// Parse one rule file. `default_example_file` names the file examples are linted as when they
/// do not say (`kratos.yml`, `.env`, ...).
pub fn load_rule_file(
    path: &str,
    text: &str,
    default_example_file: impl Fn(Product) -> &'static str,
) -> Result<Vec<LoadedRule>, String> {
    let doc = idplint_syntax::yaml::parse(text, &idplint_syntax::Limits::default())
        .map_err(|e| format!("rules/{path}: not valid YAML: {e}"))?;
    let root = doc
        .root()
        .ok_or_else(|| format!("rules/{path}: the file is empty"))?;
    let spec: RuleFileSpec =
        serde_json::from_value(yaml_to_json(root)).map_err(|e| format!("rules/{path}: {e}"))?;
    let product = Product::parse(&spec.product)
        .or_else(|| (spec.product == "idplint").then_some(Product::Idplint))
        .ok_or_else(|| {
        format!(
            "rules/{path}: unknown product `{}` (expected one of kratos, keycloak, keycloak-wildfly, serverless)",
            spec.product
        )
    })?;
    if let Some(release) = &spec.release {
        ProductVersion::parse(release)
            .ok_or_else(|| format!("rules/{path}: `release: {release}` is not a version"))?;
    }
    let mut rules = Vec::new();
    for rule in spec.rules {
        let context = format!("rules/{path}: rule `{}`", rule.id);
        let prefix = format!("{}/", product.as_str());
        let name = rule
            .id
            .strip_prefix(&prefix)
            .ok_or_else(|| format!("{context}: the id must start with `{prefix}`"))?;
        if name.is_empty()
            || !name
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        {
            return Err(format!(
                "{context}: the name after `{prefix}` must be kebab-case"
            ));
        }
        let severity = match &rule.severity {
            Some(text) => Severity::parse(text).ok_or_else(|| {
                format!("{context}: severity `{text}` is not error, warning or info")
            })?,
            None => Severity::Warning,
        };
        let fix = match rule.fix.as_deref() {
            None => None,
            Some("safe") => Some(Applicability::Safe),
            Some("unsafe") => Some(Applicability::Unsafe),
            Some("display-only") => Some(Applicability::DisplayOnly),
            Some(other) => {
                return Err(format!(
                    "{context}: fix `{other}` is not safe, unsafe or display-only"
                ));
            }
        };
        if rule.native == rule.change.is_some() {
            return Err(format!(
                "{context}: give exactly one of `change:` (a data rule) or `native: true` (logic in Rust)"
            ));
        }
        if rule.sources.is_empty() {
            return Err(format!("{context}: cite at least one source"));
        }
        let mut examples = Vec::new();
        for (i, example) in rule.examples.into_iter().enumerate() {
            let where_ = format!("{context}: example {}", i + 1);
            for version in [&example.current, &example.target].into_iter().flatten() {
                ProductVersion::parse(version)
                    .ok_or_else(|| format!("{where_}: `{version}` is not a version"))?;
            }
            let (text, expect) = match (example.fails, example.passes) {
                (Some(text), None) => (
                    text,
                    ExampleExpect::Fails {
                        fixed: example.fixed,
                    },
                ),
                (None, Some(text)) => {
                    if example.fixed.is_some() {
                        return Err(format!("{where_}: `fixed` only goes with `fails`"));
                    }
                    (text, ExampleExpect::Passes)
                }
                _ => {
                    return Err(format!(
                        "{where_}: give exactly one of `fails:` or `passes:`"
                    ));
                }
            };
            examples.push(Example {
                file: example
                    .file
                    .unwrap_or_else(|| default_example_file(product).to_string()),
                current: example.current,
                target: example.target,
                text,
                expect,
                unsafe_fixes: example.unsafe_fixes,
                base: example.base,
            });
        }
        let fails = examples
            .iter()
            .any(|e| matches!(e.expect, ExampleExpect::Fails { .. }));
        let passes = examples
            .iter()
            .any(|e| matches!(e.expect, ExampleExpect::Passes));
        // The tool's own rules may document their examples in Rust tests instead (a 10 MiB
        // file does not fit in a rule file).
        if (!fails || !passes) && product != Product::Idplint {
            return Err(format!(
                "{context}: needs at least one `fails:` and one `passes:` example"
            ));
        }
        rules.push(LoadedRule {
            meta: RuleMeta {
                id: rule.id,
                product,
                summary: rule.summary,
                severity,
                docs: rule.docs,
                sources: rule.sources,
                catalog: rule.catalog,
                release: spec.release.clone(),
                fix,
                examples,
                defined_in: format!("rules/{path}"),
                native: rule.native,
            },
            change: rule.change,
        });
    }
    Ok(rules)
}

/// A YAML span tree as a JSON value, typing plain scalars the way YAML 1.2's core schema does
/// (for our own rule files; user configs are never typed this way).
pub fn yaml_to_json(node: &Node) -> serde_json::Value {
    use serde_json::Value;
    match &node.kind {
        NodeKind::Mapping(entries) => Value::Object(
            entries
                .iter()
                .map(|e| (e.key_str().to_string(), yaml_to_json(&e.value)))
                .collect(),
        ),
        NodeKind::Sequence(items) => Value::Array(items.iter().map(yaml_to_json).collect()),
        NodeKind::Scalar(scalar) => {
            if scalar.style != ScalarStyle::Plain {
                return Value::String(scalar.value.clone());
            }
            match scalar.value.as_str() {
                "" | "~" | "null" => Value::Null,
                "true" => Value::Bool(true),
                "false" => Value::Bool(false),
                text => text
                    .parse::<i64>()
                    .map(Value::from)
                    .unwrap_or_else(|_| Value::String(text.to_string())),
            }
        }
        NodeKind::Alias { resolved, .. } => {
            resolved.as_deref().map(yaml_to_json).unwrap_or(Value::Null)
        }
    }
}

/// Parse a version field of a change, defaulting to the file's release.
pub fn version_field(
    value: Option<&str>,
    release: Option<&str>,
    what: &str,
) -> Result<Option<ProductVersion>, String> {
    match value.or(release) {
        None => Ok(None),
        Some(text) => ProductVersion::parse(text)
            .map(Some)
            .ok_or_else(|| format!("`{what}: {text}` is not a version")),
    }
}
