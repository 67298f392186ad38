//! Key paths into a Kratos config: `["selfservice", "flows", "recovery", "use"]`.
//!
//! A segment is one of:
//! - a plain key (`recovery`);
//! - alternatives separated by `|` (`recovery|verification`, `methods|strategies`): any of them;
//! - `*`: every key of a mapping;
//! - `[]`: every item of a list;
//! - `**`: zero or more mapping levels, for keys that sit at several depths (hook lists live
//!   at `flows.<flow>.after.hooks` and at `flows.<flow>.after.<method>.hooks`).

use idplint_syntax::{Entry, Node};

/// Whether a mapping key matches a key segment (`a`, `a|b` or `*`).
pub fn key_matches(segment: &str, key: &str) -> bool {
    segment == "*" || segment == key || segment.split('|').any(|alternative| alternative == key)
}

/// Whether a segment is anything but a plain key.
pub fn is_pattern(segment: &str) -> bool {
    matches!(segment, "*" | "[]" | "**") || segment.contains('|')
}

/// Visit every node matching `path` below `root`.
pub fn for_each_match<'a>(root: &'a Node, path: &[&str], visit: &mut dyn FnMut(&'a Node)) {
    let Some((first, rest)) = path.split_first() else {
        visit(root);
        return;
    };
    match *first {
        "[]" => {
            for item in root.as_sequence().unwrap_or(&[]) {
                for_each_match(item, rest, visit);
            }
        }
        "**" => {
            // Zero levels here, then one more level for every key below (recursion ends at
            // scalars; the tree is finite and aliases are resolved copies, not cycles).
            for_each_match(root, rest, visit);
            for entry in root.as_mapping().unwrap_or(&[]) {
                for_each_match(&entry.value, path, visit);
            }
        }
        segment if is_pattern(segment) => {
            for entry in root.as_mapping().unwrap_or(&[]) {
                if key_matches(segment, entry.key_str()) {
                    for_each_match(&entry.value, rest, visit);
                }
            }
        }
        key => {
            if let Some(entry) = root.get(key) {
                for_each_match(&entry.value, rest, visit);
            }
        }
    }
}

/// Like [`for_each_match`], with the concrete path of each match (keys, and `[i]` for list
/// items), for messages that name the place instead of the pattern.
pub fn for_each_match_path<'a>(
    root: &'a Node,
    path: &[&str],
    visit: &mut dyn FnMut(&'a Node, &[String]),
) {
    let mut at = Vec::new();
    walk_path(root, path, &mut at, visit);
}

fn walk_path<'a>(
    node: &'a Node,
    path: &[&str],
    at: &mut Vec<String>,
    visit: &mut dyn FnMut(&'a Node, &[String]),
) {
    let Some((first, rest)) = path.split_first() else {
        visit(node, at);
        return;
    };
    match *first {
        "[]" => {
            for (i, item) in node.as_sequence().unwrap_or(&[]).iter().enumerate() {
                at.push(format!("[{i}]"));
                walk_path(item, rest, at, visit);
                at.pop();
            }
        }
        "**" => {
            walk_path(node, rest, at, visit);
            for entry in node.as_mapping().unwrap_or(&[]) {
                at.push(entry.key_str().to_string());
                walk_path(&entry.value, path, at, visit);
                at.pop();
            }
        }
        segment => {
            for entry in node.as_mapping().unwrap_or(&[]) {
                // A plain key matches its last occurrence only, as `Node::get` does.
                let hit = if is_pattern(segment) {
                    key_matches(segment, entry.key_str())
                } else {
                    node.get(segment).is_some_and(|e| std::ptr::eq(e, entry))
                };
                if hit {
                    at.push(entry.key_str().to_string());
                    walk_path(&entry.value, rest, at, visit);
                    at.pop();
                }
            }
        }
    }
}

/// Like [`for_each_entry`], with the concrete path of each entry (its own key included).
pub fn for_each_entry_path<'a>(
    root: &'a Node,
    path: &[&str],
    visit: &mut dyn FnMut(&'a Entry, &[String]),
) {
    let Some((last, parents)) = path.split_last() else {
        return;
    };
    for_each_match_path(root, parents, &mut |parent, at| {
        for entry in parent.as_mapping().unwrap_or(&[]) {
            if key_matches(last, entry.key_str()) {
                let mut full = at.to_vec();
                full.push(entry.key_str().to_string());
                visit(entry, &full);
            }
        }
    });
}

/// Visit every entry whose key matches the last element of `path` (the parents may use any
/// pattern; the last element may be a key, alternatives or `*`).
pub fn for_each_entry<'a>(root: &'a Node, path: &[&str], visit: &mut dyn FnMut(&'a Entry)) {
    let Some((last, parents)) = path.split_last() else {
        return;
    };
    for_each_match(root, parents, &mut |parent| {
        if let Some(entries) = parent.as_mapping() {
            for entry in entries {
                if key_matches(last, entry.key_str()) {
                    visit(entry);
                }
            }
        }
    });
}

/// The deepest existing prefix of `path` (plain keys only): the entries along it.
pub fn existing_prefix<'a>(root: &'a Node, path: &[&str]) -> Vec<&'a Entry> {
    let mut entries = Vec::new();
    let mut node = root;
    for key in path {
        match node.get(key) {
            Some(entry) => {
                entries.push(entry);
                node = &entry.value;
            }
            None => break,
        }
    }
    entries
}

/// A path as people read it: `selfservice.flows.*.hooks[].hook`.
pub fn display<S: AsRef<str>>(path: &[S]) -> String {
    let mut out = String::new();
    for segment in path {
        let segment = segment.as_ref();
        if segment.starts_with('[') && segment.ends_with(']') {
            out.push_str(segment);
            continue;
        }
        if !out.is_empty() {
            out.push('.');
        }
        if segment.contains('|') {
            out.push('(');
            out.push_str(segment);
            out.push(')');
        } else {
            out.push_str(segment);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn parse(text: &str) -> idplint_syntax::Document {
        idplint_syntax::yaml::parse(text, &idplint_syntax::Limits::default()).unwrap()
    }

    fn matches(text: &str, path: &[&str]) -> Vec<String> {
        let doc = parse(text);
        let mut found = Vec::new();
        for_each_match(doc.root().unwrap(), path, &mut |node| {
            found.push(node.as_str().unwrap_or("<collection>").to_string());
        });
        found
    }

    #[test]
    fn alternatives_wildcards_and_any_depth() {
        let text = "flows:\n  login:\n    after:\n      hooks:\n        - hook: a\n      password:\n        hooks:\n          - hook: b\n  recovery:\n    use: link\n  verification:\n    use: code\n";
        assert_eq!(
            matches(text, &["flows", "recovery|verification", "use"]),
            ["link", "code"]
        );
        assert_eq!(matches(text, &["flows", "*", "use"]), ["link", "code"]);
        assert_eq!(
            matches(
                text,
                &["flows", "login", "after", "**", "hooks", "[]", "hook"]
            ),
            ["a", "b"]
        );
        assert_eq!(display(&["a", "b|c", "[]", "d"]), "a.(b|c)[].d");
        let doc = parse(text);
        let mut paths = Vec::new();
        for_each_entry_path(
            doc.root().unwrap(),
            &["flows", "*", "**", "hooks", "[]", "hook"],
            &mut |_, at| paths.push(display(at)),
        );
        assert_eq!(
            paths,
            [
                "flows.login.after.hooks[0].hook",
                "flows.login.after.password.hooks[0].hook"
            ]
        );
    }
}
