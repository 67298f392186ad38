//! `kratos/default-from-address`: a production config that sends mail over SMTP from the
//! default sender `no-reply@ory.kratos.sh` (`courier.smtp.from_address` unset or set to it).
//! Your mail server is not allowed to send for ory.kratos.sh, so SPF/DMARC checks fail and
//! recovery and verification mail lands in spam or is refused.

use super::{is_self_contained, production_config};
use idplint_diagnostics::Diagnostic;

kratos_rule!(
    DefaultFromAddress,
    "kratos/default-from-address",
    KratosConfig
);

const DEFAULT_FROM: &str = "no-reply@ory.kratos.sh";

fn check(ctx: &crate::rule::RuleContext<'_>, out: &mut Vec<Diagnostic>) {
    let Some((_, root)) = production_config(ctx) else {
        return;
    };
    let Some(courier) = root.get("courier").map(|e| &e.value) else {
        return;
    };
    // Mail over HTTP (`delivery_strategy: http`, 1.0+) has its own sender.
    if courier
        .get("delivery_strategy")
        .and_then(|e| e.value.as_str())
        .is_some_and(|s| s != "smtp")
    {
        return;
    }
    let Some(smtp) = courier.get("smtp") else {
        return;
    };
    let Some(uri) = smtp.value.get("connection_uri") else {
        return;
    };
    match smtp.value.get("from_address") {
        Some(from)
            if from
                .value
                .as_str()
                .is_some_and(|v| v.trim().eq_ignore_ascii_case(DEFAULT_FROM)) =>
        {
            out.push(
                ctx.diagnostic(from.value.range, message("is"))
                    .with_help(HELP),
            );
        }
        // Unset: only in self-contained configs; elsewhere `COURIER_SMTP_FROM_ADDRESS` may set it.
        None if is_self_contained(root) => out.push(
            ctx.diagnostic(uri.key.range, message("defaults to"))
                .with_help(HELP),
        ),
        _ => {}
    }
}

const HELP: &str = "Set `courier.smtp.from_address` (and `from_name`) to an address of a domain your mail server may send for";

fn message(verb: &str) -> String {
    format!(
        "`courier.smtp.from_address` {verb} `{DEFAULT_FROM}`: your mail server may not send for that domain, so recovery and verification mail fails SPF/DMARC and lands in spam or is refused"
    )
}
