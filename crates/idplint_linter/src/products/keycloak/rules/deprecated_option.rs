//! `keycloak/deprecated-option`: an option the target release still accepts but has
//! deprecated (it prints a DEPRECATED warning at startup and will go away). Removed options
//! are `unknown-option`'s; options with a dedicated rule (`proxy`, hostname v1) are theirs.

use super::unknown_option::COVERED_BY_OTHER_RULES;
use super::{env_set, target};
use crate::products::keycloak::catalog::{Availability, catalog};
use crate::products::keycloak::values::option_of;
use crate::rule::{Rule, RuleContext, RuleMeta};
use crate::unit::UnitKind;
use idplint_diagnostics::{Diagnostic, Tag};
use std::sync::Arc;

pub const ID: &str = "keycloak/deprecated-option";

pub fn factory(meta: Arc<RuleMeta>) -> Box<dyn Rule> {
    Box::new(DeprecatedOption { meta })
}

struct DeprecatedOption {
    meta: Arc<RuleMeta>,
}

impl Rule for DeprecatedOption {
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
            let Some(option) = option_of(entry) else {
                continue;
            };
            let Some(def) = catalog().lookup(&option) else {
                continue;
            };
            if COVERED_BY_OTHER_RULES.contains(&def.name.as_str())
                || !def.is_deprecated(version)
                || def.availability(version) != Availability::Available
            {
                continue;
            }
            let since = def
                .deprecated_in
                .as_ref()
                .map(|d| d.version.to_string())
                .unwrap_or_default();
            let mut message = format!("`{}` is deprecated since Keycloak {since}", entry.name);
            if let Some(removed) = def.removed_in.as_ref().filter(|r| r.exact) {
                message.push_str(&format!(" and removed in {}", removed.version));
            }
            if let Some(replacement) = &def.replacement {
                message.push_str(&format!("; use {replacement} instead"));
            }
            out.push(
                ctx.diagnostic(entry.name_range, message)
                    .with_tag(Tag::Deprecated),
            );
        }
    }
}
