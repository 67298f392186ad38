//! `keycloak/cache-config-redefines-default-cache` (cross-file): a custom `cache-ispn.xml`
//! that defines one of Keycloak's own caches (`sessions`, `work`, `realms`, ...) on 26.4 or
//! later without `cache-config-mutate=true`.
//!
//! 26.4 took the default cache definitions out of `conf/cache-ispn.xml`: Keycloak builds them
//! itself, from options. A file copied from an older release still redefines them, which 26.4
//! accepts with a deprecation warning only when told to (`cache-config-mutate`); the settings
//! in it (owners, sizes, expiration) silently fight the built-in ones, and a later release
//! will refuse the file (trap T16).
//!
//! The release is the unit's (`--target`/`--current`, or the one release the run agrees on),
//! or else the newest of the Keycloak containers configured in the file's directory or a
//! parent directory (a `conf/cache-ispn.xml` below a `docker-compose.yml`). Only those
//! containers can set `cache-config-mutate` for the file.

use crate::products::keycloak::cache_xml::{BUILT_IN_CACHES, cache_definitions};
use crate::products::keycloak::values::effective_value;
use crate::rule::{ProjectContext, ProjectDiagnostic, ProjectFnRule, ProjectUnit, Rule, RuleMeta};
use crate::source::{normalise_path, parent_dir};
use crate::unit::{EnvSet, UnitContent, UnitKind};
use crate::version::ProductVersion;
use std::sync::Arc;

pub const ID: &str = "keycloak/cache-config-redefines-default-cache";

const DEFAULTS_REMOVED_IN: &str = "26.4.0";

pub fn factory(meta: Arc<RuleMeta>) -> Box<dyn Rule> {
    ProjectFnRule::boxed(meta, UnitKind::KeycloakCacheXml, check)
}

fn check(ctx: &ProjectContext<'_>, out: &mut Vec<ProjectDiagnostic>) {
    let Some(removed_in) = ProductVersion::parse(DEFAULTS_REMOVED_IN) else {
        return;
    };
    for (index, unit) in ctx.units.iter().enumerate() {
        if unit.unit.kind != UnitKind::KeycloakCacheXml {
            continue;
        }
        let Some(doc) = unit.file.xml() else { continue };
        let servers = servers_around(ctx, unit);
        let version =
            release_of(unit).or_else(|| servers.iter().filter_map(|(u, _)| release_of(u)).max());
        if version.as_ref().is_none_or(|v| v < &removed_in) {
            continue;
        }
        let mutate = servers.iter().any(|(_, set)| {
            effective_value(set, "cache-config-mutate")
                .is_some_and(|v| v.eq_ignore_ascii_case("true"))
        });
        if mutate {
            continue;
        }
        let version = version.map(|v| v.to_string()).unwrap_or_default();
        for cache in cache_definitions(&doc.root) {
            if !BUILT_IN_CACHES.contains(&cache.name) {
                continue;
            }
            let finding = ctx.diagnostic(
                index,
                cache.name_range,
                format!(
                    "`{}` redefines Keycloak's built-in cache `{}`: from 26.4 Keycloak defines it itself, and Keycloak {version} accepts a redefinition only with `cache-config-mutate=true`",
                    cache.element.name, cache.name
                ),
            );
            out.push(ProjectDiagnostic {
                unit: finding.unit,
                diagnostic: finding.diagnostic.with_help(
                    "Delete the definition and tune the cache with options (`cache-embedded-sessions-max-count`, `cache-embedded-realms-max-count`, ...), or, if you really need your own, set `cache-config-mutate=true` (`KC_CACHE_CONFIG_MUTATE`)",
                ),
            });
        }
    }
}

/// The release a unit is checked for: target, else current.
fn release_of(unit: &ProjectUnit<'_>) -> Option<ProductVersion> {
    unit.versions.checked().cloned()
}

/// The Keycloak processes configured in the cache file's directory or above it.
fn servers_around<'a>(
    ctx: &'a ProjectContext<'_>,
    cache_file: &ProjectUnit<'_>,
) -> Vec<(&'a ProjectUnit<'a>, &'a EnvSet)> {
    let cache_dir = directory(cache_file.file.path);
    ctx.units
        .iter()
        .filter_map(|u| match (&u.unit.kind, &u.unit.content) {
            (UnitKind::KeycloakEnvSet, UnitContent::Env(set)) => Some((u, set)),
            _ => None,
        })
        .filter(|(u, _)| {
            let dir = directory(u.file.path);
            dir.is_empty() || cache_dir == dir || cache_dir.starts_with(&format!("{dir}/"))
        })
        .collect()
}

/// `a/b` of `a/./b/c.xml`; empty for a bare file name.
fn directory(path: &str) -> String {
    normalise_path(parent_dir(path))
}
