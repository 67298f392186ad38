//! `keycloak-wildfly/cache-spi-disabled`: the realm or user cache provider is disabled
//! (`<spi name="realmCache|userCache"><provider ... enabled="false">`).
//!
//! Without them every request loads realms, clients, roles and users from the database. The
//! installation guide describes this as a debugging aid; in production it multiplies database
//! load, so it should be a deliberate choice.

use super::super::expr::has_expression;
use super::super::model::{self, is_enabled};
use crate::rule::{FnRule, Rule, RuleContext, RuleMeta};
use crate::unit::UnitKind;
use idplint_diagnostics::{Diagnostic, Edit, Fix};
use std::sync::Arc;

const CACHE_SPIS: &[(&str, &str)] = &[
    ("realmCache", "realms, clients, roles and groups"),
    ("userCache", "users"),
];

pub fn factory(meta: Arc<RuleMeta>) -> Box<dyn Rule> {
    FnRule::boxed(meta, UnitKind::KeycloakWildflyXml, check)
}

fn check(ctx: &RuleContext<'_>, out: &mut Vec<Diagnostic>) {
    for (_, keycloak) in model::keycloak_subsystems_of(ctx.file) {
        for (spi_name, what) in CACHE_SPIS {
            for provider in model::spis(keycloak, spi_name)
                .flat_map(|spi| spi.children_named("provider"))
                .filter(|provider| !is_enabled(provider))
            {
                let Some(enabled) = provider.attr("enabled") else {
                    continue;
                };
                let mut diagnostic = ctx
                    .diagnostic(
                        enabled.value_range,
                        format!(
                            "The {spi_name} provider `{}` is disabled: Keycloak loads {what} from the database on every request",
                            provider.attr_value("name").unwrap_or("?")
                        ),
                    )
                    .with_help(
                        "Enable the provider again unless caching is switched off on purpose \
                         (for example while debugging direct database changes).",
                    );
                if !has_expression(&enabled.value) {
                    diagnostic = diagnostic.with_fix(Fix::unsafe_(
                        format!("Enable the {spi_name} provider"),
                        vec![Edit::replace(enabled.value_range, "true")],
                    ));
                }
                out.push(diagnostic);
            }
        }
    }
}
