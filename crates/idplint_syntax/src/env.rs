//! `.env` files (Compose `env_file:` semantics) into a mapping of their variables.
//!
//! The rules follow Docker Compose's env-file format (compose-go `dotenv`):
//!
//! - `KEY=VALUE`, optionally prefixed by `export `; `KEY: VALUE` (Compose's YAML-style
//!   separator) is accepted too. Spaces around the separator are allowed.
//! - Blank lines and full-line `#` comments are skipped.
//! - Unquoted values run to the end of the line, are trimmed, and end at an inline comment
//!   only when the `#` follows whitespace (`A=b #c` is `b`, `A=b#c` is `b#c`).
//! - `'single quoted'` values are literal (a `\'` does not end them and stands for `'`).
//! - `"double quoted"` values decode `\n`, `\r`, `\t`, `\\` and `\"`; `\$` stays as written
//!   (it escapes interpolation, which is left to the consumer); any other `\x` is `x`.
//! - Quoted values may span lines; after the closing quote only a `# comment` may follow.
//! - `KEY=` is an empty value; a bare `KEY` line (Compose: take the value from the host
//!   environment) is an empty value whose range is empty at the key's end, so
//!   `value.range.start == key.range.end` tells the two apart.
//!
//! `${VAR}` interpolation is not performed: values are kept as written.
//!
//! The result is one root mapping (range: the whole text) whose entries have a plain-scalar
//! key (range: exactly the name) and a scalar value (range: the value token including quotes,
//! or an empty range right after `=` for an empty value).

use crate::{
    Comment, Document, Entry, Node, NodeKind, ParseError, Scalar, ScalarStyle, SourceStyle,
};
use idplint_diagnostics::TextRange;

/// Parse a `.env` file.
pub fn parse(text: &str) -> Result<Document, ParseError> {
    let mut parser = Parser {
        text,
        bytes: text.as_bytes(),
        // A leading byte-order mark is not part of the first key.
        pos: if text.starts_with('\u{feff}') {
            '\u{feff}'.len_utf8()
        } else {
            0
        },
        entries: Vec::new(),
        comments: Vec::new(),
    };
    parser.run()?;
    Ok(Document {
        roots: vec![Node {
            range: TextRange::from_usize(0, text.len()),
            kind: NodeKind::Mapping(parser.entries),
            tag: None,
            anchor: None,
        }],
        comments: parser.comments,
        style: SourceStyle::detect(text),
    })
}

struct Parser<'a> {
    text: &'a str,
    bytes: &'a [u8],
    pos: usize,
    entries: Vec<Entry>,
    comments: Vec<Comment>,
}

/// Whitespace inside a line. `\r` counts so CRLF line endings need no special casing (Compose
/// treats it the same way).
fn is_blank(byte: u8) -> bool {
    matches!(byte, b' ' | b'\t' | b'\r' | 0x0B | 0x0C)
}

fn is_key_char(c: char) -> bool {
    c.is_alphanumeric() || matches!(c, '_' | '.' | '-' | '[' | ']')
}

impl Parser<'_> {
    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.pos).copied()
    }

    fn skip_blanks(&mut self) {
        while self.peek().is_some_and(is_blank) {
            self.pos += 1;
        }
    }

    fn line_end(&self, from: usize) -> usize {
        self.bytes
            .get(from..)
            .and_then(|rest| rest.iter().position(|&b| b == b'\n'))
            .map_or(self.bytes.len(), |i| from + i)
    }

    fn line_start(&self, at: usize) -> usize {
        self.bytes
            .get(..at)
            .and_then(|before| before.iter().rposition(|&b| b == b'\n'))
            .map_or(0, |i| i + 1)
    }

    /// Slice by byte offsets; the offsets used here always sit on ASCII bytes, so `get` only
    /// guards against mistakes.
    fn slice(&self, start: usize, end: usize) -> &str {
        self.text.get(start..end).unwrap_or("")
    }

    fn error_at_line(&self, at: usize, message: impl Into<String>) -> ParseError {
        let start = self.line_start(at);
        let mut end = self.line_end(at);
        while end > start && self.bytes.get(end - 1) == Some(&b'\r') {
            end -= 1;
        }
        ParseError::new(message, TextRange::from_usize(start, end))
    }

    /// Record a `#` comment from `hash` to the end of its line and move past it.
    fn comment(&mut self, hash: usize) {
        let mut end = self.line_end(hash);
        while end > hash + 1 && self.bytes.get(end - 1) == Some(&b'\r') {
            end -= 1;
        }
        self.comments.push(Comment {
            range: TextRange::from_usize(hash, end),
            text: self.slice(hash + 1, end).to_owned(),
        });
        self.pos = self.line_end(hash);
    }

    fn run(&mut self) -> Result<(), ParseError> {
        loop {
            // Statement start: skip blank lines and indentation.
            while self.peek().is_some_and(|b| is_blank(b) || b == b'\n') {
                self.pos += 1;
            }
            match self.peek() {
                None => return Ok(()),
                Some(b'#') => self.comment(self.pos),
                Some(_) => self.assignment()?,
            }
        }
    }

    fn key_end(&self, from: usize) -> usize {
        let rest = self.text.get(from..).unwrap_or("");
        let len = rest.find(|c: char| !is_key_char(c)).unwrap_or(rest.len());
        from + len
    }

    fn assignment(&mut self) -> Result<(), ParseError> {
        let statement = self.pos;
        // `export KEY=...`: the prefix is not part of the key. `export` alone (or `export=1`)
        // is a variable named `export`.
        if self
            .text
            .get(self.pos..)
            .is_some_and(|rest| rest.starts_with("export"))
        {
            let mut after = self.pos + "export".len();
            if self
                .bytes
                .get(after)
                .is_some_and(|&b| b == b' ' || b == b'\t')
            {
                while self
                    .bytes
                    .get(after)
                    .is_some_and(|&b| b == b' ' || b == b'\t')
                {
                    after += 1;
                }
                if self.key_end(after) > after {
                    self.pos = after;
                }
            }
        }
        let key_start = self.pos;
        let key_end = self.key_end(key_start);
        if key_end == key_start {
            let found = self.text.get(key_start..).and_then(|r| r.chars().next());
            let detail = match found {
                Some('=') => "the variable name is missing".to_owned(),
                Some(c) => format!("unexpected character {c:?} in variable name"),
                None => "unexpected end of file".to_owned(),
            };
            return Err(self.error_at_line(
                statement,
                format!("invalid .env line: expected `KEY=value` ({detail})"),
            ));
        }
        self.pos = key_end;
        self.skip_blanks();
        let key = scalar(
            TextRange::from_usize(key_start, key_end),
            self.slice(key_start, key_end).to_owned(),
            ScalarStyle::Plain,
        );
        let value = match self.peek() {
            // A bare `KEY`: Compose takes the value from the host environment.
            None | Some(b'\n') => scalar(
                TextRange::from_usize(key_end, key_end),
                String::new(),
                ScalarStyle::Plain,
            ),
            Some(b'=' | b':') => {
                let separator_end = self.pos + 1;
                self.pos = separator_end;
                self.skip_blanks();
                match self.peek() {
                    Some(quote @ (b'"' | b'\'')) => self.quoted(quote)?,
                    _ => self.unquoted(separator_end),
                }
            }
            Some(_) => {
                let name = self.slice(key_start, key_end);
                let found = self
                    .text
                    .get(self.pos..)
                    .and_then(|r| r.chars().next())
                    .unwrap_or(' ');
                let detail = if self.pos > key_end {
                    format!("a variable name cannot contain spaces: found {found:?} after `{name}`")
                } else {
                    format!("unexpected character {found:?} in variable name `{name}`")
                };
                return Err(self.error_at_line(
                    statement,
                    format!("invalid .env line: expected `KEY=value` ({detail})"),
                ));
            }
        };
        let range = TextRange::new(key.range.start, value.range.end.max(key.range.start));
        self.entries.push(Entry { key, value, range });
        Ok(())
    }

    /// An unquoted value from `self.pos` to the end of the line or an inline comment.
    fn unquoted(&mut self, separator_end: usize) -> Node {
        let start = self.pos;
        let line_end = self.line_end(start);
        let mut end = line_end;
        let mut comment_at = None;
        let mut i = start;
        while i < line_end {
            // Inline comments need whitespace before the `#` (which may be the whitespace
            // right after `=`: `KEY= # note` is an empty value with a comment).
            if self.bytes.get(i) == Some(&b'#')
                && i > 0
                && self.bytes.get(i - 1).is_some_and(|&b| is_blank(b))
            {
                comment_at = Some(i);
                end = i;
                break;
            }
            i += 1;
        }
        while end > start && self.bytes.get(end - 1).is_some_and(|&b| is_blank(b)) {
            end -= 1;
        }
        let node = if end > start {
            scalar(
                TextRange::from_usize(start, end),
                self.slice(start, end).to_owned(),
                ScalarStyle::Plain,
            )
        } else {
            scalar(
                TextRange::from_usize(separator_end, separator_end),
                String::new(),
                ScalarStyle::Plain,
            )
        };
        match comment_at {
            Some(hash) => self.comment(hash),
            None => self.pos = line_end,
        }
        node
    }

    /// A quoted value starting at the quote at `self.pos`, possibly spanning lines.
    fn quoted(&mut self, quote: u8) -> Result<Node, ParseError> {
        let open = self.pos;
        let mut value = String::new();
        let mut segment_start = open + 1;
        let mut i = open + 1;
        let close = loop {
            let Some(&byte) = self.bytes.get(i) else {
                let line_end = self.line_end(open);
                let mut end = line_end;
                while end > open + 1 && self.bytes.get(end - 1) == Some(&b'\r') {
                    end -= 1;
                }
                let kind = if quote == b'"' { "double" } else { "single" };
                return Err(ParseError::new(
                    format!(
                        "unterminated {kind}-quoted value: the closing {} is missing",
                        quote as char
                    ),
                    TextRange::from_usize(open, end),
                ));
            };
            if byte == quote {
                value.push_str(self.slice(segment_start, i));
                break i;
            }
            if byte == b'\\' {
                let Some(&next) = self.bytes.get(i + 1) else {
                    i += 1;
                    continue;
                };
                let decoded: Option<&str> = if quote == b'\'' {
                    // Literal, except that `\'` does not end the value.
                    (next == b'\'').then_some("'")
                } else {
                    match next {
                        b'n' => Some("\n"),
                        b'r' => Some("\r"),
                        b't' => Some("\t"),
                        b'\\' => Some("\\"),
                        b'"' => Some("\""),
                        b'$' => Some("\\$"),
                        // Any other ASCII escape drops the backslash (Compose does the same).
                        _ if next.is_ascii() && next != b'\n' => self.text.get(i + 1..i + 2),
                        _ => None,
                    }
                };
                if let Some(decoded) = decoded {
                    value.push_str(self.slice(segment_start, i));
                    value.push_str(decoded);
                    i += 2;
                    segment_start = i;
                    continue;
                }
            }
            i += 1;
        };
        let style = if quote == b'"' {
            ScalarStyle::DoubleQuoted
        } else {
            ScalarStyle::SingleQuoted
        };
        self.pos = close + 1;
        // After the closing quote: only blanks and an optional comment on the same line.
        self.skip_blanks();
        match self.peek() {
            None | Some(b'\n') => {}
            Some(b'#') => self.comment(self.pos),
            Some(_) => {
                return Err(ParseError::new(
                    "invalid .env line: unexpected text after the closing quote (only a `# comment` may follow)",
                    TextRange::from_usize(self.pos, self.line_end(self.pos)),
                ));
            }
        }
        Ok(scalar(TextRange::from_usize(open, close + 1), value, style))
    }
}

fn scalar(range: TextRange, value: String, style: ScalarStyle) -> Node {
    Node {
        range,
        kind: NodeKind::Scalar(Scalar {
            value,
            style,
            content_range: None,
            content_indent: None,
        }),
        tag: None,
        anchor: None,
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]

    use super::*;

    fn entries(text: &str) -> Vec<(String, String, ScalarStyle, String, String)> {
        let doc = parse(text).unwrap();
        let root = doc.root().unwrap();
        assert_eq!(root.range, TextRange::from_usize(0, text.len()));
        root.as_mapping()
            .unwrap()
            .iter()
            .map(|e| {
                let scalar = e.value.as_scalar().unwrap();
                assert_eq!(e.key.range.slice(text), Some(e.key_str()));
                assert_eq!(e.range.start, e.key.range.start);
                assert_eq!(e.range.end, e.value.range.end);
                (
                    e.key_str().to_owned(),
                    scalar.value.clone(),
                    scalar.style,
                    e.value.range.slice(text).unwrap().to_owned(),
                    e.range.slice(text).unwrap().to_owned(),
                )
            })
            .collect()
    }

    fn values(text: &str) -> Vec<(String, String)> {
        entries(text).into_iter().map(|(k, v, ..)| (k, v)).collect()
    }

    fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
        list.iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect()
    }

    #[test]
    fn basic_assignments_and_ranges() {
        let text = "# header\nA=1\nexport B = two words \n\n  C=\nD\nE: yaml\n";
        let got = entries(text);
        assert_eq!(
            got[0],
            (
                "A".into(),
                "1".into(),
                ScalarStyle::Plain,
                "1".into(),
                "A=1".into()
            )
        );
        assert_eq!(got[1].0, "B");
        assert_eq!(got[1].1, "two words");
        assert_eq!(got[1].4, "B = two words");
        // Empty value: empty range right after `=`.
        let doc = parse(text).unwrap();
        let root = doc.root().unwrap();
        let c = root.get("C").unwrap();
        assert!(c.value.range.is_empty());
        assert_eq!(c.value.range.start, c.key.range.end + 1);
        // Bare key: empty range at the key's end.
        let d = root.get("D").unwrap();
        assert_eq!(d.value.range, TextRange::empty(d.key.range.end));
        assert_eq!(root.get("E").unwrap().value.as_str(), Some("yaml"));
        assert_eq!(doc.comments.len(), 1);
        assert_eq!(doc.comments[0].text, " header");
        assert_eq!(doc.comments[0].range.slice(text), Some("# header"));
    }

    #[test]
    fn inline_comments_need_whitespace() {
        let text =
            "A=b #c\nB=b#c\nC= # only comment\nD=x\t# tab\nE='q' # after quote\nF=\"q\"#tight\n";
        assert_eq!(
            values(text),
            pairs(&[
                ("A", "b"),
                ("B", "b#c"),
                ("C", ""),
                ("D", "x"),
                ("E", "q"),
                ("F", "q")
            ])
        );
        let doc = parse(text).unwrap();
        let texts: Vec<_> = doc.comments.iter().map(|c| c.text.as_str()).collect();
        assert_eq!(
            texts,
            ["c", " only comment", " tab", " after quote", "tight"]
        );
        for comment in &doc.comments {
            assert!(comment.range.slice(text).unwrap().starts_with('#'));
        }
        let c = doc.root().unwrap().get("C").unwrap();
        assert_eq!(c.value.range, TextRange::empty(c.key.range.end + 1));
    }

    #[test]
    fn quoting_rules() {
        let text = concat!(
            "S='a\\nb $X \"q\" # not comment'\n",
            "D=\"a\\nb\\t\\\"q\\\" \\\\ \\$X # not comment\"\n",
            "M=\"line1\nline2\"\n",
            "Q='it\\'s'\n",
            "E=\"\"\n",
        );
        let got = entries(text);
        assert_eq!(got[0].1, "a\\nb $X \"q\" # not comment");
        assert_eq!(got[0].2, ScalarStyle::SingleQuoted);
        assert_eq!(got[0].3, "'a\\nb $X \"q\" # not comment'");
        assert_eq!(got[1].1, "a\nb\t\"q\" \\ \\$X # not comment");
        assert_eq!(got[1].2, ScalarStyle::DoubleQuoted);
        assert_eq!(got[2].1, "line1\nline2");
        assert_eq!(got[2].3, "\"line1\nline2\"");
        assert_eq!(got[3].1, "it's");
        assert_eq!(got[4].1, "");
        assert_eq!(got[4].3, "\"\"");
        assert!(
            parse("A=\"x\n")
                .unwrap_err()
                .message
                .contains("unterminated")
        );
        assert_eq!(
            parse("A=\"x\nB=1\n").unwrap_err().range,
            TextRange::new(2, 4)
        );
        assert!(parse("A='x' y\n").is_err());
    }

    #[test]
    fn crlf_and_non_ascii() {
        let text = "# 日本語のコメント\r\nNAME=値 # 注釈\r\nURL=\"https://例え.jp\"\r\nEMPTY=\r\n";
        let got = entries(text);
        assert_eq!(got[0].1, "値");
        assert_eq!(got[0].3, "値");
        assert_eq!(got[1].1, "https://例え.jp");
        assert_eq!(got[2].1, "");
        let doc = parse(text).unwrap();
        assert_eq!(
            doc.comments[0].range.slice(text),
            Some("# 日本語のコメント")
        );
        assert_eq!(doc.comments[1].text, " 注釈");
        assert_eq!(doc.style.newline, crate::Newline::CrLf);
    }

    #[test]
    fn junk_lines_are_errors_at_that_line() {
        let text = "A=1\nthis is junk\nB=2\n";
        let error = parse(text).unwrap_err();
        assert_eq!(error.range.slice(text), Some("this is junk"));
        assert!(error.message.contains("KEY=value"), "{}", error.message);
        let error = parse("A=1\r\n=value\r\n").unwrap_err();
        assert_eq!(error.range, TextRange::new(5, 11));
        assert!(parse("KEY!=1").is_err());
    }

    #[test]
    fn bom_and_edge_cases() {
        let text = "\u{feff}A=1";
        let doc = parse(text).unwrap();
        assert_eq!(doc.root().unwrap().get("A").unwrap().key.range.start, 3);
        assert_eq!(
            values("export=1\nexport\n"),
            pairs(&[("export", "1"), ("export", "")])
        );
        assert_eq!(values(""), pairs(&[]));
        assert_eq!(values("A=x\\"), pairs(&[("A", "x\\")]));
        assert!(parse("A=\"x\\").is_err());
        for text in [
            "\"", "'", "=", "A=\"\\", "A='\\", "#", "\r", "export ", "日=本",
        ] {
            let _ = parse(text);
        }
    }
}
