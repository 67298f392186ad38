//! Default changes: a config that relies on a default the upgrade changes is offered a pin of
//! the old value (`default-changed`), and a key that used to follow other keys and now has its
//! own default is offered the value it effectively had (`decoupled-default`).

use super::super::paths::existing_prefix;
use super::conditions::go_duration_seconds;
use super::edits::{self, ValueText};
use super::{Change, Cx, Works, check_plain_path, refs, release_field};
use crate::data::version_field;
use crate::version::ProductVersion;
use idplint_diagnostics::{Diagnostic, Edit};
use serde::Deserialize;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DefaultChangedSpec {
    path: Vec<String>,
    #[serde(default)]
    changed_in: Option<String>,
    old_default: serde_json::Value,
    new_default: serde_json::Value,
    /// Keys that must be pinned together with this one (only written when absent).
    #[serde(default)]
    pin_also: Vec<Pin>,
    /// The release from which the pinned key exists: a pin is safe once the current version
    /// knows it. Absent: the key is new with the change, so the pin is unsafe.
    #[serde(default)]
    key_since: Option<String>,
    /// A later release that replaced the pinned key: when the target is at or past `from`,
    /// pin `path: value` instead, so the fix does not write a key the target deprecates.
    #[serde(default)]
    later: Vec<Later>,
    /// Fire even when no parent of `path` exists (the default applies to every config).
    #[serde(default)]
    fires_without_parent: bool,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Pin {
    path: Vec<String>,
    value: serde_json::Value,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Later {
    from: String,
    path: Vec<String>,
    value: serde_json::Value,
}

struct DefaultChanged {
    path: Vec<String>,
    changed_in: ProductVersion,
    old_default: serde_json::Value,
    new_default: serde_json::Value,
    pin_also: Vec<Pin>,
    key_since: Option<ProductVersion>,
    later: Vec<(ProductVersion, Pin)>,
    fires_without_parent: bool,
}

pub fn default_changed(
    spec: DefaultChangedSpec,
    release: Option<&str>,
) -> Result<Box<dyn Change>, String> {
    check_plain_path(&spec.path, "path")?;
    for pin in &spec.pin_also {
        check_plain_path(&pin.path, "pin_also.path")?;
    }
    let mut later = Vec::new();
    for item in spec.later {
        check_plain_path(&item.path, "later.path")?;
        let from = version_field(Some(&item.from), None, "later.from")?
            .ok_or("change: `later.from` is required")?;
        later.push((
            from,
            Pin {
                path: item.path,
                value: item.value,
            },
        ));
    }
    later.sort_by(|a, b| a.0.cmp(&b.0));
    Ok(Box::new(DefaultChanged {
        changed_in: release_field(spec.changed_in.as_deref(), release, "changed_in")?,
        key_since: version_field(spec.key_since.as_deref(), None, "key_since")?,
        path: spec.path,
        old_default: spec.old_default,
        new_default: spec.new_default,
        pin_also: spec.pin_also,
        later,
        fires_without_parent: spec.fires_without_parent,
    }))
}

/// A value as written in YAML (and, for strings and booleans, JSON without quotes).
fn scalar_text(value: &serde_json::Value) -> String {
    match value {
        serde_json::Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

impl Change for DefaultChanged {
    fn fixes(&self) -> bool {
        true
    }

    fn check(&self, cx: &Cx<'_>, out: &mut Vec<Diagnostic>) {
        if !cx.versions.crosses(&self.changed_in) {
            return;
        }
        let base = cx.scope.node;
        if base.get_path(&self.path).is_some()
            || self
                .later
                .iter()
                .any(|(_, pin)| base.get_path(&pin.path).is_some())
        {
            return;
        }
        // The pin to write: the latest form the target still accepts without complaint.
        let (pin_path, pin_value, works) = match self
            .later
            .iter()
            .rev()
            .find(|(from, _)| cx.versions.target_at_least(from))
        {
            Some((from, pin)) => (&pin.path, &pin.value, Works::From(from)),
            None => (
                &self.path,
                &self.old_default,
                self.key_since.as_ref().map_or(Works::Never, Works::From),
            ),
        };
        let main_refs = refs(&self.path);
        let prefix = existing_prefix(base, &main_refs[..main_refs.len() - 1]);
        if !cx.conditional && prefix.is_empty() && !self.fires_without_parent {
            return;
        }
        let location = prefix
            .last()
            .map_or_else(|| cx.scope_anchor(), |e| e.key.range);
        let dotted = cx.display(&self.path);
        let mut edits: Vec<Edit> = Vec::new();
        let mut pinned = Vec::new();
        let pin_refs = refs(pin_path);
        if let Some(edit) = edits::insert_path(cx.tree, base, &pin_refs, &ValueText::of(pin_value))
        {
            edits.push(edit);
        }
        pinned.push(format!(
            "`{}: {}`",
            cx.display(pin_path),
            scalar_text(pin_value)
        ));
        for pin in &self.pin_also {
            if base.get_path(&pin.path).is_some() {
                continue;
            }
            if let Some(edit) =
                edits::insert_path(cx.tree, base, &refs(&pin.path), &ValueText::of(&pin.value))
            {
                pinned.push(format!(
                    "`{}: {}`",
                    cx.display(&pin.path),
                    scalar_text(&pin.value)
                ));
                edits.push(edit);
            }
        }
        // Two pins landing in the same place cannot go in one fix; the second is picked up on
        // the fix loop's next pass.
        edits.sort();
        edits.dedup_by(|a, b| a.range.overlaps(b.range));
        let fix = cx.fix(
            format!("Pin the old behaviour: {}", pinned.join(", ")),
            works,
            edits,
        );
        out.push(
            cx.diagnostic(
                location,
                cx.meta.severity,
                format!(
                    "Kratos {} changed the default of `{dotted}` from `{}` to `{}`; this config relies on the default",
                    self.changed_in,
                    scalar_text(&self.old_default),
                    scalar_text(&self.new_default)
                ),
            )
            .with_help(format!(
                "Pin {} to keep today's behaviour, or switch deliberately to `{}`",
                pinned.join(" and "),
                scalar_text(&self.new_default)
            ))
            .with_fix_opt(fix),
        );
    }
}

// ---------------------------------------------------------------------------------------------
// decoupled-default

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DecoupledSpec {
    path: Vec<String>,
    #[serde(default)]
    changed_in: Option<String>,
    new_default: String,
    /// The keys whose value this one used to follow.
    follows: Vec<Follow>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Follow {
    path: Vec<String>,
    /// Its default when absent.
    default: String,
    /// It only counts when this key is `true` (the flow is enabled).
    #[serde(default)]
    enabled: Option<Vec<String>>,
}

struct DecoupledDefault {
    path: Vec<String>,
    changed_in: ProductVersion,
    new_default: String,
    follows: Vec<Follow>,
}

pub fn decoupled_default(
    spec: DecoupledSpec,
    release: Option<&str>,
) -> Result<Box<dyn Change>, String> {
    check_plain_path(&spec.path, "path")?;
    if spec.follows.is_empty() {
        return Err("change: `follows` lists the keys the value used to follow".into());
    }
    Ok(Box::new(DecoupledDefault {
        changed_in: release_field(spec.changed_in.as_deref(), release, "changed_in")?,
        path: spec.path,
        new_default: spec.new_default,
        follows: spec.follows,
    }))
}

/// Durations compare by length (`60m` = `1h`), anything else by text.
fn same_value(a: &str, b: &str) -> bool {
    match (go_duration_seconds(a), go_duration_seconds(b)) {
        (Some(x), Some(y)) => (x - y).abs() < 1e-9,
        _ => a == b,
    }
}

impl Change for DecoupledDefault {
    fn fixes(&self) -> bool {
        true
    }

    fn check(&self, cx: &Cx<'_>, out: &mut Vec<Diagnostic>) {
        if !cx.versions.crosses(&self.changed_in) {
            return;
        }
        let base = cx.scope.node;
        if base.get_path(&self.path).is_some() {
            return;
        }
        let mut values: Vec<(String, String)> = Vec::new();
        let mut location = None;
        for follow in &self.follows {
            if let Some(enabled) = &follow.enabled
                && base.get_path(enabled).and_then(|n| n.as_bool()) != Some(true)
            {
                continue;
            }
            let set = base.get_entry_path(&follow.path);
            if let Some(entry) = set
                && location.is_none()
            {
                location = Some(entry.key.range);
            }
            let value = set
                .and_then(|e| e.value.as_str())
                .unwrap_or(&follow.default)
                .to_string();
            values.push((cx.display(&follow.path), value));
        }
        let Some((_, first)) = values.first() else {
            return;
        };
        let all_same = values.iter().all(|(_, v)| same_value(v, first));
        if all_same && same_value(first, &self.new_default) {
            return;
        }
        let dotted = cx.display(&self.path);
        let listed: Vec<String> = values
            .iter()
            .map(|(key, value)| format!("`{key}` = `{value}`"))
            .collect();
        let mut message = format!(
            "Since Kratos {}, `{dotted}` has its own default `{}` instead of following {}",
            self.changed_in,
            self.new_default,
            listed.join(" and ")
        );
        let fix = if all_same {
            edits::insert_path(
                cx.tree,
                base,
                &refs(&self.path),
                &ValueText::of(&serde_json::Value::String(first.clone())),
            )
            .and_then(|edit| cx.fix(format!("Pin `{dotted}: {first}`"), Works::Never, vec![edit]))
        } else {
            message.push_str("; those differ, so choose one value by hand");
            None
        };
        out.push(
            cx.diagnostic(
                location.unwrap_or_else(|| cx.scope_anchor()),
                cx.meta.severity,
                message,
            )
            .with_fix_opt(fix),
        );
    }
}
