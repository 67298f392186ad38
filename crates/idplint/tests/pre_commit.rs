//! The pre-commit hooks (`.pre-commit-hooks.yaml`) with the real `pre-commit` from PyPI:
//! `pre-commit try-repo` builds this repository with `language: rust` (`cargo install --path
//! .`, as a user's machine would) and runs the hooks in a throw-away git repository holding a
//! bad `kratos.yml` and a bare `.env`.
//!
//! `pre-commit` comes from `$IDPLINT_PRE_COMMIT` (set by `.ci/run`, which installs it into a
//! virtualenv), or from a virtualenv this test creates under `target/tmp` with pip. Under
//! `CI=true` not having it is a failure; elsewhere the test is skipped with a note.
//!
//! Build time: pre-commit compiles idplint once per repository revision into its cache. The
//! test points that cache (`PRE_COMMIT_HOME`) and cargo's target directory at `target/tmp` so
//! a second run reuses them, and lowers the release profile to `opt-level = 0` through
//! cargo's environment so the one build takes about as long as a debug build (the hook's
//! behaviour does not depend on optimisation).
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

const BAD_KRATOS: &str = "version: v0.11.1\ncourier:\n  sms:\n    request_config:\n      header:\n        X-Trace: \"on\"\n";
const FIXED_KRATOS: &str = "version: v0.11.1\ncourier:\n  sms:\n    request_config:\n      headers:\n        X-Trace: \"on\"\n";
const BAD_ENV: &str = "KC_DB=postgres\nKC_PROXY=edge\n";

fn on_ci() -> bool {
    std::env::var("CI").is_ok_and(|v| v == "true" || v == "1")
}

fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .canonicalize()
        .unwrap()
}

fn scratch() -> PathBuf {
    PathBuf::from(env!("CARGO_TARGET_TMPDIR"))
}

/// `pre-commit`, from `$IDPLINT_PRE_COMMIT` or a virtualenv made here; `Err` says why not.
fn pre_commit() -> Result<PathBuf, String> {
    if let Some(path) = std::env::var_os("IDPLINT_PRE_COMMIT") {
        let path = PathBuf::from(path);
        return if path.is_file() {
            Ok(path)
        } else {
            Err(format!(
                "IDPLINT_PRE_COMMIT={} does not exist",
                path.display()
            ))
        };
    }
    let venv = scratch().join("pre-commit-venv");
    let bin = venv.join("bin/pre-commit");
    if bin.is_file() {
        return Ok(bin);
    }
    let status = Command::new("python3")
        .args(["-m", "venv"])
        .arg(&venv)
        .status()
        .map_err(|e| format!("python3 -m venv: {e}"))?;
    if !status.success() {
        return Err(format!("python3 -m venv failed: {status}"));
    }
    let status = Command::new(venv.join("bin/pip"))
        .args([
            "install",
            "--quiet",
            "--disable-pip-version-check",
            "pre-commit",
        ])
        .status()
        .map_err(|e| format!("pip: {e}"))?;
    if !status.success() || !bin.is_file() {
        return Err(format!("pip install pre-commit failed: {status}"));
    }
    Ok(bin)
}

fn git(dir: &Path, args: &[&str]) {
    let status = Command::new("git")
        .args(args)
        .current_dir(dir)
        .stdout(Stdio::null())
        .status()
        .expect("git");
    assert!(status.success(), "git {args:?}");
}

fn try_repo(pre_commit: &Path, dir: &Path, hook: &str) -> Output {
    Command::new(pre_commit)
        .arg("try-repo")
        .arg(repo_root())
        .arg(hook)
        .args(["--all-files", "--verbose", "--color", "never"])
        .current_dir(dir)
        .env("PRE_COMMIT_HOME", scratch().join("pre-commit-home"))
        .env("CARGO_TARGET_DIR", scratch().join("pre-commit-build"))
        .env("CARGO_PROFILE_RELEASE_OPT_LEVEL", "0")
        .env("CARGO_PROFILE_RELEASE_DEBUG", "0")
        .env("CARGO_PROFILE_RELEASE_CODEGEN_UNITS", "256")
        .env("CARGO_PROFILE_RELEASE_INCREMENTAL", "false")
        .stdin(Stdio::null())
        .output()
        .expect("run pre-commit")
}

#[test]
fn hooks_block_a_bad_config_and_the_fix_hook_repairs_it() {
    let pre_commit = match pre_commit() {
        Ok(path) => path,
        Err(why) => {
            assert!(
                !on_ci(),
                "pre-commit is not available ({why}); .ci/run installs it"
            );
            eprintln!("skipped: pre-commit is not available ({why})");
            return;
        }
    };
    let dir = tempfile::tempdir().unwrap();
    let repo = dir.path();
    git(repo, &["init", "-q"]);
    std::fs::write(repo.join("kratos.yml"), BAD_KRATOS).unwrap();
    std::fs::write(repo.join(".env"), BAD_ENV).unwrap();
    std::fs::write(
        repo.join("idplint.toml"),
        "[target]\nkeycloak = \"26.0.0\"\n",
    )
    .unwrap();
    std::fs::write(repo.join("README.md"), "not a config\n").unwrap();
    git(repo, &["add", "."]);

    let check = try_repo(&pre_commit, repo, "idplint");
    let out = format!(
        "{}{}",
        String::from_utf8_lossy(&check.stdout),
        String::from_utf8_lossy(&check.stderr)
    );
    assert_eq!(check.status.code(), Some(1), "the hook must fail:\n{out}");
    assert!(
        out.contains("kratos.yml:5:7: error[kratos/sms-request-config-header-renamed]"),
        "{out}"
    );
    // A bare `.env` is passed to the hook (its `files:` pattern, not `types`, selects it).
    assert!(out.contains(".env:2:1"), "{out}");
    assert!(out.contains("keycloak/"), "{out}");
    assert!(!out.contains("README.md"), "{out}");
    assert_eq!(
        std::fs::read_to_string(repo.join("kratos.yml")).unwrap(),
        BAD_KRATOS,
        "the check hook must not write"
    );

    let fix = try_repo(&pre_commit, repo, "idplint-fix");
    let out = format!(
        "{}{}",
        String::from_utf8_lossy(&fix.stdout),
        String::from_utf8_lossy(&fix.stderr)
    );
    // pre-commit fails a hook that modified files, so the commit is blocked for review.
    assert_eq!(fix.status.code(), Some(1), "{out}");
    assert!(out.contains("files were modified by this hook"), "{out}");
    assert_eq!(
        std::fs::read_to_string(repo.join("kratos.yml")).unwrap(),
        FIXED_KRATOS,
        "{out}"
    );

    // Once fixed, the check hook passes for the Kratos file alone.
    std::fs::remove_file(repo.join(".env")).unwrap();
    git(repo, &["add", "-A"]);
    let again = try_repo(&pre_commit, repo, "idplint");
    assert_eq!(
        again.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&again.stdout)
    );
}
