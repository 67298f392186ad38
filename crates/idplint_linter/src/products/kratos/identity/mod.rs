//! Kratos identity schemas: extraction (`extract`) and the native rules that check them, plus
//! the two checks on the config side that connect a config to its schemas
//! (`identity.default_schema_id` naming no schema, `identity.schemas[]` naming a file that is
//! not in the run).
//!
//! Identity schemas carry no version marker. They are checked against the version the command
//! line or `idplint.toml` gives, or, with `engine::lint_files`, the one version the rest of
//! the run agrees on (usually the config's); without any, the newest release is assumed and
//! findings that depend on the release are warnings.

pub mod code_identifier;
pub mod code_login;
pub mod default_schema;
pub mod extension;
pub mod extract;
pub mod identifier_type;
pub mod json_schema;
pub mod not_found;
pub mod traits;
pub mod verification_format;
pub mod via_phone;

use crate::rule::NativeRuleFactory;
use crate::source::ParsedFile;
use crate::unit::{TreeUnit, Unit, UnitContent};
use idplint_syntax::{Entry, Node, NodeKind};

/// The key of the extension object inside a trait's schema.
pub const EXTENSION: &str = "ory.sh/kratos";

/// The native rules of this module, for `Kratos::native_rules`.
pub fn native_rules() -> Vec<(&'static str, NativeRuleFactory)> {
    vec![
        (json_schema::ID, json_schema::factory),
        (traits::ID, traits::factory),
        (extension::ID, extension::factory),
        (identifier_type::ID, identifier_type::factory),
        (via_phone::ID, via_phone::factory),
        (verification_format::ID, verification_format::factory),
        (code_identifier::ID, code_identifier::factory),
        (code_login::ID, code_login::factory),
        (default_schema::ID, default_schema::factory),
        (not_found::ID, not_found::factory),
    ]
}

/// The boilerplate of a native rule whose logic is `fn check(meta, ctx, out)` in the file.
macro_rules! native_rule {
    ($name:ident, $id:literal, $kind:ident) => {
        pub const ID: &str = $id;

        pub fn factory(meta: std::sync::Arc<crate::rule::RuleMeta>) -> Box<dyn crate::rule::Rule> {
            Box::new($name { meta })
        }

        struct $name {
            meta: std::sync::Arc<crate::rule::RuleMeta>,
        }

        impl crate::rule::Rule for $name {
            fn meta(&self) -> &crate::rule::RuleMeta {
                &self.meta
            }

            fn unit_kind(&self) -> crate::unit::UnitKind {
                crate::unit::UnitKind::$kind
            }

            fn check(
                &self,
                ctx: &crate::rule::RuleContext<'_>,
                out: &mut Vec<idplint_diagnostics::Diagnostic>,
            ) {
                check(&self.meta, ctx, out);
            }
        }
    };
}
pub(crate) use native_rule;

/// The unit's tree and root, for tree units.
pub fn tree_and_root(unit: &Unit) -> Option<(&TreeUnit, &Node)> {
    match &unit.content {
        UnitContent::Tree(tree) => Some((tree, tree.root()?)),
        _ => None,
    }
}

/// The name a schema is known by to a config: the file name, or the key it is mounted as
/// (`identity.schema.json` of a ConfigMap).
pub fn schema_name(unit: &Unit, file: &ParsedFile<'_>) -> String {
    match unit.label.rsplit_once(extract::KEY_SEPARATOR) {
        Some((_, key)) => key.to_string(),
        None => file.file_name(),
    }
}

/// One use of the extension: the schema object of a trait and its `ory.sh/kratos` entry.
pub struct ExtensionUse<'a> {
    /// The schema object holding `ory.sh/kratos` (the trait's schema).
    pub schema: &'a Node,
    pub entry: &'a Entry,
    /// Dotted path of the trait schema (`properties.traits.properties.email`).
    pub path: String,
}

/// Every `ory.sh/kratos` object in the document: Kratos' meta-schema applies the extension
/// rules to objects at any depth, so they are found wherever they are.
pub fn extension_uses(root: &Node) -> Vec<ExtensionUse<'_>> {
    let mut found = Vec::new();
    collect_uses(root, String::new(), 0, &mut found);
    found
}

fn collect_uses<'a>(node: &'a Node, path: String, depth: usize, out: &mut Vec<ExtensionUse<'a>>) {
    if depth > 64 {
        return;
    }
    match &node.kind {
        NodeKind::Mapping(entries) => {
            for entry in entries {
                let key = entry.key_str();
                if key == EXTENSION {
                    out.push(ExtensionUse {
                        schema: node,
                        entry,
                        path: path.clone(),
                    });
                    continue;
                }
                let child = if path.is_empty() {
                    key.to_string()
                } else {
                    format!("{path}.{key}")
                };
                collect_uses(&entry.value, child, depth + 1, out);
            }
        }
        NodeKind::Sequence(items) => {
            for (i, item) in items.iter().enumerate() {
                collect_uses(item, format!("{path}[{i}]"), depth + 1, out);
            }
        }
        _ => {}
    }
}

/// The trait's name for messages: the last key of its path (`email`), or the path.
pub fn trait_name(path: &str) -> &str {
    path.rsplit('.')
        .next()
        .filter(|s| !s.is_empty())
        .unwrap_or(path)
}

/// The `type` of a schema object as a list (`"string"` or `["string", "null"]`); empty when
/// absent or not a string/list.
pub fn schema_types(schema: &Node) -> Vec<&str> {
    match schema.get("type").map(|e| &e.value) {
        Some(node) => match &node.kind {
            NodeKind::Sequence(items) => items.iter().filter_map(Node::as_str).collect(),
            _ => node.as_str().into_iter().collect(),
        },
        None => Vec::new(),
    }
}

/// The string at `path` below `node`.
pub fn str_at<'a>(node: &'a Node, path: &[&str]) -> Option<&'a str> {
    node.get_path(path).and_then(Node::as_str)
}

/// Whether the boolean at `path` below `node` is `true`.
pub fn is_true(node: &Node, path: &[&str]) -> bool {
    node.get_path(path).and_then(Node::as_bool) == Some(true)
}
