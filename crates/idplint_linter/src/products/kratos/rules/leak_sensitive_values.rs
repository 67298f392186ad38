//! `kratos/leak-sensitive-values`: `log.leak_sensitive_values: true` in a production config:
//! Kratos then writes e-mail addresses, tokens and other redacted values to its logs. The
//! `LOG_LEAK_SENSITIVE_VALUES` variable of a production Kratos container counts too.

use super::{production_config, production_env_keys};
use crate::unit::UnitKind;
use idplint_diagnostics::{Applicability, Diagnostic, Edit, Fix};

kratos_rule!(
    LeakSensitiveValues,
    "kratos/leak-sensitive-values",
    KratosConfig,
    KratosEnvSet
);

fn check(ctx: &crate::rule::RuleContext<'_>, out: &mut Vec<Diagnostic>) {
    if ctx.unit.kind == UnitKind::KratosEnvSet {
        check_variables(ctx, out);
        return;
    }
    let Some((_, root)) = production_config(ctx) else {
        return;
    };
    let Some(node) = root.get_path(&["log", "leak_sensitive_values"]) else {
        return;
    };
    if node.as_bool() != Some(true) {
        return;
    }
    out.push(
        ctx.diagnostic(
            node.range,
            "`log.leak_sensitive_values` is true: Kratos writes e-mail addresses and other personal or secret values to its logs unredacted",
        )
        .with_help("Set it to false (the default) outside development; turn it on only briefly while debugging")
        .with_fix(Fix::new(
            "Set `log.leak_sensitive_values` to false",
            Applicability::Unsafe,
            vec![Edit::replace(node.range, "false")],
        )),
    );
}

/// `LOG_LEAK_SENSITIVE_VALUES=true` (Go's `strconv.ParseBool` spellings of true).
fn check_variables(ctx: &crate::rule::RuleContext<'_>, out: &mut Vec<Diagnostic>) {
    for variable in production_env_keys(ctx).into_iter().filter(|v| v.literal) {
        let truthy = matches!(
            variable.value.trim(),
            "1" | "t" | "T" | "TRUE" | "true" | "True"
        );
        if variable.key != "log.leak_sensitive_values" || !truthy {
            continue;
        }
        let entry = variable.entry;
        let fix = entry.set_value_edit("false", ctx.file.text).map(|edit| {
            Fix::new(
                format!("Set `{}` to false", entry.name),
                Applicability::Unsafe,
                vec![edit],
            )
        });
        out.push(
            ctx.diagnostic(
                entry.value_or_name_range(),
                format!(
                    "`{}` is true: Kratos writes e-mail addresses and other personal or secret values to its logs unredacted",
                    entry.name
                ),
            )
            .with_help("Set it to false (the default) outside development; turn it on only briefly while debugging")
            .with_fix_opt(fix),
        );
    }
}
