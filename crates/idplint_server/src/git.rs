//! Reading a file's previous revision through the `git` command, for diff rules: the CLI's
//! `check --base REF` and the server's comparison with `HEAD`. The engine never touches git:
//! it receives the base text in `LintOptions::base_text`. Here rather than in the CLI because
//! the CLI depends on this crate, not the other way round.

use std::path::Path;
use std::process::Command;

/// Check once, before any file is read, that `reference` names a commit in the repository
/// around `cwd`; otherwise every file would silently count as new.
pub fn verify_reference(reference: &str, cwd: &Path) -> Result<(), String> {
    if reference.starts_with('-') {
        return Err(format!("--base {reference}: not a git revision"));
    }
    let output = Command::new("git")
        .arg("-C")
        .arg(cwd)
        .args(["rev-parse", "--verify", "--quiet"])
        .arg(format!("{reference}^{{commit}}"))
        .output()
        .map_err(|error| format!("--base needs git, which could not be run: {error}"))?;
    if output.status.success() {
        Ok(())
    } else {
        Err(format!(
            "--base {reference}: not a commit of the git repository at {}",
            cwd.display()
        ))
    }
}

/// The text of `path` at `reference`, or `None` when the file did not exist there (a new
/// file has no base) or was not UTF-8 text. `git show REF:./NAME` run in the file's own
/// directory resolves the path inside whatever repository holds the file.
pub fn show(reference: &str, path: &Path) -> Option<String> {
    let directory = path.parent()?;
    let name = path.file_name()?.to_str()?;
    let output = Command::new("git")
        .arg("-C")
        .arg(directory)
        .arg("show")
        .arg(format!("{reference}:./{name}"))
        .output()
        .ok()?;
    if !output.status.success() {
        return None;
    }
    String::from_utf8(output.stdout).ok()
}
