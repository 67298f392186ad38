//! `keycloak/load-balancer-health-check-on-main-port` (cross-file): an ALB target group whose
//! health check asks Keycloak's main port for `/health*` while Keycloak 25+ serves health on
//! the management port (9000). The target group, the ECS service that registers the tasks in
//! it and the task definition usually live in three files (seed 002: `aws ecs create-service`
//! input next to the task definition, the target group from `aws elbv2
//! describe-target-groups`); the chain is followed by name: the target group's name in the
//! service's `targetGroupArn`, the service's `taskDefinition` family and `containerName` in
//! the task definition. Every target then fails its check and the ALB never routes to it (trap
//! T1). `keycloak/health-check-on-main-port` covers probes and a target group in the same
//! CloudFormation template as the one container.

use super::health_check_on_main_port::{Enabled, misses_management_port};
use crate::rule::{ProjectContext, ProjectDiagnostic, ProjectFnRule, Rule, RuleMeta};
use crate::source::ParsedFile;
use crate::unit::{UnitContent, UnitKind};
use crate::version::ProductVersion;
use idplint_diagnostics::TextRange;
use idplint_syntax::Node;
use std::sync::Arc;

pub const ID: &str = "keycloak/load-balancer-health-check-on-main-port";

pub fn factory(meta: Arc<RuleMeta>) -> Box<dyn Rule> {
    ProjectFnRule::boxed(meta, UnitKind::KeycloakEnvSet, check)
}

/// An ALB/NLB target group with an HTTP health check, as the AWS CLI and API spell it.
struct TargetGroup {
    name: String,
    file: usize,
    path: String,
    path_range: TextRange,
    /// `HealthCheckPort`: a number, or `None` for `traffic-port` (the default).
    port: Option<u32>,
    port_range: Option<TextRange>,
}

/// One `loadBalancers` item of an ECS service: where the target group sends traffic.
struct Registration {
    target_group: String,
    family: String,
    container: String,
    container_port: Option<u32>,
    /// The service's `loadBalancers` item, for the message.
    file: usize,
}

fn check(ctx: &ProjectContext<'_>, out: &mut Vec<ProjectDiagnostic>) {
    let mut groups = Vec::new();
    let mut registrations = Vec::new();
    for (index, file) in ctx.files.iter().enumerate() {
        let Some(doc) = file.tree() else { continue };
        for root in &doc.roots {
            target_groups(root, file, index, &mut groups);
            ecs_services(root, index, &mut registrations);
        }
    }
    if groups.is_empty() || registrations.is_empty() {
        return;
    }
    for registration in &registrations {
        let Some((unit, set)) = ctx.units.iter().find_map(|u| {
            let UnitContent::Env(set) = &u.unit.content else {
                return None;
            };
            (u.unit.kind == UnitKind::KeycloakEnvSet
                && runs_in(&u.unit.label, &registration.family, &registration.container))
            .then_some((u, set))
        }) else {
            continue;
        };
        let Some(version) = unit.versions.checked() else {
            continue;
        };
        for group in groups
            .iter()
            .filter(|g| g.name == registration.target_group)
        {
            // `traffic-port` is the port the service registers: the container port.
            let Some(port) = group.port.or(registration.container_port) else {
                continue;
            };
            if misses_management_port(set, Enabled::of(set, None), version, &group.path, port)
                .is_some()
            {
                out.push(report(ctx, group, registration, port, version));
            }
        }
    }
}

/// Whether a unit's label is that of container `container` of task definition `family` (or
/// of a family-less container definitions file).
fn runs_in(label: &str, family: &str, container: &str) -> bool {
    label == format!("ECS container `{container}` of task definition `{family}`")
        || label == format!("ECS container `{container}`")
}

fn report(
    ctx: &ProjectContext<'_>,
    group: &TargetGroup,
    registration: &Registration,
    port: u32,
    version: &ProductVersion,
) -> ProjectDiagnostic {
    let service_file = ctx.files.get(registration.file).map_or("", |f| f.path);
    let how = if group.port.is_some() {
        format!("port {port}")
    } else {
        format!("the traffic port, container port {port} ({service_file})")
    };
    let range = group.port_range.unwrap_or(group.path_range);
    let mut finding = ctx.file_diagnostic(
        group.file,
        range,
        format!(
            "target group `{}` checks `{}` on {how} of container `{}`, but Keycloak {version} serves health and metrics on the management port 9000: every target fails the check",
            group.name, group.path, registration.container
        ),
    );
    finding.diagnostic = finding
        .diagnostic
        .with_help("Set the target group's health check port to 9000 (`aws elbv2 modify-target-group --health-check-port 9000`; the security group must let the load balancer reach it), or on 26.4+ set `http-management-health-enabled=false` to serve health on the main port");
    if range != group.path_range {
        finding.diagnostic = finding
            .diagnostic
            .with_label(group.path_range, "health endpoint");
    }
    finding
}

/// Target groups of `describe-target-groups` output (`TargetGroups[]`) or of
/// `create-target-group` input (`Name`), with an HTTP health check path.
fn target_groups(root: &Node, file: &ParsedFile<'_>, index: usize, out: &mut Vec<TargetGroup>) {
    let items: Vec<&Node> = match root.get("TargetGroups").and_then(|e| e.value.as_sequence()) {
        Some(items) => items.iter().collect(),
        None => vec![root],
    };
    for item in items {
        let name = item
            .get("TargetGroupName")
            .or_else(|| item.get("Name"))
            .and_then(|e| e.value.as_str());
        let Some(path_node) = item.get("HealthCheckPath").map(|e| &e.value) else {
            continue;
        };
        let (Some(name), Some(path)) = (name, path_node.as_str()) else {
            continue;
        };
        let port_node = item.get("HealthCheckPort").map(|e| &e.value);
        let port = port_node.and_then(|n| n.as_str()?.trim().parse().ok());
        let inner = |node: &Node| {
            crate::products::keycloak::text::scalar_inner(node, file.text)
                .map_or(node.range, |(range, _)| range)
        };
        out.push(TargetGroup {
            name: name.to_string(),
            file: index,
            path: path.to_string(),
            path_range: inner(path_node),
            port,
            port_range: port_node.map(inner),
        });
    }
}

/// The `loadBalancers` of an ECS service (`create-service` input, or `describe-services`
/// output `services[]`).
fn ecs_services(root: &Node, index: usize, out: &mut Vec<Registration>) {
    let items: Vec<&Node> = match root.get("services").and_then(|e| e.value.as_sequence()) {
        Some(items) => items.iter().collect(),
        None => vec![root],
    };
    for service in items {
        let Some(task) = service.get("taskDefinition").and_then(|e| e.value.as_str()) else {
            continue;
        };
        let Some(balancers) = service
            .get("loadBalancers")
            .and_then(|e| e.value.as_sequence())
        else {
            continue;
        };
        let family = task_family(task);
        for balancer in balancers {
            let field = |key: &str| balancer.get(key).and_then(|e| e.value.as_str());
            let (Some(arn), Some(container)) = (field("targetGroupArn"), field("containerName"))
            else {
                continue;
            };
            let Some(target_group) = target_group_name(arn) else {
                continue;
            };
            out.push(Registration {
                target_group: target_group.to_string(),
                family: family.to_string(),
                container: container.to_string(),
                container_port: field("containerPort").and_then(|p| p.trim().parse().ok()),
                file: index,
            });
        }
    }
}

/// `keycloak-test` of `keycloak-test:1` or `arn:aws:ecs:...:task-definition/keycloak-test:1`.
fn task_family(task: &str) -> &str {
    let task = task
        .rsplit_once("task-definition/")
        .map_or(task, |(_, t)| t);
    task.split(':').next().unwrap_or(task)
}

/// `keycloak-http` of `arn:aws:elasticloadbalancing:...:targetgroup/keycloak-http/80be85...`.
fn target_group_name(arn: &str) -> Option<&str> {
    arn.split_once("targetgroup/")?.1.split('/').next()
}

#[cfg(test)]
mod tests {
    use super::{target_group_name, task_family};

    #[test]
    fn names_from_arns() {
        assert_eq!(task_family("keycloak-test:1"), "keycloak-test");
        assert_eq!(
            task_family("arn:aws:ecs:ap-northeast-1:111122223333:task-definition/kc:12"),
            "kc"
        );
        assert_eq!(task_family("kc"), "kc");
        assert_eq!(
            target_group_name(
                "arn:aws:elasticloadbalancing:ap-northeast-1:111122223333:targetgroup/keycloak-http/80be85e70beeb53c"
            ),
            Some("keycloak-http")
        );
        assert_eq!(target_group_name("keycloak-http"), None);
    }
}
