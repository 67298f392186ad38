//! `keycloak-wildfly/theme-caching-disabled`: the keycloak-server `<theme>` settings meant for
//! theme development are left on (`staticMaxAge` -1, `cacheThemes` or `cacheTemplates`
//! false).
//!
//! With them Keycloak re-reads theme files and FreeMarker templates on every request and
//! browsers re-download every static resource: correct, but slow. The legacy image writes them
//! into its configuration, so they often reach production unnoticed.

use super::super::expr::{has_expression, with_defaults};
use super::super::model::{self, child_text};
use crate::rule::{FnRule, Rule, RuleContext, RuleMeta};
use crate::unit::UnitKind;
use idplint_diagnostics::{Diagnostic, Edit, Fix};
use std::sync::Arc;

/// (element, development value, the distribution's production value, what it does).
const SETTINGS: &[(&str, &str, &str, &str)] = &[
    (
        "staticMaxAge",
        "-1",
        "2592000",
        "browsers may not cache theme resources (images, CSS, scripts)",
    ),
    (
        "cacheThemes",
        "false",
        "true",
        "theme files are read from disk on every request",
    ),
    (
        "cacheTemplates",
        "false",
        "true",
        "FreeMarker templates are parsed on every request",
    ),
];

pub fn factory(meta: Arc<RuleMeta>) -> Box<dyn Rule> {
    FnRule::boxed(meta, UnitKind::KeycloakWildflyXml, check)
}

fn check(ctx: &RuleContext<'_>, out: &mut Vec<Diagnostic>) {
    for (_, keycloak) in model::keycloak_subsystems_of(ctx.file) {
        for theme in keycloak.children_named("theme") {
            for (element, development, production, effect) in SETTINGS {
                let Some((raw, range)) = child_text(theme, element) else {
                    continue;
                };
                if !with_defaults(raw).trim().eq_ignore_ascii_case(development) {
                    continue;
                }
                let mut diagnostic = ctx
                    .diagnostic(
                        range,
                        format!(
                            "Theme setting {element} is {development}, a theme-development setting: {effect}, which slows every page in production"
                        ),
                    )
                    .with_help(format!(
                        "Use {production} (the distribution's value) outside theme development."
                    ));
                // An expression is set from outside; rewriting its default would not change
                // a value set there.
                if !has_expression(raw) {
                    diagnostic = diagnostic.with_fix(Fix::unsafe_(
                        format!("Set {element} to {production}"),
                        vec![Edit::replace(range, *production)],
                    ));
                }
                out.push(diagnostic);
            }
        }
    }
}
