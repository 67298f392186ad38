//! `kratos/leak-sensitive-values`: `log.leak_sensitive_values: true` in a production config:
//! Kratos then writes e-mail addresses, tokens and other redacted values to its logs.

use super::production_config;
use idplint_diagnostics::{Applicability, Diagnostic, Edit, Fix};

kratos_rule!(
    LeakSensitiveValues,
    "kratos/leak-sensitive-values",
    KratosConfig
);

fn check(ctx: &crate::rule::RuleContext<'_>, out: &mut Vec<Diagnostic>) {
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
