//! Hover: on a flagged key or option, the finding and its rule's documentation; on a rule id
//! inside an `idplint: ignore[...]` comment, that rule's documentation.

use crate::analysis::Analysis;
use crate::document::Document;
use crate::encoding::Encoding;
use gen_lsp_types as lsp;
use idplint_diagnostics::{Diagnostic, TextRange};
use idplint_linter::Registry;
use idplint_linter::docs::render_rule;

const MARKER: &str = "idplint: ignore[";

pub fn hover(
    registry: &Registry,
    document: &Document,
    analysis: &Analysis,
    offset: u32,
    encoding: Encoding,
    markdown: bool,
) -> Option<lsp::Hover> {
    let positions = document.positions(encoding);
    let (value, range) = if let Some((code, range)) = suppressed_code_at(document, offset) {
        let meta = registry.meta(&code)?;
        (render_rule(meta), range)
    } else {
        let found: Vec<&Diagnostic> = analysis
            .report
            .diagnostics
            .iter()
            .filter(|d| d.range.start <= offset && offset <= d.range.end.max(d.range.start))
            .collect();
        let first = found.first()?;
        let mut out = String::new();
        let mut documented: Vec<&str> = Vec::new();
        for diagnostic in &found {
            if !out.is_empty() {
                out.push_str("\n\n---\n\n");
            }
            out.push_str(&format!(
                "**idplint {}** `{}`: {}",
                diagnostic.severity.as_str(),
                diagnostic.code,
                analysis.redactor.redact(&diagnostic.message)
            ));
            if let Some(help) = &diagnostic.help {
                out.push_str("\n\n");
                out.push_str(&analysis.redactor.redact(help));
            }
            if let Some(fix) = &diagnostic.fix {
                out.push_str(&format!(
                    "\n\nFix ({}): {}",
                    fix.applicability.as_str(),
                    analysis.redactor.redact(&fix.message)
                ));
            }
        }
        for diagnostic in &found {
            if documented.contains(&diagnostic.code.as_str()) {
                continue;
            }
            documented.push(&diagnostic.code);
            if let Some(meta) = registry.meta(&diagnostic.code) {
                out.push_str("\n\n---\n\n");
                out.push_str(render_rule(meta).trim_end());
            }
        }
        (out, first.range)
    };
    Some(lsp::Hover {
        contents: lsp::Contents::MarkupContent(lsp::MarkupContent {
            kind: if markdown {
                lsp::MarkupKind::Markdown
            } else {
                lsp::MarkupKind::PlainText
            },
            value,
        }),
        range: Some(positions.range(range)),
    })
}

/// The rule id under `offset` in an `idplint: ignore[...]` list on its line.
fn suppressed_code_at(document: &Document, offset: u32) -> Option<(String, TextRange)> {
    let line = document.index.line_of(offset);
    let line_range = document.index.line_range(line, &document.text);
    let line_text = line_range.slice(&document.text)?;
    let list_start = line_text.find(MARKER)? + MARKER.len();
    let list_len = line_text[list_start..].find(']')?;
    let mut at = list_start;
    for part in line_text[list_start..list_start + list_len].split(',') {
        let lead = part.len() - part.trim_start().len();
        let code = part.trim();
        let start = line_range.start + u32::try_from(at + lead).ok()?;
        let range = TextRange::new(start, start + u32::try_from(code.len()).ok()?);
        if !code.is_empty() && range.start <= offset && offset <= range.end {
            return Some((code.to_string(), range));
        }
        at += part.len() + 1;
    }
    None
}
