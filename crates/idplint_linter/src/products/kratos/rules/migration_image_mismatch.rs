//! `kratos/migration-image-mismatch` (cross-file): the container that runs `kratos migrate sql`
//! (a Kubernetes Job, an init container, a Compose service) uses another Kratos release than
//! the containers that serve. Migrations must come from the release that is about to serve:
//! an older migrator leaves the schema behind (new pods answer 503 "migrations have not yet
//! been fully applied"), a newer one migrates the database under the running pods.

use crate::rule::{ProjectContext, ProjectDiagnostic, ProjectFnRule, Rule, RuleMeta};
use crate::source::parent_dir;
use crate::unit::{EnvSet, UnitContent, UnitKind};
use crate::version::{Product, ProductVersion, image_version};
use idplint_diagnostics::TextRange;
use std::sync::Arc;

pub const ID: &str = "kratos/migration-image-mismatch";

pub fn factory(meta: Arc<RuleMeta>) -> Box<dyn Rule> {
    ProjectFnRule::boxed(meta, UnitKind::KratosEnvSet, check)
}

/// A Kratos container of the run with a versioned image.
struct Process<'a> {
    unit: usize,
    label: &'a str,
    path: &'a str,
    image: &'a str,
    image_range: TextRange,
    version: ProductVersion,
    migrates: bool,
}

/// Whether the container's command line runs `migrate sql` (exec or shell form).
pub fn runs_migration(set: &EnvSet) -> bool {
    runs_migrate_sql(set.argv.iter().map(|(item, _)| item.as_str()))
}

/// Whether command-line items run `kratos migrate sql`: exec form (`[kratos, migrate, sql]`)
/// or a shell form that holds the words in one string (`sh -c "kratos migrate sql -e"`).
pub fn runs_migrate_sql<'a>(items: impl IntoIterator<Item = &'a str>) -> bool {
    let words: Vec<&str> = items.into_iter().flat_map(str::split_whitespace).collect();
    words
        .windows(2)
        .any(|pair| pair[0] == "migrate" && pair[1] == "sql")
}

fn check(ctx: &ProjectContext<'_>, out: &mut Vec<ProjectDiagnostic>) {
    let processes: Vec<Process<'_>> = ctx
        .units
        .iter()
        .enumerate()
        .filter(|(_, u)| u.unit.kind == UnitKind::KratosEnvSet)
        .filter_map(|(index, u)| {
            let UnitContent::Env(set) = &u.unit.content else {
                return None;
            };
            let (image, image_range) = set.image.as_ref()?;
            let (product, version, _) = image_version(image)?;
            (product == Product::Kratos).then(|| Process {
                unit: index,
                label: &u.unit.label,
                path: u.file.path,
                image,
                image_range: *image_range,
                version,
                migrates: runs_migration(set),
            })
        })
        .collect();
    for migration in processes.iter().filter(|p| p.migrates) {
        // Servers of the same directory: a monorepo run holds other deployments too.
        let directory = parent_dir(migration.path);
        let servers: Vec<&Process<'_>> = processes
            .iter()
            .filter(|p| !p.migrates && parent_dir(p.path) == directory)
            .collect();
        let Some(server) = servers.iter().find(|s| s.version != migration.version) else {
            continue;
        };
        // Only when every serving container disagrees: a run holding two environments
        // (staging on the new release, production on the old) has a match for each.
        if servers.iter().any(|s| s.version == migration.version) {
            continue;
        }
        let finding = ctx.diagnostic(
                migration.unit,
                migration.image_range,
                format!(
                    "{} migrates with `{}`, but {} in {} serves `{}`: migrations must come from the release that serves",
                    migration.label, migration.image, server.label, server.path, server.image
                ),
            );
        out.push(ProjectDiagnostic {
                unit: finding.unit,
                diagnostic: finding.diagnostic.with_help(format!(
                    "Use the same image tag for the migration and the server ({}), and run the migration before rolling out the new pods",
                    (&server.version).max(&migration.version)
                )),
            });
    }
}
