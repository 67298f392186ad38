//! `keycloak/network-policy-blocks-jgroups` (cross-file): the Keycloak pods of a Deployment or
//! StatefulSet cluster over a TCP stack (JGroups data on 7800, FD_SOCK2 failure detection on
//! 57800), and the NetworkPolicies of the run that select those pods admit neither port from
//! the other Keycloak pods. The nodes then never join, or suspect each other at once, and each
//! runs alone. Only what the manifests decide is reported: a policy whose selection or
//! sources depend on labels idplint cannot see (namespace selectors, IP blocks, expressions)
//! counts as allowing the traffic.

use super::{clustered_workload, workload_document};
use crate::products::keycloak::values::effective_value;
use crate::rule::{ProjectContext, ProjectDiagnostic, ProjectFnRule, ProjectUnit, Rule, RuleMeta};
use crate::unit::{EnvSet, UnitContent, UnitKind};
use crate::version::ProductVersion;
use idplint_diagnostics::TextRange;
use idplint_syntax::{Entry, Node};
use std::sync::Arc;

pub const ID: &str = "keycloak/network-policy-blocks-jgroups";

pub fn factory(meta: Arc<RuleMeta>) -> Box<dyn Rule> {
    ProjectFnRule::boxed(meta, UnitKind::KeycloakEnvSet, check)
}

/// Stacks that carry the cluster traffic over TCP on the bind port.
const TCP_STACKS: [&str; 6] = ["kubernetes", "tcp", "jdbc-ping", "ec2", "azure", "google"];

/// JGroups' default TCP bind port, and FD_SOCK2's offset from it.
const BIND_PORT: u32 = 7800;
const FAILURE_DETECTION_OFFSET: u32 = 50000;

type Labels<'a> = Vec<(&'a str, &'a str)>;

/// A NetworkPolicy of the run.
struct Policy<'a> {
    name: &'a str,
    namespace: Option<&'a str>,
    spec: &'a Node,
    file: usize,
}

fn check(ctx: &ProjectContext<'_>, out: &mut Vec<ProjectDiagnostic>) {
    let mut policies: Vec<Policy<'_>> = Vec::new();
    for (index, file) in ctx.files.iter().enumerate() {
        if let Some(doc) = file.tree() {
            policies.extend(doc.roots.iter().filter_map(|r| policy(r, index)));
        }
    }
    if policies.is_empty() {
        return;
    }
    for unit in ctx.units {
        let (UnitKind::KeycloakEnvSet, UnitContent::Env(set)) =
            (&unit.unit.kind, &unit.unit.content)
        else {
            continue;
        };
        if !clustered_workload(unit, set) || !tcp_stack(unit, set) {
            continue;
        }
        let Some(port) = bind_port(set) else { continue };
        let Some(document) = workload_document(unit, set) else {
            continue;
        };
        let namespace = document
            .get_path(&["metadata", "namespace"])
            .and_then(Node::as_str);
        let Some(labels) = document
            .get_path(&["spec", "template", "metadata", "labels"])
            .map(labels_of)
        else {
            continue;
        };
        let same_namespace = |p: &&Policy<'_>| {
            namespace.is_none() || p.namespace.is_none() || p.namespace == namespace
        };
        let mut isolating = Vec::new();
        let mut unknown = false;
        for policy in policies.iter().filter(same_namespace) {
            match selects(policy.spec.get("podSelector").map(|e| &e.value), &labels) {
                Some(true) if isolates_ingress(policy.spec) => isolating.push(policy),
                Some(_) => {}
                None => unknown = true,
            }
        }
        if unknown || isolating.is_empty() {
            continue;
        }
        let workload = unit.unit.label.as_str();
        let missing: Vec<u32> = cluster_ports(unit, port)
            .into_iter()
            .filter(|p| {
                !isolating
                    .iter()
                    .any(|policy| admits(policy.spec, *p, &labels))
            })
            .collect();
        if missing.is_empty() {
            continue;
        }
        for policy in &isolating {
            out.push(report(ctx, policy, workload, &missing));
        }
    }
}

fn report(
    ctx: &ProjectContext<'_>,
    policy: &Policy<'_>,
    workload: &str,
    missing: &[u32],
) -> ProjectDiagnostic {
    let ports: Vec<String> = missing.iter().map(|p| format!("TCP {p}")).collect();
    let at = ["ingress", "policyTypes", "podSelector"]
        .iter()
        .find_map(|key| policy.spec.get(key))
        .map_or(TextRange::default(), |e: &Entry| e.key.range);
    let mut finding = ctx.file_diagnostic(
        policy.file,
        at,
        format!(
            "NetworkPolicy `{}` isolates the pods of {workload}, and no policy admits {} from the other Keycloak pods: the cluster cannot form",
            policy.name,
            ports.join(" and ")
        ),
    );
    finding.diagnostic = finding.diagnostic.with_help(
        "Add an ingress rule from the Keycloak pods (a `podSelector` with their labels) for TCP 7800 (JGroups data, `cache-embedded-network-bind-port`) and 57800 (failure detection); or use `cache=local` with a single replica",
    );
    finding
}

/// A `networking.k8s.io/v1` NetworkPolicy document.
fn policy(root: &Node, file: usize) -> Option<Policy<'_>> {
    let kind = root.get("kind").and_then(|e| e.value.as_str());
    let api = root.get("apiVersion").and_then(|e| e.value.as_str());
    if kind != Some("NetworkPolicy") || api != Some("networking.k8s.io/v1") {
        return None;
    }
    Some(Policy {
        name: root
            .get_path(&["metadata", "name"])
            .and_then(Node::as_str)
            .unwrap_or(""),
        namespace: root
            .get_path(&["metadata", "namespace"])
            .and_then(Node::as_str),
        spec: root.get("spec").map(|e| &e.value)?,
        file,
    })
}

/// Whether the process clusters over TCP: a TCP stack named, or none named on a release whose
/// default is `jdbc-ping` (26.1 and later).
fn tcp_stack(unit: &ProjectUnit<'_>, set: &EnvSet) -> bool {
    match effective_value(set, "cache-stack") {
        Some(stack) => TCP_STACKS.iter().any(|s| stack.eq_ignore_ascii_case(s)),
        // A custom cache file may define any stack.
        None => effective_value(set, "cache-config-file").is_none() && jdbc_ping_era(unit),
    }
}

/// The TCP ports one Keycloak pod must reach on the others: the bind port and, from 26.1
/// (the `jdbc-ping` release, whose port table lists it), FD_SOCK2's bind port + 50000.
fn cluster_ports(unit: &ProjectUnit<'_>, port: u32) -> Vec<u32> {
    if jdbc_ping_era(unit) {
        vec![port, port + FAILURE_DETECTION_OFFSET]
    } else {
        vec![port]
    }
}

/// Whether the unit's version (target, else current) is 26.1 or later: `jdbc-ping` by default.
fn jdbc_ping_era(unit: &ProjectUnit<'_>) -> bool {
    let version = unit.versions.checked();
    matches!((version, ProductVersion::parse("26.1.0")), (Some(v), Some(d)) if *v >= d)
}

/// The JGroups bind port: `cache-embedded-network-bind-port`, else 7800. `None` when a
/// `jgroups.bind.port` system property moves it somewhere this rule does not read.
fn bind_port(set: &EnvSet) -> Option<u32> {
    if let Some(value) = effective_value(set, "cache-embedded-network-bind-port") {
        return value.parse().ok();
    }
    let moved = set.entries.iter().any(|e| {
        e.value
            .as_deref()
            .is_some_and(|v| v.contains("jgroups.bind.port") || v.contains("jgroups.fd.port"))
    });
    (!moved).then_some(BIND_PORT)
}

fn labels_of(node: &Node) -> Labels<'_> {
    node.as_mapping()
        .unwrap_or(&[])
        .iter()
        .filter_map(|e| Some((e.key_str(), e.value.as_str()?)))
        .collect()
}

/// Whether a label selector selects pods with `labels`: `None` when it uses
/// `matchExpressions` (not evaluated). An absent or empty selector selects every pod.
fn selects(selector: Option<&Node>, labels: &Labels<'_>) -> Option<bool> {
    let Some(selector) = selector else {
        return Some(true);
    };
    if selector.get("matchExpressions").is_some() {
        return None;
    }
    let wanted = selector
        .get("matchLabels")
        .map(|e| labels_of(&e.value))
        .unwrap_or_default();
    Some(wanted.iter().all(|w| labels.contains(w)))
}

/// Whether a policy restricts ingress: `policyTypes` lists `Ingress`, or is left out (then
/// every policy restricts ingress).
fn isolates_ingress(spec: &Node) -> bool {
    match spec.get("policyTypes").and_then(|e| e.value.as_sequence()) {
        Some(types) => types.iter().any(|t| t.as_str() == Some("Ingress")),
        None => true,
    }
}

/// Whether some ingress rule of the policy may admit TCP `port` from the Keycloak pods.
/// Anything undecidable here (named ports, namespace selectors, IP blocks) admits.
fn admits(spec: &Node, port: u32, labels: &Labels<'_>) -> bool {
    let Some(rules) = spec.get("ingress").and_then(|e| e.value.as_sequence()) else {
        return false;
    };
    rules.iter().any(|rule| {
        let ports_ok = match rule.get("ports").and_then(|e| e.value.as_sequence()) {
            Some(ports) if !ports.is_empty() => ports.iter().any(|p| port_matches(p, port)),
            _ => true,
        };
        let from_ok = match rule.get("from").and_then(|e| e.value.as_sequence()) {
            Some(peers) if !peers.is_empty() => peers.iter().any(|peer| peer_matches(peer, labels)),
            _ => true,
        };
        ports_ok && from_ok
    })
}

fn port_matches(item: &Node, port: u32) -> bool {
    let protocol = item.get("protocol").and_then(|e| e.value.as_str());
    if protocol.is_some_and(|p| !p.eq_ignore_ascii_case("TCP")) {
        return false;
    }
    let Some(value) = item.get("port").map(|e| &e.value) else {
        return true;
    };
    let Some(text) = value.as_str() else {
        return true;
    };
    let Ok(first) = text.trim().parse::<u32>() else {
        // A named port: resolved against the pods' container ports, not read here.
        return true;
    };
    let last = item
        .get("endPort")
        .and_then(|e| e.value.as_str()?.trim().parse::<u32>().ok())
        .unwrap_or(first);
    (first..=last).contains(&port)
}

fn peer_matches(peer: &Node, labels: &Labels<'_>) -> bool {
    if peer.get("namespaceSelector").is_some() || peer.get("ipBlock").is_some() {
        return true;
    }
    match peer.get("podSelector") {
        Some(selector) => selects(Some(&selector.value), labels).unwrap_or(true),
        None => true,
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn spec(yaml: &str) -> idplint_syntax::Document {
        idplint_syntax::yaml::parse(yaml, &idplint_syntax::Limits::default()).unwrap()
    }

    #[test]
    fn ingress_rules_admit_ports_and_peers() {
        let labels = vec![("app", "keycloak")];
        let doc = spec(
            "ingress:\n  - ports: [{port: 8080}]\n  - from: [{podSelector: {matchLabels: {app: keycloak}}}]\n    ports: [{port: 7800, endPort: 7801}]\n",
        );
        let root = doc.root().unwrap();
        assert!(admits(root, 7800, &labels));
        assert!(!admits(root, 57800, &labels));
        let doc = spec("ingress:\n  - from: [{podSelector: {matchLabels: {app: web}}}]\n");
        assert!(!admits(doc.root().unwrap(), 7800, &labels));
        let doc =
            spec("ingress:\n  - from: [{namespaceSelector: {}}]\n    ports: [{port: jgroups}]\n");
        assert!(admits(doc.root().unwrap(), 7800, &labels));
        let doc = spec("policyTypes: [Egress]\n");
        assert!(!isolates_ingress(doc.root().unwrap()));
    }
}
