//! `idplint upgrade --to P=V`: `fix` with the target's unsafe fixes, version markers bumped
//! (see `bump`), then the ordered upgrade plan: what to do outside the files, in order.
//! Release notes that no rule can check come from `rules/<product>/upgrade-notes.tsv`.

use crate::cli::UpgradeArgs;
use crate::run::{self, FixMode, Mode, UpgradeRun};
use crate::workloads::{COMPOSE_SERVICE, Workload};
use crate::{Failure, Streams};
use idplint_linter::{Product, ProductVersion, Registry};
use serde::Serialize;

#[derive(Debug, Serialize)]
pub struct Plan {
    pub product: String,
    /// The oldest version found in the files (or `--current`); `null` when none was found.
    pub from: Option<String>,
    pub to: String,
    pub steps: Vec<Step>,
}

#[derive(Debug, Serialize)]
pub struct Step {
    /// `backup`, `sdk`, `breaking-change`, `compatibility`, `build`, `migrate`, `deploy`.
    pub kind: &'static str,
    pub text: String,
    /// The Kubernetes objects found in the files that this step acts on.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub workloads: Vec<Workload>,
}

pub fn run(registry: &Registry, args: UpgradeArgs, streams: &mut Streams) -> Result<u8, Failure> {
    let mut common = args.common;
    for (product, version) in &args.to {
        common.target.retain(|(p, _)| p != product);
        common.target.push((*product, version.clone()));
    }
    let mode = if args.diff {
        FixMode::Diff
    } else if args.check {
        FixMode::Check
    } else {
        FixMode::Write
    };
    let mut upgrade = UpgradeRun {
        to: args.to.clone(),
        ..UpgradeRun::default()
    };
    let code = run::run_with(
        registry,
        &common,
        Mode::Fix(mode),
        true,
        Some(&mut upgrade),
        None,
        streams,
    )?;
    if code == 2 {
        return Ok(code);
    }
    let plans: Vec<Plan> = args
        .to
        .iter()
        .map(|(product, to)| {
            let from = common
                .current
                .iter()
                .find(|(p, _)| p == product)
                .map(|(_, v)| v.clone())
                .or_else(|| {
                    upgrade
                        .from
                        .iter()
                        .filter(|(p, _)| p == product)
                        .map(|(_, v)| v.clone())
                        .min()
                });
            plan(
                *product,
                from.as_ref(),
                to,
                upgrade.optimized,
                &upgrade.workloads,
            )
        })
        .collect();
    match upgrade.findings_json.take() {
        Some(findings) => {
            let findings: serde_json::Value = serde_json::from_slice(&findings)
                .map_err(|error| Failure::new(format!("cannot render the report: {error}")))?;
            let document = serde_json::json!({
                "changed": upgrade.changed,
                "plan": plans,
                "findings": findings,
            });
            let mut text = serde_json::to_string_pretty(&document)
                .map_err(|error| Failure::new(format!("cannot render the plan: {error}")))?;
            text.push('\n');
            run::emit(
                text.as_bytes(),
                common.output_file.as_deref(),
                false,
                streams,
            )?;
        }
        None => {
            let mut text = String::new();
            for plan in &plans {
                text.push_str(&render_text(plan));
            }
            // With --diff standard output carries the patch; the plan goes with the notes.
            if mode == FixMode::Diff {
                streams.note(text.trim_end());
            } else {
                streams.out_bytes(text.as_bytes());
            }
        }
    }
    Ok(code)
}

fn render_text(plan: &Plan) -> String {
    let from = plan.from.as_deref().unwrap_or("the current version");
    let mut text = format!(
        "\nUpgrade plan for {} ({from} -> {}):\n",
        plan.product, plan.to
    );
    for (number, step) in plan.steps.iter().enumerate() {
        text.push_str(&format!("  {}. {}\n", number + 1, step.text));
    }
    text
}

/// The notes of `rules/<product>/upgrade-notes.tsv` for releases in `(from, to]`.
fn notes(product: Product, from: Option<&ProductVersion>, to: &ProductVersion) -> Vec<String> {
    let file = match product {
        Product::Kratos => "kratos/upgrade-notes.tsv",
        Product::Keycloak => "keycloak/upgrade-notes.tsv",
        _ => return Vec::new(),
    };
    let Some((_, text)) = idplint_linter::registry::RULE_FILES
        .iter()
        .find(|(path, _)| *path == file)
    else {
        return Vec::new();
    };
    text.lines()
        .filter(|line| !line.starts_with('#') && !line.starts_with("release\t"))
        .filter_map(|line| line.split_once('\t'))
        .filter_map(|(release, note)| Some((ProductVersion::parse(release)?, note)))
        .filter(|(release, _)| from.is_none_or(|from| from < release) && release <= to)
        .map(|(_, note)| note.trim().to_string())
        .collect()
}

pub fn plan(
    product: Product,
    from: Option<&ProductVersion>,
    to: &ProductVersion,
    optimized: bool,
    workloads: &[Workload],
) -> Plan {
    let step = |kind, text: String| Step {
        kind,
        text,
        workloads: Vec::new(),
    };
    let breaking = notes(product, from, to)
        .into_iter()
        .map(|note| step("breaking-change", format!("Breaking change: {note}")));
    let mut steps = Vec::new();
    match product {
        Product::Kratos => {
            steps.push(step("backup", "Back up the Kratos database (e.g. `pg_dump`): SQL migrations cannot be rolled back.".to_string()));
            // The manifests are not rewritten: the SDK has releases the server lacks (and
            // the other way round), and a lock file (go.sum, package-lock.json) must follow.
            let go_module = if to.major() >= 2 {
                format!("github.com/ory/kratos-client-go/v{}", to.major())
            } else {
                "github.com/ory/kratos-client-go".to_string()
            };
            steps.push(step(
                "sdk",
                format!("Update the Ory Kratos SDK and API clients to {to}: `{go_module}` in go.mod (then `go mod tidy`), `@ory/kratos-client` in package.json, `ory-kratos-client` in requirements.txt / pyproject.toml, `sh.ory.kratos:kratos-client` in pom.xml. Source files importing the SDK were checked against {to} (`kratos/sdk-*` rules); re-run `idplint fix` after the bump to rewrite any calls left."),
            ));
            steps.extend(breaking);
            steps.extend(kratos_rollout(to, workloads));
        }
        Product::Keycloak => {
            steps.push(step("backup", "Back up the Keycloak database: Keycloak migrates its schema on the first start of the new version and cannot downgrade it.".to_string()));
            steps.extend(breaking);
            steps.push(step("compatibility", format!("Rolling updates work only between compatible releases (patch releases of one minor version; from 26.2 check with `kc.sh update-compatibility check`): for an upgrade to {to}, stop every node of the old version before starting the new one, or use a blue/green deployment.")));
            if optimized {
                steps.push(step("build", format!("Rebuild the optimized image: run `kc.sh build` on the {to} image with your build-time options, since `start --optimized` skips the build step.")));
            }
            steps.push(step("deploy", format!("Deploy {to}: start one node first so it migrates the database, then the rest; check `/health/ready`.")));
        }
        _ => {
            steps.push(step("backup", "Back up the database.".to_string()));
            steps.extend(breaking);
            steps.push(step("deploy", format!("Deploy {to}.")));
        }
    }
    Plan {
        product: product.to_string(),
        from: from.map(ToString::to_string),
        to: to.to_string(),
        steps,
    }
}

/// The migrate and deploy steps of a Kratos upgrade, naming the Kubernetes objects of the run:
/// migration Jobs first, then the server workloads.
fn kratos_rollout(to: &ProductVersion, workloads: &[Workload]) -> [Step; 2] {
    let kubernetes_job = |w: &Workload| matches!(w.kind.as_str(), "Job" | "CronJob");
    // A one-off migration run: a Kubernetes Job, or a Compose service whose command migrates.
    let one_off = |w: &&Workload| kubernetes_job(w) || (w.kind == COMPOSE_SERVICE && w.migrates);
    let jobs: Vec<Workload> = workloads
        .iter()
        .filter(|w| w.migrates && one_off(w))
        .cloned()
        .collect();
    let servers: Vec<Workload> = workloads.iter().filter(|w| !one_off(w)).cloned().collect();
    let immutable = if jobs.iter().any(kubernetes_job) {
        " A Job's pod template cannot be changed, so delete the finished Job (or give it a new name) before applying the bumped one."
    } else {
        ""
    };
    let window = "until the migrations are applied, new Kratos instances answer 503 on `/health/ready` (\"migrations have not yet been fully applied\") and never become ready";
    let init_migrations: Vec<&Workload> = servers.iter().filter(|w| w.migrates).collect();
    let migrate_text = if !jobs.is_empty() {
        format!(
            "Run the migration {} with the {to} image (`oryd/kratos:{to}`) and wait for it to complete BEFORE rolling out {}: {window}.{immutable}",
            list(&jobs),
            if servers.is_empty() {
                "the new pods".to_string()
            } else {
                list(&servers)
            }
        )
    } else if !init_migrations.is_empty() {
        format!(
            "The init container of {} runs `kratos migrate sql` with the {to} image when the new pods start: {window}. Watch the init container of the first new pod.",
            init_migrations
                .iter()
                .map(|w| describe(w))
                .collect::<Vec<_>>()
                .join(", ")
        )
    } else {
        format!(
            "Run `kratos migrate sql -e --yes` with the {to} image (`oryd/kratos:{to}`) BEFORE rolling out the new pods: {window}."
        )
    };
    // From v0.9 the admin routes live under `/admin`; the unprefixed path only redirects.
    let ready = match ProductVersion::parse("v0.9.0") {
        Some(prefixed) if *to >= prefixed => "/admin/health/ready",
        _ => "/health/ready",
    };
    let deploy_text = if servers.is_empty() {
        format!(
            "Deploy {to} (the bumped config and image tags), then check `/health/ready` on the admin port."
        )
    } else {
        format!(
            "Roll out {} with {to} (the bumped config and image tags), then check `{ready}` on the admin port.",
            list(&servers)
        )
    };
    [
        Step {
            kind: "migrate",
            text: migrate_text,
            workloads: if jobs.is_empty() {
                servers.iter().filter(|w| w.migrates).cloned().collect()
            } else {
                jobs
            },
        },
        Step {
            kind: "deploy",
            text: deploy_text,
            workloads: servers,
        },
    ]
}

/// `Job `kratos-migration` (k8s/kratos.yml:1)`.
fn describe(workload: &Workload) -> String {
    format!(
        "{} `{}` ({}:{})",
        workload.kind, workload.name, workload.file, workload.line
    )
}

fn list(workloads: &[Workload]) -> String {
    workloads
        .iter()
        .map(describe)
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn kratos_plan_migrates_before_deploying_and_lists_crossed_notes() {
        let from = ProductVersion::parse("v0.10.1").unwrap();
        let to = ProductVersion::parse("v0.11.1").unwrap();
        let plan = plan(Product::Kratos, Some(&from), &to, false, &[]);
        let kinds: Vec<&str> = plan.steps.iter().map(|s| s.kind).collect();
        let at = |k| kinds.iter().position(|x| *x == k).unwrap();
        assert!(at("backup") < at("migrate") && at("migrate") < at("deploy"));
        assert!(
            plan.steps
                .iter()
                .any(|s| s.text.contains("keyset pagination"))
        );
        assert!(plan.steps.iter().any(|s| s.text.contains("[K-110a-06]")));
        // From v0.11.0 only the v0.11.1 note is crossed (the bounds are `(from, to]`).
        let from = ProductVersion::parse("v0.11.0").unwrap();
        let plan = super::plan(Product::Kratos, Some(&from), &to, false, &[]);
        let crossed: Vec<&str> = plan
            .steps
            .iter()
            .filter(|s| s.kind == "breaking-change")
            .map(|s| s.text.as_str())
            .collect();
        assert_eq!(crossed.len(), 1, "{crossed:?}");
        assert!(crossed[0].contains("[K-111-01]"), "{crossed:?}");
        // Nothing crossed when the versions are equal.
        let plan = super::plan(Product::Kratos, Some(&to), &to, false, &[]);
        assert!(!plan.steps.iter().any(|s| s.kind == "breaking-change"));
    }

    /// Every Kratos note parses, names its catalog entry, and the rows are in release order so the
    /// plan lists them oldest first.
    #[test]
    fn kratos_notes_cite_catalog_ids_in_release_order() {
        let (_, text) = idplint_linter::registry::RULE_FILES
            .iter()
            .find(|(path, _)| *path == "kratos/upgrade-notes.tsv")
            .unwrap();
        let mut previous: Option<ProductVersion> = None;
        let mut rows = 0;
        for line in text
            .lines()
            .filter(|l| !l.starts_with('#') && !l.starts_with("release\t"))
        {
            let (release, note) = line.split_once('\t').unwrap();
            let release = ProductVersion::parse(release).unwrap();
            assert!(note.starts_with("[K-"), "{line}");
            if let Some(previous) = &previous {
                assert!(previous <= &release, "{line}");
            }
            previous = Some(release);
            rows += 1;
        }
        assert!(rows >= 10, "{rows}");
    }

    #[test]
    fn kratos_rollout_names_init_container_migrations_and_old_ready_path() {
        let deployment = Workload {
            file: "k8s/kratos.yml".to_string(),
            line: 3,
            kind: "Deployment".to_string(),
            name: "kratos".to_string(),
            migrates: true,
        };
        let to = ProductVersion::parse("v0.8.2").unwrap();
        let [migrate, deploy] = kratos_rollout(&to, std::slice::from_ref(&deployment));
        assert!(
            migrate
                .text
                .starts_with("The init container of Deployment `kratos` (k8s/kratos.yml:3)")
        );
        assert_eq!(migrate.workloads, vec![deployment.clone()]);
        // Before v0.9 the admin routes had no `/admin` prefix.
        assert!(
            deploy.text.contains("check `/health/ready`"),
            "{}",
            deploy.text
        );
        let [migrate, deploy] = kratos_rollout(&to, &[]);
        assert!(
            migrate
                .text
                .starts_with("Run `kratos migrate sql -e --yes`")
        );
        assert!(migrate.workloads.is_empty() && deploy.workloads.is_empty());
    }

    #[test]
    fn keycloak_plan_crossing_25_and_optimized() {
        let from = ProductVersion::parse("24.0").unwrap();
        let to = ProductVersion::parse("26.4.0").unwrap();
        let plan = plan(Product::Keycloak, Some(&from), &to, true, &[]);
        assert!(plan.steps.iter().any(|s| s.text.contains("9000")));
        assert!(plan.steps.iter().any(|s| s.kind == "build"));
        assert!(plan.steps.iter().any(|s| s.kind == "compatibility"));
    }
}
