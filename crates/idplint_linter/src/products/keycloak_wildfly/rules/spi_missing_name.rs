//! `keycloak-wildfly/spi-missing-name`: an `<spi>` of the keycloak-server subsystem has no
//! `name`, or one of its `<provider>` elements lacks `name` or `enabled`.
//!
//! The subsystem schema requires these attributes; WildFly rejects the file when it parses
//! the subsystem, so the server does not start.

use super::super::model;
use crate::rule::{FnRule, Rule, RuleContext, RuleMeta};
use crate::unit::UnitKind;
use idplint_diagnostics::Diagnostic;
use std::sync::Arc;

pub fn factory(meta: Arc<RuleMeta>) -> Box<dyn Rule> {
    FnRule::boxed(meta, UnitKind::KeycloakWildflyXml, check)
}

fn check(ctx: &RuleContext<'_>, out: &mut Vec<Diagnostic>) {
    for (_, keycloak) in model::keycloak_subsystems_of(ctx.file) {
        for spi in keycloak.children_named("spi") {
            let spi_name = spi.attr_value("name");
            if spi_name.is_none() {
                out.push(
                    ctx.diagnostic(spi.name_range, "<spi> has no name attribute, which the keycloak-server subsystem requires: the server does not start")
                        .with_help("Add name=\"...\" with the SPI's id (for example connectionsJpa)."),
                );
            }
            for provider in spi.children_named("provider") {
                let missing: Vec<&str> = ["name", "enabled"]
                    .into_iter()
                    .filter(|attr| provider.attr(attr).is_none())
                    .collect();
                if missing.is_empty() {
                    continue;
                }
                out.push(
                    ctx.diagnostic(
                        provider.name_range,
                        format!(
                            "<provider> of SPI `{}` has no {} attribute, which the keycloak-server subsystem requires: the server does not start",
                            spi_name.unwrap_or("?"),
                            missing.join(" or ")
                        ),
                    )
                    .with_help("Give every provider name=\"...\" and enabled=\"true\" or \"false\"."),
                );
            }
        }
    }
}
