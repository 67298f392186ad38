//! `kratos/sqlite-in-production`: `dsn: memory` (an in-memory SQLite database, per process and
//! lost on every restart) or a `sqlite://` DSN in a config that runs in production. Ory's
//! production guide says not to use SQLite there.
//!
//! The DSN is a secret range: messages name the key and the kind of database only. A `DSN`
//! variable of a production Kratos container is checked the same way.

use super::{at_severity, literal, production_config, production_env_keys};
use crate::unit::UnitKind;
use idplint_diagnostics::{Diagnostic, Severity, TextRange};

kratos_rule!(
    SqliteInProduction,
    "kratos/sqlite-in-production",
    KratosConfig,
    KratosEnvSet
);

fn check(ctx: &crate::rule::RuleContext<'_>, out: &mut Vec<Diagnostic>) {
    if ctx.unit.kind == UnitKind::KratosEnvSet {
        for variable in production_env_keys(ctx).into_iter().filter(|v| v.literal) {
            if variable.key == "dsn" {
                check_dsn(ctx, variable.value, variable.entry.name_range, out);
            }
        }
        return;
    }
    let Some((_, root)) = production_config(ctx) else {
        return;
    };
    let Some(entry) = root.get("dsn") else { return };
    let Some(dsn) = literal(&entry.value) else {
        return;
    };
    check_dsn(ctx, dsn, entry.key.range, out);
}

/// Report `dsn` (written at `at`) when it is an SQLite database.
fn check_dsn(
    ctx: &crate::rule::RuleContext<'_>,
    dsn: &str,
    at: TextRange,
    out: &mut Vec<Diagnostic>,
) {
    let dsn = dsn.trim();
    let lower = dsn.to_ascii_lowercase();
    let in_memory = lower.starts_with("sqlite")
        && (lower.contains(":memory:") || lower.contains("mode=memory"));
    if lower == "memory" || in_memory {
        out.push(at_severity(
            ctx.diagnostic(
                at,
                "`dsn` is an in-memory SQLite database: every identity and session is lost when the process restarts, and each replica has its own",
            )
            .with_help("Use PostgreSQL, MySQL or CockroachDB, and pass the DSN as the `DSN` environment variable from a secret store; `dsn: memory` is for `dev: true` only"),
            Severity::Error,
        ));
    } else if lower.starts_with("sqlite://") || lower.starts_with("sqlite3://") {
        out.push(
            ctx.diagnostic(
                at,
                "`dsn` points at an SQLite database, which Ory does not support in production (one writer, one node, no replicas)",
            )
            .with_help("Use PostgreSQL, MySQL or CockroachDB, or set `dev: true` if this config is only for development"),
        );
    }
}
