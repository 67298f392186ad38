//! `keycloak/management-port-published`: a Compose service publishes the management port
//! (9000) on every host interface. From 25 `/health` and `/metrics` live there without
//! authentication, and metrics reveal realm and client names, traffic and versions.

use super::health_check_on_main_port::port_option;
use super::{env_set, target};
use crate::products::keycloak::extract::unit_shape;
use crate::products::keycloak::values::is_true;
use crate::rule::{FnRule, Rule, RuleContext, RuleMeta};
use crate::unit::UnitKind;
use crate::version::ProductVersion;
use idplint_diagnostics::{Applicability, Diagnostic, Edit, Fix};
use std::sync::Arc;

pub const ID: &str = "keycloak/management-port-published";

pub fn factory(meta: Arc<RuleMeta>) -> Box<dyn Rule> {
    FnRule::boxed(meta, UnitKind::KeycloakEnvSet, check)
}

fn check(ctx: &RuleContext<'_>, out: &mut Vec<Diagnostic>) {
    let Some(set) = env_set(ctx) else { return };
    let (Some(version), Some(v25)) = (target(ctx), ProductVersion::parse("25.0.0")) else {
        return;
    };
    // The management interface opens only when something is served there.
    let serves = is_true(set, "health-enabled") || is_true(set, "metrics-enabled");
    if *version < v25 || !serves || is_true(set, "legacy-observability-interface") {
        return;
    }
    let Some(container) = unit_shape(ctx.file, ctx.unit) else {
        return;
    };
    let management = port_option(set, "http-management-port", 9000);
    for port in container
        .published
        .iter()
        .filter(|p| p.container == management && !p.host_ip_bound)
    {
        let fix = port.insert_at.map(|at| {
            Fix::new(
                "Publish it on 127.0.0.1 only",
                Applicability::Unsafe,
                vec![Edit::insert(at, "127.0.0.1:")],
            )
        });
        out.push(
            ctx.diagnostic(
                port.range,
                format!(
                    "The management port {management} (unauthenticated `/health` and `/metrics`) is published on every host interface"
                ),
            )
            .with_help("Publish it on 127.0.0.1 (`127.0.0.1:9000:9000`) or not at all; health checks run inside the container and monitoring can use the Compose network")
            .with_fix_opt(fix),
        );
    }
}
