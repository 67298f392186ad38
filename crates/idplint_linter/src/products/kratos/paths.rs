//! Key paths into a Kratos config: `["selfservice", "flows", "recovery", "use"]`, where `[]`
//! matches every item of a list and `*` every key of a mapping.

use idplint_syntax::{Entry, Node};

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
        "*" => {
            for entry in root.as_mapping().unwrap_or(&[]) {
                for_each_match(&entry.value, rest, visit);
            }
        }
        key => {
            if let Some(entry) = root.get(key) {
                for_each_match(&entry.value, rest, visit);
            }
        }
    }
}

/// Visit every entry whose key is the last element of `path` (the parents may use `[]`/`*`).
pub fn for_each_entry<'a>(root: &'a Node, path: &[&str], visit: &mut dyn FnMut(&'a Entry)) {
    let Some((last, parents)) = path.split_last() else {
        return;
    };
    for_each_match(root, parents, &mut |parent| {
        if let Some(entries) = parent.as_mapping() {
            for entry in entries {
                if entry.key_str() == *last {
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
