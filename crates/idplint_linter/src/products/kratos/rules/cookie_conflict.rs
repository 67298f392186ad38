//! `kratos/cookie-settings-conflict`: cookie settings browsers refuse (research kratos.md §6.8):
//! - `same_site: None` on a cookie that is not `Secure` (`secure: false`, or unset in dev
//!   mode): browsers reject `SameSite=None` without `Secure`, so the session cookie is never
//!   stored. `session.cookie.*` overrides `cookies.*` for the session cookie; the CSRF cookie
//!   is forced to `Lax` without `Secure`, so only the session cookie is affected.
//! - a cookie `domain` the public base URL's host is not in: browsers reject cookies for a
//!   domain the response did not come from, so no session is ever stored.

use super::{config, is_dev, literal};
use crate::products::kratos::url::Url;
use idplint_diagnostics::Diagnostic;
use idplint_syntax::{Entry, Node};

kratos_rule!(
    CookieConflict,
    "kratos/cookie-settings-conflict",
    KratosConfig
);

fn check(ctx: &crate::rule::RuleContext<'_>, out: &mut Vec<Diagnostic>) {
    let Some((_, root)) = config(ctx) else { return };
    let dev = is_dev(ctx, root);
    let cookies = root.get("cookies").map(|e| &e.value);
    let session = root.get_path(&["session", "cookie"]);
    let setting = |key: &str| -> Option<(&'static str, &Entry)> {
        session
            .and_then(|n| n.get(key))
            .map(|e| ("session.cookie", e))
            .or_else(|| cookies.and_then(|n| n.get(key)).map(|e| ("cookies", e)))
    };

    // SameSite=None needs Secure (session cookie: session.cookie.* over cookies.*).
    if let Some((same_site_at, same_site)) = setting("same_site")
        && same_site
            .value
            .as_str()
            .is_some_and(|v| v.eq_ignore_ascii_case("none"))
    {
        let secure = setting("secure").and_then(|(at, e)| bool_of(&e.value).map(|b| (at, e, b)));
        let insecure = match secure {
            Some((_, _, value)) => !value,
            // Unset: Secure unless dev mode.
            None => dev,
        };
        if insecure {
            let why = match secure {
                Some((at, _, _)) => format!("`{at}.secure` is false"),
                None => "dev mode is on and `secure` is unset, so cookies are not Secure".into(),
            };
            let mut diagnostic = ctx.diagnostic(
                same_site.value.range,
                format!(
                    "`{same_site_at}.same_site` is None but {why}: browsers reject SameSite=None cookies without Secure, so the session cookie is never stored"
                ),
            )
            .with_help("Serve Kratos over https and set `secure: true`, or use `same_site: Lax`");
            if let Some((at, entry, _)) = secure {
                diagnostic = diagnostic
                    .with_label(entry.value.range, format!("`{at}.secure` is false here"));
            }
            out.push(diagnostic);
        }
    }

    // The cookie domain must contain the host Kratos answers on.
    let Some(host) = root
        .get_path(&["serve", "public", "base_url"])
        .and_then(literal)
        .and_then(Url::parse)
        .map(|u| u.host)
    else {
        return;
    };
    for (at, node) in [("session.cookie", session), ("cookies", cookies)] {
        let Some(entry) = node.and_then(|n| n.get("domain")) else {
            continue;
        };
        let Some(domain) = literal(&entry.value) else {
            continue;
        };
        let domain = domain.trim().trim_start_matches('.').to_ascii_lowercase();
        if domain.is_empty() || host_in_domain(&host, &domain) {
            continue;
        }
        out.push(
            ctx.diagnostic(
                entry.value.range,
                format!(
                    "`{at}.domain` is not a parent of the public base URL's host `{host}`: browsers reject cookies set for another domain, so they are never stored"
                ),
            )
            .with_help("Use the base URL's host or a parent domain of it (`example.com` for `auth.example.com`), or leave `domain` unset"),
        );
    }
}

/// Go and the schema: `secure` is a boolean, but v26's schema types it as a string.
fn bool_of(node: &Node) -> Option<bool> {
    node.as_bool().or_else(|| match node.as_str()? {
        "true" | "True" | "TRUE" => Some(true),
        "false" | "False" | "FALSE" => Some(false),
        _ => None,
    })
}

fn host_in_domain(host: &str, domain: &str) -> bool {
    host == domain || host.ends_with(&format!(".{domain}"))
}
