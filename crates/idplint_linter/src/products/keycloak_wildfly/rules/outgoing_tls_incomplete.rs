//! `keycloak-wildfly/outgoing-tls-incomplete`: a keystore for outgoing TLS is configured
//! without its password, or a password without its keystore.
//!
//! The `truststore` provider `file` needs both `file` and `password`, and the
//! `connectionsHttpClient` provider needs `client-keystore-password` and `client-key-password`
//! as soon as `client-keystore` is set. With one half missing Keycloak cannot open the store:
//! the server fails at start or the outgoing calls that need the store fail.

use super::super::expr::with_defaults;
use super::super::model::{self, is_enabled, provider_property};
use crate::rule::{FnRule, Rule, RuleContext, RuleMeta};
use crate::unit::UnitKind;
use idplint_diagnostics::Diagnostic;
use idplint_syntax::xml::{XmlAttribute, XmlElement};
use std::sync::Arc;

/// (SPI, the keystore property, the properties it needs, whether a lone password counts).
struct Pairing {
    spi: &'static str,
    keystore: &'static str,
    needs: &'static [&'static str],
    /// The truststore's password alone is as broken as its file alone; a client key
    /// password without a client keystore is merely unused.
    password_without_store: bool,
}

const PAIRINGS: &[Pairing] = &[
    Pairing {
        spi: "truststore",
        keystore: "file",
        needs: &["password"],
        password_without_store: true,
    },
    Pairing {
        spi: "connectionsHttpClient",
        keystore: "client-keystore",
        needs: &["client-keystore-password", "client-key-password"],
        password_without_store: false,
    },
];

pub fn factory(meta: Arc<RuleMeta>) -> Box<dyn Rule> {
    FnRule::boxed(meta, UnitKind::KeycloakWildflyXml, check)
}

fn check(ctx: &RuleContext<'_>, out: &mut Vec<Diagnostic>) {
    for (_, keycloak) in model::keycloak_subsystems_of(ctx.file) {
        for pairing in PAIRINGS {
            for provider in model::spis(keycloak, pairing.spi)
                .flat_map(|spi| spi.children_named("provider"))
                .filter(|provider| is_enabled(provider) && !switched_off(provider))
            {
                check_provider(ctx, pairing, provider, out);
            }
        }
    }
}

fn check_provider(
    ctx: &RuleContext<'_>,
    pairing: &Pairing,
    provider: &XmlElement,
    out: &mut Vec<Diagnostic>,
) {
    let keystore = set(provider, pairing.keystore);
    match keystore {
        Some(keystore) => {
            for needed in pairing.needs {
                if set(provider, needed).is_some() {
                    continue;
                }
                out.push(
                    ctx.diagnostic(
                        keystore.value_range,
                        format!(
                            "SPI `{}` sets {} but not {needed}: Keycloak cannot open the keystore",
                            pairing.spi, pairing.keystore
                        ),
                    )
                    .with_help(format!(
                        "Add <property name=\"{needed}\" value=\"${{env.VARIABLE}}\"/> to the provider, read from the environment or a vault."
                    )),
                );
            }
        }
        None if pairing.password_without_store => {
            for needed in pairing.needs {
                // Point at the property name: the value is a secret.
                let Some(name) =
                    property_name(provider, needed).filter(|_| set(provider, needed).is_some())
                else {
                    continue;
                };
                out.push(
                    ctx.diagnostic(
                        name.value_range,
                        format!(
                            "SPI `{}` sets {needed} but not {}: there is no keystore to open",
                            pairing.spi, pairing.keystore
                        ),
                    )
                    .with_help(format!(
                        "Add the {} property with the keystore path, or remove the provider.",
                        pairing.keystore
                    )),
                );
            }
        }
        None => {}
    }
}

/// A property whose value, after expression defaults, is not empty (an expression without
/// default counts as set: the environment provides it).
fn set<'a>(provider: &'a XmlElement, name: &str) -> Option<&'a XmlAttribute> {
    provider_property(provider, name).filter(|value| !with_defaults(&value.value).trim().is_empty())
}

/// The `name` attribute of `<property name="...">` (for reporting next to a secret).
fn property_name<'a>(provider: &'a XmlElement, name: &str) -> Option<&'a XmlAttribute> {
    provider
        .children_named("properties")
        .flat_map(|props| props.children_named("property"))
        .find(|prop| prop.attr_value("name") == Some(name))
        .and_then(|prop| prop.attr("name"))
}

/// The truststore provider's own `disabled` property.
fn switched_off(provider: &XmlElement) -> bool {
    provider_property(provider, "disabled").is_some_and(|value| {
        with_defaults(&value.value)
            .trim()
            .eq_ignore_ascii_case("true")
    })
}
