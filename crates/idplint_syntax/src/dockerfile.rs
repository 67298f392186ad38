//! Dockerfiles and Containerfiles into instructions with exact byte ranges.
//!
//! The rules follow BuildKit's Dockerfile frontend:
//!
//! - Parser directives (`# syntax=...`, `# escape=...`, `# check=...`) are only read at the top
//!   of the file, before any other line; `# escape=`` ` makes the backtick the escape character
//!   (Windows images), both for line continuations and inside words.
//! - A line whose last non-blank character is the escape character continues on the next
//!   line; the escape character and the line break are dropped and the next line is joined
//!   as written (its indentation included). Blank lines and `#` comment lines inside a
//!   continuation are dropped.
//! - A `#` starts a comment only at the start of a line (after blanks); elsewhere it is text.
//! - An instruction is a case-insensitive keyword and its arguments. `RUN`, `CMD`,
//!   `ENTRYPOINT` and `SHELL` take a JSON array of strings (exec form) or a command line
//!   (shell form). `ENV` takes `KEY=value` pairs (quoted with `"`/`'`, escapes decoded) or the
//!   legacy `ENV KEY value with spaces`; `ARG` takes `NAME` or `NAME=default`, several allowed.
//! - `RUN`, `COPY` and `ADD` may open heredocs (`<<EOF`, `<<-EOF`, `<<"EOF"`): the lines after
//!   the instruction up to the delimiter line are their bodies, not instructions.
//! - `${VAR}` / `$VAR` substitution is not performed: values are kept as written.
//!
//! An instruction that Docker itself refuses (an `ENV` pair without `=`, an unterminated
//! quote) is an error, so an edit that would break the file is never written. Unknown
//! keywords are kept as they are: templates (`Dockerfile.j2`) stay readable.
//!
//! Every range is a byte range of the original text. A value that is written exactly as it
//! decodes (no quotes, escapes or continuation inside) is `exact`, so it can be rewritten in
//! place.

use crate::ParseError;
use crate::style::Newline;
use idplint_diagnostics::TextRange;

/// A parsed Dockerfile.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Dockerfile {
    pub instructions: Vec<Instruction>,
    /// Full-line comments outside instructions (parser directives included).
    pub comments: Vec<TextRange>,
    /// The escape character: `\` unless an `# escape=`` ` directive says otherwise.
    pub escape: char,
    pub newline: Newline,
}

impl Dockerfile {
    /// Instructions with this (upper-case) keyword.
    pub fn named<'a>(&'a self, keyword: &'a str) -> impl Iterator<Item = &'a Instruction> {
        self.instructions
            .iter()
            .filter(move |i| i.keyword == keyword)
    }
}

/// One instruction, possibly spanning several lines.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Instruction {
    /// The keyword in upper case (`ENV`), whatever case it is written in.
    pub keyword: String,
    pub keyword_range: TextRange,
    /// From the keyword to the end of its last line (line break and heredoc bodies excluded).
    pub range: TextRange,
    /// Whole lines: from the start of the first line to just after the line break of the last
    /// one, heredoc bodies and their delimiter lines included.
    pub lines: TextRange,
    /// Leading `--name=value` options of `FROM`, `RUN`, `COPY` and `ADD`.
    pub flags: Vec<Flag>,
    pub arguments: Arguments,
    /// Heredoc bodies (`RUN <<EOF` ... `EOF`), in order.
    pub heredocs: Vec<Heredoc>,
}

impl Instruction {
    /// The words of the arguments: exec-form elements, or the shell-split command line.
    pub fn words(&self) -> &[Word] {
        match &self.arguments {
            Arguments::Exec(words) | Arguments::Shell { words, .. } => words,
            Arguments::Pairs(_) => &[],
        }
    }

    /// The value of the flag `--name`.
    pub fn flag(&self, name: &str) -> Option<&Flag> {
        self.flags
            .iter()
            .find(|f| f.name.eq_ignore_ascii_case(name))
    }
}

/// `--from=builder`, `--platform=$BUILDPLATFORM`, `--mount=type=cache,target=/x`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Flag {
    pub name: String,
    pub value: Option<String>,
    pub range: TextRange,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Arguments {
    /// A JSON array of strings: `CMD ["start", "--optimized"]`.
    Exec(Vec<Word>),
    /// Everything else: the joined command line and its shell-split words.
    Shell { text: String, words: Vec<Word> },
    /// `ENV`, `ARG` and `LABEL` name/value pairs.
    Pairs(Vec<Pair>),
}

/// One word of a command line or one element of an exec-form array.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Word {
    /// Decoded: quotes removed, escapes applied.
    pub value: String,
    /// The word as written (with its quotes).
    pub range: TextRange,
    /// The range that holds exactly `value` when `exact` (inside the quotes of a JSON string).
    pub inner: TextRange,
    pub exact: bool,
}

/// `KEY=value` (or the legacy `KEY value`) of `ENV`; `NAME[=default]` of `ARG`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Pair {
    pub name: String,
    pub name_range: TextRange,
    /// Decoded value; `None` for an `ARG NAME` without default.
    pub value: Option<String>,
    /// Where the value is written: inside its quotes when the quoted text is the value
    /// itself, else the whole token. Empty right after `=` for an empty value.
    pub value_range: TextRange,
    /// Whether `value_range` slices to exactly `value`.
    pub value_exact: bool,
    /// The value token as written, quotes included.
    pub token_range: TextRange,
    /// From the name to the end of the value token.
    pub range: TextRange,
    /// `ENV KEY value` (one pair per instruction, the value runs to the end).
    pub legacy: bool,
}

/// The body of a heredoc.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Heredoc {
    pub delimiter: String,
    /// The body lines, without the delimiter line.
    pub body: TextRange,
}

/// Parse a Dockerfile.
pub fn parse(text: &str) -> Result<Dockerfile, ParseError> {
    let start = if text.starts_with('\u{feff}') {
        '\u{feff}'.len_utf8()
    } else {
        0
    };
    let mut lines = Lines { text, pos: start };
    let mut comments = Vec::new();
    let mut escape = '\\';
    // Parser directives: leading `# key=value` lines with a known key.
    while let Some(line) = lines.peek() {
        let Some((key, value)) = directive(line.content(text)) else {
            break;
        };
        if key == "escape" {
            escape = match value {
                "`" => '`',
                "\\" => '\\',
                _ => {
                    return Err(ParseError::new(
                        format!("invalid escape character {value:?}: use \\ or `"),
                        line.content_range(),
                    ));
                }
            };
        }
        comments.push(line.content_range());
        lines.advance(line);
    }
    let mut instructions = Vec::new();
    while let Some(line) = lines.peek() {
        let content = line.content(text);
        let blank = content.trim_start_matches([' ', '\t']);
        if blank.trim().is_empty() {
            lines.advance(line);
            continue;
        }
        if blank.starts_with('#') {
            comments.push(line.content_range());
            lines.advance(line);
            continue;
        }
        let indent = content.len() - blank.len();
        instructions.push(instruction(&mut lines, line, line.start + indent, escape)?);
    }
    Ok(Dockerfile {
        instructions,
        comments,
        escape,
        newline: crate::SourceStyle::detect(text).newline,
    })
}

/// `# escape=\`: a directive with a key Docker knows.
fn directive(line: &str) -> Option<(String, &str)> {
    let body = line.trim().strip_prefix('#')?;
    let (key, value) = body.split_once('=')?;
    let key = key.trim().to_ascii_lowercase();
    matches!(key.as_str(), "syntax" | "escape" | "check").then(|| (key, value.trim()))
}

/// One physical line: `start..end` without the line break, `next` after it.
#[derive(Clone, Copy, Debug)]
struct Line {
    start: usize,
    end: usize,
    next: usize,
}

impl Line {
    fn content(self, text: &str) -> &str {
        text.get(self.start..self.end).unwrap_or("")
    }
    fn content_range(self) -> TextRange {
        TextRange::from_usize(self.start, self.end)
    }
}

struct Lines<'a> {
    text: &'a str,
    pos: usize,
}

impl Lines<'_> {
    fn peek(&self) -> Option<Line> {
        if self.pos >= self.text.len() {
            return None;
        }
        let rest = self.text.get(self.pos..)?;
        let (end, next) = match rest.find('\n') {
            Some(i) => (self.pos + i, self.pos + i + 1),
            None => (self.text.len(), self.text.len()),
        };
        let end = if end > self.pos && self.text.as_bytes().get(end - 1) == Some(&b'\r') {
            end - 1
        } else {
            end
        };
        Some(Line {
            start: self.pos,
            end,
            next,
        })
    }

    fn advance(&mut self, line: Line) {
        self.pos = line.next;
    }
}

/// The logical text of an instruction (continuations joined) and where each piece of it is in
/// the host text.
#[derive(Default)]
struct Logical {
    text: String,
    /// (logical start, host start) of each piece; pieces are contiguous in the host.
    pieces: Vec<(usize, usize)>,
}

impl Logical {
    fn push(&mut self, host: &str, start: usize, end: usize) {
        self.pieces.push((self.text.len(), start));
        self.text.push_str(host.get(start..end).unwrap_or(""));
    }

    /// Host offset of a logical offset that starts something.
    fn host_start(&self, at: usize) -> usize {
        let index = self
            .pieces
            .partition_point(|(l, _)| *l <= at)
            .saturating_sub(1);
        self.pieces.get(index).map_or(at, |(l, h)| h + (at - l))
    }

    /// Host offset of a logical offset that ends something (a piece boundary belongs to the
    /// piece before it).
    fn host_end(&self, at: usize) -> usize {
        let index = self
            .pieces
            .partition_point(|(l, _)| *l < at)
            .saturating_sub(1);
        self.pieces
            .get(index)
            .map_or(at, |(l, h)| h + at.saturating_sub(*l))
    }

    fn range(&self, start: usize, end: usize) -> TextRange {
        let host_start = self.host_start(start);
        TextRange::from_usize(host_start, self.host_end(end).max(host_start))
    }
}

fn instruction(
    lines: &mut Lines<'_>,
    first: Line,
    keyword_start: usize,
    escape: char,
) -> Result<Instruction, ParseError> {
    let text = lines.text;
    let mut logical = Logical::default();
    let mut line = first;
    let mut piece_start = keyword_start;
    let mut last_end;
    loop {
        let content = text.get(piece_start..line.end).unwrap_or("");
        let trimmed = content.trim_end_matches([' ', '\t']);
        lines.advance(line);
        last_end = line.end;
        if !trimmed.ends_with(escape) {
            logical.push(text, piece_start, line.end);
            break;
        }
        logical.push(
            text,
            piece_start,
            piece_start + trimmed.len() - escape.len_utf8(),
        );
        // Blank and comment lines inside a continuation are dropped.
        let mut next = None;
        while let Some(candidate) = lines.peek() {
            let body = candidate.content(text).trim_start_matches([' ', '\t']);
            if body.trim().is_empty() || body.starts_with('#') {
                lines.advance(candidate);
                continue;
            }
            next = Some(candidate);
            break;
        }
        match next {
            Some(candidate) => {
                line = candidate;
                piece_start = candidate.start;
            }
            None => break,
        }
    }
    let keyword_len = logical
        .text
        .find(|c: char| c.is_whitespace())
        .unwrap_or(logical.text.len());
    let keyword = logical.text[..keyword_len].to_ascii_uppercase();
    let keyword_range = logical.range(0, keyword_len);
    let mut rest_start = keyword_len;
    let mut flags = Vec::new();
    if matches!(keyword.as_str(), "FROM" | "RUN" | "COPY" | "ADD") {
        loop {
            let at = skip_blanks(&logical.text, rest_start);
            let Some(body) = logical.text[at..].strip_prefix("--") else {
                break;
            };
            let len = body.find(char::is_whitespace).unwrap_or(body.len());
            let word = &body[..len];
            let (name, value) = match word.split_once('=') {
                Some((n, v)) => (n, Some(v.to_string())),
                None => (word, None),
            };
            flags.push(Flag {
                name: name.to_string(),
                value,
                range: logical.range(at, at + 2 + len),
            });
            rest_start = at + 2 + len;
        }
    }
    let rest_start = skip_blanks(&logical.text, rest_start);
    let arguments = match keyword.as_str() {
        "ENV" => Arguments::Pairs(pairs(&logical, rest_start, escape, true, text)?),
        "ARG" | "LABEL" => Arguments::Pairs(pairs(&logical, rest_start, escape, false, text)?),
        _ => {
            let exec = matches!(keyword.as_str(), "RUN" | "CMD" | "ENTRYPOINT" | "SHELL")
                .then(|| exec_form(&logical, rest_start, text))
                .flatten();
            match exec {
                Some(words) => Arguments::Exec(words),
                None => Arguments::Shell {
                    text: logical.text[rest_start..].to_string(),
                    words: shell_words(&logical, rest_start, escape, text)?,
                },
            }
        }
    };
    let mut heredocs = Vec::new();
    if matches!(keyword.as_str(), "RUN" | "COPY" | "ADD") {
        for (delimiter, strip_tabs) in heredoc_markers(&logical.text[rest_start..]) {
            heredocs.push(heredoc_body(lines, &delimiter, strip_tabs));
        }
    }
    Ok(Instruction {
        keyword,
        keyword_range,
        range: TextRange::from_usize(keyword_start, last_end.max(keyword_start)),
        lines: TextRange::from_usize(first.start, lines.pos.max(first.start)),
        flags,
        arguments,
        heredocs,
    })
}

fn skip_blanks(text: &str, from: usize) -> usize {
    let rest = text.get(from..).unwrap_or("");
    from + (rest.len() - rest.trim_start().len())
}

/// `<<EOF`, `<<-EOF`, `<<"EOF"`, `<<'EOF'` in a command line (not `<<<`, not in quotes).
fn heredoc_markers(text: &str) -> Vec<(String, bool)> {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut quote: Option<u8> = None;
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        match quote {
            Some(q) if b == q => quote = None,
            Some(_) => {}
            None if b == b'"' || b == b'\'' => quote = Some(b),
            None if b == b'<'
                && bytes.get(i + 1) == Some(&b'<')
                && bytes.get(i + 2) != Some(&b'<') =>
            {
                let mut j = i + 2;
                let strip_tabs = bytes.get(j) == Some(&b'-');
                if strip_tabs {
                    j += 1;
                }
                let open = bytes.get(j).copied().filter(|c| *c == b'"' || *c == b'\'');
                if open.is_some() {
                    j += 1;
                }
                let start = j;
                while bytes
                    .get(j)
                    .is_some_and(|c| c.is_ascii_alphanumeric() || *c == b'_')
                {
                    j += 1;
                }
                if j > start && open.is_none_or(|q| bytes.get(j) == Some(&q)) {
                    out.push((text[start..j].to_string(), strip_tabs));
                    if open.is_some() {
                        j += 1;
                    }
                }
                i = j.max(i + 2);
                continue;
            }
            None => {}
        }
        i += 1;
    }
    out
}

/// Consume the body lines of a heredoc and its delimiter line (or the rest of the file when
/// the delimiter never comes).
fn heredoc_body(lines: &mut Lines<'_>, delimiter: &str, strip_tabs: bool) -> Heredoc {
    let start = lines.pos;
    let mut end = lines.text.len();
    while let Some(line) = lines.peek() {
        let content = line.content(lines.text);
        let content = if strip_tabs {
            content.trim_start_matches('\t')
        } else {
            content
        };
        lines.advance(line);
        if content == delimiter {
            end = line.start;
            break;
        }
    }
    Heredoc {
        delimiter: delimiter.to_string(),
        body: TextRange::from_usize(start, end.max(start)),
    }
}

/// A JSON array of strings, or `None` (then Docker reads the text as a command line).
fn exec_form(logical: &Logical, from: usize, host: &str) -> Option<Vec<Word>> {
    let text = logical.text.as_str();
    let bytes = text.as_bytes();
    let mut i = from;
    if bytes.get(i) != Some(&b'[') {
        return None;
    }
    i += 1;
    let mut words = Vec::new();
    loop {
        i = skip_blanks(text, i);
        match bytes.get(i)? {
            b']' if words.is_empty() => {
                i += 1;
                break;
            }
            b'"' => {}
            _ => return None,
        }
        let start = i;
        let (value, end) = json_string(text, i)?;
        let range = logical.range(start, end);
        let inner = logical.range(start + 1, end - 1);
        let exact = inner.slice(host) == Some(value.as_str());
        words.push(Word {
            value,
            range,
            inner,
            exact,
        });
        i = skip_blanks(text, end);
        match bytes.get(i)? {
            b',' => i += 1,
            b']' => {
                i += 1;
                break;
            }
            _ => return None,
        }
    }
    text.get(i..)?.trim().is_empty().then_some(words)
}

/// A JSON string starting at `at` (the opening quote): its value and the offset after it.
fn json_string(text: &str, at: usize) -> Option<(String, usize)> {
    let mut value = String::new();
    let mut chars = text.get(at + 1..)?.char_indices();
    while let Some((offset, c)) = chars.next() {
        match c {
            '"' => return Some((value, at + 1 + offset + 1)),
            '\\' => {
                let (_, escaped) = chars.next()?;
                match escaped {
                    '"' | '\\' | '/' => value.push(escaped),
                    'b' => value.push('\u{8}'),
                    'f' => value.push('\u{c}'),
                    'n' => value.push('\n'),
                    'r' => value.push('\r'),
                    't' => value.push('\t'),
                    'u' => {
                        let mut code = 0u32;
                        for _ in 0..4 {
                            code = code * 16 + chars.next()?.1.to_digit(16)?;
                        }
                        value.push(char::from_u32(code).unwrap_or('\u{fffd}'));
                    }
                    _ => return None,
                }
            }
            c if (c as u32) < 0x20 => return None,
            c => value.push(c),
        }
    }
    None
}

/// Raw word boundaries of a command line: blanks separate words, quotes and the escape
/// character protect blanks. Returns logical (start, end) pairs.
fn raw_words(text: &str, from: usize, escape: char) -> Result<Vec<(usize, usize)>, usize> {
    let mut out = Vec::new();
    let mut start: Option<usize> = None;
    let mut quote: Option<char> = None;
    let mut chars = text.get(from..).unwrap_or("").char_indices().peekable();
    while let Some((offset, c)) = chars.next() {
        let at = from + offset;
        match quote {
            Some('"') if c == escape => {
                chars.next();
            }
            Some(q) if c == q => quote = None,
            Some(_) => {}
            None if c.is_whitespace() => {
                if let Some(s) = start.take() {
                    out.push((s, at));
                }
            }
            None => {
                start.get_or_insert(at);
                if c == escape {
                    chars.next();
                } else if c == '"' || c == '\'' {
                    quote = Some(c);
                }
            }
        }
    }
    if quote.is_some() {
        return Err(start.unwrap_or(from));
    }
    if let Some(s) = start {
        out.push((s, text.len()));
    }
    Ok(out)
}

/// Remove quotes and apply escapes the way Docker's word processing does (variables are left
/// as written): outside quotes the escape character takes the next character literally; in
/// double quotes it only escapes `"`, `$` and itself; single quotes are literal.
pub fn unquote(raw: &str, escape: char) -> String {
    let mut out = String::with_capacity(raw.len());
    let mut quote: Option<char> = None;
    let mut chars = raw.chars().peekable();
    while let Some(c) = chars.next() {
        match quote {
            Some('"') if c == escape => match chars.peek() {
                Some(&next) if next == '"' || next == '$' || next == escape => {
                    out.push(next);
                    chars.next();
                }
                _ => out.push(c),
            },
            Some(q) if c == q => quote = None,
            Some(_) => out.push(c),
            None if c == escape => {
                if let Some(next) = chars.next() {
                    out.push(next);
                }
            }
            None if c == '"' || c == '\'' => quote = Some(c),
            None => out.push(c),
        }
    }
    out
}

fn unterminated(logical: &Logical, at: usize) -> ParseError {
    ParseError::new("unterminated quote", logical.range(at, logical.text.len()))
}

fn shell_words(
    logical: &Logical,
    from: usize,
    escape: char,
    host: &str,
) -> Result<Vec<Word>, ParseError> {
    // An unbalanced quote in a shell-form command is the shell's problem at run time, not a
    // Dockerfile syntax error: fall back to whitespace splitting.
    let bounds = raw_words(&logical.text, from, escape).unwrap_or_else(|_| {
        let mut out = Vec::new();
        let mut at = from;
        for word in logical.text[from..].split_whitespace() {
            let start = at + logical.text[at..].find(word).unwrap_or(0);
            out.push((start, start + word.len()));
            at = start + word.len();
        }
        out
    });
    Ok(bounds
        .into_iter()
        .map(|(start, end)| word(logical, start, end, escape, host))
        .collect())
}

fn word(logical: &Logical, start: usize, end: usize, escape: char, host: &str) -> Word {
    let raw = &logical.text[start..end];
    let value = unquote(raw, escape);
    let range = logical.range(start, end);
    let quoted_inner = raw.len() >= 2
        && ((raw.starts_with('"') && raw.ends_with('"'))
            || (raw.starts_with('\'') && raw.ends_with('\'')));
    let inner = if quoted_inner {
        logical.range(start + 1, end - 1)
    } else {
        range
    };
    let exact = inner.slice(host) == Some(value.as_str());
    let inner = if exact { inner } else { range };
    Word {
        value,
        range,
        inner,
        exact,
    }
}

fn pairs(
    logical: &Logical,
    from: usize,
    escape: char,
    env: bool,
    host_text: &str,
) -> Result<Vec<Pair>, ParseError> {
    let text = logical.text.as_str();
    let bounds = raw_words(text, from, escape).map_err(|at| unterminated(logical, at))?;
    let Some(&(first_start, first_end)) = bounds.first() else {
        return if env {
            Err(ParseError::new(
                "ENV needs at least one `KEY=value`",
                logical.range(0, text.len()),
            ))
        } else {
            Ok(Vec::new())
        };
    };
    if env && !text[first_start..first_end].contains('=') {
        // Legacy `ENV KEY value with spaces`: the value is the rest of the line.
        let name_end = first_end;
        let value_start = skip_blanks(text, name_end);
        let value_end = text.trim_end().len().max(value_start);
        let value = word(logical, value_start, value_end, escape, host_text);
        let value = if value_start == value_end {
            empty_value(logical, name_end)
        } else {
            value
        };
        return Ok(vec![pair(
            logical,
            (first_start, name_end),
            Some(value),
            true,
        )]);
    }
    let mut out = Vec::new();
    for (start, end) in bounds {
        let raw = &text[start..end];
        let Some(eq) = raw.find('=') else {
            if env {
                return Err(ParseError::new(
                    format!("ENV: cannot find `=` in `{raw}`"),
                    logical.range(start, end),
                ));
            }
            out.push(pair(logical, (start, end), None, false));
            continue;
        };
        let value_start = start + eq + 1;
        let value = if value_start == end {
            empty_value(logical, value_start)
        } else {
            word(logical, value_start, end, escape, host_text)
        };
        out.push(pair(logical, (start, start + eq), Some(value), false));
    }
    Ok(out)
}

fn empty_value(logical: &Logical, at: usize) -> Word {
    let at = logical.host_end(at);
    Word {
        value: String::new(),
        range: TextRange::from_usize(at, at),
        inner: TextRange::from_usize(at, at),
        exact: true,
    }
}

fn pair(logical: &Logical, name: (usize, usize), value: Option<Word>, legacy: bool) -> Pair {
    let name_range = logical.range(name.0, name.1);
    let (value_text, value_range, value_exact, token_range) = match value {
        Some(word) => (Some(word.value), word.inner, word.exact, word.range),
        None => (
            None,
            TextRange::empty(name_range.end),
            false,
            TextRange::empty(name_range.end),
        ),
    };
    Pair {
        name: logical.text[name.0..name.1].to_string(),
        name_range,
        value: value_text,
        value_range,
        value_exact,
        token_range,
        range: name_range.cover(token_range),
        legacy,
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use super::*;

    fn slice(text: &str, range: TextRange) -> &str {
        range.slice(text).unwrap()
    }

    fn env_pairs(doc: &Dockerfile) -> Vec<&Pair> {
        doc.named("ENV")
            .flat_map(|i| match &i.arguments {
                Arguments::Pairs(pairs) => pairs.iter().collect(),
                _ => Vec::new(),
            })
            .collect()
    }

    #[test]
    fn instructions_keywords_and_ranges() {
        let text = "# syntax=docker/dockerfile:1\nfrom --platform=$BUILDPLATFORM quay.io/keycloak/keycloak:26.0 as builder\n  run echo hi\n";
        let doc = parse(text).unwrap();
        assert_eq!(doc.comments.len(), 1);
        let from = &doc.instructions[0];
        assert_eq!(from.keyword, "FROM");
        assert_eq!(slice(text, from.keyword_range), "from");
        assert_eq!(
            from.flag("platform").unwrap().value.as_deref(),
            Some("$BUILDPLATFORM")
        );
        let words: Vec<&str> = from.words().iter().map(|w| w.value.as_str()).collect();
        assert_eq!(words, ["quay.io/keycloak/keycloak:26.0", "as", "builder"]);
        assert_eq!(
            slice(text, from.words()[0].range),
            "quay.io/keycloak/keycloak:26.0"
        );
        let run = &doc.instructions[1];
        assert_eq!(slice(text, run.range), "run echo hi");
        assert_eq!(slice(text, run.lines), "  run echo hi\n");
    }

    #[test]
    fn env_pairs_quotes_escapes_and_legacy_form() {
        let text = "ENV A=1 B=\"two words\" C='x y' D=a\\ b E=\nENV LEGACY some value here\nENV Q=\"say \\\"hi\\\"\"\n";
        let doc = parse(text).unwrap();
        let pairs = env_pairs(&doc);
        let got: Vec<(&str, &str, bool)> = pairs
            .iter()
            .map(|p| (p.name.as_str(), p.value.as_deref().unwrap(), p.value_exact))
            .collect();
        assert_eq!(
            got,
            [
                ("A", "1", true),
                ("B", "two words", true),
                ("C", "x y", true),
                ("D", "a b", false),
                ("E", "", true),
                ("LEGACY", "some value here", true),
                ("Q", "say \"hi\"", false),
            ]
        );
        for p in &pairs {
            assert_eq!(slice(text, p.name_range), p.name);
            if p.value_exact {
                assert_eq!(slice(text, p.value_range), p.value.as_deref().unwrap());
            }
        }
        assert_eq!(slice(text, pairs[1].token_range), "\"two words\"");
        assert_eq!(slice(text, pairs[1].range), "B=\"two words\"");
        assert!(pairs[5].legacy);
        assert!(pairs[4].value_range.is_empty());
    }

    #[test]
    fn continuations_comments_and_crlf() {
        let text = "ENV KC_DB=postgres \\\r\n    # the features\r\n    KC_FEATURES=token-exchange \\\r\n\r\n    KC_HEALTH_ENABLED=true\r\nCMD [\"start\", \\\r\n     \"--optimized\"]\r\n";
        let doc = parse(text).unwrap();
        assert_eq!(doc.newline, Newline::CrLf);
        assert_eq!(doc.instructions.len(), 2);
        let pairs = env_pairs(&doc);
        let names: Vec<&str> = pairs.iter().map(|p| p.name.as_str()).collect();
        assert_eq!(names, ["KC_DB", "KC_FEATURES", "KC_HEALTH_ENABLED"]);
        for p in &pairs {
            assert_eq!(slice(text, p.name_range), p.name);
            assert_eq!(slice(text, p.value_range), p.value.as_deref().unwrap());
        }
        let env = &doc.instructions[0];
        assert!(slice(text, env.lines).ends_with("KC_HEALTH_ENABLED=true\r\n"));
        let cmd = &doc.instructions[1];
        let Arguments::Exec(words) = &cmd.arguments else {
            panic!("exec form expected")
        };
        assert_eq!(slice(text, words[1].range), "\"--optimized\"");
        assert_eq!(slice(text, words[1].inner), "--optimized");
        assert_eq!(
            slice(text, cmd.range),
            "CMD [\"start\", \\\r\n     \"--optimized\"]"
        );
    }

    #[test]
    fn escape_directive_makes_backtick_the_continuation() {
        let text = "# escape=`\nFROM mcr.microsoft.com/windows\nENV A=C:\\dir `\n    B=2\n";
        let doc = parse(text).unwrap();
        assert_eq!(doc.escape, '`');
        let pairs = env_pairs(&doc);
        assert_eq!(pairs[0].value.as_deref(), Some("C:\\dir"));
        assert_eq!(pairs[1].name, "B");
        // Not a directive once an instruction came first.
        let late = parse("FROM x\n# escape=`\nENV A=1 \\\n  B=2\n").unwrap();
        assert_eq!(late.escape, '\\');
        assert_eq!(env_pairs(&late).len(), 2);
    }

    #[test]
    fn exec_and_shell_forms() {
        let text = "ENTRYPOINT [\"/opt/keycloak/bin/kc.sh\"]\nCMD start --optimized --db=\"postgres\"\nRUN [ \"broken\"\n";
        let doc = parse(text).unwrap();
        assert!(matches!(doc.instructions[0].arguments, Arguments::Exec(_)));
        let cmd = doc.instructions[1].words();
        let values: Vec<&str> = cmd.iter().map(|w| w.value.as_str()).collect();
        assert_eq!(values, ["start", "--optimized", "--db=postgres"]);
        assert!(!cmd[2].exact);
        // Not valid JSON: Docker runs it through the shell.
        assert!(matches!(
            doc.instructions[2].arguments,
            Arguments::Shell { .. }
        ));
    }

    #[test]
    fn heredoc_bodies_are_not_instructions() {
        let text = "RUN <<EOF\nENV NOT=an-instruction\n/opt/keycloak/bin/kc.sh build\nEOF\nCOPY <<-\"CONF\" /opt/keycloak/conf/keycloak.conf\n\tdb=postgres\n\tCONF\nENV REAL=1\n";
        let doc = parse(text).unwrap();
        let keywords: Vec<&str> = doc
            .instructions
            .iter()
            .map(|i| i.keyword.as_str())
            .collect();
        assert_eq!(keywords, ["RUN", "COPY", "ENV"]);
        let run = &doc.instructions[0];
        assert_eq!(
            slice(text, run.heredocs[0].body),
            "ENV NOT=an-instruction\n/opt/keycloak/bin/kc.sh build\n"
        );
        assert_eq!(
            slice(text, run.lines),
            "RUN <<EOF\nENV NOT=an-instruction\n/opt/keycloak/bin/kc.sh build\nEOF\n"
        );
        assert_eq!(doc.instructions[1].heredocs[0].delimiter, "CONF");
        // A heredoc that never ends takes the rest of the file.
        let open = parse("RUN <<EOF\necho\n").unwrap();
        assert_eq!(open.instructions.len(), 1);
    }

    #[test]
    fn docker_syntax_errors_are_errors() {
        assert!(parse("ENV A=1 B\n").is_err());
        assert!(parse("ENV A=\"open\n").is_err());
        assert!(parse("ENV\n").is_err());
        assert!(parse("# escape=x\nFROM a\n").is_err());
        // Unknown keywords and templates are kept.
        assert!(parse("{{ if .x }}\nFROM a\nFOO bar\n").is_ok());
    }

    #[test]
    fn garbage_never_panics() {
        let samples = [
            "",
            "\\",
            "`",
            "ENV",
            "ENV =",
            "ENV =x",
            "ENV A=\\",
            "CMD [",
            "CMD [\"\\u12\"]",
            "CMD [\"a\",]",
            "RUN <<",
            "RUN <<'",
            "RUN <<-",
            "\u{feff}FROM a",
            "FROM \\\n",
            "ENV A=1 \\",
            "ENV A=1 \\\n# c\n",
            "ENV A \\\n",
            "\r\n\r",
            "ENV A=\"é\\",
            "ARG",
            "ARG =",
            "LABEL \"a",
            "# escape=`\nENV A=` ",
            "COPY --from= a b",
            "é\\\né",
            "ENV A=b\"c",
            "ENV A='x'\"y\"",
            "RUN [\"\\\"]",
            "RUN <<EOF <<EOF2\nx\nEOF\n",
        ];
        for sample in samples {
            if let Ok(doc) = parse(sample) {
                for instruction in &doc.instructions {
                    assert!(instruction.range.slice(sample).is_some(), "{sample:?}");
                    assert!(instruction.lines.slice(sample).is_some(), "{sample:?}");
                    for pair in env_pairs(&doc) {
                        assert!(pair.range.slice(sample).is_some(), "{sample:?}");
                        assert!(pair.value_range.slice(sample).is_some(), "{sample:?}");
                    }
                }
            }
        }
        // Every prefix of a realistic file.
        let file = "# escape=\\\nFROM quay.io/keycloak/keycloak:26.0 AS b\nENV KC_DB=\"postgres\" \\\n  KC_X='y'\nRUN <<EOF\nkc.sh build\nEOF\nCMD [\"start\",\"--optimized\"]\r\n";
        for end in 0..=file.len() {
            if let Some(prefix) = file.get(..end) {
                let _ = parse(prefix);
            }
        }
    }
}
