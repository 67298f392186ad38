//! XML (WildFly `standalone*.xml`, `domain.xml`) into a small element tree with byte ranges.
//!
//! Safety: DTDs are refused (no entity expansion of any kind, no external entities), and the
//! node count and depth are bounded by [`crate::Limits`].

use crate::{Comment, Limits, ParseError, SourceStyle};
use idplint_diagnostics::TextRange;
use roxmltree::{NodeId, NodeType, ParsingOptions};

#[derive(Clone, Debug)]
pub struct XmlDocument {
    pub root: XmlElement,
    pub comments: Vec<Comment>,
    pub style: SourceStyle,
}

#[derive(Clone, Debug)]
pub struct XmlElement {
    /// Local name (`subsystem`), without prefix.
    pub name: String,
    /// Resolved namespace URI (`urn:jboss:domain:keycloak-server:1.1`), if any.
    pub namespace: Option<String>,
    /// `<` of the start tag through `>` of the end tag (or of `/>`).
    pub range: TextRange,
    /// The element name in its start tag.
    pub name_range: TextRange,
    /// `<` through `>` of the start tag.
    pub start_tag_range: TextRange,
    pub attributes: Vec<XmlAttribute>,
    pub children: Vec<XmlElement>,
    /// Concatenated text content directly inside this element (trimmed), with the range of the
    /// first non-blank text node, when there is any.
    pub text: Option<(String, TextRange)>,
}

#[derive(Clone, Debug)]
pub struct XmlAttribute {
    /// Local name, without prefix.
    pub name: String,
    /// `name="value"` as a whole.
    pub range: TextRange,
    pub name_range: TextRange,
    /// Decoded value.
    pub value: String,
    /// The value without its quotes.
    pub value_range: TextRange,
}

impl XmlElement {
    pub fn attr(&self, name: &str) -> Option<&XmlAttribute> {
        self.attributes.iter().find(|a| a.name == name)
    }

    pub fn attr_value(&self, name: &str) -> Option<&str> {
        self.attr(name).map(|a| a.value.as_str())
    }

    /// Direct children with local name `name`.
    pub fn children_named<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a XmlElement> {
        self.children.iter().filter(move |c| c.name == name)
    }

    /// Every element below (and including) this one, depth first.
    pub fn descendants(&self) -> Vec<&XmlElement> {
        let mut out = Vec::new();
        let mut stack = vec![self];
        while let Some(element) = stack.pop() {
            out.push(element);
            stack.extend(element.children.iter().rev());
        }
        out
    }
}

/// Parse XML text. Never resolves external entities and refuses DTDs.
///
/// `name_range` of elements and attributes covers the local name only (after any `prefix:`),
/// so it slices back to `name` and replacing it keeps the prefix. Comments anywhere in the
/// file (also before and after the root element) are collected in source order.
pub fn parse(text: &str, limits: &Limits) -> Result<XmlDocument, ParseError> {
    let options = ParsingOptions {
        // DTDs stay refused: no internal entities (billion laughs), no external ones (XXE).
        allow_dtd: false,
        nodes_limit: u32::try_from(limits.max_nodes).unwrap_or(u32::MAX),
        entity_resolver: None,
    };
    let document = roxmltree::Document::parse_with_options(text, options)
        .map_err(|error| convert_error(text, &error, limits))?;

    let mut comments = Vec::new();
    let mut stack: Vec<Open> = Vec::new();
    let mut root: Option<XmlElement> = None;
    // `descendants` walks the tree in document order without recursion; the open elements
    // are kept on an explicit stack, so depth is bounded by `limits.max_depth` and not by
    // the thread's stack size.
    for node in document.root().descendants() {
        if node.node_type() == NodeType::Root {
            continue;
        }
        let parent = node.parent().map(|p| p.id());
        while let Some(top) = stack.last() {
            if Some(top.id) == parent {
                break;
            }
            close(&mut stack, &mut root);
        }
        match node.node_type() {
            NodeType::Element => {
                let range = safe_range(text, node.range().start, node.range().end);
                if stack.len() >= limits.max_depth {
                    return Err(ParseError::new(
                        format!(
                            "XML nesting is deeper than the limit of {} levels",
                            limits.max_depth
                        ),
                        safe_range(text, range.start as usize, range.start as usize + 1),
                    ));
                }
                let attributes = node
                    .attributes()
                    .map(|attribute| {
                        let qname = attribute.range_qname();
                        let value = attribute.range_value();
                        XmlAttribute {
                            name: attribute.name().to_owned(),
                            range: safe_range(text, attribute.range().start, attribute.range().end),
                            name_range: local_name_range(text, qname.start, qname.end),
                            value: attribute.value().to_owned(),
                            value_range: safe_range(text, value.start, value.end),
                        }
                    })
                    .collect();
                let start_tag_range = start_tag_range(text, range);
                stack.push(Open {
                    id: node.id(),
                    element: XmlElement {
                        name: node.tag_name().name().to_owned(),
                        namespace: node.tag_name().namespace().map(str::to_owned),
                        range,
                        name_range: element_name_range(text, range.start as usize),
                        start_tag_range,
                        attributes,
                        children: Vec::new(),
                        text: None,
                    },
                    text: String::new(),
                    text_range: None,
                });
            }
            NodeType::Text => {
                if let (Some(top), Some(content)) = (stack.last_mut(), node.text()) {
                    top.text.push_str(content);
                    if top.text_range.is_none() {
                        let range = node.range();
                        top.text_range = trimmed_range(text, range.start, range.end);
                    }
                }
            }
            NodeType::Comment => {
                let range = node.range();
                comments.push(Comment {
                    range: safe_range(text, range.start, range.end),
                    text: node.text().unwrap_or("").to_owned(),
                });
            }
            NodeType::PI | NodeType::Root => {}
        }
    }
    while !stack.is_empty() {
        close(&mut stack, &mut root);
    }
    let Some(root) = root else {
        return Err(ParseError::new(
            "invalid XML: the document has no root element",
            TextRange::default(),
        ));
    };
    Ok(XmlDocument {
        root,
        comments,
        style: SourceStyle::detect(text),
    })
}

/// An element whose end has not been reached yet in the document-order walk.
struct Open {
    id: NodeId,
    element: XmlElement,
    text: String,
    text_range: Option<TextRange>,
}

/// Finish the innermost open element and attach it to its parent (or make it the root).
fn close(stack: &mut Vec<Open>, root: &mut Option<XmlElement>) {
    let Some(open) = stack.pop() else {
        return;
    };
    let mut element = open.element;
    let trimmed = open.text.trim_matches(is_xml_space);
    element.text = match open.text_range {
        Some(range) if !trimmed.is_empty() => Some((trimmed.to_owned(), range)),
        _ => None,
    };
    match stack.last_mut() {
        Some(parent) => parent.element.children.push(element),
        None => *root = Some(element),
    }
}

fn is_xml_space(c: char) -> bool {
    matches!(c, ' ' | '\t' | '\r' | '\n')
}

/// A range clamped into the text with `start <= end`, whatever roxmltree reported.
fn safe_range(text: &str, start: usize, end: usize) -> TextRange {
    let end = end.min(text.len());
    TextRange::from_usize(start.min(end), end)
}

/// The source range of a text node without its surrounding whitespace; `None` when blank.
fn trimmed_range(text: &str, start: usize, end: usize) -> Option<TextRange> {
    let range = safe_range(text, start, end);
    let slice = range.slice(text)?;
    let leading = slice.len() - slice.trim_start_matches(is_xml_space).len();
    let trailing = slice.len() - slice.trim_end_matches(is_xml_space).len();
    if leading == slice.len() {
        return None;
    }
    Some(safe_range(
        text,
        range.start as usize + leading,
        range.end as usize - trailing,
    ))
}

/// The local part of a qualified name spanning `start..end`.
fn local_name_range(text: &str, start: usize, end: usize) -> TextRange {
    let range = safe_range(text, start, end);
    match range.slice(text).and_then(|qname| qname.find(':')) {
        Some(colon) => safe_range(text, range.start as usize + colon + 1, range.end as usize),
        None => range,
    }
}

/// The local name in the start tag beginning with `<` at `open`.
fn element_name_range(text: &str, open: usize) -> TextRange {
    let start = open + 1;
    let rest = text.get(start..).unwrap_or("");
    let len = rest
        .find(|c: char| is_xml_space(c) || c == '/' || c == '>')
        .unwrap_or(rest.len());
    local_name_range(text, start, start + len)
}

/// `<` through `>` of the start tag of the element at `element` (quotes in attribute values
/// may contain `>`, so they are skipped).
fn start_tag_range(text: &str, element: TextRange) -> TextRange {
    let start = element.start as usize;
    let bytes = text
        .as_bytes()
        .get(start..element.end as usize)
        .unwrap_or_default();
    let mut quote: Option<u8> = None;
    for (i, &byte) in bytes.iter().enumerate() {
        match quote {
            Some(q) if byte == q => quote = None,
            Some(_) => {}
            None if byte == b'"' || byte == b'\'' => quote = Some(byte),
            None if byte == b'>' => return safe_range(text, start, start + i + 1),
            None => {}
        }
    }
    element
}

/// Byte offset of a roxmltree position (1-based row counted in `\n`, 1-based column in
/// characters), clamped to the text.
fn offset_of(text: &str, pos: roxmltree::TextPos) -> usize {
    let mut line_start = 0;
    for _ in 1..pos.row {
        match text.get(line_start..).and_then(|rest| rest.find('\n')) {
            Some(newline) => line_start += newline + 1,
            None => return text.len(),
        }
    }
    let line = text.get(line_start..).unwrap_or("");
    let column = (pos.col as usize).saturating_sub(1);
    line.char_indices()
        .nth(column)
        .map_or(text.len(), |(i, _)| line_start + i)
}

fn convert_error(text: &str, error: &roxmltree::Error, limits: &Limits) -> ParseError {
    use roxmltree::Error;
    let point = |offset: usize| {
        let len = text
            .get(offset..)
            .and_then(|rest| rest.chars().next())
            .map_or(0, char::len_utf8);
        safe_range(text, offset, offset + len)
    };
    match error {
        Error::DtdDetected => {
            let at = text.find("<!DOCTYPE").unwrap_or(0);
            ParseError::new(
                "XML with a DTD is not accepted: a DOCTYPE can declare entities (entity expansion \
                 bombs, external files), and idplint never expands them",
                safe_range(text, at, at + "<!DOCTYPE".len()),
            )
        }
        Error::NodesLimitReached => ParseError::new(
            format!("XML has more than {} nodes", limits.max_nodes),
            TextRange::default(),
        ),
        Error::UnclosedRootNode | Error::UnexpectedEndOfStream => ParseError::new(
            format!("invalid XML: {error}"),
            TextRange::from_usize(text.len(), text.len()),
        ),
        Error::NoRootNode | Error::AttributesLimitReached | Error::NamespacesLimitReached => {
            ParseError::new(format!("invalid XML: {error}"), TextRange::default())
        }
        _ => ParseError::new(
            format!("invalid XML: {error}"),
            point(offset_of(text, error.pos())),
        ),
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]

    use super::*;

    fn limits() -> Limits {
        Limits::default()
    }

    fn slice(text: &str, range: TextRange) -> &str {
        range.slice(text).unwrap()
    }

    const SAMPLE: &str = r#"<?xml version='1.0' encoding='UTF-8'?>
<!-- 設定ファイル -->
<server xmlns="urn:jboss:domain:16.0">
    <profile>
        <subsystem xmlns="urn:jboss:domain:keycloak-server:1.1">
            <web-context>auth</web-context>
            <spi name="hostname" note='a > b'>
                <default-provider>  default  </default-provider>
                <x:prop xmlns:x="urn:x" x:name="frontendUrl" value="${env.KEYCLOAK_FRONTEND_URL:}" empty=""/>
            </spi>
        </subsystem>
    </profile>
</server>
"#;

    #[test]
    fn element_tree_and_ranges() {
        let text = SAMPLE;
        let doc = parse(text, &limits()).unwrap();
        let root = &doc.root;
        assert_eq!(root.name, "server");
        assert_eq!(root.namespace.as_deref(), Some("urn:jboss:domain:16.0"));
        assert!(slice(text, root.range).starts_with("<server"));
        assert!(slice(text, root.range).ends_with("</server>"));
        assert_eq!(slice(text, root.name_range), "server");
        assert_eq!(
            slice(text, root.start_tag_range),
            "<server xmlns=\"urn:jboss:domain:16.0\">"
        );
        assert!(root.text.is_none());

        let subsystem = root
            .children_named("profile")
            .next()
            .unwrap()
            .children_named("subsystem")
            .next()
            .unwrap();
        assert_eq!(
            subsystem.namespace.as_deref(),
            Some("urn:jboss:domain:keycloak-server:1.1")
        );
        let web = subsystem.children_named("web-context").next().unwrap();
        let (value, range) = web.text.clone().unwrap();
        assert_eq!(value, "auth");
        assert_eq!(slice(text, range), "auth");

        let spi = subsystem.children_named("spi").next().unwrap();
        assert_eq!(
            slice(text, spi.start_tag_range),
            "<spi name=\"hostname\" note='a > b'>"
        );
        let name = spi.attr("name").unwrap();
        assert_eq!(slice(text, name.range), "name=\"hostname\"");
        assert_eq!(slice(text, name.name_range), "name");
        assert_eq!(slice(text, name.value_range), "hostname");
        assert_eq!(spi.attr_value("note"), Some("a > b"));

        let provider = spi.children_named("default-provider").next().unwrap();
        let (value, range) = provider.text.clone().unwrap();
        assert_eq!(value, "default");
        assert_eq!(slice(text, range), "default");

        let prop = spi.children_named("prop").next().unwrap();
        assert_eq!(prop.namespace.as_deref(), Some("urn:x"));
        assert_eq!(slice(text, prop.name_range), "prop");
        assert!(slice(text, prop.range).ends_with("/>"));
        assert_eq!(prop.start_tag_range, prop.range);
        let attr = prop.attr("name").unwrap();
        assert_eq!(slice(text, attr.name_range), "name");
        assert_eq!(slice(text, attr.range), "x:name=\"frontendUrl\"");
        let value = prop.attr("value").unwrap();
        assert_eq!(value.value, "${env.KEYCLOAK_FRONTEND_URL:}");
        assert_eq!(
            slice(text, value.value_range),
            "${env.KEYCLOAK_FRONTEND_URL:}"
        );
        let empty = prop.attr("empty").unwrap();
        assert!(empty.value_range.is_empty());
        assert_eq!(
            slice(
                text,
                TextRange::new(empty.value_range.start - 1, empty.value_range.end + 1)
            ),
            "\"\""
        );

        assert_eq!(doc.comments.len(), 1);
        assert_eq!(slice(text, doc.comments[0].range), "<!-- 設定ファイル -->");
        assert_eq!(doc.comments[0].text, " 設定ファイル ");
        assert_eq!(root.descendants().len(), 7);
    }

    #[test]
    fn crlf_entities_and_mixed_text() {
        let text = "<a>\r\n  <b k=\"x &amp; y\">  caf\u{e9} &lt;1&gt;\r\n</b><!--c--><c>t1<d/>t2</c>\r\n</a>";
        let doc = parse(text, &limits()).unwrap();
        let b = &doc.root.children[0];
        assert_eq!(b.attr_value("k"), Some("x & y"));
        assert_eq!(slice(text, b.attr("k").unwrap().value_range), "x &amp; y");
        let (value, range) = b.text.clone().unwrap();
        assert_eq!(value, "caf\u{e9} <1>");
        assert_eq!(slice(text, range), "caf\u{e9} &lt;1&gt;");
        let c = &doc.root.children[1];
        let (value, range) = c.text.clone().unwrap();
        assert_eq!(value, "t1t2");
        assert_eq!(slice(text, range), "t1");
        assert_eq!(slice(text, doc.comments[0].range), "<!--c-->");
        assert_eq!(doc.style.newline, crate::Newline::CrLf);
    }

    #[test]
    fn billion_laughs_is_refused() {
        let text = r#"<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
]>
<lolz>&lol3;</lolz>"#;
        let error = parse(text, &limits()).unwrap_err();
        assert!(
            error.message.starts_with("XML with a DTD is not accepted"),
            "{}",
            error.message
        );
        assert_eq!(slice(text, error.range), "<!DOCTYPE");
    }

    #[test]
    fn external_entities_are_refused() {
        let text = "<?xml version=\"1.0\"?>\n<!DOCTYPE x [<!ENTITY e SYSTEM \"file:///etc/passwd\">]>\n<x>&e;</x>";
        let error = parse(text, &limits()).unwrap_err();
        assert!(
            error.message.starts_with("XML with a DTD is not accepted"),
            "{}",
            error.message
        );
        // Without a DTD an entity is simply unknown.
        let text = "<x>&e;</x>";
        let error = parse(text, &limits()).unwrap_err();
        assert!(
            error.message.contains("unknown entity"),
            "{}",
            error.message
        );
        assert_eq!(error.range.start, 3);
        // An external DTD subset is never fetched either.
        let text = "<!DOCTYPE x SYSTEM \"http://example.invalid/x.dtd\">\n<x>&e;</x>";
        assert!(parse(text, &limits()).is_err());
    }

    #[test]
    fn deep_nesting_is_an_error_not_a_crash() {
        let text = format!("{}{}", "<a>".repeat(10_000), "</a>".repeat(10_000));
        let error = parse(&text, &limits()).unwrap_err();
        assert!(error.message.contains("nesting"), "{}", error.message);
        assert_eq!(error.range, TextRange::new(768, 769));
        let ok = format!("{}{}", "<a>".repeat(256), "</a>".repeat(256));
        assert!(parse(&ok, &limits()).is_ok());
        let unclosed = "<a>".repeat(10_000);
        assert!(parse(&unclosed, &limits()).is_err());
    }

    #[test]
    fn node_limit() {
        let small = Limits {
            max_nodes: 5,
            ..Limits::default()
        };
        let error = parse(&"<a>".repeat(3), &small).unwrap_err();
        assert!(error.message.contains("invalid XML"), "{}", error.message);
        let many = format!("<a>{}</a>", "<b/>".repeat(100));
        let error = parse(&many, &small).unwrap_err();
        assert!(error.message.contains("nodes"), "{}", error.message);
    }

    #[test]
    fn error_positions_are_byte_offsets() {
        let text = "<a>\n  <日本>x</日本>\n  <b></c>\n</a>";
        let error = parse(text, &limits()).unwrap_err();
        assert!(
            error.message.starts_with("invalid XML"),
            "{}",
            error.message
        );
        let at = text.find("</c>").unwrap();
        assert!(
            error.range.start as usize >= text.find("<b>").unwrap()
                && error.range.start as usize <= at + 2,
            "{error:?}"
        );
        assert!(error.range.slice(text).is_some());
        for bad in [
            "",
            "<",
            "<a",
            "<a>",
            "</a>",
            "<a></b>",
            "<a x='1' x='2'/>",
            "<a>&#0;</a>",
            "\u{feff}<a/>",
            "<a/><b/>",
        ] {
            match parse(bad, &limits()) {
                Ok(_) => {}
                Err(error) => assert!(error.range.slice(bad).is_some(), "{bad:?} {error:?}"),
            }
        }
    }
}
