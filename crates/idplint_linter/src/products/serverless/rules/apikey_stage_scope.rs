//! `serverless/apikey-stage-scope`: an API key with a fixed `value` whose name is the same on
//! every stage, so a second stage or service in the account collides with the first.

use super::super::api_keys::{is_literal, varies_by_stage};
use super::{key_label, unit_keys};
use crate::rule::{FnRule, Rule, RuleContext, RuleMeta};
use crate::unit::UnitKind;
use idplint_diagnostics::{Diagnostic, Severity};
use std::sync::Arc;

pub fn factory(meta: Arc<RuleMeta>) -> Box<dyn Rule> {
    FnRule::boxed(meta, UnitKind::ServerlessConfig, check)
}

const HELP: &str = "Put the stage in the name (`name: ${sls:stage}-my-key`) and, for a fixed \
value, in the value's source (`${ssm:/my-service/${sls:stage}/api-key}`).";

fn check(ctx: &RuleContext<'_>, out: &mut Vec<Diagnostic>) {
    let Some((keys, text)) = unit_keys(ctx) else {
        return;
    };
    for key in &keys {
        let (Some(name), Some(value)) = (key.name, key.value) else {
            continue;
        };
        if varies_by_stage(name, text) {
            continue;
        }
        let diagnostic = if is_literal(value) {
            ctx.diagnostic(
                name.range,
                format!(
                    "API key {} has the same name and value on every stage; deploying a second \
                     stage or service in the same account and region fails with a conflict",
                    key_label(key, text)
                ),
            )
        } else {
            // The value comes from a variable that may well differ per stage (an SSM path,
            // the CI's environment), so only the name is known to collide, and one account
            // per stage is common: information only.
            let mut diagnostic = ctx.diagnostic(
                name.range,
                format!(
                    "API key {} has the same name on every stage; a second stage in the same \
                     account and region fails to create it",
                    key_label(key, text)
                ),
            );
            diagnostic.severity = Severity::Info;
            diagnostic
        };
        out.push(diagnostic.with_help(HELP));
    }
}
