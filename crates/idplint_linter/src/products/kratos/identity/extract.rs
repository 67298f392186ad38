//! Finding Kratos identity schemas: whole JSON files (`identity.schema.json`,
//! `user.traits.schema.json`), and JSON in a literal block scalar under a `*.json` key of any
//! YAML file (a ConfigMap's `data:`, the Helm chart's `kratos.identitySchemas`), mapped back
//! to the host bytes the same way embedded configs are.

use crate::source::{FileFormat, ParsedFile};
use crate::unit::{EmbeddedMap, TreeUnit, Unit, UnitContent, UnitKind};
use idplint_syntax::{Limits, Node, NodeKind, ScalarStyle};

/// Separates where an embedded schema sits from the key it is mounted as, in unit labels
/// ("ConfigMap identity-schemas, key identity.schema.json"); `schema_name` relies on it.
pub const KEY_SEPARATOR: &str = ", key ";

/// Block scalars deeper than this are not looked at (no real manifest nests further).
const MAX_DEPTH: usize = 24;

pub fn extract(file: &ParsedFile<'_>, out: &mut Vec<Unit>) {
    let Some(doc) = file.tree() else {
        return;
    };
    let name = file.file_name();
    match file.format {
        FileFormat::Json
            if doc
                .root()
                .is_some_and(|root| looks_like_identity_schema(root, &name)) =>
        {
            out.push(unit(
                name,
                TreeUnit {
                    text: file.text.to_string(),
                    doc: doc.clone(),
                    root_index: 0,
                    map: None,
                },
            ));
        }
        FileFormat::Yaml => {
            for root in &doc.roots {
                let place = match root.get("kind").and_then(|e| e.value.as_str()) {
                    Some(kind) if root.get("apiVersion").is_some() => {
                        let object = root
                            .get_path(&["metadata", "name"])
                            .and_then(Node::as_str)
                            .unwrap_or("(unnamed)");
                        format!("{kind} {object}")
                    }
                    _ => name.clone(),
                };
                find_embedded(file, root, &place, 0, out);
            }
        }
        _ => {}
    }
}

fn unit(label: String, tree: TreeUnit) -> Unit {
    Unit {
        kind: UnitKind::KratosIdentitySchema,
        label,
        content: UnitContent::Tree(tree),
        detected_version: None,
        secrets: Vec::new(),
    }
}

fn find_embedded(
    file: &ParsedFile<'_>,
    node: &Node,
    place: &str,
    depth: usize,
    out: &mut Vec<Unit>,
) {
    if depth > MAX_DEPTH {
        return;
    }
    match &node.kind {
        NodeKind::Mapping(entries) => {
            for entry in entries {
                let key = entry.key_str();
                if key.to_ascii_lowercase().ends_with(".json")
                    && let Some(found) = embedded_schema(file, &entry.value, key, place)
                {
                    out.push(found);
                    continue;
                }
                find_embedded(file, &entry.value, place, depth + 1, out);
            }
        }
        NodeKind::Sequence(items) => {
            for item in items {
                find_embedded(file, item, place, depth + 1, out);
            }
        }
        _ => {}
    }
}

fn embedded_schema(file: &ParsedFile<'_>, value: &Node, key: &str, place: &str) -> Option<Unit> {
    let scalar = value.as_scalar()?;
    // Only literal blocks map line by line back to the host (as for embedded configs).
    if scalar.style != ScalarStyle::Literal {
        return None;
    }
    let (content, indent) = (scalar.content_range?, scalar.content_indent?);
    let (text, map) = EmbeddedMap::for_block_scalar(file.text, content, indent)?;
    // JSON that does not parse is not reported here: the host file is valid YAML, and a
    // broken embedded document could be anything.
    let doc = idplint_syntax::json::parse(&text, &Limits::default()).ok()?;
    let root = doc.root()?;
    if !looks_like_identity_schema(root, &key.to_ascii_lowercase()) {
        return None;
    }
    Some(unit(
        format!("{place}{KEY_SEPARATOR}{key}"),
        TreeUnit {
            text,
            doc,
            root_index: 0,
            map: Some(map),
        },
    ))
}

/// An identity schema: a JSON Schema with `properties.traits`, or one that uses the
/// `ory.sh/kratos` extension anywhere, or a schema-like document in a file named after
/// identities (so a schema that lost its traits is still checked).
pub fn looks_like_identity_schema(root: &Node, name: &str) -> bool {
    if root.as_mapping().is_none() {
        return false;
    }
    // A Kratos config names schemas; it is not one.
    if root.get("selfservice").is_some() || root.get("dsn").is_some() {
        return false;
    }
    if root.get_path(&["properties", "traits"]).is_some() {
        return true;
    }
    if uses_extension(root, 0) {
        return true;
    }
    name.contains("identity")
        && ["$schema", "properties"]
            .iter()
            .any(|key| root.get(key).is_some())
}

fn uses_extension(node: &Node, depth: usize) -> bool {
    if depth > MAX_DEPTH * 2 {
        return false;
    }
    match &node.kind {
        NodeKind::Mapping(entries) => entries
            .iter()
            .any(|e| e.key_str() == "ory.sh/kratos" || uses_extension(&e.value, depth + 1)),
        NodeKind::Sequence(items) => items.iter().any(|i| uses_extension(i, depth + 1)),
        _ => false,
    }
}
