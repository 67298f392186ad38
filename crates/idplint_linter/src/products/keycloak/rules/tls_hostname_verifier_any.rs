//! `keycloak/tls-hostname-verifier-any`: `tls-hostname-verifier=ANY` turns off the host name
//! check on every outgoing TLS connection (identity brokers, LDAP over TLS, HTTP clients of
//! SPIs), so any certificate the truststore accepts is taken for any server: a
//! man-in-the-middle with a certificate for another name is not detected.

use super::production_literals;
use crate::rule::{FnRule, Rule, RuleContext, RuleMeta};
use crate::unit::UnitKind;
use idplint_diagnostics::Diagnostic;
use std::sync::Arc;

pub const ID: &str = "keycloak/tls-hostname-verifier-any";

pub fn factory(meta: Arc<RuleMeta>) -> Box<dyn Rule> {
    FnRule::boxed(meta, UnitKind::KeycloakEnvSet, check)
}

fn check(ctx: &RuleContext<'_>, out: &mut Vec<Diagnostic>) {
    for (entry, value) in production_literals(ctx, "tls-hostname-verifier") {
        if !value.trim().eq_ignore_ascii_case("any") {
            continue;
        }
        let range = entry.value_range.unwrap_or(entry.name_range);
        out.push(
            ctx.diagnostic(
                range,
                format!(
                    "`{}=ANY` disables host name verification on outgoing TLS connections",
                    entry.name
                ),
            )
            .with_help("Remove it (the default, DEFAULT, checks names with wildcard support) and add the peer's CA to `truststore-paths` if its certificate is the problem"),
        );
    }
}
