//! `keycloak/option-precedence` (a cross-file rule): one option set in more than one place
//! that a Keycloak process reads, with different values. Keycloak takes the command line over
//! the environment over keycloak.conf, and Compose takes `environment` over `env_file`, so
//! every other place is dead configuration that a reader may take for the real value.
//!
//! Decisions:
//! - Within one process (a container's `command`/`args` and its environment) the finding is
//!   on the value that wins, with a label on each overridden place.
//! - A Compose `env_file:` names a `.env` file; when that file is part of the run, its
//!   variables are compared with the service's `environment` and command line, and the
//!   finding is on the overridden line of the `.env` file (the one that has no effect). The
//!   path is resolved against the Compose file's directory; files outside the run are not
//!   read (rules never touch the filesystem).
//! - The same value written twice is harmless repetition and is not reported; nor are
//!   keycloak.conf profile keys (`%dev.db`), which apply to one profile only.

use super::super::values::{describe_source, option_of};
use crate::rule::{ProjectContext, ProjectDiagnostic, ProjectUnit, Rule, RuleContext, RuleMeta};
use crate::source::{normalise_path, parent_dir};
use crate::unit::{EnvEntry, EnvSet, EnvSource, UnitContent, UnitKind};
use idplint_diagnostics::{Diagnostic, LineIndex};
use std::sync::Arc;

pub const ID: &str = "keycloak/option-precedence";

pub fn factory(meta: Arc<RuleMeta>) -> Box<dyn Rule> {
    Box::new(OptionPrecedence { meta })
}

struct OptionPrecedence {
    meta: Arc<RuleMeta>,
}

/// Keycloak's order: command line, then environment, then keycloak.conf.
fn rank(source: EnvSource) -> u8 {
    if source.is_command_line() {
        2
    } else if source.is_conf_file() {
        0
    } else {
        1
    }
}

fn place(entry: &EnvEntry) -> &'static str {
    describe_source(entry.source)
}

/// The option of an entry that applies to every profile.
fn plain_option(entry: &EnvEntry) -> Option<String> {
    if entry.name.starts_with('%') {
        return None;
    }
    option_of(entry)
}

/// Whether the two places agree: the same text, or `winner` takes its value from the very
/// variable `loser` defines (`KC_DB: ${KC_DB}` in Compose reads the `.env` file that is also
/// its `env_file`; `--http-port=${KC_HTTP_PORT}` reads the environment).
fn same_value(loser: &EnvEntry, winner: &EnvEntry) -> bool {
    if let Some(value) = &winner.value
        && names_variable(value, &loser.name)
    {
        return true;
    }
    match (&loser.value, &winner.value) {
        (Some(x), Some(y)) => x.trim() == y.trim(),
        _ => false,
    }
}

/// `$NAME`, `${NAME}`, `${NAME:-x}`, `${NAME-x}`, `${NAME:?x}`, `${NAME:x}` (keycloak.conf).
fn names_variable(value: &str, name: &str) -> bool {
    if name.is_empty() {
        return false;
    }
    let is_word = |c: char| c.is_ascii_alphanumeric() || c == '_';
    value.match_indices(name).any(|(at, _)| {
        let before = &value[..at];
        let after = value[at + name.len()..].chars().next();
        let opens = before.ends_with("${") || (before.ends_with('$') && !before.ends_with("$$"));
        opens && !after.is_some_and(is_word)
    })
}

fn env_set<'a>(unit: &'a ProjectUnit<'_>) -> Option<&'a EnvSet> {
    match (&unit.unit.kind, &unit.unit.content) {
        (UnitKind::KeycloakEnvSet, UnitContent::Env(set)) => Some(set),
        _ => None,
    }
}

impl Rule for OptionPrecedence {
    fn meta(&self) -> &RuleMeta {
        &self.meta
    }

    fn unit_kind(&self) -> UnitKind {
        UnitKind::KeycloakEnvSet
    }

    /// Per-unit: nothing; `check_project` sees single files as runs of one.
    fn check(&self, _ctx: &RuleContext<'_>, _out: &mut Vec<Diagnostic>) {}

    fn check_project(&self, ctx: &ProjectContext<'_>, out: &mut Vec<ProjectDiagnostic>) {
        for (index, unit) in ctx.units.iter().enumerate() {
            let Some(set) = env_set(unit) else { continue };
            self.within_process(ctx, index, set, out);
            for (path, _) in &set.env_files {
                let wanted = normalise_path(&format!("{}/{path}", parent_dir(unit.file.path)));
                for (file_index, env_unit) in ctx.units.iter().enumerate() {
                    if normalise_path(env_unit.file.path) != wanted {
                        continue;
                    }
                    let Some(env_file) = env_set(env_unit) else {
                        continue;
                    };
                    self.env_file_overrides(ctx, (index, set), (file_index, env_file), out);
                }
            }
        }
    }
}

impl OptionPrecedence {
    /// Command line against environment (and keycloak.conf) of one process.
    fn within_process(
        &self,
        ctx: &ProjectContext<'_>,
        index: usize,
        set: &EnvSet,
        out: &mut Vec<ProjectDiagnostic>,
    ) {
        let mut seen: Vec<String> = Vec::new();
        for entry in &set.entries {
            let Some(option) = plain_option(entry) else {
                continue;
            };
            if seen.contains(&option) {
                continue;
            }
            let places: Vec<&EnvEntry> = set
                .entries
                .iter()
                .filter(|e| plain_option(e).as_deref() == Some(option.as_str()))
                .collect();
            seen.push(option.clone());
            // The winner: highest rank, the last one within it.
            let Some(winner) = places.iter().copied().max_by_key(|e| rank(e.source)) else {
                continue;
            };
            let losers: Vec<&EnvEntry> = places
                .iter()
                .copied()
                .filter(|e| rank(e.source) < rank(winner.source) && !same_value(e, winner))
                .collect();
            if losers.is_empty() {
                continue;
            }
            let mut finding = ctx.diagnostic(
                index,
                winner.name_range,
                format!(
                    "`{option}` is set in more than one place; `{}` on {} wins",
                    winner.name,
                    place(winner)
                ),
            );
            for loser in &losers {
                finding.diagnostic = finding.diagnostic.with_label(
                    loser.name_range,
                    format!("`{}` in {} is overridden", loser.name, place(loser)),
                );
            }
            finding.diagnostic = finding.diagnostic.with_help(
                "Keycloak reads the command line first, then the environment, then keycloak.conf; set the option in one place",
            );
            out.push(finding);
        }
    }

    /// Variables of a Compose `env_file` that the service's `environment` or command line
    /// replaces.
    fn env_file_overrides(
        &self,
        ctx: &ProjectContext<'_>,
        (service_index, service): (usize, &EnvSet),
        (file_index, env_file): (usize, &EnvSet),
        out: &mut Vec<ProjectDiagnostic>,
    ) {
        let service_unit = &ctx.units[service_index];
        let index = LineIndex::new(service_unit.file.text);
        for entry in &env_file.entries {
            let Some(option) = plain_option(entry) else {
                continue;
            };
            let winner = service
                .entries
                .iter()
                .filter(|e| plain_option(e).as_deref() == Some(option.as_str()))
                .max_by_key(|e| rank(e.source));
            let Some(winner) = winner.filter(|w| !same_value(entry, w)) else {
                continue;
            };
            let row = index
                .line_col(winner.name_range.start, service_unit.file.text)
                .row;
            let message = format!(
                "`{}` here is overridden by `{}` in {} of {} ({}, line {row})",
                entry.name,
                winner.name,
                place(winner),
                service_unit.unit.label,
                file_name(service_unit.file.path),
            );
            let mut finding = ctx.diagnostic(file_index, entry.name_range, message);
            finding.diagnostic = finding.diagnostic.with_help(
                "Compose gives `environment` precedence over `env_file`, and Keycloak the command line over both; remove one of them",
            );
            out.push(finding);
        }
    }
}

fn file_name(path: &str) -> &str {
    path.rsplit(['/', '\\']).next().unwrap_or(path)
}

#[cfg(test)]
mod tests {
    use super::names_variable;

    #[test]
    fn variable_references() {
        for value in [
            "${KC_DB}",
            "$KC_DB",
            "${KC_DB:-postgres}",
            "x-${KC_DB}-y",
            "${KC_DB:dev}",
        ] {
            assert!(names_variable(value, "KC_DB"), "{value}");
        }
        for value in ["${KC_DB_URL}", "$$KC_DB", "KC_DB", "${XKC_DB}", "postgres"] {
            assert!(!names_variable(value, "KC_DB"), "{value}");
        }
    }
}
