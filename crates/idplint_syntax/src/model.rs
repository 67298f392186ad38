use crate::SourceStyle;
use idplint_diagnostics::TextRange;

/// One parsed file (or one embedded text) in the shared span-tree model.
#[derive(Clone, Debug)]
pub struct Document {
    /// Top-level nodes: one per YAML document (`---`), exactly one for JSON, `.env` and
    /// properties files (a mapping of their entries). A YAML document that is empty has no node.
    pub roots: Vec<Node>,
    /// Every comment in the file, in source order.
    pub comments: Vec<Comment>,
    pub style: SourceStyle,
}

impl Document {
    /// The first root, which is the whole file for every format but multi-document YAML.
    pub fn root(&self) -> Option<&Node> {
        self.roots.first()
    }
}

/// A comment. `range` covers the marker (`#`), `text` is what follows it, untrimmed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Comment {
    pub range: TextRange,
    pub text: String,
}

#[derive(Clone, Debug)]
pub struct Node {
    /// The node's own bytes: for a scalar its token including quotes (for a block scalar, the
    /// indicator through the last content line); for a collection its first child start through
    /// its last child end (block) or bracket to bracket (flow / JSON).
    pub range: TextRange,
    pub kind: NodeKind,
    /// Explicit YAML tag as written (`!Ref`, `!!str`), if any.
    pub tag: Option<String>,
    /// YAML anchor name (`&base`), if any.
    pub anchor: Option<String>,
}

#[derive(Clone, Debug)]
pub enum NodeKind {
    Mapping(Vec<Entry>),
    Sequence(Vec<Node>),
    Scalar(Scalar),
    /// A YAML alias (`*base`), not expanded in the tree; `resolved` is the anchored node when
    /// the anchor was seen earlier in the same document (a clone, bounded by `Limits`).
    Alias {
        name: String,
        resolved: Option<Box<Node>>,
    },
}

/// A key/value pair of a mapping.
#[derive(Clone, Debug)]
pub struct Entry {
    pub key: Node,
    pub value: Node,
    /// Key start through value end (not including a trailing comment or line ending).
    pub range: TextRange,
}

impl Entry {
    /// The key as text (scalar keys only; complex keys give an empty string).
    pub fn key_str(&self) -> &str {
        self.key.as_str().unwrap_or("")
    }
}

/// How a scalar was written, so a replacement can be written the same way.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ScalarStyle {
    /// YAML plain scalar, JSON number/`true`/`false`/`null`, unquoted `.env` or properties value.
    Plain,
    SingleQuoted,
    DoubleQuoted,
    /// YAML `|` block scalar.
    Literal,
    /// YAML `>` block scalar.
    Folded,
}

#[derive(Clone, Debug)]
pub struct Scalar {
    /// The decoded value (quotes removed, escapes resolved, block scalar content assembled).
    pub value: String,
    pub style: ScalarStyle,
    /// For literal/folded block scalars: the byte range of the content lines (first content
    /// line start through end of last content line, including its line ending), so embedded
    /// documents can be mapped back to host bytes. `None` for other styles.
    pub content_range: Option<TextRange>,
    /// For block scalars: the content indentation in columns.
    pub content_indent: Option<usize>,
}

impl Node {
    pub fn as_mapping(&self) -> Option<&[Entry]> {
        match &self.kind {
            NodeKind::Mapping(entries) => Some(entries),
            NodeKind::Alias {
                resolved: Some(node),
                ..
            } => node.as_mapping(),
            _ => None,
        }
    }

    pub fn as_sequence(&self) -> Option<&[Node]> {
        match &self.kind {
            NodeKind::Sequence(items) => Some(items),
            NodeKind::Alias {
                resolved: Some(node),
                ..
            } => node.as_sequence(),
            _ => None,
        }
    }

    pub fn as_scalar(&self) -> Option<&Scalar> {
        match &self.kind {
            NodeKind::Scalar(scalar) => Some(scalar),
            NodeKind::Alias {
                resolved: Some(node),
                ..
            } => node.as_scalar(),
            _ => None,
        }
    }

    /// The scalar's decoded text.
    pub fn as_str(&self) -> Option<&str> {
        self.as_scalar().map(|s| s.value.as_str())
    }

    /// A scalar read as a boolean the way Go's YAML/JSON decoders read it (`true`/`false` in
    /// any case; YAML 1.1's `yes`/`no`/`on`/`off` are not booleans for Kratos or Kubernetes).
    pub fn as_bool(&self) -> Option<bool> {
        let scalar = self.as_scalar()?;
        if scalar.style != ScalarStyle::Plain {
            return None;
        }
        match scalar.value.as_str() {
            "true" | "True" | "TRUE" => Some(true),
            "false" | "False" | "FALSE" => Some(false),
            _ => None,
        }
    }

    /// Whether this is a null scalar (`~`, `null`, or an empty plain value).
    pub fn is_null(&self) -> bool {
        matches!(&self.kind, NodeKind::Scalar(s)
            if s.style == ScalarStyle::Plain && matches!(s.value.as_str(), "" | "~" | "null" | "Null" | "NULL"))
    }

    /// The entry with key `key` in this mapping. With duplicate keys, the last one wins (as it
    /// does in Go's decoders for JSON; YAML consumers reject duplicates).
    pub fn get(&self, key: &str) -> Option<&Entry> {
        self.as_mapping()?
            .iter()
            .rev()
            .find(|entry| entry.key_str() == key)
    }

    /// Follow a path of mapping keys.
    pub fn get_path<S: AsRef<str>>(&self, path: &[S]) -> Option<&Node> {
        let mut node = self;
        for key in path {
            node = &node.get(key.as_ref())?.value;
        }
        Some(node)
    }

    /// Like [`Node::get_path`] but returns the entry holding the last key.
    pub fn get_entry_path<S: AsRef<str>>(&self, path: &[S]) -> Option<&Entry> {
        let (last, parents) = path.split_last()?;
        self.get_path(parents)?.get(last.as_ref())
    }

    /// Depth-first walk over this node and everything below it (aliases are not followed).
    pub fn walk<'a>(&'a self, visit: &mut dyn FnMut(&'a Node)) {
        visit(self);
        match &self.kind {
            NodeKind::Mapping(entries) => {
                for entry in entries {
                    entry.key.walk(visit);
                    entry.value.walk(visit);
                }
            }
            NodeKind::Sequence(items) => {
                for item in items {
                    item.walk(visit);
                }
            }
            NodeKind::Scalar(_) | NodeKind::Alias { .. } => {}
        }
    }
}
