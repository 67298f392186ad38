//! `serverless/apikey-replacement`: a change to an existing API key that CloudFormation can only
//! make by replacing the key, which fails for a named key (seed 004: "ApiKey with name
//! old-api_key already exists").

use super::super::api_keys::{ApiKey, api_keys};
use super::super::extract::is_service_root;
use super::{key_label, unit_keys};
use crate::rule::{FnRule, Rule, RuleContext, RuleMeta};
use crate::unit::UnitKind;
use idplint_diagnostics::Diagnostic;
use idplint_syntax::Limits;
use std::sync::Arc;

pub fn factory(meta: Arc<RuleMeta>) -> Box<dyn Rule> {
    FnRule::boxed(meta, UnitKind::ServerlessConfig, check)
}

const HELP: &str = "Keep every existing entry as it is and where it is: add a new key under a \
new name at the end of the list, move the clients to it, and remove the old key in a later \
deploy (from the end of the list, so no index shifts). When a key's value must change under the \
same name, deploy twice: first without the key, then with it.";

fn check(ctx: &RuleContext<'_>, out: &mut Vec<Diagnostic>) {
    let Some(base_text) = ctx.base else {
        return;
    };
    let Some((current, text)) = unit_keys(ctx) else {
        return;
    };
    if current.is_empty() {
        return;
    }
    // A base that does not parse or is not a service has nothing to compare with.
    let Ok(base_doc) = idplint_syntax::yaml::parse(base_text, &Limits::default()) else {
        return;
    };
    let by_name = super::super::extract::is_serverless_name(ctx.file.path);
    let Some(base_root) = base_doc
        .roots
        .iter()
        .find(|root| is_service_root(root, by_name))
    else {
        return;
    };
    let base = api_keys(base_root);
    for key in &current {
        let Some(before) = base.iter().find(|old| old.logical_id == key.logical_id) else {
            continue;
        };
        let revisions = Revisions {
            current: &current,
            text,
            base: &base,
            base_text,
        };
        if let Some(diagnostic) = compare(ctx, key, before, &revisions) {
            out.push(diagnostic.with_help(HELP));
        }
    }
}

/// The keys of both revisions with the texts their nodes point into.
struct Revisions<'a> {
    current: &'a [ApiKey<'a>],
    text: &'a str,
    base: &'a [ApiKey<'a>],
    base_text: &'a str,
}

/// The finding for `key` when it replaces `before` (same logical id), if it does.
fn compare(
    ctx: &RuleContext<'_>,
    key: &ApiKey<'_>,
    before: &ApiKey<'_>,
    revisions: &Revisions<'_>,
) -> Option<Diagnostic> {
    let Revisions {
        current,
        text,
        base,
        base_text,
    } = *revisions;
    let id = &key.logical_id;
    let name = key.name_text(text);
    let old_name = before.name_text(base_text);
    if name != old_name {
        let at = key.name.unwrap_or(key.item).range;
        // The new name was another key's at the base: entries were inserted, removed or
        // reordered, so every key from here on moves to another logical id.
        let moved_from = base
            .iter()
            .find(|old| old.logical_id != *id && old.name_text(base_text) == name);
        // Or the key that had this id is still there, under another id.
        let moved_to = current.iter().find(|other| {
            other.logical_id != *id && old_name.is_some() && other.name_text(text) == old_name
        });
        let message = match (moved_from, &old_name) {
            (None, Some(old_name)) if let Some(other) = moved_to => format!(
                "API key {} takes `{id}`, the logical id of `{old_name}`, which moves to `{}` \
                 (an entry inserted or moved before it): CloudFormation replaces both keys and \
                 the replacements collide with the names and values the stack already uses",
                key_label(key, text),
                other.logical_id
            ),
            (Some(old), _) => format!(
                "API key {} moved from `{}` to `{id}` (entries inserted, removed or reordered \
                 before it): CloudFormation replaces `{id}` with a key whose name or value \
                 the stack already uses, and the deploy fails",
                key_label(key, text),
                old.logical_id
            ),
            (None, Some(old_name)) => format!(
                "API key `{id}` is renamed from `{old_name}` to {}: CloudFormation replaces the \
                 key, so its value is regenerated or collides with the old key's",
                key_label(key, text)
            ),
            (None, None) => format!(
                "API key `{id}` gains the name {}: CloudFormation replaces the key",
                key_label(key, text)
            ),
        };
        return Some(ctx.diagnostic(at, message));
    }
    if key.value_text(text) == before.value_text(base_text) {
        return None;
    }
    let at = key.value.unwrap_or(key.item).range;
    let change = match (before.value.is_some(), key.value.is_some()) {
        (true, true) => "changes its `value`",
        (false, _) => "gains a `value`",
        (true, false) => "loses its `value`",
    };
    let message = match &name {
        Some(_) => format!(
            "API key {} ({id}) {change}: CloudFormation must replace the key and the new key's \
             name is still taken by the old one (\"ApiKey with name ... already exists\")",
            key_label(key, text)
        ),
        None => format!(
            "API key `{id}` {change}: CloudFormation replaces the key, so clients holding the old \
             key lose access at deploy time"
        ),
    };
    Some(ctx.diagnostic(at, message))
}
