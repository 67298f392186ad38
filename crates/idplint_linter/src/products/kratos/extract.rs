//! Finding Kratos configs: whole files and ConfigMap entries.

use crate::source::{FileFormat, ParsedFile};
use crate::unit::{DetectedVersion, EmbeddedMap, TreeUnit, Unit, UnitContent, UnitKind};
use crate::version::ProductVersion;
use idplint_diagnostics::TextRange;
use idplint_syntax::{Limits, Node, ScalarStyle};

/// Top-level keys of a Kratos config; a mapping with several of them is one.
const KRATOS_KEYS: [&str; 8] = [
    "selfservice",
    "identity",
    "dsn",
    "courier",
    "serve",
    "secrets",
    "hashers",
    "session",
];

/// Keys whose values are secrets (paths from the config root; `[]` is any list item).
const SECRET_PATHS: [&[&str]; 6] = [
    &["dsn"],
    &["secrets", "cookie", "[]"],
    &["secrets", "default", "[]"],
    &["secrets", "cipher", "[]"],
    &["courier", "smtp", "connection_uri"],
    &[
        "selfservice",
        "methods",
        "oidc",
        "config",
        "providers",
        "[]",
        "client_secret",
    ],
];

pub fn extract(file: &ParsedFile<'_>, out: &mut Vec<Unit>) {
    if !matches!(file.format, FileFormat::Yaml | FileFormat::Json) {
        return;
    }
    let Some(doc) = file.tree() else {
        return;
    };
    let name = file.file_name();
    // `kratos.yml`, `kratos-config.yaml`, `kratos_prod.json`...; Kubernetes manifests and
    // identity schemas with such names are told apart by their content below.
    let named_kratos = name.starts_with("kratos");
    for (index, root) in doc.roots.iter().enumerate() {
        if is_kubernetes_object(root) {
            extract_config_map(file, root, out);
            continue;
        }
        // Helm values of the ory/k8s chart (`kratos.config`); see `helm`.
        if super::helm::extract(file, doc, root, make_unit, out) {
            continue;
        }
        if (named_kratos && root.as_mapping().is_some() && !is_json_schema(root))
            || looks_like_kratos(root)
        {
            let tree = TreeUnit {
                text: file.text.to_string(),
                doc: doc.clone(),
                root_index: index,
                map: None,
            };
            out.push(make_unit(name.clone(), tree));
        }
    }
}

pub(super) fn make_unit(label: String, tree: TreeUnit) -> Unit {
    let (detected_version, secrets) = match tree.root() {
        Some(root) => {
            let to_host = |range: TextRange| match &tree.map {
                Some(map) => map.range_to_host(range),
                None => range,
            };
            let detected = root.get("version").and_then(|entry| {
                let text = entry.value.as_str()?;
                Some(DetectedVersion {
                    version: ProductVersion::parse(text)?,
                    range: to_host(entry.value.range),
                    what: "the `version:` key".to_string(),
                })
            });
            let mut secrets = Vec::new();
            for path in SECRET_PATHS {
                super::paths::for_each_match(root, path, &mut |node| {
                    if node.as_scalar().is_some() {
                        secrets.push(to_host(node.range));
                    }
                });
            }
            (detected, secrets)
        }
        None => (None, Vec::new()),
    };
    Unit {
        kind: UnitKind::KratosConfig,
        label,
        content: UnitContent::Tree(tree),
        detected_version,
        secrets,
    }
}

fn looks_like_kratos(root: &Node) -> bool {
    let Some(entries) = root.as_mapping() else {
        return false;
    };
    let hits = entries
        .iter()
        .filter(|e| KRATOS_KEYS.contains(&e.key_str()))
        .count();
    // `selfservice` is Kratos-specific; otherwise ask for three of the usual keys so that
    // unrelated files with a `session:` or `secrets:` key are left alone.
    hits >= 3 || (hits >= 2 && root.get("selfservice").is_some())
}

/// Identity schemas (JSON Schema documents) often live next to the config with a `kratos`
/// name; they are not configs.
fn is_json_schema(root: &Node) -> bool {
    ["$schema", "$id", "properties"]
        .iter()
        .any(|key| root.get(key).is_some())
}

fn is_kubernetes_object(root: &Node) -> bool {
    root.get("apiVersion").is_some() && root.get("kind").is_some()
}

/// `kind: ConfigMap` with `data: { kratos.yml: | ... }`: each literal block scalar that holds
/// a Kratos config becomes an embedded unit.
fn extract_config_map(file: &ParsedFile<'_>, root: &Node, out: &mut Vec<Unit>) {
    if root.get("kind").and_then(|e| e.value.as_str()) != Some("ConfigMap") {
        return;
    }
    let map_name = root
        .get_path(&["metadata", "name"])
        .and_then(Node::as_str)
        .unwrap_or("(unnamed)")
        .to_string();
    let Some(data) = root.get("data").and_then(|e| e.value.as_mapping()) else {
        return;
    };
    for entry in data {
        let key = entry.key_str();
        let Some(scalar) = entry.value.as_scalar() else {
            continue;
        };
        // Only literal blocks map line by line back to the host; folded or quoted strings
        // would need a different map and are rare for configs.
        if scalar.style != ScalarStyle::Literal {
            continue;
        }
        let (Some(content), Some(indent)) = (scalar.content_range, scalar.content_indent) else {
            continue;
        };
        let lower = key.to_ascii_lowercase();
        let is_json = lower.ends_with(".json");
        if !(lower.ends_with(".yml") || lower.ends_with(".yaml") || is_json) {
            continue;
        }
        let Some((text, map)) = EmbeddedMap::for_block_scalar(file.text, content, indent) else {
            continue;
        };
        let limits = Limits::default();
        let parsed = if is_json {
            idplint_syntax::json::parse(&text, &limits)
        } else {
            idplint_syntax::yaml::parse(&text, &limits)
        };
        // An embedded text that does not parse is left to the host's other checks: we cannot
        // lint what we cannot read, and the ConfigMap itself is valid YAML.
        let Ok(doc) = parsed else {
            continue;
        };
        let named_kratos = lower.starts_with("kratos");
        let Some(first) = doc.roots.first() else {
            continue;
        };
        let named_config = named_kratos && first.as_mapping().is_some() && !is_json_schema(first);
        if !named_config && !looks_like_kratos(first) {
            continue;
        }
        let tree = TreeUnit {
            text,
            doc,
            root_index: 0,
            map: Some(map),
        };
        out.push(make_unit(format!("ConfigMap {map_name}, key {key}"), tree));
    }
}
