//! `keycloak-wildfly/http-frontend-url`: the hostname `frontendUrl` (or `adminUrl`) is a
//! plain `http://` URL on a host other than the local machine.
//!
//! Keycloak builds the token issuer, login pages and redirect URLs from it, so browsers and
//! clients send passwords, codes and tokens in clear text. Loopback hosts are left alone:
//! that is a development setup.

use super::super::expr::{has_expression, with_defaults};
use super::super::model;
use crate::rule::{FnRule, Rule, RuleContext, RuleMeta};
use crate::unit::UnitKind;
use idplint_diagnostics::Diagnostic;
use std::sync::Arc;

const URL_PROPERTIES: &[&str] = &["frontendUrl", "adminUrl"];

pub fn factory(meta: Arc<RuleMeta>) -> Box<dyn Rule> {
    FnRule::boxed(meta, UnitKind::KeycloakWildflyXml, check)
}

fn check(ctx: &RuleContext<'_>, out: &mut Vec<Diagnostic>) {
    for (_, keycloak) in model::keycloak_subsystems_of(ctx.file) {
        for property in URL_PROPERTIES {
            for value in model::spi_property_values(keycloak, "hostname", property) {
                let resolved = with_defaults(&value.value);
                let Some(host) = plain_http_host(resolved.trim()) else {
                    continue;
                };
                if has_expression(host) || is_loopback(host) {
                    continue;
                }
                out.push(
                    ctx.diagnostic(
                        value.value_range,
                        format!(
                            "hostname {property} is a plain http:// URL on `{host}`: the issuer, login pages and redirects would carry passwords, codes and tokens unencrypted"
                        ),
                    )
                    .with_help(
                        "Use an https:// URL, with TLS on Keycloak's https-listener or on the \
                         reverse proxy in front of it.",
                    ),
                );
            }
        }
    }
}

/// The host of an `http://` URL (without port, user info or brackets).
fn plain_http_host(url: &str) -> Option<&str> {
    let scheme_len = "http://".len();
    let scheme = url.get(..scheme_len)?;
    if !scheme.eq_ignore_ascii_case("http://") {
        return None;
    }
    let rest = url.get(scheme_len..)?;
    let authority = rest.split(['/', '?', '#']).next().unwrap_or(rest);
    let host_port = authority.rsplit('@').next().unwrap_or(authority);
    let host = match host_port.strip_prefix('[') {
        Some(bracketed) => bracketed.split(']').next().unwrap_or(bracketed),
        None => host_port.split(':').next().unwrap_or(host_port),
    };
    (!host.is_empty()).then_some(host)
}

fn is_loopback(host: &str) -> bool {
    let host = host.to_ascii_lowercase();
    host == "localhost" || host.ends_with(".localhost") || host.starts_with("127.") || host == "::1"
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hosts_are_read_from_http_urls_only() {
        assert_eq!(
            plain_http_host("http://sso.example.com/auth"),
            Some("sso.example.com")
        );
        assert_eq!(plain_http_host("HTTP://u:p@h:8080/x"), Some("h"));
        assert_eq!(plain_http_host("http://[::1]:8080"), Some("::1"));
        assert_eq!(plain_http_host("https://sso.example.com"), None);
        assert_eq!(plain_http_host("http://"), None);
        assert_eq!(plain_http_host(""), None);
        assert!(is_loopback("127.0.0.1") && is_loopback("localhost") && !is_loopback("10.0.0.1"));
    }
}
