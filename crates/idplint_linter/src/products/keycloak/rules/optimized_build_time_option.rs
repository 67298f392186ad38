//! `keycloak/optimized-build-time-option`: `start --optimized` on the stock Keycloak image
//! with a build-time option set at runtime. `--optimized` skips the build step, so the
//! server runs with what the image was built with; the stock image is built with the
//! defaults. Up to 25 the changed value is ignored with a warning (no health endpoint, the
//! wrong database kind); from 26 the server refuses to start (trap T6).
//!
//! A Dockerfile stage that runs `kc.sh build` (or copies `/opt/keycloak` from a stage that
//! did) is compared with that build instead: an option whose runtime value differs from what
//! the build saw is the same trap, whatever the base image.

use super::{env_set, target};
use crate::products::keycloak::catalog::{BuildTime, catalog};
use crate::products::keycloak::dockerfile::ImageBuild;
use crate::products::keycloak::extract::{COMPOSE_SERVICE, Shape, image_repository, unit_shape};
use crate::products::keycloak::values::{effective, is_secret, option_of};
use crate::rule::{ProjectContext, ProjectDiagnostic, Rule, RuleContext, RuleMeta};
use crate::source::{normalise_path, parent_dir};
use crate::unit::{EnvEntry, EnvSet, UnitContent, UnitKind, ValueKind};
use crate::version::ProductVersion;
use idplint_diagnostics::{Applicability, Diagnostic, Edit, Fix, Severity, TextRange};
use std::sync::Arc;

pub const ID: &str = "keycloak/optimized-build-time-option";

pub fn factory(meta: Arc<RuleMeta>) -> Box<dyn Rule> {
    Box::new(OptimizedBuildTimeOption { meta })
}

/// Per process against its own file's build or the stock image (`check`), and, across files,
/// Compose services against the Dockerfile their `build:` names (`check_project`).
struct OptimizedBuildTimeOption {
    meta: Arc<RuleMeta>,
}

impl Rule for OptimizedBuildTimeOption {
    fn meta(&self) -> &RuleMeta {
        &self.meta
    }

    fn unit_kind(&self) -> UnitKind {
        UnitKind::KeycloakEnvSet
    }

    fn check(&self, ctx: &RuleContext<'_>, out: &mut Vec<Diagnostic>) {
        check(ctx, out);
    }

    fn check_project(&self, ctx: &ProjectContext<'_>, out: &mut Vec<ProjectDiagnostic>) {
        check_compose_builds(ctx, out);
    }
}

/// Compose services with `build:` whose Dockerfile is part of the run: compared with the
/// build of the stage Compose builds (`target:`, else the last Keycloak stage).
fn check_compose_builds(ctx: &ProjectContext<'_>, out: &mut Vec<ProjectDiagnostic>) {
    for (index, unit) in ctx.units.iter().enumerate() {
        // Only Compose services have `build:`; skip the others before extracting shapes.
        let UnitContent::Env(set) = &unit.unit.content else {
            continue;
        };
        if !unit.unit.label.starts_with(COMPOSE_SERVICE) {
            continue;
        }
        let Some(version) = unit.versions.checked() else {
            continue;
        };
        let Some(shape) = unit_shape(unit.file, unit.unit) else {
            continue;
        };
        let Some(compose_build) = &shape.compose_build else {
            continue;
        };
        let dockerfile = normalise_path(&format!(
            "{}/{}/{}",
            parent_dir(unit.file.path),
            compose_build.context,
            compose_build.dockerfile
        ));
        let stages: Vec<_> = ctx
            .units
            .iter()
            .filter(|u| {
                u.unit.kind == UnitKind::KeycloakEnvSet
                    && u.file.dockerfile().is_some()
                    && normalise_path(u.file.path) == dockerfile
            })
            .collect();
        let stage = match &compose_build.target {
            Some(target) => {
                let label = format!("Dockerfile stage `{}`", target.to_ascii_lowercase());
                stages.iter().find(|u| u.unit.label == label)
            }
            None => stages.last(),
        };
        let Some(build) = stage
            .and_then(|u| unit_shape(u.file, u.unit))
            .and_then(|s| s.build)
        else {
            continue;
        };
        let against = Against {
            build: &build,
            dockerfile: stage.map(|u| u.file.path),
        };
        for diagnostic in findings(set, &shape, Some(against), version, &|range, message| {
            Diagnostic::new(ID, ctx.meta.severity, message, range)
        }) {
            out.push(ProjectDiagnostic {
                unit: index,
                diagnostic,
            });
        }
    }
}

/// Whether `option` is fixed by `kc.sh build` in `version`.
fn is_build_time(option: &str, version: &ProductVersion) -> bool {
    let Some(def) = catalog().lookup(option) else {
        return false;
    };
    match &def.build_time {
        BuildTime::Yes => true,
        BuildTime::Until(until) => version < until,
        BuildTime::From(from) => version >= from,
        BuildTime::No | BuildTime::Suffix | BuildTime::NotApplicable => false,
    }
}

/// The value the stock image was built with, for the options people set most; a runtime
/// value equal to it changes nothing.
fn stock_default(option: &str, version: &ProductVersion) -> Option<&'static str> {
    let xa_default_false = ProductVersion::parse("25.0.0").is_some_and(|v| version >= &v);
    Some(match option {
        "db" => "dev-file",
        "health-enabled" | "metrics-enabled" | "tracing-enabled" => "false",
        "http-relative-path" => "/",
        "fips-mode" => "disabled",
        "cache" => "ispn",
        "transaction-xa-enabled" if xa_default_false => "false",
        "transaction-xa-enabled" => "true",
        _ => return None,
    })
}

/// What a build fixed for an option.
enum Built<'a> {
    /// This value, given to the build.
    Same(&'a str),
    /// Not given to the build, which used this default.
    Default(&'a str),
    /// The build did not set it and its default is not known here.
    Without,
    /// Set from a variable, or the build read configuration files this file does not show.
    Unknown,
}

fn built_value<'a>(build: &'a ImageBuild, option: &str, version: &ProductVersion) -> Built<'a> {
    match build.given(option) {
        Some(Some(value)) => Built::Same(value),
        Some(None) => Built::Unknown,
        None if !build.complete => Built::Unknown,
        None => stock_default(option, version).map_or(Built::Without, Built::Default),
    }
}

fn same_value(option: &str, value: &str, default: &str) -> bool {
    let value = value.trim();
    if option == "http-relative-path" {
        return value.trim_end_matches('/') == default.trim_end_matches('/');
    }
    value.eq_ignore_ascii_case(default)
}

/// The official image (`quay.io/keycloak/keycloak`, Docker Hub `keycloak/keycloak`), which
/// ships pre-built with default build options.
pub(super) fn is_stock_image(image: &str) -> bool {
    let repository = image_repository(&crate::products::keycloak::extract::resolve_defaults(image));
    repository == "keycloak/keycloak"
        || repository == "quay.io/keycloak/keycloak"
        || repository == "docker.io/keycloak/keycloak"
}

fn check(ctx: &RuleContext<'_>, out: &mut Vec<Diagnostic>) {
    let Some(set) = env_set(ctx) else { return };
    let Some(version) = target(ctx) else { return };
    let Some(container) = unit_shape(ctx.file, ctx.unit) else {
        return;
    };
    // What the image was built with: a `kc.sh build` in this Dockerfile, else the stock
    // image's defaults.
    let against = match container.build.as_ref() {
        Some(build) => Some(Against {
            build,
            dockerfile: None,
        }),
        None => {
            // A Compose service built from a Dockerfile is judged against that build, when
            // the Dockerfile is checked in the same run (`check_project`).
            if container.compose_build.is_some() {
                return;
            }
            let Some((image, _)) = &set.image else { return };
            if !is_stock_image(image) {
                // A custom image may well be built with exactly these values: not visible here.
                return;
            }
            None
        }
    };
    out.extend(findings(
        set,
        &container,
        against,
        version,
        &|range, message| ctx.diagnostic(range, message),
    ));
}

/// The build an image was made with, and where it is when that is another file than the
/// process's (a Compose service's `build:` Dockerfile).
struct Against<'a> {
    build: &'a ImageBuild,
    dockerfile: Option<&'a str>,
}

/// The findings for one process: build-time options whose runtime value differs from the
/// build (`against`, or the stock image's defaults when `None`) while `--optimized` skips it.
fn findings(
    set: &EnvSet,
    container: &Shape,
    against: Option<Against<'_>>,
    version: &ProductVersion,
    make: &dyn Fn(TextRange, String) -> Diagnostic,
) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    let build = against.as_ref().map(|a| a.build);
    let words = &container.command_words;
    // A `kc.sh build` in the same command builds with this environment first.
    if !words.iter().any(|(w, _)| w == "--optimized") || words.iter().any(|(w, _)| w == "build") {
        return out;
    }
    let optimized: Option<&EnvEntry> = set
        .entries
        .iter()
        .find(|e| e.source.is_command_line() && e.name == "--optimized");
    let fails = ProductVersion::parse("26.0.0").is_some_and(|v| version >= &v);
    for entry in &set.entries {
        let Some(option) = option_of(entry) else {
            continue;
        };
        if option == "optimized" || !is_build_time(&option, version) {
            continue;
        }
        // A value that comes from elsewhere may equal the build; only literals are known.
        let Some(value) = entry
            .value
            .as_deref()
            .filter(|_| entry.value_kind == ValueKind::Literal)
        else {
            continue;
        };
        let built = match build {
            Some(build) => {
                // Only the entry that wins for the option reaches the server.
                if !effective(set, &option).is_some_and(|e| std::ptr::eq(e, entry)) {
                    continue;
                }
                match built_value(build, &option, version) {
                    Built::Same(built) | Built::Default(built)
                        if same_value(&option, value, built) =>
                    {
                        continue;
                    }
                    Built::Unknown => continue,
                    other => Some(other),
                }
            }
            None => {
                if stock_default(&option, version).is_some_and(|d| same_value(&option, value, d)) {
                    continue;
                }
                None
            }
        };
        let consequence = if fails {
            format!("Keycloak {version} refuses to start")
        } else {
            format!("Keycloak {version} ignores it and keeps the image's value")
        };
        let mut diagnostic = match (built, build) {
            (Some(built), Some(build)) => {
                let what = match built {
                    Built::Same(value) if !is_secret(entry) => format!("with `{value}`"),
                    Built::Same(_) => "with another value".to_string(),
                    Built::Default(value) => format!("without it (default `{value}`)"),
                    Built::Without | Built::Unknown => "without it".to_string(),
                };
                let place = match against.as_ref().and_then(|a| a.dockerfile) {
                    Some(path) => format!(" (`kc.sh build` in {path})"),
                    None => String::new(),
                };
                let message = format!(
                    "`{}` is a build-time option, but the image was built {what}{place} and `--optimized` skips the build: {consequence}",
                    entry.name
                );
                let diagnostic = make(entry.name_range, message);
                let diagnostic = match against.as_ref().and_then(|a| a.dockerfile) {
                    None => diagnostic.with_label(build.range, "the build (`kc.sh build`)"),
                    Some(_) => diagnostic,
                };
                diagnostic.with_help(format!(
                        "Give it to the build instead (an `ENV` above the `kc.sh build`, or `--{option}=...` on it), or drop `--optimized` so `start` builds at every container start"
                    ))
            }
            _ => make(
                    entry.name_range,
                    format!(
                        "`{}` is a build-time option, but `--optimized` on the stock image skips the build: {consequence}",
                        entry.name
                    ),
                )
                .with_help(
                    "Build a custom image with `kc.sh build` and this value (then keep `--optimized`), or drop `--optimized` so `start` builds at every container start",
                ),
        };
        diagnostic.severity = if fails {
            Severity::Error
        } else {
            Severity::Warning
        };
        if let Some(flag) = optimized {
            diagnostic = diagnostic
                .with_label(flag.name_range, "skips the build step")
                .with_fix(Fix::new(
                    "Remove `--optimized` (the server builds at startup)",
                    Applicability::Unsafe,
                    vec![Edit::delete(flag.removal_range)],
                ));
        }
        out.push(diagnostic);
    }
    out
}
