//! The keycloak-server subsystem: themes, the truststore and every other SPI (M-120 .. M-139),
//! plus feature flags from system properties (§3.8) and the parts with no counterpart.

use super::Builder;
use crate::products::keycloak_wildfly::expr::with_defaults;
use crate::products::keycloak_wildfly::model::{self, Profile, child_text, is_enabled};
use idplint_syntax::xml::XmlElement;

// keycloak-server subsystem: themes and every other SPI (M-120 .. M-139)

/// SPIs handled elsewhere or without user-facing meaning on Quarkus (M-139).
const SKIPPED_SPIS: &[&str] = &[
    "connectionsJpa",
    "hostname",
    "jta-lookup",
    "timer",
    "userSessionPersister",
    "connectionsInfinispan",
];

pub(super) fn keycloak_server(out: &mut Builder, profile: &Profile<'_>) {
    let Some(keycloak) = profile.subsystem("keycloak-server") else {
        return;
    };
    if let Some(theme) = keycloak.children.iter().find(|c| c.name == "theme") {
        for child in &theme.children {
            let Some((text, range)) = &child.text else {
                continue;
            };
            let (property, mapping) = match child.name.as_str() {
                "staticMaxAge" => ("static-max-age", "M-120"),
                "cacheThemes" => ("cache-themes", "M-121"),
                "cacheTemplates" => ("cache-templates", "M-122"),
                "welcomeTheme" => ("welcome-theme", "M-123"),
                "default" => ("default", "M-124"),
                "dir" => {
                    out.finding(
                        "M-125",
                        false,
                        "the theme directory is fixed on Quarkus: copy custom themes into `themes/` or package them as a JAR in `providers/`".to_string(),
                        Some(*range),
                    );
                    continue;
                }
                "modules" => {
                    out.finding(
                        "M-126",
                        false,
                        "theme modules become theme JARs in `providers/` (then `kc.sh build`)"
                            .to_string(),
                        Some(child.start_tag_range),
                    );
                    continue;
                }
                _ => continue,
            };
            let key = spi_key(out, "theme", None, property);
            out.value(&key, text, false, mapping, Some(*range));
        }
        if with_defaults(&theme_text(theme, "staticMaxAge")).trim() == "-1" {
            out.finding(
                "M-120",
                false,
                "theme caching is disabled (a development setting carried from the legacy image); remove the theme cache options in production".to_string(),
                None,
            );
        }
    }
    for spi in keycloak.children_named("spi") {
        let Some(spi_name) = spi.attr_value("name") else {
            continue;
        };
        if SKIPPED_SPIS.contains(&spi_name) {
            continue;
        }
        let spi_id = kebab(spi_name);
        if let Some((default, range)) = child_text(spi, "default-provider") {
            let provider = with_defaults(default).trim().to_string();
            if !provider.is_empty() && provider != "default" {
                let key = spi_provider_key(out, &spi_id);
                out.value(&key, &provider, true, "M-135", Some(range));
            }
        }
        if spi_name == "truststore" && out.at_least("24.0.0") {
            truststore(out, spi);
            continue;
        }
        for provider in spi.children_named("provider") {
            let Some(provider_name) = provider.attr_value("name") else {
                continue;
            };
            let provider_id = kebab(provider_name);
            if !is_enabled(provider) {
                let key = spi_key(out, &spi_id, Some(&provider_id), "enabled");
                out.option(
                    &key,
                    "false".to_string(),
                    true,
                    "M-136",
                    Some(provider.start_tag_range),
                );
            }
            for property in provider
                .children_named("properties")
                .flat_map(|p| p.children_named("property"))
            {
                let (Some(name), Some(value)) =
                    (property.attr_value("name"), property.attr("value"))
                else {
                    continue;
                };
                if name.contains('.') || name.contains('_') {
                    out.finding(
                        "M-137",
                        false,
                        format!("property `{name}` of SPI `{spi_name}` cannot be written as a Quarkus option (its name holds `.` or `_`)"),
                        Some(property.start_tag_range),
                    );
                    continue;
                }
                let key = spi_key(out, &spi_id, Some(&provider_id), &kebab(name));
                let mapping = match spi_name {
                    "eventsStore" => "M-131",
                    "eventsListener" => "M-132",
                    "connectionsHttpClient" => "M-080",
                    "x509cert-lookup" => "M-074",
                    "stickySessionEncoder" => "M-075",
                    "publicKeyStorage" => "M-110",
                    "dblock" => "M-025",
                    _ => "M-137",
                };
                let text = list_value(&value.value);
                let lower = name.to_ascii_lowercase();
                // `proxy-mappings` entries may carry `user:password@` in their URIs (L-064).
                let credentials = lower == "proxy-mappings"
                    && model::proxy_mappings_with_credentials(&value.value) > 0;
                if lower.contains("password") || lower.contains("secret") || credentials {
                    out.secret(&key, &text, mapping, Some(value.value_range));
                } else {
                    out.value(&key, &text, false, mapping, Some(value.value_range));
                }
            }
        }
    }
}

/// The truststore SPI is deprecated from 24 in favour of first-class options (M-083 .. M-085).
fn truststore(out: &mut Builder, spi: &XmlElement) {
    for property in spi
        .children_named("provider")
        .filter(|p| is_enabled(p))
        .flat_map(|p| p.children_named("properties"))
        .flat_map(|p| p.children_named("property"))
    {
        let (Some(name), Some(value)) = (property.attr_value("name"), property.attr("value"))
        else {
            continue;
        };
        let from = Some(value.value_range);
        match name {
            "file" => {
                out.value("truststore-paths", &value.value, false, "M-083", from);
                if with_defaults(&value.value).to_ascii_lowercase().ends_with(".jks") {
                    out.finding(
                        "X-006",
                        true,
                        "`truststore-paths` reads PEM and PKCS12 files, not JKS: convert the truststore".to_string(),
                        from,
                    );
                }
            }
            "password" => out.finding(
                "M-084",
                false,
                "the truststore password has no `truststore-paths` counterpart and was not copied; prefer PEM files, which need none".to_string(),
                from,
            ),
            "hostname-verification-policy" => {
                let policy = with_defaults(&value.value).trim().to_ascii_uppercase();
                // `ANY` is a development shortcut (keycloak/tls-hostname-verifier-any):
                // carrying it would switch off host name checks on the new server unnoticed.
                if policy == "ANY" {
                    out.finding(
                        "M-085",
                        false,
                        "`ANY` turns off host name checks on outgoing TLS and was not carried; the default applies. Fix the peer certificate or add its CA to `truststore-paths`; set `tls-hostname-verifier=ANY` yourself only if you accept the risk".to_string(),
                        from,
                    );
                    continue;
                }
                let mapped = if out.at_least("25.0.0") && matches!(policy.as_str(), "WILDCARD" | "STRICT") {
                    out.finding(
                        "M-085",
                        false,
                        format!("`{policy}` is deprecated from 25; `DEFAULT` (the default from 25) is written instead"),
                        from,
                    );
                    "DEFAULT".to_string()
                } else {
                    policy
                };
                out.option("tls-hostname-verifier", mapped, false, "M-085", from);
            }
            _ => {}
        }
    }
}

fn theme_text(theme: &XmlElement, name: &str) -> String {
    child_text(theme, name)
        .map(|(t, _)| t.to_string())
        .unwrap_or_default()
}

/// R5: a legacy JSON-ish list (`["A","B"]`) as a comma-separated Quarkus list.
pub(super) fn list_value(value: &str) -> String {
    let trimmed = value.trim();
    match trimmed.strip_prefix('[').and_then(|v| v.strip_suffix(']')) {
        Some(inner) => inner
            .split(',')
            .map(|item| item.trim().trim_matches('"'))
            .filter(|item| !item.is_empty())
            .collect::<Vec<_>>()
            .join(","),
        None => value.to_string(),
    }
}

/// R6: `connectionsHttpClient` → `connections-http-client`.
pub(super) fn kebab(name: &str) -> String {
    let mut out = String::with_capacity(name.len() + 4);
    for (i, c) in name.chars().enumerate() {
        if c.is_ascii_uppercase() {
            if i > 0 && !out.ends_with('-') {
                out.push('-');
            }
            out.push(c.to_ascii_lowercase());
        } else {
            out.push(c);
        }
    }
    out
}

/// An SPI property option in the syntax of the target: `spi-<spi>-<provider>-<property>` up to
/// 26.2, `spi-<spi>--<provider>--<property>` from 26.3 (the single-dash form is ambiguous when
/// ids contain dashes).
pub(super) fn spi_key(out: &Builder, spi: &str, provider: Option<&str>, property: &str) -> String {
    let separator = if out.at_least("26.3.0") { "--" } else { "-" };
    match provider {
        Some(provider) => format!("spi-{spi}{separator}{provider}{separator}{property}"),
        None => format!("spi-{spi}{separator}{property}"),
    }
}

pub(super) fn spi_provider_key(out: &Builder, spi: &str) -> String {
    if out.at_least("26.3.0") {
        format!("spi-{spi}--provider")
    } else {
        format!("spi-{spi}-provider")
    }
}

// Features (system properties; §3.8)

pub(super) fn features(out: &mut Builder, root: &XmlElement) {
    let mut enabled = Vec::new();
    let mut disabled = Vec::new();
    let mut first = None;
    for property in root
        .children_named("system-properties")
        .flat_map(|s| s.children_named("property"))
    {
        let (Some(name), Some(value)) = (property.attr_value("name"), property.attr_value("value"))
        else {
            continue;
        };
        let value = with_defaults(value).trim().to_ascii_lowercase();
        if name == "keycloak.profile" && value == "preview" {
            enabled.push("preview".to_string());
            out.finding(
                "§3.8",
                false,
                "`keycloak.profile=preview` becomes `features=preview`, which turns on every preview feature of the new release too: list the ones you use instead".to_string(),
                Some(property.start_tag_range),
            );
            first.get_or_insert(property.start_tag_range);
            continue;
        }
        let Some(feature) = name.strip_prefix("keycloak.profile.feature.") else {
            continue;
        };
        first.get_or_insert(property.start_tag_range);
        match feature {
            "upload_scripts" => {
                out.finding(
                    "X-007",
                    true,
                    "`upload_scripts` was removed in 18: deploy scripts as a JAR in `providers/`"
                        .to_string(),
                    Some(property.start_tag_range),
                );
                continue;
            }
            "declarative_user_profile" | "openshift_integration" | "map_storage" => {
                out.finding(
                    "§3.8",
                    false,
                    format!("feature `{feature}` no longer exists on Quarkus and is not carried"),
                    Some(property.start_tag_range),
                );
                continue;
            }
            _ => {}
        }
        let quarkus = feature.to_ascii_lowercase().replace('_', "-");
        match value.as_str() {
            "enabled" => enabled.push(quarkus),
            "disabled" => disabled.push(quarkus),
            _ => {}
        }
    }
    if !enabled.is_empty() {
        out.option("features", enabled.join(","), true, "§3.8", first);
    }
    if !disabled.is_empty() {
        out.option("features-disabled", disabled.join(","), true, "§3.8", first);
    }
}

// Application-server parts with no counterpart (X-002, M-036 .. M-038)

pub(super) fn not_carried(out: &mut Builder, profile: &Profile<'_>) {
    if let Some(modcluster) = profile.subsystem("modcluster") {
        out.finding(
            "M-038",
            false,
            "mod_cluster is not carried over: put an HTTP load balancer with sticky sessions in front".to_string(),
            Some(modcluster.start_tag_range),
        );
    }
    if profile.subsystem("undertow").is_none() {
        out.finding(
            "X-002",
            false,
            "the profile has no undertow subsystem; HTTP settings were not found".to_string(),
            None,
        );
    }
}
