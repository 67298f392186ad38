//! Native Keycloak rules: what a data `change:` cannot express. Each file holds one rule;
//! its metadata, docs and examples live in `rules/keycloak/*.yaml` with `native: true`.

mod command_in_one_element;
mod db_url_with_parts;
mod deprecated_option;
mod deprecated_option_value;
mod health_check_on_main_port;
mod hostname_url_required;
mod invalid_option_value;
mod literal_secret;
mod unknown_option;
mod wildfly_variable;

#[cfg(test)]
pub use unknown_option::COVERED_BY_OTHER_RULES;

use crate::rule::{NativeRuleFactory, RuleContext};
use crate::unit::{EnvSet, UnitContent};
use crate::version::ProductVersion;

pub fn all() -> Vec<(&'static str, NativeRuleFactory)> {
    vec![
        (unknown_option::ID, unknown_option::factory),
        (db_url_with_parts::ID, db_url_with_parts::factory),
        (literal_secret::ID, literal_secret::factory),
        (command_in_one_element::ID, command_in_one_element::factory),
        (deprecated_option::ID, deprecated_option::factory),
        (
            deprecated_option_value::ID,
            deprecated_option_value::factory,
        ),
        (hostname_url_required::ID, hostname_url_required::factory),
        (invalid_option_value::ID, invalid_option_value::factory),
        (wildfly_variable::ID, wildfly_variable::factory),
        (
            health_check_on_main_port::ID,
            health_check_on_main_port::factory,
        ),
    ]
}

/// The unit's options, for rules that only check `KeycloakEnvSet` units.
fn env_set<'a>(ctx: &'a RuleContext<'_>) -> Option<&'a EnvSet> {
    match &ctx.unit.content {
        UnitContent::Env(set) => Some(set),
        _ => None,
    }
}

/// The version a rule checks against: the target, else the current version.
fn target<'a>(ctx: &'a RuleContext<'_>) -> Option<&'a ProductVersion> {
    ctx.versions
        .target
        .as_ref()
        .or(ctx.versions.current.as_ref())
}
