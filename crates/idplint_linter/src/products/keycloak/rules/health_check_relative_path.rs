//! `keycloak/health-check-relative-path`: a probe or health check that asks the right port
//! for `/health` under the wrong context path. Health and metrics live below
//! `http-relative-path` on the main port (up to 24), and below `http-management-relative-path`,
//! which inherits `http-relative-path`, on the management port (25+). A WildFly-era
//! `/auth/health/ready` without `http-relative-path=/auth`, or `/health/ready` on port 9000
//! while the server runs under `/auth`, gets a 404 (traps T1 and T11).

use super::health_check_on_main_port::{Enabled, Endpoint, endpoint, port_option};
use super::{env_set, target};
use crate::products::keycloak::extract::unit_shape;
use crate::products::keycloak::values::{effective_value, is_true};
use crate::rule::{FnRule, Rule, RuleContext, RuleMeta};
use crate::unit::UnitKind;
use crate::version::ProductVersion;
use idplint_diagnostics::{Applicability, Diagnostic, Edit, Fix};
use std::sync::Arc;

pub const ID: &str = "keycloak/health-check-relative-path";

pub fn factory(meta: Arc<RuleMeta>) -> Box<dyn Rule> {
    FnRule::boxed(meta, UnitKind::KeycloakEnvSet, check)
}

/// `/auth/` → `/auth`, `/` → `` (so `{prefix}/health` reads right).
fn normalise(prefix: &str) -> String {
    let trimmed = prefix.trim().trim_end_matches('/');
    if trimmed.is_empty() || trimmed.starts_with('/') {
        trimmed.to_string()
    } else {
        format!("/{trimmed}")
    }
}

fn check(ctx: &RuleContext<'_>, out: &mut Vec<Diagnostic>) {
    let Some(set) = env_set(ctx) else { return };
    let (Some(version), Some(v25), Some(v26_4)) = (
        target(ctx),
        ProductVersion::parse("25.0.0"),
        ProductVersion::parse("26.4.0"),
    ) else {
        return;
    };
    let Some(container) = unit_shape(ctx.file, ctx.unit) else {
        return;
    };
    let Enabled { health, metrics } = Enabled::of(set, Some(&container));
    if !health && !metrics {
        return;
    }
    let legacy = *version < v25 || is_true(set, "legacy-observability-interface");
    let health_on_main = legacy
        || (*version >= v26_4
            && effective_value(set, "http-management-health-enabled")
                .is_some_and(|v| v.eq_ignore_ascii_case("false")));
    // A value from elsewhere (`${CONTEXT}`) leaves the expected path unknown.
    // Unset in the process, the image's build decides (Dockerfile stages).
    let built = |option: &str| match &container.build {
        Some(build) => build.built_value(option).map(|v| v.map(normalise)),
        None => Some(None),
    };
    let relative = match crate::products::keycloak::values::effective(set, "http-relative-path") {
        Some(_) => match effective_value(set, "http-relative-path") {
            Some(v) => normalise(&v),
            None => return,
        },
        None => match built("http-relative-path") {
            Some(value) => value.unwrap_or_default(),
            None => return,
        },
    };
    let management_relative =
        match crate::products::keycloak::values::effective(set, "http-management-relative-path") {
            Some(_) => match effective_value(set, "http-management-relative-path") {
                Some(v) => normalise(&v),
                None => return,
            },
            None => match built("http-management-relative-path") {
                Some(value) => value.unwrap_or_else(|| relative.clone()),
                None => return,
            },
        };
    let main_ports = [
        port_option(set, "http-port", 8080),
        port_option(set, "https-port", 8443),
    ];
    let management = port_option(set, "http-management-port", 9000);
    for probe in &container.probes {
        let Some(kind) = endpoint(&probe.path) else {
            continue;
        };
        let Some(port) = probe.port else { continue };
        let on_main = match kind {
            Endpoint::Health => health_on_main,
            Endpoint::Metrics => legacy,
        };
        let enabled = match kind {
            Endpoint::Health => health,
            Endpoint::Metrics => metrics,
        };
        // Only the port that serves the endpoint; the wrong port is the other rule's.
        let (prefix, served_here) = if on_main {
            (&relative, main_ports.contains(&port))
        } else {
            (&management_relative, port == management)
        };
        if !enabled || !served_here {
            continue;
        }
        let segment = match kind {
            Endpoint::Health => "/health",
            Endpoint::Metrics => "/metrics",
        };
        let Some(at) = probe.path.find(segment) else {
            continue;
        };
        let (before, rest) = probe.path.split_at(at);
        if normalise(before) == *prefix {
            continue;
        }
        let expected = format!("{prefix}{rest}");
        let where_ = if on_main {
            "`http-relative-path`"
        } else {
            "`http-management-relative-path` (which inherits `http-relative-path`)"
        };
        let message = format!(
            "{} requests `{}`, but with {where_} the endpoint is `{expected}`",
            probe.what, probe.path
        );
        // Only when the range holds exactly the path (always for `httpGet.path`; for a
        // command when its text could be located).
        let fix = (ctx.file.text.get(probe.path_range.as_usize()) == Some(probe.path.as_str()))
            .then(|| {
                Fix::new(
                    format!("Request `{expected}`"),
                    Applicability::Unsafe,
                    vec![Edit::replace(probe.path_range, expected.clone())],
                )
            });
        out.push(
            ctx.diagnostic(probe.path_range, message)
                .with_help("Put the context path in front of `/health` (or set `http-management-relative-path=/` to serve the management endpoints at the root)")
                .with_fix_opt(fix),
        );
    }
}
