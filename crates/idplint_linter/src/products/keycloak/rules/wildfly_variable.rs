//! `keycloak/wildfly-variable-ignored`: environment variables of the WildFly-based images
//! (`jboss/keycloak`, Keycloak 16 and older) on a Quarkus-based container. The Quarkus
//! distribution does not read them, so after a migration they silently stop doing anything:
//! the admin user is not created, the database settings are not applied, proxy headers are
//! not trusted.

use super::{env_set, target};
use crate::products::keycloak::extract::image_repository;
use crate::products::keycloak::values::{looks_bitnami, sets_option};
use crate::rule::{Rule, RuleContext, RuleMeta};
use crate::unit::{EnvEntry, EnvSet, EnvSource, UnitKind};
use crate::version::ProductVersion;
use idplint_diagnostics::{Applicability, Diagnostic, Edit, Fix, Tag};
use std::sync::Arc;

pub const ID: &str = "keycloak/wildfly-variable-ignored";

pub fn factory(meta: Arc<RuleMeta>) -> Box<dyn Rule> {
    Box::new(WildflyVariable { meta })
}

struct WildflyVariable {
    meta: Arc<RuleMeta>,
}

/// What replaces a WildFly-image variable.
enum Replacement {
    /// Same meaning under another name: the option (kebab-case) to rename to.
    Option(&'static str),
    /// The bootstrap admin variables, whose name depends on the target release.
    Admin {
        until_26: &'static str,
        from_26: &'static str,
    },
    /// No mechanical equivalent: advice only.
    Advice(&'static str),
}

/// `(variable, replacement, only on the official image)`. Generic `DB_*` names are reported
/// only on Keycloak's own image: a custom image's entrypoint may still read them.
const VARIABLES: &[(&str, Replacement, bool)] = &[
    (
        "KEYCLOAK_USER",
        Replacement::Admin {
            until_26: "KEYCLOAK_ADMIN",
            from_26: "KC_BOOTSTRAP_ADMIN_USERNAME",
        },
        false,
    ),
    (
        "KEYCLOAK_PASSWORD",
        Replacement::Admin {
            until_26: "KEYCLOAK_ADMIN_PASSWORD",
            from_26: "KC_BOOTSTRAP_ADMIN_PASSWORD",
        },
        false,
    ),
    (
        "KEYCLOAK_USER_FILE",
        Replacement::Advice(
            "`KC_BOOTSTRAP_ADMIN_USERNAME` (26+) or `KEYCLOAK_ADMIN`, filled from your secret store",
        ),
        false,
    ),
    (
        "KEYCLOAK_PASSWORD_FILE",
        Replacement::Advice(
            "`KC_BOOTSTRAP_ADMIN_PASSWORD` (26+) or `KEYCLOAK_ADMIN_PASSWORD`, filled from your secret store",
        ),
        false,
    ),
    (
        "PROXY_ADDRESS_FORWARDING",
        Replacement::Advice(
            "`KC_PROXY_HEADERS=xforwarded` (24+; `KC_PROXY=edge` before) and `KC_HTTP_ENABLED=true` behind a TLS-terminating proxy",
        ),
        false,
    ),
    (
        "KEYCLOAK_FRONTEND_URL",
        Replacement::Advice("`KC_HOSTNAME` with the full URL (25+; `KC_HOSTNAME_URL` before)"),
        false,
    ),
    (
        "KEYCLOAK_HOSTNAME",
        Replacement::Advice("`KC_HOSTNAME`"),
        false,
    ),
    (
        "KEYCLOAK_IMPORT",
        Replacement::Advice(
            "`--import-realm` with the realm file mounted in /opt/keycloak/data/import",
        ),
        false,
    ),
    ("KEYCLOAK_LOGLEVEL", Replacement::Option("log-level"), false),
    (
        "ROOT_LOGLEVEL",
        Replacement::Advice("`KC_LOG_LEVEL`"),
        false,
    ),
    (
        "JGROUPS_DISCOVERY_PROTOCOL",
        Replacement::Advice(
            "`KC_CACHE_STACK` (the default `jdbc-ping` since 26.1 needs no discovery setup)",
        ),
        false,
    ),
    (
        "JGROUPS_DISCOVERY_PROPERTIES",
        Replacement::Advice(
            "`KC_CACHE_STACK` or a custom cache configuration (`KC_CACHE_CONFIG_FILE`)",
        ),
        false,
    ),
    (
        "CACHE_OWNERS_COUNT",
        Replacement::Advice("a custom cache configuration (`KC_CACHE_CONFIG_FILE`)"),
        false,
    ),
    ("DB_VENDOR", Replacement::Option("db"), true),
    ("DB_ADDR", Replacement::Option("db-url-host"), true),
    ("DB_PORT", Replacement::Option("db-url-port"), true),
    ("DB_DATABASE", Replacement::Option("db-url-database"), true),
    ("DB_SCHEMA", Replacement::Option("db-schema"), true),
    ("DB_USER", Replacement::Option("db-username"), true),
    ("DB_PASSWORD", Replacement::Option("db-password"), true),
];

/// `DB_VENDOR` values and their `db` equivalents.
fn db_kind(vendor: &str) -> Option<&'static str> {
    Some(match vendor.trim().to_ascii_lowercase().as_str() {
        "postgres" | "postgresql" => "postgres",
        "mysql" => "mysql",
        "mariadb" => "mariadb",
        "mssql" => "mssql",
        "oracle" => "oracle",
        "h2" => "dev-file",
        _ => return None,
    })
}

fn is_official_quarkus_image(set: &EnvSet) -> bool {
    set.image
        .as_ref()
        .is_some_and(|(image, _)| image_repository(image).ends_with("keycloak/keycloak"))
}

impl Rule for WildflyVariable {
    fn meta(&self) -> &RuleMeta {
        &self.meta
    }

    fn unit_kind(&self) -> UnitKind {
        UnitKind::KeycloakEnvSet
    }

    fn check(&self, ctx: &RuleContext<'_>, out: &mut Vec<Diagnostic>) {
        let Some(set) = env_set(ctx) else { return };
        // Bitnami's images have their own KEYCLOAK_* and DB-related variables.
        if looks_bitnami(set) {
            return;
        }
        let official = is_official_quarkus_image(set);
        let version = target(ctx);
        for entry in &set.entries {
            // A .env file says nothing about the image it is used with, and often only feeds
            // `${...}` interpolation in a Compose file.
            if entry.source.is_command_line()
                || entry.source.is_conf_file()
                || entry.source == EnvSource::DotEnv
            {
                continue;
            }
            let Some((_, replacement, official_only)) =
                VARIABLES.iter().find(|(name, _, _)| *name == entry.name)
            else {
                continue;
            };
            if *official_only && !official {
                continue;
            }
            out.push(self.report(ctx, set, entry, replacement, version));
        }
    }
}

impl WildflyVariable {
    fn report(
        &self,
        ctx: &RuleContext<'_>,
        set: &EnvSet,
        entry: &EnvEntry,
        replacement: &Replacement,
        version: Option<&ProductVersion>,
    ) -> Diagnostic {
        let from_26 = version.map(|v| v.major() >= 26);
        let new_name: Option<String> = match replacement {
            Replacement::Option(option) => Some(entry.spell_option(option)),
            Replacement::Admin {
                until_26,
                from_26: new,
            } => match from_26 {
                Some(true) => Some((*new).to_string()),
                Some(false) => Some((*until_26).to_string()),
                None => None,
            },
            Replacement::Advice(_) => None,
        };
        let instead = match (replacement, &new_name) {
            (_, Some(name)) => format!("`{name}`"),
            (Replacement::Admin { until_26, from_26 }, None) => {
                format!("`{from_26}` (26+) or `{until_26}` (17-25)")
            }
            (Replacement::Advice(text), None) => (*text).to_string(),
            (Replacement::Option(_), None) => String::new(),
        };
        let message = format!(
            "`{}` is read only by the WildFly-based Keycloak images (16 and older); this Quarkus-based container ignores it. Use {instead} instead",
            entry.name
        );
        let diagnostic = ctx
            .diagnostic(entry.name_range, message)
            .with_tag(Tag::Unnecessary)
            .with_help("If your own image's entrypoint still translates this variable, suppress the finding on this line");
        let Some(new_name) = new_name else {
            return diagnostic;
        };
        // Renaming makes the setting take effect, which is the point but changes behaviour.
        let already = set.entries.iter().any(|e| e.name == new_name)
            || matches!(replacement, Replacement::Option(o) if sets_option(set, o));
        let mut edits = Vec::new();
        if already {
            edits.push(Edit::delete(entry.removal_range));
        } else {
            let Some(rename) = entry.rename_edit(&new_name) else {
                return diagnostic;
            };
            edits.push(rename);
            if entry.name == "DB_VENDOR" {
                let vendor = entry.value.as_deref().unwrap_or_default();
                let Some(kind) = db_kind(vendor) else {
                    return diagnostic;
                };
                if kind != vendor {
                    let Some(edit) = entry.set_value_edit(kind, ctx.file.text) else {
                        return diagnostic;
                    };
                    edits.push(edit);
                }
            }
        }
        let what = if already {
            format!("Remove `{}` (`{new_name}` is already set)", entry.name)
        } else {
            format!("Rename `{}` to `{new_name}`", entry.name)
        };
        diagnostic.with_fix(Fix::new(what, Applicability::Unsafe, edits))
    }
}
