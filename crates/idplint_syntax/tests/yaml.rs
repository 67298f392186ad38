#![allow(clippy::unwrap_used, clippy::expect_used)]

use idplint_diagnostics::{Edit, TextRange, apply_edits};
use idplint_syntax::yaml::{self, edit};
use idplint_syntax::{Document, Entry, Limits, Newline, Node, NodeKind, ScalarStyle};
use std::time::{Duration, Instant};

fn parse(text: &str) -> Document {
    match yaml::parse(text, &Limits::default()) {
        Ok(doc) => doc,
        Err(error) => panic!("parse failed: {error:?}\n{text}"),
    }
}

fn src(text: &str, range: TextRange) -> &str {
    range.slice(text).expect("range inside text")
}

fn crlf(text: &str) -> String {
    text.replace('\n', "\r\n")
}

fn root(doc: &Document) -> &Node {
    doc.root().expect("a root")
}

fn entry<'a>(doc: &'a Document, path: &[&str]) -> &'a Entry {
    root(doc).get_entry_path(path).expect("entry exists")
}

fn node<'a>(doc: &'a Document, path: &[&str]) -> &'a Node {
    root(doc).get_path(path).expect("node exists")
}

/// Every node with its source slice, depth first.
fn slices(text: &str, doc: &Document) -> Vec<String> {
    let mut out = Vec::new();
    for root in &doc.roots {
        root.walk(&mut |node| out.push(src(text, node.range).to_owned()));
    }
    out
}

/// Apply `make` to the LF text and to its CRLF twin; both must give the expected text
/// (in their own newline style) and parse again.
fn check_edit(text: &str, expected: &str, make: impl Fn(&str, &Document) -> Option<Edit>) {
    for (text, expected) in [
        (text.to_owned(), expected.to_owned()),
        (crlf(text), crlf(expected)),
    ] {
        let doc = parse(&text);
        let edit = make(&text, &doc).expect("an edit");
        let after = apply_edits(&text, std::slice::from_ref(&edit)).expect("edit applies");
        assert_eq!(after, expected, "edit {edit:?} on {text:?}");
        // Bytes outside the edit are untouched.
        let range = edit.range.as_usize();
        assert_eq!(after.get(..range.start), text.get(..range.start));
        let tail = text.len() - range.end;
        assert_eq!(after.get(after.len() - tail..), text.get(range.end..));
        yaml::parse(&after, &Limits::default()).expect("edited text parses");
    }
}

const KRATOS: &str = "# Kratos config
version: v1.1.0
image: \"oryd/kratos:v1.1.0\"
name: 'single ''quoted'''
dsn: postgres://u:p@host/db?sslmode=disable  # inline
selfservice:
  default_browser_return_url: https://example.com/
  flows:
    recovery:
      enabled: true
    settings:
      ui_url: http://127.0.0.1:4455/settings
courier:
  message: |
    Hello
      indented
    world

  folded: >-
    a
    b
empty:
list:
  - a
  - \"b\"
  - {x: 1, y: [1, 2], z: {}}
  -
last: end
";

#[test]
fn scalar_and_key_ranges_slice_back_to_source_tokens() {
    let doc = parse(KRATOS);
    let text = KRATOS;
    assert_eq!(doc.roots.len(), 1);
    assert_eq!(src(text, entry(&doc, &["version"]).key.range), "version");
    assert_eq!(src(text, node(&doc, &["version"]).range), "v1.1.0");
    let image = node(&doc, &["image"]);
    assert_eq!(src(text, image.range), "\"oryd/kratos:v1.1.0\"");
    assert_eq!(image.as_str(), Some("oryd/kratos:v1.1.0"));
    assert_eq!(image.as_scalar().unwrap().style, ScalarStyle::DoubleQuoted);
    let name = node(&doc, &["name"]);
    assert_eq!(src(text, name.range), "'single ''quoted'''");
    assert_eq!(name.as_str(), Some("single 'quoted'"));
    assert_eq!(name.as_scalar().unwrap().style, ScalarStyle::SingleQuoted);
    assert_eq!(
        src(text, node(&doc, &["dsn"]).range),
        "postgres://u:p@host/db?sslmode=disable"
    );
    let url = entry(&doc, &["selfservice", "flows", "settings", "ui_url"]);
    assert_eq!(src(text, url.key.range), "ui_url");
    assert_eq!(
        src(text, url.range),
        "ui_url: http://127.0.0.1:4455/settings"
    );
    assert_eq!(
        node(&doc, &["selfservice", "flows", "recovery", "enabled"]).as_bool(),
        Some(true)
    );
    // Block mapping: first key through last value.
    assert_eq!(
        src(text, node(&doc, &["selfservice", "flows"]).range),
        "recovery:\n      enabled: true\n    settings:\n      ui_url: http://127.0.0.1:4455/settings"
    );
    // Flow collections: bracket to bracket, empty ones included.
    let list = node(&doc, &["list"]);
    let items = list.as_sequence().unwrap();
    assert_eq!(items.len(), 4);
    assert_eq!(src(text, items[1].range), "\"b\"");
    assert_eq!(src(text, items[2].range), "{x: 1, y: [1, 2], z: {}}");
    assert_eq!(
        src(text, items[2].get_path(&["y"]).unwrap().range),
        "[1, 2]"
    );
    assert_eq!(src(text, items[2].get_path(&["z"]).unwrap().range), "{}");
    assert!(items[3].is_null());
    assert_eq!(
        src(text, list.range),
        "a\n  - \"b\"\n  - {x: 1, y: [1, 2], z: {}}\n  -"
    );
    // Every scalar's range slices to something that starts like its token.
    for slice in slices(text, &doc) {
        assert!(!slice.starts_with([' ', '\n']), "{slice:?}");
        assert!(!slice.ends_with([' ', '\n']), "{slice:?}");
    }
}

#[test]
fn absent_value_is_empty_plain_scalar_after_the_colon() {
    let text = "empty:\nwith_comment:   # c\neof:";
    let doc = parse(text);
    for (key, after_colon) in [("empty", 6), ("with_comment", 20), ("eof", 31)] {
        let value = node(&doc, &[key]);
        assert!(value.is_null(), "{key}");
        assert_eq!(value.as_str(), Some(""));
        assert_eq!(value.range, TextRange::empty(after_colon), "{key}");
        assert_eq!(text.as_bytes()[after_colon as usize - 1], b':');
        let entry = entry(&doc, &[key]);
        assert_eq!(src(text, entry.range), format!("{key}:"));
    }
    let explicit = parse("a: ~\nb: null\n");
    assert_eq!(node(&explicit, &["a"]).as_str(), Some("~"));
    assert!(node(&explicit, &["b"]).is_null());
}

#[test]
fn block_scalars_cover_indicator_through_last_content_line() {
    for text in [KRATOS.to_owned(), crlf(KRATOS)] {
        let doc = parse(&text);
        let nl = if text.contains("\r\n") { "\r\n" } else { "\n" };
        let message = node(&doc, &["courier", "message"]);
        assert_eq!(
            src(&text, message.range),
            format!("|{nl}    Hello{nl}      indented{nl}    world")
        );
        let scalar = message.as_scalar().unwrap();
        assert_eq!(scalar.style, ScalarStyle::Literal);
        assert_eq!(scalar.value, "Hello\n  indented\nworld\n");
        assert_eq!(scalar.content_indent, Some(4));
        assert_eq!(
            src(&text, scalar.content_range.unwrap()),
            format!("    Hello{nl}      indented{nl}    world{nl}")
        );
        let folded = node(&doc, &["courier", "folded"]);
        assert_eq!(src(&text, folded.range), format!(">-{nl}    a{nl}    b"));
        let scalar = folded.as_scalar().unwrap();
        assert_eq!(scalar.style, ScalarStyle::Folded);
        assert_eq!(scalar.value, "a b");
        assert_eq!(
            src(&text, scalar.content_range.unwrap()),
            format!("    a{nl}    b{nl}")
        );
    }
}

#[test]
fn block_scalar_edge_cases() {
    // Leading blank line, header comment mentioning `|`, keep chomping, explicit indentation.
    let text = "a: | # x | y\n\n  text\nb: |+\n  kept\n\n\nc:\n  - |2-\n     two\n    one\nd: |\ne: >\n  eof";
    let doc = parse(text);
    let a = node(&doc, &["a"]);
    assert_eq!(src(text, a.range), "| # x | y\n\n  text");
    assert_eq!(a.as_str(), Some("\ntext\n"));
    assert_eq!(
        src(text, a.as_scalar().unwrap().content_range.unwrap()),
        "\n  text\n"
    );
    let b = node(&doc, &["b"]);
    assert_eq!(src(text, b.range), "|+\n  kept");
    assert_eq!(b.as_str(), Some("kept\n\n\n"));
    let c = &node(&doc, &["c"]).as_sequence().unwrap()[0];
    assert_eq!(src(text, c.range), "|2-\n     two\n    one");
    assert_eq!(c.as_str(), Some(" two\none"));
    assert_eq!(c.as_scalar().unwrap().content_indent, Some(4));
    let d = node(&doc, &["d"]);
    assert_eq!(src(text, d.range), "|");
    assert_eq!(d.as_str(), Some(""));
    assert_eq!(d.as_scalar().unwrap().content_range.unwrap().len(), 0);
    let e = node(&doc, &["e"]);
    assert_eq!(src(text, e.range), ">\n  eof");
    assert_eq!(
        src(text, e.as_scalar().unwrap().content_range.unwrap()),
        "  eof"
    );
    assert_eq!(doc.comments.len(), 1);
    assert_eq!(src(text, doc.comments[0].range), "# x | y");

    let root_literal = "--- |\n  whole\n";
    let doc = parse(root_literal);
    assert_eq!(src(root_literal, root(&doc).range), "|\n  whole");
}

#[test]
fn crlf_ranges_match_lf_ranges() {
    let lf = parse(KRATOS);
    let text = crlf(KRATOS);
    let doc = parse(&text);
    let lf_slices = slices(KRATOS, &lf);
    let crlf_slices = slices(&text, &doc);
    assert_eq!(lf_slices.len(), crlf_slices.len());
    for (a, b) in lf_slices.iter().zip(&crlf_slices) {
        assert_eq!(crlf(a), *b);
    }
    assert_eq!(doc.style.newline, Newline::CrLf);
    assert_eq!(doc.comments.len(), 2);
    assert_eq!(doc.comments[1].text, " inline");
    assert_eq!(src(&text, doc.comments[1].range), "# inline");
}

#[test]
fn multiple_documents_and_empty_ones() {
    let text = "# head\n---\na: 1\n---\n---\n# nothing here\n---\n- b\n...\n";
    let doc = parse(text);
    assert_eq!(doc.roots.len(), 2);
    assert_eq!(src(text, doc.roots[0].range), "a: 1");
    assert_eq!(src(text, doc.roots[1].range), "b");
    assert_eq!(doc.roots[1].as_sequence().unwrap().len(), 1);
    assert_eq!(doc.comments.len(), 2);
    assert!(parse("").roots.is_empty());
    assert!(parse("# only a comment\n").roots.is_empty());
    assert_eq!(parse("# only a comment\n").comments.len(), 1);
}

#[test]
fn comments_have_byte_ranges_with_non_ascii_text() {
    let text =
        "# 設定ファイル\nキー: 値 # コメント\nlist: [a, # 中\n  b]\nk: \"# not a comment\"\n#\n";
    let doc = parse(text);
    let found: Vec<(&str, &str)> = doc
        .comments
        .iter()
        .map(|c| (src(text, c.range), c.text.as_str()))
        .collect();
    assert_eq!(
        found,
        [
            ("# 設定ファイル", " 設定ファイル"),
            ("# コメント", " コメント"),
            ("# 中", " 中"),
            ("#", ""),
        ]
    );
    assert_eq!(src(text, entry(&doc, &["キー"]).key.range), "キー");
    assert_eq!(src(text, node(&doc, &["キー"]).range), "値");
}

#[test]
fn anchors_aliases_tags_and_merge_keys() {
    let text = "base: &base\n  a: 1\n  b: !Ref two\nderived:\n  <<: *base\n  c: !!str 3\nlist: [*base, &s scalar, *s]\n";
    let doc = parse(text);
    let base = node(&doc, &["base"]);
    assert_eq!(base.anchor.as_deref(), Some("base"));
    assert_eq!(node(&doc, &["base", "b"]).tag.as_deref(), Some("!Ref"));
    let c = node(&doc, &["derived", "c"]);
    assert_eq!(c.tag.as_deref(), Some("!!str"));
    assert_eq!(src(text, c.range), "3");
    let merge = entry(&doc, &["derived", "<<"]);
    assert_eq!(merge.key_str(), "<<");
    let NodeKind::Alias { name, resolved } = &merge.value.kind else {
        panic!("merge value is an alias");
    };
    assert_eq!(name, "base");
    assert_eq!(src(text, merge.value.range), "*base");
    let resolved = resolved.as_deref().unwrap();
    assert_eq!(resolved.get_path(&["a"]).unwrap().as_str(), Some("1"));
    assert_eq!(merge.value.get_path(&["b"]).unwrap().as_str(), Some("two"));
    let list = node(&doc, &["list"]).as_sequence().unwrap();
    assert_eq!(list[1].anchor.as_deref(), Some("s"));
    assert_eq!(src(text, list[1].range), "scalar");
    assert_eq!(list[2].as_str(), Some("scalar"));
    // An alias to the collection it sits in cannot be resolved, but is not an error.
    let doc = parse("a: &a [1, *a]\n");
    assert!(matches!(
        &node(&doc, &["a"]).as_sequence().unwrap()[1].kind,
        NodeKind::Alias { resolved: None, .. }
    ));
}

#[test]
fn unknown_alias_is_an_error_at_the_alias() {
    let text = "a: 1\nb: *nope\n";
    let error = yaml::parse(text, &Limits::default()).unwrap_err();
    assert_eq!(src(text, error.range), "*nope");
    assert!(error.message.contains("nope"), "{}", error.message);
    // Anchors do not carry over into the next document.
    let text = "a: &x 1\n---\nb: *x\n";
    let error = yaml::parse(text, &Limits::default()).unwrap_err();
    assert_eq!(src(text, error.range), "*x");
}

#[test]
fn billion_laughs_fails_fast() {
    let mut text = String::from(
        "a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n",
    );
    let names = ["a", "b", "c", "d", "e", "f", "g", "h", "i"];
    for pair in names.windows(2) {
        let refs = vec![format!("*{}", pair[0]); 9].join(",");
        text.push_str(&format!("{}: &{} [{refs}]\n", pair[1], pair[1]));
    }
    let started = Instant::now();
    let error = yaml::parse(&text, &Limits::default()).unwrap_err();
    assert!(started.elapsed() < Duration::from_secs(2));
    assert!(
        error
            .message
            .contains("alias expansion exceeds 100000 nodes"),
        "{}",
        error.message
    );
    assert!(src(&text, error.range).starts_with('*'));
    // A small budget catches even modest reuse.
    let limits = Limits {
        max_alias_expansion: 3,
        ..Limits::default()
    };
    let error = yaml::parse("a: &a [1, 2, 3]\nb: *a\n", &limits).unwrap_err();
    assert_eq!(error.range, TextRange::new(19, 21));
    assert!(yaml::parse("a: &a [1, 2]\nb: *a\n", &limits).is_ok());
}

#[test]
fn deep_nesting_is_an_error_not_a_stack_overflow() {
    let flow = "[".repeat(10_000);
    let error = yaml::parse(&flow, &Limits::default()).unwrap_err();
    assert!(error.message.contains("nesting depth"), "{}", error.message);
    assert_eq!(error.range.start, 256);

    let mut block = String::new();
    for depth in 0..10_000 {
        block.push_str(&" ".repeat(depth));
        block.push_str("k:\n");
    }
    let error = yaml::parse(&block, &Limits::default()).unwrap_err();
    assert!(error.message.contains("nesting depth"), "{}", error.message);

    let seqs = "- ".repeat(10_000) + "x\n";
    assert!(yaml::parse(&seqs, &Limits::default()).is_err());

    let limits = Limits {
        max_depth: 3,
        ..Limits::default()
    };
    let text = "a: {b: {c: {d: 1}}}\n";
    let error = yaml::parse(text, &limits).unwrap_err();
    assert_eq!(error.message, "nesting depth exceeds 3 levels");
    assert_eq!(error.range.start as usize, text.find("{d").unwrap());
    assert!(yaml::parse("a: {b: {c: 1}}\n", &limits).is_ok());
    // Aliases cannot smuggle depth past the limit.
    let error = yaml::parse("a: &a {b: {c: 1}}\nx: {y: *a}\n", &limits).unwrap_err();
    assert!(error.message.contains("through alias"), "{}", error.message);
}

#[test]
fn node_limit() {
    let limits = Limits {
        max_nodes: 5,
        ..Limits::default()
    };
    assert!(yaml::parse("[1, 2, 3, 4]", &limits).is_ok());
    let error = yaml::parse("[1, 2, 3, 4, 5]", &limits).unwrap_err();
    assert_eq!(error.range, TextRange::new(13, 14));
}

#[test]
fn long_comment_blocks_parse() {
    let mut text = String::from("a: 1\nb:\n");
    for i in 0..500 {
        text.push_str(&format!("  # disabled_{i}: true\n"));
    }
    text.push_str("  c: 1\n");
    let doc = parse(&text);
    assert_eq!(doc.comments.len(), 500);
    assert_eq!(node(&doc, &["b", "c"]).as_str(), Some("1"));
}

#[test]
fn bom_is_accepted_and_counted() {
    let text = "\u{feff}a: 1\n";
    let doc = parse(text);
    assert!(doc.style.bom);
    assert_eq!(entry(&doc, &["a"]).key.range, TextRange::new(3, 4));
    assert_eq!(src(text, node(&doc, &["a"]).range), "1");
}

#[test]
fn invalid_yaml_reports_a_position() {
    let cases = [
        ("a: b: c\n", 4),
        ("a: \"unterminated\n", 3),
        ("a:\n  - b\n  c: 1\n", 11),
        ("key: [1, 2\n", 5),
    ];
    for (text, at) in cases {
        let error = yaml::parse(text, &Limits::default()).unwrap_err();
        assert!(
            error.message.starts_with("invalid YAML: "),
            "{}",
            error.message
        );
        assert_eq!(
            error.range,
            TextRange::empty(at),
            "{text:?}: {}",
            error.message
        );
    }
    let error = yaml::parse("a: b: c\n", &Limits::default()).unwrap_err();
    assert_eq!(
        error.message,
        "invalid YAML: mapping values are not allowed in this context"
    );
}

#[test]
fn hostile_inputs_do_not_panic() {
    let inputs = [
        "\u{feff}",
        "|",
        ">-",
        "- |",
        "? |\n  k\n: v",
        "&a",
        "*",
        "!",
        "[",
        "{",
        "]",
        "}",
        ":",
        "- -",
        "a: |\n\t\tx",
        "\r",
        "\r\n\r\n",
        "a:\r b",
        "--- |\n",
        "'",
        "\"\\",
        "%YAML 1.2\n---",
        "a: !<tag:x> 1",
        "? a\n? b",
        "[a: 1, b]",
        "{a, b: }",
        "- ? - a\n  : b",
        "\u{85}",
    ];
    for input in inputs {
        if let Ok(doc) = yaml::parse(input, &Limits::default()) {
            let _ = slices(input, &doc);
            for comment in &doc.comments {
                src(input, comment.range);
            }
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Edits

const FLOWS: &str = "selfservice:
  flows:
    # keep me
    recovery:
      enabled: true
      use: code # trailing
    settings:
      ui_url: x
";

#[test]
fn remove_block_entry_keeps_comments_above() {
    check_edit(
        FLOWS,
        "selfservice:\n  flows:\n    # keep me\n    settings:\n      ui_url: x\n",
        |text, doc| {
            Some(edit::remove_entry(
                text,
                doc,
                entry(doc, &["selfservice", "flows", "recovery"]),
            ))
        },
    );
    check_edit(
        FLOWS,
        "selfservice:\n  flows:\n    # keep me\n    recovery:\n      enabled: true\n    settings:\n      ui_url: x\n",
        |text, doc| {
            Some(edit::remove_entry(
                text,
                doc,
                entry(doc, &["selfservice", "flows", "recovery", "use"]),
            ))
        },
    );
}

#[test]
fn remove_block_entry_edge_cases() {
    // Last line without a final newline.
    check_edit("a: 1\nb: 2", "a: 1", |text, doc| {
        Some(edit::remove_entry(text, doc, entry(doc, &["b"])))
    });
    // Value is a block scalar, then a nested mapping.
    check_edit(
        "a: |\n  x\n  y\nb:\n  c: 1\n  d:\n    e: 2\nf: 3\n",
        "b:\n  c: 1\n  d:\n    e: 2\nf: 3\n",
        |text, doc| Some(edit::remove_entry(text, doc, entry(doc, &["a"]))),
    );
    check_edit(
        "a: |\n  x\n  y\nb:\n  c: 1\n  d:\n    e: 2\nf: 3\n",
        "a: |\n  x\n  y\nf: 3\n",
        |text, doc| Some(edit::remove_entry(text, doc, entry(doc, &["b"]))),
    );
    // First entry of a sequence item: the `-` stays.
    check_edit(
        "list:\n  - name: a\n    value: b\n",
        "list:\n  - value: b\n",
        |text, doc| {
            let item = &node(doc, &["list"]).as_sequence().unwrap()[0];
            Some(edit::remove_entry(text, doc, item.get("name").unwrap()))
        },
    );
    check_edit(
        "list:\n  - name: a\n    value: b\n",
        "list:\n  - name: a\n",
        |text, doc| {
            let item = &node(doc, &["list"]).as_sequence().unwrap()[0];
            Some(edit::remove_entry(text, doc, item.get("value").unwrap()))
        },
    );
    // Only entry: lines go anyway.
    check_edit("a:\n  b: 1\nc: 2\n", "a:\nc: 2\n", |text, doc| {
        Some(edit::remove_entry(text, doc, entry(doc, &["a", "b"])))
    });
}

#[test]
fn remove_flow_entry() {
    let text = "m: {a: 1, b: 2, c: 3}\n";
    for (key, expected) in [
        ("a", "m: {b: 2, c: 3}\n"),
        ("b", "m: {a: 1, c: 3}\n"),
        ("c", "m: {a: 1, b: 2}\n"),
    ] {
        check_edit(text, expected, |text, doc| {
            Some(edit::remove_entry(text, doc, entry(doc, &["m", key])))
        });
    }
    check_edit("m: {a: 1}\n", "m: {}\n", |text, doc| {
        Some(edit::remove_entry(text, doc, entry(doc, &["m", "a"])))
    });
    check_edit(
        "m: {\n  a: 1,\n  b: 2\n}\n",
        "m: {\n  b: 2\n}\n",
        |text, doc| Some(edit::remove_entry(text, doc, entry(doc, &["m", "a"]))),
    );
    check_edit(
        "m: {\n  a: 1,\n  b: 2\n}\n",
        "m: {\n  a: 1\n}\n",
        |text, doc| Some(edit::remove_entry(text, doc, entry(doc, &["m", "b"]))),
    );
    check_edit("m: [a: 1, b]\n", "m: [b]\n", |text, doc| {
        let pair = &node(doc, &["m"]).as_sequence().unwrap()[0];
        Some(edit::remove_entry(text, doc, pair.get("a").unwrap()))
    });
}

#[test]
fn remove_sequence_items() {
    let text = "list:\n  - a\n  - b: 1\n    c: 2\n  # about c\n  - c\n";
    for (index, expected) in [
        (0, "list:\n  - b: 1\n    c: 2\n  # about c\n  - c\n"),
        (1, "list:\n  - a\n  # about c\n  - c\n"),
        (2, "list:\n  - a\n  - b: 1\n    c: 2\n  # about c\n"),
    ] {
        check_edit(text, expected, |text, doc| {
            Some(edit::remove_sequence_item(
                text,
                doc,
                node(doc, &["list"]),
                index,
            ))
        });
    }
    check_edit(
        "k:\n- &x a\n- !t b\n- |\n  c\n",
        "k:\n- &x a\n- |\n  c\n",
        |text, doc| Some(edit::remove_sequence_item(text, doc, node(doc, &["k"]), 1)),
    );
    check_edit("k:\n- a\n- |\n  c", "k:\n- a", |text, doc| {
        Some(edit::remove_sequence_item(text, doc, node(doc, &["k"]), 1))
    });
    check_edit("- - a\n  - b\n", "- - b\n", |text, doc| {
        let inner = &root(doc).as_sequence().unwrap()[0];
        Some(edit::remove_sequence_item(text, doc, inner, 0))
    });
    check_edit("- -\n  # c\n  - x\n- y\n", "- y\n", |text, doc| {
        Some(edit::remove_sequence_item(text, doc, root(doc), 0))
    });
    for (index, expected) in [(0, "k: [2, 3]\n"), (1, "k: [1, 3]\n"), (2, "k: [1, 2]\n")] {
        check_edit("k: [1, 2, 3]\n", expected, |text, doc| {
            Some(edit::remove_sequence_item(
                text,
                doc,
                node(doc, &["k"]),
                index,
            ))
        });
    }
    // An item's anchor and tag go with it.
    check_edit("k: [&a 1, !t 2, 3]\n", "k: [&a 1, 3]\n", |text, doc| {
        Some(edit::remove_sequence_item(text, doc, node(doc, &["k"]), 1))
    });
    check_edit("k: [&a 1, 2]\n", "k: [2]\n", |text, doc| {
        Some(edit::remove_sequence_item(text, doc, node(doc, &["k"]), 0))
    });
    // Out of range: nothing happens.
    let doc = parse("k: [1]\n");
    let edit = edit::remove_sequence_item("k: [1]\n", &doc, node(&doc, &["k"]), 5);
    assert!(edit.range.is_empty() && edit.content.is_empty());
}

#[test]
fn insert_entry_after_last_entry() {
    let text =
        "selfservice:\n  flows:\n    recovery:\n      enabled: true\n    settings:\n      x: 1\n";
    check_edit(
        text,
        "selfservice:\n  flows:\n    recovery:\n      enabled: true\n      use: link\n    settings:\n      x: 1\n",
        |text, doc| {
            let mapping = node(doc, &["selfservice", "flows", "recovery"]);
            edit::insert_entry(text, doc, mapping, &["use"], "link")
        },
    );
    check_edit(
        text,
        "selfservice:\n  flows:\n    recovery:\n      enabled: true\n      a:\n        b: link\n    settings:\n      x: 1\n",
        |text, doc| {
            let mapping = node(doc, &["selfservice", "flows", "recovery"]);
            edit::insert_entry(text, doc, mapping, &["a", "b"], "link")
        },
    );
    // Last value is a nested mapping, then a block scalar; 4-space files nest by 4.
    check_edit(
        "a:\n    b:\n        c: 1\n# end\n",
        "a:\n    b:\n        c: 1\n    d:\n        e: \"true\"\n# end\n",
        |text, doc| edit::insert_entry(text, doc, node(doc, &["a"]), &["d", "e"], "\"true\""),
    );
    check_edit(
        "a:\n  b: |\n    x\n\n    y\n\nz: 1\n",
        "a:\n  b: |\n    x\n\n    y\n  c: 2\n\nz: 1\n",
        |text, doc| edit::insert_entry(text, doc, node(doc, &["a"]), &["c"], "2"),
    );
    // End of file without a final newline; root mapping.
    check_edit("a: 1\nb: 2", "a: 1\nb: 2\nc: 3", |text, doc| {
        edit::insert_entry(text, doc, root(doc), &["c"], "3")
    });
    // A mapping inside a sequence item; keys that need quotes.
    check_edit(
        "- name: a\n  value: b\n- other\n",
        "- name: a\n  value: b\n  \"x: y\": 1\n- other\n",
        |text, doc| {
            let item = &root(doc).as_sequence().unwrap()[0];
            edit::insert_entry(text, doc, item, &["x: y"], "1")
        },
    );
}

#[test]
fn insert_entry_refuses_unsafe_cases() {
    let text = "m: {a: 1}\nn:\n  a: 1\nk: |+\n  x\n\n";
    let doc = parse(text);
    assert!(edit::insert_entry(text, &doc, node(&doc, &["m"]), &["b"], "1").is_none());
    assert!(edit::insert_entry(text, &doc, node(&doc, &["n"]), &["a"], "1").is_none());
    assert!(edit::insert_entry(text, &doc, node(&doc, &["n"]), &[], "1").is_none());
    assert!(edit::insert_entry(text, &doc, root(&doc), &["z"], "1").is_none());
    assert!(edit::insert_entry(text, &doc, node(&doc, &["k"]), &["z"], "1").is_none());
}

#[test]
fn insert_under_empty_key() {
    let text = "selfservice:\n  flows:\n    recovery:\n    settings:\n      x: 1\n";
    check_edit(
        text,
        "selfservice:\n  flows:\n    recovery:\n      use: link\n    settings:\n      x: 1\n",
        |text, doc| {
            let entry = entry(doc, &["selfservice", "flows", "recovery"]);
            edit::insert_under_key(text, doc, entry, &["use"], "link")
        },
    );
    check_edit(
        "a:  # note\nb: 1\n",
        "a:  # note\n  c:\n    d: x\nb: 1\n",
        |text, doc| edit::insert_under_key(text, doc, entry(doc, &["a"]), &["c", "d"], "x"),
    );
    check_edit(
        "a: ~ # note\nb: 1",
        "a: # note\n  c: 1\nb: 1",
        |text, doc| edit::insert_under_key(text, doc, entry(doc, &["a"]), &["c"], "1"),
    );
    check_edit("b: 1\na:", "b: 1\na:\n  c: 1", |text, doc| {
        edit::insert_under_key(text, doc, entry(doc, &["a"]), &["c"], "1")
    });
    let text = "a: {}\nb: 1\nc: !!null\nd: {e: }\n";
    let doc = parse(text);
    for path in [&["a"][..], &["b"], &["c"], &["d", "e"]] {
        assert!(edit::insert_under_key(text, &doc, entry(&doc, path), &["x"], "1").is_none());
    }
}

#[test]
fn replace_scalars_keeping_style() {
    let text = "a: v1.0\nb: \"x\"\nc: 'it'\nd: 8080\ne: text\nf:\ng: true\n";
    let cases: [(&str, &str, &str); 10] = [
        ("a", "v1.1.0", "a: v1.1.0\n"),
        ("a", "a: b", "a: \"a: b\"\n"),
        ("a", "x # y", "a: \"x # y\"\n"),
        ("b", "say \"hi\"\n", "b: \"say \\\"hi\\\"\\n\"\n"),
        ("c", "it's", "c: 'it''s'\n"),
        ("c", "tab\there", "c: \"tab\\there\"\n"),
        ("d", "9090", "d: 9090\n"),
        ("e", "true", "e: \"true\"\n"),
        ("f", "link", "f: link\n"),
        ("g", "false", "g: false\n"),
    ];
    for (key, value, line) in cases {
        let expected = text
            .lines()
            .map(|l| {
                if l.starts_with(&format!("{key}:")) {
                    line.trim_end().to_owned()
                } else {
                    l.to_owned()
                }
            })
            .collect::<Vec<_>>()
            .join("\n")
            + "\n";
        check_edit(text, &expected, |text, doc| {
            edit::replace_scalar(text, node(doc, &[key]), value)
        });
        let doc = parse(&expected);
        assert_eq!(
            node(&doc, &[key]).as_str(),
            Some(value),
            "{key} = {value:?}"
        );
    }
    let doc = parse("a: |\n  x\nb: [1]\nc: {x, y}\n");
    assert!(
        edit::replace_scalar("a: |\n  x\nb: [1]\nc: {x, y}\n", node(&doc, &["a"]), "y").is_none()
    );
    assert!(
        edit::replace_scalar("a: |\n  x\nb: [1]\nc: {x, y}\n", node(&doc, &["b"]), "y").is_none()
    );
    assert!(
        edit::replace_scalar(
            "a: |\n  x\nb: [1]\nc: {x, y}\n",
            node(&doc, &["c", "x"]),
            "y"
        )
        .is_none()
    );
}

#[test]
fn rename_keys_keeping_style() {
    check_edit(
        "old: 1\n\"q\": 2\n'p': 3\n",
        "new: 1\n\"q\": 2\n'p': 3\n",
        |text, doc| edit::rename_key(text, entry(doc, &["old"]), "new"),
    );
    check_edit(
        "old: 1\n\"q\": 2\n'p': 3\n",
        "old: 1\n\"r\\\"\": 2\n'p': 3\n",
        |text, doc| edit::rename_key(text, entry(doc, &["q"]), "r\""),
    );
    check_edit(
        "old: 1\n\"q\": 2\n'p': 3\n",
        "old: 1\n\"q\": 2\n'p''s': 3\n",
        |text, doc| edit::rename_key(text, entry(doc, &["p"]), "p's"),
    );
    check_edit("old: 1\n", "\"a: b\": 1\n", |text, doc| {
        edit::rename_key(text, entry(doc, &["old"]), "a: b")
    });
    check_edit("old: 1\n", "\"123\": 1\n", |text, doc| {
        edit::rename_key(text, entry(doc, &["old"]), "123")
    });
}

// ---------------------------------------------------------------------------------------------
// Every helper on every node of a small corpus: the edit applies, the result parses, and the
// change is the one asked for.

const CORPUS: &[&str] = &[
    KRATOS,
    FLOWS,
    "a:\n- x\n- y: 1\n  z: 2\n- - p\n  - q\n-   # c\n  k: v\nb: &anc\n  c: [1, {d: e}, [f]]\n  g: |-\n    text\nm:\n  <<: *anc\n  h: ~\nn: !Ref\n  x: 1\n",
    "- name: a\n  value: b\n- name: c\n  env:\n    - k: v\n      k2: v2\n    - plain\n",
    "root:\n    four: 1\n    nest:\n        deep: true\n        deeper:\n            x: \"1\"\n    tail: 'x'\nflow: {a: 1, b: [x, y], c: {}}\n",
    "k: v\n---\n- 1\n- 2\n---\nx:\n  y:\n",
    "? complex\n: v\nq: [a: 1, b]\nr: {a, b: }\n",
    "a: 1\nb: 2",
];

#[derive(Clone, Debug)]
enum Step {
    Key(String),
    Index(usize),
}

fn all_nodes(root: &Node) -> Vec<(Vec<Step>, &Node)> {
    let mut out = Vec::new();
    let mut todo = vec![(Vec::new(), root)];
    while let Some((path, node)) = todo.pop() {
        match &node.kind {
            NodeKind::Mapping(entries) => {
                for entry in entries {
                    let mut path = path.clone();
                    path.push(Step::Key(entry.key_str().to_owned()));
                    todo.push((path, &entry.value));
                }
            }
            NodeKind::Sequence(items) => {
                for (i, item) in items.iter().enumerate() {
                    let mut path = path.clone();
                    path.push(Step::Index(i));
                    todo.push((path, item));
                }
            }
            NodeKind::Scalar(_) | NodeKind::Alias { .. } => {}
        }
        out.push((path, node));
    }
    out
}

fn follow<'a>(doc: &'a Document, root: usize, path: &[Step]) -> Option<&'a Node> {
    let mut node = doc.roots.get(root)?;
    for step in path {
        node = match step {
            Step::Key(key) => &node.get(key)?.value,
            Step::Index(i) => node.as_sequence()?.get(*i)?,
        };
    }
    Some(node)
}

fn extend(path: &[Step], keys: &[&str]) -> Vec<Step> {
    let mut path = path.to_vec();
    path.extend(keys.iter().map(|key| Step::Key((*key).to_owned())));
    path
}

fn check_ranges(text: &str, doc: &Document) {
    for root in &doc.roots {
        root.walk(&mut |node| {
            assert!(
                node.range.slice(text).is_some(),
                "{:?} in {text:?}",
                node.range
            );
            if let NodeKind::Mapping(entries) = &node.kind {
                for entry in entries {
                    assert!(entry.range.contains_range(entry.key.range));
                    assert!(entry.range.slice(text).is_some());
                }
            }
            if let Some(content) = node.as_scalar().and_then(|s| s.content_range) {
                assert!(content.slice(text).is_some());
            }
        });
    }
    for comment in &doc.comments {
        assert!(src(text, comment.range).starts_with('#'));
    }
}

#[test]
fn prefixes_and_deletions_never_panic_and_keep_ranges_valid() {
    for base in CORPUS {
        for text in [(*base).to_owned(), crlf(base)] {
            for (i, _) in text.char_indices() {
                let prefix = &text[..i];
                if let Ok(doc) = yaml::parse(prefix, &Limits::default()) {
                    check_ranges(prefix, &doc);
                }
                let mut deleted = text.clone();
                deleted.remove(i);
                if let Ok(doc) = yaml::parse(&deleted, &Limits::default()) {
                    check_ranges(&deleted, &doc);
                }
            }
        }
    }
}

#[test]
fn every_edit_on_every_node_reparses_as_intended() {
    let mut checked = 0;
    for base in CORPUS {
        for text in [(*base).to_owned(), crlf(base)] {
            let doc = parse(&text);
            let apply = |edit: Edit| -> Document {
                let after = apply_edits(&text, std::slice::from_ref(&edit)).expect("applies");
                match yaml::parse(&after, &Limits::default()) {
                    Ok(doc) => doc,
                    Err(error) => panic!("{edit:?}: {error:?}\n{text}\n--- became\n{after}"),
                }
            };
            for (root_index, root) in doc.roots.iter().enumerate() {
                for (path, node) in all_nodes(root) {
                    match &node.kind {
                        NodeKind::Mapping(entries) => {
                            for entry in entries {
                                // Removing an anchor's definition would leave its aliases dangling.
                                if entry.value.anchor.is_none() {
                                    let after = apply(edit::remove_entry(&text, &doc, entry));
                                    let len = follow(&after, root_index, &path)
                                        .and_then(Node::as_mapping)
                                        .map_or(0, <[Entry]>::len);
                                    assert_eq!(len + 1, entries.len(), "{path:?} {text}");
                                    checked += 1;
                                }
                                if let Some(edit) =
                                    edit::insert_under_key(&text, &doc, entry, &["zz", "yy"], "new")
                                {
                                    let after = apply(edit);
                                    let keys = [entry.key_str(), "zz", "yy"];
                                    let value = follow(&after, root_index, &extend(&path, &keys));
                                    assert_eq!(
                                        value.and_then(Node::as_str),
                                        Some("new"),
                                        "{path:?} {text}"
                                    );
                                    checked += 1;
                                }
                                if let Some(edit) = edit::rename_key(&text, entry, "renamed: x") {
                                    let after = apply(edit);
                                    let renamed =
                                        follow(&after, root_index, &extend(&path, &["renamed: x"]));
                                    assert!(renamed.is_some(), "{path:?} {text}");
                                    checked += 1;
                                }
                            }
                            if let Some(edit) =
                                edit::insert_entry(&text, &doc, node, &["zz", "yy"], "new")
                            {
                                let after = apply(edit);
                                let value =
                                    follow(&after, root_index, &extend(&path, &["zz", "yy"]));
                                assert_eq!(
                                    value.and_then(Node::as_str),
                                    Some("new"),
                                    "{path:?} {text}"
                                );
                                checked += 1;
                            }
                        }
                        NodeKind::Sequence(items) => {
                            for index in 0..items.len() {
                                let after =
                                    apply(edit::remove_sequence_item(&text, &doc, node, index));
                                let len = follow(&after, root_index, &path)
                                    .and_then(Node::as_sequence)
                                    .map_or(0, <[Node]>::len);
                                assert_eq!(len + 1, items.len(), "{path:?}[{index}] {text}");
                                checked += 1;
                            }
                        }
                        NodeKind::Scalar(_) => {
                            for value in [
                                "x",
                                "true",
                                "a: b",
                                "it's",
                                "line\nbreak",
                                "",
                                "#",
                                "- x",
                                "日本",
                            ] {
                                if let Some(edit) = edit::replace_scalar(&text, node, value) {
                                    let after = apply(edit);
                                    let node = follow(&after, root_index, &path);
                                    assert_eq!(
                                        node.and_then(Node::as_str),
                                        Some(value),
                                        "{path:?} {text}"
                                    );
                                    checked += 1;
                                }
                            }
                        }
                        NodeKind::Alias { .. } => {}
                    }
                }
            }
        }
    }
    assert!(checked > 1000, "{checked}");
}
