//! The hostname SPI (M-060 .. M-067), written as hostname v1 or v2 for the target.

use super::Builder;
use crate::products::keycloak_wildfly::expr::{to_quarkus_value, with_defaults};
use crate::products::keycloak_wildfly::model::{Profile, child_text};
use idplint_diagnostics::TextRange;

// Hostname (M-060 .. M-067)

pub(super) fn hostname(out: &mut Builder, profile: &Profile<'_>) {
    let spi = profile.subsystem("keycloak-server").and_then(|k| {
        k.children_named("spi")
            .find(|s| s.attr_value("name") == Some("hostname"))
    });
    let provider_name = spi
        .and_then(|s| child_text(s, "default-provider"))
        .map(|(text, _)| with_defaults(text).trim().to_string())
        .unwrap_or_else(|| "default".to_string());
    let property = |provider: &str, name: &str| -> Option<(String, TextRange)> {
        spi?.children_named("provider")
            .filter(|p| p.attr_value("name") == Some(provider))
            .flat_map(|p| p.children_named("properties"))
            .flat_map(|props| props.children_named("property"))
            .find(|p| p.attr_value("name") == Some(name))
            .and_then(|p| p.attr("value"))
            .map(|a| (a.value.clone(), a.value_range))
    };
    let non_empty = |value: &(String, TextRange)| {
        to_quarkus_value(&value.0).is_ok_and(|v| !v.trim().is_empty())
    };
    let (frontend, admin, force_backend) = match provider_name.as_str() {
        "default" => (
            property("default", "frontendUrl").filter(non_empty),
            property("default", "adminUrl").filter(non_empty),
            property("default", "forceBackendUrlToFrontendUrl")
                .is_some_and(|(v, _)| with_defaults(&v).trim().eq_ignore_ascii_case("true")),
        ),
        "fixed" => {
            let host = property("fixed", "hostname").filter(non_empty);
            let https_port =
                property("fixed", "httpsPort").map(|(v, _)| with_defaults(&v).trim().to_string());
            let url = host.map(|(host, range)| {
                let host = to_quarkus_value(&host).unwrap_or(host);
                let port = https_port
                    .filter(|p| p != "-1" && p != "443")
                    .map(|p| format!(":{p}"))
                    .unwrap_or_default();
                (format!("https://{host}{port}"), range)
            });
            out.finding(
                "M-065",
                false,
                "the `fixed` hostname provider (deprecated since Keycloak 8) becomes a full `hostname` URL; check the scheme and port".to_string(),
                url.as_ref().map(|(_, range)| *range),
            );
            (url, None, true)
        }
        "request" => {
            out.option("hostname-strict", "false".to_string(), false, "M-066", None);
            out.finding(
                "M-066",
                false,
                "the `request` hostname provider becomes `hostname-strict=false`: the hostname is taken from each request, so the proxy must set it".to_string(),
                None,
            );
            return;
        }
        custom => {
            out.finding(
                "M-067",
                true,
                format!("custom hostname provider `{custom}`: the Quarkus hostname SPI has a different contract; port the provider and select it with `spi-hostname-provider`"),
                spi.map(|s| s.start_tag_range),
            );
            return;
        }
    };
    let Some((frontend, range)) = frontend else {
        out.finding(
            "M-061",
            true,
            "no frontend URL is configured: production `start` needs `hostname` (a full URL on 25+) or an explicit `hostname-strict=false`".to_string(),
            spi.map(|s| s.start_tag_range),
        );
        return;
    };
    if out.at_least("25.0.0") {
        out.value("hostname", &frontend, false, "M-060", Some(range));
        if let Some((admin, admin_range)) = admin {
            out.value("hostname-admin", &admin, false, "M-064", Some(admin_range));
        }
        if !force_backend {
            // The legacy default let back-channel requests use internal URLs; hostname v2
            // only does that when asked to.
            out.option(
                "hostname-backchannel-dynamic",
                "true".to_string(),
                false,
                "M-063",
                Some(range),
            );
        }
    } else if out.at_least("20.0.0") {
        out.value("hostname-url", &frontend, false, "M-060", Some(range));
        if let Some((admin, admin_range)) = admin {
            out.value(
                "hostname-admin-url",
                &admin,
                false,
                "M-064",
                Some(admin_range),
            );
        }
        if force_backend {
            out.option(
                "hostname-strict-backchannel",
                "true".to_string(),
                false,
                "M-062",
                Some(range),
            );
        }
    } else {
        out.finding(
            "M-060",
            true,
            "Keycloak 17-19 has no URL hostname option: split the frontend URL into `hostname`, `hostname-path`, `hostname-port` and `hostname-strict-https`".to_string(),
            Some(range),
        );
    }
}
