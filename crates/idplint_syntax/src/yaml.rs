//! YAML into the span tree, via granit-parser events.
//!
//! granit-parser is an event (pull) parser; the tree is assembled here with an explicit stack of
//! open collections, so nesting depth costs heap, never native stack. Ranges come from the event
//! spans, which are UTF-8 byte ranges into the text as given (a leading BOM included), with two
//! corrections the parser does not make for us:
//!
//! - block collections get no useful start/end span, so their range is computed from children;
//! - a block scalar's span starts at its first content character and runs over trailing blank
//!   lines, so its indicator and last content line are located in the source text.
//!
//! Aliases are resolved by cloning the anchored node, which is what makes alias bombs
//! dangerous: every clone is measured first and charged to [`Limits::max_alias_expansion`].
//! Anchored nodes are not copied when defined; the builder remembers where they sit in the tree
//! and only clones when an alias actually refers to them.

pub mod edit;

use crate::SourceStyle;
use crate::{Comment, Document, Entry, Limits, Node, NodeKind, ParseError, Scalar, ScalarStyle};
use granit_parser::{ErrorKind, Event, Parser, ScanError, Span, StructureStyle, Tag};
use idplint_diagnostics::TextRange;
use std::borrow::Cow;
use std::collections::HashMap;

/// Parse a (possibly multi-document) YAML stream.
///
/// Every document becomes one root (empty documents are skipped); every comment is collected.
/// Fails on invalid YAML, unknown aliases, nesting deeper than [`Limits::max_depth`], more than
/// [`Limits::max_nodes`] nodes, or alias expansion beyond [`Limits::max_alias_expansion`].
pub fn parse(text: &str, limits: &Limits) -> Result<Document, ParseError> {
    // The parser's scanner looks ahead of the events, so its nesting guards would fire before
    // ours: they use the same limit, and their error is reported as ours (see `scan_error`).
    // Ours still matter for flow collections nested in block ones, which it counts apart.
    let nesting = limits.max_depth;
    let options = granit_parser::options! {
        emit_anchor_events: true,
        // Unknown aliases are reported by us, with the alias token as range.
        emit_unresolved_aliases: true,
        emit_comments: true,
        // Long commented-out blocks are common in real configs; the default of 96 buffered
        // comments rejects them. Comments are bounded by the input size anyway.
        max_buffered_comment_events: usize::MAX,
        flow_nesting_limit: nesting,
        block_nesting_limit: nesting,
    };
    let mut builder = Builder::new(text, limits);
    for next in Parser::new_from_str_with_options(text, options) {
        let (event, span) = next.map_err(|error| scan_error(text, limits, &error))?;
        builder.event(event, &span)?;
    }
    Ok(builder.finish())
}

fn scan_error(text: &str, limits: &Limits, error: &ScanError) -> ParseError {
    let marker = error.marker();
    let offset = marker
        .byte_offset()
        .unwrap_or_else(|| {
            text.char_indices()
                .nth(marker.index())
                .map_or(text.len(), |(i, _)| i)
        })
        .min(text.len());
    let range = TextRange::from_usize(offset, offset);
    if matches!(error.kind(), ErrorKind::RecursionLimitExceeded) {
        return depth_error(limits, range);
    }
    ParseError::new(format!("invalid YAML: {}", error.info()), range)
}

fn depth_error(limits: &Limits, range: TextRange) -> ParseError {
    ParseError::new(
        format!("nesting depth exceeds {} levels", limits.max_depth),
        range,
    )
}

fn span_range(span: &Span) -> TextRange {
    span.byte_range().map_or_else(TextRange::default, |r| {
        TextRange::from_usize(r.start, r.end)
    })
}

/// The smallest range covering both (ranges from odd constructs such as empty implicit keys
/// are not guaranteed to be ordered, and `TextRange::new` must never see start > end).
fn cover(a: TextRange, b: TextRange) -> TextRange {
    TextRange::new(a.start.min(b.start), a.end.max(b.end))
}

fn tag_text(text: &str, span: &Span, tag: &Tag) -> String {
    span.tag_span()
        .and_then(|tag_span| tag_span.slice(text))
        .map_or_else(|| tag.original(), str::to_owned)
}

enum FrameKind {
    Sequence(Vec<Node>),
    Mapping {
        entries: Vec<Entry>,
        /// A key whose value has not been seen yet.
        key: Option<Node>,
    },
}

/// An open collection.
struct Frame {
    kind: FrameKind,
    flow: bool,
    /// The start event's span: the bracket of a flow collection, empty for block ones.
    open: TextRange,
    tag: Option<String>,
    anchor: Option<String>,
    anchor_id: usize,
}

impl Frame {
    /// Child index (see [`child`]) the next completed node will take.
    fn next_index(&self) -> usize {
        match &self.kind {
            FrameKind::Sequence(items) => items.len(),
            FrameKind::Mapping { entries, key } => entries.len() * 2 + usize::from(key.is_some()),
        }
    }

    fn completed_child(&self, index: usize) -> Option<&Node> {
        match &self.kind {
            FrameKind::Sequence(items) => items.get(index),
            FrameKind::Mapping { entries, key } => match entries.get(index / 2) {
                Some(entry) if index.is_multiple_of(2) => Some(&entry.key),
                Some(entry) => Some(&entry.value),
                None if index == entries.len() * 2 => key.as_ref(),
                None => None,
            },
        }
    }
}

/// Child `index` of a completed node: sequence items by position; for mappings `2 * i` is the
/// key and `2 * i + 1` the value of entry `i`. Aliases have no children here.
fn child(node: &Node, index: usize) -> Option<&Node> {
    match &node.kind {
        NodeKind::Sequence(items) => items.get(index),
        NodeKind::Mapping(entries) => {
            let entry = entries.get(index / 2)?;
            Some(if index.is_multiple_of(2) {
                &entry.key
            } else {
                &entry.value
            })
        }
        NodeKind::Scalar(_) | NodeKind::Alias { .. } => None,
    }
}

struct Builder<'a> {
    text: &'a str,
    limits: &'a Limits,
    stack: Vec<Frame>,
    roots: Vec<Node>,
    comments: Vec<Comment>,
    /// The finished root of the current document.
    doc_root: Option<Node>,
    /// Anchor id -> path of child indices from the document root to the anchored node.
    anchors: HashMap<usize, Vec<usize>>,
    /// The last scalar, held back because its `Anchor` event follows it.
    pending: Option<(Node, usize)>,
    nodes: usize,
    expanded: usize,
    /// End of the last token seen: block scalar indicators are searched from here.
    floor: usize,
}

impl<'a> Builder<'a> {
    fn new(text: &'a str, limits: &'a Limits) -> Self {
        Self {
            text,
            limits,
            stack: Vec::new(),
            roots: Vec::new(),
            comments: Vec::new(),
            doc_root: None,
            anchors: HashMap::new(),
            pending: None,
            nodes: 0,
            expanded: 0,
            floor: 0,
        }
    }

    fn event(&mut self, event: Event<'_>, span: &Span) -> Result<(), ParseError> {
        let range = span_range(span);
        match event {
            Event::Anchor(id, name) => {
                self.name_anchor(id, name.into_owned());
                return Ok(());
            }
            Event::Comment(text, _) => {
                self.comments.push(Comment {
                    range,
                    text: text.into_owned(),
                });
                return Ok(());
            }
            _ => {}
        }
        self.flush_pending();
        let mut advances_floor = !range.is_empty();
        match event {
            Event::StreamStart | Event::StreamEnd => {}
            Event::DocumentStart(explicit, _) => {
                self.anchors.clear();
                // An implicit start's span can cover the first content, indicators included.
                advances_floor &= explicit;
            }
            Event::DocumentEnd => {
                self.stack.clear();
                if let Some(root) = self.doc_root.take()
                    && !is_empty_document(&root)
                {
                    self.roots.push(root);
                }
            }
            Event::Alias(id) => self.alias(id, range)?,
            Event::UnresolvedAlias(name) => {
                return Err(ParseError::new(
                    format!(
                        "unknown alias `*{name}`: no anchor `&{name}` before it in this document"
                    ),
                    range,
                ));
            }
            Event::Scalar(value, style, anchor_id, tag) => {
                self.scalar(value, style, anchor_id, tag, span, range)?;
            }
            Event::SequenceStart(style, anchor_id, tag) => {
                let kind = FrameKind::Sequence(Vec::new());
                self.open(kind, style, anchor_id, tag, span, range)?;
            }
            Event::MappingStart(style, anchor_id, tag) => {
                let kind = FrameKind::Mapping {
                    entries: Vec::new(),
                    key: None,
                };
                self.open(kind, style, anchor_id, tag, span, range)?;
            }
            Event::SequenceEnd | Event::MappingEnd => self.close(range)?,
            // Anchors and comments were handled above; later parser versions may add
            // presentation-only events, which carry nothing for the tree.
            _ => {}
        }
        if advances_floor {
            self.floor = self.floor.max(range.end as usize);
        }
        Ok(())
    }

    fn finish(mut self) -> Document {
        self.flush_pending();
        if let Some(root) = self.doc_root.take()
            && !is_empty_document(&root)
        {
            self.roots.push(root);
        }
        // Same-line comments after a block scalar header arrive after the scalar.
        self.comments.sort_by_key(|comment| comment.range.start);
        Document {
            roots: self.roots,
            comments: self.comments,
            style: SourceStyle::detect(self.text),
        }
    }

    fn count_node(&mut self, range: TextRange) -> Result<(), ParseError> {
        self.nodes += 1;
        if self.nodes > self.limits.max_nodes {
            return Err(ParseError::new(
                format!("document has more than {} nodes", self.limits.max_nodes),
                range,
            ));
        }
        Ok(())
    }

    fn current_path(&self) -> Vec<usize> {
        self.stack.iter().map(Frame::next_index).collect()
    }

    fn name_anchor(&mut self, id: usize, name: String) {
        if let Some((node, pending_id)) = &mut self.pending
            && *pending_id == id
        {
            node.anchor = Some(name);
        } else if let Some(frame) = self.stack.last_mut()
            && frame.anchor_id == id
        {
            frame.anchor = Some(name);
        }
    }

    fn flush_pending(&mut self) {
        if let Some((node, _)) = self.pending.take() {
            self.attach(node);
        }
    }

    fn attach(&mut self, node: Node) {
        let Some(frame) = self.stack.last_mut() else {
            self.doc_root = Some(node);
            return;
        };
        match &mut frame.kind {
            FrameKind::Sequence(items) => items.push(node),
            FrameKind::Mapping { entries, key } => match key.take() {
                None => *key = Some(node),
                Some(key) => entries.push(Entry {
                    range: cover(key.range, TextRange::empty(node.range.end)),
                    key,
                    value: node,
                }),
            },
        }
    }

    fn scalar(
        &mut self,
        value: Cow<'_, str>,
        style: granit_parser::ScalarStyle,
        anchor_id: usize,
        tag: Option<Cow<'_, Tag>>,
        span: &Span,
        range: TextRange,
    ) -> Result<(), ParseError> {
        self.count_node(range)?;
        let (range, scalar) = match style {
            granit_parser::ScalarStyle::Literal => {
                self.block_scalar(value.into_owned(), ScalarStyle::Literal, span, range)
            }
            granit_parser::ScalarStyle::Folded => {
                self.block_scalar(value.into_owned(), ScalarStyle::Folded, span, range)
            }
            granit_parser::ScalarStyle::SingleQuoted => (
                range,
                flow_scalar(value.into_owned(), ScalarStyle::SingleQuoted),
            ),
            granit_parser::ScalarStyle::DoubleQuoted => (
                range,
                flow_scalar(value.into_owned(), ScalarStyle::DoubleQuoted),
            ),
            granit_parser::ScalarStyle::Plain if range.is_empty() => {
                // An absent value (`key:`, `-`): the parser reports it as `~`, placed on the
                // indicator. It is empty in the source, and edits want the spot after the
                // indicator, where a value would be written.
                let at = range.start as usize;
                let after = match self.text.as_bytes().get(at) {
                    Some(b':' | b'-' | b'?') => at + 1,
                    _ => at,
                };
                let range = TextRange::from_usize(after, after);
                (range, flow_scalar(String::new(), ScalarStyle::Plain))
            }
            granit_parser::ScalarStyle::Plain => {
                (range, flow_scalar(value.into_owned(), ScalarStyle::Plain))
            }
        };
        let node = Node {
            range,
            kind: NodeKind::Scalar(scalar),
            tag: tag.map(|tag| tag_text(self.text, span, &tag)),
            anchor: None,
        };
        if anchor_id != 0 {
            self.anchors.insert(anchor_id, self.current_path());
        }
        self.pending = Some((node, anchor_id));
        Ok(())
    }

    /// Range and content of a `|`/`>` scalar. `range` is the parser's span: first content
    /// character through the start of the next token.
    fn block_scalar(
        &self,
        value: String,
        style: ScalarStyle,
        span: &Span,
        range: TextRange,
    ) -> (TextRange, Scalar) {
        let bytes = self.text.as_bytes();
        let content_start = (range.start as usize).min(bytes.len());
        let span_end = (range.end as usize).min(bytes.len());
        let header = find_block_header(bytes, self.floor.min(content_start), content_start);
        let (indicator, header_end, body_start) = match header {
            Some((start, end)) => (start, end, line_end_incl(bytes, end)),
            None => (
                content_start,
                content_start,
                line_start(bytes, content_start),
            ),
        };
        let last = span
            .indent
            .and_then(|indent| last_content_line(bytes, body_start, span_end, indent));
        let (end, content_end) = match last {
            Some((end, end_incl)) => (end, end_incl),
            None => (header_end, body_start),
        };
        let scalar = Scalar {
            value,
            style,
            content_range: Some(TextRange::from_usize(
                body_start,
                content_end.max(body_start),
            )),
            content_indent: span.indent,
        };
        (TextRange::from_usize(indicator, end.max(indicator)), scalar)
    }

    fn open(
        &mut self,
        kind: FrameKind,
        style: StructureStyle,
        anchor_id: usize,
        tag: Option<Cow<'_, Tag>>,
        span: &Span,
        range: TextRange,
    ) -> Result<(), ParseError> {
        self.count_node(range)?;
        if self.stack.len() >= self.limits.max_depth {
            return Err(depth_error(self.limits, range));
        }
        if anchor_id != 0 {
            self.anchors.insert(anchor_id, self.current_path());
        }
        self.stack.push(Frame {
            kind,
            flow: style == StructureStyle::Flow,
            open: range,
            tag: tag.map(|tag| tag_text(self.text, span, &tag)),
            anchor: None,
            anchor_id,
        });
        Ok(())
    }

    fn close(&mut self, close: TextRange) -> Result<(), ParseError> {
        let Some(frame) = self.stack.pop() else {
            return Err(ParseError::new(
                "invalid YAML: unbalanced collection end",
                close,
            ));
        };
        let (kind, children) = match frame.kind {
            FrameKind::Sequence(items) => {
                let children = items
                    .first()
                    .zip(items.last())
                    .map(|(first, last)| cover(first.range, last.range));
                (NodeKind::Sequence(items), children)
            }
            FrameKind::Mapping { mut entries, key } => {
                // The parser always pairs keys with values; a lone key would be a parser bug,
                // kept rather than dropped so no source bytes vanish from the tree.
                if let Some(key) = key {
                    let value = Node {
                        range: TextRange::empty(key.range.end),
                        kind: NodeKind::Scalar(flow_scalar(String::new(), ScalarStyle::Plain)),
                        tag: None,
                        anchor: None,
                    };
                    entries.push(Entry {
                        range: key.range,
                        key,
                        value,
                    });
                }
                let children = entries
                    .first()
                    .zip(entries.last())
                    .map(|(first, last)| cover(first.range, last.range));
                (NodeKind::Mapping(entries), children)
            }
        };
        let range = if frame.flow && !frame.open.is_empty() {
            cover(frame.open, close)
        } else {
            // Block collections (and the implicit single-pair mappings of `[a: 1]`) have
            // empty start/end spans, often far from their content.
            children.unwrap_or(frame.open)
        };
        self.attach(Node {
            range,
            kind,
            tag: frame.tag,
            anchor: frame.anchor,
        });
        Ok(())
    }

    fn alias(&mut self, id: usize, range: TextRange) -> Result<(), ParseError> {
        self.count_node(range)?;
        let name = range
            .slice(self.text)
            .map(|token| token.strip_prefix('*').unwrap_or(token))
            .unwrap_or_default()
            .to_owned();
        let budget = self
            .limits
            .max_alias_expansion
            .saturating_sub(self.expanded);
        let depth = self.stack.len();
        let target = self.anchors.get(&id).and_then(|path| self.navigate(path));
        // An alias to a collection that is still open (`&a [*a]`) stays unresolved.
        let resolved = match target {
            None => None,
            Some(target) => {
                let Some((size, height)) = measure(target, budget) else {
                    return Err(ParseError::new(
                        format!(
                            "alias expansion exceeds {} nodes (possible alias bomb)",
                            self.limits.max_alias_expansion
                        ),
                        range,
                    ));
                };
                if depth.saturating_add(height) > self.limits.max_depth {
                    return Err(ParseError::new(
                        format!(
                            "nesting depth exceeds {} levels through alias `*{name}`",
                            self.limits.max_depth
                        ),
                        range,
                    ));
                }
                Some((size, Box::new(target.clone())))
            }
        };
        let resolved = resolved.map(|(size, node)| {
            self.expanded += size;
            node
        });
        self.attach(Node {
            range,
            kind: NodeKind::Alias { name, resolved },
            tag: None,
            anchor: None,
        });
        Ok(())
    }

    /// The completed node at `path` from the document root, or `None` if it is still open.
    fn navigate(&self, path: &[usize]) -> Option<&Node> {
        for (level, &index) in path.iter().enumerate() {
            let frame = self.stack.get(level)?;
            if let Some(node) = frame.completed_child(index) {
                let rest = path.get(level + 1..)?;
                return rest
                    .iter()
                    .try_fold(node, |node, &index| child(node, index));
            }
            if index != frame.next_index() {
                return None;
            }
        }
        None
    }
}

fn flow_scalar(value: String, style: ScalarStyle) -> Scalar {
    Scalar {
        value,
        style,
        content_range: None,
        content_indent: None,
    }
}

fn is_empty_document(root: &Node) -> bool {
    root.range.is_empty()
        && root.tag.is_none()
        && root.anchor.is_none()
        && matches!(&root.kind, NodeKind::Scalar(s) if s.style == ScalarStyle::Plain && s.value.is_empty())
}

/// Node count and collection height of `node` including everything its aliases resolve to, or
/// `None` as soon as the count passes `budget` (so measuring a bomb stays cheap).
fn measure(node: &Node, budget: usize) -> Option<(usize, usize)> {
    let mut count = 0usize;
    let mut height = 0usize;
    let mut todo = vec![(node, 0usize)];
    while let Some((node, above)) = todo.pop() {
        count += 1;
        if count > budget {
            return None;
        }
        match &node.kind {
            NodeKind::Scalar(_) => {}
            NodeKind::Alias { resolved, .. } => {
                if let Some(resolved) = resolved {
                    todo.push((resolved, above));
                }
            }
            NodeKind::Sequence(items) => {
                height = height.max(above + 1);
                todo.extend(items.iter().map(|item| (item, above + 1)));
            }
            NodeKind::Mapping(entries) => {
                height = height.max(above + 1);
                for entry in entries {
                    todo.push((&entry.key, above + 1));
                    todo.push((&entry.value, above + 1));
                }
            }
        }
    }
    Some((count, height))
}

/// Start of the line containing `pos`.
fn line_start(bytes: &[u8], pos: usize) -> usize {
    let pos = pos.min(bytes.len());
    bytes
        .get(..pos)
        .and_then(|head| head.iter().rposition(|&b| b == b'\n'))
        .map_or(0, |i| i + 1)
}

/// End of the line containing `pos`, after its line ending (or the end of the text).
fn line_end_incl(bytes: &[u8], pos: usize) -> usize {
    let pos = pos.min(bytes.len());
    bytes
        .get(pos..)
        .and_then(|tail| tail.iter().position(|&b| b == b'\n'))
        .map_or(bytes.len(), |i| pos + i + 1)
}

/// End of the line containing `pos`, before its `\n` or `\r\n`.
fn line_content_end(bytes: &[u8], pos: usize) -> usize {
    let pos = pos.min(bytes.len());
    match bytes
        .get(pos..)
        .and_then(|tail| tail.iter().position(|&b| b == b'\n'))
    {
        Some(i) if i > 0 && bytes.get(pos + i - 1) == Some(&b'\r') => pos + i - 1,
        Some(i) => pos + i,
        None => bytes.len(),
    }
}

fn is_line_break(b: u8) -> bool {
    b == b'\n' || b == b'\r'
}

fn is_blank(b: u8) -> bool {
    b == b' ' || b == b'\t'
}

/// Locate a block scalar header (`|`, `>`, with chomping/indentation indicators) in
/// `bytes[from..to]`: returns the indicator's offset and the end of the header token.
/// `from` must be at a token boundary (after the previous token), so quoted text cannot be
/// mistaken for a header; comments are skipped.
fn find_block_header(bytes: &[u8], from: usize, to: usize) -> Option<(usize, usize)> {
    let to = to.min(bytes.len());
    let mut i = from;
    while i < to {
        let b = *bytes.get(i)?;
        let after_space = i == 0
            || bytes
                .get(i - 1)
                .is_some_and(|&p| is_blank(p) || is_line_break(p));
        if b == b'#' && after_space {
            i = line_content_end(bytes, i);
            continue;
        }
        if (b == b'|' || b == b'>') && after_space {
            let mut end = i + 1;
            while end < i + 3
                && bytes
                    .get(end)
                    .is_some_and(|c| c.is_ascii_digit() || *c == b'+' || *c == b'-')
            {
                end += 1;
            }
            if bytes
                .get(end)
                .is_none_or(|&c| is_blank(c) || is_line_break(c))
            {
                return Some((i, end));
            }
        }
        i += 1;
    }
    None
}

/// The last line of a block scalar body (`from` is the line after the header) that holds
/// content at `indent`: its end before the line ending, and after it. Lines that only hold
/// indentation are trailing blank lines; a less indented non-blank line ends the body.
fn last_content_line(
    bytes: &[u8],
    from: usize,
    to: usize,
    indent: usize,
) -> Option<(usize, usize)> {
    let mut last = None;
    let mut start = from;
    while start < to {
        let end = line_content_end(bytes, start);
        let end_incl = line_end_incl(bytes, start);
        let line = bytes.get(start..end)?;
        let indented = line.iter().take(indent).all(|&b| b == b' ');
        if line.len() > indent && indented {
            last = Some((end, end_incl));
        } else if !line.iter().all(|&b| is_blank(b)) {
            break;
        }
        if end_incl <= start {
            break;
        }
        start = end_incl;
    }
    last
}
