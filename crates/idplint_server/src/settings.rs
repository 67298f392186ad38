//! The nearest `idplint.toml` of each document, cached per directory and dropped whenever the
//! client reports that a settings file changed.
//!
//! The same rules as the command line: the nearest ancestor directory holding `idplint.toml`
//! (or `.idplint.toml`) governs a file; its `exclude` and `per-file-ignores` globs are relative
//! to that directory. A settings file that does not parse is reported once and replaced by
//! the defaults, so a typo in `idplint.toml` never leaves the editor without diagnostics.

use idplint_linter::products::kratos::sdk::manifest;
use idplint_linter::settings::{FILE_NAMES, Settings};
use idplint_linter::source::CodeLanguage;
use idplint_linter::{LintOptions, Product, ProductVersion};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

#[derive(Debug)]
struct Loaded {
    dir: PathBuf,
    file: PathBuf,
    settings: Settings,
    error: Option<String>,
}

/// What governs one document.
#[derive(Clone, Debug, Default)]
pub struct Resolved {
    pub options: LintOptions,
    /// Excluded by the settings file: the document gets no diagnostics.
    pub excluded: bool,
    pub file: Option<PathBuf>,
    /// The settings file could not be used (its defaults were).
    pub error: Option<String>,
}

#[derive(Debug, Default)]
pub struct SettingsCache {
    /// For each directory looked at: the settings file that governs it, if any.
    by_dir: HashMap<PathBuf, Option<Arc<Loaded>>>,
    /// Bumped whenever the cache is dropped, so cached lint results can tell they are stale.
    generation: u64,
}

impl SettingsCache {
    pub fn generation(&self) -> u64 {
        self.generation
    }

    /// Forget every settings file read so far (one changed, was created or deleted).
    pub fn invalidate(&mut self) {
        self.by_dir.clear();
        self.generation += 1;
    }

    /// Whether `path` names a settings file (for `workspace/didChangeWatchedFiles`).
    pub fn is_settings_file(path: &Path) -> bool {
        path.file_name()
            .and_then(|name| name.to_str())
            .is_some_and(|name| FILE_NAMES.contains(&name))
    }

    /// The settings for the document at `path` (`None`: no file behind it, defaults apply).
    pub fn resolve(&mut self, path: Option<&Path>) -> Resolved {
        let Some(path) = path else {
            return Resolved::default();
        };
        let mut resolved = self.resolve_settings(path);
        if let Some(version) = sdk_version_for(path) {
            resolved
                .options
                .manifest_versions
                .insert(Product::Kratos, version);
        }
        resolved
    }

    fn resolve_settings(&mut self, path: &Path) -> Resolved {
        let Some(loaded) = path.parent().and_then(|dir| self.for_dir(dir)) else {
            return Resolved::default();
        };
        let relative = relative_slash(path, &loaded.dir);
        Resolved {
            options: loaded.settings.options_for(&relative),
            excluded: !relative.is_empty() && loaded.settings.is_excluded(&relative),
            file: Some(loaded.file.clone()),
            error: loaded.error.clone(),
        }
    }

    fn for_dir(&mut self, dir: &Path) -> Option<Arc<Loaded>> {
        if let Some(found) = self.by_dir.get(dir) {
            return found.clone();
        }
        let found = match read_in(dir) {
            Some(loaded) => Some(Arc::new(loaded)),
            None => dir.parent().and_then(|parent| self.for_dir(parent)),
        };
        self.by_dir.insert(dir.to_path_buf(), found.clone());
        found
    }
}

fn read_in(dir: &Path) -> Option<Loaded> {
    let file = FILE_NAMES
        .iter()
        .map(|name| dir.join(name))
        .find(|path| path.is_file())?;
    let parsed = match std::fs::read_to_string(&file) {
        Ok(text) => Settings::parse(&text),
        Err(error) => Err(format!("cannot read it: {error}")),
    };
    let (settings, error) = match parsed {
        Ok(settings) => (settings, None),
        Err(error) => (
            Settings::default(),
            Some(format!(
                "idplint: invalid settings in {} (using the defaults until it is fixed): {}",
                file.display(),
                error.trim_end()
            )),
        ),
    };
    Some(Loaded {
        dir: dir.to_path_buf(),
        file,
        settings,
        error,
    })
}

/// `path` relative to `base` with forward slashes, as the settings globs expect.
fn relative_slash(path: &Path, base: &Path) -> String {
    let relative = path.strip_prefix(base).unwrap_or(path);
    relative
        .components()
        .map(|c| c.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/")
}

/// For a source file, the Kratos SDK version of the nearest package manifest naming the SDK
/// (read on each resolve: editors open few files, and a manifest edit then takes effect).
fn sdk_version_for(path: &Path) -> Option<ProductVersion> {
    let name = path.file_name()?.to_str()?.to_ascii_lowercase();
    CodeLanguage::from_file_name(&name)?;
    manifest::nearest_sdk_version(path.parent()?, &mut |file| {
        std::fs::read_to_string(file).ok()
    })
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn nearest_file_governs_and_invalidation_rereads() {
        let root = tempfile::tempdir().unwrap();
        let deep = root.path().join("a/b");
        std::fs::create_dir_all(&deep).unwrap();
        std::fs::write(
            root.path().join("idplint.toml"),
            "ignore = [\"kratos/x\"]\nexclude = [\"vendor\"]\n",
        )
        .unwrap();
        let mut cache = SettingsCache::default();
        let file = deep.join("kratos.yml");
        let resolved = cache.resolve(Some(&file));
        assert!(!resolved.options.is_enabled("kratos/x"));
        assert!(!resolved.excluded);
        assert!(
            cache
                .resolve(Some(&root.path().join("vendor/kratos.yml")))
                .excluded
        );

        std::fs::write(deep.join("idplint.toml"), "select = [\"keycloak\"]\n").unwrap();
        // Still cached until told.
        assert!(cache.resolve(Some(&file)).options.is_enabled("kratos/y"));
        cache.invalidate();
        assert!(!cache.resolve(Some(&file)).options.is_enabled("kratos/y"));

        std::fs::write(deep.join("idplint.toml"), "selec = []\n").unwrap();
        cache.invalidate();
        let broken = cache.resolve(Some(&file));
        assert!(broken.error.unwrap().contains("invalid settings"));
        assert!(broken.options.is_enabled("kratos/y"));
    }
}
