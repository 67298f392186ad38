//! `keycloak-wildfly/work-cache-not-replicated`: in a clustered profile the `work` cache is
//! a distributed, invalidation or scattered cache instead of a `replicated-cache`.
//!
//! Keycloak broadcasts cache invalidations (a realm, client or user changed) by writing to
//! `work` and listening for the writes on every node; only a replicated cache delivers each
//! write to every node, so with the other modes some nodes keep stale data. A `local-cache`
//! is reported by `local-cache-in-cluster`.

use super::super::model;
use crate::rule::{FnRule, Rule, RuleContext, RuleMeta};
use crate::unit::UnitKind;
use idplint_diagnostics::Diagnostic;
use std::sync::Arc;

const OTHER_CLUSTERED_MODES: &[&str] =
    &["distributed-cache", "invalidation-cache", "scattered-cache"];

pub fn factory(meta: Arc<RuleMeta>) -> Box<dyn Rule> {
    FnRule::boxed(meta, UnitKind::KeycloakWildflyXml, check)
}

fn check(ctx: &RuleContext<'_>, out: &mut Vec<Diagnostic>) {
    let Some(doc) = ctx.file.xml() else {
        return;
    };
    for model::ClusteredContainer {
        clustering,
        container,
    } in model::clustered_cache_containers(ctx.file, &doc.root)
    {
        for cache in container.children.iter().filter(|c| {
            OTHER_CLUSTERED_MODES.contains(&c.name.as_str()) && c.attr_value("name") == Some("work")
        }) {
            let diagnostic = ctx
                .diagnostic(
                    cache.name_range,
                    format!(
                        "Cache `work` is a {} although {}: Keycloak sends cache invalidations through it, and only a replicated-cache delivers them to every node, so the others would serve stale realms, clients and users",
                        cache.name, clustering.reason
                    ),
                )
                .with_help("Declare it as <replicated-cache name=\"work\"/>, as standalone-ha.xml does.");
            out.push(clustering.label(diagnostic));
        }
    }
}
