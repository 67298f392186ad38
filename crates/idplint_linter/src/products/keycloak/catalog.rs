//! The Keycloak option catalog (`rules/keycloak/options.tsv`): every option, CLI-only flag and
//! plain variable of the Quarkus distribution with the releases that added, deprecated and
//! removed it. Parsed once from the embedded rule data.

use crate::version::ProductVersion;
use std::collections::HashMap;
use std::sync::OnceLock;

/// Path of the catalog inside `rules/`.
pub const CATALOG_PATH: &str = "keycloak/options.tsv";

/// A release in the catalog; `exact` is false for "this minor or earlier, not verified".
#[derive(Clone, Debug)]
pub struct CatalogVersion {
    pub version: ProductVersion,
    pub exact: bool,
}

impl CatalogVersion {
    pub(crate) fn parse(text: &str) -> Result<Option<Self>, String> {
        let text = text.trim();
        if text.is_empty() {
            return Ok(None);
        }
        let (core, exact) = match text.strip_suffix('?') {
            Some(core) => (core, false),
            None => (text, true),
        };
        ProductVersion::parse(core)
            .map(|version| Some(Self { version, exact }))
            .ok_or_else(|| format!("`{text}` is not a version"))
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OptionKind {
    /// A regular option: conf key, `--option`, `KC_OPTION`.
    Option,
    /// A command-line flag without a conf or env form (`--optimized`).
    Cli,
    /// A plain environment variable the distribution reads (`KEYCLOAK_ADMIN`).
    Env,
}

/// Whether the option is fixed by `kc.sh build`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum BuildTime {
    Yes,
    No,
    /// Build-time before this release, runtime from it on.
    Until(ProductVersion),
    /// Runtime before this release, build-time from it on.
    From(ProductVersion),
    /// Depends on the property suffix (SPI options).
    Suffix,
    NotApplicable,
}

/// A change to one value of an option (`cache-stack=kubernetes` deprecated in 26.3.0).
#[derive(Clone, Debug)]
pub struct ValueChange {
    pub removed: bool,
    pub values: Vec<String>,
    pub version: ProductVersion,
}

#[derive(Clone, Debug)]
pub struct OptionDef {
    /// `db-url-host`, `log-level-<category>`, `KEYCLOAK_ADMIN` (for `Env` rows).
    pub name: String,
    /// `KC_DB_URL_HOST`; `None` for CLI-only flags.
    pub env: Option<String>,
    pub kind: OptionKind,
    pub value_type: String,
    pub values: Vec<String>,
    pub build_time: BuildTime,
    pub since: Option<CatalogVersion>,
    pub deprecated_in: Option<CatalogVersion>,
    pub removed_in: Option<CatalogVersion>,
    pub replacement: Option<String>,
    pub secret: bool,
    pub value_changes: Vec<ValueChange>,
    /// Literal pieces between `<placeholder>`s, for wildcard rows.
    pattern: Option<Vec<String>>,
}

/// Where an option stands on one version.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Availability {
    Available,
    /// Added in a later release.
    NotYet(ProductVersion),
    /// Removed in this release (at or before the version asked about).
    Removed(ProductVersion),
}

impl OptionDef {
    pub fn is_wildcard(&self) -> bool {
        self.pattern.is_some()
    }

    /// The option's state on `version`. Unverified release numbers never make an option
    /// unavailable: better to miss a finding than to invent one.
    pub fn availability(&self, version: &ProductVersion) -> Availability {
        if let Some(since) = &self.since
            && since.exact
            && version < &since.version
        {
            return Availability::NotYet(since.version.clone());
        }
        if let Some(removed) = &self.removed_in
            && removed.exact
            && version >= &removed.version
        {
            return Availability::Removed(removed.version.clone());
        }
        Availability::Available
    }

    pub fn is_available(&self, version: Option<&ProductVersion>) -> bool {
        version.is_none_or(|v| self.availability(v) == Availability::Available)
    }

    pub fn is_deprecated(&self, version: &ProductVersion) -> bool {
        self.deprecated_in
            .as_ref()
            .is_some_and(|d| d.exact && version >= &d.version)
    }

    fn matches(&self, option: &str) -> bool {
        match &self.pattern {
            Some(pieces) => wildcard_match(pieces, option),
            None => self.name == option,
        }
    }
}

/// Whether `text` is `pieces[0] X pieces[1] Y ...` with every placeholder at least one byte.
fn wildcard_match(pieces: &[String], text: &str) -> bool {
    let Some((first, rest)) = pieces.split_first() else {
        return text.is_empty();
    };
    let Some(after) = text.strip_prefix(first.as_str()) else {
        return false;
    };
    if rest.is_empty() {
        return after.is_empty();
    }
    // A placeholder follows `first`: try every split point (options are short).
    (1..=after.len())
        .filter(|&i| after.is_char_boundary(i))
        .any(|i| wildcard_match(rest, &after[i..]))
}

/// Split `log-level-<category>` into `["log-level-", ""]`: literal text around placeholders.
fn pattern_pieces(name: &str) -> Option<Vec<String>> {
    if !name.contains('<') {
        return None;
    }
    let mut pieces = Vec::new();
    let mut rest = name;
    while let Some(open) = rest.find('<') {
        pieces.push(rest[..open].to_string());
        let close = rest[open..].find('>').map_or(rest.len(), |i| open + i + 1);
        rest = &rest[close..];
    }
    pieces.push(rest.to_string());
    Some(pieces)
}

#[derive(Debug, Default)]
pub struct Catalog {
    options: Vec<OptionDef>,
    by_name: HashMap<String, usize>,
    by_env: HashMap<String, usize>,
    wildcards: Vec<usize>,
}

impl Catalog {
    /// Parse the TSV. Errors name the line.
    pub fn parse(text: &str) -> Result<Self, String> {
        let mut catalog = Catalog::default();
        for (number, line) in text.lines().enumerate() {
            let line_no = number + 1;
            if line.trim().is_empty() || line.starts_with('#') {
                continue;
            }
            let cells: Vec<&str> = line.split('\t').collect();
            if cells.len() != 12 {
                return Err(format!(
                    "line {line_no}: expected 12 tab-separated columns, found {}",
                    cells.len()
                ));
            }
            let at = |what: &str, e: String| format!("line {line_no}: {what}: {e}");
            let name = cells[0].trim().to_string();
            if name.is_empty() {
                return Err(format!("line {line_no}: empty option name"));
            }
            let kind = match cells[2].trim() {
                "option" => OptionKind::Option,
                "cli" => OptionKind::Cli,
                "env" => OptionKind::Env,
                other => return Err(format!("line {line_no}: unknown kind `{other}`")),
            };
            let env = match cells[1].trim() {
                "" | "-" => None,
                env => Some(env.to_string()),
            };
            let build_time = match cells[5].trim() {
                "yes" => BuildTime::Yes,
                "no" => BuildTime::No,
                "suffix" => BuildTime::Suffix,
                "-" | "" => BuildTime::NotApplicable,
                other => {
                    let (word, version) = other
                        .split_once(' ')
                        .ok_or_else(|| format!("line {line_no}: build_time `{other}`"))?;
                    let version = ProductVersion::parse(version)
                        .ok_or_else(|| format!("line {line_no}: build_time version `{version}`"))?;
                    match word {
                        "until" => BuildTime::Until(version),
                        "from" => BuildTime::From(version),
                        _ => return Err(format!("line {line_no}: build_time `{other}`")),
                    }
                }
            };
            let mut value_changes = Vec::new();
            for part in cells[11]
                .split(';')
                .map(str::trim)
                .filter(|p| !p.is_empty())
            {
                let (what, rest) = part
                    .split_once(':')
                    .ok_or_else(|| format!("line {line_no}: value change `{part}`"))?;
                let (values, version) = rest.split_once('@').ok_or_else(|| {
                    format!("line {line_no}: value change `{part}` has no `@version`")
                })?;
                value_changes.push(ValueChange {
                    removed: match what {
                        "deprecated" => false,
                        "removed" => true,
                        _ => return Err(format!("line {line_no}: value change `{part}`")),
                    },
                    values: values.split(',').map(|v| v.trim().to_string()).collect(),
                    version: ProductVersion::parse(version).ok_or_else(|| {
                        format!("line {line_no}: value change version `{version}`")
                    })?,
                });
            }
            let def = OptionDef {
                pattern: pattern_pieces(&name),
                name,
                env,
                kind,
                value_type: cells[3].trim().to_string(),
                values: cells[4]
                    .split('|')
                    .map(str::trim)
                    .filter(|v| !v.is_empty())
                    .map(str::to_string)
                    .collect(),
                build_time,
                since: CatalogVersion::parse(cells[6]).map_err(|e| at("since", e))?,
                deprecated_in: CatalogVersion::parse(cells[7])
                    .map_err(|e| at("deprecated_in", e))?,
                removed_in: CatalogVersion::parse(cells[8]).map_err(|e| at("removed_in", e))?,
                replacement: Some(cells[9].trim().to_string()).filter(|r| !r.is_empty()),
                secret: match cells[10].trim() {
                    "yes" => true,
                    "no" | "" => false,
                    other => return Err(format!("line {line_no}: secret `{other}`")),
                },
                value_changes,
            };
            let index = catalog.options.len();
            if catalog.by_name.insert(def.name.clone(), index).is_some() {
                return Err(format!("line {line_no}: `{}` is listed twice", def.name));
            }
            if let Some(env) = &def.env
                && !env.contains('<')
                && !env.contains('*')
            {
                catalog.by_env.insert(env.clone(), index);
            }
            if def.pattern.is_some() {
                catalog.wildcards.push(index);
            }
            catalog.options.push(def);
        }
        Ok(catalog)
    }

    pub fn options(&self) -> &[OptionDef] {
        &self.options
    }

    /// The definition of option `option` (kebab-case, as in keycloak.conf): an exact row
    /// first, then a wildcard row. Every `spi-*` name is an SPI setting: Keycloak does not
    /// validate SPI, provider or property names, so none of them is "unknown".
    pub fn lookup(&self, option: &str) -> Option<&OptionDef> {
        if let Some(&i) = self.by_name.get(option) {
            return self.options.get(i).filter(|d| d.kind != OptionKind::Env);
        }
        if option.len() > "spi-".len() && option.starts_with("spi-") {
            let name = if option.contains("--") {
                "spi-<spi>--<provider>--<property>"
            } else {
                "spi-<spi>-<provider>-<property>"
            };
            return self.by_name.get(name).and_then(|&i| self.options.get(i));
        }
        self.wildcards
            .iter()
            .filter_map(|&i| self.options.get(i))
            .find(|d| d.name != "spi-<spi>-<provider>-<property>" && d.matches(option))
    }

    /// A plain (non-`KC_`) environment variable row such as `KEYCLOAK_ADMIN`.
    pub fn plain_env(&self, name: &str) -> Option<&OptionDef> {
        self.by_env
            .get(name)
            .and_then(|&i| self.options.get(i))
            .filter(|d| d.kind == OptionKind::Env)
    }

    /// The closest option name to `input` (an option name, kebab-case) among options
    /// available on `version` (any version when `None`); CLI-only flags count when `cli`.
    /// A name made of the same words in another order (`admin-hostname` for
    /// `hostname-admin`) wins; otherwise the candidate must be a near-typo. Names are compared
    /// without the `KC_` prefix, which would make every variable look alike.
    pub fn suggest(
        &self,
        input: &str,
        version: Option<&ProductVersion>,
        cli: bool,
    ) -> Option<String> {
        let candidates = self
            .options
            .iter()
            .filter(|d| !d.is_wildcard() && d.is_available(version))
            .filter(|d| match d.kind {
                OptionKind::Option => true,
                OptionKind::Cli => cli,
                OptionKind::Env => false,
            })
            .map(|d| d.name.as_str())
            .filter(|c| *c != input);
        fn words(s: &str) -> Vec<&str> {
            let mut words: Vec<&str> = s.split('-').filter(|w| !w.is_empty()).collect();
            words.sort_unstable();
            words
        }
        let input_words = words(input);
        let mut best: Option<(f64, &str)> = None;
        for candidate in candidates {
            if words(candidate) == input_words {
                return Some(candidate.to_string());
            }
            let score = strsim::jaro_winkler(input, candidate)
                .max(strsim::normalized_damerau_levenshtein(input, candidate) + 0.1);
            if best.is_none_or(|(s, _)| score > s) {
                best = Some((score, candidate));
            }
        }
        best.filter(|(score, _)| *score >= 0.92)
            .map(|(_, c)| c.to_string())
    }
}

static CATALOG: OnceLock<Catalog> = OnceLock::new();

/// The embedded catalog. A broken catalog (caught by the unit test below) degrades to an
/// empty one rather than panicking at lint time; rules that need it then stay silent.
pub fn catalog() -> &'static Catalog {
    CATALOG.get_or_init(|| {
        crate::registry::rule_file(CATALOG_PATH)
            .and_then(|text| Catalog::parse(text).ok())
            .unwrap_or_default()
    })
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use crate::unit::keycloak_env_name;

    use crate::version::v;

    #[test]
    fn embedded_catalog_parses_without_duplicates() {
        let text = crate::registry::rule_file(CATALOG_PATH).unwrap();
        let catalog = Catalog::parse(text).unwrap();
        assert!(catalog.options().len() > 300, "{}", catalog.options().len());
        let mut envs = std::collections::HashSet::new();
        for def in catalog.options() {
            // Every row's versions parsed (else `parse` failed); they are ordered.
            if let (Some(since), Some(removed)) = (&def.since, &def.removed_in) {
                assert!(since.version < removed.version, "{}", def.name);
            }
            if let (Some(dep), Some(removed)) = (&def.deprecated_in, &def.removed_in) {
                assert!(dep.version <= removed.version, "{}", def.name);
            }
            assert!(def.since.is_some(), "{} has no `since`", def.name);
            if def.kind == OptionKind::Option {
                let env = def.env.as_deref().unwrap();
                assert!(envs.insert(env.to_string()), "env {env} twice");
                if !def.is_wildcard() {
                    assert_eq!(keycloak_env_name(&def.name), env, "{}", def.name);
                }
            }
        }
        assert!(catalog.lookup("db-password").unwrap().secret);
        assert_eq!(
            catalog
                .lookup("proxy")
                .unwrap()
                .removed_in
                .as_ref()
                .unwrap()
                .version,
            v("26.0.0")
        );
    }

    #[test]
    fn wildcards_and_spi() {
        let catalog = catalog();
        assert_eq!(
            catalog.lookup("log-level-org-keycloak").unwrap().name,
            "log-level-<category>"
        );
        assert_eq!(
            catalog.lookup("db-kind-reports").unwrap().name,
            "db-kind-<datasource>"
        );
        assert_eq!(catalog.lookup("db-url-host").unwrap().name, "db-url-host");
        assert!(catalog.lookup("db-url-hostname").is_none());
        assert!(catalog.lookup("feature-token-exchange").is_some());
        assert!(catalog.lookup("spi-hostname-provider").is_some());
        assert!(
            catalog
                .lookup("spi-cors--default--allowed-headers")
                .is_some()
        );
        assert!(catalog.lookup("admin-hostname").is_none());
        assert!(catalog.lookup("KEYCLOAK_ADMIN").is_none());
        assert!(catalog.plain_env("KEYCLOAK_ADMIN").is_some());
        let log_level = catalog.lookup("log-level-org-keycloak").unwrap();
        assert_eq!(
            log_level.availability(&v("25.0.6")),
            Availability::NotYet(v("26.1.0"))
        );
        assert_eq!(
            log_level.availability(&v("26.1.0")),
            Availability::Available
        );
        // Unverified `since` never makes an option "too new".
        let lifetime = catalog.lookup("db-pool-max-lifetime").unwrap();
        assert_eq!(lifetime.availability(&v("22.0.0")), Availability::Available);
    }

    #[test]
    fn suggestions() {
        let catalog = catalog();
        let target = v("26.4.0");
        let suggest = |input: &str| catalog.suggest(input, Some(&target), false);
        assert_eq!(suggest("admin-hostname").as_deref(), Some("hostname-admin"));
        assert_eq!(suggest("db-user-name").as_deref(), Some("db-username"));
        assert_eq!(suggest("http-enable").as_deref(), Some("http-enabled"));
        assert_eq!(suggest("health-enable").as_deref(), Some("health-enabled"));
        // Not typos: no suggestion rather than a wrong one.
        assert_eq!(suggest("node-name"), None);
        assert_eq!(suggest("port"), None);
        assert_eq!(suggest("realm-name"), None);
        // Removed options are not suggested for the target.
        assert_eq!(suggest("proxi"), None);
        assert_eq!(
            catalog
                .suggest("proxi", Some(&v("25.0.0")), false)
                .as_deref(),
            Some("proxy")
        );
    }
}
