//! A throw-away git repository for tests of the diff rules (`check --base`, the server's
//! comparison with `HEAD`): no user or system configuration, no signing.

use std::path::Path;
use std::process::{Command, Stdio};

/// Run `git ARGS` in `dir`; panics when git fails.
pub fn git(dir: &Path, args: &[&str]) {
    let status = Command::new("git")
        .args([
            "-c",
            "user.name=idplint",
            "-c",
            "user.email=idplint@example.invalid",
        ])
        .args([
            "-c",
            "commit.gpgsign=false",
            "-c",
            "init.defaultBranch=main",
        ])
        .args(args)
        .current_dir(dir)
        .env("HOME", dir)
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .expect("run git");
    assert!(status.success(), "git {args:?} failed");
}
