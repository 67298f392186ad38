//! `keycloak-wildfly/h2-in-memory-datasource`: Keycloak stores its data in an in-memory H2
//! database.
//!
//! `jdbc:h2:mem:` keeps the database in the heap of the server process: every restart starts
//! from an empty database, so realms, clients, users and their credentials are lost. This is
//! independent of clustering (a single node loses everything too).

use super::super::expr::with_defaults;
use super::super::model;
use crate::rule::{FnRule, Rule, RuleContext, RuleMeta};
use crate::unit::UnitKind;
use idplint_diagnostics::Diagnostic;
use std::sync::Arc;

pub fn factory(meta: Arc<RuleMeta>) -> Box<dyn Rule> {
    FnRule::boxed(meta, UnitKind::KeycloakWildflyXml, check)
}

fn check(ctx: &RuleContext<'_>, out: &mut Vec<Diagnostic>) {
    let Some(doc) = ctx.file.xml() else {
        return;
    };
    for (profile, datasource) in model::keycloak_datasources(&doc.root) {
        let Some((url, range)) = model::jdbc_url(datasource.element) else {
            continue;
        };
        if !with_defaults(url)
            .trim()
            .to_ascii_lowercase()
            .starts_with("jdbc:h2:mem:")
        {
            continue;
        }
        let mut diagnostic = ctx
            .diagnostic(
                range,
                format!(
                    "Keycloak's datasource `{}` in {} is an in-memory H2 database: every restart starts from an empty database and loses all realms, clients and users",
                    model::datasource_name(datasource.element),
                    profile.describe()
                ),
            )
            .with_help(
                "Use an external database (PostgreSQL, MySQL, MariaDB, Oracle or SQL Server); \
                 for a throwaway single-node setup, at least a file database \
                 (jdbc:h2:${jboss.server.data.dir}/keycloak).",
            );
        if let Some(reference) = datasource.reference {
            diagnostic =
                diagnostic.with_label(reference.value_range, "Keycloak uses this datasource");
        }
        out.push(diagnostic);
    }
}
