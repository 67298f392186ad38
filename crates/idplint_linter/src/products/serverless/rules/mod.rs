//! The native rules of the Serverless product, one per file. Their metadata, docs and
//! examples live in `rules/serverless/<name>.yaml` (`native: true`).

mod apikey_literal_value;
mod apikey_replacement;
mod apikey_stage_scope;
mod apikey_value_reused;

use super::api_keys::{ApiKey, api_keys};
use crate::rule::{NativeRuleFactory, RuleContext};
use crate::unit::UnitContent;
use idplint_syntax::Node;

pub fn all() -> Vec<(&'static str, NativeRuleFactory)> {
    vec![
        (
            "serverless/apikey-replacement",
            apikey_replacement::factory as NativeRuleFactory,
        ),
        (
            "serverless/apikey-literal-value",
            apikey_literal_value::factory,
        ),
        ("serverless/apikey-stage-scope", apikey_stage_scope::factory),
        (
            "serverless/apikey-value-reused",
            apikey_value_reused::factory,
        ),
    ]
}

/// The unit's service root and its text (whole-file units: the host text).
fn service<'a>(ctx: &'a RuleContext<'_>) -> Option<(&'a Node, &'a str)> {
    let UnitContent::Tree(tree) = &ctx.unit.content else {
        return None;
    };
    Some((tree.root()?, tree.text.as_str()))
}

/// The unit's API keys with the text their ranges point into.
fn unit_keys<'a>(ctx: &'a RuleContext<'_>) -> Option<(Vec<ApiKey<'a>>, &'a str)> {
    let (root, text) = service(ctx)?;
    Some((api_keys(root), text))
}

/// How a key is called in messages: its name as written, else its logical id.
fn key_label(key: &ApiKey<'_>, text: &str) -> String {
    match key.name_text(text) {
        Some(name) => format!("`{name}`"),
        None => format!("`{}`", key.logical_id),
    }
}
