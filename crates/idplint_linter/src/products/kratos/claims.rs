//! What the version-keyed data rules of `rules/kratos/*.yaml` already report, so the catalog
//! rules (`kratos/unknown-key`, `kratos/invalid-value`) do not report it a second time.
//!
//! A removed, renamed, moved or replaced key is unknown to the target's catalog too; a data
//! rule says it better (when, why, and how to fix it). The same goes for enum values a data
//! rule renames or removes and for integers it turns into strings with a unit. The claims are
//! read from the rule files themselves (every `change:` names its paths), so a new data rule
//! silences the generic report without any Rust change.
//!
//! A claim only counts when its rule would fire: the target (or current) version is known and
//! at or past the release of the change. Without a version the data rules stay quiet, so the
//! catalog rules keep reporting.

use super::paths::key_matches;
use crate::data::load_rule_file;
use crate::registry::RULE_FILES;
use crate::version::{ProductVersion, Versions};
use serde_json::Value;
use std::sync::OnceLock;

#[derive(Debug)]
enum Claimed {
    /// The key itself.
    Key,
    /// These values of the key (empty: any value).
    Values(Vec<String>),
}

#[derive(Debug)]
struct Claim {
    rule_id: String,
    /// Path segments as the data rules write them (`**`, `*`, `[]`, `a|b`).
    pattern: Vec<String>,
    claimed: Claimed,
    /// The release from which the rule fires; `None` when it always does.
    from: Option<ProductVersion>,
}

fn claims() -> &'static [Claim] {
    static CLAIMS: OnceLock<Vec<Claim>> = OnceLock::new();
    CLAIMS.get_or_init(|| {
        let mut claims = Vec::new();
        for (path, text) in RULE_FILES {
            if !path.starts_with("kratos/") || !path.ends_with(".yaml") {
                continue;
            }
            // A file that does not load is reported by the registry; nothing to claim here.
            let Ok(rules) = load_rule_file(path, text, |_| "kratos.yml") else {
                continue;
            };
            for rule in rules {
                if let Some(change) = &rule.change {
                    collect(
                        &rule.meta.id,
                        rule.meta.release.as_deref(),
                        change,
                        &mut claims,
                    );
                }
            }
        }
        claims
    })
}

fn strings(value: Option<&Value>) -> Vec<String> {
    value
        .and_then(Value::as_array)
        .map(|items| {
            items
                .iter()
                .filter_map(Value::as_str)
                .map(str::to_string)
                .collect()
        })
        .unwrap_or_default()
}

fn text(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

fn collect(rule_id: &str, release: Option<&str>, change: &Value, out: &mut Vec<Claim>) {
    let Some(kind) = change.get("kind").and_then(Value::as_str) else {
        return;
    };
    let base = strings(change.get("each"));
    // The earliest release any `*_in` field names (deprecated, ignored, removed, renamed,
    // moved, changed): from there on the rule reports the key in some way.
    let from = change
        .as_object()
        .into_iter()
        .flatten()
        .filter(|(name, _)| name.ends_with("_in"))
        .filter_map(|(_, v)| v.as_str().and_then(ProductVersion::parse))
        .min()
        .or_else(|| release.and_then(ProductVersion::parse));
    let mut push = |relative: Vec<String>, claimed: Claimed| {
        if relative.is_empty() {
            return;
        }
        let mut pattern = base.clone();
        pattern.extend(relative);
        out.push(Claim {
            rule_id: rule_id.to_string(),
            pattern,
            claimed,
            from: from.clone(),
        });
    };
    match kind {
        "removed-key" => push(strings(change.get("path")), Claimed::Key),
        "moved-key" | "replaced-key" => push(strings(change.get("from")), Claimed::Key),
        "renamed-key" => {
            push(strings(change.get("from")), Claimed::Key);
            let parent = strings(change.get("parent"));
            for old in change
                .get("keys")
                .and_then(Value::as_object)
                .into_iter()
                .flatten()
                .map(|(old, _)| old)
            {
                let mut path = parent.clone();
                path.push(old.clone());
                push(path, Claimed::Key);
            }
        }
        "schema-url-to-schemas" => push(
            vec!["identity".into(), "default_schema_url".into()],
            Claimed::Key,
        ),
        "value-renamed" => {
            let values = change
                .get("values")
                .and_then(Value::as_object)
                .map(|m| m.keys().cloned().collect())
                .unwrap_or_default();
            push(strings(change.get("path")), Claimed::Values(values));
        }
        "value-removed" => {
            // With `allowed_prefixes` the rule judges every value of the key itself.
            let values = if change.get("allowed_prefixes").is_some() {
                Vec::new()
            } else {
                change
                    .get("values")
                    .and_then(Value::as_array)
                    .map(|items| items.iter().map(text).collect())
                    .unwrap_or_default()
            };
            push(strings(change.get("path")), Claimed::Values(values));
        }
        // The integer this rule rewrites is the wrong type on the target: its report.
        "number-with-unit" => push(strings(change.get("path")), Claimed::Values(Vec::new())),
        _ => {}
    }
}

/// Whether a data-rule path pattern matches a concrete path (`[]` for list items).
fn matches(pattern: &[String], path: &[&str]) -> bool {
    let Some((first, rest)) = pattern.split_first() else {
        return path.is_empty();
    };
    match first.as_str() {
        "**" => {
            matches(rest, path)
                || path
                    .split_first()
                    .is_some_and(|(head, tail)| *head != "[]" && matches(pattern, tail))
        }
        "[]" => path
            .split_first()
            .is_some_and(|(head, tail)| *head == "[]" && matches(rest, tail)),
        segment => path.split_first().is_some_and(|(head, tail)| {
            *head != "[]" && key_matches(segment, head) && matches(rest, tail)
        }),
    }
}

fn fires(claim: &Claim, versions: &Versions) -> bool {
    let Some(target) = versions.checked() else {
        return false;
    };
    claim.from.as_ref().is_none_or(|from| target >= from)
}

/// The data rule that reports the key at `path` on these versions, if any.
pub fn key_claimed_by(path: &[&str], versions: &Versions) -> Option<&'static str> {
    claims()
        .iter()
        .find(|c| {
            matches!(c.claimed, Claimed::Key) && fires(c, versions) && matches(&c.pattern, path)
        })
        .map(|c| c.rule_id.as_str())
}

/// The data rule that reports `value` (or, with `None`, any value) at `path`, if any.
pub fn value_claimed_by(
    path: &[&str],
    value: Option<&str>,
    versions: &Versions,
) -> Option<&'static str> {
    claims()
        .iter()
        .filter(|c| fires(c, versions) && matches(&c.pattern, path))
        .find(|c| match &c.claimed {
            Claimed::Key => false,
            Claimed::Values(values) => {
                values.is_empty() || value.is_some_and(|v| values.iter().any(|x| x == v))
            }
        })
        .map(|c| c.rule_id.as_str())
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn pattern(p: &[&str]) -> Vec<String> {
        p.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn patterns() {
        let p = pattern(&["selfservice", "flows", "*", "**", "hooks", "[]", "hook"]);
        assert!(matches(
            &p,
            &[
                "selfservice",
                "flows",
                "login",
                "after",
                "password",
                "hooks",
                "[]",
                "hook"
            ]
        ));
        assert!(matches(
            &p,
            &["selfservice", "flows", "login", "hooks", "[]", "hook"]
        ));
        assert!(!matches(
            &p,
            &["selfservice", "flows", "login", "hooks", "hook"]
        ));
        assert!(matches(&pattern(&["a", "b|c"]), &["a", "c"]));
    }

    #[test]
    fn the_v0_11_removal_of_message_ttl_is_claimed_once_it_fires() {
        let at = |v: &str| Versions {
            current: None,
            target: ProductVersion::parse(v),
        };
        let path = ["courier", "message_ttl"];
        assert!(key_claimed_by(&path, &at("v0.11.1")).is_some());
        assert!(key_claimed_by(&path, &at("v0.10.1")).is_none());
        assert!(key_claimed_by(&path, &Versions::default()).is_none());
    }
}
