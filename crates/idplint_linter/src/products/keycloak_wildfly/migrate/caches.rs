//! Caches and clustering (M-090 .. M-111).

use super::Builder;
use crate::products::keycloak_wildfly::expr::with_defaults;
use crate::products::keycloak_wildfly::model::{Profile, keycloak_cache_container};
use idplint_syntax::xml::XmlElement;

// Caches and clustering (M-090 .. M-111)

pub(super) fn caches(out: &mut Builder, profile: &Profile<'_>, clustered: bool) {
    out.option(
        "cache",
        if clustered { "ispn" } else { "local" }.to_string(),
        false,
        "M-090",
        None,
    );
    if let Some(container) = keycloak_cache_container(profile) {
        let single_owner: Vec<&XmlElement> = container
            .children_named("distributed-cache")
            .filter(|c| {
                c.attr_value("owners")
                    .is_some_and(|o| with_defaults(o).trim() == "1")
            })
            .collect();
        if clustered && let Some(first) = single_owner.first() {
            out.finding(
                "M-093",
                false,
                format!("{} distributed caches keep one owner; Quarkus uses its own cache configuration (persistent sessions from 26), so `owners` is not carried: use `cache-config-file` to keep a custom layout", single_owner.len()),
                Some(first.start_tag_range),
            );
        }
        if let Some(store) = container
            .descendants()
            .into_iter()
            .find(|e| e.name == "remote-store")
        {
            out.finding(
                "X-005",
                true,
                "caches use a `remote-store` (cross-site): Keycloak 26 rejects it in the cache file; redesign with the multi-site feature (`cache-remote-*` options)".to_string(),
                Some(store.start_tag_range),
            );
        }
    }
    if !clustered {
        return;
    }
    let Some(jgroups) = profile.subsystem("jgroups") else {
        return;
    };
    let channel_stack = jgroups
        .children_named("channels")
        .flat_map(|c| c.children_named("channel"))
        .find_map(|c| c.attr_value("stack").map(with_defaults))
        .or_else(|| {
            jgroups
                .children_named("channels")
                .find_map(|c| c.attr_value("default").map(with_defaults))
        });
    let Some(stack_name) = channel_stack else {
        return;
    };
    let Some(stack) = jgroups
        .children_named("stacks")
        .flat_map(|s| s.children_named("stack"))
        .find(|s| s.attr_value("name") == Some(stack_name.trim()))
    else {
        return;
    };
    let protocols: Vec<&XmlElement> = stack
        .children
        .iter()
        .filter(|p| p.name.ends_with("protocol"))
        .collect();
    let has = |kind: &str| {
        protocols
            .iter()
            .find(|p| {
                p.attr_value("type")
                    .is_some_and(|t| t.eq_ignore_ascii_case(kind))
            })
            .copied()
    };
    let from = Some(stack.start_tag_range);
    if let Some(ping) = has("JDBC_PING") {
        if out.at_least("26.1.0") {
            out.option(
                "cache-stack",
                "jdbc-ping".to_string(),
                false,
                "M-097",
                Some(ping.start_tag_range),
            );
            out.finding(
                "X-004",
                false,
                "JDBC_PING becomes the built-in `jdbc-ping` stack on Keycloak's own database; custom table SQL is dropped".to_string(),
                Some(ping.start_tag_range),
            );
        } else {
            out.finding(
                "X-004",
                true,
                "JDBC_PING discovery needs a custom stack in a `cache-config-file` before 26.1 (or upgrade to 26.1+, where `cache-stack=jdbc-ping` is the default)".to_string(),
                Some(ping.start_tag_range),
            );
        }
    } else if let Some(dns) = has("dns.DNS_PING") {
        if out.at_least("26.3.0") {
            out.finding(
                "M-099",
                false,
                "DNS_PING is not carried: the `kubernetes` stack is deprecated from 26.3 and the default `jdbc-ping` discovers members through the database, with no headless service".to_string(),
                Some(dns.start_tag_range),
            );
        } else {
            out.option(
                "cache-stack",
                "kubernetes".to_string(),
                false,
                "M-099",
                Some(dns.start_tag_range),
            );
            out.finding(
                "M-099",
                false,
                "DNS_PING needs the headless service name: set `JAVA_OPTS_APPEND=-Djgroups.dns.query=<service FQDN>`".to_string(),
                Some(dns.start_tag_range),
            );
        }
    } else if let Some(tcpping) = has("TCPPING") {
        out.finding(
            "X-004",
            true,
            "TCPPING (a static member list) has no built-in stack: define it in a `cache-config-file`, or switch to `jdbc-ping`".to_string(),
            Some(tcpping.start_tag_range),
        );
    } else if has("MPING").is_some() {
        if out.at_least("26.1.0") {
            out.finding(
                "M-096",
                false,
                "the TCP stack with multicast discovery (MPING) is not carried: `tcp` is deprecated from 26.1, whose default `jdbc-ping` discovers members through the database".to_string(),
                from,
            );
        } else {
            out.option("cache-stack", "tcp".to_string(), false, "M-096", from);
        }
    } else if has("PING").is_some() && out.at_least("26.1.0") {
        out.finding(
            "M-095",
            false,
            "the legacy UDP multicast stack is not carried: `udp` is deprecated from 26.1, whose default `jdbc-ping` discovers members through the database".to_string(),
            from,
        );
    }
}
