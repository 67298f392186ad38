//! `kratos/identity-schema-verification-format`: from v1.1, a trait with `verification` must
//! use a `format` Kratos knows how to verify (research K-ID-02, the v1.1 identity
//! meta-schema): `email`, `tel`, `date`, `time`, `date-time` or `no-validate`. Any other
//! format stops Kratos from loading the schema. Two run-time failures are reported as
//! warnings: `via: sms` without a format ("no format specified ... set format to
//! no-validate"), and a `via` that does not match the format (`via: sms` on an `email` trait).

use super::{extension_uses, native_rule, str_at, trait_name, tree_and_root};
use crate::products::kratos::catalog::Release;
use crate::products::kratos::config_keys::Target;
use crate::rule::{RuleContext, RuleMeta};
use idplint_diagnostics::{Applicability, Diagnostic, Fix, Severity};

native_rule!(
    VerificationFormat,
    "kratos/identity-schema-verification-format",
    KratosIdentitySchema
);

const FROM: Release = Release(1, 1, 0);
const FORMATS: [&str; 6] = ["email", "tel", "date", "time", "date-time", "no-validate"];

fn check(meta: &RuleMeta, ctx: &RuleContext<'_>, out: &mut Vec<Diagnostic>) {
    let (Some((tree, root)), Some(target)) = (tree_and_root(ctx.unit), Target::of(ctx.versions))
    else {
        return;
    };
    if target.release < FROM {
        return;
    }
    let on = target.describe(ctx.versions);
    let rejected = if target.assumed {
        Severity::Warning
    } else {
        meta.severity
    };
    let newline = tree.doc.style.newline.as_str();
    for used in extension_uses(root) {
        let Some(verification) = used.entry.value.get("verification") else {
            continue;
        };
        let name = trait_name(&used.path);
        let format_entry = used.schema.get("format");
        let format = format_entry.and_then(|e| e.value.as_str());
        // `phone` is v1.0's name of `sms` (the via-phone rule renames it): the same
        // requirements apply, and reporting them before the rename keeps that fix from adding
        // a finding.
        let via =
            str_at(&verification.value, &["via"]).map(|v| if v == "phone" { "sms" } else { v });
        match (format, format_entry) {
            (Some(format), Some(entry)) if !FORMATS.contains(&format) => {
                out.push(
                    Diagnostic::new(
                        meta.id.clone(),
                        rejected,
                        format!(
                            "Trait `{name}` is verified but has `format: {format}`; {on} only accepts {} on verified traits",
                            FORMATS.join(", ")
                        ),
                        entry.value.range,
                    )
                    .with_help("Kratos v1.1+ rejects the identity schema at startup; use `email` or `tel` (or `no-validate`)"),
                );
                continue;
            }
            _ => {}
        }
        match (via, format) {
            (Some("sms"), None) => {
                let fix = idplint_syntax::json::edit::insert_member(
                    &tree.text,
                    used.schema,
                    "format",
                    "\"tel\"",
                    newline,
                )
                .map(|edit| {
                    Fix::new(
                        "Add `\"format\": \"tel\"`",
                        Applicability::Unsafe,
                        vec![edit],
                    )
                });
                out.push(
                    Diagnostic::new(
                        meta.id.clone(),
                        Severity::Warning,
                        format!("Trait `{name}` is verified by SMS but has no `format`; Kratos fails when it verifies it (\"no format specified\")"),
                        verification.key.range,
                    )
                    .with_help("Add `\"format\": \"tel\"` to the trait (or `no-validate`)")
                    .with_fix_opt(fix),
                );
            }
            (Some("sms"), Some("email")) | (Some("email"), Some("tel")) => {
                out.push(Diagnostic::new(
                    meta.id.clone(),
                    Severity::Warning,
                    format!(
                        "Trait `{name}` has `format: {}` but is verified via `{}`; Kratos rejects such addresses when it verifies them",
                        format.unwrap_or_default(),
                        via.unwrap_or_default()
                    ),
                    verification.key.range,
                ));
            }
            _ => {}
        }
    }
}
