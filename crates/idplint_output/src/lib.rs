//! Renderers for idplint results.
//!
//! Every front end that prints findings (the CLI today, CI wrappers later) hands this crate a
//! list of per-file results — display path, the text that was linted, the engine's
//! [`FileReport`] — plus the rule metadata, and picks a format:
//!
//! - [`text`]: rustc/Ruff-like, with source snippets, carets, help and fix notes, and a summary;
//! - [`json`]: the public JSON array of DESIGN.md §5 (Ruff-compatible field names);
//! - [`sarif`]: SARIF 2.1.0 with rules and fixes, for code-scanning uploads;
//! - [`github`]: GitHub Actions workflow commands (annotations);
//! - [`gitlab`]: GitLab Code Quality report with line-independent fingerprints;
//! - [`junit`]: JUnit XML, one test case per finding.
//!
//! Secrets: the engine reports the host ranges of secret values in `FileReport::secrets`.
//! Snippets replace those bytes with [`REDACTED`], and every message, help text and fix
//! content additionally goes through a [`Redactor`] that masks any secret value appearing in
//! it verbatim — rules promise never to put secret values there, this is the second lock.

pub mod color;
pub mod github;
pub mod gitlab;
pub mod json;
pub mod junit;
pub mod sarif;
pub mod text;

mod position;
mod redact;

pub use color::ColorChoice;
pub use position::Positions;
pub use redact::Redactor;

use idplint_diagnostics::{Applicability, Severity};
use idplint_linter::{FileReport, RuleMeta};
use std::collections::BTreeMap;
use std::io::{self, Write};

pub use idplint_diagnostics::REDACTED;

/// One linted file as the renderers see it.
#[derive(Clone, Copy, Debug)]
pub struct FileResult<'a> {
    /// The path to show and to put in machine output: relative to the working directory where
    /// possible, with forward slashes.
    pub path: &'a str,
    /// The exact text that was linted (diagnostic ranges are byte offsets into it). May be
    /// empty for files that were not read (too large); positions then clamp to 1:1.
    pub text: &'a str,
    pub report: &'a FileReport,
}

/// Rule metadata by id, for documentation URLs and SARIF rule descriptors.
#[derive(Clone, Debug, Default)]
pub struct RuleIndex<'a> {
    by_id: BTreeMap<&'a str, &'a RuleMeta>,
}

impl<'a> RuleIndex<'a> {
    pub fn new(metas: impl IntoIterator<Item = &'a RuleMeta>) -> Self {
        Self {
            by_id: metas.into_iter().map(|m| (m.id.as_str(), m)).collect(),
        }
    }

    pub fn get(&self, id: &str) -> Option<&'a RuleMeta> {
        self.by_id.get(id).copied()
    }

    /// Every rule, sorted by id.
    pub fn all(&self) -> impl Iterator<Item = &'a RuleMeta> + '_ {
        self.by_id.values().copied()
    }

    /// The documentation URL of a rule (relative, as in DESIGN.md §5), when the rule is known.
    pub fn url(&self, id: &str) -> Option<String> {
        self.get(id).map(RuleMeta::doc_url)
    }
}

/// The output formats of `check` and `fix`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OutputFormat {
    Text,
    Json,
    Sarif,
    Github,
    Gitlab,
    Junit,
}

impl OutputFormat {
    pub const NAMES: [&'static str; 6] = ["text", "json", "sarif", "github", "gitlab", "junit"];

    pub fn parse(text: &str) -> Option<Self> {
        match text.to_ascii_lowercase().as_str() {
            "text" | "full" => Some(Self::Text),
            "json" => Some(Self::Json),
            "sarif" => Some(Self::Sarif),
            "github" => Some(Self::Github),
            "gitlab" => Some(Self::Gitlab),
            "junit" => Some(Self::Junit),
            _ => None,
        }
    }
}

/// Counts over a whole run, for the text summary and for exit codes.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Summary {
    pub files: usize,
    pub errors: usize,
    pub warnings: usize,
    pub infos: usize,
    /// Diagnostics whose fix plain `idplint fix` applies.
    pub safe_fixes: usize,
    /// Diagnostics whose fix needs `--unsafe-fixes`.
    pub unsafe_fixes: usize,
}

impl Summary {
    pub fn of(files: &[FileResult<'_>]) -> Self {
        let mut summary = Summary {
            files: files.len(),
            ..Summary::default()
        };
        for diagnostic in files.iter().flat_map(|f| &f.report.diagnostics) {
            match diagnostic.severity {
                Severity::Error => summary.errors += 1,
                Severity::Warning => summary.warnings += 1,
                Severity::Info => summary.infos += 1,
            }
            match diagnostic.fix.as_ref().map(|f| f.applicability) {
                Some(Applicability::Safe) => summary.safe_fixes += 1,
                Some(Applicability::Unsafe) => summary.unsafe_fixes += 1,
                Some(Applicability::DisplayOnly) | None => {}
            }
        }
        summary
    }

    pub fn problems(&self) -> usize {
        self.errors + self.warnings + self.infos
    }

    /// How many diagnostics are at or above `severity` (what `--fail-on` compares).
    pub fn at_least(&self, severity: Severity) -> usize {
        match severity {
            Severity::Error => self.errors,
            Severity::Warning => self.errors + self.warnings,
            Severity::Info => self.problems(),
        }
    }
}

/// Render `files` in `format`. `tool_version` goes into SARIF's driver.
pub fn render(
    format: OutputFormat,
    out: &mut dyn Write,
    files: &[FileResult<'_>],
    rules: &RuleIndex<'_>,
    text_options: &text::TextOptions,
    tool_version: &str,
) -> io::Result<()> {
    match format {
        OutputFormat::Text => text::write(out, files, rules, text_options),
        OutputFormat::Json => json::write(out, files, rules),
        OutputFormat::Sarif => sarif::write(out, files, rules, tool_version),
        OutputFormat::Github => github::write(out, files),
        OutputFormat::Gitlab => gitlab::write(out, files, rules),
        OutputFormat::Junit => junit::write(out, files),
    }
}

/// `"1 error"`, `"2 errors"`.
pub(crate) fn plural(count: usize, singular: &str, plural: &str) -> String {
    if count == 1 {
        format!("{count} {singular}")
    } else {
        format!("{count} {plural}")
    }
}

#[cfg(test)]
pub(crate) mod fixtures;
