//! `keycloak/preview-features-in-production`: `features=preview` (every preview feature at
//! once) in a production server. Preview features are unsupported, may change without a
//! migration path and some widen the attack surface (token exchange, admin fine-grained
//! permissions v1, ...); enable the ones you need by name instead.

use super::production_literals;
use crate::rule::{FnRule, Rule, RuleContext, RuleMeta};
use crate::unit::UnitKind;
use idplint_diagnostics::Diagnostic;
use std::sync::Arc;

pub const ID: &str = "keycloak/preview-features-in-production";

pub fn factory(meta: Arc<RuleMeta>) -> Box<dyn Rule> {
    FnRule::boxed(meta, UnitKind::KeycloakEnvSet, check)
}

fn check(ctx: &RuleContext<'_>, out: &mut Vec<Diagnostic>) {
    for (entry, value) in production_literals(ctx, "features") {
        let all_preview = value
            .split(',')
            .any(|f| f.trim().eq_ignore_ascii_case("preview"));
        if !all_preview {
            continue;
        }
        let range = entry.value_range.unwrap_or(entry.name_range);
        out.push(
            ctx.diagnostic(
                range,
                format!("`{}` enables every preview feature in a production server", entry.name),
            )
            .with_help("List the preview features you need by name (`features=token-exchange,...`); preview features are unsupported and can change or disappear between releases"),
        );
    }
}
