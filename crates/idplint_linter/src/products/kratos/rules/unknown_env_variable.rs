//! `kratos/unknown-env-variable`: a variable of a Kratos container (or Kratos `.env` file) that
//! sets no config key of the target release. Kratos maps `SELFSERVICE_FLOWS_LOGIN_UI_URL` to
//! `selfservice.flows.login.ui_url` and silently drops variables that match no key, so a typo
//! or a key removed in the target release leaves the file's value or the default in place.
//!
//! Not reported: variables Kratos or the Go runtime read themselves (`SQA_OPT_OUT`,
//! `GOMAXPROCS`, proxies, ...), variables other entries or the command line refer to
//! (`$(DB_PASSWORD)` inside `DSN`, `$SECRET` in a shell command), and in `.env` files that are
//! not named after Kratos, variables that do not start like a Kratos key (those files are
//! shared with Compose and other services).

use super::env_versions;
use crate::products::kratos::env::{Lookup, Status, has_kratos_prefix, lookup};
use crate::unit::{EnvEntry, EnvSet, EnvSource, UnitContent};
use idplint_diagnostics::{Applicability, Diagnostic, Fix};

kratos_rule!(
    UnknownEnvVariable,
    "kratos/unknown-env-variable",
    KratosEnvSet
);

/// Variables read by Kratos itself, its launcher, the Go runtime or common libraries rather
/// than mapped to config keys.
const NOT_CONFIG: &[&str] = &[
    "SQA_OPT_OUT",
    "DEV_DISABLE_API_FLOW_ENFORCEMENT",
    "PATH",
    "HOME",
    "HOSTNAME",
    "USER",
    "TZ",
    "LANG",
    "LC_ALL",
    "GODEBUG",
    "GOGC",
    "GOMAXPROCS",
    "GOMEMLIMIT",
    "GOTRACEBACK",
    "HTTP_PROXY",
    "HTTPS_PROXY",
    "NO_PROXY",
    "SSL_CERT_FILE",
    "SSL_CERT_DIR",
];

/// Prefixes of variables read by libraries directly (OpenTelemetry, the Jaeger client).
const NOT_CONFIG_PREFIXES: &[&str] = &["OTEL_", "JAEGER_", "KUBERNETES_"];

fn check(ctx: &crate::rule::RuleContext<'_>, out: &mut Vec<Diagnostic>) {
    let UnitContent::Env(set) = &ctx.unit.content else {
        return;
    };
    let (release, on) = env_versions(ctx);
    let only_kratos_like = set.entries.iter().all(|e| e.source == EnvSource::DotEnv)
        && !ctx.file.file_name().contains("kratos");
    for entry in &set.entries {
        let name = entry.name.as_str();
        let upper = name.to_ascii_uppercase();
        if NOT_CONFIG.contains(&upper.as_str())
            || NOT_CONFIG_PREFIXES.iter().any(|p| upper.starts_with(p))
            || is_referenced(set, entry)
        {
            continue;
        }
        let diagnostic = match lookup(name, release) {
            Lookup::NoCatalog => return,
            Lookup::Key(resolved) => match resolved.status {
                Status::Valid => continue,
                Status::Later(since) => ctx.diagnostic(
                    entry.name_range,
                    format!(
                        "`{name}` sets `{}`, which exists only from Kratos {since} on; {on} ignores the variable",
                        resolved.display
                    ),
                ),
                Status::Removed(until) => ctx.diagnostic(
                    entry.name_range,
                    format!(
                        "`{name}` sets `{}`, which was removed{}; {on} ignores the variable",
                        resolved.display,
                        until.map(|u| format!(" in Kratos {u}")).unwrap_or_default()
                    ),
                ),
            },
            Lookup::Unknown { suggestion } => {
                if only_kratos_like && !has_kratos_prefix(name) {
                    continue;
                }
                // `KRATOS_DSN`: Kratos reads its variables without any prefix.
                let suggestion = unprefixed(name, release).or(suggestion);
                let mut message = format!(
                    "`{name}` sets no config key of {on} (it reads as `{}`): Kratos ignores it without a warning",
                    name.to_ascii_lowercase().replace('_', ".")
                );
                let mut fix = None;
                if let Some((variable, path)) = &suggestion {
                    message.push_str(&format!("; did you mean `{variable}` (`{path}`)?"));
                    fix = entry.rename_edit(variable).map(|edit| {
                        Fix::new(
                            format!("Rename to `{variable}`"),
                            Applicability::DisplayOnly,
                            vec![edit],
                        )
                    });
                }
                ctx.diagnostic(entry.name_range, message).with_fix_opt(fix)
            }
        };
        out.push(diagnostic.with_help(
            "Kratos turns a variable into a key by lower-casing it and reading `_` as `.` (`SELFSERVICE_FLOWS_LOGIN_UI_URL` sets `selfservice.flows.login.ui_url`); list items take an index (`..._PROVIDERS_0_CLIENT_ID`)",
        ));
    }
}

/// Whether another entry's value or the command line refers to this variable (`$NAME`,
/// `${NAME}`, `$(NAME)`): then it feeds something else and is not meant as a config key.
fn is_referenced(set: &EnvSet, entry: &EnvEntry) -> bool {
    let name = entry.name.as_str();
    let braced = [
        format!("${{{name}}}"),
        format!("${{{name}:"),
        format!("${{{name}-"),
        format!("$({name})"),
    ];
    let bare = format!("${name}");
    let mentions = |text: &str| {
        braced.iter().any(|p| text.contains(p.as_str()))
            || text.match_indices(bare.as_str()).any(|(at, m)| {
                // `$NAME` must not be the start of a longer name (`$NAME_2`).
                !text[at + m.len()..].starts_with(|c: char| c.is_ascii_alphanumeric() || c == '_')
            })
    };
    set.entries
        .iter()
        .filter(|other| !std::ptr::eq(*other, entry))
        .filter_map(|other| other.value.as_deref())
        .any(mentions)
        || set.argv.iter().any(|(arg, _)| mentions(arg))
}

/// `KRATOS_DSN` -> `DSN` (`dsn`), when the name without a `KRATOS_` prefix sets a key.
fn unprefixed(
    name: &str,
    release: Option<crate::products::kratos::catalog::Release>,
) -> Option<(String, String)> {
    let rest = name
        .strip_prefix("KRATOS_")
        .or_else(|| name.strip_prefix("kratos_"))?;
    match lookup(rest, release) {
        Lookup::Key(resolved) if resolved.status == Status::Valid => {
            Some((rest.to_string(), resolved.display))
        }
        _ => None,
    }
}
