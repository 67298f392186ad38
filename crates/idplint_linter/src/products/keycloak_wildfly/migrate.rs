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

use super::expr::{env_variables, to_quarkus_value, with_defaults};
use super::model::{
    Profile, child_text, clustering, is_embedded_h2_url, is_enabled, jdbc_url,
    keycloak_cache_container, keycloak_datasource, profiles,
};
use crate::source::{FileFormat, ParsedFile};
use crate::version::ProductVersion;
use idplint_diagnostics::TextRange;
use idplint_syntax::xml::XmlElement;

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

    database(&mut out, profile);
    http(&mut out, root, profile);
    hostname(&mut out, profile);
    caches(&mut out, profile, clustered.is_some());
    keycloak_server(&mut out, profile);
    features(&mut out, root);
    not_carried(&mut out, profile);
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

fn subsystem_child<'a>(
    profile: &Profile<'a>,
    subsystem: &str,
    child: &str,
) -> Option<&'a XmlElement> {
    profile
        .subsystem(subsystem)
        .and_then(|s| s.children.iter().find(|c| c.name == child))
}

// ---------------------------------------------------------------------------------------------
// Database (M-001 .. M-027)

fn database(out: &mut Builder, profile: &Profile<'_>) {
    let Some(ds) = keycloak_datasource(profile) else {
        out.finding(
            "M-001",
            true,
            "no Keycloak datasource found: set `db`, `db-url`, `db-username` and `db-password` for the production database".to_string(),
            None,
        );
        return;
    };
    let element = ds.element;
    let Some((url, url_range)) = jdbc_url(element) else {
        out.finding(
            "M-002",
            true,
            "the Keycloak datasource has no connection URL: set `db-url`".to_string(),
            Some(element.start_tag_range),
        );
        return;
    };
    let resolved = with_defaults(url).trim().to_ascii_lowercase();
    let vendor = [
        ("jdbc:postgresql:", "postgres"),
        ("jdbc:mysql:", "mysql"),
        ("jdbc:mariadb:", "mariadb"),
        ("jdbc:sqlserver:", "mssql"),
        ("jdbc:oracle:", "oracle"),
        ("jdbc:h2:mem:", "dev-mem"),
    ]
    .iter()
    .find(|(prefix, _)| resolved.starts_with(prefix))
    .map(|(_, vendor)| *vendor)
    .or_else(|| is_embedded_h2_url(url).then_some("dev-file"));
    match vendor {
        Some(vendor @ ("dev-mem" | "dev-file")) => {
            out.option("db", vendor.to_string(), true, "M-001", Some(url_range));
            out.finding(
                "M-001",
                true,
                format!("the Keycloak datasource is embedded H2; `db={vendor}` only works with `start-dev`: choose a production database (postgres, mysql, mariadb, mssql, oracle) before `start`"),
                Some(url_range),
            );
        }
        Some(vendor) => {
            out.option("db", vendor.to_string(), true, "M-001", Some(url_range));
            out.value("db-url", url, false, "M-002", Some(url_range));
            if matches!(vendor, "oracle" | "mssql") {
                out.finding(
                    "X-008",
                    false,
                    format!("the {vendor} JDBC driver is not bundled with Keycloak: add its JAR to `providers/` and run `kc.sh build`"),
                    Some(url_range),
                );
            }
        }
        None => out.finding(
            "M-001",
            true,
            "the database vendor cannot be read from the JDBC URL (`jdbc:h2:tcp:` and custom drivers have no Quarkus `db` value): set `db` and `db-url` by hand".to_string(),
            Some(url_range),
        ),
    }
    // An embedded H2 database's `sa` account means nothing to the production database that
    // replaces it.
    let embedded = matches!(vendor, Some("dev-mem" | "dev-file"));
    if !embedded && let Some(security) = element.children.iter().find(|c| c.name == "security") {
        if let Some((user, range)) = child_text(security, "user-name") {
            out.value("db-username", user, false, "M-007", Some(range));
        }
        if let Some((password, range)) = child_text(security, "password") {
            out.secret("db-password", password, "M-008", Some(range));
        }
        if let Some(reference) = security
            .children
            .iter()
            .find(|c| c.name == "credential-reference")
        {
            out.finding(
                "M-009",
                true,
                "the database password comes from an Elytron credential store: re-create it as `kc.db-password` in a PKCS12 config keystore (`config-keystore`) or provide `KC_DB_PASSWORD`".to_string(),
                Some(reference.start_tag_range),
            );
        }
    }
    if let Some(pool) = element
        .children
        .iter()
        .find(|c| c.name == "pool" || c.name == "xa-pool")
    {
        for (child, key, mapping) in [
            ("min-pool-size", "db-pool-min-size", "M-011"),
            ("max-pool-size", "db-pool-max-size", "M-012"),
            ("initial-pool-size", "db-pool-initial-size", "M-013"),
        ] {
            if let Some((size, range)) = child_text(pool, child) {
                out.value(key, size, false, mapping, Some(range));
            }
        }
    }
    if element.name == "xa-datasource" {
        out.option(
            "transaction-xa-enabled",
            "true".to_string(),
            true,
            "M-015",
            Some(element.start_tag_range),
        );
    }
    // connectionsJpa properties of the provider Keycloak uses.
    for (name, value, range) in spi_properties(profile, "connectionsJpa") {
        let provider = if out.at_least("24.0.0") {
            "quarkus"
        } else {
            "legacy"
        };
        match name.as_str() {
            "schema" => out.value("db-schema", &value, false, "M-018", Some(range)),
            "initializeEmpty" if with_defaults(&value).trim() != "true" => {
                let key = spi_key(out, "connections-jpa", Some(provider), "initialize-empty");
                out.value(&key, &value, false, "M-019", Some(range));
            }
            "migrationStrategy" if with_defaults(&value).trim() != "update" => {
                let key = spi_key(out, "connections-jpa", Some(provider), "migration-strategy");
                out.value(&key, &value, false, "M-020", Some(range));
            }
            _ => {}
        }
    }
}

/// `(name, value, value range)` of the properties of every enabled provider of `spi`.
fn spi_properties(profile: &Profile<'_>, spi: &str) -> Vec<(String, String, TextRange)> {
    let Some(keycloak) = profile.subsystem("keycloak-server") else {
        return Vec::new();
    };
    keycloak
        .children_named("spi")
        .filter(|s| s.attr_value("name") == Some(spi))
        .flat_map(|s| s.children_named("provider"))
        .filter(|p| is_enabled(p))
        .flat_map(|p| p.children_named("properties"))
        .flat_map(|props| props.children_named("property"))
        .filter_map(|prop| {
            let name = prop.attr_value("name")?;
            let value = prop.attr("value")?;
            Some((name.to_string(), value.value.clone(), value.value_range))
        })
        .collect()
}

// ---------------------------------------------------------------------------------------------
// HTTP, ports, proxy (M-030 .. M-043, M-070 .. M-072)

fn http(out: &mut Builder, root: &XmlElement, profile: &Profile<'_>) {
    if let Some(keycloak) = profile.subsystem("keycloak-server")
        && let Some((context, range)) = child_text(keycloak, "web-context")
    {
        let context = with_defaults(context).trim().trim_matches('/').to_string();
        if !context.is_empty() {
            out.option(
                "http-relative-path",
                format!("/{context}"),
                true,
                "M-035",
                Some(range),
            );
            out.finding(
                "X-001",
                false,
                format!("Quarkus serves from `/` by default; `http-relative-path=/{context}` keeps the old URLs. Dropping it later means updating every client, redirect URI and probe"),
                Some(range),
            );
        }
    }
    // Ports: socket-binding port + group offset (R2); only values that differ from Quarkus's
    // defaults are written.
    for group in root.children_named("socket-binding-group") {
        let offset: i64 = group
            .attr_value("port-offset")
            .map(with_defaults)
            .and_then(|v| v.trim().parse().ok())
            .unwrap_or(0);
        for binding in group.children_named("socket-binding") {
            let (key, default) = match binding.attr_value("name") {
                Some("http") => ("http-port", 8080),
                Some("https") => ("https-port", 8443),
                _ => continue,
            };
            let Some(port) = binding.attr("port") else {
                continue;
            };
            match with_defaults(&port.value).trim().parse::<i64>() {
                Ok(port_number) if port_number + offset != default => out.option(
                    key,
                    (port_number + offset).to_string(),
                    false,
                    if key == "http-port" { "M-031" } else { "M-032" },
                    Some(port.value_range),
                ),
                Ok(_) => {}
                Err(_) => out.value(key, &port.value, false, "M-031", Some(port.value_range)),
            }
        }
    }
    // Reverse proxy: Undertow's proxy-address-forwarding on the listeners.
    let Some(undertow) = profile.subsystem("undertow") else {
        return;
    };
    for server in undertow.children_named("server") {
        for listener in &server.children {
            let tls_terminated_at_proxy = match listener.name.as_str() {
                "http-listener" => true,
                "https-listener" => false,
                "ajp-listener" => {
                    out.finding(
                        "M-037",
                        false,
                        "the AJP listener is not carried over: Quarkus has no AJP; the proxy must speak HTTP(S)".to_string(),
                        Some(listener.start_tag_range),
                    );
                    continue;
                }
                _ => continue,
            };
            let Some(forwarding) = listener.attr("proxy-address-forwarding") else {
                continue;
            };
            let enabled = with_defaults(&forwarding.value)
                .trim()
                .eq_ignore_ascii_case("true");
            let variables = env_variables(&forwarding.value);
            if !enabled {
                if let Some(variable) = variables.first() {
                    out.finding(
                        "M-070",
                        false,
                        format!("proxy forwarding depends on `{variable}` (false by default): if your deployment sets it to true, add `proxy-headers=xforwarded`{}", if tls_terminated_at_proxy { " and `http-enabled=true`" } else { "" }),
                        Some(forwarding.value_range),
                    );
                }
                continue;
            }
            let from = Some(forwarding.value_range);
            if out.at_least("24.0.0") {
                out.option(
                    "proxy-headers",
                    "xforwarded".to_string(),
                    false,
                    "M-070",
                    from,
                );
                if tls_terminated_at_proxy {
                    out.option("http-enabled", "true".to_string(), false, "M-070", from);
                }
            } else {
                let mode = if tls_terminated_at_proxy {
                    "edge"
                } else {
                    "reencrypt"
                };
                out.option(
                    "proxy",
                    mode.to_string(),
                    false,
                    if tls_terminated_at_proxy {
                        "M-070"
                    } else {
                        "M-071"
                    },
                    from,
                );
            }
        }
        // The self-signed ApplicationRealm / applicationSSC keystore is not something to carry.
        if server.children.iter().any(|l| {
            l.name == "https-listener"
                && (l.attr_value("security-realm") == Some("ApplicationRealm")
                    || l.attr_value("ssl-context") == Some("applicationSSC"))
        }) {
            out.finding(
                "M-055",
                true,
                "HTTPS uses WildFly's generated self-signed keystore, which is not carried over: set `https-certificate-file`/`https-certificate-key-file` (or `https-key-store-file`), or terminate TLS at a proxy with `http-enabled=true` and `proxy-headers`".to_string(),
                None,
            );
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Hostname (M-060 .. M-067)

fn hostname(out: &mut Builder, profile: &Profile<'_>) {
    let spi = profile.subsystem("keycloak-server").and_then(|k| {
        k.children_named("spi")
            .find(|s| s.attr_value("name") == Some("hostname"))
    });
    let provider_name = spi
        .and_then(|s| child_text(s, "default-provider"))
        .map(|(text, _)| with_defaults(text).trim().to_string())
        .unwrap_or_else(|| "default".to_string());
    let property = |provider: &str, name: &str| -> Option<(String, TextRange)> {
        spi?.children_named("provider")
            .filter(|p| p.attr_value("name") == Some(provider))
            .flat_map(|p| p.children_named("properties"))
            .flat_map(|props| props.children_named("property"))
            .find(|p| p.attr_value("name") == Some(name))
            .and_then(|p| p.attr("value"))
            .map(|a| (a.value.clone(), a.value_range))
    };
    let non_empty = |value: &(String, TextRange)| {
        to_quarkus_value(&value.0).is_ok_and(|v| !v.trim().is_empty())
    };
    let (frontend, admin, force_backend) = match provider_name.as_str() {
        "default" => (
            property("default", "frontendUrl").filter(non_empty),
            property("default", "adminUrl").filter(non_empty),
            property("default", "forceBackendUrlToFrontendUrl")
                .is_some_and(|(v, _)| with_defaults(&v).trim().eq_ignore_ascii_case("true")),
        ),
        "fixed" => {
            let host = property("fixed", "hostname").filter(non_empty);
            let https_port =
                property("fixed", "httpsPort").map(|(v, _)| with_defaults(&v).trim().to_string());
            let url = host.map(|(host, range)| {
                let host = to_quarkus_value(&host).unwrap_or(host);
                let port = https_port
                    .filter(|p| p != "-1" && p != "443")
                    .map(|p| format!(":{p}"))
                    .unwrap_or_default();
                (format!("https://{host}{port}"), range)
            });
            out.finding(
                "M-065",
                false,
                "the `fixed` hostname provider (deprecated since Keycloak 8) becomes a full `hostname` URL; check the scheme and port".to_string(),
                url.as_ref().map(|(_, range)| *range),
            );
            (url, None, true)
        }
        "request" => {
            out.option("hostname-strict", "false".to_string(), false, "M-066", None);
            out.finding(
                "M-066",
                false,
                "the `request` hostname provider becomes `hostname-strict=false`: the hostname is taken from each request, so the proxy must set it".to_string(),
                None,
            );
            return;
        }
        custom => {
            out.finding(
                "M-067",
                true,
                format!("custom hostname provider `{custom}`: the Quarkus hostname SPI has a different contract; port the provider and select it with `spi-hostname-provider`"),
                spi.map(|s| s.start_tag_range),
            );
            return;
        }
    };
    let Some((frontend, range)) = frontend else {
        out.finding(
            "M-061",
            true,
            "no frontend URL is configured: production `start` needs `hostname` (a full URL on 25+) or an explicit `hostname-strict=false`".to_string(),
            spi.map(|s| s.start_tag_range),
        );
        return;
    };
    if out.at_least("25.0.0") {
        out.value("hostname", &frontend, false, "M-060", Some(range));
        if let Some((admin, admin_range)) = admin {
            out.value("hostname-admin", &admin, false, "M-064", Some(admin_range));
        }
        if !force_backend {
            // The legacy default let back-channel requests use internal URLs; hostname v2
            // only does that when asked to.
            out.option(
                "hostname-backchannel-dynamic",
                "true".to_string(),
                false,
                "M-063",
                Some(range),
            );
        }
    } else if out.at_least("20.0.0") {
        out.value("hostname-url", &frontend, false, "M-060", Some(range));
        if let Some((admin, admin_range)) = admin {
            out.value(
                "hostname-admin-url",
                &admin,
                false,
                "M-064",
                Some(admin_range),
            );
        }
        if force_backend {
            out.option(
                "hostname-strict-backchannel",
                "true".to_string(),
                false,
                "M-062",
                Some(range),
            );
        }
    } else {
        out.finding(
            "M-060",
            true,
            "Keycloak 17-19 has no URL hostname option: split the frontend URL into `hostname`, `hostname-path`, `hostname-port` and `hostname-strict-https`".to_string(),
            Some(range),
        );
    }
}

// ---------------------------------------------------------------------------------------------
// Caches and clustering (M-090 .. M-111)

fn caches(out: &mut Builder, profile: &Profile<'_>, clustered: bool) {
    out.option(
        "cache",
        if clustered { "ispn" } else { "local" }.to_string(),
        false,
        "M-090",
        None,
    );
    if let Some(container) = keycloak_cache_container(profile) {
        let single_owner: Vec<&XmlElement> = container
            .children_named("distributed-cache")
            .filter(|c| {
                c.attr_value("owners")
                    .is_some_and(|o| with_defaults(o).trim() == "1")
            })
            .collect();
        if clustered && let Some(first) = single_owner.first() {
            out.finding(
                "M-093",
                false,
                format!("{} distributed caches keep one owner; Quarkus uses its own cache configuration (persistent sessions from 26), so `owners` is not carried: use `cache-config-file` to keep a custom layout", single_owner.len()),
                Some(first.start_tag_range),
            );
        }
        if let Some(store) = container
            .descendants()
            .into_iter()
            .find(|e| e.name == "remote-store")
        {
            out.finding(
                "X-005",
                true,
                "caches use a `remote-store` (cross-site): Keycloak 26 rejects it in the cache file; redesign with the multi-site feature (`cache-remote-*` options)".to_string(),
                Some(store.start_tag_range),
            );
        }
    }
    if !clustered {
        return;
    }
    let Some(jgroups) = profile.subsystem("jgroups") else {
        return;
    };
    let channel_stack = jgroups
        .children_named("channels")
        .flat_map(|c| c.children_named("channel"))
        .find_map(|c| c.attr_value("stack").map(with_defaults))
        .or_else(|| {
            jgroups
                .children_named("channels")
                .find_map(|c| c.attr_value("default").map(with_defaults))
        });
    let Some(stack_name) = channel_stack else {
        return;
    };
    let Some(stack) = jgroups
        .children_named("stacks")
        .flat_map(|s| s.children_named("stack"))
        .find(|s| s.attr_value("name") == Some(stack_name.trim()))
    else {
        return;
    };
    let protocols: Vec<&XmlElement> = stack
        .children
        .iter()
        .filter(|p| p.name.ends_with("protocol"))
        .collect();
    let has = |kind: &str| {
        protocols
            .iter()
            .find(|p| {
                p.attr_value("type")
                    .is_some_and(|t| t.eq_ignore_ascii_case(kind))
            })
            .copied()
    };
    let from = Some(stack.start_tag_range);
    if let Some(ping) = has("JDBC_PING") {
        if out.at_least("26.1.0") {
            out.option(
                "cache-stack",
                "jdbc-ping".to_string(),
                false,
                "M-097",
                Some(ping.start_tag_range),
            );
            out.finding(
                "X-004",
                false,
                "JDBC_PING becomes the built-in `jdbc-ping` stack on Keycloak's own database; custom table SQL is dropped".to_string(),
                Some(ping.start_tag_range),
            );
        } else {
            out.finding(
                "X-004",
                true,
                "JDBC_PING discovery needs a custom stack in a `cache-config-file` before 26.1 (or upgrade to 26.1+, where `cache-stack=jdbc-ping` is the default)".to_string(),
                Some(ping.start_tag_range),
            );
        }
    } else if let Some(dns) = has("dns.DNS_PING") {
        out.option(
            "cache-stack",
            "kubernetes".to_string(),
            false,
            "M-099",
            Some(dns.start_tag_range),
        );
        out.finding(
            "M-099",
            false,
            format!("DNS_PING needs the headless service name: set `JAVA_OPTS_APPEND=-Djgroups.dns.query=<service FQDN>`{}", if out.at_least("26.3.0") { "; the `kubernetes` stack is deprecated from 26.3, consider `jdbc-ping`" } else { "" }),
            Some(dns.start_tag_range),
        );
    } else if let Some(tcpping) = has("TCPPING") {
        out.finding(
            "X-004",
            true,
            "TCPPING (a static member list) has no built-in stack: define it in a `cache-config-file`, or switch to `jdbc-ping`".to_string(),
            Some(tcpping.start_tag_range),
        );
    } else if has("MPING").is_some() {
        out.option("cache-stack", "tcp".to_string(), false, "M-096", from);
    } else if has("PING").is_some() && out.at_least("26.1.0") {
        out.finding(
            "M-095",
            false,
            "the legacy UDP multicast stack is not carried: from 26.1 the default stack is `jdbc-ping` (discovery through the database); set `cache-stack=udp` only if the network needs multicast".to_string(),
            from,
        );
    }
}

// ---------------------------------------------------------------------------------------------
// keycloak-server subsystem: themes and every other SPI (M-120 .. M-139)

/// SPIs handled elsewhere or without user-facing meaning on Quarkus (M-139).
const SKIPPED_SPIS: &[&str] = &[
    "connectionsJpa",
    "hostname",
    "jta-lookup",
    "timer",
    "userSessionPersister",
    "connectionsInfinispan",
];

fn keycloak_server(out: &mut Builder, profile: &Profile<'_>) {
    let Some(keycloak) = profile.subsystem("keycloak-server") else {
        return;
    };
    if let Some(theme) = keycloak.children.iter().find(|c| c.name == "theme") {
        for child in &theme.children {
            let Some((text, range)) = &child.text else {
                continue;
            };
            let (property, mapping) = match child.name.as_str() {
                "staticMaxAge" => ("static-max-age", "M-120"),
                "cacheThemes" => ("cache-themes", "M-121"),
                "cacheTemplates" => ("cache-templates", "M-122"),
                "welcomeTheme" => ("welcome-theme", "M-123"),
                "default" => ("default", "M-124"),
                "dir" => {
                    out.finding(
                        "M-125",
                        false,
                        "the theme directory is fixed on Quarkus: copy custom themes into `themes/` or package them as a JAR in `providers/`".to_string(),
                        Some(*range),
                    );
                    continue;
                }
                "modules" => {
                    out.finding(
                        "M-126",
                        false,
                        "theme modules become theme JARs in `providers/` (then `kc.sh build`)"
                            .to_string(),
                        Some(child.start_tag_range),
                    );
                    continue;
                }
                _ => continue,
            };
            let key = spi_key(out, "theme", None, property);
            out.value(&key, text, false, mapping, Some(*range));
        }
        if with_defaults(&theme_text(theme, "staticMaxAge")).trim() == "-1" {
            out.finding(
                "M-120",
                false,
                "theme caching is disabled (a development setting carried from the legacy image); remove the theme cache options in production".to_string(),
                None,
            );
        }
    }
    for spi in keycloak.children_named("spi") {
        let Some(spi_name) = spi.attr_value("name") else {
            continue;
        };
        if SKIPPED_SPIS.contains(&spi_name) {
            continue;
        }
        let spi_id = kebab(spi_name);
        if let Some((default, range)) = child_text(spi, "default-provider") {
            let provider = with_defaults(default).trim().to_string();
            if !provider.is_empty() && provider != "default" {
                let key = spi_provider_key(out, &spi_id);
                out.value(&key, &provider, true, "M-135", Some(range));
            }
        }
        if spi_name == "truststore" && out.at_least("24.0.0") {
            truststore(out, spi);
            continue;
        }
        for provider in spi.children_named("provider") {
            let Some(provider_name) = provider.attr_value("name") else {
                continue;
            };
            let provider_id = kebab(provider_name);
            if !is_enabled(provider) {
                let key = spi_key(out, &spi_id, Some(&provider_id), "enabled");
                out.option(
                    &key,
                    "false".to_string(),
                    true,
                    "M-136",
                    Some(provider.start_tag_range),
                );
            }
            for property in provider
                .children_named("properties")
                .flat_map(|p| p.children_named("property"))
            {
                let (Some(name), Some(value)) =
                    (property.attr_value("name"), property.attr("value"))
                else {
                    continue;
                };
                if name.contains('.') || name.contains('_') {
                    out.finding(
                        "M-137",
                        false,
                        format!("property `{name}` of SPI `{spi_name}` cannot be written as a Quarkus option (its name holds `.` or `_`)"),
                        Some(property.start_tag_range),
                    );
                    continue;
                }
                let key = spi_key(out, &spi_id, Some(&provider_id), &kebab(name));
                let mapping = match spi_name {
                    "eventsStore" => "M-131",
                    "eventsListener" => "M-132",
                    "connectionsHttpClient" => "M-080",
                    "x509cert-lookup" => "M-074",
                    "stickySessionEncoder" => "M-075",
                    "publicKeyStorage" => "M-110",
                    "dblock" => "M-025",
                    _ => "M-137",
                };
                let text = list_value(&value.value);
                let lower = name.to_ascii_lowercase();
                if lower.contains("password") || lower.contains("secret") {
                    out.secret(&key, &text, mapping, Some(value.value_range));
                } else {
                    out.value(&key, &text, false, mapping, Some(value.value_range));
                }
            }
        }
    }
}

/// The truststore SPI is deprecated from 24 in favour of first-class options (M-083 .. M-085).
fn truststore(out: &mut Builder, spi: &XmlElement) {
    for property in spi
        .children_named("provider")
        .filter(|p| is_enabled(p))
        .flat_map(|p| p.children_named("properties"))
        .flat_map(|p| p.children_named("property"))
    {
        let (Some(name), Some(value)) = (property.attr_value("name"), property.attr("value"))
        else {
            continue;
        };
        let from = Some(value.value_range);
        match name {
            "file" => {
                out.value("truststore-paths", &value.value, false, "M-083", from);
                if with_defaults(&value.value).to_ascii_lowercase().ends_with(".jks") {
                    out.finding(
                        "X-006",
                        true,
                        "`truststore-paths` reads PEM and PKCS12 files, not JKS: convert the truststore".to_string(),
                        from,
                    );
                }
            }
            "password" => out.finding(
                "M-084",
                false,
                "the truststore password has no `truststore-paths` counterpart and was not copied; prefer PEM files, which need none".to_string(),
                from,
            ),
            "hostname-verification-policy" => {
                let policy = with_defaults(&value.value).trim().to_ascii_uppercase();
                let mapped = if out.at_least("25.0.0") && matches!(policy.as_str(), "WILDCARD" | "STRICT") {
                    out.finding(
                        "M-085",
                        false,
                        format!("`{policy}` is deprecated from 25; `DEFAULT` (the default from 25) is written instead"),
                        from,
                    );
                    "DEFAULT".to_string()
                } else {
                    policy
                };
                out.option("tls-hostname-verifier", mapped, false, "M-085", from);
            }
            _ => {}
        }
    }
}

fn theme_text(theme: &XmlElement, name: &str) -> String {
    child_text(theme, name)
        .map(|(t, _)| t.to_string())
        .unwrap_or_default()
}

/// R5: a legacy JSON-ish list (`["A","B"]`) as a comma-separated Quarkus list.
fn list_value(value: &str) -> String {
    let trimmed = value.trim();
    match trimmed.strip_prefix('[').and_then(|v| v.strip_suffix(']')) {
        Some(inner) => inner
            .split(',')
            .map(|item| item.trim().trim_matches('"'))
            .filter(|item| !item.is_empty())
            .collect::<Vec<_>>()
            .join(","),
        None => value.to_string(),
    }
}

/// R6: `connectionsHttpClient` → `connections-http-client`.
fn kebab(name: &str) -> String {
    let mut out = String::with_capacity(name.len() + 4);
    for (i, c) in name.chars().enumerate() {
        if c.is_ascii_uppercase() {
            if i > 0 && !out.ends_with('-') {
                out.push('-');
            }
            out.push(c.to_ascii_lowercase());
        } else {
            out.push(c);
        }
    }
    out
}

/// An SPI property option in the syntax of the target: `spi-<spi>-<provider>-<property>` up to
/// 26.2, `spi-<spi>--<provider>--<property>` from 26.3 (the single-dash form is ambiguous when
/// ids contain dashes).
fn spi_key(out: &Builder, spi: &str, provider: Option<&str>, property: &str) -> String {
    let separator = if out.at_least("26.3.0") { "--" } else { "-" };
    match provider {
        Some(provider) => format!("spi-{spi}{separator}{provider}{separator}{property}"),
        None => format!("spi-{spi}{separator}{property}"),
    }
}

fn spi_provider_key(out: &Builder, spi: &str) -> String {
    if out.at_least("26.3.0") {
        format!("spi-{spi}--provider")
    } else {
        format!("spi-{spi}-provider")
    }
}

// ---------------------------------------------------------------------------------------------
// Features (system properties; §3.8)

fn features(out: &mut Builder, root: &XmlElement) {
    let mut enabled = Vec::new();
    let mut disabled = Vec::new();
    let mut first = None;
    for property in root
        .children_named("system-properties")
        .flat_map(|s| s.children_named("property"))
    {
        let (Some(name), Some(value)) = (property.attr_value("name"), property.attr_value("value"))
        else {
            continue;
        };
        let value = with_defaults(value).trim().to_ascii_lowercase();
        if name == "keycloak.profile" && value == "preview" {
            enabled.push("preview".to_string());
            first.get_or_insert(property.start_tag_range);
            continue;
        }
        let Some(feature) = name.strip_prefix("keycloak.profile.feature.") else {
            continue;
        };
        first.get_or_insert(property.start_tag_range);
        match feature {
            "upload_scripts" => {
                out.finding(
                    "X-007",
                    true,
                    "`upload_scripts` was removed in 18: deploy scripts as a JAR in `providers/`"
                        .to_string(),
                    Some(property.start_tag_range),
                );
                continue;
            }
            "declarative_user_profile" | "openshift_integration" | "map_storage" => {
                out.finding(
                    "§3.8",
                    false,
                    format!("feature `{feature}` no longer exists on Quarkus and is not carried"),
                    Some(property.start_tag_range),
                );
                continue;
            }
            _ => {}
        }
        let quarkus = feature.to_ascii_lowercase().replace('_', "-");
        match value.as_str() {
            "enabled" => enabled.push(quarkus),
            "disabled" => disabled.push(quarkus),
            _ => {}
        }
    }
    if !enabled.is_empty() {
        out.option("features", enabled.join(","), true, "§3.8", first);
    }
    if !disabled.is_empty() {
        out.option("features-disabled", disabled.join(","), true, "§3.8", first);
    }
}

// ---------------------------------------------------------------------------------------------
// Application-server parts with no counterpart (X-002, M-036 .. M-038)

fn not_carried(out: &mut Builder, profile: &Profile<'_>) {
    if let Some(modcluster) = profile.subsystem("modcluster") {
        out.finding(
            "M-038",
            false,
            "mod_cluster is not carried over: put an HTTP load balancer with sticky sessions in front".to_string(),
            Some(modcluster.start_tag_range),
        );
    }
    if subsystem_child(profile, "undertow", "server").is_none()
        && profile.subsystem("undertow").is_none()
    {
        out.finding(
            "X-002",
            false,
            "the profile has no undertow subsystem; HTTP settings were not found".to_string(),
            None,
        );
    }
}

// ---------------------------------------------------------------------------------------------
// Rendering

/// The options as `keycloak.conf` or env-file text, grouped build-time first, each preceded by
/// a comment naming its mapping and legacy line; findings follow as comments.
pub fn render(
    migration: &Migration,
    emit: Emit,
    source_label: &str,
    row_of: &dyn Fn(TextRange) -> u32,
) -> String {
    let mut text = String::new();
    let what = match emit {
        Emit::Conf => "keycloak.conf",
        Emit::Env => "environment",
    };
    text.push_str(&format!(
        "# {what} for Keycloak {}, migrated by `idplint migrate keycloak-wildfly` from {source_label}.\n",
        migration.target
    ));
    text.push_str("# Each option names its mapping (M-..., see docs/keycloak-wildfly-migration.md) and the legacy line.\n");
    for (build_time, heading) in [
        (
            true,
            "Build options: `kc.sh build` bakes these in; images started with `start --optimized` must be rebuilt.",
        ),
        (false, "Runtime options."),
    ] {
        let options: Vec<&MigratedOption> = migration
            .options
            .iter()
            .filter(|o| o.build_time == build_time)
            .collect();
        if options.is_empty() {
            continue;
        }
        text.push_str(&format!("\n# {heading}\n"));
        for option in options {
            let line = option
                .from
                .map(|range| format!(" (line {})", row_of(range)))
                .unwrap_or_default();
            text.push_str(&format!("# {}{line}\n", option.mapping));
            match emit {
                Emit::Conf => text.push_str(&format!("{}={}\n", option.key, option.value)),
                Emit::Env => text.push_str(&format!(
                    "{}={}\n",
                    env_name(&option.key),
                    env_value(&option.value)
                )),
            }
        }
    }
    for (blocking, heading) in [
        (true, "Needs a decision before the first start:"),
        (false, "Notes (not carried over, or changed meaning):"),
    ] {
        let findings: Vec<&MigrationFinding> = migration
            .findings
            .iter()
            .filter(|f| f.blocking == blocking)
            .collect();
        if findings.is_empty() {
            continue;
        }
        text.push_str(&format!("\n# {heading}\n"));
        for finding in findings {
            let line = finding
                .at
                .map(|range| format!(" line {}:", row_of(range)))
                .unwrap_or_default();
            text.push_str(&format!(
                "# - [{}]{line} {}\n",
                finding.mapping, finding.message
            ));
        }
    }
    text
}

/// `${VAR:default}` (Quarkus) as `${VAR:-default}` (Compose env-file interpolation).
fn env_value(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    let mut rest = value;
    while let Some(open) = rest.find("${") {
        out.push_str(&rest[..open]);
        let after = &rest[open + 2..];
        let name_len = after
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
            .unwrap_or(after.len());
        out.push_str("${");
        out.push_str(&after[..name_len]);
        let tail = &after[name_len..];
        if let Some(default) = tail.strip_prefix(':')
            && !default.starts_with('-')
        {
            out.push_str(":-");
            rest = default;
        } else {
            rest = tail;
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
#[allow(clippy::expect_used)]
mod tests {
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
