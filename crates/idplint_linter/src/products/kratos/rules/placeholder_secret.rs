//! `kratos/placeholder-secret`: a secret that is a known example value (the quickstarts'
//! `PLEASE-CHANGE-ME-I-AM-VERY-INSECURE`), a "change me" marker or an obviously regular
//! string, in a config that runs in production. Anyone who knows it can forge what it signs.
//! The message names the item and its role, never its value.

use super::{for_each_item, literal, production_config};
use crate::products::kratos::secrets::{SecretList, is_placeholder};
use idplint_diagnostics::Diagnostic;

kratos_rule!(PlaceholderSecret, "kratos/placeholder-secret", KratosConfig);

fn check(ctx: &crate::rule::RuleContext<'_>, out: &mut Vec<Diagnostic>) {
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
