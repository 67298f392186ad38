//! `kratos/bcrypt-cost-below-minimum`: `hashers.bcrypt.cost` below 12 outside dev mode. Kratos
//! silently raises such a cost to 12 unless `dev` is true (`HasherBcrypt`, since 0.6), and
//! 12 is the default Ory documents: the config says something other than what runs, and it
//! becomes a real weakening the day dev mode is switched on. Setting 12 is a safe fix: it is
//! exactly what Kratos already does outside dev mode.

use super::production_config;
use idplint_diagnostics::{Applicability, Diagnostic, Edit, Fix};
use idplint_syntax::ScalarStyle;

kratos_rule!(BcryptCost, "kratos/bcrypt-cost-below-minimum", KratosConfig);

/// Ory's default and the floor Kratos enforces outside dev mode (research kratos.md §6.2).
const MINIMUM_COST: u32 = 12;

fn check(ctx: &crate::rule::RuleContext<'_>, out: &mut Vec<Diagnostic>) {
    let Some((_, root)) = production_config(ctx) else {
        return;
    };
    if root
        .get_path(&["hashers", "algorithm"])
        .and_then(|n| n.as_str())
        .is_some_and(|a| a != "bcrypt")
    {
        return;
    }
    let Some(node) = root.get_path(&["hashers", "bcrypt", "cost"]) else {
        return;
    };
    let Some(scalar) = node.as_scalar() else {
        return;
    };
    let Ok(cost) = scalar.value.trim().parse::<u32>() else {
        return;
    };
    if cost >= MINIMUM_COST {
        return;
    }
    let fix = (scalar.style == ScalarStyle::Plain).then(|| {
        Fix::new(
            format!("Set `hashers.bcrypt.cost` to {MINIMUM_COST}"),
            Applicability::Safe,
            vec![Edit::replace(node.range, MINIMUM_COST.to_string())],
        )
    });
    out.push(
        ctx.diagnostic(
            node.range,
            format!(
                "`hashers.bcrypt.cost` is {cost}, below the {MINIMUM_COST} Ory recommends; outside dev mode Kratos silently raises it to {MINIMUM_COST}, so the config does not say what runs"
            ),
        )
        .with_help(format!(
            "Set it to {MINIMUM_COST} or more (each step doubles the hashing time; aim for about 200 ms per hash)"
        ))
        .with_fix_opt(fix),
    );
}
