//! The kinds of Kratos config change a rule file can describe, and how each is checked and
//! fixed. A `change:` in `rules/kratos/*.yaml` names one kind with `kind:`.
//!
//! | kind | what changed | fires when |
//! |---|---|---|
//! | `removed-key` | a key was deprecated, is ignored, or was removed | target ≥ that release |
//! | `renamed-key` | a key (or several keys of one parent) renamed in place | target ≥ release |
//! | `moved-key` | a key moved under another parent | target ≥ release |
//! | `replaced-key` | a key replaced by another whose values are mapped (or wrapped in a list) | target ≥ release |
//! | `value-renamed` | an enum value renamed | target ≥ release |
//! | `value-removed` | values (or value shapes) no longer accepted | target ≥ release |
//! | `number-with-unit` | an integer became a string with a unit (`131072` → `131072KB`) | target ≥ release |
//! | `file-path-to-uri` | a bare file path became a `file://` URI | target ≥ release |
//! | `schema-url-to-schemas` | `identity.default_schema_url` became `identity.schemas[]` | target ≥ release |
//! | `smtp-scheme` | the TLS meaning of `smtp://` / `smtps://` changed (v0.7, v0.8) | the upgrade crosses it |
//! | `default-changed` | a default changed; offer to pin the old one | the upgrade crosses it |
//! | `decoupled-default` | a key that used to follow other keys got its own default | the upgrade crosses it |
//! | `notice` | a behaviour change with nothing to rewrite | the upgrade crosses it (or target window) |
//!
//! Every kind also takes these common fields:
//! - `each`: a path (with `[]`, `*`, `**`, `a|b`, see `paths`) the rule runs on, once per match;
//!   the kind's own paths and the conditions are relative to it. Default: the config root.
//! - `when` (one condition or a list, all must hold), `when_any` (one must hold), `unless`
//!   (none may hold): see `conditions`.
//! - `until`: the rule only applies while the target is below this version.
//! - `note`: a sentence appended to every message.
//!
//! Multi-release upgrades run every window at once and the engine's fix loop repeats until
//! nothing changes, so a chain of changes ends on the final form. For a key renamed twice
//! (a → b, later b → c), the later rule names every older spelling (`from: [x, "a|b"]`): then
//! the original file already carries the later rule's finding, and a partial fix (safe fixes
//! only) never "gains" a finding, which the fix verification would refuse. A pin whose key a
//! later release replaced says so with `later:` (see `defaults`).
//!
//! Fix applicability follows the project policy: a rule's `fix:` is the best it can offer; a
//! `safe` fix is downgraded to `unsafe` when the rewritten form does not work on the *current*
//! version yet (the kind knows from which release it does), or when the edit would drop a
//! comment. Every fix is applied to the unit's text and re-parsed before it is offered.

mod conditions;
mod defaults;
mod edits;
mod keys;
mod notices;
mod values;

use super::paths::{display, for_each_match_path};
use crate::data::version_field;
use crate::rule::{Rule, RuleContext, RuleMeta};
use crate::unit::{TreeUnit, UnitContent, UnitKind};
use crate::version::{ProductVersion, Versions};
use conditions::Condition;
use idplint_diagnostics::{Applicability, Diagnostic, Edit, Fix, Severity, TextRange};
use idplint_syntax::Node;
use serde::Deserialize;
use serde::de::DeserializeOwned;
use std::sync::Arc;

/// What one kind does on one scope node.
trait Change: Send + Sync {
    fn check(&self, cx: &Cx<'_>, out: &mut Vec<Diagnostic>);
    /// Whether this change ever offers an edit (so the rule must declare `fix:`).
    fn fixes(&self) -> bool;
}

/// Fields every kind accepts (see the module docs).
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct Common {
    #[serde(default)]
    each: Vec<String>,
    #[serde(default)]
    when: Option<OneOrMany>,
    #[serde(default)]
    when_any: Vec<Condition>,
    #[serde(default)]
    unless: Vec<Condition>,
    #[serde(default)]
    until: Option<String>,
    #[serde(default)]
    note: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(untagged)]
enum OneOrMany {
    One(Box<Condition>),
    Many(Vec<Condition>),
}

const COMMON_FIELDS: [&str; 6] = ["each", "when", "when_any", "unless", "until", "note"];

pub fn compile(meta: Arc<RuleMeta>, change: &serde_json::Value) -> Result<Box<dyn Rule>, String> {
    let serde_json::Value::Object(fields) = change else {
        return Err("change: must be a mapping with a `kind:`".into());
    };
    let mut own = fields.clone();
    let kind = own
        .remove("kind")
        .and_then(|k| k.as_str().map(str::to_string))
        .ok_or("change: give `kind:`")?;
    let mut common = serde_json::Map::new();
    for field in COMMON_FIELDS {
        if let Some(value) = own.remove(field) {
            common.insert(field.to_string(), value);
        }
    }
    let common: Common = serde_json::from_value(serde_json::Value::Object(common))
        .map_err(|e| format!("change: {e}"))?;
    let release = meta.release.as_deref();
    let own = serde_json::Value::Object(own);
    let change: Box<dyn Change> = match kind.as_str() {
        "removed-key" => keys::removed_key(parse(own)?, release)?,
        "renamed-key" => keys::renamed_key(parse(own)?, release)?,
        "moved-key" => keys::moved_key(parse(own)?, release)?,
        "replaced-key" => keys::replaced_key(parse(own)?, release)?,
        "value-renamed" => values::value_renamed(parse(own)?, release)?,
        "value-removed" => values::value_removed(parse(own)?, release)?,
        "number-with-unit" => values::number_with_unit(parse(own)?, release)?,
        "file-path-to-uri" => values::file_path_to_uri(parse(own)?, release)?,
        "schema-url-to-schemas" => values::schema_url_to_schemas(parse(own)?, release)?,
        "smtp-scheme" => values::smtp_scheme(parse(own)?)?,
        "default-changed" => defaults::default_changed(parse(own)?, release)?,
        "decoupled-default" => defaults::decoupled_default(parse(own)?, release)?,
        "notice" => notices::notice(parse(own)?, release)?,
        other => return Err(format!("change: unknown kind `{other}`")),
    };
    match (change.fixes(), meta.fix) {
        (true, None) => {
            return Err("the change can fix; declare the best applicability with `fix:`".into());
        }
        (false, Some(_)) => {
            return Err("`fix:` is declared but this change never offers an edit".into());
        }
        _ => {}
    }
    let until = version_field(common.until.as_deref(), None, "until")?;
    let when = match common.when {
        None => Vec::new(),
        Some(OneOrMany::One(c)) => vec![*c],
        Some(OneOrMany::Many(list)) => list,
    };
    for condition in when.iter().chain(&common.when_any).chain(&common.unless) {
        condition.validate()?;
    }
    check_path(&common.each, "each", true)?;
    Ok(Box::new(KratosChangeRule {
        meta,
        each: common.each,
        when,
        when_any: common.when_any,
        unless: common.unless,
        until,
        note: common.note,
        change,
    }))
}

fn parse<T: DeserializeOwned>(value: serde_json::Value) -> Result<T, String> {
    serde_json::from_value(value).map_err(|e| format!("change: {e}"))
}

/// A path must be non-empty keys (unless `may_be_empty`), patterns only where allowed.
fn check_path(path: &[String], what: &str, may_be_empty: bool) -> Result<(), String> {
    if (!may_be_empty && path.is_empty()) || path.iter().any(|p| p.is_empty()) {
        return Err(format!("change: `{what}` must be a non-empty list of keys"));
    }
    Ok(())
}

/// The same, and no patterns at all (paths that are created by a fix).
fn check_plain_path(path: &[String], what: &str) -> Result<(), String> {
    check_path(path, what, false)?;
    if path.iter().any(|p| super::paths::is_pattern(p)) {
        return Err(format!(
            "change: `{what}` is written by the fix and must be plain keys"
        ));
    }
    Ok(())
}

/// The version a kind keys on: its own field, or the file's `release:`.
fn release_field(
    value: Option<&str>,
    release: Option<&str>,
    what: &str,
) -> Result<ProductVersion, String> {
    version_field(value, release, what)?
        .ok_or_else(|| format!("change: give `{what}` (or a file `release`)"))
}

fn refs(path: &[String]) -> Vec<&str> {
    path.iter().map(String::as_str).collect()
}

struct KratosChangeRule {
    meta: Arc<RuleMeta>,
    each: Vec<String>,
    when: Vec<Condition>,
    when_any: Vec<Condition>,
    unless: Vec<Condition>,
    until: Option<ProductVersion>,
    note: Option<String>,
    change: Box<dyn Change>,
}

/// One place a rule runs: the root or one match of `each`. Items of a list also know their
/// list and index, for kinds that delete the whole item.
#[derive(Clone, Copy)]
struct Scope<'a> {
    node: &'a Node,
    item: Option<(&'a Node, usize)>,
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
        if root.as_mapping().is_none() {
            return;
        }
        if let Some(until) = &self.until
            && ctx.versions.target_at_least(until)
        {
            return;
        }
        let mut scopes: Vec<(Scope<'_>, Vec<String>)> = Vec::new();
        match self.each.split_last() {
            None => scopes.push((
                Scope {
                    node: root,
                    item: None,
                },
                Vec::new(),
            )),
            Some((last, parents)) if last == "[]" => {
                for_each_match_path(root, &refs(parents), &mut |list, at| {
                    for (index, item) in list.as_sequence().unwrap_or(&[]).iter().enumerate() {
                        let mut path = at.to_vec();
                        path.push(format!("[{index}]"));
                        scopes.push((
                            Scope {
                                node: item,
                                item: Some((list, index)),
                            },
                            path,
                        ));
                    }
                });
            }
            Some(_) => for_each_match_path(root, &refs(&self.each), &mut |node, at| {
                scopes.push((Scope { node, item: None }, at.to_vec()));
            }),
        }
        for (scope, scope_path) in scopes {
            let holds = self.when.iter().all(|c| c.holds(scope.node))
                && (self.when_any.is_empty() || self.when_any.iter().any(|c| c.holds(scope.node)))
                && !self.unless.iter().any(|c| c.holds(scope.node));
            if !holds {
                continue;
            }
            let cx = Cx {
                versions: ctx.versions,
                tree,
                root,
                meta: &self.meta,
                scope,
                scope_path,
                anchor: self.when.first().and_then(|c| c.first_entry(scope.node)),
                note: self.note.as_deref(),
                conditional: !self.when.is_empty() || !self.when_any.is_empty(),
            };
            self.change.check(&cx, out);
        }
    }
}

/// From which version a rewritten form works, for the safe/unsafe decision.
#[derive(Clone, Copy)]
enum Works<'a> {
    /// On every version (the edit changes nothing Kratos reads before the change).
    Always,
    /// From this release on.
    From(&'a ProductVersion),
    /// The edit changes behaviour on the current version whatever it is.
    Never,
}

/// What a kind sees while checking one scope.
struct Cx<'a> {
    versions: &'a Versions,
    tree: &'a TreeUnit,
    /// The unit's root (for kinds that look outside their scope).
    root: &'a Node,
    meta: &'a RuleMeta,
    scope: Scope<'a>,
    /// Where the scope is, concretely (`selfservice.methods.oidc.config.providers[0]`).
    scope_path: Vec<String>,
    /// The key the first `when` condition matched, a good place to point at.
    anchor: Option<TextRange>,
    note: Option<&'a str>,
    /// Whether `when`/`when_any` selected this scope (a default change then fires even where
    /// none of its parents exist yet).
    conditional: bool,
}

impl Cx<'_> {
    /// A path below the scope as people read it.
    fn display<S: AsRef<str>>(&self, rel: &[S]) -> String {
        let mut full: Vec<&str> = self.scope_path.iter().map(String::as_str).collect();
        full.extend(rel.iter().map(AsRef::as_ref));
        display(&full)
    }

    /// A diagnostic with the rule's note appended and its summary as help.
    fn diagnostic(&self, range: TextRange, severity: Severity, message: String) -> Diagnostic {
        let message = match self.note {
            Some(note) => format!("{message}. {note}"),
            None => message,
        };
        Diagnostic::new(self.meta.id.clone(), severity, message, range)
            .with_help(self.meta.summary.clone())
    }

    /// A fix with the policy's applicability, or `None` when the rule declares no fix, there
    /// is nothing to edit, or the edited text would not parse.
    fn fix(&self, message: String, works: Works<'_>, edits: Vec<Edit>) -> Option<Fix> {
        let best = self.meta.fix?;
        if edits.is_empty() {
            return None;
        }
        let works_now = match works {
            Works::Always => true,
            Works::From(version) => self.versions.current_at_least(version),
            Works::Never => false,
        };
        let mut applicability = match best {
            Applicability::DisplayOnly => Applicability::DisplayOnly,
            Applicability::Safe if works_now => Applicability::Safe,
            _ => Applicability::Unsafe,
        };
        if !edits::still_parses(self.tree, &edits) {
            return None;
        }
        if applicability == Applicability::Safe && edits::loses_comments(self.tree, &edits) {
            applicability = Applicability::Unsafe;
        }
        Some(Fix::new(message, applicability, edits))
    }

    /// Where to point at the scope itself: what its condition matched, its first key, or
    /// the node.
    fn scope_anchor(&self) -> TextRange {
        self.anchor.unwrap_or_else(|| anchor_of(self.scope.node))
    }
}

/// The first key of a mapping (where a reader looks), or the node itself.
fn anchor_of(node: &Node) -> TextRange {
    if let Some(entry) = node.as_mapping().and_then(<[_]>::first) {
        return entry.key.range;
    }
    match node.as_sequence().and_then(<[_]>::first) {
        Some(item) => anchor_of(item),
        None => node.range,
    }
}

/// The lower of two severities (deprecations never exceed a warning).
fn at_most(severity: Severity, cap: Severity) -> Severity {
    severity.min(cap)
}
