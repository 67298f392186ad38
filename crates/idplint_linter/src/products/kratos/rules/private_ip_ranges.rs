//! `kratos/private-ip-ranges-allowed`: a production config that makes Kratos send HTTP
//! requests (web hooks, mail or SMS over HTTP) without
//! `clients.http.disallow_private_ip_ranges: true`, which Ory's production guide recommends
//! against server-side request forgery. Exceptions go in
//! `clients.http.private_ip_exception_urls` (0.11+). Informational: internal web hooks are
//! common and need those exceptions first.

use super::{is_self_contained, production_config};
use idplint_diagnostics::{Diagnostic, TextRange};
use idplint_syntax::Node;

kratos_rule!(
    PrivateIpRanges,
    "kratos/private-ip-ranges-allowed",
    KratosConfig
);

fn check(ctx: &crate::rule::RuleContext<'_>, out: &mut Vec<Diagnostic>) {
    let Some((_, root)) = production_config(ctx) else {
        return;
    };
    // An unset flag may be set through the environment in configs that are not self-contained.
    if !is_self_contained(root) {
        return;
    }
    if root
        .get_path(&["clients", "http", "disallow_private_ip_ranges"])
        .is_some_and(|n| n.as_bool() == Some(true))
    {
        return;
    }
    let Some((what, at)) = outgoing_calls(root) else {
        return;
    };
    out.push(
        ctx.diagnostic(
            at,
            format!(
                "Kratos sends HTTP requests ({what}) but `clients.http.disallow_private_ip_ranges` is not true, which Ory's production guide recommends against server-side request forgery"
            ),
        )
        .with_help("Set `clients.http.disallow_private_ip_ranges: true` and list internal endpoints you do call in `clients.http.private_ip_exception_urls`"),
    );
}

/// The first feature that makes Kratos send HTTP requests, and where it is configured.
fn outgoing_calls(root: &Node) -> Option<(&'static str, TextRange)> {
    if let Some(flows) = root.get_path(&["selfservice", "flows"]) {
        let mut found = None;
        flows.walk(&mut |node: &Node| {
            if found.is_none()
                && let Some(entry) = node.get("hook")
                && entry.value.as_str() == Some("web_hook")
            {
                found = Some(("web hooks", entry.value.range));
            }
        });
        if found.is_some() {
            return found;
        }
    }
    if let Some(entry) = root
        .get("courier")
        .and_then(|c| c.value.get("delivery_strategy"))
        .filter(|e| e.value.as_str() == Some("http"))
    {
        return Some(("mail over HTTP", entry.value.range));
    }
    if let Some(entry) = root.get("courier").and_then(|c| c.value.get("channels")) {
        return Some(("courier channels", entry.key.range));
    }
    None
}
