//! Turning the PATH arguments into the list of files to lint.
//!
//! Directories are walked with the `ignore` crate: `.gitignore` (also outside a git
//! repository), `.ignore` and the global git excludes are honoured, hidden files are included
//! (`.env` files matter) and version-control and `node_modules` directories are skipped.
//! Entries matching the governing `idplint.toml`'s `exclude` are pruned, and so are explicit
//! paths that match it — like Ruff's `--force-exclude`, so a pre-commit hook passing file
//! names cannot lint what the project excluded. Explicit files are otherwise always linted,
//! even when `.gitignore`d.

use crate::config::Resolver;
use crate::paths;
use idplint_linter::source::{FileFormat, sniff_format};
use std::collections::BTreeMap;
use std::ffi::OsStr;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// Directories never worth walking.
const SKIP_DIRS: [&str; 5] = [".git", ".hg", ".svn", ".jj", "node_modules"];

#[derive(Debug, Clone)]
pub struct Input {
    /// Absolute and normalised; for standard input, the `--stdin-filename` (or `-`) under the
    /// working directory, used for settings lookup only.
    pub path: PathBuf,
    pub display: String,
    /// Named on the command line (not found by walking).
    pub explicit: bool,
    pub stdin: bool,
    /// Whether the name alone says idplint reads the file; otherwise its content decides
    /// (extension-less and `.txt` files holding `KC_*` variables).
    pub by_name: bool,
    /// Standard input whose `--stdin-filename` is excluded by the settings: not linted, but
    /// `fix` still echoes it so an editor or pipeline does not lose the text.
    pub excluded: bool,
}

#[derive(Debug, Default)]
pub struct Discovery {
    pub inputs: Vec<Input>,
    /// Paths that could not be read (exit code 2).
    pub errors: Vec<String>,
}

/// How a file's name qualifies it.
pub enum NameMatch {
    /// The name alone tells the format (`kratos.yml`, `.env`, `keycloak.conf`).
    Format,
    /// Only the content can tell (extension-less names such as `kratos-prod`, `*.txt`).
    Content,
    No,
}

pub fn name_match(name: &str) -> NameMatch {
    // Source files are read only for their Kratos SDK calls; one that cannot be read as text
    // (a minified bundle, a binary with a `.js` name) is skipped quietly, like content-sniffed
    // files.
    if matches!(sniff_format(name, ""), Some(FileFormat::Code(_))) {
        return NameMatch::Content;
    }
    if sniff_format(name, "").is_some() {
        return NameMatch::Format;
    }
    let lower = name.to_ascii_lowercase();
    if lower.ends_with(".txt") || !lower.contains('.') {
        NameMatch::Content
    } else {
        NameMatch::No
    }
}

pub fn discover(
    args: &[PathBuf],
    stdin_filename: Option<&str>,
    cwd: &Path,
    resolver: &Arc<Resolver>,
) -> Result<Discovery, String> {
    let mut discovery = Discovery::default();
    let mut found: BTreeMap<PathBuf, Input> = BTreeMap::new();
    let defaults = [PathBuf::from(if stdin_filename.is_some() {
        "-"
    } else {
        "."
    })];
    let args = if args.is_empty() { &defaults[..] } else { args };
    let mut stdin_seen = false;
    for arg in args {
        if arg.as_os_str() == "-" {
            if stdin_seen {
                continue;
            }
            stdin_seen = true;
            let name = stdin_filename.unwrap_or("-");
            let path = paths::absolute(cwd, Path::new(name));
            let excluded = stdin_filename.is_some() && resolver.is_excluded(&path);
            discovery.inputs.push(Input {
                path,
                display: name.replace('\\', "/"),
                explicit: true,
                stdin: true,
                by_name: true,
                excluded,
            });
            continue;
        }
        let path = paths::absolute(cwd, arg);
        let metadata = std::fs::metadata(&path).map_err(|error| {
            if error.kind() == std::io::ErrorKind::NotFound {
                format!(
                    "{} does not exist; check the path (run from the project root, or pass `.`)",
                    arg.display()
                )
            } else {
                format!("cannot read {}: {error}", arg.display())
            }
        })?;
        if resolver.is_excluded(&path) {
            continue;
        }
        if metadata.is_dir() {
            walk(&path, cwd, resolver, &mut found, &mut discovery.errors);
        } else {
            let by_name = path
                .file_name()
                .and_then(OsStr::to_str)
                .is_some_and(|name| matches!(name_match(name), NameMatch::Format));
            found.insert(
                path.clone(),
                Input {
                    display: paths::display(&path, cwd),
                    path,
                    explicit: true,
                    stdin: false,
                    by_name,
                    excluded: false,
                },
            );
        }
    }
    discovery.inputs.extend(found.into_values());
    Ok(discovery)
}

fn walk(
    root: &Path,
    cwd: &Path,
    resolver: &Arc<Resolver>,
    found: &mut BTreeMap<PathBuf, Input>,
    errors: &mut Vec<String>,
) {
    let mut builder = ignore::WalkBuilder::new(root);
    builder
        .hidden(false)
        .git_ignore(true)
        .git_global(true)
        .git_exclude(true)
        .ignore(true)
        .parents(true)
        .require_git(false)
        .follow_links(false);
    let filter_resolver = resolver.clone();
    builder.filter_entry(move |entry| {
        if entry.depth() == 0 {
            return true;
        }
        let is_dir = entry.file_type().is_some_and(|t| t.is_dir());
        if is_dir
            && entry
                .file_name()
                .to_str()
                .is_some_and(|name| SKIP_DIRS.contains(&name))
        {
            return false;
        }
        // Entries are below an absolute root, so they are absolute too.
        !filter_resolver.is_excluded(entry.path())
    });
    for result in builder.build() {
        let entry = match result {
            Ok(entry) => entry,
            Err(error) => {
                errors.push(format!(
                    "cannot walk {}: {error}",
                    paths::display(root, cwd)
                ));
                continue;
            }
        };
        let Some(file_type) = entry.file_type() else {
            continue;
        };
        // Symlinked files are linted (the link target is what `fix` writes); symlinked
        // directories are not followed, which rules out cycles.
        let is_file = file_type.is_file() || (file_type.is_symlink() && entry.path().is_file());
        if !is_file {
            continue;
        }
        let Some(name) = entry.file_name().to_str() else {
            continue;
        };
        let by_name = match name_match(name) {
            NameMatch::Format => true,
            NameMatch::Content => false,
            NameMatch::No => continue,
        };
        let path = paths::absolute(cwd, entry.path());
        found.entry(path.clone()).or_insert_with(|| Input {
            display: paths::display(&path, cwd),
            path,
            explicit: false,
            stdin: false,
            by_name,
            excluded: false,
        });
    }
}
