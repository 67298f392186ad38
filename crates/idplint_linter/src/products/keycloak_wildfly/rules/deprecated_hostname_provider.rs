//! `keycloak-wildfly/deprecated-hostname-provider`: the `hostname` SPI uses the `fixed` or
//! `request` provider, deprecated since Keycloak 8.
//!
//! Keycloak 8 replaced both with the `default` provider and its `frontendUrl`; the old ones
//! only build the front-end URL from a host name (or the request) and have no counterpart in
//! later versions, so a migration has to restate the URL anyway. The legacy image selects
//! `fixed` when `KEYCLOAK_HOSTNAME` is set.

use super::super::expr::{has_expression, with_defaults};
use super::super::model::{self, child_text};
use crate::rule::{FnRule, Rule, RuleContext, RuleMeta};
use crate::unit::UnitKind;
use idplint_diagnostics::Diagnostic;
use std::sync::Arc;

pub fn factory(meta: Arc<RuleMeta>) -> Box<dyn Rule> {
    FnRule::boxed(meta, UnitKind::KeycloakWildflyXml, check)
}

fn check(ctx: &RuleContext<'_>, out: &mut Vec<Diagnostic>) {
    for (_, keycloak) in model::keycloak_subsystems_of(ctx.file) {
        for spi in model::spis(keycloak, "hostname") {
            let Some((raw, range)) = child_text(spi, "default-provider") else {
                continue;
            };
            let provider = with_defaults(raw).trim().to_ascii_lowercase();
            if provider != "fixed" && provider != "request" {
                continue;
            }
            let setting = if has_expression(raw) {
                format!("`{raw}` (which is `{provider}` unless a system property overrides it)")
            } else {
                format!("`{provider}`")
            };
            out.push(
                ctx.diagnostic(
                    range,
                    format!(
                        "The hostname SPI uses the provider {setting}, deprecated since Keycloak 8 and gone from later versions"
                    ),
                )
                .with_help(
                    "Use <default-provider>default</default-provider> and set the provider \
                     `default` property frontendUrl to the public URL (https://host/auth).",
                ),
            );
        }
    }
}
