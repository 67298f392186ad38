//! `keycloak/dns-query-not-headless-service` (cross-file): a Kubernetes Deployment or
//! StatefulSet runs Keycloak with `cache-stack=kubernetes`, whose DNS_PING discovery asks DNS
//! for the name in `-Djgroups.dns.query`, and that name is a Service of the run with a cluster
//! IP. DNS then answers with the one virtual IP, not with the pods, so no pod ever finds
//! another and each runs a cluster of its own. Also reported: the name matches no Service of
//! the run although the workload's directory defines Services of that namespace (a typo or a
//! renamed Service).

use super::{clustered_workload, workload_document};
use crate::products::keycloak::values::effective_value;
use crate::rule::{ProjectContext, ProjectDiagnostic, ProjectFnRule, Rule, RuleMeta};
use crate::source::{ParsedFile, parent_dir};
use crate::unit::{EnvSet, UnitContent, UnitKind};
use idplint_diagnostics::TextRange;
use idplint_syntax::Node;
use std::sync::Arc;

pub const ID: &str = "keycloak/dns-query-not-headless-service";

pub fn factory(meta: Arc<RuleMeta>) -> Box<dyn Rule> {
    ProjectFnRule::boxed(meta, UnitKind::KeycloakEnvSet, check)
}

const PROPERTY_NAME: &str = "jgroups.dns.query";
const PROPERTY: &str = "jgroups.dns.query=";

/// A Kubernetes Service document of the run.
struct Service<'a> {
    name: &'a str,
    namespace: Option<&'a str>,
    /// `spec.clusterIP: None`: DNS answers with the addresses of the ready pods.
    headless: bool,
    path: &'a str,
}

/// The Service a DNS query names: `name`, `name.ns`, `name.ns.svc[.cluster.local]`.
struct ServiceName<'a> {
    name: &'a str,
    /// `None` when the query leaves it to the pod's namespace or takes it from a variable.
    namespace: Option<&'a str>,
    /// Written out in full (no `$(VAR)` anywhere), so a missing Service is a real miss.
    literal: bool,
}

fn check(ctx: &ProjectContext<'_>, out: &mut Vec<ProjectDiagnostic>) {
    let services: Vec<Service<'_>> = ctx.files.iter().flat_map(|f| services(f)).collect();
    if services.is_empty() {
        return;
    }
    // Kustomize `namePrefix`/`nameSuffix` rename Services after the fact; names of the run are
    // then not the names in the cluster.
    let renamed = ctx.files.iter().any(|f| renames_resources(f));
    for (index, unit) in ctx.units.iter().enumerate() {
        let (UnitKind::KeycloakEnvSet, UnitContent::Env(set)) =
            (&unit.unit.kind, &unit.unit.content)
        else {
            continue;
        };
        let kubernetes = effective_value(set, "cache-stack")
            .is_some_and(|v| v.eq_ignore_ascii_case("kubernetes"));
        if !kubernetes || !clustered_workload(unit, set) {
            continue;
        }
        let Some((query, range)) = dns_query(unit.file, set) else {
            continue;
        };
        let Some(wanted) = service_name(&query) else {
            continue;
        };
        let namespace = wanted.namespace.or_else(|| {
            workload_document(unit, set)?
                .get_path(&["metadata", "namespace"])
                .and_then(Node::as_str)
        });
        let same_namespace = |s: &Service<'_>| {
            namespace.is_none() || s.namespace.is_none() || s.namespace == namespace
        };
        let directory = parent_dir(unit.file.path);
        let mut named: Vec<&Service<'_>> = services
            .iter()
            .filter(|s| s.name == wanted.name && same_namespace(s))
            .collect();
        // Several environments of one repository may each define the Service: the one next
        // to the workload is the one deployed with it.
        if named.iter().any(|s| parent_dir(s.path) == directory) {
            named.retain(|s| parent_dir(s.path) == directory);
        }
        if named.iter().any(|s| s.headless) {
            continue;
        }
        if let Some(service) = named.first() {
            let finding = ctx.diagnostic(
                index,
                range,
                format!(
                    "`jgroups.dns.query` names Service `{}` ({}), which has a cluster IP: DNS answers with that one address, not with the pods, so the Keycloak pods never find each other",
                    service.name, service.path
                ),
            );
            out.push(ProjectDiagnostic {
                unit: finding.unit,
                diagnostic: finding.diagnostic.with_help(
                    "Point the query at a headless Service (`clusterIP: None`, selecting the Keycloak pods, `publishNotReadyAddresses: true`), or use `cache-stack=jdbc-ping` (the default from 26.1), which needs only the shared database",
                ),
            });
            continue;
        }
        let neighbours = services
            .iter()
            .any(|s| parent_dir(s.path) == directory && same_namespace(s));
        if wanted.literal && !renamed && neighbours {
            let finding = ctx.diagnostic(
                index,
                range,
                format!(
                    "`jgroups.dns.query` names `{}`, but no Service of that name is defined next to this workload: DNS_PING finds no peers and every pod runs alone",
                    wanted.name
                ),
            );
            out.push(ProjectDiagnostic {
                unit: finding.unit,
                diagnostic: finding.diagnostic.with_help(
                    "Define a headless Service (`clusterIP: None`) selecting the Keycloak pods under that name, or fix the name in `-Djgroups.dns.query`",
                ),
            });
        }
    }
}

/// The value of `-Djgroups.dns.query=` in the environment (`JAVA_OPTS_APPEND`, ...) or on the
/// command line, or of a variable named `jgroups.dns.query` (JGroups falls back to the
/// environment for `${jgroups.dns.query}`), with the host range of what sets it.
fn dns_query(file: &ParsedFile<'_>, set: &EnvSet) -> Option<(String, TextRange)> {
    if let Some(entry) = set.entries.iter().find(|e| e.name == PROPERTY_NAME)
        && let (Some(value), Some(range)) = (entry.value.as_deref(), entry.value_range)
    {
        return Some((value.trim().to_string(), range));
    }
    let from_env = set
        .entries
        .iter()
        .filter_map(|e| Some((e.value.as_deref()?, e.value_range?)));
    let from_argv = set.argv.iter().map(|(word, range)| (word.as_str(), *range));
    for (value, range) in from_env.chain(from_argv) {
        let Some(start) = value.find(PROPERTY) else {
            continue;
        };
        let rest = &value[start + PROPERTY.len()..];
        let query = property_value(rest);
        let quotes = if rest.starts_with(['"', '\'']) { 2 } else { 0 };
        // Point at the property inside the value when the source spells it the same way.
        let raw = range.slice(file.text).unwrap_or("");
        let precise = raw.find(PROPERTY).and_then(|offset| {
            let from = range.start + u32::try_from(offset).ok()?;
            let len = u32::try_from(PROPERTY.len() + query.len() + quotes).ok()?;
            Some(TextRange::new(from, (from + len).min(range.end)))
        });
        return Some((query.to_string(), precise.unwrap_or(range)));
    }
    None
}

/// The value of one `-Dname=value` word: up to the next space, or inside the quotes that
/// follow `=` (`-Djgroups.dns.query="keycloak-discovery"`).
fn property_value(rest: &str) -> &str {
    for quote in ['"', '\''] {
        if let Some(inner) = rest.strip_prefix(quote) {
            return inner.split(quote).next().unwrap_or("");
        }
    }
    let end = rest
        .find(|c: char| c.is_whitespace() || c == '"' || c == '\'')
        .unwrap_or(rest.len());
    &rest[..end]
}

/// Which Service a DNS query names, if it names one by its cluster DNS name; other names
/// (an external zone, a Cloud Map namespace) are not Services.
fn service_name(query: &str) -> Option<ServiceName<'_>> {
    let query = query.trim().trim_end_matches('.');
    let variable = |label: &str| label.contains(['$', '{', '}', '(', ')']);
    let labels: Vec<&str> = query.split('.').collect();
    let name = *labels.first()?;
    if name.is_empty() || variable(name) {
        return None;
    }
    if labels.len() >= 3 && labels[2] != "svc" {
        return None;
    }
    let namespace = labels.get(1).copied().filter(|ns| !variable(ns));
    Some(ServiceName {
        name,
        namespace,
        literal: !variable(query),
    })
}

/// The Services of one file (`kind: Service`, core API), ExternalName ones left out.
fn services<'a>(file: &'a ParsedFile<'a>) -> Vec<Service<'a>> {
    let Some(doc) = file.tree() else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for root in &doc.roots {
        let kind = root.get("kind").and_then(|e| e.value.as_str());
        let api = root.get("apiVersion").and_then(|e| e.value.as_str());
        if kind != Some("Service") || api != Some("v1") {
            continue;
        }
        let Some(name) = root.get_path(&["metadata", "name"]).and_then(Node::as_str) else {
            continue;
        };
        let spec = |key: &str| root.get_path(&["spec", key]).and_then(Node::as_str);
        if spec("type") == Some("ExternalName") {
            continue;
        }
        out.push(Service {
            name,
            namespace: root
                .get_path(&["metadata", "namespace"])
                .and_then(Node::as_str),
            headless: spec("clusterIP") == Some("None"),
            path: file.path,
        });
    }
    out
}

/// A `kustomization.yaml` that renames every resource it builds.
fn renames_resources(file: &ParsedFile<'_>) -> bool {
    let name = file.file_name();
    if !matches!(
        name.as_str(),
        "kustomization.yaml" | "kustomization.yml" | "Kustomization"
    ) {
        return false;
    }
    file.tree()
        .and_then(|doc| doc.root())
        .is_some_and(|root| root.get("namePrefix").is_some() || root.get("nameSuffix").is_some())
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::service_name;

    #[test]
    fn reads_the_service_out_of_cluster_dns_names() {
        let plain = service_name("keycloak-headless").unwrap();
        assert_eq!((plain.name, plain.namespace), ("keycloak-headless", None));
        let fqdn = service_name("kc-discovery.auth.svc.cluster.local.").unwrap();
        assert_eq!((fqdn.name, fqdn.namespace), ("kc-discovery", Some("auth")));
        let short = service_name("kc.auth").unwrap();
        assert_eq!((short.name, short.namespace), ("kc", Some("auth")));
        let variable = service_name("kc-headless.$(POD_NAMESPACE).svc.cluster.local").unwrap();
        assert_eq!((variable.name, variable.namespace), ("kc-headless", None));
        assert!(!variable.literal);
        // Not a Service: an external zone, a templated name.
        assert!(service_name("keycloak.example.com").is_none());
        assert!(service_name("{{ .Release.Name }}-headless").is_none());
    }

    #[test]
    fn reads_quoted_and_plain_property_values() {
        use super::property_value;
        assert_eq!(property_value("\"kc-discovery\" -Dx=y"), "kc-discovery");
        assert_eq!(property_value("'kc'"), "kc");
        assert_eq!(
            property_value("kc.auth -Djgroups.bind.address=$(POD_IP)"),
            "kc.auth"
        );
        assert_eq!(property_value(""), "");
    }
}
