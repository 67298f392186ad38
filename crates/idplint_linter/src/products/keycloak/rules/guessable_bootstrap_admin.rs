//! `keycloak/guessable-bootstrap-admin`: the first administrator of the master realm created
//! with a password anyone would try first (`admin`, `password`, the user name itself).
//! Keycloak applies no password policy to the bootstrap admin, so whatever is written here is
//! the key to every realm until someone replaces the temporary account.

use super::{env_set, runs_start_dev};
use crate::products::keycloak::values::option_of;
use crate::rule::{FnRule, Rule, RuleContext, RuleMeta};
use crate::unit::{EnvEntry, EnvSet, UnitKind, ValueKind};
use idplint_diagnostics::{Diagnostic, Severity};
use std::sync::Arc;

pub const ID: &str = "keycloak/guessable-bootstrap-admin";

pub fn factory(meta: Arc<RuleMeta>) -> Box<dyn Rule> {
    FnRule::boxed(meta, UnitKind::KeycloakEnvSet, check)
}

/// Passwords found first by any guessing list, compared case-insensitively.
const GUESSABLE: &[&str] = &[
    "admin",
    "administrator",
    "password",
    "passw0rd",
    "pass",
    "changeme",
    "change_me",
    "changeit",
    "keycloak",
    "secret",
    "root",
    "test",
    "demo",
    "admin123",
    "admin1234",
    "password1",
    "password123",
    "123456",
    "12345678",
    "qwerty",
    "letmein",
];

/// Which bootstrap-admin setting an entry is: the 26+ options or the 17-25 variables.
fn role(entry: &EnvEntry) -> Option<&'static str> {
    match option_of(entry).as_deref() {
        Some("bootstrap-admin-password") => return Some("password"),
        Some("bootstrap-admin-username") => return Some("username"),
        Some(_) => return None,
        None => {}
    }
    if entry.source.is_command_line() || entry.source.is_conf_file() {
        return None;
    }
    // The WildFly-era and Bitnami names count too: `keycloak/wildfly-variable` renames them to
    // the bootstrap variables, and the weak password is the same before and after.
    match entry.name.as_str() {
        "KEYCLOAK_ADMIN_PASSWORD" | "KEYCLOAK_PASSWORD" => Some("password"),
        "KEYCLOAK_ADMIN" | "KEYCLOAK_USER" | "KEYCLOAK_ADMIN_USER" => Some("username"),
        _ => None,
    }
}

fn literal(entry: &EnvEntry) -> Option<&str> {
    (entry.value_kind == ValueKind::Literal)
        .then_some(entry.value.as_deref()?.trim())
        .filter(|v| !v.is_empty())
}

/// The user name the password would be guessed together with (Keycloak's default is `admin`
/// for the 26 options; the old variables have no default).
fn username(set: &EnvSet) -> Option<&str> {
    set.entries
        .iter()
        .filter(|e| role(e) == Some("username"))
        .find_map(literal)
}

fn check(ctx: &RuleContext<'_>, out: &mut Vec<Diagnostic>) {
    let Some(set) = env_set(ctx) else { return };
    let user = username(set);
    let dev = runs_start_dev(ctx);
    for entry in set.entries.iter().filter(|e| role(e) == Some("password")) {
        let Some(password) = literal(entry) else {
            continue;
        };
        let lower = password.to_ascii_lowercase();
        // Why it is guessable, without ever repeating the value.
        let reason = if user.is_some_and(|u| u.eq_ignore_ascii_case(password)) {
            "is the same as the user name"
        } else if GUESSABLE.contains(&lower.as_str()) {
            "is on every password-guessing list"
        } else if password.chars().count() < 8 {
            "is shorter than 8 characters"
        } else {
            continue;
        };
        let message = format!(
            "The bootstrap admin password in `{}` {reason}; Keycloak applies no password policy to it",
            entry.name
        );
        let mut diagnostic = ctx.diagnostic(entry.name_range, message).with_help(
            "Generate a long random password and pass it from a secret store (Kubernetes secretKeyRef, ECS secrets, `${VAR}`), then replace the temporary admin after the first start",
        );
        if dev {
            // A laptop-only development server: worth knowing, not worth failing a build.
            diagnostic.severity = Severity::Info;
        }
        out.push(diagnostic);
    }
}
