//! `keycloak/start-dev-in-production`: `kc.sh start-dev` in a process that is set up like a
//! deployment. Development mode keeps caches local to each node, turns off theme caching and
//! strict hostname checks and serves plain HTTP, so more than one replica loses sessions
//! between nodes and the rest is insecure or slow in production (trap T5).

use super::{env_set, target};
use crate::products::keycloak::extract::unit_shape;
use crate::products::keycloak::values::{effective, effective_value};
use crate::rule::{FnRule, Rule, RuleContext, RuleMeta};
use crate::unit::{EnvSet, UnitKind};
use crate::version::ProductVersion;
use idplint_diagnostics::{Applicability, Diagnostic, Edit, Fix};
use std::sync::Arc;

pub const ID: &str = "keycloak/start-dev-in-production";

pub fn factory(meta: Arc<RuleMeta>) -> Box<dyn Rule> {
    FnRule::boxed(meta, UnitKind::KeycloakEnvSet, check)
}

const SERVER_DATABASES: &[&str] = &["postgres", "mysql", "mariadb", "mssql", "oracle", "tidb"];

/// A host name clients reach from outside: not loopback and not a single-label container name.
fn public_host(value: &str) -> bool {
    let host = value
        .split("://")
        .last()
        .unwrap_or("")
        .split(['/', ':'])
        .next()
        .unwrap_or("")
        .to_ascii_lowercase();
    let local = [
        ".localhost",
        ".local",
        ".test",
        ".internal",
        ".lan",
        ".home.arpa",
    ];
    host.contains('.')
        && host.parse::<std::net::IpAddr>().is_err()
        && !local.iter().any(|l| host.ends_with(l))
}

/// What makes the process look like a deployment rather than a laptop, each as a phrase;
/// the public host name first, because the others alone are common on laptops too.
fn production_signs(set: &EnvSet) -> (Option<String>, Vec<String>) {
    let host = ["hostname", "hostname-url"]
        .iter()
        .find_map(|o| effective_value(set, o))
        .filter(|v| public_host(v))
        .map(|host| format!("the public host name `{host}`"));
    let mut signs = Vec::new();
    if let Some(db) = effective_value(set, "db").filter(|v| SERVER_DATABASES.contains(&v.as_str()))
    {
        signs.push(format!("a `{db}` database"));
    }
    if ["https-certificate-file", "https-key-store-file"]
        .iter()
        .any(|o| effective(set, o).is_some())
    {
        signs.push("TLS key material".to_string());
    }
    (host, signs)
}

fn check(ctx: &RuleContext<'_>, out: &mut Vec<Diagnostic>) {
    let Some(set) = env_set(ctx) else { return };
    let Some(container) = unit_shape(ctx.file, ctx.unit) else {
        return;
    };
    let Some((_, range)) = container
        .command_words
        .iter()
        .find(|(w, _)| w == "start-dev")
    else {
        return;
    };
    let replicas = container.replicas.filter(|r| *r > 1);
    let (host, signs) = production_signs(set);
    // More than one replica is broken on its own (no shared caches). Otherwise a public host
    // name together with a server database or TLS: a local Compose stack with PostgreSQL and
    // self-signed certificates is an ordinary dev setup (seen in the corpus).
    if replicas.is_none() && (host.is_none() || signs.is_empty()) {
        return;
    }
    let mut evidence: Vec<String> = host.into_iter().chain(signs).collect();
    if let Some(replicas) = replicas {
        evidence.insert(0, format!("{replicas} replicas"));
    }
    let mut message = format!(
        "`start-dev` runs the development server, but this process has {}",
        evidence.join(", ")
    );
    if replicas.is_some() {
        message.push_str(": dev mode keeps caches local, so the replicas do not share sessions");
    }
    let v26_6 = ProductVersion::parse("26.6.0");
    if target(ctx).zip(v26_6.as_ref()).is_some_and(|(t, v)| t >= v) {
        message.push_str("; from 26.6 it also listens on localhost only");
    }
    // Only a list element that is exactly the word can be rewritten in place.
    let fix = ctx.file.text.get(range.as_usize()).and_then(|raw| {
        let inner = raw.trim_matches(['"', '\'']);
        (inner == "start-dev" && raw.len() - inner.len() <= 2).then(|| {
            Fix::new(
                "Run `start` (production mode)",
                Applicability::Unsafe,
                vec![Edit::replace(*range, raw.replacen("start-dev", "start", 1))],
            )
        })
    });
    out.push(
        ctx.diagnostic(*range, message)
            .with_help("Use `start`: it needs `hostname` (or `hostname-strict=false`) and TLS or `http-enabled=true` behind a TLS-terminating proxy, and clusters through `cache=ispn`")
            .with_fix_opt(fix),
    );
}
