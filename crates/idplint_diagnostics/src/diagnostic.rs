use crate::{Fix, TextRange};
use serde::Serialize;

/// How bad a finding is. Ordered so that `Error > Warning > Info` (for `--fail-on`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Info,
    Warning,
    Error,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        match text.to_ascii_lowercase().as_str() {
            "info" | "information" | "note" => Some(Severity::Info),
            "warning" | "warn" => Some(Severity::Warning),
            "error" => Some(Severity::Error),
            _ => None,
        }
    }
}

/// Extra meaning an editor can show (maps 1:1 onto LSP diagnostic tags).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Tag {
    /// The key or option still works but is on its way out (editors strike it through).
    Deprecated,
    /// The key or option has no effect (editors fade it).
    Unnecessary,
}

/// A secondary location that explains the primary one ("the port is set here").
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Label {
    pub range: TextRange,
    pub message: String,
}

/// One finding in one file, in that file's byte coordinates.
///
/// Messages must never contain a secret value: rules refer to secrets by key and location only.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Diagnostic {
    /// `<product>/<kebab-name>`, e.g. `kratos/courier-message-ttl-removed`.
    pub code: String,
    pub severity: Severity,
    pub message: String,
    pub range: TextRange,
    pub labels: Vec<Label>,
    pub help: Option<String>,
    pub fix: Option<Fix>,
    pub tags: Vec<Tag>,
}

impl Diagnostic {
    pub fn new(
        code: impl Into<String>,
        severity: Severity,
        message: impl Into<String>,
        range: TextRange,
    ) -> Self {
        Self {
            code: code.into(),
            severity,
            message: message.into(),
            range,
            labels: Vec::new(),
            help: None,
            fix: None,
            tags: Vec::new(),
        }
    }

    /// Another severity than the rule's default, for the findings of a rule that are worse
    /// (or milder) than its usual one.
    pub fn with_severity(mut self, severity: Severity) -> Self {
        self.severity = severity;
        self
    }

    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    pub fn with_fix(mut self, fix: Fix) -> Self {
        self.fix = Some(fix);
        self
    }

    pub fn with_fix_opt(mut self, fix: Option<Fix>) -> Self {
        self.fix = fix;
        self
    }

    pub fn with_label(mut self, range: TextRange, message: impl Into<String>) -> Self {
        self.labels.push(Label {
            range,
            message: message.into(),
        });
        self
    }

    pub fn with_tag(mut self, tag: Tag) -> Self {
        self.tags.push(tag);
        self
    }
}
