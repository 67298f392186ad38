//! Strict JSON (RFC 8259: no comments, no trailing commas) into the span tree.
//!
//! Tokenizing and parsing is done by `jsonc-parser` with every leniency switched off. Two
//! things it does not check are checked here in a cheap linear pre-scan before it runs:
//!
//! - nesting depth: `jsonc-parser` is recursive, so a file of 10,000 `[` must be refused
//!   before it is handed over (its own cap of 512 levels is only a second line of defence);
//! - characters RFC 8259 forbids that `jsonc-parser` tolerates: raw control characters
//!   inside strings, and whitespace other than space, tab, CR and LF between tokens
//!   (vertical tab, form feed, non-ASCII spaces).
//!
//! A leading UTF-8 byte-order mark is skipped; every range stays relative to the original
//! text, BOM included.

use crate::{
    Document, Entry, Limits, Node, NodeKind, ParseError, Scalar, ScalarStyle, SourceStyle,
};
use idplint_diagnostics::TextRange;
use jsonc_parser::ast::{ObjectPropName, Value};
use jsonc_parser::errors::ParseErrorKind;
use jsonc_parser::{CollectOptions, ParseOptions};

/// Byte length of U+FEFF in UTF-8.
const BOM_LEN: usize = '\u{feff}'.len_utf8();

/// Parse strict JSON.
pub fn parse(text: &str, limits: &Limits) -> Result<Document, ParseError> {
    let offset = if text.starts_with('\u{feff}') {
        BOM_LEN
    } else {
        0
    };
    let body = text.get(offset..).unwrap_or("");

    // Must run before jsonc-parser: it refuses too-deep input without recursing into it.
    let strictness_error = pre_scan(body, offset, limits.max_depth)?;

    let options = ParseOptions {
        allow_comments: false,
        allow_loose_object_property_names: false,
        allow_trailing_commas: false,
        allow_missing_commas: false,
        allow_single_quoted_strings: false,
        allow_hexadecimal_numbers: false,
        allow_unary_plus_numbers: false,
        allow_bare_decimal_point_numbers: false,
        allow_non_finite_numbers: false,
        allow_extended_string_escapes: false,
    };
    let parsed = match jsonc_parser::parse_to_ast(body, &CollectOptions::default(), &options) {
        Ok(parsed) => parsed,
        Err(error) => {
            let range = error.range();
            let converted = ParseError::new(
                describe_error(error.kind()),
                clamp_range(range.start + offset, range.end + offset, text.len()),
            );
            // Report whichever problem comes first in the file.
            return Err(match strictness_error {
                Some(strict) if strict.range.start <= converted.range.start => strict,
                _ => converted,
            });
        }
    };
    if let Some(error) = strictness_error {
        return Err(error);
    }
    let Some(value) = parsed.value else {
        return Err(ParseError::new(
            "invalid JSON: the file contains no value",
            TextRange::from_usize(text.len(), text.len()),
        ));
    };

    let mut converter = Converter {
        offset,
        text_len: text.len(),
        nodes: 0,
        max_nodes: limits.max_nodes,
    };
    let root = converter.value(&value)?;
    Ok(Document {
        roots: vec![root],
        comments: Vec::new(),
        style: SourceStyle::detect(text),
    })
}

/// One linear pass over the text that tracks strings and brackets.
///
/// Returns `Err` at once when nesting is deeper than `max_depth` (jsonc-parser must not see
/// such input). Other strictness violations are returned as `Ok(Some(_))` so the caller can
/// report whichever error comes first in the file.
fn pre_scan(body: &str, offset: usize, max_depth: usize) -> Result<Option<ParseError>, ParseError> {
    let bytes = body.as_bytes();
    let mut depth = 0usize;
    let mut in_string = false;
    let mut escaped = false;
    let mut first_violation: Option<ParseError> = None;
    let mut index = 0;
    while let Some(&byte) = bytes.get(index) {
        if in_string {
            if escaped {
                escaped = false;
            } else if byte == b'\\' {
                escaped = true;
            } else if byte == b'"' {
                in_string = false;
            } else if byte < 0x20 && first_violation.is_none() {
                first_violation = Some(ParseError::new(
                    format!(
                        "invalid JSON: control character U+{byte:04X} must be escaped inside a string"
                    ),
                    TextRange::from_usize(offset + index, offset + index + 1),
                ));
            }
            index += 1;
            continue;
        }
        match byte {
            b'"' => in_string = true,
            b'[' | b'{' => {
                depth += 1;
                if depth > max_depth {
                    return Err(ParseError::new(
                        format!("JSON nesting is deeper than the limit of {max_depth} levels"),
                        TextRange::from_usize(offset + index, offset + index + 1),
                    ));
                }
            }
            b']' | b'}' => depth = depth.saturating_sub(1),
            0x0B | 0x0C if first_violation.is_none() => {
                first_violation = Some(ParseError::new(
                    "invalid JSON: only space, tab, CR and LF are allowed as whitespace",
                    TextRange::from_usize(offset + index, offset + index + 1),
                ));
            }
            0x80.. if first_violation.is_none() => {
                // Outside strings nothing non-ASCII is valid JSON; jsonc-parser would skip
                // Unicode spaces (NBSP, U+2028, ...) silently.
                let len = body
                    .get(index..)
                    .and_then(|rest| rest.chars().next())
                    .map_or(1, char::len_utf8);
                first_violation = Some(ParseError::new(
                    "invalid JSON: unexpected non-ASCII character outside a string",
                    TextRange::from_usize(offset + index, offset + index + len),
                ));
            }
            _ => {}
        }
        index += 1;
    }
    Ok(first_violation)
}

fn describe_error(kind: &ParseErrorKind) -> String {
    match kind {
        ParseErrorKind::CommentsNotAllowed => {
            "invalid JSON: comments are not allowed in strict JSON".to_owned()
        }
        ParseErrorKind::TrailingCommasNotAllowed => {
            "invalid JSON: trailing commas are not allowed in strict JSON".to_owned()
        }
        ParseErrorKind::ExpectedStringObjectProperty => {
            "invalid JSON: object keys must be double-quoted strings".to_owned()
        }
        ParseErrorKind::NestingDepthExceeded => "JSON nesting is too deep".to_owned(),
        other => {
            let message = other.to_string();
            let mut chars = message.chars();
            match chars.next() {
                Some(first) => format!("invalid JSON: {}{}", first.to_lowercase(), chars.as_str()),
                None => "invalid JSON".to_owned(),
            }
        }
    }
}

fn clamp_range(start: usize, end: usize, len: usize) -> TextRange {
    let start = start.min(len);
    TextRange::from_usize(start, end.clamp(start, len))
}

struct Converter {
    offset: usize,
    text_len: usize,
    nodes: usize,
    max_nodes: usize,
}

impl Converter {
    fn range(&self, range: jsonc_parser::common::Range) -> TextRange {
        clamp_range(
            range.start + self.offset,
            range.end + self.offset,
            self.text_len,
        )
    }

    fn count(&mut self, range: TextRange) -> Result<(), ParseError> {
        self.nodes += 1;
        if self.nodes > self.max_nodes {
            return Err(ParseError::new(
                format!("JSON has more than {} nodes", self.max_nodes),
                range,
            ));
        }
        Ok(())
    }

    fn scalar(
        &mut self,
        range: TextRange,
        value: String,
        style: ScalarStyle,
    ) -> Result<Node, ParseError> {
        self.count(range)?;
        Ok(Node {
            range,
            kind: NodeKind::Scalar(Scalar {
                value,
                style,
                content_range: None,
                content_indent: None,
            }),
            tag: None,
            anchor: None,
        })
    }

    /// Recursion depth is bounded by the pre-scan (`Limits::max_depth`) and by
    /// jsonc-parser's own nesting cap, so this cannot overflow the stack.
    fn value(&mut self, value: &Value<'_>) -> Result<Node, ParseError> {
        match value {
            Value::Object(object) => {
                let range = self.range(object.range);
                self.count(range)?;
                let mut entries = Vec::with_capacity(object.properties.len());
                for property in &object.properties {
                    let key = match &property.name {
                        ObjectPropName::String(name) => {
                            let key_range = self.range(name.range);
                            self.scalar(
                                key_range,
                                name.value.to_string(),
                                ScalarStyle::DoubleQuoted,
                            )?
                        }
                        // Unreachable with `allow_loose_object_property_names: false`, but a
                        // word key is still representable, so keep it rather than fail.
                        ObjectPropName::Word(word) => {
                            let key_range = self.range(word.range);
                            self.scalar(key_range, word.value.to_owned(), ScalarStyle::Plain)?
                        }
                    };
                    let value = self.value(&property.value)?;
                    let entry_range =
                        TextRange::new(key.range.start, value.range.end.max(key.range.start));
                    entries.push(Entry {
                        key,
                        value,
                        range: entry_range,
                    });
                }
                Ok(collection(range, NodeKind::Mapping(entries)))
            }
            Value::Array(array) => {
                let range = self.range(array.range);
                self.count(range)?;
                let mut items = Vec::with_capacity(array.elements.len());
                for element in &array.elements {
                    items.push(self.value(element)?);
                }
                Ok(collection(range, NodeKind::Sequence(items)))
            }
            Value::StringLit(string) => {
                let range = self.range(string.range);
                self.scalar(range, string.value.to_string(), ScalarStyle::DoubleQuoted)
            }
            Value::NumberLit(number) => {
                let range = self.range(number.range);
                self.scalar(range, number.value.to_owned(), ScalarStyle::Plain)
            }
            Value::BooleanLit(boolean) => {
                let range = self.range(boolean.range);
                let literal = if boolean.value { "true" } else { "false" };
                self.scalar(range, literal.to_owned(), ScalarStyle::Plain)
            }
            Value::NullKeyword(null) => {
                let range = self.range(null.range);
                self.scalar(range, "null".to_owned(), ScalarStyle::Plain)
            }
        }
    }
}

fn collection(range: TextRange, kind: NodeKind) -> Node {
    Node {
        range,
        kind,
        tag: None,
        anchor: None,
    }
}

/// Text edits on strict JSON that keep the file's layout: one member per line stays one per
/// line, inline stays inline, and commas stay valid.
///
/// The functions take the text and nodes from [`parse`] of that same text. They never panic;
/// given a node of the wrong kind or an index out of range they return an edit that changes
/// nothing (an empty replacement at the node's start), or `None` where the signature allows.
pub mod edit {
    use crate::{Node, NodeKind};
    use idplint_diagnostics::{Edit, TextRange};

    /// Remove member `index` of `object` with the comma that separates it from its neighbour.
    /// A member on its own line(s) is removed with its whole lines.
    pub fn remove_member(text: &str, object: &Node, index: usize) -> Edit {
        match &object.kind {
            NodeKind::Mapping(entries) => {
                let ranges: Vec<TextRange> = entries.iter().map(|entry| entry.range).collect();
                remove_item(text, object.range, &ranges, index)
            }
            _ => no_op(object),
        }
    }

    /// Remove item `index` of `array` with the comma that separates it from its neighbour.
    /// An item on its own line(s) is removed with its whole lines.
    pub fn remove_array_item(text: &str, array: &Node, index: usize) -> Edit {
        match &array.kind {
            NodeKind::Sequence(items) => {
                let ranges: Vec<TextRange> = items.iter().map(|item| item.range).collect();
                remove_item(text, array.range, &ranges, index)
            }
            _ => no_op(array),
        }
    }

    /// Insert `item_text` (already valid JSON) after item `index` of `array`, separated by
    /// `,`, `newline` and the indentation of item `index` when that item sits on its own
    /// line, by `, ` otherwise.
    /// An index past the end inserts after the last item; an empty array gets `[item_text]`.
    pub fn insert_array_item_after(
        text: &str,
        array: &Node,
        index: usize,
        item_text: &str,
        newline: &str,
    ) -> Edit {
        let NodeKind::Sequence(items) = &array.kind else {
            return no_op(array);
        };
        let Some(anchor) = items.get(index).or_else(|| items.last()) else {
            return fill_empty(text, array.range, item_text);
        };
        let separator = match line_indent(text, anchor.range.start) {
            Some(indent) => format!(",{newline}{indent}"),
            None => ", ".to_owned(),
        };
        Edit::insert(anchor.range.end, format!("{separator}{item_text}"))
    }

    /// Append `"key": value_json` as the last member of `object`, with the indentation and
    /// the `:` spacing of the existing last member (`{}` becomes `{"key": value_json}`).
    /// `value_json` must already be valid JSON; `key` is escaped here. `None` when `object`
    /// is not an object.
    pub fn insert_member(
        text: &str,
        object: &Node,
        key: &str,
        value_json: &str,
        newline: &str,
    ) -> Option<Edit> {
        let NodeKind::Mapping(entries) = &object.kind else {
            return None;
        };
        let key_json = escape_string(key);
        let Some(last) = entries.last() else {
            return Some(fill_empty(
                text,
                object.range,
                &format!("{key_json}: {value_json}"),
            ));
        };
        // Reuse the spacing around `:` of the last member (`"a": 1` vs `"a" : 1` vs `"a":1`).
        let colon = TextRange::new(
            last.key.range.end,
            last.value.range.start.max(last.key.range.end),
        )
        .slice(text)
        .filter(|between| between.trim() == ":")
        .unwrap_or(": ");
        let separator = match line_indent(text, last.range.start) {
            Some(indent) => format!(",{newline}{indent}"),
            None => ", ".to_owned(),
        };
        Some(Edit::insert(
            last.range.end,
            format!("{separator}{key_json}{colon}{value_json}"),
        ))
    }

    /// Replace a string (or any scalar) node with `new_value` as a JSON string literal.
    pub fn replace_string(node: &Node, new_value: &str) -> Edit {
        Edit::replace(node.range, escape_string(new_value))
    }

    /// `value` as a JSON string literal, quotes included (RFC 8259 escaping: `"`, `\` and
    /// control characters).
    pub fn escape_string(value: &str) -> String {
        let mut out = String::with_capacity(value.len() + 2);
        out.push('"');
        for c in value.chars() {
            match c {
                '"' => out.push_str("\\\""),
                '\\' => out.push_str("\\\\"),
                '\n' => out.push_str("\\n"),
                '\r' => out.push_str("\\r"),
                '\t' => out.push_str("\\t"),
                '\u{08}' => out.push_str("\\b"),
                '\u{0C}' => out.push_str("\\f"),
                c if u32::from(c) < 0x20 => out.push_str(&format!("\\u{:04x}", u32::from(c))),
                c => out.push(c),
            }
        }
        out.push('"');
        out
    }

    fn no_op(node: &Node) -> Edit {
        Edit::insert(node.range.start, "")
    }

    /// Put `content` between the brackets of an empty container, replacing any whitespace
    /// inside (`{ }` → `{content}`).
    fn fill_empty(text: &str, container: TextRange, content: &str) -> Edit {
        let inner_start = container.start.saturating_add(1).min(container.end);
        let inner_end = container.end.saturating_sub(1).max(inner_start);
        let inner = TextRange::new(inner_start, inner_end);
        // Only swallow whitespace; anything else means the range is not what we think.
        let replace = if inner.slice(text).is_some_and(|s| s.trim().is_empty()) {
            inner
        } else {
            TextRange::empty(inner_start)
        };
        Edit::replace(replace, content)
    }

    fn remove_item(text: &str, container: TextRange, items: &[TextRange], index: usize) -> Edit {
        let Some(item) = items.get(index) else {
            return Edit::insert(container.start, "");
        };
        if items.len() == 1 {
            // The only item: leave `{}` / `[]`.
            let inner_start = container.start.saturating_add(1).min(container.end);
            let inner_end = container.end.saturating_sub(1).max(inner_start);
            return Edit::delete(TextRange::new(inner_start, inner_end));
        }
        if let Some(next) = items.get(index + 1) {
            // Not the last item: the comma after it goes with it.
            let own_lines = line_indent(text, item.start).is_some()
                && line_indent(text, next.start).is_some()
                && line_start(text, next.start) > line_start(text, item.start);
            if own_lines {
                return Edit::delete(TextRange::new(
                    line_start(text, item.start),
                    line_start(text, next.start),
                ));
            }
            return Edit::delete(TextRange::new(item.start, next.start));
        }
        // The last item: the comma before it goes with it, from the end of the previous item
        // (so `"b": 2,\n  "c": 3\n}` becomes `"b": 2\n}`).
        let previous_end = index
            .checked_sub(1)
            .and_then(|previous| items.get(previous))
            .map_or(item.start, |previous| previous.end);
        Edit::delete(TextRange::new(previous_end.min(item.start), item.end))
    }

    /// Start of the line holding byte `offset`.
    fn line_start(text: &str, offset: u32) -> u32 {
        let offset = (offset as usize).min(text.len());
        let before = text.as_bytes().get(..offset).unwrap_or_default();
        before
            .iter()
            .rposition(|&b| b == b'\n')
            .map_or(0, |newline| u32::try_from(newline + 1).unwrap_or(u32::MAX))
    }

    /// The indentation before `offset` when only spaces/tabs precede it on its line.
    fn line_indent(text: &str, offset: u32) -> Option<&str> {
        let start = line_start(text, offset);
        TextRange::new(start, offset.max(start))
            .slice(text)
            .filter(|prefix| prefix.bytes().all(|b| b == b' ' || b == b'\t'))
    }
}

/// A Terraform `templatefile` JSON template (`*.json.tpl`) made parseable without moving a
/// byte: outside strings, an interpolation (`"containerPort": ${port}`) becomes `0` padded
/// with spaces and a directive (`%{ if debug }`, `%{ endif }`) becomes spaces, so a
/// conditional list item is read as present. Inside strings, `${...}` stays (it is a
/// reference), except that quotes within it (`${lookup(m, "k")}`) become `'` so the string
/// still ends where Terraform's does. Line breaks are kept, so rows and columns match.
pub fn mask_terraform_template(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = bytes.to_vec();
    let mut in_string = false;
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        let opens_template = (b == b'$' || b == b'%') && bytes.get(i + 1) == Some(&b'{');
        if opens_template {
            let end = template_end(bytes, i + 2);
            if in_string {
                for byte in out.iter_mut().take(end).skip(i) {
                    if *byte == b'"' {
                        *byte = b'\'';
                    }
                }
            } else {
                for (k, byte) in out.iter_mut().enumerate().take(end).skip(i) {
                    if !matches!(*byte, b'\n' | b'\r') {
                        *byte = if k == i && b == b'$' { b'0' } else { b' ' };
                    }
                }
            }
            i = end;
            continue;
        }
        if in_string && b == b'\\' {
            i += 2;
            continue;
        }
        if b == b'"' {
            in_string = !in_string;
        }
        i += 1;
    }
    // Only ASCII bytes were replaced by ASCII bytes, so the text is still UTF-8.
    String::from_utf8(out).unwrap_or_else(|_| text.to_string())
}

/// The index just past the `}` closing a template sequence whose body starts at `from`
/// (nested braces counted, quoted strings inside skipped); the end of the text if unclosed.
fn template_end(bytes: &[u8], from: usize) -> usize {
    let mut depth = 1usize;
    let mut quoted = false;
    let mut i = from;
    while i < bytes.len() {
        match bytes[i] {
            b'\\' if quoted => i += 1,
            b'"' => quoted = !quoted,
            b'{' if !quoted => depth += 1,
            b'}' if !quoted => {
                depth -= 1;
                if depth == 0 {
                    return i + 1;
                }
            }
            _ => {}
        }
        i += 1;
    }
    bytes.len()
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]

    use super::edit::*;
    use super::*;
    use idplint_diagnostics::{Edit, apply_edits};

    fn limits() -> Limits {
        Limits::default()
    }

    fn slice(text: &str, range: TextRange) -> &str {
        range.slice(text).unwrap()
    }

    fn apply(text: &str, edit: Edit) -> String {
        let out = apply_edits(text, &[edit]).unwrap();
        // Every edit must leave strict JSON behind.
        parse(&out, &limits()).unwrap_or_else(|e| panic!("re-parse failed: {e:?}\n{out}"));
        out
    }

    #[test]
    fn spans_slice_back_to_tokens() {
        let text = "{\n  \"a\": 1.5e3,\n  \"b\": [true, null, \"x\\ny\"],\n  \"a\": {}\n}\n";
        let doc = parse(text, &limits()).unwrap();
        let root = doc.root().unwrap();
        assert_eq!(slice(text, root.range), &text[..text.len() - 1]);
        let entries = root.as_mapping().unwrap();
        assert_eq!(entries.len(), 3, "duplicate keys are kept");
        assert_eq!(slice(text, entries[0].key.range), "\"a\"");
        assert_eq!(slice(text, entries[0].value.range), "1.5e3");
        assert_eq!(entries[0].value.as_str(), Some("1.5e3"));
        assert_eq!(slice(text, entries[0].range), "\"a\": 1.5e3");
        let items = entries[1].value.as_sequence().unwrap();
        assert_eq!(
            slice(text, entries[1].value.range),
            "[true, null, \"x\\ny\"]"
        );
        assert_eq!(items[0].as_bool(), Some(true));
        assert!(items[1].is_null());
        assert_eq!(items[2].as_str(), Some("x\ny"));
        assert_eq!(slice(text, items[2].range), "\"x\\ny\"");
        assert_eq!(
            items[2].as_scalar().unwrap().style,
            ScalarStyle::DoubleQuoted
        );
        assert_eq!(slice(text, entries[2].value.range), "{}");
        // Last duplicate wins in lookups.
        assert!(root.get("a").unwrap().value.as_mapping().is_some());
        assert!(doc.comments.is_empty());
    }

    #[test]
    fn non_ascii_and_crlf_offsets_are_bytes() {
        let text = "{\"名前\": \"値です\",\r\n \"k\": \"v\"}\r\n";
        let doc = parse(text, &limits()).unwrap();
        let entries = doc.root().unwrap().as_mapping().unwrap().to_vec();
        assert_eq!(entries[0].key_str(), "名前");
        assert_eq!(slice(text, entries[0].value.range), "\"値です\"");
        assert_eq!(slice(text, entries[1].key.range), "\"k\"");
        assert_eq!(slice(text, entries[1].value.range), "\"v\"");
        assert_eq!(doc.style.newline, crate::Newline::CrLf);
    }

    #[test]
    fn bom_is_skipped_but_offsets_stay_absolute() {
        let text = "\u{feff}{\"a\": \"b\"}";
        let doc = parse(text, &limits()).unwrap();
        let root = doc.root().unwrap();
        assert_eq!(root.range.start, 3);
        assert_eq!(slice(text, root.get("a").unwrap().value.range), "\"b\"");
        assert!(doc.style.bom);
        let error = parse("\u{feff}{\"a\": 1,}", &limits()).unwrap_err();
        assert_eq!(error.range, TextRange::new(10, 11));
    }

    #[test]
    fn strictness() {
        let cases: &[(&str, &str)] = &[
            ("{\"a\": 1,}", ","),
            ("[1, 2,]", ","),
            ("{\"a\": 1} // c", "// c"),
            ("{\"a\": /* c */ 1}", "/* c */"),
            ("{'a': 1}", "'"),
            ("{a: 1}", "a"),
            ("[0x10]", "0"),
            ("[+1]", "+"),
            ("[.5]", "."),
            ("[NaN]", "NaN"),
            ("[Infinity]", "Infinity"),
            ("[\"\\x41\"]", "\\"),
            ("[\"a\tb\"]", "\t"),
            ("[1\u{0B}]", "\u{0B}"),
            ("[1,\u{a0}2]", "\u{a0}"),
            ("[1 2]", ""),
            ("[01]", ""),
            ("", ""),
            ("{} {}", "{"),
            ("[\"unterminated]", "\""),
        ];
        for (text, token) in cases {
            let error = parse(text, &limits()).expect_err(text);
            assert!(error.message.contains("JSON"), "{text}: {}", error.message);
            if !token.is_empty() {
                assert!(
                    slice(text, error.range).starts_with(token),
                    "{text:?}: range {:?} = {:?}, message {}",
                    error.range,
                    slice(text, error.range),
                    error.message
                );
            }
        }
        let error = parse("{\n  \"a\": 1,\n}", &limits()).unwrap_err();
        assert_eq!(error.range, TextRange::new(10, 11));
        assert!(
            error.message.contains("trailing comma"),
            "{}",
            error.message
        );
        let error = parse("{\"a\": 1} // c", &limits()).unwrap_err();
        assert!(error.message.contains("comments"), "{}", error.message);
    }

    #[test]
    fn first_error_in_the_file_is_reported() {
        // The trailing comma comes before the raw tab in a later string.
        let error = parse("[1,]\n[\"a\tb\"]", &limits()).unwrap_err();
        assert_eq!(error.range, TextRange::new(2, 3));
    }

    #[test]
    fn deep_nesting_is_an_error_not_a_crash() {
        for open in ["[", "{\"a\":"] {
            let text = open.repeat(10_000);
            let error = parse(&text, &limits()).unwrap_err();
            assert!(error.message.contains("nesting"), "{}", error.message);
        }
        let ok = format!("{}{}", "[".repeat(256), "]".repeat(256));
        assert!(parse(&ok, &limits()).is_ok());
        // jsonc-parser counts object members as levels too; the default limit still fits.
        let ok = format!("{}1{}", "{\"a\":".repeat(256), "}".repeat(256));
        assert!(parse(&ok, &limits()).is_ok());
        let too_deep = format!("{}{}", "[".repeat(257), "]".repeat(257));
        assert!(parse(&too_deep, &limits()).is_err());
        // Brackets inside strings do not count.
        let in_string = format!("[\"{}\"]", "[".repeat(10_000));
        assert!(parse(&in_string, &limits()).is_ok());
        // A limit above jsonc-parser's own cap still fails cleanly.
        let big = Limits {
            max_depth: 100_000,
            ..Limits::default()
        };
        let text = format!("{}{}", "[".repeat(5_000), "]".repeat(5_000));
        assert!(parse(&text, &big).is_err());
        let text = format!("{}{}", "{\"a\":[".repeat(150), "]}".repeat(150));
        assert!(parse(&text, &big).is_ok());
    }

    #[test]
    fn node_limit() {
        let small = Limits {
            max_nodes: 3,
            ..Limits::default()
        };
        assert!(parse("[1, 2]", &small).is_ok());
        let error = parse("[1, 2, 3]", &small).unwrap_err();
        assert!(error.message.contains("nodes"));
    }

    #[test]
    fn remove_member_own_lines() {
        let text = "{\n  \"a\": 1,\n  \"b\": {\n    \"x\": 2\n  },\n  \"c\": 3\n}\n";
        let doc = parse(text, &limits()).unwrap();
        let root = doc.root().unwrap();
        assert_eq!(
            apply(text, remove_member(text, root, 0)),
            "{\n  \"b\": {\n    \"x\": 2\n  },\n  \"c\": 3\n}\n"
        );
        assert_eq!(
            apply(text, remove_member(text, root, 1)),
            "{\n  \"a\": 1,\n  \"c\": 3\n}\n"
        );
        assert_eq!(
            apply(text, remove_member(text, root, 2)),
            "{\n  \"a\": 1,\n  \"b\": {\n    \"x\": 2\n  }\n}\n"
        );
        // Out of range: nothing changes.
        assert_eq!(apply(text, remove_member(text, root, 9)), text);
    }

    #[test]
    fn remove_member_inline_and_only() {
        let text = "{\"a\": 1, \"b\": 2, \"c\": 3}";
        let doc = parse(text, &limits()).unwrap();
        let root = doc.root().unwrap();
        assert_eq!(
            apply(text, remove_member(text, root, 0)),
            "{\"b\": 2, \"c\": 3}"
        );
        assert_eq!(
            apply(text, remove_member(text, root, 1)),
            "{\"a\": 1, \"c\": 3}"
        );
        assert_eq!(
            apply(text, remove_member(text, root, 2)),
            "{\"a\": 1, \"b\": 2}"
        );
        let text = "{\n  \"only\": true\n}";
        let doc = parse(text, &limits()).unwrap();
        assert_eq!(
            apply(text, remove_member(text, doc.root().unwrap(), 0)),
            "{}"
        );
    }

    #[test]
    fn remove_ecs_environment_item() {
        let text = "{\r\n  \"environment\": [\r\n    {\"name\": \"KC_DB\", \"value\": \"postgres\"},\r\n    {\"name\": \"KC_PROXY\", \"value\": \"edge\"}\r\n  ]\r\n}\r\n";
        let doc = parse(text, &limits()).unwrap();
        let array = &doc.root().unwrap().get("environment").unwrap().value;
        assert_eq!(
            apply(text, remove_array_item(text, array, 1)),
            "{\r\n  \"environment\": [\r\n    {\"name\": \"KC_DB\", \"value\": \"postgres\"}\r\n  ]\r\n}\r\n"
        );
        assert_eq!(
            apply(text, remove_array_item(text, array, 0)),
            "{\r\n  \"environment\": [\r\n    {\"name\": \"KC_PROXY\", \"value\": \"edge\"}\r\n  ]\r\n}\r\n"
        );
        let text = "[1, 2, 3]";
        let doc = parse(text, &limits()).unwrap();
        assert_eq!(
            apply(text, remove_array_item(text, doc.root().unwrap(), 1)),
            "[1, 3]"
        );
    }

    #[test]
    fn insert_array_items() {
        let text = "{\n  \"environment\": [\n    {\"name\": \"A\", \"value\": \"1\"}\n  ]\n}\n";
        let doc = parse(text, &limits()).unwrap();
        let array = &doc.root().unwrap().get("environment").unwrap().value;
        let edit =
            insert_array_item_after(text, array, 0, "{\"name\": \"B\", \"value\": \"2\"}", "\n");
        assert_eq!(
            apply(text, edit),
            "{\n  \"environment\": [\n    {\"name\": \"A\", \"value\": \"1\"},\n    {\"name\": \"B\", \"value\": \"2\"}\n  ]\n}\n"
        );
        let text = "[1, 3]";
        let doc = parse(text, &limits()).unwrap();
        let edit = insert_array_item_after(text, doc.root().unwrap(), 0, "2", "\n");
        assert_eq!(apply(text, edit), "[1, 2, 3]");
        let text = "[ ]";
        let doc = parse(text, &limits()).unwrap();
        let edit = insert_array_item_after(text, doc.root().unwrap(), 0, "\"x\"", "\n");
        assert_eq!(apply(text, edit), "[\"x\"]");
    }

    #[test]
    fn insert_members() {
        let text = "{\n\t\"a\":1\n}";
        let doc = parse(text, &limits()).unwrap();
        let edit = insert_member(text, doc.root().unwrap(), "new \"key\"", "[true]", "\n").unwrap();
        assert_eq!(
            apply(text, edit),
            "{\n\t\"a\":1,\n\t\"new \\\"key\\\"\":[true]\n}"
        );
        let text = "{\"a\": 1}";
        let doc = parse(text, &limits()).unwrap();
        let edit = insert_member(text, doc.root().unwrap(), "b", "2", "\n").unwrap();
        assert_eq!(apply(text, edit), "{\"a\": 1, \"b\": 2}");
        let text = "{}";
        let doc = parse(text, &limits()).unwrap();
        let edit = insert_member(text, doc.root().unwrap(), "b", "2", "\n").unwrap();
        assert_eq!(apply(text, edit), "{\"b\": 2}");
        let text = "[]";
        let doc = parse(text, &limits()).unwrap();
        assert!(insert_member(text, doc.root().unwrap(), "b", "2", "\n").is_none());
    }

    #[test]
    fn replace_strings() {
        let text = "{\"url\": \"http://old\", \"n\": 1}";
        let doc = parse(text, &limits()).unwrap();
        let node = &doc.root().unwrap().get("url").unwrap().value;
        let out = apply(text, replace_string(node, "a \"q\" \\ \n\t\u{1} é"));
        let doc = parse(&out, &limits()).unwrap();
        assert_eq!(
            doc.root().unwrap().get("url").unwrap().value.as_str(),
            Some("a \"q\" \\ \n\t\u{1} é")
        );
        assert_eq!(escape_string("\u{1}"), "\"\\u0001\"");
    }

    #[test]
    fn never_panics_on_garbage() {
        // A cheap deterministic fuzz over JSON-ish alphabets.
        let alphabet: Vec<char> =
            "{}[]\":,\\ \n\r\t0123456789-+.eE truefalsnul/*'\u{feff}é日\u{0}\u{b}"
                .chars()
                .collect();
        let mut state = 0x2545_f491_4f6c_dd1du64;
        for _ in 0..20_000 {
            let len = (state % 24) as usize;
            let mut text = String::new();
            for _ in 0..len {
                state ^= state << 13;
                state ^= state >> 7;
                state ^= state << 17;
                text.push(alphabet[(state % alphabet.len() as u64) as usize]);
            }
            if let Ok(doc) = parse(&text, &limits()) {
                doc.root().unwrap().walk(&mut |node| {
                    assert!(node.range.slice(&text).is_some(), "{text:?}");
                });
            } else if let Err(error) = parse(&text, &limits()) {
                assert!(error.range.slice(&text).is_some(), "{text:?} {error:?}");
            }
            state = state.wrapping_add(0x9e37_79b9_7f4a_7c15);
        }
    }

    #[test]
    fn terraform_templates_keep_their_byte_positions() {
        let text = "[{\"port\": ${port},\n %{ if debug }{\"a\": \"${x}\"},%{ endif }\n \"v\": \"${lookup(m, \"k\")}\"}]";
        let masked = mask_terraform_template(text);
        assert_eq!(masked.len(), text.len());
        assert_eq!(
            masked.match_indices('\n').collect::<Vec<_>>(),
            text.match_indices('\n').collect::<Vec<_>>()
        );
        assert!(masked.contains("\"port\": 0      ,"), "{masked}");
        assert!(masked.contains("\"${x}\""), "{masked}");
        assert!(masked.contains("\"${lookup(m, 'k')}\""), "{masked}");
        assert!(!masked.contains("%{"), "{masked}");
        // Unclosed sequences and stray braces never panic.
        for text in ["${", "%{ if", "\"${\"", "[${a}, %{}]", "\"\\", "é${é}"] {
            let masked = mask_terraform_template(text);
            assert_eq!(masked.len(), text.len(), "{text}");
        }
    }
}
