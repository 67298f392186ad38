//! Health checks declared next to a container: Kubernetes `livenessProbe`/`readinessProbe`/
//! `startupProbe` (`httpGet` or `exec`), Compose `healthcheck.test` and ECS
//! `healthCheck.command`. Rules compare them with the options of the same process (which
//! port serves `/health` in which release), so each one keeps the host ranges of the port and
//! path it targets.

use super::text::scalar_inner;
use idplint_diagnostics::TextRange;
use idplint_syntax::{Node, ScalarStyle};

/// One HTTP request a health check makes.
#[derive(Clone, Debug)]
pub(crate) struct Probe {
    /// `readinessProbe`, `Compose healthcheck`, `ECS healthCheck`.
    pub what: String,
    /// The port as a number, when written or resolvable (named Kubernetes ports).
    pub port: Option<u32>,
    /// Host range of the port as written (the whole scalar when it cannot be located).
    pub port_range: Option<TextRange>,
    /// Whether `port_range` holds exactly the port text, so it can be replaced.
    pub port_editable: bool,
    /// The request path (`/health/ready`).
    pub path: String,
    pub path_range: TextRange,
}

const KUBERNETES_PROBES: &[&str] = &["startupProbe", "readinessProbe", "livenessProbe"];

/// The probes of a Kubernetes container (pod-spec item).
pub(crate) fn kubernetes_probes(container: &Node, text: &str) -> Vec<Probe> {
    let mut out = Vec::new();
    for what in KUBERNETES_PROBES {
        let Some(probe) = container.get(what).map(|e| &e.value) else {
            continue;
        };
        if let Some(http) = probe.get("httpGet").map(|e| &e.value) {
            let Some(path_node) = http.get("path").map(|e| &e.value) else {
                continue;
            };
            let Some(path) = path_node.as_str() else {
                continue;
            };
            let port_node = http.get("port").map(|e| &e.value);
            let port = port_node.and_then(|n| kubernetes_port(container, n));
            let (port_range, port_editable) = match port_node.and_then(|n| scalar_inner(n, text)) {
                Some((range, exact)) => (Some(range), exact),
                None => (port_node.map(|n| n.range), false),
            };
            let path_range = scalar_inner(path_node, text).map_or(path_node.range, |(r, _)| r);
            out.push(Probe {
                what: (*what).to_string(),
                port,
                port_range,
                port_editable,
                path: path.to_string(),
                path_range,
            });
        } else if let Some(command) = probe.get_path(&["exec", "command"]) {
            command_probes(what, command, text, &mut out);
        }
    }
    out
}

/// A numeric port, or a named one resolved through the container's `ports[].name`.
fn kubernetes_port(container: &Node, node: &Node) -> Option<u32> {
    let value = node.as_str()?.trim();
    if let Ok(number) = value.parse() {
        return Some(number);
    }
    let ports = container.get("ports")?.value.as_sequence()?;
    ports.iter().find_map(|p| {
        (p.get("name")?.value.as_str()? == value)
            .then(|| p.get("containerPort")?.value.as_str()?.trim().parse().ok())?
    })
}

/// Compose `healthcheck.test` (a string, or `["CMD", ...]` / `["CMD-SHELL", "..."]`).
pub(crate) fn compose_probes(healthcheck: &Node, text: &str) -> Vec<Probe> {
    let mut out = Vec::new();
    if let Some(test) = healthcheck.get("test").map(|e| &e.value) {
        command_probes("Compose healthcheck", test, text, &mut out);
    }
    out
}

/// ECS `healthCheck.command` (`["CMD-SHELL", "curl -f http://localhost:8080/health || exit 1"]`).
pub(crate) fn ecs_probes(health_check: &Node, text: &str) -> Vec<Probe> {
    let mut out = Vec::new();
    let command = health_check
        .get("command")
        .or_else(|| health_check.get("Command"))
        .map(|e| &e.value);
    if let Some(command) = command {
        command_probes("ECS healthCheck", command, text, &mut out);
    }
    out
}

/// Requests in a stretch of host text written as it is run (a Dockerfile `HEALTHCHECK CMD`):
/// every port and path found is at its exact place.
pub(crate) fn text_probes(what: &str, region: TextRange, text: &str) -> Vec<Probe> {
    let Some(raw) = region.slice(text) else {
        return Vec::new();
    };
    requests(raw)
        .into_iter()
        .map(|request| {
            let locate = |(start, end): (usize, usize)| {
                TextRange::from_usize(region.start as usize + start, region.start as usize + end)
            };
            Probe {
                what: what.to_string(),
                port: Some(request.port),
                port_range: Some(locate(request.port_span)),
                port_editable: true,
                path: request.path.to_string(),
                path_range: locate(request.path_span),
            }
        })
        .collect()
}

/// Requests found in the words of a command (a list of strings or one string).
fn command_probes(what: &str, command: &Node, text: &str, out: &mut Vec<Probe>) {
    let nodes: Vec<&Node> = match command.as_sequence() {
        Some(items) => items.iter().collect(),
        None => vec![command],
    };
    for node in nodes {
        let Some(value) = node.as_str() else { continue };
        // Where the decoded value sits in the host text: exactly when the raw text equals it,
        // else every range points at the whole scalar and nothing is rewritten.
        let (region, exact) = match node.as_scalar().map(|s| s.style) {
            Some(ScalarStyle::Literal | ScalarStyle::Folded) => (node.range, false),
            _ => scalar_inner(node, text).unwrap_or((node.range, false)),
        };
        let exact = exact && region.slice(text) == Some(value);
        let decoded = requests(value);
        // With escapes in a quoted string (`\\r\\n` in a `GET` line) the raw text differs from
        // the value, but the requests found in the raw text are the same ones at exact places.
        let raw = if exact {
            None
        } else {
            region.slice(text).map(requests).filter(|raw| {
                raw.len() == decoded.len()
                    && raw
                        .iter()
                        .zip(&decoded)
                        .all(|(a, b)| a.port == b.port && a.path == b.path)
            })
        };
        let (found, located) = match raw {
            Some(raw) => (raw, true),
            None => (decoded, exact),
        };
        let locate = |(start, end): (usize, usize)| {
            if located {
                TextRange::from_usize(region.start as usize + start, region.start as usize + end)
            } else {
                region
            }
        };
        for request in found {
            out.push(Probe {
                what: what.to_string(),
                port: Some(request.port),
                port_range: Some(locate(request.port_span)),
                port_editable: located,
                path: request.path.to_string(),
                path_range: locate(request.path_span),
            });
        }
    }
}

struct Request<'a> {
    port: u32,
    port_span: (usize, usize),
    path: &'a str,
    path_span: (usize, usize),
}

fn is_path_end(c: char) -> bool {
    c.is_whitespace() || matches!(c, '\'' | '"' | '`' | ';' | '|' | '&' | ')' | '\\')
}

/// `host:PORT/path` (inside `http://...` URLs and curl/wget arguments without a scheme) and
/// bash's `/dev/tcp/host/PORT` followed by `GET /path` (the official Compose examples use it
/// because the image has no curl).
fn requests(command: &str) -> Vec<Request<'_>> {
    let mut out = Vec::new();
    let bytes = command.as_bytes();
    for (colon, _) in command.match_indices(':') {
        let host_before = colon > 0
            && bytes
                .get(colon - 1)
                .is_some_and(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b']'));
        if !host_before {
            continue;
        }
        let digits = command[colon + 1..]
            .bytes()
            .take_while(u8::is_ascii_digit)
            .count();
        let port_end = colon + 1 + digits;
        if digits == 0 || bytes.get(port_end) != Some(&b'/') {
            continue;
        }
        let Ok(port) = command[colon + 1..port_end].parse() else {
            continue;
        };
        let path_len = command[port_end..]
            .find(is_path_end)
            .unwrap_or(command.len() - port_end);
        out.push(Request {
            port,
            port_span: (colon + 1, port_end),
            path: &command[port_end..port_end + path_len],
            path_span: (port_end, port_end + path_len),
        });
    }
    if let Some(dev) = command.find("/dev/tcp/") {
        let rest = &command[dev + 9..];
        if let Some(slash) = rest.find('/') {
            let port_start = dev + 9 + slash + 1;
            let digits = command[port_start..]
                .bytes()
                .take_while(u8::is_ascii_digit)
                .count();
            let get = command[port_start..]
                .find("GET ")
                .map(|i| port_start + i + 4);
            if let (true, Some(path_start), Ok(port)) = (
                digits > 0,
                get,
                command[port_start..port_start + digits].parse(),
            ) {
                let path_len = command[path_start..]
                    .find(is_path_end)
                    .unwrap_or(command.len() - path_start);
                out.push(Request {
                    port,
                    port_span: (port_start, port_start + digits),
                    path: &command[path_start..path_start + path_len],
                    path_span: (path_start, path_start + path_len),
                });
            }
        }
    }
    out
}

/// Health checks of CloudFormation `AWS::ElasticLoadBalancingV2::TargetGroup` resources in
/// the same template (`HealthCheckPath`, `HealthCheckPort`, where `traffic-port`, the
/// default, means the target group's `Port`).
pub(crate) fn target_group_probes(roots: &[Node], text: &str) -> Vec<Probe> {
    let mut out = Vec::new();
    for root in roots {
        let Some(resources) = root.get("Resources").and_then(|e| e.value.as_mapping()) else {
            continue;
        };
        for resource in resources {
            let body = &resource.value;
            let is_target_group = body
                .get("Type")
                .and_then(|t| t.value.as_str())
                .is_some_and(|t| t == "AWS::ElasticLoadBalancingV2::TargetGroup");
            let Some(properties) = body.get("Properties").map(|e| &e.value) else {
                continue;
            };
            if !is_target_group {
                continue;
            }
            let Some(path_node) = properties.get("HealthCheckPath").map(|e| &e.value) else {
                continue;
            };
            let Some(path) = path_node.as_str() else {
                continue;
            };
            let explicit = properties.get("HealthCheckPort").map(|e| &e.value);
            let traffic = explicit
                .and_then(Node::as_str)
                .is_none_or(|p| p == "traffic-port");
            let port_node = if traffic {
                properties.get("Port").map(|e| &e.value)
            } else {
                explicit
            };
            let port = port_node.and_then(|n| n.as_str()?.trim().parse().ok());
            // Only an explicit `HealthCheckPort` is rewritten; `traffic-port` and the
            // target group's own `Port` carry the application traffic.
            let (port_range, port_editable) = match explicit.and_then(|n| scalar_inner(n, text)) {
                Some((range, exact)) => (Some(range), exact),
                None => (None, false),
            };
            out.push(Probe {
                what: format!("target group `{}`", resource.key_str()),
                port,
                port_range: port_range.or(port_node.map(|n| n.range)),
                port_editable,
                path: path.to_string(),
                path_range: scalar_inner(path_node, text).map_or(path_node.range, |(r, _)| r),
            });
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_requests_in_commands() {
        let r = requests("curl -f http://localhost:8080/health/ready || exit 1");
        assert_eq!(r.len(), 1);
        assert_eq!((r[0].port, r[0].path), (8080, "/health/ready"));
        let r = requests("wget -q --spider 127.0.0.1:9000/auth/health/live");
        assert_eq!((r[0].port, r[0].path), (9000, "/auth/health/live"));
        let text = "exec 3<>/dev/tcp/127.0.0.1/9000; echo -e 'GET /health/ready HTTP/1.1\\r\\nhost: localhost\\r\\n' >&3";
        let r = requests(text);
        assert_eq!(r.len(), 1);
        assert_eq!((r[0].port, r[0].path), (9000, "/health/ready"));
        assert!(requests("pg_isready -U keycloak").is_empty());
        assert!(requests("curl http://localhost/health").is_empty());
    }
}
