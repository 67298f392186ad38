//! The kinds of Kratos config change a rule file can describe, and how each is checked and
//! fixed. A `change:` in `rules/kratos/*.yaml` names one kind with `kind:`.

use super::paths::{existing_prefix, for_each_entry};
use crate::data::version_field;
use crate::rule::{Rule, RuleContext, RuleMeta};
use crate::unit::{TreeUnit, UnitContent, UnitKind};
use crate::version::ProductVersion;
use idplint_diagnostics::{Applicability, Diagnostic, Edit, Fix, Severity, Tag};
use idplint_syntax::{Entry, Node, NodeKind};
use serde::Deserialize;
use std::sync::Arc;

#[derive(Debug, Deserialize)]
#[serde(tag = "kind", rename_all = "kebab-case", deny_unknown_fields)]
enum ChangeSpec {
    /// A key that no longer exists (optionally deprecated first).
    RemovedKey {
        path: Vec<String>,
        #[serde(default)]
        deprecated_in: Option<String>,
        #[serde(default)]
        removed_in: Option<String>,
        /// What took its place, for the message (not a mechanical rename).
        #[serde(default)]
        replacement: Option<Vec<String>>,
        /// Whether the fix deletes the key (`delete`) or there is no fix (`none`).
        #[serde(default = "default_delete")]
        fix: String,
    },
    /// A key renamed in place (same parent).
    RenamedKey {
        from: Vec<String>,
        to: Vec<String>,
        renamed_in: Option<String>,
    },
    /// A default that changed: configs relying on it are offered a pin of the old value.
    DefaultChanged {
        path: Vec<String>,
        changed_in: Option<String>,
        old_default: serde_json::Value,
        new_default: serde_json::Value,
        /// Only when this key holds this value (e.g. the flow is enabled).
        #[serde(default)]
        when: Option<Condition>,
        /// Keys that must be pinned together with this one (only written when absent).
        #[serde(default)]
        pin_also: Vec<Pin>,
    },
}

fn default_delete() -> String {
    "delete".to_string()
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Condition {
    path: Vec<String>,
    equals: serde_json::Value,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Pin {
    path: Vec<String>,
    value: serde_json::Value,
}

pub fn compile(meta: Arc<RuleMeta>, change: &serde_json::Value) -> Result<Box<dyn Rule>, String> {
    let spec: ChangeSpec =
        serde_json::from_value(change.clone()).map_err(|e| format!("change: {e}"))?;
    let release = meta.release.clone();
    let release = release.as_deref();
    let check_path = |path: &[String], what: &str| -> Result<(), String> {
        if path.is_empty() || path.iter().any(|p| p.is_empty()) {
            return Err(format!("change: `{what}` must be a non-empty list of keys"));
        }
        Ok(())
    };
    let kind = match spec {
        ChangeSpec::RemovedKey {
            path,
            deprecated_in,
            removed_in,
            replacement,
            fix,
        } => {
            check_path(&path, "path")?;
            let deprecated_in = version_field(deprecated_in.as_deref(), None, "deprecated_in")?;
            let removed_in = match (&removed_in, &deprecated_in) {
                (None, Some(_)) => None,
                _ => version_field(removed_in.as_deref(), release, "removed_in")?,
            };
            if deprecated_in.is_none() && removed_in.is_none() {
                return Err(
                    "change: give `removed_in` or `deprecated_in` (or a file `release`)".into(),
                );
            }
            let delete = match fix.as_str() {
                "delete" => true,
                "none" => false,
                other => return Err(format!("change: `fix: {other}` must be `delete` or `none`")),
            };
            Kind::RemovedKey {
                path,
                deprecated_in,
                removed_in,
                replacement,
                delete,
            }
        }
        ChangeSpec::RenamedKey {
            from,
            to,
            renamed_in,
        } => {
            check_path(&from, "from")?;
            check_path(&to, "to")?;
            if from.len() != to.len() || from[..from.len() - 1] != to[..to.len() - 1] {
                return Err("change: `renamed-key` renames in place: `from` and `to` must share their parent path".into());
            }
            let renamed_in = version_field(renamed_in.as_deref(), release, "renamed_in")?
                .ok_or("change: give `renamed_in` (or a file `release`)")?;
            Kind::RenamedKey {
                from,
                to,
                renamed_in,
            }
        }
        ChangeSpec::DefaultChanged {
            path,
            changed_in,
            old_default,
            new_default,
            when,
            pin_also,
        } => {
            check_path(&path, "path")?;
            let changed_in = version_field(changed_in.as_deref(), release, "changed_in")?
                .ok_or("change: give `changed_in` (or a file `release`)")?;
            Kind::DefaultChanged {
                path,
                changed_in,
                old_default,
                new_default,
                when,
                pin_also,
            }
        }
    };
    Ok(Box::new(KratosChangeRule { meta, kind }))
}

#[derive(Debug)]
enum Kind {
    RemovedKey {
        path: Vec<String>,
        deprecated_in: Option<ProductVersion>,
        removed_in: Option<ProductVersion>,
        replacement: Option<Vec<String>>,
        delete: bool,
    },
    RenamedKey {
        from: Vec<String>,
        to: Vec<String>,
        renamed_in: ProductVersion,
    },
    DefaultChanged {
        path: Vec<String>,
        changed_in: ProductVersion,
        old_default: serde_json::Value,
        new_default: serde_json::Value,
        when: Option<Condition>,
        pin_also: Vec<Pin>,
    },
}

struct KratosChangeRule {
    meta: Arc<RuleMeta>,
    kind: Kind,
}

impl Rule for KratosChangeRule {
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
        let Some(root) = tree.root() else {
            return;
        };
        match &self.kind {
            Kind::RemovedKey {
                path,
                deprecated_in,
                removed_in,
                replacement,
                delete,
            } => {
                let removed = removed_in
                    .as_ref()
                    .is_some_and(|v| ctx.versions.target_at_least(v));
                let deprecated = deprecated_in
                    .as_ref()
                    .is_some_and(|v| ctx.versions.target_at_least(v));
                if !removed && !deprecated {
                    return;
                }
                let dotted = path.join(".");
                let path: Vec<&str> = path.iter().map(String::as_str).collect();
                for_each_entry(root, &path, &mut |entry| {
                    let (severity, verb, at) = if removed {
                        (Severity::Error, "was removed", removed_in.as_ref())
                    } else {
                        (Severity::Warning, "is deprecated", deprecated_in.as_ref())
                    };
                    let at = at.map(|v| format!(" in Kratos {v}")).unwrap_or_default();
                    let mut message = format!("`{dotted}` {verb}{at}");
                    if removed {
                        message.push_str(" and is rejected by the target version");
                    }
                    if let Some(replacement) = replacement {
                        message
                            .push_str(&format!("; its successor is `{}`", replacement.join(".")));
                    }
                    let mut diagnostic =
                        Diagnostic::new(self.meta.id.clone(), severity, message, entry.key.range)
                            .with_tag(if removed {
                                Tag::Unnecessary
                            } else {
                                Tag::Deprecated
                            })
                            .with_help(self.meta.summary.clone());
                    if *delete {
                        let applicability = self.meta.fix.unwrap_or(Applicability::Unsafe);
                        diagnostic = diagnostic.with_fix(Fix::new(
                            format!("Remove `{dotted}`"),
                            applicability,
                            vec![remove_entry(tree, entry)],
                        ));
                    }
                    out.push(diagnostic);
                });
            }
            Kind::RenamedKey {
                from,
                to,
                renamed_in,
            } => {
                if !ctx.versions.target_at_least(renamed_in) {
                    return;
                }
                let from_path: Vec<&str> = from.iter().map(String::as_str).collect();
                let new_key = to.last().map(String::as_str).unwrap_or("");
                for_each_entry(root, &from_path, &mut |entry| {
                    // The new name only works once the running version knows it.
                    let applicability = if ctx.versions.current_at_least(renamed_in) {
                        Applicability::Safe
                    } else {
                        Applicability::Unsafe
                    };
                    let fix = idplint_syntax::yaml::edit::rename_key(&tree.text, entry, new_key)
                        .filter(|_| is_yaml(tree))
                        .map(|edit| {
                            Fix::new(
                                format!("Rename to `{}`", to.join(".")),
                                applicability,
                                vec![edit],
                            )
                        });
                    out.push(
                        ctx.diagnostic(
                            entry.key.range,
                            format!(
                                "`{}` was renamed to `{}` in Kratos {renamed_in}",
                                from.join("."),
                                to.join(".")
                            ),
                        )
                        .with_tag(Tag::Deprecated)
                        .with_fix_opt(fix),
                    );
                });
            }
            Kind::DefaultChanged {
                path,
                changed_in,
                old_default,
                new_default,
                when,
                pin_also,
            } => {
                if !ctx.versions.crosses(changed_in) {
                    return;
                }
                let path_refs: Vec<&str> = path.iter().map(String::as_str).collect();
                if root.get_path(&path_refs).is_some() {
                    return;
                }
                let anchor = match when {
                    Some(condition) => {
                        let condition_path: Vec<&str> =
                            condition.path.iter().map(String::as_str).collect();
                        let Some(entry) = root.get_entry_path(&condition_path) else {
                            return;
                        };
                        if !value_equals(&entry.value, &condition.equals) {
                            return;
                        }
                        entry
                    }
                    None => {
                        let prefix = existing_prefix(root, &path_refs);
                        let Some(entry) = prefix.last().copied() else {
                            return;
                        };
                        entry
                    }
                };
                // Point at the mapping the pin goes into (`recovery:`), where a reader looks.
                let parent_path = &path_refs[..path_refs.len() - 1];
                let location = root
                    .get_entry_path(parent_path)
                    .map_or(anchor.key.range, |e| e.key.range);
                let dotted = path.join(".");
                let mut edits = Vec::new();
                if let Some(edit) = insert_path(tree, root, &path_refs, old_default) {
                    edits.push(edit);
                }
                let mut pinned = vec![format!("`{dotted}: {}`", scalar_text(old_default))];
                for pin in pin_also {
                    let pin_path: Vec<&str> = pin.path.iter().map(String::as_str).collect();
                    if root.get_path(&pin_path).is_some() {
                        continue;
                    }
                    if let Some(edit) = insert_path(tree, root, &pin_path, &pin.value) {
                        pinned.push(format!(
                            "`{}: {}`",
                            pin.path.join("."),
                            scalar_text(&pin.value)
                        ));
                        edits.push(edit);
                    }
                }
                // Two pins landing in the same place cannot go in one fix; the second is
                // picked up on the fix loop's next pass.
                edits.sort();
                edits.dedup_by(|a, b| a.range.overlaps(b.range));
                let fix = (!edits.is_empty()).then(|| {
                    Fix::new(
                        format!("Pin the old behaviour: {}", pinned.join(", ")),
                        self.meta.fix.unwrap_or(Applicability::Unsafe),
                        edits,
                    )
                });
                out.push(
                    ctx.diagnostic(
                        location,
                        format!(
                            "Kratos {changed_in} changed the default of `{dotted}` from `{}` to `{}`; this config relies on the default",
                            scalar_text(old_default),
                            scalar_text(new_default)
                        ),
                    )
                    .with_help(format!(
                        "Pin {} to keep today's behaviour, or switch deliberately to `{}`",
                        pinned.join(" and "),
                        scalar_text(new_default)
                    ))
                    .with_fix_opt(fix),
                );
            }
        }
    }
}

fn is_yaml(tree: &TreeUnit) -> bool {
    // JSON text starts with `{` (after whitespace/BOM); YAML edits must not be used on it.
    !tree
        .text
        .trim_start_matches('\u{feff}')
        .trim_start()
        .starts_with('{')
}

fn value_equals(node: &Node, expected: &serde_json::Value) -> bool {
    match expected {
        serde_json::Value::Bool(b) => node.as_bool() == Some(*b),
        serde_json::Value::String(s) => node.as_str() == Some(s.as_str()),
        serde_json::Value::Number(n) => node.as_str() == Some(n.to_string().as_str()),
        _ => false,
    }
}

/// A value as written in YAML (and, for strings and booleans, JSON without quotes).
fn scalar_text(value: &serde_json::Value) -> String {
    match value {
        serde_json::Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

fn remove_entry(tree: &TreeUnit, entry: &Entry) -> Edit {
    if is_yaml(tree) {
        idplint_syntax::yaml::edit::remove_entry(&tree.text, &tree.doc, entry)
    } else {
        remove_json_member(tree, entry)
    }
}

fn remove_json_member(tree: &TreeUnit, entry: &Entry) -> Edit {
    // Find the object holding this entry to let the JSON helper handle commas.
    let mut found: Option<(&Node, usize)> = None;
    if let Some(root) = tree.root() {
        root.walk(&mut |node| {
            if let NodeKind::Mapping(entries) = &node.kind
                && let Some(i) = entries.iter().position(|e| e.range == entry.range)
            {
                found = Some((node, i));
            }
        });
    }
    match found {
        Some((object, index)) => {
            idplint_syntax::json::edit::remove_member(&tree.text, object, index)
        }
        None => Edit::delete(entry.range),
    }
}

/// An edit that creates `path` with `value`, nesting under the deepest existing mapping.
fn insert_path(
    tree: &TreeUnit,
    root: &Node,
    path: &[&str],
    value: &serde_json::Value,
) -> Option<Edit> {
    let prefix = existing_prefix(root, path);
    let rest = &path[prefix.len()..];
    if rest.is_empty() {
        return None;
    }
    if !is_yaml(tree) {
        return insert_json_path(tree, root, &prefix, rest, value);
    }
    let value_text = scalar_text(value);
    match prefix.last() {
        None => {
            idplint_syntax::yaml::edit::insert_entry(&tree.text, &tree.doc, root, rest, &value_text)
        }
        Some(entry) => match &entry.value.kind {
            NodeKind::Mapping(_) => idplint_syntax::yaml::edit::insert_entry(
                &tree.text,
                &tree.doc,
                &entry.value,
                rest,
                &value_text,
            ),
            _ if entry.value.is_null() => idplint_syntax::yaml::edit::insert_under_key(
                &tree.text,
                &tree.doc,
                entry,
                rest,
                &value_text,
            ),
            _ => None,
        },
    }
}

fn insert_json_path(
    tree: &TreeUnit,
    root: &Node,
    prefix: &[&Entry],
    rest: &[&str],
    value: &serde_json::Value,
) -> Option<Edit> {
    let object = match prefix.last() {
        None => root,
        Some(entry) => &entry.value,
    };
    object.as_mapping()?;
    // Nest the rest of the path as JSON objects.
    let mut json = value.to_string();
    for key in rest[1..].iter().rev() {
        json = format!(
            "{{{}: {json}}}",
            serde_json::Value::String((*key).to_string())
        );
    }
    let newline = tree.doc.style.newline.as_str();
    idplint_syntax::json::edit::insert_member(&tree.text, object, rest[0], &json, newline)
}
