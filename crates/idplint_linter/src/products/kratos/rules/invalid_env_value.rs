//! `kratos/invalid-env-value`: a Kratos variable whose value does not fit the key it sets.
//! Kratos converts values with `spf13/cast` (`configx/koanf_env.go`): a boolean or number it
//! cannot read becomes `false` or `0` without a word, and an object or list of objects that is
//! not valid JSON becomes null, so the config fails validation at startup. String lists may be
//! JSON or comma-separated (`SECRETS_COOKIE=a,b`). Messages never quote the value.

use super::env_versions;
use crate::products::kratos::env::{Lookup, Status, lookup, value_problem};
use crate::unit::{UnitContent, ValueKind};
use idplint_diagnostics::Diagnostic;

kratos_rule!(InvalidEnvValue, "kratos/invalid-env-value", KratosEnvSet);

fn check(ctx: &crate::rule::RuleContext<'_>, out: &mut Vec<Diagnostic>) {
    let UnitContent::Env(set) = &ctx.unit.content else {
        return;
    };
    let (release, _) = env_versions(ctx);
    for entry in &set.entries {
        if entry.value_kind != ValueKind::Literal {
            continue;
        }
        let Some(value) = entry.value.as_deref() else {
            continue;
        };
        let Lookup::Key(resolved) = lookup(&entry.name, release) else {
            continue;
        };
        if resolved.status != Status::Valid {
            continue;
        }
        let Some(problem) = value_problem(resolved.row, value) else {
            continue;
        };
        let range = entry.value_or_name_range();
        out.push(
            ctx.diagnostic(
                range,
                format!(
                    "The value of `{}` (`{}`, {}) {problem}",
                    entry.name,
                    resolved.display,
                    resolved.row.ty.as_str()
                ),
            )
            .with_label(entry.name_range, format!("sets `{}`", resolved.display)),
        );
    }
}
