//! `idplint rules` and `idplint explain`.

use crate::cli::{RulesArgs, RulesFormat};
use crate::{Failure, Streams};
use idplint_diagnostics::Applicability;
use idplint_linter::{Product, Registry, RuleMeta};
use serde::Serialize;

/// The product part of a rule id (`kratos`, `keycloak-wildfly`, `idplint`).
fn product_of(id: &str) -> &str {
    id.split_once('/').map_or(id, |(product, _)| product)
}

fn fix_label(fix: Option<Applicability>) -> &'static str {
    match fix {
        Some(Applicability::Safe) => "safe fix",
        Some(Applicability::Unsafe) => "unsafe fix",
        Some(Applicability::DisplayOnly) => "suggestion",
        None => "",
    }
}

#[derive(Serialize)]
struct RuleJson<'a> {
    id: &'a str,
    product: &'a str,
    summary: &'a str,
    severity: &'static str,
    fix: Option<&'static str>,
    release: Option<&'a str>,
    url: String,
    sources: &'a [String],
    native: bool,
    defined_in: &'a str,
}

pub fn list(registry: &Registry, args: &RulesArgs, streams: &mut Streams) -> Result<u8, Failure> {
    let product = match args.product.as_deref().map(str::trim) {
        None => None,
        Some(name) if name.eq_ignore_ascii_case("idplint") => Some("idplint".to_string()),
        Some(name) => match Product::parse(name) {
            Some(product) => Some(product.as_str().to_string()),
            None => {
                return Err(Failure::new(format!(
                    "--product: `{name}` is not a product; use one of kratos, keycloak, keycloak-wildfly, serverless, idplint"
                )));
            }
        },
    };
    let metas: Vec<&RuleMeta> = registry
        .metas()
        .into_iter()
        .filter(|m| product.as_deref().is_none_or(|p| product_of(&m.id) == p))
        .collect();
    match args.format {
        RulesFormat::Json => {
            let items: Vec<RuleJson<'_>> = metas
                .iter()
                .map(|m| RuleJson {
                    id: &m.id,
                    product: product_of(&m.id),
                    summary: &m.summary,
                    severity: m.severity.as_str(),
                    fix: m.fix.map(Applicability::as_str),
                    release: m.release.as_deref(),
                    url: m.doc_url(),
                    sources: &m.sources,
                    native: m.native,
                    defined_in: &m.defined_in,
                })
                .collect();
            let json = serde_json::to_string_pretty(&items)
                .map_err(|error| Failure::new(format!("cannot render the rule list: {error}")))?;
            streams.out_line(&json);
        }
        RulesFormat::Text => {
            let width = metas.iter().map(|m| m.id.len()).max().unwrap_or(0);
            for meta in &metas {
                let release = meta
                    .release
                    .as_deref()
                    .map(|r| format!(" ({r})"))
                    .unwrap_or_default();
                streams.out_line(
                    format!(
                        "{:width$}  {:7}  {:10}  {}{release}",
                        meta.id,
                        meta.severity.as_str(),
                        fix_label(meta.fix),
                        meta.summary
                    )
                    .trim_end(),
                );
            }
            streams.note(&format!(
                "{} rule{}. `idplint explain ID` prints one rule's documentation.",
                metas.len(),
                if metas.len() == 1 { "" } else { "s" }
            ));
        }
    }
    Ok(0)
}

pub fn explain(registry: &Registry, id: &str, streams: &mut Streams) -> Result<u8, Failure> {
    let id = id.trim();
    let Some(meta) = registry.meta(id) else {
        let suggestion = registry
            .suggest(id)
            .map(|s| format!(" Did you mean `{s}`?"))
            .unwrap_or_default();
        return Err(Failure::new(format!(
            "unknown rule `{id}`.{suggestion} Run `idplint rules` to list every rule"
        )));
    };
    // The same page as docs/rules/<id>.md, so the terminal and the docs never disagree.
    streams.out_bytes(idplint_linter::docs::render_rule(meta).as_bytes());
    Ok(0)
}
