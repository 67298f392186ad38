//! `serverless/apikey-value-reused`: two API keys of one service take the same value, which
//! API Gateway refuses (values are unique per account and region).

use super::{key_label, unit_keys};
use crate::rule::{FnRule, Rule, RuleContext, RuleMeta};
use crate::unit::UnitKind;
use idplint_diagnostics::Diagnostic;
use std::sync::Arc;

pub fn factory(meta: Arc<RuleMeta>) -> Box<dyn Rule> {
    FnRule::boxed(meta, UnitKind::ServerlessConfig, check)
}

fn check(ctx: &RuleContext<'_>, out: &mut Vec<Diagnostic>) {
    let Some((keys, text)) = unit_keys(ctx) else {
        return;
    };
    for (index, key) in keys.iter().enumerate() {
        let (Some(value), Some(written)) = (key.value, key.value_text(text)) else {
            continue;
        };
        let first = keys[..index]
            .iter()
            .find(|earlier| earlier.value_text(text).as_ref() == Some(&written));
        let Some(first) = first else {
            continue;
        };
        let first_value = first.value.map_or(first.item.range, |node| node.range);
        out.push(
            ctx.diagnostic(
                value.range,
                format!(
                    "API key {} takes the same value as API key {}; API Gateway refuses a second \
                     key with a value already in use",
                    key_label(key, text),
                    key_label(first, text)
                ),
            )
            .with_label(first_value, "the same value here")
            .with_help(
                "Give each key its own value (its own parameter), or one key and several usage \
                 plans.",
            ),
        );
    }
}
