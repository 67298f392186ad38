//! `kratos/identity-schema-extension-invalid`: an `ory.sh/kratos` object that the target
//! release's identity meta-schema rejects: an unknown key (every level of the extension is
//! closed), a value of the wrong type (`identifier: "true"`), or an enum value the release
//! does not accept (`recovery.via: sms` before v25.4). Checked against our vocabulary catalog
//! `rules/kratos/keys/identity-extension.tsv`.
//!
//! Before v0.8 Kratos did not validate identity schemas against the meta-schema; it ignored
//! what it did not know, so findings for such targets are warnings. `verification.via: phone`
//! from v1.1 on is `kratos/identity-schema-via-phone`'s.

use super::{EXTENSION, extension_uses, native_rule, tree_and_root};
use crate::products::kratos::catalog::{
    Catalog, KeyStatus, KeyType, Release, identity_catalog, join,
};
use crate::products::kratos::config_keys::Target;
use crate::products::kratos::config_keys::scalar::{Decoded, decode};
use crate::rule::{RuleContext, RuleMeta};
use idplint_diagnostics::{Applicability, Diagnostic, Edit, Fix, Severity};
use idplint_syntax::Node;

native_rule!(
    ExtensionInvalid,
    "kratos/identity-schema-extension-invalid",
    KratosIdentitySchema
);

/// From this release on, identity schemas are validated against the meta-schema at startup.
const VALIDATED_FROM: Release = Release(0, 8, 0);
/// From this release on, `verification.via: phone` is the via-phone rule's finding.
const PHONE_RENAMED: Release = Release(1, 1, 0);

struct Checker<'a> {
    meta: &'a RuleMeta,
    catalog: &'static Catalog,
    target: Target,
    on: String,
    text: &'a str,
    out: &'a mut Vec<Diagnostic>,
}

fn check(meta: &RuleMeta, ctx: &RuleContext<'_>, out: &mut Vec<Diagnostic>) {
    let (Some((tree, root)), Ok(catalog), Some(target)) = (
        tree_and_root(ctx.unit),
        identity_catalog(),
        Target::of(ctx.versions),
    ) else {
        return;
    };
    let mut checker = Checker {
        meta,
        catalog,
        target,
        on: target.describe(ctx.versions),
        text: &tree.text,
        out,
    };
    for used in extension_uses(root) {
        let value = &used.entry.value;
        if value.as_mapping().is_none() {
            let severity = checker.severity(false);
            checker.out.push(Diagnostic::new(
                meta.id.clone(),
                severity,
                format!("`{EXTENSION}` must be an object (`{{\"credentials\": ...}}`)"),
                value.range,
            ));
            continue;
        }
        checker.object(value, "");
    }
}

impl Checker<'_> {
    /// Rejected on a known release from v0.8; otherwise ignored or uncertain: a warning.
    fn severity(&self, depends_on_release: bool) -> Severity {
        if self.target.release < VALIDATED_FROM || (depends_on_release && self.target.assumed) {
            Severity::Warning
        } else {
            self.meta.severity
        }
    }

    fn object(&mut self, node: &Node, path: &str) {
        let at = self.target.release;
        for entry in node.as_mapping().unwrap_or(&[]) {
            let key = entry.key_str();
            let key_path = join(path, key);
            let shown = format!("{EXTENSION}.{key_path}");
            let row = match self.catalog.status(&key_path, at) {
                KeyStatus::Valid(row) => row,
                status => {
                    let (depends, message) = match status {
                        KeyStatus::Later(row) => (
                            true,
                            format!(
                                "`{shown}` exists only from Kratos {} on; {} rejects it",
                                row.window.since.unwrap_or(at),
                                self.on
                            ),
                        ),
                        KeyStatus::Removed(row) => (
                            true,
                            format!(
                                "`{shown}` was removed in Kratos {}; {} rejects it",
                                row.window.until.unwrap_or(at),
                                self.on
                            ),
                        ),
                        _ => (
                            false,
                            format!(
                                "`{shown}` is not part of the identity schema extension of {}",
                                self.on
                            ),
                        ),
                    };
                    let mut diagnostic = Diagnostic::new(
                        self.meta.id.clone(),
                        self.severity(depends),
                        message,
                        entry.key.range,
                    );
                    let valid = self.catalog.valid_children(path, at);
                    let suggestion = crate::suggest::closest(key, valid.iter().copied());
                    match suggestion {
                        Some(s) if !depends => {
                            diagnostic = diagnostic.with_help(format!("Did you mean `{s}`?"));
                            if entry.key.range.slice(self.text).is_some() {
                                diagnostic = diagnostic.with_fix(Fix::new(
                                    format!("Rename `{key}` to `{s}`"),
                                    Applicability::Unsafe,
                                    vec![Edit::replace(
                                        entry.key.range,
                                        idplint_syntax::json::edit::escape_string(&s),
                                    )],
                                ));
                            }
                        }
                        _ => {
                            // `webauthn.display_name` where `passkey.display_name` is meant.
                            let elsewhere: Vec<String> = self
                                .catalog
                                .paths_ending_in(key, at)
                                .into_iter()
                                .map(|p| format!("`{EXTENSION}.{p}`"))
                                .collect();
                            if !depends && !elsewhere.is_empty() {
                                diagnostic = diagnostic.with_help(format!(
                                    "`{key}` belongs to {}",
                                    elsewhere.join(", ")
                                ));
                            } else if !valid.is_empty() {
                                diagnostic = diagnostic
                                    .with_help(format!("Valid here: {}", valid.join(", ")));
                            }
                        }
                    }
                    self.out.push(diagnostic);
                    continue;
                }
            };
            let decoded = decode(&entry.value, true);
            let fits = match row.ty {
                KeyType::Object | KeyType::Map => decoded == Decoded::Mapping,
                KeyType::Boolean => decoded == Decoded::Bool,
                KeyType::String => decoded == Decoded::String,
                KeyType::Integer => decoded == Decoded::Int,
                KeyType::Number => matches!(decoded, Decoded::Int | Decoded::Float { .. }),
                KeyType::Array => decoded == Decoded::Sequence,
                KeyType::Any => true,
            };
            if !fits {
                let mut diagnostic = Diagnostic::new(
                    self.meta.id.clone(),
                    self.severity(false),
                    format!(
                        "`{shown}` must be {}, not {}",
                        match row.ty {
                            KeyType::Boolean => "`true` or `false`",
                            KeyType::String => "a string",
                            KeyType::Object | KeyType::Map => "an object",
                            _ => row.ty.as_str(),
                        },
                        decoded.describe()
                    ),
                    entry.value.range,
                );
                // `"identifier": "true"`: the quotes are the mistake.
                if row.ty == KeyType::Boolean
                    && let Some(text @ ("true" | "false")) = entry.value.as_str()
                {
                    diagnostic = diagnostic.with_fix(Fix::new(
                        format!("Write `{text}` without quotes"),
                        Applicability::Safe,
                        vec![Edit::replace(entry.value.range, text)],
                    ));
                }
                self.out.push(diagnostic);
                continue;
            }
            if row.ty == KeyType::Object {
                self.object(&entry.value, &key_path);
                continue;
            }
            let allowed = row.enum_at(at);
            let Some(value) = entry.value.as_str() else {
                continue;
            };
            if allowed.is_empty() || allowed.contains(&value) {
                continue;
            }
            if key_path == "verification.via"
                && value == "phone"
                && (at >= PHONE_RENAMED || self.target.assumed)
            {
                continue;
            }
            let other = row.enum_values.iter().find(|v| v.value == value);
            let (depends, message) = match other {
                Some(v) => match (v.window.since, v.window.until) {
                    (Some(since), _) if at < since => (
                        true,
                        format!(
                            "`{shown}: {value}` is accepted only from Kratos {since} on; {} rejects it",
                            self.on
                        ),
                    ),
                    (_, Some(until)) => (
                        true,
                        format!(
                            "`{shown}: {value}` was dropped in Kratos {until}; {} rejects it",
                            self.on
                        ),
                    ),
                    _ => (
                        false,
                        format!("`{shown}: {value}` is not accepted by {}", self.on),
                    ),
                },
                None => (
                    false,
                    format!(
                        "`{shown}: {value}` is not one of the values {} accepts",
                        self.on
                    ),
                ),
            };
            let mut diagnostic = Diagnostic::new(
                self.meta.id.clone(),
                self.severity(depends),
                message,
                entry.value.range,
            )
            .with_help(format!("Accepted: {}", allowed.join(", ")));
            if let Some(exact) = allowed.iter().find(|a| a.eq_ignore_ascii_case(value)) {
                diagnostic = diagnostic.with_fix(Fix::new(
                    format!("Change to `{exact}`"),
                    Applicability::Safe,
                    vec![idplint_syntax::json::edit::replace_string(
                        &entry.value,
                        exact,
                    )],
                ));
            }
            self.out.push(diagnostic);
        }
    }
}
