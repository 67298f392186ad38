//! Changes to values: enum values renamed or dropped, an integer that became a string with a
//! unit, bare paths that became `file://` URIs, the identity schema list, and the TLS meaning
//! of SMTP URI schemes.

use super::super::paths::{for_each_entry_path, for_each_match, for_each_match_path};
use super::edits;
use super::{Change, Cx, Works, at_most, check_path, refs, release_field};
use crate::version::ProductVersion;
use idplint_diagnostics::{Diagnostic, Edit, Severity, Tag, TextRange};
use idplint_syntax::{Node, ScalarStyle};
use serde::Deserialize;
use std::collections::BTreeMap;

/// Values written from templates (`${SMTP_URI}`, `{{ .Values.x }}`) are not judged.
fn is_template(value: &str) -> bool {
    value.contains("${") || value.contains("{{")
}

// ---------------------------------------------------------------------------------------------
// value-renamed

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ValueRenamedSpec {
    path: Vec<String>,
    values: BTreeMap<String, String>,
    #[serde(default)]
    changed_in: Option<String>,
}

struct ValueRenamed {
    path: Vec<String>,
    values: BTreeMap<String, String>,
    changed_in: ProductVersion,
}

pub fn value_renamed(
    spec: ValueRenamedSpec,
    release: Option<&str>,
) -> Result<Box<dyn Change>, String> {
    check_path(&spec.path, "path", false)?;
    if spec.values.is_empty() {
        return Err("change: `values` maps old values to new ones".into());
    }
    Ok(Box::new(ValueRenamed {
        changed_in: release_field(spec.changed_in.as_deref(), release, "changed_in")?,
        path: spec.path,
        values: spec.values,
    }))
}

impl Change for ValueRenamed {
    fn fixes(&self) -> bool {
        true
    }

    fn check(&self, cx: &Cx<'_>, out: &mut Vec<Diagnostic>) {
        if !cx.versions.target_at_least(&self.changed_in) {
            return;
        }
        for_each_match_path(cx.scope.node, &refs(&self.path), &mut |node, at| {
            let key = cx.display(at);
            let Some(old) = node.as_str() else {
                return;
            };
            let Some(new) = self.values.get(old) else {
                return;
            };
            let fix = edits::replace_string(cx.tree, node, new).and_then(|edit| {
                cx.fix(
                    format!("Replace with `{new}`"),
                    Works::From(&self.changed_in),
                    vec![edit],
                )
            });
            out.push(
                cx.diagnostic(
                    node.range,
                    cx.meta.severity,
                    format!(
                        "`{key}: {old}` is not accepted since Kratos {}; the value is now `{new}`",
                        self.changed_in
                    ),
                )
                .with_tag(Tag::Deprecated)
                .with_fix_opt(fix),
            );
        });
    }
}

// ---------------------------------------------------------------------------------------------
// value-removed

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ValueRemovedSpec {
    path: Vec<String>,
    /// Rejected values (compared the way Go reads them: `true` matches a plain boolean only).
    #[serde(default)]
    values: Vec<serde_json::Value>,
    /// Or: string values must start with one of these.
    #[serde(default)]
    allowed_prefixes: Vec<String>,
    #[serde(default)]
    changed_in: Option<String>,
    /// `delete-entry`, `delete-item` (the list item the rule's `each` points at), `quote`
    /// (write the boolean as a string) or `none`.
    #[serde(default = "none")]
    fix: String,
    /// Whether the value is rejected (error) or only deprecated (warning).
    #[serde(default)]
    deprecated: bool,
    /// Replaces the built-in message; `{key}`, `{value}` and `{version}` are filled in.
    #[serde(default)]
    message: Option<String>,
}

fn none() -> String {
    "none".to_string()
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum ValueFix {
    DeleteEntry,
    DeleteItem,
    Quote,
    None,
}

struct ValueRemoved {
    path: Vec<String>,
    values: Vec<serde_json::Value>,
    allowed_prefixes: Vec<String>,
    changed_in: ProductVersion,
    fix: ValueFix,
    deprecated: bool,
    message: Option<String>,
}

pub fn value_removed(
    spec: ValueRemovedSpec,
    release: Option<&str>,
) -> Result<Box<dyn Change>, String> {
    check_path(&spec.path, "path", false)?;
    if spec.values.is_empty() == spec.allowed_prefixes.is_empty() {
        return Err("change: give either `values` or `allowed_prefixes`".into());
    }
    let fix = match spec.fix.as_str() {
        "delete-entry" => ValueFix::DeleteEntry,
        "delete-item" => ValueFix::DeleteItem,
        "quote" => ValueFix::Quote,
        "none" => ValueFix::None,
        other => {
            return Err(format!(
                "change: `fix: {other}` must be delete-entry, delete-item, quote or none"
            ));
        }
    };
    Ok(Box::new(ValueRemoved {
        changed_in: release_field(spec.changed_in.as_deref(), release, "changed_in")?,
        path: spec.path,
        values: spec.values,
        allowed_prefixes: spec.allowed_prefixes,
        fix,
        deprecated: spec.deprecated,
        message: spec.message,
    }))
}

impl ValueRemoved {
    fn rejects(&self, node: &Node) -> bool {
        if !self.values.is_empty() {
            return self
                .values
                .iter()
                .any(|v| super::conditions::value_equals(node, v));
        }
        match node.as_str() {
            Some(text) if !is_template(text) => !self
                .allowed_prefixes
                .iter()
                .any(|p| text.starts_with(p.as_str())),
            _ => false,
        }
    }
}

impl Change for ValueRemoved {
    fn fixes(&self) -> bool {
        self.fix != ValueFix::None
    }

    fn check(&self, cx: &Cx<'_>, out: &mut Vec<Diagnostic>) {
        if !cx.versions.target_at_least(&self.changed_in) {
            return;
        }
        for_each_entry_path(cx.scope.node, &refs(&self.path), &mut |entry, at| {
            let key = cx.display(at);
            let node = &entry.value;
            if !self.rejects(node) {
                return;
            }
            // Connection URIs carry passwords: never quote the value of those in a message.
            let value = if self.allowed_prefixes.is_empty() {
                node.as_str().unwrap_or_default().to_string()
            } else {
                "…".to_string()
            };
            let message = match &self.message {
                Some(template) => template
                    .replace("{key}", &key)
                    .replace("{value}", &value)
                    .replace("{version}", self.changed_in.original()),
                None if self.deprecated => format!(
                    "`{key}: {value}` is deprecated since Kratos {}",
                    self.changed_in
                ),
                None => format!(
                    "`{key}: {value}` is not accepted since Kratos {}",
                    self.changed_in
                ),
            };
            let (edits, fix_message, works) = match self.fix {
                ValueFix::DeleteEntry => (
                    Some(vec![edits::remove_entry(
                        cx.tree,
                        cx.scope.node,
                        entry,
                        &[],
                    )]),
                    format!("Remove `{key}`"),
                    Works::From(&self.changed_in),
                ),
                ValueFix::DeleteItem => (
                    cx.scope
                        .item
                        .and_then(|(list, index)| edits::remove_item(cx.tree, cx.root, list, index))
                        .map(|edit| vec![edit]),
                    "Remove the list item".to_string(),
                    Works::From(&self.changed_in),
                ),
                ValueFix::Quote => (
                    node.as_str()
                        .map(|text| vec![Edit::replace(node.range, format!("\"{text}\""))]),
                    format!("Write it as the string \"{value}\""),
                    Works::Always,
                ),
                ValueFix::None => (None, String::new(), Works::Never),
            };
            let fix = edits.and_then(|edits| cx.fix(fix_message, works, edits));
            let severity = if self.deprecated {
                at_most(cx.meta.severity, Severity::Warning)
            } else {
                cx.meta.severity
            };
            out.push(
                cx.diagnostic(node.range, severity, message)
                    .with_fix_opt(fix),
            );
        });
    }
}

// ---------------------------------------------------------------------------------------------
// number-with-unit

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NumberWithUnitSpec {
    path: Vec<String>,
    unit: String,
    #[serde(default)]
    changed_in: Option<String>,
}

struct NumberWithUnit {
    path: Vec<String>,
    unit: String,
    changed_in: ProductVersion,
}

pub fn number_with_unit(
    spec: NumberWithUnitSpec,
    release: Option<&str>,
) -> Result<Box<dyn Change>, String> {
    check_path(&spec.path, "path", false)?;
    Ok(Box::new(NumberWithUnit {
        changed_in: release_field(spec.changed_in.as_deref(), release, "changed_in")?,
        path: spec.path,
        unit: spec.unit,
    }))
}

impl Change for NumberWithUnit {
    fn fixes(&self) -> bool {
        true
    }

    fn check(&self, cx: &Cx<'_>, out: &mut Vec<Diagnostic>) {
        if !cx.versions.target_at_least(&self.changed_in) {
            return;
        }
        for_each_match_path(cx.scope.node, &refs(&self.path), &mut |node, at| {
            let key = cx.display(at);
            let Some(scalar) = node.as_scalar() else {
                return;
            };
            if scalar.style != ScalarStyle::Plain
                || scalar.value.is_empty()
                || !scalar.value.bytes().all(|b| b.is_ascii_digit())
            {
                return;
            }
            let new = format!("{}{}", scalar.value, self.unit);
            let fix = edits::replace_string(cx.tree, node, &new).and_then(|edit| {
                cx.fix(
                    format!("Write `{new}`"),
                    Works::From(&self.changed_in),
                    vec![edit],
                )
            });
            out.push(
                cx.diagnostic(
                    node.range,
                    cx.meta.severity,
                    format!(
                        "`{key}` takes a size with a unit since Kratos {}; the number `{}` is rejected",
                        self.changed_in, scalar.value
                    ),
                )
                .with_fix_opt(fix),
            );
        });
    }
}

// ---------------------------------------------------------------------------------------------
// file-path-to-uri

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FileUriSpec {
    path: Vec<String>,
    #[serde(default)]
    changed_in: Option<String>,
}

struct FilePathToUri {
    path: Vec<String>,
    changed_in: ProductVersion,
}

pub fn file_path_to_uri(
    spec: FileUriSpec,
    release: Option<&str>,
) -> Result<Box<dyn Change>, String> {
    check_path(&spec.path, "path", false)?;
    Ok(Box::new(FilePathToUri {
        changed_in: release_field(spec.changed_in.as_deref(), release, "changed_in")?,
        path: spec.path,
    }))
}

impl Change for FilePathToUri {
    fn fixes(&self) -> bool {
        true
    }

    fn check(&self, cx: &Cx<'_>, out: &mut Vec<Diagnostic>) {
        if !cx.versions.target_at_least(&self.changed_in) {
            return;
        }
        for_each_match_path(cx.scope.node, &refs(&self.path), &mut |node, at| {
            let key = cx.display(at);
            let Some(value) = node.as_str() else {
                return;
            };
            let bare = ["/", "./", "../"].iter().any(|p| value.starts_with(p))
                && !value.contains("://")
                && !is_template(value);
            if !bare {
                return;
            }
            let uri = format!("file://{value}");
            let fix = edits::replace_string(cx.tree, node, &uri).and_then(|edit| {
                cx.fix(
                    format!("Write `{uri}`"),
                    Works::From(&self.changed_in),
                    vec![edit],
                )
            });
            out.push(
                cx.diagnostic(
                    node.range,
                    at_most(cx.meta.severity, Severity::Warning),
                    format!(
                        "`{key}` should be a URI since Kratos {}; bare file paths are deprecated",
                        self.changed_in
                    ),
                )
                .with_tag(Tag::Deprecated)
                .with_fix_opt(fix),
            );
        });
    }
}

// ---------------------------------------------------------------------------------------------
// schema-url-to-schemas

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SchemaUrlSpec {
    #[serde(default)]
    changed_in: Option<String>,
}

/// `identity.default_schema_url: X` → `identity.default_schema_id: default` and an item
/// `{id: default, url: X}` in `identity.schemas`. Before the change the id `default` was
/// forbidden in `schemas`, so it cannot collide; identities stored with schema id `default`
/// keep resolving.
struct SchemaUrlToSchemas {
    changed_in: ProductVersion,
}

pub fn schema_url_to_schemas(
    spec: SchemaUrlSpec,
    release: Option<&str>,
) -> Result<Box<dyn Change>, String> {
    Ok(Box::new(SchemaUrlToSchemas {
        changed_in: release_field(spec.changed_in.as_deref(), release, "changed_in")?,
    }))
}

impl Change for SchemaUrlToSchemas {
    fn fixes(&self) -> bool {
        true
    }

    fn check(&self, cx: &Cx<'_>, out: &mut Vec<Diagnostic>) {
        if !cx.versions.target_at_least(&self.changed_in) {
            return;
        }
        let Some(identity) = cx.scope.node.get("identity") else {
            return;
        };
        let Some(entry) = identity.value.get("default_schema_url") else {
            return;
        };
        let fix = self.edits(cx, &identity.value, entry).and_then(|edits| {
            cx.fix(
                "Replace with `default_schema_id: default` and a `schemas` item".to_string(),
                Works::From(&self.changed_in),
                edits,
            )
        });
        out.push(
            cx.diagnostic(
                entry.key.range,
                cx.meta.severity,
                format!(
                    "`identity.default_schema_url` was removed in Kratos {}; identity schemas are listed in `identity.schemas` and chosen by `identity.default_schema_id`",
                    self.changed_in
                ),
            )
            .with_tag(Tag::Deprecated)
            .with_fix_opt(fix),
        );
    }
}

impl SchemaUrlToSchemas {
    fn edits(
        &self,
        cx: &Cx<'_>,
        identity: &Node,
        entry: &idplint_syntax::Entry,
    ) -> Option<Vec<Edit>> {
        if identity.get("default_schema_id").is_some() {
            return None;
        }
        let url = edits::one_line_source(cx.tree, &entry.value)?;
        let schemas = identity.get("schemas");
        if schemas.is_some_and(|s| {
            s.value.as_sequence().is_some_and(|items| {
                items
                    .iter()
                    .any(|item| item.get("id").and_then(|e| e.value.as_str()) == Some("default"))
            })
        }) {
            return None;
        }
        let yaml = edits::is_yaml(cx.tree);
        match schemas {
            None if yaml => {
                let unit = " ".repeat(cx.tree.doc.style.indent_unit_or_default());
                let edit = edits::replace_entry_lines(
                    cx.tree,
                    entry,
                    &[
                        "default_schema_id: default".to_string(),
                        "schemas:".to_string(),
                        format!("{unit}- id: default"),
                        format!("{unit}  url: {url}"),
                    ],
                )?;
                Some(vec![edit])
            }
            None => Some(vec![Edit::replace(
                entry.range,
                format!(
                    "\"default_schema_id\": \"default\", \"schemas\": [{{\"id\": \"default\", \"url\": {url}}}]"
                ),
            )]),
            Some(list) if yaml => {
                let rename = Edit::replace(entry.range, "default_schema_id: default".to_string());
                let item = edits::append_block_item(
                    cx.tree,
                    &list.value,
                    &["id: default".to_string(), format!("url: {url}")],
                )?;
                Some(vec![rename, item])
            }
            Some(list) => {
                let items = list.value.as_sequence()?;
                let item = idplint_syntax::json::edit::insert_array_item_after(
                    &cx.tree.text,
                    &list.value,
                    items.len(),
                    &format!("{{\"id\": \"default\", \"url\": {url}}}"),
                    cx.tree.doc.style.newline.as_str(),
                );
                Some(vec![
                    Edit::replace(
                        entry.range,
                        "\"default_schema_id\": \"default\"".to_string(),
                    ),
                    item,
                ])
            }
        }
    }
}

// ---------------------------------------------------------------------------------------------
// smtp-scheme

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SmtpSchemeSpec {
    path: Vec<String>,
    /// `v0.7`: `smtps://` turned from implicit TLS into enforced STARTTLS (`legacy_ssl=true`
    /// keeps implicit TLS). `v0.8`: `smtp://` enforces STARTTLS, `smtps://` is implicit TLS
    /// again, and `legacy_ssl` is no longer read.
    era: String,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Era {
    V07,
    V08,
}

struct SmtpScheme {
    path: Vec<String>,
    era: Era,
    v07: ProductVersion,
    v08: ProductVersion,
}

pub fn smtp_scheme(spec: SmtpSchemeSpec) -> Result<Box<dyn Change>, String> {
    check_path(&spec.path, "path", false)?;
    let era = match spec.era.as_str() {
        "v0.7" => Era::V07,
        "v0.8" => Era::V08,
        other => return Err(format!("change: `era: {other}` must be v0.7 or v0.8")),
    };
    let version = |text: &str| ProductVersion::parse(text).ok_or("change: bad built-in version");
    Ok(Box::new(SmtpScheme {
        path: spec.path,
        era,
        v07: version("v0.7.0-alpha.1")?,
        v08: version("v0.8.0-alpha.1")?,
    }))
}

/// The parts of a connection URI that matter here, as byte offsets into the scalar's text.
struct SmtpUri<'a> {
    text: &'a str,
    scheme_len: usize,
    secure: bool,
    /// `(start, end)` of each `name=value` query parameter.
    params: Vec<(usize, usize)>,
}

impl<'a> SmtpUri<'a> {
    fn parse(text: &'a str) -> Option<Self> {
        let lower = text.get(..8).unwrap_or(text).to_ascii_lowercase();
        let (scheme_len, secure) = if lower.starts_with("smtps://") {
            (5, true)
        } else if lower.starts_with("smtp://") {
            (4, false)
        } else {
            return None;
        };
        let mut params = Vec::new();
        if let Some(q) = text.find('?') {
            let mut start = q + 1;
            for part in text.get(q + 1..)?.split('&') {
                params.push((start, start + part.len()));
                start += part.len() + 1;
            }
        }
        Some(Self {
            text,
            scheme_len,
            secure,
            params,
        })
    }

    fn param(&self, name: &str) -> Option<(usize, usize)> {
        self.params.iter().copied().find(|&(s, e)| {
            self.text
                .get(s..e)
                .is_some_and(|p| p.split('=').next() == Some(name))
        })
    }

    /// Whether a parameter is set to a true value (Go's `strconv.ParseBool`).
    fn flag(&self, name: &str) -> bool {
        self.param(name).is_some_and(|(s, e)| {
            self.text
                .get(s..e)
                .and_then(|p| p.split_once('='))
                .is_some_and(|(_, v)| matches!(v, "1" | "t" | "T" | "true" | "TRUE" | "True"))
        })
    }

    /// Edit (relative to the value) that deletes parameter `(s, e)` with one separator.
    fn delete_param(&self, (s, e): (usize, usize)) -> (usize, usize) {
        if self.params.len() == 1 {
            (s - 1, e)
        } else if e < self.text.len() {
            (s, e + 1)
        } else {
            (s - 1, e)
        }
    }

    fn append_param(&self, param: &str) -> String {
        if self.text.contains('?') {
            format!("&{param}")
        } else {
            format!("?{param}")
        }
    }
}

impl Change for SmtpScheme {
    fn fixes(&self) -> bool {
        true
    }

    fn check(&self, cx: &Cx<'_>, out: &mut Vec<Diagnostic>) {
        let v = cx.versions;
        let key = cx.display(&self.path);
        for_each_match(cx.scope.node, &refs(&self.path), &mut |node| {
            let Some(value) = node.as_str() else {
                return;
            };
            let Some(uri) = SmtpUri::parse(value) else {
                return;
            };
            // Edits are made inside the scalar's own text so they never repeat the (secret)
            // URI: only the scheme and the query parameter change.
            let inner = edits::literal_value_range(cx.tree, node);
            let at = |offset: usize| inner.map(|r| r.start + offset as u32);
            let found = match self.era {
                Era::V07 => {
                    // A 0.5/0.6 config going to 0.7.x: `smtps://` meant implicit TLS.
                    if !(v.crosses(&self.v07) && uri.secure && uri.param("legacy_ssl").is_none()) {
                        return;
                    }
                    let edit =
                        inner.map(|r| Edit::insert(r.end, uri.append_param("legacy_ssl=true")));
                    Some((
                        format!(
                            "From Kratos {}, `smtps://` in `{key}` means enforced STARTTLS instead of implicit TLS",
                            self.v07
                        ),
                        "Add `legacy_ssl=true` to keep implicit TLS".to_string(),
                        edit,
                        Works::Always,
                    ))
                }
                Era::V08 => {
                    if v.target_at_least(&self.v08) && uri.param("legacy_ssl").is_some() {
                        // `smtps://…?legacy_ssl=true` was implicit TLS on 0.7: on 0.8 that is
                        // plain `smtps://`.
                        let (s, e) = uri.delete_param(uri.param("legacy_ssl").unwrap_or((0, 0)));
                        // Only once the config runs on 0.8: during the upgrade from 0.7 the
                        // bare `smtps://` left behind would read as 0.7's STARTTLS and be
                        // rewritten to `smtp://` on the fix loop's next pass.
                        let edit = match (at(s), at(e)) {
                            (Some(s), Some(e)) if v.current_at_least(&self.v08) => {
                                Some(Edit::delete(TextRange::new(s, e)))
                            }
                            _ => None,
                        };
                        let mut message = format!(
                            "`legacy_ssl` in `{key}` is no longer read since Kratos {}",
                            self.v08
                        );
                        if !uri.flag("legacy_ssl") && uri.secure {
                            message.push_str("; `smtps://` now means implicit TLS, so STARTTLS servers need `smtp://`");
                        } else if !v.current_at_least(&self.v08) {
                            message.push_str("; the URI keeps meaning implicit TLS, remove the parameter once v0.8 runs");
                        }
                        Some((
                            message,
                            "Remove `legacy_ssl`".to_string(),
                            edit,
                            Works::From(&self.v08),
                        ))
                    } else if v.crosses(&self.v08) && uri.secure && v.current_at_least(&self.v07) {
                        // On 0.7 `smtps://` was enforced STARTTLS, which 0.8 spells `smtp://`.
                        let edit = match (at(0), at(uri.scheme_len)) {
                            (Some(s), Some(e)) => Some(Edit::replace(TextRange::new(s, e), "smtp")),
                            _ => None,
                        };
                        Some((
                            format!(
                                "From Kratos {}, `smtps://` in `{key}` means implicit TLS; on v0.7 it meant STARTTLS, which is now `smtp://`",
                                self.v08
                            ),
                            "Use `smtp://` (enforced STARTTLS)".to_string(),
                            edit,
                            Works::From(&self.v08),
                        ))
                    } else if v.crosses(&self.v08) && !uri.secure && !uri.flag("disable_starttls") {
                        // Opportunistic STARTTLS became enforced: a server without STARTTLS
                        // now fails. Only a person knows which one the server is.
                        let edit = inner.map(|r| {
                            Edit::insert(r.end, uri.append_param("disable_starttls=true"))
                        });
                        let message = format!(
                            "From Kratos {}, `smtp://` in `{key}` enforces STARTTLS; before, it fell back to cleartext when the server offered no STARTTLS",
                            self.v08
                        );
                        let fix = edit.and_then(|edit| {
                            let edits = vec![edit];
                            edits::still_parses(cx.tree, &edits).then(|| {
                                idplint_diagnostics::Fix::display_only(
                                    "Only if the server has no STARTTLS: add `disable_starttls=true` (cleartext)",
                                    edits,
                                )
                            })
                        });
                        out.push(
                            cx.diagnostic(node.range, cx.meta.severity, message)
                                .with_fix_opt(fix),
                        );
                        None
                    } else {
                        None
                    }
                }
            };
            let Some((message, fix_message, edit, works)) = found else {
                return;
            };
            let fix = edit.and_then(|edit| cx.fix(fix_message, works, vec![edit]));
            out.push(
                cx.diagnostic(node.range, cx.meta.severity, message)
                    .with_fix_opt(fix),
            );
        });
    }
}
