//! `idplint rules` and `idplint explain`.

use crate::cli::{RulesArgs, RulesFormat};
use crate::{Failure, Streams};
use idplint_diagnostics::Applicability;
use idplint_linter::rule::ExampleExpect;
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
    streams.out_bytes(render_explain(meta).as_bytes());
    Ok(0)
}

fn render_explain(meta: &RuleMeta) -> String {
    let mut out = String::new();
    out.push_str(&format!("# {}\n\n{}\n\n", meta.id, meta.summary.trim()));
    out.push_str(&format!("- Severity: {}\n", meta.severity.as_str()));
    let fix = match meta.fix {
        Some(Applicability::Safe) => "safe (applied by `idplint fix`)",
        Some(Applicability::Unsafe) => "unsafe (applied by `idplint fix --unsafe-fixes`)",
        Some(Applicability::DisplayOnly) => "suggestion only (never applied automatically)",
        None => "none",
    };
    out.push_str(&format!("- Fix: {fix}\n"));
    if let Some(release) = &meta.release {
        out.push_str(&format!("- Release: {release}\n"));
    }
    out.push_str(&format!("- Defined in: {}\n", meta.defined_in));
    out.push_str(&format!("- Docs: {}\n", meta.doc_url()));
    if !meta.docs.trim().is_empty() {
        out.push_str(&format!("\n{}\n", meta.docs.trim()));
    }
    if !meta.sources.is_empty() {
        out.push_str("\n## Sources\n\n");
        for source in &meta.sources {
            out.push_str(&format!("- {source}\n"));
        }
    }
    if !meta.examples.is_empty() {
        out.push_str("\n## Examples\n");
    }
    for example in &meta.examples {
        let language = language_of(&example.file);
        let mut versions = Vec::new();
        if let Some(current) = &example.current {
            versions.push(format!("current {current}"));
        }
        if let Some(target) = &example.target {
            versions.push(format!("target {target}"));
        }
        let versions = if versions.is_empty() {
            String::new()
        } else {
            format!(", {}", versions.join(", "))
        };
        let (title, fixed) = match &example.expect {
            ExampleExpect::Fails { fixed } => ("Flagged", fixed.as_ref()),
            ExampleExpect::Passes => ("Not flagged", None),
        };
        out.push_str(&format!(
            "\n### {title} (`{}`{versions})\n\n```{language}\n{}\n```\n",
            example.file,
            example.text.trim_end()
        ));
        if let Some(fixed) = fixed {
            let how = if example.unsafe_fixes {
                "`idplint fix --unsafe-fixes`"
            } else {
                "`idplint fix`"
            };
            out.push_str(&format!(
                "\nAfter {how}:\n\n```{language}\n{}\n```\n",
                fixed.trim_end()
            ));
        }
    }
    out
}

fn language_of(file: &str) -> &'static str {
    let lower = file.to_ascii_lowercase();
    if lower.ends_with(".yml") || lower.ends_with(".yaml") {
        "yaml"
    } else if lower.ends_with(".json") {
        "json"
    } else if lower.ends_with(".xml") {
        "xml"
    } else if lower.ends_with(".conf") || lower.ends_with(".properties") {
        "properties"
    } else if lower.contains(".env") || lower == ".env" {
        "sh"
    } else {
        "text"
    }
}
