//! `kratos/placeholder-secret`: a secret that is a known example value (the quickstarts'
//! `PLEASE-CHANGE-ME-I-AM-VERY-INSECURE`), a "change me" marker or an obviously regular
//! string, in a config that runs in production. Anyone who knows it can forge what it signs.
//! The message names the item and its role, never its value. The same secrets given as
//! variables (`SECRETS_COOKIE=...` in a Compose service, a Kubernetes container or a `.env`
//! file for Kratos) are checked too.

use super::{for_each_item, literal, production_config, production_env_keys};
use crate::products::kratos::secrets::{SecretList, is_placeholder};
use crate::unit::UnitKind;
use idplint_diagnostics::Diagnostic;

kratos_rule!(
    PlaceholderSecret,
    "kratos/placeholder-secret",
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
    for list in SecretList::ALL {
        for_each_item(root, &["secrets", list.key()], &mut |path, node| {
            let Some(value) = literal(node) else { return };
            if !is_placeholder(value) {
                return;
            }
            out.push(
                ctx.diagnostic(
                    node.range,
                    format!(
                        "`{path}` is a placeholder, not a generated secret: {}",
                        impact(list)
                    ),
                )
                .with_help(
                    "Generate a random value (`openssl rand -base64 32`; 32 characters for `cipher`), keep it in a secret store and pass it as `SECRETS_*` environment variables",
                ),
            );
        });
    }
}

/// `SECRETS_COOKIE=a,b`, `SECRETS_COOKIE='["a","b"]'` or `SECRETS_COOKIE_0=a`.
fn check_variables(ctx: &crate::rule::RuleContext<'_>, out: &mut Vec<Diagnostic>) {
    for variable in production_env_keys(ctx).into_iter().filter(|v| v.literal) {
        let Some(rest) = variable.key.strip_prefix("secrets.") else {
            continue;
        };
        let list_key = rest.split('[').next().unwrap_or(rest);
        let Some(list) = SecretList::ALL.into_iter().find(|l| l.key() == list_key) else {
            continue;
        };
        if !secret_items(variable.value).any(is_placeholder) {
            continue;
        }
        let entry = variable.entry;
        let range = entry.value_or_name_range();
        out.push(
            ctx.diagnostic(
                range,
                format!(
                    "`{}` (`{}`) is a placeholder, not a generated secret: {}",
                    entry.name,
                    variable.key,
                    impact(list)
                ),
            )
            .with_help(
                "Generate a random value (`openssl rand -base64 32`; 32 characters for `cipher`) and fill the variable from a secret store (a Kubernetes Secret, Docker secrets)",
            ),
        );
    }
}

/// The items of a secret-list variable: a JSON list, or comma-separated as Kratos also reads
/// string lists from the environment.
fn secret_items(value: &str) -> Box<dyn Iterator<Item = &str> + '_> {
    let trimmed = value.trim();
    if trimmed.starts_with('[') {
        // Items of a JSON list, without parsing escapes: a placeholder has none.
        return Box::new(
            trimmed
                .trim_start_matches('[')
                .trim_end_matches(']')
                .split(',')
                .map(|item| item.trim().trim_matches('"')),
        );
    }
    Box::new(value.split(',').map(str::trim))
}

fn impact(list: SecretList) -> &'static str {
    match list {
        SecretList::Default => {
            "anyone who knows it can forge what Kratos signs with it (and session cookies when `secrets.cookie` is unset)"
        }
        SecretList::Cookie => "anyone who knows it can forge session cookies",
        SecretList::Cipher => "anyone who knows it can decrypt the stored OIDC tokens",
        SecretList::Pagination => "anyone who knows it can read and forge page tokens",
    }
}
