//! `keycloak-wildfly/risky-feature-enabled`: the system properties switch on every preview
//! feature (`keycloak.profile=preview`) or the deprecated `upload_scripts` feature.
//!
//! Preview features are not fully supported and change between releases. `upload_scripts`
//! lets administrators upload JavaScript that the server executes; it was removed in
//! Keycloak 18, where scripts must be deployed as JARs.

use super::super::expr::with_defaults;
use super::super::model;
use crate::rule::{FnRule, Rule, RuleContext, RuleMeta};
use crate::unit::UnitKind;
use idplint_diagnostics::Diagnostic;
use std::sync::Arc;

pub fn factory(meta: Arc<RuleMeta>) -> Box<dyn Rule> {
    FnRule::boxed(meta, UnitKind::KeycloakWildflyXml, check)
}

fn check(ctx: &RuleContext<'_>, out: &mut Vec<Diagnostic>) {
    for property in model::system_properties_of(ctx.file) {
        let name = property.name.value.as_str();
        let value = with_defaults(&property.value.value);
        let value = value.trim();
        let (message, help) = if name == "keycloak.profile" && value == "preview" {
            (
                "keycloak.profile=preview switches on every preview feature, which are not fully supported and change between releases".to_string(),
                "Enable only the preview features you need, each with keycloak.profile.feature.<name>=enabled.",
            )
        } else if model::feature_flag_name(name) == Some("upload_scripts") && value == "enabled" {
            (
                "The upload_scripts feature lets administrators upload JavaScript that the server runs; it is deprecated and was removed in Keycloak 18".to_string(),
                "Deploy scripts as a JAR in standalone/deployments and remove the property.",
            )
        } else {
            continue;
        };
        out.push(
            ctx.diagnostic(property.value.value_range, message)
                .with_label(property.name.value_range, "set here")
                .with_help(help),
        );
    }
}
