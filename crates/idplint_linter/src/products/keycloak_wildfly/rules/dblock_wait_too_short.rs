//! `keycloak-wildfly/dblock-wait-too-short`: the database lock timeout
//! (`dblock` provider `jpa`, `lockWaitTimeout`, seconds) is below the default 900 in a
//! clustered profile.
//!
//! The nodes of a cluster that start together queue on one database lock while the first
//! one creates or migrates the schema, which can take minutes on a large database. A node
//! that waits longer than the timeout fails its boot.

use super::super::model::{self, resolved_integer};
use crate::rule::{FnRule, Rule, RuleContext, RuleMeta};
use crate::unit::UnitKind;
use idplint_diagnostics::Diagnostic;
use std::sync::Arc;

/// Keycloak's default, in seconds.
const DEFAULT_WAIT: i64 = 900;

pub fn factory(meta: Arc<RuleMeta>) -> Box<dyn Rule> {
    FnRule::boxed(meta, UnitKind::KeycloakWildflyXml, check)
}

fn check(ctx: &RuleContext<'_>, out: &mut Vec<Diagnostic>) {
    let Some(doc) = ctx.file.xml() else {
        return;
    };
    for (profile, keycloak) in model::keycloak_subsystems(&doc.root) {
        // A single node never waits for another one.
        let Some(clustering) = model::clustering(ctx.file, &doc.root, &profile) else {
            continue;
        };
        for value in model::spi_property_values(keycloak, "dblock", "lockWaitTimeout") {
            let Some(seconds) = resolved_integer(&value.value) else {
                continue;
            };
            if seconds >= DEFAULT_WAIT {
                continue;
            }
            let diagnostic = ctx
                .diagnostic(
                    value.value_range,
                    format!(
                        "The database lock timeout is {seconds} s although {}: a node that starts while another one creates or migrates the schema fails its boot after that long (the default is {DEFAULT_WAIT} s)",
                        clustering.reason
                    ),
                )
                .with_help("Remove the property or set it to 900 seconds or more.");
            out.push(clustering.label(diagnostic));
        }
    }
}
