//! `serverless/apikey-literal-value`: an API key's value written out in `serverless.yml`
//! (directly, or in the `custom:` entry a `${self:...}` reference points at).

use super::super::api_keys::{is_literal, self_reference};
use super::{key_label, service};
use crate::products::serverless::api_keys::api_keys;
use crate::rule::{FnRule, Rule, RuleContext, RuleMeta};
use crate::unit::UnitKind;
use idplint_diagnostics::Diagnostic;
use std::sync::Arc;

pub fn factory(meta: Arc<RuleMeta>) -> Box<dyn Rule> {
    FnRule::boxed(meta, UnitKind::ServerlessConfig, check)
}

const HELP: &str = "Keep the value in a secret store and reference it: \
`${ssm:/path/to/key}`, `${param:apiKey}`, `${env:API_KEY}`; or leave `value` out and let \
API Gateway generate the key.";

fn check(ctx: &RuleContext<'_>, out: &mut Vec<Diagnostic>) {
    let Some((root, text)) = service(ctx) else {
        return;
    };
    for key in api_keys(root) {
        let Some(value) = key.value else {
            continue;
        };
        if is_literal(value) {
            out.push(
                ctx.diagnostic(
                    value.range,
                    format!(
                        "API key {} has its value written in the file (a secret in version \
                         control)",
                        key_label(&key, text)
                    ),
                )
                .with_help(HELP),
            );
        } else if let Some(target) = self_reference(root, value).filter(|node| is_literal(node)) {
            out.push(
                ctx.diagnostic(
                    target.range,
                    format!(
                        "API key {} takes its value from this literal (a secret in version \
                         control)",
                        key_label(&key, text)
                    ),
                )
                .with_label(value.range, "referenced here")
                .with_help(HELP),
            );
        }
    }
}
