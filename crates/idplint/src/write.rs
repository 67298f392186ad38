//! Atomic, careful writes of fixed files (DESIGN.md §4).
//!
//! The fixed text reaches disk only if the file still holds exactly what was linted; it is
//! written to a temporary file in the same directory (so the final rename cannot cross
//! filesystems), flushed to disk, given the original's permissions and renamed over the
//! original. A symlink is resolved first, so the link stays a link and its target is updated.

use std::io::Write;
use std::path::Path;

pub fn atomically(path: &Path, display: &str, expected: &[u8], new: &[u8]) -> Result<(), String> {
    let target = std::fs::canonicalize(path).map_err(|error| {
        format!("{display}: cannot resolve the path to write the fixes: {error}")
    })?;
    let current = std::fs::read(&target)
        .map_err(|error| format!("{display}: cannot re-read the file before writing: {error}"))?;
    if current != expected {
        return Err(format!(
            "{display}: the file changed while idplint was running; nothing was written. Run `idplint fix` again"
        ));
    }
    let permissions = std::fs::metadata(&target)
        .map_err(|error| format!("{display}: cannot read its permissions: {error}"))?
        .permissions();
    let dir = target.parent().unwrap_or_else(|| Path::new("."));
    replace_file(
        dir,
        &target,
        display,
        new,
        Some(permissions),
        "; the original is untouched",
    )
}

/// Write a file that does not exist yet, or replace one the user named as output (not a file
/// idplint linted): same atomic path, permissions of the file it replaces or the usual 0644.
pub fn create_or_replace(path: &Path, new: &[u8]) -> Result<(), String> {
    let display = path.display().to_string();
    let dir = match path.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent,
        _ => Path::new("."),
    };
    let permissions = match std::fs::metadata(path) {
        Ok(metadata) => Some(metadata.permissions()),
        Err(_) => new_file_permissions(),
    };
    replace_file(dir, path, &display, new, permissions, "")
}

/// A new file gets the usual 0644 (a temporary file starts private); elsewhere the platform's
/// default for new files is kept.
#[cfg(unix)]
fn new_file_permissions() -> Option<std::fs::Permissions> {
    use std::os::unix::fs::PermissionsExt;
    Some(std::fs::Permissions::from_mode(0o644))
}

#[cfg(not(unix))]
fn new_file_permissions() -> Option<std::fs::Permissions> {
    None
}

/// Temporary file in `dir` (so the rename cannot cross filesystems), flushed to disk, given
/// `permissions`, renamed over `target`, and the directory synced.
fn replace_file(
    dir: &Path,
    target: &Path,
    display: &str,
    new: &[u8],
    permissions: Option<std::fs::Permissions>,
    untouched: &str,
) -> Result<(), String> {
    let mut temp = tempfile::Builder::new()
        .prefix(".idplint-")
        .suffix(".tmp")
        .tempfile_in(dir)
        .map_err(|error| {
            format!(
                "{display}: cannot create a temporary file in {}: {error}. idplint writes files atomically and needs write access to the directory",
                dir.display()
            )
        })?;
    temp.write_all(new)
        .and_then(|()| temp.flush())
        .and_then(|()| temp.as_file().sync_all())
        .map_err(|error| format!("{display}: cannot write the file: {error}{untouched}"))?;
    if let Some(permissions) = permissions {
        std::fs::set_permissions(temp.path(), permissions).map_err(|error| {
            format!("{display}: cannot set the file's permissions: {error}{untouched}")
        })?;
    }
    temp.persist(target).map_err(|error| {
        format!(
            "{display}: cannot replace the file: {}{untouched}",
            error.error
        )
    })?;
    // Make the rename itself durable; failing here loses nothing already written.
    #[cfg(unix)]
    if let Ok(directory) = std::fs::File::open(dir) {
        let _ = directory.sync_all();
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn writes_only_unchanged_files() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.yml");
        std::fs::write(&path, "a: 1\n").unwrap();
        let error = atomically(&path, "a.yml", b"a: 2\n", b"b: 1\n").unwrap_err();
        assert!(error.contains("changed while"), "{error}");
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "a: 1\n");
        atomically(&path, "a.yml", b"a: 1\n", b"b: 1\n").unwrap();
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "b: 1\n");
        let leftovers: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
        assert_eq!(leftovers.len(), 1, "no temporary file is left behind");
    }

    #[cfg(unix)]
    #[test]
    fn keeps_permissions_and_symlinks() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let real = dir.path().join("real.yml");
        std::fs::write(&real, "a: 1\n").unwrap();
        std::fs::set_permissions(&real, std::fs::Permissions::from_mode(0o640)).unwrap();
        let link = dir.path().join("link.yml");
        std::os::unix::fs::symlink(&real, &link).unwrap();
        atomically(&link, "link.yml", b"a: 1\n", b"b: 1\n").unwrap();
        assert!(
            std::fs::symlink_metadata(&link)
                .unwrap()
                .file_type()
                .is_symlink()
        );
        assert_eq!(std::fs::read_to_string(&real).unwrap(), "b: 1\n");
        let mode = std::fs::metadata(&real).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o640);
    }
}
