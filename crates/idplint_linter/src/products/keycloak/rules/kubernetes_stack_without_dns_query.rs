//! `keycloak/kubernetes-stack-without-dns-query`: `cache-stack=kubernetes` without the
//! `jgroups.dns.query` system property. The stack discovers peers through DNS_PING, which
//! needs the name of a headless Service; without it every pod forms a cluster of one and
//! sessions are not shared.

use super::{env_set, runs_start_dev};
use crate::products::keycloak::extract::unit_shape;
use crate::products::keycloak::values::{effective, effective_value};
use crate::rule::{FnRule, Rule, RuleContext, RuleMeta};
use crate::unit::UnitKind;
use idplint_diagnostics::Diagnostic;
use std::sync::Arc;

pub const ID: &str = "keycloak/kubernetes-stack-without-dns-query";

pub fn factory(meta: Arc<RuleMeta>) -> Box<dyn Rule> {
    FnRule::boxed(meta, UnitKind::KeycloakEnvSet, check)
}

const PROPERTY: &str = "jgroups.dns.query";

fn check(ctx: &RuleContext<'_>, out: &mut Vec<Diagnostic>) {
    let Some(set) = env_set(ctx) else { return };
    let kubernetes =
        effective_value(set, "cache-stack").is_some_and(|v| v.eq_ignore_ascii_case("kubernetes"));
    let local = effective_value(set, "cache").is_some_and(|v| v.eq_ignore_ascii_case("local"));
    if !kubernetes || local || runs_start_dev(ctx) {
        return;
    }
    let Some(entry) = effective(set, "cache-stack") else {
        return;
    };
    // Only containers whose whole environment is in the file: a `.env` or keycloak.conf may
    // be combined with `JAVA_OPTS_APPEND` set elsewhere.
    let Some(container) = unit_shape(ctx.file, ctx.unit) else {
        return;
    };
    if container.outside_config {
        return;
    }
    let in_env = set.entries.iter().any(|e| {
        e.value.as_deref().is_some_and(|v| v.contains(PROPERTY)) || e.name.contains(PROPERTY)
    });
    let in_command = container
        .command_words
        .iter()
        .any(|(w, _)| w.contains(PROPERTY));
    if in_env || in_command {
        return;
    }
    out.push(
        ctx.diagnostic(
            entry.name_range,
            "`cache-stack=kubernetes` discovers peers through DNS, but `jgroups.dns.query` is not set: every pod forms a cluster of its own",
        )
        .with_help("Add `-Djgroups.dns.query=<headless service>.<namespace>.svc.cluster.local` to `JAVA_OPTS_APPEND`, or use `jdbc-ping` (the default from 26.1, deprecated `kubernetes` from 26.3), which needs only the shared database"),
    );
}
