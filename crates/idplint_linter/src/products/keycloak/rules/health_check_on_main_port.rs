//! `keycloak/health-check-on-main-port`: from 25 `/health*` and `/metrics` are served on the
//! management interface (port 9000), so a probe or health check of the same container that
//! still asks the main HTTP(S) port gets a 404 and the orchestrator restarts or never routes
//! to a healthy server (trap T1).

use super::{env_set, target};
use crate::products::keycloak::extract::{Shape, unit_shape};
use crate::products::keycloak::probes::{Probe, target_group_probes};
use crate::products::keycloak::values::{effective_value, is_true};
use crate::rule::{FnRule, Rule, RuleContext, RuleMeta};
use crate::unit::{EnvSet, UnitKind};
use crate::version::ProductVersion;
use idplint_diagnostics::{Applicability, Diagnostic, Edit, Fix};
use std::sync::Arc;

pub const ID: &str = "keycloak/health-check-on-main-port";

pub fn factory(meta: Arc<RuleMeta>) -> Box<dyn Rule> {
    FnRule::boxed(meta, UnitKind::KeycloakEnvSet, check)
}

#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum Endpoint {
    Health,
    Metrics,
}

/// Which management endpoint a request path names: a `health` or `metrics` segment, below
/// any relative path (`/auth/health/ready`).
pub(super) fn endpoint(path: &str) -> Option<Endpoint> {
    let path = path.split(['?', '#']).next().unwrap_or("");
    let mut segments = path.split('/');
    if segments.clone().any(|s| s == "health") {
        Some(Endpoint::Health)
    } else if segments.any(|s| s == "metrics") {
        Some(Endpoint::Metrics)
    } else {
        None
    }
}

pub(super) fn port_option(set: &crate::unit::EnvSet, option: &str, default: u32) -> u32 {
    effective_value(set, option)
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// Which management endpoints a process turns on: `health-enabled` and `metrics-enabled` set
/// to `true` in its own options or, when it leaves one unset, in the `kc.sh build` of its
/// image (Dockerfile stages).
#[derive(Clone, Copy)]
pub(super) struct Enabled {
    pub health: bool,
    pub metrics: bool,
}

impl Enabled {
    pub(super) fn of(set: &EnvSet, shape: Option<&Shape>) -> Self {
        let on = |option: &str| {
            if crate::products::keycloak::values::effective(set, option).is_some() {
                return is_true(set, option);
            }
            shape
                .and_then(|s| s.build.as_ref())
                .and_then(|b| b.built_value(option).flatten())
                .is_some_and(|v| v.trim().eq_ignore_ascii_case("true"))
        };
        Self {
            health: on("health-enabled"),
            metrics: on("metrics-enabled"),
        }
    }
}

/// Whether a request for `path` on `port` misses on Keycloak `version` with these options:
/// the endpoint it names is served on the management port and `port` is a main HTTP(S) port.
/// `None` before 25, with `legacy-observability-interface=true`, for a disabled endpoint, and
/// for health on 26.4+ with `http-management-health-enabled=false`.
pub(super) fn misses_management_port(
    set: &EnvSet,
    enabled: Enabled,
    version: &ProductVersion,
    path: &str,
    port: u32,
) -> Option<Endpoint> {
    let (v25, v26_4) = (
        ProductVersion::parse("25.0.0")?,
        ProductVersion::parse("26.4.0")?,
    );
    // The deprecated switch keeps both endpoints on the main port (25 and 26.x).
    if *version < v25 || is_true(set, "legacy-observability-interface") {
        return None;
    }
    let health_on_main = *version >= v26_4
        && effective_value(set, "http-management-health-enabled")
            .is_some_and(|v| v.eq_ignore_ascii_case("false"));
    let endpoint = endpoint(path)?;
    let served_on_management = match endpoint {
        Endpoint::Health => enabled.health && !health_on_main,
        Endpoint::Metrics => enabled.metrics,
    };
    let management = port_option(set, "http-management-port", 9000);
    let main_ports = [
        port_option(set, "http-port", 8080),
        port_option(set, "https-port", 8443),
        8080,
        8443,
    ];
    (served_on_management && port != management && main_ports.contains(&port)).then_some(endpoint)
}

fn check(ctx: &RuleContext<'_>, out: &mut Vec<Diagnostic>) {
    let Some(set) = env_set(ctx) else { return };
    let Some(version) = target(ctx) else { return };
    let Some(container) = unit_shape(ctx.file, ctx.unit) else {
        return;
    };
    let enabled = Enabled::of(set, Some(&container));
    if !enabled.health && !enabled.metrics {
        return;
    }
    let management = port_option(set, "http-management-port", 9000);
    // A CloudFormation template with one container: its load balancer health checks are
    // that container's too.
    let mut probes = container.probes.clone();
    if container.containers_in_file == 1
        && let Some(doc) = ctx.file.tree()
    {
        probes.extend(target_group_probes(&doc.roots, ctx.file.text));
    }
    for probe in &probes {
        let Some(port) = probe.port else { continue };
        let Some(endpoint) = misses_management_port(set, enabled, version, &probe.path, port)
        else {
            continue;
        };
        out.push(report(ctx, probe, port, management, endpoint, version));
    }
}

fn report(
    ctx: &RuleContext<'_>,
    probe: &Probe,
    port: u32,
    management: u32,
    endpoint: Endpoint,
    version: &ProductVersion,
) -> Diagnostic {
    let what = match endpoint {
        Endpoint::Health => "health",
        Endpoint::Metrics => "metrics",
    };
    let message = format!(
        "{} requests `{}` on port {port}, but Keycloak {version} serves {what} on the management port {management}",
        probe.what, probe.path
    );
    let range = probe.port_range.unwrap_or(probe.path_range);
    let help = match endpoint {
        Endpoint::Health => format!(
            "Point the check at port {management} (`http-management-port`; HTTPS when the main port uses TLS), or on 26.4+ set `http-management-health-enabled=false` to keep health on the main port"
        ),
        Endpoint::Metrics => format!(
            "Scrape port {management} (`http-management-port`), or set the deprecated `legacy-observability-interface=true`"
        ),
    };
    let fix = match (probe.port_editable, probe.port_range) {
        (true, Some(port_range)) => Some(Fix::new(
            format!("Use the management port {management}"),
            Applicability::Unsafe,
            vec![Edit::replace(port_range, management.to_string())],
        )),
        _ => None,
    };
    let mut diagnostic = ctx.diagnostic(range, message).with_help(help);
    if range != probe.path_range {
        diagnostic = diagnostic.with_label(probe.path_range, format!("{what} endpoint"));
    }
    diagnostic.with_fix_opt(fix)
}
