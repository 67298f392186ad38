//! A read-only view of a WildFly server configuration (`standalone*.xml`, `domain.xml`) in
//! the terms the rules reason in: profiles, subsystems, whether a profile is clustered, which
//! datasource is Keycloak's, and the `keycloak` cache container.
//!
//! Elements are matched by local name and by the subsystem's namespace *prefix*, never by a
//! namespace version: WildFly reads older subsystem namespaces, and the version only tells
//! which WildFly last wrote the file.

use super::expr::{has_expression, with_defaults};
use crate::source::ParsedFile;
use idplint_diagnostics::{Diagnostic, TextRange};
use idplint_syntax::xml::{XmlAttribute, XmlElement};

/// The JNDI name Keycloak's `connectionsJpa` provider uses when it does not name one.
pub const DEFAULT_KEYCLOAK_JNDI: &str = "java:jboss/datasources/KeycloakDS";

/// Whether `root` is a WildFly server configuration: `<server>` (standalone files) or
/// `<domain>` (domain.xml) in a `urn:jboss:domain:<N>` namespace. Host controller files
/// (`<host>`) hold no profiles and are not units.
pub fn is_server_config(root: &XmlElement) -> bool {
    matches!(root.name.as_str(), "server" | "domain")
        && root
            .namespace
            .as_deref()
            .is_some_and(|ns| ns.starts_with("urn:jboss:domain:"))
}

/// Whether `element` is the `<subsystem>` of `name` (`infinispan`, `keycloak-server`, ...).
pub fn is_subsystem(element: &XmlElement, name: &str) -> bool {
    element.name == "subsystem"
        && element.namespace.as_deref().is_some_and(|ns| {
            ["urn:jboss:domain:", "urn:wildfly:"].iter().any(|prefix| {
                ns.strip_prefix(prefix)
                    .and_then(|rest| rest.strip_prefix(name))
                    .is_some_and(|rest| rest.starts_with(':'))
            })
        })
}

/// One set of subsystems: the single `<profile>` of a standalone file, or one
/// `<profiles><profile name="...">` of a domain.xml.
pub struct Profile<'a> {
    pub element: &'a XmlElement,
    /// The `name` attribute of a domain profile (standalone profiles have none).
    pub name: Option<&'a XmlAttribute>,
}

impl<'a> Profile<'a> {
    pub fn subsystem(&self, name: &str) -> Option<&'a XmlElement> {
        self.element
            .children
            .iter()
            .find(|child| is_subsystem(child, name))
    }

    /// "profile `full-ha`" for domain profiles, "the profile" otherwise (for messages).
    pub fn describe(&self) -> String {
        match self.name {
            Some(name) => format!("profile `{}`", name.value),
            None => "the profile".to_string(),
        }
    }
}

/// Every profile of the configuration, in document order.
pub fn profiles(root: &XmlElement) -> Vec<Profile<'_>> {
    match root.name.as_str() {
        "domain" => root
            .children_named("profiles")
            .flat_map(|profiles| profiles.children_named("profile"))
            .map(|element| Profile {
                element,
                name: element.attr("name"),
            })
            .collect(),
        _ => root
            .children_named("profile")
            .map(|element| Profile {
                element,
                name: element.attr("name"),
            })
            .collect(),
    }
}

/// Why a profile is considered clustered, for messages and a secondary label.
pub struct Clustering {
    /// "the jgroups subsystem is configured", "the file is standalone-ha.xml", ...
    pub reason: String,
    /// Where the evidence is, when it is in the file.
    pub range: Option<TextRange>,
}

impl Clustering {
    /// `diagnostic` with a "clustered here" label on the evidence, when it is in the file.
    pub fn label(&self, diagnostic: Diagnostic) -> Diagnostic {
        match self.range {
            Some(range) => diagnostic.with_label(range, "clustered here"),
            None => diagnostic,
        }
    }
}

/// The `keycloak` cache container of a clustered profile, with why the profile is clustered.
pub struct ClusteredContainer<'a> {
    pub clustering: Clustering,
    pub container: &'a XmlElement,
}

/// The `keycloak` cache container of every clustered profile that has one.
pub fn clustered_cache_containers<'a>(
    file: &ParsedFile<'_>,
    root: &'a XmlElement,
) -> Vec<ClusteredContainer<'a>> {
    profiles(root)
        .into_iter()
        .filter_map(|profile| {
            let clustering = clustering(file, root, &profile)?;
            let container = keycloak_cache_container(&profile)?;
            Some(ClusteredContainer {
                clustering,
                container,
            })
        })
        .collect()
}

/// Whether the nodes running `profile` form a cluster: the profile configures JGroups, the
/// standalone file is an `*-ha.xml` (started with `-c standalone-ha.xml`), or the domain
/// profile is one of the clustered ones (`ha`, `full-ha`, Keycloak's `auth-server-clustered`).
pub fn clustering(
    file: &ParsedFile<'_>,
    root: &XmlElement,
    profile: &Profile<'_>,
) -> Option<Clustering> {
    if let Some(jgroups) = profile.subsystem("jgroups") {
        return Some(Clustering {
            reason: format!("{} configures the jgroups subsystem", profile.describe()),
            range: Some(jgroups.start_tag_range),
        });
    }
    if let Some(name) = profile.name {
        let lower = name.value.to_ascii_lowercase();
        if lower == "ha" || lower.ends_with("-ha") || lower.contains("clustered") {
            return Some(Clustering {
                reason: format!("domain profile `{}` is a clustered profile", name.value),
                range: Some(name.value_range),
            });
        }
    }
    let file_name = file.file_name();
    if root.name == "server" && file_name.ends_with("-ha.xml") {
        return Some(Clustering {
            reason: format!("`{file_name}` is a clustered (HA) server configuration"),
            range: None,
        });
    }
    None
}

/// The value of `element`'s attribute `name` with expression defaults applied.
pub fn attr_resolved(element: &XmlElement, name: &str) -> Option<String> {
    element.attr_value(name).map(with_defaults)
}

/// The trimmed text of a child element, with its range.
pub fn child_text<'a>(element: &'a XmlElement, name: &str) -> Option<(&'a str, TextRange)> {
    element
        .children
        .iter()
        .filter(|child| child.name == name)
        .find_map(|child| {
            child
                .text
                .as_ref()
                .map(|(text, range)| (text.as_str(), *range))
        })
}

/// Whether an `enabled`-style attribute leaves the element switched on (absent means on).
pub fn is_enabled(element: &XmlElement) -> bool {
    attr_resolved(element, "enabled").is_none_or(|v| !v.trim().eq_ignore_ascii_case("false"))
}

/// Keycloak's datasource in a profile, and how it was identified.
pub struct KeycloakDatasource<'a> {
    /// A `<datasource>` or `<xa-datasource>` element.
    pub element: &'a XmlElement,
    /// The `connectionsJpa` `dataSource` property that names it, when the profile has one.
    pub reference: Option<&'a XmlAttribute>,
}

/// Every profile with the datasource Keycloak stores its data in (profiles without one are
/// left out): what the datasource rules walk.
pub fn keycloak_datasources(root: &XmlElement) -> Vec<(Profile<'_>, KeycloakDatasource<'_>)> {
    profiles(root)
        .into_iter()
        .filter_map(|profile| {
            let datasource = keycloak_datasource(&profile)?;
            Some((profile, datasource))
        })
        .collect()
}

/// The datasource Keycloak stores its data in: the one whose `jndi-name` the keycloak-server
/// subsystem's `connectionsJpa` provider names in `dataSource`, or, without such a property,
/// `java:jboss/datasources/KeycloakDS` (Keycloak's default), or the pool named `KeycloakDS`.
pub fn keycloak_datasource<'a>(profile: &Profile<'a>) -> Option<KeycloakDatasource<'a>> {
    let reference = profile
        .subsystem("keycloak-server")
        .and_then(connections_jpa_datasource);
    let wanted = reference
        .map(|attr| with_defaults(&attr.value))
        .unwrap_or_else(|| DEFAULT_KEYCLOAK_JNDI.to_string());
    let candidates = datasources(profile);
    let by_jndi = candidates
        .iter()
        .copied()
        .find(|ds| attr_resolved(ds, "jndi-name").is_some_and(|jndi| jndi.trim() == wanted.trim()));
    // Only fall back on the pool name when nothing names another datasource explicitly:
    // a `dataSource` that points elsewhere means KeycloakDS is not Keycloak's.
    let element = by_jndi.or_else(|| {
        if has_expression(&wanted) || wanted == DEFAULT_KEYCLOAK_JNDI {
            candidates
                .iter()
                .copied()
                .find(|ds| attr_resolved(ds, "pool-name").is_some_and(|p| p.trim() == "KeycloakDS"))
        } else {
            None
        }
    })?;
    Some(KeycloakDatasource { element, reference })
}

/// `spi[connectionsJpa]/provider/properties/property[dataSource]/@value` of the provider
/// Keycloak uses (the `default-provider`, else the first enabled one that sets it).
pub fn connections_jpa_datasource(keycloak: &XmlElement) -> Option<&XmlAttribute> {
    let spi = keycloak
        .children_named("spi")
        .find(|spi| spi.attr_value("name") == Some("connectionsJpa"))?;
    let default_provider = child_text(spi, "default-provider").map(|(text, _)| with_defaults(text));
    let providers: Vec<&XmlElement> = spi
        .children_named("provider")
        .filter(|p| is_enabled(p))
        .collect();
    // The default provider's setting wins; otherwise the first enabled provider that has one.
    default_provider
        .and_then(|default| {
            providers
                .iter()
                .filter(|p| p.attr_value("name") == Some(default.trim()))
                .find_map(|p| datasource_property(p))
        })
        .or_else(|| providers.iter().find_map(|p| datasource_property(p)))
}

fn datasource_property(provider: &XmlElement) -> Option<&XmlAttribute> {
    provider_property(provider, "dataSource")
}

/// Every `<datasource>` and `<xa-datasource>` of a profile, in document order.
pub fn datasources<'a>(profile: &Profile<'a>) -> Vec<&'a XmlElement> {
    profile
        .subsystem("datasources")
        .into_iter()
        .flat_map(|subsystem| subsystem.children_named("datasources"))
        .flat_map(|list| {
            list.children
                .iter()
                .filter(|c| c.name == "datasource" || c.name == "xa-datasource")
        })
        .collect()
}

/// The `<spi name="...">` elements of the keycloak-server subsystem with that name (the
/// schema allows one, but a hand-edited file may repeat it; every copy is checked).
pub fn spis<'a>(keycloak: &'a XmlElement, name: &'a str) -> impl Iterator<Item = &'a XmlElement> {
    keycloak
        .children_named("spi")
        .filter(move |spi| spi.attr_value("name") == Some(name))
}

/// The `value` attribute of `<properties><property name="...">` of one SPI provider.
pub fn provider_property<'a>(provider: &'a XmlElement, name: &str) -> Option<&'a XmlAttribute> {
    provider
        .children_named("properties")
        .flat_map(|props| props.children_named("property"))
        .find(|prop| prop.attr_value("name") == Some(name))
        .and_then(|prop| prop.attr("value"))
}

/// The `value` attributes of `property` in the enabled providers of an SPI element.
pub fn enabled_provider_values<'a>(
    spi: &'a XmlElement,
    property: &'a str,
) -> impl Iterator<Item = &'a XmlAttribute> {
    spi.children_named("provider")
        .filter(|provider| is_enabled(provider))
        .filter_map(move |provider| provider_property(provider, property))
}

/// The `value` attributes of `property` in the enabled providers of the SPI `spi` of a
/// keycloak-server subsystem.
pub fn spi_property_values<'a>(
    keycloak: &'a XmlElement,
    spi: &'a str,
    property: &'a str,
) -> impl Iterator<Item = &'a XmlAttribute> {
    spis(keycloak, spi).flat_map(move |spi| enabled_provider_values(spi, property))
}

/// `value` parsed as a whole number after expression defaults, or `None` when it is not one
/// (or still depends on an expression without default).
pub fn resolved_integer(value: &str) -> Option<i64> {
    with_defaults(value).trim().parse().ok()
}

/// The JDBC URL of a datasource: `<connection-url>` of a `<datasource>`, the `URL`
/// `<xa-datasource-property>` of an `<xa-datasource>`.
pub fn jdbc_url(datasource: &XmlElement) -> Option<(&str, TextRange)> {
    if datasource.name == "xa-datasource" {
        return datasource
            .children_named("xa-datasource-property")
            .filter(|p| {
                p.attr_value("name")
                    .is_some_and(|n| n.eq_ignore_ascii_case("url"))
            })
            .find_map(|p| p.text.as_ref().map(|(t, r)| (t.as_str(), *r)));
    }
    child_text(datasource, "connection-url")
}

/// Whether a JDBC URL opens an H2 database inside the Keycloak process (embedded file or
/// in-memory). `jdbc:h2:tcp:` / `jdbc:h2:ssl:` talk to a separate H2 server that several
/// nodes can share, so they are not embedded.
pub fn is_embedded_h2_url(url: &str) -> bool {
    let url = with_defaults(url).trim().to_ascii_lowercase();
    url.starts_with("jdbc:h2:")
        && !url.starts_with("jdbc:h2:tcp:")
        && !url.starts_with("jdbc:h2:ssl:")
}

/// Whether the `<driver>` of a datasource is H2: its logical name is `h2`, or the `<driver>`
/// declaration it refers to loads the `com.h2database` module.
pub fn is_h2_driver(profile: &Profile<'_>, driver: &str) -> bool {
    let driver = with_defaults(driver);
    let driver = driver.trim();
    if driver.eq_ignore_ascii_case("h2") {
        return true;
    }
    profile
        .subsystem("datasources")
        .into_iter()
        .flat_map(|s| s.children_named("datasources"))
        .flat_map(|list| list.children_named("drivers"))
        .flat_map(|drivers| drivers.children_named("driver"))
        .filter(|d| d.attr_value("name") == Some(driver))
        .any(|d| attr_resolved(d, "module").is_some_and(|m| m.trim().starts_with("com.h2database")))
}

/// `<cache-container name="keycloak">` of the profile's infinispan subsystem.
pub fn keycloak_cache_container<'a>(profile: &Profile<'a>) -> Option<&'a XmlElement> {
    profile
        .subsystem("infinispan")?
        .children_named("cache-container")
        .find(|c| c.attr_value("name") == Some("keycloak"))
}

/// Whether a cache persists its entries to a store shared by the whole cluster (cross-site
/// setups keep one owner and a shared `remote-store`, so losing a node loses nothing).
pub fn has_shared_store(cache: &XmlElement) -> bool {
    cache.children.iter().any(|child| {
        child.name.ends_with("store")
            && attr_resolved(child, "shared").is_some_and(|v| v.trim().eq_ignore_ascii_case("true"))
    })
}

/// The keycloak-server subsystems of a parsed WildFly file (none when it is not XML).
pub fn keycloak_subsystems_of<'a>(file: &'a ParsedFile<'_>) -> Vec<(Profile<'a>, &'a XmlElement)> {
    file.xml()
        .map(|doc| keycloak_subsystems(&doc.root))
        .unwrap_or_default()
}

/// The keycloak-server subsystem of every profile that has one, with its profile.
pub fn keycloak_subsystems(root: &XmlElement) -> Vec<(Profile<'_>, &XmlElement)> {
    profiles(root)
        .into_iter()
        .filter_map(|profile| {
            let keycloak = profile.subsystem("keycloak-server")?;
            Some((profile, keycloak))
        })
        .collect()
}

/// The name a datasource is known by in messages: its pool name, else its JNDI name.
pub fn datasource_name(datasource: &XmlElement) -> &str {
    datasource
        .attr_value("pool-name")
        .or_else(|| datasource.attr_value("jndi-name"))
        .unwrap_or("Keycloak's datasource")
}

/// One `<system-properties><property name="..." value="...">` of the configuration.
pub struct SystemProperty<'a> {
    pub name: &'a XmlAttribute,
    pub value: &'a XmlAttribute,
}

/// The system properties a parsed WildFly file sets (the same as `-D` switches, which
/// override them); none when it is not XML.
pub fn system_properties_of<'a>(file: &'a ParsedFile<'_>) -> Vec<SystemProperty<'a>> {
    let Some(doc) = file.xml() else {
        return Vec::new();
    };
    doc.root
        .children_named("system-properties")
        .flat_map(|props| props.children_named("property"))
        .filter_map(|prop| {
            Some(SystemProperty {
                name: prop.attr("name")?,
                value: prop.attr("value")?,
            })
        })
        .collect()
}

/// The feature name of a `keycloak.profile.feature.<name>` system property.
pub fn feature_flag_name(property: &str) -> Option<&str> {
    property
        .strip_prefix("keycloak.profile.feature.")
        .filter(|name| !name.is_empty())
}

/// How many `hostPattern;proxyUri` entries of a `proxy-mappings` value carry
/// `user[:password]@` in the proxy URI's authority.
pub fn proxy_mappings_with_credentials(mappings: &str) -> usize {
    mappings
        .split(',')
        .filter(|entry| proxy_entry_has_credentials(entry))
        .count()
}

/// Whether a `hostPattern;proxyUri` entry's URI has `user[:password]@` before its host.
fn proxy_entry_has_credentials(entry: &str) -> bool {
    let Some((_, uri)) = entry.split_once(';') else {
        return false;
    };
    let Some((_, rest)) = uri.split_once("://") else {
        return false;
    };
    let authority = rest.split(['/', '?', '#', '"', ']']).next().unwrap_or(rest);
    authority.contains('@')
}
