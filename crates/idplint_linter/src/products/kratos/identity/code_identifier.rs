//! `kratos/identity-schema-code-identifier`: the one-time-code method's identifier marker
//! (`credentials.code.identifier` with `via`). From v1.3 code login needs `identifier: true`
//! *and* a `via` of `email` or `sms` on the address trait, and an identifier without `via` is
//! an error when identities are written (research §3.1, K-ID-03). In v1.1 and v1.2 the code
//! accepted only `via: email`, although the meta-schema allowed `sms`.

use super::{extension_uses, is_true, native_rule, trait_name, tree_and_root};
use crate::products::kratos::catalog::Release;
use crate::products::kratos::config_keys::Target;
use crate::rule::{RuleContext, RuleMeta};
use idplint_diagnostics::{Diagnostic, Severity};

native_rule!(
    CodeIdentifier,
    "kratos/identity-schema-code-identifier",
    KratosIdentitySchema
);

const INTRODUCED: Release = Release(1, 1, 0);
const STRICT_FROM: Release = Release(1, 3, 0);

fn check(meta: &RuleMeta, ctx: &RuleContext<'_>, out: &mut Vec<Diagnostic>) {
    let (Some((_, root)), Some(target)) = (tree_and_root(ctx.unit), Target::of(ctx.versions))
    else {
        return;
    };
    if target.release < INTRODUCED {
        return;
    }
    let on = target.describe(ctx.versions);
    for used in extension_uses(root) {
        let Some(code) = used.entry.value.get_path(&["credentials", "code"]) else {
            continue;
        };
        let name = trait_name(&used.path);
        let via = code.get("via");
        let identifier = is_true(code, &["identifier"]);
        if identifier && via.is_none() && target.release >= STRICT_FROM {
            let severity = if target.assumed {
                Severity::Warning
            } else {
                meta.severity
            };
            let at = used
                .entry
                .value
                .get_path(&["credentials", "code", "identifier"])
                .map_or(used.entry.key.range, |n| n.range);
            out.push(
                Diagnostic::new(
                    meta.id.clone(),
                    severity,
                    format!("Trait `{name}` is a code identifier without `via`; {on} needs `via: email` or `via: sms` next to `identifier: true`"),
                    at,
                )
                .with_help("Add `\"via\": \"email\"` (or `\"sms\"` for a phone-number trait) to `credentials.code`"),
            );
        }
        if let Some(entry) = via
            && entry.value.as_str() == Some("sms")
            && !target.assumed
            && target.release < STRICT_FROM
        {
            out.push(Diagnostic::new(
                meta.id.clone(),
                Severity::Warning,
                format!("Trait `{name}` asks for login codes via SMS, but {on} sends codes by e-mail only (SMS codes arrived in v1.3)"),
                entry.value.range,
            ));
        }
    }
}
