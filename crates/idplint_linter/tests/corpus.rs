//! Every real-world file in ../shared/corpus is linted and fixed without a panic; fixed output
//! re-parses and a second fix changes nothing. Prints the count of diagnostics per rule
//! (`cargo test -p idplint_linter --test corpus -- --nocapture`).

use idplint_diagnostics::Applicability;
use idplint_linter::{LintOptions, fix, lint, registry};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

fn corpus_files() -> Vec<PathBuf> {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/corpus");
    let mut files = Vec::new();
    collect(&root, &mut files);
    files.sort();
    files
}

fn collect(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            collect(&path, out);
        } else if path.file_name().is_some_and(|n| n != "PROVENANCE.md") {
            out.push(path);
        }
    }
}

#[test]
fn corpus_lints_and_fixes_cleanly() {
    let registry = match registry() {
        Ok(r) => r,
        Err(errors) => panic!("rule files do not load:\n{}", errors.join("\n")),
    };
    let files = corpus_files();
    if files.is_empty() {
        eprintln!("../shared/corpus not found; skipping");
        return;
    }
    let options = LintOptions::default();
    let mut per_rule: BTreeMap<String, usize> = BTreeMap::new();
    let mut recognised = 0;
    let mut problems = Vec::new();
    for file in &files {
        let bytes = std::fs::read(file).unwrap_or_default();
        let Ok(text) = String::from_utf8(bytes) else {
            continue;
        };
        let path = file.display().to_string();
        let report = lint(registry, &path, &text, &options);
        if report.recognised {
            recognised += 1;
        }
        for d in &report.diagnostics {
            *per_rule.entry(d.code.clone()).or_default() += 1;
            if d.range.end as usize > text.len() || text.get(d.range.as_usize()).is_none() {
                problems.push(format!("{path}: {} has a range outside the text", d.code));
            }
        }
        let outcome = fix(registry, &path, &text, &options, Applicability::Unsafe);
        if let Some(failure) = &outcome.failure {
            problems.push(format!("{path}: fix failed: {failure}"));
        }
        if let Some(fixed) = &outcome.fixed {
            if outcome.remaining.parse_failed {
                problems.push(format!("{path}: fixed output does not parse"));
            }
            let again = fix(registry, &path, fixed, &options, Applicability::Unsafe);
            if again.fixed.is_some() {
                problems.push(format!("{path}: second fix changed the file again"));
            }
        }
    }
    eprintln!("corpus: {} files, {recognised} recognised", files.len());
    for (code, count) in &per_rule {
        eprintln!("{count:>5}  {code}");
    }
    assert!(recognised > 0);
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}
