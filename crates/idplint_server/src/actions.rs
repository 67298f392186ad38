//! Code actions: each fix as a quick fix, "ignore this rule on this line", and
//! `source.fixAll.idplint` (safe fixes only, through the engine's fix loop).
//!
//! Actions are computed from the server's own lint of the current version rather than from
//! the diagnostics the client echoes back in the request: clients differ in what they echo
//! (Neovim 0.7 sends no `data`), and the server always holds the text the client is showing.

use crate::analysis::{Analysis, DiagnosticFeatures};
use crate::document::Document;
use crate::encoding::Encoding;
use gen_lsp_types as lsp;
use idplint_diagnostics::{Applicability, Diagnostic, Edit, LineIndex, TextRange, apply_edits};
use idplint_linter::Registry;
use idplint_linter::registry::builtin;
use idplint_linter::source::{FileFormat, ParsedFile};
use idplint_syntax::{Node, NodeKind};
use std::collections::HashMap;

pub const FIX_ALL_KIND: &str = "source.fixAll.idplint";

const MARKER: &str = "idplint: ignore[";

/// What the client accepts in a workspace edit.
#[derive(Clone, Copy, Debug, Default)]
pub struct EditFeatures {
    /// `workspace.workspaceEdit.documentChanges`: versioned `TextDocumentEdit`s. Without it
    /// (Neovim 0.7, for one) only the unversioned `changes` map is understood.
    pub document_changes: bool,
}

/// Whether an action of `kind` was asked for by the request's `only` filter (no filter: all).
pub fn wanted(only: Option<&[lsp::CodeActionKind]>, kind: &str) -> bool {
    let Some(only) = only else {
        return true;
    };
    only.iter().any(|requested| {
        let requested = kind_str(requested);
        kind == requested
            || kind
                .strip_prefix(requested.as_str())
                .is_some_and(|rest| rest.starts_with('.'))
    })
}

fn kind_str(kind: &lsp::CodeActionKind) -> String {
    serde_json::to_value(kind)
        .ok()
        .and_then(|v| v.as_str().map(str::to_string))
        .unwrap_or_default()
}

/// Quick fixes for the diagnostics that touch `range`: the rule's fix (safe and unsafe ones;
/// display-only fixes are never applied) and an "ignore on this line" comment.
pub fn quick_fixes(
    registry: &Registry,
    document: &Document,
    analysis: &Analysis,
    range: TextRange,
    encoding: Encoding,
    features: EditFeatures,
) -> Vec<lsp::CodeAction> {
    let mut actions = Vec::new();
    let mut ignores = Vec::new();
    for diagnostic in analysis.diagnostics_touching(range) {
        let lsp_diagnostic = crate::analysis::to_lsp_one(
            document,
            analysis,
            diagnostic,
            encoding,
            DiagnosticFeatures::default(),
            registry,
        );
        if let Some(fix) = &diagnostic.fix
            && fix.applicability > Applicability::DisplayOnly
            && !fix.edits.is_empty()
            && apply_edits(&document.text, &fix.edits).is_some()
        {
            let message = analysis.redactor.redact(&fix.message);
            let title = match fix.applicability {
                Applicability::Safe => message,
                _ => format!("{message} (unsafe: review the change)"),
            };
            actions.push(lsp::CodeAction {
                title,
                kind: Some(lsp::CodeActionKind::QuickFix),
                diagnostics: Some(vec![lsp_diagnostic.clone()]),
                is_preferred: Some(fix.applicability == Applicability::Safe),
                edit: Some(workspace_edit(document, &fix.edits, encoding, features)),
                ..lsp::CodeAction::default()
            });
        }
        if let Some(edit) = ignore_edit(registry, document, analysis, diagnostic)
            && !ignores.iter().any(|(code, line): &(String, usize)| {
                *code == diagnostic.code && *line == line_of(document, diagnostic)
            })
        {
            ignores.push((diagnostic.code.clone(), line_of(document, diagnostic)));
            actions.push(lsp::CodeAction {
                title: format!("Ignore `{}` on this line", diagnostic.code),
                kind: Some(lsp::CodeActionKind::QuickFix),
                diagnostics: Some(vec![lsp_diagnostic]),
                is_preferred: Some(false),
                edit: Some(workspace_edit(
                    document,
                    std::slice::from_ref(&edit),
                    encoding,
                    features,
                )),
                ..lsp::CodeAction::default()
            });
        }
    }
    actions
}

fn line_of(document: &Document, diagnostic: &Diagnostic) -> usize {
    document.index.line_of(diagnostic.range.start)
}

/// `source.fixAll.idplint`: every safe fix, applied by the engine's fix loop (so fixes that
/// unlock other fixes are followed and the result is verified), as one edit. `None` when there
/// is nothing to fix or the loop refused its result.
pub fn fix_all(
    registry: &Registry,
    document: &Document,
    analysis: &Analysis,
    encoding: Encoding,
    features: EditFeatures,
) -> Option<lsp::CodeAction> {
    // Cheap check first: clients ask for source actions on every cursor move.
    let any_safe = analysis.report.diagnostics.iter().any(|d| {
        d.fix
            .as_ref()
            .is_some_and(|f| f.applicability == Applicability::Safe && !f.edits.is_empty())
    });
    if !any_safe || analysis.report.parse_failed {
        return None;
    }
    let fixed = idplint_linter::fix(
        registry,
        &document.lint_path,
        &document.text,
        &analysis.options,
        Applicability::Safe,
    );
    let new_text = fixed.fixed?;
    let edit = minimal_edit(&document.text, &new_text);
    Some(lsp::CodeAction {
        title: "idplint: fix all safe problems".to_string(),
        kind: Some(lsp::CodeActionKind::Custom(FIX_ALL_KIND.into())),
        edit: Some(workspace_edit(document, &[edit], encoding, features)),
        ..lsp::CodeAction::default()
    })
}

/// One edit that turns `old` into `new`: the changed middle between their common prefix and
/// suffix, on character boundaries. Keeps the client's cursor and undo history calm compared
/// with replacing the whole document.
pub fn minimal_edit(old: &str, new: &str) -> Edit {
    let mut prefix = old
        .bytes()
        .zip(new.bytes())
        .take_while(|(a, b)| a == b)
        .count();
    while prefix > 0 && !(old.is_char_boundary(prefix) && new.is_char_boundary(prefix)) {
        prefix -= 1;
    }
    let max_suffix = old.len().min(new.len()) - prefix;
    let mut suffix = old
        .bytes()
        .rev()
        .zip(new.bytes().rev())
        .take(max_suffix)
        .take_while(|(a, b)| a == b)
        .count();
    while suffix > 0
        && !(old.is_char_boundary(old.len() - suffix) && new.is_char_boundary(new.len() - suffix))
    {
        suffix -= 1;
    }
    Edit::replace(
        TextRange::from_usize(prefix, old.len() - suffix),
        &new[prefix..new.len() - suffix],
    )
}

/// A workspace edit of `document`, versioned when the client supports it so a stale action
/// is refused by the client instead of corrupting newer text.
pub fn workspace_edit(
    document: &Document,
    edits: &[Edit],
    encoding: Encoding,
    features: EditFeatures,
) -> lsp::WorkspaceEdit {
    let positions = document.positions(encoding);
    let text_edits: Vec<lsp::TextEdit> = edits
        .iter()
        .map(|edit| lsp::TextEdit {
            range: positions.range(edit.range),
            new_text: edit.content.clone(),
        })
        .collect();
    if features.document_changes {
        lsp::WorkspaceEdit {
            document_changes: Some(vec![lsp::DocumentChange::TextDocumentEdit(
                lsp::TextDocumentEdit {
                    text_document: lsp::OptionalVersionedTextDocumentIdentifier {
                        version: Some(document.version),
                        text_document_identifier: lsp::TextDocumentIdentifier {
                            uri: document.uri.clone().into(),
                        },
                    },
                    edits: text_edits.into_iter().map(lsp::Edit::TextEdit).collect(),
                },
            )]),
            ..lsp::WorkspaceEdit::default()
        }
    } else {
        lsp::WorkspaceEdit {
            changes: Some(HashMap::from([(document.uri.clone().into(), text_edits)])),
            ..lsp::WorkspaceEdit::default()
        }
    }
}

/// The edit that suppresses `diagnostic` on its line, verified by linting the result: it must
/// still parse and no longer report the diagnostic. `None` for JSON (no comments), for the
/// tool's own diagnostics, and wherever a comment line would land inside a string.
fn ignore_edit(
    registry: &Registry,
    document: &Document,
    analysis: &Analysis,
    diagnostic: &Diagnostic,
) -> Option<Edit> {
    if matches!(
        diagnostic.code.as_str(),
        builtin::PARSE_ERROR | builtin::UNUSED_SUPPRESSION | builtin::FILE_TOO_LARGE
    ) {
        return None;
    }
    let format = analysis.format?;
    let edit = suppression_edit(&document.text, &document.index, format, diagnostic)?;
    if edit.range.is_empty() && inside_string(document, format, edit.range.start) {
        return None;
    }
    let text = apply_edits(&document.text, std::slice::from_ref(&edit))?;
    let after = idplint_linter::lint_as(
        registry,
        &document.lint_path,
        &text,
        format,
        &analysis.options,
    );
    let new_index = LineIndex::new(&text);
    let shifted_line = {
        let line = document.index.line_of(diagnostic.range.start);
        if edit.content.ends_with('\n') {
            line + 1
        } else {
            line
        }
    };
    let still_reported = after
        .diagnostics
        .iter()
        .any(|d| d.code == diagnostic.code && new_index.line_of(d.range.start) == shifted_line);
    (!after.parse_failed && !still_reported).then_some(edit)
}

/// Add `code` to a suppression already on the line (trailing) or directly above it (own
/// line), or insert a new own-line comment above, indented like the flagged line.
pub fn suppression_edit(
    text: &str,
    index: &LineIndex,
    format: FileFormat,
    diagnostic: &Diagnostic,
) -> Option<Edit> {
    let opener = format.comment_marker()?;
    let line = index.line_of(diagnostic.range.start);
    let line_range = index.line_range(line, text);
    let line_text = line_range.slice(text)?;
    if let Some(edit) = extend_list(line_text, line_range.start, opener, &diagnostic.code) {
        return Some(edit);
    }
    if line > 0 {
        let above = index.line_range(line - 1, text);
        let above_text = above.slice(text)?;
        if above_text.trim_start().starts_with(opener)
            && let Some(edit) = extend_list(above_text, above.start, opener, &diagnostic.code)
        {
            return Some(edit);
        }
        // A `.properties` value continued from the line above: a comment line in between
        // would cut the value in two.
        if format == FileFormat::Properties {
            let trailing = above_text.len() - above_text.trim_end_matches('\\').len();
            if trailing % 2 == 1 {
                return None;
            }
        }
    }
    let indent: String = line_text
        .chars()
        .take_while(|c| *c == ' ' || *c == '\t')
        .collect();
    let full = index.full_line_range(line);
    let newline = match full.slice(text) {
        Some(l) if l.ends_with("\r\n") => "\r\n",
        _ => "\n",
    };
    let comment = if format == FileFormat::Xml {
        format!("<!-- idplint: ignore[{}] -->", diagnostic.code)
    } else {
        format!("{opener} idplint: ignore[{}]", diagnostic.code)
    };
    Some(Edit::insert(
        line_range.start,
        format!("{indent}{comment}{newline}"),
    ))
}

/// `, code` before the `]` of an `idplint: ignore[...]` list on this line, when the list sits
/// in a comment (only whitespace between the comment opener and the marker).
fn extend_list(line_text: &str, line_start: u32, opener: &str, code: &str) -> Option<Edit> {
    let marker_at = line_text.find(MARKER)?;
    let before = &line_text[..marker_at];
    let opener_at = before.rfind(opener)?;
    if !before[opener_at + opener.len()..].trim().is_empty() {
        return None;
    }
    let list_start = marker_at + MARKER.len();
    let close = list_start + line_text[list_start..].find(']')?;
    let list = &line_text[list_start..close];
    if list.split(',').any(|c| c.trim() == code) {
        return None;
    }
    let insert = if list.trim().is_empty() {
        code.to_string()
    } else {
        format!(", {code}")
    };
    let at = u32::try_from(close).ok()? + line_start;
    Some(Edit::insert(at, insert))
}

/// Whether a new line inserted at `offset` would land inside a YAML scalar (a `command: >`
/// block, a multi-line quoted string) rather than between entries. Block scalars under keys
/// named like config files (`kratos.yml: |` in a ConfigMap) hold embedded YAML, where a
/// comment line is a comment, so they are fine.
fn inside_string(document: &Document, format: FileFormat, offset: u32) -> bool {
    if format != FileFormat::Yaml {
        return false;
    }
    let Ok(parsed) = ParsedFile::parse(&document.lint_path, &document.text, format) else {
        return true;
    };
    let Some(tree) = parsed.tree() else {
        return false;
    };
    let mut inside = false;
    for root in &tree.roots {
        visit(root, None, offset, &mut inside);
    }
    inside
}

fn visit(node: &Node, key: Option<&str>, offset: u32, inside: &mut bool) {
    match &node.kind {
        NodeKind::Mapping(entries) => {
            for entry in entries {
                visit(&entry.value, Some(entry.key_str()), offset, inside);
            }
        }
        NodeKind::Sequence(items) => {
            for item in items {
                visit(item, None, offset, inside);
            }
        }
        NodeKind::Scalar(_) => {
            if node.range.start < offset && offset < node.range.end {
                let embedded = key.is_some_and(|k| {
                    let k = k.to_ascii_lowercase();
                    k.ends_with(".yml") || k.ends_with(".yaml")
                });
                if !embedded {
                    *inside = true;
                }
            }
        }
        NodeKind::Alias { .. } => {}
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use idplint_diagnostics::Severity;

    fn diag_at(text: &str, needle: &str) -> Diagnostic {
        let start = text.find(needle).unwrap();
        Diagnostic::new(
            "kratos/x",
            Severity::Error,
            "m",
            TextRange::from_usize(start, start + needle.len()),
        )
    }

    fn suppress(text: &str, format: FileFormat, needle: &str) -> Option<String> {
        let index = LineIndex::new(text);
        let edit = suppression_edit(text, &index, format, &diag_at(text, needle))?;
        apply_edits(text, &[edit])
    }

    #[test]
    fn inserts_indented_comment_above() {
        assert_eq!(
            suppress("a:\n  b: 1\r\n", FileFormat::Yaml, "b: 1").unwrap(),
            "a:\n  # idplint: ignore[kratos/x]\r\n  b: 1\r\n"
        );
        assert_eq!(
            suppress("<a>\n\t<b/>\n</a>\n", FileFormat::Xml, "<b/>").unwrap(),
            "<a>\n\t<!-- idplint: ignore[kratos/x] -->\n\t<b/>\n</a>\n"
        );
        assert_eq!(suppress("{\"a\": 1}", FileFormat::Json, "\"a\""), None);
        let go = FileFormat::Code(idplint_linter::source::CodeLanguage::Go);
        assert_eq!(
            suppress("func f() {\n\tc.X()\n}\n", go, "c.X").unwrap(),
            "func f() {\n\t// idplint: ignore[kratos/x]\n\tc.X()\n}\n"
        );
    }

    #[test]
    fn extends_existing_lists() {
        assert_eq!(
            suppress(
                "b: 1 # idplint: ignore[kratos/y]\n",
                FileFormat::Yaml,
                "b: 1"
            )
            .unwrap(),
            "b: 1 # idplint: ignore[kratos/y, kratos/x]\n"
        );
        assert_eq!(
            suppress(
                "# idplint: ignore[kratos/y]\nb: 1\n",
                FileFormat::Yaml,
                "b: 1"
            )
            .unwrap(),
            "# idplint: ignore[kratos/y, kratos/x]\nb: 1\n"
        );
        assert_eq!(
            suppress("a=1 \\\nKC_B=2\n", FileFormat::Properties, "KC_B"),
            None
        );
    }

    #[test]
    fn minimal_edits_respect_characters() {
        let edit = minimal_edit("a: 日本\nb: 1\n", "a: 日語\nb: 1\n");
        assert_eq!(
            apply_edits("a: 日本\nb: 1\n", std::slice::from_ref(&edit)).unwrap(),
            "a: 日語\nb: 1\n"
        );
        assert_eq!(edit.content, "語");
        let edit = minimal_edit("aaa", "aa");
        assert_eq!(apply_edits("aaa", &[edit]).unwrap(), "aa");
    }

    #[test]
    fn only_filter() {
        let quick = [lsp::CodeActionKind::QuickFix];
        assert!(wanted(Some(&quick), "quickfix"));
        assert!(!wanted(Some(&quick), FIX_ALL_KIND));
        let source = [lsp::CodeActionKind::Source];
        assert!(wanted(Some(&source), FIX_ALL_KIND));
        let fix_all = [lsp::CodeActionKind::SourceFixAll];
        assert!(wanted(Some(&fix_all), FIX_ALL_KIND));
        assert!(wanted(None, FIX_ALL_KIND));
    }
}
