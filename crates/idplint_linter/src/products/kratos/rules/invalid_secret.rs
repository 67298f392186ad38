//! `kratos/invalid-secret`: a secret the config schema rejects, so Kratos refuses to start:
//! `secrets.default`, `secrets.cookie` and `secrets.pagination` items shorter than 16
//! characters, `secrets.cipher` items that are not exactly 32, and repeated items in
//! `default`/`cookie` (`uniqueItems`). The message names the item, never its value.

use super::{config, for_each_item, literal};
use crate::products::kratos::secrets::SecretList;
use idplint_diagnostics::Diagnostic;

kratos_rule!(InvalidSecret, "kratos/invalid-secret", KratosConfig);

fn check(ctx: &crate::rule::RuleContext<'_>, out: &mut Vec<Diagnostic>) {
    let Some((_, root)) = config(ctx) else { return };
    for list in SecretList::ALL {
        let mut seen: Vec<(String, &str)> = Vec::new();
        for_each_item(root, &["secrets", list.key()], &mut |path, node| {
            let Some(value) = literal(node) else { return };
            // JSON Schema's minLength/maxLength count characters (code points).
            if let Some(problem) = list.length_problem(value.chars().count()) {
                out.push(
                    ctx.diagnostic(
                        node.range,
                        format!("`{path}` {problem}; Kratos rejects the config and does not start"),
                    )
                    .with_help(help(list)),
                );
            }
            let unique = matches!(list, SecretList::Default | SecretList::Cookie);
            if unique && let Some((first, _)) = seen.iter().find(|(_, v)| *v == value) {
                out.push(ctx.diagnostic(
                    node.range,
                    format!(
                        "`{path}` repeats `{first}`; the list must hold distinct secrets, so Kratos rejects the config"
                    ),
                ).with_help("Remove the repeated entry; to rotate, put the new secret first and keep the old ones after it"));
            }
            seen.push((path, value));
        });
    }
}

fn help(list: SecretList) -> &'static str {
    match list {
        SecretList::Cipher => {
            "Generate one with `openssl rand -hex 16` (32 characters) and keep old keys after it only if they are 32 characters too"
        }
        _ => "Generate one with `openssl rand -base64 32` (Ory recommends at least 256 bits)",
    }
}
