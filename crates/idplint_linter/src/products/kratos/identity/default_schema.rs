//! `kratos/default-schema-id-unknown`: `identity.default_schema_id` (default `default`) names
//! no entry of `identity.schemas[]`. Kratos creates self-service identities with the default
//! schema and refuses to start when it is not configured (v0.9+, when the list replaced
//! `identity.default_schema_url`).

use super::native_rule;
use crate::products::kratos::catalog::Release;
use crate::products::kratos::config_keys::{Target, is_templated};
use crate::rule::{RuleContext, RuleMeta};
use crate::unit::UnitContent;
use idplint_diagnostics::{Applicability, Diagnostic, Fix};

native_rule!(
    DefaultSchemaIdUnknown,
    "kratos/default-schema-id-unknown",
    KratosConfig
);

const SCHEMAS_FROM: Release = Release(0, 9, 0);

fn check(meta: &RuleMeta, ctx: &RuleContext<'_>, out: &mut Vec<Diagnostic>) {
    let UnitContent::Tree(tree) = &ctx.unit.content else {
        return;
    };
    let (Some(root), Some(target)) = (tree.root(), Target::of(ctx.versions)) else {
        return;
    };
    if target.release < SCHEMAS_FROM {
        return;
    }
    let Some(identity) = root.get("identity") else {
        return;
    };
    // A pre-v0.9 config names its default schema by URL; moving it into the list is the
    // job of `kratos/default-schema-url-removed`.
    if identity.value.get("default_schema_url").is_some() {
        return;
    }
    let Some(schemas) = identity.value.get("schemas") else {
        return;
    };
    let Some(items) = schemas.value.as_sequence() else {
        return;
    };
    let mut ids = Vec::new();
    for item in items {
        match item.get("id") {
            // An id filled in by a template could be anything.
            Some(id) if is_templated(&id.value) => return,
            Some(id) => ids.extend(id.value.as_str()),
            None => {}
        }
    }
    if ids.is_empty() {
        return;
    }
    let explicit = identity.value.get("default_schema_id");
    if let Some(entry) = explicit
        && is_templated(&entry.value)
    {
        return;
    }
    let default = explicit.and_then(|e| e.value.as_str()).unwrap_or("default");
    if ids.contains(&default) {
        return;
    }
    let listed = ids
        .iter()
        .map(|id| format!("`{id}`"))
        .collect::<Vec<_>>()
        .join(", ");
    let (range, message) = match explicit {
        Some(entry) => (
            entry.value.range,
            format!(
                "`identity.default_schema_id: {default}` names no schema; `identity.schemas` has {listed}"
            ),
        ),
        None => (
            schemas.key.range,
            format!(
                "No schema in `identity.schemas` has the id `default`, and `identity.default_schema_id` is not set (its default is `default`); the ids are {listed}"
            ),
        ),
    };
    let mut diagnostic = Diagnostic::new(meta.id.clone(), meta.severity, message, range)
        .with_help("Kratos creates new identities with the default schema and refuses to start when it is missing; set `identity.default_schema_id` to one of the ids");
    // With one schema there is only one sensible default.
    if let ([only], Some(entry)) = (ids.as_slice(), explicit)
        && entry.value.as_str().is_some()
        && entry.value.range.slice(&tree.text).is_some()
    {
        let edit = if super::super::config_keys::is_json(tree) {
            Some(idplint_syntax::json::edit::replace_string(
                &entry.value,
                only,
            ))
        } else {
            idplint_syntax::yaml::edit::replace_scalar(&tree.text, &entry.value, only)
        };
        if let Some(edit) = edit {
            diagnostic = diagnostic.with_fix(Fix::new(
                format!("Set `default_schema_id: {only}`"),
                Applicability::Unsafe,
                vec![edit],
            ));
        }
    }
    out.push(diagnostic);
}
