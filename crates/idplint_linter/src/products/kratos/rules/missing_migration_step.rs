//! `kratos/missing-migration-step` (cross-file): Kubernetes workloads serve Kratos, but no
//! container of the run runs `kratos migrate sql` (no Job, no init container, no
//! `migrate sql && serve`). Every release bump then leaves the database schema behind: the new
//! pods answer 503 "migrations have not yet been fully applied" until someone migrates by hand.

use super::migration_image_mismatch::runs_migration;
use crate::rule::{ProjectContext, ProjectDiagnostic, ProjectFnRule, Rule, RuleMeta};
use crate::unit::{UnitContent, UnitKind};
use std::sync::Arc;

pub const ID: &str = "kratos/missing-migration-step";

pub fn factory(meta: Arc<RuleMeta>) -> Box<dyn Rule> {
    ProjectFnRule::boxed(meta, UnitKind::KratosEnvSet, check)
}

/// Kubernetes owners whose pods keep running (a Job or a bare Pod is a one-off).
const SERVING_OWNERS: [&str; 3] = ["of Deployment `", "of StatefulSet `", "of DaemonSet `"];

fn check(ctx: &ProjectContext<'_>, out: &mut Vec<ProjectDiagnostic>) {
    let sets = ctx.units.iter().enumerate().filter_map(|(index, u)| {
        match (&u.unit.kind, &u.unit.content) {
            (UnitKind::KratosEnvSet, UnitContent::Env(set)) => Some((index, u, set)),
            _ => None,
        }
    });
    let mut servers = Vec::new();
    for (index, unit, set) in sets {
        if runs_migration(set) {
            return;
        }
        // Development servers (`serve --dev`, in-memory or SQLite DSNs) have nothing to
        // migrate ahead of time.
        let dev = set
            .argv
            .iter()
            .any(|(item, _)| item.split_whitespace().any(|w| w == "--dev"));
        let local_dsn = set.env("DSN").any(|e| {
            e.value.as_deref().is_some_and(|v| {
                let value = v.trim().to_ascii_lowercase();
                value.starts_with("memory") || value.starts_with("sqlite")
            })
        });
        let serving = SERVING_OWNERS.iter().any(|o| unit.unit.label.contains(o));
        if serving
            && !dev
            && !local_dsn
            && let Some((_, range)) = &set.image
        {
            servers.push((index, unit.unit.label.clone(), *range));
        }
    }
    for (index, label, range) in servers {
        let finding = ctx.diagnostic(
                index,
                range,
                format!(
                    "{label} serves Kratos, but no container in the files checked runs `kratos migrate sql`: after the next image bump the new pods answer 503 until the database is migrated"
                ),
            );
        out.push(ProjectDiagnostic {
                unit: finding.unit,
                diagnostic: finding.diagnostic.with_help(
                    "Add a migration Job (or an init container) running `kratos migrate sql -e --yes` with the same image, and run it before each rollout; with the ory/kratos Helm chart set `kratos.automigration.enabled: true`. Check the directory that holds all manifests, so a Job kept in another file is seen",
                ),
            });
    }
}
