//! `keycloak-wildfly/h2-datasource-in-cluster`: Keycloak's datasource is an embedded H2
//! database in a clustered configuration.
//!
//! Embedded H2 lives inside each server process (`${jboss.server.data.dir}` or memory), so
//! every node of the cluster gets its own database: realms, users and clients diverge, and a
//! node never sees what another one wrote. The installation guide requires a shared external
//! database for clustering; H2 only makes the distribution start out of the box.

use super::super::expr::with_defaults;
use super::super::model::{
    self, KeycloakDatasource, Profile, child_text, is_embedded_h2_url, is_h2_driver,
};
use crate::rule::{FnRule, Rule, RuleContext, RuleMeta};
use crate::unit::UnitKind;
use idplint_diagnostics::{Diagnostic, Severity, TextRange};
use std::sync::Arc;

pub fn factory(meta: Arc<RuleMeta>) -> Box<dyn Rule> {
    FnRule::boxed(meta, UnitKind::KeycloakWildflyXml, check)
}

/// Expressions the legacy `jboss/keycloak` image writes into the configuration it ships. A
/// file with them is usually the image's input: its entrypoint replaces the H2 datasource at
/// first start when `DB_VENDOR` (or a resolvable database host) is set, so the finding is
/// likely but not certain and is reported as a warning.
const LEGACY_IMAGE_MARKERS: &[&str] = &[
    "${env.ROOT_LOGLEVEL",
    "${env.KEYCLOAK_LOGLEVEL",
    "${env.KEYCLOAK_WELCOME_THEME",
    "${env.KEYCLOAK_DEFAULT_THEME",
];

fn check(ctx: &RuleContext<'_>, out: &mut Vec<Diagnostic>) {
    let Some(doc) = ctx.file.xml() else {
        return;
    };
    let image_marker = LEGACY_IMAGE_MARKERS
        .iter()
        .filter_map(|marker| ctx.file.text.find(marker).map(|at| (at, marker.len())))
        .min();
    for profile in model::profiles(&doc.root) {
        let Some(clustering) = model::clustering(ctx.file, &doc.root, &profile) else {
            continue;
        };
        let Some(datasource) = model::keycloak_datasource(&profile) else {
            continue;
        };
        let Some(finding) = h2_finding(&profile, &datasource) else {
            continue;
        };
        let name = datasource
            .element
            .attr_value("pool-name")
            .or_else(|| datasource.element.attr_value("jndi-name"))
            .unwrap_or("Keycloak's datasource");
        let mut message = format!(
            "Keycloak's datasource `{name}` uses an embedded H2 database although {}: every node would get its own database, so the cluster would not share realms, users or sessions",
            clustering.reason
        );
        if image_marker.is_some() {
            message.push_str(
                " (this file looks like the legacy jboss/keycloak image's configuration, whose entrypoint replaces H2 with the database named by DB_VENDOR; make sure that is set)",
            );
        }
        let mut diagnostic = ctx.diagnostic(finding.primary, message);
        if let Some((at, len)) = image_marker {
            diagnostic.severity = Severity::Warning.min(ctx.meta.severity);
            diagnostic = diagnostic.with_label(
                TextRange::from_usize(at, at + len),
                "expression written by the legacy container image",
            );
        }
        if let Some(driver) = finding.driver {
            diagnostic = diagnostic.with_label(driver, "the H2 JDBC driver");
        }
        if let Some(reference) = datasource.reference {
            diagnostic =
                diagnostic.with_label(reference.value_range, "Keycloak uses this datasource");
        }
        if let Some(range) = clustering.range {
            diagnostic = diagnostic.with_label(range, "clustered here");
        }
        out.push(diagnostic.with_help(
            "Point this datasource at one external database that every node reaches \
             (PostgreSQL, MySQL, MariaDB, Oracle or SQL Server): install the JDBC driver as a \
             module, declare it under <drivers>, then change <connection-url> and <driver> \
             (and the credentials under <security>).",
        ));
    }
}

struct H2Finding {
    /// The JDBC URL text, or the driver name when the URL cannot be read.
    primary: TextRange,
    /// The driver name, when it is H2 too (a label).
    driver: Option<TextRange>,
}

fn h2_finding(profile: &Profile<'_>, datasource: &KeycloakDatasource<'_>) -> Option<H2Finding> {
    let url = model::jdbc_url(datasource.element);
    let driver = child_text(datasource.element, "driver")
        .filter(|(name, _)| is_h2_driver(profile, name))
        .map(|(_, range)| range);
    let from_driver = || {
        driver.map(|driver| H2Finding {
            primary: driver,
            driver: None,
        })
    };
    match url {
        Some((url, range)) => {
            let resolved = with_defaults(url);
            if is_embedded_h2_url(&resolved) {
                Some(H2Finding {
                    primary: range,
                    driver,
                })
            } else if resolved.trim_start().starts_with("${") {
                // The URL is only known at run time; the H2 driver can only open an H2
                // database, so the driver decides.
                from_driver()
            } else {
                // Another database, or a remote H2 server that the nodes share.
                None
            }
        }
        None => from_driver(),
    }
}
