//! `kratos/plaintext-credential`: a password written into a production config: in the `dsn`
//! (`postgres://kratos:<password>@db/...`, `?password=`), in `courier.smtp.connection_uri`, or
//! as an OIDC provider's `client_secret`. Configs end up in ConfigMaps, images and
//! repositories, where far more people can read them than should; Kratos reads each of these
//! from the environment (`DSN`, `COURIER_SMTP_CONNECTION_URI`,
//! `SELFSERVICE_METHODS_OIDC_CONFIG_PROVIDERS`) just as well. Values filled in later
//! (`${DB_PASSWORD}`, `$(DB_PASSWORD)`) are fine. The message names the key, never the value.
//!
//! The same credentials written as literal variables of a Compose service, Kubernetes
//! container or ECS container definition (`DSN=postgres://kratos:pw@db/kratos`) are reported
//! too; a `.env` file is not, because keeping them out of the repository is what it is for.
//!
//! The secret lists (`secrets.*`) are `placeholder-secret`'s and `invalid-secret`'s business.

use super::{literal, production_config, production_env_keys};
use crate::products::kratos::url::is_reference;
use crate::unit::{EnvSource, UnitKind};
use idplint_diagnostics::Diagnostic;

kratos_rule!(
    PlaintextCredential,
    "kratos/plaintext-credential",
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
    let mut report = |range, what: &str, variable: &str| {
        out.push(
            ctx.diagnostic(
                range,
                format!(
                    "{what} is written in the config: anyone who can read the file (a ConfigMap, an image, a repository) can read it"
                ),
            )
            .with_help(format!(
                "Pass it as the `{variable}` environment variable from a secret store (a Kubernetes Secret, Docker secrets), which overrides the file"
            )),
        );
    };
    if let Some(entry) = root.get("dsn")
        && entry.value.as_str().is_some_and(has_password)
    {
        report(entry.key.range, "The password in `dsn`", "DSN");
    }
    if let Some(entry) = root
        .get_path(&["courier", "smtp"])
        .and_then(|n| n.get("connection_uri"))
        && entry.value.as_str().is_some_and(has_password)
    {
        report(
            entry.key.range,
            "The password in `courier.smtp.connection_uri`",
            "COURIER_SMTP_CONNECTION_URI",
        );
    }
    let providers = root
        .get_path(&["selfservice", "methods", "oidc", "config", "providers"])
        .and_then(|n| n.as_sequence())
        .unwrap_or(&[]);
    for (i, provider) in providers.iter().enumerate() {
        if let Some(entry) = provider.get("client_secret")
            && literal(&entry.value).is_some_and(|v| !v.trim().is_empty())
        {
            report(
                entry.key.range,
                &format!("`selfservice.methods.oidc.config.providers[{i}].client_secret`"),
                "SELFSERVICE_METHODS_OIDC_CONFIG_PROVIDERS",
            );
        }
    }
}

/// Literal variables in a container definition: the DSN, the SMTP URI and OIDC client secrets
/// (one by one, or inside the JSON list of providers).
fn check_variables(ctx: &crate::rule::RuleContext<'_>, out: &mut Vec<Diagnostic>) {
    // `has_password` and the JSON check judge the parts themselves, so a DSN with a literal
    // password and a `${DB_HOST}` still counts.
    for variable in production_env_keys(ctx) {
        let entry = variable.entry;
        if entry.source == EnvSource::DotEnv {
            continue;
        }
        let key = variable.key.as_str();
        let leaks = match key {
            "dsn" | "courier.smtp.connection_uri" => has_password(variable.value),
            "selfservice.methods.oidc.config.providers" => {
                providers_have_client_secret(variable.value)
            }
            _ => {
                variable.literal
                    && key.starts_with("selfservice.methods.oidc.config.providers[")
                    && key.ends_with(".client_secret")
                    && !variable.value.trim().is_empty()
            }
        };
        if !leaks {
            continue;
        }
        out.push(
            ctx.diagnostic(
                entry.name_range,
                format!(
                    "`{}` (`{key}`) carries a credential written in the file: anyone who can read the file (a repository, a manifest, a task definition) can read it",
                    entry.name
                ),
            )
            .with_help(
                "Fill the variable from a secret store instead: `valueFrom.secretKeyRef` in Kubernetes, `secrets` in an ECS task definition, an `env_file` or `${VAR}` in Compose",
            ),
        );
    }
}

/// Whether a JSON list of OIDC providers holds a literal `client_secret`.
fn providers_have_client_secret(json: &str) -> bool {
    let Ok(serde_json::Value::Array(providers)) = serde_json::from_str(json) else {
        return false;
    };
    providers.iter().any(|provider| {
        provider
            .get("client_secret")
            .and_then(|v| v.as_str())
            .is_some_and(|v| !v.trim().is_empty() && !is_reference(v))
    })
}

/// Whether a URL-style DSN or SMTP URI carries a literal password: `user:password@` before
/// the host, or a `password=` parameter. References (`${...}`, `$(...)`) do not count.
pub(crate) fn has_password(uri: &str) -> bool {
    let Some((_, rest)) = uri.split_once("://") else {
        return false;
    };
    let authority = rest.split('/').next().unwrap_or("");
    let in_userinfo = authority
        .rsplit_once('@')
        .and_then(|(userinfo, _)| userinfo.split_once(':'))
        .is_some_and(|(_, password)| !password.is_empty() && !is_reference(password));
    let in_query = rest.split_once('?').is_some_and(|(_, query)| {
        query.split('&').any(|pair| {
            pair.split_once('=').is_some_and(|(key, value)| {
                key.eq_ignore_ascii_case("password") && !value.is_empty() && !is_reference(value)
            })
        })
    });
    in_userinfo || in_query
}

#[cfg(test)]
mod tests {
    use super::has_password;

    #[test]
    fn passwords() {
        assert!(has_password("postgres://kratos:pw@db:5432/kratos"));
        assert!(has_password(
            "mysql://root:root@tcp(tidb.svc:4000)/kratos?parseTime=true"
        ));
        assert!(has_password(
            "smtps://test:test@mailslurper:1025/?skip_ssl_verify=true"
        ));
        assert!(has_password("postgres://db/kratos?user=k&password=pw"));
        assert!(!has_password(
            "postgres://kratos:${DB_PASSWORD}@db:5432/kratos"
        ));
        assert!(!has_password("postgres://$(USER):$(PASSWORD)@db/kratos"));
        assert!(!has_password("postgres://kratos@db:5432/kratos"));
        assert!(!has_password("memory"));
        assert!(!has_password("smtp://mailhog:1025"));
    }
}
