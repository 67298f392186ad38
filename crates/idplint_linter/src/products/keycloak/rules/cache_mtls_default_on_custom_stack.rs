//! `keycloak/cache-mtls-default-on-custom-stack`: an upgrade across 26.2 of a server that
//! loads its own cache configuration (`cache-config-file`) and leaves
//! `cache-embedded-mtls-enabled` unset. From 26.2 the option defaults to `true`: Keycloak
//! wraps TCP transport stacks in TLS with generated certificates. A hand-written JGroups
//! stack (UDP, TCP_NIO2, its own encryption) is what the upgrade notes tell to opt out with
//! `cache-embedded-mtls-enabled=false`; left alone the nodes may not form a cluster (trap T8).

use super::{env_set, runs_start_dev};
use crate::products::keycloak::values::{effective, effective_value, sets_option};
use crate::rule::{FnRule, Rule, RuleContext, RuleMeta};
use crate::unit::UnitKind;
use crate::version::ProductVersion;
use idplint_diagnostics::Diagnostic;
use std::sync::Arc;

pub const ID: &str = "keycloak/cache-mtls-default-on-custom-stack";

pub fn factory(meta: Arc<RuleMeta>) -> Box<dyn Rule> {
    FnRule::boxed(meta, UnitKind::KeycloakEnvSet, check)
}

fn check(ctx: &RuleContext<'_>, out: &mut Vec<Diagnostic>) {
    let Some(set) = env_set(ctx) else { return };
    let (Some(current), Some(target), Some(v26_2)) = (
        ctx.versions.current.as_ref(),
        ctx.versions.target.as_ref(),
        ProductVersion::parse("26.2.0"),
    ) else {
        return;
    };
    // Only an upgrade that crosses the change: a config written for 26.2+ chose its setting.
    if !(*current < v26_2 && v26_2 <= *target) {
        return;
    }
    let local = effective_value(set, "cache").is_some_and(|v| v.eq_ignore_ascii_case("local"));
    if local || runs_start_dev(ctx) || sets_option(set, "cache-embedded-mtls-enabled") {
        return;
    }
    let Some(entry) = effective(set, "cache-config-file") else {
        return;
    };
    out.push(
        ctx.diagnostic(
            entry.name_range,
            format!(
                "Keycloak {target} encrypts TCP transport stacks with mTLS by default (26.2), and this server loads its own cache configuration: a custom JGroups stack in it may stop forming a cluster"
            ),
        )
        .with_help("Set `cache-embedded-mtls-enabled` explicitly: `false` if the file defines its own stack (UDP, TCP_NIO2, its own TLS), `true` to take the generated certificates on a TCP stack; align it on every node before they meet"),
    );
}
