//! `keycloak/legacy-system-property`: a JVM system property (`-Dname=value` in `JAVA_OPTS`,
//! `JAVA_OPTS_APPEND` or the command line) that a Keycloak option replaced. Two generations:
//!
//! - 26.3 refuses `jboss.site.name` and `jboss.node.name`: the server does not start; the
//!   cache SPI options `spi-cache-embedded-default-site-name` / `-node-name` take their place;
//! - 26.4 adds `cache-embedded-network-*` options for the JGroups bind and external address
//!   and port; the `jgroups.bind.*` / `jgroups.external_*` properties still work, but they
//!   bypass option validation and the Operator's handling, so the options are preferred.
//!
//! Property values are not shown; only the property names are.

use super::{env_set, target};
use crate::products::keycloak::extract::unit_shape;
use crate::rule::{FnRule, Rule, RuleContext, RuleMeta};
use crate::unit::{EnvEntry, UnitKind, ValueKind};
use crate::version::ProductVersion;
use idplint_diagnostics::{Diagnostic, Severity, TextRange};
use std::sync::Arc;

pub const ID: &str = "keycloak/legacy-system-property";

pub fn factory(meta: Arc<RuleMeta>) -> Box<dyn Rule> {
    FnRule::boxed(meta, UnitKind::KeycloakEnvSet, check)
}

/// A replaced property: its name, the release from which the replacement applies, the option
/// to use instead, and whether that release refuses to start with the property.
struct Replaced {
    property: &'static str,
    since: &'static str,
    option: &'static str,
    fatal: bool,
}

/// From ../shared/research/keycloak-quarkus.md §2, 26.3.0 and 26.4.0.
const REPLACED: &[Replaced] = &[
    Replaced {
        property: "jboss.site.name",
        since: "26.3.0",
        option: "spi-cache-embedded-default-site-name",
        fatal: true,
    },
    Replaced {
        property: "jboss.node.name",
        since: "26.3.0",
        option: "spi-cache-embedded-default-node-name",
        fatal: true,
    },
    Replaced {
        property: "jgroups.bind.address",
        since: "26.4.0",
        option: "cache-embedded-network-bind-address",
        fatal: false,
    },
    Replaced {
        property: "jgroups.bind_addr",
        since: "26.4.0",
        option: "cache-embedded-network-bind-address",
        fatal: false,
    },
    Replaced {
        property: "jgroups.bind.port",
        since: "26.4.0",
        option: "cache-embedded-network-bind-port",
        fatal: false,
    },
    Replaced {
        property: "jgroups.bind_port",
        since: "26.4.0",
        option: "cache-embedded-network-bind-port",
        fatal: false,
    },
    Replaced {
        property: "jgroups.external_addr",
        since: "26.4.0",
        option: "cache-embedded-network-external-address",
        fatal: false,
    },
    Replaced {
        property: "jgroups.external_port",
        since: "26.4.0",
        option: "cache-embedded-network-external-port",
        fatal: false,
    },
];

/// Variables the Keycloak launcher passes to the JVM.
const JVM_VARIABLES: &[&str] = &["JAVA_OPTS", "JAVA_OPTS_APPEND"];

fn check(ctx: &RuleContext<'_>, out: &mut Vec<Diagnostic>) {
    let Some(set) = env_set(ctx) else { return };
    let Some(version) = target(ctx) else { return };
    let mut found: Vec<(&Replaced, TextRange)> = Vec::new();
    for entry in &set.entries {
        // A value with a `${VAR}` or `$(VAR)` in it still names its properties literally.
        if !JVM_VARIABLES.contains(&entry.name.as_str()) || entry.value_kind == ValueKind::Missing {
            continue;
        }
        let Some(value) = entry.value.as_deref() else {
            continue;
        };
        for (replaced, at) in properties_in(value, version) {
            found.push((replaced, property_range(entry, at, replaced.property)));
        }
    }
    // `-D` arguments on the command line go to the JVM as well.
    if let Some(shape) = unit_shape(ctx.file, ctx.unit) {
        for (word, range) in &shape.command_words {
            for (replaced, _) in properties_in(word, version) {
                found.push((replaced, *range));
            }
        }
    }
    for (replaced, range) in found {
        let message = match replaced.fatal {
            true => format!(
                "Keycloak {version} refuses the system property `{}` and does not start; set the option `{}` instead",
                replaced.property, replaced.option
            ),
            false => format!(
                "The system property `{}` has an option since Keycloak {}: `{}`",
                replaced.property, replaced.since, replaced.option
            ),
        };
        let diagnostic = ctx
            .diagnostic(range, message)
            .with_help(format!(
                "Remove `-D{}=...` from the JVM options and set `{}` (`{}`) in the environment, keycloak.conf or on the command line",
                replaced.property,
                replaced.option,
                crate::unit::keycloak_env_name(replaced.option)
            ));
        out.push(match replaced.fatal {
            true => diagnostic.with_severity(Severity::Error),
            false => diagnostic,
        });
    }
}

/// Every replaced property set with `-D` in `text` whose replacement applies on `version`,
/// with the byte offset of its `-D`.
fn properties_in<'t>(
    text: &'t str,
    version: &ProductVersion,
) -> impl Iterator<Item = (&'static Replaced, usize)> + 't {
    let version = version.clone();
    text.match_indices("-D").filter_map(move |(at, _)| {
        let rest = &text[at + 2..];
        let name_end = rest
            .find(|c: char| c == '=' || c.is_whitespace() || c == '"' || c == '\'')
            .unwrap_or(rest.len());
        let name = &rest[..name_end];
        let replaced = REPLACED.iter().find(|r| r.property == name)?;
        let since = ProductVersion::parse(replaced.since)?;
        (version >= since).then_some((replaced, at))
    })
}

/// The `-Dproperty` token inside the entry's value, when the value maps byte for byte onto the
/// file; the whole value (or name) otherwise.
fn property_range(entry: &EnvEntry, at: usize, property: &str) -> TextRange {
    let fallback = entry.value_or_name_range();
    let Some(value) = entry.value_range.filter(|_| entry.editable) else {
        return fallback;
    };
    let (Ok(start), Ok(len)) = (u32::try_from(at), u32::try_from(property.len() + 2)) else {
        return fallback;
    };
    let range = TextRange::new(value.start + start, value.start + start + len);
    match range.end <= value.end {
        true => range,
        false => fallback,
    }
}
