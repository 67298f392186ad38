//! HTTP, ports and the reverse proxy (M-030 .. M-043, M-070 .. M-072).

use super::Builder;
use crate::products::keycloak_wildfly::expr::{env_variables, with_defaults};
use crate::products::keycloak_wildfly::model::{Profile, child_text};
use idplint_syntax::xml::XmlElement;

// HTTP, ports, proxy (M-030 .. M-043, M-070 .. M-072)

pub(super) fn http(out: &mut Builder, root: &XmlElement, profile: &Profile<'_>) {
    if let Some(keycloak) = profile.subsystem("keycloak-server")
        && let Some((context, range)) = child_text(keycloak, "web-context")
    {
        let context = with_defaults(context).trim().trim_matches('/').to_string();
        if !context.is_empty() {
            out.option(
                "http-relative-path",
                format!("/{context}"),
                true,
                "M-035",
                Some(range),
            );
            out.finding(
                "X-001",
                false,
                format!("Quarkus serves from `/` by default; `http-relative-path=/{context}` keeps the old URLs. Dropping it later means updating every client, redirect URI and probe"),
                Some(range),
            );
        }
    }
    // Ports: socket-binding port + group offset (R2); only values that differ from Quarkus's
    // defaults are written.
    for group in root.children_named("socket-binding-group") {
        let offset: i64 = group
            .attr_value("port-offset")
            .map(with_defaults)
            .and_then(|v| v.trim().parse().ok())
            .unwrap_or(0);
        for binding in group.children_named("socket-binding") {
            let (key, default) = match binding.attr_value("name") {
                Some("http") => ("http-port", 8080),
                Some("https") => ("https-port", 8443),
                _ => continue,
            };
            let Some(port) = binding.attr("port") else {
                continue;
            };
            match with_defaults(&port.value).trim().parse::<i64>() {
                Ok(port_number) if port_number + offset != default => out.option(
                    key,
                    (port_number + offset).to_string(),
                    false,
                    if key == "http-port" { "M-031" } else { "M-032" },
                    Some(port.value_range),
                ),
                Ok(_) => {}
                Err(_) => out.value(key, &port.value, false, "M-031", Some(port.value_range)),
            }
        }
    }
    // Reverse proxy: Undertow's proxy-address-forwarding on the listeners.
    let Some(undertow) = profile.subsystem("undertow") else {
        return;
    };
    for server in undertow.children_named("server") {
        for listener in &server.children {
            let tls_terminated_at_proxy = match listener.name.as_str() {
                "http-listener" => true,
                "https-listener" => false,
                "ajp-listener" => {
                    out.finding(
                        "M-037",
                        false,
                        "the AJP listener is not carried over: Quarkus has no AJP; the proxy must speak HTTP(S)".to_string(),
                        Some(listener.start_tag_range),
                    );
                    continue;
                }
                _ => continue,
            };
            let Some(forwarding) = listener.attr("proxy-address-forwarding") else {
                continue;
            };
            let enabled = with_defaults(&forwarding.value)
                .trim()
                .eq_ignore_ascii_case("true");
            let variables = env_variables(&forwarding.value);
            if !enabled {
                if let Some(variable) = variables.first() {
                    out.finding(
                        "M-070",
                        false,
                        format!("proxy forwarding depends on `{variable}` (false by default): if your deployment sets it to true, add `proxy-headers=xforwarded`{}", if tls_terminated_at_proxy { " and `http-enabled=true`" } else { "" }),
                        Some(forwarding.value_range),
                    );
                }
                continue;
            }
            let from = Some(forwarding.value_range);
            if out.at_least("24.0.0") {
                out.option(
                    "proxy-headers",
                    "xforwarded".to_string(),
                    false,
                    "M-070",
                    from,
                );
                if tls_terminated_at_proxy {
                    out.option("http-enabled", "true".to_string(), false, "M-070", from);
                }
            } else {
                let mode = if tls_terminated_at_proxy {
                    "edge"
                } else {
                    "reencrypt"
                };
                out.option(
                    "proxy",
                    mode.to_string(),
                    false,
                    if tls_terminated_at_proxy {
                        "M-070"
                    } else {
                        "M-071"
                    },
                    from,
                );
            }
        }
        // The self-signed ApplicationRealm / applicationSSC keystore is not something to carry.
        if server.children.iter().any(|l| {
            l.name == "https-listener"
                && (l.attr_value("security-realm") == Some("ApplicationRealm")
                    || l.attr_value("ssl-context") == Some("applicationSSC"))
        }) {
            out.finding(
                "M-055",
                true,
                "HTTPS uses WildFly's generated self-signed keystore, which is not carried over: set `https-certificate-file`/`https-certificate-key-file` (or `https-key-store-file`), or terminate TLS at a proxy with `http-enabled=true` and `proxy-headers`".to_string(),
                None,
            );
        }
    }
}
