//! `keycloak-wildfly/self-signed-https`: the HTTPS listener serves the certificate WildFly
//! generates for itself on first use (`generate-self-signed-certificate-host`).
//!
//! The distribution ships this so that port 8443 works out of the box: the certificate is
//! self-signed, names `localhost`, and sits in `application.keystore` with the password
//! `password`. Browsers and clients either reject it or are taught to skip verification.

use super::super::expr::with_defaults;
use super::super::model;
use crate::rule::{FnRule, Rule, RuleContext, RuleMeta};
use crate::unit::UnitKind;
use idplint_diagnostics::Diagnostic;
use idplint_syntax::xml::{XmlAttribute, XmlElement};
use std::sync::Arc;

pub fn factory(meta: Arc<RuleMeta>) -> Box<dyn Rule> {
    FnRule::boxed(meta, UnitKind::KeycloakWildflyXml, check)
}

fn check(ctx: &RuleContext<'_>, out: &mut Vec<Diagnostic>) {
    let Some(doc) = ctx.file.xml() else {
        return;
    };
    for profile in model::profiles(&doc.root) {
        let Some(undertow) = profile.subsystem("undertow") else {
            continue;
        };
        let elytron = profile.subsystem("elytron");
        for listener in undertow
            .descendants()
            .into_iter()
            .filter(|e| e.name == "https-listener")
        {
            let generated = if let Some(context) = listener.attr("ssl-context") {
                elytron
                    .and_then(|elytron| generated_by_ssl_context(elytron, &context.value))
                    .map(|host| (context, host))
            } else if let Some(realm) = listener.attr("security-realm") {
                generated_by_security_realm(&doc.root, &realm.value).map(|host| (realm, host))
            } else {
                None
            };
            let Some((reference, generator)) = generated else {
                continue;
            };
            let listener_name = listener.attr_value("name").unwrap_or("https");
            out.push(
                ctx.diagnostic(
                    reference.value_range,
                    format!(
                        "HTTPS listener `{listener_name}` serves a self-signed certificate that WildFly generates for `{}`: clients cannot verify it, and the keystore is the distribution's",
                        with_defaults(&generator.value)
                    ),
                )
                .with_label(generator.range, "generated certificate")
                .with_help(
                    "Create a keystore with a certificate issued for the public host name and \
                     point the key store at it without generate-self-signed-certificate-host, or \
                     terminate TLS at a reverse proxy and remove the https-listener.",
                ),
            );
        }
    }
}

/// `server-ssl-context[name]` → `key-manager[name]/@generate-self-signed-certificate-host`.
fn generated_by_ssl_context<'a>(
    elytron: &'a XmlElement,
    context: &str,
) -> Option<&'a XmlAttribute> {
    let elements = elytron.descendants();
    let context = with_defaults(context);
    let key_manager = elements
        .iter()
        .find(|e| e.name == "server-ssl-context" && e.attr_value("name") == Some(context.trim()))?
        .attr_value("key-manager")
        .map(with_defaults)?;
    elements
        .iter()
        .find(|e| e.name == "key-manager" && e.attr_value("name") == Some(key_manager.trim()))?
        .attr("generate-self-signed-certificate-host")
}

/// Legacy `management/security-realms/security-realm[name]/server-identities/ssl/keystore`.
fn generated_by_security_realm<'a>(root: &'a XmlElement, realm: &str) -> Option<&'a XmlAttribute> {
    let realm = with_defaults(realm);
    root.children_named("management")
        .flat_map(|m| m.children_named("security-realms"))
        .flat_map(|realms| realms.children_named("security-realm"))
        .filter(|r| r.attr_value("name") == Some(realm.trim()))
        .flat_map(|r| r.children_named("server-identities"))
        .flat_map(|ids| ids.children_named("ssl"))
        .flat_map(|ssl| ssl.children_named("keystore"))
        .find_map(|keystore| keystore.attr("generate-self-signed-certificate-host"))
}
