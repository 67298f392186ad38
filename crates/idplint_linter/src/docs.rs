//! Rule documentation, rendered from the same metadata and examples the tests run: one
//! Markdown page per rule in `docs/rules/<id>.md`, and `idplint explain` prints the same text.

use crate::rule::{ExampleExpect, RuleMeta};
use idplint_diagnostics::Applicability;
use std::fmt::Write as _;

/// The Markdown page of one rule.
pub fn render_rule(meta: &RuleMeta) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "# `{}`\n", meta.id);
    let _ = writeln!(out, "{}\n", meta.summary);
    let _ = writeln!(out, "| | |\n|---|---|");
    let _ = writeln!(out, "| Product | {} |", meta.product);
    let _ = writeln!(out, "| Default severity | {} |", meta.severity.as_str());
    let fix = match meta.fix {
        None => "none",
        Some(Applicability::Safe) => "safe (applied by `idplint fix`)",
        Some(Applicability::Unsafe) => "unsafe (applied with `idplint fix --unsafe-fixes`)",
        Some(Applicability::DisplayOnly) => "display-only (shown, never applied)",
    };
    let _ = writeln!(out, "| Fix | {fix} |");
    if let Some(release) = &meta.release {
        let _ = writeln!(out, "| Release | {release} |");
    }
    if !meta.catalog.is_empty() {
        let _ = writeln!(out, "| Catalog | {} |", meta.catalog.join(", "));
    }
    let _ = writeln!(
        out,
        "| Defined in | `{}`{} |",
        meta.defined_in,
        if meta.native { " (logic in Rust)" } else { "" }
    );
    let _ = writeln!(out, "\n## Why\n\n{}", meta.docs.trim_end());
    let _ = writeln!(out, "\n## Sources\n");
    for source in &meta.sources {
        let _ = writeln!(out, "- {source}");
    }
    if !meta.examples.is_empty() {
        let _ = writeln!(out, "\n## Examples");
    }
    for example in &meta.examples {
        let versions = match (&example.current, &example.target) {
            (Some(c), Some(t)) => format!(" (upgrading {c} → {t})"),
            (Some(c), None) => format!(" (on {c})"),
            (None, Some(t)) => format!(" (target {t})"),
            (None, None) => String::new(),
        };
        let lang = code_language(&example.file);
        if let Some(base) = &example.base {
            let _ = writeln!(
                out,
                "\n### Base: `{}` at the `--base` revision\n",
                example.file
            );
            let _ = writeln!(out, "```{lang}\n{}```", ensure_newline(base));
        }
        match &example.expect {
            ExampleExpect::Fails { fixed } => {
                let _ = writeln!(out, "\n### Flagged: `{}`{versions}\n", example.file);
                let _ = writeln!(out, "```{lang}\n{}```", ensure_newline(&example.text));
                if let Some(fixed) = fixed {
                    let how = if example.unsafe_fixes {
                        "`idplint fix --unsafe-fixes`"
                    } else {
                        "`idplint fix`"
                    };
                    let _ = writeln!(out, "\nAfter {how}:\n");
                    let _ = writeln!(out, "```{lang}\n{}```", ensure_newline(fixed));
                }
            }
            ExampleExpect::Passes => {
                let _ = writeln!(out, "\n### Not flagged: `{}`{versions}\n", example.file);
                let _ = writeln!(out, "```{lang}\n{}```", ensure_newline(&example.text));
            }
        }
    }
    out
}

/// `docs/rules/README.md`: every rule with its summary.
pub fn render_index(metas: &[&RuleMeta]) -> String {
    let mut out = String::from(
        "# Rules\n\nGenerated from `rules/` by `IDPLINT_UPDATE_DOCS=1 cargo test -p idplint_linter --test rule_docs`; do not edit by hand.\n\n| Rule | Severity | Fix | Summary |\n|---|---|---|---|\n",
    );
    for meta in metas {
        let fix = meta.fix.map_or("", |a| a.as_str());
        let _ = writeln!(
            out,
            "| [`{}`]({}.md) | {} | {} | {} |",
            meta.id,
            meta.id,
            meta.severity.as_str(),
            fix,
            meta.summary.replace('|', "\\|")
        );
    }
    out
}

fn ensure_newline(text: &str) -> String {
    if text.ends_with('\n') {
        text.to_string()
    } else {
        format!("{text}\n")
    }
}

fn code_language(file: &str) -> &'static str {
    let lower = file.to_ascii_lowercase();
    if lower.ends_with(".yml") || lower.ends_with(".yaml") {
        "yaml"
    } else if lower.ends_with(".json") {
        "json"
    } else if lower.ends_with(".xml") {
        "xml"
    } else if lower.ends_with(".conf") || lower.ends_with(".properties") {
        "properties"
    } else if crate::source::sniff_format(file, "") == Some(crate::source::FileFormat::Dockerfile) {
        "dockerfile"
    } else {
        "sh"
    }
}
