//! Infinispan cache configuration for the Quarkus distribution (`conf/cache-ispn.xml`, or the
//! file named by `cache-config-file`): one `KeycloakCacheXml` unit per XML file whose root is
//! `<infinispan>`. The WildFly server XML has its caches inside a subsystem instead and is
//! the `keycloak_wildfly` product's.

use crate::source::ParsedFile;
use crate::unit::{Unit, UnitContent, UnitKind};
use idplint_diagnostics::TextRange;
use idplint_syntax::xml::XmlElement;

/// The caches Keycloak defines itself (26.x `cache-ispn.xml`): the local caches of realm,
/// user, authorization and key data, the replicated `work` cache that carries invalidations,
/// and the distributed session and token caches. Source: the default `conf/cache-ispn.xml`
/// of the 26 distributions and the "Configuring distributed caches" server guide.
pub const BUILT_IN_CACHES: &[&str] = &[
    "realms",
    "users",
    "authorization",
    "keys",
    "crl",
    "work",
    "authenticationSessions",
    "sessions",
    "clientSessions",
    "offlineSessions",
    "offlineClientSessions",
    "loginFailures",
    "actionTokens",
];

/// Element names of cache definitions inside a `<cache-container>`.
const CACHE_ELEMENTS: &[&str] = &[
    "local-cache",
    "replicated-cache",
    "distributed-cache",
    "invalidation-cache",
    "scattered-cache",
];

pub fn extract(file: &ParsedFile<'_>, out: &mut Vec<Unit>) {
    let Some(doc) = file.xml() else { return };
    if doc.root.name != "infinispan" {
        return;
    }
    let mut secrets = Vec::new();
    for element in doc.root.descendants() {
        // Remote-store and Hot Rod credentials: `password="..."` on any element.
        if let Some(password) = element.attr("password")
            && !password.value.is_empty()
        {
            secrets.push(password.value_range);
        }
    }
    let name = file.path.rsplit(['/', '\\']).next().unwrap_or(file.path);
    out.push(Unit {
        kind: UnitKind::KeycloakCacheXml,
        label: format!("cache configuration {name}"),
        content: UnitContent::Xml,
        detected_version: None,
        secrets,
    });
}

/// A cache defined in a `<cache-container>` of the file.
pub struct CacheDefinition<'a> {
    pub name: &'a str,
    pub element: &'a XmlElement,
    /// The `name="..."` value, where findings about the cache point.
    pub name_range: TextRange,
}

/// Every cache definition of the file's cache containers.
pub fn cache_definitions(root: &XmlElement) -> Vec<CacheDefinition<'_>> {
    root.children_named("cache-container")
        .flat_map(|container| container.children.iter())
        .filter(|element| CACHE_ELEMENTS.contains(&element.name.as_str()))
        .filter_map(|element| {
            let name = element.attr("name")?;
            Some(CacheDefinition {
                name: name.value.as_str(),
                element,
                name_range: name.value_range,
            })
        })
        .collect()
}
