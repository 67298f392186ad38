//! `keycloak/unknown-option`: a `KC_*` variable, keycloak.conf key or `--option` that the
//! target release does not know. Keycloak drops unknown variables and conf keys without a
//! word, so a typo or a removed option silently leaves the default in place; on the command
//! line `kc.sh` refuses to start.

use super::{env_set, target};
use crate::products::keycloak::catalog::{Availability, OptionKind, catalog};
use crate::products::keycloak::values::{LAUNCHER_VARIABLES, option_of};
use crate::rule::{Rule, RuleContext, RuleMeta};
use crate::unit::{EnvEntry, EnvSource, UnitKind};
use idplint_diagnostics::{Applicability, Diagnostic, Edit, Fix, Severity, Tag, TextRange};
use std::sync::Arc;

pub const ID: &str = "keycloak/unknown-option";

/// Options whose removal a dedicated rule reports (with a better message and a fix).
pub const COVERED_BY_OTHER_RULES: &[&str] = &[
    "proxy",
    "hostname-url",
    "hostname-admin-url",
    "hostname-path",
    "hostname-port",
    "hostname-strict-https",
    "hostname-strict-backchannel",
];

pub fn factory(meta: Arc<RuleMeta>) -> Box<dyn Rule> {
    Box::new(UnknownOption { meta })
}

struct UnknownOption {
    meta: Arc<RuleMeta>,
}

impl Rule for UnknownOption {
    fn meta(&self) -> &RuleMeta {
        &self.meta
    }

    fn unit_kind(&self) -> UnitKind {
        UnitKind::KeycloakEnvSet
    }

    fn check(&self, ctx: &RuleContext<'_>, out: &mut Vec<Diagnostic>) {
        let Some(set) = env_set(ctx) else { return };
        let catalog = catalog();
        if catalog.options().is_empty() {
            return;
        }
        let version = target(ctx);
        for entry in &set.entries {
            let cli = entry.source == EnvSource::CommandLine;
            if !cli
                && !entry.source.is_conf_file()
                && LAUNCHER_VARIABLES.contains(&entry.name.as_str())
            {
                continue;
            }
            if entry.source.is_conf_file() && entry.name.starts_with(';') {
                out.push(self.semicolon_comment(entry));
                continue;
            }
            let Some(option) = option_of(entry) else {
                continue;
            };
            let finding = match catalog.lookup(&option) {
                None => Some(Finding::Unknown),
                Some(def) if def.kind == OptionKind::Cli && !cli => Some(Finding::CliOnly),
                Some(def) => match version.map(|v| def.availability(v)) {
                    Some(Availability::NotYet(since)) => Some(Finding::NotYet(since.to_string())),
                    Some(Availability::Removed(_))
                        if COVERED_BY_OTHER_RULES.contains(&def.name.as_str()) =>
                    {
                        None
                    }
                    Some(Availability::Removed(removed)) => Some(Finding::Removed(
                        removed.to_string(),
                        def.replacement.clone(),
                    )),
                    Some(Availability::Available) | None => None,
                },
            };
            if let Some(finding) = finding {
                out.push(self.report(entry, &option, finding, version.map(ToString::to_string)));
            }
        }
    }
}

enum Finding {
    Unknown,
    CliOnly,
    NotYet(String),
    Removed(String, Option<String>),
}

impl UnknownOption {
    /// `; note` in keycloak.conf: properties files have no `;` comments, so the line is a key
    /// nobody reads. Turning it into a `#` comment keeps exactly that behaviour.
    fn semicolon_comment(&self, entry: &EnvEntry) -> Diagnostic {
        let at = entry.name_range.start;
        let fix = Fix::new(
            "Start the comment with `#`",
            Applicability::Safe,
            vec![Edit::replace(TextRange::new(at, at + 1), "#")],
        );
        Diagnostic::new(
            self.meta.id.clone(),
            self.meta.severity,
            "This line is not a comment: keycloak.conf comments start with `#`, so Keycloak reads it as an unknown key and ignores it",
            TextRange::new(at, entry.item_range.end.max(at + 1)),
        )
        .with_fix(fix)
    }

    fn report(
        &self,
        entry: &EnvEntry,
        option: &str,
        finding: Finding,
        version: Option<String>,
    ) -> Diagnostic {
        let name = &entry.name;
        let cli = entry.source == EnvSource::CommandLine;
        // What happens at startup, so the reader knows how bad it is.
        let effect = if cli {
            "`kc.sh` stops with an unknown-option error"
        } else {
            "Keycloak ignores it without a warning"
        };
        let on = version.as_deref().map_or_else(
            || "any Keycloak release".to_string(),
            |v| format!("Keycloak {v}"),
        );
        let mut suggestion = None;
        let message = match &finding {
            Finding::Unknown => {
                suggestion = suggest(entry, option, version.as_deref());
                let mut message = format!("`{name}` is not an option of {on}: {effect}");
                if let Some(s) = &suggestion {
                    message.push_str(&format!("; did you mean `{s}`?"));
                }
                message
            }
            Finding::CliOnly => format!(
                "`{name}` is not an option: `--{option}` exists only as a command-line flag, so Keycloak ignores it here"
            ),
            Finding::NotYet(since) => format!(
                "`{name}` does not exist before Keycloak {since} ({on} is the target): {effect}"
            ),
            Finding::Removed(removed, replacement) => {
                let mut message = format!("`{name}` was removed in Keycloak {removed}: {effect}");
                if let Some(replacement) = replacement {
                    message.push_str(&format!("; use {replacement} instead"));
                }
                message
            }
        };
        // A name in a .env file that resembles no option is as likely a variable for
        // Compose's own `${...}` interpolation as a mistake: information only.
        let interpolation_source = entry.source == EnvSource::DotEnv
            && matches!(finding, Finding::Unknown)
            && suggestion.is_none();
        let severity = if cli {
            Severity::Error
        } else if interpolation_source {
            Severity::Info
        } else {
            self.meta.severity
        };
        let mut diagnostic =
            Diagnostic::new(self.meta.id.clone(), severity, message, entry.name_range);
        if matches!(finding, Finding::Removed(..)) {
            diagnostic = diagnostic.with_tag(Tag::Unnecessary);
        }
        if interpolation_source {
            diagnostic = diagnostic.with_help(
                "If this .env file only supplies `${...}` values to a Compose file, this is fine; if it is an `env_file` of the Keycloak service, the variable has no effect",
            );
        } else if version.is_none() && matches!(finding, Finding::Unknown) {
            diagnostic = diagnostic.with_help(
                "No Keycloak version is known, so this was checked against every release; set `--target keycloak=<version>` for exact results",
            );
        }
        // A likely typo gets a rename the editor can offer, never applied automatically: the
        // option then takes effect, which can change behaviour or stop startup.
        if let Some(edit) = suggestion.as_deref().and_then(|s| entry.rename_edit(s)) {
            diagnostic = diagnostic.with_fix(Fix::new(
                format!("Rename to `{}`", suggestion.as_deref().unwrap_or_default()),
                Applicability::DisplayOnly,
                vec![edit],
            ));
        }
        diagnostic
    }
}

/// The closest known name in the entry's own spelling.
fn suggest(entry: &EnvEntry, option: &str, version: Option<&str>) -> Option<String> {
    let version = version.and_then(crate::version::ProductVersion::parse);
    let cli = entry.source == EnvSource::CommandLine;
    let found = catalog().suggest(option, version.as_ref(), cli)?;
    Some(entry.spell_option(&found))
}
