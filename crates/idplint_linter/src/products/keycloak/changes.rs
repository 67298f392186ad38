//! The kinds of Keycloak option change a rule file can describe (`change:` in
//! `rules/keycloak/*.yaml`), and how each is checked and fixed on a `KeycloakEnvSet`.
//!
//! - `option-removed`: options deprecated in one release and removed in another. The
//!   finding is a warning while the target still accepts the option and an error once it
//!   ignores or rejects it. Each option may say, per current value, which options replace it;
//!   the fix rewrites the entry in place (rename, new value) and adds siblings for the rest,
//!   or deletes it when nothing replaces it.
//! - `env-renamed`: plain environment variables replaced by others with the same meaning;
//!   the fix renames the variable and never touches its value.

use super::values::{is_secret, looks_bitnami, option_of, sets_option};
use crate::data::version_field;
use crate::rule::{Rule, RuleContext, RuleMeta};
use crate::unit::{EnvEntry, EnvSet, EnvSource, UnitContent, UnitKind, ValueKind};
use crate::version::ProductVersion;
use idplint_diagnostics::{Applicability, Diagnostic, Edit, Fix, Severity, Tag};
use serde::Deserialize;
use std::collections::BTreeMap;
use std::sync::Arc;

#[derive(Debug, Deserialize)]
#[serde(tag = "kind", rename_all = "kebab-case", deny_unknown_fields)]
enum ChangeSpec {
    OptionRemoved {
        #[serde(default)]
        deprecated_in: Option<String>,
        #[serde(default)]
        removed_in: Option<String>,
        options: BTreeMap<String, RemovedOptionSpec>,
    },
    EnvRenamed {
        #[serde(default)]
        deprecated_in: Option<String>,
        /// From this current version on the new names work, so the rename keeps meaning.
        #[serde(default)]
        safe_from: Option<String>,
        renames: BTreeMap<String, String>,
        /// Image repositories whose own entrypoint reads the old names (Bitnami).
        #[serde(default)]
        skip_images: Vec<String>,
    },
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RemovedOptionSpec {
    /// What replaces the option, in words, for the message.
    #[serde(default)]
    replacement: Option<String>,
    /// Per current value (lower-case), what the fix writes instead.
    #[serde(default)]
    values: BTreeMap<String, ActionSpec>,
    /// For any other literal value.
    #[serde(default)]
    otherwise: Option<ActionSpec>,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ActionSpec {
    /// Options to set instead, in order; empty deletes the entry.
    #[serde(default)]
    set: Vec<SetSpec>,
    /// Shown as help when this action applies (why it needs review).
    #[serde(default)]
    note: Option<String>,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct SetSpec {
    option: String,
    /// The value to write; absent keeps the current value.
    #[serde(default)]
    value: Option<serde_json::Value>,
}

impl SetSpec {
    fn value_text(&self) -> Option<String> {
        self.value.as_ref().map(|v| match v {
            serde_json::Value::String(s) => s.clone(),
            other => other.to_string(),
        })
    }
}

pub fn compile(meta: Arc<RuleMeta>, change: &serde_json::Value) -> Result<Box<dyn Rule>, String> {
    let spec: ChangeSpec =
        serde_json::from_value(change.clone()).map_err(|e| format!("change: {e}"))?;
    let release = meta.release.clone();
    let release = release.as_deref();
    match spec {
        ChangeSpec::OptionRemoved {
            deprecated_in,
            removed_in,
            options,
        } => {
            let deprecated_in = version_field(deprecated_in.as_deref(), None, "deprecated_in")?;
            let removed_in = version_field(removed_in.as_deref(), None, "removed_in")?;
            let first = deprecated_in
                .clone()
                .or_else(|| removed_in.clone())
                .or(version_field(None, release, "release")?)
                .ok_or("change: give `deprecated_in` or `removed_in`")?;
            if options.is_empty() {
                return Err("change: `options` is empty".into());
            }
            let catalog = super::catalog::catalog();
            for (option, spec) in &options {
                if catalog.lookup(option).is_none() {
                    return Err(format!(
                        "change: `{option}` is not in rules/keycloak/options.tsv"
                    ));
                }
                for action in spec.values.values().chain(spec.otherwise.iter()) {
                    for set in &action.set {
                        if catalog.lookup(&set.option).is_none() {
                            return Err(format!(
                                "change: `{}` is not in rules/keycloak/options.tsv",
                                set.option
                            ));
                        }
                    }
                }
            }
            Ok(Box::new(OptionRemoved {
                meta,
                first,
                removed_in,
                options,
            }))
        }
        ChangeSpec::EnvRenamed {
            deprecated_in,
            safe_from,
            renames,
            skip_images,
        } => {
            let deprecated_in = version_field(deprecated_in.as_deref(), release, "deprecated_in")?
                .ok_or("change: give `deprecated_in` (or a file `release`)")?;
            let safe_from = version_field(safe_from.as_deref(), None, "safe_from")?;
            if renames.is_empty() {
                return Err("change: `renames` is empty".into());
            }
            Ok(Box::new(EnvRenamed {
                meta,
                deprecated_in,
                safe_from,
                renames,
                skip_images,
            }))
        }
    }
}

fn env_set<'a>(ctx: &'a RuleContext<'_>) -> Option<&'a EnvSet> {
    match &ctx.unit.content {
        UnitContent::Env(set) => Some(set),
        _ => None,
    }
}

/// The version rules compare against: the target, else the current version.
fn effective_target<'a>(ctx: &'a RuleContext<'_>) -> Option<&'a ProductVersion> {
    ctx.versions.checked()
}

struct OptionRemoved {
    meta: Arc<RuleMeta>,
    /// Where the rule starts to fire (deprecation, else removal).
    first: ProductVersion,
    removed_in: Option<ProductVersion>,
    options: BTreeMap<String, RemovedOptionSpec>,
}

impl Rule for OptionRemoved {
    fn meta(&self) -> &RuleMeta {
        &self.meta
    }

    fn unit_kind(&self) -> UnitKind {
        UnitKind::KeycloakEnvSet
    }

    fn check(&self, ctx: &RuleContext<'_>, out: &mut Vec<Diagnostic>) {
        let Some(set) = env_set(ctx) else { return };
        let Some(target) = effective_target(ctx) else {
            return;
        };
        if target < &self.first {
            return;
        }
        let removed = self.removed_in.as_ref().filter(|r| target >= *r);
        for entry in &set.entries {
            let Some(option) = option_of(entry) else {
                continue;
            };
            let Some(spec) = self.options.get(&option) else {
                continue;
            };
            out.push(self.diagnostic(ctx, set, entry, spec, target, removed));
        }
    }
}

impl OptionRemoved {
    fn diagnostic(
        &self,
        ctx: &RuleContext<'_>,
        set: &EnvSet,
        entry: &EnvEntry,
        spec: &RemovedOptionSpec,
        target: &ProductVersion,
        removed: Option<&ProductVersion>,
    ) -> Diagnostic {
        let name = &entry.name;
        let mut message = match removed {
            Some(removed) if entry.source.is_command_line() => format!(
                "`{name}` was removed in Keycloak {removed}: `kc.sh` on {target} stops with an unknown-option error"
            ),
            Some(removed) => {
                format!("`{name}` was removed in Keycloak {removed}: {target} ignores it")
            }
            None => match &self.removed_in {
                Some(removed_in) => format!(
                    "`{name}` is deprecated since Keycloak {} and removed in {removed_in}",
                    self.first
                ),
                None => format!("`{name}` is deprecated since Keycloak {}", self.first),
            },
        };
        if let Some(replacement) = &spec.replacement {
            message.push_str(&format!("; use {replacement} instead"));
        }
        // An option the server ignores at startup breaks a deployment; in a development
        // server (`start-dev`: HTTP on, strict hostname off) it is a cleanup, not an outage.
        // The official quickstart for 26.1 still sets `KC_PROXY=edge` with `start-dev`.
        let severity = if removed.is_some()
            && (entry.source.is_command_line() || !super::rules::runs_start_dev(ctx))
        {
            Severity::Error
        } else {
            Severity::Warning
        };
        let mut diagnostic =
            Diagnostic::new(self.meta.id.clone(), severity, message, entry.name_range).with_tag(
                if removed.is_some() {
                    Tag::Unnecessary
                } else {
                    Tag::Deprecated
                },
            );
        let action = match (&entry.value_kind, entry.value.as_deref()) {
            (ValueKind::Literal, Some(value)) => spec
                .values
                .get(&value.trim().to_ascii_lowercase())
                .or(spec.otherwise.as_ref()),
            _ => None,
        };
        match action {
            Some(action) => {
                if let Some(note) = &action.note {
                    diagnostic = diagnostic.with_help(note.clone());
                }
                let applicability = self.meta.fix.unwrap_or(Applicability::Unsafe);
                diagnostic.with_fix_opt(replace_entry(entry, set, &action.set, ctx.file.text, applicability))
            }
            None if entry.value_kind != ValueKind::Literal => diagnostic.with_help(
                "The value is not written in this file, so no fix is offered: look up what it is and set the replacement options accordingly.",
            ),
            None => diagnostic,
        }
    }
}

/// Rewrite `entry` into `sets` (in its own source and spelling): the first option not already
/// set elsewhere takes the entry's place, the others are inserted right after it, and an entry
/// with nothing left to set is deleted.
fn replace_entry(
    entry: &EnvEntry,
    set: &EnvSet,
    sets: &[SetSpec],
    host: &str,
    applicability: Applicability,
) -> Option<Fix> {
    let current = entry.value.clone().unwrap_or_default();
    let wanted: Vec<(String, String)> = sets
        .iter()
        .filter(|s| !sets_option(set, &s.option))
        .map(|s| {
            (
                s.option.clone(),
                s.value_text().unwrap_or_else(|| current.clone()),
            )
        })
        .collect();
    let show = |option: &str, value: &str| {
        let spelled = entry.spell_option(option);
        if is_secret(entry) {
            spelled
        } else {
            format!("`{spelled}={value}`")
        }
    };
    let Some(((first_option, first_value), rest)) = wanted.split_first() else {
        return Some(Fix::new(
            format!("Remove `{}`", entry.name),
            applicability,
            vec![Edit::delete(entry.removal_range)],
        ));
    };
    let mut edits = vec![entry.rename_edit(&entry.spell_option(first_option))?];
    if first_value != &current {
        edits.push(entry.set_value_edit(first_value, host)?);
    }
    if !rest.is_empty() {
        let mut content = String::new();
        for (option, value) in rest {
            content.push_str(
                &entry
                    .insert_sibling_edit(&entry.spell_option(option), value, host)?
                    .content,
            );
        }
        edits.push(Edit::insert(entry.item_range.end, content));
    }
    let described: Vec<String> = wanted.iter().map(|(o, v)| show(o, v)).collect();
    Some(Fix::new(
        format!("Replace `{}` with {}", entry.name, described.join(" and ")),
        applicability,
        edits,
    ))
}

struct EnvRenamed {
    meta: Arc<RuleMeta>,
    deprecated_in: ProductVersion,
    safe_from: Option<ProductVersion>,
    renames: BTreeMap<String, String>,
    skip_images: Vec<String>,
}

impl Rule for EnvRenamed {
    fn meta(&self) -> &RuleMeta {
        &self.meta
    }

    fn unit_kind(&self) -> UnitKind {
        UnitKind::KeycloakEnvSet
    }

    fn check(&self, ctx: &RuleContext<'_>, out: &mut Vec<Diagnostic>) {
        let Some(set) = env_set(ctx) else { return };
        let Some(target) = effective_target(ctx) else {
            return;
        };
        if target < &self.deprecated_in {
            return;
        }
        if let Some((image, _)) = &set.image {
            let image = image.to_ascii_lowercase();
            if self.skip_images.iter().any(|s| image.contains(s.as_str())) {
                return;
            }
        }
        // Bitnami-style variables without the image name in the file: same entrypoint.
        if self.skip_images.iter().any(|s| s.contains("bitnami")) && looks_bitnami(set) {
            return;
        }
        // Renaming is meaning-preserving only once the running version reads the new names.
        let applicability = match &self.safe_from {
            Some(safe_from) if ctx.versions.current_at_least(safe_from) => Applicability::Safe,
            _ => Applicability::Unsafe,
        };
        for entry in &set.entries {
            if entry.source.is_command_line() || entry.source.is_conf_file() {
                continue;
            }
            let Some(new_name) = self.renames.get(&entry.name) else {
                continue;
            };
            let message = format!(
                "`{}` is deprecated since Keycloak {}; use `{new_name}`",
                entry.name, self.deprecated_in
            );
            let already = set.entries.iter().any(|e| &e.name == new_name);
            // A .env file may only feed `${KEYCLOAK_ADMIN}` interpolation in a Compose file,
            // which a rename here would break: never safe there.
            let applicability = if entry.source == EnvSource::DotEnv {
                Applicability::Unsafe
            } else {
                applicability
            };
            let fix = if already {
                // Both are set: the new one is what Keycloak reads, the old one is clutter.
                Some(Fix::new(
                    format!("Remove `{}` (`{new_name}` is already set)", entry.name),
                    Applicability::Unsafe,
                    vec![Edit::delete(entry.removal_range)],
                ))
            } else {
                entry.rename_edit(new_name).map(|edit| {
                    Fix::new(
                        format!("Rename `{}` to `{new_name}`", entry.name),
                        applicability,
                        vec![edit],
                    )
                })
            };
            out.push(
                Diagnostic::new(
                    self.meta.id.clone(),
                    self.meta.severity,
                    message,
                    entry.name_range,
                )
                .with_tag(Tag::Deprecated)
                .with_fix_opt(fix),
            );
        }
    }
}
