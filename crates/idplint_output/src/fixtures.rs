//! A small hand-made set of results shared by the renderer tests: a CRLF Kratos file with a
//! Japanese line, a `.env` file with a secret, and a clean file.

use crate::{FileResult, RuleIndex};
use idplint_diagnostics::{Diagnostic, Edit, Fix, Severity, TextRange};
use idplint_linter::{FileReport, Product, RuleMeta};

pub const SECRET: &str = "s3cr3t-Pa55word";

pub const KRATOS: &str =
    "version: v0.10.1\r\ncourier:\r\n  message_ttl: 1h\r\nselfservice:\r\n  表示名: 山田太郎\r\n";
pub const ENV: &str = "KC_DB=postgres\nKC_DB_PASSWORD=s3cr3t-Pa55word\nKC_PROXY=edge\n";

fn range_of(text: &str, needle: &str) -> TextRange {
    let start = text.find(needle).unwrap_or(0);
    TextRange::from_usize(start, start + needle.len())
}

pub struct Fixture {
    pub kratos: FileReport,
    pub env: FileReport,
    pub clean: FileReport,
    pub metas: Vec<RuleMeta>,
}

impl Fixture {
    pub fn new() -> Self {
        let ttl_line = range_of(KRATOS, "  message_ttl: 1h\r\n");
        let kratos = FileReport {
            diagnostics: vec![
                Diagnostic::new(
                    "kratos/courier-block",
                    Severity::Info,
                    "This courier block spans two lines",
                    range_of(KRATOS, "courier:\r\n  message_ttl: 1h"),
                )
                .with_fix(Fix::display_only(
                    "Consider moving the courier settings",
                    vec![Edit::insert(0, "# moved\r\n")],
                )),
                Diagnostic::new(
                    "kratos/courier-message-ttl-removed",
                    Severity::Error,
                    "`courier.message_ttl` was removed in v0.11.0",
                    range_of(KRATOS, "message_ttl"),
                )
                .with_help("Delete the key; retries are set with `courier.message_retries`")
                .with_label(range_of(KRATOS, "v0.10.1"), "current version detected here")
                .with_fix(Fix::safe(
                    "Remove `courier.message_ttl`",
                    vec![Edit::delete(ttl_line)],
                )),
                Diagnostic::new(
                    "kratos/display-name",
                    Severity::Warning,
                    "Quote the display name",
                    range_of(KRATOS, "山田太郎"),
                )
                .with_fix(Fix::unsafe_(
                    "Quote `山田太郎`",
                    vec![Edit::replace(range_of(KRATOS, "山田太郎"), "\"山田太郎\"")],
                )),
            ],
            recognised: true,
            ..FileReport::default()
        };
        let secret = range_of(ENV, SECRET);
        let env =
            FileReport {
                diagnostics: vec![
                Diagnostic::new(
                    "idplint/version-unknown",
                    Severity::Info,
                    "No Keycloak version is known for .env; version-keyed rules were skipped",
                    TextRange::empty(0),
                ),
                Diagnostic::new(
                    "keycloak/literal-secret",
                    Severity::Warning,
                    "KC_DB_PASSWORD holds a literal password",
                    secret,
                )
                // A rule that broke its promise: help and fix content repeat the secret.
                .with_help(format!("Do not write {SECRET} here; use KC_DB_PASSWORD_FILE"))
                .with_fix(Fix::unsafe_(
                    "Read the password from a file",
                    vec![Edit::replace(
                        range_of(ENV, "KC_DB_PASSWORD=s3cr3t-Pa55word"),
                        format!("KC_DB_PASSWORD_FILE=/run/secrets/db # was {SECRET}"),
                    )],
                )),
                Diagnostic::new(
                    "keycloak/proxy-option-removed",
                    Severity::Error,
                    "`KC_PROXY` was removed in Keycloak 26: use KC_PROXY_HEADERS, \"100%\" sure",
                    range_of(ENV, "KC_PROXY=edge"),
                )
                .with_fix(Fix::safe(
                    "Replace with `KC_PROXY_HEADERS=xforwarded`",
                    vec![Edit::replace(
                        range_of(ENV, "KC_PROXY=edge"),
                        "KC_PROXY_HEADERS=xforwarded",
                    )],
                )),
            ],
                secrets: vec![secret],
                recognised: true,
                ..FileReport::default()
            };
        let metas = vec![RuleMeta {
            id: "kratos/courier-message-ttl-removed".to_string(),
            product: Product::Kratos,
            summary: "`courier.message_ttl` was removed".to_string(),
            severity: Severity::Error,
            docs: "Kratos v0.11.0 removed `courier.message_ttl`.".to_string(),
            sources: vec!["https://example.invalid/changelog".to_string()],
            catalog: Vec::new(),
            release: Some("v0.11.0".to_string()),
            fix: Some(idplint_diagnostics::Applicability::Safe),
            examples: Vec::new(),
            defined_in: "rules/kratos/v0.11.0.yaml".to_string(),
            native: false,
        }];
        Self {
            kratos,
            env,
            clean: FileReport {
                recognised: true,
                ..FileReport::default()
            },
            metas,
        }
    }

    pub fn files(&self) -> Vec<FileResult<'_>> {
        vec![
            FileResult {
                path: "deploy/.env",
                text: ENV,
                report: &self.env,
            },
            FileResult {
                path: "deploy/kratos.yml",
                text: KRATOS,
                report: &self.kratos,
            },
            FileResult {
                path: "deploy/ok.yml",
                text: "a: 1\n",
                report: &self.clean,
            },
        ]
    }

    pub fn rules(&self) -> RuleIndex<'_> {
        RuleIndex::new(&self.metas)
    }
}
