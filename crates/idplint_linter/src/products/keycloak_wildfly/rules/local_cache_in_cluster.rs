//! `keycloak-wildfly/local-cache-in-cluster`: a cache the cluster must share is a
//! `local-cache` in a clustered configuration.
//!
//! `standalone.xml` declares every Keycloak cache as `local-cache`; `standalone-ha.xml`
//! makes the session caches distributed and `work` replicated. A clustered profile that kept
//! (or copied back) the local variants runs, but each node keeps its own sessions, and cache
//! invalidations sent through `work` never reach the other nodes, which then serve stale
//! realms, clients and users until their caches expire.

use super::super::model;
use crate::rule::{FnRule, Rule, RuleContext, RuleMeta};
use crate::unit::UnitKind;
use idplint_diagnostics::Diagnostic;
use std::sync::Arc;

/// Caches that hold per-user state and are distributed in a cluster.
const SESSION_CACHES: &[&str] = &[
    "sessions",
    "authenticationSessions",
    "offlineSessions",
    "clientSessions",
    "offlineClientSessions",
    "loginFailures",
    "actionTokens",
];

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
        // A `*-ha.xml` name alone is weak evidence when every cache is local: a file
        // without JGroups and without a cache transport runs as a single node. Require
        // the container's `<transport>` then.
        if clustering.range.is_none() && container.children_named("transport").next().is_none() {
            continue;
        }
        for cache in container.children_named("local-cache") {
            let Some(name_attr) = cache.attr("name") else {
                continue;
            };
            let name = name_attr.value.as_str();
            let (problem, help) = if name == "work" {
                (
                    "Keycloak sends cache invalidations to the other nodes through it, so they would keep serving stale realms, clients and users",
                    "Declare it as <replicated-cache name=\"work\"/>, as standalone-ha.xml does.",
                )
            } else if SESSION_CACHES.contains(&name) {
                (
                    "each node would keep its own copy, so state created on one node is unknown to the others",
                    "Declare it as a <distributed-cache> (with owners=\"2\" to survive the loss of a node), as standalone-ha.xml does.",
                )
            } else {
                continue;
            };
            let diagnostic = ctx
                .diagnostic(
                    cache.name_range,
                    format!(
                        "Cache `{name}` is a local-cache although {}: {problem}",
                        clustering.reason
                    ),
                )
                .with_label(name_attr.value_range, "this cache")
                .with_help(help);
            out.push(clustering.label(diagnostic));
        }
    }
}
