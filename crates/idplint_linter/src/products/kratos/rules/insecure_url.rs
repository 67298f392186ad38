//! `kratos/insecure-url`: a browser-facing URL over plain `http://` in a production config:
//! the public base URL, the UI URLs of the flows, the default and per-flow return URLs and
//! the allowed return URLs. Outside dev mode Kratos marks its cookies `Secure`; browsers do
//! not send those to `http://` pages, so flows break, and anything on the path can read or
//! change the pages that carry the flows.
//!
//! Loopback hosts are exempt (browsers treat them as secure contexts, and they only appear in
//! local setups), and so are single-label hosts (`http://kratos-ui:3000`) no browser on the
//! internet can reach. `serve.admin.base_url` is exempt too: the admin API is reached inside the
//! cluster, not by browsers, and plain HTTP there is the norm behind a service mesh.
//!
//! The same URLs set through variables of a production Kratos container
//! (`SERVE_PUBLIC_BASE_URL`, `SELFSERVICE_FLOWS_LOGIN_UI_URL`, ...) are checked too.

use super::{browser_urls, literal, production_config, production_env_keys};
use crate::products::kratos::url::Url;
use crate::unit::UnitKind;
use idplint_diagnostics::{Applicability, Diagnostic, Edit, Fix, TextRange};

kratos_rule!(
    InsecureUrl,
    "kratos/insecure-url",
    KratosConfig,
    KratosEnvSet
);

fn check(ctx: &crate::rule::RuleContext<'_>, out: &mut Vec<Diagnostic>) {
    if ctx.unit.kind == UnitKind::KratosEnvSet {
        check_variables(ctx, out);
        return;
    }
    let Some((tree, root)) = production_config(ctx) else {
        return;
    };
    let base_is_https = root
        .get_path(&["serve", "public", "base_url"])
        .and_then(literal)
        .and_then(Url::parse)
        .is_some_and(|u| u.scheme == "https");
    for (path, node) in browser_urls(root) {
        let Some(value) = literal(node) else { continue };
        let Some(url) = Url::parse(value) else {
            continue;
        };
        if url.scheme != "http" || url.is_internal() {
            continue;
        }
        let what = consequence(&path);
        let mut message = format!("`{path}` uses http:// while dev mode is off: {what}");
        if base_is_https && path != "serve.public.base_url" {
            message.push_str(" (the public base URL is https://)");
        }
        // Replace the scheme in place when the raw text starts with it (plain or quoted).
        let fix = node.range.slice(&tree.text).and_then(|raw| {
            let offset = raw.find("http://")?;
            raw[..offset]
                .chars()
                .all(|c| c == '"' || c == '\'' || c.is_whitespace())
                .then(|| {
                    let start = node.range.start + offset as u32;
                    // Display-only: the site must serve https first, and no automatic fix
                    // should change where users are sent.
                    Fix::new(
                        "Use https://",
                        Applicability::DisplayOnly,
                        vec![Edit::replace(TextRange::new(start, start + 4), "https")],
                    )
                })
        });
        out.push(
            ctx.diagnostic(node.range, message)
                .with_help("Serve it over https://, or set `dev: true` if this config is only for development")
                .with_fix_opt(fix),
        );
    }
}

/// What plain HTTP breaks for the URL at `path`.
fn consequence(path: &str) -> &'static str {
    if path == "serve.public.base_url" {
        "Kratos marks its cookies Secure outside dev mode, and browsers drop Secure cookies set over plain HTTP, so no login can succeed"
    } else if path.ends_with("ui_url") {
        "browsers do not send Kratos' Secure cookies to this page, so the flow cannot be completed, and the page that collects credentials can be read or changed on the way"
    } else {
        "users are sent back to a plain-HTTP page after the flow, where their session can be read or changed on the way"
    }
}

/// Whether a config key holds one of the browser-facing URLs `browser_urls` collects.
fn is_browser_url_key(key: &str) -> bool {
    key == "serve.public.base_url"
        || key == "selfservice.default_browser_return_url"
        || key.starts_with("selfservice.allowed_return_urls")
        || key.starts_with("selfservice.whitelisted_return_urls")
        || (key.starts_with("selfservice.flows.")
            && (key.ends_with(".ui_url") || key.ends_with(".default_browser_return_url")))
}

/// The URL variables of a production container; a list variable (`..._ALLOWED_RETURN_URLS`)
/// may hold several URLs, comma-separated or as JSON.
fn check_variables(ctx: &crate::rule::RuleContext<'_>, out: &mut Vec<Diagnostic>) {
    for variable in production_env_keys(ctx).into_iter().filter(|v| v.literal) {
        if !is_browser_url_key(&variable.key) {
            continue;
        }
        let insecure = variable
            .value
            .trim()
            .trim_start_matches('[')
            .trim_end_matches(']')
            .split(',')
            .map(|item| item.trim().trim_matches('"'))
            .filter_map(Url::parse)
            .any(|url| url.scheme == "http" && !url.is_internal());
        if !insecure {
            continue;
        }
        let entry = variable.entry;
        out.push(
            ctx.diagnostic(
                entry.value_or_name_range(),
                format!(
                    "`{}` (`{}`) uses http:// while dev mode is off: {}",
                    entry.name,
                    variable.key,
                    consequence(&variable.key)
                ),
            )
            .with_help("Serve it over https://, or start Kratos with `--dev` if this setup is only for development"),
        );
    }
}
