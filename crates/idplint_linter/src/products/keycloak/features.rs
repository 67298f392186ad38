//! The Keycloak feature catalog (`rules/keycloak/features.tsv`): the names `features`,
//! `features-disabled` and `feature-<name>` accept, with the releases that added and removed
//! them. Parsed once from the embedded rule data, like the option catalog.

use crate::products::keycloak::catalog::CatalogVersion;
use crate::version::ProductVersion;
use std::sync::OnceLock;

/// Path of the catalog inside `rules/`.
pub const FEATURES_PATH: &str = "keycloak/features.tsv";

/// Words the feature options accept besides feature names: `features=preview` turns on every
/// preview feature, `features-disabled=default` every default one.
pub const FEATURE_KEYWORDS: &[&str] = &["preview", "default"];

#[derive(Clone, Debug)]
pub struct FeatureDef {
    /// `token-exchange`, or `admin:v2` for one version of a versioned feature.
    pub name: String,
    pub since: Option<CatalogVersion>,
    pub removed_in: Option<CatalogVersion>,
    pub replacement: Option<String>,
}

impl FeatureDef {
    /// The name without its `:vN` version.
    pub fn base_name(&self) -> &str {
        base_name(&self.name)
    }

    /// Removed at or before `version`, by a verified release number.
    pub fn removed_by(&self, version: &ProductVersion) -> bool {
        self.removed_in
            .as_ref()
            .is_some_and(|r| r.exact && version >= &r.version)
    }

    /// Added after `version`, by a verified release number: the release that was asked about
    /// refuses the name.
    pub fn added_after(&self, version: &ProductVersion) -> Option<&ProductVersion> {
        self.since
            .as_ref()
            .filter(|s| s.exact && version < &s.version)
            .map(|s| &s.version)
    }
}

/// `admin` of `admin:v2`.
pub fn base_name(name: &str) -> &str {
    name.split_once(':').map_or(name, |(base, _)| base)
}

#[derive(Debug, Default)]
pub struct FeatureCatalog {
    features: Vec<FeatureDef>,
}

impl FeatureCatalog {
    pub fn parse(text: &str) -> Result<Self, String> {
        let mut features: Vec<FeatureDef> = Vec::new();
        for (index, line) in text.lines().enumerate() {
            let line_number = index + 1;
            if line.trim().is_empty() || line.starts_with('#') {
                continue;
            }
            let columns: Vec<&str> = line.split('\t').collect();
            if columns.len() > 4 {
                return Err(format!("line {line_number}: more than 4 columns"));
            }
            let column = |i: usize| columns.get(i).copied().unwrap_or("").trim();
            let name = column(0).to_ascii_lowercase();
            let valid = !name.is_empty()
                && name
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || "-:".contains(c));
            if !valid {
                return Err(format!(
                    "line {line_number}: `{name}` is not a feature name"
                ));
            }
            if features.iter().any(|f| f.name == name) {
                return Err(format!("line {line_number}: `{name}` twice"));
            }
            let version = |i: usize| {
                CatalogVersion::parse(column(i)).map_err(|e| format!("line {line_number}: {e}"))
            };
            let replacement = Some(column(3))
                .filter(|r| !r.is_empty())
                .map(str::to_string);
            features.push(FeatureDef {
                name,
                since: version(1)?,
                removed_in: version(2)?,
                replacement,
            });
        }
        Ok(Self { features })
    }

    #[cfg(test)]
    pub fn features(&self) -> &[FeatureDef] {
        &self.features
    }

    /// The row of `name` as written (`admin2`, `admin:v2`), case-insensitively.
    pub fn get(&self, name: &str) -> Option<&FeatureDef> {
        self.features
            .iter()
            .find(|f| f.name.eq_ignore_ascii_case(name))
    }

    /// Whether any release knows `name` or, for `name:vN`, the feature `name`.
    pub fn knows_base(&self, name: &str) -> bool {
        let base = base_name(name);
        self.features
            .iter()
            .any(|f| f.base_name().eq_ignore_ascii_case(base))
    }

    /// The known feature closest to a misspelt `name`, when one is close enough to be what was
    /// meant (`token-exchnage` → `token-exchange`). Only names `version` accepts are offered.
    pub fn suggest(&self, name: &str, version: Option<&ProductVersion>) -> Option<&str> {
        let input = name.to_ascii_lowercase();
        let mut best: Option<(f64, &str)> = None;
        for def in &self.features {
            if version.is_some_and(|v| def.removed_by(v) || def.added_after(v).is_some()) {
                continue;
            }
            let score = strsim::jaro_winkler(&input, &def.name)
                .max(strsim::normalized_damerau_levenshtein(&input, &def.name) + 0.1);
            if best.is_none_or(|(s, _)| score > s) {
                best = Some((score, def.name.as_str()));
            }
        }
        best.filter(|(score, _)| *score >= 0.9).map(|(_, n)| n)
    }
}

static FEATURES: OnceLock<FeatureCatalog> = OnceLock::new();

/// The embedded feature catalog; a broken one (caught by the unit test below) is empty, so the
/// rules that read it stay silent instead of panicking at lint time.
pub fn feature_catalog() -> &'static FeatureCatalog {
    FEATURES.get_or_init(|| {
        crate::registry::rule_file(FEATURES_PATH)
            .and_then(|text| FeatureCatalog::parse(text).ok())
            .unwrap_or_default()
    })
}

/// The feature names one entry (option `option`, decoded value `value`) names: the items of
/// `features`/`features-disabled`, or the `<name>` of `feature-<name>` (26.5 and later). Each
/// name comes with its byte range inside the entry's decoded value, when it is in the value.
pub struct FeatureItems<'a> {
    pub option: FeatureOption,
    pub items: Vec<(&'a str, Option<std::ops::Range<usize>>)>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FeatureOption {
    Enabled,
    Disabled,
    /// `feature-<name>=enabled|disabled|vN`: the name is part of the option.
    Single,
}

pub fn feature_items<'a>(value: Option<&'a str>, option: &'a str) -> Option<FeatureItems<'a>> {
    let list = |option| {
        let value = value?;
        let mut items = Vec::new();
        let mut start = 0;
        for piece in value.split(',') {
            let trimmed = piece.trim();
            let offset = start + (piece.len() - piece.trim_start().len());
            if !trimmed.is_empty() {
                items.push((trimmed, Some(offset..offset + trimmed.len())));
            }
            start += piece.len() + 1;
        }
        Some(FeatureItems { option, items })
    };
    match option {
        "features" => list(FeatureOption::Enabled),
        "features-disabled" => list(FeatureOption::Disabled),
        _ => {
            let name = option.strip_prefix("feature-")?;
            (!name.is_empty()).then(|| FeatureItems {
                option: FeatureOption::Single,
                items: vec![(name, None)],
            })
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    use crate::version::v;

    #[test]
    fn embedded_feature_catalog_parses() {
        let text = crate::registry::rule_file(FEATURES_PATH).unwrap();
        let catalog = FeatureCatalog::parse(text).unwrap();
        assert!(catalog.features().len() > 60);
        for def in catalog.features() {
            if let (Some(since), Some(removed)) = (&def.since, &def.removed_in) {
                assert!(since.version < removed.version, "{}", def.name);
            }
            assert!(def.since.is_some(), "{} has no `since`", def.name);
            // A replacement is itself a feature, accepted from the release that removed the
            // old name.
            if let Some(replacement) = &def.replacement {
                let target = catalog.get(replacement).unwrap();
                let removed = &def.removed_in.as_ref().unwrap().version;
                assert!(target.added_after(removed).is_none(), "{replacement}");
            }
        }
    }

    #[test]
    fn versions_and_suggestions() {
        let catalog = feature_catalog();
        let admin2 = catalog.get("ADMIN2").unwrap();
        assert!(admin2.removed_by(&v("26.0.0")));
        assert!(!admin2.removed_by(&v("25.0.6")));
        assert_eq!(
            catalog
                .get("rolling-updates:v2")
                .unwrap()
                .added_after(&v("26.2.0")),
            Some(&v("26.3.0"))
        );
        // Unverified release numbers never make a name too new.
        assert_eq!(
            catalog.get("stateless").unwrap().added_after(&v("26.0.0")),
            None
        );
        assert!(catalog.knows_base("admin-fine-grained-authz:v9"));
        assert_eq!(
            catalog.suggest("token-exchnage", Some(&v("26.0.0"))),
            Some("token-exchange")
        );
        assert_eq!(catalog.suggest("passkey", None), Some("passkeys"));
        assert_eq!(catalog.suggest("kubernetes", None), None);
        // A name the release no longer has is not offered.
        assert_ne!(
            catalog.suggest("admin3", Some(&v("26.0.0"))),
            Some("admin2")
        );
    }

    #[test]
    fn bad_rows_are_reported_with_their_line() {
        let err = FeatureCatalog::parse("# c\nadmin\tseventeen\n").unwrap_err();
        assert!(err.starts_with("line 2:"), "{err}");
        let err = FeatureCatalog::parse("a b\t17.0.0\n").unwrap_err();
        assert!(err.contains("not a feature name"), "{err}");
        let err = FeatureCatalog::parse("a\t17.0.0\na\t18.0.0\n").unwrap_err();
        assert!(err.contains("twice"), "{err}");
    }

    #[test]
    fn items_carry_their_ranges() {
        let value = " admin2 ,, token-exchange";
        let items = feature_items(Some(value), "features").unwrap();
        let names: Vec<&str> = items
            .items
            .iter()
            .map(|(_, r)| &value[r.clone().unwrap()])
            .collect();
        assert_eq!(names, ["admin2", "token-exchange"]);
        let items = feature_items(Some("enabled"), "feature-token-exchange").unwrap();
        assert_eq!(items.option, FeatureOption::Single);
        assert_eq!(items.items[0].0, "token-exchange");
    }
}
