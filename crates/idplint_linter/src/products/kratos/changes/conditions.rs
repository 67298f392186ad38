//! Conditions of `when`, `when_any` and `unless`: a path relative to the rule's scope and a
//! test on what it finds. A condition holds when any node the path matches passes every test
//! it names; with no match, only `exists: false` holds, or `missing_means` stands in for the
//! value (Kratos defaults: `registration.enabled` is `true` when absent).
//!
//! Tests: `equals` (a scalar, compared the way Go reads it), `exists`, `not_empty`,
//! `longer_than` (a Go duration), `has_item_before_end` (a list with a matching item that is
//! not the last one, or that is followed by an item matching `followed_by`), `may_contain` (a Jsonnet body that may mention one of these strings:
//! inline `base64://` bodies are decoded and searched, anything else may contain them).

use super::super::paths::for_each_match;
use idplint_syntax::{Node, NodeKind};
use serde::Deserialize;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Condition {
    pub path: Vec<String>,
    #[serde(default)]
    equals: Option<serde_json::Value>,
    #[serde(default)]
    exists: Option<bool>,
    #[serde(default)]
    not_empty: Option<bool>,
    #[serde(default)]
    longer_than: Option<String>,
    #[serde(default)]
    missing_means: Option<serde_json::Value>,
    #[serde(default)]
    has_item_before_end: Option<ItemTest>,
    #[serde(default)]
    may_contain: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ItemTest {
    path: Vec<String>,
    equals: serde_json::Value,
    /// Only count the item when a later item's `path` equals this.
    #[serde(default)]
    followed_by: Option<serde_json::Value>,
}

impl Condition {
    pub fn validate(&self) -> Result<(), String> {
        if self.path.iter().any(String::is_empty) {
            return Err("change: a condition `path` may not contain empty keys".into());
        }
        if let Some(text) = &self.longer_than
            && go_duration_seconds(text).is_none()
        {
            return Err(format!(
                "change: `longer_than: {text}` is not a Go duration"
            ));
        }
        let tests = usize::from(self.equals.is_some())
            + usize::from(self.exists.is_some())
            + usize::from(self.not_empty.is_some())
            + usize::from(self.longer_than.is_some())
            + usize::from(self.has_item_before_end.is_some())
            + usize::from(!self.may_contain.is_empty());
        if tests == 0 {
            return Err("change: a condition needs a test (`equals`, `exists`, ...)".into());
        }
        if self.missing_means.is_some() && self.equals.is_none() {
            return Err("change: `missing_means` only goes with `equals`".into());
        }
        Ok(())
    }

    /// The key of the first entry this condition's path reaches (for pointing at it).
    pub fn first_entry(&self, scope: &Node) -> Option<idplint_diagnostics::TextRange> {
        let path: Vec<&str> = self.path.iter().map(String::as_str).collect();
        let mut found = None;
        super::super::paths::for_each_entry(scope, &path, &mut |entry| {
            if found.is_none() {
                found = Some(entry.key.range);
            }
        });
        found
    }

    pub fn holds(&self, scope: &Node) -> bool {
        let path: Vec<&str> = self.path.iter().map(String::as_str).collect();
        let mut found = Vec::new();
        for_each_match(scope, &path, &mut |node| found.push(node));
        if found.is_empty() {
            if self.exists == Some(false) {
                return true;
            }
            return match (&self.missing_means, &self.equals) {
                (Some(missing), Some(expected)) => missing == expected,
                _ => false,
            };
        }
        if self.exists == Some(false) {
            return false;
        }
        found.into_iter().any(|node| self.passes(node))
    }

    fn passes(&self, node: &Node) -> bool {
        if let Some(expected) = &self.equals
            && !value_equals(node, expected)
        {
            return false;
        }
        if self.not_empty == Some(true) && is_empty(node) {
            return false;
        }
        if let Some(limit) = &self.longer_than {
            let longer = match (
                node.as_str().and_then(go_duration_seconds),
                go_duration_seconds(limit),
            ) {
                (Some(value), Some(limit)) => value > limit,
                _ => false,
            };
            if !longer {
                return false;
            }
        }
        if let Some(test) = &self.has_item_before_end {
            let path: Vec<&str> = test.path.iter().map(String::as_str).collect();
            let items = node.as_sequence().unwrap_or(&[]);
            let is = |item: &Node, expected: &serde_json::Value| {
                item.get_path(&path)
                    .is_some_and(|value| value_equals(value, expected))
            };
            let found = items.iter().enumerate().any(|(i, item)| {
                let later = items.get(i + 1..).unwrap_or(&[]);
                is(item, &test.equals)
                    && match &test.followed_by {
                        Some(next) => later.iter().any(|l| is(l, next)),
                        None => !later.is_empty(),
                    }
            });
            if !found {
                return false;
            }
        }
        if !self.may_contain.is_empty() && !may_contain(node, &self.may_contain) {
            return false;
        }
        true
    }
}

/// A scalar compared with a rule-file value the way Kratos (Go) reads it: booleans only as
/// plain `true`/`false`, numbers by their text, strings by their decoded value.
pub fn value_equals(node: &Node, expected: &serde_json::Value) -> bool {
    match expected {
        serde_json::Value::Bool(b) => node.as_bool() == Some(*b),
        serde_json::Value::String(s) => node.as_str() == Some(s.as_str()),
        serde_json::Value::Number(n) => node.as_str() == Some(n.to_string().as_str()),
        serde_json::Value::Null => node.is_null(),
        _ => false,
    }
}

fn is_empty(node: &Node) -> bool {
    match &node.kind {
        NodeKind::Mapping(entries) => entries.is_empty(),
        NodeKind::Sequence(items) => items.is_empty(),
        NodeKind::Scalar(_) => node.is_null() || node.as_str() == Some(""),
        NodeKind::Alias { resolved, .. } => resolved.as_deref().is_none_or(is_empty),
    }
}

/// Whether a Jsonnet body reference may mention one of `needles`: only inline `base64://`
/// bodies can be read here; files and URLs might say anything.
fn may_contain(node: &Node, needles: &[String]) -> bool {
    let Some(value) = node.as_str() else {
        return true;
    };
    if value.trim().is_empty() {
        // No body template at all: nothing can read anything.
        return false;
    }
    let Some(encoded) = value.strip_prefix("base64://") else {
        return true;
    };
    match decode_base64(encoded) {
        Some(bytes) => {
            let text = String::from_utf8_lossy(&bytes);
            needles.iter().any(|needle| text.contains(needle.as_str()))
        }
        None => true,
    }
}

/// Standard or URL-safe base64, padding optional, whitespace ignored.
pub fn decode_base64(text: &str) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(text.len() * 3 / 4);
    let mut buffer = 0u32;
    let mut bits = 0u32;
    for byte in text.bytes() {
        let value = match byte {
            b'A'..=b'Z' => byte - b'A',
            b'a'..=b'z' => byte - b'a' + 26,
            b'0'..=b'9' => byte - b'0' + 52,
            b'+' | b'-' => 62,
            b'/' | b'_' => 63,
            b'=' | b' ' | b'\n' | b'\r' | b'\t' => continue,
            _ => return None,
        };
        buffer = (buffer << 6) | u32::from(value);
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push(((buffer >> bits) & 0xff) as u8);
        }
    }
    Some(out)
}

/// A Go `time.ParseDuration` string in seconds (`1h30m`, `720h`, `1.5h`, `-1s`).
pub fn go_duration_seconds(text: &str) -> Option<f64> {
    let text = text.trim();
    let (sign, mut rest) = match text.strip_prefix('-') {
        Some(rest) => (-1.0, rest),
        None => (1.0, text.strip_prefix('+').unwrap_or(text)),
    };
    if rest == "0" {
        return Some(0.0);
    }
    if rest.is_empty() {
        return None;
    }
    let mut total = 0.0;
    while !rest.is_empty() {
        let number_len = rest
            .find(|c: char| !(c.is_ascii_digit() || c == '.'))
            .unwrap_or(rest.len());
        let number: f64 = rest.get(..number_len)?.parse().ok()?;
        rest = rest.get(number_len..)?;
        let unit_len = rest
            .find(|c: char| c.is_ascii_digit() || c == '.')
            .unwrap_or(rest.len());
        let unit = rest.get(..unit_len)?;
        rest = rest.get(unit_len..)?;
        let scale = match unit {
            "ns" => 1e-9,
            "us" | "µs" | "μs" => 1e-6,
            "ms" => 1e-3,
            "s" => 1.0,
            "m" => 60.0,
            "h" => 3600.0,
            _ => return None,
        };
        total += number * scale;
    }
    Some(sign * total)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn durations() {
        assert_eq!(go_duration_seconds("24h"), Some(86_400.0));
        assert_eq!(go_duration_seconds("1h30m"), Some(5_400.0));
        assert_eq!(go_duration_seconds("1.5h"), Some(5_400.0));
        assert_eq!(go_duration_seconds("0"), Some(0.0));
        assert_eq!(go_duration_seconds("10d"), None);
        assert_eq!(go_duration_seconds(""), None);
        assert_eq!(go_duration_seconds("h"), None);
    }

    #[test]
    fn base64() {
        assert_eq!(decode_base64("aGVsbG8=").unwrap(), b"hello");
        assert_eq!(decode_base64("aGVsbG8").unwrap(), b"hello");
        assert!(decode_base64("a*b").is_none());
    }
}
