//! Open documents: the client's text (not the file on disk), its version, and the name the
//! engine sees it under.

use crate::encoding::{Encoding, Positions};
use crate::uri;
use gen_lsp_types::TextDocumentContentChangeEvent;
use idplint_diagnostics::LineIndex;
use std::path::PathBuf;

#[derive(Clone, Debug)]
pub struct Document {
    pub uri: String,
    pub version: i32,
    pub language_id: String,
    pub text: String,
    pub index: LineIndex,
    /// The file behind the document, for `file:` URIs.
    pub path: Option<PathBuf>,
    /// What the engine is told the file is called: it decides the format (`.yml`, `.env`, ...).
    pub lint_path: String,
    /// The file as committed at git `HEAD`, read when the document is opened, for diff rules
    /// (`serverless/apikey-replacement`); `None` for files no product compares, files outside
    /// a repository and new files.
    pub base: Option<String>,
}

impl Document {
    pub fn new(uri: String, language_id: String, version: i32, text: String) -> Self {
        let path = uri::to_path(&uri);
        let lint_path = lint_path(&uri, path.as_ref(), &language_id);
        let index = LineIndex::new(&text);
        Self {
            uri,
            version,
            language_id,
            text,
            index,
            path,
            lint_path,
            base: None,
        }
    }

    pub fn positions(&self, encoding: Encoding) -> Positions<'_> {
        Positions::new(&self.text, &self.index, encoding)
    }

    /// Apply `didChange` content changes in order. Each range refers to the text as left by
    /// the previous change, so the line index is rebuilt after every partial change.
    pub fn apply_changes(
        &mut self,
        version: i32,
        changes: Vec<TextDocumentContentChangeEvent>,
        encoding: Encoding,
    ) {
        for change in changes {
            match change {
                TextDocumentContentChangeEvent::TextDocumentContentChangeWholeDocument(whole) => {
                    self.text = whole.text;
                }
                TextDocumentContentChangeEvent::TextDocumentContentChangePartial(partial) => {
                    let range = self.positions(encoding).text_range(partial.range);
                    self.text.replace_range(range.as_usize(), &partial.text);
                }
            }
            self.index = LineIndex::new(&self.text);
        }
        self.version = version;
    }
}

/// The name to lint a document under: its file path when it has one; otherwise the URI's last
/// segment, or a name made from the language id when that segment says nothing about the
/// format (`untitled:Untitled-1` in a YAML buffer lints as YAML).
fn lint_path(uri: &str, path: Option<&PathBuf>, language_id: &str) -> String {
    if let Some(path) = path {
        return path.to_string_lossy().into_owned();
    }
    let name = uri::file_name(uri);
    if idplint_linter::source::sniff_format(&name, "").is_some() {
        return name;
    }
    let extension = match language_id.to_ascii_lowercase().as_str() {
        "yaml" | "yml" | "docker-compose" | "dockercompose" | "helm" => ".yaml",
        "json" | "jsonc" => ".json",
        "xml" => ".xml",
        "properties" | "java-properties" | "ini" => ".properties",
        "dotenv" | "env" | "sh" | "shellscript" => ".env",
        "dockerfile" | "containerfile" => ".dockerfile",
        _ => "",
    };
    format!("{name}{extension}")
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use gen_lsp_types::{
        Position, Range, TextDocumentContentChangePartial, TextDocumentContentChangeWholeDocument,
    };

    #[allow(deprecated)]
    fn partial(start: (u32, u32), end: (u32, u32), text: &str) -> TextDocumentContentChangeEvent {
        TextDocumentContentChangeEvent::TextDocumentContentChangePartial(
            TextDocumentContentChangePartial {
                range: Range {
                    start: Position {
                        line: start.0,
                        character: start.1,
                    },
                    end: Position {
                        line: end.0,
                        character: end.1,
                    },
                },
                range_length: None,
                text: text.to_string(),
            },
        )
    }

    #[test]
    fn incremental_changes_in_utf16() {
        let mut doc = Document::new(
            "file:///w/kratos.yml".into(),
            "yaml".into(),
            1,
            "# 日本語\nkey: 1\n".into(),
        );
        // Replace `語` (UTF-16 column 4..5 on line 0), then insert on line 1.
        doc.apply_changes(
            2,
            vec![partial((0, 4), (0, 5), "go"), partial((1, 5), (1, 6), "22")],
            Encoding::Utf16,
        );
        assert_eq!(doc.text, "# 日本go\nkey: 22\n");
        assert_eq!(doc.version, 2);
        doc.apply_changes(
            3,
            vec![
                TextDocumentContentChangeEvent::TextDocumentContentChangeWholeDocument(
                    TextDocumentContentChangeWholeDocument {
                        text: "a: 1\n".into(),
                    },
                ),
                partial((1, 0), (1, 0), "b: 2\n"),
            ],
            Encoding::Utf8,
        );
        assert_eq!(doc.text, "a: 1\nb: 2\n");
    }

    #[test]
    fn names_untitled_documents_by_language() {
        let doc = Document::new(
            "untitled:Untitled-1".into(),
            "yaml".into(),
            1,
            String::new(),
        );
        assert_eq!(doc.lint_path, "Untitled-1.yaml");
        assert!(doc.path.is_none());
        let doc = Document::new("untitled:.env".into(), "plaintext".into(), 1, String::new());
        assert_eq!(doc.lint_path, ".env");
        let doc = Document::new(
            "untitled:Untitled-2".into(),
            "dockerfile".into(),
            1,
            String::new(),
        );
        assert_eq!(doc.lint_path, "Untitled-2.dockerfile");
        let doc = Document::new(
            "file:///srv/app/Containerfile".into(),
            "dockerfile".into(),
            1,
            String::new(),
        );
        assert!(doc.lint_path.ends_with("Containerfile"));
    }
}
