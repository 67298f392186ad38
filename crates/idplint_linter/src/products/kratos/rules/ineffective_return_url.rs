//! `kratos/ineffective-return-url`: an `allowed_return_urls` entry Kratos drops or can never
//! match, so the redirect the author meant to allow fails with
//! `self_service_flow_return_to_forbidden`:
//! - relative entries (`/dashboard`): they have no scheme and host, and matching compares both;
//! - entries that are not absolute URLs at all (`app.example.com`);
//! - a host of exactly `*`, or a wildcard straight on a public suffix (`https://*.com`):
//!   Kratos ignores those with a warning in its log.
//!
//! Source: `SelfServiceBrowserAllowedReturnToDomains` and `x/redir/secure_redirect.go` @v26.2.0
//! (research kratos.md §6.7). Checked in every mode: these entries do not work anywhere.

use super::{config, literal};
use crate::products::kratos::url::Url;
use idplint_diagnostics::Diagnostic;

kratos_rule!(
    IneffectiveReturnUrl,
    "kratos/ineffective-return-url",
    KratosConfig
);

/// Public suffixes of more than one label that people put wildcards on. Single labels
/// (`*.com`, `*.io`) are always public suffixes. This is not the whole Public Suffix List.
const MULTI_LABEL_SUFFIXES: &[&str] = &[
    "co.uk", "org.uk", "ac.uk", "gov.uk", "com.au", "net.au", "org.au", "co.nz", "co.jp", "co.in",
    "com.br", "com.cn", "com.mx", "co.za", "com.tr", "co.kr",
];

fn check(ctx: &crate::rule::RuleContext<'_>, out: &mut Vec<Diagnostic>) {
    let Some((_, root)) = config(ctx) else { return };
    for key in ["allowed_return_urls", "whitelisted_return_urls"] {
        let Some(items) = root
            .get_path(&["selfservice", key])
            .and_then(|n| n.as_sequence())
        else {
            continue;
        };
        for (i, item) in items.iter().enumerate() {
            let Some(value) = literal(item) else { continue };
            let value = value.trim();
            if value.is_empty() {
                continue;
            }
            let Some(problem) = problem(value) else {
                continue;
            };
            out.push(
                ctx.diagnostic(
                    item.range,
                    format!("`selfservice.{key}[{i}]` {problem}"),
                )
                .with_help("Write full URLs with scheme and host (`https://app.example.com/dashboard`); one `*` may start a host below a registrable domain (`https://*.example.com`)"),
            );
        }
    }
}

fn problem(value: &str) -> Option<&'static str> {
    if value.starts_with('/') {
        return Some(
            "is relative: Kratos compares scheme and host, so it never matches any return URL",
        );
    }
    let Some(url) = Url::parse(value) else {
        return Some(
            "is not a URL with a scheme and a host (scheme://host/...): Kratos drops it or can never match it",
        );
    };
    if url.host == "*" {
        return Some("has the host `*`, which Kratos ignores (with a warning in its log)");
    }
    if let Some(rest) = url.host.strip_prefix("*.")
        && (!rest.contains('.') || MULTI_LABEL_SUFFIXES.contains(&rest))
    {
        return Some(
            "puts a wildcard directly on a public suffix, which Kratos ignores (with a warning in its log)",
        );
    }
    None
}

#[cfg(test)]
mod tests {
    use super::problem;

    #[test]
    fn entries() {
        assert!(problem("/dashboard").is_some());
        assert!(problem("app.example.com").is_some());
        assert!(problem("https://*").is_some());
        assert!(problem("https://*.com").is_some());
        assert!(problem("https://*.co.uk/").is_some());
        assert!(problem("https://*.example.com").is_none());
        assert!(problem("http://127.0.0.1:4455").is_none());
        assert!(problem("exp://localhost:8081/--/Callback").is_none());
    }
}
