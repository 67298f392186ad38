//! Source code that calls an Ory Kratos SDK (Go, TypeScript/JavaScript, Python, Java).
//!
//! A source file becomes a `KratosSdkCode` unit only when it imports a Kratos SDK package, so
//! walking a large repository never flags unrelated code. The unit's version is the SDK
//! version: the caller (CLI, LSP) reads it from the nearest package manifest with
//! [`manifest::sdk_version`] and passes it as `LintOptions::manifest_versions[kratos]`;
//! `--current`/`--target kratos=...` and `[current]`/`[target]` in idplint.toml win over it.
//! SDK releases follow the server's numbering (research §1.3), hence the `kratos` key.
//!
//! The renames themselves are data (`rules/kratos/sdk-renames.tsv`); this module matches them
//! against the tokens of [`lexer`], which drops comments and keeps strings opaque.

pub mod lexer;
pub mod manifest;
mod renames;

use crate::rule::NativeRuleFactory;
use crate::source::{CodeLanguage, FileFormat, ParsedFile};
use crate::unit::{CodeUnit, Unit, UnitContent, UnitKind};
use lexer::{Token, TokenKind};

pub fn native_rules() -> Vec<(&'static str, NativeRuleFactory)> {
    renames::native_rules()
}

/// The Go module path of the Kratos SDK (before the `/v25` major-version suffix).
pub const GO_MODULE: &str = "github.com/ory/kratos-client-go";
/// The npm packages of the Kratos SDK (axios and fetch flavours).
pub const NPM_PACKAGES: [&str; 2] = ["@ory/kratos-client", "@ory/kratos-client-fetch"];
/// The Python import name of PyPI `ory-kratos-client`.
pub const PYTHON_MODULE: &str = "ory_kratos_client";

pub fn extract(file: &ParsedFile<'_>, out: &mut Vec<Unit>) {
    let FileFormat::Code(language) = file.format else {
        return;
    };
    if !may_import_sdk(language, file.text) {
        return;
    }
    let tokens = lexer::lex(file.text, language);
    if !imports_sdk(file.text, language, &tokens) {
        return;
    }
    out.push(Unit {
        kind: UnitKind::KratosSdkCode,
        label: format!("Kratos SDK calls in {}", file.file_name()),
        content: UnitContent::Code(CodeUnit { language, tokens }),
        detected_version: None,
        secrets: Vec::new(),
    });
}

/// A cheap test before lexing: `false` when the text cannot import a Kratos SDK (most source
/// files never mention it). The CLI uses it to leave such files out of a run altogether.
pub fn may_import_sdk(language: CodeLanguage, text: &str) -> bool {
    let needle = match language {
        CodeLanguage::Go => GO_MODULE,
        CodeLanguage::TypeScript => "@ory/kratos-client",
        CodeLanguage::Python => PYTHON_MODULE,
        CodeLanguage::Java => "sh.ory.kratos",
    };
    text.contains(needle)
}

/// Whether the tokens (comments already dropped) import a Kratos SDK package.
fn imports_sdk(text: &str, language: CodeLanguage, tokens: &[Token]) -> bool {
    match language {
        CodeLanguage::Go => tokens
            .iter()
            .any(|t| t.kind == TokenKind::Str && is_go_sdk_path(t.string_contents(text))),
        CodeLanguage::TypeScript => tokens.iter().any(|t| {
            t.kind == TokenKind::Str
                && NPM_PACKAGES.iter().any(|package| {
                    let contents = t.string_contents(text);
                    contents == *package
                        || contents
                            .strip_prefix(package)
                            .is_some_and(|rest| rest.starts_with('/'))
                })
        }),
        CodeLanguage::Python => tokens
            .iter()
            .any(|t| t.kind == TokenKind::Ident && t.text(text) == PYTHON_MODULE),
        // `import sh.ory.kratos.client...;` (package `sh.ory.kratos.client`).
        CodeLanguage::Java => tokens.windows(5).any(|w| {
            let words: Vec<&str> = w.iter().map(|t| t.text(text)).collect();
            words == ["sh", ".", "ory", ".", "kratos"]
        }),
    }
}

/// `github.com/ory/kratos-client-go`, optionally with a `/vN` suffix and a sub-package.
pub fn is_go_sdk_path(path: &str) -> bool {
    path.strip_prefix(GO_MODULE)
        .is_some_and(|rest| rest.is_empty() || rest.starts_with('/'))
}
