//! `idplint migrate keycloak-wildfly`: a legacy `standalone*.xml` / `domain.xml` as Quarkus
//! options (`keycloak.conf` or `KC_*` variables) for one target release.
//!
//! The mapping follows `shared/research/keycloak-wildfly.md` §3; every emitted option and every
//! finding carries its mapping id (`M-0xx`, `X-0xx`) so a reviewer can look the decision up.
//! Principles, in the order they win:
//! - never copy a secret: a literal password is left out and reported, an `${env.X:secret}`
//!   keeps its variable and loses the literal fallback;
//! - `${env.VAR:default}` stays an environment reference (Quarkus reads `${VAR:default}`), a
//!   system property falls back on its default, and one without a default is reported;
//! - options are written in the syntax of the target release (hostname v1 or v2, `proxy` or
//!   `proxy-headers`, single- or double-dash SPI options);
//! - what has no Quarkus counterpart is reported as not carried over, once, with its line.

mod caches;
mod database;
mod hostname;
mod http;
mod render;
mod spi;

pub use render::render;

use super::expr::{env_variables, to_quarkus_value, with_defaults};
use super::model::{clustering, profiles};
use crate::source::{FileFormat, ParsedFile};
use crate::version::ProductVersion;
use idplint_diagnostics::TextRange;

/// Where the options go.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Emit {
    /// `conf/keycloak.conf` lines.
    Conf,
    /// `KC_*=value` lines for an env file.
    Env,
}

/// One Quarkus option produced from the legacy file.
#[derive(Clone, Debug)]
pub struct MigratedOption {
    /// The `keycloak.conf` key (`db-url`, `spi-theme-static-max-age`).
    pub key: String,
    pub value: String,
    /// Fixed by `kc.sh build`.
    pub build_time: bool,
    /// The mapping id in the research table (`M-001`).
    pub mapping: &'static str,
    /// Where the setting is in the legacy file.
    pub from: Option<TextRange>,
}

/// Something a human has to decide or know.
#[derive(Clone, Debug)]
pub struct MigrationFinding {
    pub mapping: &'static str,
    /// The server will not start as intended until this is resolved.
    pub blocking: bool,
    pub message: String,
    pub at: Option<TextRange>,
}

#[derive(Clone, Debug)]
pub struct Migration {
    pub target: ProductVersion,
    pub options: Vec<MigratedOption>,
    pub findings: Vec<MigrationFinding>,
}

impl Migration {
    pub fn has_blocking(&self) -> bool {
        self.findings.iter().any(|f| f.blocking)
    }
}

/// Why a file could not be migrated.
#[derive(Debug)]
pub enum MigrateError {
    /// The XML does not parse; row/column are 1-based.
    Parse { message: String, offset: u32 },
    /// It parses but is not a WildFly server configuration.
    NotServerConfig,
}

impl std::fmt::Display for MigrateError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            MigrateError::Parse { message, .. } => write!(f, "{message}"),
            MigrateError::NotServerConfig => write!(
                f,
                "not a WildFly server configuration (expected <server> or <domain> in a urn:jboss:domain namespace)"
            ),
        }
    }
}

/// Migrate the legacy configuration in `text` (read from `path`) to `target`.
pub fn migrate(path: &str, text: &str, target: &ProductVersion) -> Result<Migration, MigrateError> {
    let file =
        ParsedFile::parse(path, text, FileFormat::Xml).map_err(|error| MigrateError::Parse {
            message: error.message.clone(),
            offset: error.range.start,
        })?;
    let Some(doc) = file.xml() else {
        return Err(MigrateError::NotServerConfig);
    };
    if !super::model::is_server_config(&doc.root) {
        return Err(MigrateError::NotServerConfig);
    }
    let mut out = Builder {
        target: target.clone(),
        options: Vec::new(),
        findings: Vec::new(),
    };
    let root = &doc.root;
    if root.name == "domain" {
        out.finding(
            "M-153",
            false,
            "domain mode has no Quarkus counterpart: run independent `kc.sh start` nodes; options below come from the first clustered profile".to_string(),
            Some(root.start_tag_range),
        );
    }
    let all = profiles(root);
    let clustered_profile = all
        .iter()
        .position(|p| clustering(&file, root, p).is_some());
    let Some(profile) = clustered_profile.map(|i| &all[i]).or(all.first()) else {
        out.finding("M-153", true, "the file has no <profile>".to_string(), None);
        return Ok(out.finish());
    };
    let clustered = clustering(&file, root, profile);

    database::database(&mut out, profile);
    http::http(&mut out, root, profile);
    hostname::hostname(&mut out, profile);
    caches::caches(&mut out, profile, clustered.is_some());
    spi::keycloak_server(&mut out, profile);
    spi::features(&mut out, root);
    spi::not_carried(&mut out, profile);
    Ok(out.finish())
}

struct Builder {
    target: ProductVersion,
    options: Vec<MigratedOption>,
    findings: Vec<MigrationFinding>,
}

impl Builder {
    fn at_least(&self, version: &str) -> bool {
        ProductVersion::parse(version).is_some_and(|v| self.target >= v)
    }

    fn option(
        &mut self,
        key: &str,
        value: String,
        build_time: bool,
        mapping: &'static str,
        from: Option<TextRange>,
    ) {
        // The first source wins (e.g. `proxy-headers` from the HTTP listener over the HTTPS one).
        if self.options.iter().any(|o| o.key == key) {
            return;
        }
        self.options.push(MigratedOption {
            key: key.to_string(),
            value,
            build_time,
            mapping,
            from,
        });
    }

    fn finding(
        &mut self,
        mapping: &'static str,
        blocking: bool,
        message: String,
        at: Option<TextRange>,
    ) {
        self.findings.push(MigrationFinding {
            mapping,
            blocking,
            message,
            at,
        });
    }

    /// A non-secret value in Quarkus form; an unresolvable system property is reported and the
    /// option left out.
    fn value(
        &mut self,
        key: &str,
        raw: &str,
        build_time: bool,
        mapping: &'static str,
        from: Option<TextRange>,
    ) {
        match to_quarkus_value(raw.trim()) {
            Ok(value) if is_quarkus_default(key, &value) => {}
            Ok(value) => self.option(key, value, build_time, mapping, from),
            Err(property) if property.starts_with("jboss.") => self.finding(
                mapping,
                true,
                format!("`{key}` points into the WildFly installation (`${{{property}}}`): copy the file into Keycloak's `conf/` and set `{key}` to its new path"),
                from,
            ),
            Err(property) => self.finding(
                mapping,
                true,
                format!("`{key}` depends on the system property `{property}`, which has no default in the file: set `{key}` to its value on the server"),
                from,
            ),
        }
    }

    /// A secret: only an environment reference is carried, never a literal.
    fn secret(&mut self, key: &str, raw: &str, mapping: &'static str, from: Option<TextRange>) {
        let variables = env_variables(raw);
        let env_name = env_name(key);
        match variables.first() {
            Some(variable) if raw.trim().starts_with("${") => {
                if with_defaults(raw) != raw.trim() && !with_defaults(raw).is_empty() {
                    self.finding(
                        mapping,
                        false,
                        format!("the literal fallback of `{key}` was not copied: `{key}` now reads only `${{{variable}}}`"),
                        from,
                    );
                }
                self.option(key, format!("${{{variable}}}"), false, mapping, from);
            }
            _ => self.finding(
                mapping,
                true,
                format!("`{key}` is written as a literal in the legacy file and was not copied: provide it as `{env_name}` from a secret store"),
                from,
            ),
        }
    }

    fn finish(self) -> Migration {
        Migration {
            target: self.target,
            options: self.options,
            findings: self.findings,
        }
    }
}

/// Settings the legacy distribution wrote out that equal Quarkus's own defaults: writing them
/// again would only be noise for the reviewer.
fn is_quarkus_default(key: &str, value: &str) -> bool {
    [
        ("static-max-age", "2592000"),
        ("cache-themes", "true"),
        ("cache-templates", "true"),
        ("min-time-between-requests", "10"),
    ]
    .iter()
    .any(|(suffix, default)| {
        key.ends_with(suffix) && key.starts_with("spi-") && value.trim() == *default
    })
}

/// The `KC_*` name of a conf key (`--` in 26.3+ SPI options becomes `__` by the same rule).
pub fn env_name(key: &str) -> String {
    format!("KC_{}", key.replace('-', "_").to_ascii_uppercase())
}

#[cfg(test)]
#[allow(clippy::expect_used)]
mod tests {
    use super::render::env_value;
    use super::spi::{kebab, list_value};
    use super::*;

    fn v(text: &str) -> ProductVersion {
        ProductVersion::parse(text).unwrap_or_else(|| panic!("{text}"))
    }

    #[test]
    fn names_and_lists() {
        assert_eq!(kebab("connectionsHttpClient"), "connections-http-client");
        assert_eq!(kebab("x509cert-lookup"), "x509cert-lookup");
        assert_eq!(
            list_value("[\"REFRESH_TOKEN\", \"LOGIN\"]"),
            "REFRESH_TOKEN,LOGIN"
        );
        assert_eq!(env_value("${A:${B:x}}/y"), "${A:-${B:-x}}/y");
        assert_eq!(env_name("db-url"), "KC_DB_URL");
        assert_eq!(
            env_name("spi-theme--welcome-theme"),
            "KC_SPI_THEME__WELCOME_THEME"
        );
    }

    const MINIMAL: &str = r#"<?xml version="1.0"?>
<server xmlns="urn:jboss:domain:16.0">
  <profile>
    <subsystem xmlns="urn:jboss:domain:datasources:6.0">
      <datasources>
        <datasource jndi-name="java:jboss/datasources/KeycloakDS" pool-name="KeycloakDS">
          <connection-url>jdbc:postgresql://db:5432/keycloak</connection-url>
          <security><user-name>keycloak</user-name><password>hunter2-literal</password></security>
        </datasource>
      </datasources>
    </subsystem>
    <subsystem xmlns="urn:jboss:domain:keycloak-server:1.1">
      <web-context>auth</web-context>
      <spi name="hostname">
        <default-provider>default</default-provider>
        <provider name="default" enabled="true">
          <properties><property name="frontendUrl" value="${env.KEYCLOAK_FRONTEND_URL:https://sso.example.com/auth}"/></properties>
        </provider>
      </spi>
    </subsystem>
    <subsystem xmlns="urn:jboss:domain:undertow:12.0">
      <server name="default-server">
        <http-listener name="default" socket-binding="http" proxy-address-forwarding="true"/>
      </server>
    </subsystem>
  </profile>
</server>
"#;

    fn keys(migration: &Migration) -> Vec<String> {
        migration
            .options
            .iter()
            .map(|o| format!("{}={}", o.key, o.value))
            .collect()
    }

    #[test]
    fn era_of_the_target_decides_the_option_names() {
        let new = migrate("standalone.xml", MINIMAL, &v("26.4.0")).expect("migrates");
        let keys_26 = keys(&new);
        assert!(
            keys_26.contains(
                &"hostname=${KEYCLOAK_FRONTEND_URL:https://sso.example.com/auth}".to_string()
            ),
            "{keys_26:?}"
        );
        assert!(keys_26.contains(&"proxy-headers=xforwarded".to_string()));
        assert!(keys_26.contains(&"http-enabled=true".to_string()));
        assert!(keys_26.contains(&"http-relative-path=/auth".to_string()));
        assert!(keys_26.contains(&"cache=local".to_string()));
        let old = migrate("standalone.xml", MINIMAL, &v("21.1.0")).expect("migrates");
        let keys_21 = keys(&old);
        assert!(
            keys_21.contains(
                &"hostname-url=${KEYCLOAK_FRONTEND_URL:https://sso.example.com/auth}".to_string()
            ),
            "{keys_21:?}"
        );
        assert!(keys_21.contains(&"proxy=edge".to_string()));
    }

    #[test]
    fn literal_passwords_are_never_copied() {
        let migration = migrate("standalone.xml", MINIMAL, &v("26.4.0")).expect("migrates");
        let text = render(&migration, Emit::Conf, "standalone.xml", &|_| 1);
        assert!(!text.contains("hunter2-literal"), "{text}");
        assert!(migration.has_blocking());
        assert!(text.contains("KC_DB_PASSWORD"), "{text}");
        let env = render(&migration, Emit::Env, "standalone.xml", &|_| 1);
        assert!(!env.contains("hunter2-literal"));
        assert!(env.contains("KC_DB=postgres"), "{env}");
    }

    #[test]
    fn bad_input_is_an_error_not_a_panic() {
        assert!(matches!(
            migrate("x.xml", "<server", &v("26.0.0")),
            Err(MigrateError::Parse { .. })
        ));
        assert!(matches!(
            migrate("x.xml", "<other/>", &v("26.0.0")),
            Err(MigrateError::NotServerConfig)
        ));
    }
}
