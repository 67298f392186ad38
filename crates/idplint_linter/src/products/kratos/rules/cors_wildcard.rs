//! `kratos/cors-wildcard-origin`: CORS enabled on the public (or admin) API for every origin
//! (`allowed_origins` unset, whose default is `["*"]`, or containing `*` or a URL whose host
//! is `*`) while credentials are allowed (`allow_credentials`, default true). Any web site can
//! then call Kratos with the visitor's session cookie and read the answers.

use super::{literal, production_config};
use crate::products::kratos::url::Url;
use idplint_diagnostics::Diagnostic;

kratos_rule!(CorsWildcard, "kratos/cors-wildcard-origin", KratosConfig);

fn check(ctx: &crate::rule::RuleContext<'_>, out: &mut Vec<Diagnostic>) {
    let Some((_, root)) = production_config(ctx) else {
        return;
    };
    for api in ["public", "admin"] {
        let Some(cors) = root.get_path(&["serve", api, "cors"]) else {
            continue;
        };
        let Some(enabled) = cors.get("enabled") else {
            continue;
        };
        if enabled.value.as_bool() != Some(true) {
            continue;
        }
        if cors
            .get("allow_credentials")
            .is_some_and(|e| e.value.as_bool() == Some(false))
        {
            continue;
        }
        let help = "List the exact origins of your UIs (one `*` inside a host, as in `https://*.example.com`, is allowed), or set `allow_credentials: false` if no browser needs cookies";
        match cors.get("allowed_origins") {
            None => out.push(
                ctx.diagnostic(
                    enabled.key.range,
                    format!(
                        "CORS is enabled on the {api} API without `allowed_origins`, whose default is `*`, and credentials are allowed: any web site can call Kratos with the visitor's session"
                    ),
                )
                .with_help(help),
            ),
            Some(origins) => {
                for (i, item) in origins.value.as_sequence().unwrap_or(&[]).iter().enumerate() {
                    let Some(origin) = literal(item) else { continue };
                    let origin = origin.trim();
                    let any = origin == "*" || Url::parse(origin).is_some_and(|u| u.host == "*");
                    if any {
                        out.push(
                            ctx.diagnostic(
                                item.range,
                                format!(
                                    "`serve.{api}.cors.allowed_origins[{i}]` allows every origin while credentials are allowed: any web site can call Kratos with the visitor's session"
                                ),
                            )
                            .with_help(help),
                        );
                    }
                }
            }
        }
    }
}
