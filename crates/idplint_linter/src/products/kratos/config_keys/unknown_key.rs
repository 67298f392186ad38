//! `kratos/unknown-key`: a config key the target release does not know. Kratos validates its
//! config against a closed JSON schema, so such a key stops it from starting; in the few
//! objects the schema leaves open the key is silently ignored, which hides typos.
//!
//! Keys a version-keyed data rule already reports (removed, renamed, moved in some release)
//! are left to that rule; see `claims`.

use super::{Event, Target, checked_against_marker, enum_value_later, is_json, walk};
use crate::products::kratos::catalog::{KeyStatus, Release, config_catalog};
use crate::products::kratos::claims;
use crate::rule::{Rule, RuleContext, RuleMeta};
use crate::unit::{TreeUnit, UnitContent, UnitKind};
use idplint_diagnostics::{Applicability, Diagnostic, Edit, Fix, Severity, Tag};
use idplint_syntax::Entry;
use std::sync::Arc;

pub const ID: &str = "kratos/unknown-key";

pub fn factory(meta: Arc<RuleMeta>) -> Box<dyn Rule> {
    Box::new(UnknownKey { meta })
}

struct UnknownKey {
    meta: Arc<RuleMeta>,
}

impl Rule for UnknownKey {
    fn meta(&self) -> &RuleMeta {
        &self.meta
    }

    fn unit_kind(&self) -> UnitKind {
        UnitKind::KratosConfig
    }

    fn check(&self, ctx: &RuleContext<'_>, out: &mut Vec<Diagnostic>) {
        let UnitContent::Tree(tree) = &ctx.unit.content else {
            return;
        };
        let (Some(root), Ok(catalog), Some(target)) =
            (tree.root(), config_catalog(), Target::of(ctx.versions))
        else {
            return;
        };
        // A config that is not a mapping at all is another problem (and another rule's).
        let Some(top) = root.as_mapping() else {
            return;
        };
        // A file that is a config only by its name (`kratos-values.yaml` of a Helm chart, a
        // test stub) and has no key any Kratos release knows is not worth a finding per key.
        if !top.iter().any(|e| {
            !matches!(
                catalog.status(e.key_str(), target.release),
                KeyStatus::Unknown
            )
        }) {
            return;
        }
        let release = target.release;
        let on = target.describe(ctx.versions);
        let marker = checked_against_marker(ctx);
        // With the `version:` marker as the only source, keys and values from later releases
        // are collected for one finding on the marker.
        let mut later: Vec<(String, Release)> = Vec::new();
        for event in walk(root, catalog, release) {
            let (entry, siblings, parent_path, key_path, parent_lenient, place) = match event {
                Event::Unknown {
                    entry,
                    siblings,
                    parent_path,
                    key_path,
                    parent_lenient,
                    place,
                } => (
                    entry,
                    siblings,
                    parent_path,
                    key_path,
                    parent_lenient,
                    place,
                ),
                Event::Value { node, row, place } => {
                    if marker
                        && let Some(value) = node.as_str()
                        && let Some(since) = enum_value_later(row, value, release)
                    {
                        later.push((format!("`{}: {value}`", place.display()), since));
                    }
                    continue;
                }
            };
            if claims::key_claimed_by(&place.segments(), ctx.versions).is_some() {
                continue;
            }
            let key = entry.key_str();
            let shown = &place.display();
            // An ignored key cannot stop Kratos; a rejected one on an assumed version might
            // not be rejected on the version that actually runs.
            let rejected_severity = if target.assumed {
                Severity::Warning
            } else {
                self.meta.severity
            };
            let (severity, mut message, tag) = match catalog.status(&key_path, release) {
                KeyStatus::Removed(row) => {
                    let until = row
                        .window
                        .until
                        .map(|u| format!(" in Kratos {u}"))
                        .unwrap_or_default();
                    (
                        rejected_severity,
                        format!("`{shown}` was removed{until}; {on} does not accept it"),
                        Some(Tag::Unnecessary),
                    )
                }
                KeyStatus::Later(row) if marker && !parent_lenient => {
                    if let Some(since) = row.window.since {
                        later.push((format!("`{shown}`"), since));
                        continue;
                    }
                    (
                        rejected_severity,
                        format!("`{shown}` is not accepted by {on}"),
                        None,
                    )
                }
                KeyStatus::Later(row) => {
                    let since = row
                        .window
                        .since
                        .map(|s| format!(" from Kratos {s} on"))
                        .unwrap_or_default();
                    (
                        rejected_severity,
                        format!("`{shown}` exists only{since}; {on} does not accept it"),
                        None,
                    )
                }
                KeyStatus::Valid(_) | KeyStatus::Unknown => (
                    rejected_severity,
                    format!("`{shown}` is not a Kratos configuration key on {on}"),
                    None,
                ),
            };
            let severity = if parent_lenient {
                message.push_str(" (Kratos ignores unknown keys here, so it has no effect)");
                Severity::Warning
            } else {
                severity
            };
            let mut diagnostic =
                Diagnostic::new(self.meta.id.clone(), severity, message, entry.key.range);
            if let Some(tag) = tag {
                diagnostic = diagnostic.with_tag(tag);
            }
            // Did-you-mean only for keys that never existed here: a removed key is no typo.
            if matches!(catalog.status(&key_path, release), KeyStatus::Unknown) {
                let candidates = catalog.valid_children(&parent_path, release);
                let sibling = crate::suggest::closest(key, candidates.iter().copied())
                    .filter(|s| !siblings.iter().any(|e| e.key_str() == s));
                if let Some(sibling) = sibling {
                    diagnostic = diagnostic.with_help(format!("Did you mean `{sibling}`?"));
                    if let Some(edit) = rename(tree, entry, &sibling) {
                        diagnostic = diagnostic.with_fix(Fix::new(
                            format!("Rename `{key}` to `{sibling}`"),
                            Applicability::Unsafe,
                            vec![edit],
                        ));
                    }
                } else {
                    let elsewhere: Vec<String> = catalog
                        .paths_ending_in(key, release)
                        .into_iter()
                        .take(3)
                        .map(|p| format!("`{}`", p.replace("[]", "[N]")))
                        .collect();
                    if !elsewhere.is_empty() {
                        diagnostic = diagnostic.with_help(format!(
                            "`{key}` is valid at {}; move it there if that is what it configures",
                            elsewhere.join(", ")
                        ));
                    } else if parent_path.is_empty() || !candidates.is_empty() {
                        let mut known: Vec<&str> = candidates.clone();
                        known.sort_unstable();
                        if known.len() <= 12 && !known.is_empty() {
                            diagnostic = diagnostic.with_help(format!(
                                "Keys here on this release: {}",
                                known.join(", ")
                            ));
                        }
                    }
                }
            }
            out.push(diagnostic);
        }
        if let Some(diagnostic) = self.stale_marker(root, &later, &on) {
            out.push(diagnostic);
        }
    }
}

impl UnknownKey {
    /// One finding on `version:` for everything that only later releases accept.
    fn stale_marker(
        &self,
        root: &idplint_syntax::Node,
        later: &[(String, Release)],
        on: &str,
    ) -> Option<Diagnostic> {
        let newest = later.iter().map(|(_, since)| *since).max()?;
        let entry = root.get("version")?;
        let mut listed: Vec<String> = later
            .iter()
            .take(4)
            .map(|(what, since)| format!("{what} (from {since})"))
            .collect();
        if later.len() > 4 {
            listed.push(format!("and {} more", later.len() - 4));
        }
        Some(
            Diagnostic::new(
                self.meta.id.clone(),
                Severity::Warning,
                format!(
                    "This config uses what only Kratos {newest} or later accepts: {}; {on} (its `version:`) would refuse to start",
                    listed.join(", ")
                ),
                entry.value.range,
            )
            .with_help(format!(
                "If the config runs on a newer Kratos, set `version:` to that release (at least {newest}); pass `--target kratos=<version>` to check against a specific one"
            )),
        )
    }
}

/// An edit renaming `entry`'s key, in YAML or JSON.
fn rename(tree: &TreeUnit, entry: &Entry, new_key: &str) -> Option<Edit> {
    if is_json(tree) {
        entry.key.range.slice(&tree.text)?;
        return Some(Edit::replace(
            entry.key.range,
            idplint_syntax::json::edit::escape_string(new_key),
        ));
    }
    idplint_syntax::yaml::edit::rename_key(&tree.text, entry, new_key)
}
