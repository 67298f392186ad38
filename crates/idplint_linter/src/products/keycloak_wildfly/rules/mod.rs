//! The native rules of the legacy WildFly distribution, one per file. Their metadata, docs and
//! examples live in `rules/keycloak-wildfly/<name>.yaml` (`native: true`).

pub mod cache_owners_one;
pub mod cache_spi_disabled;
pub mod datasource_password_in_file;
pub mod dblock_wait_too_short;
pub mod deprecated_hostname_provider;
pub mod h2_datasource_in_cluster;
pub mod h2_in_memory_datasource;
pub mod http_frontend_url;
pub mod invalid_feature_value;
pub mod invalid_migration_strategy;
pub mod jpa_datasource_missing;
pub mod local_cache_in_cluster;
pub mod outgoing_tls_incomplete;
pub mod outgoing_tls_unverified;
pub mod proxy_credentials_in_file;
pub mod risky_feature_enabled;
pub mod self_signed_https;
pub mod spi_missing_name;
pub mod theme_caching_disabled;
pub mod work_cache_not_replicated;

use crate::rule::NativeRuleFactory;

pub fn all() -> Vec<(&'static str, NativeRuleFactory)> {
    vec![
        (
            "keycloak-wildfly/cache-owners-one",
            cache_owners_one::factory as NativeRuleFactory,
        ),
        (
            "keycloak-wildfly/cache-spi-disabled",
            cache_spi_disabled::factory,
        ),
        (
            "keycloak-wildfly/datasource-password-in-file",
            datasource_password_in_file::factory,
        ),
        (
            "keycloak-wildfly/dblock-wait-too-short",
            dblock_wait_too_short::factory,
        ),
        (
            "keycloak-wildfly/deprecated-hostname-provider",
            deprecated_hostname_provider::factory,
        ),
        (
            "keycloak-wildfly/h2-datasource-in-cluster",
            h2_datasource_in_cluster::factory,
        ),
        (
            "keycloak-wildfly/h2-in-memory-datasource",
            h2_in_memory_datasource::factory,
        ),
        (
            "keycloak-wildfly/http-frontend-url",
            http_frontend_url::factory,
        ),
        (
            "keycloak-wildfly/invalid-feature-value",
            invalid_feature_value::factory,
        ),
        (
            "keycloak-wildfly/invalid-migration-strategy",
            invalid_migration_strategy::factory,
        ),
        (
            "keycloak-wildfly/jpa-datasource-missing",
            jpa_datasource_missing::factory,
        ),
        (
            "keycloak-wildfly/local-cache-in-cluster",
            local_cache_in_cluster::factory,
        ),
        (
            "keycloak-wildfly/outgoing-tls-incomplete",
            outgoing_tls_incomplete::factory,
        ),
        (
            "keycloak-wildfly/outgoing-tls-unverified",
            outgoing_tls_unverified::factory,
        ),
        (
            "keycloak-wildfly/proxy-credentials-in-file",
            proxy_credentials_in_file::factory,
        ),
        (
            "keycloak-wildfly/risky-feature-enabled",
            risky_feature_enabled::factory,
        ),
        (
            "keycloak-wildfly/self-signed-https",
            self_signed_https::factory,
        ),
        (
            "keycloak-wildfly/spi-missing-name",
            spi_missing_name::factory,
        ),
        (
            "keycloak-wildfly/theme-caching-disabled",
            theme_caching_disabled::factory,
        ),
        (
            "keycloak-wildfly/work-cache-not-replicated",
            work_cache_not_replicated::factory,
        ),
    ]
}
