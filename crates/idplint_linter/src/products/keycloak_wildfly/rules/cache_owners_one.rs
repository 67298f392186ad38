//! `keycloak-wildfly/cache-owners-one`: a session-like distributed cache of the `keycloak`
//! cache container keeps a single owner in a clustered configuration.
//!
//! A distributed cache stores each entry on `owners` nodes. With one owner, the entries of a
//! node that stops (crash, restart, rolling upgrade) are gone: users are logged out, logins
//! in progress fail, brute-force counters reset and used action tokens can be replayed. The
//! distribution ships `owners="1"` for most of these caches, and the installation guide
//! explains raising it. Caches backed by a shared store (cross-site `remote-store
//! shared="true"`) keep their data outside the node and are left alone.

use super::super::expr::has_expression;
use super::super::model::{self, has_shared_store};
use crate::rule::{FnRule, Rule, RuleContext, RuleMeta};
use crate::unit::UnitKind;
use idplint_diagnostics::{Diagnostic, Edit, Fix};
use std::sync::Arc;

/// The caches that hold state which exists nowhere else while it is alive.
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
        for cache in container.children_named("distributed-cache") {
            let Some(name) = cache
                .attr_value("name")
                .filter(|name| SESSION_CACHES.contains(name))
            else {
                continue;
            };
            let Some(owners) = cache.attr("owners") else {
                // Absent means WildFly's default of 2 owners.
                continue;
            };
            // `${env.CACHE_OWNERS_COUNT:1}` (written by the legacy image only when that
            // variable is set) defers to the environment; only a literal 1 is certain.
            if has_expression(&owners.value) || owners.value.trim() != "1" {
                continue;
            }
            if has_shared_store(cache) {
                continue;
            }
            let diagnostic = ctx
                .diagnostic(
                    owners.value_range,
                    format!(
                        "Distributed cache `{name}` keeps a single owner although {}: the entries held by a node are lost when it stops ({})",
                        clustering.reason,
                        consequence(name)
                    ),
                )
                .with_help(
                    "Keep each entry on two nodes with owners=\"2\" (more memory and \
                     replication traffic per node), or back the cache with a shared \
                     remote-store.",
                )
                .with_fix(Fix::unsafe_(
                    "Set owners=\"2\"",
                    vec![Edit::replace(owners.value_range, "2")],
                ));
            out.push(clustering.label(diagnostic));
        }
    }
}

/// What losing the cache's entries means for users, in a few words.
fn consequence(cache: &str) -> &'static str {
    match cache {
        "sessions" | "clientSessions" => "users logged in through that node are logged out",
        "offlineSessions" | "offlineClientSessions" => {
            "offline sessions held by that node drop out of the cache"
        }
        "authenticationSessions" => "logins in progress on that node fail",
        "loginFailures" => "brute-force detection forgets failed logins",
        "actionTokens" => "used action tokens are forgotten and could be replayed",
        _ => "its state is lost",
    }
}
