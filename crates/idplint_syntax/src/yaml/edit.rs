//! Byte-exact edits on YAML text, computed from its span tree.
//!
//! Every helper returns one [`Edit`] in the coordinates of the text that was parsed, and only
//! the bytes it has to change: comments, blank lines, quoting and indentation around it stay as
//! they are, and inserted lines use the file's newline and indentation unit. The `Option`
//! helpers give `None` where they cannot edit safely (flow collections, tagged or anchored null
//! values, duplicate keys, keep-chomped block scalars at the insertion point): the caller should
//! then offer no fix rather than a broken one.
//!
//! `text` and `doc` must be the text and the [`Document`] parsed from it; nodes and entries
//! passed in must come from that document.

use super::{child, line_content_end, line_end_incl, line_start};
use crate::{Comment, Document, Entry, Node, NodeKind, Scalar, ScalarStyle};
use idplint_diagnostics::{Edit, TextRange};

/// Remove a mapping entry.
///
/// In a block mapping the entry's whole lines go, from its key's line through the line where its
/// value ends (a trailing comment on that line included, comments on the lines above kept). When
/// the key shares its line with a `- ` sequence marker, the marker stays and the next entry
/// moves up to it. In a flow mapping the entry goes with one adjacent comma.
///
/// Removing the last entry of a block mapping leaves its parent key without a value; whether
/// that is acceptable is the caller's decision.
pub fn remove_entry(text: &str, doc: &Document, entry: &Entry) -> Edit {
    let bytes = text.as_bytes();
    let found = find_chain(doc, &|node| {
        direct_entries(node).is_some_and(|entries| entries.iter().any(|e| same_entry(e, entry)))
    });
    let mut next = None;
    if let Some(chain) = found
        && let Some((&mapping, ancestors)) = chain.split_last()
        && let Some(entries) = direct_entries(mapping)
        && let Some(index) = entries.iter().position(|e| same_entry(e, entry))
    {
        if is_flow(text, mapping) {
            let floor = index
                .checked_sub(1)
                .and_then(|i| entries.get(i))
                .map_or(mapping.range.start, |prev| prev.range.end);
            let start = with_properties(bytes, at(entry.key.range.start), at(floor));
            let prev_end = index
                .checked_sub(1)
                .and_then(|i| entries.get(i))
                .map(|prev| at(prev.range.end));
            return remove_flow_item(bytes, doc, start, at(entry.range.end), prev_end);
        }
        if ancestors.iter().any(|node| is_flow(text, node)) {
            // The implicit single-pair mapping of `[a: 1, b]`: the pair is the list item.
            if let Some(&parent) = ancestors.last()
                && let NodeKind::Sequence(items) = &parent.kind
                && let Some(i) = items.iter().position(|item| std::ptr::eq(item, mapping))
            {
                return remove_flow_sequence_item(bytes, doc, parent, items, i);
            }
            return Edit::delete(entry.range);
        }
        next = entries.get(index + 1).map(|e| at(e.key.range.start));
    }
    remove_block_item(bytes, at(entry.key.range.start), at(entry.range.end), next)
}

/// Remove item `index` of a sequence.
///
/// A block item loses its lines, from the `- ` line through the item's last line (for an item
/// nested as `- - x`, the outer marker stays); a flow item goes with one adjacent comma. An index
/// out of range (or a node that is not a sequence) gives an empty edit that changes nothing.
pub fn remove_sequence_item(text: &str, doc: &Document, seq: &Node, index: usize) -> Edit {
    let bytes = text.as_bytes();
    let NodeKind::Sequence(items) = &seq.kind else {
        return Edit::delete(TextRange::empty(seq.range.start));
    };
    let Some(item) = items.get(index) else {
        return Edit::delete(TextRange::empty(seq.range.start));
    };
    if is_flow(text, seq) {
        return remove_flow_sequence_item(bytes, doc, seq, items, index);
    }
    let floor = index
        .checked_sub(1)
        .and_then(|i| items.get(i))
        .map_or(0, |prev| at(prev.range.end));
    let start = item_head(text, doc, item, floor);
    let dash = find_dash(bytes, doc, start, floor).unwrap_or(start);
    let next = items.get(index + 1).map(|next| {
        let floor = at(item.range.end);
        let next_start = item_head(text, doc, next, floor);
        find_dash(bytes, doc, next_start, floor).unwrap_or(next_start)
    });
    remove_block_item(bytes, dash, at(item.range.end), next)
}

/// Insert `path[0]: path[1]: ...: value` as a new entry of the block mapping `mapping`, after
/// all lines of its last entry, each nested key on its own line one indentation unit deeper.
/// `value` is written as given (the caller formats and quotes it); keys are quoted if needed.
///
/// `None` for flow mappings, mappings inside flow collections, an empty `path`, a `path[0]`
/// that already exists, keys not at a plain indentation column, or a last value that is a
/// keep-chomped (`|+`) block scalar, whose trailing blank lines an insertion would cut off.
pub fn insert_entry(
    text: &str,
    doc: &Document,
    mapping: &Node,
    path: &[&str],
    value: &str,
) -> Option<Edit> {
    let bytes = text.as_bytes();
    let NodeKind::Mapping(entries) = &mapping.kind else {
        return None;
    };
    let first = entries.first()?;
    let last = entries.last()?;
    let head = path.first()?;
    if entries.iter().any(|entry| entry.key_str() == *head) {
        return None;
    }
    let chain = find_chain(doc, &|node| same_mapping(node, mapping))?;
    if chain.iter().any(|node| is_flow(text, node)) {
        return None;
    }
    let column = key_column(text, at(first.key.range.start))?;
    if ends_in_kept_block_scalar(text, &last.value) {
        return None;
    }
    let nl = doc.style.newline.as_str();
    let block = nested_block(path, value, column, doc.style.indent_unit_or_default(), nl);
    let insert_at = line_end_incl(bytes, at(mapping.range.end));
    let content = if ends_with_newline(bytes, insert_at) {
        format!("{block}{nl}")
    } else {
        // The mapping ends the file without a final newline; keep it that way.
        format!("{nl}{block}")
    };
    Some(Edit::insert(to_u32(insert_at), content))
}

/// Give `entry`, whose value is absent or null (`key:`, `key: ~`, `key: null`), a nested block
/// `path[0]: ...: value` one indentation unit deeper than its key. A comment on the key's line
/// stays on that line.
///
/// `None` if the value is anything else (including a flow `{}`), carries a tag or anchor, the
/// entry is in a flow collection, or `path` is empty.
pub fn insert_under_key(
    text: &str,
    doc: &Document,
    entry: &Entry,
    path: &[&str],
    value: &str,
) -> Option<Edit> {
    let bytes = text.as_bytes();
    path.first()?;
    let null = &entry.value;
    let NodeKind::Scalar(scalar) = &null.kind else {
        return None;
    };
    if scalar.style != ScalarStyle::Plain
        || !null.is_null()
        || null.tag.is_some()
        || null.anchor.is_some()
    {
        return None;
    }
    let chain = find_chain(doc, &|node| {
        direct_entries(node).is_some_and(|entries| entries.iter().any(|e| same_entry(e, entry)))
    })?;
    if chain.iter().any(|node| is_flow(text, node)) {
        return None;
    }
    let unit = doc.style.indent_unit_or_default();
    let column = key_column(text, at(entry.key.range.start))?;
    let nl = doc.style.newline.as_str();
    let block = nested_block(path, value, column + unit, unit, nl);
    if null.range.is_empty() {
        let insert_at = line_content_end(bytes, at(null.range.start));
        return Some(Edit::insert(to_u32(insert_at), format!("{nl}{block}")));
    }
    // `~` / `null`: the token and the blanks before it go, the rest of its line stays.
    let mut from = at(null.range.start);
    while from > 0 && bytes.get(from - 1).is_some_and(|&b| is_blank(b)) {
        from -= 1;
    }
    let line_end = line_content_end(bytes, at(null.range.end));
    let rest = text.get(at(null.range.end)..line_end)?;
    Some(Edit::replace(
        TextRange::from_usize(from, line_end),
        format!("{rest}{nl}{block}"),
    ))
}

/// Replace a plain, single- or double-quoted scalar with `new_value`, keeping its quoting.
///
/// A plain scalar stays plain only if `new_value` reads back as the same string and does not
/// turn a string into another type (`true`, `8080`, `null`, a date) unless the old value had
/// that type too; otherwise it is double-quoted. A single-quoted one becomes double-quoted
/// when the value needs escapes. An absent value (`key:`) gets its value after a space.
/// `None` for block scalars, aliases and collections.
pub fn replace_scalar(text: &str, node: &Node, new_value: &str) -> Option<Edit> {
    let NodeKind::Scalar(scalar) = &node.kind else {
        return None;
    };
    node.range.slice(text)?;
    let written = write_scalar(scalar, node.tag.is_some(), new_value)?;
    if !node.range.is_empty() {
        return Some(Edit::replace(node.range, written));
    }
    // An absent value sits right after its `:`/`-` (or after a blank following it); anywhere
    // else (`{a, b}`, a lone tag) writing a value there would change the structure.
    let bytes = text.as_bytes();
    let start = at(node.range.start);
    let mut before = start;
    while before > 0 && bytes.get(before - 1).is_some_and(|&b| is_blank(b)) {
        before -= 1;
    }
    if !matches!(
        before.checked_sub(1).and_then(|i| bytes.get(i)),
        Some(b':' | b'-' | b'?')
    ) {
        return None;
    }
    let content = if before == start {
        format!(" {written}")
    } else {
        written
    };
    Some(Edit::replace(node.range, content))
}

/// Rename a mapping key, keeping its quoting (with the same rules as [`replace_scalar`]).
/// `None` for complex, block-scalar and empty keys.
pub fn rename_key(text: &str, entry: &Entry, new_key: &str) -> Option<Edit> {
    let key = &entry.key;
    let NodeKind::Scalar(scalar) = &key.kind else {
        return None;
    };
    if key.range.is_empty() {
        return None;
    }
    key.range.slice(text)?;
    let written = write_scalar(scalar, key.tag.is_some(), new_key)?;
    Some(Edit::replace(key.range, written))
}

fn at(offset: u32) -> usize {
    offset as usize
}

fn to_u32(offset: usize) -> u32 {
    u32::try_from(offset).unwrap_or(u32::MAX)
}

fn is_blank(b: u8) -> bool {
    b == b' ' || b == b'\t'
}

fn is_space(b: u8) -> bool {
    is_blank(b) || b == b'\n' || b == b'\r'
}

fn ends_with_newline(bytes: &[u8], end: usize) -> bool {
    end > 0 && bytes.get(end - 1) == Some(&b'\n')
}

fn direct_entries(node: &Node) -> Option<&[Entry]> {
    match &node.kind {
        NodeKind::Mapping(entries) => Some(entries),
        _ => None,
    }
}

/// Entries are compared by position: callers may hold clones of the document's entries.
fn same_entry(a: &Entry, b: &Entry) -> bool {
    a.range == b.range && a.key.range == b.key.range && a.value.range == b.value.range
}

fn same_mapping(node: &Node, mapping: &Node) -> bool {
    std::ptr::eq(node, mapping)
        || (node.range == mapping.range
            && matches!((&node.kind, &mapping.kind),
                (NodeKind::Mapping(a), NodeKind::Mapping(b)) if a.len() == b.len()))
}

/// The nodes from a root down to the first node matching `pred`, both included. Aliases are not
/// entered: their resolved copies repeat the original's ranges.
fn find_chain<'a>(doc: &'a Document, pred: &dyn Fn(&Node) -> bool) -> Option<Vec<&'a Node>> {
    for root in &doc.roots {
        if pred(root) {
            return Some(vec![root]);
        }
        let mut stack: Vec<(&'a Node, usize)> = vec![(root, 0)];
        while let Some(top) = stack.last_mut() {
            let (node, index) = *top;
            top.1 += 1;
            let Some(next) = child(node, index) else {
                stack.pop();
                continue;
            };
            if pred(next) {
                let mut chain: Vec<&'a Node> = stack.iter().map(|&(node, _)| node).collect();
                chain.push(next);
                return Some(chain);
            }
            if matches!(next.kind, NodeKind::Mapping(_) | NodeKind::Sequence(_)) {
                stack.push((next, 0));
            }
        }
    }
    None
}

/// Whether a collection is written in flow style: its range then starts at its bracket, while
/// a block collection's range starts at its first child (which may itself be a flow collection).
fn is_flow(text: &str, node: &Node) -> bool {
    let start = node.range.start;
    let first = text.as_bytes().get(at(start)).copied();
    match &node.kind {
        NodeKind::Mapping(entries) => {
            first == Some(b'{') && entries.first().is_none_or(|e| e.key.range.start > start)
        }
        NodeKind::Sequence(items) => {
            first == Some(b'[') && items.first().is_none_or(|i| i.range.start > start)
        }
        NodeKind::Scalar(_) | NodeKind::Alias { .. } => false,
    }
}

/// The comment whose bytes include `pos`.
fn comment_at(doc: &Document, pos: usize) -> Option<&Comment> {
    let pos = to_u32(pos);
    let after = doc
        .comments
        .partition_point(|comment| comment.range.start <= pos);
    let comment = doc.comments.get(after.checked_sub(1)?)?;
    comment.range.contains(pos).then_some(comment)
}

/// Delete the lines of a block item whose first byte (key or `-`) is `first` and whose content
/// ends at `end`. `next` is the first byte of the following sibling, if any.
fn remove_block_item(bytes: &[u8], first: usize, end: usize, next: Option<usize>) -> Edit {
    let start_of_line = line_start(bytes, first);
    let prefix = bytes.get(start_of_line..first).unwrap_or_default();
    if !prefix.iter().all(|&b| is_blank(b)) {
        // Something precedes the item on its line (the `-` of an enclosing sequence item, a
        // `---`): that stays, and the next sibling moves up to take the item's place.
        let start = match last_dash(prefix) {
            Some(dash) => {
                let mut start = start_of_line + dash + 1;
                while start < first && bytes.get(start).is_some_and(|&b| is_blank(b)) {
                    start += 1;
                }
                start
            }
            None => first,
        };
        return match next {
            Some(next) => {
                let mut stop = line_start(bytes, next);
                while stop < next && bytes.get(stop).is_some_and(|&b| is_blank(b)) {
                    stop += 1;
                }
                Edit::delete(TextRange::from_usize(start, stop.max(start)))
            }
            None => {
                // Nothing left to move up: drop the blank after the marker too, so the
                // enclosing item reads `-` (null) rather than `- `.
                let mut from = start;
                while from > start_of_line && bytes.get(from - 1).is_some_and(|&b| is_blank(b)) {
                    from -= 1;
                }
                let stop = line_content_end(bytes, end);
                Edit::delete(TextRange::from_usize(from, stop.max(from)))
            }
        };
    }
    let mut start = start_of_line;
    let stop = line_end_incl(bytes, end);
    if !ends_with_newline(bytes, stop) && start > 0 {
        // The item is the last line and has no line ending: take the previous line's ending
        // instead, so the file still ends the way it did.
        start -= 1;
        if start > 0 && bytes.get(start - 1) == Some(&b'\r') {
            start -= 1;
        }
    }
    Edit::delete(TextRange::from_usize(start, stop))
}

/// Offset of the last `-` sequence marker (a `-` between blanks) in a line prefix.
fn last_dash(prefix: &[u8]) -> Option<usize> {
    (0..prefix.len()).rev().find(|&i| {
        prefix.get(i) == Some(&b'-')
            && (i == 0 || prefix.get(i - 1).is_some_and(|&b| is_blank(b)))
            && prefix.get(i + 1).is_none_or(|&b| is_blank(b))
    })
}

/// The `-` marker of a block sequence item starting at `item_start`, searching back no
/// further than `floor`, over blanks, comments and the item's anchor/tag.
fn find_dash(bytes: &[u8], doc: &Document, item_start: usize, floor: usize) -> Option<usize> {
    let mut pos = item_start.min(bytes.len());
    while pos > floor {
        let i = pos - 1;
        if let Some(comment) = comment_at(doc, i) {
            pos = at(comment.range.start).clamp(floor, i);
            continue;
        }
        let b = *bytes.get(i)?;
        if is_space(b) {
            pos = i;
            continue;
        }
        let before_ok = i == 0 || bytes.get(i - 1).is_some_and(|&p| is_space(p));
        if b == b'-' && before_ok && bytes.get(i + 1).is_none_or(|&n| is_space(n)) {
            return Some(i);
        }
        // Otherwise this must be a property token (`&anchor`, `!tag`) of the item.
        let mut token = i;
        while token > floor && bytes.get(token - 1).is_some_and(|&p| !is_space(p)) {
            token -= 1;
        }
        if !matches!(bytes.get(token), Some(b'&' | b'!')) {
            return None;
        }
        pos = token;
    }
    None
}

/// Where a block sequence item begins before its own `-`: a block sequence's range starts at
/// its first item, so for `- - x` the item's head is the inner `-`.
fn item_head(text: &str, doc: &Document, item: &Node, floor: usize) -> usize {
    let mut nested = 0usize;
    let mut first = item;
    while let NodeKind::Sequence(items) = &first.kind
        && !is_flow(text, first)
        && let Some(inner) = items.first()
    {
        nested += 1;
        first = inner;
    }
    let mut start = at(first.range.start);
    for _ in 0..nested {
        start = find_dash(text.as_bytes(), doc, start, floor).unwrap_or(start);
    }
    start
}

/// Move `start` back over the anchor/tag tokens written before a flow item.
fn with_properties(bytes: &[u8], start: usize, floor: usize) -> usize {
    let mut start = start;
    loop {
        let mut i = start;
        while i > floor && bytes.get(i - 1).is_some_and(|&b| is_space(b)) {
            i -= 1;
        }
        let token_end = i;
        while i > floor
            && bytes
                .get(i - 1)
                .is_some_and(|&b| !is_space(b) && !matches!(b, b'[' | b'{' | b','))
        {
            i -= 1;
        }
        if i < token_end && matches!(bytes.get(i), Some(b'&' | b'!')) {
            start = i;
        } else {
            return start;
        }
    }
}

fn remove_flow_sequence_item(
    bytes: &[u8],
    doc: &Document,
    seq: &Node,
    items: &[Node],
    index: usize,
) -> Edit {
    let Some(item) = items.get(index) else {
        return Edit::delete(TextRange::empty(seq.range.start));
    };
    let prev_end = index
        .checked_sub(1)
        .and_then(|i| items.get(i))
        .map(|prev| at(prev.range.end));
    let floor = prev_end.unwrap_or(at(seq.range.start));
    let start = with_properties(bytes, at(item.range.start), floor);
    remove_flow_item(bytes, doc, start, at(item.range.end), prev_end)
}

/// Delete a flow item `start..end` with one adjacent comma: the one after it, or for the last
/// item the one before it. An item alone on its line(s) takes the line with it.
fn remove_flow_item(
    bytes: &[u8],
    doc: &Document,
    start: usize,
    end: usize,
    prev_end: Option<usize>,
) -> Edit {
    let after = skip_space_and_comments(bytes, doc, end);
    if bytes.get(after) == Some(&b',') {
        let comma_end = after + 1;
        let line_begin = line_start(bytes, start);
        let alone_before = bytes
            .get(line_begin..start)
            .is_some_and(|prefix| prefix.iter().all(|&b| is_blank(b)));
        let rest_end = line_content_end(bytes, comma_end);
        let alone_after = bytes
            .get(comma_end..rest_end)
            .is_some_and(|rest| rest.iter().all(|&b| is_blank(b)));
        if alone_before && alone_after && rest_end < bytes.len() {
            return Edit::delete(TextRange::from_usize(
                line_begin,
                line_end_incl(bytes, comma_end),
            ));
        }
        let mut stop = comma_end;
        while bytes.get(stop).is_some_and(|&b| is_blank(b)) {
            stop += 1;
        }
        return Edit::delete(TextRange::from_usize(start, stop));
    }
    if let Some(prev_end) = prev_end {
        let mut pos = prev_end;
        while pos < start {
            if let Some(comment) = comment_at(doc, pos) {
                pos = at(comment.range.end).max(pos + 1);
                continue;
            }
            if bytes.get(pos) == Some(&b',') {
                return Edit::delete(TextRange::from_usize(pos, end.max(pos)));
            }
            pos += 1;
        }
    }
    Edit::delete(TextRange::from_usize(start, end.max(start)))
}

fn skip_space_and_comments(bytes: &[u8], doc: &Document, from: usize) -> usize {
    let mut pos = from;
    loop {
        while bytes.get(pos).is_some_and(|&b| is_space(b)) {
            pos += 1;
        }
        match comment_at(doc, pos) {
            Some(comment) if at(comment.range.end) > pos => pos = at(comment.range.end),
            _ => return pos,
        }
    }
}

/// Column of a block key at `key_start`, if only indentation and `- ` sequence markers precede
/// it on its line (anything else, such as `? `, tabs or properties, makes the column unclear).
fn key_column(text: &str, key_start: usize) -> Option<usize> {
    let start = line_start(text.as_bytes(), key_start);
    let prefix = text.get(start..key_start)?;
    prefix
        .split(' ')
        .all(|token| token.is_empty() || token == "-")
        .then_some(prefix.len())
}

/// Whether the last line of `node` is the end of a keep-chomped (`|+`, `>+`) block scalar.
fn ends_in_kept_block_scalar(text: &str, node: &Node) -> bool {
    let mut node = node;
    loop {
        match &node.kind {
            NodeKind::Mapping(entries) => match entries.last() {
                Some(entry) => node = &entry.value,
                None => return false,
            },
            NodeKind::Sequence(items) => match items.last() {
                Some(item) => node = item,
                None => return false,
            },
            NodeKind::Scalar(scalar)
                if matches!(scalar.style, ScalarStyle::Literal | ScalarStyle::Folded) =>
            {
                let start = at(node.range.start);
                return text
                    .get(start..(start + 3).min(text.len()))
                    .is_none_or(|header| header.contains('+'));
            }
            NodeKind::Scalar(_) | NodeKind::Alias { .. } => return false,
        }
    }
}

/// `path[0]:` / `  path[1]:` / ... / `path[n]: value`, starting at `column`, without a final
/// newline.
fn nested_block(path: &[&str], value: &str, column: usize, unit: usize, nl: &str) -> String {
    let value = if nl == "\r\n" {
        // A multi-line value from the caller must not mix line endings into a CRLF file.
        value.replace("\r\n", "\n").replace('\n', "\r\n")
    } else {
        value.to_owned()
    };
    let mut out = String::new();
    for (depth, key) in path.iter().enumerate() {
        if depth > 0 {
            out.push_str(nl);
        }
        out.push_str(&" ".repeat(column + depth * unit));
        out.push_str(&write_key(key));
        out.push(':');
        if depth + 1 == path.len() && !value.is_empty() {
            out.push(' ');
            out.push_str(&value);
        }
    }
    out
}

fn write_key(key: &str) -> String {
    if plain_syntax_ok(key) && category(key) == Category::Str {
        key.to_owned()
    } else {
        double_quoted(key)
    }
}

fn write_scalar(scalar: &Scalar, tagged: bool, value: &str) -> Option<String> {
    match scalar.style {
        ScalarStyle::Plain if plain_keeps_type(value, &scalar.value, tagged) => {
            Some(value.to_owned())
        }
        ScalarStyle::SingleQuoted if !needs_escapes(value) => {
            Some(format!("'{}'", value.replace('\'', "''")))
        }
        ScalarStyle::Plain | ScalarStyle::SingleQuoted | ScalarStyle::DoubleQuoted => {
            Some(double_quoted(value))
        }
        ScalarStyle::Literal | ScalarStyle::Folded => None,
    }
}

fn plain_keeps_type(value: &str, old: &str, tagged: bool) -> bool {
    if !plain_syntax_ok(value) {
        return false;
    }
    if tagged {
        // The tag decides the type, not the spelling.
        return true;
    }
    let new = category(value);
    let old = category(old);
    new == Category::Str || new == old || old == Category::Null
}

fn needs_escapes(value: &str) -> bool {
    value
        .chars()
        .any(|c| c.is_control() || matches!(c, '\u{2028}' | '\u{2029}' | '\u{feff}'))
}

/// Whether `value` can be written as a plain scalar in any context (block or flow, key or
/// value) and read back unchanged. Deliberately stricter than YAML: `#` anywhere, flow
/// indicators and leading indicators always force quotes.
fn plain_syntax_ok(value: &str) -> bool {
    let mut chars = value.chars();
    let Some(first) = chars.next() else {
        return false;
    };
    if needs_escapes(value)
        || value.starts_with([' ', '\t'])
        || value.ends_with([' ', '\t', ':'])
        || value.contains([',', '[', ']', '{', '}', '#'])
        || value.contains(": ")
        || value.contains(":\t")
        || value.starts_with("---")
        || value.starts_with("...")
    {
        return false;
    }
    match first {
        '-' | '?' | ':' => chars.next().is_some_and(|c| c != ' ' && c != '\t'),
        '&' | '*' | '!' | '|' | '>' | '\'' | '"' | '%' | '@' | '`' => false,
        _ => true,
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Category {
    Null,
    Bool,
    Number,
    Timestamp,
    Str,
}

/// How a plain scalar reads, erring towards "not a string" (YAML 1.1 booleans, octal,
/// sexagesimal numbers and dates included) since consumers differ.
fn category(value: &str) -> Category {
    match value {
        "" | "~" | "null" | "Null" | "NULL" => Category::Null,
        "true" | "True" | "TRUE" | "false" | "False" | "FALSE" | "y" | "Y" | "yes" | "Yes"
        | "YES" | "n" | "N" | "no" | "No" | "NO" | "on" | "On" | "ON" | "off" | "Off" | "OFF" => {
            Category::Bool
        }
        _ if is_number(value) => Category::Number,
        _ if is_timestamp(value) => Category::Timestamp,
        _ => Category::Str,
    }
}

fn is_number(value: &str) -> bool {
    if matches!(value, ".nan" | ".NaN" | ".NAN") {
        return true;
    }
    let unsigned = value.strip_prefix(['+', '-']).unwrap_or(value);
    if matches!(unsigned, ".inf" | ".Inf" | ".INF") {
        return true;
    }
    let radix = |digits: &str, ok: fn(char) -> bool| {
        !digits.is_empty() && digits.chars().all(|c| c == '_' || ok(c))
    };
    if let Some(hex) = unsigned.strip_prefix("0x") {
        return radix(hex, |c| c.is_ascii_hexdigit());
    }
    if let Some(octal) = unsigned.strip_prefix("0o") {
        return radix(octal, |c| matches!(c, '0'..='7'));
    }
    if let Some(binary) = unsigned.strip_prefix("0b") {
        return radix(binary, |c| matches!(c, '0' | '1'));
    }
    let (mantissa, exponent) = match unsigned.find(['e', 'E']) {
        Some(i) => (unsigned.get(..i).unwrap_or_default(), unsigned.get(i + 1..)),
        None => (unsigned, None),
    };
    if let Some(exponent) = exponent {
        let digits = exponent.strip_prefix(['+', '-']).unwrap_or(exponent);
        if digits.is_empty() || !digits.chars().all(|c| c.is_ascii_digit()) {
            return false;
        }
    }
    mantissa.chars().any(|c| c.is_ascii_digit())
        && mantissa
            .chars()
            .all(|c| c.is_ascii_digit() || matches!(c, '_' | ':' | '.'))
        && mantissa.matches('.').count() <= 1
}

/// `YYYY-M-D...`, which YAML 1.1 reads as a timestamp.
fn is_timestamp(value: &str) -> bool {
    let bytes = value.as_bytes();
    bytes.len() >= 8
        && bytes.iter().take(4).all(u8::is_ascii_digit)
        && bytes.get(4) == Some(&b'-')
        && bytes.get(5).is_some_and(u8::is_ascii_digit)
}

fn double_quoted(value: &str) -> String {
    let mut out = String::with_capacity(value.len() + 2);
    out.push('"');
    for c in value.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            '\0' => out.push_str("\\0"),
            '\u{85}' => out.push_str("\\N"),
            '\u{2028}' => out.push_str("\\L"),
            '\u{2029}' => out.push_str("\\P"),
            '\u{feff}' => out.push_str("\\uFEFF"),
            c if c.is_control() => out.push_str(&format!("\\x{:02X}", u32::from(c))),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn categories() {
        for number in [
            "1", "-1", "+1.5", "1e5", "0x1F", "0o17", ".inf", "-.Inf", "1_000", "1:30",
        ] {
            assert_eq!(category(number), Category::Number, "{number}");
        }
        for string in ["1.2.3", "v1", "abc", "1h", ".", "e5", "0x", "1e"] {
            assert_eq!(category(string), Category::Str, "{string}");
        }
        assert_eq!(category("yes"), Category::Bool);
        assert_eq!(category("~"), Category::Null);
        assert_eq!(category("2024-01-02"), Category::Timestamp);
    }

    #[test]
    fn plain_syntax() {
        for ok in [
            "link",
            "oryd/kratos:v1.1.0",
            "a b",
            "-x",
            "日本語",
            "http://x/y?z=1",
        ] {
            assert!(plain_syntax_ok(ok), "{ok}");
        }
        for bad in [
            "", " a", "a ", "a: b", "a #b", "a#b", "- a", "*a", "&a", "!a", "a,b", "[a]", "a:",
            "'a", "\"a", "---", "a\nb", "%a", "@a", "`a",
        ] {
            assert!(!plain_syntax_ok(bad), "{bad:?}");
        }
    }

    #[test]
    fn quoting() {
        assert_eq!(
            double_quoted("a\"b\\c\nd\t\u{1}é"),
            "\"a\\\"b\\\\c\\nd\\t\\x01é\""
        );
    }
}
