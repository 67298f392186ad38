//! Reading option names and values the way Keycloak and its launchers do: which option an
//! entry sets, whether a value is written in the file or comes from elsewhere, and which
//! values are credentials.

use super::catalog::catalog;
use crate::unit::{EnvEntry, EnvSet, EnvSource, ValueKind};

/// Variables the `kc.sh` launcher and the container entrypoint read themselves. They start
/// with `KC_` but are not server options, so they are never "unknown".
pub const LAUNCHER_VARIABLES: &[&str] = &[
    "KC_RUN_IN_CONTAINER",
    "KC_CONFIG_FILE",
    "KC_HOME_DIR",
    "KC_OPTS",
    "KC_DEBUG",
    "KC_DEBUG_PORT",
    "KC_DEBUG_SUSPEND",
];

/// The option an entry sets (`KC_DB_URL_HOST` -> `db-url-host`), with a keycloak.conf
/// profile prefix (`%dev.db`) removed. `None` for variables that are not options.
pub fn option_of(entry: &EnvEntry) -> Option<String> {
    let option = entry.keycloak_option()?;
    let option = match entry.source {
        EnvSource::ConfFile => match option.strip_prefix('%') {
            Some(rest) => rest.split_once('.').map(|(_, o)| o.to_string())?,
            None => option,
        },
        _ => option,
    };
    (!option.is_empty()).then_some(option)
}

/// Whether `set` sets option `option` anywhere (env, conf or command line).
pub fn sets_option(set: &EnvSet, option: &str) -> bool {
    set.entries
        .iter()
        .any(|e| option_of(e).as_deref() == Some(option))
}

/// The entry that wins for `option` (command line over environment over keycloak.conf, the
/// last one within a source).
pub fn effective<'a>(set: &'a EnvSet, option: &str) -> Option<&'a EnvEntry> {
    let rank = |e: &EnvEntry| {
        if e.source.is_command_line() {
            2
        } else if e.source.is_conf_file() {
            0
        } else {
            1
        }
    };
    set.entries
        .iter()
        .filter(|e| option_of(e).as_deref() == Some(option))
        .max_by_key(|e| rank(e))
}

/// The effective literal value of `option`, with Compose defaults (`${X:-true}`) resolved;
/// `None` when unset or when it comes from somewhere this file does not show.
pub fn effective_value(set: &EnvSet, option: &str) -> Option<String> {
    let entry = effective(set, option)?;
    let value = entry.value.as_deref()?;
    let value = match entry.value_kind {
        ValueKind::Literal => value.to_string(),
        ValueKind::Reference => {
            let resolved = super::extract::resolve_defaults(value);
            if resolved.contains('$') || resolved.contains("{{") {
                return None;
            }
            resolved
        }
        ValueKind::Missing => return None,
    };
    Some(value.trim().to_string())
}

/// Whether `option` is effectively `true` (case-insensitive).
pub fn is_true(set: &EnvSet, option: &str) -> bool {
    effective_value(set, option).is_some_and(|v| v.eq_ignore_ascii_case("true"))
}

/// Whether a value is written in the file or names something else: `${VAR}`, `$VAR`,
/// `$(VAR)` (Kubernetes), `{{ template }}` (Helm, Jinja, Railway's `${{...}}`). In
/// keycloak.conf only `${...}` expands.
pub fn classify(value: &str, source: EnvSource) -> ValueKind {
    if value.contains("${") || value.contains("{{") {
        return ValueKind::Reference;
    }
    // keycloak.conf and Operator CR values are not shell- or Compose-expanded.
    if source == EnvSource::ConfFile || source == EnvSource::OperatorOption {
        return ValueKind::Literal;
    }
    let bytes = value.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'$' {
            match bytes.get(i + 1) {
                // `$$` is an escaped dollar in Compose.
                Some(b'$') => i += 1,
                Some(b'(') => return ValueKind::Reference,
                Some(c) if c.is_ascii_alphabetic() || *c == b'_' => return ValueKind::Reference,
                _ => {}
            }
        }
        i += 1;
    }
    ValueKind::Literal
}

/// The literal fallback inside a reference, as a byte range of `value`: keycloak.conf
/// `${ENV:default}`, Compose `${VAR:-default}` / `${VAR-default}`. The default is used
/// whenever the variable is unset, so a default password is as much in the file as a plain
/// one. `None` without a default, for Compose's `${VAR:?message}` (an error text, not a
/// value), for other sources, or when the default is itself a reference (`${A:${B}}`).
pub fn literal_default(value: &str, source: EnvSource) -> Option<std::ops::Range<usize>> {
    // Dockerfile `ENV` expands `${VAR:-word}` / `${VAR-word}` like Compose does.
    let compose = matches!(
        source,
        EnvSource::ComposeList | EnvSource::ComposeMap | EnvSource::DockerfileEnv
    );
    if source != EnvSource::ConfFile && !compose {
        return None;
    }
    let mut search = 0;
    while let Some(found) = value.get(search..)?.find("${") {
        let open = search + found + 2;
        let close = open + value.get(open..)?.find('}')?;
        let inner = value.get(open..close)?;
        let name_len = inner
            .find(|c: char| !(c.is_ascii_alphanumeric() || matches!(c, '_' | '.')))
            .unwrap_or(inner.len());
        let operator = &inner[name_len..];
        let skip = if compose {
            [":-", "-"]
                .iter()
                .find(|op| operator.starts_with(**op))
                .map(|op| op.len())
        } else {
            operator.starts_with(':').then_some(1)
        };
        if let Some(skip) = skip {
            let start = open + name_len + skip;
            let default = value.get(start..close)?;
            if !default.trim().is_empty() && !default.contains('$') {
                return Some(start..close);
            }
        }
        search = close + 1;
    }
    None
}

/// Words that mark a variable as a credential, for masking values in output. Wider than
/// the Keycloak secret options on purpose: masking too much is harmless.
const SECRET_WORDS: &[&str] = &[
    "PASSWORD",
    "PASSWD",
    "SECRET",
    "CREDENTIAL",
    "PRIVATE_KEY",
    "API_KEY",
    "TOKEN",
    "_PASS",
];

/// Whether the entry's value is a credential: a Keycloak secret option, the legacy admin
/// password, a database URL carrying a password, or any variable named like a secret.
pub fn is_secret(entry: &EnvEntry) -> bool {
    if is_keycloak_secret(entry) {
        return true;
    }
    let upper = entry.name.to_ascii_uppercase().replace('-', "_");
    SECRET_WORDS.iter().any(|w| upper.contains(w))
}

/// The credentials Keycloak itself reads: secret options (catalog), `KEYCLOAK_ADMIN_PASSWORD`,
/// Bitnami's `KEYCLOAK_*PASSWORD*` variables, SPI settings named like passwords or secrets,
/// and `db-url` when it embeds a password.
pub fn is_keycloak_secret(entry: &EnvEntry) -> bool {
    if let Some(option) = option_of(entry) {
        if catalog().lookup(&option).is_some_and(|def| def.secret) {
            return true;
        }
        if option.starts_with("spi-")
            && ["password", "secret", "credential"]
                .iter()
                .any(|w| option.ends_with(w))
        {
            return true;
        }
        if option == "db-url" || option.starts_with("db-url-full-") {
            return entry.value.as_deref().is_some_and(db_url_has_password);
        }
        return false;
    }
    if entry.source.is_command_line()
        || entry.source.is_conf_file()
        || entry.source == EnvSource::OperatorOption
    {
        return false;
    }
    let name = entry.name.as_str();
    name == "KEYCLOAK_ADMIN_PASSWORD"
        || (name.starts_with("KEYCLOAK_") && (name.contains("PASSWORD") || name.contains("SECRET")))
}

/// Whether a JDBC URL carries a password: `password=` in its parameters or `user:pass@` in
/// its authority.
pub fn db_url_has_password(url: &str) -> bool {
    let lower = url.to_ascii_lowercase();
    if lower.contains("password=") {
        return true;
    }
    // `jdbc:mysql://user:pass@host/db`: a `:` before an `@` inside the authority.
    let Some(after_scheme) = lower.split_once("://").map(|(_, rest)| rest) else {
        return false;
    };
    let authority = after_scheme.split(['/', '?', ';']).next().unwrap_or("");
    authority
        .split_once('@')
        .is_some_and(|(userinfo, _)| userinfo.contains(':'))
}

/// Variables only Bitnami's Keycloak image reads; their presence marks a Bitnami-style
/// configuration even when the image name is not in the file (`image: keycloak` replaced by
/// kustomize, or an env file).
pub(crate) const BITNAMI_VARIABLES: &[&str] = &[
    "KEYCLOAK_ADMIN_USER",
    "KEYCLOAK_DATABASE_HOST",
    "KEYCLOAK_DATABASE_NAME",
    "KEYCLOAK_DATABASE_USER",
    "KEYCLOAK_DATABASE_PASSWORD",
    "KEYCLOAK_DATABASE_VENDOR",
    "KEYCLOAK_MANAGEMENT_USER",
    "KEYCLOAK_MANAGEMENT_PASSWORD",
    "KEYCLOAK_PROXY",
    "KEYCLOAK_PROXY_HEADERS",
    "KEYCLOAK_CACHE_TYPE",
    "KEYCLOAK_CACHE_STACK",
    "KEYCLOAK_EXTRA_ARGS",
    "KEYCLOAK_PRODUCTION",
    "KEYCLOAK_CREATE_ADMIN_USER",
    "KEYCLOAK_HTTP_PORT",
    "KEYCLOAK_ENABLE_HTTPS",
    "KEYCLOAK_ENABLE_STATISTICS",
    "KEYCLOAK_ENABLE_HEALTH_ENDPOINTS",
];

/// Whether the set belongs to Bitnami's image, whose entrypoint translates its own
/// `KEYCLOAK_*` variables (including `KEYCLOAK_ADMIN*`) into Keycloak options.
pub fn looks_bitnami(set: &EnvSet) -> bool {
    set.image
        .as_ref()
        .is_some_and(|(image, _)| image.to_ascii_lowercase().contains("bitnami/"))
        || set
            .entries
            .iter()
            .any(|e| BITNAMI_VARIABLES.contains(&e.name.as_str()))
}

/// How a source is described in messages ("the ECS `environment` list").
pub fn describe_source(source: EnvSource) -> &'static str {
    match source {
        EnvSource::DotEnv => "the .env file",
        EnvSource::ComposeList | EnvSource::ComposeMap => "the Compose `environment`",
        EnvSource::KubernetesEnv => "the container's `env`",
        EnvSource::EcsEnvironment => "the ECS `environment` list",
        EnvSource::EcsSecret => "the ECS `secrets` list",
        EnvSource::ConfFile => "keycloak.conf",
        EnvSource::CommandLine => "the command line",
        EnvSource::OperatorOption => "the Keycloak CR",
        EnvSource::DockerfileEnv => "the Dockerfile `ENV`",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn references() {
        for value in [
            "${DB_PASSWORD}",
            "$DB_PASSWORD",
            "$(DB_PASSWORD)",
            "{{ .Values.pw }}",
            "${{shared.PW}}",
            "jdbc:postgresql://${HOST}/kc",
        ] {
            assert_eq!(
                classify(value, EnvSource::ComposeMap),
                ValueKind::Reference,
                "{value}"
            );
        }
        for value in ["edge", "pa$$word", "cost: $5", ""] {
            assert_eq!(
                classify(value, EnvSource::ComposeMap),
                ValueKind::Literal,
                "{value}"
            );
        }
        assert_eq!(classify("$HOME", EnvSource::ConfFile), ValueKind::Literal);
        assert_eq!(
            classify("${DB_PW:x}", EnvSource::ConfFile),
            ValueKind::Reference
        );
    }

    #[test]
    fn literal_defaults() {
        let default_of =
            |value: &'static str, source| literal_default(value, source).and_then(|r| value.get(r));
        let conf = EnvSource::ConfFile;
        let compose = EnvSource::ComposeMap;
        assert_eq!(
            default_of("${KC_DB_PASSWORD:change-me}", conf),
            Some("change-me")
        );
        assert_eq!(
            default_of("jdbc:postgresql://${DB_HOST:db}/kc", conf),
            Some("db")
        );
        for value in [
            "${KC_DB_PASSWORD}",
            "${A:}",
            "${A:${B}}",
            "${A",
            "plain",
            "${A: }",
        ] {
            assert_eq!(default_of(value, conf), None, "{value}");
        }
        assert_eq!(default_of("${PW:-admin}", compose), Some("admin"));
        assert_eq!(default_of("${PW-admin}", compose), Some("admin"));
        for value in [
            "${PW:?set it in .env}",
            "${PW?x}",
            "${PW:+x}",
            "${PW}",
            "${PW:-}",
        ] {
            assert_eq!(default_of(value, compose), None, "{value}");
        }
        assert_eq!(default_of("${PW:-admin}", EnvSource::KubernetesEnv), None);
    }

    #[test]
    fn database_urls() {
        assert!(db_url_has_password(
            "jdbc:postgresql://db/kc?user=kc&password=x"
        ));
        assert!(db_url_has_password("jdbc:mysql://kc:x@db:3306/kc"));
        assert!(!db_url_has_password("jdbc:postgresql://db:5432/kc"));
        assert!(!db_url_has_password(
            "jdbc:sqlserver://db:1433;databaseName=kc"
        ));
    }
}
