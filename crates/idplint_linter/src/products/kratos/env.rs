//! Kratos configuration through environment variables (research kratos.md §5.4): one
//! `KratosEnvSet` unit per Compose service, Kubernetes container or ECS container definition
//! that runs Kratos, and per `.env` file meant for Kratos; and the mapping from a variable name
//! to the config key it sets.
//!
//! Kratos lower-cases a variable's name, turns every `_` into `.`, and compares the result
//! with every schema path whose `_` were turned into `.` as well: `SELFSERVICE_FLOWS_SETTINGS_
//! UI_URL` sets `selfservice.flows.settings.ui_url`. Numeric segments address list items
//! (`..._PROVIDERS_0_CLIENT_ID`). Keys inside free-form maps are not schema paths and cannot
//! be set one by one. A variable that matches no path is dropped without a word. Environment
//! variables beat the config file.
//!
//! The containers themselves are found by the shared extraction in `keycloak::extract`
//! (Compose, Kubernetes, ECS, `.env`), so both products read hosts the same way.

use super::catalog::{Catalog, KeyStatus, KeyType, Release, Row, config_catalog};
use crate::products::keycloak::extract::{Container, containers, dotenv_set, resolve_defaults};
use crate::source::{FileFormat, ParsedFile};
use crate::unit::{DetectedVersion, EnvEntry, EnvSet, EnvSource, Unit, UnitContent, UnitKind};
use crate::version::{Product, image_version};
use std::collections::HashMap;
use std::sync::OnceLock;

pub fn extract(file: &ParsedFile<'_>, out: &mut Vec<Unit>) {
    let Some(doc) = file.tree() else { return };
    match file.format {
        FileFormat::Env => {
            if let Some(set) = dotenv_set(file, doc)
                && is_kratos_dotenv(&file.file_name(), &set)
            {
                let label = file
                    .path
                    .rsplit(['/', '\\'])
                    .next()
                    .unwrap_or(file.path)
                    .to_string();
                out.push(unit(label, set, None));
            }
        }
        FileFormat::Yaml | FileFormat::Json => {
            for container in containers(file, doc) {
                out.extend(container_unit(container));
            }
        }
        FileFormat::Properties | FileFormat::Xml | FileFormat::Dockerfile | FileFormat::Code(_) => {
        }
    }
}

/// Words in an image or container name that mark a tool around Kratos, not the server
/// (`oryd/kratos-selfservice-ui-node`, `kratos-admin-ui`).
const TOOL_WORDS: &[&str] = &[
    "ui",
    "selfservice",
    "admin",
    "client",
    "exporter",
    "sdk",
    "frontend",
    "web",
];

/// Whether a name (`oryd/kratos`, `acme/auth-kratos`, `kratos-migrate`) names the Kratos
/// server: one of its `-`/`_`/`.` separated words is `kratos` and none is a tool word.
fn names_kratos(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    let words: Vec<&str> = lower.split(['-', '_', '.']).collect();
    words.contains(&"kratos") && !words.iter().any(|w| TOOL_WORDS.contains(w))
}

/// The repository's last path segment of an image reference, without tag or digest.
fn image_name(image: &str) -> &str {
    let without_digest = image.split('@').next().unwrap_or("");
    let last = without_digest.rsplit('/').next().unwrap_or("");
    last.split(':').next().unwrap_or("")
}

fn container_unit(container: Container<'_>) -> Option<Unit> {
    let image = container
        .image
        .and_then(|n| n.as_str().map(|s| (s.to_string(), n.range)));
    // An image that is only a variable (`${KRATOS_IMAGE}`) says nothing; fall back to the name.
    let resolved = image.as_ref().map(|(text, _)| resolve_defaults(text));
    let usable = resolved
        .as_deref()
        .filter(|r| !r.contains('$') && !r.contains("{{") && !r.trim().is_empty());
    let runs_kratos = match usable {
        Some(image) => names_kratos(image_name(image)),
        None => names_kratos(&container.name),
    };
    if !runs_kratos {
        return None;
    }
    let detected_version = usable
        .zip(image.as_ref())
        .and_then(|(resolved, (text, range))| match image_version(resolved) {
            Some((Product::Kratos, version, _)) => Some(DetectedVersion {
                version,
                range: *range,
                what: format!("the image `{text}`"),
            }),
            _ => None,
        });
    let mut set = container.set;
    set.image = image;
    Some(unit(container.label, set, detected_version))
}

/// A `.env` file is Kratos' when its name says so (`kratos.env`, `.env.kratos`), or when at
/// least two of its variables set Kratos keys under a Kratos-only top-level key
/// (`SELFSERVICE_`, `SECRETS_`, `COURIER_`, ...) and they are at least a third of the file;
/// a project-wide `.env` with one `DSN` is not.
fn is_kratos_dotenv(name: &str, set: &EnvSet) -> bool {
    if name.contains("kratos") {
        return true;
    }
    let Ok(catalog) = config_catalog() else {
        return false;
    };
    let index = index(catalog);
    let distinctive = set
        .entries
        .iter()
        .filter(|e| has_kratos_prefix(&e.name) && resolve(index, catalog, &e.name, None).is_some())
        .count();
    distinctive >= 2 && distinctive * 3 >= set.entries.len()
}

/// Top-level keys that only Kratos (among what shares `.env` files) uses.
pub(crate) const KRATOS_PREFIXES: &[&str] = &[
    "SELFSERVICE_",
    "SECRETS_",
    "COURIER_",
    "SERVE_PUBLIC_",
    "SERVE_ADMIN_",
    "IDENTITY_",
    "HASHERS_",
    "CIPHERS_",
    "SESSION_",
    "COOKIES_",
    "OAUTH2_PROVIDER_",
    "FEATURE_FLAGS_",
];

/// Whether the name starts like a Kratos config variable, so a miss is probably a typo.
pub fn has_kratos_prefix(name: &str) -> bool {
    let upper = name.to_ascii_uppercase();
    KRATOS_PREFIXES.iter().any(|p| upper.starts_with(p))
}

fn unit(label: String, set: EnvSet, detected_version: Option<DetectedVersion>) -> Unit {
    // Only real environment entries: command-line options are Keycloak's business here.
    let mut set = set;
    set.entries.retain(|e| !e.source.is_command_line());
    let secrets = set
        .entries
        .iter()
        .filter(|e| e.source != EnvSource::EcsSecret && is_secret(e))
        .filter_map(|e| e.value_range)
        .filter(|r| !r.is_empty())
        .collect();
    Unit {
        kind: UnitKind::KratosEnvSet,
        label,
        content: UnitContent::Env(set),
        detected_version,
        secrets,
    }
}

/// Credentials among Kratos variables: the DSN, the `SECRETS_*` lists, the SMTP URI, OIDC
/// providers (JSON with client secrets), and anything named like a password or secret.
pub fn is_secret(entry: &EnvEntry) -> bool {
    let upper = entry.name.to_ascii_uppercase();
    upper == "DSN"
        || upper.starts_with("SECRETS_")
        || upper == "COURIER_SMTP_CONNECTION_URI"
        || upper.starts_with("SELFSERVICE_METHODS_OIDC_CONFIG_PROVIDERS")
        || [
            "SECRET",
            "PASSWORD",
            "PASSWD",
            "TOKEN",
            "PRIVATE_KEY",
            "API_KEY",
            "CREDENTIAL",
        ]
        .iter()
        .any(|w| upper.contains(w))
}

// ---------------------------------------------------------------------------------------
// Variable names to key paths

/// The catalog rows each normalised variable form can set: `selfservice.flows.settings.ui.url`
/// -> rows of `selfservice.flows.settings.ui_url`; list items are `#`.
struct EnvIndex {
    by_form: HashMap<String, Vec<usize>>,
}

fn index(catalog: &'static Catalog) -> &'static EnvIndex {
    static INDEX: OnceLock<EnvIndex> = OnceLock::new();
    INDEX.get_or_init(|| {
        let mut by_form: HashMap<String, Vec<usize>> = HashMap::new();
        for (i, row) in catalog.rows().iter().enumerate() {
            if let Some(form) = row_form(&row.path) {
                by_form.entry(form).or_default().push(i);
            }
        }
        EnvIndex { by_form }
    })
}

/// `selfservice.methods.oidc.config.providers[].client_id` ->
/// `selfservice.methods.oidc.config.providers.#.client.id`; `None` for paths inside free-form
/// maps (`*`), which Kratos does not enumerate.
fn row_form(path: &str) -> Option<String> {
    let mut tokens: Vec<String> = Vec::new();
    for segment in path.replace("[]", ".#").split('.') {
        if segment == "*" {
            return None;
        }
        if segment == "#" {
            tokens.push("#".into());
            continue;
        }
        tokens.extend(segment.split('_').map(str::to_string));
    }
    Some(tokens.join("."))
}

/// `SELFSERVICE_METHODS_OIDC_CONFIG_PROVIDERS_0_CLIENT_ID` ->
/// `selfservice.methods.oidc.config.providers.#.client.id`.
fn env_form(name: &str) -> String {
    name.to_ascii_lowercase()
        .split('_')
        .map(|t| {
            if !t.is_empty() && t.bytes().all(|b| b.is_ascii_digit()) {
                "#"
            } else {
                t
            }
        })
        .collect::<Vec<_>>()
        .join(".")
}

/// What a variable sets.
#[derive(Debug)]
pub struct Resolved {
    /// The catalog row (of the target release when it has the key).
    pub row: &'static Row,
    /// The key path as the user addressed it: `selfservice.methods.oidc.config.providers[0].client_id`.
    pub display: String,
    /// Whether the row is valid on the release asked for (always true without one).
    pub status: Status,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    Valid,
    /// The key exists only from this release on.
    Later(Release),
    /// The key was removed in this release.
    Removed(Option<Release>),
}

/// The key `name` sets, on `release` (any release when `None`); `None` when it matches no
/// key of any release.
fn resolve(
    index: &EnvIndex,
    catalog: &'static Catalog,
    name: &str,
    release: Option<Release>,
) -> Option<Resolved> {
    let rows = index.by_form.get(&env_form(name))?;
    let rows: Vec<&'static Row> = rows.iter().map(|&i| &catalog.rows()[i]).collect();
    let first = rows.first()?;
    let display = display_path(&first.path, name);
    let Some(at) = release else {
        return Some(Resolved {
            row: first,
            display,
            status: Status::Valid,
        });
    };
    // Rows sharing a form may be different paths (rare); take the best status among them.
    let mut best: Option<Resolved> = None;
    for row in rows {
        let status = match catalog.status(&row.path, at) {
            KeyStatus::Valid(r) => {
                return Some(Resolved {
                    row: r,
                    display: display_path(&r.path, name),
                    status: Status::Valid,
                });
            }
            KeyStatus::Later(r) => (r, Status::Later(r.window.since.unwrap_or(at))),
            KeyStatus::Removed(r) => (r, Status::Removed(r.window.until)),
            KeyStatus::Unknown => continue,
        };
        if best.is_none() {
            best = Some(Resolved {
                row: status.0,
                display: display_path(&status.0.path, name),
                status: status.1,
            });
        }
    }
    best
}

/// The key path of `row_path` with the list indexes written in `name`.
fn display_path(row_path: &str, name: &str) -> String {
    let tokens: Vec<String> = name
        .to_ascii_lowercase()
        .split('_')
        .map(str::to_string)
        .collect();
    let mut at = 0;
    let mut out = String::new();
    for segment in row_path.replace("[]", ".#").split('.') {
        if segment == "#" {
            let index = tokens.get(at).cloned().unwrap_or_else(|| "0".into());
            out.push_str(&format!("[{index}]"));
            at += 1;
            continue;
        }
        at += segment.split('_').count();
        if !out.is_empty() {
            out.push('.');
        }
        out.push_str(segment);
    }
    out
}

/// The catalog and its index, when the catalog loads (the catalog tests make sure it does).
pub fn lookup(name: &str, release: Option<Release>) -> Lookup {
    let Ok(catalog) = config_catalog() else {
        return Lookup::NoCatalog;
    };
    let index = index(catalog);
    match resolve(index, catalog, name, release) {
        Some(resolved) => Lookup::Key(resolved),
        None => Lookup::Unknown {
            suggestion: nearest(catalog, name, release),
        },
    }
}

#[derive(Debug)]
pub enum Lookup {
    Key(Resolved),
    /// No key of any release; the closest variable that does set one, with its path.
    Unknown {
        suggestion: Option<(String, String)>,
    },
    NoCatalog,
}

/// The variable name of a catalog path, list items as `0`: `SELFSERVICE_FLOWS_LOGIN_UI_URL`.
fn env_name_of(path: &str) -> Option<String> {
    if path.contains('*') {
        return None;
    }
    Some(
        path.replace("[]", "_0")
            .replace('.', "_")
            .to_ascii_uppercase(),
    )
}

/// The closest variable (by Jaro-Winkler, as for Keycloak options) that sets a key valid on
/// `release` (or on any release), and that key's path.
fn nearest(
    catalog: &'static Catalog,
    name: &str,
    release: Option<Release>,
) -> Option<(String, String)> {
    let candidates: Vec<(String, &str)> = catalog
        .rows()
        .iter()
        .filter(|row| release.is_none_or(|at| row.window.contains(at)))
        .filter_map(|row| env_name_of(&row.path).map(|n| (n, row.path.as_str())))
        .collect();
    let best = crate::suggest::closest(
        &name.to_ascii_uppercase(),
        candidates.iter().map(|(n, _)| n.as_str()),
    )?;
    let path = candidates
        .iter()
        .find(|(n, _)| *n == best)
        .map(|(_, p)| p.to_string())?;
    Some((best, path))
}

/// What is wrong with a variable's value for the key's type, as Kratos converts it
/// (`configx/koanf_env.go`): booleans and numbers go through `spf13/cast`, which turns
/// anything it cannot read into `false`/`0` without a word; objects and lists of objects
/// must be JSON, and invalid JSON becomes null; string lists may be JSON or `a,b`. `None`
/// when the value is fine. Messages never quote the value.
pub fn value_problem(row: &Row, value: &str) -> Option<String> {
    let value = value.trim();
    let json = |expect_object: bool| match serde_json::from_str::<serde_json::Value>(value) {
        Ok(serde_json::Value::Object(_)) if expect_object => None,
        Ok(serde_json::Value::Array(_)) if !expect_object => None,
        Ok(_) => Some(format!(
            "is JSON but not {}, so the config fails validation",
            if expect_object { "an object" } else { "a list" }
        )),
        Err(error) => Some(format!(
            "is not valid JSON ({}): Kratos sets the key to null, so the config fails validation",
            json_error(&error)
        )),
    };
    match row.ty {
        KeyType::Object | KeyType::Map => json(true),
        KeyType::Array => {
            let items = config_catalog()
                .ok()
                .and_then(|c| c.rows_of(&format!("{}[]", row.path)).next())
                .map(|item| item.ty);
            match items {
                // `SECRETS_COOKIE=a,b` is a comma-separated list unless it is JSON.
                Some(
                    KeyType::String
                    | KeyType::Boolean
                    | KeyType::Integer
                    | KeyType::Number
                    | KeyType::Any,
                )
                | None => None,
                Some(_) => json(false),
            }
        }
        KeyType::Boolean => (!matches!(
            value,
            "1" | "t"
                | "T"
                | "TRUE"
                | "true"
                | "True"
                | "0"
                | "f"
                | "F"
                | "FALSE"
                | "false"
                | "False"
        ))
        .then(|| "is not a boolean (`true` or `false`): Kratos reads it as false".into()),
        KeyType::Integer => value
            .parse::<i64>()
            .is_err()
            .then(|| "is not a whole number: Kratos reads it as 0".into()),
        KeyType::Number => value
            .parse::<f64>()
            .is_err()
            .then(|| "is not a number: Kratos reads it as 0".into()),
        KeyType::String => None,
        KeyType::Any => None,
    }
}

/// A JSON error without the text around it (the value may be a secret): line and column only.
fn json_error(error: &serde_json::Error) -> String {
    format!("line {}, column {}", error.line(), error.column())
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn release(text: &str) -> Option<Release> {
        crate::version::ProductVersion::parse(text).map(|v| Release::of(&v))
    }

    #[test]
    fn forms() {
        assert_eq!(
            row_form("selfservice.methods.oidc.config.providers[].client_id").unwrap(),
            "selfservice.methods.oidc.config.providers.#.client.id"
        );
        assert_eq!(
            env_form("SELFSERVICE_METHODS_OIDC_CONFIG_PROVIDERS_0_CLIENT_ID"),
            "selfservice.methods.oidc.config.providers.#.client.id"
        );
        assert!(row_form("courier.smtp.headers.*").is_none());
        assert_eq!(
            display_path(
                "selfservice.methods.oidc.config.providers[].client_id",
                "SELFSERVICE_METHODS_OIDC_CONFIG_PROVIDERS_2_CLIENT_ID"
            ),
            "selfservice.methods.oidc.config.providers[2].client_id"
        );
    }

    #[test]
    fn lookups() {
        let at = release("v1.1.0");
        match lookup("SELFSERVICE_FLOWS_SETTINGS_UI_URL", at) {
            Lookup::Key(r) => {
                assert_eq!(r.display, "selfservice.flows.settings.ui_url");
                assert_eq!(r.status, Status::Valid);
            }
            other => panic!("{other:?}"),
        }
        match lookup("DSN", at) {
            Lookup::Key(r) => assert_eq!(r.display, "dsn"),
            other => panic!("{other:?}"),
        }
        match lookup("SELFSERVICE_METHODS_OIDC_CONFIG_PROVIDERS_0_CLIENT_ID", at) {
            Lookup::Key(r) => assert_eq!(
                r.display,
                "selfservice.methods.oidc.config.providers[0].client_id"
            ),
            other => panic!("{other:?}"),
        }
        match lookup("SELFSERVICE_FLOWS_SETTING_UI_URL", at) {
            Lookup::Unknown { suggestion } => assert_eq!(
                suggestion.map(|s| s.0).as_deref(),
                Some("SELFSERVICE_FLOWS_SETTINGS_UI_URL")
            ),
            other => panic!("{other:?}"),
        }
        match lookup("COURIER_MESSAGE_TTL", release("v0.11.1")) {
            Lookup::Key(r) => assert!(matches!(r.status, Status::Removed(_))),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn kratos_names() {
        assert!(names_kratos("kratos"));
        assert!(names_kratos("auth-kratos"));
        assert!(names_kratos("kratos-migrate"));
        assert!(!names_kratos("kratos-selfservice-ui-node"));
        assert!(!names_kratos("kratos-admin-ui"));
        assert!(!names_kratos("postgres"));
        assert_eq!(image_name("docker.io/oryd/kratos:v1.1.0"), "kratos");
        assert_eq!(
            image_name("localhost:5000/oryd/kratos@sha256:abc"),
            "kratos"
        );
    }
}
