//! `keycloak/unknown-feature`: a feature name that the checked release does not accept,
//! because it is misspelt (`token-exchnage`) or arrived in a later release
//! (`rolling-updates:v2` on 26.2). Keycloak refuses to build or start on either, and the
//! mistake usually shows only when the new image rolls out.
//!
//! Names that were removed are `keycloak/removed-feature`. A name that is neither in
//! `rules/keycloak/features.tsv` nor close to one is left alone: the catalog may lag behind a
//! release, and an unknown-but-real feature must not be reported.

use super::{env_set, target};
use crate::products::keycloak::features::{
    FEATURE_KEYWORDS, FeatureOption, feature_catalog, feature_items,
};
use crate::products::keycloak::values::option_of;
use crate::rule::{FnRule, Rule, RuleContext, RuleMeta};
use crate::unit::{EnvEntry, UnitKind, ValueKind};
use idplint_diagnostics::{Applicability, Diagnostic, Fix, TextRange};
use std::sync::Arc;

pub const ID: &str = "keycloak/unknown-feature";

pub fn factory(meta: Arc<RuleMeta>) -> Box<dyn Rule> {
    FnRule::boxed(meta, UnitKind::KeycloakEnvSet, check)
}

fn check(ctx: &RuleContext<'_>, out: &mut Vec<Diagnostic>) {
    let Some(set) = env_set(ctx) else { return };
    let version = target(ctx);
    let catalog = feature_catalog();
    for entry in &set.entries {
        let Some(option) = option_of(entry) else {
            continue;
        };
        let literal = entry.value_kind == ValueKind::Literal;
        let Some(found) = feature_items(entry.value.as_deref().filter(|_| literal), &option) else {
            continue;
        };
        for (item, item_range) in &found.items {
            if FEATURE_KEYWORDS
                .iter()
                .any(|k| k.eq_ignore_ascii_case(item))
            {
                continue;
            }
            let range = item_range
                .as_ref()
                .and_then(|r| item_host_range(entry, r.clone()))
                .or(entry.value_range.filter(|_| item_range.is_some()))
                .unwrap_or(entry.name_range);
            if let Some(def) = catalog.get(item) {
                let Some(version) = version else { continue };
                let Some(since) = def.added_after(version) else {
                    continue;
                };
                out.push(
                    ctx.diagnostic(
                        range,
                        format!(
                            "`{item}` is a feature of Keycloak {since} and later; {version} does not know it and stops at build or start"
                        ),
                    )
                    .with_help(format!(
                        "Upgrade to {since} or later before enabling `{item}`, or leave it out of `{}`",
                        entry.name
                    )),
                );
                continue;
            }
            // `name:v9` of a known feature: the catalog may not list every version.
            if catalog.knows_base(item) {
                continue;
            }
            let Some(suggestion) = catalog.suggest(item, version) else {
                continue;
            };
            let fix = (found.option != FeatureOption::Single)
                .then(|| respelt_value(entry, item, suggestion))
                .flatten()
                .and_then(|value| entry.set_value_edit(&value, ctx.file.text))
                .map(|edit| {
                    Fix::new(
                        format!("Use `{suggestion}`"),
                        Applicability::Unsafe,
                        vec![edit],
                    )
                });
            out.push(
                ctx.diagnostic(
                    range,
                    format!(
                        "`{item}` is not a Keycloak feature (did you mean `{suggestion}`?); Keycloak stops at build or start on an unknown feature"
                    ),
                )
                .with_help("`kc.sh build --help` lists the feature names of the release under `--features`, as does the server guide \"Enabling and disabling features\" of your release")
                .with_fix_opt(fix),
            );
        }
    }
}

/// The host range of one list item, when the value's range maps byte for byte onto the
/// decoded value (no escapes or quotes inside).
fn item_host_range(entry: &EnvEntry, item: std::ops::Range<usize>) -> Option<TextRange> {
    let value = entry.value_range.filter(|_| entry.editable)?;
    let start = value.start + u32::try_from(item.start).ok()?;
    let end = value.start + u32::try_from(item.end).ok()?;
    (end <= value.end).then(|| TextRange::new(start, end))
}

/// The entry's value with the item `wrong` written as `right`, keeping the other items and
/// their spacing.
fn respelt_value(entry: &EnvEntry, wrong: &str, right: &str) -> Option<String> {
    let value = entry.value.as_deref()?;
    let pieces: Vec<String> = value
        .split(',')
        .map(|piece| match piece.trim() == wrong {
            true => piece.replacen(wrong, right, 1),
            false => piece.to_string(),
        })
        .collect();
    Some(pieces.join(","))
}
