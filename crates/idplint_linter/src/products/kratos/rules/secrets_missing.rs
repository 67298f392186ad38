//! `kratos/secrets-missing`: no `secrets.default` and no `secrets.cookie` in a production
//! config (Kratos then signs with a random value made at process start: every restart logs
//! everyone out and replicas reject each other's cookies), and a cipher algorithm that needs
//! `secrets.cipher` without it (the schema requires it; Kratos does not start).
//!
//! Configs whose `dsn` is absent or not written out (`${DB_PASSWORD}` inside it) are completed
//! from the environment (`DSN`, or a template step), so their secrets probably are too; Helm
//! values get random secrets from the ory/k8s chart. Neither is reported.

use super::{at_severity, config, is_self_contained, literal, production_config};
use crate::products::kratos::helm::is_helm_unit;
use idplint_diagnostics::{Diagnostic, Severity, TextRange};

kratos_rule!(SecretsMissing, "kratos/secrets-missing", KratosConfig);

fn check(ctx: &crate::rule::RuleContext<'_>, out: &mut Vec<Diagnostic>) {
    let Some((_, root)) = config(ctx) else { return };
    let has = |key: &str| {
        root.get_path(&["secrets", key])
            .is_some_and(|n| n.as_sequence().is_none_or(|items| !items.is_empty()) && !n.is_null())
    };
    let anchor = root
        .get("secrets")
        .or_else(|| root.as_mapping().and_then(|e| e.first()))
        .map_or(TextRange::empty(root.range.start), |e| e.key.range);
    let algorithm_entry = root.get_path(&["ciphers"]).and_then(|c| c.get("algorithm"));
    if let Some(entry) = algorithm_entry
        && let Some(algorithm) = literal(&entry.value)
        && matches!(algorithm, "aes" | "xchacha20-poly1305")
        && !has("cipher")
        && !is_helm_unit(ctx.unit)
        && is_self_contained(root)
    {
        out.push(at_severity(
            ctx.diagnostic(
                entry.value.range,
                format!(
                    "`ciphers.algorithm: {algorithm}` needs `secrets.cipher`, which is not set; Kratos rejects the config and does not start"
                ),
            )
            .with_help("Add `secrets.cipher` with a random 32-character value (`openssl rand -hex 16`), or pass it as `SECRETS_CIPHER`"),
            Severity::Error,
        ));
    }
    if has("default") || has("cookie") || is_helm_unit(ctx.unit) || !is_self_contained(root) {
        return;
    }
    if production_config(ctx).is_none() {
        return;
    }
    out.push(
        ctx.diagnostic(
            anchor,
            "Neither `secrets.default` nor `secrets.cookie` is set: Kratos signs with a random secret made at startup, so every restart logs all users out and replicas reject each other's cookies",
        )
        .with_help("Set `secrets.cookie` and `secrets.cipher` (or `secrets.default`) from a secret store, for example as the `SECRETS_COOKIE` and `SECRETS_DEFAULT` environment variables; ignore this if the deployment already does"),
    );
}
