//! The native rules of the legacy WildFly distribution, one per file. Their metadata, docs and
//! examples live in `rules/keycloak-wildfly/<name>.yaml` (`native: true`).

pub mod cache_owners_one;
pub mod h2_datasource_in_cluster;
pub mod local_cache_in_cluster;
pub mod outgoing_tls_unverified;

use crate::rule::NativeRuleFactory;

pub fn all() -> Vec<(&'static str, NativeRuleFactory)> {
    vec![
        (
            "keycloak-wildfly/cache-owners-one",
            cache_owners_one::factory as NativeRuleFactory,
        ),
        (
            "keycloak-wildfly/h2-datasource-in-cluster",
            h2_datasource_in_cluster::factory,
        ),
        (
            "keycloak-wildfly/local-cache-in-cluster",
            local_cache_in_cluster::factory,
        ),
        (
            "keycloak-wildfly/outgoing-tls-unverified",
            outgoing_tls_unverified::factory,
        ),
    ]
}
