//! `kratos/version-marker-mismatch` (cross-file, info): the config's `version:` key names
//! another release than the `oryd/kratos` image that serves it. Kratos itself only uses the key
//! to pick a schema for editors, and upstream quickstarts keep a stale one, so this is only
//! information; it matters because idplint checks a config against its marker when nothing
//! else names the release.

use super::migration_image_mismatch::runs_migration;
use crate::rule::{ProjectContext, ProjectDiagnostic, ProjectFnRule, Rule, RuleMeta};
use crate::source::parent_dir;
use crate::unit::{UnitContent, UnitKind};
use crate::version::{Product, image_version};
use std::sync::Arc;

pub const ID: &str = "kratos/version-marker-mismatch";

pub fn factory(meta: Arc<RuleMeta>) -> Box<dyn Rule> {
    ProjectFnRule::boxed(meta, UnitKind::KratosConfig, check)
}

fn check(ctx: &ProjectContext<'_>, out: &mut Vec<ProjectDiagnostic>) {
    for (index, unit) in ctx.units.iter().enumerate() {
        if unit.unit.kind == UnitKind::KratosConfig {
            compare(ctx, index, out);
        }
    }
}

/// Compare the marker of `ctx.units[index]` with the serving containers of its directory:
/// a run over a monorepo holds other deployments with other releases.
fn compare(ctx: &ProjectContext<'_>, index: usize, out: &mut Vec<ProjectDiagnostic>) {
    let config = &ctx.units[index];
    let Some(marker) = &config.unit.detected_version else {
        return;
    };
    if !marker.what.contains("version") {
        return;
    }
    let directory = parent_dir(config.file.path);
    // A directory with several configs (examples, one per environment) does not say
    // which image serves which: only a deployment directory with one config is compared.
    let configs = ctx
        .units
        .iter()
        .filter(|u| u.unit.kind == UnitKind::KratosConfig && parent_dir(u.file.path) == directory)
        .count();
    if configs > 1 {
        return;
    }
    // The releases the serving containers next to it use, with one image each for the
    // message.
    let mut images = Vec::new();
    for unit in ctx
        .units
        .iter()
        .filter(|u| parent_dir(u.file.path) == directory)
    {
        let UnitContent::Env(set) = &unit.unit.content else {
            continue;
        };
        if unit.unit.kind != UnitKind::KratosEnvSet || runs_migration(set) {
            continue;
        }
        if let Some((image, _)) = &set.image
            && let Some((Product::Kratos, version, _)) = image_version(image)
            && !images.iter().any(|(v, _)| *v == version)
        {
            images.push((version, image.clone()));
        }
    }
    // Several releases (two environments in one run): nothing to compare with.
    let [(running, image)] = images.as_slice() else {
        return;
    };
    if marker.version == *running {
        return;
    }
    let finding = ctx.diagnostic(
                index,
                marker.range,
                format!(
                    "`version: {}` names another release than the image that serves this config (`{image}`); without --target idplint checks the config against the marker",
                    marker.version
                ),
            );
    out.push(ProjectDiagnostic {
                unit: finding.unit,
                diagnostic: finding
                    .diagnostic
                    .with_help(format!("Set `version: {running}` (`idplint upgrade --to kratos={running}` does it), or pass --target kratos={running}")),
            });
}
