//! `kratos/identity-schema-via-phone`: `"verification": {"via": "phone"}` in an identity
//! schema. Kratos v0.9-v1.0 called the SMS channel `phone`; v1.1 renamed it to `sms` and the
//! meta-schema rejects `phone` from then on (research K-ID-01 / K-110-03), so Kratos refuses to
//! load the schema.
//!
//! The fix writes `sms`. It is safe when the running (current) version already knows `sms`
//! (v1.1+), unsafe when the schema must still load on an older current version. Addresses
//! stored with via `phone` are not migrated by Kratos: new `sms` rows are added next to them.

use super::{extension_uses, native_rule, tree_and_root};
use crate::products::kratos::catalog::Release;
use crate::products::kratos::config_keys::Target;
use crate::rule::{RuleContext, RuleMeta};
use idplint_diagnostics::{Applicability, Diagnostic, Fix, Severity, Tag};

native_rule!(
    ViaPhone,
    "kratos/identity-schema-via-phone",
    KratosIdentitySchema
);

const RENAMED_IN: Release = Release(1, 1, 0);

fn check(meta: &RuleMeta, ctx: &RuleContext<'_>, out: &mut Vec<Diagnostic>) {
    let (Some((tree, root)), Some(target)) = (tree_and_root(ctx.unit), Target::of(ctx.versions))
    else {
        return;
    };
    if target.release < RENAMED_IN {
        return;
    }
    let current_knows_sms = ctx
        .versions
        .current
        .as_ref()
        .is_some_and(|v| Release::of(v) >= RENAMED_IN);
    for used in extension_uses(root) {
        let Some(via) = used.entry.value.get_path(&["verification", "via"]) else {
            continue;
        };
        if via.as_str() != Some("phone") || via.range.slice(&tree.text).is_none() {
            continue;
        }
        let (severity, message) = if target.assumed {
            (
                Severity::Warning,
                "`verification.via: phone` is rejected from Kratos v1.1 on (no version is known); it is `sms` now".to_string(),
            )
        } else {
            (
                meta.severity,
                format!(
                    "`verification.via: phone` was renamed to `sms` in Kratos v1.1; {} rejects the schema",
                    target.describe(ctx.versions)
                ),
            )
        };
        let applicability = if current_knows_sms {
            Applicability::Safe
        } else {
            Applicability::Unsafe
        };
        out.push(
            Diagnostic::new(meta.id.clone(), severity, message, via.range)
                .with_tag(Tag::Deprecated)
                .with_help("Addresses already stored with via `phone` are not migrated; Kratos adds `sms` ones next to them")
                .with_fix(Fix::new(
                    "Change `phone` to `sms`",
                    applicability,
                    vec![idplint_syntax::json::edit::replace_string(via, "sms")],
                )),
        );
    }
}
