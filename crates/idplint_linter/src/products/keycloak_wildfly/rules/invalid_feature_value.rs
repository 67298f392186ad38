//! `keycloak-wildfly/invalid-feature-value`: a `keycloak.profile.feature.<name>` system
//! property is neither `enabled` nor `disabled`.
//!
//! The legacy server reads feature switches when it starts and accepts exactly these two
//! words; anything else (`true`, `on`, `Enabled`) throws and the server does not start.

use super::super::expr::{has_expression, with_defaults};
use super::super::model;
use crate::rule::{FnRule, Rule, RuleContext, RuleMeta};
use crate::unit::UnitKind;
use idplint_diagnostics::{Diagnostic, Edit, Fix};
use std::sync::Arc;

pub fn factory(meta: Arc<RuleMeta>) -> Box<dyn Rule> {
    FnRule::boxed(meta, UnitKind::KeycloakWildflyXml, check)
}

fn check(ctx: &RuleContext<'_>, out: &mut Vec<Diagnostic>) {
    for property in model::system_properties_of(ctx.file) {
        let Some(feature) = model::feature_flag_name(&property.name.value) else {
            continue;
        };
        let resolved = with_defaults(&property.value.value);
        if has_expression(&resolved) || resolved == "enabled" || resolved == "disabled" {
            continue;
        }
        let mut diagnostic = ctx
            .diagnostic(
                property.value.value_range,
                format!(
                    "Feature `{feature}` is set to `{resolved}`, but Keycloak accepts only `enabled` or `disabled` and does not start otherwise"
                ),
            )
            .with_help("Write `enabled` or `disabled` (lower case).");
        // Only a value that plainly means one of the two is rewritten.
        if let Some(meant) = meaning(&resolved)
            && !has_expression(&property.value.value)
        {
            diagnostic = diagnostic.with_fix(Fix::safe(
                format!("Write `{meant}`"),
                vec![Edit::replace(property.value.value_range, meant)],
            ));
        }
        out.push(diagnostic);
    }
}

/// `enabled`/`disabled` for values whose intent is unambiguous.
fn meaning(value: &str) -> Option<&'static str> {
    match value.trim().to_ascii_lowercase().as_str() {
        "enabled" | "enable" | "true" | "on" | "yes" => Some("enabled"),
        "disabled" | "disable" | "false" | "off" | "no" => Some("disabled"),
        _ => None,
    }
}
