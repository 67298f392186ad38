//! Database (mapping M-001 .. M-027): the Keycloak datasource and `connectionsJpa`.

use super::Builder;
use super::spi::spi_key;
use crate::products::keycloak_wildfly::expr::with_defaults;
use crate::products::keycloak_wildfly::model::{
    Profile, child_text, is_embedded_h2_url, is_enabled, jdbc_url, keycloak_datasource,
};
use idplint_diagnostics::TextRange;

// Database (M-001 .. M-027)

pub(super) fn database(out: &mut Builder, profile: &Profile<'_>) {
    let Some(ds) = keycloak_datasource(profile) else {
        out.finding(
            "M-001",
            true,
            "no Keycloak datasource found: set `db`, `db-url`, `db-username` and `db-password` for the production database".to_string(),
            None,
        );
        return;
    };
    let element = ds.element;
    let Some((url, url_range)) = jdbc_url(element) else {
        out.finding(
            "M-002",
            true,
            "the Keycloak datasource has no connection URL: set `db-url`".to_string(),
            Some(element.start_tag_range),
        );
        return;
    };
    let resolved = with_defaults(url).trim().to_ascii_lowercase();
    let vendor = [
        ("jdbc:postgresql:", "postgres"),
        ("jdbc:mysql:", "mysql"),
        ("jdbc:mariadb:", "mariadb"),
        ("jdbc:sqlserver:", "mssql"),
        ("jdbc:oracle:", "oracle"),
        ("jdbc:h2:mem:", "dev-mem"),
    ]
    .iter()
    .find(|(prefix, _)| resolved.starts_with(prefix))
    .map(|(_, vendor)| *vendor)
    .or_else(|| is_embedded_h2_url(url).then_some("dev-file"));
    match vendor {
        Some(vendor @ ("dev-mem" | "dev-file")) => {
            out.option("db", vendor.to_string(), true, "M-001", Some(url_range));
            out.finding(
                "M-001",
                true,
                format!("the Keycloak datasource is embedded H2; `db={vendor}` only works with `start-dev`: choose a production database (postgres, mysql, mariadb, mssql, oracle) before `start`"),
                Some(url_range),
            );
        }
        Some(vendor) => {
            out.option("db", vendor.to_string(), true, "M-001", Some(url_range));
            out.value("db-url", url, false, "M-002", Some(url_range));
            if matches!(vendor, "oracle" | "mssql") {
                out.finding(
                    "X-008",
                    false,
                    format!("the {vendor} JDBC driver is not bundled with Keycloak: add its JAR to `providers/` and run `kc.sh build`"),
                    Some(url_range),
                );
            }
        }
        None => out.finding(
            "M-001",
            true,
            "the database vendor cannot be read from the JDBC URL (`jdbc:h2:tcp:` and custom drivers have no Quarkus `db` value): set `db` and `db-url` by hand".to_string(),
            Some(url_range),
        ),
    }
    // An embedded H2 database's `sa` account means nothing to the production database that
    // replaces it.
    let embedded = matches!(vendor, Some("dev-mem" | "dev-file"));
    if !embedded && let Some(security) = element.children.iter().find(|c| c.name == "security") {
        if let Some((user, range)) = child_text(security, "user-name") {
            out.value("db-username", user, false, "M-007", Some(range));
        }
        if let Some((password, range)) = child_text(security, "password") {
            out.secret("db-password", password, "M-008", Some(range));
        }
        if let Some(reference) = security
            .children
            .iter()
            .find(|c| c.name == "credential-reference")
        {
            out.finding(
                "M-009",
                true,
                "the database password comes from an Elytron credential store: re-create it as `kc.db-password` in a PKCS12 config keystore (`config-keystore`) or provide `KC_DB_PASSWORD`".to_string(),
                Some(reference.start_tag_range),
            );
        }
    }
    if let Some(pool) = element
        .children
        .iter()
        .find(|c| c.name == "pool" || c.name == "xa-pool")
    {
        for (child, key, mapping) in [
            ("min-pool-size", "db-pool-min-size", "M-011"),
            ("max-pool-size", "db-pool-max-size", "M-012"),
            ("initial-pool-size", "db-pool-initial-size", "M-013"),
        ] {
            if let Some((size, range)) = child_text(pool, child) {
                out.value(key, size, false, mapping, Some(range));
            }
        }
    }
    if element.name == "xa-datasource" {
        out.option(
            "transaction-xa-enabled",
            "true".to_string(),
            true,
            "M-015",
            Some(element.start_tag_range),
        );
    }
    // connectionsJpa properties of the provider Keycloak uses.
    for (name, value, range) in spi_properties(profile, "connectionsJpa") {
        let provider = if out.at_least("24.0.0") {
            "quarkus"
        } else {
            "legacy"
        };
        match name.as_str() {
            "schema" => out.value("db-schema", &value, false, "M-018", Some(range)),
            "initializeEmpty" if with_defaults(&value).trim() != "true" => {
                let key = spi_key(out, "connections-jpa", Some(provider), "initialize-empty");
                out.value(&key, &value, false, "M-019", Some(range));
            }
            "migrationStrategy" if with_defaults(&value).trim() != "update" => {
                let key = spi_key(out, "connections-jpa", Some(provider), "migration-strategy");
                out.value(&key, &value, false, "M-020", Some(range));
            }
            _ => {}
        }
    }
}

/// `(name, value, value range)` of the properties of every enabled provider of `spi`.
pub(super) fn spi_properties(profile: &Profile<'_>, spi: &str) -> Vec<(String, String, TextRange)> {
    let Some(keycloak) = profile.subsystem("keycloak-server") else {
        return Vec::new();
    };
    keycloak
        .children_named("spi")
        .filter(|s| s.attr_value("name") == Some(spi))
        .flat_map(|s| s.children_named("provider"))
        .filter(|p| is_enabled(p))
        .flat_map(|p| p.children_named("properties"))
        .flat_map(|props| props.children_named("property"))
        .filter_map(|prop| {
            let name = prop.attr_value("name")?;
            let value = prop.attr("value")?;
            Some((name.to_string(), value.value.clone(), value.value_range))
        })
        .collect()
}
