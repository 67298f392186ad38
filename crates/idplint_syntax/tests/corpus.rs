//! Parse the real-world files collected under `/work/shared/corpus` (next to the workspace).
//! The corpus is optional: when the directory is missing the tests pass without checking.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use idplint_syntax::{Document, Limits, Node, env, json, properties, xml};
use std::path::{Path, PathBuf};

fn corpus_dir(sub: &str) -> Option<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared/corpus")
        .join(sub);
    if dir.is_dir() {
        Some(dir)
    } else {
        eprintln!("corpus directory {} missing; skipping", dir.display());
        None
    }
}

/// Files directly in `sub` whose name satisfies `pick`, sorted, as (name, text).
fn files(sub: &str, pick: impl Fn(&str) -> bool) -> Vec<(String, String)> {
    let Some(dir) = corpus_dir(sub) else {
        return Vec::new();
    };
    let mut out: Vec<(String, String)> = std::fs::read_dir(dir)
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.is_file())
        .filter_map(|path| {
            let name = path.file_name()?.to_str()?.to_owned();
            pick(&name).then(|| (name, std::fs::read_to_string(&path).unwrap()))
        })
        .collect();
    out.sort();
    out
}

/// Every node range must slice the source.
fn check_ranges(name: &str, text: &str, doc: &Document) {
    for root in &doc.roots {
        root.walk(&mut |node: &Node| {
            assert!(
                node.range.slice(text).is_some(),
                "{name}: bad range {:?}",
                node.range
            );
        });
    }
    for comment in &doc.comments {
        assert!(
            comment.range.slice(text).is_some(),
            "{name}: bad comment range"
        );
    }
}

#[test]
fn corpus_json_parses() {
    let limits = Limits::default();
    let mut count = 0;
    for sub in ["keycloak-env", "kratos-identity-schema", "kratos-config"] {
        for (name, text) in files(sub, |n| n.ends_with(".json")) {
            let doc = json::parse(&text, &limits).unwrap_or_else(|e| panic!("{name}: {e:?}"));
            check_ranges(&name, &text, &doc);
            // String scalars slice back to their quoted token.
            doc.root().unwrap().walk(&mut |node| {
                if let Some(scalar) = node.as_scalar() {
                    let source = node.range.slice(&text).unwrap();
                    if scalar.style == idplint_syntax::ScalarStyle::Plain {
                        assert_eq!(source, scalar.value, "{name}");
                    } else {
                        assert!(source.starts_with('"') && source.ends_with('"'), "{name}");
                    }
                }
            });
            count += 1;
        }
    }
    eprintln!("parsed {count} JSON files");
}

#[test]
fn corpus_json_templates_do_not_panic() {
    for (name, text) in files("keycloak-env", |n| n.ends_with(".json.tpl")) {
        match json::parse(&text, &Limits::default()) {
            Ok(doc) => check_ranges(&name, &text, &doc),
            Err(error) => assert!(error.range.slice(&text).is_some(), "{name}: {error:?}"),
        }
    }
}

#[test]
fn corpus_env_files_parse() {
    let picked = files("keycloak-env", |n| {
        n.ends_with(".env") || n.contains("dotenv")
    });
    for (name, text) in &picked {
        let doc = env::parse(text).unwrap_or_else(|e| panic!("{name}: {e:?}"));
        check_ranges(name, text, &doc);
        let entries = doc.root().unwrap().as_mapping().unwrap();
        assert!(!entries.is_empty(), "{name}");
        for entry in entries {
            assert_eq!(entry.key.range.slice(text), Some(entry.key_str()), "{name}");
        }
    }
    eprintln!("parsed {} .env files", picked.len());
}

#[test]
fn corpus_conf_files_parse() {
    let picked = files("keycloak-env", |n| n.ends_with(".conf"));
    for (name, text) in &picked {
        let doc = properties::parse(text).unwrap_or_else(|e| panic!("{name}: {e:?}"));
        check_ranges(name, text, &doc);
        for entry in doc.root().unwrap().as_mapping().unwrap() {
            assert_eq!(entry.key.range.slice(text), Some(entry.key_str()), "{name}");
            if !entry.key_str().is_empty() && !entry.value.range.is_empty() {
                assert_eq!(
                    entry.value.range.slice(text),
                    entry.value.as_str(),
                    "{name}"
                );
            }
        }
    }
    eprintln!("parsed {} .conf files", picked.len());
}

#[test]
fn corpus_wildfly_xml_parses() {
    let picked = files("keycloak-wildfly", |n| n.ends_with(".xml"));
    for (name, text) in &picked {
        let doc = xml::parse(text, &Limits::default()).unwrap_or_else(|e| panic!("{name}: {e:?}"));
        assert_eq!(doc.root.name, "server", "{name}");
        for element in doc.root.descendants() {
            assert_eq!(
                element.name_range.slice(text),
                Some(element.name.as_str()),
                "{name}"
            );
            let start_tag = element.start_tag_range.slice(text).unwrap();
            assert!(
                start_tag.starts_with('<') && start_tag.ends_with('>'),
                "{name}"
            );
            for attribute in &element.attributes {
                assert_eq!(
                    attribute.name_range.slice(text),
                    Some(attribute.name.as_str()),
                    "{name}"
                );
                assert!(attribute.value_range.slice(text).is_some(), "{name}");
            }
        }
        assert!(
            doc.root.descendants().iter().any(|e| e.name == "subsystem"),
            "{name}"
        );
    }
    eprintln!("parsed {} XML files", picked.len());
}
