//! The human format: a header line per finding, the source lines with carets, help and fix
//! notes, and a summary.
//!
//! ```text
//! deploy/kratos.yml:3:5: error[kratos/courier-message-ttl-removed] `courier.message_ttl` was removed
//!   |
//! 3 |     message_ttl: 1h
//!   |     ^^^^^^^^^^^
//!   |
//!   = help: Delete the key; retries are now configured with `courier.message_retries`
//!   = [*] fixable: Remove `courier.message_ttl`
//! ```
//!
//! Everything taken from the linted file is made safe for a terminal: secret values become
//! `****`, control characters (an ESC in a config file could otherwise drive the terminal)
//! become visible control pictures, and bidirectional overrides are neutralised.

use crate::color::Palette;
use crate::position::Positions;
use crate::redact::Redactor;
use crate::{FileResult, Summary, plural};
use idplint_diagnostics::{Applicability, Diagnostic, REDACTED, TextRange};
use std::collections::BTreeMap;
use std::io::{self, Write};
use unicode_width::UnicodeWidthChar;

/// Lines longer than this (in bytes) are cut to a window around the annotation, so one
/// minified JSON line cannot flood the terminal.
const MAX_LINE_BYTES: u32 = 240;
/// How much of a long line to keep before the annotation.
const WINDOW_LEAD_BYTES: u32 = 80;
/// A multi-line range shows at most this many lines; longer ones show their first and last two.
const MAX_RANGE_LINES: usize = 5;
const TAB: &str = "    ";

#[derive(Clone, Copy, Debug, Default)]
pub struct TextOptions {
    /// Emit ANSI colour codes.
    pub color: bool,
    /// Print the "Found N problems" summary after the findings.
    pub summary: bool,
    /// Whether plain `idplint fix` applies unsafe fixes in this run (`--unsafe-fixes` or
    /// `unsafe-fixes = true`); changes the fix notes and the summary's advice.
    pub unsafe_fixes: bool,
}

/// Write every diagnostic of `files`, then (optionally) the summary.
pub fn write(
    out: &mut dyn Write,
    files: &[FileResult<'_>],
    _rules: &crate::RuleIndex<'_>,
    options: &TextOptions,
) -> io::Result<()> {
    let palette = Palette::new(options.color);
    for file in files {
        if file.report.diagnostics.is_empty() {
            continue;
        }
        let source = Source::new(file);
        for diagnostic in &file.report.diagnostics {
            write_diagnostic(out, file.path, &source, diagnostic, &palette, options)?;
            writeln!(out)?;
        }
    }
    if options.summary {
        write_summary(out, &Summary::of(files), options)?;
    }
    Ok(())
}

/// The summary lines alone (the CLI prints them after `fix`, too).
pub fn write_summary(
    out: &mut dyn Write,
    summary: &Summary,
    options: &TextOptions,
) -> io::Result<()> {
    let palette = Palette::new(options.color);
    let Palette { bold, reset, .. } = palette;
    if summary.problems() == 0 {
        return writeln!(
            out,
            "{bold}No problems found{reset} in {}.",
            plural(summary.files, "file", "files")
        );
    }
    let mut counts = vec![
        plural(summary.errors, "error", "errors"),
        plural(summary.warnings, "warning", "warnings"),
    ];
    if summary.infos > 0 {
        counts.push(plural(summary.infos, "info", "infos"));
    }
    writeln!(
        out,
        "{bold}Found {}{reset} ({}) in {}.",
        plural(summary.problems(), "problem", "problems"),
        counts.join(", "),
        plural(summary.files, "file", "files"),
    )?;
    let (fixable, more) = if options.unsafe_fixes {
        (summary.safe_fixes + summary.unsafe_fixes, 0)
    } else {
        (summary.safe_fixes, summary.unsafe_fixes)
    };
    match (fixable, more) {
        (0, 0) => Ok(()),
        (0, more) => writeln!(
            out,
            "{more} fixable with `idplint fix --unsafe-fixes` (review those changes)."
        ),
        (fixable, 0) => writeln!(
            out,
            "{}[*]{reset} {fixable} fixable with `idplint fix`.",
            palette.safe
        ),
        (fixable, more) => writeln!(
            out,
            "{}[*]{reset} {fixable} fixable with `idplint fix`, {more} more with `idplint fix --unsafe-fixes`.",
            palette.safe
        ),
    }
}

/// What the snippets of one file are drawn from.
struct Source<'a> {
    positions: Positions<'a>,
    /// Secret ranges, sorted.
    secrets: Vec<TextRange>,
    redactor: Redactor,
    /// A file that failed to parse has no known secret ranges, so snippet lines whose key
    /// looks like a credential are masked by name instead.
    guess_secrets: bool,
}

impl<'a> Source<'a> {
    fn new(file: &FileResult<'a>) -> Self {
        let mut secrets = file.report.secrets.clone();
        secrets.sort();
        Self {
            positions: Positions::new(file.text),
            secrets,
            redactor: Redactor::new(file.text, &file.report.secrets),
            guess_secrets: file.report.parse_failed,
        }
    }

    fn text(&self) -> &'a str {
        self.positions.text()
    }
}

/// One annotation under a source line.
struct Mark {
    range: TextRange,
    primary: bool,
    label: Option<String>,
}

fn write_diagnostic(
    out: &mut dyn Write,
    path: &str,
    source: &Source<'_>,
    diagnostic: &Diagnostic,
    palette: &Palette,
    options: &TextOptions,
) -> io::Result<()> {
    let Palette { bold, reset, .. } = *palette;
    let start = source.positions.line_col(diagnostic.range.start);
    let severity_style = palette.severity(diagnostic.severity);
    writeln!(
        out,
        "{bold}{}:{}:{}:{reset} {severity_style}{}{reset}{bold}[{}]{reset} {}",
        sanitize_inline(path),
        start.row,
        start.column,
        diagnostic.severity.as_str(),
        sanitize_inline(&diagnostic.code),
        sanitize_inline(&source.redactor.redact(&diagnostic.message)),
    )?;
    let notes = notes(source, diagnostic, options);
    let gutter_width = write_snippet(out, source, diagnostic, palette)?;
    if let Some(width) = gutter_width
        && !notes.is_empty()
    {
        writeln!(out, "{}{:width$} |{reset}", palette.gutter, "")?;
    }
    let indent = gutter_width.unwrap_or(1);
    for (kind, style, text) in notes {
        let mut lines = text.lines();
        let first = lines.next().unwrap_or("");
        writeln!(
            out,
            "{}{:indent$} ={reset} {style}{kind}{reset} {first}",
            palette.gutter, ""
        )?;
        for line in lines {
            writeln!(out, "{:indent$}   {line}", "")?;
        }
    }
    Ok(())
}

/// `(kind, style, text)` of each note under the snippet: help, then the fix.
fn notes(
    source: &Source<'_>,
    diagnostic: &Diagnostic,
    options: &TextOptions,
) -> Vec<(&'static str, &'static str, String)> {
    let palette = Palette::new(options.color);
    let mut notes = Vec::new();
    if let Some(help) = &diagnostic.help {
        notes.push((
            "help:",
            palette.help,
            sanitize(&source.redactor.redact(help)),
        ));
    }
    if let Some(fix) = &diagnostic.fix {
        let message = sanitize(&source.redactor.redact(&fix.message));
        match fix.applicability {
            Applicability::Safe => notes.push(("[*] fixable:", palette.safe, message)),
            Applicability::Unsafe if options.unsafe_fixes => {
                notes.push(("[*] fixable (unsafe):", palette.warning, message));
            }
            Applicability::Unsafe => notes.push((
                "[unsafe fix available]:",
                palette.warning,
                format!("{message} (apply with `idplint fix --unsafe-fixes`)"),
            )),
            Applicability::DisplayOnly => notes.push(("suggestion:", palette.help, message)),
        }
    }
    notes
}

/// Draw the source lines of the diagnostic with its marks. Returns the gutter width, or
/// `None` when there is no source to show (an empty or unread file).
fn write_snippet(
    out: &mut dyn Write,
    source: &Source<'_>,
    diagnostic: &Diagnostic,
    palette: &Palette,
) -> io::Result<Option<usize>> {
    let text = source.text();
    if text.is_empty() {
        return Ok(None);
    }
    let index = source.positions.index();
    let mut by_line: BTreeMap<usize, Vec<Mark>> = BTreeMap::new();
    let primary_lines = range_lines(source, diagnostic.range);
    for &line in &primary_lines {
        by_line.entry(line).or_default().push(Mark {
            range: diagnostic.range,
            primary: true,
            label: None,
        });
    }
    for label in &diagnostic.labels {
        let line = index.line_of(label.range.start.min(text.len() as u32));
        by_line.entry(line).or_default().push(Mark {
            range: label.range,
            primary: false,
            label: Some(sanitize_inline(&source.redactor.redact(&label.message))),
        });
    }
    let width = by_line
        .keys()
        .last()
        .map_or(1, |line| (line + 1).to_string().len());
    let Palette { gutter, reset, .. } = *palette;
    writeln!(out, "{gutter}{:width$} |{reset}", "")?;
    let mut previous: Option<usize> = None;
    for (line, marks) in &by_line {
        if previous.is_some_and(|p| line - p > 1) {
            writeln!(out, "{gutter}{:width$}...{reset}", "")?;
        }
        previous = Some(*line);
        let line_range = index.line_range(*line, text);
        let anchor = marks
            .iter()
            .map(|m| m.range.start.clamp(line_range.start, line_range.end))
            .min()
            .unwrap_or(line_range.start);
        let display = DisplayLine::build(source, line_range, anchor);
        writeln!(
            out,
            "{gutter}{:>width$} |{reset} {}",
            line + 1,
            display.text.trim_end()
        )?;
        let mut ordered: Vec<&Mark> = marks.iter().collect();
        ordered.sort_by_key(|m| (!m.primary, m.range.start));
        for mark in ordered {
            let (from, to) = display.columns(mark.range, line_range);
            let style = if mark.primary {
                palette.severity(diagnostic.severity)
            } else {
                palette.help
            };
            let symbol = if mark.primary { "^" } else { "-" };
            let label = mark
                .label
                .as_deref()
                .map(|l| format!(" {l}"))
                .unwrap_or_default();
            writeln!(
                out,
                "{gutter}{:width$} |{reset} {:from$}{style}{}{label}{reset}",
                "",
                "",
                symbol.repeat(to.saturating_sub(from).max(1)),
            )?;
        }
    }
    Ok(Some(width))
}

/// The 0-based lines a primary range is drawn on: all of them when few, else the first and
/// last two. A range ending at the very start of a line does not draw that line.
fn range_lines(source: &Source<'_>, range: TextRange) -> Vec<usize> {
    let index = source.positions.index();
    let len = u32::try_from(source.text().len()).unwrap_or(u32::MAX);
    let start = index.line_of(range.start.min(len));
    // `max` guards against a malformed range (end before start) from a buggy rule.
    let mut end = index.line_of(range.end.min(len)).max(start);
    if end > start && index.line_start(end) == range.end {
        end -= 1;
    }
    if end - start < MAX_RANGE_LINES {
        (start..=end).collect()
    } else {
        vec![start, start + 1, end - 1, end]
    }
}

/// One source line (or a window of it) as it is printed, with the column of every byte.
struct DisplayLine {
    text: String,
    /// `(start, end, first column, column after)` for each printed piece, in byte order.
    pieces: Vec<(u32, u32, usize, usize)>,
    width: usize,
    window: TextRange,
}

impl DisplayLine {
    fn build(source: &Source<'_>, line: TextRange, anchor: u32) -> Self {
        let text = source.text();
        let window = window(text, line, anchor);
        let guessed = if source.guess_secrets {
            guess_secret_value(text, line)
        } else {
            None
        };
        let mut out = DisplayLine {
            text: String::new(),
            pieces: Vec::new(),
            width: 0,
            window,
        };
        if window.start > line.start {
            out.text.push('…');
            out.width += 1;
        }
        let Some(slice) = window.slice(text) else {
            return out;
        };
        let mut skip_until = window.start;
        for (i, ch) in slice.char_indices() {
            let offset = window.start + i as u32;
            if offset < skip_until {
                continue;
            }
            let char_end = offset + ch.len_utf8() as u32;
            let secret = source
                .secrets
                .iter()
                .copied()
                .chain(guessed)
                .find(|s| s.contains(offset));
            if let Some(secret) = secret {
                let end = secret.end.min(window.end);
                out.push(offset, end, REDACTED, REDACTED.len());
                skip_until = end;
                continue;
            }
            match ch {
                // The byte-order mark is invisible and not a column.
                '\u{feff}' if offset == 0 => out.push(offset, char_end, "", 0),
                '\t' => out.push(offset, char_end, TAB, TAB.len()),
                _ => {
                    let shown = safe_char(ch);
                    let width = shown.width().unwrap_or(1);
                    let mut buffer = [0u8; 4];
                    out.push(offset, char_end, shown.encode_utf8(&mut buffer), width);
                }
            }
        }
        if window.end < line.end {
            out.text.push('…');
        }
        out
    }

    fn push(&mut self, start: u32, end: u32, shown: &str, width: usize) {
        self.text.push_str(shown);
        self.pieces
            .push((start, end, self.width, self.width + width));
        self.width += width;
    }

    /// Columns `[from, to)` to underline for `range` on this line.
    fn columns(&self, range: TextRange, line: TextRange) -> (usize, usize) {
        let start = range.start.clamp(self.window.start, self.window.end);
        let end = range.end.clamp(start, self.window.end);
        let from = self.column(start, false);
        let mut to = self.column(end, true);
        if range.end > line.end && to == from {
            // The range only covers the line break: point just past the text.
            to = from + 1;
        }
        (from, to)
    }

    fn column(&self, offset: u32, is_end: bool) -> usize {
        for &(start, end, from, to) in &self.pieces {
            if offset == start {
                return from;
            }
            if start < offset && offset < end {
                // Inside a masked secret: widen to the whole mask.
                return if is_end { to } else { from };
            }
        }
        self.width
    }
}

/// The part of a long line to print: all of it when short, else a window starting a little
/// before `anchor`, on character boundaries.
fn window(text: &str, line: TextRange, anchor: u32) -> TextRange {
    if line.len() <= MAX_LINE_BYTES {
        return line;
    }
    let mut start = anchor
        .saturating_sub(WINDOW_LEAD_BYTES)
        .clamp(line.start, line.end);
    while start > line.start && !text.is_char_boundary(start as usize) {
        start -= 1;
    }
    let mut end = (start + MAX_LINE_BYTES).min(line.end);
    while end < line.end && !text.is_char_boundary(end as usize) {
        end += 1;
    }
    TextRange::new(start, end)
}

/// Key fragments that mark a value as a credential when a file could not be parsed (and so has
/// no secret ranges from the engine). Deliberately broad: over-masking a broken file's
/// snippet costs little, leaking a password into a CI log costs a rotation.
const SECRET_KEY_HINTS: [&str; 12] = [
    "password",
    "passwd",
    "pwd",
    "secret",
    "token",
    "credential",
    "private",
    "apikey",
    "api_key",
    "cookie",
    "cipher",
    "dsn",
];

/// In a line like `password: hunter2`, `KC_DB_PASSWORD=x` or `"secret": "x"`, the value range.
fn guess_secret_value(text: &str, line: TextRange) -> Option<TextRange> {
    let body = line.slice(text)?;
    let separator = body.find([':', '='])?;
    let key = body[..separator].to_ascii_lowercase();
    if !SECRET_KEY_HINTS.iter().any(|hint| key.contains(hint)) {
        return None;
    }
    let value = &body[separator + 1..];
    let lead = value.len() - value.trim_start().len();
    let start = line.start + (separator + 1 + lead) as u32;
    (start < line.end).then(|| TextRange::new(start, line.end))
}

/// Characters that would act on the terminal instead of being shown.
fn safe_char(ch: char) -> char {
    match ch {
        // C0 controls map onto the Control Pictures block (U+2400 + code).
        '\u{0}'..='\u{1f}' => char::from_u32(0x2400 + ch as u32).unwrap_or('\u{fffd}'),
        '\u{7f}' => '\u{2421}',
        // C1 controls and bidirectional overrides/isolates ("Trojan Source").
        '\u{80}'..='\u{9f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' => '\u{fffd}',
        _ => ch,
    }
}

/// Text for a note: keeps line breaks, neutralises every other control character.
fn sanitize(text: &str) -> String {
    text.chars()
        .map(|c| if c == '\n' { c } else { safe_char(c) })
        .collect()
}

/// Text for a one-line field (header, label): no line breaks either.
fn sanitize_inline(text: &str) -> String {
    text.chars().map(safe_char).collect()
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use crate::fixtures;

    fn render(files: &[FileResult<'_>], options: TextOptions) -> String {
        let mut out = Vec::new();
        write(&mut out, files, &crate::RuleIndex::default(), &options).unwrap();
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn snippets_carets_and_summary() {
        let fixture = fixtures::Fixture::new();
        let files = fixture.files();
        let output = render(
            &files,
            TextOptions {
                summary: true,
                ..TextOptions::default()
            },
        );
        insta::assert_snapshot!(output);
    }

    #[test]
    fn secrets_are_masked_in_snippets_and_messages() {
        let fixture = fixtures::Fixture::new();
        let output = render(
            &fixture.files(),
            TextOptions {
                summary: true,
                ..TextOptions::default()
            },
        );
        assert!(!output.contains(fixtures::SECRET), "{output}");
        assert!(output.contains("KC_DB_PASSWORD=****"), "{output}");
    }

    #[test]
    fn colour_codes_only_when_asked() {
        let fixture = fixtures::Fixture::new();
        let plain = render(&fixture.files(), TextOptions::default());
        assert!(!plain.contains('\x1b'));
        let coloured = render(
            &fixture.files(),
            TextOptions {
                color: true,
                ..TextOptions::default()
            },
        );
        assert!(coloured.contains("\x1b[1;31merror\x1b[0m"), "{coloured}");
    }

    #[test]
    fn control_characters_and_long_lines_are_tamed() {
        let text = format!("a: \"\x1b[31mred\"\n{}: x\n", "k".repeat(1000));
        let long_key = text.find("kkk").unwrap() + 900;
        let report = idplint_linter::FileReport {
            diagnostics: vec![
                Diagnostic::new(
                    "kratos/x",
                    idplint_diagnostics::Severity::Error,
                    "m\x1b]0;title\x07",
                    TextRange::new(4, 9),
                ),
                Diagnostic::new(
                    "kratos/y",
                    idplint_diagnostics::Severity::Warning,
                    "long",
                    TextRange::from_usize(long_key, long_key + 3),
                ),
            ],
            recognised: true,
            ..Default::default()
        };
        let files = [FileResult {
            path: "a.yml",
            text: &text,
            report: &report,
        }];
        let output = render(&files, TextOptions::default());
        assert!(!output.contains('\x1b'), "{output}");
        assert!(!output.contains('\x07'), "{output}");
        assert!(output.lines().all(|l| l.chars().count() < 300), "{output}");
        insta::assert_snapshot!(output);
    }

    #[test]
    fn malformed_ranges_never_panic() {
        let text = "a: é\r\nb: 2";
        let ranges = [
            TextRange { start: 9, end: 2 },
            TextRange::new(4, 5),
            TextRange::new(100, 200),
            TextRange::new(0, 100),
            TextRange::empty(u32::MAX),
        ];
        let report = idplint_linter::FileReport {
            diagnostics: ranges
                .iter()
                .map(|r| {
                    Diagnostic::new("kratos/x", idplint_diagnostics::Severity::Error, "m", *r)
                        .with_label(*r, "label")
                        .with_fix(idplint_diagnostics::Fix::safe(
                            "f",
                            vec![idplint_diagnostics::Edit::replace(*r, "x")],
                        ))
                })
                .collect(),
            secrets: vec![TextRange { start: 3, end: 1 }, TextRange::new(4, 5)],
            recognised: true,
            ..Default::default()
        };
        let files = [FileResult {
            path: "a.yml",
            text,
            report: &report,
        }];
        let rules = crate::RuleIndex::default();
        for format in [
            crate::OutputFormat::Text,
            crate::OutputFormat::Json,
            crate::OutputFormat::Sarif,
            crate::OutputFormat::Github,
        ] {
            let mut out = Vec::new();
            crate::render(
                format,
                &mut out,
                &files,
                &rules,
                &TextOptions::default(),
                "0",
            )
            .unwrap();
            assert!(!out.is_empty());
        }
    }

    #[test]
    fn unparsed_files_guess_credentials() {
        let text = "db:\n  password: hunter2hunter2\n  bad: [\n";
        let report = idplint_linter::FileReport {
            diagnostics: vec![Diagnostic::new(
                "idplint/parse-error",
                idplint_diagnostics::Severity::Error,
                "unclosed sequence",
                TextRange::new(4, 30),
            )],
            parse_failed: true,
            recognised: true,
            ..Default::default()
        };
        let files = [FileResult {
            path: "kratos.yml",
            text,
            report: &report,
        }];
        let output = render(&files, TextOptions::default());
        assert!(!output.contains("hunter2"), "{output}");
        assert!(output.contains("password: ****"), "{output}");
    }
}
