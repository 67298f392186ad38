//! `kratos/invalid-value`: a config value of the wrong type (as Go's YAML decoder reads it:
//! `enabled: yes` is the string "yes", `port: "4433"` a string) or outside the values the
//! target release accepts (`log.level: warn`, `same_site: lax`). Kratos refuses to start with
//! either.
//!
//! Values a version-keyed data rule already reports (a renamed enum value, an integer that
//! became a string with a unit) are left to that rule; see `claims`.

use super::scalar::{Decoded, decode, plain_type};
use super::{
    Event, Place, Target, checked_against_marker, enum_value_later, is_json, is_templated, walk,
};
use crate::products::kratos::catalog::{KeyType, Row, config_catalog};
use crate::products::kratos::claims;
use crate::rule::{Rule, RuleContext, RuleMeta};
use crate::unit::{TreeUnit, UnitContent, UnitKind};
use idplint_diagnostics::{Applicability, Diagnostic, Edit, Fix, Severity};
use idplint_syntax::{Node, ScalarStyle};
use std::sync::Arc;

pub const ID: &str = "kratos/invalid-value";

pub fn factory(meta: Arc<RuleMeta>) -> Box<dyn Rule> {
    Box::new(InvalidValue { meta })
}

struct InvalidValue {
    meta: Arc<RuleMeta>,
}

/// Keys whose values must never appear in a message.
fn is_sensitive(path: &str) -> bool {
    let last = path.rsplit(['.', '[']).next().unwrap_or(path);
    path.starts_with("secrets.")
        || [
            "dsn",
            "password",
            "client_secret",
            "connection_uri",
            "apple_private_key",
            "value",
            "authorization_header",
            "base64",
        ]
        .contains(&last)
}

/// The value as written, for messages: short, and never for secret keys.
fn shown(row: &Row, node: &Node) -> String {
    match node.as_str() {
        Some(text) if !is_sensitive(&row.path) && text.chars().count() <= 40 => {
            format!(" (`{text}`)")
        }
        _ => String::new(),
    }
}

fn compatible(ty: KeyType, decoded: Decoded) -> bool {
    match ty {
        KeyType::String => decoded == Decoded::String,
        KeyType::Integer => matches!(decoded, Decoded::Int | Decoded::Float { integral: true }),
        KeyType::Number => matches!(decoded, Decoded::Int | Decoded::Float { .. }),
        KeyType::Boolean => decoded == Decoded::Bool,
        KeyType::Object | KeyType::Map => decoded == Decoded::Mapping,
        KeyType::Array => decoded == Decoded::Sequence,
        KeyType::Any => true,
    }
}

fn article(ty: KeyType) -> &'static str {
    match ty {
        KeyType::Integer | KeyType::Object | KeyType::Map | KeyType::Array | KeyType::Any => "an",
        _ => "a",
    }
}

impl Rule for InvalidValue {
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
        let json = is_json(tree);
        let on = target.describe(ctx.versions);
        for event in walk(root, catalog, target.release) {
            let Event::Value { node, row, place } = event else {
                continue;
            };
            if is_templated(node) {
                continue;
            }
            let decoded = decode(node, json);
            // `key:` with nothing is left to Kratos' defaults here; the schema's view of an
            // explicit null is not worth a finding of its own.
            if matches!(decoded, Decoded::Null | Decoded::Unknown) {
                continue;
            }
            if !compatible(row.ty, decoded) {
                let segments = place.segments();
                let display = place.display();
                if claims::value_claimed_by(&segments, None, ctx.versions).is_some() {
                    continue;
                }
                // Without a version, a value another release accepts (`argon2.memory: 1048576`
                // before v0.6) may be right for the release that actually runs.
                let other_release = target.assumed
                    && catalog
                        .rows_of(&row.path)
                        .any(|other| compatible(other.ty, decoded));
                let (severity, note) = if other_release {
                    (
                        Severity::Warning,
                        " (older releases accepted it; set a version to check against the one you run)",
                    )
                } else {
                    (self.meta.severity, "")
                };
                let mut diagnostic = Diagnostic::new(
                    self.meta.id.clone(),
                    severity,
                    format!(
                        "`{display}` must be {} {} on {on}, but Kratos reads {}{} here{note}",
                        article(row.ty),
                        row.ty.as_str(),
                        decoded.describe(),
                        shown(row, node)
                    ),
                    node.range,
                );
                let (help, fix) = type_fix(tree, node, row, decoded, json);
                if let Some(help) = help {
                    diagnostic = diagnostic.with_help(help);
                }
                out.push(diagnostic.with_fix_opt(fix));
                continue;
            }
            self.check_enum(ctx, tree, node, row, &place, target, &on, out);
        }
    }
}

impl InvalidValue {
    #[allow(clippy::too_many_arguments)]
    fn check_enum(
        &self,
        ctx: &RuleContext<'_>,
        tree: &TreeUnit,
        node: &Node,
        row: &Row,
        place: &Place<'_>,
        target: Target,
        on: &str,
        out: &mut Vec<Diagnostic>,
    ) {
        let allowed = row.enum_at(target.release);
        if allowed.is_empty() {
            return;
        }
        let Some(value) = node.as_str() else {
            return;
        };
        if allowed.contains(&value) {
            return;
        }
        // Paths are built only for the few values that get this far.
        let segments = place.segments();
        let display = place.display();
        if claims::value_claimed_by(&segments, Some(value), ctx.versions).is_some() {
            return;
        }
        // A value some other release accepts: say when.
        let other = row
            .enum_values
            .iter()
            .find(|v| v.value == value && !v.window.contains(target.release));
        // A value from a later release on a config checked against its own `version:`
        // marker is reported once, on the marker, by `kratos/unknown-key`.
        if checked_against_marker(ctx) && enum_value_later(row, value, target.release).is_some() {
            return;
        }
        let (severity, message) = match other {
            Some(v) => {
                let when = match (v.window.since, v.window.until) {
                    (Some(since), _) if target.release < since => {
                        format!("is accepted only from Kratos {since} on")
                    }
                    (_, Some(until)) => format!("was dropped in Kratos {until}"),
                    _ => "is not accepted".to_string(),
                };
                let severity = if target.assumed {
                    Severity::Warning
                } else {
                    self.meta.severity
                };
                (
                    severity,
                    format!("`{display}: {value}` {when}; {on} rejects it"),
                )
            }
            None => (
                self.meta.severity,
                format!("`{display}: {value}` is not one of the values {on} accepts"),
            ),
        };
        let mut diagnostic = Diagnostic::new(self.meta.id.clone(), severity, message, node.range);
        let exact_case = allowed.iter().find(|a| a.eq_ignore_ascii_case(value));
        let suggestion = exact_case
            .map(|s| (s.to_string(), Applicability::Safe))
            .or_else(|| {
                crate::suggest::closest(value, allowed.iter().copied())
                    .map(|s| (s, Applicability::Unsafe))
            });
        let listed = if allowed.len() <= 12 {
            format!("Accepted: {}", allowed.join(", "))
        } else {
            format!("{} values are accepted", allowed.len())
        };
        match suggestion {
            Some((suggestion, applicability)) => {
                diagnostic = diagnostic.with_help(format!("Did you mean `{suggestion}`? {listed}"));
                if let Some(edit) = replace_value(tree, node, &suggestion, is_json(tree)) {
                    diagnostic = diagnostic.with_fix(Fix::new(
                        format!("Change to `{suggestion}`"),
                        applicability,
                        vec![edit],
                    ));
                }
            }
            None => diagnostic = diagnostic.with_help(listed),
        }
        out.push(diagnostic);
    }
}

/// Replace a string value, keeping its quoting.
fn replace_value(tree: &TreeUnit, node: &Node, value: &str, json: bool) -> Option<Edit> {
    if json {
        node.range.slice(&tree.text)?;
        return Some(idplint_syntax::json::edit::replace_string(node, value));
    }
    idplint_syntax::yaml::edit::replace_scalar(&tree.text, node, value)
}

/// Help text and fix for a value of the wrong type, when the intent is clear.
fn type_fix(
    tree: &TreeUnit,
    node: &Node,
    row: &Row,
    decoded: Decoded,
    json: bool,
) -> (Option<String>, Option<Fix>) {
    let Some(scalar) = node.as_scalar() else {
        return (None, None);
    };
    if node.tag.is_some() || node.range.slice(&tree.text).is_none() {
        return (None, None);
    }
    let text = scalar.value.as_str();
    // Secret values never go into a message; the edit itself is fine (it is the file's text).
    let said = if is_sensitive(&row.path) {
        "the value".to_string()
    } else {
        format!("`{text}`")
    };
    let quoted = matches!(
        scalar.style,
        ScalarStyle::SingleQuoted | ScalarStyle::DoubleQuoted
    );
    match (row.ty, decoded) {
        // `hooks: [session]`: every hook is a mapping with a `hook:` key.
        (KeyType::Object, Decoded::String) if row.path.ends_with("hooks[]") => {
            let replacement = if json {
                format!(
                    "{{\"hook\": {}}}",
                    idplint_syntax::json::edit::escape_string(text)
                )
            } else if matches!(scalar.style, ScalarStyle::Plain) {
                format!("hook: {text}")
            } else {
                return (None, None);
            };
            (
                Some(format!("Write the hook as `hook: {text}`")),
                Some(Fix::new(
                    format!("Write `hook: {text}`"),
                    Applicability::Safe,
                    vec![Edit::replace(node.range, replacement)],
                )),
            )
        }
        // `port: "4433"`, `enabled: "true"`: drop the quotes.
        (KeyType::Integer | KeyType::Number | KeyType::Boolean, Decoded::String) if quoted => {
            let unquoted = if json {
                json_type(text)
            } else {
                plain_type(text)
            };
            if !compatible(row.ty, unquoted) || text.trim() != text {
                return (None, None);
            }
            // Leading zeros and base prefixes read as octal/hex once unquoted: a guess.
            let plain_decimal = !text.starts_with('0') || text == "0" || text.contains('.');
            let applicability = if plain_decimal || row.ty == KeyType::Boolean {
                Applicability::Safe
            } else {
                Applicability::Unsafe
            };
            (
                Some(format!("Write {said} without quotes")),
                Some(Fix::new(
                    format!("Unquote {said}"),
                    applicability,
                    vec![Edit::replace(node.range, text)],
                )),
            )
        }
        // `enabled: yes`: YAML 1.1 booleans are strings for Kratos.
        (KeyType::Boolean, Decoded::String) => {
            let value = match text.to_ascii_lowercase().as_str() {
                "yes" | "y" | "on" => "true",
                "no" | "n" | "off" => "false",
                _ => return (None, None),
            };
            (
                Some(format!(
                    "Kratos reads YAML 1.2 booleans only: write `{value}`"
                )),
                Some(Fix::new(
                    format!("Change {said} to `{value}`"),
                    Applicability::Unsafe,
                    vec![Edit::replace(node.range, value)],
                )),
            )
        }
        // `version: 1.0`, `secure: true` on a string key: quote it.
        (KeyType::String, Decoded::Bool | Decoded::Int | Decoded::Float { .. }) => {
            let secure = row.path.ends_with(".secure");
            let help = if secure {
                // K-254-07: the schema types these as strings while the code reads a bool.
                "The schema types this key as a string although Kratos uses it as a flag: write `\"true\"` or `\"false\"` in quotes, or set it through the environment".to_string()
            } else {
                format!("Quote {said} if that is the intended text")
            };
            (
                Some(help),
                Some(Fix::new(
                    format!("Quote {said}"),
                    Applicability::Unsafe,
                    vec![Edit::replace(
                        node.range,
                        idplint_syntax::json::edit::escape_string(text),
                    )],
                )),
            )
        }
        _ => (None, None),
    }
}

fn json_type(text: &str) -> Decoded {
    match text {
        "true" | "false" => Decoded::Bool,
        _ if !text.is_empty() && text.bytes().all(|b| b.is_ascii_digit()) => Decoded::Int,
        _ => match text.parse::<f64>() {
            Ok(v)
                if text
                    .bytes()
                    .all(|b| b.is_ascii_digit() || b == b'.' || b == b'-') =>
            {
                Decoded::Float {
                    integral: v.fract() == 0.0,
                }
            }
            _ => Decoded::String,
        },
    }
}
