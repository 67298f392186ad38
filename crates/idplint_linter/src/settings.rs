//! `idplint.toml`: project settings, found as the nearest ancestor of each file (or given
//! with `--config`), turned into [`LintOptions`] per file.
//!
//! ```toml
//! select = ["kratos", "keycloak"]
//! ignore = ["keycloak/unknown-option"]
//! exclude = ["vendor/**"]
//!
//! [target]
//! kratos = "v1.3.1"
//! keycloak = "26.4"
//!
//! [current]
//! kratos = "v0.10.1"
//!
//! [severity]
//! "keycloak/literal-secret" = "error"
//!
//! [per-file-ignores]
//! "deploy/legacy/*.json" = ["keycloak/unknown-option"]
//! ```

use crate::options::LintOptions;
use crate::version::{Product, ProductVersion};
use globset::{Glob, GlobSet, GlobSetBuilder};
use idplint_diagnostics::Severity;
use serde::Deserialize;
use std::collections::BTreeMap;

pub const FILE_NAMES: [&str; 2] = ["idplint.toml", ".idplint.toml"];

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct SettingsFile {
    #[serde(default)]
    select: Vec<String>,
    #[serde(default)]
    ignore: Vec<String>,
    #[serde(default)]
    exclude: Vec<String>,
    #[serde(default)]
    target: BTreeMap<String, String>,
    #[serde(default)]
    current: BTreeMap<String, String>,
    #[serde(default)]
    severity: BTreeMap<String, String>,
    #[serde(default)]
    per_file_ignores: BTreeMap<String, Vec<String>>,
    #[serde(default)]
    unsafe_fixes: bool,
}

/// Settings read from one `idplint.toml`. Paths in globs are relative to its directory.
#[derive(Debug, Default, Clone)]
pub struct Settings {
    pub base: LintOptions,
    pub exclude: Vec<String>,
    exclude_set: Option<GlobSet>,
    per_file_ignores: Vec<(GlobSet, Vec<String>)>,
    pub unsafe_fixes: bool,
}

impl Settings {
    /// Parse `idplint.toml` text. Errors say which key is wrong and how to write it.
    pub fn parse(text: &str) -> Result<Self, String> {
        let file: SettingsFile = toml::from_str(text).map_err(|e| e.to_string())?;
        let mut base = LintOptions {
            select: file.select,
            ignore: file.ignore,
            ..LintOptions::default()
        };
        for (table, versions, into) in [
            ("target", &file.target, &mut base.targets),
            ("current", &file.current, &mut base.currents),
        ] {
            for (product, version) in versions {
                let product_id = Product::parse(product).ok_or_else(|| {
                    format!("[{table}] `{product}` is not a product (kratos, keycloak, keycloak-wildfly, serverless)")
                })?;
                let parsed = ProductVersion::parse(version).ok_or_else(|| {
                    format!("[{table}] {product} = \"{version}\" is not a version (write e.g. \"v1.3.1\" or \"26.4\")")
                })?;
                into.insert(product_id, parsed);
            }
        }
        for (rule, severity) in &file.severity {
            let parsed = Severity::parse(severity).ok_or_else(|| {
                format!(
                    "[severity] \"{rule}\" = \"{severity}\": use \"error\", \"warning\" or \"info\""
                )
            })?;
            base.severity.insert(rule.clone(), parsed);
        }
        let exclude_set = if file.exclude.is_empty() {
            None
        } else {
            Some(build_globs(&file.exclude).map_err(|e| format!("exclude: {e}"))?)
        };
        let mut per_file_ignores = Vec::new();
        for (pattern, codes) in file.per_file_ignores {
            let set = build_globs(std::slice::from_ref(&pattern))
                .map_err(|e| format!("[per-file-ignores] \"{pattern}\": {e}"))?;
            per_file_ignores.push((set, codes));
        }
        Ok(Self {
            base,
            exclude: file.exclude,
            exclude_set,
            per_file_ignores,
            unsafe_fixes: file.unsafe_fixes,
        })
    }

    /// Whether `relative_path` (relative to the settings file's directory) is excluded.
    pub fn is_excluded(&self, relative_path: &str) -> bool {
        self.exclude_set
            .as_ref()
            .is_some_and(|set| set.is_match(relative_path))
    }

    /// The options for one file (`relative_path` relative to the settings file's directory).
    pub fn options_for(&self, relative_path: &str) -> LintOptions {
        let mut options = self.base.clone();
        for (set, codes) in &self.per_file_ignores {
            if set.is_match(relative_path) {
                options.ignore.extend(codes.iter().cloned());
            }
        }
        options
    }
}

fn build_globs(patterns: &[String]) -> Result<GlobSet, String> {
    let mut builder = GlobSetBuilder::new();
    for pattern in patterns {
        let glob = Glob::new(pattern).map_err(|e| e.to_string())?;
        builder.add(glob);
        // `dir/` and `dir` also exclude everything below.
        let below = format!("{}/**", pattern.trim_end_matches('/'));
        if let Ok(glob) = Glob::new(&below) {
            builder.add(glob);
        }
    }
    builder.build().map_err(|e| e.to_string())
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn parses_and_resolves() {
        let settings = Settings::parse(
            r#"
ignore = ["keycloak/unknown-option"]
exclude = ["vendor"]
[target]
kratos = "v0.11.1"
[severity]
"kratos/x" = "info"
[per-file-ignores]
"legacy/*.json" = ["keycloak/literal-secret"]
"#,
        )
        .unwrap();
        assert!(settings.is_excluded("vendor/a.yml"));
        assert!(!settings.is_excluded("deploy/a.yml"));
        let options = settings.options_for("legacy/task.json");
        assert!(!options.is_enabled("keycloak/literal-secret"));
        assert!(options.is_enabled("kratos/x"));
        assert_eq!(options.targets.len(), 1);
    }

    #[test]
    fn errors_say_what_to_write() {
        let error = Settings::parse("[target]\nkratos = \"latest\"\n").unwrap_err();
        assert!(error.contains("v1.3.1"), "{error}");
        assert!(Settings::parse("selec = []").is_err());
    }
}
