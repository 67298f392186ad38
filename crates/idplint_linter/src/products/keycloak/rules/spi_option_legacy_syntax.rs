//! `keycloak/spi-option-legacy-syntax`: from 26.3 SPI options are written
//! `spi-<spi>--<provider>--<property>`. The old single-dash form still works, but not for the
//! build-time suffixes `-enabled`, `-provider` and `-provider-default`: the single dash made
//! them ambiguous (which part is the SPI, which the provider), so 26.3 deprecates them.
//! `spi-<spi>-provider[-default]` has only one reading and is rewritten; `-enabled` names a
//! provider whose boundary with the SPI name only the server knows, so it is reported only.

use super::{env_set, target};
use crate::products::keycloak::values::{option_of, sets_option};
use crate::rule::{FnRule, Rule, RuleContext, RuleMeta};
use crate::unit::{EnvEntry, UnitKind};
use crate::version::ProductVersion;
use idplint_diagnostics::{Applicability, Diagnostic, Fix};
use std::sync::Arc;

pub const ID: &str = "keycloak/spi-option-legacy-syntax";

const NEW_SYNTAX_SINCE: &str = "26.3.0";

/// SPI-level suffixes, longest first so `-provider-default` is not read as `-provider`.
const SPI_LEVEL_SUFFIXES: [&str; 2] = ["provider-default", "provider"];

pub fn factory(meta: Arc<RuleMeta>) -> Box<dyn Rule> {
    FnRule::boxed(meta, UnitKind::KeycloakEnvSet, check)
}

/// The double-dash spelling of a deprecated single-dash SPI option, when there is exactly one.
fn new_spelling(option: &str) -> Option<String> {
    let rest = option.strip_prefix("spi-")?;
    SPI_LEVEL_SUFFIXES.iter().find_map(|suffix| {
        let spi = rest.strip_suffix(suffix)?.strip_suffix('-')?;
        (!spi.is_empty()).then(|| format!("spi-{spi}--{suffix}"))
    })
}

/// Whether `option` is a single-dash SPI option with a suffix 26.3 deprecated.
fn is_deprecated_form(option: &str) -> bool {
    option.starts_with("spi-")
        && !option.contains("--")
        && (option.ends_with("-enabled") || new_spelling(option).is_some())
}

fn check(ctx: &RuleContext<'_>, out: &mut Vec<Diagnostic>) {
    let Some(set) = env_set(ctx) else { return };
    let Some(since) = ProductVersion::parse(NEW_SYNTAX_SINCE) else {
        return;
    };
    if target(ctx).is_none_or(|v| v < &since) {
        return;
    }
    // Before 26.3 the server does not read the double-dash form, so the rename must ship
    // with the upgrade.
    let applicability = if ctx.versions.current_at_least(&since) {
        Applicability::Safe
    } else {
        Applicability::Unsafe
    };
    for entry in &set.entries {
        let Some(option) = option_of(entry) else {
            continue;
        };
        if !is_deprecated_form(&option) {
            continue;
        }
        let replacement = new_spelling(&option);
        let message = match &replacement {
            Some(new) => format!(
                "`{}` uses the single-dash SPI syntax, deprecated since Keycloak {since} for `-provider` options; write `{}`",
                entry.name,
                entry.spell_option(new)
            ),
            None => format!(
                "`{}` uses the single-dash SPI syntax, deprecated since Keycloak {since} for `-enabled` options; write it as `spi-<spi>--<provider>--enabled`",
                entry.name
            ),
        };
        let fix = replacement
            .filter(|new| !sets_option(set, new))
            .and_then(|new| rename_fix(entry, &option, &new, applicability));
        out.push(ctx.diagnostic(entry.name_range, message).with_fix_opt(fix));
    }
}

fn rename_fix(
    entry: &EnvEntry,
    option: &str,
    new: &str,
    applicability: Applicability,
) -> Option<Fix> {
    // A keycloak.conf key with a profile prefix (`%dev.spi-...`) would lose the prefix.
    if entry.keycloak_option().as_deref() != Some(option) {
        return None;
    }
    let spelled = entry.spell_option(new);
    let edit = entry.rename_edit(&spelled)?;
    Some(Fix::new(
        format!("Rename to `{spelled}`"),
        applicability,
        vec![edit],
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spellings() {
        assert_eq!(
            new_spelling("spi-hostname-provider").as_deref(),
            Some("spi-hostname--provider")
        );
        assert_eq!(
            new_spelling("spi-sticky-session-encoder-provider-default").as_deref(),
            Some("spi-sticky-session-encoder--provider-default")
        );
        assert_eq!(new_spelling("spi-provider"), None);
        assert!(is_deprecated_form(
            "spi-events-listener-jboss-logging-enabled"
        ));
        assert!(!is_deprecated_form("spi-hostname--provider"));
        assert!(!is_deprecated_form("spi-cors-default-allowed-headers"));
        assert!(!is_deprecated_form("hostname"));
    }
}
