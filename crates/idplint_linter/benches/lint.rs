//! Wall-time benchmarks of the engine over the real-world corpus and the test fixtures.
//! Run with `cargo bench -p idplint_linter`; files per second and MB per second come from
//! divan's throughput counters. Not run in CI (2-core boxes give noisy numbers).

use divan::counter::{BytesCount, ItemsCount};
use divan::{Bencher, black_box};
use idplint_diagnostics::Applicability;
use idplint_linter::{LintOptions, Product, ProductVersion, fix, lint, registry};
use std::path::{Path, PathBuf};

fn main() {
    divan::main();
}

fn files_under(relative: &str) -> Vec<(String, String)> {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(relative);
    let mut out = Vec::new();
    collect(&root, &mut out);
    out.sort();
    out
}

fn collect(dir: &Path, out: &mut Vec<(String, String)>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            collect(&path, out);
        } else if let Ok(text) = std::fs::read_to_string(&path) {
            out.push((path.display().to_string(), text));
        }
    }
}

fn corpus() -> Vec<(String, String)> {
    let mut files = files_under("../../../shared/corpus");
    files.extend(files_under("../../testdata"));
    files
}

fn options() -> LintOptions {
    let mut options = LintOptions::default();
    if let Some(v) = ProductVersion::parse("v0.11.1") {
        options.targets.insert(Product::Kratos, v);
    }
    if let Some(v) = ProductVersion::parse("26.4") {
        options.targets.insert(Product::Keycloak, v);
    }
    options
}

/// Lint every corpus and fixture file once per iteration.
#[divan::bench]
fn lint_corpus(bencher: Bencher) {
    let Ok(registry) = registry() else { return };
    let files = corpus();
    let bytes: usize = files.iter().map(|(_, t)| t.len()).sum();
    let options = options();
    bencher
        .counter(ItemsCount::new(files.len()))
        .counter(BytesCount::new(bytes))
        .bench(|| {
            for (path, text) in &files {
                black_box(lint(registry, path, text, &options));
            }
        });
}

/// Parse only (no rules): the floor the linter is compared against.
#[divan::bench]
fn parse_corpus(bencher: Bencher) {
    let files = corpus();
    let bytes: usize = files.iter().map(|(_, t)| t.len()).sum();
    bencher
        .counter(ItemsCount::new(files.len()))
        .counter(BytesCount::new(bytes))
        .bench(|| {
            for (path, text) in &files {
                if let Some(format) = idplint_linter::source::sniff_format(path, text) {
                    let _ = black_box(idplint_linter::source::ParsedFile::parse(
                        path, text, format,
                    ));
                }
            }
        });
}

/// Fix (with unsafe fixes) every corpus and fixture file.
#[divan::bench]
fn fix_corpus(bencher: Bencher) {
    let Ok(registry) = registry() else { return };
    let files = corpus();
    let options = options();
    bencher.counter(ItemsCount::new(files.len())).bench(|| {
        for (path, text) in &files {
            black_box(fix(registry, path, text, &options, Applicability::Unsafe));
        }
    });
}

/// One large (about 2,000 lines) Kratos config: the editor-latency case.
#[divan::bench]
fn lint_large_kratos_config(bencher: Bencher) {
    let Ok(registry) = registry() else { return };
    let mut text = String::from(
        "version: v0.10.1\nselfservice:\n  flows:\n    recovery:\n      enabled: true\n    verification:\n      enabled: true\ncourier:\n  message_ttl: 1h\n",
    );
    text.push_str("identity:\n  schemas:\n");
    let mut i = 0;
    while text.lines().count() < 2_000 {
        text.push_str(&format!(
            "    # schema {i}\n    - id: schema-{i}\n      url: file:///etc/config/kratos/schema-{i}.json\n"
        ));
        i += 1;
    }
    let options = options();
    bencher
        .counter(BytesCount::new(text.len()))
        .bench(|| black_box(lint(registry, "kratos.yml", &text, &options)));
}
