//! Inline suppressions: `# idplint: ignore[rule-id, ...]` (YAML, .env, .conf, .properties) and
//! `<!-- idplint: ignore[rule-id] -->` (XML), on the flagged line or on a line of its own
//! directly above it. A suppression that suppresses nothing is reported.

use crate::registry::builtin::UNUSED_SUPPRESSION;
use crate::source::FileFormat;
use idplint_diagnostics::{Diagnostic, Edit, Fix, LineIndex, Severity, TextRange};

const MARKER: &str = "idplint: ignore[";

#[derive(Debug)]
struct Suppression {
    /// 0-based line the suppression applies to.
    target_line: usize,
    codes: Vec<(String, TextRange)>,
    /// The whole comment (for the unused report and its fix).
    comment_range: TextRange,
    /// What to delete to remove the comment (the whole line for an own-line comment).
    removal_range: TextRange,
}

/// Drop diagnostics covered by a suppression; add `idplint/unused-suppression` for each
/// suppressed code that matched nothing.
pub fn apply(
    text: &str,
    format: FileFormat,
    index: &LineIndex,
    diagnostics: Vec<Diagnostic>,
    report_unused: bool,
) -> Vec<Diagnostic> {
    let Some(comment_marker) = format.comment_marker() else {
        return diagnostics;
    };
    let suppressions = scan(text, comment_marker, index);
    if suppressions.is_empty() {
        return diagnostics;
    }
    let mut used = vec![vec![false; 0]; suppressions.len()];
    for (i, s) in suppressions.iter().enumerate() {
        used[i] = vec![false; s.codes.len()];
    }
    let mut kept = Vec::with_capacity(diagnostics.len());
    for diagnostic in diagnostics {
        let line = index.line_of(diagnostic.range.start);
        let mut suppressed = false;
        for (i, s) in suppressions.iter().enumerate() {
            if s.target_line != line {
                continue;
            }
            for (j, (code, _)) in s.codes.iter().enumerate() {
                if crate::options::matches_selector(code, &diagnostic.code) {
                    used[i][j] = true;
                    suppressed = true;
                }
            }
        }
        if !suppressed {
            kept.push(diagnostic);
        }
    }
    if report_unused {
        for (i, s) in suppressions.iter().enumerate() {
            let unused: Vec<&(String, TextRange)> = s
                .codes
                .iter()
                .zip(&used[i])
                .filter(|(_, used)| !**used)
                .map(|(c, _)| c)
                .collect();
            if unused.is_empty() {
                continue;
            }
            let names: Vec<&str> = unused.iter().map(|(c, _)| c.as_str()).collect();
            let range = unused
                .iter()
                .map(|(_, r)| *r)
                .reduce(|a, b| a.cover(b))
                .unwrap_or(s.comment_range);
            let mut diagnostic = Diagnostic::new(
                UNUSED_SUPPRESSION,
                Severity::Warning,
                format!(
                    "Unused suppression: nothing here is reported as {}",
                    names.join(", ")
                ),
                range,
            )
            .with_help("Remove the suppression, or fix the rule id it names.");
            if unused.len() == s.codes.len() {
                diagnostic = diagnostic.with_fix(Fix::safe(
                    "Remove the unused suppression comment",
                    vec![Edit::delete(s.removal_range)],
                ));
            }
            kept.push(diagnostic);
        }
    }
    kept
}

fn scan(text: &str, comment_marker: &str, index: &LineIndex) -> Vec<Suppression> {
    let mut out = Vec::new();
    if !text.contains(MARKER) {
        return out;
    }
    for line in 0..index.line_count() {
        let range = index.line_range(line, text);
        let Some(line_text) = range.slice(text) else {
            continue;
        };
        let Some(marker_at) = line_text.find(MARKER) else {
            continue;
        };
        // The marker must sit inside a comment: a comment opener before it, with only
        // whitespace between.
        let before = &line_text[..marker_at];
        let Some(opener_at) = before.rfind(comment_marker) else {
            continue;
        };
        if !before[opener_at + comment_marker.len()..].trim().is_empty() {
            continue;
        }
        let list_start = marker_at + MARKER.len();
        let Some(list_len) = line_text[list_start..].find(']') else {
            continue;
        };
        let mut codes = Vec::new();
        let mut offset = list_start;
        for part in line_text[list_start..list_start + list_len].split(',') {
            let trimmed = part.trim();
            if !trimmed.is_empty() {
                let lead = part.len() - part.trim_start().len();
                let start = range.start as usize + offset + lead;
                codes.push((
                    trimmed.to_string(),
                    TextRange::from_usize(start, start + trimmed.len()),
                ));
            }
            offset += part.len() + 1;
        }
        let mut comment_end = list_start + list_len + 1;
        if comment_marker == "<!--"
            && let Some(close) = line_text[comment_end..].find("-->")
        {
            comment_end += close + 3;
        }
        let comment_range = TextRange::from_usize(
            range.start as usize + opener_at,
            range.start as usize + comment_end,
        );
        let own_line = before[..opener_at].trim().is_empty();
        let (target_line, removal_range) = if own_line {
            // Applies to the next line that is not itself a comment.
            let mut next = line + 1;
            while next < index.line_count() {
                let t = index
                    .line_range(next, text)
                    .slice(text)
                    .unwrap_or("")
                    .trim_start();
                if !t.starts_with(comment_marker) {
                    break;
                }
                next += 1;
            }
            (next, index.full_line_range(line))
        } else {
            // Trailing: remove the comment and the whitespace before it.
            let ws = before[..opener_at].len() - before[..opener_at].trim_end().len();
            (
                line,
                TextRange::new(comment_range.start - ws as u32, comment_range.end),
            )
        };
        if !codes.is_empty() {
            out.push(Suppression {
                target_line,
                codes,
                comment_range,
                removal_range,
            });
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn diag(code: &str, text: &str, needle: &str) -> Diagnostic {
        let start = text.find(needle).unwrap_or(0);
        Diagnostic::new(
            code,
            Severity::Error,
            "m",
            TextRange::from_usize(start, start + needle.len()),
        )
    }

    #[test]
    fn own_line_and_trailing() {
        let text =
            "# idplint: ignore[kratos/a]\na: 1\nb: 2 # idplint: ignore[kratos/b, kratos/c]\n";
        let index = LineIndex::new(text);
        let out = apply(
            text,
            FileFormat::Yaml,
            &index,
            vec![
                diag("kratos/a", text, "a: 1"),
                diag("kratos/b", text, "b: 2"),
            ],
            true,
        );
        assert_eq!(out.len(), 1);
        assert_eq!(out[0].code, UNUSED_SUPPRESSION);
        assert!(out[0].message.contains("kratos/c"));
        assert!(
            out[0].fix.is_none(),
            "partially used comment is not deleted"
        );
    }

    #[test]
    fn unused_comment_removed_by_fix() {
        let text = "a: 1\n# idplint: ignore[kratos/x]\nb: 2\n";
        let index = LineIndex::new(text);
        let out = apply(text, FileFormat::Yaml, &index, vec![], true);
        assert_eq!(out.len(), 1);
        let fix = out[0]
            .fix
            .as_ref()
            .map(|f| f.edits.clone())
            .unwrap_or_default();
        assert_eq!(
            idplint_diagnostics::apply_edits(text, &fix).as_deref(),
            Some("a: 1\nb: 2\n")
        );
    }
}
