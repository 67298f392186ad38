//! `keycloak/deprecated-option-value`: a value of an option that the target release has
//! deprecated or removed (`cache-stack=kubernetes` since 26.3, `log=gelf` gone in 26,
//! `tls-hostname-verifier=WILDCARD` since 25). Values come from the catalog's
//! `value_changes` column.

use super::{env_set, target};
use crate::products::keycloak::catalog::{OptionDef, catalog};
use crate::products::keycloak::values::option_of;
use crate::rule::{Rule, RuleContext, RuleMeta};
use crate::unit::{EnvEntry, UnitKind, ValueKind};
use crate::version::ProductVersion;
use idplint_diagnostics::{Applicability, Diagnostic, Edit, Fix, Severity, Tag};
use std::sync::Arc;

pub const ID: &str = "keycloak/deprecated-option-value";

pub fn factory(meta: Arc<RuleMeta>) -> Box<dyn Rule> {
    Box::new(DeprecatedOptionValue { meta })
}

struct DeprecatedOptionValue {
    meta: Arc<RuleMeta>,
}

/// What to do instead, per option: advice, and the value the fix writes (`None` deletes the
/// entry so the default applies).
fn advice(option: &str) -> Option<(&'static str, Option<&'static str>)> {
    match option {
        "cache-stack" => Some((
            "Leave `cache-stack` unset to get the default `jdbc-ping`: nodes find each other through the database, with no multicast or DNS setup (a `-Djgroups.dns.query` in JAVA_OPTS_APPEND is then unused)",
            None,
        )),
        "tls-hostname-verifier" => Some((
            "`DEFAULT` checks host names like browsers do; `WILDCARD` and `STRICT` are kept only for compatibility",
            Some("DEFAULT"),
        )),
        "log" => Some((
            "GELF output is gone: use `syslog`, or JSON console/file output read by a log shipper",
            None,
        )),
        "event-metrics-user-events" => Some((
            "Use `remove_credential` and `update_credential`, which cover all credential types",
            None,
        )),
        _ => None,
    }
}

impl Rule for DeprecatedOptionValue {
    fn meta(&self) -> &RuleMeta {
        &self.meta
    }

    fn unit_kind(&self) -> UnitKind {
        UnitKind::KeycloakEnvSet
    }

    fn check(&self, ctx: &RuleContext<'_>, out: &mut Vec<Diagnostic>) {
        let Some(set) = env_set(ctx) else { return };
        let Some(version) = target(ctx) else { return };
        for entry in &set.entries {
            if entry.value_kind != ValueKind::Literal {
                continue;
            }
            let Some(option) = option_of(entry) else {
                continue;
            };
            let Some(def) = catalog().lookup(&option) else {
                continue;
            };
            let Some(value) = entry.value.as_deref() else {
                continue;
            };
            for item in value.split(',').map(str::trim).filter(|i| !i.is_empty()) {
                if let Some((removed, since)) = value_state(def, item, version) {
                    out.push(self.report(ctx, entry, def, item, removed, since, value));
                }
            }
        }
    }
}

/// The strongest change affecting `item` on `version`: (removed?, release).
fn value_state(
    def: &OptionDef,
    item: &str,
    version: &ProductVersion,
) -> Option<(bool, ProductVersion)> {
    def.value_changes
        .iter()
        .filter(|c| version >= &c.version && c.values.iter().any(|v| v.eq_ignore_ascii_case(item)))
        .max_by_key(|c| (c.removed, c.version.clone()))
        .map(|c| (c.removed, c.version.clone()))
}

impl DeprecatedOptionValue {
    #[allow(clippy::too_many_arguments)]
    fn report(
        &self,
        ctx: &RuleContext<'_>,
        entry: &EnvEntry,
        def: &OptionDef,
        item: &str,
        removed: bool,
        since: ProductVersion,
        value: &str,
    ) -> Diagnostic {
        let (state, severity) = if removed {
            ("was removed in", Severity::Error)
        } else {
            ("is deprecated since", self.meta.severity)
        };
        let message = format!(
            "`{}`: the value `{item}` {state} Keycloak {since}",
            entry.name
        );
        let range = entry.value_range.unwrap_or(entry.name_range);
        let mut diagnostic = Diagnostic::new(self.meta.id.clone(), severity, message, range)
            .with_tag(Tag::Deprecated);
        let Some((help, replacement)) = advice(&def.name) else {
            return diagnostic;
        };
        diagnostic = diagnostic.with_help(help);
        // Only single values are rewritten; a list needs a human to pick what stays.
        if !value.trim().eq_ignore_ascii_case(item) {
            return diagnostic;
        }
        let fix = match replacement {
            Some(new) => entry.set_value_edit(new, ctx.file.text).map(|edit| {
                Fix::new(
                    format!("Set `{}` to `{new}`", entry.name),
                    Applicability::Unsafe,
                    vec![edit],
                )
            }),
            None if def.name == "cache-stack" => Some(Fix::new(
                format!("Remove `{}` to use the default stack", entry.name),
                Applicability::Unsafe,
                vec![Edit::delete(entry.removal_range)],
            )),
            None => None,
        };
        diagnostic.with_fix_opt(fix)
    }
}
