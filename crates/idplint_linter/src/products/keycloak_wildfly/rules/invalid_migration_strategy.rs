//! `keycloak-wildfly/invalid-migration-strategy`: the `connectionsJpa` `migrationStrategy`
//! is none of `update`, `manual` and `validate`.
//!
//! Keycloak turns the value into an enum when it starts (ignoring case); any other value
//! stops the boot before the database is touched.

use super::super::expr::{has_expression, with_defaults};
use super::super::model;
use crate::rule::{FnRule, Rule, RuleContext, RuleMeta};
use crate::unit::UnitKind;
use idplint_diagnostics::Diagnostic;
use std::sync::Arc;

const STRATEGIES: &[&str] = &["update", "manual", "validate"];

pub fn factory(meta: Arc<RuleMeta>) -> Box<dyn Rule> {
    FnRule::boxed(meta, UnitKind::KeycloakWildflyXml, check)
}

fn check(ctx: &RuleContext<'_>, out: &mut Vec<Diagnostic>) {
    for (_, keycloak) in model::keycloak_subsystems_of(ctx.file) {
        for value in model::spi_property_values(keycloak, "connectionsJpa", "migrationStrategy") {
            let resolved = with_defaults(&value.value);
            let resolved = resolved.trim();
            if has_expression(resolved)
                || STRATEGIES.iter().any(|s| s.eq_ignore_ascii_case(resolved))
            {
                continue;
            }
            out.push(
                ctx.diagnostic(
                    value.value_range,
                    format!(
                        "migrationStrategy `{resolved}` is not a migration strategy (update, manual or validate): Keycloak does not start"
                    ),
                )
                .with_help(
                    "Use `update` (apply schema changes at start), `manual` (write them to an SQL \
                     file for review) or `validate` (refuse to start on an outdated schema).",
                ),
            );
        }
    }
}
