//! The lint path of the server: one open document in, the engine's report and its LSP
//! diagnostics out. Kept free of I/O so the benchmark measures exactly what an edit costs.

use crate::document::Document;
use crate::encoding::Encoding;
use crate::settings::Resolved;
use gen_lsp_types as lsp;
use idplint_diagnostics::{Diagnostic, Severity, Tag, TextRange};
use idplint_linter::registry::builtin;
use idplint_linter::source::{FileFormat, sniff_format};
use idplint_linter::{FileReport, LintOptions, Registry};
use idplint_output::Redactor;
use std::panic::{AssertUnwindSafe, catch_unwind};

/// What the client told us it can show, as far as diagnostics go.
#[derive(Clone, Copy, Debug, Default)]
pub struct DiagnosticFeatures {
    pub related_information: bool,
}

/// The engine's view of one version of one document.
#[derive(Clone, Debug)]
pub struct Analysis {
    pub version: i32,
    /// The settings generation it was computed with (see `SettingsCache::generation`).
    pub generation: u64,
    pub format: Option<FileFormat>,
    pub options: LintOptions,
    pub report: FileReport,
    /// Masks secret values wherever the server shows text other than the document itself.
    pub redactor: Redactor,
}

impl Analysis {
    /// Diagnostics whose range touches `range` (an empty diagnostic range counts at its
    /// position, so cursor-only requests find zero-width findings too).
    pub fn diagnostics_touching(&self, range: TextRange) -> impl Iterator<Item = &Diagnostic> {
        self.report.diagnostics.iter().filter(move |d| {
            d.range.start <= range.end && range.start <= d.range.end.max(d.range.start)
        })
    }
}

/// Lint `document` with the settings that govern it. `neighbours` are the files around it
/// (`neighbours::NeighbourCache`), taking part in the run (`engine::lint_in_context`) so
/// cross-file rules see what they see in a CLI run over the directory; only the document's own
/// rules run and only its findings are kept.
pub fn analyze(
    registry: &Registry,
    document: &Document,
    resolved: &Resolved,
    generation: u64,
    neighbours: &[(String, String)],
) -> Analysis {
    let format = sniff_format(&document.lint_path, &document.text);
    let with_base;
    let options = match &document.base {
        Some(base) => {
            with_base = LintOptions {
                base_text: Some(base.clone()),
                ..resolved.options.clone()
            };
            &with_base
        }
        None => &resolved.options,
    };
    let report = match format {
        Some(_) if resolved.excluded => FileReport::default(),
        Some(format) => {
            // A panic in a rule must cost one file's diagnostics, not the editor's server.
            catch_unwind(AssertUnwindSafe(|| {
                if neighbours.is_empty() {
                    return idplint_linter::lint_as(
                        registry,
                        &document.lint_path,
                        &document.text,
                        format,
                        options,
                    );
                }
                let context: Vec<(&str, &str)> = neighbours
                    .iter()
                    .map(|(path, text)| (path.as_str(), text.as_str()))
                    .collect();
                idplint_linter::lint_in_context(
                    registry,
                    &document.lint_path,
                    &document.text,
                    options,
                    &context,
                )
            }))
            .unwrap_or_else(|_| internal_error_report())
        }
        None => FileReport::default(),
    };
    let redactor = Redactor::new(&document.text, &report.secrets);
    Analysis {
        version: document.version,
        generation,
        format,
        options: resolved.options.clone(),
        report,
        redactor,
    }
}

fn internal_error_report() -> FileReport {
    FileReport {
        diagnostics: vec![Diagnostic::new(
            builtin::PARSE_ERROR,
            Severity::Error,
            "idplint hit an internal error on this file and could not check it; please report it with the file (secrets removed)",
            TextRange::empty(0),
        )],
        parse_failed: true,
        recognised: true,
        ..FileReport::default()
    }
}

/// The LSP diagnostics of `analysis` in `encoding`.
pub fn to_lsp(
    document: &Document,
    analysis: &Analysis,
    encoding: Encoding,
    features: DiagnosticFeatures,
    registry: &Registry,
) -> Vec<lsp::Diagnostic> {
    analysis
        .report
        .diagnostics
        .iter()
        .map(|diagnostic| to_lsp_one(document, analysis, diagnostic, encoding, features, registry))
        .collect()
}

/// One diagnostic in LSP form. Messages go through the redactor: rules never put secret
/// values in them, and this is the second lock on that door.
pub fn to_lsp_one(
    document: &Document,
    analysis: &Analysis,
    diagnostic: &Diagnostic,
    encoding: Encoding,
    features: DiagnosticFeatures,
    registry: &Registry,
) -> lsp::Diagnostic {
    let positions = document.positions(encoding);
    let related: Vec<lsp::DiagnosticRelatedInformation> = if features.related_information {
        diagnostic
            .labels
            .iter()
            .map(|label| lsp::DiagnosticRelatedInformation {
                location: lsp::Location {
                    uri: document.uri.clone().into(),
                    range: positions.range(label.range),
                },
                message: analysis.redactor.redact(&label.message),
            })
            .collect()
    } else {
        Vec::new()
    };
    let tags: Vec<lsp::DiagnosticTag> = diagnostic
        .tags
        .iter()
        .map(|tag| match tag {
            Tag::Deprecated => lsp::DiagnosticTag::Deprecated,
            Tag::Unnecessary => lsp::DiagnosticTag::Unnecessary,
        })
        .collect();
    lsp::Diagnostic {
        range: positions.range(diagnostic.range),
        severity: Some(severity(diagnostic.severity)),
        code: Some(lsp::Code::String(diagnostic.code.clone())),
        code_description: registry
            .meta(&diagnostic.code)
            .map(|meta| lsp::CodeDescription {
                href: doc_href(&meta.doc_url()).into(),
            }),
        source: Some("idplint".to_string()),
        message: lsp::Message::String(analysis.redactor.redact(&diagnostic.message)),
        tags: (!tags.is_empty()).then_some(tags),
        related_information: (!related.is_empty()).then_some(related),
        data: None,
    }
}

/// An absolute link to a rule's page: clients render `codeDescription.href` as a link and
/// reject relative URIs. The same base as SARIF's `helpUri`.
pub fn doc_href(relative: &str) -> String {
    format!(
        "{}/{}",
        idplint_output::sarif::INFORMATION_URI.trim_end_matches('/'),
        relative
    )
}

fn severity(severity: Severity) -> lsp::DiagnosticSeverity {
    match severity {
        Severity::Error => lsp::DiagnosticSeverity::Error,
        Severity::Warning => lsp::DiagnosticSeverity::Warning,
        Severity::Info => lsp::DiagnosticSeverity::Information,
    }
}
