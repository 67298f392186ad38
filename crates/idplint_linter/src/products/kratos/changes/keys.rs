//! Changes to keys: removed (or deprecated, or ignored), renamed in place, moved to another
//! parent, and replaced by a key whose values are mapped.

use super::super::paths::{for_each_entry_path, for_each_match_path, key_matches};
use super::edits::{self, ValueText};
use super::{Change, Cx, Works, at_most, check_path, check_plain_path, refs, release_field};
use crate::data::version_field;
use crate::version::ProductVersion;
use idplint_diagnostics::{Diagnostic, Severity, Tag};
use idplint_syntax::Entry;
use serde::Deserialize;
use std::collections::BTreeMap;

// ---------------------------------------------------------------------------------------------
// removed-key

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RemovedSpec {
    path: Vec<String>,
    #[serde(default)]
    deprecated_in: Option<String>,
    /// Still accepted but no longer read from this release.
    #[serde(default)]
    ignored_in: Option<String>,
    #[serde(default)]
    removed_in: Option<String>,
    /// What took its place, for the message (not a mechanical rename).
    #[serde(default)]
    replacement: Option<Vec<String>>,
    /// `delete` (the fix removes the key) or `none`.
    #[serde(default = "delete")]
    fix: String,
    /// Whether the target's schema rejects the key (otherwise it is just dead).
    #[serde(default = "yes")]
    rejected: bool,
    /// The key never had an effect, so removing it is safe on any version.
    #[serde(default)]
    inert: bool,
    /// Replaces the built-in message; `{key}` and `{version}` are filled in.
    #[serde(default)]
    message: Option<String>,
    /// Leave keys with an empty value alone (the schema only rejects non-empty ones).
    #[serde(default)]
    skip_empty: bool,
}

fn delete() -> String {
    "delete".to_string()
}

fn yes() -> bool {
    true
}

struct RemovedKey {
    path: Vec<String>,
    deprecated_in: Option<ProductVersion>,
    ignored_in: Option<ProductVersion>,
    removed_in: Option<ProductVersion>,
    replacement: Option<Vec<String>>,
    delete: bool,
    rejected: bool,
    inert: bool,
    message: Option<String>,
    skip_empty: bool,
}

pub fn removed_key(spec: RemovedSpec, release: Option<&str>) -> Result<Box<dyn Change>, String> {
    check_path(&spec.path, "path", false)?;
    let deprecated_in = version_field(spec.deprecated_in.as_deref(), None, "deprecated_in")?;
    let ignored_in = version_field(spec.ignored_in.as_deref(), None, "ignored_in")?;
    // Without any version field the key was removed in the file's release.
    let removed_in = match (&spec.removed_in, &deprecated_in, &ignored_in) {
        (None, Some(_), _) | (None, _, Some(_)) => None,
        _ => version_field(spec.removed_in.as_deref(), release, "removed_in")?,
    };
    if deprecated_in.is_none() && ignored_in.is_none() && removed_in.is_none() {
        return Err(
            "change: give `removed_in`, `ignored_in` or `deprecated_in` (or a file `release`)"
                .into(),
        );
    }
    let delete = match spec.fix.as_str() {
        "delete" => true,
        "none" => false,
        other => return Err(format!("change: `fix: {other}` must be `delete` or `none`")),
    };
    Ok(Box::new(RemovedKey {
        path: spec.path,
        deprecated_in,
        ignored_in,
        removed_in,
        replacement: spec.replacement,
        delete,
        rejected: spec.rejected,
        inert: spec.inert,
        message: spec.message,
        skip_empty: spec.skip_empty,
    }))
}

enum State<'a> {
    Removed(&'a ProductVersion),
    Ignored(&'a ProductVersion),
    Deprecated(&'a ProductVersion),
}

impl Change for RemovedKey {
    fn fixes(&self) -> bool {
        self.delete
    }

    fn check(&self, cx: &Cx<'_>, out: &mut Vec<Diagnostic>) {
        fn reached<'v>(v: &'v Option<ProductVersion>, cx: &Cx<'_>) -> Option<&'v ProductVersion> {
            v.as_ref().filter(|v| cx.versions.target_at_least(v))
        }
        let state = if let Some(v) = reached(&self.removed_in, cx) {
            State::Removed(v)
        } else if let Some(v) = reached(&self.ignored_in, cx) {
            State::Ignored(v)
        } else if let Some(v) = reached(&self.deprecated_in, cx) {
            State::Deprecated(v)
        } else {
            return;
        };
        for_each_entry_path(cx.scope.node, &refs(&self.path), &mut |entry, rel| {
            if self.skip_empty && (entry.value.is_null() || entry.value.as_str() == Some("")) {
                return;
            }
            let key = cx.display(rel);
            let (severity, version, tag, default_message) = match state {
                State::Removed(v) => (
                    cx.meta.severity,
                    v,
                    Tag::Unnecessary,
                    if self.rejected {
                        format!(
                            "`{key}` was removed in Kratos {v} and is rejected by the target version"
                        )
                    } else {
                        format!("`{key}` was removed in Kratos {v} and no longer has any effect")
                    },
                ),
                State::Ignored(v) => (
                    cx.meta.severity,
                    v,
                    Tag::Unnecessary,
                    format!(
                        "`{key}` is ignored since Kratos {v}: it is still accepted but no longer read"
                    ),
                ),
                State::Deprecated(v) => (
                    at_most(cx.meta.severity, Severity::Warning),
                    v,
                    Tag::Deprecated,
                    format!("`{key}` is deprecated since Kratos {v}"),
                ),
            };
            let mut message = match &self.message {
                Some(template) => template
                    .replace("{key}", &key)
                    .replace("{version}", version.original()),
                None => default_message,
            };
            if let Some(replacement) = &self.replacement {
                message.push_str(&format!("; its successor is `{}`", replacement.join(".")));
            }
            let works = if self.inert {
                Works::Always
            } else {
                match state {
                    // Gone or dead on the current version too: removing it changes nothing.
                    State::Removed(v) | State::Ignored(v) => Works::From(v),
                    State::Deprecated(_) => Works::Never,
                }
            };
            let fix = if self.delete {
                cx.fix(
                    format!("Remove `{key}`"),
                    works,
                    vec![edits::remove_entry(cx.tree, cx.scope.node, entry, &[])],
                )
            } else {
                None
            };
            out.push(
                cx.diagnostic(entry.key.range, severity, message)
                    .with_tag(tag)
                    .with_fix_opt(fix),
            );
        });
    }
}

// ---------------------------------------------------------------------------------------------
// renamed-key

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RenamedSpec {
    #[serde(default)]
    from: Option<Vec<String>>,
    #[serde(default)]
    to: Option<Vec<String>>,
    /// Several keys of one parent: `parent` + `keys: {old: new}`.
    #[serde(default)]
    parent: Option<Vec<String>>,
    #[serde(default)]
    keys: BTreeMap<String, String>,
    #[serde(default)]
    renamed_in: Option<String>,
}

struct RenamedKey {
    parent: Vec<String>,
    /// (old key, new key, how the new path reads).
    keys: Vec<(String, String, String)>,
    renamed_in: ProductVersion,
}

pub fn renamed_key(spec: RenamedSpec, release: Option<&str>) -> Result<Box<dyn Change>, String> {
    let renamed_in = release_field(spec.renamed_in.as_deref(), release, "renamed_in")?;
    let (parent, keys) = match (spec.from, spec.to, spec.parent) {
        (Some(from), Some(to), None) if spec.keys.is_empty() => {
            check_path(&from, "from", false)?;
            check_plain_path(&to, "to")?;
            let (old, parent) = from.split_last().ok_or("change: `from` is empty")?;
            let new = to.last().ok_or("change: `to` is empty")?;
            if from.len() != to.len() || old == new {
                return Err("change: `renamed-key` renames the last key in place: `from` and `to` must have the same length and a different last key".into());
            }
            (
                parent.to_vec(),
                vec![(old.clone(), new.clone(), to.join("."))],
            )
        }
        (None, None, Some(parent)) if !spec.keys.is_empty() => {
            check_path(&parent, "parent", true)?;
            let keys = spec
                .keys
                .into_iter()
                .map(|(old, new)| {
                    let mut to = parent.clone();
                    to.push(new.clone());
                    (old, new, super::super::paths::display(&to))
                })
                .collect();
            (parent, keys)
        }
        _ => {
            return Err(
                "change: give either `from` and `to`, or `parent` and `keys: {old: new}`".into(),
            );
        }
    };
    Ok(Box::new(RenamedKey {
        parent,
        keys,
        renamed_in,
    }))
}

impl Change for RenamedKey {
    fn fixes(&self) -> bool {
        true
    }

    fn check(&self, cx: &Cx<'_>, out: &mut Vec<Diagnostic>) {
        if !cx.versions.target_at_least(&self.renamed_in) {
            return;
        }
        let parent = refs(&self.parent);
        for_each_match_path(cx.scope.node, &parent, &mut |mapping, at| {
            for entry in mapping.as_mapping().unwrap_or(&[]) {
                let Some((_, new, to)) = self
                    .keys
                    .iter()
                    .find(|(old, _, _)| key_matches(old, entry.key_str()))
                else {
                    continue;
                };
                let mut rel = at.to_vec();
                rel.push(entry.key_str().to_string());
                let from = cx.display(&rel);
                let clash = mapping.get(new).is_some();
                let fix = if clash {
                    None
                } else {
                    edits::rename_key(cx.tree, entry, new).and_then(|edit| {
                        cx.fix(
                            format!("Rename to `{to}`"),
                            Works::From(&self.renamed_in),
                            vec![edit],
                        )
                    })
                };
                let mut message = format!(
                    "`{from}` was renamed to `{to}` in Kratos {}",
                    self.renamed_in
                );
                if clash {
                    message.push_str(&format!(
                        "; `{new}` is set as well, so remove the old key by hand after checking which value is right"
                    ));
                }
                out.push(
                    cx.diagnostic(entry.key.range, cx.meta.severity, message)
                        .with_tag(Tag::Deprecated)
                        .with_fix_opt(fix),
                );
            }
        });
    }
}

// ---------------------------------------------------------------------------------------------
// moved-key

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MovedSpec {
    from: Vec<String>,
    to: Vec<String>,
    #[serde(default)]
    moved_in: Option<String>,
}

struct MovedKey {
    from: Vec<String>,
    to: Vec<String>,
    moved_in: ProductVersion,
}

pub fn moved_key(spec: MovedSpec, release: Option<&str>) -> Result<Box<dyn Change>, String> {
    check_plain_path(&spec.from, "from")?;
    check_plain_path(&spec.to, "to")?;
    if spec.from[..spec.from.len() - 1] == spec.to[..spec.to.len() - 1] {
        return Err("change: same parent: use `renamed-key`".into());
    }
    Ok(Box::new(MovedKey {
        moved_in: release_field(spec.moved_in.as_deref(), release, "moved_in")?,
        from: spec.from,
        to: spec.to,
    }))
}

impl Change for MovedKey {
    fn fixes(&self) -> bool {
        true
    }

    fn check(&self, cx: &Cx<'_>, out: &mut Vec<Diagnostic>) {
        if !cx.versions.target_at_least(&self.moved_in) {
            return;
        }
        let base = cx.scope.node;
        let Some(entry) = base.get_entry_path(&self.from) else {
            return;
        };
        let from = cx.display(&self.from);
        let to = cx.display(&self.to);
        let to_refs = refs(&self.to);
        let exists = base.get_path(&self.to).is_some();
        let fix = if exists {
            None
        } else {
            move_edits(cx, entry, &to_refs).and_then(|edits| {
                cx.fix(
                    format!("Move to `{to}`"),
                    Works::From(&self.moved_in),
                    edits,
                )
            })
        };
        let mut message = format!("`{from}` moved to `{to}` in Kratos {}", self.moved_in);
        if exists {
            message.push_str(&format!(
                "; `{to}` is set as well, so remove the old key by hand after checking which value is right"
            ));
        }
        out.push(
            cx.diagnostic(entry.key.range, cx.meta.severity, message)
                .with_tag(Tag::Deprecated)
                .with_fix_opt(fix),
        );
    }
}

/// Delete the entry and write its value at `to`: one fix, two edits. Only single-line values
/// move (a nested block would need re-indenting).
fn move_edits(cx: &Cx<'_>, entry: &Entry, to: &[&str]) -> Option<Vec<idplint_diagnostics::Edit>> {
    let source = edits::one_line_source(cx.tree, &entry.value)?;
    let value = ValueText {
        yaml: source.to_string(),
        json: source.to_string(),
    };
    let base = cx.scope.node;
    let removal = edits::remove_entry(cx.tree, base, entry, to);
    let insertion = edits::insert_path(cx.tree, base, to, &value)?;
    if !edits::is_yaml(cx.tree)
        && insertion.range.start >= removal.range.start
        && insertion.range.start <= removal.range.end
    {
        // JSON: the new member would land inside or against the removed one (same object);
        // writing it in the old member's place is simpler and keeps the commas right.
        let prefix = super::super::paths::existing_prefix(base, to);
        let rest = &to[prefix.len()..];
        let (first, nested) = rest.split_first()?;
        let mut json = source.to_string();
        for key in nested.iter().rev() {
            json = format!(
                "{{{}: {json}}}",
                idplint_syntax::json::edit::escape_string(key)
            );
        }
        return Some(vec![idplint_diagnostics::Edit::replace(
            entry.range,
            format!(
                "{}: {json}",
                idplint_syntax::json::edit::escape_string(first)
            ),
        )]);
    }
    Some(vec![removal, insertion])
}

// ---------------------------------------------------------------------------------------------
// replaced-key

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReplacedSpec {
    from: Vec<String>,
    to: Vec<String>,
    /// Old value (as text) → new value; `null` means "just delete the old key".
    #[serde(default)]
    values: BTreeMap<String, serde_json::Value>,
    /// The new key takes a list holding the old value.
    #[serde(default)]
    wrap_in_list: bool,
    #[serde(default)]
    changed_in: Option<String>,
    /// Whether the old key still works on the target (a deprecation) or is rejected.
    #[serde(default)]
    deprecated: bool,
}

struct ReplacedKey {
    from: Vec<String>,
    to: Vec<String>,
    values: BTreeMap<String, serde_json::Value>,
    wrap_in_list: bool,
    changed_in: ProductVersion,
    deprecated: bool,
}

pub fn replaced_key(spec: ReplacedSpec, release: Option<&str>) -> Result<Box<dyn Change>, String> {
    check_path(&spec.from, "from", false)?;
    check_plain_path(&spec.to, "to")?;
    if spec.from.len() != spec.to.len() {
        return Err(
            "change: `replaced-key` keeps the parent: `from` and `to` must have the same length"
                .into(),
        );
    }
    if spec.values.is_empty() != spec.wrap_in_list {
        return Err("change: give either `values:` or `wrap_in_list: true`".into());
    }
    Ok(Box::new(ReplacedKey {
        changed_in: release_field(spec.changed_in.as_deref(), release, "changed_in")?,
        from: spec.from,
        to: spec.to,
        values: spec.values,
        wrap_in_list: spec.wrap_in_list,
        deprecated: spec.deprecated,
    }))
}

impl Change for ReplacedKey {
    fn fixes(&self) -> bool {
        true
    }

    fn check(&self, cx: &Cx<'_>, out: &mut Vec<Diagnostic>) {
        if !cx.versions.target_at_least(&self.changed_in) {
            return;
        }
        let Some(new_key) = self.to.last() else {
            return;
        };
        let parents = &self.from[..self.from.len() - 1];
        super::super::paths::for_each_match(cx.scope.node, &refs(parents), &mut |mapping| {
            let Some(old_key) = self.from.last() else {
                return;
            };
            let Some(entry) = mapping.get(old_key) else {
                return;
            };
            let from = cx.display(&self.from);
            let to = cx.display(&self.to);
            let clash = mapping.get(new_key).is_some();
            let (fix_message, edits) = if clash {
                (String::new(), None)
            } else if self.wrap_in_list {
                (
                    format!("Replace with `{to}` holding the value in a list"),
                    wrap_edits(cx, entry, new_key),
                )
            } else {
                let text = entry.value.as_str().unwrap_or_default();
                match self.values.get(text) {
                    Some(serde_json::Value::Null) => (
                        format!("Remove `{from}` (`{text}` is the new default)"),
                        Some(vec![edits::remove_entry(
                            cx.tree,
                            cx.scope.node,
                            entry,
                            &[],
                        )]),
                    ),
                    Some(new_value) => {
                        let value_text = match new_value {
                            serde_json::Value::String(s) => s.clone(),
                            other => other.to_string(),
                        };
                        (
                            format!("Replace with `{to}: {value_text}`"),
                            edits::rename_key(cx.tree, entry, new_key).and_then(|rename| {
                                let value =
                                    edits::replace_string(cx.tree, &entry.value, &value_text)?;
                                Some(vec![rename, value])
                            }),
                        )
                    }
                    None => (String::new(), None),
                }
            };
            let fix =
                edits.and_then(|edits| cx.fix(fix_message, Works::From(&self.changed_in), edits));
            let (severity, verb) = if self.deprecated {
                (
                    at_most(cx.meta.severity, Severity::Warning),
                    "is deprecated",
                )
            } else {
                (cx.meta.severity, "was replaced")
            };
            let mut message = format!(
                "`{from}` {verb} in favour of `{to}` since Kratos {}",
                self.changed_in
            );
            if clash {
                message.push_str(&format!(
                    "; `{new_key}` is set as well, so remove the old key by hand"
                ));
            }
            out.push(
                cx.diagnostic(entry.key.range, severity, message)
                    .with_tag(Tag::Deprecated)
                    .with_fix_opt(fix),
            );
        });
    }
}

/// `origin: X` → `origins:` + `- X` on the next line (block style, as Kratos configs write
/// lists), or `"origins": [X]` in JSON.
fn wrap_edits(cx: &Cx<'_>, entry: &Entry, new_key: &str) -> Option<Vec<idplint_diagnostics::Edit>> {
    let source = edits::one_line_source(cx.tree, &entry.value)?;
    if !edits::is_yaml(cx.tree) {
        return Some(vec![
            idplint_diagnostics::Edit::replace(
                entry.key.range,
                idplint_syntax::json::edit::escape_string(new_key),
            ),
            idplint_diagnostics::Edit::replace(entry.value.range, format!("[{source}]")),
        ]);
    }
    let rename = edits::rename_key(cx.tree, entry, new_key)?;
    let column = edits::key_column(&cx.tree.text, entry.key.range.start)?;
    let unit = cx.tree.doc.style.indent_unit_or_default();
    let nl = cx.tree.doc.style.newline.as_str();
    let start = entry.key.range.end;
    let value = idplint_diagnostics::Edit::replace(
        idplint_diagnostics::TextRange::new(start, entry.value.range.end),
        format!(":{nl}{}- {source}", " ".repeat(column + unit)),
    );
    Some(vec![rename, value])
}
