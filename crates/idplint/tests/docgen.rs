//! Generated command-line documentation: the man pages in `docs/man/` must match what the
//! binary generates (`IDPLINT_UPDATE_DOCS=1 cargo test -p idplint --test docgen` rewrites
//! them), and completion scripts come out for every shell.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::Path;
use std::process::Command;

fn idplint(args: &[&str]) -> std::process::Output {
    let output = Command::new(env!("CARGO_BIN_EXE_idplint"))
        .args(args)
        .output()
        .expect("run idplint");
    assert!(output.status.success(), "idplint {args:?}: {output:?}");
    output
}

#[test]
fn man_pages_are_current() {
    let generated = tempfile::tempdir().unwrap();
    idplint(&["man", "--dir", generated.path().to_str().unwrap()]);
    let committed = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs/man");
    if std::env::var_os("IDPLINT_UPDATE_DOCS").is_some() {
        let _ = std::fs::remove_dir_all(&committed);
        std::fs::create_dir_all(&committed).unwrap();
        for entry in std::fs::read_dir(generated.path()).unwrap() {
            let entry = entry.unwrap();
            std::fs::copy(entry.path(), committed.join(entry.file_name())).unwrap();
        }
        return;
    }
    let mut names: Vec<String> = std::fs::read_dir(generated.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert!(names.contains(&"idplint.1".to_string()));
    assert!(names.contains(&"idplint-lsp.1".to_string()));
    for name in &names {
        let new = std::fs::read_to_string(generated.path().join(name)).unwrap();
        let old = std::fs::read_to_string(committed.join(name)).unwrap_or_default();
        assert!(
            new == old,
            "docs/man/{name} is stale; run `IDPLINT_UPDATE_DOCS=1 cargo test -p idplint --test docgen`"
        );
    }
    let committed_count = std::fs::read_dir(&committed).map_or(0, |d| d.count());
    assert_eq!(
        committed_count,
        names.len(),
        "docs/man has pages for removed commands"
    );
    // `idplint man` alone prints the main page.
    let printed = idplint(&["man"]);
    assert_eq!(
        String::from_utf8(printed.stdout).unwrap(),
        std::fs::read_to_string(generated.path().join("idplint.1")).unwrap()
    );
}

#[test]
fn completions_for_every_shell() {
    for shell in ["bash", "zsh", "fish", "elvish", "powershell"] {
        let output = idplint(&["completions", shell]);
        let script = String::from_utf8(output.stdout).unwrap();
        assert!(script.contains("idplint"), "{shell}");
        assert!(
            script.contains("lsp") && script.contains("output-file"),
            "{shell}"
        );
    }
}
