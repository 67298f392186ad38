//! `keycloak/removed-feature`: a name in `features`/`features-disabled` that the target
//! release no longer knows. Keycloak stops at build or start on an unknown feature name,
//! and 26.0 renamed the console and theme features to versioned names (`admin2` became
//! `admin:v2`), so a config that worked on 25 does not start on 26 (trap T19). Which names
//! went when is data: `rules/keycloak/features.tsv`.

use super::{env_set, target};
use crate::products::keycloak::features::{base_name, feature_catalog};
use crate::products::keycloak::values::option_of;
use crate::rule::{FnRule, Rule, RuleContext, RuleMeta};
use crate::unit::{UnitKind, ValueKind};
use crate::version::ProductVersion;
use idplint_diagnostics::{Applicability, Diagnostic, Fix};
use std::sync::Arc;

pub const ID: &str = "keycloak/removed-feature";

pub fn factory(meta: Arc<RuleMeta>) -> Box<dyn Rule> {
    FnRule::boxed(meta, UnitKind::KeycloakEnvSet, check)
}

/// The removed feature `name` and what replaces it, from `rules/keycloak/features.tsv`. In
/// `features-disabled` the unversioned name (`admin`) turns a feature off, whatever its
/// version.
fn removed(
    name: &str,
    version: &ProductVersion,
    disabled: bool,
) -> Option<(&'static str, Option<&'static str>)> {
    let def = feature_catalog().get(name)?;
    if !def.removed_by(version) {
        return None;
    }
    let replacement = def.replacement.as_deref().map(|r| match disabled {
        true => base_name(r),
        false => r,
    });
    Some((def.name.as_str(), replacement))
}

fn check(ctx: &RuleContext<'_>, out: &mut Vec<Diagnostic>) {
    let Some(set) = env_set(ctx) else { return };
    let Some(version) = target(ctx) else { return };
    for entry in &set.entries {
        let option = option_of(entry);
        if !matches!(option.as_deref(), Some("features" | "features-disabled"))
            || entry.value_kind != ValueKind::Literal
        {
            continue;
        }
        let disabled = option.as_deref() == Some("features-disabled");
        let Some(value) = entry.value.as_deref() else {
            continue;
        };
        let items: Vec<&str> = value
            .split(',')
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .collect();
        let found: Vec<(&str, &str, Option<&str>)> = items
            .iter()
            .filter_map(|item| removed(item, version, disabled).map(|(f, r)| (*item, f, r)))
            .collect();
        if found.is_empty() {
            continue;
        }
        // The list Keycloak accepts: renamed items take their versioned name, removed ones go.
        let rewritten: Vec<&str> = items
            .iter()
            .filter_map(|item| match removed(item, version, disabled) {
                Some((_, replacement)) => replacement,
                None => Some(*item),
            })
            .collect();
        // An emptied list would change `features` into "nothing set", which needs a look.
        let fix = (!rewritten.is_empty())
            .then(|| entry.set_value_edit(&rewritten.join(","), ctx.file.text))
            .flatten()
            .map(|edit| {
                Fix::new(
                    "Use the feature names of the target release",
                    Applicability::Unsafe,
                    vec![edit],
                )
            });
        let names: Vec<String> = found
            .iter()
            .map(|(item, _, replacement)| match replacement {
                Some(r) => format!("`{item}` (now `{r}`)"),
                None => format!("`{item}` (removed)"),
            })
            .collect();
        let message = format!(
            "`{}` names {} that Keycloak {version} does not know; it stops at build or start on an unknown feature",
            entry.name,
            names.join(", ")
        );
        let range = entry.value_range.unwrap_or(entry.name_range);
        out.push(
            ctx.diagnostic(range, message)
                .with_help("Use the versioned names of 26 (`account:v3`, `admin:v2`, `login:v2`) and drop features that no longer exist")
                .with_fix_opt(fix),
        );
    }
}
