//! `notice`: a behaviour change with nothing mechanical to rewrite (a person must decide), told
//! once per place it concerns. No fix.

use super::super::paths::{for_each_entry, for_each_match};
use super::{Change, Cx, anchor_of, check_path, refs, release_field};
use crate::version::ProductVersion;
use idplint_diagnostics::Diagnostic;
use serde::Deserialize;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NoticeSpec {
    /// Where to point, relative to the scope (patterns allowed). Empty: the scope itself
    /// (for the config root, its `version:` key or first key).
    #[serde(default)]
    at: Vec<String>,
    #[serde(default)]
    changed_in: Option<String>,
    /// `crossing` (the upgrade crosses `changed_in`, the default) or `target` (the target is at
    /// or past it, with the common `until` for a window).
    #[serde(default = "crossing")]
    on: String,
    message: String,
}

fn crossing() -> String {
    "crossing".to_string()
}

struct Notice {
    at: Vec<String>,
    changed_in: ProductVersion,
    on_target: bool,
    message: String,
}

pub fn notice(spec: NoticeSpec, release: Option<&str>) -> Result<Box<dyn Change>, String> {
    check_path(&spec.at, "at", true)?;
    let on_target = match spec.on.as_str() {
        "crossing" => false,
        "target" => true,
        other => return Err(format!("change: `on: {other}` must be crossing or target")),
    };
    if spec.message.trim().is_empty() {
        return Err("change: a notice needs a `message`".into());
    }
    Ok(Box::new(Notice {
        at: spec.at,
        changed_in: release_field(spec.changed_in.as_deref(), release, "changed_in")?,
        on_target,
        message: spec.message.trim().to_string(),
    }))
}

impl Change for Notice {
    fn fixes(&self) -> bool {
        false
    }

    fn check(&self, cx: &Cx<'_>, out: &mut Vec<Diagnostic>) {
        let applies = if self.on_target {
            cx.versions.target_at_least(&self.changed_in)
        } else {
            cx.versions.crosses(&self.changed_in)
        };
        if !applies {
            return;
        }
        let message = self
            .message
            .replace("{version}", self.changed_in.original());
        let mut ranges = Vec::new();
        match self.at.last().map(String::as_str) {
            None => {
                let node = cx.scope.node;
                let range = if cx.scope.item.is_none() && std::ptr::eq(node, cx.root) {
                    node.get("version")
                        .map_or_else(|| anchor_of(node), |e| e.key.range)
                } else {
                    anchor_of(node)
                };
                ranges.push(range);
            }
            Some("[]") => for_each_match(cx.scope.node, &refs(&self.at), &mut |node| {
                ranges.push(anchor_of(node));
            }),
            Some(_) => for_each_entry(cx.scope.node, &refs(&self.at), &mut |entry| {
                ranges.push(entry.key.range);
            }),
        }
        for range in ranges {
            out.push(cx.diagnostic(range, cx.meta.severity, message.clone()));
        }
    }
}
