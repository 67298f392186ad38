//! Path arithmetic without touching the filesystem.

use std::path::{Component, Path, PathBuf};

/// `path` made absolute against `cwd` and normalised lexically (`.` dropped, `..` applied).
/// Symlinks are deliberately not resolved: settings and globs apply to the path the user
/// sees, and `fix` resolves links itself right before writing.
pub fn absolute(cwd: &Path, path: &Path) -> PathBuf {
    let joined = if path.is_absolute() {
        path.to_path_buf()
    } else {
        cwd.join(path)
    };
    let mut out = PathBuf::new();
    for component in joined.components() {
        match component {
            Component::CurDir => {}
            Component::ParentDir => {
                out.pop();
            }
            other => out.push(other.as_os_str()),
        }
    }
    out
}

/// `path` relative to `base` with `/` separators, or the whole path when it is not below
/// `base`; empty when they are the same.
pub fn relative_slash(path: &Path, base: &Path) -> String {
    match path.strip_prefix(base) {
        Ok(relative) => slash(relative),
        Err(_) => slash(path),
    }
}

/// How a file is named in output: relative to the working directory when below it.
pub fn display(path: &Path, cwd: &Path) -> String {
    let shown = relative_slash(path, cwd);
    if shown.is_empty() {
        ".".to_string()
    } else {
        shown
    }
}

fn slash(path: &Path) -> String {
    let parts: Vec<String> = path
        .components()
        .filter_map(|c| match c {
            Component::Normal(part) => Some(part.to_string_lossy().into_owned()),
            Component::RootDir => Some(String::new()),
            Component::Prefix(prefix) => Some(prefix.as_os_str().to_string_lossy().into_owned()),
            Component::CurDir | Component::ParentDir => None,
        })
        .collect();
    if parts.len() == 1 && parts[0].is_empty() {
        return "/".to_string();
    }
    parts.join("/")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalises() {
        let cwd = Path::new("/work/repo");
        assert_eq!(
            absolute(cwd, Path::new("./deploy/../kratos.yml")),
            PathBuf::from("/work/repo/kratos.yml")
        );
        assert_eq!(absolute(cwd, Path::new(".")), PathBuf::from("/work/repo"));
        assert_eq!(
            display(Path::new("/work/repo/deploy/a.yml"), cwd),
            "deploy/a.yml"
        );
        assert_eq!(display(Path::new("/etc/a.yml"), cwd), "/etc/a.yml");
        assert_eq!(display(cwd, cwd), ".");
    }
}
