//! `keycloak/replicas-with-local-cache`: more than one replica of a server started with
//! `cache=local`. Each node then keeps its own sessions, login flows and invalidations, so
//! requests that land on another node lose the session and realm changes show up late. An
//! Operator CR counts its `spec.instances`.

use super::{env_set, runs_start_dev};
use crate::products::keycloak::extract::replicas;
use crate::products::keycloak::values::{effective, effective_value};
use crate::rule::{FnRule, Rule, RuleContext, RuleMeta};
use crate::unit::UnitKind;
use idplint_diagnostics::Diagnostic;
use std::sync::Arc;

pub const ID: &str = "keycloak/replicas-with-local-cache";

pub fn factory(meta: Arc<RuleMeta>) -> Box<dyn Rule> {
    FnRule::boxed(meta, UnitKind::KeycloakEnvSet, check)
}

fn check(ctx: &RuleContext<'_>, out: &mut Vec<Diagnostic>) {
    let Some(set) = env_set(ctx) else { return };
    let local = effective_value(set, "cache").is_some_and(|v| v.eq_ignore_ascii_case("local"));
    // `start-dev` with replicas is `keycloak/start-dev-in-production`'s finding.
    if !local || runs_start_dev(ctx) {
        return;
    }
    let Some(entry) = effective(set, "cache") else {
        return;
    };
    let Some(replicas) = replicas(ctx.file, ctx.unit).filter(|r| *r > 1) else {
        return;
    };
    out.push(
        ctx.diagnostic(
            entry.name_range,
            format!(
                "{replicas} replicas run with `cache=local`: every node keeps its own sessions and caches"
            ),
        )
        .with_help("Use `cache=ispn` (the production default) with a discovery stack that works in your network (`jdbc-ping`, the default from 26.1), or run one replica"),
    );
}
