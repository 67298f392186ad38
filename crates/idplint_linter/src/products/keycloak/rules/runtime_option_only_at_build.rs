//! `keycloak/runtime-option-only-at-build`: a container script runs `kc.sh build --opt=...`
//! and then `kc.sh start`, and the option is a runtime option on the target version. `build`
//! ignores runtime options (with a warning in its log), so `start` runs with the default.
//! The common case is the cache options: `cache`, `cache-stack` and `cache-config-file` were
//! build-time up to 24 and are runtime from 25, so a script that clustered a 24 server
//! silently runs a 25 one on the default stack (trap T7).

use super::{env_set, target};
use crate::products::keycloak::argv::COMMANDS;
use crate::products::keycloak::catalog::{BuildTime, catalog};
use crate::products::keycloak::extract::unit_shape;
use crate::products::keycloak::values::option_of;
use crate::rule::{FnRule, Rule, RuleContext, RuleMeta};
use crate::unit::{EnvEntry, UnitKind};
use crate::version::ProductVersion;
use idplint_diagnostics::{Diagnostic, TextRange};
use std::sync::Arc;

pub const ID: &str = "keycloak/runtime-option-only-at-build";

pub fn factory(meta: Arc<RuleMeta>) -> Box<dyn Rule> {
    FnRule::boxed(meta, UnitKind::KeycloakEnvSet, check)
}

/// Words that end one command of a shell script and start the next.
const SEPARATORS: [&str; 4] = ["&&", "||", ";", "|"];

/// Whether `option` is read at startup (not fixed by `kc.sh build`) in `version`.
fn is_runtime(option: &str, version: &ProductVersion) -> bool {
    let Some(def) = catalog().lookup(option) else {
        return false;
    };
    match &def.build_time {
        BuildTime::No => true,
        BuildTime::Until(until) => version >= until,
        BuildTime::From(from) => version < from,
        BuildTime::Yes | BuildTime::Suffix | BuildTime::NotApplicable => false,
    }
}

fn check(ctx: &RuleContext<'_>, out: &mut Vec<Diagnostic>) {
    let Some(set) = env_set(ctx) else { return };
    let Some(version) = target(ctx) else { return };
    let Some(container) = unit_shape(ctx.file, ctx.unit) else {
        return;
    };
    // `envFrom`, an env file or a mounted keycloak.conf may give `start` the option.
    if container.outside_config {
        return;
    }
    let starts = container
        .command_words
        .iter()
        .any(|(w, _)| w == "start" || w == "start-dev");
    if !starts {
        return;
    }
    let elements: Vec<TextRange> = container.command_words.iter().map(|(_, r)| *r).collect();
    let invocation = |entry: &EnvEntry| {
        entry
            .source
            .is_command_line()
            .then(|| sub_command(ctx.file.text, &elements, entry.name_range))
            .flatten()
    };
    for entry in &set.entries {
        let Some(option) = option_of(entry) else {
            continue;
        };
        if invocation(entry) != Some("build") || !is_runtime(&option, version) {
            continue;
        }
        // Set for `start` too: in the environment, keycloak.conf or on its command line.
        let also_at_start = set.entries.iter().any(|other| {
            !std::ptr::eq(other, entry)
                && option_of(other).as_deref() == Some(option.as_str())
                && invocation(other) != Some("build")
        });
        if also_at_start {
            continue;
        }
        out.push(
            ctx.diagnostic(
                entry.name_range,
                format!(
                    "`--{option}` is given only to `kc.sh build`, but it is a runtime option in Keycloak {version}: `build` ignores it and `start` runs with the default"
                ),
            )
            .with_help(format!(
                "Pass `--{option}` to `kc.sh start` (or set it in the environment as `{}`); from 25 the cache options are read at startup",
                env_name(&option)
            )),
        );
    }
}

/// `KC_CACHE_STACK` for `cache-stack`.
fn env_name(option: &str) -> String {
    let upper: String = option
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_uppercase()
            } else {
                '_'
            }
        })
        .collect();
    format!("KC_{upper}")
}

/// The `kc.sh` sub-command whose arguments hold `at`: the command words of the same shell
/// command (after the last `&&`, `||`, `;` or `|` before it) in the same script element.
/// `None` outside a script element (an exec-form list) or without a sub-command.
fn sub_command<'t>(text: &'t str, elements: &[TextRange], at: TextRange) -> Option<&'t str> {
    let element = elements
        .iter()
        .find(|r| r.start <= at.start && at.end <= r.end)?;
    let before = text.get(element.start as usize..at.start as usize)?;
    let words: Vec<&str> = before.split_whitespace().collect();
    let from = words
        .iter()
        .rposition(|w| SEPARATORS.contains(w) || w.ends_with(';'))
        .map_or(0, |i| i + 1);
    words[from..]
        .iter()
        .map(|w| w.trim_matches(['"', '\'']))
        .find(|w| COMMANDS.contains(w))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::sub_command;
    use idplint_diagnostics::TextRange;

    #[test]
    fn finds_the_command_an_option_belongs_to() {
        let text = "kc.sh build --cache=ispn && kc.sh start --cache-stack=tcp";
        let element = [TextRange::from_usize(0, text.len())];
        let at = |needle: &str| {
            let start = text.find(needle).unwrap_or(0);
            TextRange::from_usize(start, start + needle.len())
        };
        assert_eq!(sub_command(text, &element, at("--cache=")), Some("build"));
        assert_eq!(
            sub_command(text, &element, at("--cache-stack")),
            Some("start")
        );
        // An exec-form element holding only the option has no script around it.
        assert_eq!(sub_command(text, &[at("--cache=")], at("--cache=")), None);
    }
}
