//! Format-aware edits for the change kinds: YAML through `idplint_syntax::yaml::edit`, JSON
//! through `idplint_syntax::json::edit`, plus the few things those helpers do not do (removing
//! parents that a removal leaves empty, appending a block list item, raw value moves).

use super::super::paths::existing_prefix;
use crate::unit::TreeUnit;
use idplint_diagnostics::{Edit, TextRange, apply_edits};
use idplint_syntax::json::edit as json_edit;
use idplint_syntax::yaml::edit as yaml_edit;
use idplint_syntax::{Entry, Limits, Node, NodeKind, ScalarStyle};

/// JSON text starts with `{` (after whitespace/BOM); YAML edits must not be used on it.
pub fn is_yaml(tree: &TreeUnit) -> bool {
    !tree
        .text
        .trim_start_matches('\u{feff}')
        .trim_start()
        .starts_with('{')
}

/// Whether the unit's text still parses once `edits` are applied. Swapping one plain YAML
/// word for another (`message_ttl` -> `message_retries`, `http` -> `https`) cannot change the
/// structure, so those edits skip the re-parse, which is most of a lint's cost on a large
/// config with an upgrade target (every rename fix would parse the whole unit again).
pub fn still_parses(tree: &TreeUnit, edits: &[Edit]) -> bool {
    if is_yaml(tree) && edits.iter().all(|e| swaps_plain_words(&tree.text, e)) {
        // Overlapping edits are refused by `apply_edits`; check that cheaply too.
        let mut ranges: Vec<TextRange> = edits.iter().map(|e| e.range).collect();
        ranges.sort_by_key(|r| r.start);
        return ranges.windows(2).all(|w| w[0].end <= w[1].start);
    }
    let Some(text) = apply_edits(&tree.text, edits) else {
        return false;
    };
    let limits = Limits::default();
    if is_yaml(tree) {
        idplint_syntax::yaml::parse(&text, &limits).is_ok()
    } else {
        idplint_syntax::json::parse(&text, &limits).is_ok()
    }
}

/// Whether `edit` replaces a plain word with another: both made of letters, digits, `_`, `.`,
/// `-` and `/`, starting with a letter, digit or `_`. Such a word cannot open or close any YAML
/// structure (no `:`, `#`, quotes, brackets, indicators), so the text parses as before.
fn swaps_plain_words(text: &str, edit: &Edit) -> bool {
    fn plain_word(word: &str) -> bool {
        let mut chars = word.chars();
        chars
            .next()
            .is_some_and(|c| c.is_ascii_alphanumeric() || c == '_')
            && chars.all(|c| c.is_ascii_alphanumeric() || "_.-/".contains(c))
    }
    !edit.range.is_empty()
        && edit.range.slice(text).is_some_and(plain_word)
        && plain_word(&edit.content)
}

/// Whether any comment lies inside a range the edits replace or delete.
pub fn loses_comments(tree: &TreeUnit, edits: &[Edit]) -> bool {
    edits.iter().filter(|e| !e.range.is_empty()).any(|edit| {
        tree.doc
            .comments
            .iter()
            .any(|comment| edit.range.contains_range(comment.range))
    })
}

/// Rename a mapping key in place, keeping its quoting.
pub fn rename_key(tree: &TreeUnit, entry: &Entry, new_key: &str) -> Option<Edit> {
    if is_yaml(tree) {
        yaml_edit::rename_key(&tree.text, entry, new_key)
    } else {
        Some(Edit::replace(
            entry.key.range,
            json_edit::escape_string(new_key),
        ))
    }
}

/// Replace a scalar with a string value (quoted as the file needs).
pub fn replace_string(tree: &TreeUnit, node: &Node, value: &str) -> Option<Edit> {
    if is_yaml(tree) {
        yaml_edit::replace_scalar(&tree.text, node, value)
    } else {
        node.as_scalar()?;
        Some(json_edit::replace_string(node, value))
    }
}

/// The source text of a scalar written on one line (quotes included), for copying it
/// elsewhere without changing how it reads.
pub fn one_line_source<'t>(tree: &'t TreeUnit, node: &Node) -> Option<&'t str> {
    let scalar = node.as_scalar()?;
    if matches!(scalar.style, ScalarStyle::Literal | ScalarStyle::Folded)
        || node.tag.is_some()
        || node.anchor.is_some()
    {
        return None;
    }
    let text = node.range.slice(&tree.text)?;
    (!text.is_empty() && !text.contains(['\n', '\r'])).then_some(text)
}

/// The value part of a scalar's source that equals its decoded value (plain, or quoted
/// without escapes): the range inside the quotes. `None` when they differ.
pub fn literal_value_range(tree: &TreeUnit, node: &Node) -> Option<TextRange> {
    let scalar = node.as_scalar()?;
    let source = node.range.slice(&tree.text)?;
    let (start, end) = match scalar.style {
        ScalarStyle::Plain => (node.range.start, node.range.end),
        ScalarStyle::SingleQuoted | ScalarStyle::DoubleQuoted => {
            (node.range.start + 1, node.range.end.checked_sub(1)?)
        }
        _ => return None,
    };
    let inner = TextRange::new(start, end.max(start));
    (inner.slice(&tree.text)? == scalar.value && !source.contains('\n')).then_some(inner)
}

/// One entry on the way from a mapping down to an entry: the mapping, the entry's index in
/// it, and the entry.
type Step<'a> = (&'a Node, usize, &'a Entry);

/// The entries from `node` down to the entry `pred` picks, restarting below every list (a
/// removal never climbs out of a list item).
fn find_chain<'a>(node: &'a Node, pred: &dyn Fn(&Entry) -> bool) -> Option<Vec<Step<'a>>> {
    match &node.kind {
        NodeKind::Mapping(entries) => {
            for (index, entry) in entries.iter().enumerate() {
                if pred(entry) {
                    return Some(vec![(node, index, entry)]);
                }
                match &entry.value.kind {
                    NodeKind::Mapping(_) => {
                        if let Some(mut rest) = find_chain(&entry.value, pred) {
                            rest.insert(0, (node, index, entry));
                            return Some(rest);
                        }
                    }
                    NodeKind::Sequence(_) => {
                        if let Some(rest) = find_chain(&entry.value, pred) {
                            return Some(rest);
                        }
                    }
                    _ => {}
                }
            }
            None
        }
        NodeKind::Sequence(items) => items.iter().find_map(|item| find_chain(item, pred)),
        _ => None,
    }
}

fn same_entry(a: &Entry, b: &Entry) -> bool {
    a.range == b.range && a.key.range == b.key.range
}

/// Remove `entry`; a parent mapping it leaves empty goes too (an empty `courier:` would be
/// `null`, which the schema rejects), up to the unit root, except parents on the path `keep`
/// (from the root), which a move is about to write into.
pub fn remove_entry(tree: &TreeUnit, root: &Node, entry: &Entry, keep: &[&str]) -> Edit {
    let chain = find_chain(root, &|e| same_entry(e, entry)).unwrap_or_default();
    let mut at = chain.len();
    if at == 0 {
        return plain_remove(tree, None, entry);
    }
    at -= 1;
    while at > 0 {
        let (parent_map, _, _) = chain[at];
        let keys: Vec<&str> = chain[..at].iter().map(|(_, _, e)| e.key_str()).collect();
        let protected = keys.len() <= keep.len() && keep[..keys.len()] == keys[..];
        if protected
            || parent_map
                .as_mapping()
                .is_none_or(|entries| entries.len() != 1)
        {
            break;
        }
        at -= 1;
    }
    let (mapping, index, entry) = chain[at];
    plain_remove(tree, Some((mapping, index)), entry)
}

fn plain_remove(tree: &TreeUnit, parent: Option<(&Node, usize)>, entry: &Entry) -> Edit {
    if is_yaml(tree) {
        return yaml_edit::remove_entry(&tree.text, &tree.doc, entry);
    }
    match parent {
        Some((object, index)) => json_edit::remove_member(&tree.text, object, index),
        None => Edit::delete(entry.range),
    }
}

/// Remove item `index` of `list`; the only item takes the list's entry with it (a `hooks:`
/// left without items would read as `null`).
pub fn remove_item(tree: &TreeUnit, root: &Node, list: &Node, index: usize) -> Option<Edit> {
    let items = list.as_sequence()?;
    if items.len() == 1 {
        let chain = find_chain(root, &|e| e.value.range == list.range)?;
        let (_, _, holder) = chain.last()?;
        return Some(remove_entry(tree, root, holder, &[]));
    }
    Some(if is_yaml(tree) {
        yaml_edit::remove_sequence_item(&tree.text, &tree.doc, list, index)
    } else {
        json_edit::remove_array_item(&tree.text, list, index)
    })
}

/// A value to write: how it reads in YAML and in JSON.
pub struct ValueText {
    pub yaml: String,
    pub json: String,
}

impl ValueText {
    /// A rule-file value (string, boolean, number).
    pub fn of(value: &serde_json::Value) -> Self {
        let yaml = match value {
            serde_json::Value::String(s) => {
                // Only strings that read back as themselves go unquoted.
                let plain = !s.is_empty()
                    && s.chars()
                        .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.' | '/'))
                    && !matches!(
                        s.as_str(),
                        "true" | "false" | "null" | "yes" | "no" | "on" | "off" | "~"
                    )
                    && s.parse::<f64>().is_err();
                if plain {
                    s.clone()
                } else {
                    json_edit::escape_string(s)
                }
            }
            other => other.to_string(),
        };
        Self {
            yaml,
            json: value.to_string(),
        }
    }
}

/// An edit that creates `path` (plain keys) below `base` with `value`, nesting under the
/// deepest existing mapping. `None` where the path exists or cannot be written safely.
pub fn insert_path(tree: &TreeUnit, base: &Node, path: &[&str], value: &ValueText) -> Option<Edit> {
    let prefix = existing_prefix(base, path);
    let rest = &path[prefix.len()..];
    if rest.is_empty() {
        return None;
    }
    let target = match prefix.last() {
        None => base,
        Some(entry) => &entry.value,
    };
    if !is_yaml(tree) {
        target.as_mapping()?;
        let mut json = value.json.clone();
        for key in rest[1..].iter().rev() {
            json = format!("{{{}: {json}}}", json_edit::escape_string(key));
        }
        let newline = tree.doc.style.newline.as_str();
        return json_edit::insert_member(&tree.text, target, rest[0], &json, newline);
    }
    match (&target.kind, prefix.last()) {
        (NodeKind::Mapping(_), _) => {
            yaml_edit::insert_entry(&tree.text, &tree.doc, target, rest, &value.yaml)
        }
        (_, Some(entry)) if entry.value.is_null() => {
            yaml_edit::insert_under_key(&tree.text, &tree.doc, entry, rest, &value.yaml)
        }
        _ => None,
    }
}

/// Column of a block key: only indentation and `- ` markers may precede it on its line.
pub fn key_column(text: &str, offset: u32) -> Option<usize> {
    let offset = offset as usize;
    let line_start = text.get(..offset)?.rfind('\n').map_or(0, |i| i + 1);
    let prefix = text.get(line_start..offset)?;
    prefix
        .split(' ')
        .all(|token| token.is_empty() || token == "-")
        .then_some(prefix.len())
}

/// Append an item to a block list: `lines[0]` after a `- ` at the column of the list's
/// dashes, the other lines aligned with it. `None` for flow lists, empty lists and
/// anything whose layout is unclear.
pub fn append_block_item(tree: &TreeUnit, list: &Node, lines: &[String]) -> Option<Edit> {
    let items = list.as_sequence()?;
    let first = items.first()?;
    let last = items.last()?;
    let text = &tree.text;
    let bytes = text.as_bytes();
    if bytes.get(list.range.start as usize) == Some(&b'[') {
        return None;
    }
    let first_start = first.range.start as usize;
    let line_start = text.get(..first_start)?.rfind('\n').map_or(0, |i| i + 1);
    let prefix = text.get(line_start..first_start)?;
    let dash = prefix.rfind('-')?;
    if !prefix.get(..dash)?.bytes().all(|b| b == b' ')
        || !prefix.get(dash + 1..)?.bytes().all(|b| b == b' ')
    {
        return None;
    }
    let nl = tree.doc.style.newline.as_str();
    let mut block = String::new();
    for (i, line) in lines.iter().enumerate() {
        if i == 0 {
            block.push_str(prefix);
        } else {
            block.push_str(&" ".repeat(prefix.len()));
        }
        block.push_str(line);
        block.push_str(nl);
    }
    let end = last.range.end as usize;
    let insert_at = match text.get(end..)?.find('\n') {
        Some(i) => end + i + 1,
        None => {
            // The list ends the file without a newline.
            return Some(Edit::insert(
                u32::try_from(text.len()).ok()?,
                format!("{nl}{}", block.trim_end_matches(nl)),
            ));
        }
    };
    Some(Edit::insert(u32::try_from(insert_at).ok()?, block))
}

/// Replace an entry (key through value) with other entries written at its key's column:
/// `lines` are the new lines, the first one at the entry's position.
pub fn replace_entry_lines(tree: &TreeUnit, entry: &Entry, lines: &[String]) -> Option<Edit> {
    let column = key_column(&tree.text, entry.key.range.start)?;
    let nl = tree.doc.style.newline.as_str();
    let mut out = String::new();
    for (i, line) in lines.iter().enumerate() {
        if i > 0 {
            out.push_str(nl);
            out.push_str(&" ".repeat(column));
        }
        out.push_str(line);
    }
    Some(Edit::replace(entry.range, out))
}

#[cfg(test)]
mod tests {
    use super::swaps_plain_words;
    use idplint_diagnostics::{Edit, TextRange};

    #[test]
    fn only_plain_word_swaps_skip_the_reparse() {
        let text = "courier:\n  message_ttl: 1h\nurl: http://x\n";
        let at = |needle: &str| {
            let start = text.find(needle).unwrap_or(0) as u32;
            TextRange::new(start, start + needle.len() as u32)
        };
        assert!(swaps_plain_words(
            text,
            &Edit::replace(at("message_ttl"), "message_retries")
        ));
        assert!(swaps_plain_words(text, &Edit::replace(at("http"), "https")));
        // Anything that could open structure goes through the parser.
        for content in ["a: b", "'x'", "-x", "x #y", "[x]", "", "*a", "x\ny"] {
            assert!(
                !swaps_plain_words(text, &Edit::replace(at("message_ttl"), content)),
                "{content}"
            );
        }
        // Replacing more than a word (here a key and its colon) is not a swap either.
        assert!(!swaps_plain_words(
            text,
            &Edit::replace(at("message_ttl:"), "x")
        ));
        assert!(!swaps_plain_words(text, &Edit::insert(0, "x")));
    }
}
