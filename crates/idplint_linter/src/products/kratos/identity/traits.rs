//! `kratos/identity-schema-traits-missing`: an identity schema without traits Kratos can use.
//! Kratos' identity meta-schema requires `properties.traits` with a non-empty `properties`
//! object (and, when `traits.type` is given, `"object"`); a schema without them is rejected at
//! startup, and without traits no identifier can be marked at all.

use super::{native_rule, tree_and_root};
use crate::rule::{RuleContext, RuleMeta};
use idplint_diagnostics::Diagnostic;
use idplint_syntax::Node;

native_rule!(
    TraitsMissing,
    "kratos/identity-schema-traits-missing",
    KratosIdentitySchema
);

fn check(meta: &RuleMeta, ctx: &RuleContext<'_>, out: &mut Vec<Diagnostic>) {
    let Some((_, root)) = tree_and_root(ctx.unit) else {
        return;
    };
    if root.as_mapping().is_none() {
        return;
    }
    let report = |node: &Node, message: &str| {
        Diagnostic::new(meta.id.clone(), meta.severity, message, node.range)
    };
    let Some(properties) = root.get("properties") else {
        out.push(
            report(root, "The identity schema has no `properties`, so it has no `traits`")
                .with_help("Kratos reads an identity's traits from `properties.traits`: an object schema with at least one property"),
        );
        return;
    };
    let Some(traits) = properties.value.get("traits") else {
        out.push(
            report(&properties.key, "The identity schema has no `properties.traits`")
                .with_help("Kratos reads an identity's traits from `properties.traits`: an object schema with at least one property"),
        );
        return;
    };
    let schema = &traits.value;
    if schema.as_mapping().is_none() {
        out.push(report(
            schema,
            "`properties.traits` must be an object schema",
        ));
        return;
    }
    if let Some(ty) = schema.get("type")
        && ty.value.as_str() != Some("object")
    {
        out.push(report(
            &ty.value,
            "`properties.traits.type` must be `\"object\"`; Kratos rejects any other type",
        ));
    }
    match schema.get("properties") {
        None => out.push(
            report(&traits.key, "`properties.traits` has no `properties`").with_help(
                "Declare the traits (`email`, `name`, ...) under `properties.traits.properties`",
            ),
        ),
        Some(entry) => match entry.value.as_mapping() {
            Some([]) => out.push(report(
                &entry.value,
                "`properties.traits.properties` is empty; Kratos needs at least one trait",
            )),
            Some(_) => {}
            None => out.push(report(
                &entry.value,
                "`properties.traits.properties` must be an object of trait schemas",
            )),
        },
    }
}
