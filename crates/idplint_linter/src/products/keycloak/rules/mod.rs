//! Native Keycloak rules: what a data `change:` cannot express. Each file holds one rule;
//! its metadata, docs and examples live in `rules/keycloak/*.yaml` with `native: true`.

mod bitnami_variable_on_upstream_image;
mod cache_config_redefines_default_cache;
mod cache_mtls_default_on_custom_stack;
mod command_in_one_element;
mod db_url_with_parts;
mod deprecated_option;
mod deprecated_option_value;
mod dns_query_not_headless_service;
mod guessable_bootstrap_admin;
mod health_check_on_main_port;
mod health_check_relative_path;
mod hostname_url_required;
mod invalid_option_value;
mod kubernetes_stack_without_dns_query;
mod legacy_system_property;
mod literal_secret;
mod load_balancer_health_check_on_main_port;
mod management_port_published;
mod network_policy_blocks_jgroups;
mod optimized_build_time_option;
mod option_precedence;
mod preview_features_in_production;
mod removed_feature;
mod replicas_with_local_cache;
mod runtime_option_only_at_build;
mod several_non_xa_datasources;
mod spi_option_legacy_syntax;
mod start_dev_in_production;
mod start_without_hostname_or_tls;
mod tls_hostname_verifier_any;
mod unknown_feature;
mod unknown_option;
mod wildfly_variable;

#[cfg(test)]
pub use unknown_option::COVERED_BY_OTHER_RULES;

use crate::products::keycloak::extract::{replicas, unit_shape};
use crate::products::keycloak::values::effective_value;
use crate::rule::{NativeRuleFactory, ProjectUnit, RuleContext};
use crate::unit::{EnvEntry, EnvSet, UnitContent, ValueKind};
use crate::version::ProductVersion;
use idplint_syntax::Node;

pub fn all() -> Vec<(&'static str, NativeRuleFactory)> {
    vec![
        (unknown_option::ID, unknown_option::factory),
        (db_url_with_parts::ID, db_url_with_parts::factory),
        (literal_secret::ID, literal_secret::factory),
        (command_in_one_element::ID, command_in_one_element::factory),
        (deprecated_option::ID, deprecated_option::factory),
        (
            deprecated_option_value::ID,
            deprecated_option_value::factory,
        ),
        (hostname_url_required::ID, hostname_url_required::factory),
        (invalid_option_value::ID, invalid_option_value::factory),
        (wildfly_variable::ID, wildfly_variable::factory),
        (
            health_check_on_main_port::ID,
            health_check_on_main_port::factory,
        ),
        (
            health_check_relative_path::ID,
            health_check_relative_path::factory,
        ),
        (
            guessable_bootstrap_admin::ID,
            guessable_bootstrap_admin::factory,
        ),
        (
            start_dev_in_production::ID,
            start_dev_in_production::factory,
        ),
        (
            optimized_build_time_option::ID,
            optimized_build_time_option::factory,
        ),
        (removed_feature::ID, removed_feature::factory),
        (unknown_feature::ID, unknown_feature::factory),
        (
            cache_config_redefines_default_cache::ID,
            cache_config_redefines_default_cache::factory,
        ),
        (legacy_system_property::ID, legacy_system_property::factory),
        (
            kubernetes_stack_without_dns_query::ID,
            kubernetes_stack_without_dns_query::factory,
        ),
        (
            management_port_published::ID,
            management_port_published::factory,
        ),
        (
            replicas_with_local_cache::ID,
            replicas_with_local_cache::factory,
        ),
        (
            dns_query_not_headless_service::ID,
            dns_query_not_headless_service::factory,
        ),
        (
            cache_mtls_default_on_custom_stack::ID,
            cache_mtls_default_on_custom_stack::factory,
        ),
        (
            load_balancer_health_check_on_main_port::ID,
            load_balancer_health_check_on_main_port::factory,
        ),
        (
            runtime_option_only_at_build::ID,
            runtime_option_only_at_build::factory,
        ),
        (
            several_non_xa_datasources::ID,
            several_non_xa_datasources::factory,
        ),
        (
            network_policy_blocks_jgroups::ID,
            network_policy_blocks_jgroups::factory,
        ),
        (
            start_without_hostname_or_tls::ID,
            start_without_hostname_or_tls::factory,
        ),
        (
            preview_features_in_production::ID,
            preview_features_in_production::factory,
        ),
        (option_precedence::ID, option_precedence::factory),
        (
            bitnami_variable_on_upstream_image::ID,
            bitnami_variable_on_upstream_image::factory,
        ),
        (
            spi_option_legacy_syntax::ID,
            spi_option_legacy_syntax::factory,
        ),
        (
            tls_hostname_verifier_any::ID,
            tls_hostname_verifier_any::factory,
        ),
    ]
}

/// The unit's options, for rules that only check `KeycloakEnvSet` units.
fn env_set<'a>(ctx: &'a RuleContext<'_>) -> Option<&'a EnvSet> {
    match &ctx.unit.content {
        UnitContent::Env(set) => Some(set),
        _ => None,
    }
}

/// Whether the process runs the development server (`kc.sh start-dev`): dev mode has HTTP on,
/// strict hostname off and local caches, and is not a deployment, so what it ignores does
/// not break anything in production.
pub(crate) fn runs_start_dev(ctx: &RuleContext<'_>) -> bool {
    crate::products::keycloak::extract::unit_shape(ctx.file, ctx.unit)
        .is_some_and(|c| c.command_words.iter().any(|(w, _)| w == "start-dev"))
}

/// The entries setting `option` to a value written in the file, with that value, in a
/// process that does not run `start-dev` (a development server may try anything, so the
/// production-hardening rules leave it alone).
fn production_literals<'a>(
    ctx: &'a RuleContext<'_>,
    option: &'a str,
) -> impl Iterator<Item = (&'a EnvEntry, &'a str)> + 'a {
    let entries = match env_set(ctx) {
        Some(set) if !runs_start_dev(ctx) => set.entries.as_slice(),
        _ => &[],
    };
    entries.iter().filter_map(move |entry| {
        if entry.value_kind != ValueKind::Literal
            || crate::products::keycloak::values::option_of(entry).as_deref() != Some(option)
        {
            return None;
        }
        Some((entry, entry.value.as_deref()?))
    })
}

/// Workloads whose pods form one Keycloak cluster (a Job or a bare Pod does not).
const CLUSTER_WORKLOADS: [&str; 2] = ["of Deployment `", "of StatefulSet `"];

/// Whether a unit is a Kubernetes Deployment or StatefulSet whose pods should form one
/// cluster: not `cache=local`, not `start-dev`, and `replicas` not 0 or 1 (left out, it may
/// be an autoscaler's to set).
pub(crate) fn clustered_workload(unit: &ProjectUnit<'_>, set: &EnvSet) -> bool {
    if !CLUSTER_WORKLOADS
        .iter()
        .any(|w| unit.unit.label.contains(w))
    {
        return false;
    }
    let local = effective_value(set, "cache").is_some_and(|v| v.eq_ignore_ascii_case("local"));
    let dev = unit_shape(unit.file, unit.unit)
        .is_some_and(|c| c.command_words.iter().any(|(w, _)| w == "start-dev"));
    let single = replicas(unit.file, unit.unit).is_some_and(|r| r <= 1);
    !local && !dev && !single
}

/// The YAML document (Deployment, StatefulSet, ...) a unit's container is in.
pub(crate) fn workload_document<'a>(unit: &ProjectUnit<'a>, set: &EnvSet) -> Option<&'a Node> {
    let at = set
        .image
        .as_ref()
        .map(|(_, r)| r.start)
        .or_else(|| set.entries.first().map(|e| e.item_range.start))?;
    unit.file
        .tree()?
        .roots
        .iter()
        .find(|root| root.range.start <= at && at < root.range.end)
}

/// The version a rule checks against: the target, else the current version.
fn target<'a>(ctx: &'a RuleContext<'_>) -> Option<&'a ProductVersion> {
    ctx.versions.checked()
}
