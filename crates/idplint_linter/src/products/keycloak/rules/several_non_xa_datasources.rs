//! `keycloak/several-non-xa-datasources`: more than one datasource of a 26.x server runs
//! without XA transactions. Since 26.0 Keycloak accepts at most one non-XA datasource, since
//! 25.0 the default datasource is non-XA unless `transaction-xa-enabled=true`, and since 26.4
//! extra datasources are options (`db-kind-<name>`, XA unless
//! `transaction-xa-enabled-<name>=false`). Two non-XA datasources cannot take part in one
//! transaction safely, which is why the combination is refused (trap T9).

use super::optimized_build_time_option::is_stock_image;
use super::{env_set, target};
use crate::products::keycloak::extract::unit_shape;
use crate::products::keycloak::values::{effective, effective_value, option_of};
use crate::rule::{FnRule, Rule, RuleContext, RuleMeta};
use crate::unit::{EnvSet, UnitKind};
use crate::version::ProductVersion;
use idplint_diagnostics::Diagnostic;
use std::sync::Arc;

pub const ID: &str = "keycloak/several-non-xa-datasources";

pub fn factory(meta: Arc<RuleMeta>) -> Box<dyn Rule> {
    FnRule::boxed(meta, UnitKind::KeycloakEnvSet, check)
}

fn check(ctx: &RuleContext<'_>, out: &mut Vec<Diagnostic>) {
    let Some(set) = env_set(ctx) else { return };
    let Some(version) = target(ctx) else { return };
    let Some(v26) = ProductVersion::parse("26.0.0") else {
        return;
    };
    if *version < v26 {
        return;
    }
    // Extra datasources named by `db-kind-<name>`, in order.
    let mut extra: Vec<String> = Vec::new();
    for option in set.entries.iter().filter_map(option_of) {
        if let Some(name) = option.strip_prefix("db-kind-")
            && !extra.iter().any(|n| n == name)
        {
            extra.push(name.to_string());
        }
    }
    if extra.is_empty() {
        return;
    }
    let mut non_xa: Vec<String> = Vec::new();
    if default_datasource_non_xa(ctx, set) {
        non_xa.push("the default datasource".to_string());
    }
    for name in &extra {
        let option = format!("transaction-xa-enabled-{name}");
        let disabled =
            effective_value(set, &option).is_some_and(|v| v.eq_ignore_ascii_case("false"));
        if !disabled {
            continue;
        }
        let Some(entry) = effective(set, &option) else {
            continue;
        };
        if let Some(other) = non_xa.first() {
            out.push(
                ctx.diagnostic(
                    entry.name_range,
                    format!(
                        "datasource `{name}` is non-XA, and so is {other}: Keycloak {version} allows at most one non-XA datasource"
                    ),
                )
                .with_help(format!(
                    "Keep XA on `{name}` (drop `{option}=false`; XA is its default), or set `transaction-xa-enabled=true` for the default datasource if its database supports XA"
                )),
            );
        }
        non_xa.push(format!("datasource `{name}`"));
    }
}

/// Whether the default datasource runs without XA: `transaction-xa-enabled=false`, or unset
/// on a server that builds with these options (the default is `false` from 25). A custom
/// image started `--optimized` may have been built with `true`: unknown, so not counted.
fn default_datasource_non_xa(ctx: &RuleContext<'_>, set: &EnvSet) -> bool {
    if let Some(value) = effective_value(set, "transaction-xa-enabled") {
        return value.eq_ignore_ascii_case("false");
    }
    if effective(set, "transaction-xa-enabled").is_some() {
        // Set from somewhere this file does not show.
        return false;
    }
    let Some(container) = unit_shape(ctx.file, ctx.unit) else {
        return false;
    };
    if container.outside_config {
        return false;
    }
    let optimized = container
        .command_words
        .iter()
        .any(|(w, _)| w == "--optimized");
    let stock = set.image.as_ref().is_some_and(|(i, _)| is_stock_image(i));
    !optimized || stock
}
