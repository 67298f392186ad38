//! `keycloak/bitnami-variable-on-upstream-image`: a container of Keycloak's own image
//! (`quay.io/keycloak/keycloak`) with variables only the Bitnami image's entrypoint reads
//! (`KEYCLOAK_DATABASE_HOST`, `KEYCLOAK_ADMIN_USER`, ...). The upstream image reads `KC_*`
//! options only, so these settings are silently dropped after switching image streams.

use super::env_set;
use crate::products::keycloak::extract::image_repository;
use crate::products::keycloak::values::BITNAMI_VARIABLES;
use crate::rule::{FnRule, Rule, RuleContext, RuleMeta};
use crate::unit::{EnvSource, UnitKind};
use idplint_diagnostics::{Diagnostic, Tag};
use std::sync::Arc;

pub const ID: &str = "keycloak/bitnami-variable-on-upstream-image";

pub fn factory(meta: Arc<RuleMeta>) -> Box<dyn Rule> {
    FnRule::boxed(meta, UnitKind::KeycloakEnvSet, check)
}

fn check(ctx: &RuleContext<'_>, out: &mut Vec<Diagnostic>) {
    let Some(set) = env_set(ctx) else { return };
    // Only Keycloak's own image is known not to read them: a custom image may be built on
    // Bitnami's, and without an image nothing is known.
    let upstream = set.image.as_ref().is_some_and(|(image, _)| {
        let repository = image_repository(image);
        repository.ends_with("keycloak/keycloak") && !repository.contains("bitnami")
    });
    if !upstream {
        return;
    }
    for entry in &set.entries {
        // A .env file may only feed `${...}` in a Compose file; conf and CLI are not variables.
        if entry.source.is_command_line()
            || entry.source.is_conf_file()
            || entry.source == EnvSource::DotEnv
            || !BITNAMI_VARIABLES.contains(&entry.name.as_str())
        {
            continue;
        }
        out.push(
            ctx.diagnostic(
                entry.name_range,
                format!(
                    "`{}` is a variable of the Bitnami Keycloak image; Keycloak's own image ignores it",
                    entry.name
                ),
            )
            .with_tag(Tag::Unnecessary)
            .with_help("Set the matching `KC_*` option instead (for example `KC_DB_URL_HOST` for `KEYCLOAK_DATABASE_HOST`, `KC_DB_USERNAME` for `KEYCLOAK_DATABASE_USER`), or go back to the Bitnami image"),
        );
    }
}
