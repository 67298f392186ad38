//! Kubernetes workloads that run Kratos, found in the files of an `upgrade` run so the plan can
//! name them: the migration step (a Job, or an init container, whose command runs
//! `migrate sql`) must finish before the server workload (Deployment, StatefulSet, ...) rolls
//! out, because a new pod answers 503 on `/health/ready` until the migrations are applied.

use idplint_diagnostics::LineIndex;
use idplint_linter::Product;
use idplint_syntax::{Limits, Node};
use serde::Serialize;

/// The `kind` of a Docker Compose service (not a Kubernetes object).
pub const COMPOSE_SERVICE: &str = "Compose service";

/// One Kubernetes object (or Compose service) that runs an `oryd/kratos` image.
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct Workload {
    /// The file as the report names it.
    pub file: String,
    /// 1-based line of the object's first key.
    pub line: usize,
    /// `Job`, `Deployment`, `StatefulSet`, ..., or [`COMPOSE_SERVICE`].
    pub kind: String,
    pub name: String,
    /// The object runs `migrate sql` (a container or init container whose command or arguments
    /// name both words).
    pub migrates: bool,
}

/// The Kratos workloads of one YAML file, in source order. Anything that is not parseable
/// YAML, or not a Kubernetes object with a pod template, yields nothing.
pub fn find(file: &str, text: &str) -> Vec<Workload> {
    let Ok(document) = idplint_syntax::yaml::parse(text, &Limits::default()) else {
        return Vec::new();
    };
    let lines = LineIndex::new(text);
    let compose_services = document
        .roots
        .iter()
        .filter_map(|root| root.get_path(&["services"]).and_then(Node::as_mapping))
        .flatten()
        .filter(|service| runs_kratos(&service.value))
        .filter_map(|service| {
            Some(Workload {
                file: file.to_string(),
                line: lines.line_of(service.key.range.start) + 1,
                kind: COMPOSE_SERVICE.to_string(),
                name: service.key.as_str()?.to_string(),
                migrates: runs_migrate_sql(&service.value),
            })
        });
    let kubernetes = document.roots.iter().filter_map(|root| {
        let kind = root.get_path(&["kind"])?.as_str()?.to_string();
        let name = root.get_path(&["metadata", "name"])?.as_str()?.to_string();
        // Deployment/StatefulSet/Job: spec.template; CronJob: spec.jobTemplate.spec.template.
        let pod = root
            .get_path(&["spec", "template", "spec"])
            .or_else(|| root.get_path(&["spec", "jobTemplate", "spec", "template", "spec"]))?;
        let containers: Vec<&Node> = ["initContainers", "containers"]
            .iter()
            .filter_map(|key| pod.get_path(&[key]).and_then(Node::as_sequence))
            .flatten()
            .filter(|container| runs_kratos(container))
            .collect();
        if containers.is_empty() {
            return None;
        }
        Some(Workload {
            file: file.to_string(),
            line: lines.line_of(root.range.start) + 1,
            kind,
            name,
            migrates: containers.iter().any(|c| runs_migrate_sql(c)),
        })
    });
    kubernetes.chain(compose_services).collect()
}

fn runs_kratos(container: &Node) -> bool {
    container
        .get_path(&["image"])
        .and_then(Node::as_str)
        .and_then(idplint_linter::version::image_version)
        .is_some_and(|(product, _, _)| product == Product::Kratos)
}

fn runs_migrate_sql(container: &Node) -> bool {
    let items = ["command", "args"]
        .iter()
        .filter_map(|key| container.get_path(&[key]))
        .flat_map(|node| match node.as_sequence() {
            Some(items) => items.iter().filter_map(Node::as_str).collect::<Vec<_>>(),
            None => node.as_str().into_iter().collect(),
        });
    idplint_linter::products::kratos::runs_migrate_sql(items)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_the_migration_job_and_the_deployment_in_order() {
        let text = "kind: Job\nmetadata: {name: kratos-migrate}\nspec:\n  template:\n    spec:\n      containers:\n        - image: oryd/kratos:v0.10.1\n          command: [kratos, migrate, sql, -e, --yes]\n---\nkind: Deployment\nmetadata:\n  name: kratos\nspec:\n  template:\n    spec:\n      containers:\n        - image: oryd/kratos:v0.10.1\n          args: [serve]\n        - image: oryd/kratos-selfservice-ui-node:v0.10.1\n---\nkind: Deployment\nmetadata: {name: ui}\nspec: {template: {spec: {containers: [{image: 'oryd/kratos-selfservice-ui-node:v0.10.1'}]}}}\n";
        let found = find("k.yml", text);
        let summary: Vec<(&str, &str, usize, bool)> = found
            .iter()
            .map(|w| (w.kind.as_str(), w.name.as_str(), w.line, w.migrates))
            .collect();
        assert_eq!(
            summary,
            vec![
                ("Job", "kratos-migrate", 1, true),
                ("Deployment", "kratos", 10, false)
            ]
        );
    }

    #[test]
    fn init_container_in_shell_form_migrates_and_bad_yaml_is_empty() {
        let text = "kind: Deployment\nmetadata: {name: kratos}\nspec:\n  template:\n    spec:\n      initContainers:\n        - image: oryd/kratos:v1.3.1\n          command: [sh, -c, 'kratos migrate sql -e --yes']\n      containers:\n        - image: oryd/kratos:v1.3.1\n";
        assert!(find("k.yml", text)[0].migrates);
        assert!(find("k.yml", "kind: [unclosed\n").is_empty());
        assert!(find("k.yml", "just: text\n").is_empty());
    }

    #[test]
    fn compose_services_running_kratos() {
        let text = "services:\n  kratos-migrate:\n    image: oryd/kratos:v0.9.0-alpha.3\n    command: -c /etc/kratos.yml migrate sql -e --yes\n  kratos:\n    image: oryd/kratos:v0.9.0-alpha.3\n    command: serve\n  ui:\n    image: oryd/kratos-selfservice-ui-node:latest\n";
        let found: Vec<(String, usize, bool)> = find("compose.yml", text)
            .into_iter()
            .map(|w| (w.name, w.line, w.migrates))
            .collect();
        assert_eq!(
            found,
            vec![
                ("kratos-migrate".to_string(), 2, true),
                ("kratos".to_string(), 5, false)
            ]
        );
    }
}
