//! The files around an open document that cross-file rules need: the identity schemas a
//! Kratos config names, the `.env` a Compose service loads, the Dockerfile it builds, the
//! Service a StatefulSet's DNS query names, the containers above a `cache-ispn.xml`. The
//! CLI sees them because it checks a directory at once; the server reads them from disk (or
//! from the editor when they are open) so the document gets the same findings.
//!
//! The set is bounded so a keystroke stays cheap in any workspace: the document's directory,
//! its direct subdirectories and, inside a git work tree, its parent directory; files idplint
//! reads, at most
//! [`MAX_FILES`] files of at most [`MAX_FILE_BYTES`] each. Texts are cached by modification
//! time and length, so an edit re-reads nothing that did not change.

use idplint_linter::source::sniff_format;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::time::SystemTime;

pub const MAX_FILES: usize = 64;
pub const MAX_FILE_BYTES: u64 = 256 * 1024;
/// Directory entries looked at, whatever they turn out to be.
pub const MAX_CANDIDATES: usize = 512;

/// Directories that hold tools' output or dependencies, never configuration to check.
const SKIPPED_DIRECTORIES: &[&str] = &["node_modules", "target", "vendor", "dist", "build"];

#[derive(Default)]
pub struct NeighbourCache {
    texts: HashMap<PathBuf, (SystemTime, u64, String)>,
}

impl NeighbourCache {
    /// `(path, text)` of the files around `document` (not itself), `open` texts first.
    pub fn around(
        &mut self,
        document: &Path,
        open: &HashMap<PathBuf, &str>,
    ) -> Vec<(String, String)> {
        let Some(directory) = document.parent() else {
            return Vec::new();
        };
        let mut candidates: Vec<PathBuf> = Vec::new();
        let mut subdirectories: Vec<PathBuf> = Vec::new();
        list(directory, &mut candidates, Some(&mut subdirectories));
        // The parent only inside one repository: a file in `/tmp/x/` has nothing to do with
        // the rest of `/tmp`.
        if let Some(parent) = directory.parent()
            && !directory.join(".git").exists()
            && in_git_work_tree(parent)
        {
            list(parent, &mut candidates, None);
        }
        for subdirectory in subdirectories {
            list(&subdirectory, &mut candidates, None);
        }
        let mut out = Vec::new();
        // A directory full of other files (a home directory, a data folder) must not turn a
        // keystroke into thousands of reads: look at a bounded number of names.
        for path in candidates.into_iter().take(MAX_CANDIDATES) {
            if out.len() >= MAX_FILES {
                break;
            }
            if path == document {
                continue;
            }
            let name = path.to_string_lossy().into_owned();
            // Only extension-less and `.txt` files are recognised by their content; any other
            // name that idplint does not read is skipped without opening it.
            let file_name = path
                .file_name()
                .map(|n| n.to_string_lossy().to_ascii_lowercase())
                .unwrap_or_default();
            let by_content = !file_name.contains('.') || file_name.ends_with(".txt");
            if sniff_format(&name, "").is_none() && !by_content {
                continue;
            }
            let text = match open.get(&path) {
                Some(text) => Some((*text).to_string()),
                None => self.read(&path),
            };
            if let Some(text) = text
                && sniff_format(&name, &text).is_some()
            {
                out.push((name, text));
            }
        }
        out
    }

    /// The file's text, from the cache while its modification time and length are unchanged.
    fn read(&mut self, path: &Path) -> Option<String> {
        let metadata = std::fs::metadata(path).ok()?;
        if !metadata.is_file() || metadata.len() > MAX_FILE_BYTES {
            return None;
        }
        let modified = metadata.modified().ok()?;
        if let Some((time, len, text)) = self.texts.get(path)
            && *time == modified
            && *len == metadata.len()
        {
            return Some(text.clone());
        }
        let text = std::fs::read_to_string(path).ok()?;
        self.texts
            .insert(path.to_path_buf(), (modified, metadata.len(), text.clone()));
        Some(text)
    }
}

/// The files of `directory` (sorted, so the run is the same each time), and its
/// subdirectories when asked; hidden entries and tool directories are skipped.
fn list(directory: &Path, files: &mut Vec<PathBuf>, subdirectories: Option<&mut Vec<PathBuf>>) {
    let Ok(entries) = std::fs::read_dir(directory) else {
        return;
    };
    let mut found: Vec<(PathBuf, bool)> = entries
        .filter_map(Result::ok)
        .filter(|e| !e.file_name().to_string_lossy().starts_with('.') || is_env_file(e))
        .filter_map(|e| Some((e.path(), e.file_type().ok()?.is_dir())))
        .collect();
    found.sort();
    let mut subdirectories = subdirectories;
    for (path, is_dir) in found {
        if !is_dir {
            files.push(path);
        } else if let Some(list) = subdirectories.as_deref_mut() {
            let skipped = path
                .file_name()
                .is_some_and(|n| SKIPPED_DIRECTORIES.contains(&n.to_string_lossy().as_ref()));
            if !skipped {
                list.push(path);
            }
        }
    }
}

/// Whether `directory` or one of its ancestors holds `.git`.
fn in_git_work_tree(directory: &Path) -> bool {
    directory.ancestors().any(|d| d.join(".git").exists())
}

/// `.env` files are hidden but are exactly what Compose services load.
fn is_env_file(entry: &std::fs::DirEntry) -> bool {
    let name = entry.file_name();
    let name = name.to_string_lossy();
    name == ".env" || name.starts_with(".env.")
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn reads_the_directory_its_parent_and_subdirectories_within_bounds() {
        let root = std::env::temp_dir().join(format!("idplint-neighbours-{}", std::process::id()));
        let project = root.join("project");
        std::fs::create_dir_all(project.join("conf")).unwrap();
        std::fs::create_dir_all(project.join("node_modules/x")).unwrap();
        std::fs::create_dir_all(root.join(".git")).unwrap();
        std::fs::write(root.join("kratos.yml"), "version: v1.3.1\n").unwrap();
        std::fs::write(project.join("docker-compose.yml"), "services: {}\n").unwrap();
        std::fs::write(project.join(".env"), "KC_DB=postgres\n").unwrap();
        std::fs::write(project.join("notes.md"), "# not read\n").unwrap();
        std::fs::write(project.join("conf/cache-ispn.xml"), "<infinispan/>\n").unwrap();
        std::fs::write(project.join("node_modules/x/a.yml"), "a: 1\n").unwrap();
        std::fs::write(project.join("big.yml"), "a: 1\n".repeat(100_000)).unwrap();
        let document = project.join("docker-compose.yml");
        let mut cache = NeighbourCache::default();
        let open: HashMap<PathBuf, &str> = [(project.join(".env"), "KC_DB=mysql\n")]
            .into_iter()
            .collect();
        let found = cache.around(&document, &open);
        let names: Vec<String> = found
            .iter()
            .map(|(p, _)| {
                Path::new(p)
                    .strip_prefix(&root)
                    .unwrap()
                    .to_string_lossy()
                    .replace('\\', "/")
            })
            .collect();
        assert_eq!(
            names,
            ["project/.env", "kratos.yml", "project/conf/cache-ispn.xml"]
        );
        // The editor's text wins over the file on disk.
        assert_eq!(found[0].1, "KC_DB=mysql\n");
        // Outside a repository the parent directory is someone else's.
        std::fs::remove_dir_all(root.join(".git")).unwrap();
        let found = cache.around(&document, &open);
        assert!(
            found.iter().all(|(p, _)| !p.ends_with("kratos.yml")),
            "{found:?}"
        );
        std::fs::remove_dir_all(&root).unwrap();
    }
}
