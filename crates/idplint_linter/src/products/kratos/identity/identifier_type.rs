//! `kratos/identity-schema-identifier-not-string`: a trait marked as a login identifier
//! (`credentials.password|webauthn|code.identifier: true`) whose schema type is not `string`.
//! Kratos turns the trait's value into the identifier with Go's `%s` formatting, so a number
//! becomes `%!s(float64=42)` and an object or list something similar: users cannot sign in
//! with what they typed, and uniqueness is checked on the mangled text.

use super::{extension_uses, is_true, native_rule, schema_types, trait_name, tree_and_root};
use crate::rule::{RuleContext, RuleMeta};
use idplint_diagnostics::Diagnostic;

native_rule!(
    IdentifierNotString,
    "kratos/identity-schema-identifier-not-string",
    KratosIdentitySchema
);

const METHODS: [&str; 3] = ["password", "webauthn", "code"];

fn check(meta: &RuleMeta, ctx: &RuleContext<'_>, out: &mut Vec<Diagnostic>) {
    let Some((_, root)) = tree_and_root(ctx.unit) else {
        return;
    };
    for used in extension_uses(root) {
        let methods: Vec<&str> = METHODS
            .into_iter()
            .filter(|m| is_true(&used.entry.value, &["credentials", m, "identifier"]))
            .collect();
        if methods.is_empty() {
            continue;
        }
        let types = schema_types(used.schema);
        // No `type` at all: nothing to say (Kratos accepts whatever the value is).
        if types.is_empty() || types.contains(&"string") {
            continue;
        }
        let at = used
            .schema
            .get("type")
            .map_or(used.entry.key.range, |e| e.value.range);
        out.push(
            Diagnostic::new(
                meta.id.clone(),
                meta.severity,
                format!(
                    "Trait `{}` is a {} identifier but has `type: {}`; Kratos needs identifiers to be strings",
                    trait_name(&used.path),
                    methods.join("/"),
                    types.join("|")
                ),
                at,
            )
            .with_help("Make the trait `\"type\": \"string\"` (with a `format` such as `email` or `tel`), or mark another trait as the identifier"),
        );
    }
}
