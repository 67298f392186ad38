//! `docs/rules/` is generated from the rule files; this test fails when it is stale.
//! Regenerate with `IDPLINT_UPDATE_DOCS=1 cargo test -p idplint_linter --test rule_docs`.

use idplint_linter::docs::{render_index, render_rule};
use idplint_linter::registry;
use std::path::PathBuf;

#[test]
fn rule_docs_are_up_to_date() {
    let registry = match registry() {
        Ok(r) => r,
        Err(errors) => panic!("rule files do not load:\n{}", errors.join("\n")),
    };
    let docs = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../docs/rules");
    let update = std::env::var_os("IDPLINT_UPDATE_DOCS").is_some();
    let metas = registry.metas();
    let mut pages = vec![(docs.join("README.md"), render_index(&metas))];
    for meta in &metas {
        pages.push((docs.join(format!("{}.md", meta.id)), render_rule(meta)));
    }
    let mut stale = Vec::new();
    for (path, content) in pages {
        let current = std::fs::read_to_string(&path).unwrap_or_default();
        if current == content {
            continue;
        }
        if update {
            if let Some(parent) = path.parent() {
                std::fs::create_dir_all(parent)
                    .unwrap_or_else(|e| panic!("{}: {e}", parent.display()));
            }
            std::fs::write(&path, content).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        } else {
            stale.push(path.display().to_string());
        }
    }
    assert!(
        stale.is_empty(),
        "docs/rules is stale; run `IDPLINT_UPDATE_DOCS=1 cargo test -p idplint_linter --test rule_docs`:\n{}",
        stale.join("\n")
    );
}
