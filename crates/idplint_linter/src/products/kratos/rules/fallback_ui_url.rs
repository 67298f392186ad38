//! `kratos/fallback-ui-url`: a self-service flow of a production config whose `ui_url` is unset
//! or points at Ory's fallback pages (`https://www.ory.sh/kratos/docs/fallback/<flow>`, the
//! schema default). Users are sent to Ory's documentation site instead of your UI.
//!
//! Only configs that configure `selfservice.flows` are checked (partial configs and Helm
//! overlays that leave the flows to another file are not), and unset `ui_url`s only in
//! self-contained configs (see `rules`): elsewhere the environment may set them. Login,
//! registration (unless disabled), settings and error always run; recovery and verification
//! when enabled.

use super::{is_self_contained, production_config};
use idplint_diagnostics::Diagnostic;

kratos_rule!(FallbackUiUrl, "kratos/fallback-ui-url", KratosConfig);

const FALLBACK: &str = "ory.sh/kratos/docs/fallback";

fn check(ctx: &crate::rule::RuleContext<'_>, out: &mut Vec<Diagnostic>) {
    let Some((_, root)) = production_config(ctx) else {
        return;
    };
    let Some(flows_entry) = root.get("selfservice").and_then(|e| e.value.get("flows")) else {
        return;
    };
    let flows = &flows_entry.value;
    if flows.as_mapping().is_none() {
        return;
    }
    let report_unset = is_self_contained(root);
    // Flows that run but are not configured at all are reported together at `flows:`.
    let mut absent = Vec::new();
    for flow in [
        "login",
        "registration",
        "settings",
        "error",
        "recovery",
        "verification",
    ] {
        let entry = flows.get(flow);
        let enabled = entry
            .and_then(|e| e.value.get("enabled"))
            .map(|e| e.value.as_bool());
        let runs = match flow {
            // Explicitly `enabled: false` turns registration off; absent means on.
            "registration" => enabled != Some(Some(false)),
            // Off unless enabled.
            "recovery" | "verification" => enabled == Some(Some(true)),
            _ => true,
        };
        if !runs {
            continue;
        }
        let Some(entry) = entry else {
            absent.push(flow);
            continue;
        };
        match entry.value.get("ui_url") {
            Some(url) if url.value.as_str().is_some_and(|v| v.contains(FALLBACK)) => {
                out.push(
                    ctx.diagnostic(
                        url.value.range,
                        format!(
                            "`selfservice.flows.{flow}.ui_url` points at Ory's fallback page: users land on Ory's documentation instead of your UI"
                        ),
                    )
                    .with_help("Point it at the page of your UI that renders this flow"),
                );
            }
            None if report_unset => out.push(
                ctx.diagnostic(
                    entry.key.range,
                    format!(
                        "`selfservice.flows.{flow}.ui_url` is not set: Kratos sends users to Ory's fallback page (https://www.ory.sh/kratos/docs/fallback/{flow}) instead of your UI"
                    ),
                )
                .with_help("Set `ui_url` to the page of your UI that renders this flow"),
            ),
            _ => {}
        }
    }
    if report_unset && !absent.is_empty() {
        let list = absent
            .iter()
            .map(|f| format!("`{f}`"))
            .collect::<Vec<_>>()
            .join(", ");
        out.push(
            ctx.diagnostic(
                flows_entry.key.range,
                format!(
                    "The {list} flow{} no `ui_url`: Kratos sends users to Ory's fallback pages (https://www.ory.sh/kratos/docs/fallback/...) instead of your UI",
                    if absent.len() == 1 { " has" } else { "s have" }
                ),
            )
            .with_help("Set `selfservice.flows.<flow>.ui_url` to the pages of your UI that render these flows"),
        );
    }
}
