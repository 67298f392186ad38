//! `keycloak-wildfly/outgoing-tls-unverified`: Keycloak's outgoing HTTPS connections do not
//! verify the server they talk to.
//!
//! Two keycloak-server SPI properties switch verification off for every outgoing call
//! (identity brokers, back-channel requests to clients, LDAP over TLS through the truststore,
//! mail): `connectionsHttpClient` `disable-trust-manager="true"` accepts any certificate, and
//! `truststore` `hostname-verification-policy="ANY"` accepts a valid certificate for any host
//! name. Either lets whoever sits on the network path impersonate those servers. The
//! installation guide says the first must never be used in production.

use super::super::expr::{has_expression, with_defaults};
use super::super::model;
use crate::rule::{FnRule, Rule, RuleContext, RuleMeta};
use crate::unit::UnitKind;
use idplint_diagnostics::{Diagnostic, Edit, Fix};
use std::sync::Arc;

/// One property that switches verification off.
struct Check {
    spi: &'static str,
    property: &'static str,
    /// The value that disables verification (compared case-insensitively).
    bad: &'static str,
    /// The default, which verifies; what the fix writes.
    good: &'static str,
    meaning: &'static str,
    help: &'static str,
}

const CHECKS: &[Check] = &[
    Check {
        spi: "connectionsHttpClient",
        property: "disable-trust-manager",
        bad: "true",
        good: "false",
        meaning: "outgoing HTTPS requests accept any certificate",
        help: "Remove the property (the default is false) and add the CA certificates of the \
               servers Keycloak calls to a truststore (spi `truststore`, provider `file`).",
    },
    Check {
        spi: "truststore",
        property: "hostname-verification-policy",
        bad: "ANY",
        good: "WILDCARD",
        meaning: "outgoing TLS connections accept a certificate issued for any host name",
        help: "Use WILDCARD (the default) or STRICT, and give the servers Keycloak calls \
               certificates that name them.",
    },
];

pub fn factory(meta: Arc<RuleMeta>) -> Box<dyn Rule> {
    FnRule::boxed(meta, UnitKind::KeycloakWildflyXml, check)
}

fn check(ctx: &RuleContext<'_>, out: &mut Vec<Diagnostic>) {
    let Some(doc) = ctx.file.xml() else {
        return;
    };
    for profile in model::profiles(&doc.root) {
        let Some(keycloak) = profile.subsystem("keycloak-server") else {
            continue;
        };
        for check in CHECKS {
            for value in model::spi_property_values(keycloak, check.spi, check.property) {
                let resolved = with_defaults(&value.value);
                if !resolved.trim().eq_ignore_ascii_case(check.bad) {
                    continue;
                }
                let setting = if has_expression(&value.value) {
                    format!(
                        "{}={} (which is {} unless the environment overrides it)",
                        check.property, value.value, check.bad
                    )
                } else {
                    format!("{}={}", check.property, value.value)
                };
                let mut diagnostic = ctx
                        .diagnostic(
                            value.value_range,
                            format!(
                                "SPI `{}` sets {setting}: {}, so anyone on the network path can impersonate the identity providers, clients and other servers Keycloak calls",
                                check.spi, check.meaning
                            ),
                        )
                        .with_help(check.help);
                // An expression's value comes from the environment; rewriting only
                // its default would not change a value set there, so only literals
                // get a fix.
                if !has_expression(&value.value) {
                    diagnostic = diagnostic.with_fix(Fix::unsafe_(
                        format!("Set {} to {}", check.property, check.good),
                        vec![Edit::replace(value.value_range, check.good)],
                    ));
                }
                out.push(diagnostic);
            }
        }
    }
}
