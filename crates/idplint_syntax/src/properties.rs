//! `keycloak.conf` and Java `.properties` files into a mapping of their keys.
//!
//! The rules are those of `java.util.Properties.load` (which Keycloak's config source uses):
//!
//! - Leading whitespace (space, tab, form feed) of every line is ignored; blank lines are
//!   skipped; a line whose first non-blank character is `#` or `!` is a comment.
//! - The key ends at the first unescaped `=`, `:` or whitespace; whitespace and at most one
//!   `=`/`:` after it are skipped, the rest of the line is the value (`key value`,
//!   `key = value`, `key:value`). A line with only a key has an empty value.
//! - A line ending in an odd number of backslashes continues on the next line, whose leading
//!   whitespace is dropped. A comment line never continues.
//! - Escapes `\t`, `\n`, `\r`, `\f`, `\uXXXX` are decoded and any other `\x` is `x`. Unlike
//!   Java, unescaped trailing whitespace of a value is trimmed (Keycloak trims values).
//! - `${ENV_VAR:default}` expressions are kept verbatim.
//!
//! `;` does not start a comment in this format; a line like `; note` is a key named `;`.
//!
//! The result is one root mapping (range: the whole text); each entry's key range is exactly
//! the key text and its value range exactly the value text, across continuation lines when
//! it spans them (empty values get an empty range right after the separator, or at the end
//! of the key when there is no `=`/`:`). The only error is a malformed `\uXXXX` escape,
//! which Java refuses too.

use crate::{
    Comment, Document, Entry, Node, NodeKind, ParseError, Scalar, ScalarStyle, SourceStyle,
};
use idplint_diagnostics::TextRange;

/// Parse a properties-style file.
pub fn parse(text: &str) -> Result<Document, ParseError> {
    let mut pos = if text.starts_with('\u{feff}') {
        '\u{feff}'.len_utf8()
    } else {
        0
    };
    let mut entries = Vec::new();
    let mut comments = Vec::new();
    loop {
        // Skip blank lines and indentation up to the next logical line.
        let rest = text.get(pos..).unwrap_or("");
        pos += rest.len()
            - rest
                .trim_start_matches([' ', '\t', '\x0C', '\r', '\n'])
                .len();
        let Some(first) = text.get(pos..).and_then(|r| r.chars().next()) else {
            break;
        };
        if first == '#' || first == '!' {
            let end = line_end(text, pos);
            comments.push(Comment {
                range: TextRange::from_usize(pos, end),
                text: text.get(pos + 1..end).unwrap_or("").to_owned(),
            });
            pos = end;
            continue;
        }
        let (units, next) = logical_line(text, pos);
        pos = next;
        entries.push(entry(&units)?);
    }
    Ok(Document {
        roots: vec![Node {
            range: TextRange::from_usize(0, text.len()),
            kind: NodeKind::Mapping(entries),
            tag: None,
            anchor: None,
        }],
        comments,
        style: SourceStyle::detect(text),
    })
}

/// End of the line holding `from` (at its `\r` or `\n`, or the end of the text).
fn line_end(text: &str, from: usize) -> usize {
    text.get(from..)
        .and_then(|rest| rest.find(['\r', '\n']))
        .map_or(text.len(), |i| from + i)
}

/// One character of a logical line with the source bytes it came from.
#[derive(Clone, Copy)]
struct Unit {
    c: char,
    start: usize,
    end: usize,
}

/// Collect the logical line starting at `pos` (continuations joined, the continuation
/// backslashes and the next lines' indentation dropped). Returns the units and the offset
/// where the line ended.
fn logical_line(text: &str, mut pos: usize) -> (Vec<Unit>, usize) {
    let mut units: Vec<Unit> = Vec::new();
    let mut preceding_backslash = false;
    while let Some(c) = text.get(pos..).and_then(|r| r.chars().next()) {
        if c == '\n' || c == '\r' {
            if !preceding_backslash {
                break;
            }
            // Continuation: the backslash is not part of the line.
            units.pop();
            preceding_backslash = false;
            pos += 1;
            if c == '\r' && text.as_bytes().get(pos) == Some(&b'\n') {
                pos += 1;
            }
            let rest = text.get(pos..).unwrap_or("");
            pos += rest.len() - rest.trim_start_matches([' ', '\t', '\x0C']).len();
            continue;
        }
        let end = pos + c.len_utf8();
        units.push(Unit { c, start: pos, end });
        preceding_backslash = c == '\\' && !preceding_backslash;
        pos = end;
    }
    if preceding_backslash {
        // A backslash at the very end of the file continues into nothing.
        units.pop();
    }
    (units, pos)
}

fn is_blank(c: char) -> bool {
    matches!(c, ' ' | '\t' | '\x0C')
}

fn entry(units: &[Unit]) -> Result<Entry, ParseError> {
    let line_start = units.first().map_or(0, |u| u.start);
    // Split exactly as `Properties.load` does.
    let mut key_len = 0;
    let mut value_start = units.len();
    let mut separator: Option<usize> = None;
    let mut preceding_backslash = false;
    while let Some(unit) = units.get(key_len) {
        if !preceding_backslash {
            if unit.c == '=' || unit.c == ':' {
                separator = Some(key_len);
                value_start = key_len + 1;
                break;
            }
            if is_blank(unit.c) {
                value_start = key_len + 1;
                break;
            }
        }
        preceding_backslash = unit.c == '\\' && !preceding_backslash;
        key_len += 1;
    }
    while let Some(unit) = units.get(value_start) {
        if !is_blank(unit.c) {
            if separator.is_none() && (unit.c == '=' || unit.c == ':') {
                separator = Some(value_start);
            } else {
                break;
            }
        }
        value_start += 1;
    }

    let key_units = units.get(..key_len).unwrap_or_default();
    let key_range = match (key_units.first(), key_units.last()) {
        (Some(first), Some(last)) => TextRange::from_usize(first.start, last.end),
        // `=value`: an empty key, placed where the line starts.
        _ => TextRange::from_usize(line_start, line_start),
    };
    let (key_text, _) = decode(key_units)?;

    let value_units = units.get(value_start..).unwrap_or_default();
    let (value_text, kept_end) = decode(value_units)?;
    let value_range = match (value_units.first(), kept_end) {
        (Some(first), Some(end)) => TextRange::from_usize(first.start, end),
        _ => {
            let at = separator
                .and_then(|index| units.get(index))
                .map_or(key_range.end as usize, |sep| sep.end);
            TextRange::from_usize(at, at)
        }
    };
    let entry_range = TextRange::new(key_range.start, value_range.end.max(key_range.start));
    Ok(Entry {
        key: scalar(key_range, key_text),
        value: scalar(value_range, value_text),
        range: entry_range,
    })
}

/// Decode escapes in `units` and trim unescaped trailing whitespace. Returns the text and the
/// source end of the last kept character (`None` when nothing is left).
fn decode(units: &[Unit]) -> Result<(String, Option<usize>), ParseError> {
    // (decoded char, source end, came from an escape)
    let mut out: Vec<(char, usize, bool)> = Vec::with_capacity(units.len());
    let mut pending_high: Option<u32> = None;
    let mut i = 0;
    while let Some(unit) = units.get(i) {
        if unit.c != '\\' {
            flush_surrogate(&mut pending_high, &mut out, unit.start);
            out.push((unit.c, unit.end, false));
            i += 1;
            continue;
        }
        let Some(next) = units.get(i + 1) else {
            // Cannot happen after `logical_line` (it drops a final lone backslash); keep it.
            out.push(('\\', unit.end, false));
            break;
        };
        if next.c == 'u' {
            let digits = units.get(i + 2..i + 6).unwrap_or_default();
            let hex: String = digits.iter().map(|u| u.c).collect();
            let code = (digits.len() == 4)
                .then(|| u32::from_str_radix(&hex, 16).ok())
                .flatten()
                .filter(|_| hex.bytes().all(|b| b.is_ascii_hexdigit()));
            let Some(code) = code else {
                let end = digits.last().map_or(next.end, |u| u.end);
                return Err(ParseError::new(
                    "malformed \\uXXXX escape: expected four hex digits",
                    TextRange::from_usize(unit.start, end),
                ));
            };
            let end = digits.last().map_or(next.end, |u| u.end);
            // Java strings are UTF-16: a pair of escapes can spell one character.
            match code {
                0xD800..=0xDBFF => {
                    flush_surrogate(&mut pending_high, &mut out, end);
                    pending_high = Some(code);
                }
                0xDC00..=0xDFFF => match pending_high.take() {
                    Some(high) => {
                        let combined = 0x10000 + ((high - 0xD800) << 10) + (code - 0xDC00);
                        out.push((char::from_u32(combined).unwrap_or('\u{FFFD}'), end, true));
                    }
                    None => out.push(('\u{FFFD}', end, true)),
                },
                _ => {
                    flush_surrogate(&mut pending_high, &mut out, end);
                    out.push((char::from_u32(code).unwrap_or('\u{FFFD}'), end, true));
                }
            }
            i += 6;
            continue;
        }
        flush_surrogate(&mut pending_high, &mut out, unit.start);
        let decoded = match next.c {
            't' => '\t',
            'n' => '\n',
            'r' => '\r',
            'f' => '\x0C',
            other => other,
        };
        out.push((decoded, next.end, true));
        i += 2;
    }
    if let Some(end) = units.last().map(|u| u.end) {
        flush_surrogate(&mut pending_high, &mut out, end);
    }
    while out
        .last()
        .is_some_and(|&(c, _, escaped)| !escaped && c.is_whitespace())
    {
        out.pop();
    }
    let kept_end = out.last().map(|&(_, end, _)| end);
    Ok((out.into_iter().map(|(c, ..)| c).collect(), kept_end))
}

/// A high surrogate not followed by a low one cannot be represented: use U+FFFD.
fn flush_surrogate(pending: &mut Option<u32>, out: &mut Vec<(char, usize, bool)>, end: usize) {
    if pending.take().is_some() {
        out.push(('\u{FFFD}', end, true));
    }
}

fn scalar(range: TextRange, value: String) -> Node {
    Node {
        range,
        kind: NodeKind::Scalar(Scalar {
            value,
            style: ScalarStyle::Plain,
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

    /// (key, value, key source, value source)
    fn entries(text: &str) -> Vec<(String, String, String, String)> {
        let doc = parse(text).unwrap();
        let root = doc.root().unwrap();
        assert_eq!(root.range, TextRange::from_usize(0, text.len()));
        root.as_mapping()
            .unwrap()
            .iter()
            .map(|e| {
                assert_eq!(e.range.start, e.key.range.start);
                assert_eq!(e.range.end, e.value.range.end);
                (
                    e.key_str().to_owned(),
                    e.value.as_str().unwrap().to_owned(),
                    e.key.range.slice(text).unwrap().to_owned(),
                    e.value.range.slice(text).unwrap().to_owned(),
                )
            })
            .collect()
    }

    fn kv(text: &str) -> Vec<(String, String)> {
        entries(text).into_iter().map(|(k, v, ..)| (k, v)).collect()
    }

    fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
        list.iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect()
    }

    #[test]
    fn separators() {
        let text = "a=1\nb: 2\nc 3\n  d = 4  \ne\t:\t5\nf=\ng\nh==x\ni:=y\nj  \n";
        assert_eq!(
            kv(text),
            pairs(&[
                ("a", "1"),
                ("b", "2"),
                ("c", "3"),
                ("d", "4"),
                ("e", "5"),
                ("f", ""),
                ("g", ""),
                ("h", "=x"),
                ("i", "=y"),
                ("j", ""),
            ])
        );
        let got = entries(text);
        assert_eq!(got[3].2, "d");
        assert_eq!(got[3].3, "4");
        let doc = parse(text).unwrap();
        let root = doc.root().unwrap();
        let f = root.get("f").unwrap();
        assert_eq!(f.value.range, TextRange::empty(f.key.range.end + 1));
        let g = root.get("g").unwrap();
        assert_eq!(g.value.range, TextRange::empty(g.key.range.end));
    }

    #[test]
    fn comments_and_keycloak_values() {
        let text = "# Basic settings\n! bang\n  # indented\ndb-url=jdbc:postgresql://${DB_HOST:localhost}:5432/kc\nlog-level=${KEYCLOAK_LOGLEVEL:INFO}\n; note=1\n";
        let got = entries(text);
        assert_eq!(got[0].1, "jdbc:postgresql://${DB_HOST:localhost}:5432/kc");
        assert_eq!(got[1].1, "${KEYCLOAK_LOGLEVEL:INFO}");
        assert_eq!(got[2].0, ";");
        assert_eq!(got[2].1, "note=1");
        let doc = parse(text).unwrap();
        let comments: Vec<_> = doc
            .comments
            .iter()
            .map(|c| (c.text.as_str(), c.range.slice(text).unwrap()))
            .collect();
        assert_eq!(
            comments,
            [
                (" Basic settings", "# Basic settings"),
                (" bang", "! bang"),
                (" indented", "# indented")
            ]
        );
    }

    #[test]
    fn continuations() {
        let text = "spi-csp=frame-src 'self'; \\\n    frame-ancestors 'self'\\\r\n\tobject-src 'none'\nnext=1\n";
        let got = entries(text);
        assert_eq!(
            got[0].1,
            "frame-src 'self'; frame-ancestors 'self'object-src 'none'"
        );
        assert_eq!(
            got[0].3,
            "frame-src 'self'; \\\n    frame-ancestors 'self'\\\r\n\tobject-src 'none'"
        );
        assert_eq!(
            got[1],
            ("next".into(), "1".into(), "next".into(), "1".into())
        );
        // Even backslashes do not continue; a comment line never continues.
        assert_eq!(
            kv("a=x\\\\\nb=y\n# c \\\nd=z"),
            pairs(&[("a", "x\\"), ("b", "y"), ("d", "z")])
        );
        // A blank continuation line ends the value; a continuation at EOF is dropped.
        assert_eq!(kv("a=x\\\n\nb=y\\"), pairs(&[("a", "x"), ("b", "y")]));
        // `#` on a continuation line is content.
        assert_eq!(kv("a=x\\\n  #y"), pairs(&[("a", "x#y")]));
    }

    #[test]
    fn escapes() {
        let text = "k\\ ey\\:x = a\\tb\\n\\u00e9\\\\ \\uD83D\\uDE00\\ \n";
        let got = entries(text);
        assert_eq!(got[0].0, "k ey:x");
        assert_eq!(got[0].2, "k\\ ey\\:x");
        // The escaped trailing space is kept; unescaped ones are trimmed.
        assert_eq!(got[0].1, "a\tb\né\\ 😀 ");
        assert_eq!(got[0].3, "a\\tb\\n\\u00e9\\\\ \\uD83D\\uDE00\\ ");
        let error = parse("a=\\u12x4\n").unwrap_err();
        assert!(error.message.contains("\\uXXXX"));
        assert_eq!(error.range, TextRange::new(2, 8));
        assert!(parse("a=\\u12").is_err());
        assert_eq!(kv("a=\\uD800x"), pairs(&[("a", "\u{FFFD}x")]));
    }

    #[test]
    fn crlf_non_ascii_and_bom() {
        let text = "\u{feff}# 設定\r\nhostname=例え.jp  \r\nhttp-enabled=true\r\n";
        let got = entries(text);
        assert_eq!(
            got[0],
            (
                "hostname".into(),
                "例え.jp".into(),
                "hostname".into(),
                "例え.jp".into()
            )
        );
        assert_eq!(got[1].3, "true");
        let doc = parse(text).unwrap();
        assert_eq!(doc.comments[0].range.slice(text), Some("# 設定"));
        assert_eq!(doc.style.newline, crate::Newline::CrLf);
        // Lone CR ends lines too (Java does the same).
        assert_eq!(kv("a=1\rb=2"), pairs(&[("a", "1"), ("b", "2")]));
    }

    #[test]
    fn odd_inputs_do_not_panic() {
        for text in [
            "",
            "=",
            ":",
            "\\",
            "\\\n",
            "=x",
            "\\u",
            "a=\\u",
            "!",
            "\u{feff}",
            "é",
            "a\\\r\n\r\n",
            "\t\x0c",
        ] {
            if let Ok(doc) = parse(text) {
                doc.root()
                    .unwrap()
                    .walk(&mut |node| assert!(node.range.slice(text).is_some(), "{text:?}"));
            }
        }
        assert_eq!(kv("=x"), pairs(&[("", "x")]));
    }
}
