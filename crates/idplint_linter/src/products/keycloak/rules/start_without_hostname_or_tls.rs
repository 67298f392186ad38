//! `keycloak/start-without-hostname-or-tls`: `kc.sh start` (production mode) on the stock
//! image with no `hostname` while `hostname-strict` is on, or with neither TLS key material
//! nor `http-enabled=true`. Keycloak refuses to start in both cases (trap T5). The check
//! only runs when every place options could come from is in the file.

use super::{env_set, target};
use crate::products::keycloak::extract::{image_repository, resolve_defaults, unit_shape};
use crate::products::keycloak::values::{effective, effective_value, is_true};
use crate::rule::{FnRule, Rule, RuleContext, RuleMeta};
use crate::unit::{EnvSet, UnitKind};
use crate::version::ProductVersion;
use idplint_diagnostics::Diagnostic;
use std::sync::Arc;

pub const ID: &str = "keycloak/start-without-hostname-or-tls";

pub fn factory(meta: Arc<RuleMeta>) -> Box<dyn Rule> {
    FnRule::boxed(meta, UnitKind::KeycloakEnvSet, check)
}

/// The official image has no keycloak.conf settings or key material of its own; a custom
/// image may bake both in.
fn is_stock_image(image: &str) -> bool {
    let repository = image_repository(&resolve_defaults(image));
    matches!(
        repository.as_str(),
        "keycloak/keycloak" | "quay.io/keycloak/keycloak" | "docker.io/keycloak/keycloak"
    )
}

fn is_set(set: &EnvSet, option: &str) -> bool {
    effective(set, option).is_some()
}

fn check(ctx: &RuleContext<'_>, out: &mut Vec<Diagnostic>) {
    let Some(set) = env_set(ctx) else { return };
    let Some((image, _)) = &set.image else { return };
    if !is_stock_image(image) {
        return;
    }
    let Some(container) = unit_shape(ctx.file, ctx.unit) else {
        return;
    };
    if container.outside_config {
        return;
    }
    let Some((_, range)) = container.command_words.iter().find(|(w, _)| w == "start") else {
        return;
    };
    // Before 26 `proxy=edge` turned the HTTP listener on by itself; 26 ignores `proxy`.
    let proxy_edge = target(ctx)
        .zip(ProductVersion::parse("26.0.0"))
        .is_some_and(|(t, v26)| *t < v26)
        && effective_value(set, "proxy").is_some_and(|v| v.eq_ignore_ascii_case("edge"));
    let mut problems = Vec::new();
    let hostname_strict_off =
        effective_value(set, "hostname-strict").is_some_and(|v| v.eq_ignore_ascii_case("false"));
    if !hostname_strict_off && !is_set(set, "hostname") && !is_set(set, "hostname-url") {
        problems.push("no `hostname` while `hostname-strict` is on");
    }
    let tls = ["https-certificate-file", "https-key-store-file"]
        .iter()
        .any(|o| is_set(set, o));
    if !tls && !is_true(set, "http-enabled") && !proxy_edge {
        problems.push("neither TLS key material (`https-certificate-file`, `https-key-store-file`) nor `http-enabled=true`");
    }
    if problems.is_empty() {
        return;
    }
    out.push(
        ctx.diagnostic(
            *range,
            format!(
                "`start` runs in production mode and refuses to start with {}",
                problems.join(", and ")
            ),
        )
        .with_help("Set `hostname` to the public URL (or `hostname-strict=false` behind a proxy that overwrites the Host header), and give TLS key material or `http-enabled=true` behind a TLS-terminating proxy"),
    );
}
