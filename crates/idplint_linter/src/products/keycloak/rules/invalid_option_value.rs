//! `keycloak/invalid-option-value`: a literal value outside an option's fixed set of values
//! (`KC_DB=postgresql`, `proxy-headers=x-forwarded`). Keycloak validates these at startup and
//! refuses to start.

use super::env_set;
use super::unknown_option::COVERED_BY_OTHER_RULES;
use crate::products::keycloak::catalog::catalog;
use crate::products::keycloak::values::option_of;
use crate::rule::{Rule, RuleContext, RuleMeta};
use crate::unit::{UnitKind, ValueKind};
use idplint_diagnostics::{Applicability, Diagnostic, Fix};
use std::sync::Arc;

pub const ID: &str = "keycloak/invalid-option-value";

pub fn factory(meta: Arc<RuleMeta>) -> Box<dyn Rule> {
    Box::new(InvalidOptionValue { meta })
}

struct InvalidOptionValue {
    meta: Arc<RuleMeta>,
}

impl Rule for InvalidOptionValue {
    fn meta(&self) -> &RuleMeta {
        &self.meta
    }

    fn unit_kind(&self) -> UnitKind {
        UnitKind::KeycloakEnvSet
    }

    fn check(&self, ctx: &RuleContext<'_>, out: &mut Vec<Diagnostic>) {
        let Some(set) = env_set(ctx) else { return };
        for entry in &set.entries {
            if entry.value_kind != ValueKind::Literal {
                continue;
            }
            let (Some(option), Some(value)) = (option_of(entry), entry.value.as_deref()) else {
                continue;
            };
            let Some(def) = catalog().lookup(&option) else {
                continue;
            };
            if def.values.is_empty() || COVERED_BY_OTHER_RULES.contains(&def.name.as_str()) {
                continue;
            }
            let items: Vec<&str> = if def.value_type == "list" {
                value
                    .split(',')
                    .map(str::trim)
                    .filter(|i| !i.is_empty())
                    .collect()
            } else {
                vec![value.trim()]
            };
            // Case differences are left alone: whether Keycloak accepts them is not certain.
            let bad: Vec<&str> = items
                .into_iter()
                .filter(|item| !def.values.iter().any(|v| v.eq_ignore_ascii_case(item)))
                .collect();
            if bad.is_empty() {
                continue;
            }
            let expected = def.values.join(", ");
            let message = format!(
                "`{}`: `{}` is not a valid value (expected one of {expected}); Keycloak does not start with it",
                entry.name,
                bad.join("`, `")
            );
            let range = entry.value_range.unwrap_or(entry.name_range);
            let mut diagnostic = ctx.diagnostic(range, message);
            // A near-miss for a single value gets a suggestion an editor can apply.
            if let [item] = bad.as_slice()
                && value.trim() == *item
                && let Some(closest) = closest_value(item, &def.values)
                && let Some(edit) = entry.set_value_edit(closest, ctx.file.text)
            {
                diagnostic = diagnostic.with_fix(Fix::new(
                    format!("Use `{closest}`"),
                    Applicability::DisplayOnly,
                    vec![edit],
                ));
            }
            out.push(diagnostic);
        }
    }
}

fn closest_value<'a>(item: &str, values: &'a [String]) -> Option<&'a str> {
    let item = item.to_ascii_lowercase();
    values
        .iter()
        .map(|v| {
            (
                strsim::jaro_winkler(&item, &v.to_ascii_lowercase()),
                v.as_str(),
            )
        })
        .filter(|(score, _)| *score >= 0.85)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, v)| v)
}
