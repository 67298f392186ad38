//! `keycloak/db-url-with-parts`: `db-url` set together with `db-url-host`, `-port`,
//! `-database` or `-properties`. Keycloak builds the JDBC URL from the parts only when
//! `db-url` is absent, so the parts are silently ignored (a port in `KC_DB_URL_PORT` that the
//! URL lacks never reaches the driver).

use super::env_set;
use crate::products::keycloak::values::option_of;
use crate::rule::{Rule, RuleContext, RuleMeta};
use crate::unit::{UnitKind, ValueKind};
use idplint_diagnostics::Diagnostic;
use std::sync::Arc;

pub const ID: &str = "keycloak/db-url-with-parts";

const PARTS: &[&str] = &[
    "db-url-host",
    "db-url-port",
    "db-url-database",
    "db-url-properties",
];

pub fn factory(meta: Arc<RuleMeta>) -> Box<dyn Rule> {
    Box::new(DbUrlWithParts { meta })
}

struct DbUrlWithParts {
    meta: Arc<RuleMeta>,
}

impl Rule for DbUrlWithParts {
    fn meta(&self) -> &RuleMeta {
        &self.meta
    }

    fn unit_kind(&self) -> UnitKind {
        UnitKind::KeycloakEnvSet
    }

    fn check(&self, ctx: &RuleContext<'_>, out: &mut Vec<Diagnostic>) {
        let Some(set) = env_set(ctx) else { return };
        // An explicitly empty `db-url` is "unset"; a reference or pass-through may be set.
        let url = set.entries.iter().find(|e| {
            option_of(e).as_deref() == Some("db-url")
                && !(e.value_kind == ValueKind::Literal
                    && e.value.as_deref().is_some_and(|v| v.trim().is_empty()))
        });
        let Some(url) = url else { return };
        let parts: Vec<_> = set
            .entries
            .iter()
            .filter(|e| option_of(e).is_some_and(|o| PARTS.contains(&o.as_str())))
            .collect();
        if parts.is_empty() {
            return;
        }
        let names: Vec<String> = parts.iter().map(|p| format!("`{}`", p.name)).collect();
        let message = format!(
            "`{}` is set, so Keycloak ignores {}",
            url.name,
            names.join(", ")
        );
        let mut diagnostic = ctx
            .diagnostic(url.name_range, message)
            .with_help("Put host, port, database and parameters into the JDBC URL itself and delete the parts, or drop the URL and keep the parts");
        for part in parts {
            diagnostic =
                diagnostic.with_label(part.name_range, format!("`{}` has no effect", part.name));
        }
        out.push(diagnostic);
    }
}
