//! `kratos/identity-schema-invalid-json-schema`: an identity schema that is not a valid JSON
//! Schema draft-07 document. Since v0.8 Kratos validates every configured identity schema
//! against its meta-schema (which includes draft-07's) at startup and refuses to start when it
//! does not match; on reload it keeps the old config.
//!
//! Checked: schema positions hold an object or a boolean; the keywords' value types
//! (`type` names, `required` as a list — draft-04's `required: true` is the classic, number
//! and count keywords, the sub-schema keywords). Keywords that are no keyword at all are
//! ignored by JSON Schema, which hides typos (`requried`): those close to a real keyword are
//! reported as warnings.

use super::{EXTENSION, native_rule, tree_and_root};
use crate::products::kratos::config_keys::scalar::{Decoded, decode};
use crate::rule::{RuleContext, RuleMeta};
use idplint_diagnostics::{Diagnostic, Severity};
use idplint_syntax::{Node, NodeKind};

native_rule!(
    InvalidJsonSchema,
    "kratos/identity-schema-invalid-json-schema",
    KratosIdentitySchema
);

const TYPES: [&str; 7] = [
    "null", "boolean", "object", "array", "number", "string", "integer",
];

/// Keywords whose value is a schema.
const SCHEMA_KEYWORDS: [&str; 9] = [
    "additionalProperties",
    "additionalItems",
    "contains",
    "propertyNames",
    "if",
    "then",
    "else",
    "not",
    "items",
];
/// Keywords whose value is a map of schemas.
const SCHEMA_MAP_KEYWORDS: [&str; 3] = ["properties", "patternProperties", "definitions"];
const SCHEMA_LIST_KEYWORDS: [&str; 3] = ["allOf", "anyOf", "oneOf"];
const COUNT_KEYWORDS: [&str; 6] = [
    "minLength",
    "maxLength",
    "minItems",
    "maxItems",
    "minProperties",
    "maxProperties",
];
const NUMBER_KEYWORDS: [&str; 5] = [
    "minimum",
    "maximum",
    "exclusiveMinimum",
    "exclusiveMaximum",
    "multipleOf",
];
const STRING_KEYWORDS: [&str; 8] = [
    "pattern",
    "format",
    "title",
    "description",
    "$id",
    "$schema",
    "$ref",
    "$comment",
];
const BOOLEAN_KEYWORDS: [&str; 3] = ["uniqueItems", "readOnly", "writeOnly"];
const OTHER_KEYWORDS: [&str; 7] = [
    "type",
    "required",
    "enum",
    "const",
    "default",
    "examples",
    "dependencies",
];

fn all_keywords() -> impl Iterator<Item = &'static str> {
    SCHEMA_KEYWORDS
        .iter()
        .chain(&SCHEMA_MAP_KEYWORDS)
        .chain(&SCHEMA_LIST_KEYWORDS)
        .chain(&COUNT_KEYWORDS)
        .chain(&NUMBER_KEYWORDS)
        .chain(&STRING_KEYWORDS)
        .chain(&BOOLEAN_KEYWORDS)
        .chain(&OTHER_KEYWORDS)
        .copied()
}

fn check(meta: &RuleMeta, ctx: &RuleContext<'_>, out: &mut Vec<Diagnostic>) {
    let Some((_, root)) = tree_and_root(ctx.unit) else {
        return;
    };
    let mut checker = Checker { meta, out };
    checker.schema(root, "the schema", 0);
}

struct Checker<'m, 'o> {
    meta: &'m RuleMeta,
    out: &'o mut Vec<Diagnostic>,
}

fn join(path: &str, key: &str) -> String {
    if path == "the schema" {
        key.to_string()
    } else {
        format!("{path}.{key}")
    }
}

impl Checker<'_, '_> {
    fn error(&mut self, node: &Node, message: String) {
        self.out.push(Diagnostic::new(
            self.meta.id.clone(),
            self.meta.severity,
            message,
            node.range,
        ));
    }

    fn schema(&mut self, node: &Node, path: &str, depth: usize) {
        if depth > 64 {
            return;
        }
        let entries = match &node.kind {
            NodeKind::Mapping(entries) => entries,
            _ if decode(node, true) == Decoded::Bool => return,
            _ => {
                self.error(
                    node,
                    format!("`{path}` must be a schema (an object or `true`/`false`)"),
                );
                return;
            }
        };
        for entry in entries {
            let key = entry.key_str();
            let value = &entry.value;
            let at = join(path, key);
            match key {
                "type" => self.type_keyword(value, &at),
                "required" => self.required(value, &at),
                "enum" => {
                    if value.as_sequence().is_none_or(<[Node]>::is_empty) {
                        self.error(value, format!("`{at}` must be a non-empty list"));
                    }
                }
                "dependencies" => {
                    for dep in value.as_mapping().unwrap_or(&[]) {
                        if dep.value.as_sequence().is_none() {
                            self.schema(&dep.value, &join(&at, dep.key_str()), depth + 1);
                        }
                    }
                }
                "items" if value.as_sequence().is_some() => {
                    for (i, item) in value.as_sequence().unwrap_or(&[]).iter().enumerate() {
                        self.schema(item, &format!("{at}[{i}]"), depth + 1);
                    }
                }
                _ if SCHEMA_KEYWORDS.contains(&key) => self.schema(value, &at, depth + 1),
                _ if SCHEMA_MAP_KEYWORDS.contains(&key) => match value.as_mapping() {
                    Some(children) => {
                        for child in children {
                            self.schema(&child.value, &join(&at, child.key_str()), depth + 1);
                        }
                    }
                    None => self.error(
                        value,
                        format!("`{at}` must be an object mapping names to schemas"),
                    ),
                },
                _ if SCHEMA_LIST_KEYWORDS.contains(&key) => match value.as_sequence() {
                    Some(items) if !items.is_empty() => {
                        for (i, item) in items.iter().enumerate() {
                            self.schema(item, &format!("{at}[{i}]"), depth + 1);
                        }
                    }
                    _ => self.error(value, format!("`{at}` must be a non-empty list of schemas")),
                },
                _ if COUNT_KEYWORDS.contains(&key) => {
                    let ok = matches!(
                        decode(value, true),
                        Decoded::Int | Decoded::Float { integral: true }
                    ) && !value.as_str().is_some_and(|s| s.starts_with('-'));
                    if !ok {
                        self.error(value, format!("`{at}` must be a non-negative integer"));
                    }
                }
                _ if NUMBER_KEYWORDS.contains(&key) => {
                    let decoded = decode(value, true);
                    if decoded == Decoded::Bool && key.starts_with("exclusive") {
                        self.error(
                            value,
                            format!(
                                "`{at}` is a boolean, as in draft-04; draft-07 expects the bound itself (`\"{key}\": 5` instead of `minimum`/`maximum` plus `true`)"
                            ),
                        );
                    } else if !matches!(decoded, Decoded::Int | Decoded::Float { .. }) {
                        self.error(value, format!("`{at}` must be a number"));
                    } else if key == "multipleOf"
                        && value
                            .as_str()
                            .and_then(|s| s.parse::<f64>().ok())
                            .is_some_and(|v| v <= 0.0)
                    {
                        self.error(value, format!("`{at}` must be greater than 0"));
                    }
                }
                _ if STRING_KEYWORDS.contains(&key) => {
                    if decode(value, true) != Decoded::String {
                        self.error(value, format!("`{at}` must be a string"));
                    }
                }
                _ if BOOLEAN_KEYWORDS.contains(&key) => {
                    if decode(value, true) != Decoded::Bool {
                        self.error(value, format!("`{at}` must be `true` or `false`"));
                    }
                }
                EXTENSION | "const" | "default" | "examples" => {}
                _ => self.unknown_keyword(entry, &at),
            }
        }
    }

    fn type_keyword(&mut self, value: &Node, at: &str) {
        let names: Vec<&Node> = match &value.kind {
            NodeKind::Sequence(items) => items.iter().collect(),
            _ => vec![value],
        };
        if names.is_empty() {
            self.error(value, format!("`{at}` must name at least one type"));
        }
        let mut seen = Vec::new();
        for name in names {
            match name
                .as_str()
                .filter(|_| decode(name, true) == Decoded::String)
            {
                Some(text) if TYPES.contains(&text) => {
                    if seen.contains(&text) {
                        self.error(name, format!("`{at}` lists `{text}` twice"));
                    }
                    seen.push(text);
                }
                Some(text) => {
                    let hint = crate::suggest::closest(text, TYPES)
                        .or_else(|| match text {
                            "int" | "long" => Some("integer".into()),
                            "bool" => Some("boolean".into()),
                            "float" | "double" => Some("number".into()),
                            "date" | "email" | "uri" | "tel" => Some("string".into()),
                            _ => None,
                        })
                        .map(|s| format!(" (did you mean `{s}`?)"))
                        .unwrap_or_default();
                    self.error(
                        name,
                        format!(
                            "`{at}: {text}` is not a JSON Schema type{hint}; use one of {}",
                            TYPES.join(", ")
                        ),
                    );
                }
                None => self.error(
                    name,
                    format!("`{at}` must be a type name or a list of them"),
                ),
            }
        }
    }

    fn required(&mut self, value: &Node, at: &str) {
        match &value.kind {
            NodeKind::Sequence(items) => {
                let mut seen = Vec::new();
                for item in items {
                    match item.as_str().filter(|_| decode(item, true) == Decoded::String) {
                        Some(name) if seen.contains(&name) => {
                            self.error(item, format!("`{at}` lists `{name}` twice"));
                        }
                        Some(name) => seen.push(name),
                        None => self.error(item, format!("`{at}` must list property names")),
                    }
                }
            }
            _ if decode(value, true) == Decoded::Bool => self.error(
                value,
                format!(
                    "`{at}: {}` is draft-04 syntax; in draft-07 list the property in its parent's `required` array",
                    value.as_str().unwrap_or("true")
                ),
            ),
            _ => self.error(value, format!("`{at}` must be a list of property names")),
        }
    }

    fn unknown_keyword(&mut self, entry: &idplint_syntax::Entry, at: &str) {
        let key = entry.key_str();
        // Only near misses: JSON Schema allows any other keyword (UI hints, `x-` vendor keys).
        let Some(keyword) = crate::suggest::closest(key, all_keywords()) else {
            return;
        };
        if keyword.eq_ignore_ascii_case(key) || strsim::levenshtein(key, &keyword) <= 2 {
            self.out.push(
                Diagnostic::new(
                    self.meta.id.clone(),
                    Severity::Warning,
                    format!("`{at}` is not a JSON Schema keyword, so it has no effect"),
                    entry.key.range,
                )
                .with_help(format!("Did you mean `{keyword}`?")),
            );
        }
    }
}
