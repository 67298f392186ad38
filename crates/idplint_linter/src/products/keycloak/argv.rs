//! Keycloak options on a container's command line: `--opt=value` and `--opt value` in
//! Compose `command`/`entrypoint`, Kubernetes `command`/`args` and ECS `command`/`entryPoint`,
//! written either as a list (exec form) or as one string.

use super::catalog::{OptionKind, catalog};
use super::text::{is_block_item, sequence_removal, sequence_separator};
use super::values::classify;
use crate::unit::{EnvEntry, EnvSource, ValueKind, ValueStyle};
use idplint_diagnostics::TextRange;
use idplint_syntax::{Node, ScalarStyle};

/// The `kc.sh` sub-commands: a word that follows `--flag` and is one of these is the command,
/// not the flag's value.
pub const COMMANDS: &[&str] = &[
    "start",
    "start-dev",
    "build",
    "export",
    "import",
    "show-config",
    "tools",
    "bootstrap-admin",
    "update-compatibility",
    "completion",
];

/// One whitespace-separated word of a command line, located in the host text.
#[derive(Clone, Debug)]
pub struct Token {
    /// The word with shell quotes removed.
    pub text: String,
    /// Host range of the word as written (the whole scalar when it cannot be located).
    pub range: TextRange,
    /// Whether `range` slices to exactly `text`.
    pub editable: bool,
}

/// Split a scalar into words, each with its host range. Plain and block scalars are split
/// on their raw text (folding only changes whitespace, so the words are the same); quoted
/// scalars are split on their raw text when it equals the decoded value, else on the value
/// with every word pointing at the whole scalar.
pub fn scalar_tokens(node: &Node, text: &str) -> Vec<Token> {
    let Some(scalar) = node.as_scalar() else {
        return Vec::new();
    };
    let (region, exact) = match scalar.style {
        ScalarStyle::Plain => (
            node.range,
            node.range.slice(text) == Some(scalar.value.as_str()),
        ),
        ScalarStyle::Literal | ScalarStyle::Folded => {
            (scalar.content_range.unwrap_or(node.range), true)
        }
        ScalarStyle::SingleQuoted | ScalarStyle::DoubleQuoted => {
            match super::text::scalar_inner(node, text) {
                Some((inner, exact)) => (inner, exact),
                None => (node.range, false),
            }
        }
    };
    // Plain multi-line scalars fold like block scalars: words are unchanged.
    let exact = exact || scalar.style == ScalarStyle::Plain;
    match region.slice(text) {
        Some(raw) if exact => split_words(raw)
            .into_iter()
            .map(|(word, start, end, quoted)| Token {
                text: word,
                range: TextRange::from_usize(
                    region.start as usize + start,
                    region.start as usize + end,
                ),
                editable: !quoted,
            })
            .collect(),
        _ => split_words(&scalar.value)
            .into_iter()
            .map(|(word, _, _, _)| Token {
                text: word,
                range: node.range,
                editable: false,
            })
            .collect(),
    }
}

/// Shell-like word splitting: whitespace separates words, `'...'` and `"..."` group (quotes
/// removed). Returns (word, start, end, had quotes) with byte offsets into `raw`.
pub(super) fn split_words(raw: &str) -> Vec<(String, usize, usize, bool)> {
    let mut words = Vec::new();
    let mut current = String::new();
    let mut start: Option<usize> = None;
    let mut quoted = false;
    let mut quote: Option<char> = None;
    for (i, c) in raw.char_indices() {
        match quote {
            Some(q) if c == q => quote = None,
            Some(_) => current.push(c),
            None if c.is_whitespace() => {
                if let Some(s) = start.take() {
                    words.push((std::mem::take(&mut current), s, i, quoted));
                    quoted = false;
                }
            }
            None => {
                if start.is_none() {
                    start = Some(i);
                }
                if c == '\'' || c == '"' {
                    quote = Some(c);
                    quoted = true;
                } else {
                    current.push(c);
                }
            }
        }
    }
    if let Some(s) = start {
        words.push((current, s, raw.len(), quoted));
    }
    words
}

/// One `command`/`args`/`entrypoint` value: a list of elements, or one string.
pub struct ArgList<'a> {
    pub elements: Vec<&'a Node>,
    /// A single string that the runtime splits into words (Compose's string form).
    pub is_string: bool,
}

impl<'a> ArgList<'a> {
    /// Read a `command:`-like value: a sequence of scalars or one scalar.
    pub fn from_node(node: &'a Node) -> Option<Self> {
        if let Some(items) = node.as_sequence() {
            let elements: Vec<&Node> = items.iter().filter(|n| n.as_scalar().is_some()).collect();
            return Some(Self {
                elements,
                is_string: false,
            });
        }
        let scalar = node.as_scalar()?;
        if node.is_null() || scalar.value.trim().is_empty() {
            return None;
        }
        Some(Self {
            elements: vec![node],
            is_string: true,
        })
    }
}

/// A word of an argument list with the list element it is in.
pub struct Located {
    pub token: Token,
    pub element: usize,
    /// Whether the token is the element's entire content (a list element of its own).
    pub whole: bool,
}

/// The Keycloak options in one argument list, as entries of source `CommandLine`.
///
/// With `shell` set (the container runs `sh -c`), the list holds scripts that may call other
/// programs: only words after `kc.sh` or a `kc.sh` sub-command count, up to the next `&&`,
/// `||`, `;` or `|`.
pub fn option_entries(list: &ArgList<'_>, shell: bool, text: &str, newline: &str) -> Vec<EnvEntry> {
    let element_ranges: Vec<TextRange> = list.elements.iter().map(|n| n.range).collect();
    let mut located = Vec::new();
    for (index, element) in list.elements.iter().enumerate() {
        let tokens = scalar_tokens(element, text);
        let single = tokens.len() == 1 && !list.is_string;
        for token in tokens {
            located.push(Located {
                token,
                element: index,
                whole: single,
            });
        }
    }
    entries_from_tokens(located, &element_ranges, shell, text, newline)
}

/// The Keycloak options among located words (see `option_entries`); Dockerfile `CMD` and
/// `ENTRYPOINT` arrive here already split.
pub fn entries_from_tokens(
    mut located: Vec<Located>,
    element_ranges: &[TextRange],
    shell: bool,
    text: &str,
    newline: &str,
) -> Vec<EnvEntry> {
    if shell {
        let mut active = false;
        located.retain(|l| {
            let word = l.token.text.as_str();
            if matches!(word, "&&" | "||" | ";" | "|") {
                active = false;
                return false;
            }
            if word.ends_with("kc.sh") || COMMANDS.contains(&word) {
                active = true;
            }
            let keep = active;
            if word.ends_with(';') {
                active = false;
            }
            keep
        });
    }
    let mut entries = Vec::new();
    let mut i = 0;
    while i < located.len() {
        let current = &located[i];
        let word = current.token.text.as_str();
        let Some(body) = word
            .strip_prefix("--")
            .filter(|b| b.starts_with(|c: char| c.is_ascii_alphanumeric()))
        else {
            i += 1;
            continue;
        };
        if let Some((name, value)) = body.split_once('=') {
            entries.push(single_token_entry(
                current,
                name,
                value,
                element_ranges,
                text,
                newline,
            ));
            i += 1;
            continue;
        }
        let next = located.get(i + 1).filter(|next| {
            takes_value(body)
                && !next.token.text.starts_with('-')
                && !COMMANDS.contains(&next.token.text.as_str())
                && next.whole == current.whole
                && (current.whole || next.element == current.element)
        });
        match next {
            Some(next) => {
                entries.push(pair_entry(
                    current,
                    next,
                    body,
                    element_ranges,
                    text,
                    newline,
                ));
                i += 2;
            }
            None => {
                entries.push(flag_entry(current, element_ranges, text, newline));
                i += 1;
            }
        }
    }
    entries
}

/// Whether `--name` expects a value: every option does, CLI-only flags do not.
fn takes_value(name: &str) -> bool {
    !matches!(catalog().lookup(name), Some(def) if def.kind == OptionKind::Cli)
}

fn item_geometry(
    first: &Located,
    last: &Located,
    elements: &[TextRange],
    text: &str,
    newline: &str,
) -> (TextRange, TextRange, String) {
    if first.whole {
        let start = elements
            .get(first.element)
            .copied()
            .unwrap_or(first.token.range);
        let end = elements
            .get(last.element)
            .copied()
            .unwrap_or(last.token.range);
        let item = TextRange::new(start.start, end.end.max(start.start));
        let removal = sequence_removal(text, elements, first.element, last.element);
        (item, removal, sequence_separator(text, start, newline))
    } else {
        let item = first.token.range.cover(last.token.range);
        (item, word_removal(text, item), " ".to_string())
    }
}

/// A word inside a string plus the blanks after it (or, for the last word, before it).
fn word_removal(text: &str, word: TextRange) -> TextRange {
    let bytes = text.as_bytes();
    let mut end = word.end as usize;
    while end < bytes.len() && matches!(bytes[end], b' ' | b'\t') {
        end += 1;
    }
    if end > word.end as usize {
        return TextRange::from_usize(word.start as usize, end);
    }
    let mut start = word.start as usize;
    while start > 0 && matches!(bytes[start - 1], b' ' | b'\t') {
        start -= 1;
    }
    TextRange::from_usize(start, word.end as usize)
}

fn single_token_entry(
    token: &Located,
    name: &str,
    value: &str,
    elements: &[TextRange],
    text: &str,
    newline: &str,
) -> EnvEntry {
    let range = token.token.range;
    let editable = token.token.editable;
    let name_len = u32::try_from(name.len() + 2).unwrap_or(0);
    let (name_range, value_range) = if editable {
        let name_end = range.start + name_len;
        (
            TextRange::new(range.start, name_end),
            TextRange::new((name_end + 1).min(range.end), range.end),
        )
    } else {
        (range, range)
    };
    let (item_range, removal_range, separator) =
        item_geometry(token, token, elements, text, newline);
    EnvEntry {
        source: EnvSource::CommandLine,
        name: format!("--{name}"),
        name_range,
        value: Some(value.to_string()),
        value_range: Some(value_range),
        value_kind: classify(value, EnvSource::CommandLine),
        value_style: ValueStyle::Raw,
        item_range,
        removal_range,
        separator,
        editable,
    }
}

fn pair_entry(
    flag: &Located,
    value: &Located,
    name: &str,
    elements: &[TextRange],
    text: &str,
    newline: &str,
) -> EnvEntry {
    let (item_range, removal_range, separator) =
        item_geometry(flag, value, elements, text, newline);
    EnvEntry {
        source: EnvSource::CommandLine,
        name: format!("--{name}"),
        name_range: flag.token.range,
        value: Some(value.token.text.clone()),
        value_range: Some(value.token.range),
        value_kind: classify(&value.token.text, EnvSource::CommandLine),
        value_style: ValueStyle::Raw,
        item_range,
        removal_range,
        separator,
        editable: flag.token.editable && value.token.editable,
    }
}

fn flag_entry(flag: &Located, elements: &[TextRange], text: &str, newline: &str) -> EnvEntry {
    let (item_range, removal_range, separator) = item_geometry(flag, flag, elements, text, newline);
    EnvEntry {
        source: EnvSource::CommandLine,
        name: flag.token.text.clone(),
        name_range: flag.token.range,
        value: None,
        value_range: None,
        value_kind: ValueKind::Missing,
        value_style: ValueStyle::Raw,
        item_range,
        removal_range,
        separator,
        editable: flag.token.editable,
    }
}

/// Whether a container's command runs a shell (`sh -c "..."`), whose script elements
/// legitimately hold several words and may call other programs.
pub fn runs_shell<'a>(elements: impl IntoIterator<Item = &'a str>) -> bool {
    elements.into_iter().any(|value| {
        let value = value.trim();
        value == "-c"
            || value.ends_with("/sh")
            || value.ends_with("/bash")
            || matches!(value, "sh" | "bash" | "ash" | "dash" | "zsh")
            || value.contains("&&")
            || value.contains("; ")
    })
}

/// Whether the list element at `range` is a block-sequence item (`- x`), as opposed to a
/// flow/JSON element.
pub fn is_block_element(text: &str, range: TextRange) -> bool {
    is_block_item(text, range)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn words() {
        let words = split_words("start  --db-url='jdbc:x' --proxy edge");
        let texts: Vec<&str> = words.iter().map(|w| w.0.as_str()).collect();
        assert_eq!(texts, ["start", "--db-url=jdbc:x", "--proxy", "edge"]);
        assert!(words[1].3);
        assert_eq!(words[3].1, "start  --db-url='jdbc:x' --proxy ".len());
    }
}
