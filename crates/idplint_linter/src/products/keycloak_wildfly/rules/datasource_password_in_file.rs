//! `keycloak-wildfly/datasource-password-in-file`: the password of Keycloak's datasource is
//! written into the configuration, either as a literal or as the default of an expression
//! (`${env.DB_PASSWORD:password}`).
//!
//! A literal is readable by whoever reads the file, its backups and its copies in version
//! control. A default silently becomes the password when the variable is missing, which for
//! the legacy image's `${env.DB_PASSWORD:password}` is a well-known one. The value itself is
//! never printed, only where it is.

use super::super::expr::{env_variables, has_expression, with_defaults};
use super::super::model::{self, is_embedded_h2_url};
use crate::rule::{FnRule, Rule, RuleContext, RuleMeta};
use crate::unit::UnitKind;
use idplint_diagnostics::{Diagnostic, TextRange};
use idplint_syntax::xml::XmlElement;
use std::sync::Arc;

pub fn factory(meta: Arc<RuleMeta>) -> Box<dyn Rule> {
    FnRule::boxed(meta, UnitKind::KeycloakWildflyXml, check)
}

fn check(ctx: &RuleContext<'_>, out: &mut Vec<Diagnostic>) {
    let Some(doc) = ctx.file.xml() else {
        return;
    };
    for (_, datasource) in model::keycloak_datasources(&doc.root) {
        // An embedded H2 database is a file of the server itself: its password protects
        // nothing that file access does not already give (other rules report H2).
        if model::jdbc_url(datasource.element).is_some_and(|(url, _)| is_embedded_h2_url(url)) {
            continue;
        }
        let name = model::datasource_name(datasource.element);
        for (raw, range) in passwords(datasource.element) {
            let Some(message) = problem(raw, name) else {
                continue;
            };
            out.push(ctx.diagnostic(range, message).with_help(
                "Read it from the environment without a default (${env.DB_PASSWORD}), from an \
                 Elytron credential store (<credential-reference store=... alias=...>) or from \
                 a vault expression.",
            ));
        }
    }
}

/// What is wrong with one password value, or `None` when it is only a reference.
fn problem(raw: &str, datasource: &str) -> Option<String> {
    // `${VAULT::block::attribute::1}` is WildFly's password-vault reference, not a
    // property with a default.
    if raw.trim().is_empty() || raw.contains("${VAULT::") {
        return None;
    }
    if !has_expression(raw) {
        return Some(format!(
            "Keycloak's datasource `{datasource}` logs in to the database with a credential written in the file in plain text"
        ));
    }
    let fallback = with_defaults(raw);
    if fallback.trim().is_empty() || has_expression(&fallback) {
        return None;
    }
    let source = match env_variables(raw).as_slice() {
        [] => "the system property is not set".to_string(),
        [one] => format!("the environment variable `{one}` is not set"),
        many => format!(
            "none of the environment variables {} is set",
            many.join(", ")
        ),
    };
    Some(format!(
        "Keycloak's datasource `{datasource}` falls back to a database credential written in the file when {source}"
    ))
}

/// The password values of a datasource, each with the range to report: the `<password>`
/// start tag, or the `clear-text` attribute name of `<credential-reference>`. Findings never
/// point at the value itself, so no snippet shows it.
fn passwords(datasource: &XmlElement) -> Vec<(&str, TextRange)> {
    let mut out = Vec::new();
    for security in datasource.children_named("security") {
        for password in security.children_named("password") {
            let raw = password.text.as_ref().map_or("", |(text, _)| text.as_str());
            out.push((raw, password.start_tag_range));
        }
        for reference in security.children_named("credential-reference") {
            if let Some(clear) = reference.attr("clear-text") {
                out.push((clear.value.as_str(), clear.name_range));
            }
        }
    }
    out
}
