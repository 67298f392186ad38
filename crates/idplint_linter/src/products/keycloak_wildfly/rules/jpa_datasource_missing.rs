//! `keycloak-wildfly/jpa-datasource-missing`: the `connectionsJpa` provider names a
//! datasource (`dataSource`) that no enabled datasource of the profile declares as its
//! `jndi-name`.
//!
//! Keycloak looks the name up in JNDI when it starts; a typo, a renamed pool or a disabled
//! datasource makes the lookup fail and the server does not boot.

use super::super::expr::{has_expression, with_defaults};
use super::super::model::{self, attr_resolved, is_enabled};
use crate::rule::{FnRule, Rule, RuleContext, RuleMeta};
use crate::unit::UnitKind;
use idplint_diagnostics::Diagnostic;
use std::sync::Arc;

pub fn factory(meta: Arc<RuleMeta>) -> Box<dyn Rule> {
    FnRule::boxed(meta, UnitKind::KeycloakWildflyXml, check)
}

fn check(ctx: &RuleContext<'_>, out: &mut Vec<Diagnostic>) {
    for (profile, keycloak) in model::keycloak_subsystems_of(ctx.file) {
        let Some(reference) = model::connections_jpa_datasource(keycloak) else {
            continue;
        };
        let wanted = with_defaults(&reference.value);
        let wanted = wanted.trim();
        // Only known names can be compared; a profile without a datasources subsystem is
        // usually a fragment of a larger configuration.
        if wanted.is_empty() || has_expression(wanted) || profile.subsystem("datasources").is_none()
        {
            continue;
        }
        let named: Vec<_> = model::datasources(&profile)
            .into_iter()
            .filter(|ds| attr_resolved(ds, "jndi-name").is_some_and(|jndi| jndi.trim() == wanted))
            .collect();
        if named.iter().any(|ds| is_enabled(ds)) {
            continue;
        }
        let mut diagnostic = ctx.diagnostic(
            reference.value_range,
            format!(
                "connectionsJpa names the datasource `{wanted}`, but {} has no enabled datasource with that jndi-name: Keycloak cannot obtain its database and does not start",
                profile.describe()
            ),
        );
        match named.first() {
            Some(disabled) => {
                diagnostic = diagnostic
                    .with_label(disabled.start_tag_range, "this datasource is disabled")
                    .with_help("Enable the datasource (enabled=\"true\") or point dataSource at an enabled one.");
            }
            None => {
                let known: Vec<String> = model::datasources(&profile)
                    .into_iter()
                    .filter(|ds| is_enabled(ds))
                    .filter_map(|ds| attr_resolved(ds, "jndi-name"))
                    .map(|jndi| format!("`{}`", jndi.trim()))
                    .collect();
                let help = if known.is_empty() {
                    "Declare the datasource under the datasources subsystem with this jndi-name."
                        .to_string()
                } else {
                    format!(
                        "Use the jndi-name of a declared datasource ({}) or declare one named `{wanted}`.",
                        known.join(", ")
                    )
                };
                diagnostic = diagnostic.with_help(help);
            }
        }
        out.push(diagnostic);
    }
}
