//! Which `idplint.toml` applies to which file, and the lint options that result.
//!
//! Each file gets the nearest `idplint.toml` / `.idplint.toml` among its ancestor directories
//! (looked up once per directory), or the `--config FILE` for everything. Globs in a settings
//! file (`exclude`, `per-file-ignores`) are relative to the directory holding it. The command
//! line overrides the file: `--select` replaces its `select`, `--ignore` adds to its `ignore`,
//! `--target`/`--current` win per product.

use crate::paths;
use idplint_diagnostics::Applicability;
use idplint_linter::products::kratos::sdk::manifest;
use idplint_linter::settings::{FILE_NAMES, Settings};
use idplint_linter::source::CodeLanguage;
use idplint_linter::{LintOptions, Product, ProductVersion};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, PoisonError};

/// One settings file (or the defaults) and the directory its globs are relative to.
#[derive(Debug)]
pub struct LoadedSettings {
    pub dir: PathBuf,
    pub file: Option<PathBuf>,
    pub settings: Settings,
}

/// What the command line says about every file.
#[derive(Debug, Default, Clone)]
pub struct Overrides {
    pub select: Vec<String>,
    pub ignore: Vec<String>,
    pub targets: Vec<(Product, ProductVersion)>,
    pub currents: Vec<(Product, ProductVersion)>,
    pub unsafe_fixes: bool,
}

/// The options one file is linted and fixed with.
#[derive(Debug, Clone)]
pub struct FileOptions {
    pub lint: LintOptions,
    pub minimum_fix: Applicability,
}

#[derive(Debug)]
pub struct Resolver {
    forced: Option<Arc<LoadedSettings>>,
    defaults: Arc<LoadedSettings>,
    by_dir: Mutex<HashMap<PathBuf, Arc<LoadedSettings>>>,
    errors: Mutex<Vec<String>>,
    overrides: Overrides,
    /// The Kratos SDK version of the nearest manifest, per directory (source files only).
    sdk_by_dir: Mutex<HashMap<PathBuf, Option<ProductVersion>>>,
}

impl Resolver {
    /// With `config`, that file applies everywhere (an error reading or parsing it is
    /// returned at once); otherwise settings are looked up per directory.
    pub fn new(config: Option<&Path>, cwd: &Path, overrides: Overrides) -> Result<Self, String> {
        let forced = match config {
            Some(file) => {
                let absolute = paths::absolute(cwd, file);
                let text = std::fs::read_to_string(&absolute).map_err(|error| {
                    format!(
                        "cannot read the config file {}: {error}. Check the path given to --config",
                        file.display()
                    )
                })?;
                let settings =
                    Settings::parse(&text).map_err(|error| config_error(file, &error))?;
                let dir = absolute
                    .parent()
                    .map_or_else(|| cwd.to_path_buf(), Path::to_path_buf);
                Some(Arc::new(LoadedSettings {
                    dir,
                    file: Some(absolute),
                    settings,
                }))
            }
            None => None,
        };
        Ok(Self {
            forced,
            defaults: Arc::new(LoadedSettings {
                dir: cwd.to_path_buf(),
                file: None,
                settings: Settings::default(),
            }),
            by_dir: Mutex::new(HashMap::new()),
            errors: Mutex::new(Vec::new()),
            overrides,
            sdk_by_dir: Mutex::new(HashMap::new()),
        })
    }

    /// The settings for files directly inside `dir` (absolute).
    pub fn for_dir(&self, dir: &Path) -> Arc<LoadedSettings> {
        if let Some(forced) = &self.forced {
            return forced.clone();
        }
        if let Some(found) = self.lock_cache().get(dir) {
            return found.clone();
        }
        let found = match self.read_in(dir) {
            Some(loaded) => loaded,
            None => match dir.parent() {
                Some(parent) => self.for_dir(parent),
                None => self.defaults.clone(),
            },
        };
        self.lock_cache().insert(dir.to_path_buf(), found.clone());
        found
    }

    fn read_in(&self, dir: &Path) -> Option<Arc<LoadedSettings>> {
        let file = FILE_NAMES
            .iter()
            .map(|name| dir.join(name))
            .find(|path| path.is_file())?;
        let settings = match std::fs::read_to_string(&file) {
            Ok(text) => Settings::parse(&text).map_err(|error| config_error(&file, &error)),
            Err(error) => Err(format!("cannot read {}: {error}", file.display())),
        };
        let settings = match settings {
            Ok(settings) => settings,
            Err(error) => {
                self.errors
                    .lock()
                    .unwrap_or_else(PoisonError::into_inner)
                    .push(error);
                Settings::default()
            }
        };
        Some(Arc::new(LoadedSettings {
            dir: dir.to_path_buf(),
            file: Some(file),
            settings,
        }))
    }

    fn lock_cache(&self) -> std::sync::MutexGuard<'_, HashMap<PathBuf, Arc<LoadedSettings>>> {
        self.by_dir.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Errors met in settings files so far (each once).
    pub fn errors(&self) -> Vec<String> {
        let mut errors = self
            .errors
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone();
        errors.dedup();
        errors
    }

    /// Every settings file read so far.
    pub fn loaded(&self) -> Vec<Arc<LoadedSettings>> {
        let mut all: Vec<Arc<LoadedSettings>> = self.lock_cache().values().cloned().collect();
        all.extend(self.forced.clone());
        all.retain(|l| l.file.is_some());
        all.sort_by(|a, b| a.file.cmp(&b.file));
        all.dedup_by(|a, b| a.file == b.file);
        all
    }

    /// Whether `path` (absolute, file or directory) is excluded by the settings that govern it.
    pub fn is_excluded(&self, path: &Path) -> bool {
        let Some(parent) = path.parent() else {
            return false;
        };
        let loaded = self.for_dir(parent);
        let relative = paths::relative_slash(path, &loaded.dir);
        !relative.is_empty() && loaded.settings.is_excluded(&relative)
    }

    /// The options for the file at `path` (absolute).
    pub fn options_for(&self, path: &Path) -> FileOptions {
        let loaded = match path.parent() {
            Some(parent) => self.for_dir(parent),
            None => self.defaults.clone(),
        };
        let relative = paths::relative_slash(path, &loaded.dir);
        let mut lint = loaded.settings.options_for(&relative);
        if !self.overrides.select.is_empty() {
            lint.select = self.overrides.select.clone();
        }
        lint.ignore.extend(self.overrides.ignore.iter().cloned());
        for (product, version) in &self.overrides.targets {
            lint.targets.insert(*product, version.clone());
        }
        for (product, version) in &self.overrides.currents {
            lint.currents.insert(*product, version.clone());
        }
        if let Some(version) = self.sdk_version_for(path) {
            lint.manifest_versions.insert(Product::Kratos, version);
        }
        let minimum_fix = if self.overrides.unsafe_fixes || loaded.settings.unsafe_fixes {
            Applicability::Unsafe
        } else {
            Applicability::Safe
        };
        FileOptions { lint, minimum_fix }
    }
}

impl Resolver {
    /// For a source file, the Kratos SDK version pinned by the nearest `go.mod`,
    /// `package.json`, `requirements.txt`, `pyproject.toml` or `pom.xml` naming the SDK.
    fn sdk_version_for(&self, path: &Path) -> Option<ProductVersion> {
        let name = path.file_name()?.to_str()?.to_ascii_lowercase();
        CodeLanguage::from_file_name(&name)?;
        self.sdk_version_in(path.parent()?)
    }

    fn sdk_version_in(&self, dir: &Path) -> Option<ProductVersion> {
        let cached = self
            .sdk_by_dir
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .get(dir)
            .cloned();
        if let Some(found) = cached {
            return found;
        }
        let found =
            manifest::sdk_version_in_dir(dir, &mut |file| std::fs::read_to_string(file).ok())
                .or_else(|| self.sdk_version_in(dir.parent()?));
        self.sdk_by_dir
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .insert(dir.to_path_buf(), found.clone());
        found
    }
}

fn config_error(file: &Path, error: &str) -> String {
    format!(
        "invalid settings in {}:\n{}\nFix that entry, or point --config at another file",
        file.display(),
        error.trim_end()
    )
}
