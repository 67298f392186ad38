//! `idplint check --base REF` on a throw-away git repository: the seed 004 rotation is an
//! error against the deployed revision, a new file has no base, and a bad revision is a usage
//! error.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::Path;
use std::process::{Command, Output, Stdio};

#[path = "support/cli.rs"]
mod support_cli;
#[path = "support/git.rs"]
mod support_git;
use support_git::git;

const REPLACEMENT: &str = "serverless/apikey-replacement";

fn seed(step: &str) -> String {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../testdata/serverless/seed-004");
    std::fs::read_to_string(root.join(format!("{step}.serverless.yml"))).unwrap()
}

fn idplint(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_idplint"))
        .args(args)
        .current_dir(dir)
        .env("HOME", dir)
        .env("NO_COLOR", "1")
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .stdin(Stdio::null())
        .output()
        .expect("run idplint")
}

/// `(file, code, row)` of every finding, from `--format json`.
fn findings(output: &Output) -> Vec<(String, String, u64)> {
    support_cli::json_findings(output)
}

fn replacements(output: &Output) -> Vec<(String, u64)> {
    findings(output)
        .into_iter()
        .filter(|(_, code, _)| code == REPLACEMENT)
        .map(|(file, _, row)| (file, row))
        .collect()
}

#[test]
fn base_revision_from_git() {
    let dir = tempfile::tempdir().unwrap();
    let repo = dir.path();
    git(repo, &["init", "-q"]);
    std::fs::create_dir(repo.join("api")).unwrap();
    std::fs::write(repo.join("api/serverless.yml"), seed("1-deployed")).unwrap();
    git(repo, &["add", "."]);
    git(repo, &["commit", "-q", "-m", "deployed"]);

    // The one-deploy rotation of seed 004, and a service that did not exist at the base.
    std::fs::write(repo.join("api/serverless.yml"), seed("2-rotation")).unwrap();
    std::fs::create_dir(repo.join("billing")).unwrap();
    std::fs::write(repo.join("billing/serverless.yml"), seed("2-rotation")).unwrap();

    let output = idplint(repo, &["check", "--base", "HEAD", "--format", "json", "."]);
    assert_eq!(output.status.code(), Some(1));
    assert_eq!(
        replacements(&output),
        vec![("api/serverless.yml".to_string(), 13)]
    );

    // Without --base the diff rule has nothing to compare with.
    let output = idplint(repo, &["check", "--format", "json", "."]);
    assert!(replacements(&output).is_empty());

    // The first deploy of the workaround, committed, then the second: both clean.
    std::fs::write(repo.join("api/serverless.yml"), seed("3-keys-removed")).unwrap();
    let output = idplint(
        repo,
        &["check", "--base", "HEAD", "--format", "json", "api"],
    );
    assert!(replacements(&output).is_empty());
    git(repo, &["commit", "-q", "-a", "-m", "remove keys"]);
    std::fs::write(repo.join("api/serverless.yml"), seed("2-rotation")).unwrap();
    let output = idplint(
        repo,
        &["check", "--base", "HEAD", "--format", "json", "api"],
    );
    assert!(replacements(&output).is_empty());
    // ... but compared with the first commit it is still the failing rotation.
    let output = idplint(
        repo,
        &["check", "--base", "HEAD~1", "--format", "json", "api"],
    );
    assert_eq!(
        replacements(&output),
        vec![("api/serverless.yml".to_string(), 13)]
    );

    // A revision that does not exist is a usage error, not "every file is new".
    let output = idplint(repo, &["check", "--base", "no-such-branch", "."]);
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("--base no-such-branch"));
}
